//! Every outbox item ever received, with its first answer. The client's id is the primary key,
//! so a resend finds that answer instead of being stored twice.

use protocol::wire::SubmissionStatus;
use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};

/// An item as first received and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub kiosk_id: String,
    /// `Accepted`, `Rejected` or `Conflict` (a `Duplicate` is never stored).
    pub status: SubmissionStatus,
    pub message: String,
    pub received_at: String,
}

/// What [`insert`] stores.
#[derive(Debug, Clone)]
pub struct NewSubmission<'a> {
    pub id: &'a str,
    pub kiosk_id: &'a str,
    pub kind: &'a str,
    /// On the kiosk's clock, RFC 3339; empty when the item was too malformed to say.
    pub created_at: &'a str,
    pub received_at: &'a str,
    /// The item's JSON as received.
    pub payload: &'a str,
    pub status: SubmissionStatus,
    pub message: &'a str,
}

fn status_key(s: SubmissionStatus) -> &'static str {
    match s {
        SubmissionStatus::Accepted => "accepted",
        SubmissionStatus::Duplicate => "duplicate",
        SubmissionStatus::Rejected => "rejected",
        SubmissionStatus::Conflict => "conflict",
    }
}

fn parse_status(s: &str) -> Result<SubmissionStatus, DbError> {
    Ok(match s {
        "accepted" => SubmissionStatus::Accepted,
        "rejected" => SubmissionStatus::Rejected,
        "conflict" => SubmissionStatus::Conflict,
        other => return Err(DbError::Corrupt(format!("submission status `{other}`"))),
    })
}

/// The item stored under `id`, if any.
pub fn find(tx: &ReadTx<'_>, id: &str) -> Result<Option<Received>, DbError> {
    let row: Option<(String, String, String, String)> = tx
        .conn()
        .query_row(
            "SELECT kiosk_id, status, message, received_at FROM submissions WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    row.map(|(kiosk_id, status, message, received_at)| {
        Ok(Received {
            kiosk_id,
            status: parse_status(&status)?,
            message,
            received_at,
        })
    })
    .transpose()
}

/// Stores an item and its answer.
pub fn insert(tx: &WriteTx<'_>, s: &NewSubmission<'_>) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO submissions (id, kiosk_id, kind, created_at, received_at, payload, status, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            s.id,
            s.kiosk_id,
            s.kind,
            s.created_at,
            s.received_at,
            s.payload,
            status_key(s.status),
            s.message
        ],
    )?;
    Ok(())
}
