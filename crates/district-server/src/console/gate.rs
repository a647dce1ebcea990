//! The gate every console request passes: who is asking (session cookie), in which language,
//! whether their role may use the route (from the route table), and, for anything but GET,
//! whether the form carries this session's CSRF token. Handlers get the result as a [`Visit`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::Utc;
use protocol::text::Lang;

use crate::accounts::{self, Access};
use crate::config::SecureCookies;
use crate::server::AppState;
use crate::storage::accounts::{self as store, Member};
use crate::storage::kiosk_admin;
use crate::storage::time_text;

use super::layout::{self, Problem};

/// The session cookie: 256 random bits; the server keeps only their sha256.
pub const SESSION_COOKIE: &str = "lk_session";
/// Before signing in: a random value the login form's CSRF token is derived from.
pub const PRE_SESSION_COOKIE: &str = "lk_pre";
/// The chosen language (`zh` or `en`); not a secret.
pub const LANG_COOKIE: &str = "lk_lang";
/// Form field and header carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest form the gate reads to find the token (the console's forms are small).
pub const MAX_FORM_BYTES: usize = 256 * 1024;
/// A kiosk silent this long is a problem shown at the top of every page.
pub const OFFLINE_MINUTES: i64 = 10;

/// What a handler knows about the request.
#[derive(Debug, Clone)]
pub struct Visit {
    pub lang: Lang,
    /// The signed-in member, when there is one.
    pub member: Option<Member>,
    /// The sha256 of the session cookie, when signed in.
    pub session_hash: Option<String>,
    /// The token to put in every form of the page.
    pub csrf: String,
    /// Whether cookies set now must be `Secure`.
    pub secure: bool,
    /// The client's address (the proxy's view when `trust_proxy`).
    pub client: IpAddr,
    /// The path and query asked for (to come back to after a language switch or login).
    pub here: String,
    /// Problems shown at the top of the page (offline kiosks).
    pub problems: Vec<Problem>,
}

impl Visit {
    /// The signed-in member; the gate guarantees one on every non-public route.
    pub fn member(&self) -> &Member {
        static NOBODY: std::sync::OnceLock<Member> = std::sync::OnceLock::new();
        self.member.as_ref().unwrap_or_else(|| {
            NOBODY.get_or_init(|| Member {
                user_id: -1,
                name: String::new(),
                role: accounts::StaffRole::Moderator,
            })
        })
    }

    pub fn can(&self, access: Access) -> bool {
        self.member.as_ref().is_some_and(|m| access.allows(m.role))
    }

    /// A cookie the console sets: HttpOnly, SameSite=Strict, Path=/console, Secure as
    /// configured.
    pub fn cookie(&self, name: &'static str, value: String) -> Cookie<'static> {
        Cookie::build((name, value))
            .http_only(true)
            .same_site(SameSite::Strict)
            .path("/console")
            .secure(self.secure)
            .build()
    }

    /// A cookie that removes `name`.
    pub fn removal(&self, name: &'static str) -> Cookie<'static> {
        let mut c = self.cookie(name, String::new());
        c.make_removal();
        c
    }
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        parts.extensions.get::<Visit>().cloned().ok_or_else(|| {
            tracing::error!(path = %parts.uri.path(), "console route without the gate");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        })
    }
}

/// The gate's state: the server's and the route's access rule.
#[derive(Clone)]
pub struct Gate {
    pub app: AppState,
    pub access: Access,
}

fn client_address(req: &Request, trust_proxy: bool) -> IpAddr {
    if trust_proxy
        && let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(last) = forwarded.rsplit(',').next()
        && let Ok(ip) = last.trim().parse::<IpAddr>()
    {
        return ip;
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

fn secure(headers: &HeaderMap, app: &AppState) -> bool {
    let c = &app.config.console;
    match c.secure_cookies {
        SecureCookies::Always => true,
        SecureCookies::Never => false,
        SecureCookies::Auto => {
            c.trust_proxy
                && headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
        }
    }
}

/// A 64-hex-digit secret from a cookie, or nothing (anything else is ignored).
fn secret(jar: &CookieJar, name: &str) -> Option<String> {
    jar.get(name)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The member of a live session (marking it used), or nobody.
async fn resolve(app: &AppState, session_hash: String) -> Option<Member> {
    let c = app.config.console.clone();
    let result = app
        .db
        .write(move |tx| {
            let now = Utc::now();
            let idle_since = time_text(now - chrono::Duration::minutes(i64::from(c.idle_minutes)));
            let member = store::session_member(tx, &session_hash, &time_text(now), &idle_since)?;
            if member.is_some() {
                store::touch_session(tx, &session_hash, &time_text(now))?;
            }
            Ok::<_, crate::storage::DbError>(member)
        })
        .await;
    match result {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "reading a console session failed");
            None
        }
    }
}

async fn problems(app: &AppState) -> Vec<Problem> {
    let since = time_text(Utc::now() - chrono::Duration::minutes(OFFLINE_MINUTES));
    match app
        .db
        .read(move |tx| kiosk_admin::silent_since(tx, &since))
        .await
    {
        Ok(rows) => rows
            .into_iter()
            .map(|(kiosk, station, last_seen)| Problem::KioskOffline {
                kiosk,
                station,
                last_seen,
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "reading offline kiosks failed");
            Vec::new()
        }
    }
}

/// The CSRF token the request carries: the header, else the form field (read from the body,
/// which is put back for the handler), else the query (for multipart uploads).
async fn presented_token(req: Request) -> Result<(Option<String>, Request), Response> {
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        let v = v.to_string();
        return Ok((Some(v), req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let (parts, body) = req.into_parts();
        let bytes = to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            });
        return Ok((token, Request::from_parts(parts, Body::from(bytes))));
    }
    let token = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            })
    });
    Ok((token, req))
}

/// The middleware: see the module's doc.
pub async fn gate(State(gate): State<Gate>, req: Request, next: Next) -> Response {
    let app = &gate.app;
    let jar = CookieJar::from_headers(req.headers());
    let lang = jar
        .get(LANG_COOKIE)
        .and_then(|c| c.value().parse::<Lang>().ok())
        .unwrap_or(Lang::Zh);
    let session_secret = secret(&jar, SESSION_COOKIE);
    let session_hash = session_secret.as_deref().map(accounts::secret_hash);
    let member = match &session_hash {
        Some(h) => resolve(app, h.clone()).await,
        None => None,
    };
    let (session_secret, session_hash) = if member.is_some() {
        (session_secret, session_hash)
    } else {
        (None, None)
    };
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/console/".into());
    let secure = secure(req.headers(), app);
    let client = client_address(&req, app.config.console.trust_proxy);

    // Signed out: a pre-session secret for the login form's CSRF token.
    let mut new_pre = None;
    let csrf_secret = match (&session_secret, secret(&jar, PRE_SESSION_COOKIE)) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(pre)) => Some(pre),
        (None, None) => match accounts::random_secret() {
            Ok(pre) => {
                new_pre = Some(pre.clone());
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "no randomness for a pre-session");
                None
            }
        },
    };
    let csrf = csrf_secret
        .as_deref()
        .or(new_pre.as_deref())
        .map(accounts::csrf_token)
        .unwrap_or_default();
    let mut visit = Visit {
        lang,
        member,
        session_hash,
        csrf,
        secure,
        client,
        here: here.clone(),
        problems: Vec::new(),
    };

    let denied = |visit: &Visit, status: StatusCode, id: &str| -> Response {
        layout::message_page(visit, status, "error-title", id)
    };
    match (gate.access, &visit.member) {
        (Access::Public, _) => {}
        (_, None) => {
            let to = format!(
                "/console/login?next={}",
                url_escape(if req.method() == Method::GET {
                    &here
                } else {
                    "/console/"
                })
            );
            return Redirect::to(&to).into_response();
        }
        (access, Some(m)) if !access.allows(m.role) => {
            tracing::info!(user = %m.name, role = %m.role, path = %req.uri().path(), "console: role refused");
            return denied(&visit, StatusCode::FORBIDDEN, "error-forbidden");
        }
        _ => {}
    }

    let req = if req.method() == Method::GET || req.method() == Method::HEAD {
        req
    } else {
        let (token, req) = match presented_token(req).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let expected = csrf_secret.as_deref().map(accounts::csrf_token);
        let ok = match (token, expected) {
            (Some(t), Some(e)) => accounts::same_secret(&t, &e),
            _ => false,
        };
        if !ok {
            tracing::info!(path = %req.uri().path(), "console: form without a valid CSRF token");
            return denied(&visit, StatusCode::FORBIDDEN, "error-csrf");
        }
        req
    };

    if visit.member.is_some() {
        visit.problems = problems(app).await;
    }
    let mut req = req;
    req.extensions_mut().insert(visit.clone());
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    // Pages show personal data and one-time tokens: never cached, never framed.
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(header::HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    if let Some(pre) = new_pre {
        let cookie = visit.cookie(PRE_SESSION_COOKIE, pre);
        if let Ok(v) = header::HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// Percent-encodes a value for a query string.
pub fn url_escape(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// A `next` target that stays inside the console (never an open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/console/") && !n.starts_with("//") && !n.contains('\\') => {
            n.to_string()
        }
        _ => "/console/".to_string(),
    }
}
