//! The kiosk's sync client against the real district server on 127.0.0.1: content arrives whole
//! and exactly, the outbox is delivered once, and the server's special answers (`304`, `410`,
//! `426`) and local limits (disk, damaged downloads) are handled as PROTOCOL.md says.

mod support;

use std::time::Duration;

use lobby_kiosk::store::outbox::{self, Answer};
use lobby_kiosk::store::{ContentStore, Outbox};
use lobby_kiosk::sync::{Report, Settings, SyncError, SyncStatus, Syncer};
use lobby_kiosk::worker;
use protocol::content::{Kind, sha256_hex};
use protocol::wire::{Outcome, SignupSubmission};
use support::proxy::{Fault, Mode, Proxy};
use support::{Server, State, cache_state, verified_blobs};

fn kiosk_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn cycle(rt: &tokio::runtime::Runtime, syncer: &mut Syncer) -> Result<Report, SyncError> {
    rt.block_on(syncer.cycle())
}

fn proxy(server: &Server) -> Proxy {
    Proxy::start(&server.rt, &server.base, 1, Duration::from_secs(2))
}

/// Asserts the kiosk in `dir` holds exactly what the server gives it, with every image.
fn assert_converged(server: &Server, token: &str, dir: &std::path::Path) {
    let expected = server.expected(token);
    let cache = cache_state(dir);
    assert_eq!(cache.cursor, server.head(), "cursor at the head");
    assert_eq!(
        cache.checksum(),
        expected.checksum(),
        "cache equals the server's content"
    );
    let on_disk = verified_blobs(dir);
    for sha in expected.blobs() {
        assert!(on_disk.contains(&sha), "image {sha} is on disk");
    }
}

#[test]
fn the_demo_bundle_arrives_whole_then_exactly_the_edits_then_one_304() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let mut bundle = support::demo();
    server.push(&bundle);
    let proxy = proxy(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = kiosk_runtime();
    let mut syncer = Syncer::open(dir.path(), Server::settings(&proxy.url, &token)).expect("opens");

    let first = cycle(&rt, &mut syncer).expect("first sync");
    println!("{first}");
    assert!(first.snapshot, "an empty kiosk takes a snapshot");
    assert!(first.content_changed);
    assert_eq!(first.cursor_before, 0);
    assert_eq!(first.cursor_after, server.head());
    assert_eq!(
        first.images,
        bundle.blobs.len(),
        "every image downloaded once"
    );
    assert_converged(&server, &token, dir.path());
    let store = ContentStore::open(dir.path()).expect("opens");
    assert_eq!(
        store.district().expect("district"),
        Some(bundle.content.district.clone())
    );
    assert_eq!(
        store.stats().expect("stats").source.as_deref(),
        Some("server")
    );
    assert_eq!(
        store.stats().expect("stats").images as usize,
        bundle.blobs.len()
    );
    assert!(store.meta("last_sync").expect("meta").is_some());

    // Staff edit one article and delete one event.
    let before = cache_state(dir.path());
    let article = bundle.content.articles[3].id.clone();
    bundle.content.articles[3].title.en = "Edited title".into();
    let event = bundle.content.events.remove(5).id;
    let plan = server.push(&bundle);
    assert_eq!(plan.change_count(), 2);
    let second = cycle(&rt, &mut syncer).expect("second sync");
    println!("{second}");
    assert!(!second.snapshot);
    assert_eq!((second.pages, second.puts, second.deletes), (1, 1, 1));
    assert_eq!(second.images, 0);
    assert!(second.content_changed);
    let after = cache_state(dir.path());
    let changed: Vec<_> = before
        .records
        .iter()
        .filter(|(k, r)| after.records.get(*k) != Some(*r))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(
        changed,
        [
            (Kind::Article, article.clone()),
            (Kind::Event, event.clone())
        ],
        "exactly the edited article and the deleted event differ"
    );
    assert!(!after.records.contains_key(&(Kind::Event, event)));
    assert_eq!(after.records.len(), before.records.len() - 1);
    assert_converged(&server, &token, dir.path());

    // Nothing changed: one request for changes, answered 304.
    proxy.take_log();
    let third = cycle(&rt, &mut syncer).expect("third sync");
    assert!(third.not_modified);
    assert!(!third.content_changed);
    assert_eq!(third.pages, 0);
    let log = proxy.take_log();
    let changes: Vec<_> = log
        .iter()
        .filter(|l| l.path.starts_with("/v1/changes"))
        .collect();
    assert_eq!(changes.len(), 1, "{log:?}");
    assert_eq!(changes[0].status, Some(304));
    assert!(changes[0].if_none_match);
    assert!(
        log.iter()
            .all(|l| l.path.starts_with("/v1/changes") || l.path == "/v1/heartbeat"),
        "nothing else is fetched: {log:?}"
    );

    // Staff see the heartbeat.
    let kiosks = district_server::admin::list_kiosks(&server.state.config).expect("kiosks");
    assert_eq!(kiosks[0].content_seq, Some(server.head()));
    assert_eq!(kiosks[0].outbox_depth, Some(0));
}

#[test]
fn the_first_sync_replaces_the_demo_content_and_unused_images_go_after_the_grace_period() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let mut bundle = support::generated(12, 4, 3, 1);
    let dropped: Vec<String> = bundle.content.articles.drain(..6).map(|a| a.id).collect();
    support::prune_blobs(&mut bundle);
    server.push(&bundle);

    let dir = tempfile::tempdir().expect("tempdir");
    let demo = worker::open_seeded(dir.path()).expect("seeded with the demo");
    let demo_blobs = verified_blobs(dir.path());
    drop(demo);
    let rt = kiosk_runtime();
    let mut syncer =
        Syncer::open(dir.path(), Server::settings(&server.base, &token)).expect("opens");
    let report = cycle(&rt, &mut syncer).expect("sync");
    assert!(report.snapshot);
    assert_converged(&server, &token, dir.path());
    let cache = cache_state(dir.path());
    for id in &dropped {
        assert!(
            !cache.records.contains_key(&(Kind::Article, id.clone())),
            "demo article {id} is gone: a snapshot replaces, it does not merge"
        );
    }
    let unused: Vec<String> = demo_blobs.difference(&cache.blobs()).cloned().collect();
    assert!(
        !unused.is_empty(),
        "the dropped articles had images of their own"
    );
    // Within the grace period the files stay (a screen may still show them).
    for sha in &unused {
        assert!(dir.path().join("blobs").join(sha).exists());
    }
    drop(syncer);
    let mut store = ContentStore::open(dir.path()).expect("opens");
    let grace = Duration::from_secs(24 * 3600);
    let soon = chrono::Utc::now() + chrono::Duration::hours(1);
    assert!(
        store
            .collect_garbage(soon, grace)
            .expect("gc")
            .removed
            .is_empty()
    );
    let later = chrono::Utc::now() + chrono::Duration::hours(25);
    let garbage = store.collect_garbage(later, grace).expect("gc");
    let mut removed = garbage.removed.clone();
    removed.sort();
    assert_eq!(removed, unused);
    assert_eq!(
        verified_blobs(dir.path()),
        cache.blobs(),
        "exactly the used images remain"
    );
    assert_eq!(
        store.stats().expect("stats").images as usize,
        cache.blobs().len()
    );
}

/// The image files in a blob folder: name → (length, modification time).
/// Opens the folder's syncer again after the previous one was dropped in this process. The
/// lock file's lock lives until every copy of its descriptor is closed, and another test of
/// this binary that starts a process (`kiosk sync --once`) briefly holds copies of every
/// descriptor between its fork and its exec; so "busy" right after a drop is retried for a
/// while, and any other error is not.
fn reopen(dir: &std::path::Path, settings: Settings) -> Syncer {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match Syncer::open(dir, settings.clone()) {
            Ok(syncer) => return syncer,
            Err(SyncError::Busy(_)) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("opens again: {e}"),
        }
    }
}

fn image_files(
    blobs: &std::path::Path,
) -> std::collections::BTreeMap<String, (u64, std::time::SystemTime)> {
    std::fs::read_dir(blobs)
        .expect("lists")
        .map(|e| {
            let e = e.expect("entry");
            let m = e.metadata().expect("metadata");
            (
                e.file_name().to_string_lossy().to_string(),
                (m.len(), m.modified().expect("mtime")),
            )
        })
        .collect()
}

/// A temporary file a crash left in the blob folder two hours ago.
fn crash_leftover(blobs: &std::path::Path, n: u32) -> std::path::PathBuf {
    let path = blobs.join(format!("{}.9999-{n}.tmp", sha256_hex(&n.to_le_bytes())));
    std::fs::write(&path, b"half an image").expect("writes");
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(two_hours_ago))
        .expect("ages");
    path
}

#[test]
fn images_are_checked_and_collected_after_changes_and_at_start_but_a_no_change_cycle_touches_none()
{
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    // Four generated articles, each with a picture of its own.
    let mut bundle = support::generated(4, 4, 0, 1);
    server.push(&bundle);
    let dir = tempfile::tempdir().expect("tempdir");
    let blobs = dir.path().join("blobs");
    let rt = kiosk_runtime();
    // No grace: an image found unused is deleted at the next collection. Housekeeping without
    // changes stays hourly (the default).
    let settings = Settings {
        image_grace: Duration::ZERO,
        ..Server::settings(&server.base, &token)
    };
    let mut syncer = Syncer::open(dir.path(), settings.clone()).expect("opens");
    assert!(cycle(&rt, &mut syncer).expect("first sync").snapshot);
    let images_of = |dir: &std::path::Path| {
        ContentStore::open(dir)
            .expect("opens")
            .stats()
            .expect("stats")
            .images
    };
    let images_at_first = images_of(dir.path());

    // Staff withdraw an article; its picture is used nowhere else. A crash had left a file.
    let leftover = crash_leftover(&blobs, 1);
    let at = |id: &str, b: &protocol::bundle::Bundle| {
        b.content
            .articles
            .iter()
            .position(|a| a.id == id)
            .expect("generated article")
    };
    let withdrawn = bundle.content.articles.remove(at("gen-0003", &bundle));
    let unused = withdrawn.images[0].sha256.clone();
    support::prune_blobs(&mut bundle);
    server.push(&bundle);
    let changed = cycle(&rt, &mut syncer).expect("sync with a change");
    assert!(changed.content_changed);
    assert!(
        !leftover.exists(),
        "a cycle that changed the content collects what a crash left"
    );
    assert_eq!(changed.images_removed, 1, "the leftover");
    assert_eq!(
        images_of(dir.path()),
        images_at_first - 1,
        "the unused picture leaves the content's images at once"
    );
    assert!(
        blobs.join(&unused).exists(),
        "its file goes at the next collection (first seen unused now)"
    );

    // Nothing new: the cycle reads no record and touches no image file, even with a picture
    // removed by hand, a crash leftover and an unused picture past its grace period.
    let kept = bundle.content.articles[at("gen-0001", &bundle)].images[0]
        .sha256
        .clone();
    std::fs::remove_file(blobs.join(&kept)).expect("removed by hand");
    let leftover = crash_leftover(&blobs, 2);
    let files = image_files(&blobs);
    let generation = ContentStore::open(dir.path())
        .expect("opens")
        .generation()
        .expect("generation");
    let idle = cycle(&rt, &mut syncer).expect("no-change sync");
    assert!(idle.not_modified && !idle.content_changed);
    assert_eq!((idle.images, idle.images_removed), (0, 0));
    assert_eq!(image_files(&blobs), files, "no image file touched");
    assert_eq!(
        ContentStore::open(dir.path())
            .expect("opens")
            .generation()
            .expect("generation"),
        generation
    );

    // The next change collects the unused picture and the leftover, and repairs the content's
    // images as a whole.
    let first = at("gen-0000", &bundle);
    bundle.content.articles[first].title.en = "Edited title".into();
    server.push(&bundle);
    let changed = cycle(&rt, &mut syncer).expect("sync with a change");
    assert!(changed.content_changed);
    assert!(
        !blobs.join(&unused).exists(),
        "unused past its grace: deleted"
    );
    assert!(!leftover.exists());
    assert_eq!(changed.images_removed, 2);
    assert_eq!(
        changed.images, 1,
        "the picture removed by hand, downloaded again"
    );
    assert_converged(&server, &token, dir.path());

    // A picture lost while nothing changes is found when the sync starts again (kiosk restart).
    std::fs::remove_file(blobs.join(&kept)).expect("removed by hand");
    let idle = cycle(&rt, &mut syncer).expect("no-change sync");
    assert_eq!(idle.images, 0);
    drop(syncer);
    let mut syncer = reopen(dir.path(), settings);
    let restarted = cycle(&rt, &mut syncer).expect("first cycle after a restart");
    assert!(restarted.not_modified);
    assert_eq!(restarted.images, 1);
    assert_converged(&server, &token, dir.path());
}

#[test]
fn outbox_items_reach_the_server_exactly_once() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    server.push(&support::generated(0, 0, 2, 1));
    let proxy = proxy(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("outbox");
    let good_wish = support::queue_wish(&outbox, "希望有更多英文书");
    let good_signup = support::queue_signup(&outbox, "gen-event-000", "Wang Fang", 2);
    // Valid fields, but an occurrence the event does not have: the server refuses it.
    let wrong_occurrence = outbox::new_id();
    let signup = SignupSubmission {
        event: "gen-event-001".into(),
        occurrence_start: Some("2031-01-01T09:00:00".parse().expect("time")),
        name: "Wang Fang".into(),
        contact: "138 0000 0000".into(),
        party_size: 1,
    }
    .check(None)
    .expect("valid fields");
    outbox
        .enqueue_signup(wrong_occurrence, &signup)
        .expect("enqueue");
    let unknown_event = support::queue_signup(&outbox, "no-such-event", "Wang Fang", 2);
    assert_eq!(
        outbox.depth().expect("depth"),
        4,
        "durable before anything is sent"
    );

    let rt = kiosk_runtime();
    let mut syncer = Syncer::open(dir.path(), Server::settings(&proxy.url, &token)).expect("opens");
    let report = cycle(&rt, &mut syncer).expect("sync");
    assert_eq!(report.pushed.sent, 4);
    let p = &report.pushed;
    assert_eq!((p.accepted, p.rejected, p.conflict), (2, 1, 1), "{p:?}");
    assert_eq!(outbox.depth().expect("depth"), 0);
    assert_eq!(
        support::answer_of(&outbox, good_wish),
        Some((Answer::Accepted, Some(Outcome::Received)))
    );
    assert!(matches!(
        support::answer_of(&outbox, good_signup),
        Some((Answer::Accepted, Some(Outcome::Confirmed { seats: 2, .. })))
    ));
    assert_eq!(
        support::answer_of(&outbox, unknown_event),
        Some((Answer::Conflict, Some(Outcome::Unavailable)))
    );
    let notes = outbox.notes(10).expect("notes");
    let noted: Vec<_> = notes.iter().map(|n| n.id).collect();
    assert_eq!(
        noted,
        [unknown_event, wrong_occurrence],
        "refusals are kept for staff, newest first"
    );
    assert!(
        notes
            .iter()
            .all(|n| n.message.as_deref().is_some_and(|m| !m.is_empty()))
    );
    let held = server.submissions();
    assert_eq!(held.len(), 4);
    assert_eq!(server.count_rows("wishes"), 1);
    assert_eq!(server.count_rows("signups"), 1);

    // The server stores an item but its answer is lost: the resend is recognised.
    let lost = support::queue_wish(&outbox, "second wish");
    proxy.set_mode(Mode::Always(Fault::LoseAnswer));
    let failed = cycle(&rt, &mut syncer).expect_err("the answer was lost");
    assert!(failed.is_transient(), "{failed}");
    assert_eq!(
        outbox.depth().expect("depth"),
        1,
        "kept until the server has confirmed it"
    );
    assert!(
        server.submissions().contains_key(&lost.to_string()),
        "the server has it already"
    );
    proxy.set_mode(Mode::Pass);
    let report = cycle(&rt, &mut syncer).expect("sync");
    assert_eq!((report.pushed.sent, report.pushed.duplicate), (1, 1));
    assert_eq!(outbox.depth().expect("depth"), 0);
    assert_eq!(
        support::answer_of(&outbox, lost),
        Some((Answer::Duplicate, Some(Outcome::Received))),
        "the resend learns the first answer's outcome"
    );
    assert_eq!(
        server.submissions().len(),
        5,
        "never two records for one item"
    );
    assert_eq!(server.count_rows("wishes"), 2);

    let status =
        SyncStatus::read(Some(&proxy.url), syncer.store(), syncer.outbox()).expect("status");
    assert_eq!((status.outbox_depth, status.outbox_refused), (0, 2));
    assert!(status.last_error.is_none());
}

#[test]
fn a_cursor_from_another_history_resyncs_from_a_snapshot_keeping_the_old_content_until_the_swap() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let mut bundle = support::generated(30, 6, 4, 1);
    server.push(&bundle);
    let proxy = proxy(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = kiosk_runtime();
    let settings = lobby_kiosk::sync::Settings {
        page_limit: 10,
        ..Server::settings(&proxy.url, &token)
    };
    let mut syncer = Syncer::open(dir.path(), settings).expect("opens");
    cycle(&rt, &mut syncer).expect("first sync");

    // The server's database is replaced by one with a shorter history (restored from a
    // backup): the kiosk's cursor lies beyond its head.
    bundle.content.events.retain(|e| e.id != "gen-event-001");
    bundle.content.articles[0].summary.en = "Changed while the kiosk was away".into();
    server.push(&bundle);
    let ahead = server.head() + 1000;
    syncer
        .store()
        .set_meta("content_seq", &ahead.to_string())
        .expect("meta");
    let old = cache_state(dir.path());

    // The connection dies after a few requests: some pages are staged, nothing is shown.
    proxy.take_log();
    proxy.set_mode(Mode::PassThen {
        pass: 4,
        then: Fault::Reset,
    });
    assert!(cycle(&rt, &mut syncer).is_err());
    let log = proxy.take_log();
    assert_eq!(log[0].status, Some(410), "{log:?}");
    assert_eq!(
        cache_state(dir.path()),
        old,
        "the old content stays until the swap"
    );
    let staged = syncer
        .store()
        .staging_state()
        .expect("staging")
        .map(|(_, seq)| seq);
    assert!(
        staged.is_some_and(|s| s > 0),
        "pages were staged: {staged:?}"
    );

    // The next cycle resumes the staged snapshot and swaps it in.
    proxy.set_mode(Mode::Pass);
    let report = cycle(&rt, &mut syncer).expect("resync");
    assert!(report.snapshot);
    let log = proxy.take_log();
    let asked: Vec<&str> = log
        .iter()
        .filter(|l| l.path.starts_with("/v1/changes"))
        .map(|l| l.path.as_str())
        .collect();
    assert!(asked[0].contains(&format!("since={ahead}")), "{asked:?}");
    assert!(
        asked[1].contains(&format!("since={}", staged.unwrap_or(0))),
        "resumed where the staging stopped: {asked:?}"
    );
    assert_converged(&server, &token, dir.path());
    let cache = cache_state(dir.path());
    assert!(
        !cache
            .records
            .contains_key(&(Kind::Event, "gen-event-001".into()))
    );
    assert!(syncer.store().staging_state().expect("staging").is_none());
}

#[test]
fn a_cursor_older_than_the_purged_deletions_resyncs_from_a_snapshot() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let mut bundle = support::generated(30, 6, 4, 1);
    server.push(&bundle);
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = kiosk_runtime();
    let settings = lobby_kiosk::sync::Settings {
        page_limit: 10,
        ..Server::settings(&server.base, &token)
    };
    let mut syncer = Syncer::open(dir.path(), settings).expect("opens");
    cycle(&rt, &mut syncer).expect("first sync");
    let old = cache_state(dir.path());

    // Staff delete an event and publish new images; the tombstone is purged before the kiosk
    // comes back (as after an absence longer than the retention).
    bundle.content.events.retain(|e| e.id != "gen-event-001");
    let image = support::add_image(&mut bundle, 77);
    bundle.content.articles[0].images = vec![image.clone()];
    support::prune_blobs(&mut bundle);
    server.push(&bundle);
    let purged = server
        .rt
        .block_on(
            server
                .state
                .purge_tombstones(chrono::Utc::now() + chrono::Duration::days(200)),
        )
        .expect("purge");
    assert!(purged.purged_through > old.cursor);

    // Its snapshot's later pages lie below the purge horizon too; they are served because the
    // snapshot began after the purge (`snapshot_head`), so it completes in small pages.
    let report = cycle(&rt, &mut syncer).expect("resync");
    assert!(report.snapshot);
    assert!(report.pages > 3, "a multi-page snapshot: {report:?}");
    assert_converged(&server, &token, dir.path());

    // A brand-new kiosk joining after the purge gets the whole content in small pages too.
    let fresh = tempfile::tempdir().expect("tempdir");
    let settings = lobby_kiosk::sync::Settings {
        page_limit: 10,
        ..Server::settings(&server.base, &token)
    };
    let mut newcomer = Syncer::open(fresh.path(), settings).expect("opens");
    let report = cycle(&rt, &mut newcomer).expect("first sync after the purge");
    assert!(report.snapshot && report.pages > 3, "{report:?}");
    assert_converged(&server, &token, fresh.path());
    let cache = cache_state(dir.path());
    assert!(
        !cache
            .records
            .contains_key(&(Kind::Event, "gen-event-001".into()))
    );
    assert!(verified_blobs(dir.path()).contains(&image.sha256));
}

#[test]
fn an_unsupported_schema_keeps_the_content_and_says_an_update_is_needed() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    server.push(&support::demo());
    let proxy = proxy(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    drop(worker::open_seeded(dir.path()).expect("demo"));
    let before = cache_state(dir.path());
    let rt = kiosk_runtime();
    let mut syncer = Syncer::open(dir.path(), Server::settings(&proxy.url, &token)).expect("opens");
    // A server a schema ahead of this kiosk.
    let body = r#"{"error":"unsupported_schema","message":"this server speaks schema 3"}"#;
    proxy.set_mode(Mode::Fixed(
        format!(
            "HTTP/1.1 426 Upgrade Required\r\ncontent-type: application/json\r\nx-lobby-schema: 3\r\nx-lobby-schema-supported: 3\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    ));
    let e = cycle(&rt, &mut syncer).expect_err("426");
    assert!(matches!(e, SyncError::UpgradeRequired { .. }), "{e}");
    assert!(!e.is_transient());
    assert_eq!(cache_state(dir.path()), before, "content kept");
    let log = proxy.take_log();
    assert!(log.iter().all(|l| l.path != "/v1/heartbeat"), "{log:?}");
    let status = SyncStatus::read(None, syncer.store(), syncer.outbox()).expect("status");
    assert!(
        status
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("update")),
        "{status:?}"
    );
}

#[test]
fn a_full_disk_downloads_nothing_and_applies_nothing() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    server.push(&support::demo());
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = kiosk_runtime();
    let settings = lobby_kiosk::sync::Settings {
        min_free_disk: u64::MAX,
        ..Server::settings(&server.base, &token)
    };
    let mut syncer = Syncer::open(dir.path(), settings).expect("opens");
    let e = cycle(&rt, &mut syncer).expect_err("no room");
    assert!(matches!(e, SyncError::DiskFull { .. }), "{e}");
    assert!(e.to_string().contains("free"), "{e}");
    assert_eq!(cache_state(dir.path()), State::default(), "nothing applied");
    assert!(verified_blobs(dir.path()).is_empty());
    let status = SyncStatus::read(None, syncer.store(), syncer.outbox()).expect("status");
    assert!(status.last_error.is_some());
    assert!(status.last_sync.is_none());
}

#[test]
fn partial_downloads_resume_and_damaged_ones_start_again() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let bundle = support::demo();
    server.push(&bundle);
    let proxy = proxy(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let blobs = dir.path().join("blobs");
    std::fs::create_dir_all(&blobs).expect("mkdir");
    let mut shas = bundle.blobs.keys();
    let (good, bad) = (
        shas.next().expect("a blob").clone(),
        shas.next().expect("another").clone(),
    );
    let good_bytes = &bundle.blobs[&good].bytes;
    std::fs::write(
        blobs.join(format!("{good}.part")),
        &good_bytes[..good_bytes.len() / 2],
    )
    .expect("writes");
    std::fs::write(
        blobs.join(format!("{bad}.part")),
        b"not the start of that image",
    )
    .expect("writes");
    // A stray file under a blob name that is not that blob is never trusted... by its name:
    // only `commit_part` gives names, so such a file cannot come from the sync.

    let rt = kiosk_runtime();
    let mut syncer = Syncer::open(dir.path(), Server::settings(&proxy.url, &token)).expect("opens");
    cycle(&rt, &mut syncer).expect("sync");
    assert_converged(&server, &token, dir.path());
    let log = proxy.take_log();
    let of = |sha: &str| -> Vec<_> { log.iter().filter(|l| l.path.ends_with(sha)).collect() };
    let good_log = of(&good);
    assert_eq!(good_log.len(), 1, "{good_log:?}");
    assert_eq!(
        good_log[0].range.as_deref(),
        Some(&*format!("bytes={}-", good_bytes.len() / 2))
    );
    assert_eq!(good_log[0].status, Some(206));
    let bad_log = of(&bad);
    assert_eq!(
        bad_log.len(),
        2,
        "resumed, failed verification, fetched whole: {bad_log:?}"
    );
    assert_eq!(
        (bad_log[0].status, bad_log[1].status),
        (Some(206), Some(200))
    );
    assert!(bad_log[1].range.is_none());
    assert_eq!(
        sha256_hex(&std::fs::read(blobs.join(&bad)).expect("reads")),
        bad
    );
    assert!(!blobs.join(format!("{bad}.part")).exists());
}

#[test]
fn kiosk_sync_once_and_status_report_for_operators() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    server.push(&support::demo());
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let config = support::kiosk_config(dir.path(), &server.base, &token, "");
    let kiosk = |config: &std::path::Path, args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .arg("--data-dir")
            .arg(&data)
            .arg("--config")
            .arg(config)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("kiosk runs")
    };
    let out = kiosk(&config, &["sync", "--once"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    println!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success());
    let head = server.head();
    assert!(
        stdout.contains("pushed   nothing (outbox empty)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("applied  a full snapshot replaced the content"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("cursor   0 -> {head} (server head {head})")),
        "{stdout}"
    );

    let out = kiosk(&config, &["sync", "--once", "--json"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["not_modified"], true);
    assert_eq!(report["cursor_after"], head);

    let out = kiosk(&config, &["status", "--json"]);
    assert!(out.status.success());
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json status");
    let sync = &status["sync"];
    assert_eq!(sync["server"], server.base.as_str());
    assert_eq!(sync["cursor"], head);
    assert_eq!(sync["outbox_depth"], 0);
    assert!(sync["last_sync"].is_string(), "{status}");
    assert!(sync["last_error"].is_null(), "{status}");
    assert_eq!(sync["station"], support::STATION);

    // A wrong token: the command fails, says what to do, and status shows the error.
    let wrong = dir.path().join("wrong");
    std::fs::create_dir_all(&wrong).expect("mkdir");
    let bad = support::kiosk_config(&wrong, &server.base, "lkk_not-a-token", "");
    let out = kiosk(&bad, &["sync", "--once"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("token"), "{stderr}");
    let out = kiosk(&bad, &["status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("last error      the district server refused"),
        "{text}"
    );
}

/// What the sync thread told the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Heard {
    Changed,
    Online(bool),
    Synced,
    Answered(Vec<uuid::Uuid>),
}

struct Ui(std::sync::mpsc::Sender<Heard>);

impl lobby_kiosk::sync::Notifier for Ui {
    fn content_changed(&self) {
        let _ = self.0.send(Heard::Changed);
    }

    fn set_online(&self, online: bool) {
        let _ = self.0.send(Heard::Online(online));
    }

    fn synced(&self, _at: chrono::DateTime<chrono::Utc>) {
        let _ = self.0.send(Heard::Synced);
    }

    fn submissions_answered(&self, ids: &[uuid::Uuid]) {
        let _ = self.0.send(Heard::Answered(ids.to_vec()));
    }
}

/// Waits (boundedly) until the kiosk in `dir` is at `cursor`.
fn wait_for_cursor(dir: &std::path::Path, cursor: u64) {
    for _ in 0..1200 {
        if dir.join("content.db").exists() && cache_state(dir).cursor == cursor {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the sync thread did not reach cursor {cursor}");
}

#[test]
fn the_background_thread_syncs_tells_the_ui_and_syncs_now_on_request() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let mut bundle = support::demo();
    server.push(&bundle);
    let dir = tempfile::tempdir().expect("tempdir");
    let (tx, rx) = std::sync::mpsc::channel();
    let settings = lobby_kiosk::sync::Settings {
        // Long enough that only "sync now" explains a second sync within the test.
        poll: Duration::from_secs(3600),
        ..Server::settings(&server.base, &token)
    };
    let handle = lobby_kiosk::sync::schedule::spawn(dir.path().to_path_buf(), settings, Ui(tx))
        .expect("starts");
    wait_for_cursor(dir.path(), server.head());
    assert_eq!(rx.recv().expect("heard"), Heard::Online(true));
    assert_eq!(rx.recv().expect("heard"), Heard::Synced);
    assert_eq!(rx.recv().expect("heard"), Heard::Changed);

    // A cycle that changes nothing restarts "updated N min ago" but does not re-read the screen:
    // the UI hears Online, Synced and nothing else before the next cycle's messages.
    let next = |rx: &std::sync::mpsc::Receiver<Heard>| {
        rx.recv_timeout(Duration::from_secs(120))
            .expect("the sync thread answers")
    };
    handle.sync_now();
    assert_eq!(next(&rx), Heard::Online(true));
    assert_eq!(next(&rx), Heard::Synced);

    bundle.content.articles[0].title.en = "Sync now".into();
    server.push(&bundle);
    handle.sync_now();
    assert_eq!(
        next(&rx),
        Heard::Online(true),
        "no Changed from the idle cycle"
    );
    assert_eq!(next(&rx), Heard::Synced);
    assert_eq!(next(&rx), Heard::Changed);
    wait_for_cursor(dir.path(), server.head());
    assert_eq!(
        cache_state(dir.path()).checksum(),
        server.expected(&token).checksum()
    );
    handle.stop();
}
