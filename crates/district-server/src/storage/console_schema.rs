//! The console's tables (accounts, sessions, tokens, audit, drafts, screenshots), appended to the server's migrations in [`super::schema`].

/// Staff accounts, their sessions and personal API tokens, the audit log, and screenshot
/// requests and pictures of kiosks. Secrets are stored as hashes only: argon2 for passwords,
/// sha256 for session ids and tokens (256 random bits each).
pub const MIGRATION: &str = r#"
CREATE TABLE staff_users (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    role                TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'moderator')),
    password_hash       TEXT NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
) STRICT;

-- A signed-in browser: `hash` is the sha256 of the cookie's value.
CREATE TABLE staff_sessions (
    hash         TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

-- Personal API tokens (`lkp_…`) for kioskctl and scripts; they act with their owner's role.
CREATE TABLE staff_api_tokens (
    id           INTEGER PRIMARY KEY,
    hash         TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
) STRICT;

-- Every change staff make: who, when, what, and the state before and after (JSON).
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    kind   TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before TEXT,
    after  TEXT
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);

-- Content edits waiting to be published together: each row is a record as it will be
-- published (`data` JSON), or its removal (`data` NULL). Publishing applies all of them in one
-- transaction, like a push.
CREATE TABLE content_drafts (
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    data       TEXT,
    author     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT;

-- When a second person must approve: who submitted the current draft for approval, and when.
-- Any change to the draft clears it.
CREATE TABLE content_draft_review (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL
) STRICT;

-- Images uploaded in the console's media library (the files live in the blob store by sha256).
CREATE TABLE media (
    sha256      TEXT PRIMARY KEY,
    mime        TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    name        TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
) STRICT;

-- The live screenshot of a kiosk: asked for by staff, uploaded by the kiosk.
CREATE TABLE kiosk_screenshots (
    kiosk_id     TEXT PRIMARY KEY REFERENCES kiosks (id) ON DELETE CASCADE,
    requested_at TEXT,
    requested_by TEXT,
    png          BLOB,
    width        INTEGER,
    height       INTEGER,
    received_at  TEXT
) STRICT;
"#;
