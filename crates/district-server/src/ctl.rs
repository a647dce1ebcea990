//! `kioskctl`, the staff's client: talks to the staff routes, and formats answers for a
//! terminal. The binary only parses arguments and prints.

use std::path::Path;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use chrono::{DateTime, Utc};
use protocol::bundle::{Bundle, BundleError};
use protocol::content::{Content, Notice, WishStatus};
use protocol::wire::{ErrorBody, SCHEMA_HEADER, SCHEMA_VERSION};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::api::{
    BlobQuery, CancelledSignup, ClaimDecision, ClaimList, ClaimOutcome, ClaimStatus, EventSignups,
    KioskList, MissingBlobs, NoticeList, NoticePost, PushPlan, PushRequest, WishDecision, WishList,
    WishRow,
};
use crate::claims::ClaimAction;
use crate::wishes::Action;

#[derive(Debug, thiserror::Error)]
pub enum CtlError {
    #[error("`{0}` is not a server address: use e.g. http://127.0.0.1:8080")]
    BadServer(String),
    #[error("cannot reach the server at {url}: {}", chain(.cause))]
    Unreachable { url: String, cause: reqwest::Error },
    #[error("the server answered {status}: {}{}", .body.message, details(&.body.details))]
    Refused { status: StatusCode, body: ErrorBody },
    #[error("the server answered {status} with something unexpected: {text}")]
    Unexpected { status: StatusCode, text: String },
    #[error("the bundle in {dir} is not valid, so nothing was sent:\n{cause}")]
    Bundle { dir: String, cause: BundleError },
}

/// An error and its causes, the way a person wants to read them.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

fn details(list: &[String]) -> String {
    list.iter().map(|d| format!("\n  - {d}")).collect()
}

impl CtlError {
    /// Worth retrying: the server was unreachable or failed on its side.
    fn is_transient(&self) -> bool {
        match self {
            CtlError::Unreachable { cause, .. } => cause.is_connect() || cause.is_timeout(),
            CtlError::Refused { status, .. } | CtlError::Unexpected { status, .. } => {
                status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS
            }
            _ => false,
        }
    }

    /// The server's error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            CtlError::Refused { body, .. } => Some(&body.error),
            _ => None,
        }
    }
}

enum Body {
    None,
    Json(serde_json::Value),
    Bytes(Vec<u8>),
}

/// A staff session against one server.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Client {
    pub fn new(server: &str, token: &str) -> Result<Client, CtlError> {
        let base = server.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(CtlError::BadServer(server.into()));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(300))
            .user_agent(concat!("kioskctl/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|cause| CtlError::Unreachable {
                url: base.clone(),
                cause,
            })?;
        Ok(Client {
            base,
            token: token.trim().to_string(),
            http,
        })
    }

    pub fn server(&self) -> &str {
        &self.base
    }

    async fn once<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &Body,
    ) -> Result<T, CtlError> {
        let url = format!("{}{path}", self.base);
        let mut req = self
            .http
            .request(method, &url)
            .bearer_auth(&self.token)
            .header(SCHEMA_HEADER, SCHEMA_VERSION.to_string());
        req = match body {
            Body::None => req,
            Body::Json(v) => req.json(v),
            Body::Bytes(b) => req
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(b.clone()),
        };
        let unreachable = |cause| CtlError::Unreachable {
            url: url.clone(),
            cause,
        };
        let response = req.send().await.map_err(unreachable)?;
        let status = response.status();
        let text = response.text().await.map_err(unreachable)?;
        if status.is_success() {
            return serde_json::from_str(&text).map_err(|e| CtlError::Unexpected {
                status,
                text: format!("{e}: {}", text.chars().take(300).collect::<String>()),
            });
        }
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => Err(CtlError::Refused { status, body }),
            Err(_) => Err(CtlError::Unexpected {
                status,
                text: text.chars().take(300).collect(),
            }),
        }
    }

    /// Sends a request, retrying a few times (with jittered backoff) when the server is
    /// unreachable or fails on its side. Every staff request is safe to repeat.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Body,
    ) -> Result<T, CtlError> {
        (|| self.once(method.clone(), path, &body))
            .retry(
                ExponentialBuilder::default()
                    .with_min_delay(Duration::from_millis(300))
                    .with_max_times(3)
                    .with_jitter(),
            )
            .when(CtlError::is_transient)
            .await
    }

    pub async fn missing_blobs(&self, shas: Vec<String>) -> Result<Vec<String>, CtlError> {
        let body = serde_json::to_value(BlobQuery { sha256: shas }).unwrap_or_default();
        let answer: MissingBlobs = self
            .call(Method::POST, "/v1/staff/blobs/missing", Body::Json(body))
            .await?;
        Ok(answer.missing)
    }

    pub async fn put_blob(&self, sha: &str, bytes: Vec<u8>) -> Result<(), CtlError> {
        let _: serde_json::Value = self
            .call(
                Method::PUT,
                &format!("/v1/staff/blobs/sha256/{sha}"),
                Body::Bytes(bytes),
            )
            .await?;
        Ok(())
    }

    pub async fn push(&self, content: &Content, dry_run: bool) -> Result<PushPlan, CtlError> {
        let req = PushRequest {
            content: content.clone(),
            dry_run,
        };
        let body = serde_json::to_value(req).unwrap_or_default();
        self.call(Method::POST, "/v1/staff/push", Body::Json(body))
            .await
    }

    pub async fn kiosks(&self) -> Result<KioskList, CtlError> {
        self.call(Method::GET, "/v1/staff/kiosks", Body::None).await
    }

    pub async fn wishes(&self, status: Option<WishStatus>) -> Result<WishList, CtlError> {
        let query = status.map_or("all", WishStatus::key);
        self.call(
            Method::GET,
            &format!("/v1/staff/wishes?status={query}"),
            Body::None,
        )
        .await
    }

    pub async fn decide_wish(
        &self,
        id: &str,
        action: Action,
        decision: &WishDecision,
    ) -> Result<WishRow, CtlError> {
        let body = serde_json::to_value(decision).unwrap_or_default();
        self.call(
            Method::POST,
            &format!("/v1/staff/wishes/{}/{}", encode(id), action.key()),
            Body::Json(body),
        )
        .await
    }

    /// Offers to fulfil wishes, optionally of one status and one wish.
    pub async fn claims(
        &self,
        status: Option<ClaimStatus>,
        wish: Option<&str>,
    ) -> Result<ClaimList, CtlError> {
        let mut path = format!(
            "/v1/staff/claims?status={}",
            status.map_or("all", ClaimStatus::key)
        );
        if let Some(wish) = wish {
            path.push_str(&format!("&wish={}", encode(wish)));
        }
        self.call(Method::GET, &path, Body::None).await
    }

    pub async fn decide_claim(
        &self,
        id: &str,
        action: ClaimAction,
        decision: &ClaimDecision,
    ) -> Result<ClaimOutcome, CtlError> {
        let body = serde_json::to_value(decision).unwrap_or_default();
        self.call(
            Method::POST,
            &format!("/v1/staff/claims/{}/{}", encode(id), action.key()),
            Body::Json(body),
        )
        .await
    }

    /// Posts an urgent notice (a retry with the same id gets the same notice back).
    pub async fn post_notice(&self, post: &NoticePost) -> Result<Notice, CtlError> {
        let body = serde_json::to_value(post).unwrap_or_default();
        self.call(Method::POST, "/v1/staff/notices", Body::Json(body))
            .await
    }

    pub async fn notices(&self) -> Result<NoticeList, CtlError> {
        self.call(Method::GET, "/v1/staff/notices", Body::None)
            .await
    }

    pub async fn end_notice(&self, id: &str) -> Result<Notice, CtlError> {
        self.call(
            Method::POST,
            &format!("/v1/staff/notices/{}/end", encode(id)),
            Body::Json(serde_json::json!({})),
        )
        .await
    }

    pub async fn cancel_signup(&self, id: &str) -> Result<CancelledSignup, CtlError> {
        self.call(
            Method::POST,
            &format!("/v1/staff/signups/{}/cancel", encode(id)),
            Body::Json(serde_json::json!({})),
        )
        .await
    }

    pub async fn signups(&self, event: &str) -> Result<EventSignups, CtlError> {
        self.call(
            Method::GET,
            &format!("/v1/staff/events/{}/signups", encode(event)),
            Body::None,
        )
        .await
    }
}

/// Percent-encodes a path segment.
fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Loads and validates a bundle folder with the same rules as the kiosk's import.
pub fn load_bundle(dir: &Path) -> Result<Bundle, CtlError> {
    let read = |p: &str| std::fs::read(dir.join(p));
    Bundle::load(&read).map_err(|cause| CtlError::Bundle {
        dir: dir.display().to_string(),
        cause,
    })
}

/// Warnings about `bundle`'s text that the kiosks cannot show: a character no embedded font
/// draws would appear as blank space (`protocol::glyphs`). The bundle is still valid; staff
/// decide whether to change the text.
pub fn glyph_warnings(bundle: &Bundle) -> Vec<String> {
    protocol::glyphs::undrawable_in(&bundle.content)
        .iter()
        .map(|u| format!("warning: {u}"))
        .collect()
}

/// What `kioskctl push` did.
#[derive(Debug, Clone)]
pub struct PushOutcome {
    pub plan: PushPlan,
    /// Images sent now, with their sizes.
    pub uploaded: Vec<(String, usize)>,
    /// Images the server already had.
    pub already_there: usize,
}

/// Validates a bundle locally, uploads the images the server lacks (not on a dry run), and
/// submits the content. `progress` hears about each upload.
pub async fn push_bundle(
    client: &Client,
    dir: &Path,
    dry_run: bool,
    mut progress: impl FnMut(&str),
) -> Result<PushOutcome, CtlError> {
    let bundle = load_bundle(dir)?;
    for warning in glyph_warnings(&bundle) {
        progress(&warning);
    }
    push_loaded(client, &bundle, dry_run, progress).await
}

/// [`push_bundle`] for a bundle already loaded (and so validated).
pub async fn push_loaded(
    client: &Client,
    bundle: &Bundle,
    dry_run: bool,
    mut progress: impl FnMut(&str),
) -> Result<PushOutcome, CtlError> {
    let all: Vec<String> = bundle.blobs.keys().cloned().collect();
    let missing = if all.is_empty() {
        Vec::new()
    } else {
        client.missing_blobs(all.clone()).await?
    };
    let mut uploaded = Vec::new();
    if !dry_run {
        for (i, sha) in missing.iter().enumerate() {
            let Some(blob) = bundle.blobs.get(sha) else {
                continue;
            };
            progress(&format!(
                "uploading image {}/{} {} ({})",
                i + 1,
                missing.len(),
                &sha[..12],
                human_bytes(blob.bytes.len() as u64)
            ));
            client.put_blob(sha, blob.bytes.clone()).await?;
            uploaded.push((sha.clone(), blob.bytes.len()));
        }
    }
    let plan = client.push(&bundle.content, dry_run).await?;
    Ok(PushOutcome {
        plan,
        already_there: all.len() - missing.len(),
        uploaded,
    })
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// The report of a push or dry run.
pub fn format_push(server: &str, outcome: &PushOutcome) -> String {
    let plan = &outcome.plan;
    let mut out = String::new();
    if plan.dry_run {
        out.push_str(&format!(
            "Dry run against {server}: nothing was changed. This push would make:\n"
        ));
    } else if plan.change_count() == 0 && !plan.district_changed {
        out.push_str(&format!(
            "{server} already has this content: nothing changed (head {}).\n",
            plan.head_after
        ));
    } else {
        out.push_str(&format!(
            "Pushed to {server}: {} change(s), head {} → {}.\n",
            plan.change_count(),
            plan.head_before,
            plan.head_after
        ));
    }
    for k in &plan.kinds {
        out.push_str(&format!(
            "  {:<8} {} added, {} changed, {} removed\n",
            k.kind.key(),
            k.added.len(),
            k.changed.len(),
            k.removed.len()
        ));
        for (sign, ids) in [("+", &k.added), ("~", &k.changed), ("-", &k.removed)] {
            for id in ids {
                out.push_str(&format!("           {sign} {id}\n"));
            }
        }
    }
    out.push_str(&format!("  {} record(s) unchanged", plan.unchanged));
    if plan.district_changed {
        out.push_str("; the district (name, time zone or brand) changes");
    }
    out.push('\n');
    if plan.dry_run {
        out.push_str(&format!(
            "  {} image(s) to upload, {} already on the server\n",
            plan.missing_blobs.len(),
            outcome.already_there
        ));
    } else {
        let total: usize = outcome.uploaded.iter().map(|(_, n)| n).sum();
        out.push_str(&format!(
            "  {} image(s) uploaded ({}), {} already on the server\n",
            outcome.uploaded.len(),
            human_bytes(total as u64),
            outcome.already_there
        ));
    }
    out
}

fn ago(then: &str, now: DateTime<Utc>) -> String {
    match DateTime::parse_from_rfc3339(then) {
        Ok(t) => {
            let secs = (now - t.with_timezone(&Utc)).num_seconds().max(0);
            match secs {
                0..=89 => format!("{secs} s ago"),
                90..=5399 => format!("{} min ago", (secs + 30) / 60),
                5400..=172_799 => format!("{} h ago", (secs + 1800) / 3600),
                _ => format!("{} days ago", secs / 86_400),
            }
        }
        Err(_) => then.to_string(),
    }
}

/// `kioskctl kiosks` as a table.
pub fn format_kiosks(list: &KioskList, now: DateTime<Utc>) -> String {
    if list.kiosks.is_empty() {
        return "No kiosks registered. Register one on the server with `district-server kiosk add NAME --station ID`.\n".into();
    }
    let mut rows = vec![[
        "KIOSK".to_string(),
        "STATION".into(),
        "LAST HEARTBEAT".into(),
        "VERSION".into(),
        format!("CONTENT SEQ (head {})", list.head),
        "OUTBOX".into(),
        "FREE DISK".into(),
    ]];
    for k in &list.kiosks {
        let dash = || "-".to_string();
        rows.push([
            k.id.clone(),
            k.station.clone(),
            k.last_seen_at
                .as_deref()
                .map_or("never".into(), |t| ago(t, now)),
            k.kiosk_version.clone().unwrap_or_else(dash),
            k.content_seq.map_or_else(dash, |s| {
                if s >= list.head {
                    format!("{s} (current)")
                } else {
                    format!("{s} ({} behind)", list.head - s)
                }
            }),
            k.outbox_depth.map_or_else(dash, |d| d.to_string()),
            k.free_disk_bytes.map_or_else(dash, human_bytes),
        ]);
    }
    table(&rows)
}

/// `text` with control characters and bidi overrides shown as escapes (`\u{1b}`): a value a
/// kiosk sent (its version, its id) must not move the staff's cursor, set the terminal's
/// title or reorder the line.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let rows: Vec<[String; N]> = rows
        .iter()
        .map(|row| row.clone().map(|cell| visible(&cell)))
        .collect();
    let rows = rows.as_slice();
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// `kioskctl wishes list`.
pub fn format_wishes(list: &WishList) -> String {
    if list.wishes.is_empty() {
        return "No wishes.\n".into();
    }
    let mut out = String::new();
    for w in &list.wishes {
        out.push_str(&format!(
            "{}  {:<9}  {}  from {} at {} ({}), received {}\n    \"{}\" ({})\n",
            w.id,
            w.status.key(),
            w.scope
                .as_deref()
                .map_or("district-wide".to_string(), |s| format!("station {s}")),
            w.display_name.as_deref().unwrap_or("(no name)"),
            w.kiosk_id,
            w.station,
            w.received_at,
            w.text.replace('\n', " / "),
            w.lang
        ));
        if w.claims > 0 {
            out.push_str(&format!(
                "    {} offer(s) to help: kioskctl claims list --wish {}\n",
                w.claims, w.id
            ));
        }
        if let Some(note) = &w.note {
            out.push_str(&format!("    note: {note}\n"));
        }
    }
    out
}

/// `kioskctl notice list`: each notice with its state at `now`, where it shows and its words.
pub fn format_notices(notices: &[Notice], now: DateTime<Utc>) -> String {
    if notices.is_empty() {
        return "No notices.\n".into();
    }
    let mut out = String::new();
    for n in notices {
        let state = if now < n.starts_at {
            "coming"
        } else if now < n.ends_at {
            "showing"
        } else {
            "ended"
        };
        out.push_str(&format!(
            "{}  {:<7}  {}  {} → {}\n    {} / {}\n    {} / {}\n",
            n.id,
            state,
            n.scope
                .as_deref()
                .map_or("district-wide".to_string(), |s| format!("station {s}")),
            n.starts_at.format("%Y-%m-%d %H:%M %:z"),
            n.ends_at.format("%Y-%m-%d %H:%M %:z"),
            n.title.zh.escape_debug(),
            n.title.en.escape_debug(),
            n.text.zh.escape_debug(),
            n.text.en.escape_debug(),
        ));
    }
    out
}

/// `kioskctl claims list`: every offer with the helper's contact, for staff to call.
pub fn format_claims(list: &ClaimList) -> String {
    if list.claims.is_empty() {
        return "No offers.\n".into();
    }
    let mut out = String::new();
    for c in &list.claims {
        out.push_str(&format!(
            "{}  {:<8}  for wish {} \"{}\"\n    {}  {}  (via {}, received {})\n",
            c.id,
            c.status.key(),
            c.wish,
            c.wish_text.replace('\n', " / "),
            c.name,
            c.contact,
            c.kiosk_id,
            c.received_at
        ));
        if let Some(note) = &c.note {
            out.push_str(&format!("    says: {}\n", note.replace('\n', " / ")));
        }
        if let Some(note) = &c.staff_note {
            out.push_str(&format!("    staff note: {note}\n"));
        }
    }
    out
}

/// `kioskctl signups list EVENT`.
pub fn format_signups(s: &EventSignups) -> String {
    let mut out = match &s.title {
        Some(t) => format!("Event {}: {} / {}\n", s.event, t.zh, t.en),
        None => format!("Event {} (no longer published)\n", s.event),
    };
    if s.occurrences.is_empty() {
        out.push_str("  no sign-ups yet\n");
    }
    for o in &s.occurrences {
        let cap = s
            .capacity
            .map_or("no limit".to_string(), |c| format!("{c} places"));
        out.push_str(&format!("  {}: {} taken, {cap}\n", o.start, o.taken));
        for p in &o.signups {
            let cancelled = p
                .cancelled_at
                .as_deref()
                .map_or(String::new(), |t| format!("  CANCELLED {t}"));
            out.push_str(&format!(
                "    {} × {}  {}  ({}, via {}; id {}){cancelled}\n",
                p.party_size, p.name, p.contact, p.received_at, p.kiosk_id, p.id
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
        assert_eq!(encode("a b/é"), "a%20b%2F%C3%A9");
        let now = "2030-01-01T12:00:00Z".parse().expect("time");
        assert_eq!(ago("2030-01-01T11:57:00Z", now), "3 min ago");
        assert_eq!(ago("2030-01-01T11:59:50Z", now), "10 s ago");
        assert!(Client::new("127.0.0.1:8080", "t").is_err());
    }

    #[test]
    fn a_kiosks_values_are_printed_with_control_characters_visible() {
        let list: KioskList = serde_json::from_value(serde_json::json!({
            "head": 3,
            "kiosks": [{
                "id": "lobby-1", "station": "s1", "created_at": "2030-01-01T00:00:00Z",
                "kiosk_version": "0.1\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}x",
            }]
        }))
        .expect("a kiosk list");
        let out = format_kiosks(&list, "2030-01-01T12:00:00Z".parse().expect("time"));
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'));
        assert!(
            out.contains("0.1\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{202e}x"),
            "{out}"
        );
        assert_eq!(visible("红垒 e站"), "红垒 e站");
    }
}
