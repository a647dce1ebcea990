//! Accepted sign-ups for event occurrences. Contacts live here and in staff answers only.

use chrono::NaiveDateTime;
use rusqlite::params;

use super::{DbError, ReadTx, WriteTx};
use crate::api::SignupRow;

/// An occurrence's start as stored: ISO 8601 local time, to the second (sorts as text).
fn occurrence_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// What [`insert`] stores; `id` is the submission's.
#[derive(Debug, Clone)]
pub struct NewSignup<'a> {
    pub id: &'a str,
    pub kiosk_id: &'a str,
    pub event: &'a str,
    pub occurrence: NaiveDateTime,
    pub name: &'a str,
    pub contact: &'a str,
    pub party_size: u32,
    pub created_at: &'a str,
    pub received_at: &'a str,
}

pub fn insert(tx: &WriteTx<'_>, s: &NewSignup<'_>) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO signups (id, kiosk_id, event, occurrence_start, name, contact,
           party_size, created_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            s.id,
            s.kiosk_id,
            s.event,
            occurrence_text(s.occurrence),
            s.name,
            s.contact,
            s.party_size,
            s.created_at,
            s.received_at
        ],
    )?;
    Ok(())
}

/// Places taken at one occurrence (the sum of party sizes).
pub fn taken(tx: &ReadTx<'_>, event: &str, occurrence: NaiveDateTime) -> Result<u32, DbError> {
    let n: i64 = tx.conn().query_row(
        "SELECT COALESCE(SUM(party_size), 0) FROM signups WHERE event = ?1 AND occurrence_start = ?2",
        params![event, occurrence_text(occurrence)],
        |r| r.get(0),
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Every sign-up of an event with the start of its occurrence, by occurrence then arrival.
pub fn of_event(tx: &ReadTx<'_>, event: &str) -> Result<Vec<(NaiveDateTime, SignupRow)>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT occurrence_start, id, kiosk_id, name, contact, party_size, created_at,
           received_at
         FROM signups WHERE event = ?1 ORDER BY occurrence_start, received_at, id",
    )?;
    let rows = stmt.query_map([event], |r| {
        Ok((
            r.get::<_, String>(0)?,
            SignupRow {
                id: r.get(1)?,
                kiosk_id: r.get(2)?,
                name: r.get(3)?,
                contact: r.get(4)?,
                party_size: r.get(5)?,
                created_at: r.get(6)?,
                received_at: r.get(7)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (start, signup) = row?;
        let start = start
            .parse()
            .map_err(|e| DbError::Corrupt(format!("sign-up occurrence `{start}`: {e}")))?;
        out.push((start, signup));
    }
    Ok(out)
}
