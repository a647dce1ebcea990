//! The records a kiosk shows, in canonical form: what the server stores, what sync carries and what
//! the kiosk caches. Images are referenced by the sha256 of their bytes, never by path.
//!
//! Records that carry images are generic over the image type so the bundle manifest (images by
//! file path, see [`crate::bundle`]) and the canonical form share one definition.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::text::{Lang, Text};

/// An image as content references it: the blob's hash and what a layout needs before decoding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRef {
    /// Lower-case hex sha256 of the image file's bytes.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub alt: Text,
}

/// The district a deployment serves; times of events are local to its zone. A record of the
/// feed (one, its id the district's id) since schema 3, so its brand syncs like any change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "I: Deserialize<'de>"))]
pub struct District<I = ImageRef> {
    pub id: String,
    pub name: Text,
    /// IANA zone name, e.g. `Asia/Shanghai`.
    pub timezone: String,
    /// How the kiosk presents itself. Bundles must give it (validation); it defaults to empty
    /// only so a district stored before schema 3 still reads (the kiosk then shows the name).
    #[serde(default)]
    pub brand: Brand<I>,
}

/// The district's identity on screen, in both languages: what the Dalian deployment calls
/// 红垒e站 / 红垒驿站 and another district calls something else, so none of it is in the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "I: Deserialize<'de>"))]
pub struct Brand<I = ImageRef> {
    /// The kiosk's own name, in the status band (红垒e站 / Red Fort e-Station).
    pub kiosk_name: Text,
    /// Home's heading (欢迎来到红垒驿站 / Welcome to the Red Fort Stations).
    pub welcome: Text,
    /// Home's line under the heading.
    pub intro: Text,
    /// The word for the district's venues, the navigation bar's label (红垒驿站 / Stations).
    pub venues: Text,
    /// Accent colour `#RRGGBB` (the status band, selected buttons).
    pub accent: String,
    /// Shown in the status band beside the kiosk's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<I>,
}

// By hand: a derived `Default` would ask `I: Default`, which images are not.
impl<I> Default for Brand<I> {
    fn default() -> Self {
        Brand {
            kiosk_name: Text::default(),
            welcome: Text::default(),
            intro: Text::default(),
            venues: Text::default(),
            accent: String::new(),
            logo: None,
        }
    }
}

/// An urgent banner (a typhoon warning, a closed station) shown over every screen of the
/// kiosks it targets from `starts_at` until `ends_at`. Staff post it straight to the feed: no
/// draft, no bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub id: String,
    pub title: Text,
    /// A short text; it wraps on screen.
    pub text: Text,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    /// When staff posted it: several notices stack newest first.
    pub posted_at: DateTime<FixedOffset>,
    /// Station id when only that station's kiosks show it; absent means district-wide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl Notice {
    /// Longest title, in characters per language.
    pub const MAX_TITLE: usize = 60;
    /// Longest text, in characters per language.
    pub const MAX_TEXT: usize = 280;
    /// Longest a notice may stay up.
    pub const MAX_DAYS: i64 = 31;

    /// Whether the banner is up at `now`.
    pub fn is_live(&self, now: DateTime<FixedOffset>) -> bool {
        self.starts_at <= now && now < self.ends_at
    }

    /// What is wrong with the notice as staff wrote it, one sentence a problem (English, for
    /// staff tools; the console words its own).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (field, text, max) in [
            ("title", &self.title, Self::MAX_TITLE),
            ("text", &self.text, Self::MAX_TEXT),
        ] {
            if let Some(lang) = text.missing() {
                out.push(format!(
                    "{field}.{}: must not be empty: a notice needs Chinese and English",
                    lang.code()
                ));
            }
            for lang in Lang::ALL {
                let n = text.get(lang).chars().count();
                if n > max {
                    out.push(format!(
                        "{field}.{}: {n} characters; at most {max}",
                        lang.code()
                    ));
                }
                if text.get(lang).chars().any(|c| c.is_control() && c != '\n') {
                    out.push(format!(
                        "{field}.{}: control characters are not allowed",
                        lang.code()
                    ));
                }
            }
        }
        if self.ends_at <= self.starts_at {
            out.push("ends_at: must be later than starts_at".into());
        } else if self.ends_at - self.starts_at > chrono::Duration::days(Self::MAX_DAYS) {
            out.push(format!(
                "ends_at: a notice may stay up at most {} days",
                Self::MAX_DAYS
            ));
        }
        out
    }
}

/// A section's own icon as content references it: the blob's hash and how to draw it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IconRef {
    /// Lower-case hex sha256 of the icon file's bytes.
    pub sha256: String,
    pub format: IconFormat,
}

/// The two kinds of icon file a bundle may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IconFormat {
    Svg,
    Png,
}

impl IconFormat {
    pub fn mime(self) -> &'static str {
        match self {
            IconFormat::Svg => "image/svg+xml",
            IconFormat::Png => "image/png",
        }
    }
}

/// One of the home screen's tiles. Sections are data so another district brings its own.
///
/// Generic over its own icon's type: a file path in the bundle manifest, an [`IconRef`] in
/// the canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "F: Deserialize<'de>"))]
pub struct Section<F = IconRef> {
    pub id: String,
    pub order: u32,
    pub title: Text,
    pub subtitle: Text,
    /// A name from [`Section::ICONS`]: the kiosk ships the drawings. With `icon_file`, the
    /// drawing shown while the file is missing or cannot be drawn.
    pub icon: String,
    /// The district's own icon (SVG or PNG, [`crate::icon::check_icon`]). Schema 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_file: Option<F>,
    /// Accent colour `#RRGGBB`.
    pub color: String,
    /// Station id when only that station's kiosks show it; absent means district-wide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The section that shows the wall of visitors' wishes (微心愿) and the "make a wish" form
    /// above its articles. Data, not a section key in code, so another district chooses its
    /// own; at most one section of a bundle has it. Schema 3.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub wish_wall: bool,
}

impl Section {
    /// Icon names the kiosk has drawings for.
    pub const ICONS: &'static [&'static str] = &[
        "city",
        "harbour",
        "station",
        "screen",
        "handshake",
        "heart",
        "lantern",
        "compass",
    ];
}

/// What kind of need an article meets; the seeds name these four.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Learning,
    Service,
    Education,
    Entertainment,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Learning,
        Category::Service,
        Category::Education,
        Category::Entertainment,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Category::Learning => "learning",
            Category::Service => "service",
            Category::Education => "education",
            Category::Entertainment => "entertainment",
        }
    }
}

/// A page inside a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "I: Deserialize<'de>"))]
pub struct Article<I = ImageRef> {
    pub id: String,
    pub section: String,
    pub order: u32,
    pub category: Category,
    pub title: Text,
    pub summary: Text,
    /// Paragraphs of plain text.
    pub body: Vec<Text>,
    #[serde(default)]
    pub images: Vec<I>,
    /// Shown as a QR code, for reading on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_at: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_at: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl<I> Article<I> {
    /// Whether the article is live at `now` (published, not expired).
    pub fn is_live(&self, now: DateTime<FixedOffset>) -> bool {
        self.publish_at.is_none_or(|p| p <= now) && self.expire_at.is_none_or(|e| now < e)
    }
}

/// A service station (venue) with its rooms, e.g. 海之云 on the 23rd floor of 上方港景大厦.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "I: Deserialize<'de>"))]
pub struct Station<I = ImageRef> {
    pub id: String,
    pub order: u32,
    pub name: Text,
    pub building: Text,
    pub floor: Text,
    pub address: Text,
    pub hours: Text,
    /// Floor area in square metres, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_m2: Option<u32>,
    pub summary: Text,
    /// Buildings the station serves.
    #[serde(default)]
    pub serves: Vec<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<I>,
}

/// A room or function area inside a station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Room {
    pub id: String,
    pub station: String,
    pub order: u32,
    pub name: Text,
    pub description: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
}

/// Repetition of an event; weekly is what stations plan (lunchtime classes, reading hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recurrence {
    pub weekly: bool,
    /// Last date an occurrence may start on; absent means until further notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

/// Something happening in a room; times are local to the district's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub station: String,
    pub room: String,
    pub title: Text,
    pub description: Text,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    #[serde(default)]
    pub signup_open: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Shown as a QR code, for reading on (like an article's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// A visitor's small wish as kiosks show it once staff approved it: `approved`, `claimed`
/// (staff matched an offer to fulfil it) or `fulfilled`. Never who left it beyond the display
/// name they chose, never anyone's contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wish {
    pub id: String,
    pub text: String,
    pub lang: Lang,
    /// The name or initials the visitor gave; absent when they gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub status: WishStatus,
    pub created_at: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Seats taken at one occurrence of an event, so every kiosk can say "N seats left". Written
/// by the server in the same transaction as the sign-up (or the cancellation) that changed it;
/// scoped like its event and deleted with it. Only occurrences with sign-ups have one: no
/// record means nothing is taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// [`Availability::id_for`]: `EVENT@YYYY-MM-DDTHH:MM`.
    pub id: String,
    pub event: String,
    /// The occurrence's start, local time of the district.
    pub start: NaiveDateTime,
    /// Seats taken (the sum of the accepted parties).
    pub taken: u32,
    /// Seats the occurrence offers (the event's capacity, else its room's); absent means no
    /// limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl Availability {
    /// The record id of an occurrence: the event id, `@`, and the start to the minute.
    pub fn id_for(event: &str, start: NaiveDateTime) -> String {
        format!("{event}@{}", start.format("%Y-%m-%dT%H:%M"))
    }

    /// Seats still free; `None` without a limit.
    pub fn seats_left(&self) -> Option<u32> {
        self.capacity.map(|c| c.saturating_sub(self.taken))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WishStatus {
    Pending,
    Approved,
    Claimed,
    Fulfilled,
    Rejected,
}

impl WishStatus {
    pub const ALL: [WishStatus; 5] = [
        WishStatus::Pending,
        WishStatus::Approved,
        WishStatus::Claimed,
        WishStatus::Fulfilled,
        WishStatus::Rejected,
    ];

    pub fn key(self) -> &'static str {
        match self {
            WishStatus::Pending => "pending",
            WishStatus::Approved => "approved",
            WishStatus::Claimed => "claimed",
            WishStatus::Fulfilled => "fulfilled",
            WishStatus::Rejected => "rejected",
        }
    }
}

impl std::str::FromStr for WishStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WishStatus::ALL
            .into_iter()
            .find(|k| k.key() == s)
            .ok_or_else(|| {
                format!(
                    "unknown wish status `{s}`: use pending, approved, claimed, fulfilled or rejected"
                )
            })
    }
}

/// The kinds of record sync carries, in the order a consistent apply wants them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    District,
    Section,
    Station,
    Room,
    Article,
    Event,
    Wish,
    Availability,
    Notice,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::District,
        Kind::Section,
        Kind::Station,
        Kind::Room,
        Kind::Article,
        Kind::Event,
        Kind::Wish,
        Kind::Availability,
        Kind::Notice,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Kind::District => "district",
            Kind::Section => "section",
            Kind::Station => "station",
            Kind::Room => "room",
            Kind::Article => "article",
            Kind::Event => "event",
            Kind::Wish => "wish",
            Kind::Availability => "availability",
            Kind::Notice => "notice",
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.key() == s)
            .ok_or_else(|| format!("unknown record kind `{s}`"))
    }
}

/// Any one record, for code that handles all kinds alike (sync, checksums).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    District(District),
    Section(Section),
    Station(Station),
    Room(Room),
    Article(Article),
    Event(Event),
    Wish(Wish),
    Availability(Availability),
    Notice(Notice),
}

impl Record {
    pub fn kind(&self) -> Kind {
        match self {
            Record::District(_) => Kind::District,
            Record::Section(_) => Kind::Section,
            Record::Station(_) => Kind::Station,
            Record::Room(_) => Kind::Room,
            Record::Article(_) => Kind::Article,
            Record::Event(_) => Kind::Event,
            Record::Wish(_) => Kind::Wish,
            Record::Availability(_) => Kind::Availability,
            Record::Notice(_) => Kind::Notice,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Record::District(r) => &r.id,
            Record::Section(r) => &r.id,
            Record::Station(r) => &r.id,
            Record::Room(r) => &r.id,
            Record::Article(r) => &r.id,
            Record::Event(r) => &r.id,
            Record::Wish(r) => &r.id,
            Record::Availability(r) => &r.id,
            Record::Notice(r) => &r.id,
        }
    }

    /// Station the record is limited to; `None` for district-wide records.
    pub fn scope(&self) -> Option<&str> {
        match self {
            Record::Section(r) => r.scope.as_deref(),
            Record::Article(r) => r.scope.as_deref(),
            Record::Event(r) => r.scope.as_deref(),
            Record::Wish(r) => r.scope.as_deref(),
            Record::Availability(r) => r.scope.as_deref(),
            Record::Notice(r) => r.scope.as_deref(),
            Record::District(_) | Record::Station(_) | Record::Room(_) => None,
        }
    }

    /// Blobs the record needs on disk before it may be shown.
    pub fn blobs(&self) -> Vec<&str> {
        match self {
            Record::Article(a) => a.images.iter().map(|i| i.sha256.as_str()).collect(),
            Record::Station(s) => s.image.iter().map(|i| i.sha256.as_str()).collect(),
            Record::District(d) => d.brand.logo.iter().map(|i| i.sha256.as_str()).collect(),
            Record::Section(s) => s.icon_file.iter().map(|i| i.sha256.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    /// The record's JSON, as stored and as sync carries it in `data`.
    pub fn to_json(&self) -> serde_json::Value {
        let value = match self {
            Record::District(r) => serde_json::to_value(r),
            Record::Section(r) => serde_json::to_value(r),
            Record::Station(r) => serde_json::to_value(r),
            Record::Room(r) => serde_json::to_value(r),
            Record::Article(r) => serde_json::to_value(r),
            Record::Event(r) => serde_json::to_value(r),
            Record::Wish(r) => serde_json::to_value(r),
            Record::Availability(r) => serde_json::to_value(r),
            Record::Notice(r) => serde_json::to_value(r),
        };
        // Serialising these plain structs cannot fail: no maps with non-string keys, no floats.
        value.unwrap_or(serde_json::Value::Null)
    }

    /// Parses a record of `kind` from its JSON.
    pub fn from_json(kind: Kind, value: serde_json::Value) -> Result<Record, serde_json::Error> {
        Ok(match kind {
            Kind::District => Record::District(serde_json::from_value(value)?),
            Kind::Section => Record::Section(serde_json::from_value(value)?),
            Kind::Station => Record::Station(serde_json::from_value(value)?),
            Kind::Room => Record::Room(serde_json::from_value(value)?),
            Kind::Article => Record::Article(serde_json::from_value(value)?),
            Kind::Event => Record::Event(serde_json::from_value(value)?),
            Kind::Wish => Record::Wish(serde_json::from_value(value)?),
            Kind::Availability => Record::Availability(serde_json::from_value(value)?),
            Kind::Notice => Record::Notice(serde_json::from_value(value)?),
        })
    }

    /// [`Record::from_json`] from a borrowed value, which is then not copied (a sync page's
    /// records are read from the page as it was parsed).
    pub fn from_json_ref(
        kind: Kind,
        value: &serde_json::Value,
    ) -> Result<Record, serde_json::Error> {
        use serde::Deserialize;
        Ok(match kind {
            Kind::District => Record::District(Deserialize::deserialize(value)?),
            Kind::Section => Record::Section(Deserialize::deserialize(value)?),
            Kind::Station => Record::Station(Deserialize::deserialize(value)?),
            Kind::Room => Record::Room(Deserialize::deserialize(value)?),
            Kind::Article => Record::Article(Deserialize::deserialize(value)?),
            Kind::Event => Record::Event(Deserialize::deserialize(value)?),
            Kind::Wish => Record::Wish(Deserialize::deserialize(value)?),
            Kind::Availability => Record::Availability(Deserialize::deserialize(value)?),
            Kind::Notice => Record::Notice(Deserialize::deserialize(value)?),
        })
    }
}

/// A complete, validated set of content: what a bundle yields and what a cache holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    pub district: District,
    pub sections: Vec<Section>,
    pub articles: Vec<Article>,
    pub stations: Vec<Station>,
    pub rooms: Vec<Room>,
    pub events: Vec<Event>,
    #[serde(default)]
    pub wishes: Vec<Wish>,
}

impl Content {
    /// Every record, in [`Kind`] order; the district is one of them.
    pub fn records(&self) -> Vec<Record> {
        let mut out = vec![Record::District(self.district.clone())];
        out.extend(self.sections.iter().cloned().map(Record::Section));
        out.extend(self.stations.iter().cloned().map(Record::Station));
        out.extend(self.rooms.iter().cloned().map(Record::Room));
        out.extend(self.articles.iter().cloned().map(Record::Article));
        out.extend(self.events.iter().cloned().map(Record::Event));
        out.extend(self.wishes.iter().cloned().map(Record::Wish));
        out
    }

    /// Canonical checksum of a set of records: equal exactly when two holders have the same
    /// records with the same data, whatever order they store them in.
    pub fn checksum_of<'a>(records: impl IntoIterator<Item = &'a Record>) -> String {
        let sorted: BTreeMap<(Kind, &str), String> = records
            .into_iter()
            .map(|r| ((r.kind(), r.id()), r.to_json().to_string()))
            .collect();
        let mut hasher = Sha256::new();
        for ((kind, id), json) in sorted {
            hasher.update(kind.key().as_bytes());
            hasher.update([0]);
            hasher.update(id.as_bytes());
            hasher.update([0]);
            hasher.update(json.as_bytes());
            hasher.update([b'\n']);
        }
        hex::encode(hasher.finalize())
    }

    pub fn checksum(&self) -> String {
        Content::checksum_of(self.records().iter())
    }
}

/// Lower-case hex sha256 of bytes, the name of a blob.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `s` looks like a blob name (64 lower-case hex digits).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(id: &str) -> Record {
        Record::Room(Room {
            id: id.into(),
            station: "s".into(),
            order: 1,
            name: Text::new("阅览区", "Reading area"),
            description: Text::new("书", "Books"),
            capacity: Some(20),
        })
    }

    #[test]
    fn checksum_ignores_order_but_not_data() {
        let a = [room("a"), room("b")];
        let b = [room("b"), room("a")];
        assert_eq!(Content::checksum_of(&a), Content::checksum_of(&b));
        let mut changed = room("a");
        if let Record::Room(r) = &mut changed {
            r.capacity = Some(21);
        }
        assert_ne!(
            Content::checksum_of(&a),
            Content::checksum_of(&[changed, room("b")])
        );
    }

    #[test]
    fn record_json_round_trips() {
        let r = room("x");
        let back = Record::from_json(r.kind(), r.to_json()).expect("parses");
        assert_eq!(back, r);
        assert!(Record::from_json(Kind::Event, r.to_json()).is_err());
    }

    fn notice(start: &str, end: &str) -> Notice {
        Notice {
            id: "typhoon".into(),
            title: Text::new("台风预警", "Typhoon warning"),
            text: Text::new("今晚各驿站关闭。", "All stations close tonight."),
            starts_at: DateTime::parse_from_rfc3339(start).expect("start"),
            ends_at: DateTime::parse_from_rfc3339(end).expect("end"),
            posted_at: DateTime::parse_from_rfc3339(start).expect("posted"),
            scope: Some("haizhiyun".into()),
        }
    }

    #[test]
    fn a_notice_is_live_from_its_start_until_its_end() {
        let n = notice("2030-01-19T14:00:00+08:00", "2030-01-19T18:00:00+08:00");
        let at = |t: &str| n.is_live(DateTime::parse_from_rfc3339(t).expect("instant"));
        assert!(!at("2030-01-19T13:59:59+08:00"));
        assert!(at("2030-01-19T14:00:00+08:00"));
        assert!(at("2030-01-19T09:59:59+00:00"));
        assert!(!at("2030-01-19T18:00:00+08:00"));
        assert!(n.problems().is_empty(), "{:?}", n.problems());
        let record = Record::Notice(n.clone());
        assert_eq!(record.scope(), Some("haizhiyun"));
        assert_eq!(
            Record::from_json(Kind::Notice, record.to_json()).expect("parses"),
            record
        );
    }

    #[test]
    fn a_notice_needs_both_languages_an_order_in_time_and_bounds() {
        let mut n = notice("2030-01-19T14:00:00+08:00", "2030-01-19T14:00:00+08:00");
        n.title.en = String::new();
        n.text.zh = "长".repeat(Notice::MAX_TEXT + 1);
        let problems = n.problems().join("\n");
        assert!(
            problems.contains("title.en: must not be empty"),
            "{problems}"
        );
        assert!(problems.contains("text.zh: 281 characters"), "{problems}");
        assert!(problems.contains("ends_at: must be later"), "{problems}");
        let long = notice("2030-01-01T00:00:00+08:00", "2030-03-01T00:00:00+08:00");
        assert!(long.problems().join("").contains("at most 31 days"));
    }

    #[test]
    fn a_district_stored_before_schema_3_reads_with_an_empty_brand() {
        let old = serde_json::json!({"id": "d", "name": {"zh": "区", "en": "District"},
            "timezone": "Asia/Shanghai"});
        let Record::District(d) = Record::from_json(Kind::District, old).expect("parses") else {
            panic!("a district");
        };
        assert_eq!(d.brand, Brand::default());
        assert!(d.brand.kiosk_name.missing().is_some());
    }

    #[test]
    fn sha256_names() {
        let h = sha256_hex(b"abc");
        assert!(is_sha256_hex(&h));
        assert!(!is_sha256_hex("ABC"));
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
