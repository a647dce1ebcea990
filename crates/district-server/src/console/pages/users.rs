//! People (admins only): every account with its role and state; add an account; change a
//! role, disable or enable, set a new password. The last active admin cannot be demoted or
//! disabled, so the console never locks everyone out.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use crate::accounts::{self, AccountError, MAX_NAME_CHARS, MAX_PASSWORD_CHARS, StaffRole};
use crate::console::gate::Visit;
use crate::console::i18n::tr;
use crate::console::layout::{
    csrf, field_error, internal, message_page, notice, page, respond, when,
};
use crate::server::AppState;
use crate::storage::accounts::{self as store, UserRow};
use crate::storage::audit;
use crate::storage::{DbError, time_text};

use super::account::account_message;
use crate::people::{add_user, audit_view};

#[derive(Default)]
struct NewUserForm {
    name: String,
    role: Option<StaffRole>,
    errors: Vec<(&'static str, String)>,
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn role_options(visit: &Visit, selected: Option<StaffRole>) -> Markup {
    html! {
        @for r in StaffRole::ALL {
            option value=(r.key()) selected[Some(r) == selected] { (tr(visit.lang, &format!("role-{}", r.key()))) }
        }
    }
}

fn render(
    visit: &Visit,
    users: &[UserRow],
    form: NewUserForm,
    done: Option<&str>,
    row_error: Option<(String, String)>,
) -> Markup {
    let lang = visit.lang;
    let err = |f: &str| {
        form.errors
            .iter()
            .find(|(k, _)| *k == f)
            .map(|(_, m)| m.as_str())
    };
    let body = html! {
        (notice(lang, done))
        section .card {
            table #users {
                thead { tr {
                    th { (tr(lang, "field-name")) }
                    th { (tr(lang, "field-role")) }
                    th { (tr(lang, "col-state")) }
                    th { (tr(lang, "col-created")) }
                    th { (tr(lang, "col-actions")) }
                } }
                tbody {
                    @for u in users {
                        tr data-user=(u.name) {
                            td { (u.name) }
                            td {
                                form .inline method="post" action={ "/console/users/" (u.name) } {
                                    (csrf(visit))
                                    input type="hidden" name="action" value="role";
                                    select name="role" aria-label=(tr(lang, "field-role")) { (role_options(visit, Some(u.role))) }
                                    button type="submit" { (tr(lang, "user-set-role")) }
                                }
                            }
                            td { @if u.disabled { (tr(lang, "user-disabled")) } @else { (tr(lang, "user-active")) } }
                            td { (when(&u.created_at)) }
                            td {
                                form .inline method="post" action={ "/console/users/" (u.name) } {
                                    (csrf(visit))
                                    @if u.disabled {
                                        input type="hidden" name="action" value="enable";
                                        button type="submit" { (tr(lang, "user-enable")) }
                                    } @else {
                                        input type="hidden" name="action" value="disable";
                                        button .danger type="submit" { (tr(lang, "user-disable")) }
                                    }
                                }
                                details {
                                    summary { (tr(lang, "user-reset-password")) }
                                    form method="post" action={ "/console/users/" (u.name) } {
                                        (csrf(visit))
                                        input type="hidden" name="action" value="password";
                                        label { (tr(lang, "field-new-password"))
                                            input type="password" name="password" autocomplete="new-password" required maxlength=(MAX_PASSWORD_CHARS); }
                                        button type="submit" { (tr(lang, "user-set-password")) }
                                    }
                                }
                                @if let Some((name, message)) = &row_error {
                                    @if name == &u.name { (field_error(Some(message))) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section .card {
            h2 { (tr(lang, "user-add")) }
            form method="post" action="/console/users" {
                (csrf(visit))
                label for="name" { (tr(lang, "field-name")) }
                input #name type="text" name="name" value=(form.name) required maxlength=(MAX_NAME_CHARS) autocomplete="off";
                (field_error(err("name")))
                p .hint { (tr(lang, "user-name-hint")) }
                label for="role" { (tr(lang, "field-role")) }
                select #role name="role" { (role_options(visit, form.role.or(Some(StaffRole::Editor)))) }
                (field_error(err("role")))
                label for="password" { (tr(lang, "field-password")) }
                input #password type="password" name="password" required maxlength=(MAX_PASSWORD_CHARS) autocomplete="new-password";
                (field_error(err("password")))
                p .hint { (tr(lang, "account-password-hint")) }
                button type="submit" { (tr(lang, "user-add")) }
            }
        }
    };
    page(visit, &tr(lang, "nav-users"), "/console/users", body)
}

async fn show(
    state: &AppState,
    visit: &Visit,
    status: StatusCode,
    form: NewUserForm,
    done: Option<&str>,
    row_error: Option<(String, String)>,
) -> Response {
    match state.db.read(store::list_users).await {
        Ok(users) => respond(status, render(visit, &users, form, done, row_error)),
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
        NewUserForm::default(),
        d.done.as_deref(),
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

pub async fn create(
    State(state): State<AppState>,
    visit: Visit,
    Form(f): Form<CreateForm>,
) -> Response {
    let lang = visit.lang;
    let name = f.name.trim().to_string();
    let role = f.role.parse::<StaffRole>();
    let mut form = NewUserForm {
        name: name.chars().take(MAX_NAME_CHARS + 10).collect(),
        role: role.as_ref().ok().copied(),
        errors: Vec::new(),
    };
    if let Err(e) = accounts::check_name(&name) {
        form.errors.push(("name", account_message(lang, &e)));
    }
    if let Err(e) = &role {
        form.errors.push(("role", account_message(lang, e)));
    }
    if let Err(e) = accounts::check_password(&f.password) {
        form.errors.push(("password", account_message(lang, &e)));
    }
    let Ok(role) = role else {
        return show(
            &state,
            &visit,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            None,
            None,
        )
        .await;
    };
    if !form.errors.is_empty() {
        return show(
            &state,
            &visit,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            None,
            None,
        )
        .await;
    }
    let password = f.password;
    let hash = match tokio::task::spawn_blocking(move || accounts::hash_password(&password)).await {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return internal(&visit, e),
        Err(e) => return internal(&visit, e),
    };
    let actor = visit.member().name.clone();
    let new_name = name.clone();
    match state
        .db
        .write(move |tx| add_user(tx, &actor, &new_name, role, &hash))
        .await
    {
        Ok(Ok(_)) => Redirect::to("/console/users?done=user-added").into_response(),
        Ok(Err(e)) => {
            form.errors.push(("name", account_message(lang, &e)));
            show(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                None,
                None,
            )
            .await
        }
        Err(e) => internal(&visit, e),
    }
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    action: String,
    role: Option<String>,
    password: Option<String>,
}

enum Update {
    Role(StaffRole),
    Disable,
    Enable,
    Password(String),
}

pub async fn update(
    State(state): State<AppState>,
    visit: Visit,
    Path(name): Path<String>,
    Form(f): Form<UpdateForm>,
) -> Response {
    let lang = visit.lang;
    let row_error = |e: &AccountError| Some((name.clone(), account_message(lang, e)));
    let update = match f.action.as_str() {
        "role" => match f.role.as_deref().unwrap_or("").parse::<StaffRole>() {
            Ok(r) => Update::Role(r),
            Err(e) => {
                return show(
                    &state,
                    &visit,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    NewUserForm::default(),
                    None,
                    row_error(&e),
                )
                .await;
            }
        },
        "disable" => Update::Disable,
        "enable" => Update::Enable,
        "password" => {
            let pw = f.password.unwrap_or_default();
            if let Err(e) = accounts::check_password(&pw) {
                return show(
                    &state,
                    &visit,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    NewUserForm::default(),
                    None,
                    row_error(&e),
                )
                .await;
            }
            match tokio::task::spawn_blocking(move || accounts::hash_password(&pw)).await {
                Ok(Ok(h)) => Update::Password(h),
                Ok(Err(e)) => return internal(&visit, e),
                Err(e) => return internal(&visit, e),
            }
        }
        _ => {
            return message_page(
                &visit,
                StatusCode::BAD_REQUEST,
                "error-title",
                "error-bad-form",
            );
        }
    };
    let actor = visit.member().name.clone();
    let target = name.clone();
    let result = state
        .db
        .write(move |tx| {
            let Some(user) = store::user_by_name(tx, &target)? else {
                return Ok(Err(AccountError::NoSuchUser(target)));
            };
            let before = audit_view(&user.name, user.role, user.disabled);
            let is_last_admin =
                user.role == StaffRole::Admin && !user.disabled && store::active_admins(tx)? <= 1;
            let now = time_text(Utc::now());
            let (action, after) = match &update {
                Update::Role(r) => {
                    if *r != StaffRole::Admin && is_last_admin {
                        return Ok(Err(AccountError::LastAdmin));
                    }
                    store::set_role(tx, user.id, *r)?;
                    (
                        "role-changed",
                        Some(audit_view(&user.name, *r, user.disabled)),
                    )
                }
                Update::Disable => {
                    if is_last_admin {
                        return Ok(Err(AccountError::LastAdmin));
                    }
                    store::set_disabled(tx, user.id, true)?;
                    ("disabled", Some(audit_view(&user.name, user.role, true)))
                }
                Update::Enable => {
                    store::set_disabled(tx, user.id, false)?;
                    ("enabled", Some(audit_view(&user.name, user.role, false)))
                }
                Update::Password(hash) => {
                    store::set_password(tx, user.id, hash, None, &now)?;
                    ("password-reset", None)
                }
            };
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "user",
                    action,
                    target: &user.name,
                    before: Some(&before),
                    after: after.as_ref(),
                },
                &now,
            )?;
            Ok::<_, DbError>(Ok(action))
        })
        .await;
    match result {
        Ok(Ok(action)) => {
            Redirect::to(&format!("/console/users?done=user-{action}")).into_response()
        }
        Ok(Err(AccountError::NoSuchUser(_))) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Ok(Err(e)) => {
            show(
                &state,
                &visit,
                StatusCode::CONFLICT,
                NewUserForm::default(),
                None,
                row_error(&e),
            )
            .await
        }
        Err(e) => internal(&visit, e),
    }
}
