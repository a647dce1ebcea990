//! A member's own account: change the password, create and revoke personal API tokens (a new
//! token is shown once, in the answer to the form, never in a URL or a log).

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use crate::accounts::{self, AccountError, MAX_LABEL_CHARS, MAX_PASSWORD_CHARS};
use crate::console::gate::Visit;
use crate::console::i18n::tr;
use crate::console::layout::{csrf, field_error, internal, notice, page, respond, when};
use crate::server::AppState;
use crate::storage::accounts::{self as store, TokenRow};
use crate::storage::audit;
use crate::storage::{DbError, time_text};

/// A form's state when it is shown again.
#[derive(Default)]
pub struct Shown {
    password_error: Option<(&'static str, String)>,
    label: String,
    label_error: Option<String>,
    new_token: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// The message a person reads for an account error.
pub fn account_message(lang: protocol::text::Lang, e: &AccountError) -> String {
    let id = match e {
        AccountError::BadName(_) => "account-bad-name",
        AccountError::BadRole(_) => "account-bad-role",
        AccountError::PasswordTooShort => "account-password-short",
        AccountError::PasswordTooLong => "account-password-long",
        AccountError::BadLabel => "account-bad-label",
        AccountError::NameTaken(_) => "account-name-taken",
        AccountError::NoSuchUser(_) => "account-no-such-user",
        AccountError::LastAdmin => "account-last-admin",
        AccountError::Hash(_) | AccountError::Random(_) => "error-internal",
    };
    tr(lang, id)
}

fn render(visit: &Visit, tokens: &[TokenRow], shown: Shown, done: Option<&str>) -> Markup {
    let lang = visit.lang;
    let pw_err = |field: &str| {
        shown
            .password_error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    };
    let body = html! {
        (notice(lang, done))
        section .card {
            h2 { (tr(lang, "account-password")) }
            form method="post" action="/console/account/password" {
                (csrf(visit))
                label for="current" { (tr(lang, "field-current-password")) }
                input #current type="password" name="current" autocomplete="current-password" required maxlength=(MAX_PASSWORD_CHARS);
                (field_error(pw_err("current")))
                label for="new" { (tr(lang, "field-new-password")) }
                input #new type="password" name="new" autocomplete="new-password" required maxlength=(MAX_PASSWORD_CHARS);
                (field_error(pw_err("new")))
                label for="repeat" { (tr(lang, "field-repeat-password")) }
                input #repeat type="password" name="repeat" autocomplete="new-password" required maxlength=(MAX_PASSWORD_CHARS);
                (field_error(pw_err("repeat")))
                p .hint { (tr(lang, "account-password-hint")) }
                button type="submit" { (tr(lang, "account-change-password")) }
            }
        }
        section .card {
            h2 { (tr(lang, "account-tokens")) }
            p .hint { (tr(lang, "account-tokens-hint")) }
            @if let Some(token) = &shown.new_token {
                div .secret role="status" {
                    p { strong { (tr(lang, "account-token-once")) } }
                    code #new-token { (token) }
                }
            }
            @if tokens.is_empty() {
                p .muted { (tr(lang, "account-no-tokens")) }
            } @else {
                table {
                    thead { tr {
                        th { (tr(lang, "field-label")) }
                        th { (tr(lang, "col-created")) }
                        th { (tr(lang, "col-last-used")) }
                        th { (tr(lang, "col-state")) }
                    } }
                    tbody {
                        @for t in tokens {
                            tr {
                                td { (t.label) }
                                td { (when(&t.created_at)) }
                                td { (t.last_used_at.as_deref().map(when).unwrap_or_else(|| tr(lang, "never"))) }
                                td {
                                    @if let Some(r) = &t.revoked_at {
                                        (tr(lang, "token-revoked")) " " (when(r))
                                    } @else {
                                        form .inline method="post" action={ "/console/account/tokens/" (t.id) "/revoke" } {
                                            (csrf(visit))
                                            button .danger type="submit" { (tr(lang, "token-revoke")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action="/console/account/tokens" {
                (csrf(visit))
                label for="label" { (tr(lang, "field-label")) }
                input #label type="text" name="label" value=(shown.label) required maxlength=(MAX_LABEL_CHARS)
                    placeholder=(tr(lang, "token-label-example"));
                (field_error(shown.label_error.as_deref()))
                button type="submit" { (tr(lang, "token-create")) }
            }
        }
    };
    page(visit, &tr(lang, "nav-account"), "/console/account", body)
}

async fn show(
    state: &AppState,
    visit: &Visit,
    status: StatusCode,
    shown: Shown,
    done: Option<&str>,
) -> Response {
    let user_id = visit.member().user_id;
    match state.db.read(move |tx| store::tokens_of(tx, user_id)).await {
        Ok(tokens) => respond(status, render(visit, &tokens, shown, done)),
        Err(e) => internal(visit, e),
    }
}

pub async fn page_get(
    State(state): State<AppState>,
    visit: Visit,
    Query(d): Query<Done>,
) -> Response {
    show(
        &state,
        &visit,
        StatusCode::OK,
        Shown::default(),
        d.done.as_deref(),
    )
    .await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    visit: Visit,
    Form(f): Form<PasswordForm>,
) -> Response {
    let lang = visit.lang;
    let fail = |field: &'static str, message: String| Shown {
        password_error: Some((field, message)),
        ..Shown::default()
    };
    if let Err(e) = accounts::check_password(&f.new) {
        let shown = fail("new", account_message(lang, &e));
        return show(
            &state,
            &visit,
            StatusCode::UNPROCESSABLE_ENTITY,
            shown,
            None,
        )
        .await;
    }
    if f.new != f.repeat {
        let shown = fail("repeat", tr(lang, "account-password-mismatch"));
        return show(
            &state,
            &visit,
            StatusCode::UNPROCESSABLE_ENTITY,
            shown,
            None,
        )
        .await;
    }
    let user_id = visit.member().user_id;
    let user = match state
        .db
        .read(move |tx| store::user_by_id(tx, user_id))
        .await
    {
        Ok(Some(u)) => u,
        Ok(None) => return internal(&visit, "signed-in account vanished"),
        Err(e) => return internal(&visit, e),
    };
    let (current, new) = (f.current, f.new);
    let hashed = tokio::task::spawn_blocking(move || {
        if !accounts::verify_password(&user.password_hash, &current) {
            return Ok(None);
        }
        accounts::hash_password(&new).map(Some)
    })
    .await;
    let hash = match hashed {
        Ok(Ok(Some(h))) => h,
        Ok(Ok(None)) => {
            let shown = fail("current", tr(lang, "account-password-wrong"));
            return show(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
                None,
            )
            .await;
        }
        Ok(Err(e)) => return internal(&visit, e),
        Err(e) => return internal(&visit, e),
    };
    let keep = visit.session_hash.clone();
    let name = visit.member().name.clone();
    let result = state
        .db
        .write(move |tx| {
            let now = time_text(Utc::now());
            store::set_password(tx, user_id, &hash, keep.as_deref(), &now)?;
            audit::record(
                tx,
                audit::Change {
                    actor: &name,
                    kind: "user",
                    action: "password-changed",
                    target: &name,
                    before: None,
                    after: None,
                },
                &now,
            )
        })
        .await;
    match result {
        Ok(()) => Redirect::to("/console/account?done=password").into_response(),
        Err(e) => internal(&visit, e),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    label: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    visit: Visit,
    Form(f): Form<TokenForm>,
) -> Response {
    let lang = visit.lang;
    let label = match accounts::check_label(&f.label) {
        Ok(l) => l,
        Err(e) => {
            let shown = Shown {
                label: f.label.chars().take(MAX_LABEL_CHARS).collect(),
                label_error: Some(account_message(lang, &e)),
                ..Shown::default()
            };
            return show(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
                None,
            )
            .await;
        }
    };
    let token = match accounts::new_personal_token() {
        Ok(t) => t,
        Err(e) => return internal(&visit, e),
    };
    let hash = accounts::secret_hash(&token);
    let m = visit.member().clone();
    let result = state
        .db
        .write(move |tx| {
            let now = time_text(Utc::now());
            let id = store::insert_token(tx, &hash, m.user_id, &label, &now)?;
            audit::record(
                tx,
                audit::Change {
                    actor: &m.name,
                    kind: "token",
                    action: "created",
                    target: &format!("{} #{id}", m.name),
                    before: None,
                    after: Some(&json!({ "label": label })),
                },
                &now,
            )?;
            Ok::<_, DbError>(())
        })
        .await;
    if let Err(e) = result {
        return internal(&visit, e);
    }
    let shown = Shown {
        new_token: Some(token),
        ..Shown::default()
    };
    show(&state, &visit, StatusCode::CREATED, shown, None).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return crate::console::layout::message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        );
    };
    let m = visit.member().clone();
    let result = state
        .db
        .write(move |tx| {
            let now = time_text(Utc::now());
            let label = store::revoke_token(tx, m.user_id, id, &now)?;
            if let Some(label) = &label {
                audit::record(
                    tx,
                    audit::Change {
                        actor: &m.name,
                        kind: "token",
                        action: "revoked",
                        target: &format!("{} #{id}", m.name),
                        before: Some(&json!({ "label": label })),
                        after: None,
                    },
                    &now,
                )?;
            }
            Ok::<_, DbError>(label.is_some())
        })
        .await;
    match result {
        Ok(true) => Redirect::to("/console/account?done=token-revoked").into_response(),
        Ok(false) => crate::console::layout::message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Err(e) => internal(&visit, e),
    }
}
