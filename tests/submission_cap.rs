//! The kiosk's outbox against the real district server on 127.0.0.1 with an hourly cap of one
//! item: what does not fit stays in the outbox, durable and unanswered, the kiosk waits as long
//! as the server's Retry-After says while content keeps syncing, and the item goes through once
//! the server's hour has moved on. The hour is moved by ageing the server's record of the first
//! item, not by waiting.

mod support;

use lobby_kiosk::store::Outbox;
use lobby_kiosk::store::outbox::{Answer, Progress};
use lobby_kiosk::sync::Syncer;
use protocol::wire::Outcome;
use support::Server;

fn kiosk_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Sets when every item the server holds was received to `ago` before now.
fn age_server_items(server: &Server, ago: chrono::Duration) {
    let at = district_server::storage::time_text(chrono::Utc::now() - ago);
    rusqlite::Connection::open(server.state.db.path())
        .expect("opens the server's database")
        .execute("UPDATE submissions SET received_at = ?1", [at])
        .expect("ages the items");
}

/// Sends tried so far of an item still waiting.
fn attempts(outbox: &Outbox, id: uuid::Uuid) -> u32 {
    match outbox.item(id).expect("reads").expect("tracked").progress {
        Progress::Waiting { attempts, .. } => attempts,
        other => panic!("not waiting: {other:?}"),
    }
}

#[test]
fn items_past_the_hourly_cap_stay_in_the_outbox_until_the_hour_moves_on() {
    let server = Server::start_with(|c| c.max_submissions_per_kiosk_hour = 1);
    let token = server.kiosk("lobby-1");
    server.push(&support::generated(0, 0, 1, 1));
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("outbox");
    let first = support::queue_wish(&outbox, "希望有更多英文书");
    let second = support::queue_wish(&outbox, "想学太极拳");

    let rt = kiosk_runtime();
    let mut syncer =
        Syncer::open(dir.path(), Server::settings(&server.base, &token)).expect("opens");
    // The server answers the first item only; the second is left for later.
    let report = rt.block_on(syncer.cycle()).expect("sync");
    assert_eq!(report.pushed.accepted, 1, "{:?}", report.pushed);
    assert_eq!(
        support::answer_of(&outbox, first),
        Some((Answer::Accepted, Some(Outcome::Received)))
    );
    assert_eq!(support::answer_of(&outbox, second), None);
    assert_eq!(outbox.depth().expect("depth"), 1);
    assert_eq!(server.count_rows("submissions"), 1);

    // Within the hour the server says 429 with Retry-After: the item stays, the kiosk holds
    // its submissions that long, and content still flows (a change staff published meanwhile
    // arrives in the same cycle).
    server.push(&support::generated(0, 0, 1, 2));
    let report = rt.block_on(syncer.cycle()).expect("content still syncs");
    let held = report.push_error.clone().expect("the hold is reported");
    assert!(held.contains("hourly cap"), "{held}");
    assert!(report.puts > 0, "the new content arrived: {report:?}");
    assert_eq!(outbox.depth().expect("depth"), 1, "still in the outbox");
    assert_eq!(support::answer_of(&outbox, second), None);
    assert_eq!(server.count_rows("submissions"), 1, "nothing stored");
    let tried = attempts(&outbox, second);

    // An hour later on the server; this kiosk still honours the Retry-After it was given and
    // sends nothing (no request, no attempt counted) until then.
    age_server_items(&server, chrono::Duration::minutes(61));
    let report = rt.block_on(syncer.cycle()).expect("sync");
    assert_eq!(report.pushed.sent, 0, "{:?}", report.pushed);
    assert!(report.push_error.is_some());
    assert_eq!(attempts(&outbox, second), tried, "nothing sent");

    // A kiosk started afresh (the hold lives in memory) sends it, once.
    drop(syncer);
    let mut syncer =
        Syncer::open(dir.path(), Server::settings(&server.base, &token)).expect("opens");
    let report = rt.block_on(syncer.cycle()).expect("sync");
    assert_eq!(report.pushed.accepted, 1, "{:?}", report.pushed);
    assert!(report.push_error.is_none());
    assert_eq!(
        support::answer_of(&outbox, second),
        Some((Answer::Accepted, Some(Outcome::Received)))
    );
    assert_eq!(outbox.depth().expect("depth"), 0);
    assert_eq!(server.count_rows("submissions"), 2);
    assert_eq!(server.count_rows("wishes"), 2);
}
