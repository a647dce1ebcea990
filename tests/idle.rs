//! The idle timeline through the real Slint UI (`i-slint-backend-testing`): the "Still there?"
//! warning over a form holding text, the reset, the attract slideshow and its wake-up. Time is
//! Slint's mock time moved together with the app's manual idle clock: no test sleeps.

mod demo_kiosk;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use lobby_kiosk::app::App;
use lobby_kiosk::app::idle::{IdleTimes, InputHooks, Ticks};
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use protocol::text::Lang;
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, Model};

/// A kiosk on the demo content, Chinese by default, on a manual idle clock.
fn kiosk(dir: &std::path::Path, times: IdleTimes) -> (App, Ticks) {
    i_slint_backend_testing::init_no_event_loop();
    let app = demo_kiosk::demo_app(dir, Lang::Zh);
    let ticks = Ticks::manual();
    app.set_ticks(ticks.clone());
    app.set_idle_times(times);
    (app, ticks)
}

/// Lets `secs` seconds pass, one at a time, as the running kiosk would see them.
fn wait(ticks: &Ticks, secs: u64) {
    for _ in 0..secs {
        ticks.advance(Duration::from_secs(1));
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
}

/// A finger on the glass at `(x, y)`: press and release.
fn touch(app: &App, x: f32, y: f32) {
    let position = LogicalPosition::new(x, y);
    let window = app.window().window();
    window.dispatch_event(WindowEvent::PointerMoved { position });
    window.dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(50));
    window.dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerExited);
}

fn tap(app: &App, label: &str) {
    let found: Vec<_> =
        i_slint_backend_testing::ElementHandle::find_by_accessible_label(app.window(), label)
            .collect();
    let element = found
        .first()
        .unwrap_or_else(|| panic!("no element labelled {label:?}"));
    element.invoke_accessible_default_action();
}

/// The centre of the (only) element labelled `label`, in window coordinates.
fn centre_of(app: &App, label: &str) -> (f32, f32) {
    let element =
        i_slint_backend_testing::ElementHandle::find_by_accessible_label(app.window(), label)
            .next()
            .unwrap_or_else(|| panic!("no element labelled {label:?}"));
    let (p, s) = (element.absolute_position(), element.size());
    (p.x + s.width / 2.0, p.y + s.height / 2.0)
}

fn visible(app: &App, label: &str) -> bool {
    i_slint_backend_testing::ElementHandle::find_by_accessible_label(app.window(), label)
        .next()
        .is_some()
}

slint::slint! {
    // The smallest real form: one text field, typed into with key events.
    export component Form inherits Window {
        in-out property <string> text <=> field.text;
        width: 600px;
        height: 120px;
        forward-focus: field;
        field := TextInput { }
    }
}

/// A real text field, typed into, registered as typed input of `app` (as a form page does).
fn form_with_text(app: &App, text: &str) -> Form {
    let form = Form::new().expect("form");
    form.show().expect("shows");
    for c in text.chars() {
        let text: slint::SharedString = c.to_string().into();
        form.window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        form.window()
            .dispatch_event(WindowEvent::KeyReleased { text });
    }
    assert_eq!(form.get_text(), text, "typed through key events");
    let (has, wipe) = (form.as_weak(), form.as_weak());
    app.typed_inputs().register(Rc::new(InputHooks {
        has_input: move || has.upgrade().is_some_and(|f| !f.get_text().is_empty()),
        wipe: move || {
            if let Some(f) = wipe.upgrade() {
                f.set_text("".into());
            }
        },
    }));
    form
}

#[test]
fn the_warning_counts_down_and_a_tap_keeps_the_form_without_acting_underneath() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, ticks) = kiosk(dir.path(), IdleTimes::default());
    let idle = app.window().global::<ui::Idle>();
    tap(&app, "English");
    tap(&app, "Schedule");
    let place = app.current();
    assert!(matches!(place, Screen::Schedule { .. }));
    let form = form_with_text(&app, "A bench by the bus stop");

    wait(&ticks, 69);
    assert!(!idle.get_warning(), "nothing before 90 - 20 s");
    wait(&ticks, 1);
    assert!(idle.get_warning(), "the warning at 70 s");
    assert_eq!(idle.get_seconds_left(), 20);
    assert!(visible(&app, "Still there? Tap to continue"));
    wait(&ticks, 5);
    assert_eq!(idle.get_seconds_left(), 15, "it counts down");
    assert!(
        idle.get_countdown().contains("15 seconds"),
        "{}",
        idle.get_countdown()
    );

    // The visitor taps where the Home button is, under the notice: the notice closes and
    // nothing else happens.
    let (x, y) = centre_of(&app, "Home");
    touch(&app, x, y);
    assert!(!idle.get_warning());
    assert_eq!(
        app.current(),
        place,
        "the tap did not reach the Home button"
    );
    assert_eq!(app.lang(), Lang::En);
    assert_eq!(
        form.get_text(),
        "A bench by the bus stop",
        "everything kept"
    );

    // The timeline started again from the tap.
    wait(&ticks, 69);
    assert!(!idle.get_warning());
    wait(&ticks, 1);
    assert!(idle.get_warning());
}

#[test]
fn without_a_tap_the_reset_wipes_every_typed_character_and_returns_home_in_the_default_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, ticks) = kiosk(dir.path(), IdleTimes::default());
    let idle = app.window().global::<ui::Idle>();
    tap(&app, "English");
    tap(&app, "Schedule");
    let form = form_with_text(&app, "wish");
    let wiped = Rc::new(RefCell::new(0));
    let count = wiped.clone();
    // Where the pinyin engine's `reset()` goes: a hook that holds nothing still runs.
    app.typed_inputs().register(Rc::new(InputHooks {
        has_input: || false,
        wipe: move || *count.borrow_mut() += 1,
    }));

    wait(&ticks, 89);
    assert!(idle.get_warning());
    assert_eq!(idle.get_seconds_left(), 1);
    assert_eq!(form.get_text(), "wish");
    wait(&ticks, 1);
    assert!(!idle.get_warning());
    assert_eq!(form.get_text(), "", "the form is wiped");
    assert_eq!(*wiped.borrow(), 1, "every wipe hook ran once");
    assert_eq!(app.current(), Screen::Home);
    assert_eq!(app.lang(), Lang::Zh, "the default language");
    assert!(visible(&app, "美丽中山"));
    assert_eq!(
        app.window().global::<ui::Nav>().get_screen(),
        ui::Screen::Home
    );
}

#[test]
fn without_typed_text_the_reset_comes_without_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, ticks) = kiosk(dir.path(), IdleTimes::default());
    let idle = app.window().global::<ui::Idle>();
    tap(&app, "民俗文化");
    for _ in 0..89 {
        wait(&ticks, 1);
        assert!(!idle.get_warning(), "nothing typed, nothing to warn about");
    }
    assert_eq!(app.current(), Screen::Section("folk-culture".into()));
    wait(&ticks, 1);
    assert_eq!(app.current(), Screen::Home);
}

/// Reset after 30 s (warning 20 s before), the slideshow after 60 s, a slide every 6 s.
fn slideshow_after_a_minute() -> IdleTimes {
    IdleTimes {
        reset: Duration::from_secs(30),
        warning: Duration::from_secs(20),
        attract: Some(Duration::from_secs(60)),
        slide: Duration::from_secs(6),
    }
}

#[test]
fn the_slideshow_starts_after_the_configured_time_and_a_tap_wakes_it_home_without_acting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, ticks) = kiosk(dir.path(), slideshow_after_a_minute());
    let w = app.window();
    let attract = w.global::<ui::AttractAdapter>();
    tap(&app, "English");

    wait(&ticks, 30);
    assert_eq!(app.current(), Screen::Home, "reset at 30 s");
    assert_eq!(app.lang(), Lang::Zh);
    wait(&ticks, 29);
    assert_ne!(app.current(), Screen::Attract);
    assert!(!app.slideshow_running());
    wait(&ticks, 1);
    assert_eq!(app.current(), Screen::Attract, "the slideshow at 60 s");
    assert_eq!(w.global::<ui::Nav>().get_screen(), ui::Screen::Attract);
    assert!(app.slideshow_running());

    let slides: Vec<ui::AttractSlide> = attract.get_slides().iter().collect();
    assert!(slides.len() >= 4, "{} slides", slides.len());
    let first = &slides[0];
    assert!(first.has_picture, "the first slide's picture is decoded");
    assert_eq!(first.picture.size().width, 1080, "at the screen's width");
    assert!(!first.title.is_empty() && !first.title_other.is_empty());
    let events = slides
        .iter()
        .find(|s| s.events.row_count() > 0)
        .expect("a slide of the coming events");
    // Its small line names what it shows, as an article slide names its section.
    assert_eq!(events.kicker, "活动", "not the word for the venues");
    assert_eq!(attract.get_current(), 0);
    wait(&ticks, 5);
    assert_eq!(attract.get_current(), 0, "a slide stays its time");
    wait(&ticks, 1);
    assert_eq!(attract.get_current(), 1);
    wait(&ticks, 6);
    assert_eq!(attract.get_current(), 2);

    // A touch where the first section tile lies under the slideshow: home, and the tile is
    // not opened.
    assert!(visible(&app, attract.get_hint().as_str()));
    let (x, y) = centre_of(&app, "美丽中山");
    touch(&app, x, y);
    assert_eq!(app.current(), Screen::Home, "woken to home, nothing opened");
    assert_eq!(w.global::<ui::Nav>().get_screen(), ui::Screen::Home);
    assert!(
        !app.slideshow_running(),
        "no timer for a slideshow nobody sees"
    );
    wait(&ticks, 6);
    assert_eq!(app.current(), Screen::Home);

    // The next round, 60 s after the touch, starts again from the first slide.
    wait(&ticks, 53);
    assert_eq!(app.current(), Screen::Home);
    wait(&ticks, 1);
    assert_eq!(app.current(), Screen::Attract);
    assert_eq!(attract.get_current(), 0);
}

#[test]
fn the_slideshow_lets_go_of_its_pictures_when_woken_and_shows_them_again_next_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, ticks) = kiosk(dir.path(), slideshow_after_a_minute());
    let attract = app.window().global::<ui::AttractAdapter>();
    let pictured = |attract: &ui::AttractAdapter| {
        attract
            .get_slides()
            .iter()
            .filter(|s| s.has_picture && s.picture.size().width > 0)
            .count()
    };
    // A kiosk's day: slideshow, a visitor, slideshow again, many times over.
    for round in 0..3 {
        wait(&ticks, 60);
        assert_eq!(app.current(), Screen::Attract, "round {round}");
        let shown = pictured(&attract);
        assert!(
            shown >= 4,
            "round {round}: {shown} slides show their picture"
        );

        touch(&app, 540.0, 960.0);
        assert_eq!(app.current(), Screen::Home, "round {round}: woken");
        assert_eq!(
            pictured(&attract),
            0,
            "round {round}: nobody sees the slides, so they hold no picture"
        );
        assert!(
            attract.get_slides().row_count() > 0,
            "the slides themselves stay (text only)"
        );
    }
}
