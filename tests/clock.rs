//! Screens follow the clock: the real UI (`i-slint-backend-testing`) on a real cache, a mock
//! clock the test moves, and Slint's own timers on mocked time. Nothing polls: the screen is
//! read again only when the single-shot timer for its next change fires. And a kiosk whose
//! clock is wrong takes the district server's time (the real server on 127.0.0.1).

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::bundle::Bundle;
use protocol::content::{Event, Recurrence};
use protocol::text::{Lang, Text};
use slint::{ComponentHandle, Model};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").expect("test time")
}

fn event(id: &str, title: &str, start: &str, end: &str, weekly: bool) -> Event {
    Event {
        id: id.into(),
        station: "haizhiyun".into(),
        room: "haizhiyun-reading".into(),
        title: Text::new(format!("{title}（中）"), title),
        description: Text::new("说明", "About it"),
        start: at(start),
        end: at(end),
        capacity: Some(20),
        signup_open: false,
        recurrence: weekly.then_some(Recurrence {
            weekly: true,
            until: None,
        }),
        scope: None,
        link: None,
    }
}

/// The demo content with three events at 海之云 instead of the demo's weeks: an art salon on
/// Tuesday 24 Nov 2026 until 20:00, a lunchtime class every Tuesday 12:10–13:00, and a talk on
/// Wednesday morning.
fn bundle() -> Bundle {
    let mut bundle = support::demo();
    let room = bundle
        .content
        .rooms
        .iter()
        .find(|r| r.station == "haizhiyun")
        .expect("a room at 海之云")
        .id
        .clone();
    let mut events = vec![
        event(
            "salon",
            "Art salon",
            "2026-11-24T18:30:00",
            "2026-11-24T20:00:00",
            false,
        ),
        event(
            "crafts",
            "Lunchtime crafts",
            "2026-11-17T12:10:00",
            "2026-11-17T13:00:00",
            true,
        ),
        event(
            "talk",
            "Morning talk",
            "2026-11-25T09:00:00",
            "2026-11-25T10:00:00",
            false,
        ),
    ];
    for e in &mut events {
        e.room = room.clone();
    }
    bundle.content.events = events;
    bundle
}

/// A kiosk on `bundle`'s content, in English, at local time `start` of a mock clock; returns
/// the app and the clock the test moves.
fn kiosk(dir: &Path, start: &str) -> (App, Clock) {
    i_slint_backend_testing::init_no_event_loop();
    let (mut store, _) = ContentStore::open_or_rebuild(dir).expect("cache");
    store.import_bundle(&bundle(), "import").expect("import");
    drop(store);
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir, loc.clone()).expect("worker");
    let clock = Clock::fixed(DEFAULT_TZ, at(start));
    let app = App::new(ContentSource::inline(worker), loc, clock.clone(), Lang::En).expect("app");
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(1080.0, 1920.0));
    (app, clock)
}

/// Time passes: the mock clock and Slint's timers move together by `by`.
fn pass(clock: &Clock, by: Duration) {
    clock.advance(by);
    i_slint_backend_testing::mock_elapsed_time(by.to_std().expect("positive"));
}

fn home_titles(app: &App) -> Vec<String> {
    app.window()
        .global::<ui::HomeAdapter>()
        .get_today()
        .iter()
        .map(|r| r.title.to_string())
        .collect()
}

#[test]
fn home_turns_to_the_new_day_at_midnight() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, clock) = kiosk(dir.path(), "2026-11-24T23:59:58");
    let home = app.window().global::<ui::HomeAdapter>();
    // Nothing left on Tuesday: what comes next, with its day.
    assert_eq!(home.get_today_title(), "Coming up");
    let first = home.get_today().row_data(0).expect("a coming event");
    assert_eq!(first.title, "Morning talk");
    assert!(first.dated, "another day's event shows its day");
    assert_eq!(first.day, "Wed 25 Nov");
    assert_eq!(app.next_refresh(), Some(at("2026-11-25T00:00:00")));

    pass(&clock, Duration::seconds(1));
    assert_eq!(
        home.get_today_title(),
        "Coming up",
        "23:59:59 is still Tuesday"
    );

    pass(&clock, Duration::seconds(1));
    assert_eq!(home.get_today_title(), "Today");
    assert_eq!(home.get_today_label(), "Wed 25 Nov");
    assert_eq!(home_titles(&app), ["Morning talk"]);
    let row = home.get_today().row_data(0).expect("today's event");
    assert!(!row.dated, "today's events show only their time");
    assert_eq!(row.time, "09:00–10:00");
    assert_eq!(
        app.next_refresh(),
        Some(at("2026-11-25T09:00:00")),
        "next: the talk starts"
    );
}

#[test]
fn an_event_that_ended_leaves_today_at_its_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, clock) = kiosk(dir.path(), "2026-11-24T19:59:00");
    let home = app.window().global::<ui::HomeAdapter>();
    assert_eq!(home.get_today_title(), "Today");
    assert_eq!(home_titles(&app), ["Art salon"]);
    assert_eq!(app.next_refresh(), Some(at("2026-11-24T20:00:00")));

    pass(&clock, Duration::seconds(59));
    assert_eq!(home_titles(&app), ["Art salon"], "19:59:59: still on");

    pass(&clock, Duration::seconds(2));
    assert_eq!(app.now().naive_local(), at("2026-11-24T20:00:01"));
    assert_eq!(home.get_today_title(), "Coming up");
    assert!(!home_titles(&app).contains(&"Art salon".to_string()));
    assert_eq!(home_titles(&app)[0], "Morning talk");
}

#[test]
fn a_weekly_events_next_occurrence_appears_when_the_week_moves_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, clock) = kiosk(dir.path(), "2026-11-24T12:30:00");
    app.navigate(Screen::Station(Some("haizhiyun".into())));
    let station = app.window().global::<ui::StationAdapter>();
    let upcoming = || -> Vec<(String, String, String)> {
        station
            .get_upcoming()
            .iter()
            .map(|r| {
                let day = if r.dated {
                    r.day.to_string()
                } else {
                    String::new()
                };
                (r.title.to_string(), day, r.time.to_string())
            })
            .collect()
    };
    let row = |t: &str, d: &str, h: &str| (t.to_string(), d.to_string(), h.to_string());
    assert_eq!(
        upcoming(),
        [
            row("Lunchtime crafts", "", "12:10–13:00"),
            row("Art salon", "", "18:30–20:00"),
            row("Morning talk", "Wed 25 Nov", "09:00–10:00"),
        ]
    );

    // The class ends at 13:00; next Tuesday's is outside this week.
    pass(&clock, Duration::minutes(30) + Duration::seconds(1));
    assert_eq!(upcoming()[0].0, "Art salon");
    assert_eq!(upcoming().len(), 2);

    // Midnight: the week now reaches next Tuesday, and its class appears with its day.
    let to_midnight = at("2026-11-25T00:00:00") - app.now().naive_local();
    pass(&clock, to_midnight);
    assert_eq!(
        upcoming(),
        [
            row("Morning talk", "", "09:00–10:00"),
            row("Lunchtime crafts", "Tue 1 Dec", "12:10–13:00"),
        ]
    );
    assert_eq!(app.current(), Screen::Station(Some("haizhiyun".into())));
}

#[test]
fn an_article_expiring_leaves_its_section_at_that_instant() {
    let dir = tempfile::tempdir().expect("tempdir");
    i_slint_backend_testing::init_no_event_loop();
    let mut bundle = bundle();
    let article = bundle
        .content
        .articles
        .iter_mut()
        .find(|a| a.section == "folk-culture")
        .expect("an article of the section");
    let id = article.id.clone();
    article.expire_at = Some("2026-11-24T10:30:00+08:00".parse().expect("instant"));
    let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("cache");
    store.import_bundle(&bundle, "import").expect("import");
    drop(store);
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir.path(), loc.clone()).expect("worker");
    let clock = Clock::fixed(DEFAULT_TZ, at("2026-11-24T10:00:00"));
    let app = App::new(ContentSource::inline(worker), loc, clock.clone(), Lang::En).expect("app");
    app.navigate(Screen::Section("folk-culture".into()));
    let cards = || -> Vec<String> {
        app.window()
            .global::<ui::SectionAdapter>()
            .get_cards()
            .iter()
            .map(|c| c.id.to_string())
            .collect()
    };
    assert!(cards().contains(&id));
    assert_eq!(app.next_refresh(), Some(at("2026-11-24T10:30:00")));
    pass(&clock, Duration::minutes(30));
    assert!(!cards().contains(&id), "expired at 10:30");
}

/// The ids of the section page's cards.
fn section_cards(app: &App) -> Vec<String> {
    app.window()
        .global::<ui::SectionAdapter>()
        .get_cards()
        .iter()
        .map(|c| c.id.to_string())
        .collect()
}

#[test]
fn publish_and_expire_follow_the_servers_time_on_a_kiosk_whose_clock_is_wrong() {
    // Behind by 3 h: an article the server published an hour ago must show, one that expired an
    // hour ago must not, although the kiosk's own clock says the opposite. Ahead by 3 h: an
    // article the server publishes in an hour must not show yet, one expiring in an hour must.
    i_slint_backend_testing::init_no_event_loop();
    for error_hours in [-3, 3] {
        let dir = tempfile::tempdir().expect("tempdir");
        let now = chrono::Utc::now().fixed_offset();
        let hour = Duration::hours(1);
        let mut bundle = bundle();
        let mut articles = bundle
            .content
            .articles
            .iter_mut()
            .filter(|a| a.section == "folk-culture");
        let publishing = articles.next().expect("an article of the section");
        let expiring = articles.next().expect("a second article of the section");
        let (publishing, expiring) = (publishing.id.clone(), expiring.id.clone());
        let behind = error_hours < 0;
        for a in &mut bundle.content.articles {
            if a.id == publishing {
                a.publish_at = Some(if behind { now - hour } else { now + hour });
            } else if a.id == expiring {
                a.expire_at = Some(if behind { now - hour } else { now + hour });
            }
        }
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("cache");
        store.import_bundle(&bundle, "import").expect("import");
        drop(store);
        let loc = Arc::new(Localizer::new().expect("locales"));
        let worker = Worker::open(dir.path(), loc.clone()).expect("worker");
        let error = Duration::hours(error_hours);
        let clock = Clock::skewed(DEFAULT_TZ, error);
        let app = App::new(ContentSource::inline(worker), loc, clock, Lang::En).expect("app");
        app.navigate(Screen::Section("folk-culture".into()));

        // By the kiosk's own clock.
        let cards = section_cards(&app);
        assert_eq!(
            (cards.contains(&publishing), cards.contains(&expiring)),
            (!behind, behind),
            "{error_hours} h, own clock: {cards:?}"
        );

        // The sync measured the skew (server minus kiosk): the screen follows the server.
        app.handle().clock_skew(-error);
        app.process_events();
        let cards = section_cards(&app);
        assert_eq!(
            (cards.contains(&publishing), cards.contains(&expiring)),
            (behind, !behind),
            "{error_hours} h, server's time: {cards:?}"
        );
        // The article page too: the one not live in the server's time is not shown.
        let gone = if behind { &expiring } else { &publishing };
        app.navigate(Screen::Article(gone.clone()));
        assert_ne!(
            app.current(),
            Screen::Article(gone.clone()),
            "{error_hours} h"
        );
    }
}

/// The date the district server's clock shows now, in the district's zone (either side of a
/// midnight that falls inside the test).
fn server_dates() -> [NaiveDate; 2] {
    let now = chrono::Utc::now().with_timezone(&DEFAULT_TZ);
    [now.date_naive(), (now + Duration::minutes(5)).date_naive()]
}

#[test]
fn a_kiosk_with_a_wrong_clock_shows_the_servers_date_and_reports_the_skew() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = support::Server::start();
    server.push(&support::demo());
    let token = server.kiosk("lobby-skewed");

    // The kiosk's clock reads yesterday, 22:00 or so: more than 2 h behind the server, and
    // always another date.
    let server_now = chrono::Utc::now().with_timezone(&DEFAULT_TZ);
    let since_midnight =
        server_now.naive_local() - server_now.date_naive().and_time(chrono::NaiveTime::MIN);
    let error = -(since_midnight + Duration::hours(2));
    let clock = Clock::skewed(DEFAULT_TZ, error);
    let kiosk_date = clock.now().date_naive();
    assert!(
        !server_dates().contains(&kiosk_date),
        "the kiosk's own date is another day"
    );

    i_slint_backend_testing::init_no_event_loop();
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir.path(), loc.clone()).expect("worker");
    let app = App::new(
        ContentSource::inline(worker),
        loc.clone(),
        clock.clone(),
        Lang::En,
    )
    .expect("app");
    let status = app.window().global::<ui::Status>();
    assert_eq!(status.get_date(), loc.day(Lang::En, kiosk_date));

    // The running kiosk's sync thread: it heartbeats, measures, stores and tells the UI.
    let settings = lobby_kiosk::sync::Settings {
        clock: clock.clone(),
        ..support::Server::settings(&server.base, &token)
    };
    let sync = lobby_kiosk::sync::schedule::spawn(dir.path().to_path_buf(), settings, app.handle())
        .expect("sync thread");
    let deadline = std::time::Instant::now() + StdDuration::from_secs(60);
    let shows_server_date = || {
        server_dates()
            .iter()
            .any(|d| status.get_date() == loc.day(Lang::En, *d))
    };
    while !shows_server_date() {
        assert!(
            std::time::Instant::now() < deadline,
            "still shows {} after 60 s",
            status.get_date()
        );
        std::thread::sleep(StdDuration::from_millis(20));
        app.process_events();
    }
    sync.stop();

    // "Today" is the server's day on the screens too, and the clock shows the server's time.
    app.navigate(Screen::schedule());
    let label = app
        .window()
        .global::<ui::ScheduleAdapter>()
        .get_range_label();
    assert!(
        server_dates()
            .iter()
            .any(|d| label == loc.day(Lang::En, *d)),
        "schedule of {label}"
    );
    let shown = app.now().with_timezone(&chrono::Utc);
    assert!((shown - chrono::Utc::now()).abs() < Duration::seconds(60));

    // The skew is stored and `kiosk status` says it.
    let store = ContentStore::open(dir.path()).expect("cache");
    let skew: i64 = store
        .meta("clock_skew_seconds")
        .expect("meta")
        .expect("skew stored")
        .parse()
        .expect("seconds");
    assert!(
        (skew + error.num_seconds()).abs() <= 5,
        "measured {skew} s for {error}"
    );
    drop(store);
    let config = support::kiosk_config(dir.path(), &server.base, &token, "");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path())
        .arg("status")
        .output()
        .expect("kiosk status runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("clock"))
        .unwrap_or_else(|| panic!("no clock line in:\n{text}"));
    assert!(line.contains("behind the server"), "{line}");
}
