//! Bundle zips uploaded in the console wait in `DATA/console-imports/SHA256.zip` between their
//! dry run and their publication. Each goes when it is published or cancelled, or when its dry
//! run can no longer be published (the content moved on); ones left behind (a dry run nobody
//! acted on, a server stopped midway) are collected once they are older than [`MAX_AGE`], at
//! start and then hourly. Up to 128 MB each: they must not pile up on a lobby server's disk.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long an upload waits for someone to publish or cancel it.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// The folder of staged uploads.
#[derive(Debug, Clone)]
pub struct StagedImports {
    dir: PathBuf,
}

impl StagedImports {
    pub fn new(data_dir: &Path) -> StagedImports {
        StagedImports {
            dir: data_dir.join("console-imports"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of the upload with this sha256 (the caller checked it is one).
    fn path(&self, sha: &str) -> PathBuf {
        self.dir.join(format!("{sha}.zip"))
    }

    /// Keeps an upload; written beside and renamed, so a full disk never leaves half a zip
    /// under its name.
    pub fn put(&self, sha: &str, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let part = self.dir.join(format!("{sha}.zip.part"));
        let written =
            std::fs::write(&part, bytes).and_then(|()| std::fs::rename(&part, self.path(sha)));
        if written.is_err() {
            let _ = std::fs::remove_file(&part);
        }
        written
    }

    /// The upload's bytes, `None` when it is not (or no longer) here.
    pub fn read(&self, sha: &str) -> std::io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.path(sha)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Drops an upload; `false` when it was not here.
    pub fn remove(&self, sha: &str) -> std::io::Result<bool> {
        match std::fs::remove_file(self.path(sha)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Removes the uploads (and leftover partial writes) last written before `now - MAX_AGE`;
    /// returns how many. Other files in the folder are left alone.
    pub fn collect(&self, now: SystemTime) -> std::io::Result<usize> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut removed = 0;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !(name.ends_with(".zip") || name.ends_with(".zip.part")) {
                continue;
            }
            let meta = entry.metadata()?;
            if !meta.is_file() {
                continue;
            }
            let old = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age > MAX_AGE);
            if old {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_are_kept_removed_and_collected_when_old() {
        let dir = tempfile::tempdir().expect("tempdir");
        let staged = StagedImports::new(dir.path());
        assert_eq!(staged.collect(SystemTime::now()).expect("no folder yet"), 0);
        let (a, b) = ("a".repeat(64), "b".repeat(64));
        staged.put(&a, b"zip a").expect("puts");
        staged.put(&b, b"zip b").expect("puts");
        std::fs::write(staged.dir().join("notes.txt"), "not ours").expect("writes");
        assert_eq!(
            staged.read(&a).expect("reads").as_deref(),
            Some(&b"zip a"[..])
        );
        assert!(staged.remove(&a).expect("removes"));
        assert!(!staged.remove(&a).expect("a second time"));
        assert_eq!(staged.read(&a).expect("reads"), None);
        // An hour later nothing is old; a day and a bit later `b` is.
        let now = SystemTime::now();
        assert_eq!(
            staged
                .collect(now + Duration::from_secs(3600))
                .expect("collects"),
            0
        );
        assert!(staged.read(&b).expect("reads").is_some());
        assert_eq!(
            staged
                .collect(now + MAX_AGE + Duration::from_secs(60))
                .expect("collects"),
            1
        );
        assert_eq!(staged.read(&b).expect("reads"), None);
        assert!(staged.dir().join("notes.txt").exists(), "other files stay");
        assert!(!staged.dir().join(format!("{b}.zip.part")).exists());
    }
}
