//! A long section's list holds thumbnails only near the view: the real Slint UI
//! (`i-slint-backend-testing`, 1080×1920) on a real cache holding a section of 200 articles,
//! each with its own picture; the list is scrolled with wheel events as a visitor would.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDateTime;
use i_slint_backend_testing::ElementHandle;
use lobby_kiosk::app::{App, SectionCards};
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, FIRST_THUMBS, Worker};
use protocol::text::{Lang, Text};
use slint::platform::WindowEvent;
use slint::{ComponentHandle, LogicalPosition, Model};

const SECTION: &str = "folk-culture";
const CARDS: usize = 200;
/// How far from the rows in view a row may still hold its picture: the page keeps 16 rows
/// around the view it last followed (`ROWS_KEPT`), and follows the view once it has moved
/// up to 8 rows (`ROWS_AROUND`) from there.
const NEAR: usize = 16 + 8;

/// A cache whose section `SECTION` lists exactly `CARDS` articles, each with its own picture.
fn cache_with_long_section(dir: &std::path::Path) {
    let mut bundle = support::demo();
    let template = bundle
        .content
        .articles
        .iter()
        .find(|a| a.section == SECTION)
        .expect("an article of the section")
        .clone();
    let listed = bundle
        .content
        .articles
        .iter()
        .filter(|a| a.section == SECTION)
        .count();
    for i in 0..CARDS - listed {
        let mut a = template.clone();
        a.id = format!("long-{i:03}");
        a.order = 1000 + i as u32;
        a.title = Text::new(
            format!("长列表文章 {i:03}"),
            format!("Long list article {i:03}"),
        );
        a.images = vec![support::add_image(&mut bundle, 5000 + i as u32)];
        a.link = None;
        a.publish_at = None;
        a.expire_at = None;
        a.scope = None;
        bundle.content.articles.push(a);
    }
    let (mut store, _) = lobby_kiosk::store::ContentStore::open_or_rebuild(dir).expect("cache");
    store.import_bundle(&bundle, "server").expect("import");
}

fn kiosk(source: ContentSource, loc: Arc<Localizer>) -> App {
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(source, loc, Clock::fixed(DEFAULT_TZ, at), Lang::Zh).expect("window");
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(1080.0, 1920.0));
    app.window().show().expect("shows");
    app
}

/// The section's cards model, read without telling it which rows are in view.
fn cards(app: &App) -> slint::ModelRc<ui::ArticleCard> {
    app.window().global::<ui::SectionAdapter>().get_cards()
}

fn model(cards: &slint::ModelRc<ui::ArticleCard>) -> &SectionCards {
    cards
        .as_any()
        .downcast_ref::<SectionCards>()
        .expect("the section's own model")
}

/// What happens between two frames: Slint lays the list out (instantiating the rows in view),
/// the list's timer follows the view, and what the worker sent is applied.
fn settle(app: &App) {
    for _ in 0..3 {
        // Visiting the item tree lays out the list and instantiates its rows, as drawing does.
        let _ = ElementHandle::find_by_accessible_label(app.window(), "").count();
        slint::platform::update_timers_and_animations();
        app.process_events();
    }
}

/// The rows Slint has instantiated: their cards are in the item tree.
fn rows_in_view(app: &App) -> BTreeSet<usize> {
    use i_slint_backend_testing::ElementRoot;
    let labels: std::collections::HashSet<slint::SharedString> = app
        .window()
        .root_element()
        .query_descendants()
        .find_all()
        .iter()
        .filter_map(|e| e.accessible_label())
        .collect();
    let cards = cards(app);
    model(&cards)
        .titles()
        .iter()
        .enumerate()
        .filter(|(_, title)| labels.contains(*title))
        .map(|(i, _)| i)
        .collect()
}

fn rows_with_thumb(app: &App) -> BTreeSet<usize> {
    model(&cards(app)).rows_with_thumb().into_iter().collect()
}

fn scroll(app: &App, delta_y: f32) {
    app.window()
        .window()
        .dispatch_event(WindowEvent::PointerScrolled {
            position: LogicalPosition::new(540.0, 1300.0),
            delta_x: 0.0,
            delta_y,
        });
    settle(app);
}

/// Every row in view shows its picture, and only rows near the view hold one.
fn assert_pictures_follow_the_view(app: &App, when: &str) -> BTreeSet<usize> {
    let view = rows_in_view(app);
    assert!(!view.is_empty(), "{when}: no row in view");
    let held = rows_with_thumb(app);
    assert!(
        view.is_subset(&held),
        "{when}: rows in view {view:?} without their picture (held: {held:?})"
    );
    let (first, last) = (*view.first().expect("a row"), *view.last().expect("a row"));
    let near = first.saturating_sub(NEAR)..=last + NEAR;
    assert!(
        held.iter().all(|row| near.contains(row)),
        "{when}: rows far from the view {first}..={last} hold pictures: {held:?}"
    );
    assert!(
        held.len() <= view.len() + 2 * NEAR,
        "{when}: {} pictures held for {} rows in view",
        held.len(),
        view.len()
    );
    view
}

/// The long section opened on a kiosk whose cache in `dir` is read inline (no worker thread).
fn long_section_opened_inline(dir: &std::path::Path) -> App {
    cache_with_long_section(dir);
    i_slint_backend_testing::init_no_event_loop();
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir, loc.clone()).expect("cache");
    let app = kiosk(ContentSource::inline(worker), loc);
    app.navigate(Screen::Section(SECTION.into()));
    settle(&app);
    app
}

#[test]
fn a_long_section_holds_pictures_only_near_the_view() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = long_section_opened_inline(dir.path());
    assert_eq!(cards(&app).row_count(), CARDS);

    let top = assert_pictures_follow_the_view(&app, "opened");
    assert!(top.contains(&0), "the list starts at the top: {top:?}");
    let held = rows_with_thumb(&app);
    assert!(
        held.len() <= FIRST_THUMBS,
        "the screen came with at most {FIRST_THUMBS} thumbnails: {held:?}"
    );

    // To the end in one flick of the wheel: the last rows show their pictures, the first let
    // theirs go.
    scroll(&app, -1_000_000.0);
    let end = assert_pictures_follow_the_view(&app, "at the end");
    assert!(end.contains(&(CARDS - 1)), "scrolled to the end: {end:?}");
    assert!(
        !rows_with_thumb(&app).contains(&0),
        "the first row let go of its picture"
    );

    // Back to the top: the first rows show theirs again, the last let go.
    scroll(&app, 1_000_000.0);
    let back = assert_pictures_follow_the_view(&app, "back at the top");
    assert!(back.contains(&0), "{back:?}");
    assert!(!rows_with_thumb(&app).contains(&(CARDS - 1)));

    // Down the whole list half a screen at a time, as a reader would: the rows in view
    // always show their pictures and the pictures held stay bounded.
    let mut most = 0;
    for step in 0.. {
        scroll(&app, -900.0);
        let view = assert_pictures_follow_the_view(&app, &format!("step {step}"));
        most = most.max(rows_with_thumb(&app).len());
        if view.contains(&(CARDS - 1)) {
            break;
        }
        assert!(step < CARDS, "the list never reached its end");
    }
    assert!(
        most <= 2 * 16 + 10,
        "at most {most} pictures held while reading the whole list"
    );
}

#[test]
fn the_worker_thread_brings_the_pictures_of_rows_scrolled_into_view() {
    let dir = tempfile::tempdir().expect("tempdir");
    cache_with_long_section(dir.path());
    i_slint_backend_testing::init_no_event_loop();
    let loc = Arc::new(Localizer::new().expect("locales"));
    let source = ContentSource::spawn(dir.path().to_path_buf(), loc.clone()).expect("worker");
    let app = kiosk(source, loc);
    let until = |what: &str, done: &dyn Fn() -> bool| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !done() {
            assert!(std::time::Instant::now() < deadline, "{what} never arrived");
            std::thread::sleep(std::time::Duration::from_millis(10));
            settle(&app);
        }
    };
    app.navigate(Screen::Section(SECTION.into()));
    until("the section", &|| cards(&app).row_count() == CARDS);
    until("the first pictures", &|| {
        rows_in_view(&app).is_subset(&rows_with_thumb(&app))
    });

    scroll(&app, -1_000_000.0);
    until("the last rows' pictures", &|| {
        let view = rows_in_view(&app);
        view.contains(&(CARDS - 1)) && view.is_subset(&rows_with_thumb(&app))
    });
    assert_pictures_follow_the_view(&app, "at the end");
}

/// Many cheap touch panels report a finger as a mouse: a mouse drag must move the list too
/// (the style's `ListView` pans only for touch unless told otherwise), and the rows that come
/// into view bring their pictures.
#[test]
fn a_mouse_drag_scrolls_the_section_list_like_a_finger() {
    use slint::platform::PointerEventButton;
    let dir = tempfile::tempdir().expect("tempdir");
    let app = long_section_opened_inline(dir.path());
    let top = rows_in_view(&app);
    assert!(top.contains(&0), "the list starts at the top: {top:?}");

    let window = app.window().window();
    let x = 540.0;
    window.dispatch_event(WindowEvent::PointerMoved {
        position: LogicalPosition::new(x, 1500.0),
    });
    window.dispatch_event(WindowEvent::PointerPressed {
        position: LogicalPosition::new(x, 1500.0),
        button: PointerEventButton::Left,
    });
    for step in 1..=20 {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(16));
        window.dispatch_event(WindowEvent::PointerMoved {
            position: LogicalPosition::new(x, 1500.0 - 50.0 * step as f32),
        });
        settle(&app);
    }
    window.dispatch_event(WindowEvent::PointerReleased {
        position: LogicalPosition::new(x, 500.0),
        button: PointerEventButton::Left,
    });
    for _ in 0..100 {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(16));
        settle(&app);
    }

    let moved = assert_pictures_follow_the_view(&app, "after a mouse drag");
    assert!(
        !moved.contains(&0) && moved.first().is_some_and(|first| *first > top.len() / 2),
        "a drag of 1,000 px moved the list: before {top:?}, after {moved:?}"
    );
}
