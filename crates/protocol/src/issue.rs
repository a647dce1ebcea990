//! What is wrong with a bundle's field, as a typed code with its parameters: tools that speak
//! other languages (the staff console in Chinese) translate [`Issue::code`] with
//! [`Issue::args`]; [`Issue`]'s `Display` is the English text `kioskctl` prints.

use crate::text::Lang;

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Station,
    Section,
    Room,
}

impl Target {
    pub fn key(self) -> &'static str {
        match self {
            Target::Station => "station",
            Target::Section => "section",
            Target::Room => "room",
        }
    }
}

/// One rule a bundle's field breaks. Texts typed by an author (ids, links, colours) are kept
/// as they were, so a message can quote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issue {
    /// A published text empty in one language.
    MissingLanguage {
        lang: Lang,
    },
    /// Not 1 to `limit` of a-z, 0-9, `-` and `_`.
    BadId {
        id: String,
        limit: usize,
    },
    DuplicateId {
        id: String,
    },
    UnknownTimeZone {
        zone: String,
    },
    /// A reference to a record the content does not define.
    UnknownReference {
        target: Target,
        id: String,
    },
    /// Not one of the kiosk's icons (`allowed`, comma-separated).
    UnknownIcon {
        icon: String,
        allowed: String,
    },
    NotAColour {
        value: String,
    },
    /// A second section with the wish wall.
    SecondWishWall {
        first: String,
    },
    /// A capacity of 0.
    CapacityZero,
    /// An article without paragraphs.
    EmptyBody,
    NotALink {
        link: String,
    },
    ExpiresBeforePublish,
    EndsBeforeStart,
    /// An event longer than `max_days`.
    EventTooLong {
        max_days: u32,
    },
    OnlyWeekly,
    UntilBeforeStart,
    /// An event's room belongs to another station.
    RoomOfOtherStation {
        room: String,
        room_station: String,
        station: String,
    },
    /// An event limited to a station other than its own.
    ScopeNotOwnStation {
        station: String,
    },
    NotRelativePath {
        path: String,
    },
    /// An image that cannot be read or fails [`crate::bundle::check_image`].
    Image(ImageProblem),
    UnsupportedFormat {
        format: u32,
        supported: u32,
    },
    /// A section's icon file that fails [`crate::icon::check_icon`].
    Icon(crate::icon::IconIssue),
    /// Wishes in content that is published by staff.
    WishesInContent,
    /// Anything else (a manifest that does not parse, a file that cannot be read): English.
    Other(String),
}

impl Issue {
    /// A stable code naming the rule (a message id for translations).
    pub fn code(&self) -> &'static str {
        match self {
            Issue::MissingLanguage { .. } => "missing-language",
            Issue::BadId { .. } => "bad-id",
            Issue::DuplicateId { .. } => "duplicate-id",
            Issue::UnknownTimeZone { .. } => "unknown-time-zone",
            Issue::UnknownReference { .. } => "unknown-reference",
            Issue::UnknownIcon { .. } => "unknown-icon",
            Issue::NotAColour { .. } => "not-a-colour",
            Issue::SecondWishWall { .. } => "second-wish-wall",
            Issue::CapacityZero => "capacity-zero",
            Issue::EmptyBody => "empty-body",
            Issue::NotALink { .. } => "not-a-link",
            Issue::ExpiresBeforePublish => "expires-before-publish",
            Issue::EndsBeforeStart => "ends-before-start",
            Issue::EventTooLong { .. } => "event-too-long",
            Issue::OnlyWeekly => "only-weekly",
            Issue::UntilBeforeStart => "until-before-start",
            Issue::RoomOfOtherStation { .. } => "room-of-other-station",
            Issue::ScopeNotOwnStation { .. } => "scope-not-own-station",
            Issue::NotRelativePath { .. } => "not-relative-path",
            Issue::Image(p) => p.code(),
            Issue::UnsupportedFormat { .. } => "unsupported-format",
            Issue::Icon(icon) => icon.code(),
            Issue::WishesInContent => "wishes-in-content",
            Issue::Other(_) => "other",
        }
    }

    /// The parameters a translation may quote, by name.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Issue::MissingLanguage { lang } => vec![("lang", lang.code().into())],
            Issue::BadId { id, limit } => vec![("id", id.clone()), ("limit", limit.to_string())],
            Issue::DuplicateId { id } => vec![("id", id.clone())],
            Issue::UnknownTimeZone { zone } => vec![("zone", zone.clone())],
            Issue::UnknownReference { target, id } => {
                vec![("target", target.key().into()), ("id", id.clone())]
            }
            Issue::UnknownIcon { icon, allowed } => {
                vec![("icon", icon.clone()), ("allowed", allowed.clone())]
            }
            Issue::NotAColour { value } => vec![("value", value.clone())],
            Issue::SecondWishWall { first } => vec![("first", first.clone())],
            Issue::NotALink { link } => vec![("link", link.clone())],
            Issue::EventTooLong { max_days } => vec![("limit", max_days.to_string())],
            Issue::RoomOfOtherStation {
                room,
                room_station,
                station,
            } => vec![
                ("room", room.clone()),
                ("room_station", room_station.clone()),
                ("station", station.clone()),
            ],
            Issue::ScopeNotOwnStation { station } => vec![("station", station.clone())],
            Issue::NotRelativePath { path } => vec![("path", path.clone())],
            Issue::Image(p) => p.args(),
            Issue::UnsupportedFormat { format, supported } => vec![
                ("format", format.to_string()),
                ("supported", supported.to_string()),
            ],
            Issue::Icon(icon) => icon.args(),
            Issue::Other(text) => vec![("text", text.clone())],
            Issue::CapacityZero
            | Issue::EmptyBody
            | Issue::ExpiresBeforePublish
            | Issue::EndsBeforeStart
            | Issue::OnlyWeekly
            | Issue::UntilBeforeStart
            | Issue::WishesInContent => Vec::new(),
        }
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Issue::MissingLanguage { .. } => {
                f.write_str("must not be empty: every published text needs Chinese and English")
            }
            Issue::BadId { id, limit } => write!(
                f,
                "`{id}` is not a valid id: use 1 to {limit} of a-z, 0-9, `-` and `_`"
            ),
            Issue::DuplicateId { id } => write!(f, "`{id}` is used twice"),
            Issue::UnknownTimeZone { zone } => write!(f, "`{zone}` is not an IANA time zone"),
            Issue::UnknownReference { target, id } => write!(
                f,
                "refers to {} `{id}`, which the bundle does not define",
                target.key()
            ),
            Issue::UnknownIcon { icon, allowed } => {
                write!(f, "`{icon}` is not one of the kiosk's icons: {allowed}")
            }
            Issue::NotAColour { value } => {
                write!(f, "`{value}` is not a colour of the form #RRGGBB")
            }
            Issue::SecondWishWall { first } => write!(
                f,
                "only one section may show the wish wall; `{first}` already does"
            ),
            Issue::CapacityZero => f.write_str("must be at least 1 when given"),
            Issue::EmptyBody => f.write_str("needs at least one paragraph"),
            Issue::NotALink { link } => write!(f, "`{link}` is not an http(s) address"),
            Issue::ExpiresBeforePublish => f.write_str("must be later than publish_at"),
            Issue::EndsBeforeStart => f.write_str("must be later than start"),
            Issue::EventTooLong { max_days } => {
                write!(f, "an event may last at most {max_days} days")
            }
            Issue::OnlyWeekly => f.write_str("only weekly recurrence is supported"),
            Issue::UntilBeforeStart => f.write_str("must not be before the first occurrence"),
            Issue::RoomOfOtherStation {
                room,
                room_station,
                station,
            } => write!(
                f,
                "room `{room}` belongs to station `{room_station}`, not `{station}`"
            ),
            Issue::ScopeNotOwnStation { station } => write!(
                f,
                "an event can only be limited to its own station `{station}`"
            ),
            Issue::NotRelativePath { path } => {
                write!(f, "`{path}` must be a relative path inside the bundle")
            }
            Issue::Image(p) => p.fmt(f),
            Issue::UnsupportedFormat { format, supported } => write!(
                f,
                "format {format} is not supported (this version reads {supported})"
            ),
            Issue::WishesInContent => f.write_str(
                "content.wishes must be empty: wishes come from kiosks, not from bundles",
            ),
            Issue::Icon(icon) => icon.fmt(f),
            Issue::Other(text) => f.write_str(text),
        }
    }
}

/// What is wrong with an image file, as a typed code with its parameters (like [`Issue`]). The
/// causes the image decoder or the file system give are English; translations need not quote
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageProblem {
    /// No file by that name (not in the bundle, or not uploaded to the server yet).
    Missing {
        cause: String,
    },
    /// The file is there but cannot be read.
    Unreadable {
        cause: String,
    },
    TooManyBytes {
        bytes: usize,
        limit: usize,
    },
    NotPngOrJpeg,
    /// A PNG or JPEG signature, but its header does not read.
    BadHeader {
        format: &'static str,
        cause: String,
    },
    SidesTooLong {
        width: u32,
        height: u32,
        limit: u32,
    },
    SidesTooShort {
        width: u32,
        height: u32,
        limit: u32,
    },
    /// The pixels do not decode completely: a truncated or damaged file.
    DoesNotDecode {
        cause: String,
    },
}

impl ImageProblem {
    /// A stable code naming the problem (a message id for translations).
    pub fn code(&self) -> &'static str {
        match self {
            ImageProblem::Missing { .. } => "image-missing",
            ImageProblem::Unreadable { .. } => "image-unreadable",
            ImageProblem::TooManyBytes { .. } => "image-too-many-bytes",
            ImageProblem::NotPngOrJpeg => "image-not-png-or-jpeg",
            ImageProblem::BadHeader { .. } => "image-bad-header",
            ImageProblem::SidesTooLong { .. } => "image-sides-too-long",
            ImageProblem::SidesTooShort { .. } => "image-sides-too-short",
            ImageProblem::DoesNotDecode { .. } => "image-does-not-decode",
        }
    }

    /// The parameters a translation may quote, by name.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ImageProblem::Missing { cause }
            | ImageProblem::Unreadable { cause }
            | ImageProblem::DoesNotDecode { cause } => vec![("cause", cause.clone())],
            ImageProblem::TooManyBytes { bytes, limit } => vec![
                ("bytes", bytes.to_string()),
                ("limit", limit.to_string()),
                ("limit_mb", (limit / (1024 * 1024)).to_string()),
            ],
            ImageProblem::NotPngOrJpeg => Vec::new(),
            ImageProblem::BadHeader { format, cause } => {
                vec![("format", (*format).to_string()), ("cause", cause.clone())]
            }
            ImageProblem::SidesTooLong {
                width,
                height,
                limit,
            }
            | ImageProblem::SidesTooShort {
                width,
                height,
                limit,
            } => vec![
                ("width", width.to_string()),
                ("height", height.to_string()),
                ("limit", limit.to_string()),
            ],
        }
    }
}

impl std::fmt::Display for ImageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageProblem::Missing { cause } | ImageProblem::Unreadable { cause } => {
                write!(f, "cannot read the image: {cause}")
            }
            ImageProblem::TooManyBytes { bytes, limit } => {
                write!(f, "image is {bytes} bytes; the limit is {limit}")
            }
            ImageProblem::NotPngOrJpeg => f.write_str("not a PNG or JPEG image"),
            ImageProblem::BadHeader { format, cause } => {
                write!(f, "not a readable {format} image: {cause}")
            }
            ImageProblem::SidesTooLong {
                width,
                height,
                limit,
            } => write!(
                f,
                "image is {width}×{height}; sides may be {limit} pixels at most"
            ),
            ImageProblem::SidesTooShort {
                width,
                height,
                limit,
            } => write!(
                f,
                "image is {width}×{height}; sides must be {limit} pixels at least"
            ),
            ImageProblem::DoesNotDecode { cause } => write!(f, "image does not decode: {cause}"),
        }
    }
}

impl From<String> for Issue {
    fn from(text: String) -> Issue {
        Issue::Other(text)
    }
}

impl From<&str> for Issue {
    fn from(text: &str) -> Issue {
        Issue::Other(text.into())
    }
}
