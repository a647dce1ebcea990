//! The staging area of a snapshot resync: pages collected durably (resumed after a crash or a
//! dropped connection) and swapped in with ONE transaction at the head, so the old content stays
//! on screen until the new content is complete.

use std::collections::HashSet;

use protocol::content::{Kind, Record};
use rusqlite::{Connection, params};

use super::meta::{set_meta, write_meta};
use super::records::{add_new_images_of, clear_content, put_text};
use super::{ContentStore, MetaUpdate, Op, sql};
use crate::store::{Result, StoreError};

impl ContentStore {
    /// The staging area of an unfinished snapshot resync: for whom it was collected (the
    /// `identity` given to [`ContentStore::stage`]) and the cursor it has reached.
    pub fn staging_state(&self) -> Result<Option<(String, u64)>> {
        let identity = self.meta("staging_identity")?;
        let seq = self.meta("staging_seq")?.and_then(|s| s.parse().ok());
        Ok(identity.zip(seq))
    }

    /// The server head at which the unfinished snapshot began (its first page's head); the
    /// server needs it to serve the snapshot's later pages below its purge horizon.
    pub fn staging_head(&self) -> Result<Option<u64>> {
        Ok(self.meta("staging_head")?.and_then(|s| s.parse().ok()))
    }

    /// Adds one snapshot page to the staging area, with the staging cursor and the head the
    /// snapshot began at, in one transaction. The content on screen does not change.
    pub fn stage(
        &mut self,
        ops: &[Op],
        staging_seq: u64,
        identity: &str,
        snapshot_head: u64,
    ) -> Result<()> {
        self.write(|tx| {
            for op in ops {
                match op {
                    Op::Put(record) => tx
                        .prepare_cached(
                            "INSERT OR REPLACE INTO staging (kind, id, data) VALUES (?1, ?2, ?3)",
                        )?
                        .execute(params![
                            record.kind().key(),
                            record.id(),
                            record.to_json().to_string()
                        ]),
                    Op::Delete(kind, id) => tx
                        .prepare_cached("DELETE FROM staging WHERE kind = ?1 AND id = ?2")?
                        .execute(params![kind.key(), id]),
                }?;
            }
            set_meta(tx, "staging_seq", &staging_seq.to_string())?;
            set_meta(tx, "staging_identity", identity)?;
            set_meta(tx, "staging_head", &snapshot_head.to_string())
        })
    }

    /// Empties the staging area.
    pub fn clear_staging(&mut self) -> Result<()> {
        self.write(|tx| clear_staging(tx))
    }

    /// The records collected in the staging area.
    pub fn staged_records(&self) -> Result<Vec<Record>> {
        Ok(self.staged()?.records)
    }

    /// The staging area as it is now: its records, each with the JSON text it was staged as,
    /// to hand to [`ContentStore::replace_with_staged`] after their images were fetched.
    pub fn staged(&self) -> Result<Staged> {
        let seq = self.staging_state()?.map(|(_, seq)| seq);
        let mut stmt = self
            .conn
            .prepare("SELECT kind, id, data FROM staging ORDER BY kind, id")
            .map_err(sql(&self.path))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(sql(&self.path))?;
        let mut staged = Staged {
            seq,
            records: Vec::new(),
            texts: Vec::new(),
        };
        for row in rows {
            let (kind, id, data) = row.map_err(sql(&self.path))?;
            let kind: Kind = kind.parse().map_err(|e: String| StoreError::Record {
                kind: "staging",
                id: id.clone(),
                source: serde::de::Error::custom(e),
            })?;
            let record = serde_json::from_str(&data)
                .and_then(|value| Record::from_json(kind, value))
                .map_err(|source| StoreError::Record {
                    kind: kind.key(),
                    id,
                    source,
                })?;
            staged.records.push(record);
            staged.texts.push(data);
        }
        Ok(staged)
    }

    /// Replaces the whole content with the staging area, in ONE transaction: the old content
    /// stays visible until the commit, and after it the cache holds exactly the staged records,
    /// with `content_seq`, `source = server`, the images they reference and `meta`. The staging
    /// area is emptied in the same transaction.
    pub fn replace_with_staging(&mut self, content_seq: u64, meta: &[MetaUpdate]) -> Result<()> {
        let staged = self.staged()?;
        self.replace_with_staged(staged, content_seq, meta)
    }

    /// [`ContentStore::replace_with_staging`] with the staging area as [`ContentStore::staged`]
    /// read it, so a sync that read it for its images does not read (parse) 10,000 records
    /// again; each goes in as the text it was staged as. Should the staging area have moved
    /// on since (it cannot while one sync holds the store), it is read again.
    pub fn replace_with_staged(
        &mut self,
        staged: Staged,
        content_seq: u64,
        meta: &[MetaUpdate],
    ) -> Result<()> {
        let staged = if self.staging_state()?.map(|(_, seq)| seq) == staged.seq {
            staged
        } else {
            self.staged()?
        };
        self.write(|tx| {
            clear_content(tx)?;
            // Many records share a picture: one row (and one look at its file) each.
            let mut images = HashSet::new();
            for (record, text) in staged.records.iter().zip(&staged.texts) {
                put_text(tx, record, text)?;
                add_new_images_of(tx, tx.blobs, record, &mut images)?;
            }
            clear_staging(tx)?;
            set_meta(tx, "content_seq", &content_seq.to_string())?;
            set_meta(tx, "source", "server")?;
            write_meta(tx, meta)?;
            tx.changed();
            Ok(())
        })
    }
}

/// The staging area read by [`ContentStore::staged`].
#[derive(Debug)]
pub struct Staged {
    /// The staging cursor when it was read.
    seq: Option<u64>,
    records: Vec<Record>,
    /// Each record's JSON as it was staged (`Record::to_json`, written by [`ContentStore::stage`]).
    texts: Vec<String>,
}

impl Staged {
    pub fn records(&self) -> &[Record] {
        &self.records
    }
}

fn clear_staging(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM staging", [])?;
    conn.execute(
        "DELETE FROM meta WHERE key IN ('staging_seq', 'staging_identity', 'staging_head')",
        [],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::content::fixtures::room;

    fn rooms(store: &ContentStore) -> Vec<String> {
        store
            .all_records()
            .expect("records")
            .iter()
            .map(|r| r.id().to_string())
            .collect()
    }

    #[test]
    fn staging_is_invisible_until_the_swap_and_resumable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("opens");
        store
            .apply_synced(&[Op::Put(room("old", 1))], 3, &[])
            .expect("applies");
        store
            .stage(
                &[Op::Put(room("a", 1)), Op::Put(room("b", 1))],
                10,
                "id-1",
                12,
            )
            .expect("stages");
        store
            .stage(
                &[Op::Delete(Kind::Room, "a".into()), Op::Put(room("c", 2))],
                20,
                "id-1",
                12,
            )
            .expect("stages");
        assert_eq!(rooms(&store), ["old"], "the content on screen is unchanged");
        drop(store);
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("reopens");
        assert_eq!(
            store.staging_state().expect("state"),
            Some(("id-1".into(), 20))
        );
        assert_eq!(store.staging_head().expect("head"), Some(12));
        store
            .replace_with_staging(20, &[("sync_identity", Some("id-1"))])
            .expect("swaps");
        let mut ids = rooms(&store);
        ids.sort();
        assert_eq!(ids, ["b", "c"]);
        assert_eq!(store.stats().expect("stats").content_seq, 20);
        assert_eq!(store.staging_state().expect("state"), None);
        assert_eq!(store.staging_head().expect("head"), None);
        assert!(store.staged_records().expect("staged").is_empty());
    }

    #[test]
    fn a_staging_area_read_before_it_moved_on_is_read_again_for_the_swap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("opens");
        store
            .stage(&[Op::Put(room("a", 1))], 10, "id-1", 12)
            .expect("stages");
        let read = store.staged().expect("reads");
        assert_eq!(read.records(), [room("a", 1)]);
        // Swapped in as read: the records and the texts they were staged as.
        let mut copy = ContentStore::open_or_rebuild(&dir.path().join("copy"))
            .expect("opens")
            .0;
        copy.stage(&[Op::Put(room("a", 1))], 10, "id-1", 12)
            .expect("stages");
        let copied = copy.staged().expect("reads");
        copy.replace_with_staged(copied, 10, &[]).expect("swaps");
        assert_eq!(rooms(&copy), ["a"]);
        assert_eq!(copy.stats().expect("stats").content_seq, 10);

        // A page staged after the read: the swap reads the staging area again.
        store
            .stage(&[Op::Put(room("b", 2))], 11, "id-1", 12)
            .expect("stages");
        store.replace_with_staged(read, 11, &[]).expect("swaps");
        let mut ids = rooms(&store);
        ids.sort();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(store.staging_state().expect("state"), None);
    }
}
