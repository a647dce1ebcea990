//! Every outbox item ever received, with its first answer. The client's id is the primary key,
//! so a resend finds that answer instead of being stored twice.

use protocol::wire::{Outcome, SubmissionStatus};
use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};

/// An item as first received and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub kiosk_id: String,
    /// `Accepted`, `Rejected` or `Conflict` (a `Duplicate` is never stored).
    pub status: SubmissionStatus,
    pub message: String,
    /// What the visitor was told (absent for items received before schema 2).
    pub outcome: Option<Outcome>,
    pub received_at: String,
    /// The kind and payload as first received: a retry carries the same.
    pub kind: String,
    pub payload: String,
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
    pub outcome: &'a Outcome,
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
    type Row = (
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
    );
    let row: Option<Row> = tx
        .conn()
        .query_row(
            "SELECT kiosk_id, status, message, outcome, received_at, kind, payload FROM submissions
             WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .optional()?;
    row.map(
        |(kiosk_id, status, message, outcome, received_at, kind, payload)| {
            Ok(Received {
                kiosk_id,
                status: parse_status(&status)?,
                message,
                outcome: outcome
                    .map(|o| {
                        serde_json::from_str(&o).map_err(|e| {
                            DbError::Corrupt(format!("submission `{id}` outcome: {e}"))
                        })
                    })
                    .transpose()?,
                received_at,
                kind,
                payload,
            })
        },
    )
    .transpose()
}

/// Stores an item and its answer.
pub fn insert(tx: &WriteTx<'_>, s: &NewSubmission<'_>) -> Result<(), DbError> {
    let outcome = serde_json::to_string(s.outcome)
        .map_err(|e| DbError::Corrupt(format!("submission `{}` outcome: {e}", s.id)))?;
    tx.conn().execute(
        "INSERT INTO submissions (id, kiosk_id, kind, created_at, received_at, payload, status,
           message, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            s.id,
            s.kiosk_id,
            s.kind,
            s.created_at,
            s.received_at,
            s.payload,
            status_key(s.status),
            s.message,
            outcome
        ],
    )?;
    Ok(())
}
