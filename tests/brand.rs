//! Another district's identity comes from its content: through the real UI
//! (`i-slint-backend-testing`), home on the Huanglong fixture (`tests/fixtures/huanglong`,
//! written from the second seed article) shows Huanglong's kiosk name,
//! welcome, intro, word for its venues and accent colour in both languages, and no text of
//! the Dalian deployment; a brand change arriving as a district record (what sync applies)
//! changes the open screen.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDateTime;
use i_slint_backend_testing::{AccessibleRole, ElementQuery};
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::store::content::Op;
use lobby_kiosk::ui;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::content::Record;
use protocol::text::{Lang, Text};
use slint::ComponentHandle;

fn huanglong() -> protocol::Bundle {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/huanglong");
    protocol::Bundle::load(&|path: &str| std::fs::read(dir.join(path))).expect("fixture loads")
}

fn kiosk(dir: &Path, lang: Lang) -> App {
    thread_local!(static READY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if !READY.replace(true) {
        i_slint_backend_testing::init_no_event_loop();
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
        .set_size(slint::LogicalSize::new(1080.0, 1920.0));
    app.window().show().expect("shows");
    app
}

/// Every text drawn on the window.
fn texts(app: &App) -> Vec<String> {
    ElementQuery::from_root(app.window())
        .match_descendants()
        .match_accessible_role(AccessibleRole::Text)
        .find_all()
        .iter()
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .collect()
}

fn imported(dir: &Path) {
    let (mut store, _) = ContentStore::open_or_rebuild(dir).expect("cache");
    store
        .import_bundle(&huanglong(), "import")
        .expect("imports");
}

#[test]
fn home_shows_huanglongs_brand_and_nothing_of_dalian() {
    for (lang, name, welcome, intro, venues) in [
        (
            Lang::Zh,
            "共·黄龙",
            "欢迎来到黄龙商圈",
            "13幢楼宇、3个网格，十分钟惠企服务圈就在身边。",
            "服务中心",
        ),
        (
            Lang::En,
            "Together Huanglong",
            "Welcome to the Huanglong Business Circle",
            "13 towers, 3 grids: services within ten minutes of your desk.",
            "Service centres",
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        imported(dir.path());
        let app = kiosk(dir.path(), lang);
        let shown = texts(&app);
        for want in [name, welcome, intro] {
            assert!(
                shown.iter().any(|t| t == want),
                "{want:?} not on home in {lang:?}: {shown:?}"
            );
        }
        let labels: Vec<String> = ElementQuery::from_root(app.window())
            .match_descendants()
            .match_accessible_role(AccessibleRole::Button)
            .find_all()
            .iter()
            .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
            .collect();
        assert!(
            labels.iter().any(|l| l == venues),
            "the nav bar names the venues {venues:?}: {labels:?}"
        );
        for dalian in ["红垒", "Red Fort", "中山", "Zhongshan", "Dalian", "大连"] {
            assert!(
                !shown.iter().chain(&labels).any(|t| t.contains(dalian)),
                "{dalian:?} shown in {lang:?}: {shown:?} {labels:?}"
            );
        }
        let theme = app.window().global::<ui::Theme>();
        assert_eq!(theme.get_red(), slint::Color::from_rgb_u8(0x1B, 0x6E, 0x5A));
        assert_ne!(theme.get_red_dark(), theme.get_red());
    }
}

#[test]
fn a_brand_change_from_sync_changes_the_open_screen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path(), Lang::En);
    let brand = app.window().global::<ui::Brand>();
    assert_eq!(brand.get_welcome(), "Welcome to the Red Fort Stations");
    assert_eq!(brand.get_kiosk_name(), "Red Fort e-Station");
    assert_eq!(brand.get_venues(), "Stations");

    // What a sync page carrying the district record does to the cache.
    let mut district = lobby_kiosk::demo::bundle().expect("demo").content.district;
    district.brand.welcome = Text::new("欢迎光临", "Welcome, neighbours");
    district.brand.accent = "#224488".into();
    let mut store = ContentStore::open(dir.path()).expect("cache");
    store
        .apply_synced(&[Op::Put(Record::District(district))], 9, &[])
        .expect("applies");
    app.refresh();

    assert_eq!(brand.get_welcome(), "Welcome, neighbours");
    let theme = app.window().global::<ui::Theme>();
    assert_eq!(theme.get_red(), slint::Color::from_rgb_u8(0x22, 0x44, 0x88));
}

#[test]
fn the_status_band_draws_the_districts_logo_and_the_name_alone_without_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    imported(dir.path());
    let app = kiosk(dir.path(), Lang::Zh);
    let brand = app.window().global::<ui::Brand>();
    let logo = brand.get_logo();
    // The 144 px emblem fitted into the band's 72 px height, decoded by the worker.
    assert_eq!((logo.size().width, logo.size().height), (72, 72));
    let pixels = logo.to_rgba8().expect("pixels");
    let at = |x: usize, y: usize| pixels.as_slice()[y * 72 + x];
    assert_eq!(at(0, 0).a, 0, "outside the round emblem is transparent");
    // The middle tower's base, below its windows.
    let tower = at(36, 53);
    let near = |a: u8, b: u8| a.abs_diff(b) <= 8;
    assert!(
        near(tower.r, 0x1B) && near(tower.g, 0x6E) && near(tower.b, 0x5A) && tower.a == 255,
        "the middle tower is Huanglong's green: {tower:?}"
    );
    assert_eq!(
        brand.get_kiosk_name(),
        "共·黄龙",
        "the name stays beside it"
    );

    // Another screen: the same logo, not set again.
    app.navigate(lobby_kiosk::view::Screen::schedule());
    assert_eq!(brand.get_logo(), logo);

    // A brand without logo arrives by sync: the band shows the name alone.
    let mut district = huanglong().content.district;
    district.brand.logo = None;
    let mut store = ContentStore::open(dir.path()).expect("cache");
    store
        .apply_synced(&[Op::Put(Record::District(district))], 9, &[])
        .expect("applies");
    app.refresh();
    assert_eq!(brand.get_logo().size().width, 0);
    assert_eq!(brand.get_kiosk_name(), "共·黄龙");

    // The demo content has no logo.
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path(), Lang::En);
    let brand = app.window().global::<ui::Brand>();
    assert_eq!(brand.get_logo().size().width, 0);
    assert_eq!(brand.get_kiosk_name(), "Red Fort e-Station");
}
