//! The sync wire format between kiosks and the district server (`docs/PROTOCOL.md` is the
//! prose spec; these types are its executable half). Plain serde types, no I/O.
//!
//! - [`ChangesPage`] / [`Change`]: what `GET /v1/changes` answers, with a checksum the client
//!   verifies ([`ChangesPage::verify`]) before applying anything.
//! - [`Submission`] and its payloads ([`WishSubmission`], [`SignupSubmission`],
//!   [`ClaimSubmission`]): outbox items, answered per item by [`SubmissionResult`], whose
//!   [`Outcome`] is what the visitor is told. The rules for the text in them are
//!   [`crate::visitor`].
//! - [`Heartbeat`], [`KioskInfo`], [`ErrorBody`], and the schema version the client announces.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::content::{District, Kind, Record};
use crate::text::Lang;
use crate::visitor::FieldError;

/// The version of this wire format. Clients send it in [`SCHEMA_HEADER`] (or the
/// [`SCHEMA_QUERY`] parameter); a server that cannot speak it answers `426 Upgrade Required`.
/// Version 2: claims, the `availability` record kind, an event's `link`, optional display
/// names, structured [`Outcome`]s and the [`crate::visitor`] rules. Version 3: a section's
/// `wish_wall` flag, the district and notice records. Version 4: a section's own icon
/// (`icon_file`, an [`crate::IconRef`] whose blob travels like an image's).
pub const SCHEMA_VERSION: u32 = 4;
/// Request header carrying the client's [`SCHEMA_VERSION`]; also sent back on every answer.
pub const SCHEMA_HEADER: &str = "x-lobby-schema";
/// Query parameter that may carry the schema version instead of the header.
pub const SCHEMA_QUERY: &str = "schema";
/// Header listing, comma separated, the schema versions a server supports (sent with `426`).
pub const SUPPORTED_SCHEMAS_HEADER: &str = "x-lobby-schema-supported";

/// Changes per page when the client does not say.
pub const DEFAULT_PAGE_LIMIT: u32 = 500;
/// Most changes a page may carry; larger `limit`s are clamped to it.
pub const MAX_PAGE_LIMIT: u32 = 1000;
/// Most outbox items one `POST /v1/submissions` may carry.
pub const MAX_SUBMISSIONS_PER_REQUEST: usize = 100;

/// What a change does to the record it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Insert or replace the record with `data`.
    Put,
    /// Remove the record (a tombstone); removing a record the client lacks is not an error.
    Delete,
}

/// One entry of the change feed: the latest state of one record as of `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Server-wide sequence number; strictly increasing within and across pages.
    pub seq: u64,
    pub kind: Kind,
    pub id: String,
    pub op: Op,
    /// The record's revision, counting every put and delete of this `(kind, id)` from 1.
    pub rev: u64,
    /// The record's JSON ([`Record::to_json`]) for a put; absent for a delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl Change {
    /// The record a put carries, checked against the change's kind and id; `None` for a delete.
    pub fn record(&self) -> Result<Option<Record>, WireError> {
        match (self.op, &self.data) {
            (Op::Delete, None) => Ok(None),
            (Op::Delete, Some(_)) => Err(WireError::Malformed(format!(
                "change {}: a delete must not carry data",
                self.seq
            ))),
            (Op::Put, None) => Err(WireError::Malformed(format!(
                "change {}: a put must carry data",
                self.seq
            ))),
            (Op::Put, Some(data)) => {
                let record = Record::from_json_ref(self.kind, data).map_err(|e| {
                    WireError::Malformed(format!(
                        "change {}: data is not a valid {}: {e}",
                        self.seq,
                        self.kind.key()
                    ))
                })?;
                if record.id() != self.id {
                    return Err(WireError::Malformed(format!(
                        "change {}: data has id `{}`, the change names `{}`",
                        self.seq,
                        record.id(),
                        self.id
                    )));
                }
                Ok(Some(record))
            }
        }
    }
}

/// One answer of `GET /v1/changes`: the changes with `from < seq <= to` visible to the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesPage {
    /// The `since` the client asked for.
    pub from: u64,
    /// The cursor to ask from next; equals `head` when the client has caught up.
    pub to: u64,
    /// The server's latest sequence number when the page was read.
    pub head: u64,
    pub changes: Vec<Change>,
    /// Lower-case hex sha256 of the page's canonical JSON without this field; see
    /// [`ChangesPage::compute_checksum`].
    pub checksum: String,
}

impl ChangesPage {
    /// A page with its checksum filled in.
    pub fn new(from: u64, to: u64, head: u64, changes: Vec<Change>) -> ChangesPage {
        let mut page = ChangesPage {
            from,
            to,
            head,
            changes,
            checksum: String::new(),
        };
        page.checksum = page.compute_checksum();
        page
    }

    /// sha256 (lower-case hex) of the canonical JSON ([`canonical_json`]) of the object
    /// `{"changes": …, "from": …, "head": …, "to": …}`: every field of the page but `checksum`.
    ///
    /// Written straight from the page into one buffer (keys in canonical order by hand, each
    /// record's `data` by [`write_canonical`]) rather than through a `Value` copy of the whole
    /// page: a snapshot page of 500 articles is about 2 MB, and the copy cost as much as the
    /// hashing. `tests::the_checksum_is_the_canonical_json_of_the_page_as_a_value` pins it to the
    /// definition.
    pub fn compute_checksum(&self) -> String {
        let mut covered = Vec::with_capacity(64 * 1024);
        let changes = self.changes.iter().map(|c| RawChange {
            seq: c.seq,
            kind: c.kind,
            id: &c.id,
            op: c.op,
            rev: c.rev,
            data: c.data.as_ref().map(RawData::Value),
        });
        write_covered(&mut covered, self.from, self.to, self.head, changes);
        hex::encode(Sha256::digest(&covered))
    }

    /// Everything a client must check before applying a page: the checksum, the cursor
    /// arithmetic, the order of `seq`s, and that every put carries a record of its kind and id.
    pub fn verify(&self, since: u64) -> Result<(), WireError> {
        self.verified_records(since).map(|_| ())
    }

    /// [`ChangesPage::verify`], handing back what it read: for each change, in order, the record
    /// a put carries (`None` for a delete), so a client reads each record from its JSON once.
    pub fn verified_records(&self, since: u64) -> Result<Vec<Option<Record>>, WireError> {
        let expected = self.compute_checksum();
        if self.checksum != expected {
            return Err(WireError::Checksum {
                got: self.checksum.clone(),
                computed: expected,
            });
        }
        if self.from != since {
            return Err(WireError::Malformed(format!(
                "page starts at {} but {since} was asked for",
                self.from
            )));
        }
        if self.to < self.from || self.to > self.head {
            return Err(WireError::Malformed(format!(
                "page cursor is inconsistent: from {} to {} head {}",
                self.from, self.to, self.head
            )));
        }
        let mut last = self.from;
        let mut records = Vec::with_capacity(self.changes.len());
        for change in &self.changes {
            if change.seq <= last || change.seq > self.to {
                return Err(WireError::Malformed(format!(
                    "change {} is out of order or outside ({}, {}]",
                    change.seq, self.from, self.to
                )));
            }
            last = change.seq;
            records.push(change.record()?);
        }
        Ok(records)
    }
}

/// One change as the checksum and [`page_body`] write it: a [`Change`] with borrowed parts.
#[derive(Debug, Clone, Copy)]
pub struct RawChange<'a> {
    pub seq: u64,
    pub kind: Kind,
    pub id: &'a str,
    pub op: Op,
    pub rev: u64,
    pub data: Option<RawData<'a>>,
}

/// A put's `data`: parsed, or JSON text already in canonical form ([`canonical_json`]).
#[derive(Debug, Clone, Copy)]
pub enum RawData<'a> {
    Value(&'a serde_json::Value),
    /// Written as it is: it must be canonical JSON, or clients refuse the page (their
    /// checksum is computed over what they parsed).
    Canonical(&'a str),
}

/// The canonical JSON of the object the checksum covers, `{"changes":[…],"from":…,"head":…,
/// "to":…}`, keys in canonical order by hand: `data`, `id`, `kind`, `op`, `rev`, `seq` in a
/// change (`data` absent for a delete).
fn write_covered<'a>(
    out: &mut Vec<u8>,
    from: u64,
    to: u64,
    head: u64,
    changes: impl IntoIterator<Item = RawChange<'a>>,
) {
    out.extend_from_slice(b"{\"changes\":[");
    for (i, c) in changes.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        match c.data {
            Some(RawData::Value(value)) => {
                out.extend_from_slice(b"\"data\":");
                write_canonical(value, out);
                out.push(b',');
            }
            Some(RawData::Canonical(text)) => {
                out.extend_from_slice(b"\"data\":");
                out.extend_from_slice(text.as_bytes());
                out.push(b',');
            }
            None => {}
        }
        out.extend_from_slice(b"\"id\":");
        write_json(out, c.id);
        out.extend_from_slice(b",\"kind\":");
        write_json(out, &c.kind);
        out.extend_from_slice(b",\"op\":");
        write_json(out, &c.op);
        out.extend_from_slice(format!(",\"rev\":{},\"seq\":{}}}", c.rev, c.seq).as_bytes());
    }
    out.extend_from_slice(format!("],\"from\":{from},\"head\":{head},\"to\":{to}}}").as_bytes());
}

/// The JSON body of a `GET /v1/changes` page, serialised once: the canonical JSON of the fields
/// the checksum covers, hashed, with `"checksum"` added before its closing brace. A client reads
/// it like any page (the order of an object's fields does not matter to it) and recomputes the
/// same checksum from what it parsed, because the covered part is canonical already: the
/// server hands every record's `data` as the canonical text it stored
/// ([`RawData::Canonical`]), so nothing is parsed, copied into a `Value` or serialised twice.
pub fn page_body<'a>(
    from: u64,
    to: u64,
    head: u64,
    changes: impl IntoIterator<Item = RawChange<'a>>,
) -> Vec<u8> {
    let mut body = Vec::with_capacity(64 * 1024);
    write_covered(&mut body, from, to, head, changes);
    let checksum = hex::encode(Sha256::digest(&body));
    // The covered object ends with its closing brace; the checksum goes in before it.
    body.pop();
    body.extend_from_slice(b",\"checksum\":\"");
    body.extend_from_slice(checksum.as_bytes());
    body.extend_from_slice(b"\"}");
    body
}

/// Canonical JSON, the form checksums are computed over:
/// no whitespace; object keys sorted by their UTF-8 bytes; strings escaped as `serde_json` does
/// (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other controls as `\u00xx`, everything else
/// literal UTF-8); integers in plain decimal; `true`, `false`, `null`.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = Vec::new();
    write_canonical(value, &mut out);
    // Only UTF-8 was written: JSON text from strings and ASCII.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn write_canonical(value: &serde_json::Value, out: &mut Vec<u8>) {
    use serde_json::Value;
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(s) => write_json(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            let mut write_entry = |i: usize, key: &String, item: &Value| {
                if i > 0 {
                    out.push(b',');
                }
                write_json(out, key);
                out.push(b':');
                write_canonical(item, out);
            };
            // serde_json's map iterates in key order already (unless its `preserve_order`
            // feature is on somewhere in the build): sort only when it does not.
            if map.keys().is_sorted_by(|a, b| a.as_bytes() <= b.as_bytes()) {
                for (i, (key, item)) in map.iter().enumerate() {
                    write_entry(i, key, item);
                }
            } else {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                for (i, (key, item)) in entries.into_iter().enumerate() {
                    write_entry(i, key, item);
                }
            }
            out.push(b'}');
        }
    }
}

/// Appends `value` as serde_json writes it (for a string: the escaping canonical JSON uses).
fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing a string or a unit enum into a Vec cannot fail.
    let _ = serde_json::to_writer(out, value);
}

/// A client-chosen submission id: a UUID version 7 in lower-case hyphenated form. It is the
/// server's primary key for the item, which makes resending safe.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SubmissionId(String);

impl SubmissionId {
    /// Parses `8-4-4-4-12` hex digits with version nibble 7 and the RFC 9562 variant;
    /// upper-case input is accepted and stored lower-case.
    pub fn parse(s: &str) -> Result<SubmissionId, WireError> {
        let lower = s.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        let shape_ok = bytes.len() == 36
            && bytes.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            });
        if !shape_ok {
            return Err(WireError::Malformed(format!(
                "`{s}` is not a UUID in hyphenated form"
            )));
        }
        if bytes[14] != b'7' {
            return Err(WireError::Malformed(format!(
                "`{s}` is not a UUID version 7"
            )));
        }
        if !matches!(bytes[19], b'8' | b'9' | b'a' | b'b') {
            return Err(WireError::Malformed(format!(
                "`{s}` does not have the RFC 9562 variant"
            )));
        }
        Ok(SubmissionId(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SubmissionId {
    type Error = WireError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        SubmissionId::parse(&s)
    }
}

impl From<SubmissionId> for String {
    fn from(id: SubmissionId) -> String {
        id.0
    }
}

impl std::fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an outbox item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmissionKind {
    /// `payload` is a [`WishSubmission`].
    Wish,
    /// `payload` is a [`SignupSubmission`].
    Signup,
    /// `payload` is a [`ClaimSubmission`].
    Claim,
}

impl SubmissionKind {
    pub const ALL: [SubmissionKind; 3] = [
        SubmissionKind::Wish,
        SubmissionKind::Signup,
        SubmissionKind::Claim,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SubmissionKind::Wish => "wish",
            SubmissionKind::Signup => "signup",
            SubmissionKind::Claim => "claim",
        }
    }
}

impl std::str::FromStr for SubmissionKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SubmissionKind::ALL
            .into_iter()
            .find(|k| k.key() == s)
            .ok_or_else(|| format!("unknown submission kind `{s}`"))
    }
}

/// One outbox item as the kiosk sends it. Unknown fields are refused, here and in the
/// payloads: a server stores only what it validated, so nothing unknown may ride along.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub id: SubmissionId,
    pub kind: SubmissionKind,
    /// When the visitor submitted it, on the kiosk's clock.
    pub created_at: DateTime<FixedOffset>,
    pub payload: serde_json::Value,
}

impl Submission {
    pub fn wish(
        id: SubmissionId,
        created_at: DateTime<FixedOffset>,
        wish: &WishSubmission,
    ) -> Self {
        Submission {
            id,
            kind: SubmissionKind::Wish,
            created_at,
            payload: serde_json::to_value(wish).unwrap_or(serde_json::Value::Null),
        }
    }

    pub fn signup(
        id: SubmissionId,
        created_at: DateTime<FixedOffset>,
        signup: &SignupSubmission,
    ) -> Self {
        Submission {
            id,
            kind: SubmissionKind::Signup,
            created_at,
            payload: serde_json::to_value(signup).unwrap_or(serde_json::Value::Null),
        }
    }

    pub fn claim(
        id: SubmissionId,
        created_at: DateTime<FixedOffset>,
        claim: &ClaimSubmission,
    ) -> Self {
        Submission {
            id,
            kind: SubmissionKind::Claim,
            created_at,
            payload: serde_json::to_value(claim).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A visitor's wish, as typed (checked by [`WishSubmission::check`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WishSubmission {
    pub text: String,
    /// The language the visitor used the kiosk in.
    pub lang: Lang,
    /// A name or initials to show with the wish once approved; absent for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// An offer to fulfil an approved wish (认领), by a visitor or a company in the building
/// (checked by [`ClaimSubmission::check`]). The contact reaches staff only, never a kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimSubmission {
    /// The wish's id.
    pub wish: String,
    pub name: String,
    /// A phone number or an e-mail address.
    pub contact: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A visitor's sign-up for an event (for a recurring event, one occurrence of it); checked by
/// [`SignupSubmission::check`]. The name and contact reach staff only, never a kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignupSubmission {
    /// The event's id.
    pub event: String,
    /// Start of the occurrence, local time of the district; required for recurring events,
    /// optional (and then equal to the event's start) otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence_start: Option<NaiveDateTime>,
    pub name: String,
    pub contact: String,
    pub party_size: u32,
}

/// Body of `POST /v1/submissions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionBatch {
    pub items: Vec<Submission>,
}

/// The server's verdict on one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmissionStatus {
    /// Stored now. Drop it from the outbox.
    Accepted,
    /// Stored earlier under this id. Drop it from the outbox.
    Duplicate,
    /// Invalid and will never be accepted (message says why). Drop it; keep a note locally.
    Rejected,
    /// Valid but refused by the server's state: event full, sign-up closed, event over,
    /// wish no longer claimable. Drop it; the message can be shown to staff.
    Conflict,
}

/// Per-item answer of `POST /v1/submissions`, in the order of the request's items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionResult {
    pub id: String,
    pub status: SubmissionStatus,
    /// English, for staff and logs.
    pub message: String,
    /// What to tell the visitor. A `duplicate` carries the outcome of the first answer, so a
    /// kiosk whose first answer was lost still learns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

/// What the visitor is told about an item: the structured half of a [`SubmissionResult`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// A wish or a claim was received; staff review it (`accepted`).
    Received,
    /// A sign-up holds `seats` seats at the occurrence starting at `start` (`accepted`).
    Confirmed { seats: u32, start: NaiveDateTime },
    /// Not enough seats left for the party: `seats_left` remain, 0 when full (`conflict`).
    Full { seats_left: u32 },
    /// Sign-up for the event is closed (`conflict`).
    Closed,
    /// The occurrence has already started (`conflict`).
    Over,
    /// The event or wish is not (or no longer) published, or the wish can no longer be claimed
    /// (`conflict`).
    Unavailable,
    /// Fields the visitor typed break the rules of [`crate::visitor`] (`rejected`).
    Invalid { errors: Vec<FieldError> },
    /// Refused for a reason that is the kiosk's, not the visitor's: an occurrence that does not
    /// exist, an event of another station, a malformed item, an id another kiosk used
    /// (`rejected` or `conflict`). Staff should look at the message.
    Refused,
}

/// Body of the answer to `POST /v1/submissions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionResults {
    pub results: Vec<SubmissionResult>,
}

/// Body of `POST /v1/heartbeat`: what the maintenance screen shows, reported to staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub kiosk_version: String,
    /// The cursor of the kiosk's applied content.
    pub content_seq: u64,
    /// Items waiting in the kiosk's outbox.
    pub outbox_depth: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_disk_bytes: Option<u64>,
    /// The kiosk's clock, so staff see a skewed clock.
    pub clock: DateTime<FixedOffset>,
}

/// Answer to a heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatReply {
    pub server_time: DateTime<FixedOffset>,
    /// The server's head: a kiosk whose `content_seq` is below it has something to pull.
    pub head: u64,
    /// Staff asked for a picture of the kiosk's screen: render the current screen and
    /// `PUT` it as a PNG of at most [`MAX_SCREENSHOT_BYTES`] to [`SCREENSHOT_PATH`]. Absent
    /// (false) from servers that predate it, so older kiosks and servers keep working.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub screenshot_wanted: bool,
}

/// Where a kiosk uploads the screenshot staff asked for (`PUT`, `Content-Type: image/png`).
pub const SCREENSHOT_PATH: &str = "/v1/kiosk/screenshot";
/// Largest screenshot upload: a 1080×1920 screen compresses far below this.
pub const MAX_SCREENSHOT_BYTES: usize = 2 * 1024 * 1024;

/// Answer to `GET /v1/kiosk`: who the server thinks this kiosk is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskInfo {
    pub kiosk_id: String,
    pub station: String,
    /// The district as last pushed by staff; absent before the first push.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<District>,
    pub head: u64,
    pub schema_version: u32,
}

/// Body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code, one of [`codes`].
    pub error: String,
    /// What went wrong and what to do, for a person.
    pub message: String,
    /// Individual problems when there are several (e.g. everything wrong with a bundle).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// Error codes of [`ErrorBody::error`].
pub mod codes {
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    pub const BAD_REQUEST: &str = "bad_request";
    pub const BAD_JSON: &str = "bad_json";
    /// A staff notice that breaks its rules (details list each).
    pub const INVALID_NOTICE: &str = "invalid_notice";
    pub const BODY_TOO_LARGE: &str = "body_too_large";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const UNSUPPORTED_SCHEMA: &str = "unsupported_schema";
    pub const CURSOR_EXPIRED: &str = "cursor_expired";
    pub const RANGE_NOT_SATISFIABLE: &str = "range_not_satisfiable";
    pub const INVALID_BUNDLE: &str = "invalid_bundle";
    pub const MISSING_BLOBS: &str = "missing_blobs";
    pub const INVALID_BLOB: &str = "invalid_blob";
    pub const CONFLICT: &str = "conflict";
    /// `429`: the kiosk handed in as many submissions as it may within an hour; the
    /// `Retry-After` header says in how many seconds to send again.
    pub const TOO_MANY_SUBMISSIONS: &str = "too_many_submissions";
    pub const INTERNAL: &str = "internal";
}

/// What is wrong with something received over the wire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("page checksum mismatch: the page says {got}, its content hashes to {computed}")]
    Checksum { got: String, computed: String },
    #[error("{0}")]
    Malformed(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Room;
    use crate::text::Text;

    fn page() -> ChangesPage {
        let room = Record::Room(Room {
            id: "r1".into(),
            station: "s1".into(),
            order: 1,
            name: Text::new("阅览区", "Reading \"area\""),
            description: Text::new("书", "Books\n"),
            capacity: Some(20),
        });
        ChangesPage::new(
            3,
            9,
            12,
            vec![
                Change {
                    seq: 4,
                    kind: Kind::Room,
                    id: "r1".into(),
                    op: Op::Put,
                    rev: 2,
                    data: Some(room.to_json()),
                },
                Change {
                    seq: 9,
                    kind: Kind::Event,
                    id: "e1".into(),
                    op: Op::Delete,
                    rev: 3,
                    data: None,
                },
            ],
        )
    }

    #[test]
    fn a_page_verifies_after_a_round_trip() {
        let p = page();
        let text = serde_json::to_string(&p).expect("serialises");
        let back: ChangesPage = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, p);
        back.verify(3).expect("verifies");
        assert!(back.verify(2).is_err(), "wrong cursor");
    }

    #[test]
    fn every_flipped_byte_is_caught() {
        let text = serde_json::to_vec(&page()).expect("serialises");
        for i in 0..text.len() {
            for flip in [0x01u8, 0x20] {
                let mut bad = text.clone();
                bad[i] ^= flip;
                let caught = match serde_json::from_slice::<ChangesPage>(&bad) {
                    Err(_) => true,
                    Ok(p) => p.verify(3).is_err(),
                };
                // Changing insignificant whitespace is the only harmless edit; there is none.
                assert!(
                    caught,
                    "flip {flip:#x} at byte {i} went unnoticed: {}",
                    String::from_utf8_lossy(&bad)
                );
            }
        }
    }

    /// The checksum as the protocol defines it, the way it was first written: the covered
    /// fields as a `serde_json::Value`, then [`canonical_json`] of it.
    fn checksum_by_definition(page: &ChangesPage) -> String {
        let covered = serde_json::json!({
            "changes": page.changes,
            "from": page.from,
            "head": page.head,
            "to": page.to,
        });
        hex::encode(Sha256::digest(canonical_json(&covered).as_bytes()))
    }

    /// A page whose texts hold everything canonical JSON escapes or keeps literal.
    fn awkward_page() -> ChangesPage {
        let awkward =
            "引号\"反斜杠\\ 斜杠/ \u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f} é 😀 \u{2028} </script>";
        let mut changes = Vec::new();
        for seq in 1..=40u64 {
            let room = Record::Room(Room {
                id: format!("r{seq}-{awkward}"),
                station: "s1".into(),
                order: seq as u32,
                name: Text::new(awkward, format!("Room {seq}")),
                description: Text::new("", awkward),
                capacity: (!seq.is_multiple_of(3)).then_some(seq as u32 * 7),
            });
            changes.push(if seq.is_multiple_of(5) {
                Change {
                    seq: seq * 3,
                    kind: Kind::Event,
                    id: format!("e{seq}"),
                    op: Op::Delete,
                    rev: seq + 1,
                    data: None,
                }
            } else {
                Change {
                    seq: seq * 3,
                    kind: Kind::Room,
                    id: room.id().to_string(),
                    op: Op::Put,
                    rev: seq,
                    data: Some(room.to_json()),
                }
            });
        }
        ChangesPage::new(1, 120, u64::MAX, changes)
    }

    #[test]
    fn the_checksum_is_the_canonical_json_of_the_page_as_a_value() {
        for p in [
            page(),
            awkward_page(),
            ChangesPage::new(7, 7, 7, Vec::new()),
        ] {
            assert_eq!(p.checksum, checksum_by_definition(&p));
            assert_eq!(p.compute_checksum(), p.checksum);
        }
        // Keys out of order inside `data` (as a server with another JSON library could send)
        // are sorted for the checksum.
        let mut p = page();
        let shuffled: serde_json::Value = serde_json::from_str(
            r#"{"station":"s1","name":{"zh":"阅览区","en":"Reading \"area\""},"id":"r1","order":1,
               "description":{"en":"Books\n","zh":"书"},"capacity":20}"#,
        )
        .expect("parses");
        p.changes[0].data = Some(shuffled);
        assert_eq!(p.compute_checksum(), page().checksum);
    }

    #[test]
    fn a_body_from_canonical_texts_is_the_same_page() {
        let p = awkward_page();
        let texts: Vec<Option<String>> = p
            .changes
            .iter()
            .map(|c| c.data.as_ref().map(|d| d.to_string()))
            .collect();
        for (c, text) in p.changes.iter().zip(&texts) {
            if let (Some(data), Some(text)) = (&c.data, text) {
                assert_eq!(text, &canonical_json(data), "stored text is canonical");
            }
        }
        let body = page_body(
            p.from,
            p.to,
            p.head,
            p.changes.iter().zip(&texts).map(|(c, text)| RawChange {
                seq: c.seq,
                kind: c.kind,
                id: &c.id,
                op: c.op,
                rev: c.rev,
                data: text.as_deref().map(RawData::Canonical),
            }),
        );
        let back: ChangesPage = serde_json::from_slice(&body).expect("parses");
        assert_eq!(back, p);
        let records = back.verified_records(1).expect("verifies");
        assert_eq!(records.len(), 40);
        assert_eq!(records.iter().filter(|r| r.is_none()).count(), 8);
        assert_eq!(
            records[0].as_ref().map(Record::to_json),
            p.changes[0].data.clone()
        );
    }

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{ "b": [1, {"z": null, "a": true}], "a": "x\u00e9\n" }"#)
                .expect("parses");
        assert_eq!(
            canonical_json(&v),
            "{\"a\":\"xé\\n\",\"b\":[1,{\"a\":true,\"z\":null}]}"
        );
    }

    #[test]
    fn outcomes_have_the_documented_shape() {
        use crate::visitor::{Field, FieldError, Reason};
        let full = SubmissionResult {
            id: "x".into(),
            status: SubmissionStatus::Conflict,
            message: "full".into(),
            outcome: Some(Outcome::Full { seats_left: 1 }),
        };
        assert_eq!(
            serde_json::to_value(&full).expect("json"),
            serde_json::json!({"id": "x", "status": "conflict", "message": "full",
                               "outcome": {"kind": "full", "seats_left": 1}})
        );
        let confirmed = Outcome::Confirmed {
            seats: 2,
            start: "2030-01-19T14:00:00".parse().expect("time"),
        };
        assert_eq!(
            serde_json::to_value(&confirmed).expect("json"),
            serde_json::json!({"kind": "confirmed", "seats": 2, "start": "2030-01-19T14:00:00"})
        );
        let invalid = Outcome::Invalid {
            errors: vec![FieldError::new(Field::Contact, Reason::NotAContact)],
        };
        let back: Outcome =
            serde_json::from_value(serde_json::to_value(&invalid).expect("json")).expect("parses");
        assert_eq!(back, invalid);
        // An answer of a server before schema 2 has no outcome.
        let old: SubmissionResult =
            serde_json::from_str(r#"{"id": "x", "status": "accepted", "message": "ok"}"#)
                .expect("parses");
        assert_eq!(old.outcome, None);
    }

    #[test]
    fn availability_ids_name_the_event_and_the_minute() {
        let start = "2030-01-19T14:00:00".parse().expect("time");
        assert_eq!(
            crate::content::Availability::id_for("finance-talk", start),
            "finance-talk@2030-01-19T14:00"
        );
    }

    #[test]
    fn submissions_round_trip_and_refuse_unknown_fields() {
        let id = SubmissionId::parse("0190b2a8-7c3e-7abc-8def-0123456789ab").expect("v7");
        let at = DateTime::parse_from_rfc3339("2030-01-19T10:00:00+08:00").expect("time");
        let wish = WishSubmission {
            text: "读书角".into(),
            lang: Lang::Zh,
            display_name: Some("李".into()),
        };
        let signup = SignupSubmission {
            event: "finance-talk".into(),
            occurrence_start: Some("2030-01-19T14:00:00".parse().expect("time")),
            name: "Li".into(),
            contact: "13800000000".into(),
            party_size: 2,
        };
        let claim = ClaimSubmission {
            wish: "w1".into(),
            name: "Li".into(),
            contact: "li@example.com".into(),
            note: None,
        };
        let batch = SubmissionBatch {
            items: vec![
                Submission::wish(id.clone(), at, &wish),
                Submission::signup(id.clone(), at, &signup),
                Submission::claim(id, at, &claim),
            ],
        };
        // What a kiosk serialises reads back whole, payloads included.
        let text = serde_json::to_string(&batch).expect("serialises");
        let back: SubmissionBatch = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, batch);
        let payload = |i: usize| back.items[i].payload.clone();
        assert_eq!(
            serde_json::from_value::<WishSubmission>(payload(0)).expect("wish"),
            wish
        );
        assert_eq!(
            serde_json::from_value::<SignupSubmission>(payload(1)).expect("sign-up"),
            signup
        );
        assert_eq!(
            serde_json::from_value::<ClaimSubmission>(payload(2)).expect("claim"),
            claim
        );

        // One unknown field anywhere is refused, and the error names it.
        let with = |mut v: serde_json::Value, field: &str| {
            v[field] = serde_json::json!("x".repeat(10));
            v
        };
        let item = serde_json::to_value(&batch.items[0]).expect("json");
        let e = serde_json::from_value::<Submission>(with(item, "extra")).expect_err("item");
        assert!(e.to_string().contains("unknown field `extra`"), "{e}");
        let e =
            serde_json::from_value::<WishSubmission>(with(payload(0), "photo")).expect_err("wish");
        assert!(e.to_string().contains("photo"), "{e}");
        assert!(serde_json::from_value::<SignupSubmission>(with(payload(1), "id_card")).is_err());
        assert!(serde_json::from_value::<ClaimSubmission>(with(payload(2), "x")).is_err());
        let mut body = serde_json::to_value(&batch).expect("json");
        body["padding"] = serde_json::json!(0);
        assert!(serde_json::from_value::<SubmissionBatch>(body).is_err());
    }

    #[test]
    fn submission_ids_are_uuid_v7() {
        let id = SubmissionId::parse("0190B2A8-7C3E-7ABC-8DEF-0123456789AB").expect("v7");
        assert_eq!(id.as_str(), "0190b2a8-7c3e-7abc-8def-0123456789ab");
        assert!(SubmissionId::parse("0190b2a8-7c3e-4abc-8def-0123456789ab").is_err());
        assert!(SubmissionId::parse("0190b2a8-7c3e-7abc-cdef-0123456789ab").is_err());
        assert!(SubmissionId::parse("not-a-uuid").is_err());
        let json = serde_json::to_string(&id).expect("serialises");
        assert_eq!(json, "\"0190b2a8-7c3e-7abc-8def-0123456789ab\"");
        assert!(serde_json::from_str::<SubmissionId>("\"x\"").is_err());
    }
}
