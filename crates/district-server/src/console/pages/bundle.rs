//! Import and export (editors): download the published content as a bundle folder in a zip
//! (`kioskctl check` accepts it unpacked), and upload a bundle zip: it is unpacked with limits
//! ([`crate::bundle_zip`]), validated, and shown with the report `kioskctl push --dry-run`
//! prints; publishing it is a second step, refused if the content changed in between.

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use fluent_bundle::FluentValue;
use maud::html;
use protocol::content::sha256_hex;
use serde::Deserialize;

use crate::api::PushPlan;
use crate::bundle_zip::{self, ZipError};
use crate::console::gate::{Visit, url_escape};
use crate::console::i18n::{problem, tr, tr_args};
use crate::console::layout::{csrf, internal, notice, page, respond};
use crate::console::upload::{StoreFailure, blob_failure};
use crate::ctl::{PushOutcome, format_push};
use crate::drafting;
use crate::server::AppState;
use crate::storage::{self, DbError, audit, records, time_text};

/// What the page shows under the forms.
enum Outcome {
    None,
    /// A refused upload: the reason, and the bundle's problems if it got that far.
    Refused(String, Vec<protocol::Problem>),
    /// A valid upload: its report and what publishing it needs.
    DryRun {
        report: String,
        sha: String,
        head: u64,
    },
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn render(visit: &Visit, status: StatusCode, done: Option<&str>, outcome: &Outcome) -> Response {
    let lang = visit.lang;
    let body = html! {
        (notice(lang, done))
        section .card #export {
            h2 { (tr(lang, "bundle-export")) }
            p { (tr(lang, "bundle-export-hint")) }
            p { a .button href="/console/content/export.zip" download { (tr(lang, "bundle-download")) } }
        }
        section .card #import {
            h2 { (tr(lang, "bundle-import")) }
            p { (tr(lang, "bundle-import-hint")) }
            form method="post" enctype="multipart/form-data" action={ "/console/content/import?csrf=" (url_escape(&visit.csrf)) } {
                input #bundle-file type="file" name="bundle" accept=".zip,application/zip" required;
                button .primary type="submit" { (tr(lang, "bundle-check")) }
            }
            @match outcome {
                Outcome::None => {}
                Outcome::Refused(reason, problems) => {
                    div .form-error role="alert" #import-refused {
                        p { strong { (reason) } }
                        @if !problems.is_empty() {
                            ul { @for p in problems { li { (problem(lang, p)) } } }
                        }
                    }
                }
                Outcome::DryRun { report, sha, head } => {
                    h3 { (tr(lang, "bundle-dry-run")) }
                    pre #dry-run { (report) }
                    div .actions {
                        form method="post" action={ "/console/content/import/" (sha) "/publish" } {
                            (csrf(visit))
                            input type="hidden" name="head" value=(head);
                            button .primary type="submit" { (tr(lang, "bundle-publish")) }
                        }
                        form method="post" action={ "/console/content/import/" (sha) "/cancel" } {
                            (csrf(visit))
                            button #cancel-import type="submit" { (tr(lang, "bundle-cancel")) }
                        }
                    }
                }
            }
        }
    };
    respond(
        status,
        page(visit, &tr(lang, "bundle-title"), "/console/content", body),
    )
}

pub async fn page_get(visit: Visit, Query(d): Query<Done>) -> Response {
    render(&visit, StatusCode::OK, d.done.as_deref(), &Outcome::None)
}

/// The published content as `DISTRICT-bundle-HEAD.zip`.
pub async fn export(State(state): State<AppState>, visit: Visit) -> Response {
    let read = state
        .db
        .read(|tx| Ok::<_, DbError>((drafting::published(tx)?, records::head(tx)?)))
        .await;
    let (content, head) = match read {
        Ok((Some(c), head)) => (c, head),
        Ok((None, _)) => {
            return crate::console::layout::message_page(
                &visit,
                StatusCode::OK,
                "nav-content",
                "content-nothing-published",
            );
        }
        Err(e) => return internal(&visit, e),
    };
    let folder = format!("{}-bundle-{head}", content.district.id);
    let blobs = state.blobs.clone();
    let name = folder.clone();
    match tokio::task::spawn_blocking(move || bundle_zip::export(&content, &blobs, &name)).await {
        Ok(Ok(bytes)) => (
            [
                (header::CONTENT_TYPE, "application/zip".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{folder}.zip\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(e)) => internal(&visit, e),
        Err(e) => internal(&visit, e),
    }
}

/// The uploaded file's bytes, or why there are none.
async fn uploaded(mut multipart: Multipart) -> Result<Vec<u8>, StatusCode> {
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("bundle") => {
                return match field.bytes().await {
                    Ok(b) if !b.is_empty() => Ok(b.to_vec()),
                    Ok(_) => Err(StatusCode::BAD_REQUEST),
                    Err(e) => Err(e.status()),
                };
            }
            Ok(Some(_)) => {}
            Ok(None) => return Err(StatusCode::BAD_REQUEST),
            Err(e) => return Err(e.status()),
        }
    }
}

/// Unpacks, validates and dry-runs an uploaded bundle zip; keeps it for publishing.
pub async fn import(
    State(state): State<AppState>,
    visit: Visit,
    headers: axum::http::HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let lang = visit.lang;
    let refused = |status: StatusCode, reason: String, problems: Vec<protocol::Problem>| {
        render(&visit, status, None, &Outcome::Refused(reason, problems))
    };
    let bytes = match multipart {
        Ok(m) => uploaded(m).await,
        Err(_) => Err(StatusCode::BAD_REQUEST),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(StatusCode::PAYLOAD_TOO_LARGE) => {
            return refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                tr_args(
                    lang,
                    "bundle-too-large",
                    &[(
                        "mb",
                        FluentValue::from(bundle_zip::MAX_ZIP_BYTES / (1024 * 1024)),
                    )],
                ),
                Vec::new(),
            );
        }
        Err(_) => {
            return refused(
                StatusCode::BAD_REQUEST,
                tr(lang, "bundle-no-file"),
                Vec::new(),
            );
        }
    };
    let sha = sha256_hex(&bytes);
    let blobs = state.blobs.clone();
    let staged = state.staged_imports();
    let stage_sha = sha.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let bundle = bundle_zip::load(&bytes)?;
        let missing: Vec<String> = bundle
            .blobs
            .keys()
            .filter(|sha| !blobs.contains(sha))
            .cloned()
            .collect();
        Ok::<_, ZipError>((bundle, missing, staged.put(&stage_sha, &bytes)))
    })
    .await;
    let (bundle, missing, stage) = match checked {
        Ok(Ok(x)) => x,
        Ok(Err(ZipError::Bundle(e))) => {
            return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                tr(lang, "bundle-invalid"),
                e.problems(),
            );
        }
        Ok(Err(e)) => {
            tracing::info!(error = %e, "bundle zip refused");
            return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                tr_args(
                    lang,
                    "bundle-bad-zip",
                    &[("reason", FluentValue::from(zip_reason(lang, &e)))],
                ),
                Vec::new(),
            );
        }
        Err(e) => return internal(&visit, e),
    };
    if let Err(e) = stage {
        // The zip is kept for its publish step; a disk that cannot take it is said as such.
        tracing::error!(error = %e, "staging an uploaded bundle failed");
        let failure = StoreFailure::of_io(&e);
        return refused(failure.status(), failure.message(lang), Vec::new());
    }
    let content = bundle.content;
    let already_there = bundle.blobs.len() - missing.len();
    let plan = state
        .db
        .read(move |tx| crate::push::plan(tx, &content, missing))
        .await;
    let plan: PushPlan = match plan {
        Ok(p) => p,
        Err(e) => return internal(&visit, e),
    };
    let head = plan.head_before;
    let report = format_push(
        &server_name(&state, &headers),
        &PushOutcome {
            plan,
            uploaded: Vec::new(),
            already_there,
        },
    );
    render(
        &visit,
        StatusCode::OK,
        None,
        &Outcome::DryRun { report, sha, head },
    )
}

/// Why a zip was refused, in the console's language.
fn zip_reason(lang: protocol::text::Lang, e: &ZipError) -> String {
    let named = |id: &str, name: &str| tr_args(lang, id, &[("name", FluentValue::from(name))]);
    match e {
        ZipError::NotAZip(_) => tr(lang, "zip-not-a-zip"),
        ZipError::TooManyEntries => tr_args(
            lang,
            "zip-too-many-entries",
            &[("limit", FluentValue::from(bundle_zip::MAX_ENTRIES))],
        ),
        ZipError::FileTooLarge(name) => named("zip-file-too-large", name),
        ZipError::TooLarge => tr_args(
            lang,
            "zip-too-large",
            &[(
                "mb",
                FluentValue::from(bundle_zip::MAX_UNPACKED_BYTES / (1024 * 1024)),
            )],
        ),
        ZipError::BadPath(name) => named("zip-bad-path", name),
        ZipError::NoManifest => tr(lang, "zip-no-manifest"),
        ZipError::Read { name, .. } => named("zip-unreadable", name),
        // Shown with its problems (each translated) by the caller.
        ZipError::Bundle(_) => tr(lang, "bundle-invalid"),
    }
}

/// The server as the browser reached it (its Host), as kioskctl names the server it talks to.
fn server_name(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(str::to_string)
        .unwrap_or_else(|| state.config.listen.to_string());
    format!("http://{host}")
}

#[derive(Deserialize)]
pub struct PublishForm {
    head: u64,
}

/// Publishes a bundle checked by [`import`]: its images stored, its content applied in one
/// transaction, unless the published content moved since the dry run.
pub async fn publish(
    State(state): State<AppState>,
    visit: Visit,
    Path(sha): Path<String>,
    Form(f): Form<PublishForm>,
) -> Response {
    let lang = visit.lang;
    if !protocol::content::is_sha256_hex(&sha) {
        return crate::console::layout::message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        );
    }
    let staged = state.staged_imports();
    let blobs = state.blobs.clone();
    let read_sha = sha.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        let bytes = staged.read(&read_sha).ok()??;
        let bundle = bundle_zip::load(&bytes).ok()?;
        for (sha, blob) in &bundle.blobs {
            if let Err(e) = blobs.put(sha, &blob.bytes) {
                return Some(Err(blob_failure(&e)));
            }
        }
        Some(Ok(bundle.content))
    })
    .await;
    let content = match loaded {
        Ok(Some(Ok(c))) => c,
        Ok(Some(Err(failure))) => {
            // Images stored before the failure are unused files; the content is unchanged.
            return render(
                &visit,
                failure.status(),
                None,
                &Outcome::Refused(failure.message(lang), Vec::new()),
            );
        }
        Ok(None) => {
            return render(
                &visit,
                StatusCode::NOT_FOUND,
                None,
                &Outcome::Refused(tr(lang, "bundle-gone"), Vec::new()),
            );
        }
        Err(e) => return internal(&visit, e),
    };
    let actor = visit.member().name.clone();
    let result = state
        .db
        .write(move |tx| {
            if records::head(tx)? != f.head {
                return Ok(None);
            }
            let at = Utc::now();
            let now = time_text(at);
            let plan = crate::push::apply(tx, &content, at)?;
            let after = serde_json::to_value(&plan).unwrap_or_default();
            audit::record(
                tx,
                audit::Change {
                    actor: &actor,
                    kind: "content",
                    action: "pushed",
                    target: "bundle (console import)",
                    before: None,
                    after: Some(&after),
                },
                &now,
            )?;
            Ok::<_, storage::DbError>(Some(plan))
        })
        .await;
    match result {
        Ok(Some(plan)) => {
            tracing::info!(
                changes = plan.change_count(),
                head_after = plan.head_after,
                "bundle imported in the console"
            );
            forget_upload(&state, &sha).await;
            Redirect::to("/console/content/bundle?done=bundle-published").into_response()
        }
        Ok(None) => {
            // The head only grows: this dry run can never be published now.
            forget_upload(&state, &sha).await;
            render(
                &visit,
                StatusCode::CONFLICT,
                None,
                &Outcome::Refused(tr(lang, "bundle-changed"), Vec::new()),
            )
        }
        Err(e) => internal(&visit, e),
    }
}

/// Removes a staged upload; a failure is logged (housekeeping collects it after a day).
async fn forget_upload(state: &AppState, sha: &str) -> bool {
    let staged = state.staged_imports();
    let sha = sha.to_string();
    match tokio::task::spawn_blocking(move || staged.remove(&sha)).await {
        Ok(Ok(removed)) => removed,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "removing a staged console upload failed");
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, "removing a staged console upload failed");
            false
        }
    }
}

/// Cancels a dry run: its upload is removed and nothing is published.
pub async fn cancel(
    State(state): State<AppState>,
    visit: Visit,
    Path(sha): Path<String>,
    Form(_f): Form<super::content::Empty>,
) -> Response {
    if !protocol::content::is_sha256_hex(&sha) {
        return crate::console::layout::message_page(
            &visit,
            StatusCode::NOT_FOUND,
            "error-title",
            "error-not-found",
        );
    }
    // Cancelling twice (or after a colleague published it) lands on the same page.
    forget_upload(&state, &sha).await;
    Redirect::to("/console/content/bundle?done=bundle-cancelled").into_response()
}
