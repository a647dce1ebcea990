//! UI strings through Project Fluent. The `.ftl` files in `locales/` are embedded, so the kiosk
//! needs nothing on disk to speak both languages. Content carries its own two languages; this
//! is only the interface's words, dates and counts.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use protocol::text::Lang;
use unic_langid::LanguageIdentifier;

/// The embedded Fluent sources: (locale, file name, text).
pub const SOURCES: &[(Lang, &str, &str)] = &[
    (
        Lang::Zh,
        "locales/zh-CN/kiosk.ftl",
        include_str!("../locales/zh-CN/kiosk.ftl"),
    ),
    (
        Lang::En,
        "locales/en-US/kiosk.ftl",
        include_str!("../locales/en-US/kiosk.ftl"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("{file}: Fluent syntax error(s): {errors}")]
    Syntax { file: &'static str, errors: String },
    #[error("{file}: message `{id}` defined twice")]
    Duplicate { file: &'static str, id: String },
}

/// Formats UI strings in either language; shared by the UI thread and the content worker.
pub struct Localizer {
    zh: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Localizer")
    }
}

fn langid(lang: Lang) -> LanguageIdentifier {
    match lang {
        Lang::Zh => unic_langid::langid!("zh-CN"),
        Lang::En => unic_langid::langid!("en-US"),
    }
}

impl Localizer {
    /// Parses the embedded locales; fails only if a shipped `.ftl` file is broken.
    pub fn new() -> Result<Localizer, I18nError> {
        let mut bundles = Vec::new();
        for (lang, file, source) in SOURCES {
            let resource = FluentResource::try_new(source.to_string()).map_err(|(_, errors)| {
                I18nError::Syntax {
                    file,
                    errors: errors
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("; "),
                }
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid(*lang)]);
            // Isolation marks would show as boxes in the kiosk's font; our texts don't mix
            // directions.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| I18nError::Duplicate {
                    file,
                    id: errors.first().map(|e| format!("{e:?}")).unwrap_or_default(),
                })?;
            bundles.push(bundle);
        }
        let en = bundles.pop();
        let zh = bundles.pop();
        match (zh, en) {
            (Some(zh), Some(en)) => Ok(Localizer { zh, en }),
            _ => unreachable!("SOURCES holds exactly zh and en"),
        }
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// The message `id` with arguments; a missing id shows as the id itself (and is logged),
    /// never as blank space.
    pub fn format(&self, lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, %lang, "missing UI string");
            return id.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, %lang, ?errors, "UI string did not format cleanly");
        }
        text.into_owned()
    }

    pub fn text(&self, lang: Lang, id: &str) -> String {
        self.format(lang, id, &[])
    }

    /// `Mon 23 Nov` / `11月23日 周一`.
    pub fn day(&self, lang: Lang, date: NaiveDate) -> String {
        let weekday = self.text(
            lang,
            &format!("weekday-{}", date.weekday().number_from_monday()),
        );
        let monthname = self.text(lang, &format!("month-{}", date.month()));
        self.format(
            lang,
            "date-day",
            &[
                ("weekday", weekday.into()),
                ("day", date.day().into()),
                ("month", date.month().into()),
                ("monthname", monthname.into()),
            ],
        )
    }

    /// `12:10–13:00`.
    pub fn time_range(&self, lang: Lang, start: NaiveDateTime, end: NaiveDateTime) -> String {
        self.format(
            lang,
            "time-range",
            &[("start", hhmm(start).into()), ("end", hhmm(end).into())],
        )
    }

    /// Joins items the way the language lists them.
    pub fn list(&self, lang: Lang, items: &[&str]) -> String {
        items.join(&self.text(lang, "list-separator"))
    }
}

/// `09:05`.
pub fn hhmm(t: NaiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// Message ids of one embedded locale, for checks that the locales agree.
pub fn message_ids(source: &str) -> BTreeSet<String> {
    let Ok(resource) = FluentResource::try_new(source.to_string()) else {
        return BTreeSet::new();
    };
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_parse_and_format() {
        let l = Localizer::new().expect("shipped locales parse");
        assert_eq!(l.text(Lang::Zh, "nav-home"), "首页");
        assert_eq!(l.text(Lang::En, "nav-home"), "Home");
        assert_eq!(l.text(Lang::En, "no-such-id"), "no-such-id");
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert_eq!(l.day(Lang::Zh, d), "11月23日 周一");
        assert_eq!(l.day(Lang::En, d), "Mon 23 Nov");
        assert_eq!(
            l.format(Lang::En, "section-count", &[("count", 1.into())]),
            "1 article"
        );
        assert_eq!(
            l.format(Lang::En, "section-count", &[("count", 4.into())]),
            "4 articles"
        );
    }
}
