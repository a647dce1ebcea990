//! The page shell every console page shares (header, navigation by role, language switch,
//! problems banner), and small pieces forms and tables reuse.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use fluent_bundle::FluentValue;
use maud::{DOCTYPE, Markup, html};
use protocol::text::Lang;

use crate::accounts::{ADMINS, Access, EDITORS, MODERATORS};

use super::gate::{CSRF_FIELD, Visit, url_escape};
use super::i18n::{tr, tr_args};

/// Something staff should act on, shown at the top of every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A kiosk silent for longer than the offline threshold (`last_seen` absent: never seen).
    KioskOffline {
        kiosk: String,
        station: String,
        last_seen: Option<String>,
    },
}

/// The navigation's entries: `(path, message id, who sees it)`.
const NAV: &[(&str, &str, Access)] = &[
    ("/console/", "nav-home", Access::Staff),
    ("/console/content", "nav-content", EDITORS),
    ("/console/media", "nav-media", EDITORS),
    ("/console/notices", "nav-notices", EDITORS),
    ("/console/wishes", "nav-wishes", MODERATORS),
    ("/console/events", "nav-signups", MODERATORS),
    ("/console/kiosks", "nav-kiosks", ADMINS),
    ("/console/users", "nav-users", ADMINS),
    ("/console/audit", "nav-audit", ADMINS),
    ("/console/account", "nav-account", Access::Staff),
];

/// A hidden input with the page's CSRF token; every form carries one.
pub fn csrf(visit: &Visit) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(visit.csrf); }
}

/// How long ago `then` was, in words ("3 min", "2 h 5 min", "4 d").
pub fn ago(lang: Lang, then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - then).num_minutes().max(0);
    let (id, n) = if minutes < 1 {
        return tr(lang, "time-just-now");
    } else if minutes < 60 {
        ("time-minutes", minutes)
    } else if minutes < 48 * 60 {
        ("time-hours", minutes / 60)
    } else {
        ("time-days", minutes / (24 * 60))
    };
    tr_args(lang, id, &[("n", FluentValue::from(n))])
}

/// A stored RFC 3339 instant shown in the district's zone, to the minute.
pub fn when(text: &str) -> String {
    match DateTime::parse_from_rfc3339(text) {
        Ok(t) => t
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => text.to_string(),
    }
}

fn problems(visit: &Visit) -> Markup {
    if visit.problems.is_empty() {
        return html! {};
    }
    let lang = visit.lang;
    let now = Utc::now();
    html! {
        section .problems role="alert" {
            strong { (tr(lang, "problems-title")) }
            ul {
                @for p in &visit.problems {
                    @match p {
                        Problem::KioskOffline { kiosk, station, last_seen } => {
                            li {
                                @let since = last_seen.as_deref()
                                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                                    .map(|t| ago(lang, t.with_timezone(&Utc), now));
                                @match since {
                                    Some(s) => (tr_args(lang, "problem-kiosk-offline", &[
                                        ("kiosk", FluentValue::from(kiosk.as_str())),
                                        ("station", FluentValue::from(station.as_str())),
                                        ("since", FluentValue::from(s)),
                                    ])),
                                    None => (tr_args(lang, "problem-kiosk-never", &[
                                        ("kiosk", FluentValue::from(kiosk.as_str())),
                                        ("station", FluentValue::from(station.as_str())),
                                    ])),
                                }
                                @if visit.can(ADMINS) {
                                    " " a href="/console/kiosks" { (tr(lang, "problem-look")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn lang_switch(visit: &Visit) -> Markup {
    let next = url_escape(&visit.here);
    html! {
        nav .lang aria-label=(tr(visit.lang, "lang-switch")) {
            @for (lang, label) in [(Lang::Zh, "中文"), (Lang::En, "English")] {
                @if lang == visit.lang {
                    span .current aria-current="true" lang=(lang.code()) { (label) }
                } @else {
                    a href={ "/console/lang/" (lang.code()) "?next=" (next) } lang=(lang.code()) hreflang=(lang.code()) { (label) }
                }
            }
        }
    }
}

/// A whole page.
pub fn page(visit: &Visit, title: &str, active: &str, body: Markup) -> Markup {
    let lang = visit.lang;
    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    html! {
        (DOCTYPE)
        html lang=(html_lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (tr(lang, "console-name")) }
                link rel="stylesheet" href="/console/static/console.css";
                // Progressive enhancement only: every form works without it.
                script src="/console/static/console.js" defer {}
            }
            body {
                header .top {
                    a .brand href="/console/" { (tr(lang, "console-name")) }
                    @if let Some(m) = &visit.member {
                        nav .main aria-label=(tr(lang, "nav-label")) {
                            @for (path, id, access) in NAV {
                                @if access.allows(m.role) {
                                    @if *path == active {
                                        a .active href=(path) aria-current="page" { (tr(lang, id)) }
                                    } @else {
                                        a href=(path) { (tr(lang, id)) }
                                    }
                                }
                            }
                        }
                    }
                    (lang_switch(visit))
                    @if let Some(m) = &visit.member {
                        form .logout method="post" action="/console/logout" {
                            (csrf(visit))
                            span .who { (m.name) " · " (tr(lang, &format!("role-{}", m.role.key()))) }
                            button type="submit" { (tr(lang, "logout")) }
                        }
                    }
                }
                (problems(visit))
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A page answer with a status.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

/// A page that only says something (an error, a refusal).
pub fn message_page(
    visit: &Visit,
    status: StatusCode,
    title_id: &str,
    message_id: &str,
) -> Response {
    let lang = visit.lang;
    let body = html! {
        p .message { (tr(lang, message_id)) }
        p { a href="/console/" { (tr(lang, "back-home")) } }
    };
    respond(status, page(visit, &tr(lang, title_id), "", body))
}

/// The page for a failure of the server itself; the cause is logged, not shown.
pub fn internal(visit: &Visit, cause: impl std::fmt::Display) -> Response {
    tracing::error!(%cause, path = %visit.here, "console request failed");
    message_page(
        visit,
        StatusCode::INTERNAL_SERVER_ERROR,
        "error-title",
        "error-internal",
    )
}

/// A notice after a completed action (`?done=ID` on the page redirected to).
pub fn notice(lang: Lang, done: Option<&str>) -> Markup {
    match done {
        Some(id) if id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') && !id.is_empty() => {
            html! { p .notice role="status" { (tr(lang, &format!("done-{id}"))) } }
        }
        _ => html! {},
    }
}

/// An error shown next to a field.
pub fn field_error(message: Option<&str>) -> Markup {
    match message {
        Some(m) => html! { span .field-error role="alert" { (m) } },
        None => html! {},
    }
}

/// Limits the browser checks a picked image against before it is sent (the server checks
/// again, and it alone decides).
pub struct ImageLimits {
    pub max_bytes: usize,
    pub min_side: u32,
    pub max_side: u32,
}

impl ImageLimits {
    /// A content image's (bundle) limits.
    pub const IMAGE: ImageLimits = ImageLimits {
        max_bytes: protocol::bundle::MAX_IMAGE_BYTES,
        min_side: protocol::bundle::MIN_IMAGE_SIDE,
        max_side: protocol::bundle::MAX_IMAGE_SIDE,
    };
    /// A section's own icon's limits (the sides apply to a PNG; an SVG has none).
    pub const ICON: ImageLimits = ImageLimits {
        max_bytes: protocol::icon::MAX_ICON_BYTES,
        min_side: protocol::icon::MIN_ICON_SIDE,
        max_side: protocol::icon::MAX_ICON_SIDE,
    };
}

/// A size in bytes as staff read it ("8 MB", "256 KB").
fn size_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// An image file field (`name="file"`) that `console.js` previews with its pixel size and file
/// size, warning in the page's language when it is over `limits`.
pub fn image_file_input(
    lang: Lang,
    id: &str,
    accept: &str,
    limits: &ImageLimits,
    required: bool,
    invalid: bool,
) -> Markup {
    let placeholder = |name: &str| FluentValue::from(format!("{{{name}}}"));
    let size = tr_args(
        lang,
        "upload-preview-size",
        &[
            ("width", placeholder("width")),
            ("height", placeholder("height")),
            ("bytes", placeholder("bytes")),
        ],
    );
    let too_big = tr_args(
        lang,
        "upload-preview-too-big",
        &[("limit", FluentValue::from(size_words(limits.max_bytes)))],
    );
    let sides = tr_args(
        lang,
        "upload-preview-bad-sides",
        &[
            ("min", FluentValue::from(limits.min_side)),
            ("max", FluentValue::from(limits.max_side)),
        ],
    );
    html! {
        input id=(id) type="file" name="file" accept=(accept) required[required]
            aria-invalid=[invalid.then_some("true")]
            data-preview=""
            data-max-bytes=(limits.max_bytes) data-min-side=(limits.min_side) data-max-side=(limits.max_side)
            data-label=(tr(lang, "upload-preview-label"))
            data-msg-size=(size) data-msg-too-big=(too_big) data-msg-sides=(sides)
            data-msg-unreadable=(tr(lang, "upload-preview-unreadable"));
    }
}

/// A text field as typed into a form: browsers send a textarea's line breaks as CR LF, which
/// the bundle's rules refuse as control characters; they become the one line break it allows.
pub fn typed_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}
