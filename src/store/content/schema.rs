//! The cache's schema and how it is opened: migrations by `user_version`, `PRAGMA quick_check`
//! at start, and a damaged file set aside so a fresh one can be built.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use super::{ContentStore, sql};
use crate::store::blobs::BlobStore;
use crate::store::{Result, StoreError};

/// File name of the cache inside the data directory.
pub const FILE_NAME: &str = "content.db";
/// Folder of image blobs inside the data directory.
pub const BLOB_DIR: &str = "blobs";

/// The `user_version` the migrations below bring a cache to (a test keeps the two in step).
const LATEST_VERSION: i64 = 4;

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
        // Schema 2 of the protocol: seats taken per event occurrence.
        M::up(
            "CREATE TABLE availability (
                 id TEXT PRIMARY KEY, event_id TEXT NOT NULL, starts_at TEXT NOT NULL,
                 data TEXT NOT NULL) STRICT;
             CREATE INDEX availability_by_event ON availability (event_id, starts_at);",
        ),
        // Schema 3 of the protocol: the district (with its brand) is a record of the feed, and
        // so are urgent notices. An older cache keeps its district in `meta` until the first
        // sync or import writes the record.
        M::up(
            "CREATE TABLE districts (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
             CREATE TABLE notices (
                 id TEXT PRIMARY KEY, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL,
                 data TEXT NOT NULL) STRICT;",
        ),
    ])
});

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

/// What a read-only look at the cache found ([`ContentStore::inspect`]).
#[derive(Debug)]
pub enum Inspection {
    /// No `content.db` in the folder: the kiosk has not started there yet.
    NoCache,
    /// The file is not a healthy database (why); the kiosk sets it aside at its next start.
    Damaged(String),
    /// The file has another schema version than this software's; the kiosk migrates an older
    /// one at its next start.
    OtherVersion { found: i64, expected: i64 },
    /// A healthy cache, opened read-only.
    Readable(ContentStore),
}

impl ContentStore {
    /// Looks at the cache in `data_dir` without changing anything: no file is created,
    /// migrated, imported into or set aside (`kiosk status`). SQLite may add its `-shm` index
    /// next to a WAL file to read it; the content stays as it is.
    pub fn inspect(data_dir: &Path) -> Result<Inspection> {
        let path = data_dir.join(FILE_NAME);
        if !path.is_file() {
            return Ok(Inspection::NoCache);
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match Connection::open_with_flags(&path, flags) {
            Ok(conn) => conn,
            Err(e) => return Ok(Inspection::Damaged(e.to_string())),
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sql(&path))?;
        let verdict: std::result::Result<String, _> =
            conn.query_row("PRAGMA quick_check", [], |r| r.get(0));
        match verdict {
            Ok(v) if v == "ok" => {}
            Ok(v) => return Ok(Inspection::Damaged(format!("quick_check: {v}"))),
            Err(e) => return Ok(Inspection::Damaged(e.to_string())),
        }
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql(&path))?;
        let expected = LATEST_VERSION;
        if found != expected {
            return Ok(Inspection::OtherVersion { found, expected });
        }
        Ok(Inspection::Readable(ContentStore {
            conn,
            blobs: BlobStore::at(data_dir.join(BLOB_DIR)),
            path,
        }))
    }

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
        crate::store::configure(&conn).map_err(sql(&path))?;
        let mut store = ContentStore {
            conn,
            blobs: BlobStore::open(data_dir.join(BLOB_DIR))?,
            path,
        };
        crate::store::migrate(&mut store.conn, &MIGRATIONS, &store.path)?;
        Ok(store)
    }

    /// Caps this connection's page cache at `kib` KiB (SQLite's default is about 2 MiB a
    /// connection). The database's pages stay in the operating system's file cache, which
    /// the system can take back; a copy in SQLite's cache is process memory for as long as the
    /// connection lives. A reader looking up one screen at a time barely notices the smaller
    /// cache (`kiosk_scale` prints both).
    pub fn set_page_cache_kib(&self, kib: u32) -> Result<()> {
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = -{kib}"))
            .map_err(sql(&self.path))
    }

    /// This connection's page cache limit in KiB.
    pub fn page_cache_kib(&self) -> Result<u32> {
        let size: i64 = self
            .conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .map_err(sql(&self.path))?;
        // Negative: KiB; positive: pages of `page_size` bytes.
        if size < 0 {
            return Ok(u32::try_from(-size).unwrap_or(u32::MAX));
        }
        let page: i64 = self
            .conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .map_err(sql(&self.path))?;
        Ok(u32::try_from(size.saturating_mul(page) / 1024).unwrap_or(u32::MAX))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_page_cache_can_be_capped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, _) = ContentStore::open_or_rebuild(dir.path()).expect("opens");
        assert_eq!(
            store.page_cache_kib().expect("reads"),
            2000,
            "SQLite's default"
        );
        store.set_page_cache_kib(512).expect("sets");
        assert_eq!(store.page_cache_kib().expect("reads"), 512);
        // Another connection to the same file keeps its own.
        let other = ContentStore::open(dir.path()).expect("opens");
        assert_eq!(other.page_cache_kib().expect("reads"), 2000);
    }

    #[test]
    fn inspecting_changes_nothing_and_tells_what_it_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            ContentStore::inspect(dir.path()).expect("inspects"),
            Inspection::NoCache
        ));
        assert!(!dir.path().join(FILE_NAME).exists(), "nothing created");

        let (store, _) = ContentStore::open_or_rebuild(dir.path()).expect("opens");
        drop(store);
        match ContentStore::inspect(dir.path()).expect("inspects") {
            Inspection::Readable(store) => {
                assert_eq!(store.stats().expect("stats").sections, 0);
                assert!(store.set_meta("x", "y").is_err(), "read-only");
            }
            other => panic!("a healthy cache read as {other:?}"),
        }
        let version: i64 = Connection::open(dir.path().join(FILE_NAME))
            .expect("opens")
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, LATEST_VERSION);

        std::fs::write(dir.path().join(FILE_NAME), b"not a database at all, no").expect("writes");
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.path().join(format!("{FILE_NAME}{suffix}")));
        }
        assert!(matches!(
            ContentStore::inspect(dir.path()).expect("inspects"),
            Inspection::Damaged(_)
        ));
        assert_eq!(
            std::fs::read(dir.path().join(FILE_NAME)).expect("still there"),
            b"not a database at all, no",
            "a damaged cache stays where it is"
        );
    }
}
