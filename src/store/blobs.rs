//! Image files named by their sha256, next to the database.
//!
//! A blob is written to `NAME.part`, flushed to disk, verified and only then renamed to its name,
//! so a file under a blob's name is always complete and correct, even after a power cut.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use protocol::content::{is_sha256_hex, sha256_hex};
use sha2::{Digest, Sha256};

use super::{Result, StoreError};

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl BlobStore {
    /// Opens (and creates) the blob folder.
    pub fn open(dir: impl Into<PathBuf>) -> Result<BlobStore> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(BlobStore { dir })
    }

    /// The blob folder at `dir`, as it is: nothing is created (read-only uses).
    pub fn at(dir: impl Into<PathBuf>) -> BlobStore {
        BlobStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the blob lives once complete. Names that are not sha256 hex get a path that never
    /// exists, so a bad name from anywhere cannot escape the folder.
    pub fn path(&self, sha256: &str) -> PathBuf {
        if is_sha256_hex(sha256) {
            self.dir.join(sha256)
        } else {
            self.dir.join("invalid-name")
        }
    }

    /// Where a download in progress is kept, for resuming.
    pub fn part_path(&self, sha256: &str) -> PathBuf {
        self.path(sha256).with_extension("part")
    }

    pub fn contains(&self, sha256: &str) -> bool {
        is_sha256_hex(sha256) && self.path(sha256).is_file()
    }

    /// Stores bytes under their hash, verifying that `sha256` is their hash.
    pub fn put(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let actual = sha256_hex(bytes);
        if actual != sha256 {
            return Err(StoreError::BlobMismatch {
                sha256: sha256.to_string(),
                actual,
            });
        }
        if self.contains(sha256) {
            return Ok(());
        }
        // A name of its own: `NAME.part` belongs to the resumable downloader, and an import may
        // run while a sync downloads the same image.
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let tmp = self.dir.join(format!(
            "{sha256}.{}-{}.tmp",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            fs::rename(&tmp, self.path(sha256))?;
            if let Ok(dir) = File::open(&self.dir) {
                let _ = dir.sync_all();
            }
            Ok(())
        })();
        written.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io(&tmp)(e)
        })
    }

    /// Verifies a finished `.part` file and gives it its name, durably; a file that does not
    /// match is deleted so the next attempt downloads it afresh.
    pub fn commit_part(&self, sha256: &str) -> Result<()> {
        let part = self.part_path(sha256);
        let mut hasher = Sha256::new();
        let mut file = File::open(&part).map_err(io(&part))?;
        std::io::copy(&mut file, &mut hasher).map_err(io(&part))?;
        drop(file);
        self.commit_hashed_part(sha256, &hex::encode(hasher.finalize()))?;
        self.sync_dir();
        Ok(())
    }

    /// Gives a finished `.part` file its name when `actual`, the sha256 of its bytes (hashed
    /// while they were written, so they are not read a second time), is `sha256`; otherwise
    /// deletes it. The file is flushed to disk before the rename; the rename itself becomes
    /// durable with the next [`BlobStore::sync_dir`], so a batch of downloads pays for one
    /// directory sync, not one each.
    pub fn commit_hashed_part(&self, sha256: &str, actual: &str) -> Result<()> {
        let part = self.part_path(sha256);
        if actual != sha256 {
            let _ = fs::remove_file(&part);
            return Err(StoreError::BlobMismatch {
                sha256: sha256.to_string(),
                actual: actual.to_string(),
            });
        }
        File::open(&part)
            .and_then(|f| f.sync_all())
            .map_err(io(&part))?;
        let target = self.path(sha256);
        fs::rename(&part, &target).map_err(io(&target))
    }

    /// Makes the renames done in the folder durable (best effort: a file system that cannot
    /// sync a directory still has the files).
    pub fn sync_dir(&self) {
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
    }

    /// Deletes temporary files a crash left behind: `*.tmp` (an unfinished [`BlobStore::put`];
    /// never resumed) and `*.part` files whose name is no blob's, once untouched for `grace`
    /// (so a write in progress in another process is left alone). A blob's own `NAME.part` is
    /// a resumable download: the garbage collection of unreferenced images handles those.
    /// Returns the names deleted.
    pub fn remove_stale_temporaries(&self, grace: std::time::Duration) -> Result<Vec<String>> {
        let entries = fs::read_dir(&self.dir).map_err(io(&self.dir))?;
        let now = std::time::SystemTime::now();
        let mut removed = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let temporary = name.ends_with(".tmp")
                || name
                    .strip_suffix(".part")
                    .is_some_and(|stem| !is_sha256_hex(stem));
            if !temporary {
                continue;
            }
            let age = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .unwrap_or_default();
            if age < grace {
                continue;
            }
            match fs::remove_file(entry.path()) {
                Ok(()) => removed.push(name),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(error = %e, %name, "cannot delete a leftover temporary file")
                }
            }
        }
        if !removed.is_empty() {
            tracing::info!(
                count = removed.len(),
                "deleted temporary image files left by a crash"
            );
        }
        Ok(removed)
    }

    pub fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path(sha256);
        fs::read(&path).map_err(io(&path))
    }

    /// Deletes a blob; missing blobs are fine.
    pub fn remove(&self, sha256: &str) -> Result<()> {
        let path = self.path(sha256);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(&path)(e)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_verifies_and_names_by_hash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(dir.path().join("blobs")).expect("open");
        let sha = sha256_hex(b"pixels");
        // A download of the same blob is in progress: `put` must leave its `.part` alone.
        fs::write(store.part_path(&sha), b"pix").expect("partial download");
        store.put(&sha, b"pixels").expect("put");
        assert!(store.contains(&sha));
        assert_eq!(fs::read(store.part_path(&sha)).expect("part"), b"pix");
        fs::remove_file(store.part_path(&sha)).expect("cleanup");
        assert_eq!(store.read(&sha).expect("read"), b"pixels");
        assert!(!store.part_path(&sha).exists());

        let wrong = sha256_hex(b"other");
        assert!(matches!(
            store.put(&wrong, b"pixels"),
            Err(StoreError::BlobMismatch { .. })
        ));
        assert!(!store.contains(&wrong));
    }

    #[test]
    fn corrupt_part_is_discarded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(dir.path()).expect("open");
        let sha = sha256_hex(b"whole file");
        fs::write(store.part_path(&sha), b"whole fi").expect("write");
        assert!(store.commit_part(&sha).is_err());
        assert!(!store.part_path(&sha).exists());
        assert!(!store.contains(&sha));
    }

    #[test]
    fn leftovers_of_a_crash_go_after_their_grace_period() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(dir.path()).expect("open");
        let sha = sha256_hex(b"pixels");
        let tmp = dir.path().join(format!("{sha}.4242-0.tmp"));
        let odd_part = dir.path().join("invalid-name.part");
        let download = store.part_path(&sha);
        for f in [&tmp, &odd_part, &download] {
            fs::write(f, b"half").expect("writes");
        }
        store.put(&sha, b"pixels").expect("put");
        let hour = std::time::Duration::from_secs(3600);
        assert!(
            store
                .remove_stale_temporaries(hour)
                .expect("scan")
                .is_empty(),
            "fresh: kept"
        );
        // An hour later (file times moved back instead of the clock forward).
        let old = std::time::SystemTime::now() - hour * 2;
        for f in [&tmp, &odd_part, &download] {
            fs::File::options()
                .write(true)
                .open(f)
                .and_then(|file| file.set_modified(old))
                .expect("ages");
        }
        let mut removed = store.remove_stale_temporaries(hour).expect("scan");
        removed.sort();
        assert_eq!(
            removed,
            [format!("{sha}.4242-0.tmp"), "invalid-name.part".to_string()]
        );
        assert!(
            download.exists(),
            "a blob's download is resumed, not swept here"
        );
        assert!(store.contains(&sha));
    }

    #[test]
    fn bad_names_stay_inside_the_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(dir.path()).expect("open");
        assert!(store.path("../../etc/passwd").starts_with(dir.path()));
        assert!(!store.contains("../x"));
    }
}
