//! What visitors send, from the kiosk's outbox to the real district server on 127.0.0.1 and
//! back: a wish approved with kioskctl's client reaches the wall, a claim and a sign-up arrive
//! exactly once when an answer is lost, a full event answers the visitor truthfully, "push
//! now" answers within seconds, and an item queued just before the kiosk is killed is sent once.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use district_server::api::{ClaimDecision, ClaimStatus, WishDecision};
use district_server::claims::ClaimAction;
use district_server::ctl::Client;
use district_server::wishes::Action;
use lobby_kiosk::store::outbox::{self, Answer, Enqueued, Progress};
use lobby_kiosk::store::{ContentStore, Outbox};
use lobby_kiosk::sync::{Report, SyncError, Syncer};
use protocol::content::WishStatus;
use protocol::wire::{ClaimSubmission, Outcome, SignupSubmission};
use support::proxy::{Fault, Mode, Proxy};
use support::{Server, answer_of};

fn kiosk_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn cycle(rt: &tokio::runtime::Runtime, syncer: &mut Syncer) -> Result<Report, SyncError> {
    rt.block_on(syncer.cycle())
}

fn staff(server: &Server) -> Client {
    Client::new(&server.base, &server.staff).expect("client")
}

fn claim(wish: &str) -> ClaimSubmission {
    ClaimSubmission {
        wish: wish.into(),
        name: "大连海港科技".into(),
        contact: "0411-8888 1234".into(),
        note: Some("我们可以帮忙".into()),
    }
}

#[test]
fn a_wish_reaches_the_wall_once_approved_and_a_claim_arrives_once_when_the_answer_is_lost() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    server.push(&support::generated(0, 0, 1, 1));
    let proxy = Proxy::start(&server.rt, &server.base, 1, Duration::from_secs(2));
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = kiosk_runtime();
    let mut syncer = Syncer::open(dir.path(), Server::settings(&proxy.url, &token)).expect("opens");
    let outbox = Outbox::open(dir.path()).expect("outbox");
    let store = ContentStore::open(dir.path()).expect("cache");

    let wish = support::queue_wish(&outbox, "希望楼里有一个英文读书角 📚");
    cycle(&rt, &mut syncer).expect("sync");
    assert_eq!(
        answer_of(&outbox, wish),
        Some((Answer::Accepted, Some(Outcome::Received)))
    );
    assert!(
        store.wishes().expect("wall").is_empty(),
        "not on the wall before staff approve it"
    );

    let client = staff(&server);
    let pending = server
        .rt
        .block_on(client.wishes(Some(WishStatus::Pending)))
        .expect("wishes");
    assert_eq!(pending.wishes.len(), 1);
    assert_eq!(pending.wishes[0].id, wish.to_string());
    server
        .rt
        .block_on(client.decide_wish(&wish.to_string(), Action::Approve, &WishDecision::default()))
        .expect("approves");
    cycle(&rt, &mut syncer).expect("sync");
    let wall = store.wishes().expect("wall");
    assert_eq!(wall.len(), 1);
    assert_eq!(wall[0].id, wish.to_string());
    assert_eq!(wall[0].text, "希望楼里有一个英文读书角 📚");
    assert_eq!(wall[0].display_name.as_deref(), Some("李"));
    assert_eq!(wall[0].status, WishStatus::Approved);

    // Someone offers to help; the server stores the offer but the answer is lost on the way.
    let offer = outbox::new_id();
    let checked = claim(&wish.to_string()).check().expect("valid");
    assert_eq!(
        outbox.enqueue_claim(offer, &checked).expect("enqueue"),
        Enqueued::New
    );
    proxy.set_mode(Mode::Always(Fault::LoseAnswer));
    assert!(cycle(&rt, &mut syncer).expect_err("lost").is_transient());
    assert!(matches!(
        outbox.item(offer).expect("item").map(|t| t.progress),
        Some(Progress::Waiting { attempts: 1.., .. })
    ));
    assert!(server.submissions().contains_key(&offer.to_string()));
    proxy.set_mode(Mode::Pass);
    let report = cycle(&rt, &mut syncer).expect("sync");
    assert_eq!((report.pushed.sent, report.pushed.duplicate), (1, 1));
    assert_eq!(
        answer_of(&outbox, offer),
        Some((Answer::Duplicate, Some(Outcome::Received)))
    );
    let offers = server
        .rt
        .block_on(client.claims(None, None))
        .expect("claims");
    assert_eq!(offers.claims.len(), 1, "one offer, not two");
    assert_eq!(offers.claims[0].contact, "+8641188881234");

    // Staff match it: the wall shows the wish as claimed after the next sync.
    server
        .rt
        .block_on(client.decide_claim(
            &offer.to_string(),
            ClaimAction::Match,
            &ClaimDecision::default(),
        ))
        .expect("matches");
    cycle(&rt, &mut syncer).expect("sync");
    assert_eq!(store.wishes().expect("wall")[0].status, WishStatus::Claimed);
    // A second offer for a claimed wish is answered truthfully.
    let late = outbox::new_id();
    outbox.enqueue_claim(late, &checked).expect("enqueue");
    cycle(&rt, &mut syncer).expect("sync");
    assert_eq!(
        answer_of(&outbox, late),
        Some((Answer::Conflict, Some(Outcome::Unavailable)))
    );
    assert_eq!(
        server
            .rt
            .block_on(client.claims(Some(ClaimStatus::Matched), None))
            .expect("claims")
            .claims
            .len(),
        1
    );
}

#[test]
fn a_sign_up_arrives_once_and_a_full_event_answers_the_visitor_truthfully() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let mut bundle = support::generated(0, 0, 1, 1);
    let event = bundle
        .content
        .events
        .iter_mut()
        .find(|e| e.id == "gen-event-000")
        .expect("a one-off event");
    event.capacity = Some(3);
    let event = event.clone();
    server.push(&bundle);
    let proxy = Proxy::start(&server.rt, &server.base, 1, Duration::from_secs(2));
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = kiosk_runtime();
    let mut syncer = Syncer::open(dir.path(), Server::settings(&proxy.url, &token)).expect("opens");
    let outbox = Outbox::open(dir.path()).expect("outbox");
    let store = ContentStore::open(dir.path()).expect("cache");
    cycle(&rt, &mut syncer).expect("first sync");
    let seats = store.seats(&event, event.start).expect("seats");
    assert_eq!((seats.capacity, seats.taken), (Some(3), 0));

    // The form checks the party against the seats the kiosk knows of.
    let form = SignupSubmission {
        event: event.id.clone(),
        occurrence_start: None,
        name: "王芳".into(),
        contact: "+86 138 0000 0000".into(),
        party_size: 2,
    };
    let too_many = SignupSubmission {
        party_size: 4,
        ..form.clone()
    };
    assert!(too_many.check(seats.capacity).is_err(), "4 never fit in 3");
    let first = outbox::new_id();
    let checked = form.check(seats.capacity).expect("valid");
    outbox.enqueue_signup(first, &checked).expect("enqueue");
    // A double tap on "submit".
    assert_eq!(
        outbox.enqueue_signup(first, &checked).expect("again"),
        Enqueued::AlreadyQueued
    );

    proxy.set_mode(Mode::Always(Fault::LoseAnswer));
    let lost = cycle(&rt, &mut syncer).expect_err("the answer was lost");
    assert!(lost.is_transient(), "{lost}");
    assert!(
        server.submissions().contains_key(&first.to_string()),
        "{lost}"
    );
    proxy.set_mode(Mode::Pass);
    let report = cycle(&rt, &mut syncer).expect("sync");
    assert_eq!((report.pushed.sent, report.pushed.duplicate), (1, 1));
    assert_eq!(
        answer_of(&outbox, first),
        Some((
            Answer::Duplicate,
            Some(Outcome::Confirmed {
                seats: 2,
                start: event.start
            })
        )),
        "the visitor is told 2 seats are confirmed although the first answer was lost"
    );
    let staff_view = server
        .rt
        .block_on(staff(&server).signups(&event.id))
        .expect("signups");
    assert_eq!(
        staff_view.occurrences[0].signups.len(),
        1,
        "one sign-up, not two"
    );
    assert_eq!(staff_view.occurrences[0].taken, 2);
    // The same cycle pulled the seats: every kiosk now shows 1 left.
    let seats = store.seats(&event, event.start).expect("seats");
    assert_eq!((seats.taken, seats.left()), (2, Some(1)));

    // Another visitor asks for 2 (the kiosk still shows 1 left, but the server decides).
    let second = outbox::new_id();
    outbox
        .enqueue_signup(second, &form.check(seats.capacity).expect("valid"))
        .expect("enqueue");
    cycle(&rt, &mut syncer).expect("sync");
    assert_eq!(
        answer_of(&outbox, second),
        Some((Answer::Conflict, Some(Outcome::Full { seats_left: 1 })))
    );
    let tracked = outbox
        .item(second)
        .expect("item")
        .expect("kept for the screen");
    assert!(matches!(
        tracked.progress,
        Progress::Answered { message: Some(ref m), .. } if m.contains("full")
    ));
}

/// What the sync thread told the UI about answers.
struct Answers(std::sync::mpsc::Sender<Vec<uuid::Uuid>>);

impl lobby_kiosk::sync::Notifier for Answers {
    fn content_changed(&self) {}
    fn set_online(&self, _online: bool) {}
    fn synced(&self, _at: chrono::DateTime<chrono::Utc>) {}
    fn submissions_answered(&self, ids: &[uuid::Uuid]) {
        let _ = self.0.send(ids.to_vec());
    }
}

#[test]
fn push_now_sends_at_once_and_the_ui_hears_the_answer() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    server.push(&support::generated(0, 0, 1, 1));
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("outbox");
    let (tx, rx) = std::sync::mpsc::channel();
    let settings = lobby_kiosk::sync::Settings {
        // Only "push now" explains a send within the test.
        poll: Duration::from_secs(3600),
        ..Server::settings(&server.base, &token)
    };
    let handle =
        lobby_kiosk::sync::schedule::spawn(dir.path().to_path_buf(), settings, Answers(tx))
            .expect("starts");
    // Wait for the first cycle (the content arrives) so the next one is ours.
    for _ in 0..600 {
        if dir.path().join("content.db").exists()
            && support::cache_state(dir.path()).cursor == server.head()
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let id = support::queue_wish(&outbox, "请在大堂放一台饮水机");
    let asked = std::time::Instant::now();
    handle.push_now();
    let heard = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the sync thread answers");
    println!("answered {:?} after push_now", asked.elapsed());
    assert_eq!(heard, [id]);
    assert_eq!(
        answer_of(&outbox, id),
        Some((Answer::Accepted, Some(Outcome::Received)))
    );
    handle.stop();
}

/// Env var naming the data folder of the child process of the kill test.
const CHILD_DIR: &str = "LOBBY_TEST_OUTBOX_CHILD_DIR";

#[test]
fn an_item_queued_just_before_the_kiosk_is_killed_is_kept_and_sent_once() {
    let server = Server::start();
    let token = server.kiosk("lobby-1");
    server.push(&support::generated(0, 0, 1, 1));
    let dir = tempfile::tempdir().expect("tempdir");
    // A kiosk process queues a wish and a sign-up, says so, and is killed (SIGKILL) at once.
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_queues_and_waits_to_be_killed",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD_DIR, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child starts");
    let stdout = child.stdout.take().expect("stdout");
    let line = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("queued "))
        .expect("the child queued");
    child.kill().expect("kills");
    child.wait().expect("reaped");
    let ids: Vec<uuid::Uuid> = line
        .split_whitespace()
        .skip(1)
        .map(|s| s.parse().expect("uuid"))
        .collect();
    assert_eq!(ids.len(), 2);

    let outbox = Outbox::open(dir.path()).expect("outbox");
    for id in &ids {
        assert!(
            matches!(
                outbox.item(*id).expect("item").map(|t| t.progress),
                Some(Progress::Waiting { attempts: 0, .. })
            ),
            "{id} survived the kill"
        );
    }
    let rt = kiosk_runtime();
    let mut syncer =
        Syncer::open(dir.path(), Server::settings(&server.base, &token)).expect("opens");
    let report = cycle(&rt, &mut syncer).expect("sync");
    assert_eq!((report.pushed.sent, report.pushed.accepted), (2, 2));
    let report = cycle(&rt, &mut syncer).expect("sync");
    assert_eq!(report.pushed.sent, 0, "nothing is sent twice");
    let held = server.submissions();
    for id in &ids {
        assert!(held.contains_key(&id.to_string()));
    }
    assert_eq!(held.len(), 2);
    assert_eq!(server.count_rows("signups"), 1);
}

/// The kiosk process of the kill test; does nothing unless that test started it.
#[test]
#[ignore = "run as a child process by an_item_queued_just_before_the_kiosk_is_killed_is_kept_and_sent_once"]
fn child_queues_and_waits_to_be_killed() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let outbox = Outbox::open(std::path::Path::new(&dir)).expect("outbox");
    let wish = support::queue_wish(&outbox, "断电前的愿望");
    let signup = support::queue_signup(&outbox, "gen-event-000", "Wang Fang", 1);
    // "Received" is said only now, after both commits returned.
    println!("queued {wish} {signup}");
    std::thread::sleep(Duration::from_secs(120));
}
