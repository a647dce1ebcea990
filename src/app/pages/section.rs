//! A section: its list of article cards with thumbnails.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use slint::{ComponentHandle, Image, Model, ModelRc, SharedString, VecModel};

use super::Page;
use crate::app::Navigator;
use crate::app::models::{color, update};
use crate::app::nav::{Action, Nav};
use crate::ui;
use crate::view::{FormKind, Screen, SectionView, WishCard};

pub struct SectionPage {
    cards: Rc<VecModel<ui::ArticleCard>>,
    wishes: Rc<VecModel<ui::WishRow>>,
    /// The section shown and the blob of its own icon, if it has one: a drawn icon is put in
    /// place only for the section it was drawn for, and kept while the same icon stays.
    icon: RefCell<(String, Option<String>)>,
}

impl SectionPage {
    /// The section's own icon, drawn; ignored when another section is shown by now.
    pub fn put_icon(&self, window: &ui::AppWindow, section: &str, image: Image) {
        if self.icon.borrow().0 == section {
            window.global::<ui::SectionAdapter>().set_custom_icon(image);
        }
    }

    /// The thumbnail of article `id`'s card, if the card is listed. The one it already shows
    /// (a revisit delivers the same pixels again) changes nothing, so nothing redraws.
    pub fn put_thumb(&self, id: &str, image: Image) {
        if let Some((i, mut card)) = self.cards.iter().enumerate().find(|(_, c)| c.id == id) {
            if card.has_thumb && card.thumb == image {
                return;
            }
            card.thumb = image;
            card.has_thumb = true;
            self.cards.set_row_data(i, card);
        }
    }
}

impl Page for SectionPage {
    type View = SectionView;
    const SCREEN: ui::Screen = ui::Screen::Section;

    fn bind(window: &ui::AppWindow, go: &Navigator) -> SectionPage {
        let page = SectionPage {
            cards: Rc::new(VecModel::default()),
            wishes: Rc::new(VecModel::default()),
            icon: RefCell::new((String::new(), None)),
        };
        let adapter = window.global::<ui::SectionAdapter>();
        adapter.set_cards(ModelRc::from(page.cards.clone()));
        adapter.set_wishes(ModelRc::from(page.wishes.clone()));
        adapter.on_make_wish(go.on(Action::Open(Screen::Form(FormKind::Wish))));
        adapter.on_claim(
            go.on_arg(|id: SharedString| Action::Open(Screen::Form(FormKind::Claim(id.into())))),
        );
        adapter.on_open_article(
            go.on_arg(|id: SharedString| Action::Open(Screen::Article(id.into()))),
        );
        page
    }

    fn apply(&self, window: &ui::AppWindow, view: SectionView, _nav: &Nav) {
        let adapter = window.global::<ui::SectionAdapter>();
        adapter.set_title(view.title.into());
        adapter.set_subtitle(view.subtitle.into());
        adapter.set_icon(view.icon.into());
        let icon = (view.id.clone(), view.icon_file.map(|i| i.sha256));
        if *self.icon.borrow() != icon {
            // Another section or another icon: the built-in drawing until the new one arrives.
            adapter.set_custom_icon(Image::default());
            *self.icon.borrow_mut() = icon;
        }
        adapter.set_accent(color(view.accent));
        adapter.set_wall_shown(view.wall.is_some());
        update(
            &self.wishes,
            view.wall.iter().flatten().map(wish_row).collect(),
        );
        // Keep thumbnails already decoded for the same article.
        let old: HashMap<SharedString, ui::ArticleCard> =
            self.cards.iter().map(|c| (c.id.clone(), c)).collect();
        update(
            &self.cards,
            view.cards
                .iter()
                .map(|c| {
                    let id: SharedString = c.id.as_str().into();
                    let kept = old.get(&id).filter(|o| o.has_thumb);
                    ui::ArticleCard {
                        title: c.title.as_str().into(),
                        summary: c.summary.as_str().into(),
                        category: c.category.as_str().into(),
                        thumb: kept.map(|o| o.thumb.clone()).unwrap_or_default(),
                        has_thumb: kept.is_some(),
                        id,
                    }
                })
                .collect(),
        );
    }
}

fn wish_row(w: &WishCard) -> ui::WishRow {
    ui::WishRow {
        id: w.id.as_str().into(),
        text: w.text.as_str().into(),
        name: w.name.as_str().into(),
        age: w.age.as_str().into(),
        status: w.status.as_str().into(),
        status_key: w.status_key.into(),
        can_claim: w.can_claim,
    }
}
