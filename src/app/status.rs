//! The status band's words: clock, date, district, and how fresh the content is. Pure functions
//! of the time, the language and what the worker reported about the content, so each case is
//! unit-tested; the app only copies a [`StatusLine`] into the `Status` global.

use chrono::{DateTime, FixedOffset, Utc};
use protocol::text::Lang;

use crate::i18n::{Localizer, hhmm};
use crate::worker::ContentStatus;

/// How old the content on screen is, as the status band says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The embedded demo content: no age to speak of.
    Demo,
    /// Never synced and not demo (e.g. an imported bundle): nothing is said.
    Unknown,
    /// Synced less than a minute ago (or the clocks disagree and it looks like the future).
    JustNow,
    Minutes(i64),
    Hours(i64),
    Days(i64),
}

impl Freshness {
    /// From the content's source (`demo`, `server`, `import`) and its last sync.
    pub fn of(source: Option<&str>, last_sync: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        if source == Some("demo") {
            return Freshness::Demo;
        }
        let Some(at) = last_sync else {
            return Freshness::Unknown;
        };
        match (now - at).num_minutes().max(0) {
            0 => Freshness::JustNow,
            m @ 1..60 => Freshness::Minutes(m),
            m @ 60..1440 => Freshness::Hours(m / 60),
            m => Freshness::Days(m / 1440),
        }
    }

    /// The words in `lang`; empty for [`Freshness::Unknown`].
    pub fn text(self, loc: &Localizer, lang: Lang) -> String {
        match self {
            Freshness::Demo => loc.text(lang, "status-demo-content"),
            Freshness::Unknown => String::new(),
            Freshness::JustNow => loc.text(lang, "status-updated-now"),
            Freshness::Minutes(n) => {
                loc.format(lang, "status-updated-minutes", &[("minutes", n.into())])
            }
            Freshness::Hours(n) => loc.format(lang, "status-updated-hours", &[("hours", n.into())]),
            Freshness::Days(n) => loc.format(lang, "status-updated-days", &[("days", n.into())]),
        }
    }
}

/// Everything the status band shows, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    /// `HH:MM`, the district's local time.
    pub clock: String,
    pub date: String,
    /// The district's name; `None` until the content names one (the band keeps its default).
    pub district: Option<String>,
    pub online: bool,
    pub freshness: String,
}

impl StatusLine {
    /// The band at `now` (the district's local time).
    pub fn new(
        loc: &Localizer,
        lang: Lang,
        now: DateTime<FixedOffset>,
        content: &ContentStatus,
        online: bool,
    ) -> StatusLine {
        StatusLine {
            clock: hhmm(now.naive_local()),
            date: loc.day(lang, now.date_naive()),
            district: content.district.as_ref().map(|d| d.get(lang).to_string()),
            online,
            freshness: Freshness::of(
                content.source.as_deref(),
                content.last_sync,
                now.with_timezone(&Utc),
            )
            .text(loc, lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDateTime, TimeZone};
    use protocol::text::Text;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0)
            .single()
            .expect("valid instant")
    }

    #[test]
    fn freshness_counts_minutes_hours_and_days() {
        let at = |ago: Duration| Some(now() - ago);
        let of = |ago| Freshness::of(Some("server"), at(ago), now());
        assert_eq!(of(Duration::seconds(59)), Freshness::JustNow);
        assert_eq!(of(Duration::minutes(1)), Freshness::Minutes(1));
        assert_eq!(of(Duration::minutes(59)), Freshness::Minutes(59));
        assert_eq!(of(Duration::minutes(60)), Freshness::Hours(1));
        assert_eq!(of(Duration::minutes(23 * 60 + 59)), Freshness::Hours(23));
        assert_eq!(of(Duration::days(1)), Freshness::Days(1));
        assert_eq!(of(Duration::days(9)), Freshness::Days(9));
        // A kiosk clock behind the server's: never "in -3 minutes".
        assert_eq!(of(Duration::minutes(-3)), Freshness::JustNow);
    }

    #[test]
    fn demo_content_says_so_and_unsynced_content_says_nothing() {
        assert_eq!(
            Freshness::of(Some("demo"), Some(now()), now()),
            Freshness::Demo
        );
        assert_eq!(
            Freshness::of(Some("import"), None, now()),
            Freshness::Unknown
        );
        assert_eq!(Freshness::of(None, None, now()), Freshness::Unknown);
    }

    #[test]
    fn freshness_reads_in_both_languages() {
        let loc = Localizer::new().expect("locales");
        assert_eq!(
            Freshness::Minutes(5).text(&loc, Lang::En),
            "Updated 5 min ago"
        );
        assert_eq!(Freshness::Minutes(5).text(&loc, Lang::Zh), "5 分钟前更新");
        assert_eq!(Freshness::Hours(2).text(&loc, Lang::En), "Updated 2 h ago");
        assert_eq!(Freshness::Days(3).text(&loc, Lang::Zh), "3 天前更新");
        assert_eq!(Freshness::JustNow.text(&loc, Lang::Zh), "刚刚更新");
        assert_eq!(Freshness::Demo.text(&loc, Lang::En), "Showing demo content");
        assert_eq!(Freshness::Unknown.text(&loc, Lang::En), "");
    }

    #[test]
    fn status_line_shows_local_time_date_and_district() {
        let loc = Localizer::new().expect("locales");
        let at = NaiveDateTime::parse_from_str("2026-11-24 10:05", "%Y-%m-%d %H:%M").expect("time");
        let now = crate::clock::Clock::fixed(crate::clock::DEFAULT_TZ, at).now();
        let content = ContentStatus {
            district: Some(Text::new("中山区", "Zhongshan District")),
            timezone: Some("Asia/Shanghai".into()),
            source: Some("server".into()),
            last_sync: Some(now.with_timezone(&Utc) - Duration::minutes(12)),
            clock_skew: None,
            brand: Default::default(),
            notices: Vec::new(),
        };
        let en = StatusLine::new(&loc, Lang::En, now, &content, true);
        assert_eq!(en.clock, "10:05");
        assert_eq!(en.district.as_deref(), Some("Zhongshan District"));
        assert_eq!(en.freshness, "Updated 12 min ago");
        assert!(en.online);
        assert_eq!(en.date, loc.day(Lang::En, at.date()));

        let zh = StatusLine::new(&loc, Lang::Zh, now, &ContentStatus::default(), false);
        assert_eq!(zh.clock, "10:05");
        assert_eq!(zh.district, None);
        assert_eq!(zh.freshness, "");
        assert!(!zh.online);
        assert_ne!(zh.date, en.date, "the date follows the language");
    }
}
