//! Urgent notices against the real server on 127.0.0.1: posted by staff, they travel through
//! the feed to the kiosks they target (district-wide or one station), a retried post is not
//! posted twice, bad ones are refused with every problem named, ending one withdraws it, and
//! each step is in the audit log.

mod common;

use chrono::{Duration, Utc};
use common::{TestServer, error_of, manifest, t};
use protocol::content::{Kind, Notice};
use protocol::wire::Op;
use serde_json::{Value, json};

fn notice(station: Option<&str>, hours: i64) -> Value {
    let start = Utc::now().fixed_offset();
    let mut body = json!({
        "id": district_server::notices::new_id(),
        "title": t("台风预警", "Typhoon warning"),
        "text": t("今晚各驿站提前关闭，请注意安全。", "All stations close early tonight. Stay safe."),
        "ends_at": (start + Duration::hours(hours)).to_rfc3339(),
    });
    if let Some(s) = station {
        body["station"] = json!(s);
    }
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_reaches_the_kiosks_it_targets_through_the_feed() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let at_s1 = server.kiosk("lobby-1", "s1");
    let at_s2 = server.kiosk("lobby-2", "s2");
    let head = server.head().await;

    let everyone = notice(None, 3);
    let r = server
        .post_json("/v1/staff/notices", &server.staff, &everyone)
        .await;
    assert_eq!(r.status(), 201);
    let posted: Notice = r.json().await.expect("notice");
    assert_eq!(posted.scope, None);
    assert!(posted.is_live(Utc::now().fixed_offset()));

    let only_s2 = notice(Some("s2"), 1);
    let r = server
        .post_json("/v1/staff/notices", &server.staff, &only_s2)
        .await;
    assert_eq!(r.status(), 201);

    // s1 sees the district-wide notice only; s2 sees both.
    let page = server.page(&at_s1, head, 500).await;
    let ids: Vec<&str> = page.changes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [posted.id.as_str()], "{page:?}");
    assert_eq!(page.changes[0].kind, Kind::Notice);
    let page = server.page(&at_s2, head, 500).await;
    assert_eq!(page.changes.len(), 2);
    assert_eq!(
        page.changes[1].data.as_ref().expect("data")["scope"],
        json!("s2")
    );

    // A retry of the same post (its answer was lost) posts nothing new.
    let r = server
        .post_json("/v1/staff/notices", &server.staff, &only_s2)
        .await;
    assert_eq!(r.status(), 200);
    let head_now = server.head().await;
    assert_eq!(head_now, head + 2);
    // The same id with other words is a conflict.
    let mut changed = only_s2.clone();
    changed["title"] = t("停电通知", "Power cut");
    let (status, code, _) = error_of(
        server
            .post_json("/v1/staff/notices", &server.staff, &changed)
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "conflict"));

    // Listed newest first.
    let list: Value = server
        .get("/v1/staff/notices", &server.staff)
        .await
        .json()
        .await
        .expect("list");
    let listed: Vec<&str> = list["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert_eq!(
        listed,
        [only_s2["id"].as_str().expect("id"), posted.id.as_str()]
    );

    // Ending one withdraws it from the feed.
    let r = server
        .post_json(
            &format!("/v1/staff/notices/{}/end", posted.id),
            &server.staff,
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let page = server.page(&at_s1, head_now, 500).await;
    assert_eq!(page.changes.len(), 1);
    assert_eq!(
        (page.changes[0].id.as_str(), page.changes[0].op),
        (posted.id.as_str(), Op::Delete)
    );
    let r = server
        .post_json(
            &format!("/v1/staff/notices/{}/end", posted.id),
            &server.staff,
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 404);

    // Each step is in the audit log.
    let db = district_server::storage::Db::open(&server.config().db_path()).expect("db");
    let entries = db
        .read_blocking(|tx| {
            district_server::storage::audit::list(
                tx,
                &district_server::storage::audit::AuditFilter {
                    kind: Some("notice".into()),
                    ..Default::default()
                },
                50,
            )
        })
        .expect("audit");
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["ended", "posted", "posted"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_notice_is_refused_with_every_problem_and_changes_nothing() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let head = server.head().await;

    let mut bad = notice(None, 1);
    bad["title"] = t("台风预警", "");
    bad["text"] = t(&"长".repeat(300), "ok");
    bad["starts_at"] = json!(
        (Utc::now() + Duration::hours(2))
            .fixed_offset()
            .to_rfc3339()
    );
    let (status, code, body) = error_of(
        server
            .post_json("/v1/staff/notices", &server.staff, &bad)
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "invalid_notice"));
    let details = body["details"].to_string();
    for want in [
        "title.en",
        "text.zh: 300 characters",
        "ends_at: must be later",
    ] {
        assert!(details.contains(want), "{want} in {details}");
    }

    let (status, _, body) = error_of(
        server
            .post_json(
                "/v1/staff/notices",
                &server.staff,
                &notice(Some("no-such-station"), 1),
            )
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["message"].to_string().contains("no-such-station"));

    let mut not_an_id = notice(None, 1);
    not_an_id["id"] = json!("../../etc");
    let (status, _, _) = error_of(
        server
            .post_json("/v1/staff/notices", &server.staff, &not_an_id)
            .await,
    )
    .await;
    assert_eq!(status, 422);

    // A kiosk token cannot post one.
    let kiosk = server.kiosk("lobby-1", "s1");
    let r = server
        .post_json("/v1/staff/notices", &kiosk, &notice(None, 1))
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(server.head().await, head, "nothing was published");
}
