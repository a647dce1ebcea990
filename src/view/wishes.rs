//! The 微心愿 wall: the wishes staff approved, newest first, each in its own language.

use chrono::{DateTime, FixedOffset};
use protocol::content::{Wish, WishStatus};
use protocol::text::Lang;

use super::Ctx;
use crate::store::{ContentStore, StoreError};

/// One wish on the wall.
#[derive(Debug, Clone, PartialEq)]
pub struct WishCard {
    pub id: String,
    /// The wish as the visitor wrote it, in its own language.
    pub text: String,
    /// The language the wish was written in (the UI around it may be the other one).
    pub lang: Lang,
    /// The name or initials the wisher gave, or "anonymous" in the UI language.
    pub name: String,
    /// "3 days ago", in the UI language.
    pub age: String,
    /// The badge: approved / claimed / fulfilled, in the UI language.
    pub status: String,
    /// `approved`, `claimed` or `fulfilled`: the badge's colour.
    pub status_key: &'static str,
    /// Only an approved wish can be claimed ("I can help").
    pub can_claim: bool,
}

/// Every wish the wall shows (the store keeps only approved, claimed and fulfilled ones).
pub fn wall(store: &ContentStore, ctx: &Ctx) -> Result<Vec<WishCard>, StoreError> {
    Ok(store.wishes()?.iter().map(|w| card(w, ctx)).collect())
}

fn card(w: &Wish, ctx: &Ctx) -> WishCard {
    let status_key = match w.status {
        WishStatus::Claimed => "claimed",
        WishStatus::Fulfilled => "fulfilled",
        _ => "approved",
    };
    WishCard {
        id: w.id.clone(),
        text: w.text.clone(),
        lang: w.lang,
        name: w
            .display_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| ctx.ui("wish-anonymous")),
        age: age(ctx, w.created_at),
        status: ctx.ui(&format!("wish-status-{status_key}")),
        status_key,
        can_claim: w.status == WishStatus::Approved,
    }
}

/// How long ago `at` was, in words.
pub fn age(ctx: &Ctx, at: DateTime<FixedOffset>) -> String {
    let minutes = (ctx.now - at).num_minutes().max(0);
    let (id, arg, n) = match minutes {
        0..=1 => return ctx.ui("wish-age-now"),
        2..=59 => ("wish-age-minutes", "minutes", minutes),
        60..=1439 => ("wish-age-hours", "hours", minutes / 60),
        _ => ("wish-age-days", "days", minutes / 1440),
    };
    ctx.loc.format(ctx.lang, id, &[(arg, n.into())])
}
