//! The kiosk routes of the district server over HTTP (`docs/PROTOCOL.md`), with every answer
//! sorted into what the sync cycle does next: a verified page, "not modified", "gone", or a
//! [`SyncError`] that says whether trying again may help.

use std::time::Duration;

use protocol::content::Record;
use protocol::wire::{
    ChangesPage, ErrorBody, Heartbeat, HeartbeatReply, KioskInfo, SCHEMA_HEADER, SCHEMA_VERSION,
    SUPPORTED_SCHEMAS_HEADER, Submission, SubmissionBatch, SubmissionResult, SubmissionResults,
};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::{Settings, SyncError};

/// Largest JSON answer read (a full page of 1000 changes is far below it).
const MAX_JSON_BYTES: usize = 64 * 1024 * 1024;

/// What `GET /v1/changes` answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Changes {
    /// `304`: the head has not moved since the ETag was issued.
    NotModified,
    /// `200` with a page that passed [`ChangesPage::verify`], the record each of its changes
    /// carries (`None` for a delete; read once, while verifying), and the answer's ETag.
    Page {
        page: ChangesPage,
        records: Vec<Option<Record>>,
        etag: Option<String>,
    },
    /// `410`: the cursor can no longer be served; resync from a snapshot.
    Gone(String),
}

/// The first answer to a blob request.
pub enum BlobAnswer {
    /// `200`: the whole blob follows.
    Whole(Response),
    /// `206`: the bytes from the requested offset follow.
    Rest(Response),
    /// `416`: the offset is at or past the end: what is on disk is at least as long as the blob.
    PastEnd,
}

/// A client for one server and one kiosk token.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    pub fn new(settings: &Settings) -> Result<Client, SyncError> {
        let mut headers = HeaderMap::new();
        let bearer =
            HeaderValue::from_str(&format!("Bearer {}", settings.token)).map_err(|_| {
                SyncError::Unauthorized {
                    status: 0,
                    message: "the token in the config file contains characters a token cannot have"
                        .into(),
                }
            })?;
        headers.insert(header::AUTHORIZATION, bearer);
        headers.insert(SCHEMA_HEADER, HeaderValue::from(SCHEMA_VERSION));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("lobby-kiosk/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.request_timeout.min(Duration::from_secs(10)))
            .read_timeout(settings.request_timeout)
            // A whole request may take longer than one silence (a large image on a slow link),
            // but not forever.
            .timeout(settings.request_timeout.saturating_mul(20))
            // The server closes a connection idle for its header timeout (30 s by default);
            // dropping ours first keeps a poll from racing that close on a reused connection.
            .pool_idle_timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| SyncError::Network {
                url: settings.server.clone(),
                cause: chain(&e),
            })?;
        Ok(Client {
            base: settings.server.clone(),
            http,
        })
    }

    pub fn server(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    async fn send(&self, request: RequestBuilder) -> Result<Response, SyncError> {
        request.send().await.map_err(|e| self.network(&e))
    }

    fn network(&self, e: &reqwest::Error) -> SyncError {
        SyncError::Network {
            url: self.base.clone(),
            cause: chain(e),
        }
    }

    /// `GET /v1/changes?since=…&limit=…`, with `If-None-Match` when given. A `200` page is
    /// verified here (checksum, cursor, order, records); a page that fails is a
    /// [`SyncError::BadPage`] and is never handed on.
    /// One page of the feed. `snapshot_head` is set while paging through a snapshot: the head
    /// the snapshot began at (see PROTOCOL.md).
    pub async fn changes(
        &self,
        since: u64,
        limit: u32,
        if_none_match: Option<&str>,
        snapshot_head: Option<u64>,
    ) -> Result<Changes, SyncError> {
        let mut path = format!("/v1/changes?since={since}&limit={limit}");
        if let Some(head) = snapshot_head {
            path.push_str(&format!("&snapshot_head={head}"));
        }
        let mut request = self.request(Method::GET, &path);
        if let Some(etag) = if_none_match {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        // Spans name the phases of a sync for `benches/sync_server.rs`'s breakdown.
        let response = self
            .send(request)
            .instrument(tracing::debug_span!("kiosk.page.answer"))
            .await?;
        match response.status() {
            StatusCode::NOT_MODIFIED => Ok(Changes::NotModified),
            StatusCode::GONE => {
                let body = self.error_body(response).await;
                Ok(Changes::Gone(body.message))
            }
            StatusCode::OK => {
                let etag = response
                    .headers()
                    .get(header::ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let bytes = self
                    .body(response)
                    .instrument(tracing::debug_span!("kiosk.page.body"))
                    .await?;
                let page: ChangesPage = {
                    let _span = tracing::debug_span!("kiosk.page.parse").entered();
                    serde_json::from_slice(&bytes)
                        .map_err(|e| SyncError::BadPage(format!("not a page: {e}")))?
                };
                let _span = tracing::debug_span!("kiosk.page.verify").entered();
                let records = page
                    .verified_records(since)
                    .map_err(|e| SyncError::BadPage(e.to_string()))?;
                Ok(Changes::Page {
                    page,
                    records,
                    etag,
                })
            }
            _ => Err(self.refusal(response).await),
        }
    }

    /// `POST /v1/submissions` with up to 100 items; the results come in request order.
    pub async fn submit(&self, items: &[Submission]) -> Result<Vec<SubmissionResult>, SyncError> {
        let batch = SubmissionBatch {
            items: items.to_vec(),
        };
        let answer: SubmissionResults = self
            .json(self.request(Method::POST, "/v1/submissions").json(&batch))
            .await?;
        Ok(answer.results)
    }

    /// `POST /v1/heartbeat`.
    pub async fn heartbeat(&self, heartbeat: &Heartbeat) -> Result<HeartbeatReply, SyncError> {
        self.json(self.request(Method::POST, "/v1/heartbeat").json(heartbeat))
            .await
    }

    /// `PUT /v1/kiosk/screenshot` with a PNG; `204` is success, anything else a refusal (the
    /// server keeps the request open and asks again).
    pub async fn put_screenshot(&self, png: Vec<u8>) -> Result<(), SyncError> {
        let request = self
            .request(Method::PUT, protocol::wire::SCREENSHOT_PATH)
            .header(reqwest::header::CONTENT_TYPE, "image/png")
            .body(png);
        let response = self.send(request).await?;
        if response.status() == StatusCode::NO_CONTENT {
            Ok(())
        } else {
            Err(self.refusal(response).await)
        }
    }

    /// `GET /v1/kiosk`: who the server thinks this kiosk is, and its district.
    pub async fn kiosk(&self) -> Result<KioskInfo, SyncError> {
        self.json(self.request(Method::GET, "/v1/kiosk")).await
    }

    /// `GET /v1/blobs/sha256/HEX`, from byte `offset` on (`Range` with `If-Range`, so a server
    /// whose blob differs sends it whole).
    pub async fn blob(&self, sha256: &str, offset: u64) -> Result<BlobAnswer, SyncError> {
        let mut request = self.request(Method::GET, &format!("/v1/blobs/sha256/{sha256}"));
        if offset > 0 {
            request = request
                .header(header::RANGE, format!("bytes={offset}-"))
                .header(header::IF_RANGE, format!("\"{sha256}\""));
        }
        let response = self.send(request).await?;
        match response.status() {
            StatusCode::OK => Ok(BlobAnswer::Whole(response)),
            StatusCode::PARTIAL_CONTENT => {
                let start = response
                    .headers()
                    .get(header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(content_range_start);
                if start != Some(offset) {
                    return Err(SyncError::BadAnswer(format!(
                        "image {sha256}: asked for bytes from {offset}, got a part starting at {start:?}"
                    )));
                }
                Ok(BlobAnswer::Rest(response))
            }
            StatusCode::RANGE_NOT_SATISFIABLE if offset > 0 => Ok(BlobAnswer::PastEnd),
            _ => Err(self.refusal(response).await),
        }
    }

    async fn json<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, SyncError> {
        let response = self.send(request).await?;
        if !response.status().is_success() {
            return Err(self.refusal(response).await);
        }
        let bytes = self.body(response).await?;
        serde_json::from_slice(&bytes).map_err(|e| SyncError::BadAnswer(e.to_string()))
    }

    /// Reads a whole body, at most [`MAX_JSON_BYTES`]. A body cut short is a network error.
    async fn body(&self, mut response: Response) -> Result<Vec<u8>, SyncError> {
        let mut out = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.network(&e))? {
            if out.len() + chunk.len() > MAX_JSON_BYTES {
                return Err(SyncError::BadAnswer(format!(
                    "an answer longer than {MAX_JSON_BYTES} bytes"
                )));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    async fn error_body(&self, response: Response) -> ErrorBody {
        let status = response.status();
        let text = match self.body(response).await {
            Ok(bytes) => String::from_utf8_lossy(&bytes).to_string(),
            Err(e) => e.to_string(),
        };
        serde_json::from_str(&text).unwrap_or_else(|_| ErrorBody {
            error: String::new(),
            message: if text.trim().is_empty() {
                status.to_string()
            } else {
                text.chars().take(300).collect()
            },
            details: Vec::new(),
        })
    }

    /// The error an unexpected status means.
    async fn refusal(&self, response: Response) -> SyncError {
        let status = response.status();
        let supported = response
            .headers()
            .get(SUPPORTED_SCHEMAS_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = self.error_body(response).await;
        let code = status.as_u16();
        match status {
            // The server's cap on submissions: wait as long as it says (bounded, so a lying
            // server cannot silence the outbox for days), never hammer it.
            StatusCode::TOO_MANY_REQUESTS => SyncError::Throttled {
                retry_after_secs: retry_after.unwrap_or(60).clamp(1, 3600),
            },
            StatusCode::UPGRADE_REQUIRED => SyncError::UpgradeRequired {
                supported: supported.unwrap_or_else(|| "?".into()),
                ours: SCHEMA_VERSION,
            },
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => SyncError::Unauthorized {
                status: code,
                message: body.message,
            },
            s if s.is_server_error() => SyncError::Server {
                status: code,
                message: body.message,
            },
            _ => SyncError::Refused {
                status: code,
                code: body.error,
                message: body.message,
            },
        }
    }
}

/// `bytes START-END/LEN` → `START`.
fn content_range_start(value: &str) -> Option<u64> {
    let range = value.trim().strip_prefix("bytes ")?;
    let (start, _) = range.split_once('-')?;
    start.trim().parse().ok()
}

/// An error with its causes, for a person to read.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        assert_eq!(content_range_start("bytes 100-199/200"), Some(100));
        assert_eq!(content_range_start("bytes 0-0/1"), Some(0));
        assert_eq!(content_range_start("bytes */200"), None);
        assert_eq!(content_range_start("items 1-2/3"), None);
    }
}
