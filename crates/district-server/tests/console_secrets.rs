//! Passwords, session ids and tokens never appear in the server's logs or, in clear, in its
//! database files. Its own test binary: it captures every log line (TRACE) of the process.

mod common;
mod console_common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{TestServer, manifest};
use console_common::{Browser, PASSWORD, add_user};
use district_server::accounts::StaffRole;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn files_of(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).expect("data dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            all.extend(std::fs::read(&path).expect("reads"));
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_stay_out_of_logs_and_the_database() {
    let log = Captured::default();
    let writer = log.clone();
    // Everything at TRACE except the test's own HTTP client (its cookie jar logs the cookies
    // it receives, which is the browser's side, not the server's).
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "trace,cookie_store=off,reqwest=off",
        ))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&server.base);
    b.login("ada").await;
    let session = b.cookie("lk_session").expect("session");

    // A failed login with a password that is someone's real one typed in the wrong box.
    let wrong = "Wrong-but-real-password-77";
    let other = Browser::new(&server.base);
    assert_eq!(other.login_as("nobody", wrong).await.status, 401);

    let new_password = "a brand new password 42";
    let page = b
        .post(
            "/console/account",
            "/console/account/password",
            &[
                ("current", PASSWORD),
                ("new", new_password),
                ("repeat", new_password),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = b
        .post(
            "/console/account",
            "/console/account/tokens",
            &[("label", "script")],
        )
        .await;
    let personal = page.new_token();
    let r = server
        .http
        .get(server.url("/v1/staff/kiosks"))
        .bearer_auth(&personal)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    let page = b
        .post(
            "/console/kiosks",
            "/console/kiosks",
            &[("name", "lobby-9"), ("station", "s1")],
        )
        .await;
    assert_eq!(page.status, 201, "{}", page.body);
    let kiosk_token = page.new_token();
    assert!(kiosk_token.starts_with("lkk_"));
    let r = server
        .http
        .get(server.url("/v1/kiosk"))
        .bearer_auth(&kiosk_token)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    let csrf = b.get("/console/").await.csrf();

    let logged = String::from_utf8_lossy(&log.0.lock().expect("log").clone()).to_string();
    assert!(
        logged.contains("console login"),
        "the capture works: {logged}"
    );
    let db = files_of(&server.config().data_dir);
    assert!(
        contains(&db, "$argon2id$"),
        "passwords are stored as argon2id hashes"
    );
    for (what, secret) in [
        ("password", PASSWORD),
        ("new password", new_password),
        ("mistyped password", wrong),
        ("session id", session.as_str()),
        ("personal token", personal.as_str()),
        ("kiosk token", kiosk_token.as_str()),
        ("operator token", server.staff.as_str()),
        ("CSRF token", csrf.as_str()),
    ] {
        let line = logged.lines().find(|l| l.contains(secret));
        assert!(line.is_none(), "{what} in the log: {line:?}");
        assert!(!contains(&db, secret), "{what} in the database files");
    }
}
