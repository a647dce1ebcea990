//! Sync through a faulty network: a proxy between kiosk and server resets connections, stalls,
//! loses and truncates answers, flips bytes, answers `500` and delivers requests twice, over
//! many cycles while staff publish new versions and visitors leave wishes and sign-ups. After
//! every cycle the cache holds the state after some whole page and only verified images; at the
//! end, on a clean network, it converges, and the server holds every outbox item exactly once.
//!
//! `SYNC_FAULT_CYCLES` sets the number of faulty cycles (default 40), `SYNC_FAULT_SEED` the seed.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use lobby_kiosk::store::Outbox;
use lobby_kiosk::sync::{Settings, Syncer};
use support::proxy::{FAULTS, Fault, Mode, Proxy};
use support::{Server, State, cache_state, quick_check, verified_blobs};

const PAGE_LIMIT: u32 = 7;

/// Checks that the cache, which held `before` when the cycle started, now holds the state after
/// a whole page: unchanged, or a page boundary of the feed from `before`, or the server's
/// content at its head (a snapshot swaps in only there).
fn assert_page_boundary(server: &Server, token: &str, before: &State, now: &State, what: &str) {
    if now.cursor == before.cursor {
        assert_eq!(
            now.checksum(),
            before.checksum(),
            "{what}: cursor kept, records changed"
        );
        return;
    }
    if now.cursor == server.head() {
        assert_eq!(
            now.checksum(),
            server.expected(token).checksum(),
            "{what}: at the head the cache is the server's content"
        );
        return;
    }
    assert!(
        before.cursor > 0,
        "{what}: a snapshot was applied short of the head"
    );
    let states = server.states_from(token, before.clone(), PAGE_LIMIT);
    let page = states
        .iter()
        .find(|s| s.cursor == now.cursor)
        .unwrap_or_else(|| panic!("{what}: cursor {} is no page boundary", now.cursor));
    assert_eq!(now.checksum(), page.checksum(), "{what}: half-applied page");
}

fn assert_images_whole(state: &State, dir: &Path, what: &str) {
    let on_disk = verified_blobs(dir);
    assert!(
        state.blobs().is_subset(&on_disk),
        "{what}: a record's image is missing"
    );
}

#[test]
fn through_a_faulty_network_the_kiosk_converges_and_every_item_arrives_once() {
    let cycles: usize = std::env::var("SYNC_FAULT_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let seed: u64 = std::env::var("SYNC_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_905);
    println!("{cycles} cycles, SYNC_FAULT_SEED={seed}");
    let mut rng = fastrand::Rng::with_seed(seed);

    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let mut version = 1;
    let mut bundle = support::generated(40, 12, 10, version);
    server.push(&bundle);
    let stall = Duration::from_millis(1500);
    let proxy = Proxy::start(&server.rt, &server.base, seed, stall);
    proxy.set_mode(Mode::Faults { rate: 0.35 });

    let dir = tempfile::tempdir().expect("tempdir");
    drop(lobby_kiosk::worker::open_seeded(dir.path()).expect("demo content"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let settings = Settings {
        page_limit: PAGE_LIMIT,
        request_timeout: Duration::from_secs(1),
        attempts: 3,
        retry_delay: Duration::from_millis(10),
        ..Settings::new(&proxy.url, &token)
    };
    let mut syncer = Syncer::open(dir.path(), settings).expect("opens");
    let outbox = Outbox::open(dir.path()).expect("outbox");

    let mut sent: BTreeMap<String, &'static str> = BTreeMap::new();
    let mut before = cache_state(dir.path());
    let (mut good, mut failed) = (0, 0);
    for cycle in 0..cycles {
        let what = format!("cycle {cycle} (seed {seed})");
        if cycle % 3 == 0 {
            let id = support::queue_wish(&outbox, &format!("wish {cycle}: 希望有更多英文书"));
            sent.insert(id.to_string(), "wish");
        }
        if cycle % 4 == 1 {
            let id = support::queue_signup(
                &outbox,
                &format!("gen-event-00{}", cycle % 3),
                &format!("Visitor {cycle}"),
                1 + (cycle % 3) as u32,
            );
            sent.insert(id.to_string(), "signup");
        }
        if cycle % 6 == 3 {
            // Staff publish a new version: edits, new images, a removed event and article.
            version += 1;
            let articles = 30 + rng.usize(..20);
            let mut next = support::generated(articles, 8 + rng.usize(..8), 10, version);
            next.content
                .events
                .retain(|e| e.id != format!("gen-event-00{}", 3 + version % 5));
            next.content.articles.remove(rng.usize(..10));
            support::prune_blobs(&mut next);
            bundle = next;
            server.push(&bundle);
        }
        match rt.block_on(syncer.cycle()) {
            Ok(_) => good += 1,
            Err(e) => {
                failed += 1;
                println!("{what}: {e}");
            }
        }
        assert_eq!(quick_check(dir.path()), "ok", "{what}");
        let now = cache_state(dir.path());
        assert_page_boundary(&server, &token, &before, &now, &what);
        assert_images_whole(&now, dir.path(), &what);
        before = now;
    }
    let log = proxy.take_log();
    let mut faults: BTreeMap<String, usize> = BTreeMap::new();
    for l in &log {
        *faults.entry(format!("{:?}", l.fault)).or_default() += 1;
    }
    println!(
        "{good} good and {failed} failed cycles; {} requests: {faults:?}",
        log.len()
    );
    for fault in FAULTS {
        assert!(
            log.iter().any(|l| l.fault == fault),
            "fault {fault:?} never happened: more cycles or another seed"
        );
    }

    // A clean network: one sync converges.
    proxy.set_mode(Mode::Pass);
    drop(syncer);
    let mut syncer = Syncer::open(dir.path(), Server::settings(&proxy.url, &token)).expect("opens");
    let report = rt.block_on(syncer.cycle()).expect("clean sync");
    println!("{report}");
    let expected = server.expected(&token);
    let cache = cache_state(dir.path());
    assert_eq!(cache.cursor, server.head());
    assert_eq!(cache.checksum(), expected.checksum(), "converged");
    assert_images_whole(&cache, dir.path(), "at the end");
    assert!(
        log.iter()
            .all(|l| l.fault != Fault::Pass || l.status.is_some()),
        "passed requests were answered"
    );

    // Every item exactly once.
    assert_eq!(outbox.depth().expect("depth"), 0, "every item confirmed");
    let held = server.submissions();
    assert_eq!(held.len(), sent.len(), "no item lost, none doubled");
    for (id, kind) in &sent {
        let (kiosk, held_kind, status) = held.get(id).unwrap_or_else(|| panic!("item {id} lost"));
        assert_eq!((kiosk.as_str(), held_kind.as_str()), ("lobby-1", *kind));
        assert_eq!(status, "accepted", "item {id}");
        let answer = support::answer_of(&outbox, uuid::Uuid::parse_str(id).expect("uuid"));
        assert!(
            answer.as_ref().is_some_and(|(a, _)| a.is_received()),
            "item {id}: {answer:?}"
        );
    }
    let wishes = sent.values().filter(|k| **k == "wish").count();
    assert_eq!(server.count_rows("wishes"), wishes);
    assert_eq!(server.count_rows("signups"), sent.len() - wishes);
}
