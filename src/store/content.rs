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
    Migrations::new(vec![M::up(
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
    )])
});

/// One change to apply: what an import or a sync page is made of.
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
        f.debug_struct("ContentStore").field("path", &self.path).finish()
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
        configure(&conn, &path)?;
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
        MIGRATIONS
            .to_latest(&mut self.conn)
            .map_err(|source| StoreError::Migration {
                path: self.path.display().to_string(),
                source,
            })
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
        for table in ["sections", "stations", "rooms", "articles", "events", "wishes", "images"] {
            tx.execute(&format!("DELETE FROM {table}"), [])
                .map_err(sql(&path))?;
        }
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

    /// Applies changes and records `content_seq` in one transaction. Applying the same ops
    /// twice leaves the same state, so a page re-applied after a crash changes nothing.
    pub fn apply(&mut self, ops: &[Op], content_seq: u64) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        for op in ops {
            match op {
                Op::Put(record) => put(&tx, record),
                Op::Delete(kind, id) => delete(&tx, *kind, id),
            }
            .map_err(sql(&path))?;
        }
        set_meta(&tx, "content_seq", &content_seq.to_string()).map_err(sql(&path))?;
        set_meta(&tx, "source", "server").map_err(sql(&path))?;
        bump_generation(&tx).map_err(sql(&path))?;
        tx.commit().map_err(sql(&path))
    }

    /// Records that an image blob is on disk, so records may reference it.
    pub fn add_image(&self, sha256: &str, width: u32, height: u32, bytes: u64) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO images (sha256, width, height, bytes) VALUES (?1, ?2, ?3, ?4)",
                params![sha256, width, height, bytes as i64],
            )
            .map_err(sql(&self.path))?;
        Ok(())
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
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get::<_, i64>(0))
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

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;",
    )
    .map_err(sql(path))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(sql(path))
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
