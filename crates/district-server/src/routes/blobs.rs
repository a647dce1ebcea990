//! `GET /v1/blobs/sha256/{hex}`: immutable image bytes, verified before they are first served
//! (see [`crate::blobs`]), streamed from disk, with single-range `Range` requests for resuming.
//! A `304` reads nothing but the file's first bytes; a `Range` answer reads only its part.

use std::io::SeekFrom;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use protocol::content::is_sha256_hex;
use protocol::wire::codes;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use crate::auth::KioskAuth;
use crate::error::{ApiError, Path};
use crate::server::AppState;

/// Which bytes to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Full,
    /// Inclusive byte range.
    Part(u64, u64),
    Unsatisfiable,
}

/// Reads a `Range` header against a length. Only single `bytes=` ranges are honoured; other
/// forms are ignored (the whole blob is sent), as RFC 9110 allows.
pub fn parse_range(value: &str, len: u64) -> Span {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Span::Full;
    };
    if spec.contains(',') {
        return Span::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Span::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        return match b.parse::<u64>() {
            Ok(0) => Span::Unsatisfiable,
            Ok(n) if len > 0 => Span::Part(len.saturating_sub(n), len - 1),
            Ok(_) => Span::Unsatisfiable,
            Err(_) => Span::Full,
        };
    }
    let Ok(start) = a.parse::<u64>() else {
        return Span::Full;
    };
    if start >= len {
        return Span::Unsatisfiable;
    }
    let end = if b.is_empty() {
        len - 1
    } else {
        match b.parse::<u64>() {
            Ok(e) if e >= start => e.min(len - 1),
            _ => return Span::Full,
        }
    };
    Span::Part(start, end)
}

/// Bytes read from disk at a time while streaming a blob. Each read of a `tokio::fs::File` is a
/// trip to the blocking pool: at `ReaderStream`'s default of 4 KiB a 300 KB photo took 75 of
/// them (75,000 for a kiosk's first sync of 1,000 pictures); at 256 KiB it takes two, and a
/// download still holds at most this much of a blob in memory.
const CHUNK: usize = 256 * 1024;

/// How many bytes [`mime`] looks at.
const MAGIC_LEN: usize = 8;

fn mime(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else if bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .trim_ascii_start()
        .starts_with(b"<")
    {
        // Only a section's icon, checked as SVG when it was stored, starts like XML.
        "image/svg+xml"
    } else {
        "application/octet-stream"
    }
}

pub async fn get_blob(
    State(state): State<AppState>,
    _kiosk: KioskAuth,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !is_sha256_hex(&sha) {
        return Err(ApiError::bad_request(format!(
            "`{sha}` is not a blob name: 64 lower-case hex digits"
        )));
    }
    let store = state.blobs.clone();
    let name = sha.clone();
    let blob = tokio::task::spawn_blocking(move || {
        let _span = tracing::debug_span!("server.blob.open_verified").entered();
        store.open_verified(&name)
    })
    .await
    .map_err(ApiError::internal)??
    .ok_or_else(|| ApiError::not_found(format!("the server has no blob {sha}")))?;
    let len = blob.len;
    let mut file = tokio::fs::File::from_std(blob.file);
    let mut magic = [0u8; MAGIC_LEN];
    let mut got = 0;
    while got < MAGIC_LEN {
        match file
            .read(&mut magic[got..])
            .await
            .map_err(ApiError::internal)?
        {
            0 => break,
            n => got += n,
        }
    }
    let content_type = mime(&magic[..got]);
    let etag = format!("\"{sha}\"");
    let mut span = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(r) => parse_range(r, len),
        None => Span::Full,
    };
    if let Some(if_range) = headers.get(header::IF_RANGE)
        && if_range.to_str().ok() != Some(etag.as_str())
    {
        span = Span::Full;
    }
    let not_modified = super::etag_matches(headers.get(header::IF_NONE_MATCH), &etag);
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match span {
            Span::Full => {
                file.seek(SeekFrom::Start(0))
                    .await
                    .map_err(ApiError::internal)?;
                let body = Body::from_stream(ReaderStream::with_capacity(file.take(len), CHUNK));
                let mut r = (StatusCode::OK, body).into_response();
                r.headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
                r
            }
            Span::Part(start, end) => {
                file.seek(SeekFrom::Start(start))
                    .await
                    .map_err(ApiError::internal)?;
                let part_len = end - start + 1;
                let body =
                    Body::from_stream(ReaderStream::with_capacity(file.take(part_len), CHUNK));
                let mut r = (StatusCode::PARTIAL_CONTENT, body).into_response();
                r.headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(part_len));
                if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
                    r.headers_mut().insert(header::CONTENT_RANGE, v);
                }
                r
            }
            Span::Unsatisfiable => {
                let mut r = ApiError::new(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    codes::RANGE_NOT_SATISFIABLE,
                    format!("the blob has {len} bytes; the range asked for lies outside them"),
                )
                .into_response();
                if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                    r.headers_mut().insert(header::CONTENT_RANGE, v);
                }
                return Ok(r);
            }
        }
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Span::Part(0, 9));
        assert_eq!(parse_range("bytes=90-", 100), Span::Part(90, 99));
        assert_eq!(parse_range("bytes=90-200", 100), Span::Part(90, 99));
        assert_eq!(parse_range("bytes=-10", 100), Span::Part(90, 99));
        assert_eq!(parse_range("bytes=-200", 100), Span::Part(0, 99));
        assert_eq!(parse_range("bytes=100-", 100), Span::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 100), Span::Unsatisfiable);
        assert_eq!(parse_range("bytes=5-2", 100), Span::Full);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Span::Full);
        assert_eq!(parse_range("items=0-1", 100), Span::Full);
        assert_eq!(parse_range("bytes=x-1", 100), Span::Full);
    }
}
