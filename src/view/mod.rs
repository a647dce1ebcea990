//! View models: what each screen shows, as plain data in the visitor's language, built from the
//! content cache. Building runs on the content worker (never the UI thread); the app turns
//! the result into Slint models.

mod article;
pub mod attract;
pub mod form;
mod home;
pub mod ical;
pub mod maintenance;
mod schedule;
mod section;
mod station;
mod timing;
pub mod tour;
pub mod wishes;

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use protocol::content::ImageRef;
use protocol::text::{Lang, Text};

use crate::i18n::Localizer;
use crate::store::{ContentStore, StoreError};

pub use article::ArticleView;
pub use attract::{AttractView, Slide};
pub use form::{FormKind, FormView};
pub use home::{HomeView, Tile};
pub use maintenance::{InfoLine, Machine, MaintenanceView};
pub use schedule::{EventDetail, EventLine, Range, ScheduleView};
pub use section::{Card, SectionView};
pub use station::{RoomLine, StationView};
pub use timing::NextChange;
pub use wishes::WishCard;

/// A place in the kiosk. The navigation stack is a list of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Home,
    Section(String),
    Article(String),
    Schedule {
        range: Range,
        station: Option<String>,
        /// Key of the event whose details are open.
        open: Option<String>,
    },
    /// A station; `None` is the first one.
    Station(Option<String>),
    /// The slideshow of an untouched kiosk.
    Attract,
    /// The staff's maintenance screen (behind the PIN).
    Maintenance,
    /// A visitor's form: a wish, a claim, a sign-up.
    Form(FormKind),
}

impl Screen {
    pub fn schedule() -> Screen {
        Screen::Schedule {
            range: Range::Today,
            station: None,
            open: None,
        }
    }
}

impl std::str::FromStr for Screen {
    type Err = String;

    /// `home`, `section:KEY`, `article:ID`, `schedule`, `schedule:week`, `station:ID`,
    /// `attract`, `maintenance`, `wish-form`, `claim-form:WISH`, `signup-form:EVENT@START`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (s, None),
        };
        let need = |what: &str| {
            arg.filter(|a| !a.is_empty())
                .map(str::to_string)
                .ok_or_else(|| format!("`{name}` needs {what}, e.g. `{name}:{what}`"))
        };
        match name {
            "home" => Ok(Screen::Home),
            "attract" => Ok(Screen::Attract),
            "maintenance" => Ok(Screen::Maintenance),
            "wish-form" => Ok(Screen::Form(FormKind::Wish)),
            "claim-form" => Ok(Screen::Form(FormKind::Claim(need("WISH")?))),
            "signup-form" => FormKind::signup_of(&need("EVENT@YYYY-MM-DDTHH:MM")?)
                .map(Screen::Form)
                .ok_or_else(|| "`signup-form` needs EVENT@YYYY-MM-DDTHH:MM".to_string()),
            "section" => Ok(Screen::Section(need("KEY")?)),
            "article" => Ok(Screen::Article(need("ID")?)),
            "schedule" => match arg {
                None | Some("today") => Ok(Screen::schedule()),
                Some("week") => Ok(Screen::Schedule {
                    range: Range::Week,
                    station: None,
                    open: None,
                }),
                Some(other) => Err(format!("unknown schedule range `{other}` (today or week)")),
            },
            "station" => Ok(Screen::Station(
                arg.filter(|a| !a.is_empty()).map(str::to_string),
            )),
            other => Err(format!(
                "unknown screen `{other}`: use home, section:KEY, article:ID, schedule[:week], station:ID, attract, maintenance, wish-form, claim-form:WISH or signup-form:EVENT@START"
            )),
        }
    }
}

/// What a screen is built for: language, the district's local time, the width images fill.
pub struct Ctx<'a> {
    pub lang: Lang,
    pub now: DateTime<FixedOffset>,
    pub loc: &'a Localizer,
}

impl Ctx<'_> {
    pub fn t(&self, text: &Text) -> String {
        text.get(self.lang).to_string()
    }

    pub fn ui(&self, id: &str) -> String {
        self.loc.text(self.lang, id)
    }

    pub fn local_now(&self) -> NaiveDateTime {
        self.now.naive_local()
    }
}

/// Where a decoded picture goes on screen. The worker tags every picture it delivers with its
/// slot; the page that owns the slot puts it in place (and ignores it if it shows something
/// else by then).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PictureSlot {
    /// The thumbnail on an article's card in a section's list (article id).
    Thumb(String),
    /// Picture `index` (in the article's order) of an article.
    ArticlePicture { article: String, index: usize },
    /// A station's photo (station id).
    StationPicture(String),
    /// A QR code that carries something to the visitor's phone.
    Qr(QrFor),
    /// The picture of an article's slide in the attract slideshow (article id).
    AttractPicture(String),
    /// A section's own icon (section id): its home tile and its page's header.
    SectionIcon(String),
    /// The district's logo in the status band (its blob's hash).
    BrandLogo(String),
}

/// What a QR code is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QrFor {
    /// An article's link (article id).
    ArticleLink(String),
    /// An event occurrence's link or calendar entry (occurrence key, `EVENT-ID@START`).
    Event(String),
}

/// An image blob of the cache at the size it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobPicture {
    pub sha256: String,
    pub width: u32,
    pub height: u32,
}

impl BlobPicture {
    /// `image` scaled to at most `max_width`, keeping its aspect; never scaled up.
    pub fn fit(image: &ImageRef, max_width: u32) -> BlobPicture {
        let width = image.width.clamp(1, max_width);
        let height =
            ((image.height as u64 * width as u64) / image.width.max(1) as u64).max(1) as u32;
        BlobPicture {
            sha256: image.sha256.clone(),
            width,
            height,
        }
    }
}

/// A section's own icon at the size a screen draws it (square, `side` pixels).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IconPicture {
    pub sha256: String,
    pub format: protocol::IconFormat,
    pub side: u32,
}

/// Pixels a side a section's own icon is drawn at: the home tile's watermark (three quarters
/// of a tile's height) without scaling up; the badge and the page header scale it down.
pub const SECTION_ICON_SIDE: u32 = 224;

/// The box the district's logo is fitted into in the status band (width, height in pixels):
/// the band is 112 px tall, and a wide logo must leave room for the kiosk's name.
pub const LOGO_BOX: (u32, u32) = (220, 72);

/// What a picture is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PictureSource {
    /// An image of the cache, decoded and scaled.
    Blob(BlobPicture),
    /// A QR code of this text: a link, or any text a phone camera understands (an iCalendar
    /// `VEVENT`).
    Qr(String),
    /// A QR code of `text` with the largest whole number of pixels per module that keeps it
    /// within `max_side` pixels, to be shown one image pixel per screen pixel: crisp, every
    /// module the same size.
    QrWithin { text: String, max_side: u32 },
    /// A section's own icon, drawn (`crate::section_icon`).
    Icon(IconPicture),
}

/// A picture the screen wants, made later (off the UI thread) at the size it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureSpec {
    pub slot: PictureSlot,
    pub source: PictureSource,
}

impl PictureSpec {
    /// The cache image `image`, at most `max_width` wide.
    pub fn blob(slot: PictureSlot, image: &ImageRef, max_width: u32) -> PictureSpec {
        PictureSpec {
            slot,
            source: PictureSource::Blob(BlobPicture::fit(image, max_width)),
        }
    }

    /// The district's logo, fitted into the status band's [`LOGO_BOX`] (never scaled up).
    pub fn brand_logo(logo: &ImageRef) -> PictureSpec {
        let (max_w, max_h) = LOGO_BOX;
        let scale = (max_w as f32 / logo.width.max(1) as f32)
            .min(max_h as f32 / logo.height.max(1) as f32)
            .min(1.0);
        let side = |v: u32| ((v as f32 * scale).round() as u32).max(1);
        PictureSpec {
            slot: PictureSlot::BrandLogo(logo.sha256.clone()),
            source: PictureSource::Blob(BlobPicture {
                sha256: logo.sha256.clone(),
                width: side(logo.width),
                height: side(logo.height),
            }),
        }
    }

    /// A section's own icon for the section `section`.
    pub fn section_icon(section: &str, icon: &protocol::IconRef) -> PictureSpec {
        PictureSpec {
            slot: PictureSlot::SectionIcon(section.to_string()),
            source: PictureSource::Icon(IconPicture {
                sha256: icon.sha256.clone(),
                format: icon.format,
                side: SECTION_ICON_SIDE,
            }),
        }
    }

    /// A QR code of `text`.
    pub fn qr(slot: PictureSlot, text: impl Into<String>) -> PictureSpec {
        PictureSpec {
            slot,
            source: PictureSource::Qr(text.into()),
        }
    }

    /// A QR code of `text` at most `max_side` pixels wide, modules of whole pixels.
    pub fn qr_within(slot: PictureSlot, text: impl Into<String>, max_side: u32) -> PictureSpec {
        PictureSpec {
            slot,
            source: PictureSource::QrWithin {
                text: text.into(),
                max_side,
            },
        }
    }

    /// Height over width, for laying out the space before the picture arrives.
    pub fn aspect(&self) -> f32 {
        match &self.source {
            PictureSource::Blob(b) => b.height as f32 / b.width.max(1) as f32,
            PictureSource::Qr(_) | PictureSource::QrWithin { .. } | PictureSource::Icon(_) => 1.0,
        }
    }
}

/// An `#RRGGBB` accent as RGB; unreadable colours fall back to the deployment red.
pub fn rgb(hex: &str) -> (u8, u8, u8) {
    let parse = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
    };
    match (hex.starts_with('#'), parse(1), parse(3), parse(5)) {
        (true, Some(r), Some(g), Some(b)) if hex.len() == 7 => (r, g, b),
        _ => (0xC8, 0x10, 0x2E),
    }
}

/// One screen's content, ready for the UI thread.
#[derive(Debug, Clone)]
pub enum ScreenView {
    Home(HomeView),
    Section(SectionView),
    Article(ArticleView),
    Schedule(ScheduleView),
    Station(StationView),
    Attract(AttractView),
    Maintenance(MaintenanceView),
    Form(FormView),
    /// The record is gone (deleted by a sync while someone looked at it).
    Missing,
}

impl ScreenView {
    /// When this view stops being true with no new content (local wall time of the district):
    /// the UI re-reads the screen then. `None`: only new content changes it.
    pub fn valid_until(&self) -> Option<NaiveDateTime> {
        match self {
            ScreenView::Home(v) => v.valid_until,
            ScreenView::Section(v) => v.valid_until,
            ScreenView::Article(v) => v.valid_until,
            ScreenView::Schedule(v) => v.valid_until,
            ScreenView::Station(v) => v.valid_until,
            // The slideshow is read afresh each time it starts; the maintenance figures are a
            // reading taken when the screen opened ("sync now" reads them again).
            // A form's fields stay as typed; only a sync (content changed) re-reads its seats.
            ScreenView::Attract(_)
            | ScreenView::Maintenance(_)
            | ScreenView::Form(_)
            | ScreenView::Missing => None,
        }
    }

    /// Images this view wants decoded.
    pub fn pictures(&self) -> Vec<PictureSpec> {
        match self {
            ScreenView::Home(v) => v
                .tiles
                .iter()
                .filter_map(|t| {
                    t.icon_file
                        .as_ref()
                        .map(|icon| PictureSpec::section_icon(&t.id, icon))
                })
                .collect(),
            ScreenView::Section(v) => v
                .icon_file
                .iter()
                .map(|icon| PictureSpec::section_icon(&v.id, icon))
                .chain(v.cards.iter().filter_map(|c| c.thumb.clone()))
                .collect(),
            ScreenView::Article(v) => v
                .pictures
                .iter()
                .map(|p| p.spec.clone())
                .chain(v.qr.clone())
                .collect(),
            ScreenView::Schedule(v) => v.open_qr.iter().cloned().collect(),
            ScreenView::Station(v) => v.picture.iter().cloned().collect(),
            ScreenView::Attract(v) => v.slides.iter().filter_map(|s| s.picture.clone()).collect(),
            _ => Vec::new(),
        }
    }
}

/// Reads what `screen` shows from the cache (and, for the maintenance screen, the machine).
pub fn build(
    store: &ContentStore,
    machine: &Machine,
    screen: &Screen,
    ctx: &Ctx,
) -> Result<ScreenView, StoreError> {
    Ok(match screen {
        Screen::Home => ScreenView::Home(home::build(store, ctx)?),
        Screen::Section(id) => section::build(store, id, ctx)?
            .map(ScreenView::Section)
            .unwrap_or(ScreenView::Missing),
        Screen::Article(id) => article::build(store, id, ctx)?
            .map(ScreenView::Article)
            .unwrap_or(ScreenView::Missing),
        Screen::Schedule {
            range,
            station,
            open,
        } => ScreenView::Schedule(schedule::build(
            store,
            *range,
            station.as_deref(),
            open.as_deref(),
            ctx,
        )?),
        Screen::Station(id) => station::build(store, id.as_deref(), ctx)?
            .map(ScreenView::Station)
            .unwrap_or(ScreenView::Missing),
        Screen::Attract => ScreenView::Attract(attract::build(store, ctx)?),
        Screen::Maintenance => ScreenView::Maintenance(maintenance::build(store, machine, ctx)?),
        Screen::Form(kind) => form::build(store, kind, ctx)?
            .map(ScreenView::Form)
            .unwrap_or(ScreenView::Missing),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screens_parse_from_the_command_line() {
        assert_eq!("home".parse::<Screen>(), Ok(Screen::Home));
        assert_eq!(
            "section:folk-culture".parse::<Screen>(),
            Ok(Screen::Section("folk-culture".into()))
        );
        assert_eq!("schedule".parse::<Screen>(), Ok(Screen::schedule()));
        assert!(matches!(
            "schedule:week".parse::<Screen>(),
            Ok(Screen::Schedule {
                range: Range::Week,
                ..
            })
        ));
        assert_eq!("station".parse::<Screen>(), Ok(Screen::Station(None)));
        assert!("article".parse::<Screen>().is_err());
        assert!("settings".parse::<Screen>().is_err());
    }

    #[test]
    fn colours_parse_or_fall_back() {
        assert_eq!(rgb("#1A2B3C"), (0x1A, 0x2B, 0x3C));
        assert_eq!(rgb("red"), (0xC8, 0x10, 0x2E));
        assert_eq!(rgb("#12345"), (0xC8, 0x10, 0x2E));
    }

    #[test]
    fn picture_specs_keep_aspect_and_never_upscale() {
        let img = ImageRef {
            sha256: "a".repeat(64),
            width: 1200,
            height: 800,
            alt: Text::new("图", "picture"),
        };
        let fit = BlobPicture::fit(&img, 600);
        assert_eq!((fit.width, fit.height), (600, 400));
        let fit = BlobPicture::fit(&img, 4000);
        assert_eq!((fit.width, fit.height), (1200, 800));
        let spec = PictureSpec::blob(PictureSlot::Thumb("a".into()), &img, 600);
        assert!((spec.aspect() - 2.0 / 3.0).abs() < 1e-6);
        let qr = PictureSpec::qr(PictureSlot::Qr(QrFor::ArticleLink("a".into())), "https://x");
        assert_eq!(qr.aspect(), 1.0);
    }
}
