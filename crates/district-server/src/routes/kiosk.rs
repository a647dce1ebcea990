//! `POST /v1/heartbeat`, `PUT /v1/kiosk/screenshot` and `GET /v1/kiosk`.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::Utc;
use protocol::bundle::check_image;
use protocol::wire::codes;
use protocol::wire::{Heartbeat, HeartbeatReply, KioskInfo, SCHEMA_VERSION};

use crate::auth::KioskAuth;
use crate::error::{ApiError, Json};
use crate::server::AppState;
use crate::storage::{self, now_text, records};

pub async fn heartbeat(
    State(state): State<AppState>,
    kiosk: KioskAuth,
    Json(hb): Json<Heartbeat>,
) -> Result<axum::Json<HeartbeatReply>, ApiError> {
    let (head, screenshot_wanted) = state
        .db
        .write(move |tx| {
            storage::kiosks::heartbeat(tx, &kiosk.kiosk_id, &hb, &now_text())?;
            let wanted = storage::kiosk_admin::screenshot_state(tx, &kiosk.kiosk_id)?.pending();
            Ok::<_, ApiError>((records::head(tx)?, wanted))
        })
        .await?;
    Ok(axum::Json(HeartbeatReply {
        server_time: Utc::now().fixed_offset(),
        head,
        screenshot_wanted,
    }))
}

pub async fn info(
    State(state): State<AppState>,
    kiosk: KioskAuth,
) -> Result<axum::Json<KioskInfo>, ApiError> {
    let (district, head) = state
        .db
        .read(|tx| Ok::<_, ApiError>((storage::meta::district(tx)?, records::head(tx)?)))
        .await?;
    Ok(axum::Json(KioskInfo {
        kiosk_id: kiosk.kiosk_id,
        station: kiosk.station,
        district,
        head,
        schema_version: SCHEMA_VERSION,
    }))
}

/// Stores the screenshot staff asked for: a complete PNG within the limits, or nothing.
pub async fn screenshot(
    State(state): State<AppState>,
    kiosk: KioskAuth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body?;
    let is_png = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("image/png"));
    if !is_png {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::UNSUPPORTED_MEDIA_TYPE,
            "send the screenshot as `Content-Type: image/png`",
        ));
    }
    let checked = tokio::task::spawn_blocking(move || {
        check_image(&body)
            .map_err(|p| p.to_string())
            .and_then(|blob| {
                if blob.mime == "image/png" {
                    Ok((body, blob.width, blob.height))
                } else {
                    Err("not a PNG image".into())
                }
            })
    })
    .await
    .map_err(ApiError::internal)?;
    let (png, width, height) = checked.map_err(|m| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::INVALID_BLOB,
            format!("the screenshot is refused: {m}"),
        )
    })?;
    let id = kiosk.kiosk_id.clone();
    state
        .db
        .write(move |tx| {
            storage::kiosk_admin::store_screenshot(tx, &id, &png, width, height, &now_text())
        })
        .await?;
    tracing::info!(kiosk = %kiosk.kiosk_id, width, height, "screenshot received");
    Ok(StatusCode::NO_CONTENT)
}
