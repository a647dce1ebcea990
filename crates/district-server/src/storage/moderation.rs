//! What moderation needs beyond [`super::wishes`] and [`super::signups`]: sign-up totals per
//! event (cancelled sign-ups hold no places).

use super::{DbError, ReadTx};

/// Per event id: how many sign-ups and places taken in all.
pub fn signup_totals(tx: &ReadTx<'_>) -> Result<Vec<(String, u64, u64)>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT event, count(*), sum(party_size) FROM signups WHERE cancelled_at IS NULL\n         GROUP BY event ORDER BY event",
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
