//! The database schema: migrations in order, applied by `rusqlite_migration` on open and
//! tracked in SQLite's `user_version`. Append a migration; never edit one that has shipped.
//! [`MIGRATIONS`] are the plain-SQL ones up to version 3; [`migrations`] appends version 4
//! (which runs Rust code too): append newer ones there, after it.

use rusqlite_migration::{HookResult, M, Migrations};

pub(super) const MIGRATIONS: &[&str] = &[
    r#"
-- Counters: `head` is the last sequence number handed out; `purged_through` the highest
-- sequence number of a tombstone that was purged (cursors below it get 410).
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
INSERT INTO counters (name, value) VALUES ('head', 0), ('purged_through', 0);

-- Small facts: the district as last pushed, when the database was created.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The latest state of every record that was ever published, one row per (kind, id).
-- `seq` is the change that produced this state; a delete leaves a tombstone (deleted = 1).
CREATE TABLE records (
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    seq        INTEGER NOT NULL UNIQUE,
    rev        INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    scope      TEXT,
    data       TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, id),
    CHECK ((deleted = 0) = (data IS NOT NULL))
) STRICT;
CREATE INDEX records_tombstones ON records (updated_at) WHERE deleted = 1;

-- Everyone a record was ever shown to: '' for district-wide, else a station id. A kiosk gets
-- a delete for a record it may hold when the record is removed or moves out of its reach.
CREATE TABLE record_audience (
    kind     TEXT NOT NULL,
    id       TEXT NOT NULL,
    audience TEXT NOT NULL,
    PRIMARY KEY (kind, id, audience)
) STRICT, WITHOUT ROWID;

CREATE TABLE kiosks (
    id              TEXT PRIMARY KEY,
    station         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_seen_at    TEXT,
    kiosk_version   TEXT,
    content_seq     INTEGER,
    outbox_depth    INTEGER,
    free_disk_bytes INTEGER,
    kiosk_clock     TEXT
) STRICT;

-- Bearer tokens, by the sha256 of the token; the token itself is never stored.
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('staff', 'kiosk')),
    kiosk_id   TEXT REFERENCES kiosks (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    CHECK ((role = 'kiosk') = (kiosk_id IS NOT NULL))
) STRICT;

-- Every outbox item ever received, whatever its fate: the id is the client's UUIDv7, so a
-- resend finds its first answer here.
CREATE TABLE submissions (
    id          TEXT PRIMARY KEY,
    kiosk_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'conflict')),
    message     TEXT NOT NULL
) STRICT;

CREATE TABLE wishes (
    id           TEXT PRIMARY KEY REFERENCES submissions (id),
    kiosk_id     TEXT NOT NULL,
    station      TEXT NOT NULL,
    text         TEXT NOT NULL,
    lang         TEXT NOT NULL,
    display_name TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'claimed', 'fulfilled', 'rejected')),
    scope        TEXT,
    created_at   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    decided_at   TEXT,
    note         TEXT
) STRICT;
CREATE INDEX wishes_status ON wishes (status, received_at);

CREATE TABLE signups (
    id               TEXT PRIMARY KEY REFERENCES submissions (id),
    kiosk_id         TEXT NOT NULL,
    event            TEXT NOT NULL,
    occurrence_start TEXT NOT NULL,
    name             TEXT NOT NULL,
    contact          TEXT NOT NULL,
    party_size       INTEGER NOT NULL CHECK (party_size > 0),
    created_at       TEXT NOT NULL,
    received_at      TEXT NOT NULL
) STRICT;
CREATE INDEX signups_event ON signups (event, occurrence_start);
"#,
    r#"
-- Schema 2: visitors write back. Every answer keeps its structured outcome (what the visitor
-- is told, resent with a duplicate); a wish's display name is optional; claims are offers to
-- fulfil a wish, matched or declined by staff; staff can cancel a sign-up.
ALTER TABLE submissions ADD COLUMN outcome TEXT;

CREATE TABLE wishes_v2 (
    id           TEXT PRIMARY KEY REFERENCES submissions (id),
    kiosk_id     TEXT NOT NULL,
    station      TEXT NOT NULL,
    text         TEXT NOT NULL,
    lang         TEXT NOT NULL,
    display_name TEXT,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'claimed', 'fulfilled', 'rejected')),
    scope        TEXT,
    created_at   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    decided_at   TEXT,
    note         TEXT
) STRICT;
INSERT INTO wishes_v2 SELECT id, kiosk_id, station, text, lang, NULLIF(display_name, ''), status,
    scope, created_at, received_at, decided_at, note FROM wishes;
DROP TABLE wishes;
ALTER TABLE wishes_v2 RENAME TO wishes;
CREATE INDEX wishes_status ON wishes (status, received_at);

CREATE TABLE claims (
    id          TEXT PRIMARY KEY REFERENCES submissions (id),
    kiosk_id    TEXT NOT NULL,
    wish        TEXT NOT NULL REFERENCES wishes (id),
    name        TEXT NOT NULL,
    contact     TEXT NOT NULL,
    note        TEXT,
    status      TEXT NOT NULL CHECK (status IN ('offered', 'matched', 'declined')),
    created_at  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    decided_at  TEXT,
    staff_note  TEXT
) STRICT;
CREATE INDEX claims_wish ON claims (wish, received_at);
CREATE INDEX claims_status ON claims (status, received_at);

ALTER TABLE signups ADD COLUMN cancelled_at TEXT;
"#,
    super::console_schema::MIGRATION,
    // Version 4 and later: in `migrations()`.
];

/// Submissions keep a fingerprint, not what was sent, and a bounded record of refusals. The
/// hook ([`fingerprint_payloads`]) then rewrites what earlier versions kept.
const BOUNDED_SUBMISSIONS: &str = r#"
-- A kiosk's items by time: the hourly cap per kiosk counts them; the second keeps the refused
-- ones (rejected or conflict) of a kiosk to a bounded number, oldest removed first.
CREATE INDEX submissions_kiosk_time ON submissions (kiosk_id, received_at);
CREATE INDEX submissions_kiosk_refused ON submissions (kiosk_id, received_at)
    WHERE status IN ('rejected', 'conflict');
-- Reasons were stored whole, quoting whatever a kiosk sent.
UPDATE submissions SET message = substr(message, 1, 300) || '…' WHERE length(message) > 300;
-- Refused items beyond the newest 1,000 of each kiosk.
DELETE FROM submissions WHERE rowid IN (
    SELECT rowid FROM (
        SELECT rowid, row_number() OVER (
            PARTITION BY kiosk_id ORDER BY received_at DESC, rowid DESC) AS newer
        FROM submissions WHERE status IN ('rejected', 'conflict'))
    WHERE newer > 1000);
"#;

/// The migrations, ready to apply.
pub(super) fn migrations() -> Migrations<'static> {
    let mut all: Vec<M<'static>> = MIGRATIONS.iter().map(|sql| M::up(sql)).collect();
    // Version 4.
    all.push(M::up_with_hook(BOUNDED_SUBMISSIONS, fingerprint_payloads));
    Migrations::new(all)
}

/// Replaces every payload stored as sent (earlier versions kept the JSON text, contacts
/// included) with its fingerprint, the one [`super::submissions::fingerprint`] gives a retry.
/// A text that is not JSON (none was written so) stays, and a retry is compared with it as text.
fn fingerprint_payloads(tx: &rusqlite::Transaction<'_>) -> HookResult {
    let rows: Vec<(i64, String)> = tx
        .prepare("SELECT rowid, payload FROM submissions WHERE payload NOT LIKE 'sha256:%'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut update = tx.prepare("UPDATE submissions SET payload = ?1 WHERE rowid = ?2")?;
    for (rowid, text) in rows {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
            update.execute(rusqlite::params![
                super::submissions::fingerprint(&value),
                rowid
            ])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }

    #[test]
    fn a_schema_1_database_keeps_its_wishes() {
        let mut conn = Connection::open_in_memory().expect("opens");
        conn.pragma_update(None, "foreign_keys", "ON").expect("fk");
        super::migrations()
            .to_version(&mut conn, 1)
            .expect("schema 1");
        conn.execute_batch(
            "INSERT INTO submissions VALUES ('w1', 'k', 'wish', '', '', '{}', 'accepted', '');
             INSERT INTO submissions VALUES ('w2', 'k', 'wish', '', '', '{}', 'accepted', '');
             INSERT INTO wishes (id, kiosk_id, station, text, lang, display_name, status, scope,
               created_at, received_at)
             VALUES ('w1', 'k', 's1', '读书角', 'zh', '李', 'approved', 's1', 't', 't'),
                    ('w2', 'k', 's1', 'books', 'en', '', 'pending', 's1', 't', 't');",
        )
        .expect("schema 1 rows");
        super::migrations().to_latest(&mut conn).expect("schema 2");
        let names: Vec<Option<String>> = conn
            .prepare("SELECT display_name FROM wishes ORDER BY id")
            .expect("prepares")
            .query_map([], |r| r.get(0))
            .expect("queries")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(names, [Some("李".to_string()), None]);
        let fk: i64 = conn
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .expect("checks");
        assert_eq!(fk, 0);
    }

    #[test]
    fn earlier_submissions_keep_a_fingerprint_a_bounded_reason_and_1000_refusals_per_kiosk() {
        let mut conn = Connection::open_in_memory().expect("opens");
        conn.pragma_update(None, "foreign_keys", "ON").expect("fk");
        let before = super::MIGRATIONS.len();
        super::migrations()
            .to_version(&mut conn, before)
            .expect("the schema before");
        let payload = r#"{"text":"想学太极拳","lang":"zh","display_name":"李"}"#;
        conn.execute(
            "INSERT INTO submissions VALUES ('w1', 'k1', 'wish', '', '2026-11-01T00:00:00.000Z',
               ?1, 'accepted', 'ok', '{\"kind\":\"received\"}')",
            [payload],
        )
        .expect("an accepted item");
        conn.execute(
            "INSERT INTO submissions VALUES ('big', 'k1', 'wish', '', '2026-11-03T00:00:00.000Z',
               ?1, 'rejected', ?2, NULL)",
            [
                format!("{{\"pad\":\"{}\"}}", "x".repeat(10_000)),
                "y".repeat(5_000),
            ],
        )
        .expect("a padded refusal");
        for i in 0..1_005 {
            conn.execute(
                "INSERT INTO submissions VALUES (?1, 'k1', 'wish', '', ?2, '{}', 'rejected', 'no', NULL)",
                [format!("r{i}"), format!("2026-11-02T00:{:02}:{:02}.000Z", i / 60, i % 60)],
            )
            .expect("a refusal");
        }
        conn.execute(
            "INSERT INTO submissions VALUES ('other', 'k2', 'wish', '', '2026-11-01T00:00:00.000Z',
               '{}', 'conflict', 'no', NULL)",
            [],
        )
        .expect("another kiosk's refusal");
        super::migrations().to_latest(&mut conn).expect("migrates");

        let stored = |id: &str| -> Option<(String, String)> {
            conn.query_row(
                "SELECT payload, message FROM submissions WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok()
        };
        let (fingerprint, _) = stored("w1").expect("accepted items stay");
        let value: serde_json::Value = serde_json::from_str(payload).expect("json");
        assert_eq!(
            fingerprint,
            crate::storage::submissions::fingerprint(&value)
        );
        assert!(fingerprint.starts_with("sha256:"), "{fingerprint}");
        // The newest refusal stays, cut down; the oldest past the newest 1,000 are gone.
        let (fingerprint, message) = stored("big").expect("the newest refusal stays");
        assert!(fingerprint.starts_with("sha256:"), "{fingerprint:.80}");
        assert_eq!(message.chars().count(), 301, "300 and the `…`");
        assert_eq!(stored("r5"), None);
        assert!(stored("r6").is_some());
        assert!(stored("other").is_some(), "another kiosk's");
        let refused: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM submissions WHERE kiosk_id = 'k1' AND status = 'rejected'",
                [],
                |r| r.get(0),
            )
            .expect("counts");
        assert_eq!(refused, 1_000);
        let widest: i64 = conn
            .query_row(
                "SELECT MAX(length(payload) + length(message)) FROM submissions",
                [],
                |r| r.get(0),
            )
            .expect("measures");
        assert!(widest < 400, "{widest}");
    }
}
