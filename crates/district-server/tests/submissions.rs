//! Visitors' submissions and staff moderation, against the real server on 127.0.0.1.

mod common;

use common::{Replica, TestServer, error_of, manifest};
use district_server::api::{EventSignups, WishDecision, WishList};
use district_server::wishes::Action;
use protocol::content::{Kind, Record, WishStatus};
use protocol::text::Lang;
use protocol::wire::{
    Op, SignupSubmission, Submission, SubmissionId, SubmissionResults, SubmissionStatus,
    WishSubmission,
};
use serde_json::{Value, json};

fn new_id() -> SubmissionId {
    SubmissionId::parse(&uuid::Uuid::now_v7().to_string()).expect("v7")
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

fn wish(text: &str) -> Submission {
    Submission::wish(
        new_id(),
        now(),
        &WishSubmission {
            text: text.into(),
            lang: Lang::Zh,
            display_name: Some("李".into()),
        },
    )
}

fn signup(event: &str, occurrence: Option<&str>, party: u32) -> Submission {
    Submission::signup(
        new_id(),
        now(),
        &SignupSubmission {
            event: event.into(),
            occurrence_start: occurrence.map(|o| o.parse().expect("time")),
            name: "Wang Fang".into(),
            contact: "138 0000 0000".into(),
            party_size: party,
        },
    )
}

async fn submit(
    server: &TestServer,
    token: &str,
    items: &[Submission],
) -> Vec<(SubmissionStatus, String)> {
    let r = server
        .post_json("/v1/submissions", token, &json!({ "items": items }))
        .await;
    assert_eq!(r.status(), 200);
    let results: SubmissionResults = r.json().await.expect("results");
    assert_eq!(results.results.len(), items.len());
    for (res, item) in results.results.iter().zip(items) {
        assert_eq!(res.id, item.id.as_str(), "answers come in request order");
    }
    results
        .results
        .into_iter()
        .map(|r| (r.status, r.message))
        .collect()
}

fn statuses(v: &[(SubmissionStatus, String)]) -> Vec<SubmissionStatus> {
    v.iter().map(|(s, _)| *s).collect()
}

async fn wishes(server: &TestServer) -> WishList {
    server.client().wishes(None).await.expect("wishes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_are_idempotent_by_id() {
    use SubmissionStatus::*;
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let b = server.kiosk("kiosk-b", "s2");
    let w = wish("希望有更多英文书");
    assert_eq!(
        statuses(&submit(&server, &a, std::slice::from_ref(&w)).await),
        [Accepted]
    );
    // A retry after a lost answer resends the same id.
    let again = submit(&server, &a, std::slice::from_ref(&w)).await;
    assert_eq!(statuses(&again), [Duplicate]);
    // The same id twice in one request, too.
    let w2 = wish("second");
    assert_eq!(
        statuses(&submit(&server, &a, &[w2.clone(), w2.clone()]).await),
        [Accepted, Duplicate]
    );
    // Another kiosk reusing an id does not overwrite anything.
    assert_eq!(
        statuses(&submit(&server, &b, std::slice::from_ref(&w)).await),
        [Conflict]
    );
    // The same id from the same kiosk with other content: `conflict`, never a silent
    // `duplicate` that drops what was sent.
    let mut changed = wish("希望有更多中文书");
    changed.id = w.id.clone();
    let answer = submit(&server, &a, std::slice::from_ref(&changed)).await;
    assert_eq!(statuses(&answer), [Conflict]);
    assert!(answer[0].1.contains("other content"), "{}", answer[0].1);
    let list = wishes(&server).await;
    assert_eq!(list.wishes.len(), 2, "never two records for one id");
    assert!(
        list.wishes.iter().any(|x| x.text == "希望有更多英文书"),
        "the first content stays"
    );
    assert_eq!(list.wishes[0].id, w.id.as_str());
    assert_eq!(list.wishes[0].station, "s1");
    assert_eq!(list.wishes[0].status, WishStatus::Pending);

    // Sign-ups: a resend does not take places twice.
    let s = signup("finance-talk", None, 2);
    assert_eq!(
        statuses(&submit(&server, &a, std::slice::from_ref(&s)).await),
        [Accepted]
    );
    assert_eq!(
        statuses(&submit(&server, &a, std::slice::from_ref(&s)).await),
        [Duplicate]
    );
    let list: EventSignups = server
        .client()
        .signups("finance-talk")
        .await
        .expect("signups");
    assert_eq!(list.occurrences.len(), 1);
    assert_eq!(list.occurrences[0].taken, 2);
    assert_eq!(list.occurrences[0].signups.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_item_is_judged_alone_and_bad_ones_are_rejected() {
    use SubmissionStatus::*;
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let good = wish("good");
    let mut blank = wish("   ");
    blank.payload["display_name"] = "x".into();
    let too_long = wish(&"长".repeat(201));
    let not_a_wish = Submission {
        payload: json!({ "colour": "blue" }),
        ..wish("x")
    };
    let body = json!({ "items": [
        good,
        blank,
        too_long,
        not_a_wish,
        { "id": "0190b2a8-7c3e-4abc-8def-0123456789ab", "kind": "wish", "created_at": "2030-01-01T00:00:00+08:00",
          "payload": { "text": "v4 id", "lang": "zh", "display_name": "x" } },
        { "id": uuid::Uuid::now_v7().to_string(), "kind": "feedback", "created_at": "2030-01-01T00:00:00+08:00", "payload": {} },
    ]});
    let r = server.post_json("/v1/submissions", &a, &body).await;
    assert_eq!(r.status(), 200);
    let results: SubmissionResults = r.json().await.expect("results");
    let got: Vec<_> = results.results.iter().map(|r| r.status).collect();
    assert_eq!(
        got,
        [Accepted, Rejected, Rejected, Rejected, Rejected, Rejected]
    );
    assert!(
        results.results[1].message.contains("text"),
        "{:?}",
        results.results[1]
    );
    assert!(
        results.results[2].message.contains("200"),
        "{:?}",
        results.results[2]
    );
    assert!(
        results.results[4].message.contains("version 7"),
        "{:?}",
        results.results[4]
    );
    // Resending a rejected item gets the same answer, not `accepted`.
    let again = server
        .post_json(
            "/v1/submissions",
            &a,
            &json!({ "items": [body["items"][1]] }),
        )
        .await;
    let again: SubmissionResults = again.json().await.expect("results");
    assert_eq!(again.results[0].status, Rejected);
    assert_eq!(wishes(&server).await.wishes.len(), 1);

    // An item without an id refuses the whole request, and nothing of it is stored.
    let r = server
        .post_json(
            "/v1/submissions",
            &a,
            &json!({ "items": [wish("lost"), { "kind": "wish" }] }),
        )
        .await;
    let (status, code, body) = error_of(r).await;
    assert_eq!((status, code.as_str()), (400, "bad_request"));
    assert!(
        body["message"].as_str().unwrap_or("").contains("items[1]"),
        "{body}"
    );
    assert_eq!(wishes(&server).await.wishes.len(), 1);
    // Too many items at once.
    let many: Vec<Value> = (0..101).map(|_| json!(wish("x"))).collect();
    let r = server
        .post_json("/v1/submissions", &a, &json!({ "items": many }))
        .await;
    assert_eq!(error_of(r).await.0, 400);
    assert_eq!(wishes(&server).await.wishes.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signups_respect_capacity_and_the_event() {
    use SubmissionStatus::*;
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let b = server.kiosk("kiosk-b", "s2");
    // finance-talk: 3 places.
    let r = submit(
        &server,
        &a,
        &[
            signup("finance-talk", None, 2),
            signup("finance-talk", None, 2),
            signup("finance-talk", None, 1),
            signup("finance-talk", None, 1),
        ],
    )
    .await;
    assert_eq!(statuses(&r), [Accepted, Conflict, Accepted, Conflict]);
    assert!(r[1].1.contains("full"), "{}", r[1].1);
    let list = server
        .client()
        .signups("finance-talk")
        .await
        .expect("signups");
    assert_eq!(list.capacity, Some(3));
    assert_eq!(list.occurrences[0].taken, 3);

    let r = submit(
        &server,
        &a,
        &[
            signup("closed-talk", None, 1),
            signup("past-talk", None, 1),
            signup("no-such-event", None, 1),
            signup("finance-talk", Some("2030-01-26T14:00:00"), 1),
            signup("finance-talk", None, 0),
            signup("finance-talk", None, 11),
            // Scoped to s2: not offered at an s1 kiosk.
            signup("handicraft", Some("2030-01-14T12:00:00"), 1),
        ],
    )
    .await;
    assert_eq!(
        statuses(&r),
        [
            Conflict, Conflict, Conflict, Rejected, Rejected, Rejected, Rejected
        ]
    );
    assert!(r[0].1.contains("closed"), "{}", r[0].1);
    assert!(r[1].1.contains("started"), "{}", r[1].1);

    // A weekly event: places are per occurrence (the room holds 2), and the occurrence must exist.
    let r = submit(
        &server,
        &b,
        &[
            signup("handicraft", None, 1),
            signup("handicraft", Some("2030-01-15T12:00:00"), 1),
            signup("handicraft", Some("2030-01-14T12:00:00"), 2),
            signup("handicraft", Some("2030-01-14T12:00:00"), 1),
            signup("handicraft", Some("2030-01-21T12:00:00"), 1),
        ],
    )
    .await;
    assert_eq!(
        statuses(&r),
        [Rejected, Rejected, Accepted, Conflict, Accepted]
    );
    let list = server
        .client()
        .signups("handicraft")
        .await
        .expect("signups");
    assert_eq!(list.capacity, Some(2), "from the room");
    let taken: Vec<_> = list
        .occurrences
        .iter()
        .map(|o| (o.start.to_string(), o.taken))
        .collect();
    assert_eq!(
        taken,
        [
            ("2030-01-14 12:00:00".to_string(), 2),
            ("2030-01-21 12:00:00".to_string(), 1)
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wishes_go_pending_approved_fulfilled_and_only_approved_reach_kiosks() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let b = server.kiosk("kiosk-b", "s2");
    let mut ra = Replica::default();
    let mut rb = Replica::default();
    ra.sync(&server, &a, 500).await;
    rb.sync(&server, &b, 500).await;

    let w1 = wish("想学太极拳");
    let w2 = wish("spam");
    let w3 = wish("a wish for everyone");
    submit(&server, &a, &[w1.clone(), w2.clone(), w3.clone()]).await;
    // Pending wishes are not in any feed.
    let head = ra.since;
    assert!(server.page(&a, head, 500).await.changes.is_empty());
    assert_eq!(
        server.head().await,
        head,
        "submissions do not touch the feed"
    );

    let client = server.client();
    let approved = client
        .decide_wish(w1.id.as_str(), Action::Approve, &WishDecision::default())
        .await
        .expect("approves");
    assert_eq!(approved.status, WishStatus::Approved);
    assert_eq!(approved.scope.as_deref(), Some("s1"));
    let page = server.page(&a, ra.since, 500).await;
    assert_eq!(page.changes.len(), 1);
    assert_eq!(
        (page.changes[0].kind, page.changes[0].op),
        (Kind::Wish, Op::Put)
    );
    match page.changes[0].record().expect("valid") {
        Some(Record::Wish(w)) => {
            assert_eq!(w.text, "想学太极拳");
            assert_eq!(w.status, WishStatus::Approved);
            assert_eq!(w.id, w1.id.as_str());
        }
        other => panic!("expected a wish, got {other:?}"),
    }
    ra.apply(&page);
    // Station-scoped: kiosk b does not get it.
    assert!(server.page(&b, rb.since, 500).await.changes.is_empty());

    // Rejecting a pending wish: never published.
    let before = server.head().await;
    client
        .decide_wish(
            w2.id.as_str(),
            Action::Reject,
            &WishDecision {
                district_wide: false,
                note: Some("spam".into()),
            },
        )
        .await
        .expect("rejects");
    assert_eq!(server.head().await, before);

    // District-wide approval reaches both.
    client
        .decide_wish(
            w3.id.as_str(),
            Action::Approve,
            &WishDecision {
                district_wide: true,
                note: None,
            },
        )
        .await
        .expect("approves");
    ra.sync(&server, &a, 500).await;
    rb.sync(&server, &b, 500).await;
    assert_eq!(ra.ids(Kind::Wish).len(), 2);
    assert_eq!(rb.ids(Kind::Wish), [w3.id.to_string()]);

    // Fulfilled: kiosks show it as fulfilled.
    client
        .decide_wish(w1.id.as_str(), Action::Fulfil, &WishDecision::default())
        .await
        .expect("fulfils");
    let page = server.page(&a, ra.since, 500).await;
    assert_eq!(page.changes.len(), 1);
    assert_eq!(
        (page.changes[0].id.as_str(), page.changes[0].op),
        (w1.id.as_str(), Op::Put)
    );
    match page.changes[0].record().expect("valid") {
        Some(Record::Wish(w)) => assert_eq!(w.status, WishStatus::Fulfilled),
        other => panic!("expected a wish, got {other:?}"),
    }
    ra.apply(&page);
    assert!(
        server.page(&b, rb.since, 500).await.changes.is_empty(),
        "b never had w1"
    );
    // After the configured days it leaves the wall.
    let later = chrono::Utc::now() + chrono::Duration::days(31);
    let retired = server.state.retire(later).await.expect("housekeeping");
    assert_eq!(retired.wishes, 1);
    let page = server.page(&a, ra.since, 500).await;
    assert_eq!(
        page.changes
            .iter()
            .map(|c| (c.id.as_str(), c.op))
            .collect::<Vec<_>>(),
        [(w1.id.as_str(), Op::Delete)]
    );
    ra.apply(&page);

    // Rejecting an approved wish removes it too.
    client
        .decide_wish(w3.id.as_str(), Action::Reject, &WishDecision::default())
        .await
        .expect("rejects");
    ra.sync(&server, &a, 500).await;
    rb.sync(&server, &b, 500).await;
    assert!(ra.ids(Kind::Wish).is_empty());
    assert!(rb.ids(Kind::Wish).is_empty());

    // Impossible moves are refused with 409 and change nothing.
    let w4 = wish("pending one");
    submit(&server, &a, std::slice::from_ref(&w4)).await;
    let head = server.head().await;
    for (id, action) in [
        (w1.id.as_str(), Action::Approve),
        (w2.id.as_str(), Action::Fulfil),
        (w4.id.as_str(), Action::Fulfil),
    ] {
        let e = client
            .decide_wish(id, action, &WishDecision::default())
            .await
            .expect_err("refused");
        assert_eq!(e.code(), Some("conflict"), "{e}");
    }
    let e = client
        .decide_wish(
            "0190b2a8-7c3e-7abc-8def-0123456789ab",
            Action::Approve,
            &WishDecision::default(),
        )
        .await
        .expect_err("unknown");
    assert_eq!(e.code(), Some("not_found"));
    assert_eq!(server.head().await, head);

    let pending = client
        .wishes(Some(WishStatus::Pending))
        .await
        .expect("list");
    assert_eq!(pending.wishes.len(), 1);
    let all = wishes(&server).await;
    let states: Vec<_> = all.wishes.iter().map(|w| w.status).collect();
    assert_eq!(
        states,
        [
            WishStatus::Fulfilled,
            WishStatus::Rejected,
            WishStatus::Rejected,
            WishStatus::Pending
        ]
    );
    assert_eq!(all.wishes[1].note.as_deref(), Some("spam"));

    // A push never touches wishes.
    let w5 = wish("stays");
    submit(&server, &a, std::slice::from_ref(&w5)).await;
    client
        .decide_wish(w5.id.as_str(), Action::Approve, &WishDecision::default())
        .await
        .expect("ok");
    let plan = server.push(&manifest()).await;
    assert_eq!(plan.change_count(), 0);
    ra.sync(&server, &a, 500).await;
    assert_eq!(ra.ids(Kind::Wish), [w5.id.to_string()]);
}

/// The server's database opened beside it, as an operator (or a later test step) would.
fn database(server: &TestServer) -> rusqlite::Connection {
    rusqlite::Connection::open(server.config().db_path()).expect("opens the database")
}

/// Bytes the database takes on disk: the file and its write-ahead log.
fn database_bytes(server: &TestServer) -> u64 {
    let db = server.config().db_path();
    let wal = db.with_extension("db-wal");
    [db, wal]
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum()
}

/// `(status, stored payload, stored message)` of one submission row.
fn stored_row(server: &TestServer, id: &str) -> Option<(String, String, String)> {
    use rusqlite::OptionalExtension;
    database(server)
        .query_row(
            "SELECT status, payload, message FROM submissions WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .expect("reads")
}

fn count(server: &TestServer, sql: &str) -> i64 {
    database(server)
        .query_row(sql, [], |r| r.get(0))
        .expect("counts")
}

/// Twenty ~1 MB requests from a kiosk token: unknown fields, a huge field name, a huge event id
/// and a huge wish. Each is answered on its own, nothing of the bulk is stored, and the
/// database barely grows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_and_unknown_fields_are_refused_and_never_stored() {
    use SubmissionStatus::*;
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    // Warm up: the first submission creates the pages every later one reuses.
    submit(&server, &a, &[wish("first")]).await;
    let before = database_bytes(&server);
    let big = "x".repeat(1_000_000);
    let mut ids = Vec::new();
    for i in 0..20 {
        let (item, expected, hint): (Value, _, &str) = match i % 5 {
            0 => {
                let mut v = json!(wish("padded item"));
                v["padding"] = json!(big);
                (v, Rejected, "unknown field `padding`")
            }
            1 => {
                let mut v = json!(wish("padded wish"));
                v["payload"]["photo"] = json!(big);
                (v, Rejected, "unknown field `photo`")
            }
            2 => {
                let mut v = json!(wish("a long field name"));
                v["payload"][big.as_str()] = json!(1);
                (v, Rejected, "unknown field `xxx")
            }
            3 => (
                json!(signup(&big, None, 1)),
                Conflict,
                "is not (or no longer) published",
            ),
            _ => (json!(wish(&big)), Rejected, "text"),
        };
        let id = item["id"].as_str().expect("id").to_string();
        let body = json!({ "items": [item] });
        let size = serde_json::to_vec(&body).expect("json").len();
        assert!((1_000_000..1_048_576).contains(&size), "~1 MB: {size}");
        let r = server.post_json("/v1/submissions", &a, &body).await;
        assert_eq!(r.status(), 200, "request {i}");
        let results: SubmissionResults = r.json().await.expect("results");
        let answer = &results.results[0];
        assert_eq!((answer.id.as_str(), answer.status), (id.as_str(), expected));
        assert!(answer.message.contains(hint), "{i}: {}", answer.message);
        assert!(
            answer.message.chars().count() <= 301,
            "{i}: the reason is cut, not echoed whole ({} chars)",
            answer.message.chars().count()
        );
        ids.push(id);
    }
    // A field next to `items` refuses the whole request.
    let r = server
        .post_json(
            "/v1/submissions",
            &a,
            &json!({ "items": [wish("ok")], "padding": big }),
        )
        .await;
    let (status, code, _) = error_of(r).await;
    assert_eq!((status, code.as_str()), (422, "bad_json"));

    let grown = database_bytes(&server).saturating_sub(before);
    eprintln!("twenty ~1 MB requests grew the database (file and log) by {grown} bytes");
    assert!(
        grown < 1_000_000,
        "twenty 1 MB requests grew the database by {grown} bytes"
    );
    // What is kept of each: its status, a fingerprint, a bounded reason.
    for id in &ids {
        let (_, payload, message) = stored_row(&server, id).expect("recorded");
        assert!(payload.starts_with("sha256:"), "{payload:.80}");
        assert_eq!(payload.len(), "sha256:".len() + 64);
        assert!(message.chars().count() <= 301, "{}", message.len());
    }
    let widest = count(
        &server,
        "SELECT MAX(LENGTH(payload) + LENGTH(message) + LENGTH(kind) + LENGTH(outcome)) FROM submissions",
    );
    assert!(widest < 1_000, "a row of {widest} bytes");
    assert_eq!(wishes(&server).await.wishes.len(), 1, "only the first wish");

    // A resend of a refused item gets its first answer; the same id with other content is a
    // conflict (the fingerprint tells them apart).
    let resend = server
        .post_json(
            "/v1/submissions",
            &a,
            &json!({ "items": [{ "id": ids[1], "kind": "wish", "created_at": "2030-01-01T00:00:00+08:00",
                                 "payload": { "text": "padded wish", "lang": "zh", "display_name": "李", "photo": big } }] }),
        )
        .await;
    let resend: SubmissionResults = resend.json().await.expect("results");
    assert_eq!(resend.results[0].status, Rejected);
    let other = server
        .post_json(
            "/v1/submissions",
            &a,
            &json!({ "items": [{ "id": ids[1], "kind": "wish", "created_at": "2030-01-01T00:00:00+08:00",
                                 "payload": { "text": "padded wish", "lang": "zh", "display_name": "李", "photo": "y" } }] }),
        )
        .await;
    let other: SubmissionResults = other.json().await.expect("results");
    assert_eq!(other.results[0].status, Conflict);
}

/// A kiosk keeps at most 1,000 refused items: the oldest go in the transaction that adds a
/// newer one; accepted items and other kiosks' refusals stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_items_past_the_limit_are_trimmed_oldest_first() {
    use SubmissionStatus::*;
    let server = TestServer::start_with(|c| c.max_submissions_per_kiosk_hour = 10_000).await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let b = server.kiosk("kiosk-b", "s2");
    let kept = wish("kept");
    submit(&server, &a, std::slice::from_ref(&kept)).await;
    let b_refused = wish(" ");
    assert_eq!(
        statuses(&submit(&server, &b, std::slice::from_ref(&b_refused)).await),
        [Rejected]
    );
    let blanks: Vec<Submission> = (0..1_050).map(|_| wish(" ")).collect();
    for chunk in blanks.chunks(100) {
        let answers = submit(&server, &a, chunk).await;
        assert!(statuses(&answers).iter().all(|s| *s == Rejected));
    }
    // Conflicts count as refused too.
    assert_eq!(
        statuses(&submit(&server, &a, &[signup("no-such-event", None, 1)]).await),
        [Conflict]
    );
    let refused_a = count(
        &server,
        "SELECT COUNT(*) FROM submissions WHERE kiosk_id = 'kiosk-a' AND status IN ('rejected', 'conflict')",
    );
    assert_eq!(refused_a, 1_000);
    for gone in &blanks[..51] {
        assert_eq!(
            stored_row(&server, gone.id.as_str()),
            None,
            "oldest removed"
        );
    }
    for stays in &blanks[51..] {
        assert!(stored_row(&server, stays.id.as_str()).is_some());
    }
    assert!(stored_row(&server, kept.id.as_str()).is_some(), "accepted");
    assert!(
        stored_row(&server, b_refused.id.as_str()).is_some(),
        "another kiosk's"
    );
    assert_eq!(wishes(&server).await.wishes.len(), 1);
    // A resend of a removed one is decided afresh: rejected again, for the same reason.
    let again = submit(&server, &a, &blanks[..1]).await;
    assert_eq!(statuses(&again), [Rejected]);
    assert!(again[0].1.contains("text"), "{}", again[0].1);
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) FROM submissions WHERE kiosk_id = 'kiosk-a' AND status IN ('rejected', 'conflict')"
        ),
        1_000
    );
}

/// Sets when every item of `kiosk` was received to `ago` before now: the cap's hour moves on.
fn age_items(server: &TestServer, kiosk: &str, ago: chrono::Duration) {
    let at = district_server::storage::time_text(chrono::Utc::now() - ago);
    database(server)
        .execute(
            "UPDATE submissions SET received_at = ?1 WHERE kiosk_id = ?2",
            [at.as_str(), kiosk],
        )
        .expect("ages the items");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hourly_cap_answers_429_with_retry_after_and_stores_nothing() {
    use SubmissionStatus::*;
    let server = TestServer::start_with(|c| c.max_submissions_per_kiosk_hour = 3).await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let b = server.kiosk("kiosk-b", "s2");
    let (w1, w2, w3, w4, w5) = (
        wish("one"),
        wish("two"),
        wish("three"),
        wish("four"),
        wish("five"),
    );
    assert_eq!(
        statuses(&submit(&server, &a, &[w1.clone(), w2.clone()]).await),
        [Accepted, Accepted]
    );
    // Room for one more: the first is answered, the rest are left for the kiosk to resend.
    let r = server
        .post_json("/v1/submissions", &a, &json!({ "items": [w3, w4, w5] }))
        .await;
    assert_eq!(r.status(), 200);
    let results: SubmissionResults = r.json().await.expect("results");
    let answered: Vec<_> = results
        .results
        .iter()
        .map(|r| (r.id.as_str(), r.status))
        .collect();
    assert_eq!(answered, [(w3.id.as_str(), Accepted)]);

    let rows = count(&server, "SELECT COUNT(*) FROM submissions");
    let r = server
        .post_json("/v1/submissions", &a, &json!({ "items": [w4, w5] }))
        .await;
    let retry_after: u64 = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((3_590..=3_600).contains(&retry_after), "{retry_after}");
    let (status, code, body) = error_of(r).await;
    assert_eq!((status, code.as_str()), (429, "too_many_submissions"));
    assert!(
        body["message"].as_str().unwrap_or("").contains("3 items"),
        "{body}"
    );
    assert_eq!(count(&server, "SELECT COUNT(*) FROM submissions"), rows);
    assert_eq!(stored_row(&server, w4.id.as_str()), None, "nothing stored");
    assert_eq!(wishes(&server).await.wishes.len(), 3);

    // A resend of what was stored is still answered: it stores nothing.
    assert_eq!(
        statuses(&submit(&server, &a, std::slice::from_ref(&w1)).await),
        [Duplicate]
    );
    // Another kiosk is not affected.
    assert_eq!(
        statuses(&submit(&server, &b, &[wish("from b")]).await),
        [Accepted]
    );

    // Ten seconds before the hour is over, the answer says so.
    age_items(&server, "kiosk-a", chrono::Duration::seconds(3_590));
    let r = server
        .post_json("/v1/submissions", &a, &json!({ "items": [w4] }))
        .await;
    assert_eq!(r.status(), 429);
    let retry_after: u64 = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=10).contains(&retry_after), "{retry_after}");
    // Once the hour has passed, the held items go through.
    age_items(&server, "kiosk-a", chrono::Duration::seconds(3_601));
    assert_eq!(
        statuses(&submit(&server, &a, &[w4.clone(), w5.clone()]).await),
        [Accepted, Accepted]
    );
    assert_eq!(wishes(&server).await.wishes.len(), 6);
}

/// Rows written before fingerprints held the payload's JSON as sent (the migration replaces
/// those it can read with fingerprints): a retry still compares against such a text, so the
/// same content is a duplicate and other content a conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_compare_with_fingerprints_and_with_rows_from_before_them() {
    use SubmissionStatus::*;
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let w = wish("新的");
    submit(&server, &a, std::slice::from_ref(&w)).await;
    let (_, payload, _) = stored_row(&server, w.id.as_str()).expect("stored");
    assert!(payload.starts_with("sha256:"), "{payload}");
    assert!(!payload.contains("新的"), "the text lives in `wishes` only");
    // The key order of what a kiosk sends does not matter.
    let reordered = json!({ "payload": { "display_name": "李", "lang": "zh", "text": "新的" },
                            "created_at": w.created_at, "kind": "wish", "id": w.id });
    let r = server
        .post_json("/v1/submissions", &a, &json!({ "items": [reordered] }))
        .await;
    let r: SubmissionResults = r.json().await.expect("results");
    assert_eq!(r.results[0].status, Duplicate);

    // A row as an earlier server stored it: the payload's JSON text.
    let legacy = wish("旧的");
    database(&server)
        .execute(
            "INSERT INTO submissions (id, kiosk_id, kind, created_at, received_at, payload, status,
               message, outcome)
             VALUES (?1, 'kiosk-a', 'wish', '2026-11-01T10:00:00+08:00', '2026-11-01T02:00:00.000Z',
               ?2, 'accepted', 'wish received', '{\"kind\":\"received\"}')",
            [legacy.id.as_str(), legacy.payload.to_string().as_str()],
        )
        .expect("a legacy row");
    let answer = submit(&server, &a, std::slice::from_ref(&legacy)).await;
    assert_eq!(statuses(&answer), [Duplicate]);
    assert!(answer[0].1.contains("2026-11-01"), "{}", answer[0].1);
    let mut changed = wish("改了");
    changed.id = legacy.id.clone();
    let answer = submit(&server, &a, std::slice::from_ref(&changed)).await;
    assert_eq!(statuses(&answer), [Conflict]);
    assert!(answer[0].1.contains("other content"), "{}", answer[0].1);
}
