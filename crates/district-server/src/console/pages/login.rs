//! Signing in and out. A login checks the throttle first, then the password (argon2, on the
//! blocking pool), and on success starts a brand-new session: the id the browser had before
//! is never kept (no fixation), and the pre-session cookie is dropped.

use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::Utc;
use fluent_bundle::FluentValue;
use maud::html;
use serde::Deserialize;
use serde_json::json;

use crate::accounts::{self, MAX_NAME_CHARS, MAX_PASSWORD_CHARS};
use crate::console::gate::{PRE_SESSION_COOKIE, SESSION_COOKIE, Visit, safe_next};
use crate::console::i18n::{tr, tr_args};
use crate::console::layout::{csrf, page, respond};
use crate::server::AppState;
use crate::storage::{DbError, time_text};
use crate::storage::{accounts as store, audit};

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
}

fn login_page(visit: &Visit, name: &str, next: &str, error: Option<String>) -> maud::Markup {
    let lang = visit.lang;
    page(
        visit,
        &tr(lang, "login-title"),
        "",
        html! {
            form .card.login method="post" action="/console/login" {
                (csrf(visit))
                input type="hidden" name="next" value=(next);
                @if let Some(e) = &error {
                    p .form-error role="alert" { (e) }
                }
                label for="name" { (tr(lang, "field-name")) }
                input #name type="text" name="name" value=(name) autocomplete="username"
                    required maxlength=(MAX_NAME_CHARS) autofocus;
                label for="password" { (tr(lang, "field-password")) }
                input #password type="password" name="password" autocomplete="current-password"
                    required maxlength=(MAX_PASSWORD_CHARS);
                button type="submit" { (tr(lang, "login")) }
            }
        },
    )
}

pub async fn form(visit: Visit, Query(q): Query<LoginQuery>) -> Response {
    if visit.member.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    let next = safe_next(q.next.as_deref());
    respond(StatusCode::OK, login_page(&visit, "", &next, None))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    visit: Visit,
    axum::extract::Form(f): axum::extract::Form<LoginForm>,
) -> Response {
    let lang = visit.lang;
    let name: String = f.name.trim().chars().take(MAX_NAME_CHARS + 1).collect();
    let next = safe_next(f.next.as_deref());
    let refuse = |status: StatusCode, message: String| {
        respond(status, login_page(&visit, &name, &next, Some(message)))
    };
    if let Some(wait) = state
        .login_limits
        .blocked(&name, visit.client, Instant::now())
    {
        tracing::warn!(user = %name, client = %visit.client, "console login throttled");
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            tr_args(
                lang,
                "login-throttled",
                &[("minutes", FluentValue::from(minutes))],
            ),
        );
    }
    let lookup = name.clone();
    let user = match state
        .db
        .read(move |tx| store::user_by_name(tx, &lookup))
        .await
    {
        Ok(u) => u,
        Err(e) => return crate::console::layout::internal(&visit, e),
    };
    let password = f.password;
    let ok = {
        let user = user.clone();
        tokio::task::spawn_blocking(move || match &user {
            Some(u) if !u.disabled => accounts::verify_password(&u.password_hash, &password),
            _ => {
                accounts::waste_password_check(&password);
                false
            }
        })
        .await
        .unwrap_or(false)
    };
    let user = match (ok, user) {
        (true, Some(u)) => u,
        _ => {
            state
                .login_limits
                .failed(&name, visit.client, Instant::now());
            tracing::info!(user = %name, client = %visit.client, "console login failed");
            return refuse(StatusCode::UNAUTHORIZED, tr(lang, "login-failed"));
        }
    };
    state.login_limits.succeeded(&name);
    let secret = match accounts::random_secret() {
        Ok(s) => s,
        Err(e) => return crate::console::layout::internal(&visit, e),
    };
    let hash = accounts::secret_hash(&secret);
    let old = visit.session_hash.clone();
    let hours = state.config.console.session_hours;
    let user_id = user.id;
    let user_name = user.name.clone();
    let client = visit.client.to_string();
    let result = state
        .db
        .write(move |tx| {
            let now = Utc::now();
            if let Some(old) = old {
                store::delete_session(tx, &old)?;
            }
            let expires = time_text(now + chrono::Duration::hours(i64::from(hours)));
            store::insert_session(tx, &hash, user_id, &time_text(now), &expires)?;
            audit::record(
                tx,
                audit::Change {
                    actor: &user_name,
                    kind: "session",
                    action: "login",
                    target: &user_name,
                    before: None,
                    after: Some(&json!({ "address": client })),
                },
                &time_text(now),
            )?;
            Ok::<_, DbError>(())
        })
        .await;
    if let Err(e) = result {
        return crate::console::layout::internal(&visit, e);
    }
    tracing::info!(user = %user.name, "console login");
    let jar = CookieJar::new()
        .add(visit.cookie(SESSION_COOKIE, secret))
        .add(visit.removal(PRE_SESSION_COOKIE));
    (jar, Redirect::to(&next)).into_response()
}

pub async fn logout(State(state): State<AppState>, visit: Visit) -> Response {
    if let Some(hash) = visit.session_hash.clone() {
        let name = visit.member().name.clone();
        let result = state
            .db
            .write(move |tx| {
                store::delete_session(tx, &hash)?;
                audit::record(
                    tx,
                    audit::Change {
                        actor: &name,
                        kind: "session",
                        action: "logout",
                        target: &name,
                        before: None,
                        after: None,
                    },
                    &time_text(Utc::now()),
                )
            })
            .await;
        if let Err(e) = result {
            return crate::console::layout::internal(&visit, e);
        }
    }
    let jar = CookieJar::new().add(visit.removal(SESSION_COOKIE));
    (jar, Redirect::to("/console/login")).into_response()
}
