//! Preview (editors): the home screen or an article as the kiosks will show it with the draft
//! applied, in both languages, drawn by the kiosk binary installed on the server
//! ([`crate::preview`]). Without one, the page says so plainly.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::content::load;
use crate::console::gate::Visit;
use crate::console::i18n::tr;
use crate::console::layout::{internal, message_page, page, respond};
use crate::drafting;
use crate::preview;
use crate::server::AppState;

#[derive(Deserialize)]
pub struct PreviewQuery {
    screen: Option<String>,
    lang: Option<String>,
}

fn screen_of(q: &PreviewQuery) -> Option<String> {
    let screen = q.screen.clone().unwrap_or_else(|| "home".into());
    preview::is_previewable(&screen).then_some(screen)
}

/// The page: both languages side by side, or why there is no picture.
pub async fn page_get(
    State(state): State<AppState>,
    visit: Visit,
    Query(q): Query<PreviewQuery>,
) -> Response {
    let lang = visit.lang;
    let Some(screen) = screen_of(&q) else {
        return message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        );
    };
    let kiosk = preview::kiosk_binary(state.config.console.kiosk_binary.as_deref());
    let body = html! {
        p .hint { (tr(lang, "preview-hint")) }
        @if kiosk.is_none() {
            p .form-error #no-kiosk role="alert" { (tr(lang, "preview-no-kiosk")) }
        } @else {
            div .sides #preview {
                @for l in ["zh", "en"] {
                    figure {
                        img src={ "/console/content/preview.png?screen=" (screen) "&lang=" (l) } alt=(tr(lang, "preview-title")) width="270" height="480";
                        figcaption { (tr(lang, &format!("lang-{l}"))) }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        page(&visit, &tr(lang, "preview-title"), "/console/content", body),
    )
}

/// The PNG of one language.
pub async fn png(
    State(state): State<AppState>,
    visit: Visit,
    Query(q): Query<PreviewQuery>,
) -> Response {
    let (Some(screen), Some(lang)) = (
        screen_of(&q),
        q.lang.clone().filter(|l| l == "zh" || l == "en"),
    ) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(kiosk) = preview::kiosk_binary(state.config.console.kiosk_binary.as_deref()) else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            tr(visit.lang, "preview-no-kiosk"),
        )
            .into_response();
    };
    let l = match load(&state).await {
        Ok(Some(l)) => l,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return internal(&visit, e),
    };
    let blobs = state.blobs.clone();
    let drafted = l.drafted;
    let rendered = tokio::task::spawn_blocking(move || {
        // Only what would publish is previewed: a draft with problems is refused here too.
        let content = drafting::check(&drafted, &blobs).map_err(|p| {
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        preview::render(&kiosk, &content, &blobs, &screen, &lang).map_err(|e| e.to_string())
    })
    .await;
    match rendered {
        Ok(Ok(bytes)) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "preview failed");
            (StatusCode::UNPROCESSABLE_ENTITY, e).into_response()
        }
        Err(e) => internal(&visit, e),
    }
}
