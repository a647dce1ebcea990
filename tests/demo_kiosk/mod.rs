//! The kiosk as the UI tests start it: the embedded demo content in a fresh cache, the content
//! worker inline, the clock stopped in the demo's week (Tuesday 24 Nov 2026, 10:00), so that
//! what each screen shows is the same on every run. The platform (Slint's testing backend or
//! `headless::install`) is set by the test first.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDateTime;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::text::Lang;
use slint::ComponentHandle;

/// When the demo's screens are looked at: its events are that week.
pub const DEMO_TIME: &str = "2026-11-24T10:00";

/// A clock stopped at `local_time` (`YYYY-MM-DDTHH:MM`, the kiosk's time zone).
pub fn clock_at(local_time: &str) -> Clock {
    let at = NaiveDateTime::parse_from_str(local_time, "%Y-%m-%dT%H:%M").expect("a time");
    Clock::fixed(DEFAULT_TZ, at)
}

/// A clock stopped at [`DEMO_TIME`].
pub fn demo_clock() -> Clock {
    clock_at(DEMO_TIME)
}

/// The kiosk on the demo cache in `dir` at `local_time`, in `lang`, shown at portrait size.
pub fn demo_app_at(dir: &Path, lang: Lang, local_time: &str) -> App {
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir, loc.clone()).expect("cache");
    let app = App::new(
        ContentSource::inline(worker),
        loc,
        clock_at(local_time),
        lang,
    )
    .expect("window");
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(1080.0, 1920.0));
    app.window().show().expect("shows");
    app
}

/// The kiosk on the demo cache in `dir` at [`DEMO_TIME`], in `lang`.
pub fn demo_app(dir: &Path, lang: Lang) -> App {
    demo_app_at(dir, lang, DEMO_TIME)
}
