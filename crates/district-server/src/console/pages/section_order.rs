//! The order of the sections (editors): one list with an order number per section, saved into
//! the draft in one step (every section whose number changed) and published with it. Without
//! JavaScript the numbers are typed; `console.js` adds drag handles and up/down buttons that
//! rewrite the same numbers.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::html;
use protocol::content::{Record, Section};

use super::content::{Loaded, errors_at};
use super::sections::{Refusal, draft_records, loaded};
use crate::console::gate::Visit;
use crate::console::i18n::{problem, tr, tr_args};
use crate::console::layout::{csrf, internal, page, respond};
use crate::server::AppState;

/// The form field carrying a section's order number.
fn field(id: &str) -> String {
    format!("order_{id}")
}

/// The sections in the order kiosks show them (number, then id).
fn in_order(l: &Loaded) -> Vec<&Section> {
    let mut list: Vec<&Section> = l.drafted.sections.iter().collect();
    list.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    list
}

/// The page; `typed` are the numbers as submitted (shown again when refused).
fn order_page(
    visit: &Visit,
    l: &Loaded,
    typed: &[(String, String)],
    refusal: &Refusal,
    status: StatusCode,
) -> Response {
    let lang = visit.lang;
    let (errors, others) = refusal;
    let value = |s: &Section| {
        typed
            .iter()
            .find(|(k, _)| *k == field(&s.id))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| s.order.to_string())
    };
    let changed = |s: &Section| {
        l.drafts
            .iter()
            .any(|d| d.kind == protocol::content::Kind::Section && d.id == s.id)
    };
    let moved = tr_args(lang, "reorder-moved", &[("n", FluentValue::from("{n}"))]);
    let body = html! {
        @if !errors.is_empty() || !others.is_empty() {
            div .form-error role="alert" {
                p { strong { (tr(lang, "content-not-saved")) } }
                ul {
                    @for (_, m) in errors.iter().filter(|(k, _)| !k.starts_with("order_")) { li { (m) } }
                    @for p in others { li { (problem(lang, p)) } }
                }
            }
        }
        p .hint { (tr(lang, "sections-order-hint")) }
        form .card #section-order method="post" action="/console/content/section-order" {
            (csrf(visit))
            ol .reorder data-reorder=""
                data-label-handle=(tr(lang, "reorder-handle"))
                data-label-up=(tr(lang, "reorder-up"))
                data-label-down=(tr(lang, "reorder-down"))
                data-msg-moved=(moved) {
                @for s in in_order(l) {
                    @let name = field(&s.id);
                    li data-reorder-item="" data-section=(s.id) {
                        span .name {
                            strong { (s.title.get(lang)) } " "
                            span .muted { (s.id) }
                            @if changed(s) { " " span .tag { (tr(lang, "content-state-changed")) } }
                        }
                        label for=(name) { (tr(lang, "field-order")) }
                        input type="number" id=(name) name=(name) min="0" required value=(value(s)) data-order=""
                            aria-invalid=[errors.iter().any(|(k, _)| *k == name).then_some("true")];
                        (errors_at(errors, &name))
                    }
                }
            }
            button .primary type="submit" { (tr(lang, "sections-order-save")) }
        }
    };
    respond(
        status,
        page(
            visit,
            &tr(lang, "sections-order-title"),
            "/console/content",
            body,
        ),
    )
}

pub async fn page_get(State(state): State<AppState>, visit: Visit) -> Response {
    match loaded(&state, &visit).await {
        Ok(l) => order_page(&visit, &l, &[], &(Vec::new(), Vec::new()), StatusCode::OK),
        Err(r) => r,
    }
}

/// Saves the numbers: every section whose number changed is drafted, all together or none.
pub async fn save(
    State(state): State<AppState>,
    visit: Visit,
    Form(typed): Form<Vec<(String, String)>>,
) -> Response {
    let lang = visit.lang;
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for s in in_order(&l) {
        let name = field(&s.id);
        // A section the form did not list (added meanwhile) keeps its number.
        let Some((_, text)) = typed.iter().find(|(k, _)| *k == name) else {
            continue;
        };
        match text.trim().parse::<u32>() {
            Ok(order) if order != s.order => {
                let mut section = s.clone();
                section.order = order;
                changed.push(Record::Section(section));
            }
            Ok(_) => {}
            Err(_) => errors.push((name, tr(lang, "content-bad-order"))),
        }
    }
    let refuse = |refusal: Refusal| {
        order_page(
            &visit,
            &l,
            &typed,
            &refusal,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if !errors.is_empty() {
        return refuse((errors, Vec::new()));
    }
    if changed.is_empty() {
        return Redirect::to("/console/content?done=sections-order-unchanged").into_response();
    }
    match draft_records(&state, &visit, &l, changed).await {
        Ok(Ok(())) => Redirect::to("/console/content?done=sections-order-saved").into_response(),
        Ok(Err(refusal)) => refuse(refusal),
        Err(e) => internal(&visit, e),
    }
}
