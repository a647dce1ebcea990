//! Urgent notices (editors and admins): post a banner in both languages for the whole district
//! or one station, for a number of hours from now; see what is up, coming and recently ended;
//! end one early. Published at once (no draft: it is urgent), through the feed, audited.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use maud::{Markup, html};
use protocol::content::{Kind, Notice, Station};
use protocol::text::Text;
use serde::Deserialize;

use crate::api::NoticePost;
use crate::console::gate::Visit;
use crate::console::i18n::tr;
use crate::console::layout::{csrf, field_error, internal, message_page, notice, page, respond};
use crate::notices::{self, NoticeError};
use crate::server::AppState;
use crate::storage::{DbError, records, time_text};

/// Longest a notice stays up when posted from the console, in hours (the protocol's limit).
const MAX_HOURS: i64 = Notice::MAX_DAYS * 24;

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    done: Option<String>,
}

/// What the form held, to show it again next to its errors.
#[derive(Deserialize, Default, Clone)]
pub struct PostForm {
    #[serde(default)]
    title_zh: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    text_zh: String,
    #[serde(default)]
    text_en: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    hours: String,
}

fn render(
    visit: &Visit,
    list: &[Notice],
    stations: &[Station],
    form: &PostForm,
    done: Option<&str>,
    errors: &[String],
) -> Markup {
    let lang = visit.lang;
    let now = Utc::now();
    let name_of = |id: &str| {
        stations
            .iter()
            .find(|s| s.id == id)
            .map_or(id.to_string(), |s| s.name.get(lang).to_string())
    };
    let hours = if form.hours.is_empty() {
        "6"
    } else {
        form.hours.as_str()
    };
    let body = html! {
        (notice(lang, done))
        form #post-notice method="post" action="/console/notices" {
            (csrf(visit))
            fieldset {
                legend { (tr(lang, "notice-new")) }
                label { (tr(lang, "notice-title-zh"))
                    input type="text" name="title_zh" required maxlength=(Notice::MAX_TITLE) value=(form.title_zh); }
                label { (tr(lang, "notice-title-en"))
                    input type="text" name="title_en" required maxlength=(Notice::MAX_TITLE) value=(form.title_en); }
                label { (tr(lang, "notice-text-zh"))
                    textarea name="text_zh" required maxlength=(Notice::MAX_TEXT) rows="3" { (form.text_zh) } }
                label { (tr(lang, "notice-text-en"))
                    textarea name="text_en" required maxlength=(Notice::MAX_TEXT) rows="3" { (form.text_en) } }
                label { (tr(lang, "notice-where"))
                    select name="station" {
                        option value="" selected[form.station.is_empty()] { (tr(lang, "notice-district-wide")) }
                        @for s in stations {
                            option value=(s.id) selected[form.station == s.id] { (s.name.get(lang)) }
                        }
                    }
                }
                label { (tr(lang, "notice-hours"))
                    input type="number" name="hours" min="1" max=(MAX_HOURS) required value=(hours); }
                @for e in errors { (field_error(Some(e))) }
                button .primary type="submit" { (tr(lang, "notice-post")) }
            }
        }
        @if list.is_empty() {
            p .muted { (tr(lang, "notice-none")) }
        } @else {
            table #notices {
                thead { tr {
                    th { (tr(lang, "notice-col-notice")) }
                    th { (tr(lang, "notice-col-where")) }
                    th { (tr(lang, "notice-col-when")) }
                    th { (tr(lang, "col-actions")) }
                } }
                tbody {
                    @for n in list {
                        @let state = if now < n.starts_at { "notice-coming" } else if now < n.ends_at { "notice-showing" } else { "notice-ended" };
                        tr data-notice=(n.id) {
                            td {
                                strong lang="zh" { (n.title.zh) } " / " strong lang="en" { (n.title.en) }
                                p lang="zh" { (n.text.zh) } p lang="en" { (n.text.en) }
                            }
                            td { (n.scope.as_deref().map_or_else(|| tr(lang, "notice-district-wide"), name_of)) }
                            td {
                                span .tag { (tr(lang, state)) } br;
                                (n.starts_at.format("%Y-%m-%d %H:%M")) " – " (n.ends_at.format("%Y-%m-%d %H:%M %:z"))
                            }
                            td {
                                @if now < n.ends_at {
                                    form method="post" action={ "/console/notices/" (n.id) "/end" } {
                                        (csrf(visit))
                                        button .danger type="submit" { (tr(lang, "notice-end")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(visit, &tr(lang, "nav-notices"), "/console/notices", body)
}

async fn show(
    state: &AppState,
    visit: &Visit,
    code: StatusCode,
    form: PostForm,
    done: Option<&str>,
    errors: Vec<String>,
) -> Response {
    let read = state
        .db
        .read(|tx| {
            let list = notices::list(tx)?;
            let mut stations = Vec::new();
            for ((_, id), data) in records::live(tx, &[Kind::Station])? {
                let station: Station = serde_json::from_value(data)
                    .map_err(|e| DbError::Corrupt(format!("station `{id}`: {e}")))?;
                stations.push(station);
            }
            stations.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
            Ok::<_, DbError>((list, stations))
        })
        .await;
    match read {
        Ok((list, stations)) => {
            respond(code, render(visit, &list, &stations, &form, done, &errors))
        }
        Err(e) => internal(visit, e),
    }
}

pub async fn page_get(
    State(state): State<AppState>,
    visit: Visit,
    Query(q): Query<NoticeQuery>,
) -> Response {
    show(
        &state,
        &visit,
        StatusCode::OK,
        PostForm::default(),
        q.done.as_deref(),
        Vec::new(),
    )
    .await
}

pub async fn post(
    State(state): State<AppState>,
    visit: Visit,
    Form(f): Form<PostForm>,
) -> Response {
    let lang = visit.lang;
    let Some(hours) = f
        .hours
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|h| (1..=MAX_HOURS).contains(h))
    else {
        let msg = tr(lang, "notice-hours-bad");
        return show(
            &state,
            &visit,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            None,
            vec![msg],
        )
        .await;
    };
    let now = Utc::now();
    let post = NoticePost {
        id: notices::new_id(),
        title: Text::new(f.title_zh.trim(), f.title_en.trim()),
        text: Text::new(f.text_zh.trim(), f.text_en.trim()),
        starts_at: None,
        ends_at: (now + Duration::hours(hours)).fixed_offset(),
        station: Some(f.station.clone()).filter(|s| !s.is_empty()),
    };
    let actor = visit.member().name.clone();
    let result = state
        .db
        .write(move |tx| {
            let (notice, _) = match notices::post(tx, &post, now) {
                Ok(posted) => posted,
                Err(NoticeError::Db(e)) => return Err(e),
                Err(e) => return Ok(Err(e)),
            };
            notices::audit(tx, &actor, "posted", None, Some(&notice), &time_text(now))?;
            Ok::<_, DbError>(Ok(notice))
        })
        .await;
    match result {
        Ok(Ok(n)) => {
            tracing::info!(notice = %n.id, scope = ?n.scope, "notice posted in the console");
            Redirect::to("/console/notices?done=notice-posted").into_response()
        }
        Ok(Err(NoticeError::Invalid(problems))) => {
            // The rules' own words name the field (`title.en: …`); the page says it in the
            // staff member's language with the field's label.
            let msgs = problems
                .iter()
                .map(|p| {
                    let field = p.split(':').next().unwrap_or_default().replace('.', "-");
                    format!("{}: {}", tr(lang, &format!("notice-field-{field}")), p)
                })
                .collect();
            show(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                None,
                msgs,
            )
            .await
        }
        Ok(Err(e)) => {
            let msg = format!("{}: {e}", tr(lang, "notice-refused"));
            show(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                None,
                vec![msg],
            )
            .await
        }
        Err(e) => internal(&visit, e),
    }
}

pub async fn end(State(state): State<AppState>, visit: Visit, Path(id): Path<String>) -> Response {
    let actor = visit.member().name.clone();
    let result = state
        .db
        .write(move |tx| {
            let now = Utc::now();
            let notice = match notices::end(tx, &id, now) {
                Ok(n) => n,
                Err(NoticeError::Db(e)) => return Err(e),
                Err(e) => return Ok(Err(e)),
            };
            notices::audit(tx, &actor, "ended", Some(&notice), None, &time_text(now))?;
            Ok::<_, DbError>(Ok(notice))
        })
        .await;
    match result {
        Ok(Ok(n)) => {
            tracing::info!(notice = %n.id, "notice ended in the console");
            Redirect::to("/console/notices?done=notice-ended").into_response()
        }
        Ok(Err(_)) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Err(e) => internal(&visit, e),
    }
}
