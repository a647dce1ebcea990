//! `outbox.db`: what visitors typed (wishes, sign-ups), kept until the server confirms it.
//!
//! Precious, unlike the content cache: the app never deletes this file, an item is committed
//! (`synchronous=FULL`) before the visitor is told "received", and it leaves the queue only when
//! the server has answered for it. Every item carries a UUIDv7 that the server uses as its primary
//! key, so resending after a lost answer can never create a second record.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use rusqlite_migration::{M, Migrations};
use uuid::Uuid;

use super::{Result, StoreError};

pub const FILE_NAME: &str = "outbox.db";

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![M::up(
        "CREATE TABLE items (
             id TEXT PRIMARY KEY,
             kind TEXT NOT NULL,
             payload TEXT NOT NULL,
             created_at TEXT NOT NULL,
             state TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'accepted', 'duplicate', 'rejected', 'conflict')),
             attempts INTEGER NOT NULL DEFAULT 0,
             last_error TEXT,
             answered_at TEXT
         ) STRICT;
         CREATE INDEX items_pending ON items (state, id);",
    )])
});

/// One thing a visitor submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: Uuid,
    /// `wish` or `signup`.
    pub kind: String,
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
}

/// The server's answer for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Stored by the server now.
    Accepted,
    /// The server had it already (an earlier send whose answer was lost).
    Duplicate,
    /// The server will never take it (e.g. invalid); kept for the operator, not resent.
    Rejected,
    /// It conflicts with the server's state (e.g. the event is full); kept, not resent.
    Conflict,
}

impl Answer {
    fn key(self) -> &'static str {
        match self {
            Answer::Accepted => "accepted",
            Answer::Duplicate => "duplicate",
            Answer::Rejected => "rejected",
            Answer::Conflict => "conflict",
        }
    }
}

pub struct Outbox {
    conn: Connection,
    path: PathBuf,
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite {
        path: path.display().to_string(),
        source,
    }
}

impl Outbox {
    pub fn open(data_dir: &Path) -> Result<Outbox> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
            path: data_dir.display().to_string(),
            source,
        })?;
        let path = data_dir.join(FILE_NAME);
        let mut conn = Connection::open(&path).map_err(sql(&path))?;
        super::configure(&conn).map_err(sql(&path))?;
        super::migrate(&mut conn, &MIGRATIONS, &path)?;
        Ok(Outbox { conn, path })
    }

    /// Opens the outbox read-only (`kiosk status`): nothing on disk changes. An absent outbox
    /// reads as an empty one, held in memory.
    pub fn open_read_only(data_dir: &Path) -> Result<Outbox> {
        let path = data_dir.join(FILE_NAME);
        if !path.is_file() {
            let mut conn = Connection::open_in_memory().map_err(sql(&path))?;
            super::migrate(&mut conn, &MIGRATIONS, &path)?;
            return Ok(Outbox { conn, path });
        }
        let conn = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(sql(&path))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sql(&path))?;
        Ok(Outbox { conn, path })
    }

    /// Stores a submission durably and returns its id. When this returns, the item survives a
    /// power cut.
    pub fn enqueue(&self, kind: &str, payload: &serde_json::Value) -> Result<Uuid> {
        let id = Uuid::now_v7();
        self.conn
            .execute(
                "INSERT INTO items (id, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![
                    id.to_string(),
                    kind,
                    payload.to_string(),
                    Utc::now().to_rfc3339()
                ],
            )
            .map_err(sql(&self.path))?;
        Ok(id)
    }

    /// The oldest items still waiting for the server, at most `limit`.
    pub fn pending(&self, limit: usize) -> Result<Vec<Item>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, kind, payload, created_at, attempts FROM items
                 WHERE state = 'pending' ORDER BY id LIMIT ?1",
            )
            .map_err(sql(&self.path))?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .map_err(sql(&self.path))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, payload, created_at, attempts) = row.map_err(sql(&self.path))?;
            // Rows are written only by `enqueue`; a row that fails to parse was damaged on disk
            // and is skipped (and logged) rather than blocking every item behind it.
            let parsed = (
                Uuid::parse_str(&id),
                serde_json::from_str(&payload),
                DateTime::parse_from_rfc3339(&created_at),
            );
            match parsed {
                (Ok(id), Ok(payload), Ok(created_at)) => out.push(Item {
                    id,
                    kind,
                    payload,
                    created_at: created_at.with_timezone(&Utc),
                    attempts: attempts.max(0) as u32,
                }),
                _ => tracing::error!(%id, "unreadable outbox item skipped"),
            }
        }
        Ok(out)
    }

    /// Records that a send was attempted (and why it failed), for the maintenance screen.
    pub fn attempted(&self, ids: &[Uuid], error: Option<&str>) -> Result<()> {
        for id in ids {
            self.conn
                .execute(
                    "UPDATE items SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                    params![id.to_string(), error],
                )
                .map_err(sql(&self.path))?;
        }
        Ok(())
    }

    /// Applies the server's answers in one transaction; answered items leave the queue.
    pub fn answered(&mut self, answers: &[(Uuid, Answer, Option<String>)]) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        for (id, answer, message) in answers {
            tx.execute(
                "UPDATE items SET state = ?2, last_error = ?3, answered_at = ?4
                 WHERE id = ?1 AND state = 'pending'",
                params![
                    id.to_string(),
                    answer.key(),
                    message,
                    Utc::now().to_rfc3339()
                ],
            )
            .map_err(sql(&path))?;
        }
        tx.commit().map_err(sql(&path))
    }

    /// Items still waiting for the server.
    pub fn depth(&self) -> Result<u64> {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM items WHERE state = 'pending'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
            .map_err(sql(&self.path))
    }

    /// The state of one item: `pending`, `accepted`, `duplicate`, `rejected` or `conflict`.
    pub fn state(&self, id: Uuid) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT state FROM items WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql(&self.path))
    }
}

/// An item the server refused (`rejected`) or could not take (`conflict`): kept for the
/// maintenance screen, never resent.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub id: Uuid,
    pub kind: String,
    /// `rejected` or `conflict`.
    pub state: String,
    /// The server's message (English, for staff and logs).
    pub message: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The typed store API the wish and sign-up screens use.
impl Outbox {
    /// Stores a visitor's wish durably; the visitor may be told "received" once this returns.
    pub fn enqueue_wish(&self, wish: &protocol::wire::WishSubmission) -> Result<Uuid> {
        self.enqueue_value(protocol::wire::SubmissionKind::Wish, wish)
    }

    /// Stores a visitor's sign-up durably; the server decides later whether there is room.
    pub fn enqueue_signup(&self, signup: &protocol::wire::SignupSubmission) -> Result<Uuid> {
        self.enqueue_value(protocol::wire::SubmissionKind::Signup, signup)
    }

    fn enqueue_value(
        &self,
        kind: protocol::wire::SubmissionKind,
        payload: &impl serde::Serialize,
    ) -> Result<Uuid> {
        // Serialising these plain structs cannot fail.
        let value = serde_json::to_value(payload).unwrap_or(serde_json::Value::Null);
        self.enqueue(kind.key(), &value)
    }

    /// The most recent items the server refused or could not take, newest first.
    pub fn notes(&self, limit: usize) -> Result<Vec<Note>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, kind, state, last_error, answered_at FROM items
                 WHERE state IN ('rejected', 'conflict') ORDER BY id DESC LIMIT ?1",
            )
            .map_err(sql(&self.path))?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .map_err(sql(&self.path))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, state, message, answered_at) = row.map_err(sql(&self.path))?;
            let Ok(id) = Uuid::parse_str(&id) else {
                continue;
            };
            out.push(Note {
                id,
                kind,
                state,
                message,
                answered_at: answered_at
                    .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                    .map(|t| t.with_timezone(&Utc)),
            });
        }
        Ok(out)
    }

    /// How many items the server has answered, by state (`accepted`, `duplicate`, …).
    pub fn answered_counts(&self) -> Result<Vec<(String, u64)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT state, COUNT(*) FROM items WHERE state != 'pending'
                 GROUP BY state ORDER BY state",
            )
            .map_err(sql(&self.path))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(sql(&self.path))?;
        rows.map(|r| r.map(|(s, n)| (s, n.max(0) as u64)))
            .collect::<rusqlite::Result<_>>()
            .map_err(sql(&self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_stay_until_answered_and_survive_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outbox = Outbox::open(dir.path()).expect("open");
        let wish =
            serde_json::json!({"text": "希望楼里有一个读书角", "lang": "zh", "display_name": "L."});
        let a = outbox.enqueue("wish", &wish).expect("enqueue");
        let b = outbox
            .enqueue(
                "signup",
                &serde_json::json!({"event": "e1", "party_size": 2}),
            )
            .expect("enqueue");
        assert!(a < b, "UUIDv7 ids sort by creation");
        drop(outbox);

        let mut outbox = Outbox::open(dir.path()).expect("reopen");
        let pending = outbox.pending(10).expect("pending");
        assert_eq!(pending.iter().map(|i| i.id).collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(pending[0].payload, wish);
        assert_eq!(outbox.depth().expect("depth"), 2);

        outbox
            .attempted(&[a, b], Some("connection reset"))
            .expect("attempted");
        outbox
            .answered(&[
                (a, Answer::Duplicate, None),
                (b, Answer::Conflict, Some("full".into())),
            ])
            .expect("answered");
        assert_eq!(outbox.depth().expect("depth"), 0);
        assert_eq!(
            outbox.state(a).expect("state").as_deref(),
            Some("duplicate")
        );
        assert_eq!(outbox.state(b).expect("state").as_deref(), Some("conflict"));
        assert!(outbox.pending(10).expect("pending").is_empty());
        // An answer for an item no longer pending changes nothing.
        outbox
            .answered(&[(b, Answer::Accepted, None)])
            .expect("answered");
        assert_eq!(outbox.state(b).expect("state").as_deref(), Some("conflict"));
    }

    #[test]
    fn typed_items_and_notes() {
        use protocol::text::Lang;
        use protocol::wire::{SignupSubmission, WishSubmission};
        let dir = tempfile::tempdir().expect("tempdir");
        let mut outbox = Outbox::open(dir.path()).expect("open");
        let wish = WishSubmission {
            text: "more English books".into(),
            lang: Lang::En,
            display_name: "J.".into(),
        };
        let signup = SignupSubmission {
            event: "finance-talk".into(),
            occurrence_start: None,
            name: "Wang Fang".into(),
            contact: "138 0000 0000".into(),
            party_size: 2,
        };
        let w = outbox.enqueue_wish(&wish).expect("wish");
        let s = outbox.enqueue_signup(&signup).expect("signup");
        let pending = outbox.pending(10).expect("pending");
        assert_eq!(pending[0].kind, "wish");
        assert_eq!(pending[1].kind, "signup");
        let back: WishSubmission =
            serde_json::from_value(pending[0].payload.clone()).expect("wish");
        assert_eq!(back, wish);
        outbox
            .answered(&[
                (w, Answer::Accepted, None),
                (s, Answer::Conflict, Some("event full".into())),
            ])
            .expect("answered");
        let notes = outbox.notes(10).expect("notes");
        assert_eq!(notes.len(), 1);
        assert_eq!((notes[0].id, notes[0].state.as_str()), (s, "conflict"));
        assert_eq!(notes[0].message.as_deref(), Some("event full"));
        assert!(notes[0].answered_at.is_some());
        assert_eq!(
            outbox.answered_counts().expect("counts"),
            [("accepted".to_string(), 1), ("conflict".to_string(), 1)]
        );
    }
}
