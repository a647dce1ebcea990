//! The console's pages doing their jobs, through plain forms, against the real server on
//! 127.0.0.1: languages, moderation of wishes and sign-ups, kiosks (register, rotate, revoke,
//! offline problems, live screenshots), people, and the audit log of all of it.

mod common;
mod console_common;

use common::{Replica, TestServer, manifest, png};
use console_common::{Browser, add_user};
use district_server::accounts::StaffRole;
use protocol::content::{Kind, Record, WishStatus};
use protocol::text::Lang;
use protocol::wire::{
    ClaimSubmission, HeartbeatReply, SignupSubmission, Submission, SubmissionId, SubmissionResults,
    WishSubmission,
};
use serde_json::json;

fn new_id() -> SubmissionId {
    SubmissionId::parse(&uuid::Uuid::now_v7().to_string()).expect("v7")
}

async fn submit(server: &TestServer, token: &str, item: Submission) {
    let r = server
        .post_json("/v1/submissions", token, &json!({ "items": [item] }))
        .await;
    assert_eq!(r.status(), 200);
    let results: SubmissionResults = r.json().await.expect("results");
    assert_eq!(
        results.results[0].status,
        protocol::wire::SubmissionStatus::Accepted,
        "{:?}",
        results.results[0]
    );
}

fn wish(text: &str, lang: Lang, name: &str) -> Submission {
    Submission::wish(
        new_id(),
        chrono::Utc::now().fixed_offset(),
        &WishSubmission {
            text: text.into(),
            lang,
            display_name: Some(name.into()),
        },
    )
}

async fn heartbeat(server: &TestServer, token: &str) -> HeartbeatReply {
    let r = server
        .post_json(
            "/v1/heartbeat",
            token,
            &json!({ "kiosk_version": "0.1.0", "content_seq": 0, "outbox_depth": 0,
                     "clock": chrono::Utc::now().fixed_offset().to_rfc3339() }),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.expect("reply")
}

fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chinese_by_default_english_on_request_on_every_page() {
    let server = TestServer::start().await;
    add_user(&server.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&server.base);
    let login = b.get("/console/login").await;
    assert!(login.body.contains("<html lang=\"zh-CN\""));
    assert!(login.body.contains("登录"));
    b.login("ada").await;
    for path in [
        "/console/",
        "/console/wishes",
        "/console/events",
        "/console/kiosks",
        "/console/users",
        "/console/audit",
        "/console/account",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("微心愿"), "{path} in Chinese");
        assert!(
            page.body.contains("/console/lang/en?next="),
            "{path} offers English"
        );
    }
    let page = b
        .get("/console/lang/en?next=%2Fconsole%2Fwishes%3Fstatus%3Drejected")
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location(),
        "/console/wishes?status=rejected",
        "comes back"
    );
    let page = b.get("/console/wishes").await;
    assert!(page.body.contains("<html lang=\"en\""));
    assert!(page.body.contains("Wishes") && !page.body.contains("微心愿"));
    assert!(page.body.contains("/console/lang/zh?next="));
    // The switch never sends anyone off the console.
    for evil in [
        "https://evil.example/",
        "//evil.example/",
        "/v1/staff/kiosks",
        "/console\\..\\x",
    ] {
        let page = b
            .get(&format!("/console/lang/zh?next={}", urlencode(evil)))
            .await;
        assert_eq!(page.location(), "/console/", "{evil}");
    }
    // A page that does not exist says so as a page, in the chosen language.
    let missing = b.get("/console/no/such/page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<h1>") && missing.body.contains("找不到要找的内容"));
    // The stylesheet is served by the binary.
    let css = b.get("/console/static/console.css").await;
    assert_eq!(css.status, 200);
    assert!(
        css.headers["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/css")
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_approve_and_reject_wishes_exactly_as_typed() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "mo", StaffRole::Moderator);
    let typed = "希望有 <b>英文书</b> & \"漫画\"\n第二行";
    submit(&server, &kiosk, wish(typed, Lang::Zh, "李")).await;
    submit(
        &server,
        &kiosk,
        wish("More bike racks please", Lang::En, "Sam"),
    )
    .await;
    let b = Browser::new(&server.base);
    b.login("mo").await;
    let queue = b.get("/console/wishes").await;
    assert_eq!(queue.status, 200);
    assert!(
        queue.body.contains(&escaped(typed)),
        "shown exactly, escaped: {}",
        queue.body
    );
    assert!(!queue.body.contains("<b>英文书</b>"), "never as markup");
    assert!(queue.body.contains("lang=\"zh\"") && queue.body.contains("lang=\"en\""));
    assert!(queue.body.contains("lobby-1") && queue.body.contains("s1"));
    let ids: Vec<String> = queue
        .body
        .match_indices("data-wish=\"")
        .map(|(at, m)| queue.body[at + m.len()..at + m.len() + 36].to_string())
        .collect();
    assert_eq!(ids.len(), 2);

    // Rejecting needs a reason.
    let page = b
        .post(
            "/console/wishes",
            &format!("/console/wishes/{}/reject", ids[1]),
            &[("note", "  ")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("需要写明理由"));
    let page = b
        .post(
            "/console/wishes",
            &format!("/console/wishes/{}/reject", ids[1]),
            &[("note", "not a wish for the station")],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = b
        .post(
            "/console/wishes",
            &format!("/console/wishes/{}/approve", ids[0]),
            &[("district_wide", "true")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/console/wishes?done=wish-approved");
    // A second approval (a colleague's stale page) changes nothing.
    let page = b
        .post(
            "/console/wishes",
            &format!("/console/wishes/{}/approve", ids[0]),
            &[],
        )
        .await;
    assert_eq!(page.status, 409);

    // The approved wish reaches a kiosk of another station (district-wide), exactly as typed.
    let other = server.kiosk("lobby-2", "s2");
    let mut replica = Replica::default();
    replica.sync(&server, &other, 500).await;
    assert_eq!(replica.ids(Kind::Wish), vec![ids[0].clone()]);
    let rejected = b.get("/console/wishes?status=rejected").await;
    assert!(rejected.body.contains("not a wish for the station"));
    assert!(rejected.body.contains("More bike racks please"));

    // The audit log holds who did it, before and after.
    add_user(&server.config(), "ada", StaffRole::Admin);
    let admin = Browser::new(&server.base);
    admin.login("ada").await;
    let audit = admin.get("/console/audit?actor=mo&kind=wish").await;
    assert_eq!(
        audit.body.matches("<td>approved</td>").count(),
        1,
        "{}",
        audit.body
    );
    assert_eq!(audit.body.matches("<td>rejected</td>").count(), 1);
    assert!(
        audit
            .body
            .contains("&quot;status&quot;: &quot;pending&quot;"),
        "before"
    );
    assert!(
        audit
            .body
            .contains("&quot;status&quot;: &quot;approved&quot;"),
        "after"
    );
    let none = admin.get("/console/audit?actor=mo&kind=kiosk").await;
    assert!(none.body.contains("没有符合条件的记录"));
    // Filtered by date: a range without these decisions shows none, one with them both.
    let long_ago = admin
        .get("/console/audit?actor=mo&kind=wish&from=2000-01-01&to=2000-12-31")
        .await;
    assert!(
        long_ago.body.contains("没有符合条件的记录"),
        "{}",
        long_ago.body
    );
    let around = admin
        .get("/console/audit?actor=mo&kind=wish&from=2000-01-01&to=2999-12-31")
        .await;
    assert_eq!(around.body.matches("<td>approved</td>").count(), 1);

    // Fulfilled: marked in the console, the kiosks follow with their next sync.
    let page = b
        .post(
            "/console/wishes?status=approved",
            &format!("/console/wishes/{}/fulfil", ids[0]),
            &[("note", "送到了")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    replica.sync(&server, &other, 500).await;
    let Some(Record::Wish(w)) = replica.records.get(&(Kind::Wish, ids[0].clone())) else {
        panic!("the wish is still in the feed, fulfilled");
    };
    assert_eq!(w.status, WishStatus::Fulfilled);
    let fulfilled = b.get("/console/wishes?status=fulfilled").await;
    assert!(fulfilled.body.contains(&ids[0]), "{}", fulfilled.body);
}

/// The ids in `data-NAME="…"` attributes of a page, in order.
fn ids_of(body: &str, attr: &str) -> Vec<String> {
    let marker = format!("data-{attr}=\"");
    body.match_indices(&marker)
        .map(|(at, m)| {
            let rest = &body[at + m.len()..];
            rest[..rest.find('"').expect("closing quote")].to_string()
        })
        .collect()
}

fn wish_status_on_kiosk(replica: &Replica, id: &str) -> protocol::content::WishStatus {
    match replica.records.get(&(Kind::Wish, id.to_string())) {
        Some(protocol::content::Record::Wish(w)) => w.status,
        other => panic!("wish {id} on the kiosk: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_match_and_decline_offers_to_fulfil_a_wish() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "mo", StaffRole::Moderator);
    add_user(&server.config(), "ed", StaffRole::Editor);
    submit(&server, &kiosk, wish("想学做饺子", Lang::Zh, "李")).await;
    let b = Browser::new(&server.base);
    b.login("mo").await;
    let wish_id = ids_of(&b.get("/console/wishes").await.body, "wish").remove(0);
    let page = b
        .post(
            "/console/wishes",
            &format!("/console/wishes/{wish_id}/approve"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303);

    // Two neighbours offer to help, through a kiosk.
    for (name, contact, note) in [
        ("王阿姨", "13800138000", "周末有空 <i>包饺子</i>"),
        ("Tom", "tom@example.org", "I can bring flour"),
    ] {
        submit(
            &server,
            &kiosk,
            Submission::claim(
                new_id(),
                chrono::Utc::now().fixed_offset(),
                &ClaimSubmission {
                    wish: wish_id.clone(),
                    name: name.into(),
                    contact: contact.into(),
                    note: Some(note.into()),
                },
            ),
        )
        .await;
    }
    let offers = b.get("/console/wishes?status=offers").await;
    assert_eq!(offers.status, 200);
    assert!(offers.body.contains("待处理认领 (2)"), "{}", offers.body);
    assert_eq!(ids_of(&offers.body, "wish"), vec![wish_id.clone()]);
    let claims = ids_of(&offers.body, "claim");
    assert_eq!(claims.len(), 2);
    assert!(offers.body.contains("王阿姨") && offers.body.contains("+8613800138000"));
    assert!(offers.body.contains("tom@example.org"));
    assert!(
        offers.body.contains("周末有空 &lt;i&gt;包饺子&lt;/i&gt;"),
        "note as text"
    );

    // Matching one: the wish shows as claimed on a kiosk after its next sync.
    let page = b
        .post(
            "/console/wishes?status=offers",
            &format!("/console/claims/{}/match", claims[0]),
            &[("note", "called her on Monday")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(
        page.location(),
        "/console/wishes?status=claimed&done=claim-matched"
    );
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    assert_eq!(
        wish_status_on_kiosk(&replica, &wish_id),
        protocol::content::WishStatus::Claimed
    );
    let claimed = b.get("/console/wishes?status=claimed").await;
    assert!(claimed.body.contains("called her on Monday"));
    assert!(claimed.body.contains("已对接") && claimed.body.contains("待处理认领 (1)"));
    // A colleague's stale page matching it again changes nothing.
    let page = b
        .post(
            "/console/wishes?status=offers",
            &format!("/console/claims/{}/match", claims[0]),
            &[],
        )
        .await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("这条认领的状态已经变了"));

    // Declining the other, then the matched one: the wish is open (on show) again.
    for id in [&claims[1], &claims[0]] {
        let page = b
            .post(
                "/console/wishes?status=claimed",
                &format!("/console/claims/{id}/decline"),
                &[],
            )
            .await;
        assert_eq!(page.status, 303);
    }
    replica.sync(&server, &kiosk, 500).await;
    assert_eq!(
        wish_status_on_kiosk(&replica, &wish_id),
        protocol::content::WishStatus::Approved
    );
    // No contact ever reaches a kiosk.
    let feed = format!("{:?}", replica.records);
    assert!(!feed.contains("13800138000") && !feed.contains("tom@example.org"));

    // Editors cannot see offers or their contacts, nor decide them.
    let ed = Browser::new(&server.base);
    ed.login("ed").await;
    assert_eq!(ed.get("/console/wishes?status=offers").await.status, 403);
    let page = ed
        .post(
            "/console/account",
            &format!("/console/claims/{}/match", claims[1]),
            &[],
        )
        .await;
    assert_eq!(page.status, 403);

    // The audit log has each decision, without the helper's contact.
    add_user(&server.config(), "ada", StaffRole::Admin);
    let admin = Browser::new(&server.base);
    admin.login("ada").await;
    let audit = admin.get("/console/audit?actor=mo&kind=claim").await;
    assert_eq!(audit.body.matches("<td>matched</td>").count(), 1);
    assert_eq!(audit.body.matches("<td>declined</td>").count(), 2);
    assert!(!audit.body.contains("13800138000") && !audit.body.contains("tom@example.org"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_show_places_export_csv_and_cancel() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    for (name, contact, party) in [
        ("王芳", "138 0000 0000", 2),
        ("=cmd|evil", "someone@example.com", 1),
    ] {
        submit(
            &server,
            &kiosk,
            Submission::signup(
                new_id(),
                chrono::Utc::now().fixed_offset(),
                &SignupSubmission {
                    event: "finance-talk".into(),
                    occurrence_start: None,
                    name: name.into(),
                    contact: contact.into(),
                    party_size: party,
                },
            ),
        )
        .await;
    }
    // Removing the event (or its room) warns an editor of its sign-ups: how many, not who.
    add_user(&server.config(), "eddie", StaffRole::Editor);
    let ed = Browser::new(&server.base);
    ed.login("eddie").await;
    for path in [
        "/console/content/remove/event/finance-talk",
        "/console/content/remove/room/s1-reading",
    ] {
        let removal = ed.get(path).await;
        assert!(
            removal.body.contains("将删除的活动还有 2 个未取消的报名"),
            "{path}: {}",
            removal.body
        );
        assert!(
            // The whole contact: "138" alone turns up now and then in the form's CSRF token (hex).
            !removal.body.contains("王芳") && !removal.body.contains("138 0000 0000"),
            "no names or contacts for editors"
        );
    }
    add_user(&server.config(), "mo", StaffRole::Moderator);
    let b = Browser::new(&server.base);
    b.login("mo").await;
    let events = b.get("/console/events").await;
    assert!(events.body.contains("理财讲座"));
    assert!(
        events.body.contains("2 人次报名，共 3 位"),
        "{}",
        events.body
    );
    let page = b.get("/console/events/finance-talk").await;
    assert!(
        page.body.contains("已报 3 位") && page.body.contains("剩余 0 位"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("+8613800000000"),
        "moderators see contacts (stored normalised)"
    );
    let csv = b.get("/console/events/finance-talk/signups.csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/csv")
    );
    assert!(csv.body.starts_with('\u{feff}'), "BOM for spreadsheets");
    assert!(
        csv.body.contains("王芳,'+8613800000000,2"),
        "a phone number stays text in a spreadsheet"
    );
    assert!(csv.body.contains("'=cmd|evil"), "no formula injection");
    // Cancel the party of two: places are free again for the next visitor.
    let at = page.body.find("/console/signups/").expect("cancel form") + "/console/signups/".len();
    let id = &page.body[at..at + 36];
    let done = b
        .post(
            "/console/events/finance-talk",
            &format!("/console/signups/{id}/cancel"),
            &[],
        )
        .await;
    assert_eq!(done.status, 303);
    let page = b.get(done.location()).await;
    assert!(
        page.body.contains("已报 1 位") && page.body.contains("剩余 2 位"),
        "{}",
        page.body
    );
    assert!(page.body.contains("报名已取消"));
    // An editor does not see contacts at all.
    add_user(&server.config(), "ed", StaffRole::Editor);
    let editor = Browser::new(&server.base);
    editor.login("ed").await;
    let refused = editor.get("/console/events/finance-talk").await;
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains("someone@example.com"));
    assert_eq!(
        editor
            .get("/console/events/finance-talk/signups.csv")
            .await
            .status,
        403
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_register_rotate_revoke_and_see_kiosks() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&server.base);
    b.login("ada").await;
    let page = b.get("/console/kiosks").await;
    assert!(page.body.contains("海之云 (s1)"), "stations to choose from");
    let bad = b
        .post(
            "/console/kiosks",
            "/console/kiosks",
            &[("name", "Lobby 1"), ("station", "s1")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("终端名称只能用"));
    let page = b
        .post(
            "/console/kiosks",
            "/console/kiosks",
            &[("name", "lobby-1"), ("station", "s1")],
        )
        .await;
    assert_eq!(page.status, 201);
    let first = page.new_token();
    let again = b
        .post(
            "/console/kiosks",
            "/console/kiosks",
            &[("name", "lobby-1"), ("station", "s2")],
        )
        .await;
    assert_eq!(again.status, 409, "names are unique");
    assert!(!again.body.contains("id=\"new-token\""));
    let info = server.get("/v1/kiosk", &first).await;
    assert_eq!(info.status(), 200);
    // Before its first heartbeat it is listed as never connected; after, online and current.
    assert!(b.get("/console/kiosks").await.body.contains("从未联系"));
    let reply = heartbeat(&server, &first).await;
    assert!(!reply.screenshot_wanted);
    let page = b.get("/console/kiosks").await;
    assert!(page.body.contains("在线"), "{}", page.body);
    assert!(page.body.contains("0.1.0"));
    // Rotate: the old token stops, the new one works.
    let page = b
        .post("/console/kiosks", "/console/kiosks/lobby-1/rotate", &[])
        .await;
    assert_eq!(page.status, 200);
    let second = page.new_token();
    assert_ne!(first, second);
    assert_eq!(server.get("/v1/kiosk", &first).await.status(), 401);
    assert_eq!(server.get("/v1/kiosk", &second).await.status(), 200);
    // Revoke: no token works, the kiosk stays listed.
    let page = b
        .post("/console/kiosks", "/console/kiosks/lobby-1/revoke", &[])
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(server.get("/v1/kiosk", &second).await.status(), 401);
    let page = b.get("/console/kiosks").await;
    assert!(page.body.contains("data-kiosk=\"lobby-1\"") && page.body.contains("无令牌"));
    let audit = b.get("/console/audit?kind=kiosk").await;
    for action in ["registered", "token-rotated", "token-revoked"] {
        assert!(
            audit.body.contains(&format!("<td>{action}</td>")),
            "{action}"
        );
    }
    assert!(
        !audit.body.contains(&first) && !audit.body.contains(&second),
        "no token in the audit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_silent_for_ten_minutes_is_a_problem_on_every_page() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let token = server.kiosk("lobby-1", "s1");
    heartbeat(&server, &token).await;
    add_user(&server.config(), "mo", StaffRole::Moderator);
    let b = Browser::new(&server.base);
    b.login("mo").await;
    assert!(!b.get("/console/").await.body.contains("class=\"problems\""));
    // Eleven minutes pass without a heartbeat (the clock is the database's record of it).
    let eleven_ago = (chrono::Utc::now() - chrono::Duration::minutes(11))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let conn = rusqlite::Connection::open(server.config().db_path()).expect("opens");
    conn.execute(
        "UPDATE kiosks SET last_seen_at = ?1 WHERE id = 'lobby-1'",
        [&eleven_ago],
    )
    .expect("updates");
    for path in ["/console/", "/console/wishes", "/console/account"] {
        let page = b.get(path).await;
        assert!(page.body.contains("class=\"problems\""), "{path}");
        assert!(
            page.body.contains("终端 lobby-1（驿站 s1）已离线 11 分钟"),
            "{}",
            page.body
        );
        assert!(
            !page.body.contains("查看终端</a>"),
            "moderators get no link to the admin page"
        );
    }
    heartbeat(&server, &token).await;
    assert!(
        !b.get("/console/").await.body.contains("class=\"problems\""),
        "back online"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_screenshot_is_asked_uploaded_and_shown() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let token = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&server.base);
    b.login("ada").await;
    assert!(!heartbeat(&server, &token).await.screenshot_wanted);
    let page = b
        .post("/console/kiosks", "/console/kiosks/lobby-1/screenshot", &[])
        .await;
    assert_eq!(page.status, 303);
    assert!(b.get("/console/kiosks").await.body.contains("等待终端上传"));
    assert!(
        heartbeat(&server, &token).await.screenshot_wanted,
        "the next heartbeat asks"
    );
    let upload = |body: Vec<u8>, ct: &'static str| {
        server
            .http
            .put(server.url("/v1/kiosk/screenshot"))
            .bearer_auth(&token)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    assert_eq!(
        upload(png(7), "image/jpeg")
            .await
            .expect("request")
            .status(),
        415
    );
    let mut broken = png(7);
    broken.truncate(broken.len() - 10);
    assert_eq!(
        upload(broken, "image/png").await.expect("request").status(),
        422
    );
    assert!(
        heartbeat(&server, &token).await.screenshot_wanted,
        "a refused upload leaves it open"
    );
    let picture = png(77);
    assert_eq!(
        upload(picture.clone(), "image/png")
            .await
            .expect("request")
            .status(),
        204
    );
    assert!(
        !heartbeat(&server, &token).await.screenshot_wanted,
        "answered"
    );
    let page = b.get("/console/kiosks").await;
    assert!(
        page.body
            .contains("/console/kiosks/lobby-1/screenshot.png?at=")
    );
    assert!(page.body.contains("收到于"));
    let r = b
        .http
        .get(b.url("/console/kiosks/lobby-1/screenshot.png"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), picture);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_manage_people_but_never_lock_everyone_out() {
    let server = TestServer::start().await;
    add_user(&server.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&server.base);
    b.login("ada").await;
    let bad = b
        .post(
            "/console/users",
            "/console/users",
            &[
                ("name", "Wang Fang"),
                ("role", "root"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    for message in ["账户名只能用", "请选择管理员", "密码太短"] {
        assert!(bad.body.contains(message), "{message}");
    }
    let page = b
        .post(
            "/console/users",
            "/console/users",
            &[
                ("name", "wang.fang"),
                ("role", "editor"),
                ("password", "a long enough pw"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let dup = b
        .post(
            "/console/users",
            "/console/users",
            &[
                ("name", "wang.fang"),
                ("role", "editor"),
                ("password", "a long enough pw"),
            ],
        )
        .await;
    assert_eq!(dup.status, 422);
    assert!(dup.body.contains("已有同名账户"));
    let wang = Browser::new(&server.base);
    assert_eq!(
        wang.login_as("wang.fang", "a long enough pw").await.status,
        303
    );
    assert_eq!(
        wang.get("/console/users").await.status,
        403,
        "editors manage no one"
    );
    // The only admin cannot demote or disable themselves.
    let page = b
        .post(
            "/console/users",
            "/console/users/ada",
            &[("action", "role"), ("role", "editor")],
        )
        .await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("最后一位在用的管理员"));
    let page = b
        .post(
            "/console/users",
            "/console/users/ada",
            &[("action", "disable")],
        )
        .await;
    assert_eq!(page.status, 409);
    // Promote, then disable: the disabled person's session ends at once.
    let page = b
        .post(
            "/console/users",
            "/console/users/wang.fang",
            &[("action", "role"), ("role", "admin")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(wang.get("/console/users").await.status, 200, "now an admin");
    let page = b
        .post(
            "/console/users",
            "/console/users/wang.fang",
            &[("action", "disable")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(wang.get("/console/").await.status, 303, "signed out");
    assert_eq!(
        wang.login_as("wang.fang", "a long enough pw").await.status,
        401
    );
    let audit = b.get("/console/audit?kind=user").await;
    for action in ["created", "role-changed", "disabled"] {
        assert!(
            audit.body.contains(&format!("<td>{action}</td>")),
            "{action}"
        );
    }
    assert!(!audit.body.contains("argon2"), "no hashes in the audit log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_script_is_served_by_the_binary_deferred_and_no_page_has_inline_script() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&server.base);
    let login = b.get("/console/login").await;
    let policy = login.headers["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"));
    b.login("ada").await;
    assert!(
        login
            .body
            .contains("<script src=\"/console/static/console.js\" defer></script>")
    );
    for path in [
        "/console/",
        "/console/content",
        "/console/content/section-order",
        "/console/content/articles/harbour-walk",
        "/console/content/sections/beautiful",
        "/console/media",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(
            page.body.matches("<script").count(),
            1,
            "{path}: one script element"
        );
        assert!(
            page.body
                .contains("<script src=\"/console/static/console.js\" defer></script>"),
            "{path}: loaded deferred, nothing inline"
        );
    }
    let r = b
        .http
        .get(b.url("/console/static/console.js"))
        .send()
        .await
        .expect("script");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let script = r.text().await.expect("text");
    assert!(script.contains("data-reorder") && script.contains("data-preview"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosks_page_shows_what_each_heartbeat_reported() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ada", StaffRole::Admin);
    let token = server.kiosk("lobby-1", "s1");
    let head = server.head().await;
    assert!(head >= 3, "the manifest makes several changes");
    let ahead = chrono::Utc::now() + chrono::Duration::seconds(300);
    let r = server
        .post_json(
            "/v1/heartbeat",
            &token,
            &json!({ "kiosk_version": "9.8.7", "content_seq": head - 2, "outbox_depth": 4,
                     "free_disk_bytes": 2_500_000_000u64,
                     "clock": ahead.fixed_offset().to_rfc3339() }),
        )
        .await;
    assert_eq!(r.status(), 200);
    let b = Browser::new(&server.base);
    b.login("ada").await;
    let page = b.get("/console/kiosks").await;
    let at = page.body.find("data-kiosk=\"lobby-1\"").expect("listed");
    let row = &page.body[at..at + page.body[at..].find("</tr>").expect("row end")];
    assert!(row.contains("9.8.7"), "version: {row}");
    assert!(
        row.contains(&format!("{} / {head}", head - 2)) && row.contains("落后 2 条"),
        "content behind the head: {row}"
    );
    assert!(
        row.contains("<span class=\"state warn\">4</span>"),
        "outbox: {row}"
    );
    assert!(row.contains("2.5 GB"), "free disk: {row}");
    let skew = (299..=301).any(|s| row.contains(&format!("时钟偏差 {s} 秒")));
    assert!(skew, "clock skew, flagged: {row}");
    assert!(row.contains("在线"), "online: {row}");
}
