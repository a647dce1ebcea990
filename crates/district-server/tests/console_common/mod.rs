//! A browser-like HTTP client for the console tests: a cookie jar, no automatic redirects, and
//! helpers to sign in and send forms with the page's CSRF token, against the real server
//! (`common::TestServer`) on 127.0.0.1.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use district_server::accounts::StaffRole;
use district_server::config::Config;
use district_server::people;
use district_server::server::{self, AppState};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::HeaderMap;
use reqwest::redirect::Policy;

pub const PASSWORD: &str = "lobby console pass 1";

/// Creates an account as `district-server user add` does.
pub fn add_user(config: &Config, name: &str, role: StaffRole) {
    people::create(config, name, role, PASSWORD).expect("adds user");
}

/// A page or answer as the tests look at it.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The first CSRF token in the page's forms.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let at = self
            .body
            .find(marker)
            .expect("page has a form with a CSRF token")
            + marker.len();
        self.body[at..at + 64].to_string()
    }

    /// The `<code id="new-token">` shown once.
    pub fn new_token(&self) -> String {
        let marker = "id=\"new-token\">";
        let at = self.body.find(marker).expect("page shows a new token") + marker.len();
        let end = self.body[at..].find('<').expect("end") + at;
        self.body[at..end].to_string()
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }
}

/// One browser: its own cookies.
pub struct Browser {
    pub base: String,
    pub jar: Arc<Jar>,
    pub http: reqwest::Client,
    /// A bearer token to send as well (to show it opens nothing in the console).
    pub bearer: Option<String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .build()
            .expect("client");
        Browser {
            base: base.to_string(),
            jar,
            http,
            bearer: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The value of a cookie the browser holds for the console.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.url("/console/").parse().expect("url");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_string))
    }

    /// Plants a cookie (what an attacker could do on a shared machine).
    pub fn plant_cookie(&self, name: &str, value: &str) {
        let url = self.url("/console/").parse().expect("url");
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/console"), &url);
    }

    async fn read(r: reqwest::Response) -> Page {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = &self.bearer {
            req = req.bearer_auth(t);
        }
        Self::read(req.send().await.expect("request")).await
    }

    /// Posts a form as it is (the caller adds `csrf` or not).
    pub async fn post_raw(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let mut req = self.http.post(self.url(path)).form(form);
        if let Some(t) = &self.bearer {
            req = req.bearer_auth(t);
        }
        Self::read(req.send().await.expect("request")).await
    }

    /// Posts a form with the CSRF token of the page at `from`.
    pub async fn post(&self, from: &str, path: &str, form: &[(&str, &str)]) -> Page {
        let token = self.get(from).await.csrf();
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(form);
        self.post_raw(path, &all).await
    }

    pub async fn login_as(&self, name: &str, password: &str) -> Page {
        let token = self.get("/console/login").await.csrf();
        self.post_raw(
            "/console/login",
            &[
                ("csrf", &token),
                ("name", name),
                ("password", password),
                ("next", "/console/"),
            ],
        )
        .await
    }

    /// Signs in and checks it worked.
    pub async fn login(&self, name: &str) {
        let page = self.login_as(name, PASSWORD).await;
        assert_eq!(page.status, 303, "login of {name}: {}", page.body);
        assert_eq!(page.location(), "/console/");
    }
}

/// A server on 127.0.0.1 with a config of the test's own (e.g. behind a trusted proxy).
pub struct CustomServer {
    pub base: String,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl CustomServer {
    pub async fn start(edit: impl FnOnce(&mut Config)) -> CustomServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::for_data_dir(dir.path().join("data"));
        edit(&mut config);
        district_server::admin::init(&config).expect("init");
        let state = AppState::open(config).expect("opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        tokio::spawn(async move {
            let _ = server::serve(served, listener, async {
                let _ = rx.await;
            })
            .await;
        });
        CustomServer {
            base: format!("http://{addr}"),
            state,
            dir,
            shutdown: Some(tx),
        }
    }

    pub fn config(&self) -> Config {
        (*self.state.config).clone()
    }
}

impl Drop for CustomServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
