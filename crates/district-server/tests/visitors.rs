//! What visitors send, end to end on the real server on 127.0.0.1: the text rules enforced by
//! the server, claims, seats per occurrence in the feed, first-committed-wins capacity, and
//! that no contact ever reaches a kiosk.

mod common;

use common::{Replica, TestServer, manifest};
use district_server::api::{ClaimDecision, ClaimStatus, WishDecision};
use district_server::claims::ClaimAction;
use district_server::wishes::Action;
use protocol::content::{Availability, Kind, Record, WishStatus};
use protocol::text::Lang;
use protocol::visitor::{Field, Reason};
use protocol::wire::{
    ClaimSubmission, Op, Outcome, SignupSubmission, Submission, SubmissionId, SubmissionResult,
    SubmissionResults, SubmissionStatus, WishSubmission,
};
use serde_json::json;

fn new_id() -> SubmissionId {
    SubmissionId::parse(&uuid::Uuid::now_v7().to_string()).expect("v7")
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

fn wish_by(text: &str, name: Option<&str>) -> Submission {
    Submission::wish(
        new_id(),
        now(),
        &WishSubmission {
            text: text.into(),
            lang: Lang::Zh,
            display_name: name.map(str::to_string),
        },
    )
}

fn signup_by(
    event: &str,
    occurrence: Option<&str>,
    party: u32,
    name: &str,
    contact: &str,
) -> Submission {
    Submission::signup(
        new_id(),
        now(),
        &SignupSubmission {
            event: event.into(),
            occurrence_start: occurrence.map(|o| o.parse().expect("time")),
            name: name.into(),
            contact: contact.into(),
            party_size: party,
        },
    )
}

fn claim_by(wish: &str, name: &str, contact: &str, note: Option<&str>) -> Submission {
    Submission::claim(
        new_id(),
        now(),
        &ClaimSubmission {
            wish: wish.into(),
            name: name.into(),
            contact: contact.into(),
            note: note.map(str::to_string),
        },
    )
}

async fn submit(server: &TestServer, token: &str, items: &[Submission]) -> Vec<SubmissionResult> {
    let r = server
        .post_json("/v1/submissions", token, &json!({ "items": items }))
        .await;
    assert_eq!(r.status(), 200);
    let results: SubmissionResults = r.json().await.expect("results");
    assert_eq!(results.results.len(), items.len());
    results.results
}

async fn one(server: &TestServer, token: &str, item: &Submission) -> SubmissionResult {
    submit(server, token, std::slice::from_ref(item))
        .await
        .pop()
        .expect("one result")
}

/// The field errors of an `invalid` outcome.
fn invalid(r: &SubmissionResult) -> Vec<(Field, Reason, Option<u32>)> {
    assert_eq!(r.status, SubmissionStatus::Rejected, "{r:?}");
    match &r.outcome {
        Some(Outcome::Invalid { errors }) => errors
            .iter()
            .map(|e| (e.field, e.reason, e.limit))
            .collect(),
        other => panic!("expected invalid fields, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_enforces_the_visitor_text_rules() {
    let server = TestServer::start().await;
    let mut m = manifest();
    m["events"].as_array_mut().expect("events").push(json!({
        "id": "reading-hour", "station": "s1", "room": "s1-reading",
        "title": { "zh": "读书会", "en": "Reading hour" }, "description": { "zh": "午间", "en": "Lunch" },
        "start": "2030-01-08T12:00:00", "end": "2030-01-08T13:00:00",
        "signup_open": true, "recurrence": { "weekly": true },
        "link": "https://example.org/reading-hour"
    }));
    server.push(&m).await;
    let a = server.kiosk("kiosk-a", "s1");

    let refused = [
        ("\u{200B}\u{200D}\u{2060}", Reason::Invisible),
        ("看这里\u{202E}txt.exe", Reason::BidiControl),
        (
            &*format!("Z{}", "\u{0336}".repeat(39)),
            Reason::TooManyCombiningMarks,
        ),
        (&*"愿".repeat(201), Reason::TooLong),
        ("   ", Reason::Empty),
    ];
    for (text, reason) in refused {
        let r = one(&server, &a, &wish_by(text, None)).await;
        assert_eq!(invalid(&r)[0].0, Field::Text, "{text:?}");
        assert_eq!(invalid(&r)[0].1, reason, "{text:?}");
    }
    let r = one(&server, &a, &wish_by(&"愿".repeat(201), None)).await;
    assert_eq!(invalid(&r), [(Field::Text, Reason::TooLong, Some(200))]);
    assert!(r.message.contains("200"), "{}", r.message);
    // A name of 41 characters, a name on two lines.
    let r = one(&server, &a, &wish_by("ok", Some(&"名".repeat(41)))).await;
    assert_eq!(
        invalid(&r),
        [(Field::DisplayName, Reason::TooLong, Some(40))]
    );
    let r = one(&server, &a, &wish_by("ok", Some("李\n雷"))).await;
    assert_eq!(invalid(&r), [(Field::DisplayName, Reason::LineBreak, None)]);

    // Accepted: 200 characters, \r\n, no name, emoji and mixed scripts.
    let long = wish_by(&"愿".repeat(200), None);
    let crlf = wish_by("第一行\r\n第二行\r\n", Some("  "));
    let emoji = wish_by("希望 more English books 📚🙂", Some("J."));
    for w in [&long, &crlf, &emoji] {
        let r = one(&server, &a, w).await;
        assert_eq!(r.status, SubmissionStatus::Accepted, "{r:?}");
        assert_eq!(r.outcome, Some(Outcome::Received));
    }
    let client = server.client();
    let list = client.wishes(None).await.expect("wishes");
    assert_eq!(
        list.wishes.len(),
        3,
        "refused wishes are not stored as wishes"
    );
    let stored = |id: &SubmissionId| {
        list.wishes
            .iter()
            .find(|w| w.id == id.as_str())
            .expect("stored")
            .clone()
    };
    assert_eq!(stored(&crlf.id).text, "第一行\n第二行");
    assert_eq!(
        stored(&crlf.id).display_name,
        None,
        "a blank name is no name"
    );
    assert_eq!(stored(&emoji.id).text, "希望 more English books 📚🙂");
    // Approved without a name: the record carries none.
    client
        .decide_wish(crlf.id.as_str(), Action::Approve, &WishDecision::default())
        .await
        .expect("approves");
    let mut replica = Replica::default();
    replica.sync(&server, &a, 500).await;
    match replica.records.get(&(Kind::Wish, crlf.id.to_string())) {
        Some(Record::Wish(w)) => {
            assert_eq!(w.display_name, None);
            assert_eq!(w.text, "第一行\n第二行");
        }
        other => panic!("expected the wish, got {other:?}"),
    }

    // Contacts: normalised for staff, refused when neither a phone nor an e-mail.
    let forms = [
        ("+86 138 0000 0001", "+8613800000001"),
        ("１３８ ００００ ０００２", "+8613800000002"),
        ("0086-138-0000-0003", "+8613800000003"),
        ("Li.Lei@Example.CN", "Li.Lei@example.cn"),
    ];
    for (typed, _) in forms {
        let r = one(
            &server,
            &a,
            &signup_by("closed-talk", None, 1, "李雷", typed),
        )
        .await;
        // Closed: the fields were fine, the event is not open.
        assert_eq!(r.outcome, Some(Outcome::Closed), "{typed}: {r:?}");
    }
    for (typed, _) in forms {
        let r = one(
            &server,
            &a,
            &signup_by(
                "reading-hour",
                Some("2030-01-15T12:00:00"),
                1,
                "李雷",
                typed,
            ),
        )
        .await;
        assert_eq!(r.status, SubmissionStatus::Accepted, "{typed}: {r:?}");
    }
    let signups = client.signups("reading-hour").await.expect("signups");
    let contacts: Vec<&str> = signups
        .occurrences
        .iter()
        .flat_map(|o| o.signups.iter().map(|s| s.contact.as_str()))
        .collect();
    assert_eq!(contacts, forms.map(|(_, stored)| stored));
    for (contact, reason) in [
        ("8888 1234", Reason::BadPhone),
        ("+86 138", Reason::BadPhone),
        ("li@lei", Reason::BadEmail),
        ("Room 2301", Reason::NotAContact),
    ] {
        let r = one(
            &server,
            &a,
            &signup_by("finance-talk", None, 1, "李雷", contact),
        )
        .await;
        assert_eq!(invalid(&r), [(Field::Contact, reason, None)], "{contact}");
    }
    // Every field at once, and a party larger than the room.
    let r = one(&server, &a, &signup_by("finance-talk", None, 4, " ", "x")).await;
    assert_eq!(
        invalid(&r),
        [
            (Field::Name, Reason::Empty, None),
            (Field::Contact, Reason::NotAContact, None),
            (Field::PartySize, Reason::TooLarge, Some(3)),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_note_over_its_limit_is_refused_and_changes_nothing() {
    use district_server::wishes::STAFF_NOTE_MAX_CHARS;
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let client = server.client();
    let w = wish_by("想学书法", None);
    submit(&server, &a, std::slice::from_ref(&w)).await;
    let head = server.head().await;
    let too_long = WishDecision {
        note: Some("长".repeat(STAFF_NOTE_MAX_CHARS + 1)),
        ..WishDecision::default()
    };
    let e = client
        .decide_wish(w.id.as_str(), Action::Approve, &too_long)
        .await
        .expect_err("too long");
    assert_eq!(e.code(), Some("bad_request"));
    assert!(e.to_string().contains("1000"), "{e}");
    assert_eq!(server.head().await, head, "nothing was published");
    let pending = client
        .wishes(Some(WishStatus::Pending))
        .await
        .expect("wishes");
    assert!(pending.wishes.iter().any(|p| p.id == w.id.as_str()));

    // At the limit it is kept, trimmed.
    let at_limit = "长".repeat(STAFF_NOTE_MAX_CHARS);
    let approved = client
        .decide_wish(
            w.id.as_str(),
            Action::Approve,
            &WishDecision {
                note: Some(format!("  {at_limit}\n")),
                ..WishDecision::default()
            },
        )
        .await
        .expect("approves");
    assert_eq!(approved.note.as_deref(), Some(at_limit.as_str()));

    // The same bound on a claim's decision.
    let offer = claim_by(w.id.as_str(), "赵", "13800000000", None);
    submit(&server, &a, std::slice::from_ref(&offer)).await;
    let offers = client
        .claims(None, Some(w.id.as_str()))
        .await
        .expect("claims");
    let e = client
        .decide_claim(
            offers.claims[0].id.as_str(),
            ClaimAction::Match,
            &ClaimDecision {
                note: Some("x".repeat(STAFF_NOTE_MAX_CHARS + 1)),
            },
        )
        .await
        .expect_err("too long");
    assert_eq!(e.code(), Some("bad_request"));
    let after = client
        .claims(None, Some(w.id.as_str()))
        .await
        .expect("claims");
    assert_eq!(after.claims[0].status, ClaimStatus::Offered);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_are_offered_matched_declined_and_shown_as_claimed() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let b = server.kiosk("kiosk-b", "s2");
    let client = server.client();
    let w = wish_by("想学太极拳", Some("王"));
    let pending = wish_by("还没审核", None);
    submit(&server, &a, &[w.clone(), pending.clone()]).await;
    client
        .decide_wish(w.id.as_str(), Action::Approve, &WishDecision::default())
        .await
        .expect("approves");

    // Offers: for a pending or unknown wish they conflict; for an approved one they are taken.
    let early = one(
        &server,
        &a,
        &claim_by(pending.id.as_str(), "赵", "13800000000", None),
    )
    .await;
    assert_eq!(
        (early.status, early.outcome),
        (SubmissionStatus::Conflict, Some(Outcome::Unavailable))
    );
    let unknown = one(
        &server,
        &a,
        &claim_by("no-such-wish", "赵", "13800000000", None),
    )
    .await;
    assert_eq!(unknown.outcome, Some(Outcome::Unavailable));
    let bad = one(&server, &a, &claim_by(w.id.as_str(), "赵", "call me", None)).await;
    assert_eq!(invalid(&bad), [(Field::Contact, Reason::NotAContact, None)]);
    // Not shown at kiosk b's station: refused, not stored.
    let elsewhere = one(
        &server,
        &b,
        &claim_by(w.id.as_str(), "钱", "13800000009", None),
    )
    .await;
    assert_eq!(
        (elsewhere.status, elsewhere.outcome),
        (SubmissionStatus::Rejected, Some(Outcome::Refused))
    );

    let c1 = claim_by(
        w.id.as_str(),
        "大连海港科技",
        "+86 411 8888 1234",
        Some("我们公司有太极老师"),
    );
    let c2 = claim_by(w.id.as_str(), "Jane Doe", "jane@example.org", None);
    let r = submit(&server, &a, &[c1.clone(), c2.clone()]).await;
    assert!(
        r.iter().all(|r| r.outcome == Some(Outcome::Received)),
        "{r:?}"
    );
    // A resend after a lost answer: the same outcome, nothing stored twice.
    let again = one(&server, &a, &c1).await;
    assert_eq!(
        (again.status, again.outcome),
        (SubmissionStatus::Duplicate, Some(Outcome::Received))
    );

    let offers = client
        .claims(Some(ClaimStatus::Offered), Some(w.id.as_str()))
        .await
        .expect("claims");
    assert_eq!(offers.claims.len(), 2);
    assert_eq!(offers.claims[0].contact, "+8641188881234");
    assert_eq!(offers.claims[0].note.as_deref(), Some("我们公司有太极老师"));
    assert_eq!(offers.claims[0].wish_text, "想学太极拳");
    let listing = district_server::ctl::format_claims(&offers);
    assert!(
        listing.contains("+8641188881234") && listing.contains("jane@example.org"),
        "{listing}"
    );
    assert_eq!(
        client.wishes(None).await.expect("wishes").wishes[0].claims,
        2
    );

    let mut replica = Replica::default();
    replica.sync(&server, &a, 500).await;
    let status = |replica: &Replica| match replica.records.get(&(Kind::Wish, w.id.to_string())) {
        Some(Record::Wish(w)) => Some(w.status),
        _ => None,
    };
    assert_eq!(status(&replica), Some(WishStatus::Approved));

    // Matching one offer shows the wish as claimed.
    let matched = client
        .decide_claim(
            offers.claims[0].id.as_str(),
            ClaimAction::Match,
            &ClaimDecision {
                note: Some("called 14:05".into()),
            },
        )
        .await
        .expect("matches");
    assert_eq!(matched.claim.status, ClaimStatus::Matched);
    assert_eq!(matched.wish.status, WishStatus::Claimed);
    replica.sync(&server, &a, 500).await;
    assert_eq!(status(&replica), Some(WishStatus::Claimed));
    // A claimed wish takes no new offers.
    let late = one(
        &server,
        &a,
        &claim_by(w.id.as_str(), "孙", "13800000008", None),
    )
    .await;
    assert_eq!(
        (late.status, late.outcome),
        (SubmissionStatus::Conflict, Some(Outcome::Unavailable))
    );
    // Matching twice is a conflict and changes nothing.
    let head = server.head().await;
    let e = client
        .decide_claim(
            offers.claims[0].id.as_str(),
            ClaimAction::Match,
            &ClaimDecision::default(),
        )
        .await
        .expect_err("already matched");
    assert_eq!(e.code(), Some("conflict"));
    assert_eq!(server.head().await, head);

    // Declining the only matched offer opens the wish again.
    let declined = client
        .decide_claim(
            offers.claims[0].id.as_str(),
            ClaimAction::Decline,
            &ClaimDecision::default(),
        )
        .await
        .expect("declines");
    assert_eq!(declined.wish.status, WishStatus::Approved);
    replica.sync(&server, &a, 500).await;
    assert_eq!(status(&replica), Some(WishStatus::Approved));
    client
        .decide_claim(
            offers.claims[1].id.as_str(),
            ClaimAction::Match,
            &ClaimDecision::default(),
        )
        .await
        .expect("matches the other");
    client
        .decide_wish(w.id.as_str(), Action::Fulfil, &WishDecision::default())
        .await
        .expect("fulfils");
    replica.sync(&server, &a, 500).await;
    assert_eq!(status(&replica), Some(WishStatus::Fulfilled));
    let after = one(
        &server,
        &a,
        &claim_by(w.id.as_str(), "周", "13800000007", None),
    )
    .await;
    assert_eq!(after.outcome, Some(Outcome::Unavailable));
    let e = client
        .decide_claim(
            "0190b2a8-7c3e-7abc-8def-0123456789ab",
            ClaimAction::Match,
            &ClaimDecision::default(),
        )
        .await
        .expect_err("unknown");
    assert_eq!(e.code(), Some("not_found"));
    let all = client.claims(None, None).await.expect("claims");
    assert_eq!(
        all.claims.iter().map(|c| c.status).collect::<Vec<_>>(),
        [ClaimStatus::Declined, ClaimStatus::Matched],
        "refused offers are not stored as claims"
    );
}

fn availability(replica: &Replica) -> Vec<Availability> {
    replica
        .records
        .values()
        .filter_map(|r| match r {
            Record::Availability(a) => Some(a.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seats_taken_travel_in_the_feed_with_each_sign_up_and_cancellation() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let b = server.kiosk("kiosk-b", "s2");
    let mut ra = Replica::default();
    let mut rb = Replica::default();
    ra.sync(&server, &a, 500).await;
    rb.sync(&server, &b, 500).await;
    assert!(availability(&ra).is_empty(), "no sign-up, no record");

    // finance-talk (s1's, district-wide, 3 seats): 2 taken, then a party of 2 is told 1 is left.
    let first = signup_by("finance-talk", None, 2, "王芳", "13800000000");
    let r = one(&server, &a, &first).await;
    let start = "2030-01-19T14:00:00".parse().expect("time");
    assert_eq!(r.outcome, Some(Outcome::Confirmed { seats: 2, start }));
    let page = server.page(&a, ra.since, 500).await;
    assert_eq!(page.changes.len(), 1, "exactly the new seat count");
    assert_eq!(
        (
            page.changes[0].kind,
            page.changes[0].id.as_str(),
            page.changes[0].op
        ),
        (Kind::Availability, "finance-talk@2030-01-19T14:00", Op::Put)
    );
    ra.apply(&page);
    rb.sync(&server, &b, 500).await;
    for r in [&ra, &rb] {
        let seats = availability(r);
        assert_eq!(seats.len(), 1, "district-wide event: every kiosk");
        assert_eq!((seats[0].taken, seats[0].capacity), (2, Some(3)));
        assert_eq!(seats[0].seats_left(), Some(1));
    }
    let full = one(
        &server,
        &b,
        &signup_by("finance-talk", None, 2, "李雷", "13800000001"),
    )
    .await;
    assert_eq!(
        (full.status, full.outcome),
        (
            SubmissionStatus::Conflict,
            Some(Outcome::Full { seats_left: 1 })
        )
    );
    // The lost answer of the first sign-up, asked again: still confirmed, 2 seats.
    let again = one(&server, &a, &first).await;
    assert_eq!(
        (again.status, again.outcome),
        (
            SubmissionStatus::Duplicate,
            Some(Outcome::Confirmed { seats: 2, start })
        )
    );
    assert!(
        server.page(&a, ra.since, 500).await.changes.is_empty(),
        "a duplicate changes nothing"
    );

    // Staff cancel it: the seats are free on every kiosk.
    let cancelled = server
        .client()
        .cancel_signup(first.id.as_str())
        .await
        .expect("cancels");
    assert_eq!((cancelled.taken, cancelled.capacity), (0, Some(3)));
    let e = server
        .client()
        .cancel_signup(first.id.as_str())
        .await
        .expect_err("twice");
    assert_eq!(e.code(), Some("conflict"));
    ra.sync(&server, &a, 500).await;
    assert_eq!(availability(&ra)[0].taken, 0);
    let listing = district_server::ctl::format_signups(
        &server
            .client()
            .signups("finance-talk")
            .await
            .expect("signups"),
    );
    assert!(listing.contains("CANCELLED"), "{listing}");
    let r = one(
        &server,
        &b,
        &signup_by("finance-talk", None, 3, "李雷", "13800000001"),
    )
    .await;
    assert_eq!(r.outcome, Some(Outcome::Confirmed { seats: 3, start }));

    // handicraft is scoped to s2: its seats reach s2 kiosks only. Capacity from its room (2).
    let r = one(
        &server,
        &b,
        &signup_by(
            "handicraft",
            Some("2030-01-14T12:00:00"),
            1,
            "赵",
            "13800000002",
        ),
    )
    .await;
    assert_eq!(r.status, SubmissionStatus::Accepted);
    ra.sync(&server, &a, 500).await;
    rb.sync(&server, &b, 500).await;
    assert_eq!(
        availability(&ra)
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        ["finance-talk@2030-01-19T14:00"]
    );
    let s2: Vec<_> = availability(&rb)
        .into_iter()
        .filter(|a| a.event == "handicraft")
        .collect();
    assert_eq!(s2.len(), 1);
    assert_eq!(
        (s2[0].taken, s2[0].capacity, s2[0].scope.as_deref()),
        (1, Some(2), Some("s2"))
    );

    // A push that changes the room's capacity rewrites the seats in the same push; one that
    // deletes the event deletes them.
    let mut m = manifest();
    m["rooms"][1]["capacity"] = json!(5);
    m["events"]
        .as_array_mut()
        .expect("events")
        .retain(|e| e["id"] != "finance-talk");
    server.push(&m).await;
    ra.sync(&server, &a, 500).await;
    rb.sync(&server, &b, 500).await;
    assert!(
        availability(&ra).is_empty(),
        "finance-talk is gone, and its seats with it"
    );
    let s2 = availability(&rb);
    assert_eq!(s2.len(), 1);
    assert_eq!(s2[0].capacity, Some(5));
    // Pushing the same content again changes nothing.
    let head = server.head().await;
    assert_eq!(server.push(&m).await.change_count(), 0);
    assert_eq!(server.head().await, head);

    // Once the occurrence has started, housekeeping withdraws its record.
    let after = "2030-01-15T00:00:00Z"
        .parse::<chrono::DateTime<chrono::Utc>>()
        .expect("time");
    let retired = server.state.retire(after).await.expect("housekeeping");
    assert_eq!(retired.availability, 1);
    rb.sync(&server, &b, 500).await;
    assert!(availability(&rb).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sign_ups_never_take_more_seats_than_there_are() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let tokens: Vec<String> = (0..4)
        .map(|i| server.kiosk(&format!("kiosk-{i}"), "s1"))
        .collect();
    // finance-talk has 3 seats; 24 visitors at 4 kiosks ask for 1 or 2 at the same moment.
    let mut tasks = Vec::new();
    for i in 0..24 {
        let token = tokens[i % tokens.len()].clone();
        let http = server.http.clone();
        let url = server.url("/v1/submissions");
        let item = signup_by(
            "finance-talk",
            None,
            1 + (i % 2) as u32,
            "访客",
            "13800000000",
        );
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "items": [item] }))
                .send()
                .await
                .expect("request");
            let results: SubmissionResults = r.json().await.expect("results");
            (
                item.payload["party_size"].as_u64().expect("size") as u32,
                results.results[0].clone(),
            )
        }));
    }
    let mut seats = 0;
    let mut accepted = 0;
    for t in tasks {
        let (party, result) = t.await.expect("task");
        match result.outcome {
            Some(Outcome::Confirmed { seats: s, .. }) => {
                assert_eq!(s, party);
                seats += s;
                accepted += 1;
            }
            Some(Outcome::Full { seats_left }) => {
                assert!(
                    seats_left < party,
                    "refused although {seats_left} were left"
                );
                assert_eq!(result.status, SubmissionStatus::Conflict);
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert!(accepted >= 2, "the first sign-ups got in");
    assert_eq!(seats, 3, "every seat given, none twice");
    let staff = server
        .client()
        .signups("finance-talk")
        .await
        .expect("signups");
    assert_eq!(staff.occurrences[0].taken, seats);
    let mut replica = Replica::default();
    replica.sync(&server, &tokens[0], 500).await;
    assert_eq!(
        availability(&replica)[0].taken,
        seats,
        "the feed says what was committed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_contact_or_visitor_name_ever_appears_in_any_page() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let a = server.kiosk("kiosk-a", "s1");
    let b = server.kiosk("kiosk-b", "s2");
    let client = server.client();
    // Distinctive contacts and names, typed the way visitors type them.
    let secrets = [
        ("欧阳娜娜", "139 1234 5678", "+8613912345678"),
        (
            "Zelda Quist",
            "zelda.quist@example.org",
            "zelda.quist@example.org",
        ),
        (
            "黎明科技有限公司",
            "０４１１－８７６５ ４３２１",
            "+8641187654321",
        ),
        ("Ygritte Snow", "+49 30 99998888", "+493099998888"),
    ];
    let w = wish_by("希望有人教我做饺子", Some("小林"));
    one(&server, &a, &w).await;
    client
        .decide_wish(
            w.id.as_str(),
            Action::Approve,
            &WishDecision {
                district_wide: true,
                note: None,
            },
        )
        .await
        .expect("approves");
    let items = [
        signup_by("finance-talk", None, 1, secrets[0].0, secrets[0].1),
        claim_by(w.id.as_str(), secrets[1].0, secrets[1].1, Some("I cook")),
        claim_by(w.id.as_str(), secrets[2].0, secrets[2].1, None),
        signup_by(
            "handicraft",
            Some("2030-01-14T12:00:00"),
            1,
            secrets[3].0,
            secrets[3].1,
        ),
    ];
    let results = submit(&server, &a, &items[..3]).await;
    assert!(
        results
            .iter()
            .all(|r| r.status == SubmissionStatus::Accepted),
        "{results:?}"
    );
    assert_eq!(
        one(&server, &b, &items[3]).await.status,
        SubmissionStatus::Accepted
    );
    let offers = client.claims(None, None).await.expect("claims");
    client
        .decide_claim(
            offers.claims[0].id.as_str(),
            ClaimAction::Match,
            &ClaimDecision::default(),
        )
        .await
        .expect("matches");
    client
        .decide_wish(w.id.as_str(), Action::Fulfil, &WishDecision::default())
        .await
        .expect("fulfils");
    client
        .cancel_signup(items[0].id.as_str())
        .await
        .expect("cancels");
    // Staff see them (so the scan below could find them if they leaked).
    let staff_view = format!(
        "{:?}{:?}",
        client.claims(None, None).await.expect("claims"),
        client.signups("handicraft").await.expect("signups")
    );
    assert!(staff_view.contains("+493099998888") && staff_view.contains("zelda.quist@example.org"));

    // Every page every kiosk can get: snapshots in small and large pages, and from every
    // cursor in between.
    let head = server.head().await;
    let mut pages = 0;
    let mut saw_the_wish = false;
    for token in [&a, &b] {
        for limit in [1, 3, 1000] {
            let mut since = 0;
            loop {
                let r = server
                    .get(&format!("/v1/changes?since={since}&limit={limit}"), token)
                    .await;
                let text = r.text().await.expect("body");
                // The scan reads real content: the wish and its chosen name are public.
                saw_the_wish |= text.contains("希望有人教我做饺子") && text.contains("小林");
                for (name, typed, stored) in secrets {
                    for needle in [name, typed, stored, &stored.replace('+', "")] {
                        assert!(
                            !text.contains(needle),
                            "`{needle}` leaked into a page: {text}"
                        );
                    }
                }
                pages += 1;
                let page: protocol::wire::ChangesPage = serde_json::from_str(&text).expect("page");
                if page.to >= page.head {
                    break;
                }
                since = page.to;
            }
        }
        for since in 0..=head {
            let text = server
                .get(&format!("/v1/changes?since={since}"), token)
                .await
                .text()
                .await
                .expect("body");
            for (name, _, stored) in secrets {
                assert!(
                    !text.contains(name) && !text.contains(stored),
                    "leak from {since}"
                );
            }
            pages += 1;
        }
    }
    assert!(pages > 20, "{pages} pages scanned");
    assert!(saw_the_wish);
    // The feed did carry the wish and the seats, so the scan looked at real content.
    let mut replica = Replica::default();
    replica.sync(&server, &a, 1000).await;
    assert!(
        replica
            .records
            .contains_key(&(Kind::Wish, w.id.to_string()))
    );
    assert!(!availability(&replica).is_empty());
}
