//! Sections (editors): order, title and subtitle in both languages side by side, icon from the
//! kiosk's built-in set (and, uploaded on its own form, the section's own SVG/PNG icon checked
//! with the protocol's icon rules), accent colour, where shown, and whether it holds the wish
//! wall. Saved
//! into the same draft as articles ([`draft_record`] checks the whole draft with the bundle's
//! rules first) and published with it.

use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::html;
use protocol::bundle::Problem;
use protocol::content::{Content, Kind, Record, Section};
use protocol::text::{Lang, Text};
use serde::Deserialize;

use super::content::{Loaded, errors_at, field_key, load};
use crate::console::gate::Visit;
use crate::console::gate::url_escape;
use crate::console::i18n::{issue, problem, tr, tr_args};
use crate::console::layout::{
    ImageLimits, csrf, image_file_input, internal, message_page, page, respond,
};
use crate::console::upload::{StoreFailure, blob_failure};
use crate::drafting;
use crate::server::AppState;
use crate::storage::drafts::{self, DraftRow};
use crate::storage::{DbError, audit, now_text};

/// Errors next to fields (`(field key, message)`) and problems of other records.
pub(super) type Refusal = (Vec<(String, String)>, Vec<Problem>);

/// Checks the whole draft with `record` in it, as publishing would, and drafts it when it
/// passes (audited). `Ok(Err(…))`: refused, nothing saved.
pub(super) async fn draft_record(
    state: &AppState,
    visit: &Visit,
    l: &Loaded,
    record: Record,
) -> Result<Result<(), Refusal>, String> {
    draft_records(state, visit, l, vec![record]).await
}

/// [`draft_record`] for several records at once (a new order of sections): the draft is
/// checked with all of them in it and they are drafted together in one transaction, or none.
pub(super) async fn draft_records(
    state: &AppState,
    visit: &Visit,
    l: &Loaded,
    records: Vec<Record>,
) -> Result<Result<(), Refusal>, String> {
    let lang = visit.lang;
    let changes: Vec<(Kind, String, serde_json::Value)> = records
        .iter()
        .map(|r| (r.kind(), r.id().to_string(), r.to_json()))
        .collect();
    let mut trial = l.drafts.clone();
    trial.retain(|d| !changes.iter().any(|(k, id, _)| d.kind == *k && d.id == *id));
    for (kind, id, data) in &changes {
        trial.push(DraftRow {
            kind: *kind,
            id: id.clone(),
            data: Some(data.clone()),
            author: String::new(),
            updated_at: String::new(),
        });
    }
    let combined = drafting::with_drafts(&l.published, &trial).map_err(|e| e.to_string())?;
    let before_change =
        drafting::with_drafts(&l.published, &l.drafts).map_err(|e| e.to_string())?;
    let blobs = state.blobs.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let problems = |c: &protocol::content::Content| match drafting::check(c, &blobs) {
            Ok(_) => Vec::new(),
            Err(p) => p,
        };
        (problems(&combined), problems(&before_change))
    })
    .await;
    let (problems, earlier) = checked.map_err(|e| e.to_string())?;
    // A change may break another record (a second wish wall, a room's station): those count
    // too, but not problems the draft already had.
    let earlier: std::collections::HashSet<String> =
        earlier.iter().map(ToString::to_string).collect();
    // The bundle names the one district `district`, other records by their id.
    let concerns = |p: &Problem| {
        changes.iter().any(|(kind, id, _)| {
            drafting::concerns(p, id)
                || (*kind == Kind::District && p.record.as_deref() == Some("district"))
        })
    };
    let (mine, others): (Vec<Problem>, Vec<Problem>) = problems
        .into_iter()
        .filter(|p| concerns(p) || !earlier.contains(&p.to_string()))
        .partition(|p| concerns(p));
    if !mine.is_empty() || !others.is_empty() {
        let errors = mine
            .iter()
            .map(|p| {
                (
                    p.field
                        .as_deref()
                        .map(field_key)
                        .unwrap_or_else(|| "id".into()),
                    issue(lang, &p.issue),
                )
            })
            .collect();
        return Ok(Err((errors, others)));
    }
    let actor = visit.member().name.clone();
    let befores: Vec<Option<serde_json::Value>> = changes
        .iter()
        .map(|(kind, id, _)| {
            l.published
                .records()
                .into_iter()
                .find(|r| r.kind() == *kind && r.id() == id)
                .map(|r| r.to_json())
        })
        .collect();
    state
        .db
        .write(move |tx| {
            let now = now_text();
            for ((kind, id, data), before) in changes.iter().zip(&befores) {
                drafts::put(tx, *kind, id, Some(data), &actor, &now)?;
                audit::record(
                    tx,
                    audit::Change {
                        actor: &actor,
                        kind: "content",
                        action: "drafted",
                        target: &format!("{} {id}", kind.key()),
                        before: before.as_ref(),
                        after: Some(data),
                    },
                    &now,
                )?;
            }
            Ok(())
        })
        .await
        .map_err(|e: DbError| e.to_string())?;
    Ok(Ok(()))
}

/// The section form's fields as typed.
#[derive(Deserialize, Default, Clone)]
pub struct SectionForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    title_zh: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    subtitle_zh: String,
    #[serde(default)]
    subtitle_en: String,
    #[serde(default)]
    icon: String,
    #[serde(default)]
    color: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    wish_wall: Option<String>,
    /// The section's own icon as drafted: changed only by its own form, kept by this one.
    #[serde(skip)]
    icon_file: Option<protocol::IconRef>,
}

impl SectionForm {
    fn of(s: &Section) -> SectionForm {
        SectionForm {
            id: s.id.clone(),
            order: s.order.to_string(),
            title_zh: s.title.zh.clone(),
            title_en: s.title.en.clone(),
            subtitle_zh: s.subtitle.zh.clone(),
            subtitle_en: s.subtitle.en.clone(),
            icon: s.icon.clone(),
            color: s.color.clone(),
            scope: s.scope.clone().unwrap_or_default(),
            wish_wall: s.wish_wall.then(|| "true".into()),
            icon_file: s.icon_file.clone(),
        }
    }

    /// The section as typed; the form's own errors (a number that is not one) next to fields.
    fn section(&self, lang: Lang) -> Result<Section, Vec<(String, String)>> {
        let order = self
            .order
            .trim()
            .parse::<u32>()
            .map_err(|_| vec![("order".to_string(), tr(lang, "content-bad-order"))])?;
        let text = |zh: &str, en: &str| Text {
            zh: zh.trim().to_string(),
            en: en.trim().to_string(),
        };
        Ok(Section {
            id: self.id.trim().to_string(),
            order,
            title: text(&self.title_zh, &self.title_en),
            subtitle: text(&self.subtitle_zh, &self.subtitle_en),
            icon: self.icon.trim().to_string(),
            icon_file: self.icon_file.clone(),
            color: self.color.trim().to_string(),
            scope: Some(self.scope.trim().to_string()).filter(|s| !s.is_empty()),
            wish_wall: self.wish_wall.as_deref() == Some("true"),
        })
    }
}

fn section_page(
    visit: &Visit,
    l: &Loaded,
    form: &SectionForm,
    new: bool,
    refusal: &Refusal,
    status: StatusCode,
) -> Response {
    let lang = visit.lang;
    let (errors, others) = refusal;
    let action = if new {
        "/console/content/sections".to_string()
    } else {
        format!("/console/content/sections/{}", form.id)
    };
    let text_input = |name: &'static str, value: &str, lang_attr: &'static str| {
        let key = name.replacen('_', ".", 1);
        html! {
            input type="text" id=(name) name=(name) value=(value) lang=(lang_attr)
                aria-invalid=[errors.iter().any(|(k, _)| *k == key).then_some("true")];
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
        form .card.editor #section-form method="post" action=(action) {
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
                    label for="icon" { (tr(lang, "field-icon")) }
                    select #icon name="icon" {
                        @for icon in Section::ICONS {
                            option value=(icon) selected[*icon == form.icon] { (tr(lang, &format!("icon-{icon}"))) }
                        }
                    }
                    (errors_at(errors, "icon"))
                }
                div {
                    label for="color" { (tr(lang, "field-color")) }
                    input #color type="text" name="color" value=(form.color) placeholder="#C0392B" size="8";
                    (errors_at(errors, "color"))
                }
            }
            div .sides {
                div lang="zh" {
                    h3 { "中文" }
                    label for="title_zh" { (tr(lang, "field-title")) }
                    (text_input("title_zh", &form.title_zh, "zh"))
                    label for="subtitle_zh" { (tr(lang, "field-subtitle")) }
                    (text_input("subtitle_zh", &form.subtitle_zh, "zh"))
                }
                div lang="en" {
                    h3 { "English" }
                    label for="title_en" { (tr(lang, "field-title")) }
                    (text_input("title_en", &form.title_en, "en"))
                    label for="subtitle_en" { (tr(lang, "field-subtitle")) }
                    (text_input("subtitle_en", &form.subtitle_en, "en"))
                }
            }
            div .row {
                div {
                    label for="scope" { (tr(lang, "field-scope")) }
                    select #scope name="scope" {
                        option value="" { (tr(lang, "content-district-wide")) }
                        @for s in &l.drafted.stations {
                            option value=(s.id) selected[s.id == form.scope] { (s.name.get(lang)) }
                        }
                    }
                    (errors_at(errors, "scope"))
                }
                div {
                    label .check {
                        input type="checkbox" name="wish_wall" value="true" checked[form.wish_wall.as_deref() == Some("true")];
                        (tr(lang, "field-wish-wall"))
                    }
                    (errors_at(errors, "wish_wall"))
                }
            }
            button .primary type="submit" { (tr(lang, "content-save")) }
        }
        @if !new {
            // Its own form: a file upload is multipart, the fields above are not.
            form .card.editor #section-icon-form method="post" enctype="multipart/form-data"
                action={ "/console/content/sections/" (form.id) "/icon?csrf=" (url_escape(&visit.csrf)) } {
                h2 { (tr(lang, "section-icon-own")) }
                p {
                    @match &form.icon_file {
                        Some(icon) => (tr_args(lang, "section-icon-has-own", &[("format", FluentValue::from(icon.format.mime()))])),
                        None => (tr(lang, "section-icon-builtin-only")),
                    }
                }
                label for="icon_file" { (tr(lang, "section-icon-file")) }
                (image_file_input(lang, "icon_file", "image/svg+xml,image/png", &ImageLimits::ICON, false,
                    errors.iter().any(|(k, _)| k == "icon_file")))
                (errors_at(errors, "icon_file"))
                p .hint { (tr(lang, "section-icon-limits")) }
                button .primary type="submit" { (tr(lang, "section-icon-upload")) }
                @if form.icon_file.is_some() {
                    " "
                    button type="submit" name="builtin" value="1" { (tr(lang, "section-icon-use-builtin")) }
                }
            }
            p { a .button.danger #remove-link href={ "/console/content/remove/section/" (form.id) } { (tr(lang, "remove-link")) } }
        }
    };
    let title = if new {
        tr(lang, "section-new")
    } else {
        tr_args(
            lang,
            "section-edit-title",
            &[("id", FluentValue::from(form.id.as_str()))],
        )
    };
    respond(status, page(visit, &title, "/console/content", body))
}

/// The save step every content form shares (sections, stations, rooms, events): "create"
/// needs an id not yet drafted or published, "update" a known one; the form must make a
/// record, and the whole draft with it must pass the bundle's rules. A refusal shows the form
/// again through `show` with its errors (422); a saved draft returns to the content page.
pub(super) async fn save_draft(
    state: &AppState,
    visit: &Visit,
    new: bool,
    has_id: impl Fn(&Content) -> bool,
    record: impl FnOnce(&Loaded) -> Result<Record, Vec<(String, String)>>,
    show: impl Fn(&Loaded, &Refusal, StatusCode) -> Response,
) -> Response {
    let l = match loaded(state, visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let refuse = |refusal: Refusal| show(&l, &refusal, StatusCode::UNPROCESSABLE_ENTITY);
    let exists = has_id(&l.drafted) || has_id(&l.published);
    if new && exists {
        return refuse((
            vec![("id".into(), tr(visit.lang, "content-id-taken"))],
            Vec::new(),
        ));
    }
    if !new && !exists {
        return not_found(visit);
    }
    let record = match record(&l) {
        Ok(r) => r,
        Err(errors) => return refuse((errors, Vec::new())),
    };
    match draft_record(state, visit, &l, record).await {
        Ok(Ok(())) => Redirect::to("/console/content?done=content-saved").into_response(),
        Ok(Err(refusal)) => refuse(refusal),
        Err(e) => internal(visit, e),
    }
}

/// The page for a record id that is neither drafted nor published.
pub(super) fn not_found(visit: &Visit) -> Response {
    message_page(
        visit,
        StatusCode::NOT_FOUND,
        "error-title",
        "error-not-found",
    )
}

pub(super) async fn loaded(state: &AppState, visit: &Visit) -> Result<Loaded, Response> {
    match load(state).await {
        Ok(Some(l)) => Ok(l),
        Ok(None) => Err(message_page(
            visit,
            StatusCode::OK,
            "nav-content",
            "content-nothing-published",
        )),
        Err(e) => Err(internal(visit, e)),
    }
}

pub async fn new_section(State(state): State<AppState>, visit: Visit) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let next = l
        .drafted
        .sections
        .iter()
        .map(|s| s.order)
        .max()
        .unwrap_or(0)
        + 1;
    let form = SectionForm {
        order: next.to_string(),
        icon: Section::ICONS[0].into(),
        color: "#C0392B".into(),
        ..SectionForm::default()
    };
    section_page(
        &visit,
        &l,
        &form,
        true,
        &(Vec::new(), Vec::new()),
        StatusCode::OK,
    )
}

pub async fn edit_section(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let Some(s) = l.drafted.sections.iter().find(|s| s.id == id) else {
        return not_found(&visit);
    };
    let form = SectionForm::of(s);
    section_page(
        &visit,
        &l,
        &form,
        false,
        &(Vec::new(), Vec::new()),
        StatusCode::OK,
    )
}

async fn save(state: AppState, visit: Visit, form: SectionForm, new: bool) -> Response {
    let id = form.id.trim().to_string();
    save_draft(
        &state,
        &visit,
        new,
        |c| c.sections.iter().any(|s| s.id == id),
        |l| {
            // The main form never changes the section's own icon: keep the drafted one.
            let kept = l
                .drafted
                .sections
                .iter()
                .find(|s| s.id == id)
                .and_then(|s| s.icon_file.clone());
            form.section(visit.lang).map(|mut s| {
                s.icon_file = kept;
                Record::Section(s)
            })
        },
        |l, refusal, status| section_page(&visit, l, &form, new, refusal, status),
    )
    .await
}

pub async fn create_section(
    State(state): State<AppState>,
    visit: Visit,
    Form(form): Form<SectionForm>,
) -> Response {
    save(state, visit, form, true).await
}

pub async fn update_section(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(mut form): Form<SectionForm>,
) -> Response {
    form.id = id;
    save(state, visit, form, false).await
}

/// The section's own icon: an uploaded SVG or PNG file (checked with the protocol's icon
/// rules, stored by its hash, then the section is drafted with it like any change), or back to
/// the built-in drawing (`builtin`).
pub async fn section_icon(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let lang = visit.lang;
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let Some(section) = l.drafted.sections.iter().find(|s| s.id == id).cloned() else {
        return not_found(&visit);
    };
    let form = SectionForm::of(&section);
    let refuse = |message: String, status: StatusCode| {
        section_page(
            &visit,
            &l,
            &form,
            false,
            &(vec![("icon_file".into(), message)], Vec::new()),
            status,
        )
    };
    let (mut file, mut builtin) = (None::<Vec<u8>>, false);
    let Ok(mut multipart) = multipart else {
        return refuse(tr(lang, "section-icon-no-file"), StatusCode::BAD_REQUEST);
    };
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) => file = Some(b.to_vec()),
                Err(e) => {
                    let status = e.status();
                    return refuse(tr(lang, "section-icon-no-file"), status);
                }
            },
            Ok(Some(field)) if field.name() == Some("builtin") => builtin = true,
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                let status = e.status();
                return refuse(tr(lang, "section-icon-no-file"), status);
            }
        }
    }
    let mut changed = section.clone();
    if builtin {
        changed.icon_file = None;
    } else {
        let Some(bytes) = file.filter(|b| !b.is_empty()) else {
            return refuse(tr(lang, "section-icon-no-file"), StatusCode::BAD_REQUEST);
        };
        let store = state.blobs.clone();
        let checked = tokio::task::spawn_blocking(move || {
            let (_, format) = protocol::icon::check_icon(&bytes).map_err(Ok)?;
            let sha256 = protocol::content::sha256_hex(&bytes);
            store
                .put(&sha256, &bytes)
                .map_err(|e| Err(blob_failure(&e)))?;
            Ok::<_, Result<protocol::icon::IconIssue, StoreFailure>>(protocol::IconRef {
                sha256,
                format,
            })
        })
        .await;
        match checked {
            Ok(Ok(icon)) => changed.icon_file = Some(icon),
            Ok(Err(Ok(refused))) => {
                return refuse(
                    issue(lang, &protocol::Issue::Icon(refused)),
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
            }
            Ok(Err(Err(failure))) => return refuse(failure.message(lang), failure.status()),
            Err(e) => return internal(&visit, e),
        }
    }
    match draft_record(&state, &visit, &l, Record::Section(changed)).await {
        Ok(Ok(())) => Redirect::to("/console/content?done=content-saved").into_response(),
        Ok(Err(refusal)) => section_page(
            &visit,
            &l,
            &form,
            false,
            &refusal,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => internal(&visit, e),
    }
}
