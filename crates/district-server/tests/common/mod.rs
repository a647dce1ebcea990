//! Test harness: a real server on 127.0.0.1 (port 0) over a temporary data folder, bundles
//! written to temporary folders, and a minimal kiosk replica that applies the change feed.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use district_server::admin;
use district_server::api::PushPlan;
use district_server::config::Config;
use district_server::ctl::{self, Client, CtlError};
use district_server::server::{self, AppState};
use protocol::content::{Content, Kind, Record};
use protocol::wire::{ChangesPage, Op, SCHEMA_HEADER, SCHEMA_VERSION};
use serde_json::{Value, json};
use tempfile::TempDir;

pub struct TestServer {
    pub addr: SocketAddr,
    pub base: String,
    pub staff: String,
    pub state: AppState,
    pub http: reqwest::Client,
    pub dir: TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_with(|_| {}).await
    }

    /// A server whose default config `adjust` changes first.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::for_data_dir(dir.path().join("data"));
        adjust(&mut config);
        let staff = admin::init(&config).expect("init");
        let state = AppState::open(config).expect("opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        let handle = tokio::spawn(async move {
            server::serve(served, listener, async {
                let _ = rx.await;
            })
            .await
            .expect("serves");
        });
        TestServer {
            addr,
            base: format!("http://{addr}"),
            staff,
            state,
            http: reqwest::Client::new(),
            dir,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    pub fn config(&self) -> Config {
        (*self.state.config).clone()
    }

    pub fn kiosk(&self, name: &str, station: &str) -> String {
        admin::add_kiosk(&self.config(), name, station)
            .expect("adds kiosk")
            .token
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base, &self.staff).expect("client")
    }

    /// Writes `manifest` (plus the standard images) as a bundle and pushes it with kioskctl's code.
    pub async fn push(&self, manifest: &Value) -> PushPlan {
        self.try_push(manifest, false)
            .await
            .expect("push succeeds")
            .plan
    }

    pub async fn try_push(
        &self,
        manifest: &Value,
        dry_run: bool,
    ) -> Result<ctl::PushOutcome, CtlError> {
        let bundle = BundleDir::new(manifest);
        ctl::push_bundle(&self.client(), bundle.path(), dry_run, |_| {}).await
    }

    pub async fn head(&self) -> u64 {
        self.state
            .db
            .read(district_server::storage::records::head)
            .await
            .expect("head")
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// One page of the feed, checked: status 200, schema header, checksum, cursor.
    pub async fn page(&self, token: &str, since: u64, limit: u32) -> ChangesPage {
        let r = self
            .get(&format!("/v1/changes?since={since}&limit={limit}"), token)
            .await;
        assert_eq!(r.status(), 200, "changes since {since}");
        assert_eq!(
            r.headers().get(SCHEMA_HEADER).and_then(|v| v.to_str().ok()),
            Some(SCHEMA_VERSION.to_string().as_str())
        );
        let page: ChangesPage = r.json().await.expect("page json");
        page.verify(since).expect("page verifies");
        page
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.abort();
        }
    }
}

/// An error answer's status and code.
pub async fn error_of(r: reqwest::Response) -> (u16, String, Value) {
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert!(
        ct.starts_with("application/json"),
        "error {status} must be JSON, was `{ct}`: {body}"
    );
    let code = body["error"].as_str().unwrap_or("").to_string();
    assert!(
        !body["message"].as_str().unwrap_or("").is_empty(),
        "error {status} has a message: {body}"
    );
    (status, code, body)
}

pub fn t(zh: &str, en: &str) -> Value {
    json!({ "zh": zh, "en": en })
}

/// A small solid PNG; `shade` makes distinct images.
pub fn png(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(32, 24, image::Rgb([shade, 100, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encodes");
    out.into_inner()
}

/// Images every test bundle carries.
pub fn images() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("images/harbour.png", png(10)),
        ("images/station.png", png(20)),
    ]
}

/// Two stations (s1, s2), a district-wide and an s1-scoped article, events of all sorts.
pub fn manifest() -> Value {
    json!({
        "format": 1,
        "district": { "id": "zhongshan", "name": t("中山区", "Zhongshan District"), "timezone": "Asia/Shanghai",
            "brand": { "kiosk_name": t("红垒e站", "Red Fort e-Station"), "welcome": t("欢迎来到红垒驿站", "Welcome to the Red Fort Stations"),
                       "intro": t("轻触开始", "Tap to start"), "venues": t("红垒驿站", "Stations"), "accent": "#C8102E" } },
        "sections": [
            { "id": "beautiful", "order": 1, "title": t("美丽中山", "Beautiful Zhongshan"),
              "subtitle": t("城市", "The city"), "icon": "city", "color": "#1E88E5" },
            { "id": "stations", "order": 2, "title": t("红垒驿站", "Red Fort Stations"),
              "subtitle": t("驿站", "Stations"), "icon": "station", "color": "#C62828" }
        ],
        "stations": [
            { "id": "s1", "order": 1, "name": t("海之云", "Sea Cloud"), "building": t("上方港景大厦", "Harbour View Tower"),
              "floor": t("23层", "23rd floor"), "address": t("港景路1号", "1 Harbour Rd"), "hours": t("9-17", "9-17"),
              "summary": t("驿站", "A station"), "serves": [t("A座", "Tower A")],
              "image": { "file": "images/station.png", "alt": t("驿站", "The station") } },
            { "id": "s2", "order": 2, "name": t("红垒一站", "Red Fort One"), "building": t("一号楼", "Building 1"),
              "floor": t("1层", "1st floor"), "address": t("人民路2号", "2 People's Rd"), "hours": t("9-17", "9-17"),
              "summary": t("驿站", "A station") }
        ],
        "rooms": [
            { "id": "s1-reading", "station": "s1", "order": 1, "name": t("阅览区", "Reading area"),
              "description": t("书", "Books"), "capacity": 20 },
            { "id": "s2-salon", "station": "s2", "order": 1, "name": t("艺术沙龙", "Art salon"),
              "description": t("艺术", "Art"), "capacity": 2 }
        ],
        "articles": [
            { "id": "harbour-walk", "section": "beautiful", "order": 1, "category": "entertainment",
              "title": t("海港漫步", "Harbour walk"), "summary": t("走走", "A walk"),
              "body": [t("第一段", "First paragraph")],
              "images": [{ "file": "images/harbour.png", "alt": t("海港", "The harbour") }] },
            { "id": "s1-news", "section": "stations", "order": 2, "category": "service",
              "title": t("驿站新闻", "Station news"), "summary": t("新闻", "News"),
              "body": [t("内容", "Content")], "scope": "s1" }
        ],
        "events": [
            { "id": "finance-talk", "station": "s1", "room": "s1-reading", "title": t("理财讲座", "Personal finance talk"),
              "description": t("免费", "Free"), "start": "2030-01-19T14:00:00", "end": "2030-01-19T15:30:00",
              "capacity": 3, "signup_open": true },
            { "id": "handicraft", "station": "s2", "room": "s2-salon", "title": t("手工课", "Handicraft class"),
              "description": t("午间", "Lunchtime"), "start": "2030-01-07T12:00:00", "end": "2030-01-07T13:00:00",
              "signup_open": true, "recurrence": { "weekly": true }, "scope": "s2" },
            { "id": "closed-talk", "station": "s1", "room": "s1-reading", "title": t("闭门", "Closed"),
              "description": t("关闭", "Closed"), "start": "2030-02-01T10:00:00", "end": "2030-02-01T11:00:00",
              "capacity": 10, "signup_open": false },
            { "id": "past-talk", "station": "s1", "room": "s1-reading", "title": t("往期", "Past"),
              "description": t("过去", "Past"), "start": "2001-02-01T10:00:00", "end": "2001-02-01T11:00:00",
              "capacity": 10, "signup_open": true }
        ]
    })
}

/// A bundle folder on disk.
pub struct BundleDir {
    dir: TempDir,
}

impl BundleDir {
    pub fn new(manifest: &Value) -> BundleDir {
        Self::with_images(manifest, &images())
    }

    pub fn with_images(manifest: &Value, images: &[(&str, Vec<u8>)]) -> BundleDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("bundle.json"),
            serde_json::to_vec_pretty(manifest).expect("json"),
        )
        .expect("writes manifest");
        for (path, bytes) in images {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, bytes).expect("writes image");
        }
        BundleDir { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn path_buf(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    pub fn content(&self) -> Content {
        ctl::load_bundle(self.path()).expect("valid bundle").content
    }
}

/// What a kiosk at `station` should hold for `content`.
pub fn visible(content: &Content, station: &str) -> Vec<Record> {
    content
        .records()
        .into_iter()
        .filter(|r| r.scope().is_none_or(|s| s == station))
        .collect()
}

/// The least a kiosk does with the feed: apply each verified page, move the cursor.
#[derive(Debug, Default)]
pub struct Replica {
    pub since: u64,
    pub records: BTreeMap<(Kind, String), Record>,
    pub pages: usize,
}

impl Replica {
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
        self.since = page.to;
        self.pages += 1;
    }

    /// Pulls until caught up with the head.
    pub async fn sync(&mut self, server: &TestServer, token: &str, limit: u32) {
        loop {
            let page = server.page(token, self.since, limit).await;
            self.apply(&page);
            if page.to == page.head {
                break;
            }
        }
    }

    pub fn checksum(&self) -> String {
        Content::checksum_of(self.records.values())
    }

    pub fn ids(&self, kind: Kind) -> Vec<String> {
        self.records
            .keys()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| id.clone())
            .collect()
    }
}

/// A `district-server` process the test started; killed when dropped.
pub struct Served(pub std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Served {
    /// Takes a started server (its stdout piped) and waits for its first line, which says
    /// where it listens: the server and its URL.
    pub fn listening(mut child: std::process::Child) -> (Served, String) {
        use std::io::{BufRead, BufReader};
        let stdout = child.stdout.take().expect("stdout piped");
        let served = Served(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("reads");
        let url = line
            .trim()
            .strip_prefix("district-server listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        (served, url)
    }
}

/// The `district-server` binary of this build serving `config` on 127.0.0.1 (port 0).
pub fn serve_binary(config: &Path) -> (Served, String) {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_district-server"))
        .arg("--config")
        .arg(config)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("starts");
    Served::listening(child)
}
