//! A section: its list of article cards with thumbnails.
//!
//! The cards' model ([`SectionCards`]) holds thumbnails only for the rows near the view: Slint's
//! `ListView` asks a Rust model for the rows it instantiates (those in view and a few more),
//! so the model learns from those calls where the view is. When the view nears the edge of
//! the rows whose thumbnails were asked for, it asks the content worker for the thumbnails
//! around the view and lets go of those far from it. A section of 1,000 articles holds a few
//! dozen thumbnails, not 1,000 (130 KB each at 240 px); what was let go of is decoded again,
//! or found in the picture cache's budget, when the visitor scrolls back.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::rc::{Rc, Weak};
use std::time::Duration;

use slint::{
    ComponentHandle, Image, Model, ModelNotify, ModelRc, ModelTracker, SharedString, VecModel,
};

use super::Page;
use crate::app::Navigator;
use crate::app::models::{color, update};
use crate::app::nav::{Action, Nav};
use crate::ui;
use crate::view::{FormKind, PictureSpec, Screen, SectionView, WishCard};
use crate::worker::{FIRST_THUMBS, PictureRequest};

/// Rows around the view whose thumbnails are asked for: a screenful of cards (six or seven
/// show at 1080×1920), so a visitor scrolling at reading speed finds them decoded.
pub const ROWS_AROUND: usize = 8;
/// Rows around the view whose thumbnails are kept once decoded (beyond them they are let go
/// of): twice [`ROWS_AROUND`], so scrolling back and forth a little decodes nothing again.
pub const ROWS_KEPT: usize = 2 * ROWS_AROUND;

pub struct SectionPage {
    cards: Rc<SectionCards>,
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

    /// The thumbnail of article `id`'s card, if the card is listed near the view. The one it
    /// already shows (a revisit delivers the same pixels again) changes nothing, so nothing
    /// redraws.
    pub fn put_thumb(&self, id: &str, image: Image) {
        self.cards.put_thumb(id, image);
    }
}

/// One card and the thumbnail it shows when near the view.
struct Row {
    card: ui::ArticleCard,
    thumb: Option<PictureSpec>,
}

/// The cards of the section shown, as the model of its `ListView` (see the module's doc).
/// Persistent: rows are updated one by one, so a list being read does not jump.
pub struct SectionCards {
    rows: RefCell<Vec<Row>>,
    notify: ModelNotify,
    /// The section shown (its pictures are asked for with its screen).
    section: RefCell<String>,
    /// The rows last known to be in view (first, last), as Slint asked for them.
    view: Cell<(usize, usize)>,
    /// The lowest and highest rows Slint asked for since the model last followed the view.
    asked: Cell<Option<(usize, usize)>>,
    /// Follows the view once Slint is done laying out (never inside its `row_data` calls).
    follow: slint::Timer,
    go: Navigator,
    me: Weak<SectionCards>,
}

impl SectionCards {
    fn new(go: Navigator) -> Rc<SectionCards> {
        Rc::new_cyclic(|me| SectionCards {
            rows: RefCell::default(),
            notify: ModelNotify::default(),
            section: RefCell::default(),
            view: Cell::new((0, 0)),
            asked: Cell::new(None),
            follow: slint::Timer::default(),
            go,
            me: me.clone(),
        })
    }

    /// Rows whose thumbnails are wanted around `view`, within `len` rows.
    fn around((first, last): (usize, usize), rows: usize, len: usize) -> Range<usize> {
        first.saturating_sub(rows).min(len)..last.saturating_add(rows + 1).min(len)
    }

    fn wanted(&self) -> Range<usize> {
        Self::around(self.view.get(), ROWS_AROUND, self.rows.borrow().len())
    }

    fn kept(&self) -> Range<usize> {
        Self::around(self.view.get(), ROWS_KEPT, self.rows.borrow().len())
    }

    /// Rows that hold a thumbnail now (tests and benchmarks count them; reading rows through
    /// [`Model::row_data`] would tell the model they are in view).
    pub fn rows_with_thumb(&self) -> Vec<usize> {
        self.rows
            .borrow()
            .iter()
            .enumerate()
            .filter(|(_, r)| r.card.has_thumb)
            .map(|(i, _)| i)
            .collect()
    }

    /// The titles of the cards, in order (without telling the model anything).
    pub fn titles(&self) -> Vec<SharedString> {
        self.rows
            .borrow()
            .iter()
            .map(|r| r.card.title.clone())
            .collect()
    }

    /// Slint asked for `row`: it is in view or about to be. Near the edge of the rows whose
    /// thumbnails were asked for, the model follows the view as soon as Slint is done.
    fn asked_for(&self, row: usize) {
        let asked = match self.asked.get() {
            // Rows entering one after the other as the list scrolls.
            Some((first, last)) if row + ROWS_AROUND >= first && row <= last + ROWS_AROUND => {
                (first.min(row), last.max(row))
            }
            // A jump (a fast flick, a scroll bar): the view is where the new rows are.
            _ => (row, row),
        };
        self.asked.set(Some(asked));
        let wanted = self.wanted();
        let len = self.rows.borrow().len();
        let near_top = wanted.start > 0 && row < wanted.start + ROWS_AROUND / 2;
        let near_bottom = wanted.end < len && row + ROWS_AROUND / 2 >= wanted.end;
        if (near_top || near_bottom) && !self.follow.running() {
            let me = self.me.clone();
            self.follow
                .start(slint::TimerMode::SingleShot, Duration::ZERO, move || {
                    if let Some(cards) = me.upgrade() {
                        cards.follow_view();
                    }
                });
        }
    }

    /// Moves the view to the rows Slint asked for lately: lets go of the thumbnails far from
    /// them and asks the worker for those around them (every picture the list keeps, the
    /// missing ones first, so the worker holds exactly these for a revisit).
    fn follow_view(&self) {
        let Some(asked) = self.asked.take() else {
            return;
        };
        let before = self.wanted();
        self.view.set(asked);
        let kept = self.kept();
        let dropped = self.let_go_of_thumbs_except(|i| kept.contains(&i));
        let wanted = self.wanted();
        if wanted == before && dropped == 0 {
            return;
        }
        let specs = {
            let rows = self.rows.borrow();
            let (missing, shown): (Vec<_>, Vec<_>) = kept
                .clone()
                .filter(|i| wanted.contains(i) || rows[*i].card.has_thumb)
                .filter_map(|i| rows[i].thumb.clone().map(|spec| (i, spec)))
                .partition(|(i, _)| !rows[*i].card.has_thumb);
            missing
                .into_iter()
                .chain(shown)
                .map(|(_, spec)| spec)
                .collect()
        };
        tracing::debug!(?asked, ?wanted, dropped, "section list: following the view");
        let screen = Screen::Section(self.section.borrow().clone());
        self.go.want_pictures(PictureRequest { screen, specs });
    }

    /// The thumbnail of article `id`'s card, if the card is near the view.
    fn put_thumb(&self, id: &str, image: Image) {
        let kept = self.kept();
        let mut rows = self.rows.borrow_mut();
        let Some((i, row)) = rows.iter_mut().enumerate().find(|(_, r)| r.card.id == id) else {
            return;
        };
        if !kept.contains(&i) || (row.card.has_thumb && row.card.thumb == image) {
            return;
        }
        row.card.thumb = image;
        row.card.has_thumb = true;
        drop(rows);
        self.notify.row_changed(i);
    }

    /// Rows `keep` does not want let go of their thumbnails; how many did. The rows are not
    /// instantiated (far from the view, or the page not shown): nothing redraws.
    fn let_go_of_thumbs_except(&self, keep: impl Fn(usize) -> bool) -> usize {
        let mut changed = Vec::new();
        for (i, row) in self.rows.borrow_mut().iter_mut().enumerate() {
            if row.card.has_thumb && !keep(i) {
                row.card.thumb = Image::default();
                row.card.has_thumb = false;
                changed.push(i);
            }
        }
        for &i in &changed {
            self.notify.row_changed(i);
        }
        changed.len()
    }

    /// Shows `view`'s cards: rows of the same articles keep their thumbnails when near the
    /// view; a changed row is replaced alone, another length replaces the list (and the view
    /// starts from the top, as Slint's list does).
    fn show(&self, view: &SectionView) {
        let same_section = *self.section.borrow() == view.id;
        let same_length = self.rows.borrow().len() == view.cards.len();
        if !same_section || !same_length {
            self.view
                .set((0, FIRST_THUMBS.saturating_sub(ROWS_AROUND + 1)));
        }
        *self.section.borrow_mut() = view.id.clone();
        let kept = Self::around(self.view.get(), ROWS_KEPT, view.cards.len());
        let old: HashMap<SharedString, Image> = self
            .rows
            .borrow()
            .iter()
            .filter(|r| r.card.has_thumb)
            .map(|r| (r.card.id.clone(), r.card.thumb.clone()))
            .collect();
        let rows: Vec<Row> = view
            .cards
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let id: SharedString = c.id.as_str().into();
                let kept = old.get(&id).filter(|_| kept.contains(&i));
                Row {
                    card: ui::ArticleCard {
                        title: c.title.as_str().into(),
                        summary: c.summary.as_str().into(),
                        category: c.category.as_str().into(),
                        thumb: kept.cloned().unwrap_or_default(),
                        has_thumb: kept.is_some(),
                        id,
                    },
                    thumb: c.thumb.clone(),
                }
            })
            .collect();
        if same_length {
            let mut changed = Vec::new();
            {
                let mut old = self.rows.borrow_mut();
                for (i, (old, new)) in old.iter_mut().zip(rows).enumerate() {
                    if old.card != new.card {
                        changed.push(i);
                    }
                    *old = new;
                }
            }
            for i in changed {
                self.notify.row_changed(i);
            }
        } else {
            *self.rows.borrow_mut() = rows;
            self.asked.set(None);
            self.notify.reset();
        }
    }
}

impl Model for SectionCards {
    type Data = ui::ArticleCard;

    fn row_count(&self) -> usize {
        self.rows.borrow().len()
    }

    fn row_data(&self, row: usize) -> Option<ui::ArticleCard> {
        let card = self.rows.borrow().get(row).map(|r| r.card.clone())?;
        self.asked_for(row);
        Some(card)
    }

    fn model_tracker(&self) -> &dyn ModelTracker {
        &self.notify
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Page for SectionPage {
    type View = SectionView;
    const SCREEN: ui::Screen = ui::Screen::Section;

    fn bind(window: &ui::AppWindow, go: &Navigator) -> SectionPage {
        let page = SectionPage {
            cards: SectionCards::new(go.clone()),
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
        adapter.set_title(view.title.as_str().into());
        adapter.set_subtitle(view.subtitle.as_str().into());
        adapter.set_icon(view.icon.as_str().into());
        let icon = (
            view.id.clone(),
            view.icon_file.as_ref().map(|i| i.sha256.clone()),
        );
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
        self.cards.show(&view);
    }

    fn let_go_of_pictures(&self, _window: &ui::AppWindow) {
        // The page is not shown and cannot be gone back to: every row lets go.
        self.cards.let_go_of_thumbs_except(|_| false);
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
