//! Home: the section tiles and today's remaining events.

use super::schedule::{EventLine, Range, event_lines};
use super::{Ctx, rgb};
use crate::store::{ContentStore, StoreError};

/// How many of today's events the home screen lists.
pub const TODAY_LIMIT: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    pub icon: String,
    pub accent: (u8, u8, u8),
    pub count: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HomeView {
    pub tiles: Vec<Tile>,
    /// Today's remaining events or, when there are none, the next ones.
    pub today: Vec<EventLine>,
    /// `Today` or `Coming up`.
    pub today_title: String,
    pub today_label: String,
    /// The schedule range the listed events are in (`Week` for the coming ones), so a tapped
    /// event opens in a list that shows it.
    pub range: Range,
}

/// How far ahead the home screen looks when nothing is left today: the schedule's week, so a
/// tapped event is always in the list it opens.
pub const LOOKAHEAD_DAYS: i64 = 7;

pub fn build(store: &ContentStore, ctx: &Ctx) -> Result<HomeView, StoreError> {
    let mut tiles = Vec::new();
    for section in store.sections()? {
        let count = store.articles_of(&section.id, ctx.now)?.len();
        tiles.push(Tile {
            title: ctx.t(&section.title),
            subtitle: ctx.t(&section.subtitle),
            icon: section.icon.clone(),
            accent: rgb(&section.color),
            count: ctx
                .loc
                .format(ctx.lang, "section-count", &[("count", count.into())]),
            id: section.id,
        });
    }
    let now = ctx.local_now();
    let remaining: Vec<_> = store
        .occurrences_on(now.date(), None)?
        .into_iter()
        .filter(|o| o.end > now)
        .take(TODAY_LIMIT)
        .collect();
    if !remaining.is_empty() {
        return Ok(HomeView {
            tiles,
            today: event_lines(store, &remaining, false, ctx)?,
            today_title: ctx.ui("home-today"),
            today_label: ctx.loc.day(ctx.lang, now.date()),
            range: Range::Today,
        });
    }
    // Nothing left today: never an empty panel while something is planned.
    let next: Vec<_> = store
        .occurrences(now, now + chrono::Duration::days(LOOKAHEAD_DAYS), None)?
        .into_iter()
        .take(TODAY_LIMIT)
        .collect();
    let mut lines = event_lines(store, &next, false, ctx)?;
    for (line, o) in lines.iter_mut().zip(&next) {
        // Other days: weekday and start instead of the time range.
        let weekday = ctx.ui(&format!(
            "weekday-{}",
            chrono::Datelike::weekday(&o.start.date()).number_from_monday()
        ));
        line.time = format!("{weekday} {}", crate::i18n::hhmm(o.start));
    }
    Ok(HomeView {
        tiles,
        today: lines,
        today_title: ctx.ui("home-upcoming"),
        today_label: String::new(),
        range: Range::Week,
    })
}
