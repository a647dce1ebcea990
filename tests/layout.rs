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
