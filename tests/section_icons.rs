//! A section's own icon (issue 8 §1), through the real UI (`i-slint-backend-testing`) and, for
//! sync, the real district server on 127.0.0.1: the icon the district shipped is drawn by the
//! worker and replaces the built-in drawing on its tile; a missing or undrawable icon leaves the
//! built-in drawing, never a blank tile.

mod support;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDateTime;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::sync::Syncer;
use lobby_kiosk::ui;
use lobby_kiosk::view::SECTION_ICON_SIDE;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::content::sha256_hex;
use protocol::text::Lang;
use slint::{ComponentHandle, Model};
use support::Server;

const GRIDS_SVG: &str = "tests/fixtures/huanglong/icons/grids.svg";

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

fn tiles(app: &App) -> Vec<ui::SectionTile> {
    app.window()
        .global::<ui::HomeAdapter>()
        .get_tiles()
        .iter()
        .collect()
}

fn tile(app: &App, id: &str) -> ui::SectionTile {
    tiles(app)
        .into_iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("a tile for section {id}"))
}

/// The alpha of the icon image at a point given in the drawing's 48-unit grid.
fn alpha_at(image: &slint::Image, x: f32, y: f32) -> u8 {
    let buffer = image.to_rgba8().expect("a pixel image");
    let scale = buffer.width() as f32 / 48.0;
    let (px, py) = ((x * scale) as usize, (y * scale) as usize);
    buffer.as_slice()[py * buffer.width() as usize + px].a
}

/// The towers of `grids.svg`: the middle tower is solid at (24.5, 10), its first window is
/// cut out at (24.5, 13.5), and the sky at (24.5, 4) is empty.
#[track_caller]
fn assert_is_the_towers(image: &slint::Image) {
    let size = image.size();
    assert_eq!(
        (size.width, size.height),
        (SECTION_ICON_SIDE, SECTION_ICON_SIDE),
        "drawn at the tile's size"
    );
    assert_eq!(alpha_at(image, 24.5, 10.0), 255, "the tower is drawn");
    assert_eq!(alpha_at(image, 24.5, 13.5), 0, "its window is cut out");
    assert_eq!(alpha_at(image, 24.5, 4.0), 0, "the sky is empty");
    assert_eq!(alpha_at(image, 24.0, 43.5), 255, "the street is drawn");
}

fn imported(dir: &Path) -> ContentStore {
    let (mut store, _) = ContentStore::open_or_rebuild(dir).expect("cache");
    store
        .import_bundle(&huanglong(), "import")
        .expect("imports");
    store
}

#[test]
fn the_grids_tile_shows_huanglongs_own_icon_in_both_languages_and_its_page_header_too() {
    for lang in [Lang::Zh, Lang::En] {
        let dir = tempfile::tempdir().expect("tempdir");
        imported(dir.path());
        let app = kiosk(dir.path(), lang);
        let grids = tile(&app, "grids");
        assert_eq!(
            grids.icon, "city",
            "the built-in name stays as the fallback"
        );
        assert_is_the_towers(&grids.custom_icon);
        for other in tiles(&app).iter().filter(|t| t.id != "grids") {
            assert_eq!(
                other.custom_icon.size().width,
                0,
                "{} keeps its built-in drawing",
                other.id
            );
        }
        app.navigate(lobby_kiosk::view::Screen::Section("grids".into()));
        let header = app.window().global::<ui::SectionAdapter>();
        assert_is_the_towers(&header.get_custom_icon());
        app.navigate(lobby_kiosk::view::Screen::Section("business".into()));
        assert_eq!(
            header.get_custom_icon().size().width,
            0,
            "another section's header shows its built-in drawing"
        );
    }
}

#[test]
fn a_missing_or_undrawable_icon_leaves_the_built_in_drawing() {
    let svg = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(GRIDS_SVG)).expect("svg");
    let sha = sha256_hex(&svg);

    // Missing: the file is gone from the cache (a crash, a disk cleaned by hand).
    let dir = tempfile::tempdir().expect("tempdir");
    let store = imported(dir.path());
    store.blobs().remove(&sha).expect("removes");
    let app = kiosk(dir.path(), Lang::En);
    assert_eq!(tile(&app, "grids").custom_icon.size().width, 0);
    assert_eq!(tiles(&app).len(), 5, "every tile is still there");

    // Undrawable: the bytes on disk are not what was checked (a script slipped in).
    let dir = tempfile::tempdir().expect("tempdir");
    let store = imported(dir.path());
    let path = dir.path().join("blobs").join(&sha);
    assert!(path.exists(), "blobs are files named by their hash");
    std::fs::write(
        &path,
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
    )
    .expect("overwrites");
    drop(store);
    let app = kiosk(dir.path(), Lang::Zh);
    assert_eq!(tile(&app, "grids").custom_icon.size().width, 0);
    assert_eq!(tile(&app, "grids").icon, "city");
}

#[test]
fn an_icon_pushed_to_the_server_reaches_the_kiosk_by_sync_and_shows_on_its_tile() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let mut bundle = support::demo();
    let svg = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(GRIDS_SVG)).expect("svg");
    let (blob, format) = protocol::icon::check_icon(&svg).expect("a valid icon");
    let icon = protocol::IconRef {
        sha256: sha256_hex(&svg),
        format,
    };
    bundle.blobs.insert(icon.sha256.clone(), blob);
    let section = bundle.content.sections[0].id.clone();
    bundle.content.sections[0].icon_file = Some(icon.clone());
    server.push(&bundle);

    let dir = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut syncer =
        Syncer::open(dir.path(), Server::settings(&server.base, &token)).expect("opens");
    rt.block_on(syncer.cycle()).expect("syncs");
    drop(syncer);
    assert!(
        support::verified_blobs(dir.path()).contains(&icon.sha256),
        "the icon's blob was fetched with the section"
    );

    let app = kiosk(dir.path(), Lang::Zh);
    assert_is_the_towers(&tile(&app, &section).custom_icon);
}
