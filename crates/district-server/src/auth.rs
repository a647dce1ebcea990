//! Bearer tokens: one per kiosk, the operator's staff tokens, and staff members' personal
//! tokens (`lkp_…`, made in the console). Stored as their sha256 only. Kiosk tokens reach only
//! kiosk routes; staff tokens only staff routes, and a personal token only those its owner's
//! role may use (the route table in [`crate::routes`] says which).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use protocol::wire::codes;
use sha2::{Digest, Sha256};

use crate::accounts::{self, Access};
use crate::error::ApiError;
use crate::server::AppState;
use crate::storage::accounts::Member;
use crate::storage::{self, Db, DbError, ReadTx, Watch, WriteTx};

/// Who a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Staff,
    Kiosk,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Kiosk => "kiosk",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Role::Staff => "lks_",
            Role::Kiosk => "lkk_",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the operating system's random generator failed: {0}")]
pub struct RandomError(String);

/// A new random token: a role prefix and 256 random bits in hex.
pub fn generate_token(role: Role) -> Result<String, RandomError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| RandomError(e.to_string()))?;
    Ok(format!("{}{}", role.prefix(), hex::encode(bytes)))
}

/// What is stored for a token. Tokens carry 256 random bits, so a plain hash is enough.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Stores a token (as its hash).
pub fn insert_token(
    tx: &WriteTx<'_>,
    token: &str,
    role: Role,
    kiosk_id: Option<&str>,
    now: &str,
) -> Result<(), DbError> {
    storage::tokens::insert(tx, &hash_token(token), role, kiosk_id, now)
}

/// The holder of a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// The operator's token from `district-server init` / `staff-token`: every staff route.
    Staff,
    Kiosk {
        id: String,
        station: String,
    },
    /// A staff member's personal token: the routes of their role.
    Person(Member),
}

/// Who holds `token`; `None` when the server does not know it.
pub fn lookup(tx: &ReadTx<'_>, token: &str) -> Result<Option<Holder>, DbError> {
    storage::tokens::holder(tx, &hash_token(token))
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, message).with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"district-server\""),
    )
}

/// The bearer token of a request, not looked up yet.
fn bearer(parts: &Parts) -> Result<String, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized(
            "this route needs `Authorization: Bearer <token>`",
        ));
    };
    Ok(value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauthorized("the Authorization header must be `Bearer <token>`"))?
        .to_string())
}

async fn holder(parts: &Parts, state: &AppState) -> Result<Holder, ApiError> {
    let token = bearer(parts)?;
    let personal = token.starts_with(accounts::PERSONAL_TOKEN_PREFIX);
    let found = if personal {
        let hash = accounts::secret_hash(&token);
        state
            .db
            .write(move |tx| {
                let member = storage::accounts::token_member(tx, &hash)?;
                if member.is_some() {
                    storage::accounts::touch_token(tx, &hash, &storage::now_text())?;
                }
                Ok::<_, ApiError>(member.map(Holder::Person))
            })
            .await?
    } else {
        state
            .db
            .read(move |tx| lookup(tx, &token).map_err(ApiError::from))
            .await?
    };
    found.ok_or_else(unknown_token)
}

/// An authenticated kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskAuth {
    pub kiosk_id: String,
    pub station: String,
}

/// Where the change feed stands: its head and the highest purged tombstone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeedMarks {
    pub head: u64,
    pub purged_through: u64,
}

/// What every kiosk request asks the database (whose is this token; where is the feed), kept
/// in memory while nobody commits, so the no-change poll every kiosk sends every minute and
/// the token check of every kiosk route cost no trip to the blocking pool.
///
/// Every kiosk token with its kiosk, and the feed's marks, are read in one snapshot between
/// two equal [`Watch`] versions, and kept with that version. Before they are used the watch is
/// asked again (on the request's own thread, without waiting for any lock): an unchanged
/// version means no connection committed since — neither this server's writer nor another
/// process such as `district-server kiosk remove` — so what is kept is exactly what a read
/// would find now, and a revoked token or a publish is seen on the very next request. After
/// any commit the first request that finds it stale reads everything again on the blocking
/// pool (one query over the kiosk tokens: a district's hundreds of kiosks cost well under a
/// millisecond); requests that come meanwhile wait for that read instead of repeating it.
/// Tokens it does not hold (unknown, staff, personal) are looked up every time, as before.
pub struct KioskCache {
    db: Db,
    /// Opened on first use; locked for one version check at a time (microseconds).
    watch: std::sync::Mutex<Option<Watch>>,
    kept: std::sync::RwLock<Kept>,
    /// Held by the one request that reads the cache again after a commit.
    reloading: std::sync::Mutex<()>,
}

#[derive(Default)]
struct Kept {
    /// The version everything here was read at; `None`: nothing kept.
    version: Option<i64>,
    marks: FeedMarks,
    /// Kiosks by the hash of their token.
    kiosks: std::collections::HashMap<String, KioskAuth>,
}

fn unpoison<G>(r: Result<G, std::sync::PoisonError<G>>) -> G {
    // What is behind these locks is replaced whole; a panic cannot leave it half-written.
    r.unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl KioskCache {
    pub fn new(db: Db) -> KioskCache {
        KioskCache {
            db,
            watch: std::sync::Mutex::default(),
            kept: std::sync::RwLock::default(),
            reloading: std::sync::Mutex::default(),
        }
    }

    /// The database's version now (see [`Watch::version`]); never waits for a database lock.
    fn version(&self) -> Result<i64, DbError> {
        let mut watch = unpoison(self.watch.lock());
        match &*watch {
            Some(w) => w.version(),
            None => watch.insert(self.db.watch()?).version(),
        }
    }

    /// Without waiting: the kiosk holding the token with this hash and the feed's marks, when
    /// nothing was committed since they were read. `None` (not a kiosk token, or something
    /// changed, or the database is busy): ask [`KioskCache::load`].
    pub fn fresh(&self, token_hash: &str) -> Option<(KioskAuth, FeedMarks)> {
        let now = self.version().ok()?;
        let kept = unpoison(self.kept.read());
        if kept.version != Some(now) {
            return None;
        }
        kept.kiosks.get(token_hash).map(|k| (k.clone(), kept.marks))
    }

    /// Who holds the token with this hash and where the feed stands, from one snapshot, on the
    /// blocking pool; the cache is read again first if anything was committed.
    pub async fn load(
        self: &std::sync::Arc<Self>,
        token_hash: String,
    ) -> Result<(Option<Holder>, FeedMarks), DbError> {
        let cache = std::sync::Arc::clone(self);
        tokio::task::spawn_blocking(move || cache.load_blocking(&token_hash))
            .await
            .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// [`KioskCache::load`] on the calling thread.
    pub fn load_blocking(&self, token_hash: &str) -> Result<(Option<Holder>, FeedMarks), DbError> {
        let _one_at_a_time = unpoison(self.reloading.lock());
        let before = self.version()?;
        let stale = {
            let kept = unpoison(self.kept.read());
            if kept.version == Some(before)
                && let Some(k) = kept.kiosks.get(token_hash)
            {
                // Another request read it all again while this one waited.
                let holder = Holder::Kiosk {
                    id: k.kiosk_id.clone(),
                    station: k.station.clone(),
                };
                return Ok((Some(holder), kept.marks));
            }
            kept.version != Some(before)
        };
        let (holder, marks, all) = self.db.read_blocking(|tx| {
            let marks = FeedMarks {
                head: storage::records::head(tx)?,
                purged_through: storage::records::purged_through(tx)?,
            };
            let all = stale
                .then(|| storage::tokens::kiosk_holders(tx))
                .transpose()?;
            Ok::<_, DbError>((storage::tokens::holder(tx, token_hash)?, marks, all))
        })?;
        // The read's snapshot began after `before` was seen; the same version after it means
        // nothing was committed in between, so the snapshot is the state at `before`.
        if let Some(all) = all
            && self.version()? == before
        {
            let kiosks = all
                .into_iter()
                .map(|(hash, kiosk_id, station)| (hash, KioskAuth { kiosk_id, station }))
                .collect();
            *unpoison(self.kept.write()) = Kept {
                version: Some(before),
                marks,
                kiosks,
            };
        }
        Ok((holder, marks))
    }
}

impl FromRequestParts<AppState> for KioskAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = KioskToken(bearer(parts)?);
        if token.is_personal() {
            // A member's token: looked up (and its use recorded) as on staff routes, then refused.
            return match holder(parts, state).await? {
                Holder::Kiosk { .. } | Holder::Staff | Holder::Person(_) => {
                    Err(staff_on_kiosk_route())
                }
            };
        }
        Ok(token.check(state).await?.0)
    }
}

fn staff_on_kiosk_route() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        codes::FORBIDDEN,
        "this route is for kiosks; a staff token cannot use it",
    )
}

fn unknown_token() -> ApiError {
    unauthorized("the token is not known to this server (revoked, or from another server)")
}

/// A kiosk route's bearer token, checked by the handler inside the database transaction it
/// opens anyway ([`KioskToken::kiosk`]): the routes every kiosk calls every minute (`changes`,
/// `heartbeat`) then take one trip to the database pool instead of two. Answers exactly as
/// [`KioskAuth`] does.
#[derive(Debug, Clone)]
pub struct KioskToken(String);

impl FromRequestParts<AppState> for KioskToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        bearer(parts).map(KioskToken)
    }
}

impl KioskToken {
    fn is_personal(&self) -> bool {
        self.0.starts_with(accounts::PERSONAL_TOKEN_PREFIX)
    }

    /// The kiosk holding a kiosk's token and where the feed stands, from the
    /// [`KioskCache`] (no trip to the blocking pool when nothing was committed since it last
    /// read this token), else one read on the pool. `401` for a token the server does not know,
    /// `403` for a staff token. Personal tokens are not for this (see [`KioskToken::kiosk`]).
    pub async fn check(&self, state: &AppState) -> Result<(KioskAuth, FeedMarks), ApiError> {
        let hash = hash_token(&self.0);
        if let Some(known) = state.kiosks.fresh(&hash) {
            return Ok(known);
        }
        match state.kiosks.load(hash).await? {
            (Some(Holder::Kiosk { id, station }), marks) => Ok((
                KioskAuth {
                    kiosk_id: id,
                    station,
                },
                marks,
            )),
            (Some(Holder::Staff | Holder::Person(_)), _) => Err(staff_on_kiosk_route()),
            (None, _) => Err(unknown_token()),
        }
    }

    /// [`KioskToken::check`] without the trip to the blocking pool: `None` unless the cache
    /// knows the token and nothing was committed since.
    pub fn known(&self, state: &AppState) -> Option<(KioskAuth, FeedMarks)> {
        if self.is_personal() {
            return None;
        }
        state.kiosks.fresh(&hash_token(&self.0))
    }

    /// Whether [`KioskToken::check`] may be used: not a staff member's personal token.
    pub fn is_kiosk_kind(&self) -> bool {
        !self.is_personal()
    }

    /// The kiosk holding the token, read in the caller's transaction; `401` for a token the
    /// server does not know, `403` for a staff or personal token.
    pub fn kiosk(&self, tx: &ReadTx<'_>) -> Result<KioskAuth, ApiError> {
        let holder = if self.0.starts_with(accounts::PERSONAL_TOKEN_PREFIX) {
            storage::accounts::token_member(tx, &accounts::secret_hash(&self.0))?
                .map(Holder::Person)
        } else {
            lookup(tx, &self.0)?
        };
        match holder {
            Some(Holder::Kiosk { id, station }) => Ok(KioskAuth {
                kiosk_id: id,
                station,
            }),
            Some(Holder::Staff | Holder::Person(_)) => Err(staff_on_kiosk_route()),
            None => Err(unknown_token()),
        }
    }
}

/// An authenticated staff member whose role may use the route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAuth {
    /// Who acts, for logs and the audit log: a member's name, or the operator's token.
    pub actor: String,
}

/// How the audit log names the operator's staff token.
pub const OPERATOR_ACTOR: &str = "(staff token)";

fn forbidden(message: String) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, codes::FORBIDDEN, message)
}

impl FromRequestParts<AppState> for StaffAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Set per route from the route table; a staff route without it admits nobody.
        let access = parts.extensions.get::<Access>().copied();
        match (holder(parts, state).await?, access) {
            (Holder::Kiosk { .. }, _) => Err(forbidden(
                "this route is for staff; a kiosk token cannot use it".into(),
            )),
            (_, None) => {
                tracing::error!(path = %parts.uri.path(), "staff route without an access rule");
                Err(forbidden("this route admits nobody".into()))
            }
            (Holder::Staff, Some(_)) => Ok(StaffAuth {
                actor: OPERATOR_ACTOR.into(),
            }),
            (Holder::Person(m), Some(access)) if access.allows(m.role) => {
                Ok(StaffAuth { actor: m.name })
            }
            (Holder::Person(m), Some(_)) => Err(forbidden(format!(
                "the {} role cannot use this route; ask an admin",
                m.role
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let a = generate_token(Role::Kiosk).expect("random");
        let b = generate_token(Role::Kiosk).expect("random");
        assert_ne!(a, b);
        assert!(a.starts_with("lkk_") && a.len() == 4 + 64);
        assert!(
            generate_token(Role::Staff)
                .expect("random")
                .starts_with("lks_")
        );
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }
}
