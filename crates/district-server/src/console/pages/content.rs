//! Content (editors): articles in both languages side by side, edited into a draft and
//! published all at once. Every save is checked with the bundle's own rules against the whole
//! draft; problems show next to their field and nothing is saved. Publishing applies the draft
//! in one transaction as the next changes of the feed (a second person approves first when
//! `require_approval` is set).

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDateTime, TimeZone};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use protocol::bundle::Problem;
use protocol::content::{Article, Category, Content, ImageRef, Kind};
use protocol::text::{Lang, Text};
use serde::Deserialize;
use serde_json::json;

use crate::console::gate::Visit;
use crate::console::i18n::{issue, problem, tr, tr_args};
use crate::console::layout::{
    csrf, internal, message_page, notice, page, respond, typed_text, when,
};
use crate::drafting::{self, PublishError};
use crate::server::AppState;
use crate::storage::drafts::{self, DraftRow};
use crate::storage::{DbError, audit, now_text};

const CATEGORIES: [Category; 4] = [
    Category::Learning,
    Category::Service,
    Category::Education,
    Category::Entertainment,
];

/// The published content, the draft, and the two combined.
pub(super) struct Loaded {
    pub(super) published: Content,
    pub(super) drafts: Vec<DraftRow>,
    pub(super) drafted: Content,
    review: Option<(String, String)>,
    /// Images uploaded in the console, to add to an article.
    pub(super) library: Vec<crate::storage::media::MediaRow>,
}

pub(super) async fn load(state: &AppState) -> Result<Option<Loaded>, DbError> {
    state
        .db
        .read(|tx| {
            let Some(published) = drafting::published(tx)? else {
                return Ok(None);
            };
            let drafts = drafts::list(tx)?;
            let drafted = drafting::with_drafts(&published, &drafts)?;
            Ok(Some(Loaded {
                published,
                drafts,
                drafted,
                review: drafts::review(tx)?,
                library: crate::storage::media::list(tx)?,
            }))
        })
        .await
}

/// A section's articles in their order.
fn articles_of<'a>(content: &'a Content, section: &str) -> Vec<&'a Article> {
    let mut list: Vec<&Article> = content
        .articles
        .iter()
        .filter(|a| a.section == section)
        .collect();
    list.sort_by_key(|a| (a.order, a.id.clone()));
    list
}

/// Whether a record of `kind` is as published, changed, new or to be removed in the draft.
fn record_state(l: &Loaded, kind: Kind, id: &str) -> &'static str {
    let published = l
        .published
        .records()
        .into_iter()
        .any(|r| r.kind() == kind && r.id() == id);
    match l.drafts.iter().find(|d| d.kind == kind && d.id == id) {
        None => "content-state-published",
        Some(d) if d.data.is_none() => "content-state-removed",
        Some(_) if published => "content-state-changed",
        Some(_) => "content-state-new",
    }
}

fn state_of(l: &Loaded, id: &str) -> &'static str {
    match l
        .drafts
        .iter()
        .find(|d| d.kind == Kind::Article && d.id == id)
    {
        None => "content-state-published",
        Some(d) if d.data.is_none() => "content-state-removed",
        Some(_) if l.published.articles.iter().any(|a| a.id == id) => "content-state-changed",
        Some(_) => "content-state-new",
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

pub async fn overview(
    State(state): State<AppState>,
    visit: Visit,
    Query(d): Query<Done>,
) -> Response {
    let loaded = match load(&state).await {
        Ok(Some(l)) => l,
        Ok(None) => {
            return message_page(
                &visit,
                StatusCode::OK,
                "nav-content",
                "content-nothing-published",
            );
        }
        Err(e) => return internal(&visit, e),
    };
    overview_page(
        &state,
        &visit,
        &loaded,
        StatusCode::OK,
        d.done.as_deref(),
        None,
        &[],
    )
}

fn overview_page(
    state: &AppState,
    visit: &Visit,
    l: &Loaded,
    status: StatusCode,
    done: Option<&str>,
    lead: Option<&str>,
    problems: &[Problem],
) -> Response {
    let lang = visit.lang;
    let approval = state.config.console.require_approval;
    let me = &visit.member().name;
    let mut sections = l.drafted.sections.clone();
    sections.sort_by_key(|s| s.order);
    // Articles removed in the draft still show (marked), so the removal can be undone.
    let removed: Vec<&Article> = l
        .published
        .articles
        .iter()
        .filter(|a| !l.drafted.articles.iter().any(|d| d.id == a.id))
        .collect();
    let body = html! {
        (notice(lang, done))
        @if let Some(id) = lead {
            div .form-error role="alert" {
                p { strong { (tr(lang, id)) } }
                ul { @for p in problems { li { (problem(lang, p)) } } }
            }
        }
        section .card #draft {
            h2 { (tr(lang, "content-draft")) }
            @if l.drafts.is_empty() {
                p .muted { (tr(lang, "content-draft-empty")) }
            } @else {
                ul {
                    @for d in &l.drafts {
                        li {
                            (tr(lang, &format!("kind-one-{}", d.kind.key()))) " " code { (d.id) } " · "
                            (tr(lang, if d.data.is_none() { "content-draft-removal" } else { "content-draft-edit" }))
                            " · " (d.author) " · " (when(&d.updated_at)) " "
                            form .inline method="post" action={ "/console/content/drafts/" (d.kind.key()) "/" (d.id) "/forget" } {
                                (csrf(visit))
                                button type="submit" { (tr(lang, "content-undo")) }
                            }
                        }
                    }
                }
                @if let Some((by, at)) = &l.review {
                    p .notice { (tr_args(lang, "content-submitted", &[("by", FluentValue::from(by.as_str())), ("when", FluentValue::from(when(at)))])) }
                }
                div .actions {
                    @let can_publish = !approval || l.review.as_ref().is_some_and(|(by, _)| by != me);
                    @if can_publish {
                        form .inline method="post" action="/console/content/publish" {
                            (csrf(visit))
                            button .primary type="submit" { (tr(lang, if approval { "content-approve-publish" } else { "content-publish" })) }
                        }
                    }
                    @if approval && l.review.is_none() {
                        form .inline method="post" action="/console/content/submit" {
                            (csrf(visit))
                            button .primary type="submit" { (tr(lang, "content-submit")) }
                        }
                    }
                    @if approval && l.review.as_ref().is_some_and(|(by, _)| by == me) {
                        p .hint { (tr(lang, "content-wait-approval")) }
                    }
                    form .inline method="post" action="/console/content/discard" {
                        (csrf(visit))
                        button .danger type="submit" { (tr(lang, "content-discard")) }
                    }
                }
            }
        }
        p {
            a .button href="/console/content/articles/new" { (tr(lang, "content-new-article")) } " "
            a .button #edit-district href="/console/content/district" { (tr(lang, "district-title")) } " "
            a .button href="/console/content/sections/new" { (tr(lang, "section-new")) } " "
            a .button #section-order-link href="/console/content/section-order" { (tr(lang, "sections-order-title")) } " "
            a .button href="/console/content/events/new" { (tr(lang, "event-new")) } " "
            a .button href="/console/content/stations/new" { (tr(lang, "station-new")) } " "
            a .button href="/console/content/rooms/new" { (tr(lang, "room-new")) } " "
            a .button href="/console/content/bundle" { (tr(lang, "bundle-title")) } " "
            a .button #preview-home href="/console/content/preview?screen=home" { (tr(lang, "preview-home")) }
        }
        @for s in &sections {
            section .card {
                h2 { (s.title.get(lang)) " " span .muted { (s.id) } " "
                    a .edit data-section=(s.id) href={ "/console/content/sections/" (s.id) } { (tr(lang, "section-edit")) }
                    @if l.drafts.iter().any(|d| d.kind == Kind::Section && d.id == s.id) {
                        " " span .tag { (tr(lang, "content-state-changed")) }
                    }
                }
                table .articles {
                    thead { tr {
                        th { (tr(lang, "field-title")) }
                        th { (tr(lang, "field-order")) }
                        th { (tr(lang, "field-category")) }
                        th { (tr(lang, "col-state")) }
                    } }
                    tbody {
                        @for a in articles_of(&l.drafted, &s.id).into_iter().chain(removed.iter().copied().filter(|a| a.section == s.id)) {
                            tr data-article=(a.id) {
                                td { a href={ "/console/content/articles/" (a.id) } { (a.title.get(lang)) } br; span .muted { (a.id) } }
                                td { (a.order) }
                                td { (tr(lang, &format!("category-{}", a.category.key()))) }
                                td { (tr(lang, state_of(l, &a.id))) }
                            }
                        }
                    }
                }
            }
        }
    };
    let mut events: Vec<&protocol::content::Event> = l.drafted.events.iter().collect();
    events.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    let mut stations: Vec<&protocol::content::Station> = l.drafted.stations.iter().collect();
    stations.sort_by_key(|s| (s.order, s.id.clone()));
    let body = html! {
        (body)
        section .card #stations {
            h2 { (tr(lang, "content-stations")) }
            table .articles {
                thead { tr {
                    th { (tr(lang, "field-station-name")) }
                    th { (tr(lang, "content-rooms")) }
                    th { (tr(lang, "col-state")) }
                } }
                tbody {
                    @for s in &stations {
                        tr data-station=(s.id) {
                            td { a href={ "/console/content/stations/" (s.id) } { (s.name.get(lang)) } br; span .muted { (s.id) } }
                            td {
                                @for r in l.drafted.rooms.iter().filter(|r| r.station == s.id) {
                                    a data-room=(r.id) href={ "/console/content/rooms/" (r.id) } { (r.name.get(lang)) }
                                    @if record_state(l, Kind::Room, &r.id) != "content-state-published" { " " span .tag { (tr(lang, record_state(l, Kind::Room, &r.id))) } }
                                    br;
                                }
                            }
                            td { (tr(lang, record_state(l, Kind::Station, &s.id))) }
                        }
                    }
                }
            }
        }
        section .card #events {
            h2 { (tr(lang, "content-events")) }
            table .articles {
                thead { tr {
                    th { (tr(lang, "field-title")) }
                    th { (tr(lang, "field-start")) }
                    th { (tr(lang, "field-room")) }
                    th { (tr(lang, "col-state")) }
                } }
                tbody {
                    @for e in &events {
                        tr data-event=(e.id) {
                            td { a href={ "/console/content/events/" (e.id) } { (e.title.get(lang)) } br; span .muted { (e.id) } }
                            td { (e.start.format("%Y-%m-%d %H:%M")) @if e.recurrence.is_some() { " " span .tag { (tr(lang, "field-weekly")) } } }
                            td { (e.station) " · " (e.room) }
                            td { (tr(lang, record_state(l, Kind::Event, &e.id))) }
                        }
                    }
                }
            }
        }
    };
    respond(
        status,
        page(visit, &tr(lang, "nav-content"), "/console/content", body),
    )
}

/// The article form's fields as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ArticleForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    title_zh: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    summary_zh: String,
    #[serde(default)]
    summary_en: String,
    #[serde(default)]
    body_zh: String,
    #[serde(default)]
    body_en: String,
    #[serde(default)]
    link: String,
    #[serde(default)]
    publish_at: String,
    #[serde(default)]
    expire_at: String,
    #[serde(default)]
    scope: String,
    /// The image rows: `img{N}_sha`, `img{N}_alt_zh`, `img{N}_alt_en`, `img{N}_remove`, and
    /// `new_sha`, `new_alt_zh`, `new_alt_en` for one more.
    #[serde(flatten)]
    images: std::collections::HashMap<String, String>,
}

const LOCAL: &str = "%Y-%m-%dT%H:%M";

fn zone(content: &Content) -> chrono_tz::Tz {
    content
        .district
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Asia::Shanghai)
}

fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

impl ArticleForm {
    fn of(a: &Article, zone: chrono_tz::Tz) -> ArticleForm {
        let local = |t: &Option<chrono::DateTime<chrono::FixedOffset>>| {
            t.map(|t| t.with_timezone(&zone).format(LOCAL).to_string())
                .unwrap_or_default()
        };
        let body = |lang: Lang| {
            a.body
                .iter()
                .map(|p| p.get(lang).to_string())
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        ArticleForm {
            id: a.id.clone(),
            section: a.section.clone(),
            category: a.category.key().to_string(),
            order: a.order.to_string(),
            title_zh: a.title.zh.clone(),
            title_en: a.title.en.clone(),
            summary_zh: a.summary.zh.clone(),
            summary_en: a.summary.en.clone(),
            body_zh: body(Lang::Zh),
            body_en: body(Lang::En),
            link: a.link.clone().unwrap_or_default(),
            publish_at: local(&a.publish_at),
            expire_at: local(&a.expire_at),
            scope: a.scope.clone().unwrap_or_default(),
            images: a
                .images
                .iter()
                .enumerate()
                .flat_map(|(i, img)| {
                    [
                        (format!("img{i}_sha"), img.sha256.clone()),
                        (format!("img{i}_alt_zh"), img.alt.zh.clone()),
                        (format!("img{i}_alt_en"), img.alt.en.clone()),
                    ]
                })
                .collect(),
        }
    }

    fn field(&self, name: &str) -> &str {
        self.images.get(name).map(String::as_str).unwrap_or("")
    }

    /// The image rows of the form, in their order: `(sha256, alt zh, alt en, removed)`. Each
    /// row's `img{N}_order` number orders them (typed, or rewritten by dragging); a row
    /// without a number keeps its place.
    fn image_rows(&self) -> Vec<(String, String, String, bool)> {
        let mut rows = Vec::new();
        for i in 0.. {
            let Some(sha) = self.images.get(&format!("img{i}_sha")) else {
                break;
            };
            let order = self
                .field(&format!("img{i}_order"))
                .trim()
                .parse::<u64>()
                .unwrap_or(i as u64 + 1);
            rows.push((
                order,
                (
                    sha.clone(),
                    self.field(&format!("img{i}_alt_zh")).to_string(),
                    self.field(&format!("img{i}_alt_en")).to_string(),
                    !self.field(&format!("img{i}_remove")).is_empty(),
                ),
            ));
        }
        rows.sort_by_key(|(order, _)| *order);
        rows.into_iter().map(|(_, row)| row).collect()
    }

    /// The images the article will carry: kept rows, then the added one. Sizes come from what
    /// is known; publishing takes them from the decoded files.
    fn image_refs(
        &self,
        known: &[ImageRef],
        library: &[crate::storage::media::MediaRow],
    ) -> Vec<ImageRef> {
        let size = |sha: &str| {
            known
                .iter()
                .find(|k| k.sha256 == sha)
                .map(|k| (k.width, k.height))
                .or_else(|| {
                    library
                        .iter()
                        .find(|m| m.sha256 == sha)
                        .map(|m| (m.width, m.height))
                })
                .unwrap_or((0, 0))
        };
        let mut out: Vec<ImageRef> = self
            .image_rows()
            .into_iter()
            .filter(|(_, _, _, removed)| !removed)
            .map(|(sha, zh, en, _)| {
                let (width, height) = size(&sha);
                ImageRef {
                    sha256: sha,
                    width,
                    height,
                    alt: Text::new(zh.trim(), en.trim()),
                }
            })
            .collect();
        let new = self.field("new_sha").trim();
        if !new.is_empty() {
            let (width, height) = size(new);
            out.push(ImageRef {
                sha256: new.to_string(),
                width,
                height,
                alt: Text::new(
                    self.field("new_alt_zh").trim(),
                    self.field("new_alt_en").trim(),
                ),
            });
        }
        out
    }

    /// The article the form describes, keeping what the form does not edit (images) from
    /// `before`; field errors for what cannot even be read.
    fn article(
        &self,
        before: Option<&Article>,
        library: &[crate::storage::media::MediaRow],
        zone: chrono_tz::Tz,
        lang: Lang,
    ) -> Result<Article, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let order = match self.order.trim().parse::<u32>() {
            Ok(o) => o,
            Err(_) => {
                errors.push(("order".to_string(), tr(lang, "content-bad-order")));
                0
            }
        };
        let category = CATEGORIES
            .into_iter()
            .find(|c| c.key() == self.category)
            .unwrap_or_else(|| {
                errors.push(("category".to_string(), tr(lang, "content-bad-category")));
                Category::Learning
            });
        let mut instant = |field: &str, value: &str| {
            if value.trim().is_empty() {
                return None;
            }
            match NaiveDateTime::parse_from_str(value.trim(), LOCAL) {
                Ok(t) => zone
                    .from_local_datetime(&t)
                    .earliest()
                    .map(|t| t.fixed_offset()),
                Err(_) => {
                    errors.push((field.to_string(), tr(lang, "content-bad-time")));
                    None
                }
            }
        };
        let publish_at = instant("publish_at", &self.publish_at);
        let expire_at = instant("expire_at", &self.expire_at);
        let (zh, en) = (paragraphs(&self.body_zh), paragraphs(&self.body_en));
        if zh.len() != en.len() {
            errors.push((
                "body".to_string(),
                tr_args(
                    lang,
                    "content-paragraphs-differ",
                    &[
                        ("zh", FluentValue::from(zh.len())),
                        ("en", FluentValue::from(en.len())),
                    ],
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Article {
            id: self.id.trim().to_string(),
            section: self.section.clone(),
            order,
            category,
            title: Text::new(self.title_zh.trim(), self.title_en.trim()),
            summary: Text::new(typed_text(&self.summary_zh), typed_text(&self.summary_en)),
            body: zh
                .into_iter()
                .zip(en)
                .map(|(z, e)| Text::new(z, e))
                .collect(),
            images: self.image_refs(
                before.map(|b| b.images.as_slice()).unwrap_or_default(),
                library,
            ),
            link: Some(self.link.trim().to_string()).filter(|l| !l.is_empty()),
            publish_at,
            expire_at,
            scope: Some(self.scope.trim().to_string()).filter(|s| !s.is_empty()),
        })
    }
}

/// The key a problem's field shows under: `title.zh`, `body.en`, `section`…
pub(super) fn field_key(field: &str) -> String {
    // The district's brand fields are named after the brand's own (`brand.welcome.zh`).
    let field = field.strip_prefix("brand.").unwrap_or(field);
    let base: String = field
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let lang = if field.ends_with(".zh") || field.contains(".zh.") {
        ".zh"
    } else if field.ends_with(".en") || field.contains(".en.") {
        ".en"
    } else {
        ""
    };
    format!("{base}{lang}")
}

/// A picture chosen from the media library (`name` is the form field): "none", the picture a
/// record has now when it is not in the library (it came with a bundle; labelled with
/// `current_label`), then every library picture with its size. `data-image-choice` lets the
/// console's script show the chosen picture beside the list.
pub(super) fn library_choice(
    lang: Lang,
    name: &str,
    current: Option<(&ImageRef, &str)>,
    library: &[crate::storage::media::MediaRow],
    selected: &str,
) -> Markup {
    html! {
        select id=(name) name=(name) data-image-choice="" {
            option value="" { (tr(lang, "content-image-none")) }
            @if let Some((i, label)) = current {
                option value=(i.sha256) selected { (tr(lang, label)) " (" (i.width) "×" (i.height) ")" }
            }
            @for m in library {
                option value=(m.sha256) selected[m.sha256 == selected] { (m.name) " (" (m.width) "×" (m.height) ")" }
            }
        }
    }
}

pub(super) fn errors_at(errors: &[(String, String)], key: &str) -> Markup {
    html! {
        @for (k, m) in errors.iter().filter(|(k, _)| k == key) {
            @let _ = k;
            span .field-error role="alert" data-field=(key) { (m) }
        }
    }
}

fn article_page(
    visit: &Visit,
    l: &Loaded,
    form: &ArticleForm,
    new: bool,
    errors: &[(String, String)],
    others: &[Problem],
    status: StatusCode,
) -> Response {
    let lang = visit.lang;
    let action = if new {
        "/console/content/articles".to_string()
    } else {
        format!("/console/content/articles/{}", form.id)
    };
    let input = |name: &'static str, value: &str, lang_attr: Option<&'static str>| {
        html! {
            input type="text" id=(name) name=(name) value=(value) lang=[lang_attr] aria-invalid=[errors.iter().any(|(k, _)| k == &name.replacen('_', ".", 1) || k == name).then_some("true")];
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
        form .card.editor method="post" action=(action) {
            (csrf(visit))
            div .row {
                div {
                    label for="id" { (tr(lang, "field-id")) }
                    @if new {
                        (input("id", &form.id, None))
                    } @else {
                        input type="hidden" name="id" value=(form.id);
                        code { (form.id) }
                    }
                    (errors_at(errors, "id"))
                }
                div {
                    label for="section" { (tr(lang, "field-section")) }
                    select #section name="section" {
                        @for s in &l.drafted.sections {
                            option value=(s.id) selected[s.id == form.section] { (s.title.get(lang)) }
                        }
                    }
                    (errors_at(errors, "section"))
                }
                div {
                    label for="category" { (tr(lang, "field-category")) }
                    select #category name="category" {
                        @for c in CATEGORIES {
                            option value=(c.key()) selected[c.key() == form.category] { (tr(lang, &format!("category-{}", c.key()))) }
                        }
                    }
                    (errors_at(errors, "category"))
                }
                div {
                    label for="order" { (tr(lang, "field-order")) }
                    input #order type="number" name="order" min="0" value=(form.order);
                    (errors_at(errors, "order"))
                }
            }
            div .sides {
                div lang="zh" {
                    h3 { "中文" }
                    label for="title_zh" { (tr(lang, "field-title")) }
                    (input("title_zh", &form.title_zh, Some("zh")))
                    (errors_at(errors, "title.zh"))
                    label for="summary_zh" { (tr(lang, "field-summary")) }
                    textarea #summary_zh name="summary_zh" rows="3" lang="zh" aria-invalid=[errors.iter().any(|(k, _)| k == "summary.zh").then_some("true")] { (form.summary_zh) }
                    (errors_at(errors, "summary.zh"))
                    label for="body_zh" { (tr(lang, "field-body")) }
                    textarea #body_zh name="body_zh" rows="10" lang="zh" { (form.body_zh) }
                    (errors_at(errors, "body.zh"))
                }
                div lang="en" {
                    h3 { "English" }
                    label for="title_en" { (tr(lang, "field-title")) }
                    (input("title_en", &form.title_en, Some("en")))
                    (errors_at(errors, "title.en"))
                    label for="summary_en" { (tr(lang, "field-summary")) }
                    textarea #summary_en name="summary_en" rows="3" lang="en" aria-invalid=[errors.iter().any(|(k, _)| k == "summary.en").then_some("true")] { (form.summary_en) }
                    (errors_at(errors, "summary.en"))
                    label for="body_en" { (tr(lang, "field-body")) }
                    textarea #body_en name="body_en" rows="10" lang="en" { (form.body_en) }
                    (errors_at(errors, "body.en"))
                }
            }
            (errors_at(errors, "body"))
            p .hint { (tr(lang, "content-body-hint")) }
            div .row {
                div {
                    label for="link" { (tr(lang, "field-link")) }
                    (input("link", &form.link, None))
                    (errors_at(errors, "link"))
                }
                div {
                    label for="publish_at" { (tr(lang, "field-publish-at")) }
                    input #publish_at type="datetime-local" name="publish_at" value=(form.publish_at);
                    (errors_at(errors, "publish_at"))
                }
                div {
                    label for="expire_at" { (tr(lang, "field-expire-at")) }
                    input #expire_at type="datetime-local" name="expire_at" value=(form.expire_at);
                    (errors_at(errors, "expire_at"))
                }
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
            }
            h3 { (tr(lang, "content-images")) }
            // The article's images in their order: numbers without JavaScript, dragged with it.
            ol .reorder .image-rows data-reorder=""
                data-label-handle=(tr(lang, "reorder-handle"))
                data-label-up=(tr(lang, "reorder-up"))
                data-label-down=(tr(lang, "reorder-down"))
                data-msg-moved=(tr_args(lang, "reorder-moved", &[("n", FluentValue::from("{n}"))])) {
                @for (i, (sha, zh, en, removed)) in form.image_rows().into_iter().enumerate() {
                    li data-reorder-item="" data-image=(sha) {
                        img src={ "/console/media/" (sha) } alt=(zh);
                        div .fields {
                            input type="hidden" name={ "img" (i) "_sha" } value=(sha);
                            label { (tr(lang, "content-image-alt")) " 中文"
                                input type="text" name={ "img" (i) "_alt_zh" } value=(zh) lang="zh"; }
                            label { (tr(lang, "content-image-alt")) " English"
                                input type="text" name={ "img" (i) "_alt_en" } value=(en) lang="en"; }
                            label .check { input type="checkbox" name={ "img" (i) "_remove" } value="1" checked[removed]; (tr(lang, "content-image-remove")) }
                        }
                        label { (tr(lang, "field-order"))
                            input type="number" name={ "img" (i) "_order" } min="0" value=(i + 1) data-order=""; }
                    }
                }
            }
            div .images-edit {
                @if !l.library.is_empty() {
                    div .card {
                        label for="new_sha" { (tr(lang, "content-image-add")) }
                        (library_choice(lang, "new_sha", None, &l.library, form.field("new_sha")))
                        label { (tr(lang, "content-image-alt")) " 中文"
                            input type="text" name="new_alt_zh" value=(form.field("new_alt_zh")) lang="zh"; }
                        label { (tr(lang, "content-image-alt")) " English"
                            input type="text" name="new_alt_en" value=(form.field("new_alt_en")) lang="en"; }
                    }
                }
            }
            (errors_at(errors, "images"))
            (errors_at(errors, "images.zh"))
            (errors_at(errors, "images.en"))
            button .primary type="submit" { (tr(lang, "content-save")) }
        }
        @if !new {
            p { a .button #preview-article href={ "/console/content/preview?screen=article:" (form.id) } { (tr(lang, "preview-article")) } }
            p { a .button.danger #remove-link href={ "/console/content/remove/article/" (form.id) } { (tr(lang, "remove-link")) } }
        }
    };
    let title = if new {
        tr(lang, "content-new-article")
    } else {
        tr_args(
            lang,
            "content-edit-article",
            &[("id", FluentValue::from(form.id.as_str()))],
        )
    };
    respond(status, page(visit, &title, "/console/content", body))
}

pub async fn new_article(State(state): State<AppState>, visit: Visit) -> Response {
    match load(&state).await {
        Ok(Some(l)) => {
            let form = ArticleForm {
                order: "1".into(),
                category: Category::Service.key().into(),
                section: l
                    .drafted
                    .sections
                    .first()
                    .map(|s| s.id.clone())
                    .unwrap_or_default(),
                ..ArticleForm::default()
            };
            article_page(&visit, &l, &form, true, &[], &[], StatusCode::OK)
        }
        Ok(None) => message_page(
            &visit,
            StatusCode::OK,
            "nav-content",
            "content-nothing-published",
        ),
        Err(e) => internal(&visit, e),
    }
}

pub async fn edit_article(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    match load(&state).await {
        Ok(Some(l)) => {
            let zone = zone(&l.drafted);
            let Some(a) = l
                .drafted
                .articles
                .iter()
                .chain(l.published.articles.iter())
                .find(|a| a.id == id)
            else {
                return message_page(
                    &visit,
                    StatusCode::NOT_FOUND,
                    "error-title",
                    "error-not-found",
                );
            };
            let form = ArticleForm::of(a, zone);
            article_page(&visit, &l, &form, false, &[], &[], StatusCode::OK)
        }
        Ok(None) => message_page(
            &visit,
            StatusCode::OK,
            "nav-content",
            "content-nothing-published",
        ),
        Err(e) => internal(&visit, e),
    }
}

async fn save(state: AppState, visit: Visit, form: ArticleForm, new: bool) -> Response {
    let lang = visit.lang;
    let l = match load(&state).await {
        Ok(Some(l)) => l,
        Ok(None) => {
            return message_page(
                &visit,
                StatusCode::OK,
                "nav-content",
                "content-nothing-published",
            );
        }
        Err(e) => return internal(&visit, e),
    };
    let zone = zone(&l.drafted);
    let id = form.id.trim().to_string();
    let exists = l
        .drafted
        .articles
        .iter()
        .chain(l.published.articles.iter())
        .any(|a| a.id == id);
    if new && exists {
        let errors = vec![("id".to_string(), tr(lang, "content-id-taken"))];
        return article_page(
            &visit,
            &l,
            &form,
            new,
            &errors,
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let before = l.drafted.articles.iter().find(|a| a.id == id);
    let article = match form.article(before, &l.library, zone, lang) {
        Ok(a) => a,
        Err(errors) => {
            return article_page(
                &visit,
                &l,
                &form,
                new,
                &errors,
                &[],
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let data = protocol::content::Record::Article(article).to_json();
    // Check the whole draft with this change, as publishing would.
    let mut trial = l.drafts.clone();
    trial.retain(|d| !(d.kind == Kind::Article && d.id == id));
    trial.push(DraftRow {
        kind: Kind::Article,
        id: id.clone(),
        data: Some(data.clone()),
        author: String::new(),
        updated_at: String::new(),
    });
    let combined = match drafting::with_drafts(&l.published, &trial) {
        Ok(c) => c,
        Err(e) => return internal(&visit, e),
    };
    let blobs = state.blobs.clone();
    let checked = tokio::task::spawn_blocking(move || drafting::check(&combined, &blobs)).await;
    let problems = match checked {
        Ok(Ok(_)) => Vec::new(),
        Ok(Err(p)) => p,
        Err(e) => return internal(&visit, e),
    };
    let (mine, others): (Vec<Problem>, Vec<Problem>) = problems
        .into_iter()
        .partition(|p| drafting::concerns(p, &id));
    if !mine.is_empty() {
        let errors: Vec<(String, String)> = mine
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
        return article_page(
            &visit,
            &l,
            &form,
            new,
            &errors,
            &others,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let actor = visit.member().name.clone();
    let published_before = l
        .published
        .articles
        .iter()
        .find(|a| a.id == id)
        .map(|a| protocol::content::Record::Article(a.clone()).to_json());
    let result = state
        .db
        .write(move |tx| {
            let now = now_text();
            drafts::put(tx, Kind::Article, &id, Some(&data), &actor, &now)?;
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "content",
                    action: "drafted",
                    target: &format!("article {id}"),
                    before: published_before.as_ref(),
                    after: Some(&data),
                },
                &now,
            )
        })
        .await;
    match result {
        Ok(()) => Redirect::to("/console/content?done=content-saved").into_response(),
        Err(e) => internal(&visit, e),
    }
}

pub async fn create_article(
    State(state): State<AppState>,
    visit: Visit,
    Form(form): Form<ArticleForm>,
) -> Response {
    save(state, visit, form, true).await
}

pub async fn update_article(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(mut form): Form<ArticleForm>,
) -> Response {
    form.id = id;
    save(state, visit, form, false).await
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn remove_article(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(_f): Form<Empty>,
) -> Response {
    let actor = visit.member().name.clone();
    let result = state
        .db
        .write(move |tx| {
            let published = crate::storage::records::get(tx, Kind::Article, &id)?;
            let now = now_text();
            if published.is_some() {
                drafts::put(tx, Kind::Article, &id, None, &actor, &now)?;
            } else if !drafts::forget(tx, Kind::Article, &id)? {
                return Ok(false);
            }
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "content",
                    action: "drafted-removal",
                    target: &format!("article {id}"),
                    before: published.map(|r| r.to_json()).as_ref(),
                    after: None,
                },
                &now,
            )?;
            Ok::<_, DbError>(true)
        })
        .await;
    match result {
        Ok(true) => Redirect::to("/console/content?done=content-saved").into_response(),
        Ok(false) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Err(e) => internal(&visit, e),
    }
}

pub async fn forget(
    State(state): State<AppState>,
    visit: Visit,
    Path((kind, id)): Path<(String, String)>,
    Form(_f): Form<Empty>,
) -> Response {
    let Ok(kind) = kind.parse::<Kind>() else {
        return message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        );
    };
    let actor = visit.member().name.clone();
    let result = state
        .db
        .write(move |tx| {
            let gone = drafts::forget(tx, kind, &id)?;
            if gone {
                audit::record(
                    tx,
                    audit::Change {
                        actor: &actor,
                        kind: "content",
                        action: "draft-undone",
                        target: &format!("{} {id}", kind.key()),
                        before: None,
                        after: None,
                    },
                    &now_text(),
                )?;
            }
            Ok::<_, DbError>(gone)
        })
        .await;
    match result {
        Ok(_) => Redirect::to("/console/content").into_response(),
        Err(e) => internal(&visit, e),
    }
}

pub async fn discard(
    State(state): State<AppState>,
    visit: Visit,
    Form(_f): Form<Empty>,
) -> Response {
    let actor = visit.member().name.clone();
    let result = state
        .db
        .write(move |tx| {
            let n = drafts::list(tx)?.len();
            drafts::clear(tx)?;
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "content",
                    action: "draft-discarded",
                    target: "draft",
                    before: Some(&json!({ "changes": n })),
                    after: None,
                },
                &now_text(),
            )
        })
        .await;
    match result {
        Ok(()) => Redirect::to("/console/content?done=content-discarded").into_response(),
        Err(e) => internal(&visit, e),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    visit: Visit,
    Form(_f): Form<Empty>,
) -> Response {
    let actor = visit.member().name.clone();
    let result = state
        .db
        .write(move |tx| {
            if drafts::list(tx)?.is_empty() {
                return Ok(false);
            }
            let now = now_text();
            drafts::submit_for_review(tx, &actor, &now)?;
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "content",
                    action: "submitted",
                    target: "draft",
                    before: None,
                    after: None,
                },
                &now,
            )?;
            Ok::<_, DbError>(true)
        })
        .await;
    match result {
        Ok(true) => Redirect::to("/console/content?done=content-submitted").into_response(),
        Ok(false) => Redirect::to("/console/content").into_response(),
        Err(e) => internal(&visit, e),
    }
}

pub async fn publish(
    State(state): State<AppState>,
    visit: Visit,
    Form(_f): Form<Empty>,
) -> Response {
    let actor = visit.member().name.clone();
    let approval = state.config.console.require_approval;
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let result =
        tokio::task::spawn_blocking(move || drafting::publish(&db, &blobs, &actor, approval)).await;
    let failure = match result {
        Ok(Ok(plan)) => {
            tracing::info!(
                changes = plan.change_count(),
                head = plan.head_after,
                "draft published from the console"
            );
            return Redirect::to("/console/content?done=content-published").into_response();
        }
        Ok(Err(e)) => e,
        Err(e) => return internal(&visit, e),
    };
    let (status, problems, id) = match failure {
        PublishError::Invalid(p) => (StatusCode::UNPROCESSABLE_ENTITY, p, "content-invalid"),
        PublishError::Changed => (StatusCode::CONFLICT, Vec::new(), "content-changed"),
        PublishError::NeedsApproval => (StatusCode::CONFLICT, Vec::new(), "content-needs-approval"),
        PublishError::OwnApproval => (StatusCode::CONFLICT, Vec::new(), "content-own-approval"),
        PublishError::Empty => (StatusCode::CONFLICT, Vec::new(), "content-draft-empty"),
        PublishError::NoContent => (
            StatusCode::CONFLICT,
            Vec::new(),
            "content-nothing-published",
        ),
        PublishError::Db(e) => return internal(&visit, e),
    };
    match load(&state).await {
        Ok(Some(l)) => overview_page(&state, &visit, &l, status, None, Some(id), &problems),
        Ok(None) => message_page(&visit, status, "nav-content", id),
        Err(e) => internal(&visit, e),
    }
}
