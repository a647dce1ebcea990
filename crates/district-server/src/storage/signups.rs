//! Accepted sign-ups for event occurrences. Contacts live here and in staff answers only.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

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

/// Places taken at one occurrence (the sum of the parties not cancelled).
pub fn taken(tx: &ReadTx<'_>, event: &str, occurrence: NaiveDateTime) -> Result<u32, DbError> {
    let n: i64 = tx.conn().query_row(
        "SELECT COALESCE(SUM(party_size), 0) FROM signups
         WHERE event = ?1 AND occurrence_start = ?2 AND cancelled_at IS NULL",
        params![event, occurrence_text(occurrence)],
        |r| r.get(0),
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

const COLUMNS: &str = "occurrence_start, id, kiosk_id, name, contact, party_size, created_at,
    received_at, cancelled_at, event";

/// A sign-up with the event and occurrence it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub event: String,
    pub occurrence: NaiveDateTime,
    pub signup: SignupRow,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, SignupRow)> {
    Ok((
        r.get::<_, String>(9)?,
        r.get::<_, String>(0)?,
        SignupRow {
            id: r.get(1)?,
            kiosk_id: r.get(2)?,
            name: r.get(3)?,
            contact: r.get(4)?,
            party_size: r.get(5)?,
            created_at: r.get(6)?,
            received_at: r.get(7)?,
            cancelled_at: r.get(8)?,
        },
    ))
}

fn parse_start(start: &str) -> Result<NaiveDateTime, DbError> {
    start
        .parse()
        .map_err(|e| DbError::Corrupt(format!("sign-up occurrence `{start}`: {e}")))
}

fn to_stored((event, start, signup): (String, String, SignupRow)) -> Result<Stored, DbError> {
    Ok(Stored {
        event,
        occurrence: parse_start(&start)?,
        signup,
    })
}

/// Every sign-up of an event, cancelled ones too, by occurrence then arrival.
pub fn of_event(tx: &ReadTx<'_>, event: &str) -> Result<Vec<Stored>, DbError> {
    let mut stmt = tx.conn().prepare(&format!(
        "SELECT {COLUMNS} FROM signups WHERE event = ?1 ORDER BY occurrence_start, received_at, id"
    ))?;
    let rows = stmt.query_map([event], row)?;
    rows.map(|r| to_stored(r?)).collect()
}

/// One sign-up.
pub fn get(tx: &ReadTx<'_>, id: &str) -> Result<Option<Stored>, DbError> {
    tx.conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM signups WHERE id = ?1"),
            [id],
            row,
        )
        .optional()?
        .map(to_stored)
        .transpose()
}

/// Marks a sign-up cancelled at `now`; its seats are free again.
pub fn cancel(tx: &WriteTx<'_>, id: &str, now: &str) -> Result<(), DbError> {
    tx.conn().execute(
        "UPDATE signups SET cancelled_at = ?2 WHERE id = ?1 AND cancelled_at IS NULL",
        params![id, now],
    )?;
    Ok(())
}

/// Every occurrence that has (or had) sign-ups: `(event, start)`.
pub fn occurrences(tx: &ReadTx<'_>) -> Result<Vec<(String, NaiveDateTime)>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT DISTINCT event, occurrence_start FROM signups ORDER BY event, occurrence_start",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (event, start) = row?;
        out.push((event, parse_start(&start)?));
    }
    Ok(out)
}
