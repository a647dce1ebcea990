//! The no-change poll's fast path and the heartbeat's skipped writes keep every answer true:
//! the real server binary, the real `district-server kiosk remove` in another process, pushes
//! through kioskctl's code, and writes from another connection.

mod common;

use std::path::Path;
use std::process::Command;

use common::{BundleDir, TestServer, error_of, manifest, serve_binary, t};
use district_server::ctl::{self, Client};
use protocol::wire::{ChangesPage, HeartbeatReply};
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::json;

const SERVER: &str = env!("CARGO_BIN_EXE_district-server");

fn server_cli(config: &Path, args: &[&str]) -> String {
    let out = Command::new(SERVER)
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("DISTRICT_SERVER_CONFIG")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

async fn poll(http: &reqwest::Client, base: &str, token: &str, since: u64) -> reqwest::Response {
    http.get(format!("{base}/v1/changes?since={since}"))
        .bearer_auth(token)
        .header(IF_NONE_MATCH, format!("\"head-{since}\""))
        .send()
        .await
        .expect("poll")
}

/// A kiosk at the head: its first page, then a few 304s (the cache knows its token by then).
async fn at_the_head(http: &reqwest::Client, base: &str, token: &str) -> u64 {
    let r = http
        .get(format!("{base}/v1/changes?since=0"))
        .bearer_auth(token)
        .send()
        .await
        .expect("page");
    assert_eq!(r.status(), 200);
    let head = r.json::<ChangesPage>().await.expect("page").head;
    for _ in 0..5 {
        let r = poll(http, base, token, head).await;
        assert_eq!(r.status(), 304);
        assert_eq!(
            r.headers().get(ETAG).and_then(|v| v.to_str().ok()),
            Some(format!("\"head-{head}\"").as_str())
        );
    }
    head
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_removed_by_the_cli_is_refused_on_its_very_next_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("server.toml");
    let staff = server_cli(&config, &["init"]);
    let kiosk = server_cli(&config, &["kiosk", "add", "lobby-1", "--station", "s1"]);
    let other = server_cli(&config, &["kiosk", "add", "lobby-2", "--station", "s1"]);
    let (_served, base) = serve_binary(&config);
    let bundle = BundleDir::new(&manifest());
    let client = Client::new(&base, &staff).expect("client");
    ctl::push_bundle(&client, bundle.path(), false, |_| {})
        .await
        .expect("pushes");
    let http = reqwest::Client::new();
    let head = at_the_head(&http, &base, &kiosk).await;
    assert_eq!(at_the_head(&http, &base, &other).await, head);

    // Another process removes the kiosk while the server keeps its token in memory.
    server_cli(&config, &["kiosk", "remove", "lobby-1"]);
    let (status, code, _) = error_of(poll(&http, &base, &kiosk, head).await).await;
    assert_eq!((status, code.as_str()), (401, "unauthorized"), "the poll");
    let beat = http
        .post(format!("{base}/v1/heartbeat"))
        .bearer_auth(&kiosk)
        .json(
            &json!({ "kiosk_version": "0.1.0", "content_seq": head, "outbox_depth": 0,
                       "clock": chrono::Utc::now().fixed_offset() }),
        )
        .send()
        .await
        .expect("beat");
    assert_eq!(error_of(beat).await.0, 401, "the heartbeat");
    // The other kiosk is untouched, and is known again after the change.
    for _ in 0..3 {
        assert_eq!(poll(&http, &base, &other, head).await.status(), 304);
    }
    // A staff token is still refused on a kiosk route, and a made-up one is unknown.
    assert_eq!(
        error_of(poll(&http, &base, &staff, head).await).await.0,
        403
    );
    assert_eq!(
        error_of(poll(&http, &base, "lkk_made-up", head).await)
            .await
            .0,
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_ends_the_304s_at_once_from_the_server_or_another_process() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("server.toml");
    let staff = server_cli(&config, &["init"]);
    let kiosk = server_cli(&config, &["kiosk", "add", "lobby-1", "--station", "s1"]);
    let (_served, base) = serve_binary(&config);
    let client = Client::new(&base, &staff).expect("client");
    let m = manifest();
    ctl::push_bundle(&client, BundleDir::new(&m).path(), false, |_| {})
        .await
        .expect("pushes");
    let http = reqwest::Client::new();
    let head = at_the_head(&http, &base, &kiosk).await;

    // A push through the server: the next poll is the new page.
    let mut m2 = m.clone();
    m2["articles"][0]["title"] = t("海之韵（改）", "Haizhiyun (changed)");
    ctl::push_bundle(&client, BundleDir::new(&m2).path(), false, |_| {})
        .await
        .expect("pushes");
    let r = poll(&http, &base, &kiosk, head).await;
    assert_eq!(r.status(), 200, "the poll right after the push");
    let page: ChangesPage = r.json().await.expect("page");
    page.verify(head).expect("verifies");
    assert_eq!(page.changes.len(), 1);
    let head = page.head;
    assert_eq!(at_the_head(&http, &base, &kiosk).await, head);

    // A write from another process (the demo's first publication, through the library as
    // `district-server demo` does): the head moves, and the next poll sees it.
    let config = district_server::config::Config::load(&config).expect("config");
    let db = district_server::storage::Db::open(&config.db_path()).expect("opens");
    db.write_blocking(|tx| {
        district_server::storage::records::delete(
            tx,
            protocol::content::Kind::Article,
            m["articles"][0]["id"].as_str().expect("id"),
            &district_server::storage::now_text(),
        )
    })
    .expect("deletes");
    let r = poll(&http, &base, &kiosk, head).await;
    assert_eq!(
        r.status(),
        200,
        "the poll right after the other process's write"
    );
    let page: ChangesPage = r.json().await.expect("page");
    page.verify(head).expect("verifies");
    assert_eq!(page.head, head + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_heartbeat_is_not_rewritten_and_a_changed_one_is_at_once() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    server.push(&manifest()).await;
    let head = server.head().await;
    let clock = chrono::Utc::now().fixed_offset();
    let beat = |content_seq: u64, clock: chrono::DateTime<chrono::FixedOffset>| {
        let server = &server;
        let kiosk = &kiosk;
        async move {
            let r = server
                .post_json(
                    "/v1/heartbeat",
                    kiosk,
                    &json!({ "kiosk_version": "0.1.0", "content_seq": content_seq,
                             "outbox_depth": 0, "free_disk_bytes": 5_000_000_000u64,
                             "clock": clock }),
                )
                .await;
            assert_eq!(r.status(), 200);
            let reply: HeartbeatReply = r.json().await.expect("reply");
            assert_eq!(
                reply.head, head,
                "every beat, written or not, says the head"
            );
            let list = server.client().kiosks().await.expect("kiosks");
            let k = list.kiosks.into_iter().next().expect("the kiosk");
            (k.last_seen_at.expect("seen"), k.content_seq, k.kiosk_clock)
        }
    };
    let (seen, seq, _) = beat(3, clock).await;
    assert_eq!(seq, Some(3));
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    // The same report (its clock moved with the server's): not written again.
    let later = clock + chrono::Duration::milliseconds(20);
    assert_eq!(
        beat(3, later).await.0,
        seen,
        "an unchanged beat is not rewritten"
    );
    // A kiosk that pulled: written at once, with its new clock.
    let (seen_2, seq, stored_clock) = beat(head, later).await;
    assert_eq!(seq, Some(head));
    assert!(seen_2 > seen, "{seen_2} after {seen}");
    let stored_clock =
        chrono::DateTime::parse_from_rfc3339(&stored_clock.expect("clock")).expect("parses");
    assert_eq!(stored_clock, later);
    // A clock that jumped (the console shows the skew): written at once.
    let jumped = later + chrono::Duration::hours(1);
    let (_, _, stored_clock) = beat(head, jumped).await;
    let stored_clock =
        chrono::DateTime::parse_from_rfc3339(&stored_clock.expect("clock")).expect("parses");
    assert_eq!(stored_clock, jumped);
}
