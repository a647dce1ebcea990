//! One module per page, each the controller of one `…Adapter` global in `ui/pages/`.
//!
//! A page binds its adapter's models once (persistent `VecModel`s, updated row by row so a list
//! being read does not jump), wires the adapter's callbacks to navigation [`Action`](super::nav::Action)s through
//! the [`Navigator`], shows the views the worker builds for it, and puts in place the decoded
//! pictures whose slots it owns. It keeps whatever it needs between views (the shown article,
//! the schedule's event details) to itself.
//!
//! Adding a page (say the wish wall):
//! 1. `ui/pages/wishes.slint`: a `WishesAdapter` global (models in, callbacks out) and the page;
//!    a `Screen.wishes` value in `ui/nav.slint` and one `if Nav.screen == …` line in
//!    `ui/app.slint`.
//! 2. `src/view/wishes.rs`: the plain-data `WishesView`; a `Screen::Wishes` and a
//!    `ScreenView::Wishes` variant in `src/view/mod.rs` (the worker builds it).
//! 3. `src/app/pages/wishes.rs`: `impl Page for WishesPage`; a field in [`Pages`] and one arm in
//!    [`Pages::apply`] (and in [`Pages::put_pictures`] if it shows pictures).
//! 4. New taps that move between screens: a variant of `nav::Action`, with a unit test.

mod article;
mod attract;
mod form;
mod home;
mod maintenance;
mod schedule;
mod section;
mod station;

use slint::{Image, Rgba8Pixel, SharedPixelBuffer};

pub use section::SectionCards;

use super::Navigator;
use super::nav::Nav;
use crate::ui;
use crate::view::{PictureSlot, QrFor, ScreenView};

/// The controller of one page.
pub trait Page: Sized {
    /// What the worker builds for this page.
    type View;
    /// The page `ui/app.slint` shows for it.
    const SCREEN: ui::Screen;

    /// Gives the adapter its models and wires its callbacks. Called once, when the window is
    /// created.
    fn bind(window: &ui::AppWindow, go: &Navigator) -> Self;

    /// Shows a freshly built view. `nav` is where the visitor is (e.g. which event's details are
    /// open).
    fn apply(&self, window: &ui::AppWindow, view: Self::View, nav: &Nav);

    /// Home shows: this page's last screen cannot be gone back to (home is the bottom of the
    /// navigation), so its models let go of the pictures they hold. A page opened again gets
    /// them from the worker (its picture cache, or decoded again). Pages without pictures
    /// have nothing to do.
    fn let_go_of_pictures(&self, _window: &ui::AppWindow) {}
}

/// Every page of the kiosk.
pub struct Pages {
    home: home::HomePage,
    section: section::SectionPage,
    article: article::ArticlePage,
    schedule: schedule::SchedulePage,
    station: station::StationPage,
    pub attract: attract::AttractPage,
    maintenance: maintenance::MaintenancePage,
    form: form::FormPage,
    /// The district's logo in the status band (on every screen, so no page owns it).
    pub logo: super::logo::BrandLogo,
}

impl Pages {
    pub fn bind(window: &ui::AppWindow, go: &Navigator) -> Pages {
        Pages {
            home: Page::bind(window, go),
            section: Page::bind(window, go),
            article: Page::bind(window, go),
            schedule: Page::bind(window, go),
            station: Page::bind(window, go),
            attract: Page::bind(window, go),
            maintenance: Page::bind(window, go),
            form: Page::bind(window, go),
            logo: super::logo::BrandLogo::default(),
        }
    }

    /// Shows `view` on its page and returns that page, or `None` when the view says the content
    /// is gone.
    pub fn apply(&self, window: &ui::AppWindow, view: ScreenView, nav: &Nav) -> Option<ui::Screen> {
        if !matches!(view, ScreenView::Attract(_)) {
            // Nothing runs for a slideshow nobody sees.
            self.attract.stop();
        }
        if matches!(view, ScreenView::Home(_)) {
            // The worker lets go of its hold on the same pictures (`Worker::handle`).
            self.section.let_go_of_pictures(window);
            self.article.let_go_of_pictures(window);
            self.schedule.let_go_of_pictures(window);
            self.station.let_go_of_pictures(window);
        }
        match view {
            ScreenView::Home(v) => show(&self.home, window, v, nav),
            ScreenView::Section(v) => show(&self.section, window, v, nav),
            ScreenView::Article(v) => show(&self.article, window, v, nav),
            ScreenView::Schedule(v) => show(&self.schedule, window, v, nav),
            ScreenView::Station(v) => show(&self.station, window, v, nav),
            ScreenView::Attract(v) => show(&self.attract, window, v, nav),
            ScreenView::Maintenance(v) => show(&self.maintenance, window, v, nav),
            ScreenView::Form(v) => show(&self.form, window, v, nav),
            ScreenView::Missing => None,
        }
    }

    /// Puts decoded pictures in place, each on the page that owns its slot.
    pub fn put_pictures(
        &self,
        window: &ui::AppWindow,
        pictures: Vec<(PictureSlot, SharedPixelBuffer<Rgba8Pixel>)>,
    ) {
        for (slot, buffer) in pictures {
            let image = Image::from_rgba8(buffer);
            match slot {
                PictureSlot::Thumb(article) => self.section.put_thumb(&article, image),
                PictureSlot::ArticlePicture { article, index } => {
                    self.article.put_picture(&article, index, image)
                }
                PictureSlot::Qr(QrFor::ArticleLink(article)) => {
                    self.article.put_qr(window, &article, image)
                }
                PictureSlot::Qr(QrFor::Event(key)) => self.schedule.put_qr(window, &key, image),
                PictureSlot::StationPicture(station) => {
                    self.station.put_picture(window, &station, image)
                }
                PictureSlot::AttractPicture(article) => self.attract.put_picture(&article, image),
                PictureSlot::BrandLogo(sha256) => self.logo.put(window, &sha256, image),
                PictureSlot::SectionIcon(section) => {
                    self.home.put_icon(&section, image.clone());
                    self.section.put_icon(window, &section, image);
                }
            }
        }
    }

    /// Opens or closes the event details as the navigation says, without re-reading anything.
    pub fn show_overlay(&self, window: &ui::AppWindow, nav: &Nav) {
        self.schedule.show_overlay(window, nav.open_event());
    }
}

fn show<P: Page>(page: &P, window: &ui::AppWindow, view: P::View, nav: &Nav) -> Option<ui::Screen> {
    page.apply(window, view, nav);
    Some(P::SCREEN)
}
