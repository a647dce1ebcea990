//! SQLite access: one writer connection (every write is `BEGIN IMMEDIATE`), a small pool of
//! readers (each read is one transaction, so it sees one consistent snapshot), WAL,
//! `synchronous=FULL`, and versioned migrations.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

/// Readers kept open between requests.
const MAX_IDLE_READERS: usize = 8;

const MIGRATIONS: &[&str] = &[r#"
-- Counters: `head` is the last sequence number handed out; `purged_through` the highest
-- sequence number of a tombstone that was purged (cursors below it get 410).
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
INSERT INTO counters (name, value) VALUES ('head', 0), ('purged_through', 0);

-- Small facts: the district as last pushed, when the database was created.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The latest state of every record that was ever published, one row per (kind, id).
-- `seq` is the change that produced this state; a delete leaves a tombstone (deleted = 1).
CREATE TABLE records (
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    seq        INTEGER NOT NULL UNIQUE,
    rev        INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    scope      TEXT,
    data       TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, id),
    CHECK ((deleted = 0) = (data IS NOT NULL))
) STRICT;
CREATE INDEX records_tombstones ON records (updated_at) WHERE deleted = 1;

-- Everyone a record was ever shown to: '' for district-wide, else a station id. A kiosk gets
-- a delete for a record it may hold when the record is removed or moves out of its reach.
CREATE TABLE record_audience (
    kind     TEXT NOT NULL,
    id       TEXT NOT NULL,
    audience TEXT NOT NULL,
    PRIMARY KEY (kind, id, audience)
) STRICT, WITHOUT ROWID;

CREATE TABLE kiosks (
    id              TEXT PRIMARY KEY,
    station         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_seen_at    TEXT,
    kiosk_version   TEXT,
    content_seq     INTEGER,
    outbox_depth    INTEGER,
    free_disk_bytes INTEGER,
    kiosk_clock     TEXT
) STRICT;

-- Bearer tokens, by the sha256 of the token; the token itself is never stored.
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('staff', 'kiosk')),
    kiosk_id   TEXT REFERENCES kiosks (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    CHECK ((role = 'kiosk') = (kiosk_id IS NOT NULL))
) STRICT;

-- Every outbox item ever received, whatever its fate: the id is the client's UUIDv7, so a
-- resend finds its first answer here.
CREATE TABLE submissions (
    id          TEXT PRIMARY KEY,
    kiosk_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'conflict')),
    message     TEXT NOT NULL
) STRICT;

CREATE TABLE wishes (
    id           TEXT PRIMARY KEY REFERENCES submissions (id),
    kiosk_id     TEXT NOT NULL,
    station      TEXT NOT NULL,
    text         TEXT NOT NULL,
    lang         TEXT NOT NULL,
    display_name TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'claimed', 'fulfilled', 'rejected')),
    scope        TEXT,
    created_at   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    decided_at   TEXT,
    note         TEXT
) STRICT;
CREATE INDEX wishes_status ON wishes (status, received_at);

CREATE TABLE signups (
    id               TEXT PRIMARY KEY REFERENCES submissions (id),
    kiosk_id         TEXT NOT NULL,
    event            TEXT NOT NULL,
    occurrence_start TEXT NOT NULL,
    name             TEXT NOT NULL,
    contact          TEXT NOT NULL,
    party_size       INTEGER NOT NULL CHECK (party_size > 0),
    created_at       TEXT NOT NULL,
    received_at      TEXT NOT NULL
) STRICT;
CREATE INDEX signups_event ON signups (event, occurrence_start);
"#];

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot migrate the database: {0}")]
    Migration(rusqlite_migration::Error),
    #[error("cannot create {path}: {cause}")]
    Create {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("corrupt row in the database: {0}")]
    Corrupt(String),
    #[error("database task failed: {0}")]
    Task(String),
}

impl From<rusqlite_migration::Error> for DbError {
    fn from(e: rusqlite_migration::Error) -> Self {
        DbError::Migration(e)
    }
}

/// The database: cheap to clone, safe to share.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock rolled its transaction back on unwind; the connection is fine.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "SQLite refused WAL mode");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|cause| DbError::Create {
                path: dir.to_path_buf(),
                cause,
            })?;
        }
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        let migrations = Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect());
        migrations.to_latest(&mut writer)?;
        Ok(Db {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction on the writer; commits when it returns Ok,
    /// rolls back otherwise. Blocking: call from a blocking thread ([`Db::write`] does that).
    pub fn write_blocking<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let mut conn = lock(&self.inner.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in one read transaction: everything it reads comes from one snapshot.
    pub fn read_blocking<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let pooled = lock(&self.inner.readers).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open(&self.inner.path)?;
                configure(&c)?;
                c
            }
        };
        let out = {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let out = f(&tx);
            // Read-only: ending it either way is the same.
            tx.rollback()?;
            out
        };
        let mut readers = lock(&self.inner.readers);
        if readers.len() < MAX_IDLE_READERS {
            readers.push(conn);
        }
        out
    }

    /// [`Db::write_blocking`] on tokio's blocking pool.
    pub async fn write<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<rusqlite::Error> + From<DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f))
            .await
            .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }

    /// [`Db::read_blocking`] on tokio's blocking pool.
    pub async fn read<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<rusqlite::Error> + From<DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.read_blocking(f))
            .await
            .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }
}

/// Now, as stored: RFC 3339 UTC with milliseconds (sorts as text).
pub fn now_text() -> String {
    time_text(chrono::Utc::now())
}

pub fn time_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(
            Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn opens_in_wal_with_full_sync_and_rolls_back_failures() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open(&dir.path().join("d.db")).expect("opens");
        let (mode, sync): (String, i64) = db
            .read_blocking(|tx| {
                Ok::<_, rusqlite::Error>((
                    tx.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                    tx.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
                ))
            })
            .expect("reads");
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "FULL");
        let failed: Result<(), rusqlite::Error> = db.write_blocking(|tx| {
            tx.execute("UPDATE counters SET value = 5 WHERE name = 'head'", [])?;
            Err(rusqlite::Error::QueryReturnedNoRows)
        });
        assert!(failed.is_err());
        let head: i64 = db
            .read_blocking(|tx| {
                tx.query_row("SELECT value FROM counters WHERE name = 'head'", [], |r| {
                    r.get(0)
                })
            })
            .expect("reads");
        assert_eq!(head, 0, "the failed write was rolled back");
        // Reopening runs no migration twice.
        drop(db);
        Db::open(&dir.path().join("d.db")).expect("reopens");
    }
}
