//! The blob store: image files named by the sha256 of their bytes, under `blobs/ab/abcd…`.
//! Writes go `.part` → fsync → verify → rename; reads verify again and quarantine a file
//! whose bytes no longer match its name, so a corrupt blob is never served.
//!
//! Verification reads the whole file, so it is done once per file version, not per request: a
//! file is re-verified whenever its size or modification time differs from the last
//! verification this process made (a replaced or rewritten file, any restart). Serving then
//! streams the file from disk in chunks ([`BlobStore::open_verified`]): a `304` or a `Range`
//! answer reads nothing or only the part asked for, and no image is held whole in memory.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use protocol::content::{is_sha256_hex, sha256_hex};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("`{0}` is not a blob name (64 lower-case hex digits)")]
    BadName(String),
    #[error("the bytes hash to {actual}, not {expected}")]
    Mismatch { expected: String, actual: String },
    #[error("blob store I/O on {path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BlobError + '_ {
    move |cause| BlobError::Io {
        path: path.to_path_buf(),
        cause,
    }
}

/// A folder of content-addressed files.
#[derive(Debug)]
pub struct BlobStore {
    root: PathBuf,
    counter: AtomicU64,
    /// The file version (size, modification time) each blob had when its bytes last hashed
    /// to its name in this process.
    verified: Mutex<HashMap<String, FileVersion>>,
}

/// What identifies one version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileVersion {
    len: u64,
    modified: Option<SystemTime>,
}

/// A verified blob opened for reading, positioned at its first byte.
#[derive(Debug)]
pub struct OpenBlob {
    pub file: std::fs::File,
    pub len: u64,
}

impl BlobStore {
    /// Opens the store, creating its folders.
    pub fn open(root: &Path) -> Result<BlobStore, BlobError> {
        std::fs::create_dir_all(root.join("tmp")).map_err(io(root))?;
        std::fs::create_dir_all(root.join("quarantine")).map_err(io(root))?;
        Ok(BlobStore {
            root: root.to_path_buf(),
            counter: AtomicU64::new(0),
            verified: Mutex::new(HashMap::new()),
        })
    }

    fn path(&self, sha: &str) -> Result<PathBuf, BlobError> {
        if !is_sha256_hex(sha) {
            return Err(BlobError::BadName(sha.to_string()));
        }
        Ok(self.root.join(&sha[..2]).join(sha))
    }

    /// Whether a file by that name is present (not verified: [`BlobStore::get`] does that).
    pub fn contains(&self, sha: &str) -> bool {
        self.path(sha).map(|p| p.is_file()).unwrap_or(false)
    }

    /// Stores `bytes` under `sha`, which they must hash to. Returns false when already present.
    pub fn put(&self, sha: &str, bytes: &[u8]) -> Result<bool, BlobError> {
        let target = self.path(sha)?;
        let actual = sha256_hex(bytes);
        if actual != sha {
            return Err(BlobError::Mismatch {
                expected: sha.to_string(),
                actual,
            });
        }
        if self.open_verified(sha)?.is_some() {
            return Ok(false);
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let part = self
            .root
            .join("tmp")
            .join(format!("{sha}.{}.{n}.part", std::process::id()));
        let result = self.write_part(&part, &target, sha, bytes);
        if result.is_err() {
            let _ = std::fs::remove_file(&part);
        }
        result.map(|()| true)
    }

    fn write_part(
        &self,
        part: &Path,
        target: &Path,
        sha: &str,
        bytes: &[u8],
    ) -> Result<(), BlobError> {
        {
            let mut file = std::fs::File::create(part).map_err(io(part))?;
            file.write_all(bytes).map_err(io(part))?;
            file.sync_all().map_err(io(part))?;
        }
        let written = std::fs::read(part).map_err(io(part))?;
        let actual = sha256_hex(&written);
        if actual != sha {
            return Err(BlobError::Mismatch {
                expected: sha.to_string(),
                actual,
            });
        }
        let dir = target.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        std::fs::rename(part, target).map_err(io(target))?;
        // Make the rename itself durable.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Deletes a blob; `false` when it was not there. Callers make sure no record uses it.
    pub fn remove(&self, sha: &str) -> Result<bool, BlobError> {
        let path = self.path(sha)?;
        self.forget(sha);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// The verified bytes of a blob; `None` when absent. A file that fails verification is
    /// moved to `quarantine/`, logged, and reported absent.
    pub fn get(&self, sha: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let Some(mut blob) = self.open_verified(sha)? else {
            return Ok(None);
        };
        let path = self.path(sha)?;
        let mut bytes = Vec::with_capacity(usize::try_from(blob.len).unwrap_or(0));
        blob.file.read_to_end(&mut bytes).map_err(io(&path))?;
        Ok(Some(bytes))
    }

    /// Opens a blob for serving; `None` when absent. The file is hashed only when this
    /// version of it (size, modification time) has not been verified yet; a file that fails is
    /// quarantined as in [`BlobStore::get`].
    pub fn open_verified(&self, sha: &str) -> Result<Option<OpenBlob>, BlobError> {
        let path = self.path(sha)?;
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path)(e)),
        };
        let meta = file.metadata().map_err(io(&path))?;
        let version = FileVersion {
            len: meta.len(),
            modified: meta.modified().ok(),
        };
        if self.verified_version(sha) == Some(version) {
            return Ok(Some(OpenBlob {
                file,
                len: version.len,
            }));
        }
        let mut hasher = Sha256::new();
        std::io::copy(&mut file, &mut hasher).map_err(io(&path))?;
        let actual = hex::encode(hasher.finalize());
        if actual != sha {
            drop(file);
            self.forget(sha);
            self.quarantine(sha, &actual, &path)?;
            return Ok(None);
        }
        file.seek(SeekFrom::Start(0)).map_err(io(&path))?;
        if let Ok(mut map) = self.verified.lock() {
            map.insert(sha.to_string(), version);
        }
        Ok(Some(OpenBlob {
            file,
            len: version.len,
        }))
    }

    fn verified_version(&self, sha: &str) -> Option<FileVersion> {
        self.verified.lock().ok()?.get(sha).copied()
    }

    fn forget(&self, sha: &str) {
        if let Ok(mut map) = self.verified.lock() {
            map.remove(sha);
        }
    }

    fn quarantine(&self, sha: &str, actual: &str, path: &Path) -> Result<(), BlobError> {
        let quarantined = self.root.join("quarantine").join(format!(
            "{sha}.{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f")
        ));
        tracing::error!(
            blob = sha,
            actual,
            moved_to = %quarantined.display(),
            "blob failed verification; quarantined, push the content again to restore it"
        );
        std::fs::rename(path, &quarantined).map_err(io(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_verifies_and_quarantines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(dir.path()).expect("opens");
        let bytes = b"hello blob".to_vec();
        let sha = sha256_hex(&bytes);
        assert!(!store.contains(&sha));
        assert!(store.put(&sha, &bytes).expect("puts"));
        assert!(
            !store.put(&sha, &bytes).expect("second put"),
            "already present"
        );
        assert_eq!(store.get(&sha).expect("gets"), Some(bytes.clone()));

        let wrong = sha256_hex(b"other");
        assert!(matches!(
            store.put(&wrong, &bytes),
            Err(BlobError::Mismatch { .. })
        ));
        assert!(matches!(
            store.get("../etc/passwd"),
            Err(BlobError::BadName(_))
        ));

        // Flip a byte on disk: the blob is no longer served. (A rewrite gets a new modification
        // time; set one explicitly, as file clocks tick coarsely.)
        let path = dir.path().join(&sha[..2]).join(&sha);
        std::fs::write(&path, b"hello blob!").expect("corrupts");
        touch_later(&path);
        assert_eq!(store.get(&sha).expect("gets"), None);
        assert!(!path.exists(), "moved to quarantine");
        assert!(store.put(&sha, &bytes).expect("restores"));
        assert_eq!(store.get(&sha).expect("gets"), Some(bytes));
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp"))
                .expect("tmp")
                .count(),
            0
        );
    }

    fn touch_later(path: &Path) {
        let file = std::fs::File::options()
            .write(true)
            .open(path)
            .expect("opens");
        let later = file.metadata().expect("meta").modified().expect("mtime")
            + std::time::Duration::from_secs(60);
        file.set_modified(later).expect("sets mtime");
    }

    #[test]
    fn a_file_is_hashed_once_per_version_and_streamed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(dir.path()).expect("opens");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let sha = sha256_hex(&bytes);
        store.put(&sha, &bytes).expect("puts");
        let mut blob = store.open_verified(&sha).expect("opens").expect("present");
        assert_eq!(blob.len, bytes.len() as u64);
        let mut read = Vec::new();
        blob.file.read_to_end(&mut read).expect("reads");
        assert_eq!(read, bytes, "positioned at the first byte after verifying");

        // Same size, same modification time: this process trusts its earlier verification
        // (bit rot that keeps both is caught after a restart, below).
        let path = dir.path().join(&sha[..2]).join(&sha);
        let before = std::fs::metadata(&path)
            .expect("meta")
            .modified()
            .expect("mtime");
        let mut rotten = bytes.clone();
        rotten[100] ^= 1;
        std::fs::write(&path, &rotten).expect("rots");
        std::fs::File::options()
            .write(true)
            .open(&path)
            .expect("opens")
            .set_modified(before)
            .expect("keeps mtime");
        assert!(store.open_verified(&sha).expect("opens").is_some());

        // A new process verifies again and refuses it.
        let restarted = BlobStore::open(dir.path()).expect("reopens");
        assert!(restarted.open_verified(&sha).expect("opens").is_none());
        assert!(!path.exists(), "quarantined");
        assert!(store.open_verified(&sha).expect("opens").is_none());

        // Put back, then rewritten with a new time: verified again, refused.
        assert!(store.put(&sha, &bytes).expect("restores"));
        assert!(store.open_verified(&sha).expect("opens").is_some());
        std::fs::write(&path, &rotten).expect("rots");
        touch_later(&path);
        assert!(store.open_verified(&sha).expect("opens").is_none());
    }
}
