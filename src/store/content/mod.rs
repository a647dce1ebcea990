//! `content.db`: the cache of everything the kiosk shows.
//!
//! One table per record kind, each row holding the record's canonical JSON plus the columns the
//! screens filter and sort by. Every write (a bundle import, a sync page, a staged snapshot page,
//! a garbage collection) goes through [`ContentStore::write`]: one `BEGIN IMMEDIATE` transaction,
//! and a write that changes what screens show moves the `generation` counter in that same
//! transaction, so screens know to re-read.
//!
//! - [`schema`]: migrations, opening, `quick_check` and setting a damaged file aside.
//! - [`records`]: putting and deleting records, importing a bundle, applying a sync page.
//! - [`meta`]: the key/value `meta` table (cursor, source, district, generation, sync state).
//! - [`staging`]: the staging area of a snapshot resync and its atomic swap.
//! - [`gc`]: deleting image files nothing has referenced for a grace period.

mod gc;
mod meta;
mod records;
mod schema;
mod staging;

/// Records the tests of several of these modules build on.
#[cfg(test)]
mod fixtures {
    use protocol::content::{Record, Room};
    use protocol::text::Text;

    pub fn room(id: &str, capacity: u32) -> Record {
        Record::Room(Room {
            id: id.into(),
            station: "s1".into(),
            order: 1,
            name: Text::new("阅览区", "Reading area"),
            description: Text::new("书", "Books"),
            capacity: Some(capacity),
        })
    }
}

use std::path::{Path, PathBuf};

use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::Serialize;

use super::blobs::BlobStore;
use super::{Result, StoreError};

pub use gc::Garbage;
pub use meta::MetaUpdate;
pub use records::Op;
pub(crate) use records::{table, timestamp};
pub use schema::{BLOB_DIR, FILE_NAME, Inspection, Opened};

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

/// One write transaction, handed to the closure of [`ContentStore::write`]. Derefs to the
/// transaction for SQL; [`Tx::changed`] marks that screens must re-read.
pub(crate) struct Tx<'a> {
    tx: Transaction<'a>,
    /// The store's image files, for writes that record what is on disk.
    pub blobs: &'a BlobStore,
    changed: bool,
}

impl Tx<'_> {
    /// What this write changes is visible on screen: the generation moves at commit.
    pub fn changed(&mut self) {
        self.changed = true;
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl ContentStore {
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

    /// Runs `f` in ONE `BEGIN IMMEDIATE` transaction and commits it; if `f` marked the write as
    /// [`Tx::changed`], the `generation` counter moves in the same transaction. On any error
    /// nothing is committed.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Tx<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let path = &self.path;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(path))?;
        let mut tx = Tx {
            tx,
            blobs: &self.blobs,
            changed: false,
        };
        let value = f(&mut tx).map_err(sql(path))?;
        if tx.changed {
            meta::bump_generation(&tx).map_err(sql(path))?;
        }
        tx.tx.commit().map_err(sql(path))?;
        Ok(value)
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
            content_seq: self.content_seq()?,
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
