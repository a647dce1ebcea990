//! Content drafts: record edits collected until someone publishes them all at once.

use protocol::content::Kind;
use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};

/// One drafted change.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftRow {
    pub kind: Kind,
    pub id: String,
    /// The record as it will be published; `None` removes it.
    pub data: Option<serde_json::Value>,
    pub author: String,
    pub updated_at: String,
}

/// Adds or replaces a drafted change (and withdraws a pending approval request: what was
/// submitted is no longer what would be published).
pub fn put(
    tx: &WriteTx<'_>,
    kind: Kind,
    id: &str,
    data: Option<&serde_json::Value>,
    author: &str,
    now: &str,
) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO content_drafts (kind, id, data, author, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kind, id) DO UPDATE SET data = ?3, author = ?4, updated_at = ?5",
        params![kind.key(), id, data.map(|d| d.to_string()), author, now],
    )?;
    tx.conn().execute("DELETE FROM content_draft_review", [])?;
    Ok(())
}

/// Drops one drafted change.
pub fn forget(tx: &WriteTx<'_>, kind: Kind, id: &str) -> Result<bool, DbError> {
    let n = tx.conn().execute(
        "DELETE FROM content_drafts WHERE kind = ?1 AND id = ?2",
        params![kind.key(), id],
    )?;
    tx.conn().execute("DELETE FROM content_draft_review", [])?;
    Ok(n == 1)
}

/// Empties the draft (after publishing, or when discarded).
pub fn clear(tx: &WriteTx<'_>) -> Result<(), DbError> {
    tx.conn().execute("DELETE FROM content_drafts", [])?;
    tx.conn().execute("DELETE FROM content_draft_review", [])?;
    Ok(())
}

/// Every drafted change, by kind and id.
pub fn list(tx: &ReadTx<'_>) -> Result<Vec<DraftRow>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT kind, id, data, author, updated_at FROM content_drafts ORDER BY kind, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, id, data, author, updated_at) = row?;
        let kind = kind
            .parse::<Kind>()
            .map_err(|e| DbError::Corrupt(format!("draft kind: {e}")))?;
        let data = data
            .map(|d| serde_json::from_str(&d))
            .transpose()
            .map_err(|e| DbError::Corrupt(format!("draft data: {e}")))?;
        out.push(DraftRow {
            kind,
            id,
            data,
            author,
            updated_at,
        });
    }
    Ok(out)
}

/// Who asked for approval of the current draft, and when.
pub fn review(tx: &ReadTx<'_>) -> Result<Option<(String, String)>, DbError> {
    Ok(tx
        .conn()
        .query_row(
            "SELECT submitted_by, submitted_at FROM content_draft_review WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub fn submit_for_review(tx: &WriteTx<'_>, by: &str, now: &str) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO content_draft_review (id, submitted_by, submitted_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET submitted_by = ?1, submitted_at = ?2",
        params![by, now],
    )?;
    Ok(())
}
