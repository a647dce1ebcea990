//! The audit log: one row per change staff make, written in the change's own transaction.

use rusqlite::params;

use super::{DbError, ReadTx, WriteTx};

/// One change, as the audit page shows it. `before`/`after` are JSON (absent for a creation or
/// a deletion respectively); they never hold a password, token or session id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What to write: `at` and `id` are added by [`record`].
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub actor: &'a str,
    pub kind: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
}

pub fn record(tx: &WriteTx<'_>, change: Change<'_>, now: &str) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO audit_log (at, actor, kind, action, target, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            now,
            change.actor,
            change.kind,
            change.action,
            change.target,
            change.before.map(|v| v.to_string()),
            change.after.map(|v| v.to_string()),
        ],
    )?;
    Ok(())
}

/// Which entries to show; empty fields match everything. Dates are `YYYY-MM-DD` (UTC),
/// inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub kind: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Matching entries, newest first, at most `limit`.
pub fn list(tx: &ReadTx<'_>, filter: &AuditFilter, limit: u32) -> Result<Vec<AuditEntry>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT id, at, actor, kind, action, target, before, after FROM audit_log
         WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR kind = ?2)
           AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4 || 'T99')
         ORDER BY id DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(
        params![filter.actor, filter.kind, filter.from, filter.to, limit],
        |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                kind: r.get(3)?,
                action: r.get(4)?,
                target: r.get(5)?,
                before: r.get(6)?,
                after: r.get(7)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Everyone and every kind that appears in the log, for the filter's choices.
pub fn actors_and_kinds(tx: &ReadTx<'_>) -> Result<(Vec<String>, Vec<String>), DbError> {
    let col = |sql: &str| -> Result<Vec<String>, DbError> {
        let mut stmt = tx.conn().prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    Ok((
        col("SELECT DISTINCT actor FROM audit_log ORDER BY actor")?,
        col("SELECT DISTINCT kind FROM audit_log ORDER BY kind")?,
    ))
}
