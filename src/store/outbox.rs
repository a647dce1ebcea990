//! `outbox.db`: what visitors typed (wishes, sign-ups, claims), kept until the district server
//! has answered for it, and the answer kept a while for the visitor's confirmation screen.
//!
//! Precious, unlike the content cache: the app never deletes this file, an item is committed
//! (`synchronous=FULL`) before the enqueue call returns, so the visitor is told "received" only
//! about something that survives a power cut, and it leaves the queue only when the server has
//! answered for it. Every item carries a UUIDv7 that the server uses as its primary key, so
//! resending after a lost answer can never create a second record there.
//!
//! How a form uses it (the screens are built on this):
//! 1. When the form opens, it takes an id from [`new_id`] and keeps it while the form is open.
//! 2. It checks what was typed with [`protocol::visitor`] (`WishSubmission::check`, …) and shows
//!    the field errors in the visitor's language; only a [`Checked`] payload can be queued.
//! 3. "Submit" calls [`Outbox::enqueue_wish`] (or `_signup`, `_claim`) with that id, off the UI
//!    thread. A second tap finds the same id and creates nothing ([`Enqueued::AlreadyQueued`]).
//! 4. Then it asks the sync thread to push now (`SyncHandle::push_now`) and follows the item with
//!    [`Outbox::item`]: [`Progress::Waiting`] until the server answers, then
//!    [`Progress::Answered`] with the server's [`Outcome`] ("confirmed: 2 seats", "full: 1 seat
//!    left"). The sync thread tells the UI when answers arrived (`Notifier::submissions_answered`).
//!    Still waiting after a few seconds (offline): "we will confirm by phone".
//!
//! Answered items hold the visitor's name and contact (they are in the payload), so they are
//! deleted [`Outbox::prune_answered`] days after the answer; an item the server has not answered
//! is never deleted.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use protocol::visitor::Checked;
use protocol::wire::{
    ClaimSubmission, Outcome, SignupSubmission, SubmissionKind, SubmissionStatus, WishSubmission,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use rusqlite_migration::{M, Migrations};
use uuid::Uuid;

use super::{Result, StoreError};

pub const FILE_NAME: &str = "outbox.db";

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(
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
        ),
        // Schema 2 of the protocol: the structured outcome of the answer, for the visitor.
        M::up(
            "ALTER TABLE items ADD COLUMN outcome TEXT;
             CREATE INDEX items_answered ON items (answered_at) WHERE state != 'pending';",
        ),
    ])
});

/// A new submission id: a UUIDv7, made when a form opens and kept until it closes, so a double
/// tap on "submit" finds the item it already queued.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// One thing a visitor submitted, as the sync client sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: Uuid,
    /// `wish`, `signup` or `claim`.
    pub kind: String,
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
}

/// The server's verdict on one item.
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

    fn parse(s: &str) -> Option<Answer> {
        Some(match s {
            "accepted" => Answer::Accepted,
            "duplicate" => Answer::Duplicate,
            "rejected" => Answer::Rejected,
            "conflict" => Answer::Conflict,
            _ => return None,
        })
    }

    /// The server has the item (now or from an earlier send).
    pub fn is_received(self) -> bool {
        matches!(self, Answer::Accepted | Answer::Duplicate)
    }
}

impl From<SubmissionStatus> for Answer {
    fn from(s: SubmissionStatus) -> Answer {
        match s {
            SubmissionStatus::Accepted => Answer::Accepted,
            SubmissionStatus::Duplicate => Answer::Duplicate,
            SubmissionStatus::Rejected => Answer::Rejected,
            SubmissionStatus::Conflict => Answer::Conflict,
        }
    }
}

/// The server's answer for one item, as the sync client records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub id: Uuid,
    pub answer: Answer,
    /// The server's message (English, for staff) when it refused the item.
    pub message: Option<String>,
    /// What to tell the visitor.
    pub outcome: Option<Outcome>,
}

/// What an enqueue did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// Stored now.
    New,
    /// An item with this id was already queued (a double tap): nothing new was stored.
    AlreadyQueued,
}

/// Where one item stands, for the confirmation screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    pub id: Uuid,
    pub kind: SubmissionKind,
    /// When the visitor submitted it.
    pub created_at: DateTime<Utc>,
    pub progress: Progress,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Not answered yet: stored here, sent when the server can be reached.
    Waiting {
        /// Sends tried so far.
        attempts: u32,
        /// Why the last send failed.
        last_error: Option<String>,
    },
    /// The server answered.
    Answered {
        answer: Answer,
        /// What to tell the visitor; absent only for an item the kiosk itself could not send.
        outcome: Option<Outcome>,
        /// The server's English message for staff, when it refused the item.
        message: Option<String>,
        at: Option<DateTime<Utc>>,
    },
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

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
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

    /// Stores a visitor's wish durably; the visitor may be told "received" once this returns.
    pub fn enqueue_wish(&self, id: Uuid, wish: &Checked<WishSubmission>) -> Result<Enqueued> {
        self.enqueue(id, SubmissionKind::Wish, wish.get())
    }

    /// Stores a visitor's sign-up durably; the server decides later whether there is room.
    pub fn enqueue_signup(&self, id: Uuid, signup: &Checked<SignupSubmission>) -> Result<Enqueued> {
        self.enqueue(id, SubmissionKind::Signup, signup.get())
    }

    /// Stores an offer to fulfil a wish durably.
    pub fn enqueue_claim(&self, id: Uuid, claim: &Checked<ClaimSubmission>) -> Result<Enqueued> {
        self.enqueue(id, SubmissionKind::Claim, claim.get())
    }

    fn enqueue(
        &self,
        id: Uuid,
        kind: SubmissionKind,
        payload: &impl serde::Serialize,
    ) -> Result<Enqueued> {
        if id.get_version_num() != 7 {
            return Err(StoreError::BadSubmissionId(id.to_string()));
        }
        // Serialising these plain structs cannot fail.
        let payload = serde_json::to_string(payload).unwrap_or_default();
        let inserted = self
            .conn
            .execute(
                "INSERT INTO items (id, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO NOTHING",
                params![id.to_string(), kind.key(), payload, Utc::now().to_rfc3339()],
            )
            .map_err(sql(&self.path))?;
        Ok(if inserted == 1 {
            Enqueued::New
        } else {
            Enqueued::AlreadyQueued
        })
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
                parse_time(&created_at),
            );
            match parsed {
                (Ok(id), Ok(payload), Some(created_at)) => out.push(Item {
                    id,
                    kind,
                    payload,
                    created_at,
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

    /// Applies the server's answers in one transaction; answered items leave the queue. An
    /// answer for an item no longer pending changes nothing (the first answer stands).
    pub fn answered(&mut self, answers: &[Answered]) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(&path))?;
        let now = Utc::now().to_rfc3339();
        for a in answers {
            let outcome = a
                .outcome
                .as_ref()
                .map(|o| serde_json::to_string(o).unwrap_or_default());
            tx.execute(
                "UPDATE items SET state = ?2, last_error = ?3, answered_at = ?4, outcome = ?5
                 WHERE id = ?1 AND state = 'pending'",
                params![a.id.to_string(), a.answer.key(), a.message, now, outcome],
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

    /// Where one item stands; `None` when there is no such item (never queued, or pruned).
    pub fn item(&self, id: Uuid) -> Result<Option<Tracked>> {
        type Row = (
            String,
            String,
            String,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = self
            .conn
            .query_row(
                "SELECT kind, created_at, state, attempts, last_error, answered_at, outcome
                 FROM items WHERE id = ?1",
                [id.to_string()],
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
            .optional()
            .map_err(sql(&self.path))?;
        let Some((kind, created_at, state, attempts, last_error, answered_at, outcome)) = row
        else {
            return Ok(None);
        };
        let (Ok(kind), Some(created_at)) =
            (kind.parse::<SubmissionKind>(), parse_time(&created_at))
        else {
            tracing::error!(%id, "unreadable outbox item");
            return Ok(None);
        };
        let progress = match Answer::parse(&state) {
            None => Progress::Waiting {
                attempts: attempts.max(0) as u32,
                last_error,
            },
            Some(answer) => Progress::Answered {
                answer,
                outcome: outcome.and_then(|o| serde_json::from_str(&o).ok()),
                message: last_error,
                at: answered_at.as_deref().and_then(parse_time),
            },
        };
        Ok(Some(Tracked {
            id,
            kind,
            created_at,
            progress,
        }))
    }

    /// Deletes the items answered before `before` (they hold visitors' contact details) and
    /// returns how many. Items still waiting for the server are never deleted.
    pub fn prune_answered(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, answered_at FROM items
                 WHERE state != 'pending' AND answered_at IS NOT NULL",
            )
            .map_err(sql(&self.path))?;
        // Compared as instants, not as text: answers are stamped with the local offset.
        let old: Vec<String> = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql(&self.path))?
            .filter_map(|row| row.ok())
            .filter(|(_, at)| parse_time(at).is_some_and(|t| t < before))
            .map(|(id, _)| id)
            .collect();
        let mut n = 0;
        for id in old {
            n += self
                .conn
                .execute(
                    "DELETE FROM items WHERE id = ?1 AND state != 'pending'",
                    [id],
                )
                .map_err(sql(&self.path))? as u64;
        }
        Ok(n)
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

/// What the maintenance screen shows.
impl Outbox {
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
                answered_at: answered_at.as_deref().and_then(parse_time),
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
    use protocol::text::Lang;

    fn wish(text: &str) -> Checked<WishSubmission> {
        WishSubmission {
            text: text.into(),
            lang: Lang::Zh,
            display_name: Some("L.".into()),
        }
        .check()
        .expect("valid")
    }

    fn signup() -> Checked<SignupSubmission> {
        SignupSubmission {
            event: "finance-talk".into(),
            occurrence_start: None,
            name: "Wang Fang".into(),
            contact: "138 0000 0000".into(),
            party_size: 2,
        }
        .check(Some(10))
        .expect("valid")
    }

    fn answered(id: Uuid, answer: Answer, outcome: Option<Outcome>) -> Answered {
        Answered {
            id,
            answer,
            message: (!answer.is_received()).then(|| "refused".to_string()),
            outcome,
        }
    }

    #[test]
    fn items_stay_until_answered_and_survive_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outbox = Outbox::open(dir.path()).expect("open");
        let (a, b) = (new_id(), new_id());
        assert_eq!(
            outbox
                .enqueue_wish(a, &wish(" 希望楼里有一个读书角 "))
                .expect("enqueue"),
            Enqueued::New
        );
        assert_eq!(
            outbox.enqueue_signup(b, &signup()).expect("enqueue"),
            Enqueued::New
        );
        assert!(a < b, "UUIDv7 ids sort by creation");
        drop(outbox);

        let mut outbox = Outbox::open(dir.path()).expect("reopen");
        let pending = outbox.pending(10).expect("pending");
        assert_eq!(pending.iter().map(|i| i.id).collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(pending[0].kind, "wish");
        let back: WishSubmission =
            serde_json::from_value(pending[0].payload.clone()).expect("wish");
        assert_eq!(back.text, "希望楼里有一个读书角", "stored as checked");
        let back: SignupSubmission =
            serde_json::from_value(pending[1].payload.clone()).expect("signup");
        assert_eq!(back.contact, "+8613800000000");
        assert_eq!(outbox.depth().expect("depth"), 2);

        outbox
            .attempted(&[a, b], Some("connection reset"))
            .expect("attempted");
        assert_eq!(
            outbox.item(a).expect("item").map(|t| t.progress),
            Some(Progress::Waiting {
                attempts: 1,
                last_error: Some("connection reset".into())
            })
        );
        let full = Outcome::Full { seats_left: 1 };
        outbox
            .answered(&[
                answered(a, Answer::Duplicate, Some(Outcome::Received)),
                answered(b, Answer::Conflict, Some(full.clone())),
            ])
            .expect("answered");
        assert_eq!(outbox.depth().expect("depth"), 0);
        let tracked = outbox.item(b).expect("item").expect("there");
        assert_eq!(tracked.kind, SubmissionKind::Signup);
        match tracked.progress {
            Progress::Answered {
                answer,
                outcome,
                message,
                at,
            } => {
                assert_eq!(answer, Answer::Conflict);
                assert_eq!(outcome, Some(full.clone()));
                assert_eq!(message.as_deref(), Some("refused"));
                assert!(at.is_some());
            }
            other => panic!("expected an answer, got {other:?}"),
        }
        assert!(outbox.pending(10).expect("pending").is_empty());
        // An answer for an item no longer pending changes nothing.
        outbox
            .answered(&[answered(b, Answer::Accepted, None)])
            .expect("answered");
        assert!(matches!(
            outbox.item(b).expect("item").map(|t| t.progress),
            Some(Progress::Answered {
                answer: Answer::Conflict,
                ..
            })
        ));
    }

    #[test]
    fn a_double_tap_queues_one_item() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outbox = Outbox::open(dir.path()).expect("open");
        let id = new_id();
        let w = wish("想学太极拳");
        assert_eq!(outbox.enqueue_wish(id, &w).expect("first"), Enqueued::New);
        assert_eq!(
            outbox.enqueue_wish(id, &w).expect("second tap"),
            Enqueued::AlreadyQueued
        );
        // Even with other text (the form changed under the finger), the first one stands.
        assert_eq!(
            outbox
                .enqueue_wish(id, &wish("something else"))
                .expect("third"),
            Enqueued::AlreadyQueued
        );
        let pending = outbox.pending(10).expect("pending");
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].payload["text"], "想学太极拳");
        // A fresh form, a fresh id: a second wish.
        assert_eq!(
            outbox.enqueue_wish(new_id(), &w).expect("new form"),
            Enqueued::New
        );
        assert_eq!(outbox.depth().expect("depth"), 2);
        // Only UUIDv7 ids (the server's primary key needs one).
        assert!(matches!(
            outbox.enqueue_wish(Uuid::nil(), &w),
            Err(StoreError::BadSubmissionId(_))
        ));
    }

    #[test]
    fn answered_items_are_pruned_pending_ones_never() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut outbox = Outbox::open(dir.path()).expect("open");
        let (answered_id, waiting) = (new_id(), new_id());
        outbox
            .enqueue_signup(answered_id, &signup())
            .expect("enqueue");
        outbox.enqueue_signup(waiting, &signup()).expect("enqueue");
        outbox
            .answered(&[answered(
                answered_id,
                Answer::Accepted,
                Some(Outcome::Confirmed {
                    seats: 2,
                    start: "2030-01-19T14:00:00".parse().expect("time"),
                }),
            )])
            .expect("answered");
        let now = Utc::now();
        assert_eq!(
            outbox
                .prune_answered(now - chrono::Duration::days(1))
                .expect("prune"),
            0,
            "answered today: kept"
        );
        assert!(outbox.item(answered_id).expect("item").is_some());
        let later = now + chrono::Duration::days(30);
        assert_eq!(outbox.prune_answered(later).expect("prune"), 1);
        assert_eq!(outbox.item(answered_id).expect("item"), None);
        assert!(
            outbox.item(waiting).expect("item").is_some(),
            "never answered: never pruned"
        );
        assert_eq!(outbox.depth().expect("depth"), 1);
    }

    #[test]
    fn notes_and_counts_for_the_maintenance_screen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut outbox = Outbox::open(dir.path()).expect("open");
        let (w, s) = (new_id(), new_id());
        outbox
            .enqueue_wish(w, &wish("more English books"))
            .expect("wish");
        outbox.enqueue_signup(s, &signup()).expect("signup");
        outbox
            .answered(&[
                answered(w, Answer::Accepted, Some(Outcome::Received)),
                Answered {
                    id: s,
                    answer: Answer::Conflict,
                    message: Some("event full".into()),
                    outcome: Some(Outcome::Full { seats_left: 0 }),
                },
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
