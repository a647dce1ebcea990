//! The live screenshot never carries what a visitor is typing: while a form holds typed text
//! (a name, a phone number) the UI answers a capture with nothing, and the server asks again at
//! a later heartbeat; an empty form and the confirmation after sending are captured as usual.
//! The real UI on the headless software-rendered platform the kiosk's screenshots use.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::submitter::Submitter;
use lobby_kiosk::sync::{Notifier, ScreenPixels};
use lobby_kiosk::ui;
use lobby_kiosk::view::{FormKind, Screen};
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::text::Lang;
use slint::ComponentHandle;

/// Asks the UI for its screen as the sync thread does, and hands the UI thread the request.
fn capture(app: &App) -> Option<ScreenPixels> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    app.handle().capture_screen(reply);
    app.process_events();
    answer.blocking_recv().ok()
}

#[test]
fn a_screenshot_is_not_taken_while_a_visitor_types_into_a_form() {
    let _window = lobby_kiosk::headless::install(1080, 1920).expect("headless");
    let dir = tempfile::tempdir().expect("tempdir");
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir.path(), loc.clone()).expect("cache");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(
        ContentSource::inline(worker),
        loc,
        Clock::fixed(DEFAULT_TZ, at),
        Lang::En,
    )
    .expect("window");
    app.window().show().expect("shows");
    app.attach_outbox(Submitter::spawn(dir.path().to_path_buf()).expect("outbox thread"));
    let form = app.window().global::<ui::FormAdapter>();

    app.navigate(Screen::Form(FormKind::Wish));
    let empty = capture(&app).expect("an empty form is captured");
    assert_eq!((empty.width, empty.height), (1080, 1920));

    form.set_second("138 0013 8000".into());
    form.invoke_edited(1);
    assert!(capture(&app).is_none(), "typed text never leaves the kiosk");

    // Sent: the confirmation shows, and screenshots are taken again.
    form.set_first("A reading corner in our building".into());
    form.set_second("".into());
    form.invoke_edited(1);
    form.invoke_submit();
    let deadline = Instant::now() + Duration::from_secs(30);
    while form.get_stage() != ui::FormStage::Done {
        app.process_events();
        assert!(Instant::now() < deadline, "no confirmation");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(capture(&app).is_some(), "the confirmation is captured");
}
