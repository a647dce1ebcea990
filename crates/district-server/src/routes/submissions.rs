//! `POST /v1/submissions`: a kiosk's outbox items, each answered on its own.

use axum::extract::State;
use chrono::Utc;
use protocol::wire::{MAX_SUBMISSIONS_PER_REQUEST, SubmissionResults};
use serde::Deserialize;

use crate::auth::KioskAuth;
use crate::error::{ApiError, Json};
use crate::server::AppState;
use crate::submissions::{self, Sender};

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
    let results = state
        .db
        .write(move |tx| {
            let sender = Sender {
                kiosk_id: &kiosk.kiosk_id,
                station: &kiosk.station,
            };
            Ok::<_, ApiError>(submissions::process(tx, sender, items, Utc::now())?)
        })
        .await?;
    for r in &results {
        // `?`: an id or a message from the network is logged escaped, so a `\n` or an ANSI
        // escape in it can neither forge a log line nor colour the log.
        tracing::info!(id = ?r.id, status = ?r.status, message = ?r.message, "submission");
    }
    Ok(axum::Json(SubmissionResults { results }))
}
