//! The console's stylesheet and its one script (progressive enhancement, see `console.js`),
//! embedded in the binary: no build step, nothing fetched from elsewhere.

use axum::http::header;
use axum::response::IntoResponse;

const STYLESHEET: &str = include_str!("../console.css");
const SCRIPT: &str = include_str!("../console.js");

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}
