//! Offers to fulfil a wish (认领): who offered, how to reach them (staff only), and whether
//! staff matched or declined the offer.

use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};
use crate::api::{ClaimRow, ClaimStatus};

/// What [`insert_offer`] stores; `id` is the submission's.
#[derive(Debug, Clone)]
pub struct NewClaim<'a> {
    pub id: &'a str,
    pub kiosk_id: &'a str,
    pub wish: &'a str,
    pub name: &'a str,
    pub contact: &'a str,
    pub note: Option<&'a str>,
    pub created_at: &'a str,
    pub received_at: &'a str,
}

/// Stores an offer waiting for staff.
pub fn insert_offer(tx: &WriteTx<'_>, c: &NewClaim<'_>) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO claims (id, kiosk_id, wish, name, contact, note, status, created_at,
           received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'offered', ?7, ?8)",
        params![
            c.id,
            c.kiosk_id,
            c.wish,
            c.name,
            c.contact,
            c.note,
            c.created_at,
            c.received_at
        ],
    )?;
    Ok(())
}

const COLUMNS: &str = "c.id, c.kiosk_id, c.wish, w.text, c.name, c.contact, c.note, c.status,
    c.created_at, c.received_at, c.decided_at, c.staff_note";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(ClaimRow, String)> {
    Ok((
        ClaimRow {
            id: r.get(0)?,
            kiosk_id: r.get(1)?,
            wish: r.get(2)?,
            wish_text: r.get(3)?,
            name: r.get(4)?,
            contact: r.get(5)?,
            note: r.get(6)?,
            status: ClaimStatus::Offered,
            created_at: r.get(8)?,
            received_at: r.get(9)?,
            decided_at: r.get(10)?,
            staff_note: r.get(11)?,
        },
        r.get(7)?,
    ))
}

fn to_claim_row((mut claim, status): (ClaimRow, String)) -> Result<ClaimRow, DbError> {
    claim.status = status.parse().map_err(DbError::Corrupt)?;
    Ok(claim)
}

/// Claims, oldest first, optionally of one status and of one wish.
pub fn list(
    tx: &ReadTx<'_>,
    status: Option<ClaimStatus>,
    wish: Option<&str>,
) -> Result<Vec<ClaimRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM claims c JOIN wishes w ON w.id = c.wish
         WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR c.wish = ?2)
         ORDER BY c.received_at, c.id"
    );
    let mut stmt = tx.conn().prepare(&sql)?;
    let rows = stmt.query_map(params![status.map(ClaimStatus::key), wish], row)?;
    rows.map(|r| to_claim_row(r?)).collect()
}

/// One claim.
pub fn get(tx: &ReadTx<'_>, id: &str) -> Result<Option<ClaimRow>, DbError> {
    let sql =
        format!("SELECT {COLUMNS} FROM claims c JOIN wishes w ON w.id = c.wish WHERE c.id = ?1");
    tx.conn()
        .query_row(&sql, [id], row)
        .optional()?
        .map(to_claim_row)
        .transpose()
}

/// Records a staff decision on claim `id`.
pub fn set_status(
    tx: &WriteTx<'_>,
    id: &str,
    status: ClaimStatus,
    decided_at: &str,
    staff_note: Option<&str>,
) -> Result<(), DbError> {
    tx.conn().execute(
        "UPDATE claims SET status = ?2, decided_at = ?3, staff_note = COALESCE(?4, staff_note)
         WHERE id = ?1",
        params![id, status.key(), decided_at, staff_note],
    )?;
    Ok(())
}

/// How many of a wish's claims staff matched.
pub fn matched_count(tx: &ReadTx<'_>, wish: &str) -> Result<u32, DbError> {
    let n: i64 = tx.conn().query_row(
        "SELECT COUNT(*) FROM claims WHERE wish = ?1 AND status = 'matched'",
        [wish],
        |r| r.get(0),
    )?;
    Ok(u32::try_from(n).unwrap_or(0))
}
