//! The kiosk's local storage: the content cache (`content.db` plus image files named by sha256).
//!
//! The cache is disposable: when it fails `PRAGMA quick_check` it is set aside and rebuilt. All
//! writes go through one connection with `BEGIN IMMEDIATE`; the UI reads only committed rows.

pub mod blobs;
pub mod content;
pub mod outbox;
pub use content::Opened;
pub mod queries;

pub use blobs::BlobStore;
pub use content::{ContentStore, Op, Stats};
pub use outbox::Outbox;
pub use queries::Occurrence;

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
    #[error("stored record {kind} `{id}` is unreadable: {source}")]
    Record {
        kind: &'static str,
        id: String,
        #[source]
        source: serde_json::Error,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
