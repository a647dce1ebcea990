//! `POST /v1/heartbeat`, `PUT /v1/kiosk/screenshot` and `GET /v1/kiosk`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// A heartbeat that reports what the last one written for the same token did is written again
/// only after this long: the console says "online now" for a kiosk seen within the last
/// minute, so `last_seen_at` up to this old still reads true there, and 1,000 kiosks beating
/// every 5 s cost 33 writes a second instead of 200.
pub const REWRITE_AFTER: Duration = Duration::from_secs(30);

/// How far the kiosk's clock may have moved against the server's since the last written beat
/// for the beat to count as unchanged (network delays move it by fractions of a second).
const SKEW_TOLERANCE_SECS: i64 = 2;

/// Past this many remembered tokens, those older than [`REWRITE_AFTER`] are forgotten.
const REMEMBERED: usize = 10_000;

/// What a heartbeat reports, as the console shows it: an equal report within
/// [`REWRITE_AFTER`] is not written again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Report {
    kiosk_version: String,
    content_seq: u64,
    outbox_depth: u64,
    free_disk_bytes: Option<u64>,
    /// The kiosk's clock minus the server's, in seconds.
    skew_secs: i64,
}

impl Report {
    fn of(hb: &Heartbeat, now: chrono::DateTime<Utc>) -> Report {
        Report {
            kiosk_version: hb.kiosk_version.chars().take(64).collect(),
            content_seq: hb.content_seq,
            outbox_depth: hb.outbox_depth,
            free_disk_bytes: hb.free_disk_bytes,
            skew_secs: (hb.clock.with_timezone(&Utc) - now).num_seconds(),
        }
    }

    fn same_as(&self, written: &Report) -> bool {
        (self.skew_secs - written.skew_secs).abs() <= SKEW_TOLERANCE_SECS
            && Report {
                skew_secs: written.skew_secs,
                ..self.clone()
            } == *written
    }
}

/// The heartbeats this server wrote lately, by the hash of the kiosk's token (a new token, or
/// a kiosk removed and registered again under its name, starts afresh), so an unchanged beat
/// within [`REWRITE_AFTER`] costs a read instead of a write (a commit with its fsync through
/// the single writer). Any change the console shows (version, content, outbox, free disk, a
/// clock that moved) is written at once. In memory: a restarted server writes each kiosk's
/// first beat.
#[derive(Default)]
pub struct RecentBeats {
    written: Mutex<HashMap<String, (Report, Instant)>>,
}

impl RecentBeats {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Report, Instant)>> {
        self.written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn is_unchanged(&self, token_hash: &str, report: &Report, now: Instant) -> bool {
        self.lock().get(token_hash).is_some_and(|(written, at)| {
            now.duration_since(*at) < REWRITE_AFTER && report.same_as(written)
        })
    }

    fn wrote(&self, token_hash: String, report: Report, at: Instant) {
        let mut written = self.lock();
        if written.len() >= REMEMBERED {
            written.retain(|_, (_, t)| at.duration_since(*t) < REWRITE_AFTER);
        }
        written.insert(token_hash, (report, at));
    }
}

pub async fn heartbeat(
    State(state): State<AppState>,
    kiosk: KioskAuth,
    Json(hb): Json<Heartbeat>,
) -> Result<axum::Json<HeartbeatReply>, ApiError> {
    let (report, now) = (Report::of(&hb, Utc::now()), Instant::now());
    let id = kiosk.kiosk_id.clone();
    let (head, screenshot_wanted) = if state.beats.is_unchanged(&kiosk.token_hash, &report, now) {
        state
            .db
            .read(move |tx| {
                let wanted = storage::kiosk_admin::screenshot_state(tx, &id)?.pending();
                Ok::<_, ApiError>((records::head(tx)?, wanted))
            })
            .await?
    } else {
        let answer = state
            .db
            .write(move |tx| {
                storage::kiosks::heartbeat(tx, &id, &hb, &now_text())?;
                let wanted = storage::kiosk_admin::screenshot_state(tx, &id)?.pending();
                Ok::<_, ApiError>((records::head(tx)?, wanted))
            })
            .await?;
        state.beats.wrote(kiosk.token_hash, report, now);
        answer
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
