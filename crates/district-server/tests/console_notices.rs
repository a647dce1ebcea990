//! The console's notices page against the real server on 127.0.0.1: an editor posts an urgent
//! notice for one station through the plain form, it is in the feed for that station's kiosk
//! only, a bad one is shown again with its problems and publishes nothing, ending it withdraws
//! it; a moderator cannot open the page.

mod common;
mod console_common;

use common::{TestServer, manifest};
use console_common::{Browser, add_user};
use district_server::accounts::StaffRole;
use protocol::content::Kind;
use protocol::wire::Op;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_posts_and_ends_a_notice_for_one_station() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let at_s1 = server.kiosk("lobby-1", "s1");
    let at_s2 = server.kiosk("lobby-2", "s2");
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let head = server.head().await;

    // Missing English: shown again, with what was typed, and nothing published.
    let refused = b
        .post(
            "/console/notices",
            "/console/notices",
            &[
                ("title_zh", "电梯检修"),
                ("title_en", ""),
                ("text_zh", "请使用东侧电梯。"),
                ("text_en", "Please use the east lifts."),
                ("station", "s2"),
                ("hours", "3"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("电梯检修"),
        "the form keeps what was typed"
    );
    assert!(refused.body.contains("title.en"), "{}", refused.body);
    assert_eq!(server.head().await, head);

    let posted = b
        .post(
            "/console/notices",
            "/console/notices",
            &[
                ("title_zh", "电梯检修"),
                ("title_en", "Lift maintenance"),
                ("text_zh", "请使用东侧电梯。"),
                ("text_en", "Please use the east lifts."),
                ("station", "s2"),
                ("hours", "3"),
            ],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let page = b.get("/console/notices").await;
    assert!(page.body.contains("Lift maintenance"));

    assert!(server.page(&at_s1, head, 500).await.changes.is_empty());
    let feed = server.page(&at_s2, head, 500).await;
    assert_eq!(feed.changes.len(), 1);
    let change = &feed.changes[0];
    assert_eq!((change.kind, change.op), (Kind::Notice, Op::Put));

    let end = format!("/console/notices/{}/end", change.id);
    let ended = b.post("/console/notices", &end, &[]).await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    let feed = server.page(&at_s2, feed.to, 500).await;
    assert_eq!(feed.changes[0].op, Op::Delete);

    let audit = district_server::storage::Db::open(&server.config().db_path())
        .expect("db")
        .read_blocking(|tx| {
            district_server::storage::audit::list(
                tx,
                &district_server::storage::audit::AuditFilter {
                    kind: Some("notice".into()),
                    ..Default::default()
                },
                10,
            )
        })
        .expect("audit");
    let who: Vec<(&str, &str)> = audit
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(who, [("ed", "ended"), ("ed", "posted")]);

    // Moderators look after visitors' text, not announcements.
    add_user(&server.config(), "mo", StaffRole::Moderator);
    let m = Browser::new(&server.base);
    m.login("mo").await;
    assert_eq!(m.get("/console/notices").await.status, 403);
}
