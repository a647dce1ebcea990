//! The media library (editors): upload PNG/JPEG images under the bundle's limits (decoded
//! completely, size and sides checked), stored by sha256; every image with where it is used
//! (published content and the draft); delete only what nothing uses.

use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use fluent_bundle::FluentValue;
use maud::html;
use protocol::Issue;
use protocol::bundle::check_image;
use protocol::content::{Content, is_sha256_hex, sha256_hex};
use serde::Deserialize;
use serde_json::json;

use crate::console::gate::{Visit, url_escape};
use crate::console::i18n::{issue, tr, tr_args};
use crate::console::layout::{
    ImageLimits, csrf, image_file_input, internal, message_page, notice, page, respond, when,
};
use crate::console::upload::{StoreFailure, blob_failure};
use crate::drafting;
use crate::server::AppState;
use crate::storage::media::{self, MediaRow};
use crate::storage::{DbError, audit, drafts, time_text};

/// Where each image is used: `sha256 → ["article harbour-walk", …]`, over the published
/// content and the draft.
pub fn uses(published: &Content, drafted: &Content) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for content in [published, drafted] {
        for r in content.records() {
            for sha in r.blobs() {
                let label = format!("{} {}", r.kind().key(), r.id());
                let entry = out.entry(sha.to_string()).or_default();
                if !entry.contains(&label) {
                    entry.push(label);
                }
            }
        }
    }
    out
}

struct Library {
    uploaded: Vec<MediaRow>,
    used: BTreeMap<String, Vec<String>>,
}

async fn library(state: &AppState) -> Result<Library, DbError> {
    state
        .db
        .read(|tx| {
            let uploaded = media::list(tx)?;
            let used = match drafting::published(tx)? {
                Some(p) => {
                    let d = drafting::with_drafts(&p, &drafts::list(tx)?)?;
                    uses(&p, &d)
                }
                None => BTreeMap::new(),
            };
            Ok(Library { uploaded, used })
        })
        .await
}

/// Why an action was refused: the upload (said next to its field) or the page's action.
enum Refusal {
    Upload(String),
    Page(String),
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn render(
    state: &AppState,
    visit: &Visit,
    status: StatusCode,
    l: &Library,
    done: Option<&str>,
    error: Option<Refusal>,
) -> Response {
    let _ = state;
    let lang = visit.lang;
    // Images that came with bundles are listed too (they have no upload row).
    let bundled: Vec<&String> = l
        .used
        .keys()
        .filter(|sha| !l.uploaded.iter().any(|m| &m.sha256 == *sha))
        .collect();
    let body = html! {
        (notice(lang, done))
        @if let Some(Refusal::Page(e)) = &error {
            p .form-error role="alert" { (e) }
        }
        section .card {
            h2 { (tr(lang, "media-upload")) }
            form method="post" enctype="multipart/form-data" action={ "/console/media?csrf=" (url_escape(&visit.csrf)) } {
                label for="file" { (tr(lang, "media-file")) }
                (image_file_input(lang, "file", "image/png,image/jpeg", &ImageLimits::IMAGE, true, matches!(error, Some(Refusal::Upload(_)))))
                @if let Some(Refusal::Upload(e)) = &error {
                    span .field-error role="alert" data-field="file" { (e) }
                }
                p .hint { (tr(lang, "media-limits")) }
                button .primary type="submit" { (tr(lang, "media-upload")) }
            }
        }
        section .media {
            @for m in &l.uploaded {
                @let used = l.used.get(&m.sha256);
                figure .card data-sha=(m.sha256) {
                    img src={ "/console/media/" (m.sha256) } alt=(m.name);
                    figcaption {
                        strong { (m.name) } br;
                        span .muted { (m.width) "×" (m.height) " · " (m.bytes / 1024) " KB · " (m.uploaded_by) " · " (when(&m.uploaded_at)) } br;
                        code .sha { (m.sha256[..12]) "…" }
                        @match used {
                            Some(list) => p { (tr(lang, "media-used-by")) " " (list.join(", ")) },
                            None => {
                                p .muted { (tr(lang, "media-unused")) }
                                form .inline method="post" action={ "/console/media/" (m.sha256) "/delete" } {
                                    (csrf(visit))
                                    button .danger type="submit" { (tr(lang, "media-delete")) }
                                }
                            }
                        }
                    }
                }
            }
            @for sha in &bundled {
                figure .card data-sha=(sha) {
                    img src={ "/console/media/" (sha) } alt="";
                    figcaption {
                        span .muted { (tr(lang, "media-from-bundle")) } br;
                        code .sha { (sha[..12]) "…" }
                        @if let Some(list) = l.used.get(*sha) {
                            p { (tr(lang, "media-used-by")) " " (list.join(", ")) }
                        }
                    }
                }
            }
        }
        @if l.uploaded.is_empty() && bundled.is_empty() {
            p .muted { (tr(lang, "media-none")) }
        }
    };
    respond(
        status,
        page(visit, &tr(lang, "nav-media"), "/console/media", body),
    )
}

pub async fn page_get(
    State(state): State<AppState>,
    visit: Visit,
    Query(d): Query<Done>,
) -> Response {
    match library(&state).await {
        Ok(l) => render(&state, &visit, StatusCode::OK, &l, d.done.as_deref(), None),
        Err(e) => internal(&visit, e),
    }
}

async fn refuse(state: &AppState, visit: &Visit, status: StatusCode, message: String) -> Response {
    refuse_with(state, visit, status, Refusal::Upload(message)).await
}

async fn refuse_with(
    state: &AppState,
    visit: &Visit,
    status: StatusCode,
    refusal: Refusal,
) -> Response {
    match library(state).await {
        Ok(l) => render(state, visit, status, &l, None, Some(refusal)),
        Err(e) => internal(visit, e),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    visit: Visit,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let lang = visit.lang;
    let Ok(mut multipart) = multipart else {
        return refuse(
            &state,
            &visit,
            StatusCode::BAD_REQUEST,
            tr(lang, "media-no-file"),
        )
        .await;
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name: String = field
                    .file_name()
                    .unwrap_or("image")
                    .chars()
                    .take(120)
                    .collect();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => {
                        let too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                        let id = if too_large {
                            "media-too-large"
                        } else {
                            "media-no-file"
                        };
                        let status = if too_large {
                            StatusCode::PAYLOAD_TOO_LARGE
                        } else {
                            StatusCode::BAD_REQUEST
                        };
                        return refuse(&state, &visit, status, tr(lang, id)).await;
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                let too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                let id = if too_large {
                    "media-too-large"
                } else {
                    "media-no-file"
                };
                let status = if too_large {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::BAD_REQUEST
                };
                return refuse(&state, &visit, status, tr(lang, id)).await;
            }
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refuse(
            &state,
            &visit,
            StatusCode::BAD_REQUEST,
            tr(lang, "media-no-file"),
        )
        .await;
    };
    let store = state.blobs.clone();
    let checked = tokio::task::spawn_blocking(move || {
        // The image's own problem, said in the console's language from its typed code.
        let blob = check_image(&bytes).map_err(|p| Ok(issue(lang, &Issue::Image(p))))?;
        let sha = sha256_hex(&bytes);
        // A disk that cannot take it is said as such, in the page's language; nothing changed.
        store.put(&sha, &bytes).map_err(|e| Err(blob_failure(&e)))?;
        Ok::<_, Result<String, StoreFailure>>((
            sha,
            blob.mime,
            blob.width,
            blob.height,
            bytes.len() as u64,
        ))
    })
    .await;
    let (sha, mime, width, height, size) = match checked {
        Ok(Ok(x)) => x,
        Ok(Err(Err(failure))) => {
            return refuse(&state, &visit, failure.status(), failure.message(lang)).await;
        }
        Ok(Err(Ok(problem))) => {
            let message = tr_args(
                lang,
                "media-refused",
                &[("problem", FluentValue::from(problem))],
            );
            return refuse(&state, &visit, StatusCode::UNPROCESSABLE_ENTITY, message).await;
        }
        Err(e) => return internal(&visit, e),
    };
    let row = MediaRow {
        sha256: sha.clone(),
        mime: mime.to_string(),
        width,
        height,
        bytes: size,
        name,
        uploaded_by: visit.member().name.clone(),
        uploaded_at: time_text(Utc::now()),
    };
    let result = state
        .db
        .write(move |tx| {
            let added = media::insert(tx, &row)?;
            if added {
                audit::record(tx, audit::Change { actor: &row.uploaded_by, kind: "media", action: "uploaded", target: &row.sha256, before: None, after: Some(&json!({ "name": row.name, "width": row.width, "height": row.height, "bytes": row.bytes })) }, &row.uploaded_at)?;
            }
            Ok::<_, DbError>(added)
        })
        .await;
    match result {
        Ok(true) => Redirect::to("/console/media?done=media-uploaded").into_response(),
        Ok(false) => Redirect::to("/console/media?done=media-known").into_response(),
        Err(e) => internal(&visit, e),
    }
}

pub async fn file(
    State(state): State<AppState>,
    visit: Visit,
    Path(sha): Path<String>,
) -> Response {
    if !is_sha256_hex(&sha) {
        return message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        );
    }
    let store = state.blobs.clone();
    match tokio::task::spawn_blocking(move || store.get(&sha)).await {
        Ok(Ok(Some(bytes))) => {
            let mime = if bytes.starts_with(b"\x89PNG") {
                "image/png"
            } else {
                "image/jpeg"
            };
            (
                [
                    (header::CONTENT_TYPE, mime),
                    (header::CACHE_CONTROL, "private, max-age=3600"),
                ],
                bytes,
            )
                .into_response()
        }
        Ok(Ok(None)) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Ok(Err(e)) => internal(&visit, e),
        Err(e) => internal(&visit, e),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn delete(
    State(state): State<AppState>,
    visit: Visit,
    Path(sha): Path<String>,
    axum::extract::Form(_f): axum::extract::Form<Empty>,
) -> Response {
    let lang = visit.lang;
    let actor = visit.member().name.clone();
    let target = sha.clone();
    let result = state
        .db
        .write(move |tx| {
            let Some(row) = media::get(tx, &target)? else {
                return Ok(Err(None));
            };
            // No image goes while a record (published or drafted) uses it.
            if let Some(p) = drafting::published(tx)? {
                let d = drafting::with_drafts(&p, &drafts::list(tx)?)?;
                if let Some(list) = uses(&p, &d).remove(&target) {
                    return Ok(Err(Some(list)));
                }
            }
            media::delete(tx, &target)?;
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "media",
                    action: "deleted",
                    target: &target,
                    before: Some(&json!({ "name": row.name })),
                    after: None,
                },
                &time_text(Utc::now()),
            )?;
            Ok::<_, DbError>(Ok(()))
        })
        .await;
    match result {
        Ok(Ok(())) => {
            // The row is gone, so nothing can start using the file; then the file goes.
            if let Err(e) = state.blobs.remove(&sha) {
                tracing::error!(error = %e, blob = %sha, "deleting an unused image failed");
            }
            Redirect::to("/console/media?done=media-deleted").into_response()
        }
        Ok(Err(None)) => message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        ),
        Ok(Err(Some(list))) => {
            let message = tr_args(
                lang,
                "media-in-use",
                &[("uses", FluentValue::from(list.join(", ")))],
            );
            refuse_with(&state, &visit, StatusCode::CONFLICT, Refusal::Page(message)).await
        }
        Err(e) => internal(&visit, e),
    }
}
