//! Staff accounts, console sessions and personal API tokens.

use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};
use crate::accounts::StaffRole;

/// An account as stored (the hash never leaves the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub role: StaffRole,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: String,
    pub password_changed_at: String,
}

/// The account behind a valid session or personal token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub role: StaffRole,
}

fn role(s: String) -> Result<StaffRole, DbError> {
    s.parse()
        .map_err(|_| DbError::Corrupt(format!("staff role `{s}`")))
}

const USER_COLUMNS: &str =
    "id, name, role, password_hash, disabled, created_at, password_changed_at";

type RawUser = (i64, String, String, String, i64, String, String);

fn raw_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawUser> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn user(raw: RawUser) -> Result<UserRow, DbError> {
    let (id, name, r, password_hash, disabled, created_at, password_changed_at) = raw;
    Ok(UserRow {
        id,
        name,
        role: role(r)?,
        password_hash,
        disabled: disabled != 0,
        created_at,
        password_changed_at,
    })
}

/// Adds an account; `None` when the name is taken.
pub fn insert_user(
    tx: &WriteTx<'_>,
    name: &str,
    role: StaffRole,
    password_hash: &str,
    now: &str,
) -> Result<Option<i64>, DbError> {
    let n = tx.conn().execute(
        "INSERT INTO staff_users (name, role, password_hash, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (name) DO NOTHING",
        params![name, role.key(), password_hash, now],
    )?;
    Ok((n == 1).then(|| tx.conn().last_insert_rowid()))
}

pub fn user_by_name(tx: &ReadTx<'_>, name: &str) -> Result<Option<UserRow>, DbError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM staff_users WHERE name = ?1");
    tx.conn()
        .query_row(&sql, [name], raw_user)
        .optional()?
        .map(user)
        .transpose()
}

pub fn user_by_id(tx: &ReadTx<'_>, id: i64) -> Result<Option<UserRow>, DbError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM staff_users WHERE id = ?1");
    tx.conn()
        .query_row(&sql, [id], raw_user)
        .optional()?
        .map(user)
        .transpose()
}

/// Every account, by name.
pub fn list_users(tx: &ReadTx<'_>) -> Result<Vec<UserRow>, DbError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM staff_users ORDER BY name");
    let mut stmt = tx.conn().prepare(&sql)?;
    let rows = stmt.query_map([], raw_user)?;
    rows.map(|r| user(r?)).collect()
}

/// How many enabled admins there are (the last one may not be demoted or disabled).
pub fn active_admins(tx: &ReadTx<'_>) -> Result<u64, DbError> {
    let n: i64 = tx.conn().query_row(
        "SELECT count(*) FROM staff_users WHERE role = 'admin' AND disabled = 0",
        [],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

pub fn set_role(tx: &WriteTx<'_>, id: i64, role: StaffRole) -> Result<(), DbError> {
    tx.conn().execute(
        "UPDATE staff_users SET role = ?2 WHERE id = ?1",
        params![id, role.key()],
    )?;
    Ok(())
}

/// Disables or enables an account; disabling ends its sessions and stops its tokens.
pub fn set_disabled(tx: &WriteTx<'_>, id: i64, disabled: bool) -> Result<(), DbError> {
    tx.conn().execute(
        "UPDATE staff_users SET disabled = ?2 WHERE id = ?1",
        params![id, i64::from(disabled)],
    )?;
    if disabled {
        tx.conn()
            .execute("DELETE FROM staff_sessions WHERE user_id = ?1", [id])?;
    }
    Ok(())
}

/// Replaces a password hash and ends the account's other sessions (all of them when
/// `keep_session` is `None`).
pub fn set_password(
    tx: &WriteTx<'_>,
    id: i64,
    password_hash: &str,
    keep_session: Option<&str>,
    now: &str,
) -> Result<(), DbError> {
    tx.conn().execute(
        "UPDATE staff_users SET password_hash = ?2, password_changed_at = ?3 WHERE id = ?1",
        params![id, password_hash, now],
    )?;
    tx.conn().execute(
        "DELETE FROM staff_sessions WHERE user_id = ?1 AND hash IS NOT ?2",
        params![id, keep_session],
    )?;
    Ok(())
}

/// Starts a session under the hash of a fresh secret.
pub fn insert_session(
    tx: &WriteTx<'_>,
    hash: &str,
    user_id: i64,
    now: &str,
    expires_at: &str,
) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO staff_sessions (hash, user_id, created_at, last_seen_at, expires_at)
         VALUES (?1, ?2, ?3, ?3, ?4)",
        params![hash, user_id, now, expires_at],
    )?;
    Ok(())
}

/// The member of a live session: not expired, not idle since `idle_since`, account enabled.
pub fn session_member(
    tx: &ReadTx<'_>,
    hash: &str,
    now: &str,
    idle_since: &str,
) -> Result<Option<Member>, DbError> {
    let row: Option<(i64, String, String)> = tx
        .conn()
        .query_row(
            "SELECT u.id, u.name, u.role FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
             WHERE s.hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3 AND u.disabled = 0",
            params![hash, now, idle_since],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(user_id, name, r)| {
        Ok(Member {
            user_id,
            name,
            role: role(r)?,
        })
    })
    .transpose()
}

/// Marks a session used now (its idle clock restarts).
pub fn touch_session(tx: &WriteTx<'_>, hash: &str, now: &str) -> Result<(), DbError> {
    tx.conn().execute(
        "UPDATE staff_sessions SET last_seen_at = ?2 WHERE hash = ?1",
        params![hash, now],
    )?;
    Ok(())
}

pub fn delete_session(tx: &WriteTx<'_>, hash: &str) -> Result<(), DbError> {
    tx.conn()
        .execute("DELETE FROM staff_sessions WHERE hash = ?1", [hash])?;
    Ok(())
}

/// Deletes sessions past their end or idle too long; returns how many.
pub fn purge_sessions(tx: &WriteTx<'_>, now: &str, idle_since: &str) -> Result<usize, DbError> {
    Ok(tx.conn().execute(
        "DELETE FROM staff_sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2",
        params![now, idle_since],
    )?)
}

/// A personal API token as its owner sees it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub fn insert_token(
    tx: &WriteTx<'_>,
    hash: &str,
    user_id: i64,
    label: &str,
    now: &str,
) -> Result<i64, DbError> {
    tx.conn().execute(
        "INSERT INTO staff_api_tokens (hash, user_id, label, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![hash, user_id, label, now],
    )?;
    Ok(tx.conn().last_insert_rowid())
}

/// One account's tokens, newest first.
pub fn tokens_of(tx: &ReadTx<'_>, user_id: i64) -> Result<Vec<TokenRow>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT id, label, created_at, last_used_at, revoked_at FROM staff_api_tokens
         WHERE user_id = ?1 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok(TokenRow {
            id: r.get(0)?,
            label: r.get(1)?,
            created_at: r.get(2)?,
            last_used_at: r.get(3)?,
            revoked_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes one of an account's tokens; returns its label when it was live.
pub fn revoke_token(
    tx: &WriteTx<'_>,
    user_id: i64,
    id: i64,
    now: &str,
) -> Result<Option<String>, DbError> {
    Ok(tx
        .conn()
        .query_row(
            "UPDATE staff_api_tokens SET revoked_at = ?3
             WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL RETURNING label",
            params![id, user_id, now],
            |r| r.get(0),
        )
        .optional()?)
}

/// The member a live personal token acts for.
pub fn token_member(tx: &ReadTx<'_>, hash: &str) -> Result<Option<Member>, DbError> {
    let row: Option<(i64, String, String)> = tx
        .conn()
        .query_row(
            "SELECT u.id, u.name, u.role FROM staff_api_tokens t JOIN staff_users u ON u.id = t.user_id
             WHERE t.hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0",
            [hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(user_id, name, r)| {
        Ok(Member {
            user_id,
            name,
            role: role(r)?,
        })
    })
    .transpose()
}

/// Notes that a token was used (shown to its owner, to spot forgotten or stolen ones).
pub fn touch_token(tx: &WriteTx<'_>, hash: &str, now: &str) -> Result<(), DbError> {
    tx.conn().execute(
        "UPDATE staff_api_tokens SET last_used_at = ?2 WHERE hash = ?1",
        params![hash, now],
    )?;
    Ok(())
}
