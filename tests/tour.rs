//! `kiosk run --tour` through the real Slint UI (`i-slint-backend-testing`) and the real content
//! worker thread on the demo cache: every screen in turn, each only once the worker is done
//! with it, then home; the idle timeline never interrupts it. Time is Slint's mock time moved
//! with the app's manual idle clock.

mod demo_kiosk;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lobby_kiosk::app::App;
use lobby_kiosk::app::idle::{IdleTimes, Ticks};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{self, ContentSource};
use protocol::text::Lang;
use slint::ComponentHandle;

#[test]
fn the_tour_shows_every_screen_once_each_complete_then_home() {
    let dir = tempfile::tempdir().expect("tempdir");
    i_slint_backend_testing::init_no_event_loop();
    let clock = demo_kiosk::demo_clock();
    let screens = {
        let store: ContentStore = worker::open_seeded(dir.path()).expect("demo content");
        lobby_kiosk::view::tour::every_screen(&store, clock.now()).expect("lists")
    };
    assert!(screens.len() > 40, "the demo: {} screens", screens.len());

    let loc = Arc::new(Localizer::new().expect("locales"));
    let source = ContentSource::spawn(dir.path().to_path_buf(), loc.clone()).expect("worker");
    let app = App::new(source, loc, clock, Lang::Zh).expect("window");
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(1080.0, 1920.0));
    app.window().show().expect("shows");
    // The slideshow after 20 s without a touch: far shorter than the tour.
    let ticks = Ticks::manual();
    app.set_ticks(ticks.clone());
    app.set_idle_times(IdleTimes {
        reset: Duration::from_secs(10),
        warning: Duration::from_secs(1),
        attract: Some(Duration::from_secs(20)),
        ..IdleTimes::default()
    });

    let shown = Rc::new(Cell::new(None));
    let told = shown.clone();
    let tour = app.start_tour(screens.clone(), move |n| told.set(Some(n)));

    // What the visitor would see at each check: the screen on top, and whether the worker was
    // done with it (view and pictures on their page).
    let mut seen: Vec<(Screen, bool)> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(300);
    while shown.get().is_none() {
        assert!(Instant::now() < deadline, "the tour never ended: {seen:?}");
        // Each check a second of the idle clock: the tour outlasts the idle timeline many times.
        ticks.advance(Duration::from_secs(1));
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(16));
        app.process_events();
        assert!(
            !app.slideshow_running() && app.current() != Screen::Attract,
            "the idle timeline interrupted the tour after {} screens",
            seen.len()
        );
        let now = (app.current(), app.pictures_delivered());
        if seen.last().map(|(s, _)| s) != Some(&now.0) {
            // The tour moved on: it had seen the screen before complete.
            if let Some((before, complete)) = seen.last() {
                assert!(
                    *complete,
                    "left {before:?} before the worker was done with it"
                );
            }
            seen.push(now);
        } else if let Some(last) = seen.last_mut() {
            last.1 = now.1;
        }
        std::thread::sleep(Duration::from_millis(2));
    }

    assert_eq!(shown.get(), Some(screens.len()));
    let visited: Vec<Screen> = seen.into_iter().map(|(s, _)| s).collect();
    // Home is shown first (it already was), every screen in order, then home again.
    let mut expected = screens.clone();
    expected.push(Screen::Home);
    assert_eq!(visited, expected);
    assert!(!tour.running(), "nothing runs once the tour is over");
    // Home again, with nothing to go back to.
    assert_eq!(app.current(), Screen::Home);
    assert_eq!(
        app.window().global::<lobby_kiosk::ui::Nav>().get_screen(),
        lobby_kiosk::ui::Screen::Home
    );
}
