//! The forms with the on-screen keyboard up, on a portrait 1080×1920 screen and a landscape
//! 1920×1080 one, through the real UI: a field the visitor taps stays in sight above the
//! keyboard, and the submit button can be reached by scrolling.

use std::sync::Arc;

use chrono::NaiveDateTime;
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::store::{ContentStore, Op};
use lobby_kiosk::view::{FormKind, Screen};
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::content::{Record, Wish, WishStatus};
use protocol::text::Lang;
use slint::ComponentHandle;
use slint::platform::{PointerEventButton, WindowEvent};

fn kiosk(dir: &std::path::Path, lang: Lang, size: (f32, f32)) -> App {
    i_slint_backend_testing::init_no_event_loop();
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir, loc.clone()).expect("cache");
    let mut store = ContentStore::open(dir).expect("cache");
    store
        .apply_synced(
            &[Op::Put(Record::Wish(Wish {
                id: "w1".into(),
                text: "希望有人能陪我妈妈每周去一次医院复查，她腿脚不方便。".into(),
                lang: Lang::Zh,
                display_name: Some("李女士".into()),
                status: WishStatus::Approved,
                created_at: chrono::DateTime::parse_from_rfc3339("2026-11-21T09:30:00+08:00")
                    .expect("time"),
                scope: None,
            }))],
            1,
            &[],
        )
        .expect("a wish");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(
        ContentSource::inline(worker),
        loc,
        Clock::fixed(DEFAULT_TZ, at),
        lang,
    )
    .expect("window");
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(size.0, size.1));
    app.window().show().expect("shows");
    app
}

/// A finger on `element`'s centre: press and release.
fn click(app: &App, element: &ElementHandle) {
    let (p, size) = (element.absolute_position(), element.size());
    let position = slint::LogicalPosition::new(p.x + size.width / 2.0, p.y + size.height / 2.0);
    let window = app.window().window();
    window.dispatch_event(WindowEvent::PointerMoved { position });
    window.dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerExited);
}

fn one(app: &App, label: &str, role: AccessibleRole) -> ElementHandle {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(app.window(), label)
        .filter(|e| e.accessible_role() == Some(role))
        .collect();
    assert_eq!(found.len(), 1, "one {role:?} labelled {label:?}");
    found.into_iter().next().expect("one")
}

/// The top and bottom of `element` on screen.
fn span(element: &ElementHandle) -> (f32, f32) {
    let (p, s) = (element.absolute_position(), element.size());
    (p.y, p.y + s.height)
}

/// Turns the mouse wheel over the page (a visitor drags the form up) by `dy` pixels.
fn scroll_page(app: &App, dy: f32) {
    let window = app.window().window();
    let position = slint::LogicalPosition::new(window.size().width as f32 / 2.0, 300.0);
    window.dispatch_event(WindowEvent::PointerMoved { position });
    window.dispatch_event(WindowEvent::PointerScrolled {
        position,
        delta_x: 0.0,
        delta_y: dy,
    });
    window.dispatch_event(WindowEvent::PointerExited);
}

/// The element labelled `label` with `role`, scrolling the page down until all of it is in
/// sight (above the keyboard when it shows).
fn find_scrolling(app: &App, label: &str, role: AccessibleRole) -> ElementHandle {
    for _ in 0..40 {
        app.process_events();
        slint::platform::update_timers_and_animations();
        let found: Vec<_> = ElementHandle::find_by_accessible_label(app.window(), label)
            .filter(|e| e.accessible_role() == Some(role))
            .collect();
        let limit = if app.window().get_keyboard_shown() {
            app.window().get_keyboard_top()
        } else {
            app.window().window().size().height as f32
        };
        if let [one] = found.as_slice()
            && span(one).1 <= limit
        {
            return one.clone();
        }
        scroll_page(app, -60.0);
        slint::platform::update_timers_and_animations();
    }
    panic!("no {role:?} labelled {label:?} however far the page scrolls");
}

#[test]
fn a_tapped_field_stays_above_the_keyboard_and_submit_is_reachable_in_both_orientations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let loc = Localizer::new().expect("locales");
    let app = kiosk(dir.path(), Lang::En, (1080.0, 1920.0));
    let forms = [
        (
            FormKind::Wish,
            vec!["form-wish-label", "form-display-name-label"],
        ),
        (
            FormKind::Claim("w1".into()),
            vec!["form-name-label", "form-contact-label", "form-note-label"],
        ),
        (
            FormKind::signup_of("social-insurance-qa@2026-11-24T14:00").expect("key"),
            vec!["form-name-label", "form-contact-label"],
        ),
    ];
    for lang in [Lang::En, Lang::Zh] {
        app.set_lang(lang);
        for (width, height) in [(1080.0, 1920.0), (1920.0, 1080.0)] {
            app.window()
                .window()
                .set_size(slint::LogicalSize::new(width, height));
            for (kind, fields) in &forms {
                let what = format!("{width}x{height} {lang:?} {kind:?}");
                for id in fields {
                    // The form opens fresh (from another screen, at its top, no keyboard);
                    // the visitor taps this field first, and the keyboard comes up.
                    app.navigate(Screen::Home);
                    slint::platform::update_timers_and_animations();
                    assert!(
                        !app.window().get_keyboard_shown(),
                        "{what}: no keyboard on home"
                    );
                    app.navigate(Screen::Form(kind.clone()));
                    assert!(!app.window().get_keyboard_shown());
                    // (Headless, nothing is drawn between the two screens, so the page may
                    // be the same one, scrolled: back to its top, as the visitor finds it.)
                    scroll_page(&app, 3000.0);
                    let label = loc.text(lang, id);
                    let field = find_scrolling(&app, &label, AccessibleRole::TextInput);
                    click(&app, &field);
                    slint::platform::update_timers_and_animations();
                    assert!(app.window().get_keyboard_shown(), "{what}: keyboard up");
                    let keyboard_top = app.window().get_keyboard_top();
                    assert!(keyboard_top < height, "{what}: the keyboard is on screen");
                    let field = one(&app, &label, AccessibleRole::TextInput);
                    let caption = one(&app, &label, AccessibleRole::Text);
                    let (top, bottom) = (span(&caption).0, span(&field).1);
                    assert!(
                        top >= 60.0 && bottom <= keyboard_top,
                        "{what}: {label:?} at {top}..{bottom} is hidden (keyboard from {keyboard_top})"
                    );
                }
                // The visitor drags the form up: the submit button comes into sight.
                let submit = loc.text(lang, "form-submit");
                let send = find_scrolling(&app, &submit, AccessibleRole::Button);
                let keyboard_top = app.window().get_keyboard_top();
                let (top, bottom) = span(&send);
                assert!(
                    top >= 60.0 && bottom <= keyboard_top,
                    "{what}: submit at {top}..{bottom} is hidden (keyboard from {keyboard_top})"
                );
            }
        }
    }
}
