//! Push → change feed, against the real server on 127.0.0.1.

mod common;

use common::{BundleDir, Replica, TestServer, error_of, manifest, t, visible};
use protocol::content::{Content, Kind};
use protocol::wire::{ChangesPage, Op};
use reqwest::header::{ETAG, IF_NONE_MATCH};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pushed_bundle_comes_out_of_the_feed() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let m = manifest();
    let plan = server.push(&m).await;
    assert!(!plan.dry_run);
    let content = BundleDir::new(&m).content();
    let total = content.records().len();
    assert_eq!(plan.change_count(), total);
    assert_eq!(plan.head_before, 0);
    assert_eq!(plan.head_after, total as u64);

    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    assert_eq!(replica.pages, 1);
    assert_eq!(replica.since, total as u64);
    let expected = visible(&content, "s1");
    assert!(expected.len() < total, "the s2-scoped event is not for s1");
    assert_eq!(replica.checksum(), Content::checksum_of(&expected));
    assert_eq!(replica.ids(Kind::Article), ["harbour-walk", "s1-news"]);

    // Small pages converge to the same thing.
    let mut paged = Replica::default();
    paged.sync(&server, &kiosk, 2).await;
    assert_eq!(paged.pages, expected.len().div_ceil(2));
    assert_eq!(paged.checksum(), replica.checksum());

    // Every image a record references can be fetched, and is what the bundle had.
    let bundle = BundleDir::new(&m);
    let blobs = district_server::ctl::load_bundle(bundle.path())
        .expect("bundle")
        .blobs;
    for r in replica.records.values() {
        for sha in r.blobs() {
            let resp = server.get(&format!("/v1/blobs/sha256/{sha}"), &kiosk).await;
            assert_eq!(resp.status(), 200);
            let bytes = resp.bytes().await.expect("bytes");
            assert_eq!(bytes.as_ref(), blobs[sha].bytes.as_slice());
        }
    }

    // The kiosk learns its district and station.
    let info: protocol::wire::KioskInfo = server
        .get("/v1/kiosk", &kiosk)
        .await
        .json()
        .await
        .expect("info");
    assert_eq!(info.station, "s1");
    assert_eq!(info.district.expect("district").timezone, "Asia/Shanghai");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_one_article_and_deleting_one_event_is_exactly_that() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let mut m = manifest();
    server.push(&m).await;
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    let head = replica.since;

    m["articles"][0]["title"] = t("海港漫步（新）", "Harbour walk (new)");
    let events = m["events"].as_array_mut().expect("events");
    events.retain(|e| e["id"] != "finance-talk");

    let dry = server.try_push(&m, true).await.expect("dry run").plan;
    assert!(dry.dry_run);
    assert_eq!(dry.head_after, head, "a dry run changes nothing");
    assert_eq!(server.head().await, head);
    let articles = dry
        .kinds
        .iter()
        .find(|k| k.kind == Kind::Article)
        .expect("articles");
    assert_eq!(articles.changed, ["harbour-walk"]);
    let events = dry
        .kinds
        .iter()
        .find(|k| k.kind == Kind::Event)
        .expect("events");
    assert_eq!(events.removed, ["finance-talk"]);
    assert_eq!(dry.change_count(), 2);

    let plan = server.push(&m).await;
    assert_eq!(plan.change_count(), 2);
    assert_eq!(plan.head_after, head + 2);

    let page = server.page(&kiosk, head, 500).await;
    assert_eq!(page.changes.len(), 2, "{page:?}");
    let put = &page.changes[0];
    assert_eq!(
        (put.kind, put.id.as_str(), put.op),
        (Kind::Article, "harbour-walk", Op::Put)
    );
    assert_eq!(put.rev, 2);
    assert_eq!(
        put.data.as_ref().expect("data")["title"]["en"],
        "Harbour walk (new)"
    );
    let del = &page.changes[1];
    assert_eq!(
        (del.kind, del.id.as_str(), del.op),
        (Kind::Event, "finance-talk", Op::Delete)
    );
    assert!(del.data.is_none());
    assert_eq!(del.rev, 2);
    assert_eq!(page.to, head + 2);
    replica.apply(&page);
    assert_eq!(
        replica.checksum(),
        Content::checksum_of(&visible(&BundleDir::new(&m).content(), "s1"))
    );

    // Pushing the same content again changes nothing.
    let again = server.push(&m).await;
    assert_eq!(again.change_count(), 0);
    assert_eq!(again.head_after, head + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_head_is_one_304() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let m = manifest();
    server.push(&m).await;
    let first = server.get("/v1/changes?since=0", &kiosk).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers().get(ETAG).expect("etag").clone();
    let page: ChangesPage = first.json().await.expect("page");
    assert_eq!(page.to, page.head);

    let poll = |etag: reqwest::header::HeaderValue| {
        let server = &server;
        let kiosk = &kiosk;
        async move {
            server
                .http
                .get(server.url(&format!("/v1/changes?since={}", page.head)))
                .bearer_auth(kiosk)
                .header(IF_NONE_MATCH, etag)
                .send()
                .await
                .expect("poll")
        }
    };
    let r = poll(etag.clone()).await;
    assert_eq!(r.status(), 304);
    assert_eq!(r.headers().get(ETAG), Some(&etag));
    assert!(r.bytes().await.expect("body").is_empty());

    // Without the ETag the same poll is an empty page, not an error.
    let empty = server.page(&kiosk, page.head, 500).await;
    assert!(empty.changes.is_empty());
    assert_eq!(empty.to, page.head);

    // An identical push moves nothing: still 304.
    server.push(&m).await;
    assert_eq!(poll(etag.clone()).await.status(), 304);

    // A change elsewhere (even one this kiosk does not see) moves the head: 200, cursor moves.
    let mut m2 = m.clone();
    m2["events"][1]["title"] = t("手工课（改）", "Handicraft class (changed)");
    server.push(&m2).await;
    let r = poll(etag).await;
    assert_eq!(r.status(), 200);
    let p: ChangesPage = r.json().await.expect("page");
    p.verify(page.head).expect("verifies");
    assert!(p.changes.is_empty(), "the s2 event is not for an s1 kiosk");
    assert_eq!(p.to, page.head + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scoped_records_reach_only_their_station() {
    let server = TestServer::start().await;
    let a = server.kiosk("kiosk-a", "s1");
    let b = server.kiosk("kiosk-b", "s2");
    let mut m = manifest();
    server.push(&m).await;
    let mut ra = Replica::default();
    let mut rb = Replica::default();
    ra.sync(&server, &a, 500).await;
    rb.sync(&server, &b, 500).await;
    assert!(ra.ids(Kind::Article).contains(&"s1-news".to_string()));
    assert!(!rb.ids(Kind::Article).contains(&"s1-news".to_string()));
    assert!(rb.ids(Kind::Event).contains(&"handicraft".to_string()));
    assert!(!ra.ids(Kind::Event).contains(&"handicraft".to_string()));
    let content = BundleDir::new(&m).content();
    assert_eq!(
        ra.checksum(),
        Content::checksum_of(&visible(&content, "s1"))
    );
    assert_eq!(
        rb.checksum(),
        Content::checksum_of(&visible(&content, "s2"))
    );
    // No page to b ever carried s1's article.
    let all_b = server.page(&b, 0, 500).await;
    assert!(all_b.changes.iter().all(|c| c.id != "s1-news"));

    // Move the article from s1 to s2: a gets a delete, b gets the record.
    let (ha, hb) = (ra.since, rb.since);
    m["articles"][1]["scope"] = "s2".into();
    server.push(&m).await;
    let pa = server.page(&a, ha, 500).await;
    let pb = server.page(&b, hb, 500).await;
    assert_eq!(pa.changes.len(), 1);
    assert_eq!(
        (pa.changes[0].id.as_str(), pa.changes[0].op),
        ("s1-news", Op::Delete)
    );
    assert_eq!(pb.changes.len(), 1);
    assert_eq!(
        (pb.changes[0].id.as_str(), pb.changes[0].op),
        ("s1-news", Op::Put)
    );
    ra.apply(&pa);
    rb.apply(&pb);
    let content = BundleDir::new(&m).content();
    assert_eq!(
        ra.checksum(),
        Content::checksum_of(&visible(&content, "s1"))
    );
    assert_eq!(
        rb.checksum(),
        Content::checksum_of(&visible(&content, "s2"))
    );

    // Deleting a record a kiosk never saw sends that kiosk nothing.
    let (ha, hb) = (ra.since, rb.since);
    m["events"]
        .as_array_mut()
        .expect("events")
        .retain(|e| e["id"] != "handicraft");
    server.push(&m).await;
    assert!(server.page(&a, ha, 500).await.changes.is_empty());
    let pb = server.page(&b, hb, 500).await;
    assert_eq!(
        (pb.changes[0].id.as_str(), pb.changes[0].op),
        ("handicraft", Op::Delete)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_cursor_gets_410_and_a_snapshot_still_works() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let mut m = manifest();
    server.push(&m).await;
    let old_cursor = 3;
    m["events"]
        .as_array_mut()
        .expect("events")
        .retain(|e| e["id"] != "closed-talk");
    server.push(&m).await;
    let head = server.head().await;

    // Before any purge every cursor is fine.
    server.page(&kiosk, old_cursor, 500).await;
    // Pretend 100 days passed: the tombstone is purged.
    let purged = server
        .state
        .purge_tombstones(chrono::Utc::now() + chrono::Duration::days(100))
        .await
        .expect("purges");
    assert_eq!(purged.tombstones, 1);
    assert_eq!(purged.purged_through, head);

    let r = server
        .get(&format!("/v1/changes?since={old_cursor}"), &kiosk)
        .await;
    let (status, code, _) = error_of(r).await;
    assert_eq!((status, code.as_str()), (410, "cursor_expired"));

    // A snapshot paging in small steps below the purge horizon is served when it began at or
    // after the horizon (it cannot miss a deletion), and refused when it began before it.
    let first = server.page(&kiosk, 0, 1).await;
    assert!(first.to > 0 && first.to < head, "a multi-page snapshot");
    let r = server
        .get(
            &format!(
                "/v1/changes?since={}&limit=1&snapshot_head={head}",
                first.to
            ),
            &kiosk,
        )
        .await;
    assert_eq!(
        r.status(),
        200,
        "snapshot pages below the horizon are served"
    );
    let r = server
        .get(
            &format!(
                "/v1/changes?since={}&limit=1&snapshot_head={}",
                first.to,
                head - 1
            ),
            &kiosk,
        )
        .await;
    let (status, code, _) = error_of(r).await;
    assert_eq!(
        (status, code.as_str()),
        (410, "cursor_expired"),
        "a snapshot that began before the purge may have missed a deletion"
    );

    // A kiosk at the head is unaffected; a snapshot (since=0) rebuilds without tombstones.
    assert!(server.page(&kiosk, head, 500).await.changes.is_empty());
    let mut fresh = Replica::default();
    fresh.sync(&server, &kiosk, 500).await;
    assert!(
        server
            .page(&kiosk, 0, 500)
            .await
            .changes
            .iter()
            .all(|c| c.op == Op::Put)
    );
    assert_eq!(
        fresh.checksum(),
        Content::checksum_of(&visible(&BundleDir::new(&m).content(), "s1"))
    );

    // A cursor from the future (another server's history) also means: resync.
    let r = server
        .get(&format!("/v1/changes?since={}", head + 10), &kiosk)
        .await;
    assert_eq!(error_of(r).await.0, 410);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flipped_byte_in_a_page_is_detected() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    server.push(&manifest()).await;
    let body = server
        .get("/v1/changes?since=0", &kiosk)
        .await
        .bytes()
        .await
        .expect("body")
        .to_vec();
    let good: ChangesPage = serde_json::from_slice(&body).expect("parses");
    good.verify(0).expect("verifies");
    let at = body
        .windows(b"Harbour walk".len())
        .position(|w| w == b"Harbour walk")
        .expect("title in body");
    let mut bad = body.clone();
    bad[at] = b'h';
    let parsed: ChangesPage = serde_json::from_slice(&bad).expect("still JSON");
    assert!(parsed.verify(0).is_err(), "checksum catches the flip");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_keep_commit_order_equal_to_sequence_order() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let base = manifest();
    server.push(&base).await;
    // Several pushes racing each other and a reader paging through meanwhile.
    let mut pushes = Vec::new();
    for i in 0..6 {
        let mut m = base.clone();
        m["articles"][0]["title"] = t(&format!("标题{i}"), &format!("Title {i}"));
        m["rooms"][0]["capacity"] = (30 + i).into();
        let client = server.client();
        pushes.push(tokio::spawn(async move {
            let bundle = BundleDir::new(&m);
            district_server::ctl::push_bundle(&client, bundle.path(), false, |_| {})
                .await
                .expect("push")
        }));
    }
    let mut replica = Replica::default();
    for _ in 0..3 {
        replica.sync(&server, &kiosk, 3).await;
    }
    for p in pushes {
        p.await.expect("joins");
    }
    replica.sync(&server, &kiosk, 3).await;
    // Whatever push won last, the replica equals what the server publishes now.
    let live = server
        .state
        .db
        .read(|tx| district_server::storage::records::live(tx, &Kind::ALL))
        .await
        .expect("live");
    let records: Vec<_> = live
        .into_iter()
        .map(|((k, _), v)| protocol::content::Record::from_json(k, v).expect("record"))
        .filter(|r| r.scope().is_none_or(|s| s == "s1"))
        .collect();
    assert_eq!(replica.checksum(), Content::checksum_of(&records));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_bundle_pushes_and_every_station_converges() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let bundle = district_server::ctl::load_bundle(&demo).expect("assets/demo validates");
    let server = TestServer::start().await;
    let outcome = district_server::ctl::push_loaded(&server.client(), &bundle, false, |_| {})
        .await
        .expect("pushes");
    assert_eq!(outcome.uploaded.len(), bundle.blobs.len());
    assert_eq!(outcome.plan.change_count(), bundle.content.records().len());
    for station in &bundle.content.stations {
        let token = server.kiosk(&format!("kiosk-{}", station.id), &station.id);
        let mut replica = Replica::default();
        replica.sync(&server, &token, 50).await;
        assert_eq!(
            replica.checksum(),
            Content::checksum_of(&visible(&bundle.content, &station.id)),
            "station {}",
            station.id
        );
    }
    let again = server.try_push(&manifest(), true).await.expect("dry run");
    assert!(
        again.plan.change_count() > 0,
        "a different bundle would change things"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_change_is_one_district_record_in_the_feed() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s2");
    let mut m = manifest();
    server.push(&m).await;
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    assert_eq!(
        replica.ids(Kind::District),
        ["zhongshan"],
        "every kiosk gets the district, whatever its station"
    );
    let head = replica.since;

    m["district"]["brand"]["welcome"] = t("欢迎来到黄龙", "Welcome to Huanglong");
    m["district"]["brand"]["accent"] = serde_json::json!("#1B6E5A");
    let plan = server.push(&m).await;
    assert_eq!(plan.change_count(), 1);
    assert!(plan.district_changed);
    let district = plan
        .kinds
        .iter()
        .find(|k| k.kind == Kind::District)
        .expect("the district is a pushed kind");
    assert_eq!(district.changed, ["zhongshan"]);

    let page = server.page(&kiosk, head, 500).await;
    assert_eq!(page.changes.len(), 1, "{page:?}");
    let put = &page.changes[0];
    assert_eq!(
        (put.kind, put.id.as_str(), put.op),
        (Kind::District, "zhongshan", Op::Put)
    );
    let data = put.data.as_ref().expect("data");
    assert_eq!(data["brand"]["welcome"]["en"], "Welcome to Huanglong");
    assert_eq!(data["brand"]["accent"], "#1B6E5A");
    assert_eq!(data["timezone"], "Asia/Shanghai");
}
