//! A section's list of article cards.

use chrono::NaiveDateTime;

use super::timing::NextChange;
use super::wishes::{self, WishCard};
use super::{Ctx, PictureSlot, PictureSpec, rgb};
use crate::store::{ContentStore, StoreError};

/// Width thumbnails are decoded at (the card's image area).
pub const THUMB_WIDTH: u32 = 240;

#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub thumb: Option<PictureSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    /// The built-in drawing's name: shown until, or instead of, `icon_file`.
    pub icon: String,
    /// The section's own icon, drawn by the worker (`PictureSlot::SectionIcon`).
    pub icon_file: Option<protocol::IconRef>,
    pub accent: (u8, u8, u8),
    pub cards: Vec<Card>,
    /// The 微心愿 wall, in the section the bundle flags `wish_wall` (else `None`).
    pub wall: Option<Vec<WishCard>>,
    /// When an article of the section is next published or expires.
    pub valid_until: Option<NaiveDateTime>,
}

pub fn build(store: &ContentStore, id: &str, ctx: &Ctx) -> Result<Option<SectionView>, StoreError> {
    let Some(section) = store.section(id)? else {
        return Ok(None);
    };
    let mut next = NextChange::after(ctx.local_now());
    let articles = store.all_articles_of(id)?;
    for a in &articles {
        a.publish_at
            .iter()
            .chain(&a.expire_at)
            .for_each(|t| next.instant(*t, ctx.now));
    }
    let cards = articles
        .into_iter()
        .filter(|a| a.is_live(ctx.now))
        .map(|a| Card {
            thumb: a
                .images
                .first()
                .map(|img| PictureSpec::blob(PictureSlot::Thumb(a.id.clone()), img, THUMB_WIDTH)),
            title: ctx.t(&a.title),
            summary: ctx.t(&a.summary),
            category: ctx.ui(&format!("category-{}", a.category.key())),
            id: a.id,
        })
        .collect();
    Ok(Some(SectionView {
        id: section.id,
        title: ctx.t(&section.title),
        subtitle: ctx.t(&section.subtitle),
        icon: section.icon,
        icon_file: section.icon_file,
        accent: rgb(&section.color),
        cards,
        wall: if section.wish_wall {
            Some(wishes::wall(store, ctx)?)
        } else {
            None
        },
        valid_until: next.get(),
    }))
}
