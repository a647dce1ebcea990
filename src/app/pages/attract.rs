//! The attract slideshow: slides from the worker, their pictures as they are decoded, and one
//! timer that moves to the next slide every `slide` seconds while the slideshow is shown.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, Image, Model, ModelRc, VecModel};

use super::Page;
use crate::app::Navigator;
use crate::app::models::{color, event_row, update};
use crate::app::nav::{Action, Nav};
use crate::ui;
use crate::view::AttractView;

pub struct AttractPage {
    slides: Rc<VecModel<ui::AttractSlide>>,
    /// Moves to the next slide; runs only while the slideshow is shown.
    timer: slint::Timer,
    /// How long a slide stays.
    interval: Cell<Duration>,
    window: slint::Weak<ui::AppWindow>,
    /// The slides' keys (article ids, `events`), for putting pictures in place.
    keys: RefCell<Vec<String>>,
    /// The slideshow was left: it starts again at its first slide.
    from_start: Cell<bool>,
}

impl AttractPage {
    pub fn set_interval(&self, interval: Duration) {
        self.interval.set(interval);
    }

    /// The picture of `article`'s slide.
    pub fn put_picture(&self, article: &str, image: Image) {
        let keys = self.keys.borrow();
        for (i, _) in keys.iter().enumerate().filter(|(_, k)| *k == article) {
            if let Some(mut slide) = self.slides.row_data(i) {
                slide.picture = image.clone();
                slide.has_picture = true;
                self.slides.set_row_data(i, slide);
            }
        }
    }

    /// The slideshow is no longer shown: its timer stops, and its slides let go of their
    /// pictures (screen-wide, ~2.6 MB each, ~16 MB for a round), which would otherwise stay
    /// in memory while visitors use the kiosk. They come back from the worker (its picture
    /// cache, or decoded again) when the slideshow starts again.
    pub fn stop(&self) {
        self.timer.stop();
        self.from_start.set(true);
        for i in 0..self.slides.row_count() {
            if let Some(mut slide) = self.slides.row_data(i)
                && slide.has_picture
            {
                slide.picture = Image::default();
                slide.has_picture = false;
                self.slides.set_row_data(i, slide);
            }
        }
    }

    /// Whether the slide timer runs (for tests of "nothing runs when nothing shows").
    pub fn is_running(&self) -> bool {
        self.timer.running()
    }

    fn start(&self) {
        if self.timer.running() {
            return;
        }
        let window = self.window.clone();
        let slides = self.slides.clone();
        self.timer
            .start(slint::TimerMode::Repeated, self.interval.get(), move || {
                let Some(window) = window.upgrade() else {
                    return;
                };
                let adapter = window.global::<ui::AttractAdapter>();
                let count = slides.row_count() as i32;
                if count > 1 {
                    adapter.set_current((adapter.get_current() + 1) % count);
                }
            });
    }
}

impl Page for AttractPage {
    type View = AttractView;
    const SCREEN: ui::Screen = ui::Screen::Attract;

    fn bind(window: &ui::AppWindow, go: &Navigator) -> AttractPage {
        let page = AttractPage {
            slides: Rc::new(VecModel::default()),
            timer: slint::Timer::default(),
            interval: Cell::new(Duration::from_secs(8)),
            window: window.as_weak(),
            keys: RefCell::default(),
            from_start: Cell::new(true),
        };
        let adapter = window.global::<ui::AttractAdapter>();
        adapter.set_slides(ModelRc::from(page.slides.clone()));
        // A touch wakes the kiosk to home; it acts on nothing else.
        adapter.on_wake(go.on(Action::Home));
        page
    }

    fn apply(&self, window: &ui::AppWindow, view: AttractView, _nav: &Nav) {
        let adapter = window.global::<ui::AttractAdapter>();
        adapter.set_hint(view.hint.into());
        let old: Vec<(String, ui::AttractSlide)> = self
            .keys
            .borrow()
            .iter()
            .cloned()
            .zip(self.slides.iter())
            .collect();
        let rows = view
            .slides
            .iter()
            .map(|s| {
                // The same slide again (a sync, another language): keep its decoded picture.
                let kept = old
                    .iter()
                    .find(|(k, _)| *k == s.key)
                    .filter(|(_, o)| o.has_picture)
                    .map(|(_, o)| o.picture.clone());
                ui::AttractSlide {
                    key: s.key.as_str().into(),
                    kicker: s.kicker.as_str().into(),
                    title: s.title.as_str().into(),
                    title_other: s.title_other.as_str().into(),
                    summary: s.summary.as_str().into(),
                    accent: color(s.accent),
                    has_picture: kept.is_some(),
                    picture: kept.unwrap_or_default(),
                    aspect: s.picture.as_ref().map_or(0.6, |p| p.aspect()),
                    events: ModelRc::new(VecModel::from(
                        s.events.iter().map(event_row).collect::<Vec<_>>(),
                    )),
                }
            })
            .collect();
        update(&self.slides, rows);
        *self.keys.borrow_mut() = view.slides.iter().map(|s| s.key.clone()).collect();
        if self.from_start.replace(false) || adapter.get_current() >= self.slides.row_count() as i32
        {
            adapter.set_current(0);
        }
        self.start();
    }
}
