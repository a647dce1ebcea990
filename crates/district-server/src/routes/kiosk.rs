//! `POST /v1/heartbeat` and `GET /v1/kiosk`.

use axum::extract::State;
use chrono::Utc;
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
    let head = state
        .db
        .write(move |tx| {
            storage::kiosks::heartbeat(tx, &kiosk.kiosk_id, &hb, &now_text())?;
            Ok::<_, ApiError>(records::head(tx)?)
        })
        .await?;
    Ok(axum::Json(HeartbeatReply {
        server_time: Utc::now().fixed_offset(),
        head,
        screenshot_wanted: false,
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
