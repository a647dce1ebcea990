//! The district's identity on screen: the kiosk's name, home's welcome and intro, the word for
//! its venues and its accent colour, all from the district record of the content (schema 3),
//! none from the code. Pure functions of the content and the language, so each fallback is
//! unit-tested; the app only copies a [`BrandLine`] into the `Brand` and `Theme` globals.

use protocol::text::Lang;

use crate::i18n::Localizer;
use crate::worker::ContentStatus;

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// The accent and the two shades the screens draw with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accent {
    /// The brand's colour: headings, buttons, the status band's end.
    pub base: Rgb,
    /// Darker, for the status band's start and pressed buttons.
    pub dark: Rgb,
    /// A pale tint, for highlighted backgrounds.
    pub soft: Rgb,
}

impl Accent {
    /// From `#RRGGBB`; `None` for anything else (the theme's own colours stay).
    pub fn parse(hex: &str) -> Option<Accent> {
        let digits = hex.strip_prefix('#').filter(|d| d.len() == 6)?;
        let channel = |i: usize| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok();
        let base = (channel(0)?, channel(2)?, channel(4)?);
        Some(Accent {
            base,
            dark: mix(base, (0, 0, 0), 0.22),
            soft: mix(base, (255, 255, 255), 0.90),
        })
    }
}

/// `from` moved `amount` (0–1) of the way towards `to`.
fn mix(from: Rgb, to: Rgb, amount: f32) -> Rgb {
    let m = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * amount).round() as u8;
    (m(from.0, to.0), m(from.1, to.1), m(from.2, to.2))
}

/// The brand's words in one language, and its accent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandLine {
    pub kiosk_name: String,
    pub welcome: String,
    pub intro: String,
    pub venues: String,
    /// `None` keeps the theme's colours (no district yet, or a malformed colour).
    pub accent: Option<Accent>,
}

impl BrandLine {
    /// A cache from before schema 3 has a district without brand: the district's name stands
    /// for the kiosk's name and the welcome, the intro stays empty and the venues get the UI's
    /// generic word, so no other deployment's name is ever shown.
    pub fn new(loc: &Localizer, lang: Lang, content: &ContentStatus) -> BrandLine {
        let brand = &content.brand;
        let name = content
            .district
            .as_ref()
            .map(|d| d.get(lang).to_string())
            .unwrap_or_default();
        let or = |text: &str, fallback: &str| {
            if text.trim().is_empty() {
                fallback.to_string()
            } else {
                text.to_string()
            }
        };
        BrandLine {
            kiosk_name: or(brand.kiosk_name.get(lang), &name),
            welcome: or(brand.welcome.get(lang), &name),
            intro: brand.intro.get(lang).to_string(),
            venues: or(brand.venues.get(lang), &loc.text(lang, "nav-venues")),
            accent: Accent::parse(&brand.accent),
        }
    }
}

#[cfg(test)]
mod tests {
    use protocol::content::Brand;
    use protocol::text::Text;

    use super::*;

    fn content(brand: Brand) -> ContentStatus {
        ContentStatus {
            district: Some(Text::new("黄龙商圈", "Huanglong Business Circle")),
            brand,
            ..ContentStatus::default()
        }
    }

    #[test]
    fn the_words_come_from_the_brand_in_the_language_asked() {
        let loc = Localizer::new().expect("locales");
        let brand = Brand {
            kiosk_name: Text::new("黄龙楼宇e站", "Huanglong Tower Hub"),
            welcome: Text::new("欢迎来到黄龙商圈", "Welcome to Huanglong"),
            intro: Text::new("13幢楼宇", "13 towers"),
            venues: Text::new("楼宇站点", "Tower hubs"),
            accent: "#1B6E5A".into(),
            logo: None,
        };
        let en = BrandLine::new(&loc, Lang::En, &content(brand.clone()));
        assert_eq!(en.kiosk_name, "Huanglong Tower Hub");
        assert_eq!(en.welcome, "Welcome to Huanglong");
        assert_eq!(en.intro, "13 towers");
        assert_eq!(en.venues, "Tower hubs");
        let zh = BrandLine::new(&loc, Lang::Zh, &content(brand));
        assert_eq!(zh.venues, "楼宇站点");
        let accent = zh.accent.expect("accent");
        assert_eq!(accent.base, (0x1B, 0x6E, 0x5A));
        assert!(accent.dark.1 < accent.base.1 && accent.soft.1 > accent.base.1);
    }

    #[test]
    fn a_district_without_brand_shows_its_name_and_no_one_elses() {
        let loc = Localizer::new().expect("locales");
        let en = BrandLine::new(&loc, Lang::En, &content(Brand::default()));
        assert_eq!(en.kiosk_name, "Huanglong Business Circle");
        assert_eq!(en.welcome, "Huanglong Business Circle");
        assert_eq!(en.intro, "");
        assert_eq!(en.venues, loc.text(Lang::En, "nav-venues"));
        assert!(!en.venues.contains("Red Fort"));
        assert_eq!(en.accent, None);
    }

    #[test]
    fn only_rrggbb_is_an_accent() {
        assert!(Accent::parse("#C8102E").is_some());
        for bad in [
            "C8102E",
            "#C8102",
            "#C8102EE",
            "#GG102E",
            "red",
            "",
            "#中文字",
        ] {
            assert_eq!(Accent::parse(bad), None, "{bad}");
        }
    }
}
