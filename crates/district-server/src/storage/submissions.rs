//! Outbox items received, with their first answer. The client's id is the primary key, so a
//! resend finds that answer instead of being stored twice. Only a fingerprint of what was sent
//! is kept here (the validated fields live in `wishes`, `signups` and `claims`), and a kiosk's
//! refused items are kept to a bounded number ([`trim_rejected`]).

use protocol::wire::{Outcome, SubmissionStatus, canonical_json};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

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
    /// The kind and payload as first received: a retry carries the same. The payload is a
    /// fingerprint (`sha256:<hex>`), or for rows stored before fingerprints the JSON as sent.
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
    /// The fingerprint of what was received (`sha256:<hex>`), never the payload itself.
    pub payload: &'a str,
    pub status: SubmissionStatus,
    pub message: &'a str,
    pub outcome: &'a Outcome,
}

/// What is stored instead of an item's content: `sha256:<hex>` of its canonical JSON (sorted
/// keys, no whitespace). It tells a retry (same content) from a reused id (other content)
/// without keeping what a kiosk sent.
pub fn fingerprint(content: &serde_json::Value) -> String {
    let digest = Sha256::digest(canonical_json(content).as_bytes());
    format!("sha256:{}", hex::encode(digest))
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

/// Items `kiosk_id` handed in that were received after `since` (a [`super::time_text`]).
pub fn count_since(tx: &ReadTx<'_>, kiosk_id: &str, since: &str) -> Result<u64, DbError> {
    let n: i64 = tx.conn().query_row(
        "SELECT COUNT(*) FROM submissions WHERE kiosk_id = ?1 AND received_at > ?2",
        params![kiosk_id, since],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// When the item `skip` places after the oldest one `kiosk_id` handed in after `since` was
/// received, if there is one: the hourly cap opens again an hour after that.
pub fn received_at_since(
    tx: &ReadTx<'_>,
    kiosk_id: &str,
    since: &str,
    skip: u64,
) -> Result<Option<String>, DbError> {
    Ok(tx
        .conn()
        .query_row(
            "SELECT received_at FROM submissions WHERE kiosk_id = ?1 AND received_at > ?2
             ORDER BY received_at, rowid LIMIT 1 OFFSET ?3",
            params![kiosk_id, since, i64::try_from(skip).unwrap_or(i64::MAX)],
            |r| r.get(0),
        )
        .optional()?)
}

/// Keeps the newest `keep` refused items (`rejected` or `conflict`) of `kiosk_id` and removes
/// the older ones; returns how many went. Refused items add no wish, sign-up or claim, so
/// nothing refers to them; what a stolen kiosk token can make the server keep stays bounded.
pub fn trim_rejected(tx: &WriteTx<'_>, kiosk_id: &str, keep: u64) -> Result<usize, DbError> {
    // The `status IN (...)` term matches the partial index `submissions_kiosk_refused`.
    Ok(tx.conn().execute(
        "DELETE FROM submissions WHERE rowid IN (
           SELECT rowid FROM submissions
           WHERE kiosk_id = ?1 AND status IN ('rejected', 'conflict')
           ORDER BY received_at DESC, rowid DESC LIMIT -1 OFFSET ?2)",
        params![kiosk_id, i64::try_from(keep).unwrap_or(i64::MAX)],
    )?)
}
