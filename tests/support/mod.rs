//! Shared harness of the sync tests: the real district server on 127.0.0.1 (port 0) on its own
//! runtime thread, bundles made in memory, the expected states of a kiosk computed straight from
//! the change feed, and checks of a kiosk's data folder. `proxy` is the fault-injecting proxy.
#![allow(dead_code)]

pub mod proxy;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use district_server::admin;
use district_server::api::PushPlan;
use district_server::config::Config;
use district_server::ctl::{self, Client};
use district_server::server::{self, AppState};
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::sync::Settings;
use protocol::bundle::{Blob, Bundle};
use protocol::content::{Article, Category, Content, Event, ImageRef, Kind, Record, sha256_hex};
use protocol::text::Text;
use protocol::wire::{ChangesPage, Op, SCHEMA_HEADER, SCHEMA_VERSION};
use tempfile::TempDir;

/// The station the test kiosks stand in (a station of the demo bundle).
pub const STATION: &str = "haizhiyun";

/// A district server in this process, serving on its own runtime so tests (and the kiosk
/// processes they spawn) can block while it answers.
pub struct Server {
    pub base: String,
    pub staff: String,
    pub state: AppState,
    pub rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    _dir: TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(|_| {})
    }

    /// A server whose default config `adjust` changes first.
    pub fn start_with(adjust: impl FnOnce(&mut Config)) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::for_data_dir(dir.path().join("data"));
        adjust(&mut config);
        let staff = admin::init(&config).expect("init");
        let state = AppState::open(config).expect("opens");
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("binds");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        rt.spawn(async move {
            let _ = server::serve(served, listener, async {
                let _ = rx.await;
            })
            .await;
        });
        Server {
            base: format!("http://{addr}"),
            staff,
            state,
            rt,
            http: reqwest::Client::new(),
            _dir: dir,
            shutdown: Some(tx),
        }
    }

    /// Registers a kiosk at [`STATION`] and returns its token.
    pub fn kiosk(&self, name: &str) -> String {
        admin::add_kiosk(&self.state.config, name, STATION)
            .expect("adds kiosk")
            .token
    }

    pub fn push(&self, bundle: &Bundle) -> PushPlan {
        let client = Client::new(&self.base, &self.staff).expect("client");
        self.rt
            .block_on(ctl::push_loaded(&client, bundle, false, |_| {}))
            .expect("push succeeds")
            .plan
    }

    pub fn head(&self) -> u64 {
        self.state
            .db
            .read_blocking(district_server::storage::records::head)
            .expect("head")
    }

    /// One verified page of the feed, as the kiosk with `token` sees it.
    pub fn page(&self, token: &str, since: u64, limit: u32) -> ChangesPage {
        let url = format!("{}/v1/changes?since={since}&limit={limit}", self.base);
        let http = self.http.clone();
        let token = token.to_string();
        let page: ChangesPage = self.rt.block_on(async move {
            let r = http
                .get(url)
                .bearer_auth(token)
                .header(SCHEMA_HEADER, SCHEMA_VERSION.to_string())
                .send()
                .await
                .expect("request");
            assert_eq!(r.status(), 200, "changes since {since}");
            r.json().await.expect("page json")
        });
        page.verify(since).expect("page verifies");
        page
    }

    /// The states a kiosk passes through when it applies the feed from `start` (a cursor and
    /// the records it holds) in pages of `limit`: `(cursor, records)` after each page, the
    /// start included. The last one is the server's content.
    pub fn states_from(&self, token: &str, start: State, limit: u32) -> Vec<State> {
        let mut states = vec![start.clone()];
        let mut state = start;
        loop {
            let page = self.page(token, state.cursor, limit);
            state.apply(&page);
            states.push(state.clone());
            if page.to == page.head {
                break;
            }
        }
        states
    }

    /// What a kiosk must hold now: every record the feed gives it from scratch.
    pub fn expected(&self, token: &str) -> State {
        self.states_from(token, State::default(), 1000)
            .pop()
            .expect("a final state")
    }

    /// The server's database file, opened read-only: what the server really stored.
    fn database(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(
            self.state.db.path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("opens the server's database")
    }

    /// Every submission the server holds: id → (kiosk, kind, status).
    pub fn submissions(&self) -> BTreeMap<String, (String, String, String)> {
        let db = self.database();
        let mut stmt = db
            .prepare("SELECT id, kiosk_id, kind, status FROM submissions")
            .expect("prepares");
        stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))
            .expect("queries")
            .collect::<Result<_, _>>()
            .expect("submissions")
    }

    /// Rows of a table of the server's database (wishes, signups).
    pub fn count_rows(&self, table: &str) -> usize {
        self.database()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .expect("count") as usize
    }

    /// Sync settings for a kiosk reaching this server at `url` (the server or a proxy).
    pub fn settings(url: &str, token: &str) -> Settings {
        Settings {
            retry_delay: Duration::from_millis(20),
            ..Settings::new(url, token)
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A kiosk's content as a cursor and its records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub cursor: u64,
    pub records: BTreeMap<(Kind, String), Record>,
}

impl State {
    pub fn of(cursor: u64, records: Vec<Record>) -> State {
        State {
            cursor,
            records: records
                .into_iter()
                .map(|r| ((r.kind(), r.id().to_string()), r))
                .collect(),
        }
    }

    pub fn apply(&mut self, page: &ChangesPage) {
        for c in &page.changes {
            match c.op {
                Op::Put => {
                    let r = c.record().expect("valid").expect("put has a record");
                    self.records.insert((c.kind, c.id.clone()), r);
                }
                Op::Delete => {
                    self.records.remove(&(c.kind, c.id.clone()));
                }
            }
        }
        self.cursor = page.to;
    }

    pub fn checksum(&self) -> String {
        Content::checksum_of(self.records.values())
    }

    pub fn blobs(&self) -> BTreeSet<String> {
        self.records
            .values()
            .flat_map(|r| r.blobs())
            .map(str::to_string)
            .collect()
    }
}

/// What a kiosk's data folder holds: the applied cursor and records.
pub fn cache_state(dir: &Path) -> State {
    let store = ContentStore::open(dir).expect("cache opens");
    State::of(
        store.stats().expect("stats").content_seq,
        store.all_records().expect("records"),
    )
}

/// `PRAGMA quick_check` of the cache.
pub fn quick_check(dir: &Path) -> String {
    let conn = rusqlite::Connection::open(dir.join("content.db")).expect("opens");
    conn.query_row("PRAGMA quick_check", [], |r| r.get(0))
        .expect("quick_check")
}

/// Checks every file under a blob name: its bytes hash to its name. Returns the names.
pub fn verified_blobs(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(entries) = std::fs::read_dir(dir.join("blobs")) else {
        return out;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".part") {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("reads blob");
        assert_eq!(
            sha256_hex(&bytes),
            name,
            "the file under blob name {name} does not hash to it"
        );
        out.insert(name);
    }
    out
}

/// Copies a folder tree (a kiosk's data folder used as a template).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("reads dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copies");
        }
    }
}

/// A small PNG, distinct per `seed`.
pub fn png(seed: u32) -> Vec<u8> {
    let w = 16 + seed % 24;
    let h = 16 + (seed / 24) % 16;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (seed.wrapping_mul(37) % 251) as u8,
            ((x * 7 + seed) % 256) as u8,
            ((y * 11 + seed * 3) % 256) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encodes");
    out.into_inner()
}

fn t(s: &str) -> Text {
    Text::new(format!("{s}（中）"), s)
}

/// The embedded demo bundle (5 stations, 8 sections, dozens of articles and images).
pub fn demo() -> Bundle {
    lobby_kiosk::demo::bundle().expect("demo bundle")
}

/// Adds an image to a bundle and returns its reference.
pub fn add_image(bundle: &mut Bundle, seed: u32) -> ImageRef {
    let bytes = png(seed);
    let blob: Blob = protocol::bundle::check_image(&bytes).expect("valid image");
    let sha = sha256_hex(&bytes);
    let image = ImageRef {
        sha256: sha.clone(),
        width: blob.width,
        height: blob.height,
        alt: t(&format!("image {seed}")),
    };
    bundle.blobs.insert(sha, blob);
    image
}

/// The demo bundle grown by `articles` generated articles sharing `images` generated images,
/// and `events` generated future events open for sign-up. `version` changes their text.
pub fn generated(articles: usize, images: usize, events: usize, version: u32) -> Bundle {
    let mut bundle = demo();
    let refs: Vec<ImageRef> = (0..images as u32)
        .map(|i| add_image(&mut bundle, 1000 + i))
        .collect();
    let sections: Vec<String> = bundle
        .content
        .sections
        .iter()
        .map(|s| s.id.clone())
        .collect();
    for i in 0..articles {
        let mut a: Article = bundle.content.articles[i % bundle.content.articles.len()].clone();
        a.id = format!("gen-{i:04}");
        a.section = sections[i % sections.len()].clone();
        a.order = 100 + i as u32;
        a.category = Category::ALL[i % 4];
        a.title = t(&format!("Generated article {i} v{version}"));
        a.summary = t(&format!("Summary {i}"));
        a.body = vec![t(&format!("Paragraph of article {i}, version {version}."))];
        a.images = if refs.is_empty() {
            Vec::new()
        } else {
            vec![refs[i % refs.len()].clone()]
        };
        a.link = None;
        a.publish_at = None;
        a.expire_at = None;
        a.scope = None;
        bundle.content.articles.push(a);
    }
    let room = bundle
        .content
        .rooms
        .iter()
        .find(|r| r.station == STATION)
        .expect("a room at the station")
        .clone();
    for i in 0..events {
        let start = chrono::NaiveDate::from_ymd_opt(2031, 3, 1 + (i % 28) as u32)
            .expect("date")
            .and_hms_opt(10, 0, 0)
            .expect("time");
        bundle.content.events.push(Event {
            id: format!("gen-event-{i:03}"),
            station: STATION.into(),
            room: room.id.clone(),
            title: t(&format!("Generated event {i} v{version}")),
            description: t("Open to all"),
            start,
            end: start + chrono::Duration::hours(1),
            capacity: Some(10_000),
            signup_open: true,
            recurrence: None,
            link: None,
            scope: None,
        });
    }
    bundle
}

/// Keeps only the blobs the content references (a push refuses nothing for extra blobs, but
/// the bundle should say what it publishes).
pub fn prune_blobs(bundle: &mut Bundle) {
    let used: BTreeSet<String> = bundle
        .content
        .records()
        .iter()
        .flat_map(|r| r.blobs())
        .map(str::to_string)
        .collect();
    bundle.blobs.retain(|sha, _| used.contains(sha));
}

/// Writes a kiosk config file for `kiosk --config`.
pub fn kiosk_config(dir: &Path, server: &str, token: &str, extra: &str) -> PathBuf {
    let path = dir.join("kiosk.toml");
    std::fs::write(
        &path,
        format!("server = \"{server}\"\ntoken = \"{token}\"\n{extra}"),
    )
    .expect("writes config");
    path
}

/// Queues a wish the way a form does: checked with the visitor rules, under a fresh id.
pub fn queue_wish(outbox: &lobby_kiosk::store::Outbox, text: &str) -> uuid::Uuid {
    let wish = protocol::wire::WishSubmission {
        text: text.into(),
        lang: protocol::text::Lang::Zh,
        display_name: Some("李".into()),
    }
    .check()
    .expect("a valid wish");
    let id = lobby_kiosk::store::outbox::new_id();
    outbox.enqueue_wish(id, &wish).expect("enqueue");
    id
}

/// Queues a sign-up the way a form does.
pub fn queue_signup(
    outbox: &lobby_kiosk::store::Outbox,
    event: &str,
    name: &str,
    party_size: u32,
) -> uuid::Uuid {
    let signup = protocol::wire::SignupSubmission {
        event: event.into(),
        occurrence_start: None,
        name: name.into(),
        contact: "138 0000 0000".into(),
        party_size,
    }
    .check(None)
    .expect("a valid sign-up");
    let id = lobby_kiosk::store::outbox::new_id();
    outbox.enqueue_signup(id, &signup).expect("enqueue");
    id
}

/// The server's answer for an outbox item, once it has one.
pub fn answer_of(
    outbox: &lobby_kiosk::store::Outbox,
    id: uuid::Uuid,
) -> Option<(
    lobby_kiosk::store::outbox::Answer,
    Option<protocol::wire::Outcome>,
)> {
    match outbox.item(id).expect("reads the outbox")?.progress {
        lobby_kiosk::store::outbox::Progress::Answered {
            answer, outcome, ..
        } => Some((answer, outcome)),
        lobby_kiosk::store::outbox::Progress::Waiting { .. } => None,
    }
}
