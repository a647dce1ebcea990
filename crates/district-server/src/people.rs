//! Staff accounts as operations with their audit entries, shared by `district-server user …`
//! (on the server's machine) and the console's people page.

use chrono::Utc;
use serde_json::json;

use crate::accounts::{self, AccountError, StaffRole};
use crate::config::Config;
use crate::storage::accounts::{self as store, UserRow};
use crate::storage::audit;
use crate::storage::{Db, DbError, time_text};

/// Who the command line acts as in the audit log.
pub const CLI_ACTOR: &str = "(district-server)";

#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("the database at {0} is not initialised yet: run `district-server init` first")]
    NotInitialised(String),
}

/// The state of an account as the audit log keeps it (never the password hash).
pub fn audit_view(name: &str, role: StaffRole, disabled: bool) -> serde_json::Value {
    json!({ "name": name, "role": role.key(), "disabled": disabled })
}

/// Adds an account in the caller's transaction, with its audit entry.
pub fn add_user(
    tx: &crate::storage::WriteTx<'_>,
    actor: &str,
    name: &str,
    role: StaffRole,
    password_hash: &str,
) -> Result<Result<i64, AccountError>, DbError> {
    let now = time_text(Utc::now());
    let Some(id) = store::insert_user(tx, name, role, password_hash, &now)? else {
        return Ok(Err(AccountError::NameTaken(name.to_string())));
    };
    audit::record(
        tx,
        audit::Change {
            actor,
            kind: "user",
            action: "created",
            target: name,
            before: None,
            after: Some(&audit_view(name, role, false)),
        },
        &now,
    )?;
    Ok(Ok(id))
}

fn open(config: &Config) -> Result<Db, PeopleError> {
    let db = Db::open(&config.db_path())?;
    if db
        .read_blocking(crate::storage::meta::created_at)?
        .is_none()
    {
        return Err(PeopleError::NotInitialised(db.path().display().to_string()));
    }
    Ok(db)
}

/// `district-server user add`: checks, hashes and stores a new account.
pub fn create(
    config: &Config,
    name: &str,
    role: StaffRole,
    password: &str,
) -> Result<(), PeopleError> {
    accounts::check_name(name)?;
    accounts::check_password(password)?;
    let hash = accounts::hash_password(password)?;
    let db = open(config)?;
    db.write_blocking(|tx| add_user(tx, CLI_ACTOR, name, role, &hash))??;
    Ok(())
}

/// `district-server user set-password`: a new password; every sign-in of the account ends.
pub fn set_password(config: &Config, name: &str, password: &str) -> Result<(), PeopleError> {
    accounts::check_password(password)?;
    let hash = accounts::hash_password(password)?;
    let db = open(config)?;
    db.write_blocking(|tx| {
        let user =
            store::user_by_name(tx, name)?.ok_or_else(|| AccountError::NoSuchUser(name.into()))?;
        let now = time_text(Utc::now());
        store::set_password(tx, user.id, &hash, None, &now)?;
        audit::record(
            tx,
            audit::Change {
                actor: CLI_ACTOR,
                kind: "user",
                action: "password-reset",
                target: name,
                before: None,
                after: None,
            },
            &now,
        )?;
        Ok::<_, PeopleError>(())
    })
}

/// `district-server user list`.
pub fn list(config: &Config) -> Result<Vec<UserRow>, PeopleError> {
    let db = open(config)?;
    Ok(db.read_blocking(store::list_users)?)
}
