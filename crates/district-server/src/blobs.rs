//! The blob store: image files named by the sha256 of their bytes, under `blobs/ab/abcd…`.
//! Writes go `.part` → fsync → verify → rename; reads verify again and quarantine a file
//! whose bytes no longer match its name, so a corrupt blob is never served.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use protocol::content::{is_sha256_hex, sha256_hex};

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
}

impl BlobStore {
    /// Opens the store, creating its folders.
    pub fn open(root: &Path) -> Result<BlobStore, BlobError> {
        std::fs::create_dir_all(root.join("tmp")).map_err(io(root))?;
        std::fs::create_dir_all(root.join("quarantine")).map_err(io(root))?;
        Ok(BlobStore {
            root: root.to_path_buf(),
            counter: AtomicU64::new(0),
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
        if self.get(sha)?.is_some() {
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
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// The verified bytes of a blob; `None` when absent. A file that fails verification is
    /// moved to `quarantine/`, logged, and reported absent.
    pub fn get(&self, sha: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let path = self.path(sha)?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path)(e)),
        };
        let actual = sha256_hex(&bytes);
        if actual == sha {
            return Ok(Some(bytes));
        }
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
        std::fs::rename(&path, &quarantined).map_err(io(&path))?;
        Ok(None)
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

        // Flip a byte on disk: the blob is no longer served.
        let path = dir.path().join(&sha[..2]).join(&sha);
        std::fs::write(&path, b"hello blob!").expect("corrupts");
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
}
