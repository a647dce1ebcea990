//! Garbage collection of image files: a file nothing (live or staged) references is remembered
//! in `orphans` with the time it was first seen unreferenced, and deleted only after a grace
//! period, so an image a half-applied sync still needs is not thrown away.

use std::collections::BTreeSet;

use rusqlite::params;

use super::ContentStore;
use crate::store::{Result, StoreError};

/// What [`ContentStore::collect_garbage`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Garbage {
    /// Files that became unreferenced now; they are kept for the grace period.
    pub newly_orphaned: usize,
    /// Files deleted because they stayed unreferenced for the whole grace period, and
    /// temporary files a crash left that were older than it.
    pub removed: Vec<String>,
}

impl ContentStore {
    /// Every blob the content (and the staging area) references.
    pub fn referenced_blobs(&self) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for record in self
            .all_records()?
            .iter()
            .chain(self.staged_records()?.iter())
        {
            out.extend(record.blobs().into_iter().map(str::to_string));
        }
        Ok(out)
    }

    /// Deletes image files (and unfinished `.part` downloads) that nothing has referenced for
    /// `grace`. A file found unreferenced is remembered with `now`; one referenced again is
    /// forgotten. Rows of the `images` table for unreferenced images go at once (the table
    /// describes the content). `now` is a parameter so tests can move time.
    pub fn collect_garbage(
        &mut self,
        now: chrono::DateTime<chrono::Utc>,
        grace: std::time::Duration,
    ) -> Result<Garbage> {
        let referenced = self.referenced_blobs()?;
        self.collect_unreferenced(now, grace, &referenced)
    }

    /// [`ContentStore::collect_garbage`] when the caller knows `live`, the images the content
    /// references now (the sync has just read or swapped in the content): the records are not
    /// read again, only those of the staging area, if there are any.
    pub fn collect_garbage_of(
        &mut self,
        now: chrono::DateTime<chrono::Utc>,
        grace: std::time::Duration,
        live: &BTreeSet<String>,
    ) -> Result<Garbage> {
        let staging: bool = self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM staging)", [], |r| r.get(0))
            .map_err(self.sql_err())?;
        if !staging {
            return self.collect_unreferenced(now, grace, live);
        }
        let mut referenced = live.clone();
        for record in self.staged_records()? {
            referenced.extend(record.blobs().into_iter().map(str::to_string));
        }
        self.collect_unreferenced(now, grace, &referenced)
    }

    fn collect_unreferenced(
        &mut self,
        now: chrono::DateTime<chrono::Utc>,
        grace: std::time::Duration,
        referenced: &BTreeSet<String>,
    ) -> Result<Garbage> {
        // Temporary files a crash left: never resumed, so their age alone decides.
        let mut stale_temporaries = self.blobs.remove_stale_temporaries(grace)?;
        let dir = self.blobs.dir().to_path_buf();
        let entries = std::fs::read_dir(&dir).map_err(|source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut unreferenced = BTreeSet::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let sha = name.strip_suffix(".part").unwrap_or(&name);
            if protocol::content::is_sha256_hex(sha) && !referenced.contains(sha) {
                unreferenced.insert(name);
            }
        }
        let cutoff = now - chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::MAX);
        let garbage = self.write(|tx| {
            let mut garbage = Garbage::default();
            let known: Vec<(String, String)> = {
                let mut stmt = tx.prepare("SELECT name, since FROM orphans")?;
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?
            };
            let mut remembered = BTreeSet::new();
            for (name, since) in known {
                if !unreferenced.contains(&name) {
                    tx.execute("DELETE FROM orphans WHERE name = ?1", [&name])?;
                    continue;
                }
                remembered.insert(name.clone());
                let expired = chrono::DateTime::parse_from_rfc3339(&since)
                    .map(|t| t.with_timezone(&chrono::Utc) <= cutoff)
                    .unwrap_or(true);
                if expired {
                    match std::fs::remove_file(dir.join(&name)) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                            tracing::warn!(error = %e, %name, "cannot delete an unused image");
                            continue;
                        }
                        _ => {}
                    }
                    tx.execute("DELETE FROM orphans WHERE name = ?1", [&name])?;
                    garbage.removed.push(name);
                }
            }
            for name in unreferenced.difference(&remembered) {
                tx.execute(
                    "INSERT INTO orphans (name, since) VALUES (?1, ?2)",
                    params![name, now.to_rfc3339()],
                )?;
                garbage.newly_orphaned += 1;
            }
            let rows: Vec<String> = {
                let mut stmt = tx.prepare("SELECT sha256 FROM images")?;
                stmt.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            for sha in rows.iter().filter(|sha| !referenced.contains(*sha)) {
                tx.execute("DELETE FROM images WHERE sha256 = ?1", [sha])?;
            }
            Ok(garbage)
        })?;
        let mut garbage = garbage;
        garbage.removed.append(&mut stale_temporaries);
        if !garbage.removed.is_empty()
            && let Ok(d) = std::fs::File::open(&dir)
        {
            let _ = d.sync_all();
        }
        Ok(garbage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreferenced_files_go_after_the_grace_period() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("opens");
        let sha = protocol::content::sha256_hex(b"old picture");
        store.blobs().put(&sha, b"old picture").expect("puts");
        let part = store
            .blobs()
            .part_path(&protocol::content::sha256_hex(b"x"));
        std::fs::write(&part, b"half").expect("writes");
        let grace = std::time::Duration::from_secs(3600);
        let now = chrono::Utc::now();
        let g = store.collect_garbage(now, grace).expect("gc");
        assert_eq!((g.newly_orphaned, g.removed.len()), (2, 0));
        let g = store
            .collect_garbage(now + chrono::Duration::minutes(30), grace)
            .expect("gc");
        assert!(g.removed.is_empty(), "still within the grace period");
        let g = store
            .collect_garbage(now + chrono::Duration::minutes(61), grace)
            .expect("gc");
        assert_eq!(g.removed.len(), 2);
        assert!(!store.blobs().contains(&sha));
        assert!(!part.exists());
    }

    #[test]
    fn with_the_live_images_known_only_the_staging_area_is_read() {
        use crate::store::content::Op;
        use protocol::content::{Article, ImageRef, Record};
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("opens");
        let [live, staged, unused] = [b"live".as_slice(), b"staged", b"unused"].map(|bytes| {
            let sha = protocol::content::sha256_hex(bytes);
            store.blobs().put(&sha, bytes).expect("puts");
            sha
        });
        // A snapshot in progress references `staged`.
        let mut article: Article = serde_json::from_value(serde_json::json!({
            "id": "a1", "section": "s", "order": 1, "category": "service",
            "title": {"zh": "标题", "en": "Title"}, "summary": {"zh": "", "en": ""},
            "body": [], "images": []
        }))
        .expect("an article");
        article.images.push(ImageRef {
            sha256: staged.clone(),
            width: 1,
            height: 1,
            alt: protocol::text::Text::new("", ""),
        });
        store
            .stage(&[Op::Put(Record::Article(article))], 5, "id-1", 5)
            .expect("stages");
        let known = BTreeSet::from([live.clone()]);
        let now = chrono::Utc::now();
        let g = store
            .collect_garbage_of(now, std::time::Duration::ZERO, &known)
            .expect("gc");
        assert_eq!(g.newly_orphaned, 1, "only the unused one");
        let g = store
            .collect_garbage_of(now, std::time::Duration::ZERO, &known)
            .expect("gc");
        assert_eq!(g.removed, [unused]);
        assert!(store.blobs().contains(&live) && store.blobs().contains(&staged));
    }
}
