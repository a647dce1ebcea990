//! The attract slideshow an untouched kiosk shows: articles with pictures and the coming events.
//!
//! There is no "featured" flag in the content yet, so the slideshow takes the live articles that
//! have a picture, newest first (by `publish_at`; articles without one follow in section and
//! article order), and puts a slide of the coming events after every few articles.

use protocol::content::Article;

use super::schedule::{EventLine, event_lines};
use super::{Ctx, PictureSlot, PictureSpec, rgb};
use crate::store::{ContentStore, StoreError};

/// Most article slides in one round.
pub const ARTICLES: usize = 6;
/// An events slide after this many article slides.
pub const ARTICLES_PER_EVENTS: usize = 3;
/// Events on an events slide.
pub const EVENTS: usize = 5;
/// How far ahead the events slide looks.
pub const LOOKAHEAD_DAYS: i64 = 7;
/// Width pictures are decoded at: the portrait screen's width.
pub const PICTURE_WIDTH: u32 = 1080;

/// One slide.
#[derive(Debug, Clone, PartialEq)]
pub struct Slide {
    /// The article's id, or `events`.
    pub key: String,
    /// Above the title: the article's section, or "Coming up at the stations".
    pub kicker: String,
    pub title: String,
    /// The title in the other language, smaller: a passer-by may read either.
    pub title_other: String,
    pub summary: String,
    pub accent: (u8, u8, u8),
    /// The article's first picture, decoded at [`PICTURE_WIDTH`].
    pub picture: Option<PictureSpec>,
    /// The coming events, on an events slide.
    pub events: Vec<EventLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttractView {
    pub slides: Vec<Slide>,
    /// "Touch the screen to start", in both languages.
    pub hint: String,
}

/// An article with its section's title and accent.
type Featured = (Article, (String, (u8, u8, u8)));

pub fn build(store: &ContentStore, ctx: &Ctx) -> Result<AttractView, StoreError> {
    let mut featured: Vec<Featured> = Vec::new();
    for section in store.sections()? {
        let label = (ctx.t(&section.title), rgb(&section.color));
        for article in store.articles_of(&section.id, ctx.now)? {
            if !article.images.is_empty() {
                featured.push((article, label.clone()));
            }
        }
    }
    // Newest first; a stable sort keeps the section order among equals.
    featured.sort_by_key(|(a, _)| std::cmp::Reverse(a.publish_at));
    featured.truncate(ARTICLES);

    let events = events_slide(store, ctx)?;
    let mut slides = Vec::new();
    for (i, (article, (section, accent))) in featured.into_iter().enumerate() {
        slides.push(Slide {
            picture: article.images.first().map(|image| {
                PictureSpec::blob(
                    PictureSlot::AttractPicture(article.id.clone()),
                    image,
                    PICTURE_WIDTH,
                )
            }),
            kicker: section,
            title: ctx.t(&article.title),
            title_other: article.title.get(ctx.lang.other()).to_string(),
            summary: ctx.t(&article.summary),
            accent,
            events: Vec::new(),
            key: article.id,
        });
        if (i + 1) % ARTICLES_PER_EVENTS == 0
            && let Some(e) = &events
        {
            slides.push(e.clone());
        }
    }
    if let Some(e) = events
        && !slides.iter().any(|s| s.key == e.key)
    {
        slides.push(e);
    }
    let lang = ctx.lang;
    Ok(AttractView {
        slides,
        hint: format!(
            "{} · {}",
            ctx.loc.text(lang, "attract-touch"),
            ctx.loc.text(lang.other(), "attract-touch")
        ),
    })
}

/// The next events at every station, or `None` when nothing is planned.
fn events_slide(store: &ContentStore, ctx: &Ctx) -> Result<Option<Slide>, StoreError> {
    let now = ctx.local_now();
    let coming: Vec<_> = store
        .occurrences(now, now + chrono::Duration::days(LOOKAHEAD_DAYS), None)?
        .into_iter()
        .filter(|o| o.end > now)
        .take(EVENTS)
        .collect();
    if coming.is_empty() {
        return Ok(None);
    }
    // The district's accent (the theme's red without a brand).
    let accent = store
        .district()?
        .map(|d| d.brand.accent)
        .unwrap_or_default();
    let mut lines = event_lines(store, &coming, false, ctx)?;
    for (line, o) in lines.iter_mut().zip(&coming) {
        line.time = if o.start.date() == now.date() {
            format!("{} {}", ctx.ui("attract-today"), crate::i18n::hhmm(o.start))
        } else {
            format!(
                "{} {}",
                ctx.loc.day(ctx.lang, o.start.date()),
                crate::i18n::hhmm(o.start)
            )
        };
    }
    Ok(Some(Slide {
        key: "events".into(),
        // What the slide is about, as an article slide names its section.
        kicker: ctx.ui("attract-events-kicker"),
        title: ctx.ui("attract-events-title"),
        title_other: ctx.loc.text(ctx.lang.other(), "attract-events-title"),
        summary: String::new(),
        accent: rgb(&accent),
        picture: None,
        events: lines,
    }))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::NaiveDateTime;
    use protocol::text::Lang;

    use super::*;
    use crate::clock::{Clock, DEFAULT_TZ};
    use crate::i18n::Localizer;

    #[test]
    fn slides_are_pictured_articles_newest_first_with_the_coming_events() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::worker::open_seeded(dir.path()).expect("demo cache");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let at = NaiveDateTime::parse_from_str("2026-11-24 10:00", "%Y-%m-%d %H:%M").expect("t");
        let ctx = Ctx {
            lang: Lang::Zh,
            now: Clock::fixed(DEFAULT_TZ, at).now(),
            loc: &loc,
        };
        let view = build(&store, &ctx).expect("builds");
        let articles: Vec<&Slide> = view.slides.iter().filter(|s| s.key != "events").collect();
        assert_eq!(articles.len(), ARTICLES);
        assert!(articles.iter().all(|s| s.picture.is_some()));
        // The demo's two articles with a publish time are the newest.
        assert_eq!(articles[0].key, "new-year-wishes");
        assert_eq!(articles[1].key, "winter-programme");
        assert_ne!(articles[0].title, articles[0].title_other, "both languages");
        let events: Vec<&Slide> = view.slides.iter().filter(|s| s.key == "events").collect();
        assert_eq!(events.len(), ARTICLES / ARTICLES_PER_EVENTS);
        assert!(!events[0].events.is_empty() && events[0].events.len() <= EVENTS);
        assert_eq!(view.slides[ARTICLES_PER_EVENTS].key, "events");
        assert!(view.hint.contains("Touch"), "{}", view.hint);
    }
}
