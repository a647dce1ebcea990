//! The database schema: migrations in order, applied by `rusqlite_migration` on open and
//! tracked in SQLite's `user_version`. Append a migration; never edit one that has shipped.

use rusqlite_migration::{M, Migrations};

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
    r#"
-- A kiosk's items by time: the hourly cap per kiosk counts them; the second keeps the refused
-- ones (rejected or conflict) of a kiosk to a bounded number, oldest removed first.
CREATE INDEX submissions_kiosk_time ON submissions (kiosk_id, received_at);
CREATE INDEX submissions_kiosk_refused ON submissions (kiosk_id, received_at)
    WHERE status IN ('rejected', 'conflict');
"#,
];

/// The migrations, ready to apply.
pub(super) fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
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
}
