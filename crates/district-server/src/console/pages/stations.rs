//! Stations and their rooms (editors), both languages side by side: a station's name,
//! building, floor, address, hours, area, summary, the buildings it serves and its picture
//! (from the image library) with alt text; a room's station, order, name, description and
//! places. Saved into the same draft as the other content, checked with the bundle's rules.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use protocol::content::{ImageRef, Record, Room, Station};
use protocol::text::{Lang, Text};
use serde::Deserialize;

use super::content::{Loaded, errors_at, library_choice};
use super::sections::{Refusal, loaded, not_found, save_draft};
use crate::console::gate::Visit;
use crate::console::i18n::{problem, tr, tr_args};
use crate::console::layout::{csrf, page, respond, typed_text};
use crate::server::AppState;

fn text(zh: &str, en: &str) -> Text {
    Text {
        zh: typed_text(zh),
        en: typed_text(en),
    }
}

/// A pair of inputs, Chinese left and English right, with their errors (`NAME.zh`, `NAME.en`).
pub(super) fn pair(
    lang: Lang,
    errors: &[(String, String)],
    name: &str,
    label: &str,
    zh: &str,
    en: &str,
) -> Markup {
    html! {
        div .sides {
            div lang="zh" {
                label for={ (name) "_zh" } { (tr(lang, label)) " · 中文" }
                input type="text" id={ (name) "_zh" } name={ (name) "_zh" } value=(zh) lang="zh";
                (errors_at(errors, &format!("{name}.zh")))
            }
            div lang="en" {
                label for={ (name) "_en" } { (tr(lang, label)) " · English" }
                input type="text" id={ (name) "_en" } name={ (name) "_en" } value=(en) lang="en";
                (errors_at(errors, &format!("{name}.en")))
            }
        }
    }
}

/// [`pair`] for a longer text (an introduction, a summary, a description): a textarea each.
pub(super) fn pair_area(
    lang: Lang,
    errors: &[(String, String)],
    name: &str,
    label: &str,
    zh: &str,
    en: &str,
) -> Markup {
    let invalid = |l: &str| {
        let key = format!("{name}.{l}");
        errors.iter().any(|(k, _)| *k == key).then_some("true")
    };
    html! {
        div .sides {
            div lang="zh" {
                label for={ (name) "_zh" } { (tr(lang, label)) " · 中文" }
                textarea id={ (name) "_zh" } name={ (name) "_zh" } rows="3" lang="zh" aria-invalid=[invalid("zh")] { (zh) }
                (errors_at(errors, &format!("{name}.zh")))
            }
            div lang="en" {
                label for={ (name) "_en" } { (tr(lang, label)) " · English" }
                textarea id={ (name) "_en" } name={ (name) "_en" } rows="3" lang="en" aria-invalid=[invalid("en")] { (en) }
                (errors_at(errors, &format!("{name}.en")))
            }
        }
    }
}

pub(super) fn refusal_banner(lang: Lang, refusal: &Refusal) -> Markup {
    let (errors, others) = refusal;
    html! {
        @if !errors.is_empty() || !others.is_empty() {
            div .form-error role="alert" {
                p { strong { (tr(lang, "content-not-saved")) } }
                @if !others.is_empty() {
                    ul { @for p in others { li { (problem(lang, p)) } } }
                }
            }
        }
    }
}

/// The station form's fields as typed.
#[derive(Deserialize, Default, Clone)]
pub struct StationForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    name_zh: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    building_zh: String,
    #[serde(default)]
    building_en: String,
    #[serde(default)]
    floor_zh: String,
    #[serde(default)]
    floor_en: String,
    #[serde(default)]
    address_zh: String,
    #[serde(default)]
    address_en: String,
    #[serde(default)]
    hours_zh: String,
    #[serde(default)]
    hours_en: String,
    #[serde(default)]
    summary_zh: String,
    #[serde(default)]
    summary_en: String,
    #[serde(default)]
    area: String,
    /// One building a line, Chinese and English lines paired.
    #[serde(default)]
    serves_zh: String,
    #[serde(default)]
    serves_en: String,
    /// The picture's sha256 (empty: none), from the library or the one it has.
    #[serde(default)]
    image: String,
    #[serde(default)]
    image_alt_zh: String,
    #[serde(default)]
    image_alt_en: String,
}

impl StationForm {
    fn of(s: &Station) -> StationForm {
        let lines = |f: fn(&Text) -> &str| {
            s.serves
                .iter()
                .map(|t| f(t).to_string())
                .collect::<Vec<_>>()
                .join("\n")
        };
        StationForm {
            id: s.id.clone(),
            order: s.order.to_string(),
            name_zh: s.name.zh.clone(),
            name_en: s.name.en.clone(),
            building_zh: s.building.zh.clone(),
            building_en: s.building.en.clone(),
            floor_zh: s.floor.zh.clone(),
            floor_en: s.floor.en.clone(),
            address_zh: s.address.zh.clone(),
            address_en: s.address.en.clone(),
            hours_zh: s.hours.zh.clone(),
            hours_en: s.hours.en.clone(),
            summary_zh: s.summary.zh.clone(),
            summary_en: s.summary.en.clone(),
            area: s.area_m2.map(|a| a.to_string()).unwrap_or_default(),
            serves_zh: lines(|t| &t.zh),
            serves_en: lines(|t| &t.en),
            image: s
                .image
                .as_ref()
                .map(|i| i.sha256.clone())
                .unwrap_or_default(),
            image_alt_zh: s
                .image
                .as_ref()
                .map(|i| i.alt.zh.clone())
                .unwrap_or_default(),
            image_alt_en: s
                .image
                .as_ref()
                .map(|i| i.alt.en.clone())
                .unwrap_or_default(),
        }
    }

    fn station(&self, l: &Loaded, lang: Lang) -> Result<Station, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let order = self.order.trim().parse::<u32>().unwrap_or_else(|_| {
            errors.push(("order".into(), tr(lang, "content-bad-order")));
            0
        });
        let area = match self.area.trim() {
            "" => None,
            a => a.parse::<u32>().map(Some).unwrap_or_else(|_| {
                errors.push(("area".into(), tr(lang, "station-bad-area")));
                None
            }),
        };
        let lines = |s: &str| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let (zh, en) = (lines(&self.serves_zh), lines(&self.serves_en));
        if zh.len() != en.len() {
            errors.push((
                "serves".into(),
                tr_args(
                    lang,
                    "station-serves-differ",
                    &[
                        ("zh", FluentValue::from(zh.len())),
                        ("en", FluentValue::from(en.len())),
                    ],
                ),
            ));
        }
        let sha = self.image.trim();
        let image = (!sha.is_empty()).then(|| {
            let (width, height) = l
                .library
                .iter()
                .find(|m| m.sha256 == sha)
                .map(|m| (m.width, m.height))
                .or_else(|| {
                    l.drafted
                        .stations
                        .iter()
                        .chain(l.published.stations.iter())
                        .filter_map(|s| s.image.as_ref())
                        .find(|i| i.sha256 == sha)
                        .map(|i| (i.width, i.height))
                })
                .unwrap_or_default();
            ImageRef {
                sha256: sha.to_string(),
                width,
                height,
                alt: text(&self.image_alt_zh, &self.image_alt_en),
            }
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Station {
            id: self.id.trim().to_string(),
            order,
            name: text(&self.name_zh, &self.name_en),
            building: text(&self.building_zh, &self.building_en),
            floor: text(&self.floor_zh, &self.floor_en),
            address: text(&self.address_zh, &self.address_en),
            hours: text(&self.hours_zh, &self.hours_en),
            area_m2: area,
            summary: text(&self.summary_zh, &self.summary_en),
            serves: zh
                .into_iter()
                .zip(en)
                .map(|(zh, en)| Text { zh, en })
                .collect(),
            image,
        })
    }
}

fn station_page(
    visit: &Visit,
    l: &Loaded,
    form: &StationForm,
    new: bool,
    refusal: &Refusal,
    status: StatusCode,
) -> Response {
    let lang = visit.lang;
    let errors = &refusal.0;
    let action = if new {
        "/console/content/stations".to_string()
    } else {
        format!("/console/content/stations/{}", form.id)
    };
    // The picture it has now, even when it is not in the library (it came with a bundle).
    let current = l
        .drafted
        .stations
        .iter()
        .chain(l.published.stations.iter())
        .filter_map(|s| s.image.as_ref())
        .find(|i| i.sha256 == form.image && !l.library.iter().any(|m| m.sha256 == i.sha256));
    let body = html! {
        (refusal_banner(lang, refusal))
        form .card.editor #station-form method="post" action=(action) {
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
                    label for="order" { (tr(lang, "field-order")) }
                    input #order type="number" name="order" min="0" value=(form.order);
                    (errors_at(errors, "order"))
                }
                div {
                    label for="area" { (tr(lang, "field-area")) }
                    input #area type="number" name="area" min="1" value=(form.area);
                    (errors_at(errors, "area"))
                }
            }
            (pair(lang, errors, "name", "field-station-name", &form.name_zh, &form.name_en))
            (pair(lang, errors, "building", "field-building", &form.building_zh, &form.building_en))
            (pair(lang, errors, "floor", "field-floor", &form.floor_zh, &form.floor_en))
            (pair(lang, errors, "address", "field-address", &form.address_zh, &form.address_en))
            (pair(lang, errors, "hours", "field-hours", &form.hours_zh, &form.hours_en))
            (pair_area(lang, errors, "summary", "field-summary", &form.summary_zh, &form.summary_en))
            div .sides {
                div lang="zh" {
                    label for="serves_zh" { (tr(lang, "field-serves")) " · 中文" }
                    textarea #serves_zh name="serves_zh" rows="4" lang="zh" { (form.serves_zh) }
                }
                div lang="en" {
                    label for="serves_en" { (tr(lang, "field-serves")) " · English" }
                    textarea #serves_en name="serves_en" rows="4" lang="en" { (form.serves_en) }
                }
            }
            (errors_at(errors, "serves"))
            (errors_at(errors, "serves.zh"))
            (errors_at(errors, "serves.en"))
            p .hint { (tr(lang, "station-serves-hint")) }
            h3 { (tr(lang, "field-picture")) }
            div .row {
                div {
                    (library_choice(lang, "image", current.map(|i| (i, "station-picture-current")), &l.library, &form.image))
                    (errors_at(errors, "image"))
                }
            }
            (pair(lang, errors, "image_alt", "content-image-alt", &form.image_alt_zh, &form.image_alt_en))
            button .primary type="submit" { (tr(lang, "content-save")) }
        }
        @if !new {
            p { a .button.danger #remove-link href={ "/console/content/remove/station/" (form.id) } { (tr(lang, "remove-link")) } }
        }
    };
    let title = if new {
        tr(lang, "station-new")
    } else {
        tr_args(
            lang,
            "station-edit-title",
            &[("id", FluentValue::from(form.id.as_str()))],
        )
    };
    respond(status, page(visit, &title, "/console/content", body))
}

pub async fn new_station(State(state): State<AppState>, visit: Visit) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let next = l
        .drafted
        .stations
        .iter()
        .map(|s| s.order)
        .max()
        .unwrap_or(0)
        + 1;
    let form = StationForm {
        order: next.to_string(),
        ..StationForm::default()
    };
    let none = (Vec::new(), Vec::new());
    station_page(&visit, &l, &form, true, &none, StatusCode::OK)
}

pub async fn edit_station(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let Some(s) = l.drafted.stations.iter().find(|s| s.id == id) else {
        return not_found(&visit);
    };
    let form = StationForm::of(s);
    let none = (Vec::new(), Vec::new());
    station_page(&visit, &l, &form, false, &none, StatusCode::OK)
}

async fn save_station(state: AppState, visit: Visit, form: StationForm, new: bool) -> Response {
    let id = form.id.trim().to_string();
    save_draft(
        &state,
        &visit,
        new,
        |c| c.stations.iter().any(|s| s.id == id),
        |l| form.station(l, visit.lang).map(Record::Station),
        |l, (errors, others), status| {
            // The bundle names a station's picture `image.alt.zh`; the form's alt fields are
            // `image_alt.zh`.
            let errors: Vec<(String, String)> = errors
                .iter()
                .map(|(k, m)| (k.replace("image.", "image_alt."), m.clone()))
                .collect();
            station_page(&visit, l, &form, new, &(errors, others.clone()), status)
        },
    )
    .await
}

pub async fn create_station(
    State(state): State<AppState>,
    visit: Visit,
    Form(form): Form<StationForm>,
) -> Response {
    save_station(state, visit, form, true).await
}

pub async fn update_station(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(mut form): Form<StationForm>,
) -> Response {
    form.id = id;
    save_station(state, visit, form, false).await
}

/// The room form's fields as typed.
#[derive(Deserialize, Default, Clone)]
pub struct RoomForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    name_zh: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description_zh: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    capacity: String,
}

impl RoomForm {
    fn of(r: &Room) -> RoomForm {
        RoomForm {
            id: r.id.clone(),
            station: r.station.clone(),
            order: r.order.to_string(),
            name_zh: r.name.zh.clone(),
            name_en: r.name.en.clone(),
            description_zh: r.description.zh.clone(),
            description_en: r.description.en.clone(),
            capacity: r.capacity.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    fn room(&self, lang: Lang) -> Result<Room, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let order = self.order.trim().parse::<u32>().unwrap_or_else(|_| {
            errors.push(("order".into(), tr(lang, "content-bad-order")));
            0
        });
        let capacity = match self.capacity.trim() {
            "" => None,
            c => c.parse::<u32>().map(Some).unwrap_or_else(|_| {
                errors.push(("capacity".into(), tr(lang, "event-bad-capacity")));
                None
            }),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Room {
            id: self.id.trim().to_string(),
            station: self.station.trim().to_string(),
            order,
            name: text(&self.name_zh, &self.name_en),
            description: text(&self.description_zh, &self.description_en),
            capacity,
        })
    }
}

fn room_page(
    visit: &Visit,
    l: &Loaded,
    form: &RoomForm,
    new: bool,
    refusal: &Refusal,
    status: StatusCode,
) -> Response {
    let lang = visit.lang;
    let errors = &refusal.0;
    let action = if new {
        "/console/content/rooms".to_string()
    } else {
        format!("/console/content/rooms/{}", form.id)
    };
    let body = html! {
        (refusal_banner(lang, refusal))
        form .card.editor #room-form method="post" action=(action) {
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
                    label for="station" { (tr(lang, "field-station")) }
                    select #station name="station" {
                        @for s in &l.drafted.stations {
                            option value=(s.id) selected[s.id == form.station] { (s.name.get(lang)) }
                        }
                    }
                    (errors_at(errors, "station"))
                }
                div {
                    label for="order" { (tr(lang, "field-order")) }
                    input #order type="number" name="order" min="0" value=(form.order);
                    (errors_at(errors, "order"))
                }
                div {
                    label for="capacity" { (tr(lang, "field-capacity")) }
                    input #capacity type="number" name="capacity" min="1" value=(form.capacity);
                    (errors_at(errors, "capacity"))
                }
            }
            (pair(lang, errors, "name", "field-room-name", &form.name_zh, &form.name_en))
            (pair_area(lang, errors, "description", "field-description", &form.description_zh, &form.description_en))
            button .primary type="submit" { (tr(lang, "content-save")) }
        }
        @if !new {
            p { a .button.danger #remove-link href={ "/console/content/remove/room/" (form.id) } { (tr(lang, "remove-link")) } }
        }
    };
    let title = if new {
        tr(lang, "room-new")
    } else {
        tr_args(
            lang,
            "room-edit-title",
            &[("id", FluentValue::from(form.id.as_str()))],
        )
    };
    respond(status, page(visit, &title, "/console/content", body))
}

pub async fn new_room(State(state): State<AppState>, visit: Visit) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let form = RoomForm {
        order: "1".into(),
        station: l
            .drafted
            .stations
            .first()
            .map(|s| s.id.clone())
            .unwrap_or_default(),
        ..RoomForm::default()
    };
    let none = (Vec::new(), Vec::new());
    room_page(&visit, &l, &form, true, &none, StatusCode::OK)
}

pub async fn edit_room(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let Some(r) = l.drafted.rooms.iter().find(|r| r.id == id) else {
        return not_found(&visit);
    };
    let form = RoomForm::of(r);
    let none = (Vec::new(), Vec::new());
    room_page(&visit, &l, &form, false, &none, StatusCode::OK)
}

async fn save_room(state: AppState, visit: Visit, form: RoomForm, new: bool) -> Response {
    let id = form.id.trim().to_string();
    save_draft(
        &state,
        &visit,
        new,
        |c| c.rooms.iter().any(|r| r.id == id),
        |_| form.room(visit.lang).map(Record::Room),
        |l, refusal, status| room_page(&visit, l, &form, new, refusal, status),
    )
    .await
}

pub async fn create_room(
    State(state): State<AppState>,
    visit: Visit,
    Form(form): Form<RoomForm>,
) -> Response {
    save_room(state, visit, form, true).await
}

pub async fn update_room(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(mut form): Form<RoomForm>,
) -> Response {
    form.id = id;
    save_room(state, visit, form, false).await
}
