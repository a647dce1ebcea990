//! `POST /v1/submissions`: a kiosk's outbox items, each answered on its own; `429` with
//! `Retry-After` when the kiosk is over its hourly cap.

use axum::extract::State;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use chrono::Utc;
use protocol::wire::{MAX_SUBMISSIONS_PER_REQUEST, SubmissionResults, codes};
use serde::Deserialize;

use crate::auth::KioskAuth;
use crate::error::{ApiError, Json};
use crate::server::AppState;
use crate::submissions::{self, Processed, Sender};

/// The request read loosely, so one malformed item is rejected alone instead of failing all;
/// a field next to `items` is refused with the whole request (nothing of it is stored).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    items: Vec<serde_json::Value>,
}

pub async fn submit(
    State(state): State<AppState>,
    kiosk: KioskAuth,
    Json(batch): Json<RawBatch>,
) -> Result<axum::Json<SubmissionResults>, ApiError> {
    if batch.items.len() > MAX_SUBMISSIONS_PER_REQUEST {
        return Err(ApiError::bad_request(format!(
            "{} items in one request; send at most {MAX_SUBMISSIONS_PER_REQUEST}",
            batch.items.len()
        )));
    }
    let items = batch
        .items
        .into_iter()
        .enumerate()
        .map(|(i, v)| submissions::read_item(i, v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::bad_request)?;
    let cap = state.config.max_submissions_per_kiosk_hour;
    let kiosk_id = kiosk.kiosk_id.clone();
    let processed = state
        .db
        .write(move |tx| {
            let sender = Sender {
                kiosk_id: &kiosk.kiosk_id,
                station: &kiosk.station,
            };
            Ok::<_, ApiError>(submissions::process(tx, sender, items, Utc::now(), cap)?)
        })
        .await?;
    let results = match processed {
        Processed::Answered { results, held_back } => {
            if held_back > 0 {
                tracing::info!(
                    kiosk = ?kiosk_id,
                    held_back,
                    cap,
                    "submissions past the hourly cap left for later"
                );
            }
            results
        }
        Processed::OverCap { retry_after_secs } => {
            tracing::warn!(
                kiosk = ?kiosk_id,
                cap,
                retry_after_secs,
                "kiosk over its hourly submission cap"
            );
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::TOO_MANY_SUBMISSIONS,
                format!(
                    "this kiosk has handed in {cap} items within the last hour, the most allowed; keep them and send them again in {retry_after_secs} s"
                ),
            )
            .with_header(RETRY_AFTER, HeaderValue::from(retry_after_secs)));
        }
    };
    for r in &results {
        // `?`: an id or a message from the network is logged escaped, so a `\n` or an ANSI
        // escape in it can neither forge a log line nor colour the log.
        tracing::info!(id = ?r.id, status = ?r.status, message = ?r.message, "submission");
    }
    Ok(axum::Json(SubmissionResults { results }))
}
