//! Events (editors): room (which names the station), title and description in both languages
//! side by side, start and end in the district's time zone, capacity, sign-up open, weekly
//! recurrence with a last date, link, and whether only the station's kiosks show it. Saved into
//! the same draft as articles and sections, checked with the bundle's rules first.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, NaiveDateTime};
use fluent_bundle::FluentValue;
use maud::html;
use protocol::content::{Event, Record, Recurrence};
use protocol::text::{Lang, Text};
use serde::Deserialize;

use super::content::{Loaded, errors_at};
use super::sections::{Refusal, loaded, not_found, save_draft};
use crate::console::gate::Visit;
use crate::console::i18n::{problem, tr, tr_args};
use crate::console::layout::{csrf, page, respond, typed_text};
use crate::server::AppState;

/// How `<input type="datetime-local">` writes a local time.
const LOCAL: &str = "%Y-%m-%dT%H:%M";

/// The event form's fields as typed.
#[derive(Deserialize, Default, Clone)]
pub struct EventForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    title_zh: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    description_zh: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    signup_open: Option<String>,
    #[serde(default)]
    weekly: Option<String>,
    #[serde(default)]
    until: String,
    #[serde(default)]
    link: String,
    #[serde(default)]
    station_only: Option<String>,
}

fn ticked(v: &Option<String>) -> bool {
    v.as_deref() == Some("true")
}

fn tick(on: bool) -> Option<String> {
    on.then(|| "true".into())
}

impl EventForm {
    fn of(e: &Event) -> EventForm {
        EventForm {
            id: e.id.clone(),
            room: e.room.clone(),
            title_zh: e.title.zh.clone(),
            title_en: e.title.en.clone(),
            description_zh: e.description.zh.clone(),
            description_en: e.description.en.clone(),
            start: e.start.format(LOCAL).to_string(),
            end: e.end.format(LOCAL).to_string(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            signup_open: tick(e.signup_open),
            weekly: tick(e.recurrence.as_ref().is_some_and(|r| r.weekly)),
            until: e
                .recurrence
                .as_ref()
                .and_then(|r| r.until)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            link: e.link.clone().unwrap_or_default(),
            station_only: tick(e.scope.is_some()),
        }
    }

    /// The event as typed; the form's own errors (a time or number that is not one) next to
    /// their fields. The station is the room's.
    fn event(&self, l: &Loaded, lang: Lang) -> Result<Event, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut time = |field: &str, value: &str| {
            let t = NaiveDateTime::parse_from_str(value.trim(), LOCAL).ok();
            if t.is_none() {
                errors.push((field.to_string(), tr(lang, "content-bad-time")));
            }
            t
        };
        let start = time("start", &self.start);
        let end = time("end", &self.end);
        let capacity = match self.capacity.trim() {
            "" => None,
            c => match c.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(("capacity".into(), tr(lang, "event-bad-capacity")));
                    None
                }
            },
        };
        let until = match self.until.trim() {
            "" => None,
            d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(("recurrence.until".into(), tr(lang, "content-bad-time")));
                    None
                }
            },
        };
        let (Some(start), Some(end)) = (start, end) else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let station = l
            .drafted
            .rooms
            .iter()
            .find(|r| r.id == self.room)
            .map(|r| r.station.clone())
            .unwrap_or_default();
        let text = |zh: &str, en: &str| Text {
            zh: typed_text(zh),
            en: typed_text(en),
        };
        Ok(Event {
            id: self.id.trim().to_string(),
            scope: ticked(&self.station_only).then(|| station.clone()),
            station,
            room: self.room.trim().to_string(),
            title: text(&self.title_zh, &self.title_en),
            description: text(&self.description_zh, &self.description_en),
            start,
            end,
            capacity,
            signup_open: ticked(&self.signup_open),
            recurrence: ticked(&self.weekly).then_some(Recurrence {
                weekly: true,
                until,
            }),
            link: Some(self.link.trim().to_string()).filter(|l| !l.is_empty()),
        })
    }
}

fn event_page(
    visit: &Visit,
    l: &Loaded,
    form: &EventForm,
    new: bool,
    refusal: &Refusal,
    status: StatusCode,
) -> Response {
    let lang = visit.lang;
    let (errors, others) = refusal;
    let action = if new {
        "/console/content/events".to_string()
    } else {
        format!("/console/content/events/{}", form.id)
    };
    let text_input = |name: &'static str, value: &str, lang_attr: &'static str| {
        let key = name.replacen('_', ".", 1);
        html! {
            input type="text" id=(name) name=(name) value=(value) lang=(lang_attr)
                aria-invalid=[errors.iter().any(|(k, _)| *k == key).then_some("true")];
            (errors_at(errors, &key))
        }
    };
    let text_area = |name: &'static str, value: &str, lang_attr: &'static str| {
        let key = name.replacen('_', ".", 1);
        html! {
            textarea id=(name) name=(name) rows="5" lang=(lang_attr) { (value) }
            (errors_at(errors, &key))
        }
    };
    let body = html! {
        @if !errors.is_empty() || !others.is_empty() {
            div .form-error role="alert" {
                p { strong { (tr(lang, "content-not-saved")) } }
                @if !others.is_empty() {
                    ul { @for p in others { li { (problem(lang, p)) } } }
                }
            }
        }
        form .card.editor #event-form method="post" action=(action) {
            (csrf(visit))
            div .row {
                div {
                    label for="id" { (tr(lang, "field-id")) }
                    @if new {
                        input #id type="text" name="id" value=(form.id) required pattern="[a-z0-9_-]{1,64}";
                    } @else {
                        code { (form.id) }
                    }
                    (errors_at(errors, "id"))
                }
                div {
                    label for="room" { (tr(lang, "field-room")) }
                    select #room name="room" {
                        @for s in &l.drafted.stations {
                            optgroup label=(s.name.get(lang)) {
                                @for r in l.drafted.rooms.iter().filter(|r| r.station == s.id) {
                                    option value=(r.id) selected[r.id == form.room] { (s.name.get(lang)) " · " (r.name.get(lang)) }
                                }
                            }
                        }
                    }
                    (errors_at(errors, "room"))
                    (errors_at(errors, "station"))
                }
            }
            div .sides {
                div lang="zh" {
                    h3 { "中文" }
                    label for="title_zh" { (tr(lang, "field-title")) }
                    (text_input("title_zh", &form.title_zh, "zh"))
                    label for="description_zh" { (tr(lang, "field-description")) }
                    (text_area("description_zh", &form.description_zh, "zh"))
                }
                div lang="en" {
                    h3 { "English" }
                    label for="title_en" { (tr(lang, "field-title")) }
                    (text_input("title_en", &form.title_en, "en"))
                    label for="description_en" { (tr(lang, "field-description")) }
                    (text_area("description_en", &form.description_en, "en"))
                }
            }
            div .row {
                div {
                    label for="start" { (tr(lang, "field-start")) }
                    input #start type="datetime-local" name="start" value=(form.start) required;
                    (errors_at(errors, "start"))
                }
                div {
                    label for="end" { (tr(lang, "field-end")) }
                    input #end type="datetime-local" name="end" value=(form.end) required;
                    (errors_at(errors, "end"))
                }
                div {
                    label for="capacity" { (tr(lang, "field-capacity")) }
                    input #capacity type="number" name="capacity" min="1" value=(form.capacity);
                    (errors_at(errors, "capacity"))
                }
            }
            p .hint { (tr_args(lang, "event-zone-hint", &[("zone", FluentValue::from(l.drafted.district.timezone.as_str()))])) }
            div .row {
                div {
                    label .check { input type="checkbox" name="signup_open" value="true" checked[ticked(&form.signup_open)]; (tr(lang, "field-signup-open")) }
                    label .check { input type="checkbox" name="station_only" value="true" checked[ticked(&form.station_only)]; (tr(lang, "field-station-only")) }
                    (errors_at(errors, "scope"))
                }
                div {
                    label .check { input #weekly type="checkbox" name="weekly" value="true" checked[ticked(&form.weekly)]; (tr(lang, "field-weekly")) }
                    (errors_at(errors, "recurrence.weekly"))
                    label for="until" { (tr(lang, "field-until")) }
                    input #until type="date" name="until" value=(form.until);
                    (errors_at(errors, "recurrence.until"))
                }
                div {
                    label for="link" { (tr(lang, "field-link")) }
                    input #link type="text" name="link" value=(form.link);
                    (errors_at(errors, "link"))
                }
            }
            button .primary type="submit" { (tr(lang, "content-save")) }
        }
        @if !new {
            p { a .button.danger #remove-link href={ "/console/content/remove/event/" (form.id) } { (tr(lang, "remove-link")) } }
        }
    };
    let title = if new {
        tr(lang, "event-new")
    } else {
        tr_args(
            lang,
            "event-edit-title",
            &[("id", FluentValue::from(form.id.as_str()))],
        )
    };
    respond(status, page(visit, &title, "/console/content", body))
}

pub async fn new_event(State(state): State<AppState>, visit: Visit) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let form = EventForm {
        room: l
            .drafted
            .rooms
            .first()
            .map(|r| r.id.clone())
            .unwrap_or_default(),
        signup_open: tick(true),
        ..EventForm::default()
    };
    event_page(
        &visit,
        &l,
        &form,
        true,
        &(Vec::new(), Vec::new()),
        StatusCode::OK,
    )
}

pub async fn edit_event(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let Some(e) = l.drafted.events.iter().find(|e| e.id == id) else {
        return not_found(&visit);
    };
    let form = EventForm::of(e);
    event_page(
        &visit,
        &l,
        &form,
        false,
        &(Vec::new(), Vec::new()),
        StatusCode::OK,
    )
}

async fn save(state: AppState, visit: Visit, form: EventForm, new: bool) -> Response {
    let id = form.id.trim().to_string();
    save_draft(
        &state,
        &visit,
        new,
        |c| c.events.iter().any(|e| e.id == id),
        |l| form.event(l, visit.lang).map(Record::Event),
        |l, refusal, status| event_page(&visit, l, &form, new, refusal, status),
    )
    .await
}

pub async fn create_event(
    State(state): State<AppState>,
    visit: Visit,
    Form(form): Form<EventForm>,
) -> Response {
    save(state, visit, form, true).await
}

pub async fn update_event(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(mut form): Form<EventForm>,
) -> Response {
    form.id = id;
    save(state, visit, form, false).await
}
