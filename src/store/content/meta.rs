//! The `meta` table: small facts about the cache as key/value text (`content_seq`, `source`,
//! `district`, `generation`, the sync client's cursor state and last outcome).

use protocol::content::District;
use rusqlite::{Connection, OptionalExtension, params};

use super::{ContentStore, sql};
use crate::store::Result;

/// Metadata written together with a sync page or a snapshot swap: `(key, Some(value))` sets a
/// key, `(key, None)` removes it.
pub type MetaUpdate<'a> = (&'a str, Option<&'a str>);

impl ContentStore {
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(sql(&self.path))
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        set_meta(&self.conn, key, value).map_err(sql(&self.path))
    }

    /// Removes a meta key; a missing key is fine.
    pub fn remove_meta(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", [key])
            .map(|_| ())
            .map_err(sql(&self.path))
    }

    /// The district with its brand: the feed's one `district` record. A cache written before
    /// schema 3 has none until its next sync; it still has the name and zone the server
    /// announced then, in `meta` (its brand empty, so screens fall back to the name).
    pub fn district(&self) -> Result<Option<District>> {
        let record: Option<String> = self
            .conn
            .query_row("SELECT data FROM districts ORDER BY id LIMIT 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql(&self.path))?;
        Ok(record
            .or(self.meta("district")?)
            .and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// The server sequence the cache has applied up to (`content_seq`); 0 for embedded demo
    /// content. One row read: the sync client asks for it several times a cycle, and
    /// [`ContentStore::stats`] counts whole tables.
    pub fn content_seq(&self) -> Result<u64> {
        Ok(self
            .meta("content_seq")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Sets and removes several keys in ONE transaction (one commit, one fsync), without
    /// moving the generation: the bookkeeping of a sync cycle, which screens do not show.
    pub fn update_meta(&mut self, meta: &[MetaUpdate]) -> Result<()> {
        self.write(|tx| write_meta(tx, meta))
    }

    pub fn generation(&self) -> Result<u64> {
        Ok(self
            .meta("generation")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }
}

pub(super) fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .map(|_| ())
}

/// Sets and removes keys as [`MetaUpdate`]s say.
pub(super) fn write_meta(conn: &Connection, meta: &[MetaUpdate]) -> rusqlite::Result<()> {
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

pub(super) fn bump_generation(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('generation', '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [],
    )
    .map(|_| ())
}
