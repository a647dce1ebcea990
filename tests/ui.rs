//! The real Slint UI driven through `i-slint-backend-testing`: taps on elements found by their
//! accessible labels, as a visitor would tap them.

mod demo_kiosk;

use std::sync::Arc;

use chrono::NaiveDateTime;
use i_slint_backend_testing::ElementHandle;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::text::Lang;
use slint::{ComponentHandle, Model};

/// A kiosk on a fresh cache (demo content) on Tuesday 24 Nov 2026 at 10:00, portrait size.
fn kiosk(dir: &std::path::Path) -> App {
    kiosk_at(dir, "2026-11-24T10:00")
}

fn kiosk_at(dir: &std::path::Path, local_time: &str) -> App {
    i_slint_backend_testing::init_no_event_loop();
    demo_kiosk::demo_app_at(dir, Lang::Zh, local_time)
}

fn tap(app: &App, label: &str) {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(app.window(), label).collect();
    let element = found
        .iter()
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
        .or(found.first())
        .unwrap_or_else(|| panic!("no element labelled {label:?} on {:?}", app.current()));
    element.invoke_accessible_default_action();
}

fn visible(app: &App, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app.window(), label)
        .next()
        .is_some()
}

#[test]
fn section_article_back_home() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path());
    let w = app.window();
    assert_eq!(app.current(), Screen::Home);
    assert_eq!(w.global::<ui::HomeAdapter>().get_tiles().row_count(), 8);
    assert!(!w.global::<ui::Nav>().get_can_go_back());

    tap(&app, "民俗文化");
    assert_eq!(app.current(), Screen::Section("folk-culture".into()));
    assert_eq!(w.global::<ui::Nav>().get_screen(), ui::Screen::Section);
    assert_eq!(w.global::<ui::SectionAdapter>().get_title(), "民俗文化");
    let cards = w.global::<ui::SectionAdapter>().get_cards();
    assert!(cards.row_count() >= 3);
    let first = cards.row_data(0).expect("a card");
    assert!(first.has_thumb, "thumbnail decoded and set");

    tap(&app, first.title.as_str());
    assert_eq!(app.current(), Screen::Article(first.id.to_string()));
    let article = w.global::<ui::ArticleAdapter>();
    assert_eq!(article.get_title(), first.title);
    assert!(article.get_paragraphs().row_count() >= 2);
    assert!(visible(&app, first.title.as_str()));

    tap(&app, "返回");
    assert_eq!(app.current(), Screen::Section("folk-culture".into()));
    tap(&app, "首页");
    assert_eq!(app.current(), Screen::Home);
    assert!(!w.global::<ui::Nav>().get_can_go_back());
}

#[test]
fn language_switches_on_any_screen_without_losing_the_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path());
    let w = app.window();
    assert!(visible(&app, "美丽中山"));

    tap(&app, "English");
    assert_eq!(app.lang(), Lang::En);
    assert_eq!(w.global::<ui::Strings>().get_lang(), "en");
    assert!(visible(&app, "Beautiful Zhongshan"));
    assert!(!visible(&app, "美丽中山"));
    assert!(visible(&app, "Home"), "UI strings follow too");

    tap(&app, "Somerset Harbour");
    let place = app.current();
    tap(&app, "中文");
    assert_eq!(app.lang(), Lang::Zh);
    assert_eq!(app.current(), place, "still on the same section");
    assert_eq!(w.global::<ui::SectionAdapter>().get_title(), "盛捷港湾");
}

#[test]
fn schedule_filters_by_range_and_station_and_shows_details() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path());
    let w = app.window();
    tap(&app, "活动日程");
    assert!(matches!(app.current(), Screen::Schedule { .. }));
    let adapter = w.global::<ui::ScheduleAdapter>();
    let today = adapter.get_rows().row_count();
    assert!(today > 0, "events today");
    assert!((0..today).all(|i| !adapter.get_rows().row_data(i).expect("row").is_header));

    tap(&app, "本周");
    let week: Vec<ui::EventRow> = adapter.get_rows().iter().collect();
    assert!(week.iter().filter(|r| !r.is_header).count() > today);
    assert!(
        week.iter().filter(|r| r.is_header).count() == 7,
        "a heading per day"
    );

    let chips: Vec<ui::ChipItem> = adapter.get_stations().iter().collect();
    let haizhiyun = chips
        .iter()
        .find(|c| c.label.contains("海之云"))
        .expect("海之云 filter");
    tap(&app, haizhiyun.label.as_str());
    let filtered: Vec<ui::EventRow> = adapter.get_rows().iter().filter(|r| !r.is_header).collect();
    assert!(!filtered.is_empty());
    assert!(filtered.len() < week.iter().filter(|r| !r.is_header).count());
    assert!(filtered.iter().all(|r| r.place.contains("海之云")));
    assert!(
        adapter
            .get_stations()
            .iter()
            .any(|c| c.selected && c.id == haizhiyun.id)
    );

    // Details of one event: room, time, capacity.
    let event = filtered[0].clone();
    tap(&app, event.title.as_str());
    assert!(adapter.get_detail_open());
    let detail = adapter.get_detail();
    assert_eq!(detail.title, event.title);
    assert!(!detail.room.is_empty());
    assert!(detail.when.contains(event.time.as_str()));
    assert!(!detail.seats.is_empty());
    // Back closes the details first, then leaves the schedule.
    tap(&app, "返回");
    assert!(!adapter.get_detail_open());
    assert!(matches!(app.current(), Screen::Schedule { .. }));
    tap(&app, "返回");
    assert_eq!(app.current(), Screen::Home);
}

#[test]
fn station_screen_lists_rooms_and_switches_station() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path());
    let w = app.window();
    tap(&app, "红垒驿站");
    // The nav button and the section tile share the label; either leads to stations.
    let station = w.global::<ui::StationAdapter>();
    if !matches!(app.current(), Screen::Station(_)) {
        app.navigate(Screen::Station(None));
    }
    let chips: Vec<ui::ChipItem> = station.get_stations().iter().collect();
    assert_eq!(chips.len(), 5);
    let haizhiyun = chips
        .iter()
        .find(|c| c.label.contains("海之云"))
        .expect("chip");
    tap(&app, haizhiyun.label.as_str());
    assert_eq!(
        app.current(),
        Screen::Station(Some(haizhiyun.id.to_string()))
    );
    assert!(station.get_floor().contains("23"));
    assert!(station.get_rooms().row_count() >= 3);
    assert!(!station.get_hours().is_empty());
    assert!(!station.get_address().is_empty());
}

#[test]
fn home_shows_what_comes_next_when_today_is_empty_and_it_opens() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Sunday before the demo's first week: nothing on today.
    let app = kiosk_at(dir.path(), "2026-11-22T10:00");
    let w = app.window();
    let home = w.global::<ui::HomeAdapter>();
    assert_eq!(home.get_today_title(), "近期活动");
    let rows: Vec<ui::EventRow> = home.get_today().iter().collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].dated, "another day's event shows its day");
    assert!(rows[0].day.contains("周一"), "{}", rows[0].day);

    tap(&app, rows[0].title.as_str());
    let schedule = w.global::<ui::ScheduleAdapter>();
    assert!(
        schedule.get_detail_open(),
        "the tapped event's details are open"
    );
    assert_eq!(schedule.get_detail().title, rows[0].title);
    assert_eq!(
        schedule.get_range(),
        1,
        "opened on the week, where the event is"
    );
}

#[test]
fn signals_from_other_threads_arrive_through_the_channel_and_keep_the_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path());
    let w = app.window();
    tap(&app, "民俗文化");
    let place = app.current();
    let status = w.global::<ui::Status>();
    assert!(!status.get_online());

    // What a sync does: new content in the cache, from another connection.
    let mut bundle = lobby_kiosk::demo::bundle().expect("demo bundle");
    let section = bundle
        .content
        .sections
        .iter_mut()
        .find(|s| s.id == "folk-culture")
        .expect("section");
    section.title.zh = "民俗文化·新".into();
    let (mut store, _) =
        lobby_kiosk::store::ContentStore::open_or_rebuild(dir.path()).expect("cache");
    store.import_bundle(&bundle, "server").expect("import");
    // 09:55 in Dalian, five minutes before the kiosk's clock.
    let at: chrono::DateTime<chrono::Utc> = "2026-11-24T01:55:00Z".parse().expect("instant");
    store.set_meta("last_sync", &at.to_rfc3339()).expect("meta");

    let handle = app.handle();
    std::thread::spawn(move || {
        handle.set_online(true);
        handle.synced(at);
        handle.content_changed();
    })
    .join()
    .expect("sender thread");
    // Nothing happens on the UI until the UI thread reads its channel.
    assert!(!status.get_online());
    assert_eq!(w.global::<ui::SectionAdapter>().get_title(), "民俗文化");

    app.process_events();
    assert!(status.get_online());
    assert_eq!(status.get_freshness(), "5 分钟前更新");
    assert_eq!(w.global::<ui::SectionAdapter>().get_title(), "民俗文化·新");
    assert_eq!(app.current(), place, "still where the visitor was");
}

#[test]
fn a_stale_answer_is_dropped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path());
    let w = app.window();
    // An answer to a request the app has long moved past: another section's view.
    let loc = Arc::new(Localizer::new().expect("locales"));
    let mut worker = Worker::open(dir.path(), loc).expect("cache");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let request = lobby_kiosk::worker::Request {
        screen: Screen::Section("folk-culture".into()),
        lang: Lang::Zh,
        now: Clock::fixed(DEFAULT_TZ, at).now(),
    };
    let mut answers = Vec::new();
    worker.handle(&request, &mut |d| answers.push(d));
    assert!(answers.len() >= 2, "a view and its pictures");
    let handle = app.handle();
    for delivery in answers {
        assert!(handle.send(lobby_kiosk::app::UiEvent::Content {
            request: 0,
            delivery,
        }));
    }
    app.process_events();
    assert_eq!(app.current(), Screen::Home);
    assert_eq!(w.global::<ui::Nav>().get_screen(), ui::Screen::Home);
    assert_eq!(w.global::<ui::SectionAdapter>().get_cards().row_count(), 0);
}

#[test]
fn a_worker_thread_answers_through_the_channel() {
    let dir = tempfile::tempdir().expect("tempdir");
    i_slint_backend_testing::init_no_event_loop();
    let loc = Arc::new(Localizer::new().expect("locales"));
    let source = ContentSource::spawn(dir.path().to_path_buf(), loc.clone()).expect("worker");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(source, loc, Clock::fixed(DEFAULT_TZ, at), Lang::En).expect("window");
    let w = app.window();
    let until = |what: &str, done: &dyn Fn() -> bool| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !done() {
            assert!(std::time::Instant::now() < deadline, "{what} never arrived");
            std::thread::sleep(std::time::Duration::from_millis(10));
            app.process_events();
        }
    };
    until("home", &|| {
        w.global::<ui::HomeAdapter>().get_tiles().row_count() == 8
    });

    app.navigate(Screen::Section("folk-culture".into()));
    // Nothing is applied before the UI thread handles the worker's answers.
    assert!(!app.screen_applied() && !app.pictures_delivered());
    let section = w.global::<ui::SectionAdapter>();
    until("the section", &|| app.screen_applied());
    assert_eq!(w.global::<ui::Nav>().get_screen(), ui::Screen::Section);
    assert_eq!(section.get_title(), "Folk Culture");
    until("the thumbnails", &|| app.pictures_delivered());
    assert!(
        section.get_cards().iter().all(|c| c.has_thumb),
        "every picture the section came with is on its card once the worker is done"
    );
}

#[test]
fn an_event_on_a_station_opens_that_stations_week() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path());
    let w = app.window();
    app.navigate(Screen::Station(None));
    let station = w.global::<ui::StationAdapter>();
    let shown = station
        .get_stations()
        .iter()
        .find(|c| c.selected)
        .expect("a station is selected");
    let event = station
        .get_upcoming()
        .row_data(0)
        .expect("an upcoming event");
    // The events are at the bottom of the page: scroll down to them first.
    w.window()
        .dispatch_event(slint::platform::WindowEvent::PointerScrolled {
            position: slint::LogicalPosition::new(540.0, 960.0),
            delta_x: 0.0,
            delta_y: -3000.0,
        });
    tap(&app, event.title.as_str());
    assert_eq!(
        app.current(),
        Screen::Schedule {
            range: lobby_kiosk::view::Range::Week,
            station: Some(shown.id.to_string()),
            open: Some(event.key.to_string()),
        }
    );
    let schedule = w.global::<ui::ScheduleAdapter>();
    assert!(schedule.get_detail_open());
    assert_eq!(schedule.get_detail().title, event.title);
}

/// Home is the bottom of the navigation: the pages below it cannot be gone back to, so their
/// models let go of their pictures (a section's thumbnails, an article's pictures and QR code,
/// a station's photo, an event's QR code); opened again, they get them back.
#[test]
fn home_lets_go_of_the_pictures_of_the_pages_below_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path());
    let w = app.window();
    let section = w.global::<ui::SectionAdapter>();
    let article = w.global::<ui::ArticleAdapter>();
    let station = w.global::<ui::StationAdapter>();
    let schedule = w.global::<ui::ScheduleAdapter>();
    let thumbs = || {
        let cards = section.get_cards();
        cards
            .as_any()
            .downcast_ref::<lobby_kiosk::app::SectionCards>()
            .expect("the section's own model")
            .rows_with_thumb()
    };
    let pictures = || {
        article
            .get_pictures()
            .iter()
            .filter(|p| p.image.size().width > 0)
            .count()
    };

    tap(&app, "民俗文化");
    assert!(!thumbs().is_empty(), "the cards show thumbnails");
    let card = section
        .get_cards()
        .iter()
        .find(|c| c.has_thumb)
        .expect("a card with a picture");
    tap(&app, card.title.as_str());
    assert!(pictures() > 0, "the article shows its pictures");
    app.navigate(Screen::Station(None));
    assert!(station.get_has_picture(), "the station shows its photo");
    app.navigate(Screen::schedule());
    let event = schedule
        .get_rows()
        .iter()
        .find(|r| !r.is_header)
        .expect("an event this week");
    tap(&app, event.title.as_str());
    assert!(schedule.get_detail_open());
    assert!(schedule.get_has_qr(), "the event's QR code");

    tap(&app, "首页");
    assert_eq!(app.current(), Screen::Home);
    assert_eq!(thumbs(), Vec::<usize>::new(), "thumbnails let go of");
    assert_eq!(pictures(), 0, "the article's pictures let go of");
    assert!(!article.get_has_qr() && article.get_qr().size().width == 0);
    assert!(!station.get_has_picture() && station.get_picture().size().width == 0);
    assert!(!schedule.get_has_qr() && schedule.get_qr().size().width == 0);
    assert!(!schedule.get_detail_open());

    // The next visitor opens the same section and article: their pictures come back.
    tap(&app, "民俗文化");
    assert!(!thumbs().is_empty());
    tap(&app, card.title.as_str());
    assert!(pictures() > 0);
}
