//! The maintenance screen through the real Slint UI: the long press, the PIN pad (wrong PINs
//! rate-limited, the right one), the figures it shows, "sync now" against the real district
//! server on 127.0.0.1, and "exit to desktop".

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use i_slint_backend_testing::ElementHandle;
use lobby_kiosk::app::App;
use lobby_kiosk::app::idle::Ticks;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::pin::PinHash;
use lobby_kiosk::sync::Settings;
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::text::Lang;
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, Model};
use support::Server;

const PIN: &str = "246810";

fn kiosk(dir: &std::path::Path) -> (App, Ticks) {
    i_slint_backend_testing::init_no_event_loop();
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir, loc.clone()).expect("cache");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(
        ContentSource::inline(worker),
        loc,
        Clock::fixed(DEFAULT_TZ, at),
        Lang::En,
    )
    .expect("window");
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(1080.0, 1920.0));
    app.window().show().expect("shows");
    let ticks = Ticks::manual();
    app.set_ticks(ticks.clone());
    (app, ticks)
}

fn with_pin(app: &App) {
    let phc = lobby_kiosk::pin::hash(PIN).expect("hash");
    app.set_maintenance_pin(Some(PinHash::parse(&phc).expect("parses")));
}

fn tap(app: &App, label: &str) {
    let element = ElementHandle::find_by_accessible_label(app.window(), label)
        .next()
        .unwrap_or_else(|| panic!("no element labelled {label:?} on {:?}", app.current()));
    element.invoke_accessible_default_action();
}

/// Holds a finger on the status band's top-left corner for `held`.
fn hold_corner(app: &App, held: Duration) {
    let position = LogicalPosition::new(60.0, 50.0);
    let window = app.window().window();
    window.dispatch_event(WindowEvent::PointerMoved { position });
    window.dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    i_slint_backend_testing::mock_elapsed_time(held);
    window.dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
}

/// Handles what other threads send until `done` (the PIN check, the sync thread).
fn wait_for(app: &App, what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} never happened"
        );
        std::thread::sleep(Duration::from_millis(10));
        app.process_events();
    }
}

fn enter(app: &App, pin: &str) {
    for digit in pin.chars() {
        tap(app, &digit.to_string());
    }
    tap(app, "OK");
    let pad = app.window().global::<ui::MaintenanceAdapter>();
    wait_for(app, "the PIN check", || {
        pad.get_pin_message() != "Checking…"
    });
}

fn row(app: &App, label: &str) -> String {
    let rows = app.window().global::<ui::MaintenanceAdapter>().get_rows();
    rows.iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no row {label}"))
        .value
        .to_string()
}

#[test]
fn without_a_configured_pin_the_corner_opens_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _) = kiosk(dir.path());
    hold_corner(&app, Duration::from_secs(6));
    let pad = app.window().global::<ui::MaintenanceAdapter>();
    assert!(!pad.get_pin_open());
    assert_eq!(app.current(), Screen::Home);
}

#[test]
fn the_corner_and_the_pin_open_the_screen_and_wrong_pins_wait_longer_and_longer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = lobby_kiosk::store::Outbox::open(dir.path()).expect("outbox");
    outbox
        .enqueue_wish(
            lobby_kiosk::store::outbox::new_id(),
            &protocol::wire::WishSubmission {
                text: "a bench".into(),
                lang: Lang::En,
                display_name: None,
            }
            .check()
            .expect("a valid wish"),
        )
        .expect("enqueue");
    let (app, ticks) = kiosk(dir.path());
    with_pin(&app);
    let pad = app.window().global::<ui::MaintenanceAdapter>();

    hold_corner(&app, Duration::from_millis(4800));
    assert!(!pad.get_pin_open(), "a short press is not enough");
    hold_corner(&app, Duration::from_millis(5100));
    assert!(pad.get_pin_open(), "five seconds open the pad");

    // Digits show as dots; delete takes one back.
    tap(&app, "1");
    tap(&app, "2");
    assert_eq!(pad.get_pin_length(), 2);
    tap(&app, "Delete");
    assert_eq!(pad.get_pin_length(), 1);
    tap(&app, "Delete");

    enter(&app, "1111");
    assert!(
        pad.get_pin_message().contains("2 more tries"),
        "{}",
        pad.get_pin_message()
    );
    assert_eq!(pad.get_pin_length(), 0, "a checked PIN is forgotten");
    enter(&app, "2222");
    assert!(pad.get_pin_message().contains("1 more try"));
    enter(&app, "3333");
    assert!(
        pad.get_pin_message().contains("0:30"),
        "{}",
        pad.get_pin_message()
    );
    assert!(!pad.get_pin_enabled(), "locked");
    tap(&app, "4");
    assert_eq!(pad.get_pin_length(), 0, "keys do nothing while locked");

    // The wait counts down on screen and ends.
    ticks.advance(Duration::from_secs(10));
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    assert!(
        pad.get_pin_message().contains("0:20"),
        "{}",
        pad.get_pin_message()
    );
    ticks.advance(Duration::from_secs(20));
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    assert!(pad.get_pin_enabled(), "open again after 30 s");

    // A fourth wrong PIN waits twice as long.
    enter(&app, "4444");
    assert!(
        pad.get_pin_message().contains("1:00"),
        "{}",
        pad.get_pin_message()
    );
    ticks.advance(Duration::from_secs(60));
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));

    enter(&app, PIN);
    assert!(!pad.get_pin_open());
    assert_eq!(app.current(), Screen::Maintenance);
    assert_eq!(
        app.window().global::<ui::Nav>().get_screen(),
        ui::Screen::Maintenance
    );

    // Real figures, read by the worker.
    assert_eq!(row(&app, "App version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(row(&app, "Kiosk"), "not registered with a district server");
    assert!(
        row(&app, "Content").contains("demo"),
        "{}",
        row(&app, "Content")
    );
    assert_eq!(row(&app, "Outbox"), "1 waiting");
    assert!(row(&app, "Free disk").ends_with("MB free"));
    assert!(row(&app, "Memory").contains("MB in use"));
    assert_eq!(row(&app, "Renderer"), "Software");
    assert!(!pad.get_sync_available(), "no server configured");

    // Exit to desktop takes two taps.
    tap(&app, "Exit to desktop");
    assert!(!app.exit_requested());
    assert!(pad.get_exit_armed());
    tap(&app, "Tap again to close the kiosk");
    assert!(app.exit_requested());

    // Back leaves the screen; the pad asks for the PIN again next time.
    tap(&app, "Back");
    assert_eq!(app.current(), Screen::Home);
}

#[test]
fn sync_now_runs_a_cycle_against_the_district_server_and_shows_its_result() {
    let server = Server::start();
    server.push(&support::demo());
    let token = server.kiosk("lobby-1");
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _) = kiosk(dir.path());
    let settings = Settings {
        poll: Duration::from_secs(3600),
        ..Server::settings(&server.base, &token)
    };
    app.attach_sync(
        lobby_kiosk::sync::schedule::spawn(dir.path().to_path_buf(), settings, app.handle())
            .expect("sync thread"),
    );
    // The first cycle runs at start.
    let status = app.window().global::<ui::Status>();
    wait_for(&app, "the first sync", || {
        status.get_freshness() == "Updated just now"
    });
    wait_for(&app, "the new content", || {
        status.get_district() != ""
            && app
                .window()
                .global::<ui::HomeAdapter>()
                .get_tiles()
                .row_count()
                == 8
    });

    app.navigate(Screen::Maintenance);
    let pad = app.window().global::<ui::MaintenanceAdapter>();
    assert!(pad.get_sync_available());
    assert_eq!(row(&app, "Kiosk"), "lobby-1");
    assert!(
        row(&app, "Station").contains("(haizhiyun)"),
        "{}",
        row(&app, "Station")
    );
    let head = server.head();
    assert!(
        row(&app, "Content").starts_with(&format!("sequence {head} · server head {head}")),
        "{}",
        row(&app, "Content")
    );

    // Staff publish a change; "sync now" fetches it at once.
    let mut bundle = support::demo();
    bundle.content.articles[0].title.en = "Zhongshan Square, renewed".into();
    server.push(&bundle);
    let new_head = server.head();
    assert!(new_head > head);
    tap(&app, "Sync now");
    assert!(pad.get_sync_running());
    assert_eq!(pad.get_sync_status(), "Syncing…");
    wait_for(&app, "the result of sync now", || !pad.get_sync_running());
    assert!(
        pad.get_sync_status().starts_with("Synced at "),
        "{}",
        pad.get_sync_status()
    );
    assert!(!pad.get_sync_failed());
    assert!(
        row(&app, "Content").starts_with(&format!("sequence {new_head} ·")),
        "the figures are read again: {}",
        row(&app, "Content")
    );
    assert_eq!(row(&app, "Last error"), "none");
}

#[test]
fn sync_now_says_when_the_server_cannot_be_reached() {
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _) = kiosk(dir.path());
    let settings = Settings {
        poll: Duration::from_secs(3600),
        max_backoff: Duration::from_secs(3600),
        attempts: 1,
        ..Settings::new("http://127.0.0.1:9", "lkk_nobody")
    };
    app.attach_sync(
        lobby_kiosk::sync::schedule::spawn(dir.path().to_path_buf(), settings, app.handle())
            .expect("sync thread"),
    );
    app.navigate(Screen::Maintenance);
    let pad = app.window().global::<ui::MaintenanceAdapter>();
    tap(&app, "Sync now");
    wait_for(&app, "the result of sync now", || !pad.get_sync_running());
    assert!(pad.get_sync_failed());
    let status = pad.get_sync_status();
    assert!(status.starts_with("Sync failed: "), "{status}");
    assert!(status.contains("did not answer"), "{status}");
    assert!(
        row(&app, "Last error").contains("did not answer"),
        "{}",
        row(&app, "Last error")
    );
}
