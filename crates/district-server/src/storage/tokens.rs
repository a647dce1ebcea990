//! Bearer tokens, stored by the sha256 of the token only ([`crate::auth::hash_token`]).

use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};
use crate::auth::{Holder, Role};

/// Stores a token's hash for `role` (kiosk tokens name their kiosk).
pub fn insert(
    tx: &WriteTx<'_>,
    hash: &str,
    role: Role,
    kiosk_id: Option<&str>,
    now: &str,
) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO tokens (hash, role, kiosk_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![hash, role.key(), kiosk_id, now],
    )?;
    Ok(())
}

/// Who holds the token with this hash; `None` when it is unknown or its kiosk was removed.
pub fn holder(tx: &ReadTx<'_>, hash: &str) -> Result<Option<Holder>, DbError> {
    // Cached: every request of every kiosk asks.
    let row: Option<(String, Option<String>, Option<String>)> = tx
        .conn()
        .prepare_cached(
            "SELECT t.role, k.id, k.station
             FROM tokens t LEFT JOIN kiosks k ON k.id = t.kiosk_id
             WHERE t.hash = ?1",
        )?
        .query_row([hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((role, _, _)) if role == Role::Staff.key() => Some(Holder::Staff),
        Some((_, Some(id), Some(station))) => Some(Holder::Kiosk { id, station }),
        _ => None,
    })
}

/// Every kiosk token's hash with its kiosk's id and station (tokens of removed kiosks left out).
pub fn kiosk_holders(tx: &ReadTx<'_>) -> Result<Vec<(String, String, String)>, DbError> {
    let mut stmt = tx.conn().prepare_cached(
        "SELECT t.hash, k.id, k.station FROM tokens t JOIN kiosks k ON k.id = t.kiosk_id
         WHERE t.role = 'kiosk'",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes every token of `role`; returns how many.
pub fn revoke_all(tx: &WriteTx<'_>, role: Role) -> Result<u64, DbError> {
    Ok(tx
        .conn()
        .execute("DELETE FROM tokens WHERE role = ?1", [role.key()])? as u64)
}
