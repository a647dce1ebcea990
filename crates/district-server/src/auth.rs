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
use crate::storage::{self, DbError, ReadTx, WriteTx};

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
    found.ok_or_else(|| {
        unauthorized("the token is not known to this server (revoked, or from another server)")
    })
}

/// An authenticated kiosk.
#[derive(Debug, Clone)]
pub struct KioskAuth {
    pub kiosk_id: String,
    pub station: String,
}

impl FromRequestParts<AppState> for KioskAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match holder(parts, state).await? {
            Holder::Kiosk { id, station } => Ok(KioskAuth {
                kiosk_id: id,
                station,
            }),
            Holder::Staff | Holder::Person(_) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                codes::FORBIDDEN,
                "this route is for kiosks; a staff token cannot use it",
            )),
        }
    }
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
    /// The kiosk holding the token; `401` for a token the server does not know, `403` for a
    /// staff or personal token.
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
            Some(Holder::Staff | Holder::Person(_)) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                codes::FORBIDDEN,
                "this route is for kiosks; a staff token cannot use it",
            )),
            None => Err(unauthorized(
                "the token is not known to this server (revoked, or from another server)",
            )),
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
