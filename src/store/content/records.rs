//! Records in and out of the content tables: one row per record (its canonical JSON plus the
//! columns screens filter by), a whole bundle imported at once, a sync page applied with its
//! cursor.

use protocol::bundle::Bundle;
use protocol::content::{Kind, Record};
use rusqlite::{Connection, params};

use super::meta::{set_meta, write_meta};
use super::{ContentStore, MetaUpdate};
use crate::store::Result;
use crate::store::blobs::BlobStore;

/// One change to apply: what an import or a sync page is made of.
// Ops live in short-lived vectors of one page; boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Put(Record),
    Delete(Kind, String),
}

impl ContentStore {
    /// Replaces the whole cache with a validated bundle, in one transaction. Image files are
    /// written (verified, by hash) first; if anything fails the cache is left as it was.
    pub fn import_bundle(&mut self, bundle: &Bundle, source: &str) -> Result<()> {
        for (sha, blob) in &bundle.blobs {
            self.blobs.put(sha, &blob.bytes)?;
        }
        self.write(|tx| {
            clear_content(tx)?;
            for record in bundle.content.records() {
                put(tx, &record)?;
            }
            for (sha, blob) in &bundle.blobs {
                tx.execute(
                    "INSERT INTO images (sha256, width, height, bytes) VALUES (?1, ?2, ?3, ?4)",
                    params![sha, blob.width, blob.height, blob.bytes.len() as i64],
                )?;
            }
            // The district is a record now; the pre-schema-3 copy in `meta` would only go stale.
            tx.execute("DELETE FROM meta WHERE key = 'district'", [])?;
            set_meta(tx, "content_seq", "0")?;
            set_meta(tx, "source", source)?;
            tx.changed();
            Ok(())
        })
    }

    /// Applies a sync page: its changes, the cursor (`content_seq`), the images its records
    /// reference and `meta`, all in ONE transaction. Applying the same page twice leaves the
    /// same state. The generation moves only when there are changes, so a page that only
    /// advances the cursor does not make the screen re-read.
    pub fn apply_synced(
        &mut self,
        ops: &[Op],
        content_seq: u64,
        meta: &[MetaUpdate],
    ) -> Result<()> {
        self.write(|tx| {
            for op in ops {
                match op {
                    Op::Put(record) => {
                        put(tx, record)?;
                        add_images_of(tx, tx.blobs, record)?;
                    }
                    Op::Delete(kind, id) => delete(tx, *kind, id)?,
                }
            }
            set_meta(tx, "content_seq", &content_seq.to_string())?;
            set_meta(tx, "source", "server")?;
            write_meta(tx, meta)?;
            if !ops.is_empty() {
                tx.changed();
            }
            Ok(())
        })
    }
}

pub(super) fn put(conn: &Connection, record: &Record) -> rusqlite::Result<()> {
    put_text(conn, record, &record.to_json().to_string())
}

/// [`put`] with the record's JSON text (`Record::to_json`, as text) already at hand. Statements
/// are cached: a snapshot puts 10,000 records in one transaction.
pub(super) fn put_text(conn: &Connection, record: &Record, data: &str) -> rusqlite::Result<()> {
    let conn = Cached(conn);
    match record {
        Record::District(d) => conn.execute(
            "INSERT OR REPLACE INTO districts (id, data) VALUES (?1, ?2)",
            params![d.id, data],
        ),
        Record::Notice(n) => conn.execute(
            "INSERT OR REPLACE INTO notices (id, starts_at, ends_at, data) VALUES (?1, ?2, ?3, ?4)",
            params![n.id, n.starts_at.to_rfc3339(), n.ends_at.to_rfc3339(), data],
        ),
        Record::Section(s) => conn.execute(
            "INSERT OR REPLACE INTO sections (id, ord, data) VALUES (?1, ?2, ?3)",
            params![s.id, s.order, data],
        ),
        Record::Station(s) => conn.execute(
            "INSERT OR REPLACE INTO stations (id, ord, data) VALUES (?1, ?2, ?3)",
            params![s.id, s.order, data],
        ),
        Record::Room(r) => conn.execute(
            "INSERT OR REPLACE INTO rooms (id, station_id, ord, data) VALUES (?1, ?2, ?3, ?4)",
            params![r.id, r.station, r.order, data],
        ),
        Record::Article(a) => conn.execute(
            "INSERT OR REPLACE INTO articles (id, section_id, ord, data) VALUES (?1, ?2, ?3, ?4)",
            params![a.id, a.section, a.order, data],
        ),
        Record::Event(e) => conn.execute(
            "INSERT OR REPLACE INTO events
                 (id, station_id, room_id, starts_at, ends_at, weekly, until, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.id,
                e.station,
                e.room,
                timestamp(e.start),
                timestamp(e.end),
                e.recurrence.as_ref().is_some_and(|r| r.weekly),
                e.recurrence
                    .as_ref()
                    .and_then(|r| r.until)
                    .map(|d| d.format("%Y-%m-%d").to_string()),
                data
            ],
        ),
        Record::Wish(w) => conn.execute(
            "INSERT OR REPLACE INTO wishes (id, created_at, data) VALUES (?1, ?2, ?3)",
            params![w.id, w.created_at.to_rfc3339(), data],
        ),
        Record::Availability(a) => conn.execute(
            "INSERT OR REPLACE INTO availability (id, event_id, starts_at, data)
             VALUES (?1, ?2, ?3, ?4)",
            params![a.id, a.event, timestamp(a.start), data],
        ),
    }
    .map(|_| ())
}

fn delete(conn: &Connection, kind: Kind, id: &str) -> rusqlite::Result<()> {
    conn.execute(&format!("DELETE FROM {} WHERE id = ?1", table(kind)), [id])
        .map(|_| ())
}

pub(crate) fn table(kind: Kind) -> &'static str {
    match kind {
        Kind::District => "districts",
        Kind::Notice => "notices",
        Kind::Section => "sections",
        Kind::Station => "stations",
        Kind::Room => "rooms",
        Kind::Article => "articles",
        Kind::Event => "events",
        Kind::Wish => "wishes",
        Kind::Availability => "availability",
    }
}

/// Local wall-clock time as stored: sorts as text in time order.
pub(crate) fn timestamp(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Empties every content table (before a whole new set of content goes in).
pub(super) fn clear_content(conn: &Connection) -> rusqlite::Result<()> {
    for table in Kind::ALL.map(table).into_iter().chain(["images"]) {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

/// `execute` through the connection's statement cache (the SQL is prepared once, not per row).
struct Cached<'a>(&'a Connection);

impl Cached<'_> {
    fn execute(&self, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
        self.0.prepare_cached(sql)?.execute(params)
    }
}

/// Rows of the `images` table for the images a record references (their files are on disk).
pub(super) fn add_images_of(
    conn: &Connection,
    blobs: &BlobStore,
    record: &Record,
) -> rusqlite::Result<()> {
    add_new_images_of(conn, blobs, record, &mut std::collections::HashSet::new())
}

/// [`add_images_of`] for the images not in `seen` yet (which it adds them to): a whole
/// content's worth of records writes each image's row once.
pub(super) fn add_new_images_of<'r>(
    conn: &Connection,
    blobs: &BlobStore,
    record: &'r Record,
    seen: &mut std::collections::HashSet<&'r str>,
) -> rusqlite::Result<()> {
    let refs: Vec<&protocol::content::ImageRef> = match record {
        Record::Article(a) => a.images.iter().collect(),
        Record::Station(s) => s.image.iter().collect(),
        Record::District(d) => d.brand.logo.iter().collect(),
        _ => Vec::new(),
    };
    for image in refs.into_iter().filter(|i| seen.insert(&i.sha256)) {
        let bytes = std::fs::metadata(blobs.path(&image.sha256)).map_or(0, |m| m.len());
        conn.prepare_cached(
            "INSERT OR REPLACE INTO images (sha256, width, height, bytes) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            image.sha256,
            image.width,
            image.height,
            bytes as i64
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::content::fixtures::room;

    #[test]
    fn a_page_moves_the_generation_only_when_it_changes_something() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("opens");
        let page = [
            Op::Put(room("a", 1)),
            Op::Delete(Kind::Event, "gone".into()),
        ];
        store
            .apply_synced(&page, 5, &[("etag", Some("\"head-5\""))])
            .expect("applies");
        let generation = store.generation().expect("generation");
        store.apply_synced(&page, 5, &[]).expect("applies again");
        let ids: Vec<String> = store
            .all_records()
            .expect("records")
            .iter()
            .map(|r| r.id().to_string())
            .collect();
        assert_eq!(ids, ["a"], "applying twice changes nothing");
        store
            .apply_synced(&[], 7, &[("etag", None)])
            .expect("cursor only");
        let stats = store.stats().expect("stats");
        assert_eq!(stats.content_seq, 7);
        assert_eq!(
            stats.generation,
            generation + 1,
            "only the second apply had changes"
        );
        assert_eq!(store.meta("etag").expect("meta"), None);
    }

    #[test]
    fn a_failed_write_commits_nothing_and_keeps_the_generation() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("opens");
        let before = store.generation().expect("generation");
        let outcome = store.write(|tx| {
            put(tx, &room("a", 1))?;
            tx.changed();
            tx.execute("INSERT INTO no_such_table VALUES (1)", [])?;
            Ok(())
        });
        assert!(outcome.is_err());
        assert!(store.all_records().expect("records").is_empty());
        assert_eq!(store.generation().expect("generation"), before);
    }
}
