//! The staff API's bodies (`/v1/staff/…`), shared by the server and `kioskctl`. The kiosk side
//! of the protocol lives in [`protocol::wire`].

use chrono::NaiveDateTime;
use protocol::content::{Content, Kind, WishStatus};
use protocol::text::{Lang, Text};
use serde::{Deserialize, Serialize};

/// Body of `POST /v1/staff/push`: a validated bundle's content, images by sha256.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub content: Content,
    /// Only compute what would change.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a push changes for one kind of record (ids sorted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindDiff {
    pub kind: Kind,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

impl KindDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Answer of `POST /v1/staff/push`: what changed (or, for a dry run, what would).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushPlan {
    pub dry_run: bool,
    /// The head before the push and after it (equal when nothing changed or on a dry run).
    pub head_before: u64,
    pub head_after: u64,
    /// One entry per kind a bundle carries, in [`Kind`] order.
    pub kinds: Vec<KindDiff>,
    /// Records that stay as they are.
    pub unchanged: u64,
    /// Whether the district (name, time zone, brand) changes.
    pub district_changed: bool,
    /// Images the server lacks (a dry run does not upload them).
    #[serde(default)]
    pub missing_blobs: Vec<String>,
}

impl PushPlan {
    pub fn change_count(&self) -> usize {
        self.kinds
            .iter()
            .map(|k| k.added.len() + k.changed.len() + k.removed.len())
            .sum()
    }
}

/// Body of `POST /v1/staff/blobs/missing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobQuery {
    pub sha256: Vec<String>,
}

/// Answer of `POST /v1/staff/blobs/missing`: the subset the server lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingBlobs {
    pub missing: Vec<String>,
}

/// One kiosk as staff see it. Times are RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskRow {
    pub id: String,
    pub station: String,
    pub created_at: String,
    pub last_seen_at: Option<String>,
    pub kiosk_version: Option<String>,
    pub content_seq: Option<u64>,
    pub outbox_depth: Option<u64>,
    pub free_disk_bytes: Option<u64>,
    pub kiosk_clock: Option<String>,
}

/// Answer of `GET /v1/staff/kiosks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskList {
    pub head: u64,
    pub kiosks: Vec<KioskRow>,
}

/// One wish as staff moderate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WishRow {
    pub id: String,
    pub kiosk_id: String,
    /// Station of the kiosk it was left at.
    pub station: String,
    pub text: String,
    pub lang: Lang,
    /// The name or initials the visitor gave, if any.
    pub display_name: Option<String>,
    pub status: WishStatus,
    /// Where it is shown once approved: a station, or district-wide when absent.
    pub scope: Option<String>,
    pub created_at: String,
    pub received_at: String,
    pub decided_at: Option<String>,
    pub note: Option<String>,
    /// Offers to fulfil it that were not declined (see `GET /v1/staff/claims?wish=ID`).
    #[serde(default)]
    pub claims: u32,
}

/// Answer of `GET /v1/staff/wishes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WishList {
    pub wishes: Vec<WishRow>,
}

/// Where an offer to fulfil a wish stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimStatus {
    /// Waiting for staff.
    Offered,
    /// Staff put the wisher and the helper in touch; the wish shows as claimed.
    Matched,
    /// Not taken up.
    Declined,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 3] = [
        ClaimStatus::Offered,
        ClaimStatus::Matched,
        ClaimStatus::Declined,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ClaimStatus::Offered => "offered",
            ClaimStatus::Matched => "matched",
            ClaimStatus::Declined => "declined",
        }
    }
}

impl std::str::FromStr for ClaimStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClaimStatus::ALL
            .into_iter()
            .find(|k| k.key() == s)
            .ok_or_else(|| format!("unknown claim status `{s}`: use offered, matched or declined"))
    }
}

/// One offer to fulfil a wish, as staff see it: with the helper's contact, which no kiosk
/// ever gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRow {
    pub id: String,
    pub kiosk_id: String,
    pub wish: String,
    /// The wish's text, so a list reads on its own.
    pub wish_text: String,
    pub name: String,
    /// Phone (E.164) or e-mail, normalised.
    pub contact: String,
    pub note: Option<String>,
    pub status: ClaimStatus,
    pub created_at: String,
    pub received_at: String,
    pub decided_at: Option<String>,
    /// A note for other staff.
    pub staff_note: Option<String>,
}

/// Answer of `GET /v1/staff/claims`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimList {
    pub claims: Vec<ClaimRow>,
}

/// Body of `POST /v1/staff/claims/{id}/{match|decline}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClaimDecision {
    /// A note for other staff (who called whom).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What matching or declining a claim did: the claim and its wish as they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimOutcome {
    pub claim: ClaimRow,
    pub wish: WishRow,
}

/// Body of `POST /v1/staff/wishes/{id}/{approve|reject|fulfil}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WishDecision {
    /// On approval: show it at every kiosk of the district, not only its own station's.
    #[serde(default)]
    pub district_wide: bool,
    /// A note for other staff (why rejected, who fulfilled it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One sign-up as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupRow {
    pub id: String,
    pub kiosk_id: String,
    pub name: String,
    pub contact: String,
    pub party_size: u32,
    pub created_at: String,
    pub received_at: String,
    /// When staff cancelled it; its seats are free again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<String>,
}

/// The sign-ups of one occurrence of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccurrenceSignups {
    pub start: NaiveDateTime,
    /// Places taken (sum of the party sizes not cancelled).
    pub taken: u32,
    pub signups: Vec<SignupRow>,
}

/// Answer of `POST /v1/staff/signups/{id}/cancel`: the sign-up and the seats its occurrence
/// has taken now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelledSignup {
    pub event: String,
    pub start: NaiveDateTime,
    pub signup: SignupRow,
    pub taken: u32,
    pub capacity: Option<u32>,
}

/// Answer of `GET /v1/staff/events/{id}/signups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSignups {
    pub event: String,
    /// Absent when the event is no longer published.
    pub title: Option<Text>,
    /// Places per occurrence; absent means unlimited.
    pub capacity: Option<u32>,
    pub occurrences: Vec<OccurrenceSignups>,
}

/// `POST /v1/staff/notices`: an urgent notice to publish at once. The client picks the id (a
/// UUIDv7), so a retried post is answered with the notice it made, never posted twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticePost {
    pub id: String,
    pub title: protocol::text::Text,
    pub text: protocol::text::Text,
    /// Absent: now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub ends_at: chrono::DateTime<chrono::FixedOffset>,
    /// A station id: only its kiosks show the notice. Absent: every kiosk of the district.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
}

/// `GET /v1/staff/notices`: the notices in the feed, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeList {
    pub notices: Vec<protocol::content::Notice>,
}
