//! Tokens, roles, schema negotiation, and clear JSON errors that change nothing.

mod common;

use common::{BundleDir, TestServer, error_of, manifest, png, t};
use district_server::ctl::CtlError;
use protocol::content::{Content, sha256_hex};
use protocol::wire::{SCHEMA_HEADER, SCHEMA_VERSION, SUPPORTED_SCHEMAS_HEADER};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_reach_only_their_routes() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let staff = server.staff.clone();
    let staff_routes = [
        ("GET", "/v1/staff/kiosks"),
        ("GET", "/v1/staff/wishes"),
        ("POST", "/v1/staff/push"),
        ("POST", "/v1/staff/blobs/missing"),
        ("GET", "/v1/staff/events/finance-talk/signups"),
    ];
    let kiosk_routes = [
        ("GET", "/v1/changes?since=0"),
        ("GET", "/v1/kiosk"),
        ("POST", "/v1/submissions"),
        ("POST", "/v1/heartbeat"),
        (
            "GET",
            "/v1/blobs/sha256/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
    ];
    let call = |method: &str, path: &str, token: Option<&str>| {
        let mut req = server
            .http
            .request(method.parse().expect("method"), server.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if method == "POST" {
            req = req.json(&json!({}));
        }
        req.send()
    };
    for (method, path) in staff_routes {
        let r = call(method, path, Some(&kiosk)).await.expect("request");
        let (status, code, _) = error_of(r).await;
        assert_eq!(
            (status, code.as_str()),
            (403, "forbidden"),
            "{method} {path} with a kiosk token"
        );
    }
    for (method, path) in kiosk_routes {
        let r = call(method, path, Some(&staff)).await.expect("request");
        let (status, code, _) = error_of(r).await;
        assert_eq!(
            (status, code.as_str()),
            (403, "forbidden"),
            "{method} {path} with a staff token"
        );
    }
    for (method, path) in staff_routes.iter().chain(kiosk_routes.iter()) {
        let r = call(method, path, None).await.expect("request");
        assert!(r.headers().contains_key("www-authenticate"));
        let (status, code, _) = error_of(r).await;
        assert_eq!(
            (status, code.as_str()),
            (401, "unauthorized"),
            "{method} {path} without a token"
        );
        let r = call(method, path, Some("lkk_not-a-real-token"))
            .await
            .expect("request");
        assert_eq!(
            error_of(r).await.0,
            401,
            "{method} {path} with a made-up token"
        );
    }
    // The feed checks the token before it judges the query.
    let r = server
        .get("/v1/changes?since=oops", "lkk_not-a-real-token")
        .await;
    assert_eq!(error_of(r).await.0, 401, "a made-up token and a bad query");
    let r = server.get("/v1/changes?since=oops", &kiosk).await;
    assert_eq!(error_of(r).await.0, 400, "a kiosk's bad query");
    // A removed kiosk's token stops working at once.
    district_server::admin::remove_kiosk(&server.config(), "lobby-1").expect("removes");
    let r = server.get("/v1/changes?since=0", &kiosk).await;
    assert_eq!(error_of(r).await.0, 401);
    // Tokens are stored hashed only.
    let db = server.config().db_path();
    let mut raw = std::fs::read(&db).expect("db");
    raw.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
    let text = String::from_utf8_lossy(&raw);
    let hash = district_server::auth::hash_token(&staff);
    assert!(text.contains(&hash), "the hash is what is stored");
    assert!(!text.contains(&staff) && !text.contains(&kiosk));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsupported_schema_gets_426() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let r = server
        .http
        .get(server.url("/v1/changes?since=0"))
        .bearer_auth(&kiosk)
        // A kiosk of schema 1 (before claims and availability).
        .header(SCHEMA_HEADER, "1")
        .send()
        .await
        .expect("request");
    assert_eq!(
        r.headers()
            .get(SUPPORTED_SCHEMAS_HEADER)
            .and_then(|v| v.to_str().ok()),
        Some(SCHEMA_VERSION.to_string().as_str())
    );
    let (status, code, _) = error_of(r).await;
    assert_eq!((status, code.as_str()), (426, "unsupported_schema"));
    let r = server.get("/v1/changes?since=0&schema=7", &kiosk).await;
    assert_eq!(error_of(r).await.0, 426);
    let r = server.get("/v1/changes?since=0&schema=2", &kiosk).await;
    assert_eq!(
        error_of(r).await.0,
        426,
        "schema 2 kiosks refuse `wish_wall`"
    );
    let r = server.get("/v1/changes?since=0&schema=3", &kiosk).await;
    assert_eq!(
        error_of(r).await.0,
        426,
        "schema 3 kiosks refuse a section's `icon_file`"
    );
    let current = format!("/v1/changes?since=0&schema={SCHEMA_VERSION}");
    let r = server.get(&current, &kiosk).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_json_errors() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    server.push(&manifest()).await;
    let head = server.head().await;
    let cases = [
        (server.get("/v1/changes", &kiosk).await, 400, "bad_request"),
        (
            server.get("/v1/changes?since=abc", &kiosk).await,
            400,
            "bad_request",
        ),
        (
            server.get("/v1/changes?since=0&limit=0", &kiosk).await,
            400,
            "bad_request",
        ),
        (
            server.get("/v1/nothing-here", &kiosk).await,
            404,
            "not_found",
        ),
        (
            server.get("/v1/blobs/sha256/NOT-HEX", &kiosk).await,
            400,
            "bad_request",
        ),
        (
            server
                .get(
                    &format!("/v1/blobs/sha256/{}", sha256_hex(b"absent")),
                    &kiosk,
                )
                .await,
            404,
            "not_found",
        ),
        (
            server
                .http
                .delete(server.url("/v1/changes"))
                .bearer_auth(&kiosk)
                .send()
                .await
                .expect("request"),
            405,
            "method_not_allowed",
        ),
        (
            server
                .http
                .post(server.url("/v1/submissions"))
                .bearer_auth(&kiosk)
                .header("content-type", "application/json")
                .body("{\"items\": [")
                .send()
                .await
                .expect("request"),
            400,
            "bad_json",
        ),
        (
            server
                .http
                .post(server.url("/v1/submissions"))
                .bearer_auth(&kiosk)
                .body("{\"items\": []}")
                .send()
                .await
                .expect("request"),
            415,
            "unsupported_media_type",
        ),
        (
            server
                .post_json("/v1/heartbeat", &kiosk, &json!({ "kiosk_version": "1" }))
                .await,
            422,
            "bad_json",
        ),
        (
            server
                .http
                .post(server.url("/v1/submissions"))
                .bearer_auth(&kiosk)
                .header("content-type", "application/json")
                .body(vec![b' '; 2 * 1024 * 1024])
                .send()
                .await
                .expect("request"),
            413,
            "body_too_large",
        ),
    ];
    for (i, (response, status, code)) in cases.into_iter().enumerate() {
        let (got_status, got_code, body) = error_of(response).await;
        assert_eq!(
            (got_status, got_code.as_str()),
            (status, code),
            "case {i}: {body}"
        );
    }
    assert_eq!(server.head().await, head, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bundles_say_why_and_change_nothing() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let good = manifest();
    server.push(&good).await;
    let head = server.head().await;
    let before = server.page(&kiosk, 0, 500).await;

    // Caught by kioskctl before anything is sent.
    let mut m = good.clone();
    m["articles"][0]["title"] = t("海港漫步", "");
    m["articles"][1]["section"] = "nowhere".into();
    let e = server.try_push(&m, false).await.expect_err("invalid");
    let text = e.to_string();
    assert!(matches!(e, CtlError::Bundle { .. }), "{text}");
    assert!(
        text.contains("articles[0] \"harbour-walk\"") && text.contains("title.en"),
        "{text}"
    );
    assert!(text.contains("`nowhere`"), "{text}");

    // Sent directly (not through kioskctl): the server applies the same rules.
    let mut content: Content = BundleDir::new(&good).content();
    content.events[0].room = "s2-salon".into();
    content.sections[0].color = "blue".into();
    let r = server
        .post_json(
            "/v1/staff/push",
            &server.staff,
            &json!({ "content": content }),
        )
        .await;
    let (status, code, body) = error_of(r).await;
    assert_eq!((status, code.as_str()), (422, "invalid_bundle"), "{body}");
    let details: Vec<String> = serde_json::from_value(body["details"].clone()).expect("details");
    assert_eq!(details.len(), 2, "{details:?}");
    assert!(
        details
            .iter()
            .any(|d| d.contains("events[0] \"finance-talk\"") && d.contains("room")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("sections[0]") && d.contains("color")),
        "{details:?}"
    );

    // Images the server lacks.
    let mut content: Content = BundleDir::new(&good).content();
    content.articles[0].images[0].sha256 = sha256_hex(b"never uploaded");
    let r = server
        .post_json(
            "/v1/staff/push",
            &server.staff,
            &json!({ "content": content }),
        )
        .await;
    let (status, code, body) = error_of(r).await;
    assert_eq!((status, code.as_str()), (422, "missing_blobs"), "{body}");
    assert_eq!(body["details"][0], sha256_hex(b"never uploaded"));

    // Wishes never come in a push.
    let mut content: Content = BundleDir::new(&good).content();
    content.wishes.push(protocol::content::Wish {
        id: "w".into(),
        text: "x".into(),
        lang: protocol::text::Lang::En,
        display_name: Some("x".into()),
        status: protocol::content::WishStatus::Approved,
        created_at: chrono::Utc::now().fixed_offset(),
        scope: None,
    });
    let r = server
        .post_json(
            "/v1/staff/push",
            &server.staff,
            &json!({ "content": content }),
        )
        .await;
    assert_eq!(error_of(r).await.1, "invalid_bundle");

    // Uploads that are not what they claim, or not images.
    let bytes = png(99);
    let r = server
        .http
        .put(server.url(&format!("/v1/staff/blobs/sha256/{}", sha256_hex(b"other"))))
        .bearer_auth(&server.staff)
        .body(bytes.clone())
        .send()
        .await
        .expect("request");
    assert_eq!(error_of(r).await.1, "invalid_blob");
    let text = b"not an image at all".to_vec();
    let r = server
        .http
        .put(server.url(&format!("/v1/staff/blobs/sha256/{}", sha256_hex(&text))))
        .bearer_auth(&server.staff)
        .body(text)
        .send()
        .await
        .expect("request");
    let (status, code, body) = error_of(r).await;
    assert_eq!((status, code.as_str()), (422, "invalid_blob"), "{body}");

    assert_eq!(server.head().await, head, "nothing changed");
    let after = server.page(&kiosk, 0, 500).await;
    assert_eq!(after.checksum, before.checksum);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_show_up_for_staff() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    server.kiosk("lobby-2", "s2");
    server.push(&manifest()).await;
    let head = server.head().await;
    let r = server
        .post_json(
            "/v1/heartbeat",
            &kiosk,
            &json!({ "kiosk_version": "0.1.0", "content_seq": 3, "outbox_depth": 2,
                     "free_disk_bytes": 5_000_000_000u64, "clock": "2030-01-01T08:00:00+08:00" }),
        )
        .await;
    assert_eq!(r.status(), 200);
    let reply: protocol::wire::HeartbeatReply = r.json().await.expect("reply");
    assert_eq!(reply.head, head);
    let list = server.client().kiosks().await.expect("kiosks");
    assert_eq!(list.head, head);
    assert_eq!(list.kiosks.len(), 2);
    let k = &list.kiosks[0];
    assert_eq!(k.id, "lobby-1");
    assert_eq!(k.kiosk_version.as_deref(), Some("0.1.0"));
    assert_eq!((k.content_seq, k.outbox_depth), (Some(3), Some(2)));
    assert!(k.last_seen_at.is_some());
    assert!(list.kiosks[1].last_seen_at.is_none());
    let table = district_server::ctl::format_kiosks(&list, chrono::Utc::now());
    assert!(
        table.contains(&format!("3 ({} behind)", head - 3)),
        "{table}"
    );
    assert!(table.contains("never"), "{table}");
}
