//! The content cache on real SQLite files: demo import, the screens' queries, integrity checks
//! and atomic, idempotent applies.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use lobby_kiosk::store::{ContentStore, Op, Opened};
use lobby_kiosk::{demo, worker};
use protocol::content::{Content, Kind, Record};

fn at(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").expect("test time");
    chrono::FixedOffset::east_opt(8 * 3600)
        .expect("offset")
        .from_local_datetime(&local)
        .single()
        .expect("unambiguous")
}

#[test]
fn first_start_imports_the_demo_bundle_in_full() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = worker::open_seeded(dir.path()).expect("opens and seeds");
    let stats = store.stats().expect("stats");
    let bundle = demo::bundle().expect("demo bundle is valid");
    assert_eq!(stats.sections, 8);
    assert!(stats.articles >= 30, "{stats:?}");
    assert_eq!(stats.stations, 5);
    assert_eq!(stats.images as usize, bundle.blobs.len());
    assert_eq!(stats.source.as_deref(), Some("demo"));
    for sha in bundle.blobs.keys() {
        assert!(store.blobs().contains(sha), "blob {sha} on disk");
    }
    // The cache holds exactly the bundle's records.
    let records = store.all_records().expect("records");
    assert_eq!(Content::checksum_of(&records), bundle.content.checksum());

    // A second start finds it healthy and does not import again.
    drop(store);
    let (store, opened) = ContentStore::open_or_rebuild(dir.path()).expect("reopens");
    assert_eq!(opened, Opened::Healthy);
    assert_eq!(store.stats().expect("stats").generation, stats.generation);
}

#[test]
fn queries_serve_the_screens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = worker::open_seeded(dir.path()).expect("seeded");
    let sections = store.sections().expect("sections");
    let keys: Vec<&str> = sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        keys,
        [
            "beautiful-zhongshan",
            "somerset-harbour",
            "red-fort-stations",
            "red-fort-e-station",
            "partnership",
            "micro-wishes",
            "folk-culture",
            "daily-living"
        ]
    );
    assert_eq!(sections[2].title.zh, "红垒驿站");

    let now = at("2026-11-24T10:00");
    let articles = store.articles_of("folk-culture", now).expect("articles");
    assert!(articles.len() >= 3);
    assert!(articles.windows(2).all(|w| w[0].order <= w[1].order));
    let one = store
        .article(&articles[0].id)
        .expect("query")
        .expect("exists");
    assert_eq!(one, articles[0]);
    assert!(store.article("no-such-article").expect("query").is_none());

    let haizhiyun = store
        .stations()
        .expect("stations")
        .into_iter()
        .find(|s| s.name.zh.contains("海之云"))
        .expect("海之云 is a station");
    assert!(haizhiyun.floor.zh.contains("23"));
    assert!(haizhiyun.building.zh.contains("上方港景大厦"));
    let rooms = store.rooms_of(&haizhiyun.id).expect("rooms");
    assert!(rooms.len() >= 3);

    // Events: a day, a week, one station; sorted; the week holds the day.
    let day = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let today = store.occurrences_on(day, None).expect("day");
    assert!(!today.is_empty());
    assert!(
        today
            .iter()
            .all(|o| o.start.date() == day || o.end.date() == day)
    );
    assert!(today.windows(2).all(|w| w[0].start <= w[1].start));
    let week = store.occurrences_week(day, None).expect("week");
    assert!(week.len() > today.len());
    for o in &today {
        assert!(week.contains(o));
    }
    let here = store
        .occurrences_week(day, Some(&haizhiyun.id))
        .expect("station week");
    assert!(!here.is_empty());
    assert!(here.iter().all(|o| o.event.station == haizhiyun.id));

    // Weekly events keep the schedule alive long after the demo's dated fortnight.
    let later = NaiveDate::from_ymd_opt(2027, 6, 7).expect("date");
    assert!(
        !store
            .occurrences_week(later, None)
            .expect("later")
            .is_empty()
    );
}

#[test]
fn a_damaged_cache_is_set_aside_and_rebuilt() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(worker::open_seeded(dir.path()).expect("seeded"));
    let db = dir.path().join("content.db");
    // Scribble over the middle of the file, past the header.
    let mut bytes = std::fs::read(&db).expect("read db");
    let len = bytes.len();
    for b in &mut bytes[4096.min(len / 2)..len] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).expect("write garbage");
    let _ = std::fs::remove_file(dir.path().join("content.db-wal"));

    let (store, opened) = ContentStore::open_or_rebuild(dir.path()).expect("recovers");
    assert_eq!(opened, Opened::Rebuilt);
    assert!(dir.path().join("content.db.corrupt").exists());
    assert_eq!(store.stats().expect("stats").sections, 0);
    drop(store);

    // The kiosk's start-up path refills it.
    let store = worker::open_seeded(dir.path()).expect("reseeded");
    assert_eq!(store.stats().expect("stats").sections, 8);
}

#[test]
fn a_file_that_is_not_a_database_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("content.db"), b"this is not sqlite at all").expect("write");
    let store = worker::open_seeded(dir.path()).expect("recovers");
    assert_eq!(store.stats().expect("stats").sections, 8);
}

#[test]
fn applying_changes_is_atomic_and_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = worker::open_seeded(dir.path()).expect("seeded");
    let before = store.stats().expect("stats");
    let mut article = store
        .articles_of("folk-culture", at("2026-11-24T10:00"))
        .expect("articles")
        .remove(0);
    article.title.en = "Edited title".into();
    let event_id = store
        .occurrences_on(NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"), None)
        .expect("events")[0]
        .event
        .id
        .clone();
    let ops = vec![
        Op::Put(Record::Article(article.clone())),
        Op::Delete(Kind::Event, event_id.clone()),
    ];
    store.apply_synced(&ops, 42, &[]).expect("applies");
    let once = store.all_records().expect("records");
    store.apply_synced(&ops, 42, &[]).expect("applies again");
    assert_eq!(
        Content::checksum_of(&store.all_records().expect("records")),
        Content::checksum_of(&once)
    );

    let after = store.stats().expect("stats");
    assert_eq!(after.content_seq, 42);
    assert_eq!(after.events, before.events - 1);
    assert!(after.generation > before.generation);
    assert_eq!(
        store
            .article(&article.id)
            .expect("query")
            .expect("exists")
            .title
            .en,
        "Edited title"
    );
}

#[test]
fn many_connections_opening_a_fresh_cache_at_once_all_succeed() {
    // The content worker, the sync thread and tools may open a new cache together; the
    // schema migration must not fail for the ones that lose the race.
    for _ in 0..5 {
        let dir = tempfile::tempdir().expect("tempdir");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
        let openers: Vec<_> = (0..6)
            .map(|_| {
                let path = dir.path().to_path_buf();
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    ContentStore::open(&path).map(|_| ())
                })
            })
            .collect();
        for opener in openers {
            let opened = opener.join().expect("no panic");
            assert!(opened.is_ok(), "{opened:?}");
        }
    }
}

/// Home counts live articles from their times alone (`article_times_of`); the count must be the
/// one the full articles give, for scheduled, expired and always-live articles alike.
#[test]
fn article_times_agree_with_the_full_articles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = worker::open_seeded(dir.path()).expect("seeded");
    let mut articles = store.all_articles_of("folk-culture").expect("articles");
    assert!(articles.len() >= 3, "the demo section has articles");
    articles[0].publish_at = Some(at("2026-11-25T09:00"));
    articles[1].expire_at = Some(at("2026-11-24T12:00"));
    articles[2].publish_at = Some(at("2026-11-20T09:00"));
    articles[2].expire_at = Some(at("2026-11-30T09:00"));
    let ops: Vec<_> = articles[..3]
        .iter()
        .cloned()
        .map(|a| Op::Put(Record::Article(a)))
        .collect();
    store.apply_synced(&ops, 7, &[]).expect("applies");

    let full = store.all_articles_of("folk-culture").expect("articles");
    let times = store.article_times_of("folk-culture").expect("times");
    assert_eq!(times.len(), full.len());
    let mut expected: Vec<_> = full.iter().map(|a| (a.publish_at, a.expire_at)).collect();
    let mut got: Vec<_> = times.iter().map(|t| (t.publish_at, t.expire_at)).collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    for now in [
        "2026-11-24T10:00",
        "2026-11-24T13:00",
        "2026-11-26T10:00",
        "2026-12-01T10:00",
    ] {
        let live = full.iter().filter(|a| a.is_live(at(now))).count();
        assert_eq!(
            times.iter().filter(|t| t.is_live(at(now))).count(),
            live,
            "at {now}"
        );
    }
    assert_eq!(
        full.iter()
            .filter(|a| a.is_live(at("2026-11-24T13:00")))
            .count(),
        full.len() - 2,
        "one not yet published, one expired"
    );
}
