//! Urgent notices on the kiosk: the real UI (`i-slint-backend-testing`) on a real cache with a
//! mock clock and Slint's timers on mocked time: a notice appears at its start and goes at its
//! end by itself (one single-shot timer, no sync, no polling), several stack newest first, and
//! they show over the slideshow too. End to end: notices posted to the real district server on
//! 127.0.0.1 reach a kiosk with one sync, only those for its station or the whole district.

mod support;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, Utc};
use i_slint_backend_testing::ElementHandle;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::store::content::Op;
use lobby_kiosk::sync::Syncer;
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::content::{Notice, Record};
use protocol::text::{Lang, Text};
use serde_json::json;
use slint::{ComponentHandle, Model};
use support::Server;

fn instant(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("instant")
}

fn notice(id: &str, title: &str, posted: &str, start: &str, end: &str) -> Notice {
    Notice {
        id: id.into(),
        title: Text::new(format!("{title}（中）"), title),
        text: Text::new(
            "今晚各驿站提前关闭，请注意安全。",
            "All stations close early tonight. Stay safe.",
        ),
        starts_at: instant(start),
        ends_at: instant(end),
        posted_at: instant(posted),
        scope: None,
    }
}

fn kiosk(dir: &Path, clock: Clock, lang: Lang) -> App {
    i_slint_backend_testing::init_no_event_loop();
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir, loc.clone()).expect("worker");
    let app = App::new(ContentSource::inline(worker), loc, clock, lang).expect("app");
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(1080.0, 1920.0));
    app
}

fn pass(clock: &Clock, by: Duration) {
    clock.advance(by);
    i_slint_backend_testing::mock_elapsed_time(by.to_std().expect("positive"));
}

/// The titles the banner shows, top to bottom.
fn banner(app: &App) -> Vec<String> {
    app.window()
        .global::<ui::Notices>()
        .get_items()
        .iter()
        .map(|n| n.title.to_string())
        .collect()
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").expect("local time")
}

#[test]
fn notices_appear_at_their_start_and_go_at_their_end_by_themselves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("cache");
    store.import_bundle(&support::demo(), "demo").expect("demo");
    // What a sync page brings: a typhoon warning posted at 09:00 for 10:30–11:00, and a
    // closed station posted later (09:30) for 10:00–12:00.
    store
        .apply_synced(
            &[
                Op::Put(Record::Notice(notice(
                    "typhoon",
                    "Typhoon warning",
                    "2026-11-24T09:00:00+08:00",
                    "2026-11-24T10:30:00+08:00",
                    "2026-11-24T11:00:00+08:00",
                ))),
                Op::Put(Record::Notice(notice(
                    "closed",
                    "Station closed",
                    "2026-11-24T09:30:00+08:00",
                    "2026-11-24T10:00:00+08:00",
                    "2026-11-24T12:00:00+08:00",
                ))),
            ],
            1,
            &[],
        )
        .expect("applies");
    drop(store);

    let clock = Clock::fixed(DEFAULT_TZ, local("2026-11-24T09:59:00"));
    let app = kiosk(dir.path(), clock.clone(), Lang::En);
    assert!(banner(&app).is_empty(), "nothing before its start");
    assert_eq!(app.next_refresh(), Some(local("2026-11-24T10:00:00")));

    pass(&clock, Duration::seconds(61));
    assert_eq!(banner(&app), ["Station closed"]);
    assert_eq!(app.next_refresh(), Some(local("2026-11-24T10:30:00")));

    pass(&clock, Duration::minutes(30));
    assert_eq!(
        banner(&app),
        ["Station closed", "Typhoon warning"],
        "stacked, the newest posted first"
    );
    // Over the slideshow too, and in the visitor's language.
    app.navigate(Screen::Attract);
    assert_eq!(banner(&app), ["Station closed", "Typhoon warning"]);
    let on_slideshow = ElementHandle::find_by_accessible_label(
        app.window(),
        "Typhoon warning All stations close early tonight. Stay safe.",
    )
    .next()
    .expect("the banner is drawn over the slideshow");
    assert_eq!(app.current(), Screen::Attract);
    on_slideshow.mock_single_click(slint::platform::PointerEventButton::Left);
    assert_ne!(
        app.current(),
        Screen::Attract,
        "a tap on the banner wakes the kiosk"
    );
    app.set_lang(Lang::Zh);
    assert_eq!(
        banner(&app),
        ["Station closed（中）", "Typhoon warning（中）"]
    );

    pass(&clock, Duration::minutes(30));
    assert_eq!(banner(&app), ["Station closed（中）"], "gone at its end");
    pass(&clock, Duration::hours(1));
    assert!(banner(&app).is_empty());
}

#[test]
fn a_posted_notice_reaches_its_stations_kiosk_with_one_sync() {
    let server = Server::start();
    server.push(&support::demo());
    let token = server.kiosk("lobby-1");
    let now = Utc::now().fixed_offset();
    let post = |title: &str, station: Option<&str>| {
        let mut body = json!({
            "id": district_server::notices::new_id(),
            "title": { "zh": format!("{title}（中）"), "en": title },
            "text": { "zh": "请注意安全。", "en": "Stay safe." },
            "ends_at": (now + Duration::hours(2)).to_rfc3339(),
        });
        if let Some(s) = station {
            body["station"] = json!(s);
        }
        let client = reqwest::Client::new();
        let url = format!("{}/v1/staff/notices", server.base);
        let staff = server.staff.clone();
        let status = server.rt.block_on(async move {
            client
                .post(url)
                .bearer_auth(staff)
                .json(&body)
                .send()
                .await
                .expect("posts")
                .status()
        });
        assert_eq!(status, 201, "{title}");
    };
    post("Typhoon warning", None);
    post("Lift out of order", Some(support::STATION));
    post("Another station closed", Some("vanke"));

    let dir = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut syncer =
        Syncer::open(dir.path(), Server::settings(&server.base, &token)).expect("opens");
    rt.block_on(syncer.cycle()).expect("one sync");
    drop(syncer);

    // A minute on: each notice started when the server received it, after `now`.
    let local_now = (now + Duration::minutes(1))
        .with_timezone(&DEFAULT_TZ)
        .naive_local();
    let app = kiosk(dir.path(), Clock::fixed(DEFAULT_TZ, local_now), Lang::En);
    assert_eq!(banner(&app), ["Lift out of order", "Typhoon warning"]);
}
