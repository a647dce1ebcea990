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
