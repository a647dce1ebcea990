//! The kiosk's local storage: the content cache (`content.db` plus image files named by sha256)
//! and the outbox of what visitors typed (`outbox.db`, [`outbox`]).
//!
//! The cache is disposable: when it fails `PRAGMA quick_check` it is set aside and rebuilt. All
//! writes go through one connection with `BEGIN IMMEDIATE`; the UI reads only committed rows.

pub mod blobs;
pub mod content;
pub mod outbox;
pub use content::{Inspection, Opened};
pub mod queries;

pub use blobs::BlobStore;
pub use content::{ContentStore, Op, Stats};
pub use outbox::Outbox;
pub use queries::{Occurrence, Seats};

/// Everything that can go wrong in the kiosk's storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database {path}: migration failed: {source}")]
    Migration {
        path: String,
        #[source]
        source: rusqlite_migration::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("blob {sha256}: content does not match its name (got {actual})")]
    BlobMismatch { sha256: String, actual: String },
    #[error("submission id {0} is not a UUIDv7: take ids from store::outbox::new_id")]
    BadSubmissionId(String),
    #[error("stored record {kind} `{id}` is unreadable: {source}")]
    Record {
        kind: &'static str,
        id: String,
        #[source]
        source: serde_json::Error,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Brings a database to the latest schema. Two connections may open a fresh file at the same
/// moment (the content worker and the sync thread, or a tool); the one that loses the race sees
/// "table already exists" or a busy snapshot. Each retry re-reads `user_version`, so once the
/// other connection has committed, there is nothing left to do.
pub(crate) fn migrate(
    conn: &mut rusqlite::Connection,
    migrations: &rusqlite_migration::Migrations<'_>,
    path: &std::path::Path,
) -> Result<()> {
    const ATTEMPTS: u64 = 10;
    let mut attempt = 0;
    loop {
        match migrations.to_latest(conn) {
            Ok(()) => return Ok(()),
            Err(source) if attempt + 1 >= ATTEMPTS => {
                return Err(StoreError::Migration {
                    path: path.display().to_string(),
                    source,
                });
            }
            Err(e) => {
                tracing::debug!(error = %e, attempt, "migration raced another connection; retrying");
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(25 * attempt));
            }
        }
    }
}

/// Sets up a connection the way every kiosk database wants it: wait for other connections, WAL,
/// full sync, foreign keys. Switching a fresh file to WAL can answer "busy" without waiting
/// (SQLite skips the busy handler where waiting could deadlock), so that is retried briefly.
pub(crate) fn configure(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mut attempt = 0u64;
    loop {
        let setup = conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
        );
        match setup {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && attempt < 40 =>
            {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            other => return other,
        }
    }
}
