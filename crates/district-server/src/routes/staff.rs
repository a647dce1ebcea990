//! Staff routes: push content and images, moderate wishes and offers to fulfil them, read and
//! cancel sign-ups, read kiosk health, post and end urgent notices.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use protocol::bundle::check_blob;
use protocol::content::{Kind, Notice, Record, WishStatus, is_sha256_hex, sha256_hex};
use protocol::wire::codes;
use serde::Deserialize;

use chrono::Utc;

use crate::api::{
    BlobQuery, CancelledSignup, ClaimDecision, ClaimList, ClaimOutcome, ClaimStatus, EventSignups,
    KioskList, MissingBlobs, NoticeList, NoticePost, OccurrenceSignups, PushPlan, PushRequest,
    WishDecision, WishList, WishRow,
};
use crate::auth::StaffAuth;
use crate::claims::{self, ClaimAction};
use crate::error::{ApiError, Json, Path, Query};
use crate::server::AppState;
use crate::storage::{self, now_text, records, time_text};
use crate::wishes::{self, Action};
use crate::{availability, push};

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)
}

pub async fn push(
    State(state): State<AppState>,
    staff: StaffAuth,
    Json(req): Json<PushRequest>,
) -> Result<axum::Json<PushPlan>, ApiError> {
    let store = state.blobs.clone();
    let dry_run = req.dry_run;
    let (missing, checked) = blocking(move || {
        let missing: Vec<String> = push::referenced_blobs(&req.content)
            .into_iter()
            .filter(|sha| is_sha256_hex(sha) && !store.contains(sha))
            .collect();
        if !dry_run && !missing.is_empty() {
            return (missing, None);
        }
        let skip = if dry_run { missing.clone() } else { Vec::new() };
        let checked = push::validate(&req.content, &store, &skip);
        (missing, Some(checked))
    })
    .await?;
    let content = match checked {
        None => {
            return Err(unprocessable(
                codes::MISSING_BLOBS,
                format!(
                    "the content references {} image(s) the server does not have; upload them first (PUT /v1/staff/blobs/sha256/HEX), then push again",
                    missing.len()
                ),
            )
            .with_details(missing));
        }
        Some(Err(problems)) => {
            return Err(unprocessable(
                codes::INVALID_BUNDLE,
                format!(
                    "the content was refused and nothing changed: {} problem(s)",
                    problems.len()
                ),
            )
            .with_details(problems));
        }
        Some(Ok(content)) => content,
    };
    let plan = if dry_run {
        state
            .db
            .read(move |tx| Ok::<_, ApiError>(push::plan(tx, &content, missing)?))
            .await?
    } else {
        state
            .db
            .write(move |tx| {
                let at = Utc::now();
                let now = time_text(at);
                let plan = push::apply(tx, &content, at)?;
                if plan.change_count() > 0 || plan.district_changed {
                    let after = serde_json::to_value(&plan).unwrap_or_default();
                    storage::audit::record(
                        tx,
                        storage::audit::Change {
                            actor: &staff.actor,
                            kind: "content",
                            action: "pushed",
                            target: "bundle",
                            before: None,
                            after: Some(&after),
                        },
                        &now,
                    )?;
                }
                Ok::<_, ApiError>(plan)
            })
            .await?
    };
    tracing::info!(
        dry_run,
        changes = plan.change_count(),
        head_before = plan.head_before,
        head_after = plan.head_after,
        "push"
    );
    Ok(axum::Json(plan))
}

pub async fn missing_blobs(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Json(q): Json<BlobQuery>,
) -> Result<axum::Json<MissingBlobs>, ApiError> {
    if let Some(bad) = q.sha256.iter().find(|s| !is_sha256_hex(s)) {
        return Err(ApiError::bad_request(format!(
            "`{bad}` is not a blob name: 64 lower-case hex digits"
        )));
    }
    let store = state.blobs.clone();
    let missing = blocking(move || {
        q.sha256
            .into_iter()
            .filter(|s| !store.contains(s))
            .collect::<Vec<_>>()
    })
    .await?;
    Ok(axum::Json(MissingBlobs { missing }))
}

#[derive(Debug, serde::Serialize)]
struct Stored {
    sha256: String,
    created: bool,
}

pub async fn put_blob(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Path(sha): Path<String>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body?;
    if !is_sha256_hex(&sha) {
        return Err(ApiError::bad_request(format!(
            "`{sha}` is not a blob name: 64 lower-case hex digits"
        )));
    }
    let store = state.blobs.clone();
    let name = sha.clone();
    let created = blocking(move || {
        let actual = sha256_hex(&body);
        if actual != name {
            return Err(unprocessable(
                codes::INVALID_BLOB,
                format!(
                    "the body hashes to {actual}, not {name}: the upload is damaged or misnamed"
                ),
            ));
        }
        check_blob(&body).map_err(|m| {
            unprocessable(codes::INVALID_BLOB, format!("blob {name} is refused: {m}"))
        })?;
        Ok(store.put(&name, &body)?)
    })
    .await??;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(Stored {
            sha256: sha,
            created,
        }),
    )
        .into_response())
}

pub async fn kiosks(
    State(state): State<AppState>,
    _staff: StaffAuth,
) -> Result<axum::Json<KioskList>, ApiError> {
    let list = state
        .db
        .read(|tx| {
            Ok::<_, ApiError>(KioskList {
                head: records::head(tx)?,
                kiosks: storage::kiosks::list(tx)?,
            })
        })
        .await?;
    Ok(axum::Json(list))
}

#[derive(Debug, Deserialize)]
pub struct WishQuery {
    status: Option<String>,
}

pub async fn wishes(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Query(q): Query<WishQuery>,
) -> Result<axum::Json<WishList>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("all") => None,
        Some(s) => Some(s.parse::<WishStatus>().map_err(ApiError::bad_request)?),
    };
    let list = state
        .db
        .read(move |tx| Ok::<_, ApiError>(storage::wishes::list(tx, status)?))
        .await?;
    Ok(axum::Json(WishList { wishes: list }))
}

pub async fn decide_wish(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path((id, action)): Path<(String, String)>,
    Json(decision): Json<WishDecision>,
) -> Result<axum::Json<WishRow>, ApiError> {
    let action: Action = action.parse().map_err(ApiError::not_found)?;
    let row = state
        .db
        .write(move |tx| {
            let now = now_text();
            let before = storage::wishes::get(tx, &id)?;
            let row = wishes::decide(tx, &id, action, &decision, &now)?;
            let json = |w: &WishRow| serde_json::to_value(w).unwrap_or_default();
            storage::audit::record(
                tx,
                storage::audit::Change {
                    actor: &staff.actor,
                    kind: "wish",
                    action: action.done(),
                    target: &id,
                    before: before.as_ref().map(json).as_ref(),
                    after: Some(&json(&row)),
                },
                &now,
            )?;
            Ok::<_, ApiError>(row)
        })
        .await?;
    tracing::info!(wish = %row.id, status = ?row.status, "wish decided");
    Ok(axum::Json(row))
}

pub async fn signups(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Path(event): Path<String>,
) -> Result<axum::Json<EventSignups>, ApiError> {
    let answer = state
        .db
        .read(move |tx| {
            let published = match records::get(tx, Kind::Event, &event)? {
                Some(Record::Event(e)) => Some(e),
                _ => None,
            };
            let capacity = match &published {
                Some(e) => availability::capacity(tx, e)?,
                None => None,
            };
            let mut occurrences: Vec<OccurrenceSignups> = Vec::new();
            for stored in storage::signups::of_event(tx, &event)? {
                let taken = if stored.signup.cancelled_at.is_none() {
                    stored.signup.party_size
                } else {
                    0
                };
                match occurrences.last_mut() {
                    Some(o) if o.start == stored.occurrence => {
                        o.taken += taken;
                        o.signups.push(stored.signup);
                    }
                    _ => occurrences.push(OccurrenceSignups {
                        start: stored.occurrence,
                        taken,
                        signups: vec![stored.signup],
                    }),
                }
            }
            if published.is_none() && occurrences.is_empty() {
                return Err(ApiError::not_found(format!(
                    "no event `{event}` is published and none has sign-ups"
                )));
            }
            Ok(EventSignups {
                title: published.as_ref().map(|e| e.title.clone()),
                event,
                capacity,
                occurrences,
            })
        })
        .await?;
    Ok(axum::Json(answer))
}

/// Cancels a sign-up (the visitor called to say they cannot come): its seats are free again
/// and every kiosk hears so through the occurrence's availability record.
pub async fn cancel_signup(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<axum::Json<CancelledSignup>, ApiError> {
    let answer = state
        .db
        .write(move |tx| {
            availability::cancel_signup(tx, &id, Utc::now()).map_err(|e| match e {
                availability::CancelError::NotFound(_) => ApiError::not_found(e.to_string()),
                availability::CancelError::AlreadyCancelled(_) => ApiError::conflict(e.to_string()),
                availability::CancelError::Db(db) => ApiError::from(db),
            })
        })
        .await?;
    tracing::info!(signup = %answer.signup.id, event = %answer.event, "sign-up cancelled");
    Ok(axum::Json(answer))
}

#[derive(Debug, Deserialize)]
pub struct ClaimQuery {
    status: Option<String>,
    wish: Option<String>,
}

pub async fn claims(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Query(q): Query<ClaimQuery>,
) -> Result<axum::Json<ClaimList>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("all") => None,
        Some(s) => Some(s.parse::<ClaimStatus>().map_err(ApiError::bad_request)?),
    };
    let list = state
        .db
        .read(move |tx| Ok::<_, ApiError>(storage::claims::list(tx, status, q.wish.as_deref())?))
        .await?;
    Ok(axum::Json(ClaimList { claims: list }))
}

pub async fn decide_claim(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Path((id, action)): Path<(String, String)>,
    Json(decision): Json<ClaimDecision>,
) -> Result<axum::Json<ClaimOutcome>, ApiError> {
    let action: ClaimAction = action.parse().map_err(ApiError::not_found)?;
    let outcome = state
        .db
        .write(move |tx| claims::decide(tx, &id, action, &decision, &now_text()))
        .await?;
    tracing::info!(claim = %outcome.claim.id, status = ?outcome.claim.status, wish = %outcome.wish.id, "claim decided");
    Ok(axum::Json(outcome))
}

fn notice_error(e: crate::notices::NoticeError) -> ApiError {
    use crate::notices::NoticeError as E;
    match e {
        E::Invalid(problems) => {
            unprocessable(codes::INVALID_NOTICE, "the notice was refused").with_details(problems)
        }
        E::UnknownStation(_) => unprocessable(codes::INVALID_NOTICE, e.to_string()),
        E::IdTaken(_) => ApiError::conflict(e.to_string()),
        E::NotFound(_) => ApiError::not_found(e.to_string()),
        E::Db(db) => db.into(),
    }
}

pub async fn notices(
    State(state): State<AppState>,
    _staff: StaffAuth,
) -> Result<axum::Json<NoticeList>, ApiError> {
    let notices = state
        .db
        .read(|tx| Ok::<_, ApiError>(crate::notices::list(tx)?))
        .await?;
    Ok(axum::Json(NoticeList { notices }))
}

/// Posts an urgent notice: `201` with it, or `200` with the one an identical earlier post made.
pub async fn post_notice(
    State(state): State<AppState>,
    staff: StaffAuth,
    Json(post): Json<NoticePost>,
) -> Result<Response, ApiError> {
    let (notice, new) = state
        .db
        .write(move |tx| {
            let now = Utc::now();
            let (notice, new) = crate::notices::post(tx, &post, now).map_err(notice_error)?;
            if new {
                crate::notices::audit(
                    tx,
                    &staff.actor,
                    "posted",
                    None,
                    Some(&notice),
                    &time_text(now),
                )?;
            }
            Ok::<_, ApiError>((notice, new))
        })
        .await?;
    tracing::info!(notice = %notice.id, scope = ?notice.scope, new, "notice posted");
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(notice)).into_response())
}

/// Ends a notice now: it leaves the feed.
pub async fn end_notice(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<axum::Json<Notice>, ApiError> {
    let notice = state
        .db
        .write(move |tx| {
            let now = Utc::now();
            let notice = crate::notices::end(tx, &id, now).map_err(notice_error)?;
            crate::notices::audit(
                tx,
                &staff.actor,
                "ended",
                Some(&notice),
                None,
                &time_text(now),
            )?;
            Ok::<_, ApiError>(notice)
        })
        .await?;
    tracing::info!(notice = %notice.id, "notice ended");
    Ok(axum::Json(notice))
}
