//! glibc's allocator, set up for a process that runs for months and decodes pictures of several
//! megabytes on a worker thread.
//!
//! By default glibc serves an allocation above 128 KiB with its own `mmap`, but raises that
//! threshold to the size of any such block once it is freed (up to 32 MiB): after the first
//! 1080p picture is decoded, every later decode buffer comes from a heap arena, and a freed
//! buffer stays in the process as free-list memory that RSS keeps counting. Each thread that
//! allocates may also get an arena of its own (up to eight per core). A fixed threshold keeps
//! big buffers in `mmap`, returned to the system as soon as they are freed, and two arenas are
//! enough for a UI thread and a content worker. Measured in `docs/PERFORMANCE.md`. No crate
//! wraps `mallopt`; it is two calls.
//!
//! Smaller blocks (thumbnails, view models, SQLite's pages) are freed into the arenas' free
//! lists, and glibc gives back only what lies at the top of an arena: a worker that decoded a
//! few hundred thumbnails keeps megabytes of free pages resident. [`release_free`] hands them
//! back; the content worker calls it once it has been idle for a while (`worker.rs`).

/// Blocks at least this large are mapped on their own and unmapped when freed.
pub const MMAP_THRESHOLD: i32 = 256 * 1024;
/// Heap arenas shared by all threads.
pub const ARENA_MAX: i32 = 2;

/// Applies the settings above; call first thing in `main`, before other threads start.
/// Allocator settings given in the environment (`GLIBC_TUNABLES`, `MALLOC_*`) win: then, and
/// elsewhere than on glibc, it does nothing. Whether it applied them.
pub fn tune() -> bool {
    let from_environment = std::env::vars_os().any(|(name, _)| {
        let name = name.to_string_lossy();
        name == "GLIBC_TUNABLES" || name.starts_with("MALLOC_")
    });
    if from_environment {
        return false;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes allocator parameters; it is safe to call at any time,
        // and these are valid values for both parameters.
        let (threshold, arenas) = unsafe {
            (
                libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD),
                libc::mallopt(libc::M_ARENA_MAX, ARENA_MAX),
            )
        };
        threshold == 1 && arenas == 1
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    false
}

/// Returns the free pages of every arena to the system (`malloc_trim(0)`): they stay mapped and
/// come back zeroed on the next allocation that needs them. Takes each arena's lock in turn, so
/// call it when the process is idle. Whether anything was released; elsewhere than on glibc
/// it does nothing.
pub fn release_free() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only walks the allocator's own free lists under its locks.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    false
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn freed_small_blocks_are_given_back() {
        // Many small blocks (below the mmap threshold, so from the arena), then most of them
        // freed, every other one kept so the free space is spread, not at the arena's top.
        let mut blocks: Vec<Vec<u8>> = (0..4096).map(|i| vec![i as u8; 16 * 1024]).collect();
        let kept: Vec<Vec<u8>> = blocks
            .drain(..)
            .enumerate()
            .filter_map(|(i, b)| (i % 64 == 0).then_some(b))
            .collect();
        assert!(
            super::release_free(),
            "64 MB freed between kept blocks: some pages go back"
        );
        // What was kept is intact.
        assert!(
            kept.iter()
                .enumerate()
                .all(|(i, b)| b.iter().all(|&x| x == (i * 64) as u8))
        );
    }
}
