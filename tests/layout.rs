//! Layout on real content, through the real UI (`i-slint-backend-testing`): event rows keep
//! their natural height however few there are, rows of other days show their day, a station
//! without rooms shows no rooms heading, and chips show full station names (each chip at least
//! as wide as the same chip measured alone), in both languages, portrait and landscape.
//! The content is `tests/fixtures/small-district` (one event, a station without rooms, long
//! names) and the demo bundle.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDateTime;
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::text::Lang;
use slint::{ComponentHandle, Model};

slint::slint! {
    import { Chip } from "../ui/widgets/button.slint";
    import { Theme } from "../ui/theme.slint";

    // One chip alone, in the kiosk's font, to measure the width its label needs.
    export component ChipProbe inherits Window {
        default-font-family: Theme.font-family;
        in property <string> label;
        in property <bool> selected;
        out property <length> natural: chip.min-width;
        chip := Chip {
            label: root.label;
            selected: root.selected;
        }
    }

    // One text alone, in the kiosk's font: the width it needs on one line, and the height it
    // needs when broken between words at `limit`.
    export component TextProbe inherits Window {
        default-font-family: Theme.font-family;
        in property <string> text;
        in property <length> size;
        in property <bool> bold;
        in property <length> limit;
        out property <length> line-width: line.preferred-width;
        out property <length> wrapped-height: wrapped.preferred-height;
        line := Text {
            text: root.text;
            font-size: root.size;
            font-weight: root.bold ? 700 : 400;
        }
        wrapped := Text {
            width: root.limit;
            text: root.text;
            font-size: root.size;
            font-weight: root.bold ? 700 : 400;
            wrap: word-wrap;
        }
    }
}

fn huanglong() -> protocol::Bundle {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/huanglong");
    protocol::Bundle::load(&|path: &str| std::fs::read(dir.join(path))).expect("fixture loads")
}

fn small_district() -> protocol::Bundle {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small-district");
    protocol::Bundle::load(&|path: &str| std::fs::read(dir.join(path))).expect("fixture loads")
}

/// A kiosk at `size` on `bundle` (the demo when `None`), Tuesday 24 Nov 2026 at 10:00.
fn kiosk(dir: &Path, bundle: Option<protocol::Bundle>, lang: Lang, size: (f32, f32)) -> App {
    // The testing platform is set up once per test thread.
    thread_local!(static READY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if !READY.replace(true) {
        i_slint_backend_testing::init_no_event_loop();
    }
    if let Some(bundle) = bundle {
        let (mut store, _) = ContentStore::open_or_rebuild(dir).expect("cache");
        store.import_bundle(&bundle, "import").expect("imports");
    }
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir, loc.clone()).expect("worker");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(
        ContentSource::inline(worker),
        loc,
        Clock::fixed(DEFAULT_TZ, at),
        lang,
    )
    .expect("app");
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(size.0, size.1));
    app.window().show().expect("shows");
    app
}

/// The button labelled `label` (an event row, a chip).
fn button(app: &App, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(app.window(), label)
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .unwrap_or_else(|| panic!("no button {label:?} on {:?}", app.current()))
}

fn shown(app: &App, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app.window(), label)
        .next()
        .is_some()
}

#[test]
fn one_event_keeps_its_natural_height_and_shows_its_day() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(
        dir.path(),
        Some(small_district()),
        Lang::En,
        (1080.0, 1920.0),
    );
    let home = app.window().global::<ui::HomeAdapter>();
    assert_eq!(home.get_today().row_count(), 1);
    let row = button(&app, "Personal finance talk");
    let height = row.size().height;
    // A day line, a time and two lines of text: about 110 px. Stretched, it filled the panel.
    assert!(
        (80.0..=170.0).contains(&height),
        "home's only event row is {height} px high"
    );
    let line = home.get_today().row_data(0).expect("row");
    assert!(line.dated);
    assert_eq!(line.day, "Fri 27 Nov");

    app.navigate(Screen::Station(Some("huanglong-hub".into())));
    let station = app.window().global::<ui::StationAdapter>();
    let upcoming = station.get_upcoming().row_data(0).expect("the talk");
    assert!(upcoming.dated, "Friday's event does not read as today's");
    assert_eq!(upcoming.day, "Fri 27 Nov");
    let height = button(&app, "Personal finance talk").size().height;
    assert!(
        (80.0..=170.0).contains(&height),
        "the station's only event row is {height} px high"
    );
    assert!(
        shown(&app, "Rooms and areas"),
        "a station with rooms lists them"
    );
}

#[test]
fn a_station_without_rooms_has_no_rooms_heading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(
        dir.path(),
        Some(small_district()),
        Lang::Zh,
        (1080.0, 1920.0),
    );
    app.navigate(Screen::Station(Some("west-lake-lobby".into())));
    let station = app.window().global::<ui::StationAdapter>();
    assert_eq!(station.get_name(), "西湖国际大厦大堂服务角");
    assert_eq!(station.get_rooms().row_count(), 0);
    assert!(!shown(&app, "功能区"), "no heading over nothing");
    assert!(!shown(&app, "近期活动"));
}

/// Every chip of `chips` on screen is at least as wide as the same chip alone.
fn assert_chips_whole(app: &App, chips: &[ui::ChipItem], where_: &str) {
    let probe = ChipProbe::new().expect("probe");
    for chip in chips {
        probe.set_label(chip.label.clone());
        probe.set_selected(chip.selected);
        let natural = probe.get_natural();
        let actual = button(app, chip.label.as_str()).size().width;
        assert!(
            actual + 0.5 >= natural,
            "{where_}: chip {:?} is {actual} px wide, its label needs {natural} px",
            chip.label
        );
    }
}

#[test]
fn station_chips_show_full_names_in_both_languages_and_orientations() {
    for (lang, size) in [
        (Lang::En, (1080.0, 1920.0)),
        (Lang::Zh, (1080.0, 1920.0)),
        (Lang::En, (1920.0, 1080.0)),
        (Lang::En, (720.0, 1280.0)),
    ] {
        for bundle in [None, Some(small_district())] {
            let dir = tempfile::tempdir().expect("tempdir");
            let small = bundle.is_some();
            let app = kiosk(dir.path(), bundle, lang, size);
            let w = app.window();
            app.navigate(Screen::Station(None));
            let chips: Vec<ui::ChipItem> = w
                .global::<ui::StationAdapter>()
                .get_stations()
                .iter()
                .collect();
            assert!(chips.len() >= 2);
            let at = format!("station picker, {lang} at {size:?}, small district {small}");
            assert_chips_whole(&app, &chips, &at);

            app.navigate(Screen::schedule());
            let chips: Vec<ui::ChipItem> = w
                .global::<ui::ScheduleAdapter>()
                .get_stations()
                .iter()
                .collect();
            let at = format!("schedule filter, {lang} at {size:?}, small district {small}");
            assert_chips_whole(&app, &chips, &at);
        }
    }
}

/// What `text` needs in the kiosk's font at `size`: its width on one line, and its height
/// broken between words at `limit`.
fn measure(text: &str, size: f32, bold: bool, limit: f32) -> (f32, f32) {
    let probe = TextProbe::new().expect("probe");
    probe.set_text(text.into());
    probe.set_size(size);
    probe.set_bold(bold);
    probe.set_limit(limit);
    (probe.get_line_width(), probe.get_wrapped_height())
}

/// The elements with element id `id` (`Component::id`), with their text.
fn texts_by_id(app: &App, id: &str) -> Vec<(String, ElementHandle)> {
    ElementHandle::find_by_element_id(app.window(), id)
        .map(|e| (e.accessible_label().unwrap_or_default().to_string(), e))
        .collect()
}

/// `text` drawn whole in `e`: every word (in Chinese every character) fits on a line of it
/// (nothing has to break inside a word), and the text broken between words at its width fits
/// its height (nothing elided).
fn assert_whole(e: &ElementHandle, text: &str, size: f32, bold: bool, at: &str) {
    let width = e.size().width;
    let height = e.size().height;
    // Chinese breaks between any two characters: each is a "word".
    let words = text.split_whitespace().flat_map(|w| {
        if w.chars().any(|c| c >= '\u{2E80}') {
            w.chars().map(String::from).collect::<Vec<_>>()
        } else {
            vec![w.to_string()]
        }
    });
    for word in words {
        let (w, _) = measure(&word, size, bold, width);
        assert!(w <= width + 0.5, "{at}: {word:?} needs {w} px, has {width}");
    }
    let (_, needed) = measure(text, size, bold, width);
    assert!(
        needed <= height + 0.5,
        "{at}: {text:?} needs {needed} px of height at {width} px, has {height}"
    );
}

#[test]
fn home_tile_subtitles_break_between_words_and_show_whole() {
    for (lang, size) in [
        (Lang::En, (1080.0, 1920.0)),
        (Lang::Zh, (1080.0, 1920.0)),
        (Lang::En, (1920.0, 1080.0)),
        (Lang::Zh, (1920.0, 1080.0)),
    ] {
        for (name, bundle) in [("demo", None), ("huanglong", Some(huanglong()))] {
            let dir = tempfile::tempdir().expect("tempdir");
            let app = kiosk(dir.path(), bundle, lang, size);
            let tiles: Vec<ui::SectionTile> = app
                .window()
                .global::<ui::HomeAdapter>()
                .get_tiles()
                .iter()
                .collect();
            let shown = texts_by_id(&app, "SectionTileView::subtitle");
            assert_eq!(shown.len(), tiles.len(), "one subtitle a tile");
            // The longest English subtitle of the demo (43 characters) is among them.
            if lang == Lang::En && name == "demo" {
                assert!(tiles.iter().any(|t| t.subtitle.len() >= 43));
            }
            for tile in &tiles {
                let (text, e) = shown
                    .iter()
                    .find(|(t, _)| t == tile.subtitle.as_str())
                    .unwrap_or_else(|| panic!("no subtitle {:?}", tile.subtitle));
                let at = format!("{name} home, {lang} at {size:?}");
                // The subtitle's type: smaller in the four narrow columns of a wide screen.
                let type_size = if size.0 > size.1 { 24.0 } else { 28.0 };
                assert_whole(e, text, type_size, false, &at);
                // And inside its tile, above the tile's padding (the tile clips).
                let tile_e = button(&app, tile.title.as_str());
                let bottom = e.absolute_position().y + e.size().height;
                let tile_bottom = tile_e.absolute_position().y + tile_e.size().height;
                assert!(
                    bottom <= tile_bottom - 12.0,
                    "{at}: {text:?} ends at {bottom}, its tile at {tile_bottom}"
                );
            }
        }
    }
}

#[test]
fn the_status_band_shows_the_full_name_and_district_of_dalian_and_huanglong() {
    for (lang, size) in [
        (Lang::En, (1080.0, 1920.0)),
        (Lang::Zh, (1080.0, 1920.0)),
        (Lang::En, (1920.0, 1080.0)),
        (Lang::Zh, (1920.0, 1080.0)),
    ] {
        for (name, bundle) in [("dalian", None), ("huanglong", Some(huanglong()))] {
            let dir = tempfile::tempdir().expect("tempdir");
            let app = kiosk(dir.path(), bundle, lang, size);
            let brand = app.window().global::<ui::Brand>();
            let status = app.window().global::<ui::Status>();
            let at = format!("{name}, {lang} at {size:?}");
            assert_eq!(
                brand.get_logo().size().width > 0,
                name == "huanglong",
                "{at}: Huanglong's band has its logo"
            );
            let kiosk_name = brand.get_kiosk_name().to_string();
            let district = status.get_district().to_string();
            assert!(!district.is_empty());
            let (_, name_e) = texts_by_id(&app, "StatusBar::name")
                .into_iter()
                .next()
                .expect("the kiosk's name");
            let (_, district_e) = texts_by_id(&app, "StatusBar::district")
                .into_iter()
                .next()
                .expect("the district's name");
            // The name on one line, the district broken between words.
            let (w, _) = measure(&kiosk_name, 36.0, true, name_e.size().width);
            assert!(
                w <= name_e.size().width + 0.5,
                "{at}: {kiosk_name:?} needs {w} px, has {}",
                name_e.size().width
            );
            assert_whole(&district_e, &district, 20.0, false, &at);
            // Both inside the band.
            for e in [&name_e, &district_e] {
                let top = e.absolute_position().y;
                assert!(
                    top >= 0.0 && top + e.size().height <= 112.0 + 0.5,
                    "{at}: a text of the band runs from {top} to {}",
                    top + e.size().height
                );
            }
        }
    }
}
