//! Home: the section tiles and today's remaining events.

use chrono::{Duration, NaiveDateTime, NaiveTime};

use super::schedule::{EventLine, Range, event_lines};
use super::timing::NextChange;
use super::{Ctx, rgb};
use crate::store::{ContentStore, StoreError};

/// How many of today's events the home screen lists.
pub const TODAY_LIMIT: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    /// The built-in drawing's name: shown until, or instead of, `icon_file`.
    pub icon: String,
    /// The section's own icon, drawn by the worker (`PictureSlot::SectionIcon`).
    pub icon_file: Option<protocol::IconRef>,
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
    /// When home next changes by itself: midnight, a listed event ending, an article's
    /// publish or expire time (tile counts).
    pub valid_until: Option<NaiveDateTime>,
}

/// How far ahead the home screen looks when nothing is left today: the schedule's week (today
/// and the six days after it), so a tapped event is always in the list it opens.
pub const LOOKAHEAD_DAYS: i64 = 7;

pub fn build(store: &ContentStore, ctx: &Ctx) -> Result<HomeView, StoreError> {
    let now = ctx.local_now();
    let mut next = NextChange::after(now);
    next.midnight();
    let mut tiles = Vec::new();
    for section in store.sections()? {
        let articles = store.article_times_of(&section.id)?;
        for a in &articles {
            a.publish_at
                .iter()
                .chain(&a.expire_at)
                .for_each(|t| next.instant(*t, ctx.now));
        }
        let count = articles.iter().filter(|a| a.is_live(ctx.now)).count();
        tiles.push(Tile {
            title: ctx.t(&section.title),
            subtitle: ctx.t(&section.subtitle),
            icon: section.icon.clone(),
            icon_file: section.icon_file.clone(),
            accent: rgb(&section.color),
            count: ctx
                .loc
                .format(ctx.lang, "section-count", &[("count", count.into())]),
            id: section.id,
        });
    }
    let remaining: Vec<_> = store
        .occurrences_on(now.date(), None)?
        .into_iter()
        .filter(|o| o.end > now)
        .take(TODAY_LIMIT)
        .collect();
    // A listed event that ends leaves the list (and the next one moves up).
    next.occurrences(&remaining);
    if !remaining.is_empty() {
        return Ok(HomeView {
            tiles,
            today: event_lines(store, &remaining, false, ctx)?,
            today_title: ctx.ui("home-today"),
            today_label: ctx.loc.day(ctx.lang, now.date()),
            range: Range::Today,
            valid_until: next.get(),
        });
    }
    // Nothing left today: never an empty panel while something is planned. The window ends
    // at a midnight, so only midnight moves it.
    let week_end = (now.date() + Duration::days(LOOKAHEAD_DAYS)).and_time(NaiveTime::MIN);
    let coming: Vec<_> = store
        .occurrences(now, week_end, None)?
        .into_iter()
        .take(TODAY_LIMIT)
        .collect();
    Ok(HomeView {
        tiles,
        today: event_lines(store, &coming, false, ctx)?,
        today_title: ctx.ui("home-upcoming"),
        today_label: String::new(),
        range: Range::Week,
        valid_until: next.get(),
    })
}
