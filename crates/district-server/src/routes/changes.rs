//! `GET /v1/changes?since=SEQ&limit=N`: the change feed a kiosk pulls.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use protocol::wire::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, codes};
use serde::Deserialize;

use crate::auth::KioskToken;
use crate::error::{ApiError, Query};
use crate::server::AppState;
use crate::storage::records;

#[derive(Debug, Deserialize)]
pub struct ChangesQuery {
    since: u64,
    limit: Option<u32>,
    /// Set by a client paging through a snapshot (a full replacement that started at
    /// `since=0`): the head of the snapshot's first page.
    snapshot_head: Option<u64>,
}

enum Answer {
    NotModified(u64),
    /// A page, serialised once as it was read (see [`records::changes`]).
    Page(records::PageBody),
}

/// The ETag of the feed: it names the head, so `If-None-Match` with the ETag of the page that
/// brought a client to the head answers 304 until the head moves.
pub fn etag(head: u64) -> String {
    format!("\"head-{head}\"")
}

fn gone(message: String) -> ApiError {
    ApiError::new(StatusCode::GONE, codes::CURSOR_EXPIRED, message)
}

pub async fn changes(
    State(state): State<AppState>,
    token: KioskToken,
    query: Result<Query<ChangesQuery>, ApiError>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let if_none_match = headers.get(header::IF_NONE_MATCH).cloned();
    if let Some(head) = not_modified(&state, &token, &query, if_none_match.as_ref()).await? {
        return Ok(respond(Answer::NotModified(head)));
    }
    // Everything else (a page, a 4xx, a personal token) is read in one snapshot.
    // The token is checked in the same read as the feed (one trip to the database pool for
    // the request every kiosk sends every minute), and before the query is judged.
    let answer = state
        .db
        .read(move |tx| {
            let kiosk = token.kiosk(tx)?;
            let Query(q) = query?;
            let limit = q.limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT);
            if limit == 0 {
                return Err(ApiError::bad_request("`limit` must be at least 1"));
            }
            let since = q.since;
            let q_snapshot_head = q.snapshot_head;
            let head = records::head(tx)?;
            if since > head {
                return Err(gone(format!(
                    "cursor {since} is ahead of this server's head {head}: the server's history is not the one your content came from; resync from since=0"
                )));
            }
            let purged = records::purged_through(tx)?;
            // A cursor below purged tombstones may have missed deletions, unless it belongs to a
            // snapshot that began at or after the purge horizon: deletions before its start never
            // show as puts in this latest-state feed, and later ones are not purged yet.
            let snapshot_covers = q_snapshot_head.is_some_and(|h| purged <= h && h <= head);
            if since > 0 && since < purged && !snapshot_covers {
                return Err(gone(format!(
                    "cursor {since} is older than the deletions this server still keeps (up to {purged} were purged); resync from since=0"
                )));
            }
            if since == head && super::etag_matches(if_none_match.as_ref(), &etag(head)) {
                return Ok(Answer::NotModified(head));
            }
            Ok(Answer::Page(records::changes(tx, since, limit, &kiosk.station)?))
        })
        .await?;
    Ok(respond(answer))
}

/// The poll every kiosk sends every minute, answered `304` without reading the feed: a kiosk's
/// token, a cursor at the head and that head's ETag (with a valid `limit`). The token and the
/// head come from the [`crate::auth::KioskCache`], with no trip to the blocking pool when
/// nothing was committed since the cache last read them, else from one read there. `None`:
/// the poll is not that one (or the token is not a kiosk's), and [`changes`] answers it in
/// full, as before. A cursor at the head is never below the purge horizon (the highest
/// purged tombstone is at most the head), so no `410` rule applies to it.
async fn not_modified(
    state: &AppState,
    token: &KioskToken,
    query: &Result<Query<ChangesQuery>, ApiError>,
    if_none_match: Option<&HeaderValue>,
) -> Result<Option<u64>, ApiError> {
    let Ok(Query(q)) = query else {
        return Ok(None);
    };
    if q.limit == Some(0)
        || !token.is_kiosk_kind()
        || !super::etag_matches(if_none_match, &etag(q.since))
    {
        return Ok(None);
    }
    let marks = match token.known(state) {
        Some((_, marks)) => marks,
        None => match token.check(state).await {
            Ok((_, marks)) => marks,
            // The full path gives the same answer, from its own read.
            Err(_) => return Ok(None),
        },
    };
    Ok((q.since == marks.head).then_some(marks.head))
}

fn respond(answer: Answer) -> Response {
    let (status, head, body) = match answer {
        Answer::NotModified(head) => (StatusCode::NOT_MODIFIED, head, None),
        Answer::Page(page) => (StatusCode::OK, page.head, Some(page.json)),
    };
    let mut response = match body {
        Some(json) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            json,
        )
            .into_response(),
        None => status.into_response(),
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag(head)) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}
