//! Kiosks (admins): every kiosk's health from its last heartbeat (online or offline for how
//! long, version, content sequence against the head, outbox, free disk, clock skew); register a
//! kiosk (its token shown once), rotate or revoke its token; ask for a live screenshot and see
//! the last one with its time.

use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use protocol::content::Kind;
use protocol::text::Lang;
use serde::Deserialize;
use serde_json::json;

use crate::api::KioskRow;
use crate::auth::{self, Role};
use crate::console::gate::{OFFLINE_MINUTES, Visit};
use crate::console::i18n::{tr, tr_args};
use crate::console::layout::{
    ago, csrf, field_error, internal, message_page, notice, page, respond, when,
};
use crate::server::AppState;
use crate::storage::audit;
use crate::storage::kiosk_admin::{self as store, ScreenshotState};
use crate::storage::{DbError, time_text};
use crate::storage::{kiosks, records};

struct Listing {
    head: u64,
    kiosks: Vec<(KioskRow, bool, ScreenshotState)>,
    stations: Vec<(String, String)>,
}

async fn listing(state: &AppState, lang: Lang) -> Result<Listing, DbError> {
    state
        .db
        .read(move |tx| {
            let with_token = store::with_token(tx)?;
            let mut list = Vec::new();
            for k in kiosks::list(tx)? {
                let shot = store::screenshot_state(tx, &k.id)?;
                let has = with_token.contains(&k.id);
                list.push((k, has, shot));
            }
            let stations = records::live(tx, &[Kind::Station])?
                .into_iter()
                .map(|((_, id), data)| {
                    let name = data
                        .get("name")
                        .and_then(|n| n.get(lang.code()))
                        .and_then(|n| n.as_str())
                        .unwrap_or("")
                        .to_string();
                    (id, name)
                })
                .collect();
            Ok(Listing {
                head: records::head(tx)?,
                kiosks: list,
                stations,
            })
        })
        .await
}

fn parse(t: &Option<String>) -> Option<DateTime<Utc>> {
    t.as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn bytes(lang: Lang, n: u64) -> String {
    let gb = n as f64 / 1e9;
    if gb >= 1.0 {
        tr_args(
            lang,
            "size-gb",
            &[("n", FluentValue::from(format!("{gb:.1}")))],
        )
    } else {
        tr_args(lang, "size-mb", &[("n", FluentValue::from(n / 1_000_000))])
    }
}

fn health(lang: Lang, k: &KioskRow, head: u64, now: DateTime<Utc>) -> Markup {
    let seen = parse(&k.last_seen_at);
    let online = seen.is_some_and(|t| (now - t).num_minutes() < OFFLINE_MINUTES);
    let skew = match (parse(&k.kiosk_clock), seen) {
        (Some(clock), Some(seen)) => Some((clock - seen).num_seconds()),
        _ => None,
    };
    html! {
        td {
            @match seen {
                None => span .state.bad { (tr(lang, "kiosk-never")) },
                Some(t) if online && (now - t).num_minutes() < 1 => span .state.good { (tr(lang, "kiosk-online-now")) },
                Some(t) if online => span .state.good { (tr_args(lang, "kiosk-online", &[("since", FluentValue::from(ago(lang, t, now)))])) },
                Some(t) => span .state.bad { (tr_args(lang, "kiosk-offline", &[("since", FluentValue::from(ago(lang, t, now)))])) },
            }
        }
        td { (k.kiosk_version.clone().unwrap_or_else(|| "—".into())) }
        td {
            @match k.content_seq {
                Some(seq) if seq >= head => { (seq) " " span .state.good { (tr(lang, "kiosk-current")) } },
                Some(seq) => { (seq) " / " (head) " " span .state.warn { (tr_args(lang, "kiosk-behind", &[("n", FluentValue::from(head - seq))])) } },
                None => "—",
            }
        }
        td { @match k.outbox_depth { Some(0) => "0", Some(n) => span .state.warn { (n) }, None => "—" } }
        td { (k.free_disk_bytes.map(|b| bytes(lang, b)).unwrap_or_else(|| "—".into())) }
        td {
            @match skew {
                Some(s) if s.abs() >= 120 => span .state.warn { (tr_args(lang, "kiosk-skew", &[("s", FluentValue::from(s))])) },
                Some(s) => (tr_args(lang, "kiosk-skew", &[("s", FluentValue::from(s))])),
                None => "—",
            }
        }
    }
}

/// What the page shows beyond the list: a new token, or an error in the register form.
#[derive(Default)]
struct Extra {
    token: Option<(String, String)>,
    name: String,
    station: String,
    error: Option<(&'static str, String)>,
}

fn render(visit: &Visit, l: &Listing, extra: Extra, done: Option<&str>) -> Markup {
    let lang = visit.lang;
    let now = Utc::now();
    let err = |f: &str| {
        extra
            .error
            .as_ref()
            .filter(|(k, _)| *k == f)
            .map(|(_, m)| m.as_str())
    };
    let body = html! {
        (notice(lang, done))
        @if let Some((kiosk, token)) = &extra.token {
            div .secret role="status" {
                p { strong { (tr_args(lang, "kiosk-token-once", &[("kiosk", FluentValue::from(kiosk.as_str()))])) } }
                code #new-token { (token) }
                p .hint { (tr(lang, "kiosk-token-config")) }
                pre { "server = \"…\"\ntoken = \"" (token) "\"" }
            }
        }
        @if l.kiosks.is_empty() {
            p .muted { (tr(lang, "kiosk-none")) }
        } @else {
            table #kiosks {
                thead { tr {
                    th { (tr(lang, "col-kiosk")) }
                    th { (tr(lang, "col-state")) }
                    th { (tr(lang, "col-version")) }
                    th { (tr(lang, "col-content")) }
                    th { (tr(lang, "col-outbox")) }
                    th { (tr(lang, "col-disk")) }
                    th { (tr(lang, "col-clock")) }
                    th { (tr(lang, "col-actions")) }
                } }
                tbody {
                    @for (k, has_token, shot) in &l.kiosks {
                        tr data-kiosk=(k.id) {
                            td { strong { (k.id) } br; span .muted { (tr(lang, "col-station")) " " (k.station) } }
                            (health(lang, k, l.head, now))
                            td .actions {
                                @if *has_token {
                                    form .inline method="post" action={ "/console/kiosks/" (k.id) "/screenshot" } {
                                        (csrf(visit))
                                        button type="submit" { (tr(lang, "kiosk-screenshot-ask")) }
                                    }
                                    form .inline method="post" action={ "/console/kiosks/" (k.id) "/rotate" } {
                                        (csrf(visit))
                                        button type="submit" { (tr(lang, "kiosk-rotate")) }
                                    }
                                    form .inline method="post" action={ "/console/kiosks/" (k.id) "/revoke" } {
                                        (csrf(visit))
                                        button .danger type="submit" { (tr(lang, "kiosk-revoke")) }
                                    }
                                } @else {
                                    span .state.bad { (tr(lang, "kiosk-no-token")) }
                                    form .inline method="post" action={ "/console/kiosks/" (k.id) "/rotate" } {
                                        (csrf(visit))
                                        button type="submit" { (tr(lang, "kiosk-new-token")) }
                                    }
                                }
                            }
                        }
                        @if shot.requested_at.is_some() || shot.received_at.is_some() {
                            tr .screenshot-row {
                                td colspan="8" {
                                    @if shot.pending() {
                                        p .muted { (tr(lang, "kiosk-screenshot-pending")) }
                                    }
                                    @if let Some(got) = &shot.received_at {
                                        figure .screenshot {
                                            a href={ "/console/kiosks/" (k.id) "/screenshot.png" } {
                                                img src={ "/console/kiosks/" (k.id) "/screenshot.png?at=" (got) } alt=(tr_args(lang, "kiosk-screenshot-alt", &[("kiosk", FluentValue::from(k.id.as_str()))]))
                                                    width=[shot.width.map(|w| (w / 4).max(1))];
                                            }
                                            figcaption { (tr_args(lang, "kiosk-screenshot-taken", &[("when", FluentValue::from(when(got)))])) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section .card {
            h2 { (tr(lang, "kiosk-register")) }
            form method="post" action="/console/kiosks" {
                (csrf(visit))
                label for="kiosk-name" { (tr(lang, "field-kiosk-name")) }
                input #kiosk-name type="text" name="name" value=(extra.name) required maxlength="64" autocomplete="off";
                (field_error(err("name")))
                label for="kiosk-station" { (tr(lang, "field-station")) }
                select #kiosk-station name="station" {
                    @for (id, name) in &l.stations {
                        option value=(id) selected[*id == extra.station] { (name) " (" (id) ")" }
                    }
                }
                (field_error(err("station")))
                button .primary type="submit" { (tr(lang, "kiosk-register")) }
            }
        }
    };
    page(visit, &tr(lang, "nav-kiosks"), "/console/kiosks", body)
}

async fn show(
    state: &AppState,
    visit: &Visit,
    status: StatusCode,
    extra: Extra,
    done: Option<&str>,
) -> Response {
    match listing(state, visit.lang).await {
        Ok(l) => respond(status, render(visit, &l, extra, done)),
        Err(e) => internal(visit, e),
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

pub async fn page_get(
    State(state): State<AppState>,
    visit: Visit,
    axum::extract::Query(d): axum::extract::Query<Done>,
) -> Response {
    show(
        &state,
        &visit,
        StatusCode::OK,
        Extra::default(),
        d.done.as_deref(),
    )
    .await
}

/// Kiosk ids and station ids: what `district-server kiosk add` accepts.
fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'))
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    station: String,
}

pub async fn register(
    State(state): State<AppState>,
    visit: Visit,
    Form(f): Form<RegisterForm>,
) -> Response {
    let lang = visit.lang;
    let name = f.name.trim().to_string();
    let station = f.station.trim().to_string();
    let mut extra = Extra {
        name: name.chars().take(80).collect(),
        station: station.clone(),
        ..Extra::default()
    };
    if !valid_id(&name) {
        extra.error = Some(("name", tr(lang, "kiosk-bad-name")));
        return show(
            &state,
            &visit,
            StatusCode::UNPROCESSABLE_ENTITY,
            extra,
            None,
        )
        .await;
    }
    if !valid_id(&station) {
        extra.error = Some(("station", tr(lang, "kiosk-bad-station")));
        return show(
            &state,
            &visit,
            StatusCode::UNPROCESSABLE_ENTITY,
            extra,
            None,
        )
        .await;
    }
    let token = match auth::generate_token(Role::Kiosk) {
        Ok(t) => t,
        Err(e) => return internal(&visit, e),
    };
    let actor = visit.member().name.clone();
    let (id, st, tok) = (name.clone(), station.clone(), token.clone());
    let result = state
        .db
        .write(move |tx| {
            let now = time_text(Utc::now());
            if !store::register(tx, &id, &st, &tok, &now)? {
                return Ok(false);
            }
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "kiosk",
                    action: "registered",
                    target: &id,
                    before: None,
                    after: Some(&json!({ "station": st })),
                },
                &now,
            )?;
            Ok::<_, DbError>(true)
        })
        .await;
    match result {
        Ok(true) => {
            tracing::info!(kiosk = %name, station = %station, "kiosk registered in the console");
            let extra = Extra {
                token: Some((name, token)),
                ..Extra::default()
            };
            show(&state, &visit, StatusCode::CREATED, extra, None).await
        }
        Ok(false) => {
            extra.error = Some(("name", tr(lang, "kiosk-exists")));
            show(&state, &visit, StatusCode::CONFLICT, extra, None).await
        }
        Err(e) => internal(&visit, e),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn rotate(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(_f): Form<Empty>,
) -> Response {
    let token = match auth::generate_token(Role::Kiosk) {
        Ok(t) => t,
        Err(e) => return internal(&visit, e),
    };
    let actor = visit.member().name.clone();
    let (kiosk, tok) = (id.clone(), token.clone());
    let result = state
        .db
        .write(move |tx| {
            if !store::exists(tx, &kiosk)? {
                return Ok(false);
            }
            let now = time_text(Utc::now());
            store::rotate_token(tx, &kiosk, &tok, &now)?;
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "kiosk",
                    action: "token-rotated",
                    target: &kiosk,
                    before: None,
                    after: None,
                },
                &now,
            )?;
            Ok::<_, DbError>(true)
        })
        .await;
    match result {
        Ok(true) => {
            show(
                &state,
                &visit,
                StatusCode::OK,
                Extra {
                    token: Some((id, token)),
                    ..Extra::default()
                },
                None,
            )
            .await
        }
        Ok(false) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Err(e) => internal(&visit, e),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(_f): Form<Empty>,
) -> Response {
    let actor = visit.member().name.clone();
    let kiosk = id.clone();
    let result = state
        .db
        .write(move |tx| {
            if !store::exists(tx, &kiosk)? {
                return Ok(false);
            }
            let now = time_text(Utc::now());
            let n = store::revoke_tokens(tx, &kiosk)?;
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "kiosk",
                    action: "token-revoked",
                    target: &kiosk,
                    before: Some(&json!({ "tokens": n })),
                    after: Some(&json!({ "tokens": 0 })),
                },
                &now,
            )?;
            Ok::<_, DbError>(true)
        })
        .await;
    match result {
        Ok(true) => Redirect::to("/console/kiosks?done=kiosk-revoked").into_response(),
        Ok(false) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Err(e) => internal(&visit, e),
    }
}

pub async fn request_screenshot(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    Form(_f): Form<Empty>,
) -> Response {
    let actor = visit.member().name.clone();
    let kiosk = id.clone();
    let result = state
        .db
        .write(move |tx| {
            if !store::exists(tx, &kiosk)? {
                return Ok(false);
            }
            store::request_screenshot(tx, &kiosk, &actor, &time_text(Utc::now()))?;
            Ok::<_, DbError>(true)
        })
        .await;
    match result {
        Ok(true) => Redirect::to("/console/kiosks?done=screenshot-asked").into_response(),
        Ok(false) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Err(e) => internal(&visit, e),
    }
}

pub async fn screenshot(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    match state
        .db
        .read(move |tx| store::screenshot_png(tx, &id))
        .await
    {
        Ok(Some((png, _at))) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
        Ok(None) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Err(e) => internal(&visit, e),
    }
}
