//! `kiosk run --tour`: every screen of [`crate::view::tour::every_screen`] in turn, each until
//! the worker is done with it (its view and every picture it came with are on their page) at
//! two checks a frame apart, so the event loop has drawn it; then home again. The tour counts
//! as a visitor's taps, so the idle reset and the slideshow wait until it is over; a visitor
//! tapping meanwhile only sees it go on.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use super::nav::Action;
use super::{App, Inner};
use crate::view::Screen;

/// How often the tour looks whether the screen shown is complete: about a frame.
const CHECK_EVERY: Duration = Duration::from_millis(16);

impl App {
    /// Shows `screens` one after the other, then home; `done` is told how many were shown once
    /// home is drawn again. The tour goes on as long as the returned timer lives; it stops
    /// itself at the end, so nothing runs afterwards.
    pub fn start_tour(
        &self,
        screens: Vec<Screen>,
        done: impl FnOnce(usize) + 'static,
    ) -> Rc<slint::Timer> {
        let timer = Rc::new(slint::Timer::default());
        let stop = Rc::downgrade(&timer);
        let app = Rc::downgrade(&self.inner);
        let shown = screens.len();
        let mut steps = screens.into_iter().map(Action::Open).chain([Action::Home]);
        let mut done = Some(done);
        // Seen complete at the previous check: the event loop has drawn it since.
        let complete_before = Cell::new(false);
        timer.start(slint::TimerMode::Repeated, CHECK_EVERY, move || {
            let Some(inner) = app.upgrade() else {
                return;
            };
            // The tour is activity, also while a screen takes long to read.
            inner.touched();
            if inner.done.get() != inner.request.get() {
                complete_before.set(false);
                return;
            }
            if !complete_before.replace(true) {
                return;
            }
            complete_before.set(false);
            match steps.next() {
                // As a tap: it also postpones the idle reset.
                Some(action) => Inner::dispatch(&inner, action),
                None => {
                    if let Some(stop) = stop.upgrade() {
                        stop.stop();
                    }
                    if let Some(done) = done.take() {
                        tracing::info!(screens = shown, "tour done: every screen shown");
                        done(shown);
                    }
                }
            }
        });
        timer
    }
}
