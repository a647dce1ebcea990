//! An event's details carry it to the visitor's phone: a QR code of the event's link, or of an
//! iCalendar entry of the occurrence, drawn crisp on the real screen (the real UI, the software
//! renderer of `kiosk snapshot`) and read back from the rendered pixels with a QR decoder.
//!
//! `EVENT_QR_SCREENSHOTS=docs/screenshots` also writes the rendered details to that folder.

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::text::Lang;
use rqrr::BitGrid;
use slint::{ComponentHandle, Model};

/// Given to one event of the test's content only; the demo content has no event links (the
/// seed articles name none).
const LINK: &str = "https://example.org/events/social-insurance-qa";

/// Every QR code found in `img` that decodes (the finder looks at the whole screen and may
/// also propose grids across icons, which do not decode), with the side of one module in screen pixels (whole
/// pixels) and whether every
/// pixel inside the code is exactly the code's ink or white (no smoothing).
fn read_codes(img: &image::RgbImage) -> Vec<(String, Option<u32>, bool)> {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        img.width() as usize,
        img.height() as usize,
        |x, y| img.get_pixel(x as u32, y as u32).0[1],
    );
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| {
            let (_, text) = grid.decode().ok()?;
            let [tl, tr, _, bl] = grid.bounds;
            let modules = grid.grid.size() as i32;
            let width = tr.x - tl.x;
            let module = (width as f32 / modules as f32).round() as i32;
            // The decoder's corners lie up to a module outside the code.
            let module_px = ((width - module * modules).abs() <= module).then_some(module as u32);
            let pure = (tl.y.max(0)..=bl.y)
                .flat_map(|y| (tl.x.max(0)..=tr.x).map(move |x| (x as u32, y as u32)))
                .filter(|&(x, y)| x < img.width() && y < img.height())
                .all(|(x, y)| {
                    matches!(
                        img.get_pixel(x, y).0,
                        [0x1F, 0x1F, 0x1F] | [0xFF, 0xFF, 0xFF]
                    )
                });
            Some((text, module_px, pure))
        })
        .collect()
}

/// The value of `name`'s line in an iCalendar text, unfolded.
fn ical_value(text: &str, name: &str) -> Option<String> {
    let unfolded = text.replace("\r\n ", "");
    unfolded
        .split("\r\n")
        .find_map(|line| line.strip_prefix(&format!("{name}:")).map(str::to_string))
}

fn unescape(value: &str) -> String {
    value
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\n", "\n")
        .replace("\\\\", "\\")
}

#[test]
fn event_details_show_a_crisp_qr_code_of_the_event() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The demo content, with a link on one of today's events.
    {
        let mut bundle = lobby_kiosk::demo::bundle().expect("demo bundle");
        let event = bundle
            .content
            .events
            .iter_mut()
            .find(|e| e.id == "social-insurance-qa")
            .expect("demo event");
        event.link = Some(LINK.to_string());
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("cache");
        store.import_bundle(&bundle, "demo").expect("import");
    }

    let window = lobby_kiosk::headless::install(1080, 1920).expect("headless");
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir.path(), loc.clone()).expect("cache");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(
        ContentSource::inline(worker),
        loc,
        Clock::fixed(DEFAULT_TZ, at),
        Lang::Zh,
    )
    .expect("window");
    app.window().show().expect("shows");
    app.navigate(Screen::schedule());
    let adapter = app.window().global::<ui::ScheduleAdapter>();
    let rows: Vec<ui::EventRow> = adapter.get_rows().iter().collect();
    let key_of = |id: &str| {
        rows.iter()
            .map(|r| r.key.to_string())
            .find(|k| k.starts_with(&format!("{id}@")))
            .unwrap_or_else(|| panic!("{id} is listed today"))
    };
    let shots = std::env::var_os("EVENT_QR_SCREENSHOTS").map(std::path::PathBuf::from);

    // An event without a link: a calendar entry, in the visitor's language.
    let key = key_of("weekly-handicraft-haizhiyun");
    adapter.invoke_open_event(key.as_str().into());
    assert!(adapter.get_detail_open());
    assert!(adapter.get_has_qr(), "the worker made the QR code");
    for lang in [Lang::Zh, Lang::En] {
        app.set_lang(lang);
        assert!(adapter.get_detail_open(), "the details stay open");
        assert!(adapter.get_has_qr());
        let detail = adapter.get_detail();
        let img = lobby_kiosk::headless::render(&window);
        if let Some(dir) = &shots {
            img.save(dir.join(format!("event-detail-qr-{}.png", lang.code())))
                .expect("write screenshot");
        }
        let codes = read_codes(&img);
        assert_eq!(codes.len(), 1, "one QR code on the screen");
        let (text, module_px, pure) = &codes[0];
        assert!(
            text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
            "{text}"
        );
        assert!(text.contains("\r\nBEGIN:VEVENT\r\n") && text.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(
            ical_value(text, "SUMMARY").map(|s| unescape(&s)),
            Some(detail.title.to_string()),
            "the title in the visitor's language ({lang:?})"
        );
        let location = unescape(&ical_value(text, "LOCATION").expect("LOCATION"));
        assert!(location.contains(detail.station.as_str()), "{location}");
        assert!(location.contains(detail.room.as_str()), "{location}");
        assert_eq!(ical_value(text, "UID"), Some(format!("{key}@lobby-kiosk")));
        // The occurrence's local start (Asia/Shanghai, UTC+8) in UTC.
        let start =
            NaiveDateTime::parse_from_str(key.split_once('@').expect("key").1, "%Y-%m-%dT%H:%M")
                .expect("start in the key");
        let start_utc = (start - Duration::hours(8))
            .format("%Y%m%dT%H%M%SZ")
            .to_string();
        assert_eq!(ical_value(text, "DTSTART"), Some(start_utc));
        assert!(ical_value(text, "DTEND").is_some_and(|v| v.ends_with('Z')));
        // Crisp: whole screen pixels per module, only ink and white inside the code.
        assert!(
            module_px.is_some_and(|px| px >= 3),
            "{module_px:?} px a module"
        );
        assert!(pure, "the code is drawn without smoothing");
    }

    // A wide screen: the whole card, its code included, still fits.
    window.set_size(slint::PhysicalSize::new(1920, 1080));
    let img = lobby_kiosk::headless::render(&window);
    if let Some(dir) = &shots {
        img.save(dir.join("event-detail-qr-landscape-en.png"))
            .expect("write screenshot");
    }
    let codes = read_codes(&img);
    assert_eq!(codes.len(), 1, "the code is whole on a wide screen");
    assert_eq!(
        ical_value(&codes[0].0, "UID"),
        Some(format!("{key}@lobby-kiosk"))
    );
    window.set_size(slint::PhysicalSize::new(1080, 1920));

    // An event with a link: the link itself.
    app.set_lang(Lang::Zh);
    adapter.invoke_close_event();
    assert!(!adapter.get_detail_open());
    assert!(!adapter.get_has_qr(), "no old code for the next event");
    adapter.invoke_open_event(key_of("social-insurance-qa").as_str().into());
    assert!(adapter.get_has_qr());
    let img = lobby_kiosk::headless::render(&window);
    let codes = read_codes(&img);
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].0, LINK);
    assert!(codes[0].1.is_some_and(|px| px >= 3));
    assert!(codes[0].2);
    assert!(
        adapter.get_detail().qr_caption.contains("手机"),
        "a caption in the visitor's language: {}",
        adapter.get_detail().qr_caption
    );
}
