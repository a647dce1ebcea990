//! The running kiosk's path, with a real event loop: the content worker on its own thread and
//! a signal from another thread both reach the screen through the UI thread's channel, read by
//! a task on the event loop (nobody calls `process_events`). One test per process: the testing
//! backend's event loop can be set up once.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::ContentSource;
use protocol::text::Lang;
use slint::{ComponentHandle, Model};

#[test]
fn the_event_loop_reads_the_worker_and_other_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    i_slint_backend_testing::init_integration_test_with_system_time();
    let loc = Arc::new(Localizer::new().expect("locales"));
    let source = ContentSource::spawn(dir.path().to_path_buf(), loc.clone()).expect("worker");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(source, loc, Clock::fixed(DEFAULT_TZ, at), Lang::Zh).expect("window");
    let handle = app.handle();
    std::thread::spawn(move || handle.set_online(true))
        .join()
        .expect("sender thread");

    // Home, then a section with its thumbnails: every answer travels through the channel.
    let weak = app.window().as_weak();
    let kiosk = app.clone();
    let step = std::cell::Cell::new(0);
    let poll = slint::Timer::default();
    poll.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(10),
        move || {
            let Some(w) = weak.upgrade() else { return };
            match step.get() {
                0 if w.global::<ui::HomeAdapter>().get_tiles().row_count() == 8 => {
                    kiosk.navigate(Screen::Section("folk-culture".into()));
                    step.set(1);
                }
                // Pictures come in batches (the first cards' first): wait for the last.
                1 if {
                    let cards = w.global::<ui::SectionAdapter>().get_cards();
                    cards.row_count() > 0 && cards.iter().all(|c| c.has_thumb)
                } =>
                {
                    step.set(2);
                    let _ = slint::quit_event_loop();
                }
                _ => {}
            }
        },
    );
    let watchdog = slint::Timer::default();
    watchdog.start(
        slint::TimerMode::SingleShot,
        Duration::from_secs(60),
        || {
            let _ = slint::quit_event_loop();
        },
    );
    slint::run_event_loop_until_quit().expect("event loop");

    let w = app.window();
    assert_eq!(w.global::<ui::Nav>().get_screen(), ui::Screen::Section);
    assert_eq!(w.global::<ui::SectionAdapter>().get_title(), "民俗文化");
    assert!(
        w.global::<ui::SectionAdapter>()
            .get_cards()
            .iter()
            .all(|c| c.has_thumb),
        "thumbnails arrived"
    );
    assert!(
        w.global::<ui::Status>().get_online(),
        "heard the other thread"
    );
}
