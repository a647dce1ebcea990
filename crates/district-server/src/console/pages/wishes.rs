//! The wishes queue (moderators): visitors' wishes exactly as typed, with language, name,
//! station and time; approve (to the station's kiosks or the whole district), reject with a
//! reason kept for the record, and mark approved wishes fulfilled. Offers to fulfil a wish
//! (认领) show under it with the helper's contact (this page is for moderators and admins
//! only): match one (the wish shows as claimed on kiosks after their next sync) or decline it,
//! through the same rules the staff API uses ([`crate::claims`]).

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::{Markup, html};
use protocol::content::WishStatus;
use serde::Deserialize;

use crate::api::{ClaimDecision, ClaimRow, ClaimStatus, WishDecision, WishRow};
use crate::claims::{self, ClaimAction};
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

/// What the page lists: the wishes of one status, or those with offers waiting for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Status(WishStatus),
    Offers,
}

impl Tab {
    fn parse(s: Option<&str>) -> Tab {
        match s {
            Some("offers") => Tab::Offers,
            Some(s) => s
                .parse::<WishStatus>()
                .map(Tab::Status)
                .unwrap_or(Tab::Status(WishStatus::Pending)),
            None => Tab::Status(WishStatus::Pending),
        }
    }
}

/// The page's rows: wishes, each with its offers (oldest first).
struct Listing {
    wishes: Vec<(WishRow, Vec<ClaimRow>)>,
    offers_waiting: usize,
}

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

/// The offers to fulfil one wish, with the helper's contact and match / decline forms.
fn offers(visit: &Visit, list: &[ClaimRow], error: Option<(&str, &str)>) -> Markup {
    let lang = visit.lang;
    html! {
        table .claims {
            caption { (tr(lang, "claim-title")) }
            thead { tr {
                th { (tr(lang, "col-name")) }
                th { (tr(lang, "col-contact")) }
                th { (tr(lang, "claim-col-note")) }
                th { (tr(lang, "col-received")) }
                th { (tr(lang, "col-state")) }
                th { (tr(lang, "col-actions")) }
            } }
            tbody {
                @for c in list {
                    tr data-claim=(c.id) {
                        td { (c.name) }
                        td { a href={ (contact_href(&c.contact)) } { (c.contact) } }
                        td { @if let Some(n) = &c.note { span .typed { (n) } } }
                        td { (when(&c.received_at)) }
                        td {
                            span .tag { (tr(lang, &format!("claim-status-{}", c.status.key()))) }
                            @if let Some(n) = &c.staff_note { p .note { (tr(lang, "wish-note")) ": " (n) } }
                        }
                        td {
                            @let base = format!("/console/claims/{}", c.id);
                            @if c.status == ClaimStatus::Offered {
                                form .inline method="post" action={ (base) "/match" } {
                                    (csrf(visit))
                                    input type="text" name="note" maxlength=(MAX_NOTE_CHARS) placeholder=(tr(lang, "wish-fulfil-note"));
                                    button .primary type="submit" { (tr(lang, "claim-match")) }
                                }
                            }
                            @if c.status != ClaimStatus::Declined {
                                form .inline method="post" action={ (base) "/decline" } {
                                    (csrf(visit))
                                    input type="text" name="note" maxlength=(MAX_NOTE_CHARS) placeholder=(tr(lang, "wish-fulfil-note"));
                                    button .danger type="submit" { (tr(lang, "claim-decline")) }
                                }
                            }
                            (field_error(error.filter(|(id, _)| *id == c.id).map(|(_, m)| m)))
                        }
                    }
                }
            }
        }
    }
}

/// A link that calls or writes to a contact (phone numbers are stored as E.164).
fn contact_href(contact: &str) -> String {
    if contact.contains('@') {
        format!("mailto:{contact}")
    } else {
        format!("tel:{contact}")
    }
}

fn render(
    visit: &Visit,
    tab: Tab,
    listing: &Listing,
    done: Option<&str>,
    error: Option<(&str, String)>,
) -> Markup {
    let lang = visit.lang;
    let error = error.as_ref().map(|(id, m)| (*id, m.as_str()));
    let body = html! {
        (notice(lang, done))
        nav .tabs {
            @for s in TABS {
                @let key = s.key();
                a .active[tab == Tab::Status(s)] href={ "/console/wishes?status=" (key) } { (tr(lang, &format!("wish-status-{key}"))) }
            }
            a .active[tab == Tab::Offers] href="/console/wishes?status=offers" {
                (tr(lang, "claim-tab")) " (" (listing.offers_waiting) ")"
            }
        }
        @if listing.wishes.is_empty() {
            p .muted { (tr(lang, if tab == Tab::Offers { "claim-none" } else { "wish-none" })) }
        } @else {
            table #wishes {
                thead { tr {
                    th { (tr(lang, "col-wish")) }
                    th { (tr(lang, "col-from")) }
                    th { (tr(lang, "col-received")) }
                    th { (tr(lang, "col-actions")) }
                } }
                tbody {
                    @for (w, claims) in &listing.wishes {
                        tr data-wish=(w.id) {
                            td {
                                p .typed lang=(w.lang.code()) { (w.text) }
                                span .tag { (tr(lang, &format!("lang-{}", w.lang.code()))) }
                                " " span .tag { (tr(lang, &format!("wish-status-{}", w.status.key()))) }
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
                            td { (actions(visit, w, error.filter(|(id, _)| *id == w.id).map(|(_, m)| m))) }
                        }
                        @if !claims.is_empty() {
                            tr .offers data-offers-of=(w.id) {
                                td colspan="4" { (offers(visit, claims, error)) }
                            }
                        }
                    }
                }
            }
        }
    };
    page(visit, &tr(lang, "nav-wishes"), "/console/wishes", body)
}

/// The wishes of `tab` with their offers, and how many offers wait for staff.
fn listing(tx: &crate::storage::ReadTx<'_>, tab: Tab) -> Result<Listing, DbError> {
    let all_claims = crate::storage::claims::list(tx, None, None)?;
    let offers_waiting = all_claims
        .iter()
        .filter(|c| c.status == ClaimStatus::Offered)
        .count();
    let wishes = match tab {
        Tab::Status(s) => crate::storage::wishes::list(tx, Some(s))?,
        Tab::Offers => crate::storage::wishes::list(tx, None)?
            .into_iter()
            .filter(|w| {
                all_claims
                    .iter()
                    .any(|c| c.wish == w.id && c.status == ClaimStatus::Offered)
            })
            .collect(),
    };
    let wishes = wishes
        .into_iter()
        .map(|w| {
            let claims = all_claims
                .iter()
                .filter(|c| c.wish == w.id)
                .cloned()
                .collect();
            (w, claims)
        })
        .collect();
    Ok(Listing {
        wishes,
        offers_waiting,
    })
}

async fn show(
    state: &AppState,
    visit: &Visit,
    tab: Tab,
    code: StatusCode,
    done: Option<&str>,
    error: Option<(&str, String)>,
) -> Response {
    match state.db.read(move |tx| listing(tx, tab)).await {
        Ok(list) => respond(code, render(visit, tab, &list, done, error)),
        Err(e) => internal(visit, e),
    }
}

pub async fn page_get(
    State(state): State<AppState>,
    visit: Visit,
    Query(q): Query<WishQuery>,
) -> Response {
    let tab = Tab::parse(q.status.as_deref());
    show(&state, &visit, tab, StatusCode::OK, q.done.as_deref(), None).await
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
            Tab::Status(WishStatus::Pending),
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
            Tab::Status(WishStatus::Pending),
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
                Tab::Status(WishStatus::Pending),
                StatusCode::CONFLICT,
                None,
                Some((&id, msg)),
            )
            .await
        }
        Err(e) => internal(&visit, e),
    }
}

/// A claim as the audit log keeps it: without the helper's contact, which stays with the
/// claim itself (the log is read by admins, and kept longer).
fn claim_for_audit(c: &ClaimRow) -> serde_json::Value {
    let mut v = serde_json::to_value(c).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("contact");
    }
    v
}

/// Matches or declines an offer to fulfil a wish (认领), with an optional note for colleagues.
pub async fn decide_claim(
    State(state): State<AppState>,
    visit: Visit,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<DecideForm>,
) -> Response {
    let lang = visit.lang;
    let Ok(action) = action.parse::<ClaimAction>() else {
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
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        let msg = tr(lang, "wish-reason-long");
        return show(
            &state,
            &visit,
            Tab::Offers,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some((&id, msg)),
        )
        .await;
    }
    let decision = ClaimDecision { note };
    let actor = visit.member().name.clone();
    let claim_id = id.clone();
    let result = state
        .db
        .write(move |tx| {
            let now = time_text(Utc::now());
            let before = crate::storage::claims::get(tx, &claim_id)?;
            let outcome = match claims::decide(tx, &claim_id, action, &decision, &now) {
                Ok(o) => o,
                Err(e) => return Ok(Err(e)),
            };
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "claim",
                    action: match action {
                        ClaimAction::Match => "matched",
                        ClaimAction::Decline => "declined",
                    },
                    target: &claim_id,
                    before: before.as_ref().map(claim_for_audit).as_ref(),
                    after: Some(&claim_for_audit(&outcome.claim)),
                },
                &now,
            )?;
            Ok::<_, DbError>(Ok(outcome))
        })
        .await;
    match result {
        Ok(Ok(outcome)) => {
            tracing::info!(claim = %outcome.claim.id, wish = %outcome.wish.id,
                status = outcome.claim.status.key(), "claim decided in the console");
            let done = match action {
                ClaimAction::Match => "claim-matched",
                ClaimAction::Decline => "claim-declined",
            };
            Redirect::to(&format!(
                "/console/wishes?status={}&done={done}",
                outcome.wish.status.key()
            ))
            .into_response()
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
            tracing::info!(claim = %id, error = %e, "claim decision refused");
            let msg = tr(lang, "claim-conflict");
            show(
                &state,
                &visit,
                Tab::Offers,
                StatusCode::CONFLICT,
                None,
                Some((&id, msg)),
            )
            .await
        }
        Err(e) => internal(&visit, e),
    }
}
