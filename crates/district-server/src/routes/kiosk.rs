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
use crate::storage::kiosks::StoredBeat;
use crate::storage::{self, now_text, records};

/// A heartbeat that reports what the kiosk's stored one did is stored again only once that one
/// is this old: the console says "online now" for a kiosk seen within the last minute, so a
/// `last_seen_at` up to this old still reads true there, and 1,000 kiosks beating every 5 s
/// cost 33 writes a second instead of 200.
pub const REWRITE_AFTER: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// How far the kiosk's clock may have moved against the server's since the stored beat for the
/// beat to count as unchanged (network delays move it by fractions of a second).
const SKEW_TOLERANCE_SECS: i64 = 2;

/// Whether `hb`, arriving `now`, says nothing the stored beat does not: the same version,
/// content, outbox and free disk, a clock as far off within [`SKEW_TOLERANCE_SECS`], and the
/// stored one not older than [`REWRITE_AFTER`]. Read from the database, not remembered, so a
/// row changed by anyone else is judged as it is.
fn unchanged(stored: &StoredBeat, hb: &Heartbeat, now: chrono::DateTime<Utc>) -> bool {
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
    let (Some(seen), Some(clock)) = (parse(&stored.last_seen_at), parse(&stored.kiosk_clock))
    else {
        return false;
    };
    let age = now - seen.with_timezone(&Utc);
    let skew_then = (clock - seen).num_seconds();
    let skew_now = (hb.clock.with_timezone(&Utc) - now).num_seconds();
    age >= chrono::TimeDelta::zero()
        && age < REWRITE_AFTER
        && (skew_now - skew_then).abs() <= SKEW_TOLERANCE_SECS
        && stored.kiosk_version == hb.kiosk_version.chars().take(64).collect::<String>()
        && stored.content_seq == hb.content_seq
        && stored.outbox_depth == hb.outbox_depth
        && stored.free_disk_bytes == hb.free_disk_bytes
}

/// Stores the heartbeat, unless it is [`unchanged`]: then a read instead of a commit (with its
/// fsync, through the single writer). Both answer alike.
pub async fn heartbeat(
    State(state): State<AppState>,
    kiosk: KioskAuth,
    Json(hb): Json<Heartbeat>,
) -> Result<axum::Json<HeartbeatReply>, ApiError> {
    let id = kiosk.kiosk_id.clone();
    let (hb, seen) = state
        .db
        .read(move |tx| {
            let stored = storage::kiosks::last_beat(tx, &id)?;
            if stored.is_some_and(|s| unchanged(&s, &hb, Utc::now())) {
                let wanted = storage::kiosk_admin::screenshot_state(tx, &id)?.pending();
                return Ok::<_, ApiError>((hb, Some((records::head(tx)?, wanted))));
            }
            Ok((hb, None))
        })
        .await?;
    let (head, screenshot_wanted) = match seen {
        Some(answer) => answer,
        None => {
            let id = kiosk.kiosk_id.clone();
            state
                .db
                .write(move |tx| {
                    storage::kiosks::heartbeat(tx, &id, &hb, &now_text())?;
                    let wanted = storage::kiosk_admin::screenshot_state(tx, &id)?.pending();
                    Ok::<_, ApiError>((records::head(tx)?, wanted))
                })
                .await?
        }
    };
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
