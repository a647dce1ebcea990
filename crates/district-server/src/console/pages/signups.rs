//! Sign-ups (moderators): every event with its sign-ups; per event and occurrence the places
//! taken and left, each person's name, contact and party size, cancel, and a CSV export.
//! Contacts appear only here, for the roles that handle sign-ups.

use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use fluent_bundle::FluentValue;
use maud::html;
use protocol::content::{Event, Kind, Record};
use protocol::text::Text;
use serde::Deserialize;
use serde_json::json;

use crate::api::SignupRow;
use crate::availability::{self, CancelError};
use crate::console::gate::Visit;
use crate::console::i18n::{tr, tr_args};
use crate::console::layout::{csrf, internal, message_page, notice, page, respond, when};
use crate::server::AppState;
use crate::storage::records;
use crate::storage::{DbError, time_text};
use crate::storage::{audit, moderation};

struct EventLine {
    id: String,
    title: Option<Text>,
    start: Option<String>,
    weekly: bool,
    signups: u64,
    places: u64,
}

pub async fn events(State(state): State<AppState>, visit: Visit) -> Response {
    let lang = visit.lang;
    let loaded = state
        .db
        .read(|tx| {
            let totals = moderation::signup_totals(tx)?;
            let live = records::live(tx, &[Kind::Event])?;
            let mut lines: Vec<EventLine> = Vec::new();
            for ((_, id), data) in live {
                let event: Option<Event> = serde_json::from_value(data).ok();
                let (signups, places) = totals
                    .iter()
                    .find(|(e, _, _)| *e == id)
                    .map(|(_, n, p)| (*n, *p))
                    .unwrap_or((0, 0));
                lines.push(EventLine {
                    id,
                    title: event.as_ref().map(|e| e.title.clone()),
                    start: event
                        .as_ref()
                        .map(|e| e.start.format("%Y-%m-%d %H:%M").to_string()),
                    weekly: event.as_ref().is_some_and(|e| e.recurrence.is_some()),
                    signups,
                    places,
                });
            }
            for (id, n, p) in totals {
                if !lines.iter().any(|l| l.id == id) {
                    lines.push(EventLine {
                        id,
                        title: None,
                        start: None,
                        weekly: false,
                        signups: n,
                        places: p,
                    });
                }
            }
            lines.sort_by(|a, b| a.start.cmp(&b.start).then(a.id.cmp(&b.id)));
            Ok::<_, DbError>(lines)
        })
        .await;
    let lines = match loaded {
        Ok(l) => l,
        Err(e) => return internal(&visit, e),
    };
    let body = html! {
        @if lines.is_empty() {
            p .muted { (tr(lang, "signup-no-events")) }
        } @else {
            table #events {
                thead { tr {
                    th { (tr(lang, "col-event")) }
                    th { (tr(lang, "col-start")) }
                    th { (tr(lang, "col-signups")) }
                } }
                tbody {
                    @for l in &lines {
                        tr {
                            td { a href={ "/console/events/" (l.id) } {
                                (l.title.as_ref().map(|t| t.get(lang).to_string()).unwrap_or_else(|| format!("{} ({})", l.id, tr(lang, "signup-unpublished"))))
                            } }
                            td { (l.start.clone().unwrap_or_default()) @if l.weekly { " · " (tr(lang, "signup-weekly")) } }
                            td { (tr_args(lang, "signup-totals", &[("signups", FluentValue::from(l.signups)), ("places", FluentValue::from(l.places))])) }
                        }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        page(&visit, &tr(lang, "nav-signups"), "/console/events", body),
    )
}

struct Occurrence {
    start: String,
    taken: u32,
    rows: Vec<SignupRow>,
}

struct EventSignups {
    title: Option<Text>,
    capacity: Option<u32>,
    occurrences: Vec<Occurrence>,
}

async fn load(state: &AppState, id: String) -> Result<Option<EventSignups>, DbError> {
    state
        .db
        .read(move |tx| {
            let event = match records::get(tx, Kind::Event, &id)? {
                Some(Record::Event(e)) => Some(e),
                _ => None,
            };
            let capacity = match &event {
                Some(e) => availability::capacity(tx, e)?,
                None => None,
            };
            let mut occurrences: Vec<Occurrence> = Vec::new();
            // Cancelled sign-ups hold no places and are not listed (the audit log keeps them).
            for stored in crate::storage::signups::of_event(tx, &id)? {
                if stored.signup.cancelled_at.is_some() {
                    continue;
                }
                let row = stored.signup;
                let start = stored.occurrence.format("%Y-%m-%dT%H:%M:%S").to_string();
                match occurrences.last_mut() {
                    Some(o) if o.start == start => {
                        o.taken += row.party_size;
                        o.rows.push(row);
                    }
                    _ => occurrences.push(Occurrence {
                        start,
                        taken: row.party_size,
                        rows: vec![row],
                    }),
                }
            }
            if event.is_none() && occurrences.is_empty() {
                return Ok(None);
            }
            Ok(Some(EventSignups {
                title: event.map(|e| e.title),
                capacity,
                occurrences,
            }))
        })
        .await
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

pub async fn event(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Query(d): Query<Done>,
) -> Response {
    let lang = visit.lang;
    let e = match load(&state, id.clone()).await {
        Ok(Some(e)) => e,
        Ok(None) => {
            return message_page(
                &visit,
                StatusCode::NOT_FOUND,
                "error-title",
                "error-not-found",
            );
        }
        Err(err) => return internal(&visit, err),
    };
    let title = e
        .title
        .as_ref()
        .map(|t| t.get(lang).to_string())
        .unwrap_or_else(|| id.clone());
    let body = html! {
        (notice(lang, d.done.as_deref()))
        p {
            @match e.capacity {
                Some(c) => (tr_args(lang, "signup-capacity", &[("capacity", FluentValue::from(c))])),
                None => (tr(lang, "signup-unlimited")),
            }
            " · " a href={ "/console/events/" (id) "/signups.csv" } download { (tr(lang, "signup-csv")) }
        }
        @if e.occurrences.is_empty() {
            p .muted { (tr(lang, "signup-none")) }
        }
        @for o in &e.occurrences {
            section .card data-occurrence=(o.start) {
                h2 { (o.start.replace('T', " ")) }
                p {
                    (tr_args(lang, "signup-taken", &[("taken", FluentValue::from(o.taken))]))
                    @if let Some(c) = e.capacity {
                        " · " (tr_args(lang, "signup-left", &[("left", FluentValue::from(c.saturating_sub(o.taken)))]))
                    }
                }
                table {
                    thead { tr {
                        th { (tr(lang, "col-name")) }
                        th { (tr(lang, "col-contact")) }
                        th { (tr(lang, "col-party")) }
                        th { (tr(lang, "col-received")) }
                        th { (tr(lang, "col-actions")) }
                    } }
                    tbody {
                        @for r in &o.rows {
                            tr {
                                td { (r.name) }
                                td { (r.contact) }
                                td { (r.party_size) }
                                td { (when(&r.received_at)) " · " (r.kiosk_id) }
                                td {
                                    form .inline method="post" action={ "/console/signups/" (r.id) "/cancel" } {
                                        (csrf(&visit))
                                        button .danger type="submit" { (tr(lang, "signup-cancel")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        page(&visit, &title, "/console/events", body),
    )
}

pub async fn csv(State(state): State<AppState>, visit: Visit, Path(id): Path<String>) -> Response {
    let e = match load(&state, id.clone()).await {
        Ok(Some(e)) => e,
        Ok(None) => {
            return message_page(
                &visit,
                StatusCode::NOT_FOUND,
                "error-title",
                "error-not-found",
            );
        }
        Err(err) => return internal(&visit, err),
    };
    let write = || -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "event",
            "occurrence",
            "name",
            "contact",
            "party_size",
            "kiosk",
            "received_at",
            "id",
        ])?;
        for o in &e.occurrences {
            for r in &o.rows {
                let party = r.party_size.to_string();
                w.write_record([
                    id.as_str(),
                    o.start.as_str(),
                    &csv_cell(&r.name),
                    &csv_cell(&r.contact),
                    &party,
                    &r.kiosk_id,
                    &r.received_at,
                    &r.id,
                ])?;
            }
        }
        w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    };
    let bytes = match write() {
        Ok(b) => b,
        Err(err) => return internal(&visit, err),
    };
    // A BOM so spreadsheet programs read the Chinese names as UTF-8.
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(bytes);
    let file = format!("attachment; filename=\"signups-{id}.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, file),
        ],
        body,
    )
        .into_response()
}

/// A cell a spreadsheet will not run as a formula (visitors typed these).
fn csv_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[derive(Deserialize)]
pub struct CancelForm {}

pub async fn cancel(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(_f): Form<CancelForm>,
) -> Response {
    let actor = visit.member().name.clone();
    let signup_id = id.clone();
    let result = state
        .db
        .write(move |tx| {
            let at = Utc::now();
            let done = match availability::cancel_signup(tx, &signup_id, at) {
                Ok(done) => done,
                Err(CancelError::NotFound(_) | CancelError::AlreadyCancelled(_)) => {
                    return Ok(None);
                }
                Err(CancelError::Db(e)) => return Err(e),
            };
            let (event, start, row) = (done.event, done.start, done.signup);
            let now = time_text(at);
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "signup",
                    action: "cancelled",
                    target: &signup_id,
                    before: Some(&json!({ "event": event, "occurrence": start, "name": row.name, "party_size": row.party_size, "kiosk": row.kiosk_id })),
                    after: None,
                },
                &now,
            )?;
            Ok::<_, DbError>(Some(event))
        })
        .await;
    match result {
        Ok(Some(event)) => {
            Redirect::to(&format!("/console/events/{event}?done=signup-cancelled")).into_response()
        }
        Ok(None) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Err(e) => internal(&visit, e),
    }
}
