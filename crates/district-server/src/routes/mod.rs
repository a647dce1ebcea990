//! The HTTP surface: kiosk routes under `/v1/`, staff routes under `/v1/staff/`.

mod blobs;
mod changes;
mod kiosk;
mod staff;
mod submissions;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use protocol::bundle::MAX_IMAGE_BYTES;
use protocol::wire::{
    SCHEMA_HEADER, SCHEMA_QUERY, SCHEMA_VERSION, SUPPORTED_SCHEMAS_HEADER, codes,
};

use crate::error::ApiError;
use crate::server::AppState;

/// Largest JSON body of kiosk routes and small staff routes.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;
/// Largest push (the content JSON of a whole bundle, images excluded).
pub const MAX_PUSH_BYTES: usize = 32 * 1024 * 1024;
/// Largest blob upload: an image at its size limit.
pub const MAX_BLOB_BYTES: usize = MAX_IMAGE_BYTES;

pub fn router(state: AppState) -> Router {
    let kiosk = Router::new()
        .route("/v1/changes", get(changes::changes))
        .route("/v1/blobs/sha256/{sha}", get(blobs::get_blob))
        .route("/v1/submissions", post(submissions::submit))
        .route("/v1/heartbeat", post(kiosk::heartbeat))
        .route("/v1/kiosk", get(kiosk::info));
    let staff = Router::new()
        .route(
            "/v1/staff/push",
            post(staff::push).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route("/v1/staff/blobs/missing", post(staff::missing_blobs))
        .route(
            "/v1/staff/blobs/sha256/{sha}",
            put(staff::put_blob).layer(DefaultBodyLimit::max(MAX_BLOB_BYTES)),
        )
        .route("/v1/staff/kiosks", get(staff::kiosks))
        .route("/v1/staff/wishes", get(staff::wishes))
        .route("/v1/staff/wishes/{id}/{action}", post(staff::decide_wish))
        .route("/v1/staff/claims", get(staff::claims))
        .route("/v1/staff/claims/{id}/{action}", post(staff::decide_claim))
        .route("/v1/staff/events/{id}/signups", get(staff::signups))
        .route("/v1/staff/signups/{id}/cancel", post(staff::cancel_signup));
    Router::new()
        .merge(kiosk)
        .merge(staff)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(schema))
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .route("/healthz", get(|| async { "ok" }))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route; see docs/PROTOCOL.md")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "this route does not take that method; see docs/PROTOCOL.md",
    )
}

/// The schema version a request announces, from the header or the query.
fn requested_schema(req: &Request) -> Option<String> {
    if let Some(v) = req.headers().get(SCHEMA_HEADER) {
        return Some(v.to_str().unwrap_or("").trim().to_string());
    }
    req.uri().query().and_then(|q| {
        q.split('&').find_map(|pair| {
            pair.strip_prefix(SCHEMA_QUERY)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::to_string)
        })
    })
}

/// Refuses clients of another schema with 426 (before anything else happens) and labels every
/// answer with the server's schema.
async fn schema(req: Request, next: Next) -> Response {
    if let Some(v) = requested_schema(&req) {
        match v.parse::<u32>() {
            Ok(SCHEMA_VERSION) => {}
            Ok(other) => {
                return ApiError::new(
                    StatusCode::UPGRADE_REQUIRED,
                    codes::UNSUPPORTED_SCHEMA,
                    format!(
                        "this server speaks schema {SCHEMA_VERSION}, the client {other}; keep your content and update the software"
                    ),
                )
                .with_header(
                    axum::http::HeaderName::from_static(SUPPORTED_SCHEMAS_HEADER),
                    HeaderValue::from(SCHEMA_VERSION),
                )
                .into_response();
            }
            Err(_) => {
                return ApiError::bad_request(format!(
                    "`{SCHEMA_HEADER}` must be a number, got `{v}`"
                ))
                .into_response();
            }
        }
    }
    let mut response = next.run(req).await;
    response.headers_mut().insert(
        axum::http::HeaderName::from_static(SCHEMA_HEADER),
        HeaderValue::from(SCHEMA_VERSION),
    );
    response
}

/// Whether an `If-None-Match` value matches `etag`.
pub(crate) fn etag_matches(if_none_match: Option<&HeaderValue>, etag: &str) -> bool {
    let Some(value) = if_none_match.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    value
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}
