//! The live screenshot, kiosk half, end to end: staff ask for it on the real district server on
//! 127.0.0.1, the kiosk's sync thread hears `screenshot_wanted` in a heartbeat answer, the real
//! UI (software renderer, headless) renders the screen it shows, and the PNG that arrives at the
//! server is that screen.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use district_server::storage::kiosk_admin;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::text::Lang;
use slint::ComponentHandle;
use support::Server;

const KIOSK: &str = "lobby-shot";

fn uploaded(server: &Server) -> Option<Vec<u8>> {
    server
        .state
        .db
        .read_blocking(|tx| kiosk_admin::screenshot_png(tx, KIOSK))
        .expect("reads")
        .map(|(png, _)| png)
}

fn pending(server: &Server) -> bool {
    server
        .state
        .db
        .read_blocking(|tx| kiosk_admin::screenshot_state(tx, KIOSK))
        .expect("reads")
        .pending()
}

#[test]
fn staff_ask_and_the_kiosk_uploads_the_screen_it_shows() {
    let server = Server::start();
    let token = server.kiosk(KIOSK);
    server.push(&support::demo());
    let dir = tempfile::tempdir().expect("tempdir");

    let window = lobby_kiosk::headless::install(1080, 1920).expect("headless");
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
    app.navigate(Screen::schedule());

    // Staff ask (what the console's button does), then the kiosk syncs.
    server
        .state
        .db
        .write_blocking(|tx| {
            kiosk_admin::request_screenshot(tx, KIOSK, "admin", "2026-11-24T02:00:00Z")
        })
        .expect("request stored");
    assert!(pending(&server));
    let sync = lobby_kiosk::sync::schedule::spawn(
        dir.path().to_path_buf(),
        Server::settings(&server.base, &token),
        app.handle(),
    )
    .expect("sync thread");

    // No event loop here: the test thread is the UI thread and hands it the sync thread's
    // events, as the event loop would.
    let deadline = Instant::now() + Duration::from_secs(90);
    let png = loop {
        app.process_events();
        if let Some(png) = uploaded(&server) {
            break png;
        }
        assert!(Instant::now() < deadline, "no screenshot arrived");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!pending(&server), "the request is answered");
    sync.stop();
    app.process_events();

    assert!(png.len() <= protocol::wire::MAX_SCREENSHOT_BYTES);
    let shot = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("a PNG")
        .to_rgb8();
    assert_eq!(
        shot.dimensions(),
        (1080, 1920),
        "full size: it fits the limit"
    );
    // The same screen, rendered now the same way: the schedule in English.
    assert_eq!(app.current(), Screen::schedule());
    let now = lobby_kiosk::headless::render(&window);
    // Below the status band: the band's freshness line changes as the sync that uploaded the
    // picture ends ("Showing demo content" → "Updated just now"), and with it how the
    // district's name breaks (one line or two).
    let band = 112;
    let same = shot
        .enumerate_pixels()
        .filter(|(x, y, p)| *y >= band && *p == now.get_pixel(*x, *y))
        .count();
    let total = (shot.width() * (shot.height() - band)) as usize;
    assert!(
        same * 1000 >= total * 995,
        "the upload shows the current screen: {same} of {total} pixels equal"
    );
    // The status band's red across the top, the page's light background below it.
    let band = shot.get_pixel(540, 5).0;
    assert!(band[0] > 150 && band[1] < 60 && band[2] < 80, "{band:?}");
}
