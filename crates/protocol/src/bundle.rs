//! The content bundle: how staff author content and how the kiosk ships its demo content.
//!
//! A bundle is a folder:
//! ```text
//! bundle.json      the manifest (format, district, sections, articles, stations, rooms, events)
//! images/…         PNG or JPEG files the manifest names by relative path
//! icons/…          sections' own icons (SVG or PNG; any relative path works)
//! ```
//! [`Bundle::load`] parses and validates it completely before anyone applies any of it: every
//! published text in both languages, ids unique, references resolved, images decodable and within
//! limits. Problems name the file, the record and the field; all of them are reported at once.
//! `docs/BUNDLE.md` is the reference for authors.

use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;

use serde::{Deserialize, Serialize};

use crate::content::{
    Article, Brand, Content, District, Event, IconRef, ImageRef, Room, Section, Station, sha256_hex,
};
pub use crate::issue::{ImageProblem, Issue, Target};
use crate::text::Text;

/// File name of the manifest at the bundle's root.
pub const MANIFEST: &str = "bundle.json";
/// The manifest format this code reads.
pub const FORMAT: u32 = 1;
/// Largest image file accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;
/// Largest image side accepted, in pixels (a kiosk screen is 1920 at most).
pub const MAX_IMAGE_SIDE: u32 = 4096;
/// Smallest image side accepted, in pixels.
pub const MIN_IMAGE_SIDE: u32 = 16;
/// Longest id accepted.
pub const MAX_ID_LEN: usize = 64;
/// Longest an event (one occurrence) may last, in days.
pub const MAX_EVENT_DAYS: u32 = 7;

/// An image as the manifest names it: a file inside the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleImage {
    pub file: String,
    pub alt: Text,
}

/// `bundle.json` as written by staff. Unknown fields anywhere are errors: a misspelt optional
/// field would otherwise vanish silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub district: District<BundleImage>,
    /// A section's own icon is a file path here.
    pub sections: Vec<Section<String>>,
    pub articles: Vec<Article<BundleImage>>,
    pub stations: Vec<Station<BundleImage>>,
    pub rooms: Vec<Room>,
    pub events: Vec<Event>,
}

/// Where a bundle's files come from: a folder on disk, files embedded in a binary, an upload.
pub trait BundleSource {
    /// Reads the file at `path`, relative to the bundle root with `/` separators.
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>>;
}

impl<F> BundleSource for F
where
    F: Fn(&str) -> std::io::Result<Vec<u8>>,
{
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        self(path)
    }
}

impl BundleSource for BTreeMap<String, Vec<u8>> {
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        self.get(path).cloned().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file in the bundle")
        })
    }
}

/// An image file that passed validation, ready to store under its sha256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
}

/// A validated bundle: canonical content and every image and icon it references, keyed by
/// sha256.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub content: Content,
    pub blobs: BTreeMap<String, Blob>,
}

/// One thing wrong with a bundle, located as precisely as the problem allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File inside the bundle: the manifest or an image.
    pub file: String,
    /// The record, e.g. `articles[3] "harbour-walk"`.
    pub record: Option<String>,
    /// The field inside the record, e.g. `title.en`.
    pub field: Option<String>,
    /// The rule broken, typed (translations use it).
    pub issue: Issue,
    /// The English text of `issue` (what `kioskctl` prints).
    pub message: String,
}

impl Problem {
    pub fn new(
        file: impl Into<String>,
        record: Option<String>,
        field: Option<String>,
        issue: Issue,
    ) -> Problem {
        Problem {
            file: file.into(),
            record,
            field,
            message: issue.to_string(),
            issue,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(record) = &self.record {
            write!(f, ": {record}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: not a valid manifest at `{path}` (line {line}, column {column}): {message}")]
    Manifest {
        file: String,
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the bundle has {} problem(s):\n{}", .0.len(), list(.0))]
    Invalid(Vec<Problem>),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl BundleError {
    /// The individual problems, for tools that show them one by one.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            BundleError::Invalid(p) => p.clone(),
            BundleError::Read { file, source } => vec![Problem::new(
                file.clone(),
                None,
                None,
                Issue::Other(source.to_string()),
            )],
            BundleError::Manifest {
                file,
                path,
                message,
                ..
            } => vec![Problem::new(
                file.clone(),
                None,
                Some(path.clone()),
                Issue::Other(message.clone()),
            )],
        }
    }
}

impl Bundle {
    /// Reads, parses and validates a whole bundle. Nothing is returned unless all of it is valid.
    pub fn load(source: &dyn BundleSource) -> Result<Bundle, BundleError> {
        let bytes = source.read(MANIFEST).map_err(|e| BundleError::Read {
            file: MANIFEST.into(),
            source: e,
        })?;
        let manifest = parse_manifest(&bytes)?;
        validate(manifest, source)
    }
}

/// Parses `bundle.json`, naming the JSON path of the first thing that does not fit. The format
/// number is read first, so a manifest of another format says so instead of failing on its shape.
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, BundleError> {
    #[derive(Deserialize)]
    struct FormatOnly {
        format: Option<u32>,
    }
    if let Ok(FormatOnly {
        format: Some(format),
    }) = serde_json::from_slice::<FormatOnly>(bytes)
        && format != FORMAT
    {
        return Err(BundleError::Invalid(vec![Problem::new(
            MANIFEST,
            None,
            Some("format".into()),
            Issue::UnsupportedFormat {
                format,
                supported: FORMAT,
            },
        )]));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        BundleError::Manifest {
            file: MANIFEST.into(),
            path,
            line: inner.line(),
            column: inner.column(),
            message: inner.to_string(),
        }
    })
}

/// Collects problems while walking the manifest.
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn at(&mut self, record: &str, field: &str, issue: impl Into<Issue>) {
        self.problems.push(Problem::new(
            MANIFEST,
            Some(record.into()),
            (!field.is_empty()).then(|| field.into()),
            issue.into(),
        ));
    }

    fn text(&mut self, record: &str, field: &str, text: &Text) {
        if let Some(lang) = text.missing() {
            self.at(
                record,
                &format!("{field}.{}", lang.code()),
                Issue::MissingLanguage { lang },
            );
        }
    }

    fn id(&mut self, record: &str, id: &str, seen: &mut HashSet<String>) {
        let well_formed = !id.is_empty()
            && id.len() <= MAX_ID_LEN
            && id
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'));
        if !well_formed {
            self.at(
                record,
                "id",
                Issue::BadId {
                    id: id.into(),
                    limit: MAX_ID_LEN,
                },
            );
        }
        if !seen.insert(id.to_string()) {
            self.at(record, "id", Issue::DuplicateId { id: id.into() });
        }
    }

    fn reference(
        &mut self,
        record: &str,
        field: &str,
        id: &str,
        known: &HashSet<String>,
        target: Target,
    ) {
        if !known.contains(id) {
            self.at(
                record,
                field,
                Issue::UnknownReference {
                    target,
                    id: id.into(),
                },
            );
        }
    }

    fn scope(&mut self, record: &str, scope: &Option<String>, stations: &HashSet<String>) {
        if let Some(s) = scope {
            self.reference(record, "scope", s, stations, Target::Station);
        }
    }
}

fn label(kind: &str, index: usize, id: &str) -> String {
    format!("{kind}[{index}] \"{id}\"")
}

/// Validates a parsed manifest against its files; returns canonical content and blobs.
pub fn validate(manifest: Manifest, source: &dyn BundleSource) -> Result<Bundle, BundleError> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    let m = &manifest;
    if m.format != FORMAT {
        c.problems.push(Problem::new(
            MANIFEST,
            None,
            Some("format".into()),
            Issue::UnsupportedFormat {
                format: m.format,
                supported: FORMAT,
            },
        ));
    }
    let district = "district".to_string();
    c.id(&district, &m.district.id, &mut HashSet::new());
    c.text(&district, "name", &m.district.name);
    if m.district.timezone.parse::<chrono_tz::Tz>().is_err() {
        c.at(
            &district,
            "timezone",
            Issue::UnknownTimeZone {
                zone: m.district.timezone.clone(),
            },
        );
    }
    let brand = &m.district.brand;
    for (field, text) in [
        ("brand.kiosk_name", &brand.kiosk_name),
        ("brand.welcome", &brand.welcome),
        ("brand.intro", &brand.intro),
        ("brand.venues", &brand.venues),
    ] {
        c.text(&district, field, text);
    }
    if !is_colour(&brand.accent) {
        c.at(
            &district,
            "brand.accent",
            Issue::NotAColour {
                value: brand.accent.clone(),
            },
        );
    }
    if let Some(logo) = &brand.logo {
        c.text(&district, "brand.logo.alt", &logo.alt);
    }

    let mut station_ids = HashSet::new();
    for (i, s) in m.stations.iter().enumerate() {
        let r = label("stations", i, &s.id);
        c.id(&r, &s.id, &mut station_ids);
        for (field, text) in [
            ("name", &s.name),
            ("building", &s.building),
            ("floor", &s.floor),
            ("address", &s.address),
            ("hours", &s.hours),
            ("summary", &s.summary),
        ] {
            c.text(&r, field, text);
        }
        for (j, b) in s.serves.iter().enumerate() {
            c.text(&r, &format!("serves[{j}]"), b);
        }
        if let Some(img) = &s.image {
            c.text(&r, "image.alt", &img.alt);
        }
    }

    let mut blobs = BTreeMap::new();
    let mut section_ids = HashSet::new();
    let mut wish_wall: Option<String> = None;
    for (i, s) in m.sections.iter().enumerate() {
        let r = label("sections", i, &s.id);
        c.id(&r, &s.id, &mut section_ids);
        c.text(&r, "title", &s.title);
        c.text(&r, "subtitle", &s.subtitle);
        if !Section::ICONS.contains(&s.icon.as_str()) {
            c.at(
                &r,
                "icon",
                Issue::UnknownIcon {
                    icon: s.icon.clone(),
                    allowed: Section::ICONS.join(", "),
                },
            );
        }
        if !is_colour(&s.color) {
            c.at(
                &r,
                "color",
                Issue::NotAColour {
                    value: s.color.clone(),
                },
            );
        }
        c.scope(&r, &s.scope, &station_ids);
        if s.wish_wall {
            match &wish_wall {
                Some(first) => c.at(
                    &r,
                    "wish_wall",
                    Issue::SecondWishWall {
                        first: first.clone(),
                    },
                ),
                None => wish_wall = Some(s.id.clone()),
            }
        }
    }

    // Sections' own icons: each distinct file read and checked once.
    let mut icons: BTreeMap<String, Option<IconRef>> = BTreeMap::new();
    for (i, s) in m.sections.iter().enumerate() {
        let Some(file) = &s.icon_file else { continue };
        let r = label("sections", i, &s.id);
        if !is_relative_path(file) {
            c.at(
                &r,
                "icon_file",
                Issue::NotRelativePath { path: file.clone() },
            );
            continue;
        }
        if icons.contains_key(file) {
            continue;
        }
        let checked = match source.read(file) {
            Err(e) => {
                c.problems.push(Problem::new(
                    file.clone(),
                    Some(r),
                    Some("icon_file".into()),
                    Issue::Image(if e.kind() == std::io::ErrorKind::NotFound {
                        ImageProblem::Missing {
                            cause: e.to_string(),
                        }
                    } else {
                        ImageProblem::Unreadable {
                            cause: e.to_string(),
                        }
                    }),
                ));
                None
            }
            Ok(bytes) => match crate::icon::check_icon(&bytes) {
                Err(issue) => {
                    c.problems.push(Problem::new(
                        file.clone(),
                        Some(r),
                        Some("icon_file".into()),
                        Issue::Icon(issue),
                    ));
                    None
                }
                Ok((blob, format)) => {
                    let sha256 = sha256_hex(&blob.bytes);
                    blobs.insert(sha256.clone(), blob);
                    Some(IconRef { sha256, format })
                }
            },
        };
        icons.insert(file.clone(), checked);
    }

    let mut room_ids = HashSet::new();
    let mut room_station = BTreeMap::new();
    for (i, room) in m.rooms.iter().enumerate() {
        let r = label("rooms", i, &room.id);
        c.id(&r, &room.id, &mut room_ids);
        c.reference(&r, "station", &room.station, &station_ids, Target::Station);
        c.text(&r, "name", &room.name);
        c.text(&r, "description", &room.description);
        if room.capacity == Some(0) {
            c.at(&r, "capacity", Issue::CapacityZero);
        }
        room_station.insert(room.id.clone(), room.station.clone());
    }

    let mut article_ids = HashSet::new();
    for (i, a) in m.articles.iter().enumerate() {
        let r = label("articles", i, &a.id);
        c.id(&r, &a.id, &mut article_ids);
        c.reference(&r, "section", &a.section, &section_ids, Target::Section);
        c.text(&r, "title", &a.title);
        c.text(&r, "summary", &a.summary);
        if a.body.is_empty() {
            c.at(&r, "body", Issue::EmptyBody);
        }
        for (j, p) in a.body.iter().enumerate() {
            c.text(&r, &format!("body[{j}]"), p);
        }
        for (j, img) in a.images.iter().enumerate() {
            c.text(&r, &format!("images[{j}].alt"), &img.alt);
        }
        if let Some(link) = &a.link
            && !is_link(link)
        {
            c.at(&r, "link", Issue::NotALink { link: link.clone() });
        }
        if let (Some(p), Some(e)) = (a.publish_at, a.expire_at)
            && e <= p
        {
            c.at(&r, "expire_at", Issue::ExpiresBeforePublish);
        }
        c.scope(&r, &a.scope, &station_ids);
    }

    let mut event_ids = HashSet::new();
    for (i, e) in m.events.iter().enumerate() {
        let r = label("events", i, &e.id);
        c.id(&r, &e.id, &mut event_ids);
        c.reference(&r, "station", &e.station, &station_ids, Target::Station);
        match room_station.get(&e.room) {
            None => c.at(
                &r,
                "room",
                Issue::UnknownReference {
                    target: Target::Room,
                    id: e.room.clone(),
                },
            ),
            Some(st) if *st != e.station => c.at(
                &r,
                "room",
                Issue::RoomOfOtherStation {
                    room: e.room.clone(),
                    room_station: st.clone(),
                    station: e.station.clone(),
                },
            ),
            Some(_) => {}
        }
        c.text(&r, "title", &e.title);
        c.text(&r, "description", &e.description);
        if let Some(link) = &e.link
            && !is_link(link)
        {
            c.at(&r, "link", Issue::NotALink { link: link.clone() });
        }
        if e.end <= e.start {
            c.at(&r, "end", Issue::EndsBeforeStart);
        } else if e.end - e.start > chrono::Duration::days(MAX_EVENT_DAYS.into()) {
            c.at(
                &r,
                "end",
                Issue::EventTooLong {
                    max_days: MAX_EVENT_DAYS,
                },
            );
        }
        if e.capacity == Some(0) {
            c.at(&r, "capacity", Issue::CapacityZero);
        }
        if let Some(rec) = &e.recurrence {
            if !rec.weekly {
                c.at(&r, "recurrence.weekly", Issue::OnlyWeekly);
            }
            if let Some(until) = rec.until
                && until < e.start.date()
            {
                c.at(&r, "recurrence.until", Issue::UntilBeforeStart);
            }
        }
        c.scope(&r, &e.scope, &station_ids);
        if let Some(scope) = &e.scope
            && *scope != e.station
        {
            c.at(
                &r,
                "scope",
                Issue::ScopeNotOwnStation {
                    station: e.station.clone(),
                },
            );
        }
    }

    // Images: read each distinct file once, check it, and name it by its hash.
    let mut files: BTreeMap<String, Option<(String, u32, u32)>> = BTreeMap::new();
    let logo_use = m
        .district
        .brand
        .logo
        .as_ref()
        .map(|img| (district.clone(), "brand.logo.file".to_string(), img));
    let image_uses = logo_use.into_iter().chain(
        m.articles
            .iter()
            .enumerate()
            .flat_map(|(i, a)| {
                a.images.iter().enumerate().map(move |(j, img)| {
                    (
                        label("articles", i, &a.id),
                        format!("images[{j}].file"),
                        img,
                    )
                })
            })
            .chain(m.stations.iter().enumerate().filter_map(|(i, s)| {
                s.image
                    .as_ref()
                    .map(|img| (label("stations", i, &s.id), "image.file".to_string(), img))
            })),
    );
    let mut used_by: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (record, field, img) in image_uses {
        if !is_relative_path(&img.file) {
            c.at(
                &record,
                &field,
                Issue::NotRelativePath {
                    path: img.file.clone(),
                },
            );
            continue;
        }
        used_by.entry(img.file.clone()).or_insert((record, field));
    }
    for (file, (record, field)) in &used_by {
        let checked = match source.read(file) {
            Err(e) => {
                c.problems.push(Problem::new(
                    file.clone(),
                    Some(record.clone()),
                    Some(field.clone()),
                    Issue::Image(if e.kind() == std::io::ErrorKind::NotFound {
                        ImageProblem::Missing {
                            cause: e.to_string(),
                        }
                    } else {
                        ImageProblem::Unreadable {
                            cause: e.to_string(),
                        }
                    }),
                ));
                None
            }
            Ok(bytes) => match check_image(&bytes) {
                Err(message) => {
                    c.problems.push(Problem::new(
                        file.clone(),
                        Some(record.clone()),
                        Some(field.clone()),
                        Issue::Image(message),
                    ));
                    None
                }
                Ok(blob) => {
                    let sha = sha256_hex(&blob.bytes);
                    let found = (sha.clone(), blob.width, blob.height);
                    blobs.insert(sha, blob);
                    Some(found)
                }
            },
        };
        files.insert(file.clone(), checked);
    }

    if !c.problems.is_empty() {
        return Err(BundleError::Invalid(c.problems));
    }

    let resolve = |img: &BundleImage| -> ImageRef {
        // Every file was checked above; a missing entry would have been a problem.
        let (sha256, width, height) = files.get(&img.file).cloned().flatten().unwrap_or_default();
        ImageRef {
            sha256,
            width,
            height,
            alt: img.alt.clone(),
        }
    };
    let Manifest {
        district,
        sections,
        articles,
        stations,
        rooms,
        events,
        ..
    } = manifest;
    let content = Content {
        district: District {
            id: district.id,
            name: district.name,
            timezone: district.timezone,
            brand: Brand {
                logo: district.brand.logo.as_ref().map(resolve),
                kiosk_name: district.brand.kiosk_name,
                welcome: district.brand.welcome,
                intro: district.brand.intro,
                venues: district.brand.venues,
                accent: district.brand.accent,
            },
        },
        sections: sections
            .into_iter()
            .map(|s| Section {
                // Every file was checked above; a refused one would have been a problem.
                icon_file: s.icon_file.and_then(|f| icons.get(&f).cloned().flatten()),
                id: s.id,
                order: s.order,
                title: s.title,
                subtitle: s.subtitle,
                icon: s.icon,
                color: s.color,
                scope: s.scope,
                wish_wall: s.wish_wall,
            })
            .collect(),
        articles: articles
            .into_iter()
            .map(|a| Article {
                images: a.images.iter().map(resolve).collect(),
                id: a.id,
                section: a.section,
                order: a.order,
                category: a.category,
                title: a.title,
                summary: a.summary,
                body: a.body,
                link: a.link,
                publish_at: a.publish_at,
                expire_at: a.expire_at,
                scope: a.scope,
            })
            .collect(),
        stations: stations
            .into_iter()
            .map(|s| Station {
                image: s.image.as_ref().map(resolve),
                id: s.id,
                order: s.order,
                name: s.name,
                building: s.building,
                floor: s.floor,
                address: s.address,
                hours: s.hours,
                area_m2: s.area_m2,
                summary: s.summary,
                serves: s.serves,
            })
            .collect(),
        rooms,
        events,
        wishes: Vec::new(),
    };
    Ok(Bundle { content, blobs })
}

/// Checks a file a server is asked to store by hash: a PNG or JPEG image ([`check_image`]) or,
/// for text that starts like XML, a section's SVG icon ([`crate::icon::check_icon`]). Which
/// rules a blob must pass where it is used (a PNG icon's sides) is checked again with the
/// content that uses it.
pub fn check_blob(bytes: &[u8]) -> Result<Blob, String> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.trim_ascii_start().starts_with(b"<") {
        return crate::icon::check_icon(bytes)
            .map(|(blob, _)| blob)
            .map_err(|issue| issue.to_string());
    }
    check_image(bytes).map_err(|problem| problem.to_string())
}

/// Checks that bytes are a PNG or JPEG within limits that decodes completely.
pub fn check_image(bytes: &[u8]) -> Result<Blob, ImageProblem> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ImageProblem::TooManyBytes {
            bytes: bytes.len(),
            limit: MAX_IMAGE_BYTES,
        });
    }
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageProblem::Unreadable {
            cause: e.to_string(),
        })?;
    let (format, mime, name) = match reader.format() {
        Some(image::ImageFormat::Png) => (image::ImageFormat::Png, "image/png", "PNG"),
        Some(image::ImageFormat::Jpeg) => (image::ImageFormat::Jpeg, "image/jpeg", "JPEG"),
        _ => return Err(ImageProblem::NotPngOrJpeg),
    };
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| ImageProblem::BadHeader {
            format: name,
            cause: e.to_string(),
        })?;
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(ImageProblem::SidesTooLong {
            width,
            height,
            limit: MAX_IMAGE_SIDE,
        });
    }
    if width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE {
        return Err(ImageProblem::SidesTooShort {
            width,
            height,
            limit: MIN_IMAGE_SIDE,
        });
    }
    // Decode fully: a truncated or corrupt file fails here, not on a visitor's screen.
    image::load_from_memory_with_format(bytes, format).map_err(|e| {
        ImageProblem::DoesNotDecode {
            cause: e.to_string(),
        }
    })?;
    Ok(Blob {
        bytes: bytes.to_vec(),
        width,
        height,
        mime,
    })
}

fn is_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_link(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() <= 512
        && s.len() > "https://".len()
        && !s.chars().any(char::is_whitespace)
}

fn is_relative_path(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.contains('\\')
        && p.split('/')
            .all(|seg| !seg.is_empty() && seg != ".." && seg != ".")
}
