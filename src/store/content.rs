//! `content.db`: the cache of everything the kiosk shows.
//!
//! One table per record kind, each row holding the record's canonical JSON plus the columns the
//! screens filter and sort by. Writes (a bundle import, a sync page) are one `BEGIN IMMEDIATE`
//! transaction each, and every write moves the `generation` counter so screens know to re-read.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use protocol::bundle::Bundle;
use protocol::content::{District, Kind, Record};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use rusqlite_migration::{M, Migrations};
use serde::Serialize;

use super::blobs::BlobStore;
use super::{Result, StoreError};

/// File name of the cache inside the data directory.
pub const FILE_NAME: &str = "content.db";
/// Folder of image blobs inside the data directory.
pub const BLOB_DIR: &str = "blobs";

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
         CREATE TABLE sections (
             id TEXT PRIMARY KEY, ord INTEGER NOT NULL, data TEXT NOT NULL) STRICT;
         CREATE TABLE stations (
             id TEXT PRIMARY KEY, ord INTEGER NOT NULL, data TEXT NOT NULL) STRICT;
         CREATE TABLE rooms (
             id TEXT PRIMARY KEY, station_id TEXT NOT NULL, ord INTEGER NOT NULL,
             data TEXT NOT NULL) STRICT;
         CREATE INDEX rooms_by_station ON rooms (station_id, ord);
         CREATE TABLE articles (
             id TEXT PRIMARY KEY, section_id TEXT NOT NULL, ord INTEGER NOT NULL,
             data TEXT NOT NULL) STRICT;
         CREATE INDEX articles_by_section ON articles (section_id, ord);
         CREATE TABLE events (
             id TEXT PRIMARY KEY, station_id TEXT NOT NULL, room_id TEXT NOT NULL,
             starts_at TEXT NOT NULL, ends_at TEXT NOT NULL,
             weekly INTEGER NOT NULL, until TEXT, data TEXT NOT NULL) STRICT;
         CREATE INDEX events_by_start ON events (starts_at);
         CREATE TABLE wishes (
             id TEXT PRIMARY KEY, created_at TEXT NOT NULL, data TEXT NOT NULL) STRICT;
         CREATE TABLE images (
             sha256 TEXT PRIMARY KEY, width INTEGER NOT NULL, height INTEGER NOT NULL,
             bytes INTEGER NOT NULL) STRICT;",
        ),
        // Sync: a snapshot resync collects the server's pages here and swaps them in at once;
        // `orphans` remembers since when a file in the blob folder has been unreferenced.
        M::up(
            "CREATE TABLE staging (
                 kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
                 PRIMARY KEY (kind, id)) STRICT;
             CREATE TABLE orphans (name TEXT PRIMARY KEY, since TEXT NOT NULL) STRICT;",
        ),
    ])
});

/// One change to apply: what an import or a sync page is made of.
// Ops live in short-lived vectors of one page; boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Put(Record),
    Delete(Kind, String),
}

/// What the cache holds, for `kiosk status` and the maintenance screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub sections: u64,
    pub articles: u64,
    pub images: u64,
    pub stations: u64,
    pub rooms: u64,
    pub events: u64,
    pub wishes: u64,
    /// Server sequence the cache has applied up to; 0 for embedded demo content.
    pub content_seq: u64,
    /// Moves on every write; screens re-read when it changes.
    pub generation: u64,
    /// `demo` for the embedded bundle, `server` once synced.
    pub source: Option<String>,
}

/// The content cache: one connection, used by one thread at a time.
pub struct ContentStore {
    conn: Connection,
    path: PathBuf,
    blobs: BlobStore,
}

impl std::fmt::Debug for ContentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentStore")
            .field("path", &self.path)
            .finish()
    }
}

/// How [`ContentStore::open_or_rebuild`] found the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// A healthy cache with content.
    Healthy,
    /// No cache yet, or an empty one.
    Empty,
    /// The file failed `quick_check` (or was not a database); it was set aside.
    Rebuilt,
}

impl ContentStore {
    /// Opens the cache in `data_dir`, creating it if needed. A file that fails
    /// `PRAGMA quick_check` is moved aside as `content.db.corrupt` and a fresh one created.
    pub fn open_or_rebuild(data_dir: &Path) -> Result<(ContentStore, Opened)> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
            path: data_dir.display().to_string(),
            source,
        })?;
        let path = data_dir.join(FILE_NAME);
        let existed = path.exists();
        match Self::open_checked(data_dir) {
            Ok(store) => {
                let state = if store.stats()?.sections == 0 {
                    Opened::Empty
                } else {
                    Opened::Healthy
                };
                Ok((store, state))
            }
            Err(e) if existed => {
                tracing::warn!(error = %e, path = %path.display(), "content cache is damaged; rebuilding it");
                set_aside(&path)?;
                let store = Self::open_checked(data_dir)?;
                Ok((store, Opened::Rebuilt))
            }
            Err(e) => Err(e),
        }
    }

    /// Opens an existing cache without the integrity check, for extra reader connections.
    pub fn open(data_dir: &Path) -> Result<ContentStore> {
        let path = data_dir.join(FILE_NAME);
        let conn = Connection::open(&path).map_err(sql(&path))?;
        super::configure(&conn).map_err(sql(&path))?;
        let mut store = ContentStore {
            conn,
            blobs: BlobStore::open(data_dir.join(BLOB_DIR))?,
            path,
        };
        store.migrate()?;
        Ok(store)
    }

    fn open_checked(data_dir: &Path) -> Result<ContentStore> {
        let path = data_dir.join(FILE_NAME);
        let conn = Connection::open(&path).map_err(sql(&path))?;
        let verdict: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(sql(&path))?;
        if verdict != "ok" {
            return Err(StoreError::Sqlite {
                path: path.display().to_string(),
                source: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                    Some(format!("quick_check: {verdict}")),
                ),
            });
        }
        drop(conn);
        Self::open(data_dir)
    }

    fn migrate(&mut self) -> Result<()> {
        super::migrate(&mut self.conn, &MIGRATIONS, &self.path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn sql_err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        sql(&self.path)
    }

    /// Replaces the whole cache with a validated bundle, in one transaction. Image files are
    /// written (verified, by hash) first; if anything fails the cache is left as it was.
    pub fn import_bundle(&mut self, bundle: &Bundle, source: &str) -> Result<()> {
        for (sha, blob) in &bundle.blobs {
            self.blobs.put(sha, &blob.bytes)?;
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        clear_content(&tx).map_err(sql(&path))?;
        for record in bundle.content.records() {
            put(&tx, &record).map_err(sql(&path))?;
        }
        for (sha, blob) in &bundle.blobs {
            tx.execute(
                "INSERT INTO images (sha256, width, height, bytes) VALUES (?1, ?2, ?3, ?4)",
                params![sha, blob.width, blob.height, blob.bytes.len() as i64],
            )
            .map_err(sql(&path))?;
        }
        let district = serde_json::to_string(&bundle.content.district).unwrap_or_default();
        set_meta(&tx, "district", &district).map_err(sql(&path))?;
        set_meta(&tx, "content_seq", "0").map_err(sql(&path))?;
        set_meta(&tx, "source", source).map_err(sql(&path))?;
        bump_generation(&tx).map_err(sql(&path))?;
        tx.commit().map_err(sql(&path))
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(sql(&self.path))
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        set_meta(&self.conn, key, value).map_err(sql(&self.path))
    }

    pub fn district(&self) -> Result<Option<District>> {
        Ok(self
            .meta("district")?
            .and_then(|json| serde_json::from_str(&json).ok()))
    }

    pub fn generation(&self) -> Result<u64> {
        Ok(self
            .meta("generation")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    pub fn stats(&self) -> Result<Stats> {
        let count = |table: &str| -> Result<u64> {
            self.conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| n.max(0) as u64)
                .map_err(sql(&self.path))
        };
        Ok(Stats {
            sections: count("sections")?,
            articles: count("articles")?,
            images: count("images")?,
            stations: count("stations")?,
            rooms: count("rooms")?,
            events: count("events")?,
            wishes: count("wishes")?,
            content_seq: self
                .meta("content_seq")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            generation: self.generation()?,
            source: self.meta("source")?,
        })
    }
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite {
        path: path.display().to_string(),
        source,
    }
}

/// Moves a damaged cache (and its WAL files) out of the way, keeping it for a post-mortem.
fn set_aside(path: &Path) -> Result<()> {
    let aside = path.with_extension("db.corrupt");
    std::fs::rename(path, &aside).map_err(|source| StoreError::Io {
        path: path.display().to_string(),
        source,
    })?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    Ok(())
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .map(|_| ())
}

fn bump_generation(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('generation', '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [],
    )
    .map(|_| ())
}

fn put(conn: &Connection, record: &Record) -> rusqlite::Result<()> {
    let data = record.to_json().to_string();
    match record {
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
    }
    .map(|_| ())
}

fn delete(conn: &Connection, kind: Kind, id: &str) -> rusqlite::Result<()> {
    conn.execute(&format!("DELETE FROM {} WHERE id = ?1", table(kind)), [id])
        .map(|_| ())
}

pub(crate) fn table(kind: Kind) -> &'static str {
    match kind {
        Kind::Section => "sections",
        Kind::Station => "stations",
        Kind::Room => "rooms",
        Kind::Article => "articles",
        Kind::Event => "events",
        Kind::Wish => "wishes",
    }
}

/// Local wall-clock time as stored: sorts as text in time order.
pub(crate) fn timestamp(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Metadata written together with a sync page or a snapshot swap: `(key, Some(value))` sets a
/// key, `(key, None)` removes it.
pub type MetaUpdate<'a> = (&'a str, Option<&'a str>);

/// What [`ContentStore::collect_garbage`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Garbage {
    /// Files that became unreferenced now; they are kept for the grace period.
    pub newly_orphaned: usize,
    /// Files deleted because they stayed unreferenced for the whole grace period.
    pub removed: Vec<String>,
}

/// Sync's writes: pages applied together with their cursor, the staging area of a snapshot
/// resync and its atomic swap, and the clean-up of images nothing references any more.
impl ContentStore {
    /// Applies a sync page: its changes, the cursor (`content_seq`), the images its records
    /// reference and `meta`, all in ONE transaction. Like [`ContentStore::apply`], applying the
    /// same page twice leaves the same state. The generation moves only when there are changes,
    /// so a page that only advances the cursor does not make the screen re-read.
    pub fn apply_synced(
        &mut self,
        ops: &[Op],
        content_seq: u64,
        meta: &[MetaUpdate],
    ) -> Result<()> {
        let path = self.path.clone();
        let blobs = self.blobs.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        for op in ops {
            match op {
                Op::Put(record) => {
                    put(&tx, record).and_then(|()| add_images_of(&tx, &blobs, record))
                }
                Op::Delete(kind, id) => delete(&tx, *kind, id),
            }
            .map_err(sql(&path))?;
        }
        set_meta(&tx, "content_seq", &content_seq.to_string()).map_err(sql(&path))?;
        set_meta(&tx, "source", "server").map_err(sql(&path))?;
        write_meta(&tx, meta).map_err(sql(&path))?;
        if !ops.is_empty() {
            bump_generation(&tx).map_err(sql(&path))?;
        }
        tx.commit().map_err(sql(&path))
    }

    /// Records the district (name, time zone) the server announced; the screens re-read only
    /// when it differs from the one held.
    pub fn set_district(&mut self, district: &District) -> Result<()> {
        let json = serde_json::to_string(district).unwrap_or_default();
        if self.meta("district")?.as_deref() == Some(json.as_str()) {
            return Ok(());
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        set_meta(&tx, "district", &json).map_err(sql(&path))?;
        bump_generation(&tx).map_err(sql(&path))?;
        tx.commit().map_err(sql(&path))
    }

    /// Removes a meta key; a missing key is fine.
    pub fn remove_meta(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", [key])
            .map(|_| ())
            .map_err(sql(&self.path))
    }

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
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        for op in ops {
            match op {
                Op::Put(record) => tx.execute(
                    "INSERT OR REPLACE INTO staging (kind, id, data) VALUES (?1, ?2, ?3)",
                    params![
                        record.kind().key(),
                        record.id(),
                        record.to_json().to_string()
                    ],
                ),
                Op::Delete(kind, id) => tx.execute(
                    "DELETE FROM staging WHERE kind = ?1 AND id = ?2",
                    params![kind.key(), id],
                ),
            }
            .map_err(sql(&path))?;
        }
        set_meta(&tx, "staging_seq", &staging_seq.to_string()).map_err(sql(&path))?;
        set_meta(&tx, "staging_identity", identity).map_err(sql(&path))?;
        set_meta(&tx, "staging_head", &snapshot_head.to_string()).map_err(sql(&path))?;
        tx.commit().map_err(sql(&path))
    }

    /// Empties the staging area.
    pub fn clear_staging(&mut self) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        clear_staging(&tx).map_err(sql(&path))?;
        tx.commit().map_err(sql(&path))
    }

    /// The records collected in the staging area.
    pub fn staged_records(&self) -> Result<Vec<Record>> {
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
        let mut out = Vec::new();
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
            out.push(record);
        }
        Ok(out)
    }

    /// Replaces the whole content with the staging area, in ONE transaction: the old content
    /// stays visible until the commit, and after it the cache holds exactly the staged records,
    /// with `content_seq`, `source = server`, the images they reference and `meta`. The staging
    /// area is emptied in the same transaction.
    pub fn replace_with_staging(&mut self, content_seq: u64, meta: &[MetaUpdate]) -> Result<()> {
        let records = self.staged_records()?;
        let path = self.path.clone();
        let blobs = self.blobs.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        clear_content(&tx).map_err(sql(&path))?;
        for record in &records {
            put(&tx, record)
                .and_then(|()| add_images_of(&tx, &blobs, record))
                .map_err(sql(&path))?;
        }
        clear_staging(&tx).map_err(sql(&path))?;
        set_meta(&tx, "content_seq", &content_seq.to_string()).map_err(sql(&path))?;
        set_meta(&tx, "source", "server").map_err(sql(&path))?;
        write_meta(&tx, meta).map_err(sql(&path))?;
        bump_generation(&tx).map_err(sql(&path))?;
        tx.commit().map_err(sql(&path))
    }

    /// Every blob the content (and the staging area) references.
    pub fn referenced_blobs(&self) -> Result<std::collections::BTreeSet<String>> {
        let mut out = std::collections::BTreeSet::new();
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
        let dir = self.blobs.dir().to_path_buf();
        let entries = std::fs::read_dir(&dir).map_err(|source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut unreferenced = std::collections::BTreeSet::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let sha = name.strip_suffix(".part").unwrap_or(&name);
            if protocol::content::is_sha256_hex(sha) && !referenced.contains(sha) {
                unreferenced.insert(name);
            }
        }
        let path = self.path.clone();
        let cutoff = now - chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::MAX);
        let mut garbage = Garbage::default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        let known: Vec<(String, String)> = {
            let mut stmt = tx
                .prepare("SELECT name, since FROM orphans")
                .map_err(sql(&path))?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|rows| rows.collect::<rusqlite::Result<_>>())
                .map_err(sql(&path))?
        };
        let mut remembered = std::collections::BTreeSet::new();
        for (name, since) in known {
            if !unreferenced.contains(&name) {
                tx.execute("DELETE FROM orphans WHERE name = ?1", [&name])
                    .map_err(sql(&path))?;
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
                tx.execute("DELETE FROM orphans WHERE name = ?1", [&name])
                    .map_err(sql(&path))?;
                garbage.removed.push(name);
            }
        }
        for name in unreferenced.difference(&remembered) {
            tx.execute(
                "INSERT INTO orphans (name, since) VALUES (?1, ?2)",
                params![name, now.to_rfc3339()],
            )
            .map_err(sql(&path))?;
            garbage.newly_orphaned += 1;
        }
        let rows: Vec<String> = {
            let mut stmt = tx
                .prepare("SELECT sha256 FROM images")
                .map_err(sql(&path))?;
            stmt.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<_>>())
                .map_err(sql(&path))?
        };
        for sha in rows.iter().filter(|sha| !referenced.contains(*sha)) {
            tx.execute("DELETE FROM images WHERE sha256 = ?1", [sha])
                .map_err(sql(&path))?;
        }
        tx.commit().map_err(sql(&path))?;
        if !garbage.removed.is_empty()
            && let Ok(d) = std::fs::File::open(&dir)
        {
            let _ = d.sync_all();
        }
        Ok(garbage)
    }
}

fn write_meta(conn: &Connection, meta: &[MetaUpdate]) -> rusqlite::Result<()> {
    for (key, value) in meta {
        match value {
            Some(v) => set_meta(conn, key, v)?,
            None => {
                conn.execute("DELETE FROM meta WHERE key = ?1", [key])?;
            }
        }
    }
    Ok(())
}

/// Empties every content table (before a whole new set of content goes in).
fn clear_content(conn: &Connection) -> rusqlite::Result<()> {
    for table in Kind::ALL.map(table).into_iter().chain(["images"]) {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

fn clear_staging(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM staging", [])?;
    conn.execute(
        "DELETE FROM meta WHERE key IN ('staging_seq', 'staging_identity', 'staging_head')",
        [],
    )?;
    Ok(())
}

/// Rows of the `images` table for the images a record references (their files are on disk).
fn add_images_of(conn: &Connection, blobs: &BlobStore, record: &Record) -> rusqlite::Result<()> {
    let refs: Vec<&protocol::content::ImageRef> = match record {
        Record::Article(a) => a.images.iter().collect(),
        Record::Station(s) => s.image.iter().collect(),
        _ => Vec::new(),
    };
    for image in refs {
        let bytes = std::fs::metadata(blobs.path(&image.sha256)).map_or(0, |m| m.len());
        conn.execute(
            "INSERT OR REPLACE INTO images (sha256, width, height, bytes) VALUES (?1, ?2, ?3, ?4)",
            params![image.sha256, image.width, image.height, bytes as i64],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod sync_tests {
    use super::*;
    use protocol::content::Room;
    use protocol::text::Text;

    fn room(id: &str, capacity: u32) -> Record {
        Record::Room(Room {
            id: id.into(),
            station: "s1".into(),
            order: 1,
            name: Text::new("阅览区", "Reading area"),
            description: Text::new("书", "Books"),
            capacity: Some(capacity),
        })
    }

    fn rooms(store: &ContentStore) -> Vec<String> {
        store
            .all_records()
            .expect("records")
            .iter()
            .map(|r| r.id().to_string())
            .collect()
    }

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
        assert_eq!(rooms(&store), ["a"], "applying twice changes nothing");
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
}
