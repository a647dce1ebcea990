//! What `district-server init` and `district-server kiosk …` do on the server's own machine:
//! create the database, issue tokens, register kiosks. Works while the server runs.

use protocol::content::Kind;

use crate::api::KioskRow;
use crate::auth::{self, RandomError, Role};
use crate::config::Config;
use crate::storage::{self, Db, DbError, now_text, records};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error(
        "the database at {0} is already initialised; for another staff token run `district-server staff-token`"
    )]
    AlreadyInitialised(String),
    #[error("the database at {0} is not initialised yet: run `district-server init` first")]
    NotInitialised(String),
    #[error("a kiosk named `{0}` already exists; remove it first to issue a new token")]
    KioskExists(String),
    #[error("no kiosk named `{0}`")]
    NoSuchKiosk(String),
    #[error("`{0}` is not a valid {1}: use 1 to 64 of a-z, 0-9, `-` and `_`")]
    BadName(String, &'static str),
    #[error(transparent)]
    Bundle(#[from] crate::ctl::CtlError),
    #[error(transparent)]
    Blob(#[from] crate::blobs::BlobError),
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'))
}

fn open(config: &Config) -> Result<Db, AdminError> {
    Ok(Db::open(&config.db_path())?)
}

fn require_initialised(db: &Db) -> Result<(), AdminError> {
    let created = db.read_blocking(storage::meta::created_at)?;
    if created.is_none() {
        return Err(AdminError::NotInitialised(db.path().display().to_string()));
    }
    Ok(())
}

/// Creates the database and the first staff token, which is returned (and never stored).
pub fn init(config: &Config) -> Result<String, AdminError> {
    let db = open(config)?;
    let path = db.path().display().to_string();
    db.write_blocking(|tx| {
        if storage::meta::created_at(tx)?.is_some() {
            return Err(AdminError::AlreadyInitialised(path));
        }
        let now = now_text();
        storage::meta::set_created_at(tx, &now)?;
        let token = auth::generate_token(Role::Staff)?;
        auth::insert_token(tx, &token, Role::Staff, None, &now)?;
        Ok(token)
    })
}

/// Whether `init` has run for this config's database.
pub fn is_initialised(config: &Config) -> Result<bool, AdminError> {
    let db = open(config)?;
    Ok(db.read_blocking(storage::meta::created_at)?.is_some())
}

/// Publishes the bundle folder `dir` when nothing is published yet (the first step of
/// `district-server demo`), as `kioskctl push` would: checked with the bundle's rules, its
/// images stored, its content applied in one transaction and audited. `Ok(None)`: content was
/// already published and nothing changed.
pub fn publish_first_bundle(
    config: &Config,
    dir: &std::path::Path,
) -> Result<Option<crate::api::PushPlan>, AdminError> {
    let db = open(config)?;
    require_initialised(&db)?;
    if db.read_blocking(storage::meta::district)?.is_some() {
        return Ok(None);
    }
    let bundle = crate::ctl::load_bundle(dir)?;
    let blobs = crate::blobs::BlobStore::open(&config.blob_dir())?;
    for (sha, blob) in &bundle.blobs {
        blobs.put(sha, &blob.bytes)?;
    }
    let plan = db.write_blocking(|tx| {
        if storage::meta::district(tx)?.is_some() {
            return Ok(None);
        }
        let at = chrono::Utc::now();
        let now = storage::time_text(at);
        let plan = crate::push::apply(tx, &bundle.content, at)?;
        let after = serde_json::to_value(&plan).unwrap_or_default();
        storage::audit::record(
            tx,
            storage::audit::Change {
                actor: "district-server demo",
                kind: "content",
                action: "pushed",
                target: "bundle",
                before: None,
                after: Some(&after),
            },
            &now,
        )?;
        Ok::<_, AdminError>(Some(plan))
    })?;
    Ok(plan)
}

/// Issues another staff token; with `revoke_others`, every earlier staff token stops working.
pub fn staff_token(config: &Config, revoke_others: bool) -> Result<String, AdminError> {
    let db = open(config)?;
    require_initialised(&db)?;
    db.write_blocking(|tx| {
        if revoke_others {
            storage::tokens::revoke_all(tx, Role::Staff)?;
        }
        let token = auth::generate_token(Role::Staff)?;
        auth::insert_token(tx, &token, Role::Staff, None, &now_text())?;
        Ok(token)
    })
}

/// A registered kiosk's token and anything the operator should know.
#[derive(Debug, Clone)]
pub struct NewKiosk {
    pub token: String,
    /// Set when the station is not (yet) among the published stations.
    pub warning: Option<String>,
}

/// Registers a kiosk at a station and returns its token (shown once, stored hashed).
pub fn add_kiosk(config: &Config, name: &str, station: &str) -> Result<NewKiosk, AdminError> {
    if !valid_name(name) {
        return Err(AdminError::BadName(name.into(), "kiosk name"));
    }
    if !valid_name(station) {
        return Err(AdminError::BadName(station.into(), "station id"));
    }
    let db = open(config)?;
    require_initialised(&db)?;
    db.write_blocking(|tx| {
        if storage::kiosks::exists(tx, name)? {
            return Err(AdminError::KioskExists(name.into()));
        }
        let now = now_text();
        storage::kiosks::insert(tx, name, station, &now)?;
        let token = auth::generate_token(Role::Kiosk)?;
        auth::insert_token(tx, &token, Role::Kiosk, Some(name), &now)?;
        let known = records::get(tx, Kind::Station, station)?.is_some();
        Ok(NewKiosk {
            token,
            warning: (!known).then(|| {
                format!(
                    "station `{station}` is not published (yet); the kiosk gets district-wide content until a push defines it"
                )
            }),
        })
    })
}

/// Removes a kiosk; its token stops working at once. Its submissions stay.
pub fn remove_kiosk(config: &Config, name: &str) -> Result<(), AdminError> {
    let db = open(config)?;
    db.write_blocking(|tx| {
        if !storage::kiosks::remove(tx, name)? {
            return Err(AdminError::NoSuchKiosk(name.into()));
        }
        Ok(())
    })
}

/// Every registered kiosk.
pub fn list_kiosks(config: &Config) -> Result<Vec<KioskRow>, AdminError> {
    let db = open(config)?;
    Ok(db.read_blocking(storage::kiosks::list)?)
}
