//! The HTTP surface: kiosk routes under `/v1/`, staff routes under `/v1/staff/`.

mod blobs;
mod changes;
mod kiosk;
mod staff;
mod submissions;

pub use kiosk::REWRITE_AFTER;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::Method;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::routing::{get, post, put};
use axum::{Extension, Router};
use protocol::bundle::MAX_IMAGE_BYTES;
use protocol::wire::{
    MAX_SCREENSHOT_BYTES, SCHEMA_HEADER, SCHEMA_QUERY, SCHEMA_VERSION, SCREENSHOT_PATH,
    SUPPORTED_SCHEMAS_HEADER, codes,
};

use crate::accounts::{ADMINS, Access, EDITORS, MODERATORS};
use crate::error::ApiError;
use crate::server::AppState;

/// Largest JSON body of kiosk routes and small staff routes.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;
/// Largest push (the content JSON of a whole bundle, images excluded).
pub const MAX_PUSH_BYTES: usize = 32 * 1024 * 1024;
/// Largest blob upload: an image at its size limit.
pub const MAX_BLOB_BYTES: usize = MAX_IMAGE_BYTES;

/// Who may call an API route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A kiosk token.
    Kiosk,
    /// The operator's staff token, or a personal token whose owner's role passes.
    Staff(Access),
}

/// One API route: method, path (axum syntax), who may call it, and its handler.
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    pub audience: Audience,
    pub handler: MethodRouter<AppState>,
}

/// Every `/v1/` route. The router and the security tests both read this table.
pub fn api_routes() -> Vec<ApiRoute> {
    use Audience::{Kiosk, Staff};
    use Method as M;
    let r = |method, path, audience, handler| ApiRoute {
        method,
        path,
        audience,
        handler,
    };
    vec![
        r(M::GET, "/v1/changes", Kiosk, get(changes::changes)),
        r(
            M::GET,
            "/v1/blobs/sha256/{sha}",
            Kiosk,
            get(blobs::get_blob),
        ),
        r(M::POST, "/v1/submissions", Kiosk, post(submissions::submit)),
        r(M::POST, "/v1/heartbeat", Kiosk, post(kiosk::heartbeat)),
        r(M::GET, "/v1/kiosk", Kiosk, get(kiosk::info)),
        r(
            M::PUT,
            SCREENSHOT_PATH,
            Kiosk,
            put(kiosk::screenshot).layer(DefaultBodyLimit::max(MAX_SCREENSHOT_BYTES)),
        ),
        r(
            M::POST,
            "/v1/staff/push",
            Staff(EDITORS),
            post(staff::push).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        ),
        r(
            M::POST,
            "/v1/staff/blobs/missing",
            Staff(EDITORS),
            post(staff::missing_blobs),
        ),
        r(
            M::PUT,
            "/v1/staff/blobs/sha256/{sha}",
            Staff(EDITORS),
            put(staff::put_blob).layer(DefaultBodyLimit::max(MAX_BLOB_BYTES)),
        ),
        r(
            M::GET,
            "/v1/staff/kiosks",
            Staff(ADMINS),
            get(staff::kiosks),
        ),
        r(
            M::GET,
            "/v1/staff/wishes",
            Staff(MODERATORS),
            get(staff::wishes),
        ),
        r(
            M::POST,
            "/v1/staff/wishes/{id}/{action}",
            Staff(MODERATORS),
            post(staff::decide_wish),
        ),
        r(
            M::GET,
            "/v1/staff/claims",
            Staff(MODERATORS),
            get(staff::claims),
        ),
        r(
            M::POST,
            "/v1/staff/claims/{id}/{action}",
            Staff(MODERATORS),
            post(staff::decide_claim),
        ),
        r(
            M::GET,
            "/v1/staff/events/{id}/signups",
            Staff(MODERATORS),
            get(staff::signups),
        ),
        r(
            M::POST,
            "/v1/staff/signups/{id}/cancel",
            Staff(MODERATORS),
            post(staff::cancel_signup),
        ),
        // Urgent notices are publishing: editors and admins, like content. Moderators look
        // after what visitors write, not what the district announces.
        r(
            M::GET,
            "/v1/staff/notices",
            Staff(EDITORS),
            get(staff::notices),
        ),
        r(
            M::POST,
            "/v1/staff/notices",
            Staff(EDITORS),
            post(staff::post_notice),
        ),
        r(
            M::POST,
            "/v1/staff/notices/{id}/end",
            Staff(EDITORS),
            post(staff::end_notice),
        ),
    ]
}

pub fn router(state: AppState) -> Router {
    let mut api = Router::new();
    for route in api_routes() {
        let handler = match route.audience {
            // The staff extractor checks the member's role against this.
            Audience::Staff(access) => route.handler.layer(Extension(access)),
            Audience::Kiosk => route.handler,
        };
        api = api.route(route.path, handler);
    }
    let console = crate::console::router(&state);
    Router::new()
        .merge(api)
        .merge(console)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(schema))
        .layer(axum::middleware::from_fn(close_after_refused_body))
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .route("/healthz", get(|| async { "ok" }))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// A request whose body was refused (too large, no CSRF token, not allowed) may be answered
/// before the server read that body; the server then does not reuse the connection, and says so
/// with `Connection: close`, so a client does not send its next request into a connection
/// that is being closed (it would fail as an incomplete message).
async fn close_after_refused_body(request: Request, next: Next) -> Response {
    let has_body = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() != "0")
        || request.headers().contains_key(header::TRANSFER_ENCODING);
    let mut response = next.run(request).await;
    if has_body && response.status().is_client_error() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
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
