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
    super::console_schema::MIGRATION,
];

/// The migrations, ready to apply.
pub(super) fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
