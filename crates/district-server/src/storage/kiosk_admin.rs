//! Kiosk administration from the console: registration, token rotation and revocation, and
//! live screenshots (requested by staff, uploaded by the kiosk).

use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};
use crate::auth::{self, Role};

/// Whether a kiosk with this id exists.
pub fn exists(tx: &ReadTx<'_>, id: &str) -> Result<bool, DbError> {
    Ok(tx
        .conn()
        .query_row("SELECT 1 FROM kiosks WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Registers a kiosk with its first token (stored hashed); `false` when the id is taken.
pub fn register(
    tx: &WriteTx<'_>,
    id: &str,
    station: &str,
    token: &str,
    now: &str,
) -> Result<bool, DbError> {
    let n = tx.conn().execute(
        "INSERT INTO kiosks (id, station, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO NOTHING",
        params![id, station, now],
    )?;
    if n == 0 {
        return Ok(false);
    }
    auth::insert_token(tx, token, Role::Kiosk, Some(id), now)?;
    Ok(true)
}

/// Removes every token of a kiosk; returns how many there were. The kiosk stays listed.
pub fn revoke_tokens(tx: &WriteTx<'_>, id: &str) -> Result<usize, DbError> {
    Ok(tx.conn().execute(
        "DELETE FROM tokens WHERE role = 'kiosk' AND kiosk_id = ?1",
        [id],
    )?)
}

/// Replaces a kiosk's tokens with `token`.
pub fn rotate_token(tx: &WriteTx<'_>, id: &str, token: &str, now: &str) -> Result<(), DbError> {
    revoke_tokens(tx, id)?;
    auth::insert_token(tx, token, Role::Kiosk, Some(id), now)
}

/// Ids of kiosks that hold a live token.
pub fn with_token(tx: &ReadTx<'_>) -> Result<Vec<String>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT DISTINCT kiosk_id FROM tokens WHERE role = 'kiosk' AND kiosk_id IS NOT NULL
         ORDER BY kiosk_id",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Kiosks (with a token) not heard from since `since`, or registered before it and never
/// heard from: `(id, station, last_seen_at)`.
pub fn silent_since(
    tx: &ReadTx<'_>,
    since: &str,
) -> Result<Vec<(String, String, Option<String>)>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT k.id, k.station, k.last_seen_at FROM kiosks k
         WHERE coalesce(k.last_seen_at, k.created_at) < ?1
           AND EXISTS (SELECT 1 FROM tokens t WHERE t.kiosk_id = k.id)
         ORDER BY k.id",
    )?;
    let rows = stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A kiosk's screenshot state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreenshotState {
    pub requested_at: Option<String>,
    pub requested_by: Option<String>,
    pub received_at: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl ScreenshotState {
    /// A request newer than the last picture is waiting for the kiosk.
    pub fn pending(&self) -> bool {
        match (&self.requested_at, &self.received_at) {
            (Some(req), Some(got)) => req > got,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

pub fn request_screenshot(tx: &WriteTx<'_>, id: &str, by: &str, now: &str) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO kiosk_screenshots (kiosk_id, requested_at, requested_by) VALUES (?1, ?2, ?3)
         ON CONFLICT (kiosk_id) DO UPDATE SET requested_at = ?2, requested_by = ?3",
        params![id, now, by],
    )?;
    Ok(())
}

pub fn screenshot_state(tx: &ReadTx<'_>, id: &str) -> Result<ScreenshotState, DbError> {
    Ok(tx
        .conn()
        .query_row(
            "SELECT requested_at, requested_by, received_at, width, height
             FROM kiosk_screenshots WHERE kiosk_id = ?1",
            [id],
            |r| {
                Ok(ScreenshotState {
                    requested_at: r.get(0)?,
                    requested_by: r.get(1)?,
                    received_at: r.get(2)?,
                    width: r.get(3)?,
                    height: r.get(4)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

/// Stores a kiosk's picture (replacing the previous one).
pub fn store_screenshot(
    tx: &WriteTx<'_>,
    id: &str,
    png: &[u8],
    width: u32,
    height: u32,
    now: &str,
) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO kiosk_screenshots (kiosk_id, png, width, height, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kiosk_id) DO UPDATE SET png = ?2, width = ?3, height = ?4, received_at = ?5",
        params![id, png, width, height, now],
    )?;
    Ok(())
}

/// The last picture and when it arrived.
pub fn screenshot_png(tx: &ReadTx<'_>, id: &str) -> Result<Option<(Vec<u8>, String)>, DbError> {
    Ok(tx
        .conn()
        .query_row(
            "SELECT png, received_at FROM kiosk_screenshots
             WHERE kiosk_id = ?1 AND png IS NOT NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
