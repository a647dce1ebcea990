//! What moderation needs beyond [`super::wishes`] and [`super::signups`]: sign-up totals per
//! event, a sign-up by id, and cancelling one (which frees its places).

use rusqlite::OptionalExtension;

use super::{DbError, ReadTx, WriteTx};
use crate::api::SignupRow;

/// Per event id: how many sign-ups and places taken in all.
pub fn signup_totals(tx: &ReadTx<'_>) -> Result<Vec<(String, u64, u64)>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT event, count(*), sum(party_size) FROM signups GROUP BY event ORDER BY event",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get::<_, i64>(1)? as u64,
            r.get::<_, i64>(2)? as u64,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One sign-up and its event and occurrence.
pub fn signup(tx: &ReadTx<'_>, id: &str) -> Result<Option<(String, String, SignupRow)>, DbError> {
    Ok(tx
        .conn()
        .query_row(
            "SELECT event, occurrence_start, id, kiosk_id, name, contact, party_size, created_at,
               received_at
             FROM signups WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    SignupRow {
                        id: r.get(2)?,
                        kiosk_id: r.get(3)?,
                        name: r.get(4)?,
                        contact: r.get(5)?,
                        party_size: r.get(6)?,
                        created_at: r.get(7)?,
                        received_at: r.get(8)?,
                    },
                ))
            },
        )
        .optional()?)
}

/// Cancels a sign-up: its places are free again at once. The submission itself stays, so a
/// kiosk resending the same item is still answered `duplicate`, never booked twice.
pub fn cancel_signup(tx: &WriteTx<'_>, id: &str) -> Result<bool, DbError> {
    Ok(tx
        .conn()
        .execute("DELETE FROM signups WHERE id = ?1", [id])?
        == 1)
}
