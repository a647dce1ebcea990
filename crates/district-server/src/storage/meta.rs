//! Small facts in the `meta` table: when the database was created (its "initialised" mark) and
//! the district as last pushed.

use protocol::content::{District, Kind, Record};
use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};

const CREATED_KEY: &str = "created_at";
const DISTRICT_KEY: &str = "district";

fn get(tx: &ReadTx<'_>, key: &str) -> Result<Option<String>, DbError> {
    Ok(tx
        .conn()
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn set(tx: &WriteTx<'_>, key: &str, value: &str) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// When `district-server init` created the database; `None` before that.
pub fn created_at(tx: &ReadTx<'_>) -> Result<Option<String>, DbError> {
    get(tx, CREATED_KEY)
}

/// Marks the database as initialised at `now`.
pub fn set_created_at(tx: &WriteTx<'_>, now: &str) -> Result<(), DbError> {
    set(tx, CREATED_KEY, now)
}

/// The district as last pushed.
pub fn district(tx: &ReadTx<'_>) -> Result<Option<District>, DbError> {
    get(tx, DISTRICT_KEY)?
        .map(|s| serde_json::from_str(&s).map_err(|e| DbError::Corrupt(format!("district: {e}"))))
        .transpose()
}

/// A database from before schema 3 holds the district only here; kiosks learn it from the
/// feed since then. Publishes it as the feed's `district` record when no live one exists
/// (its brand stays empty until the next push brings one). Runs at every open; a no-op once
/// the record is there.
pub fn publish_district_record(tx: &WriteTx<'_>, now: &str) -> Result<(), DbError> {
    let Some(district) = district(tx)? else {
        return Ok(());
    };
    if !super::records::live(tx, &[Kind::District])?.is_empty() {
        return Ok(());
    }
    super::records::put(tx, &Record::District(district), now)?;
    Ok(())
}

/// Replaces the district.
pub fn set_district(tx: &WriteTx<'_>, district: &District) -> Result<(), DbError> {
    let json =
        serde_json::to_string(district).map_err(|e| DbError::Corrupt(format!("district: {e}")))?;
    set(tx, DISTRICT_KEY, &json)
}
