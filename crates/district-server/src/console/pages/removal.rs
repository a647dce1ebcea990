//! Removing content (editors): a section, station, room, event or article goes into the draft
//! as a removal, after a page that says what goes with it and asks to confirm. A station takes
//! its rooms and events with it, a room its events, a section its articles; whatever else would
//! be left pointing at the record (an article shown only at that station) is named and the
//! removal refused, nothing drafted. Publishing then deletes them as the next changes of the
//! feed, like any drafted change.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::html;
use protocol::bundle::Problem;
use protocol::content::{Content, Kind};
use protocol::text::Lang;
use serde::Deserialize;

use super::content::Loaded;
use super::sections::{loaded, not_found};
use crate::console::gate::Visit;
use crate::console::i18n::{problem, tr, tr_args};
use crate::console::layout::{csrf, internal, page, respond};
use crate::drafting;
use crate::server::AppState;
use crate::storage::drafts::{self, DraftRow};
use crate::storage::{DbError, audit, kiosks, now_text, records, signups};

/// The kinds the console removes (the district itself is never removed).
const REMOVABLE: [Kind; 5] = [
    Kind::Section,
    Kind::Station,
    Kind::Room,
    Kind::Article,
    Kind::Event,
];

/// What removing one record takes: the records that go with it, what would still refer to it
/// (a refusal), and what to warn about.
struct Removal {
    kind: Kind,
    id: String,
    /// Records removed with it, in the order shown.
    with: Vec<(Kind, String)>,
    /// Rules the content would break without it (records left pointing at it).
    problems: Vec<Problem>,
    /// Sign-ups (not cancelled) for events that go.
    signups: usize,
    /// Kiosks registered at a station that goes.
    kiosks: Vec<String>,
}

impl Removal {
    /// The records removed, itself first: what the confirmation names, so a change of that
    /// set between showing and confirming is noticed.
    fn all(&self) -> Vec<(Kind, String)> {
        std::iter::once((self.kind, self.id.clone()))
            .chain(self.with.iter().cloned())
            .collect()
    }

    fn key(&self) -> String {
        self.all()
            .iter()
            .map(|(k, id)| format!("{}:{id}", k.key()))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The records that go with `kind`/`id` in `content`: a station's rooms and events, a room's
/// events, a section's articles.
fn dependents(content: &Content, kind: Kind, id: &str) -> Vec<(Kind, String)> {
    let mut out: Vec<(Kind, String)> = Vec::new();
    match kind {
        Kind::Station => {
            let mut rooms: Vec<_> = content.rooms.iter().filter(|r| r.station == id).collect();
            rooms.sort_by_key(|r| (r.order, r.id.clone()));
            out.extend(rooms.iter().map(|r| (Kind::Room, r.id.clone())));
            let mut events: Vec<_> = content
                .events
                .iter()
                .filter(|e| e.station == id || rooms.iter().any(|r| r.id == e.room))
                .collect();
            events.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
            out.extend(events.iter().map(|e| (Kind::Event, e.id.clone())));
        }
        Kind::Room => {
            let mut events: Vec<_> = content.events.iter().filter(|e| e.room == id).collect();
            events.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
            out.extend(events.iter().map(|e| (Kind::Event, e.id.clone())));
        }
        Kind::Section => {
            let mut articles: Vec<_> = content
                .articles
                .iter()
                .filter(|a| a.section == id)
                .collect();
            articles.sort_by_key(|a| (a.order, a.id.clone()));
            out.extend(articles.iter().map(|a| (Kind::Article, a.id.clone())));
        }
        _ => {}
    }
    out
}

/// A record's title in `lang` (its id when it has none).
fn title_of(content: &Content, kind: Kind, id: &str, lang: Lang) -> String {
    let found = match kind {
        Kind::Section => content
            .sections
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.title.get(lang)),
        Kind::Station => content
            .stations
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.get(lang)),
        Kind::Room => content
            .rooms
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.get(lang)),
        Kind::Article => content
            .articles
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.title.get(lang)),
        Kind::Event => content
            .events
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.title.get(lang)),
        _ => None,
    };
    found.unwrap_or(id).to_string()
}

fn exists(content: &Content, kind: Kind, id: &str) -> bool {
    content
        .records()
        .iter()
        .any(|r| r.kind() == kind && r.id() == id)
}

/// The draft with `all` removed.
fn trial(l: &Loaded, all: &[(Kind, String)]) -> Vec<DraftRow> {
    let mut rows = l.drafts.clone();
    rows.retain(|d| !all.iter().any(|(k, id)| d.kind == *k && d.id == *id));
    rows.extend(all.iter().map(|(kind, id)| DraftRow {
        kind: *kind,
        id: id.clone(),
        data: None,
        author: String::new(),
        updated_at: String::new(),
    }));
    rows
}

/// Works out what removing `kind`/`id` from the drafted content takes, checking the draft
/// without them with the bundle's rules (problems the draft had before do not count).
async fn plan(state: &AppState, l: &Loaded, kind: Kind, id: &str) -> Result<Removal, String> {
    let with = dependents(&l.drafted, kind, id);
    let mut removal = Removal {
        kind,
        id: id.to_string(),
        with,
        problems: Vec::new(),
        signups: 0,
        kiosks: Vec::new(),
    };
    let all = removal.all();
    let after = drafting::with_drafts(&l.published, &trial(l, &all)).map_err(|e| e.to_string())?;
    let before = l.drafted.clone();
    let blobs = state.blobs.clone();
    let (problems, earlier) = tokio::task::spawn_blocking(move || {
        let problems = |c: &Content| drafting::check(c, &blobs).err().unwrap_or_default();
        (problems(&after), problems(&before))
    })
    .await
    .map_err(|e| e.to_string())?;
    let earlier: std::collections::HashSet<String> =
        earlier.iter().map(ToString::to_string).collect();
    removal.problems = problems
        .into_iter()
        .filter(|p| !earlier.contains(&p.to_string()))
        .collect();
    let events: Vec<String> = all
        .iter()
        .filter(|(k, _)| *k == Kind::Event)
        .map(|(_, id)| id.clone())
        .collect();
    let station = (kind == Kind::Station).then(|| id.to_string());
    let (signups, kiosks) = state
        .db
        .read(move |tx| {
            let mut n = 0;
            for e in &events {
                n += signups::of_event(tx, e)?
                    .iter()
                    .filter(|s| s.signup.cancelled_at.is_none())
                    .count();
            }
            let kiosks: Vec<String> = match &station {
                Some(s) => kiosks::list(tx)?
                    .into_iter()
                    .filter(|k| &k.station == s)
                    .map(|k| k.id)
                    .collect(),
                None => Vec::new(),
            };
            Ok::<_, DbError>((n, kiosks))
        })
        .await
        .map_err(|e| e.to_string())?;
    removal.signups = signups;
    removal.kiosks = kiosks;
    Ok(removal)
}

/// The page of a record, to go back to.
fn record_path(kind: Kind, id: &str) -> String {
    match kind {
        Kind::Section => format!("/console/content/sections/{id}"),
        Kind::Station => format!("/console/content/stations/{id}"),
        Kind::Room => format!("/console/content/rooms/{id}"),
        Kind::Article => format!("/console/content/articles/{id}"),
        Kind::Event => format!("/console/content/events/{id}"),
        _ => "/console/content".to_string(),
    }
}

fn confirm_page(
    visit: &Visit,
    l: &Loaded,
    r: &Removal,
    changed: bool,
    status: StatusCode,
) -> Response {
    let lang = visit.lang;
    let name = |kind: Kind| tr(lang, &format!("kind-one-{}", kind.key()));
    let title = tr_args(
        lang,
        "remove-title",
        &[
            ("kind", FluentValue::from(name(r.kind))),
            (
                "title",
                FluentValue::from(title_of(&l.drafted, r.kind, &r.id, lang)),
            ),
        ],
    );
    let count = r.with.len() + 1;
    let body = html! {
        @if changed {
            p .form-error role="alert" { (tr(lang, "remove-changed")) }
        }
        section .card #removal data-kind=(r.kind.key()) data-id=(r.id) {
            p { (name(r.kind)) " " code { (r.id) } }
            @if !r.problems.is_empty() {
                div .form-error role="alert" #remove-refused {
                    p { strong { (tr(lang, "remove-refused")) } }
                    ul { @for p in &r.problems { li { (problem(lang, p)) } } }
                }
                p { a .button href=(record_path(r.kind, &r.id)) { (tr(lang, "remove-back")) } }
            } @else {
                @if !r.with.is_empty() {
                    p { strong { (tr_args(lang, "remove-with", &[("count", FluentValue::from(r.with.len()))])) } }
                    ul #remove-with {
                        @for (kind, id) in &r.with {
                            li data-kind=(kind.key()) data-id=(id) {
                                (name(*kind)) " · " (title_of(&l.drafted, *kind, id, lang)) " " span .muted { (id) }
                            }
                        }
                    }
                }
                @if r.signups > 0 {
                    p .notice #remove-signups { (tr_args(lang, "remove-signups", &[("count", FluentValue::from(r.signups))])) }
                }
                @if !r.kiosks.is_empty() {
                    p .notice #remove-kiosks { (tr_args(lang, "remove-kiosks", &[("kiosks", FluentValue::from(r.kiosks.join(", ")))])) }
                }
                p .hint { (tr(lang, "remove-hint")) }
                form .actions method="post" action={ "/console/content/remove/" (r.kind.key()) "/" (r.id) } {
                    (csrf(visit))
                    input type="hidden" name="confirm" value=(r.key());
                    button .danger #confirm-remove type="submit" {
                        @if count == 1 {
                            (tr(lang, "remove-confirm"))
                        } @else {
                            (tr_args(lang, "remove-confirm-all", &[("count", FluentValue::from(count))]))
                        }
                    }
                    a #keep href=(record_path(r.kind, &r.id)) { (tr(lang, "remove-cancel")) }
                }
            }
        }
    };
    respond(status, page(visit, &title, "/console/content", body))
}

/// The removable record named by the path, in the drafted content.
fn target(l: &Loaded, kind: &str, id: &str) -> Option<Kind> {
    let kind = kind.parse::<Kind>().ok()?;
    (REMOVABLE.contains(&kind) && exists(&l.drafted, kind, id)).then_some(kind)
}

pub async fn confirm(
    State(state): State<AppState>,
    visit: Visit,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let Some(kind) = target(&l, &kind, &id) else {
        return not_found(&visit);
    };
    match plan(&state, &l, kind, &id).await {
        Ok(r) => confirm_page(&visit, &l, &r, false, StatusCode::OK),
        Err(e) => internal(&visit, e),
    }
}

#[derive(Deserialize)]
pub struct Confirmed {
    /// The records the confirmation page named (`kind:id,…`).
    #[serde(default)]
    confirm: String,
}

/// Drafts the removal confirmed on [`confirm`]'s page: refused (nothing drafted) when records
/// would be left pointing at it, and shown again when what goes with it changed meanwhile.
pub async fn remove(
    State(state): State<AppState>,
    visit: Visit,
    Path((kind, id)): Path<(String, String)>,
    Form(form): Form<Confirmed>,
) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let Some(kind) = target(&l, &kind, &id) else {
        // Already removed (a second tap) or never there.
        return not_found(&visit);
    };
    let r = match plan(&state, &l, kind, &id).await {
        Ok(r) => r,
        Err(e) => return internal(&visit, e),
    };
    if !r.problems.is_empty() {
        return confirm_page(&visit, &l, &r, false, StatusCode::CONFLICT);
    }
    if form.confirm != r.key() {
        return confirm_page(&visit, &l, &r, true, StatusCode::CONFLICT);
    }
    let actor = visit.member().name.clone();
    let all = r.all();
    let result = state
        .db
        .write(move |tx| {
            let now = now_text();
            for (kind, id) in &all {
                let published = records::get(tx, *kind, id)?;
                if published.is_some() {
                    drafts::put(tx, *kind, id, None, &actor, &now)?;
                } else {
                    // Only in the draft: dropping the drafted record removes it.
                    drafts::forget(tx, *kind, id)?;
                }
                audit::record(
                    tx,
                    audit::Change {
                        actor: &actor,
                        kind: "content",
                        action: "drafted-removal",
                        target: &format!("{} {id}", kind.key()),
                        before: published.map(|r| r.to_json()).as_ref(),
                        after: None,
                    },
                    &now,
                )?;
            }
            Ok::<_, DbError>(())
        })
        .await;
    match result {
        Ok(()) => Redirect::to("/console/content?done=content-removal-drafted").into_response(),
        Err(e) => internal(&visit, e),
    }
}
