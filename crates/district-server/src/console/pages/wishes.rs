//! The wishes queue (moderators): visitors' wishes exactly as typed, with language, name,
//! station and time; approve (to the station's kiosks or the whole district), reject with a
//! reason kept for the record, and mark approved wishes fulfilled.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::{Markup, html};
use protocol::content::WishStatus;
use serde::Deserialize;

use crate::api::{WishDecision, WishRow};
use crate::console::gate::Visit;
use crate::console::i18n::tr;
use crate::console::layout::{
    csrf, field_error, internal, message_page, notice, page, respond, when,
};
use crate::error::ApiError;
use crate::server::AppState;
use crate::storage::audit;
use crate::storage::{DbError, time_text};
use crate::wishes::{self, Action};

/// Longest reason or note kept with a decision.
pub const MAX_NOTE_CHARS: usize = 500;

const TABS: [WishStatus; 5] = [
    WishStatus::Pending,
    WishStatus::Approved,
    WishStatus::Claimed,
    WishStatus::Fulfilled,
    WishStatus::Rejected,
];

#[derive(Deserialize, Default)]
pub struct WishQuery {
    status: Option<String>,
    done: Option<String>,
}

fn actions(visit: &Visit, w: &WishRow, error: Option<&str>) -> Markup {
    let lang = visit.lang;
    let base = format!("/console/wishes/{}", w.id);
    html! {
        @match w.status {
            WishStatus::Pending => {
                form .inline method="post" action={ (base) "/approve" } {
                    (csrf(visit))
                    label .check { input type="checkbox" name="district_wide" value="true"; (tr(lang, "wish-district-wide")) }
                    button .primary type="submit" { (tr(lang, "wish-approve")) }
                }
                form method="post" action={ (base) "/reject" } {
                    (csrf(visit))
                    label { (tr(lang, "wish-reason"))
                        input type="text" name="note" required maxlength=(MAX_NOTE_CHARS); }
                    button .danger type="submit" { (tr(lang, "wish-reject")) }
                }
            }
            WishStatus::Approved | WishStatus::Claimed => {
                form .inline method="post" action={ (base) "/fulfil" } {
                    (csrf(visit))
                    input type="text" name="note" maxlength=(MAX_NOTE_CHARS) placeholder=(tr(lang, "wish-fulfil-note"));
                    button .primary type="submit" { (tr(lang, "wish-fulfil")) }
                }
                form method="post" action={ (base) "/reject" } {
                    (csrf(visit))
                    label { (tr(lang, "wish-reason"))
                        input type="text" name="note" required maxlength=(MAX_NOTE_CHARS); }
                    button .danger type="submit" { (tr(lang, "wish-withdraw")) }
                }
            }
            _ => {}
        }
        (field_error(error))
    }
}

fn render(
    visit: &Visit,
    status: WishStatus,
    list: &[WishRow],
    done: Option<&str>,
    error: Option<(&str, String)>,
) -> Markup {
    let lang = visit.lang;
    let body = html! {
        (notice(lang, done))
        nav .tabs {
            @for s in TABS {
                @let key = s.key();
                a .active[s == status] href={ "/console/wishes?status=" (key) } { (tr(lang, &format!("wish-status-{key}"))) }
            }
        }
        @if list.is_empty() {
            p .muted { (tr(lang, "wish-none")) }
        } @else {
            table #wishes {
                thead { tr {
                    th { (tr(lang, "col-wish")) }
                    th { (tr(lang, "col-from")) }
                    th { (tr(lang, "col-received")) }
                    th { (tr(lang, "col-actions")) }
                } }
                tbody {
                    @for w in list {
                        tr data-wish=(w.id) {
                            td {
                                p .typed lang=(w.lang.code()) { (w.text) }
                                span .tag { (tr(lang, &format!("lang-{}", w.lang.code()))) }
                                @if let Some(note) = &w.note { p .note { (tr(lang, "wish-note")) ": " (note) } }
                            }
                            td {
                                @if let Some(name) = &w.display_name { (name) } @else { span .muted { (tr(lang, "wish-anonymous")) } } br;
                                span .muted { (tr(lang, "col-station")) " " (w.station) " · " (w.kiosk_id) }
                                @if w.status != WishStatus::Pending {
                                    br; span .muted { (match &w.scope { Some(s) => format!("{} {s}", tr(lang, "wish-shown-at")), None => tr(lang, "wish-shown-district") }) }
                                }
                            }
                            td { (when(&w.received_at)) }
                            td { (actions(visit, w, error.as_ref().filter(|(id, _)| *id == w.id).map(|(_, m)| m.as_str()))) }
                        }
                    }
                }
            }
        }
    };
    page(visit, &tr(lang, "nav-wishes"), "/console/wishes", body)
}

async fn show(
    state: &AppState,
    visit: &Visit,
    status: WishStatus,
    code: StatusCode,
    done: Option<&str>,
    error: Option<(&str, String)>,
) -> Response {
    match state
        .db
        .read(move |tx| crate::storage::wishes::list(tx, Some(status)))
        .await
    {
        Ok(list) => respond(code, render(visit, status, &list, done, error)),
        Err(e) => internal(visit, e),
    }
}

pub async fn page_get(
    State(state): State<AppState>,
    visit: Visit,
    Query(q): Query<WishQuery>,
) -> Response {
    let status = q
        .status
        .as_deref()
        .and_then(|s| s.parse::<WishStatus>().ok())
        .unwrap_or(WishStatus::Pending);
    show(
        &state,
        &visit,
        status,
        StatusCode::OK,
        q.done.as_deref(),
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    district_wide: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    visit: Visit,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<DecideForm>,
) -> Response {
    let lang = visit.lang;
    let Ok(action) = action.parse::<Action>() else {
        return message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        );
    };
    let note = f
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    if action == Action::Reject && note.is_none() {
        let msg = tr(lang, "wish-reason-needed");
        return show(
            &state,
            &visit,
            WishStatus::Pending,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some((&id, msg)),
        )
        .await;
    }
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        let msg = tr(lang, "wish-reason-long");
        return show(
            &state,
            &visit,
            WishStatus::Pending,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some((&id, msg)),
        )
        .await;
    }
    let decision = WishDecision {
        district_wide: f.district_wide.as_deref() == Some("true"),
        note,
    };
    let actor = visit.member().name.clone();
    let wish_id = id.clone();
    let result = state
        .db
        .write(move |tx| {
            let now = time_text(Utc::now());
            let before = crate::storage::wishes::list(tx, None)?
                .into_iter()
                .find(|w| w.id == wish_id);
            let after = match wishes::decide(tx, &wish_id, action, &decision, &now) {
                Ok(row) => row,
                Err(e) => return Ok(Err(e)),
            };
            let json = |w: &WishRow| serde_json::to_value(w).unwrap_or_default();
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "wish",
                    action: action.done(),
                    target: &wish_id,
                    before: before.as_ref().map(json).as_ref(),
                    after: Some(&json(&after)),
                },
                &now,
            )?;
            Ok::<_, DbError>(Ok(after))
        })
        .await;
    match result {
        Ok(Ok(row)) => {
            tracing::info!(wish = %row.id, status = row.status.key(), "wish decided in the console");
            let done = match action {
                Action::Approve => "wish-approved",
                Action::Reject => "wish-rejected",
                Action::Fulfil => "wish-fulfilled",
            };
            Redirect::to(&format!("/console/wishes?done={done}")).into_response()
        }
        Ok(Err(ApiError {
            status: StatusCode::NOT_FOUND,
            ..
        })) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Ok(Err(e)) => {
            tracing::info!(wish = %id, error = %e, "wish decision refused");
            let msg = tr(lang, "wish-conflict");
            show(
                &state,
                &visit,
                WishStatus::Pending,
                StatusCode::CONFLICT,
                None,
                Some((&id, msg)),
            )
            .await
        }
        Err(e) => internal(&visit, e),
    }
}
