//! One article: text, pictures and, for a link, a QR code.

use chrono::NaiveDateTime;

use super::timing::NextChange;
use super::{Ctx, PictureSlot, PictureSpec, QrFor, rgb};
use crate::store::{ContentStore, StoreError};

/// Width article pictures are decoded at: the portrait screen's content width.
pub const PICTURE_WIDTH: u32 = 1000;

#[derive(Debug, Clone, PartialEq)]
pub struct ArticlePicture {
    pub spec: PictureSpec,
    pub caption: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArticleView {
    pub id: String,
    pub title: String,
    pub section_title: String,
    pub category: String,
    pub accent: (u8, u8, u8),
    pub summary: String,
    pub paragraphs: Vec<String>,
    pub pictures: Vec<ArticlePicture>,
    pub link: Option<String>,
    /// The link as a QR code, for the visitor's phone.
    pub qr: Option<PictureSpec>,
    /// When the article expires (the screen then steps back).
    pub valid_until: Option<NaiveDateTime>,
}

pub fn build(store: &ContentStore, id: &str, ctx: &Ctx) -> Result<Option<ArticleView>, StoreError> {
    // Not published yet, or expired: as good as gone.
    let Some(article) = store.article(id)?.filter(|a| a.is_live(ctx.now)) else {
        return Ok(None);
    };
    let mut next = NextChange::after(ctx.local_now());
    if let Some(expire) = article.expire_at {
        next.instant(expire, ctx.now);
    }
    let section = store.section(&article.section)?;
    Ok(Some(ArticleView {
        title: ctx.t(&article.title),
        section_title: section
            .as_ref()
            .map(|s| ctx.t(&s.title))
            .unwrap_or_default(),
        accent: rgb(section.as_ref().map_or("", |s| s.color.as_str())),
        category: ctx.ui(&format!("category-{}", article.category.key())),
        summary: ctx.t(&article.summary),
        paragraphs: article.body.iter().map(|p| ctx.t(p)).collect(),
        pictures: article
            .images
            .iter()
            .enumerate()
            .map(|(i, img)| ArticlePicture {
                spec: PictureSpec::blob(
                    PictureSlot::ArticlePicture {
                        article: article.id.clone(),
                        index: i,
                    },
                    img,
                    PICTURE_WIDTH,
                ),
                caption: ctx.t(&img.alt),
            })
            .collect(),
        qr: article.link.as_ref().map(|link| {
            PictureSpec::qr(
                PictureSlot::Qr(QrFor::ArticleLink(article.id.clone())),
                link,
            )
        }),
        link: article.link.clone(),
        valid_until: next.get(),
        id: article.id,
    }))
}
