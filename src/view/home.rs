//! Home: the section tiles and today's remaining events.

use super::schedule::{EventLine, event_lines};
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
    pub today: Vec<EventLine>,
    pub today_label: String,
}

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
    Ok(HomeView {
        tiles,
        today: event_lines(store, &remaining, false, ctx)?,
        today_label: ctx.loc.day(ctx.lang, now.date()),
    })
}
