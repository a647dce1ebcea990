//! Visitors' wishes as staff moderate them (text, who left it, status). Only the published
//! form ([`protocol::content::Wish`], a record in [`super::records`]) ever reaches kiosks.

use protocol::content::WishStatus;
use protocol::text::Lang;
use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};
use crate::api::WishRow;

/// What [`insert_pending`] stores; `id` is the submission's.
#[derive(Debug, Clone)]
pub struct NewWish<'a> {
    pub id: &'a str,
    pub kiosk_id: &'a str,
    /// The station of the kiosk it was left at, also its scope until staff decide.
    pub station: &'a str,
    pub text: &'a str,
    pub lang: Lang,
    pub display_name: Option<&'a str>,
    pub created_at: &'a str,
    pub received_at: &'a str,
}

/// Stores a wish waiting for moderation.
pub fn insert_pending(tx: &WriteTx<'_>, w: &NewWish<'_>) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO wishes (id, kiosk_id, station, text, lang, display_name, status,
           scope, created_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?3, ?7, ?8)",
        params![
            w.id,
            w.kiosk_id,
            w.station,
            w.text,
            w.lang.code(),
            w.display_name,
            w.created_at,
            w.received_at
        ],
    )?;
    Ok(())
}

/// The columns of a [`WishRow`]; the last counts the offers to fulfil it not declined.
const COLUMNS: &str = "w.id, w.kiosk_id, w.station, w.text, w.lang, w.display_name, w.status,
    w.scope, w.created_at, w.received_at, w.decided_at, w.note,
    (SELECT COUNT(*) FROM claims c WHERE c.wish = w.id AND c.status != 'declined')";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<([Option<String>; 12], i64)> {
    let mut out: [Option<String>; 12] = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = r.get(i)?;
    }
    Ok((out, r.get(12)?))
}

fn to_wish_row((cols, claims): ([Option<String>; 12], i64)) -> Result<WishRow, DbError> {
    let [
        id,
        kiosk_id,
        station,
        text,
        lang,
        display_name,
        status,
        scope,
        created_at,
        received_at,
        decided_at,
        note,
    ] = cols;
    let req = |v: Option<String>, name: &str| {
        v.ok_or_else(|| DbError::Corrupt(format!("wish without {name}")))
    };
    Ok(WishRow {
        id: req(id, "id")?,
        kiosk_id: req(kiosk_id, "kiosk")?,
        station: req(station, "station")?,
        text: req(text, "text")?,
        lang: req(lang, "lang")?
            .parse::<Lang>()
            .map_err(DbError::Corrupt)?,
        display_name,
        status: req(status, "status")?
            .parse::<WishStatus>()
            .map_err(DbError::Corrupt)?,
        scope,
        created_at: req(created_at, "created_at")?,
        received_at: req(received_at, "received_at")?,
        decided_at,
        note,
        claims: u32::try_from(claims).unwrap_or(0),
    })
}

/// Wishes, oldest first, optionally of one status.
pub fn list(tx: &ReadTx<'_>, status: Option<WishStatus>) -> Result<Vec<WishRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM wishes w WHERE ?1 IS NULL OR w.status = ?1
         ORDER BY w.received_at, w.id"
    );
    let mut stmt = tx.conn().prepare(&sql)?;
    let rows = stmt.query_map([status.map(WishStatus::key)], row)?;
    rows.map(|r| to_wish_row(r?)).collect()
}

/// One wish.
pub fn get(tx: &ReadTx<'_>, id: &str) -> Result<Option<WishRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM wishes w WHERE w.id = ?1");
    tx.conn()
        .query_row(&sql, [id], row)
        .optional()?
        .map(to_wish_row)
        .transpose()
}

/// A staff decision: the new status, where the wish is shown, and an optional note.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub status: WishStatus,
    pub scope: Option<&'a str>,
    pub decided_at: &'a str,
    pub note: Option<&'a str>,
}

/// Records a decision on wish `id`.
pub fn set_decision(tx: &WriteTx<'_>, id: &str, d: &Decision<'_>) -> Result<(), DbError> {
    tx.conn().execute(
        "UPDATE wishes SET status = ?2, scope = ?3, decided_at = ?4, note = ?5 WHERE id = ?1",
        params![id, d.status.key(), d.scope, d.decided_at, d.note],
    )?;
    Ok(())
}

/// Ids of the wishes fulfilled before `cutoff` (RFC 3339 UTC).
pub fn fulfilled_before(tx: &ReadTx<'_>, cutoff: &str) -> Result<Vec<String>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT id FROM wishes WHERE status = 'fulfilled' AND decided_at < ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([cutoff], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
