//! Who may do what, against the real server on 127.0.0.1: every console and API route (read
//! from the same route tables the router is built from) with no session, each role, a kiosk
//! token, the operator's token, personal tokens, and forged, missing or replayed CSRF tokens;
//! session fixation; cookie attributes; login throttling; body limits.

mod common;
mod console_common;

use common::{TestServer, manifest};
use console_common::{Browser, CustomServer, PASSWORD, Page, add_user};
use district_server::accounts::{Access, StaffRole};
use district_server::config::SecureCookies;
use district_server::console;
use district_server::routes::{Audience, api_routes};
use reqwest::Method;
use serde_json::json;

const ROLES: [StaffRole; 3] = [StaffRole::Admin, StaffRole::Editor, StaffRole::Moderator];

fn user_of(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Admin => "ada",
        StaffRole::Editor => "ed",
        StaffRole::Moderator => "mo",
    }
}

/// A concrete path for a route pattern: parameters get harmless sample values.
fn concrete(path: &str) -> String {
    path.replace("{lang}", "en")
        .replace("{sha}", &"ab".repeat(32))
        .replace("{action}", "approve")
        .replace("{kind}", "article")
        .replace("{name}", "nobody")
        .replace("{id}", "no-such-thing")
}

fn is_login_redirect(p: &Page) -> bool {
    p.status == 303 && p.location().starts_with("/console/login")
}

async fn console_call(b: &Browser, method: &Method, path: &str, csrf: Option<&str>) -> Page {
    if method == Method::GET {
        b.get(path).await
    } else {
        match csrf {
            Some(t) => b.post_raw(path, &[("csrf", t)]).await,
            None => b.post_raw(path, &[]).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_console_route_admits_exactly_its_roles() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk_token = server.kiosk("lobby-1", "s1");
    for role in ROLES {
        add_user(&server.config(), user_of(role), role);
    }
    let routes = console::routes();
    assert!(routes.len() >= 20, "the table lists every page");

    // Nobody signed in, also with a kiosk or the operator's bearer token: public routes
    // answer, every other sends to the login page and changes nothing.
    for bearer in [None, Some(kiosk_token.clone()), Some(server.staff.clone())] {
        let mut b = Browser::new(&server.base);
        b.bearer = bearer.clone();
        for r in &routes {
            let path = concrete(r.path);
            let csrf = (r.method != Method::GET).then(|| "0".repeat(64));
            let page = console_call(&b, &r.method, &path, csrf.as_deref()).await;
            match r.access {
                Access::Public if r.method == Method::GET => {
                    assert!(
                        page.status < 400 || page.status == 404,
                        "{} {path} is public: {}",
                        r.method,
                        page.status
                    );
                }
                Access::Public => assert_eq!(page.status, 403, "{} {path}: forged CSRF", r.method),
                _ => assert!(
                    is_login_redirect(&page),
                    "{} {path} without a session (bearer {}): {} {}",
                    r.method,
                    bearer.is_some(),
                    page.status,
                    page.location()
                ),
            }
        }
    }

    for role in ROLES {
        let b = Browser::new(&server.base);
        // A token from an earlier session of the same person, to replay later.
        b.login(user_of(role)).await;
        let replayed = b.get("/console/account").await.csrf();
        let logout = b.post_raw("/console/logout", &[("csrf", &replayed)]).await;
        assert_eq!(logout.status, 303);
        b.login(user_of(role)).await;
        let valid = b.get("/console/account").await.csrf();
        assert_ne!(valid, replayed, "each session has its own CSRF token");

        for r in &routes {
            let path = concrete(r.path);
            let allowed = match r.access {
                Access::Public | Access::Staff => true,
                Access::Roles(roles) => roles.contains(&role),
            };
            if r.method == Method::GET {
                let page = b.get(&path).await;
                if allowed {
                    assert!(
                        page.status != 403 && !is_login_redirect(&page) && page.status < 500,
                        "{role} GET {path}: {} {}",
                        page.status,
                        page.location()
                    );
                } else {
                    assert_eq!(page.status, 403, "{role} GET {path}");
                    assert!(page.body.contains("<h1>"), "a page, not a bare status");
                }
                continue;
            }
            // Without a token, with a forged one, and with the replayed one: refused.
            for (what, token) in [
                ("no", None),
                ("forged", Some("f".repeat(64))),
                ("replayed", Some(replayed.clone())),
            ] {
                let page = console_call(&b, &r.method, &path, token.as_deref()).await;
                assert_eq!(
                    page.status, 403,
                    "{role} POST {path} with {what} CSRF token"
                );
            }
            // The token in a header instead of the form works like the field.
            let page = b
                .http
                .post(b.url(&path))
                .header("x-csrf-token", "e".repeat(64))
                .send()
                .await
                .expect("request");
            assert_eq!(
                page.status(),
                403,
                "{role} POST {path} with a forged header"
            );
            if r.path == "/console/logout" || r.path == "/console/login" {
                continue;
            }
            let page = console_call(&b, &r.method, &path, Some(&valid)).await;
            if allowed {
                assert!(
                    page.status != 403 && !is_login_redirect(&page) && page.status < 500,
                    "{role} POST {path} with a valid token: {} {}",
                    page.status,
                    page.body.chars().take(300).collect::<String>()
                );
            } else {
                assert_eq!(page.status, 403, "{role} POST {path}");
            }
        }
        // Still signed in: nothing above ended the session.
        assert_eq!(b.get("/console/account").await.status, 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_route_admits_exactly_its_tokens() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk_token = server.kiosk("lobby-1", "s1");
    let mut personal = Vec::new();
    for role in ROLES {
        add_user(&server.config(), user_of(role), role);
        let b = Browser::new(&server.base);
        b.login(user_of(role)).await;
        let page = b
            .post(
                "/console/account",
                "/console/account/tokens",
                &[("label", "matrix test")],
            )
            .await;
        assert_eq!(page.status, 201, "{}", page.body);
        let token = page.new_token();
        assert!(token.starts_with("lkp_"), "{token}");
        personal.push((role, token));
    }
    let call = |method: &Method, path: &str, token: Option<&str>| {
        let mut req = server.http.request(method.clone(), server.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if *method != Method::GET {
            req = req.json(&json!({}));
        }
        req.send()
    };
    let routes = api_routes();
    assert!(routes.len() >= 13);
    for r in &routes {
        let path = concrete(r.path).replace("no-such-thing", "finance-talk");
        let path = if path == "/v1/changes" {
            "/v1/changes?since=0".to_string()
        } else {
            path
        };
        let status = |resp: reqwest::Response| resp.status().as_u16();
        let none = status(call(&r.method, &path, None).await.expect("request"));
        assert_eq!(none, 401, "{} {path} without a token", r.method);
        let kiosk = status(
            call(&r.method, &path, Some(&kiosk_token))
                .await
                .expect("request"),
        );
        let operator = status(
            call(&r.method, &path, Some(&server.staff))
                .await
                .expect("request"),
        );
        match r.audience {
            Audience::Kiosk => {
                assert!(
                    kiosk != 401 && kiosk != 403,
                    "{} {path} kiosk: {kiosk}",
                    r.method
                );
                assert_eq!(operator, 403, "{} {path} with the staff token", r.method);
                for (role, token) in &personal {
                    let s = status(call(&r.method, &path, Some(token)).await.expect("request"));
                    assert_eq!(s, 403, "{} {path} with {role}'s personal token", r.method);
                }
            }
            Audience::Staff(access) => {
                assert_eq!(kiosk, 403, "{} {path} with a kiosk token", r.method);
                assert!(
                    operator != 401 && operator != 403,
                    "{} {path}: {operator}",
                    r.method
                );
                for (role, token) in &personal {
                    let s = status(call(&r.method, &path, Some(token)).await.expect("request"));
                    if access.allows(*role) {
                        assert!(s != 401 && s != 403, "{} {path} {role}: {s}", r.method);
                    } else {
                        assert_eq!(s, 403, "{} {path} with {role}'s personal token", r.method);
                    }
                }
            }
        }
    }
    // A revoked personal token and a disabled owner's token stop at once.
    let (_, editor_token) = &personal[1];
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let account = b.get("/console/account").await;
    let id_at = account
        .body
        .find("/console/account/tokens/")
        .expect("revoke form")
        + 24;
    let id: String = account.body[id_at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let page = b
        .post(
            "/console/account",
            &format!("/console/account/tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    let r = call(&Method::POST, "/v1/staff/blobs/missing", Some(editor_token))
        .await
        .expect("request");
    assert_eq!(r.status(), 401, "revoked");
    let (_, moderator_token) = &personal[2];
    let admin = Browser::new(&server.base);
    admin.login("ada").await;
    let page = admin
        .post(
            "/console/users",
            "/console/users/mo",
            &[("action", "disable")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let r = call(&Method::GET, "/v1/staff/wishes", Some(moderator_token))
        .await
        .expect("request");
    assert_eq!(r.status(), 401, "the owner is disabled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_starts_a_new_session_and_never_adopts_one() {
    let server = TestServer::start().await;
    add_user(&server.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&server.base);
    // An attacker plants a session id of their choosing before the victim signs in.
    let planted = "a".repeat(64);
    b.plant_cookie("lk_session", &planted);
    let page = b.login_as("ada", PASSWORD).await;
    assert_eq!(page.status, 303);
    let cookies = page.set_cookies();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("lk_session="))
        .expect("sets a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Strict"), "{session}");
    assert!(session.contains("Path=/console"), "{session}");
    assert!(
        !session.contains("Secure"),
        "plain HTTP on loopback: {session}"
    );
    let issued = b.cookie("lk_session").expect("holds a session");
    assert_ne!(issued, planted, "the planted id is not adopted");
    assert_eq!(issued.len(), 64);
    // The planted id opens nothing.
    let attacker = Browser::new(&server.base);
    attacker.plant_cookie("lk_session", &planted);
    assert!(is_login_redirect(&attacker.get("/console/").await));
    // Signing in again (same browser, signed in: the form carries the session's token)
    // rotates the id; the old one is dead.
    let page = b
        .post(
            "/console/",
            "/console/login",
            &[("name", "ada"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 303);
    let second = b.cookie("lk_session").expect("session");
    assert_ne!(second, issued, "rotated at login");
    let old = Browser::new(&server.base);
    old.plant_cookie("lk_session", &issued);
    assert!(
        is_login_redirect(&old.get("/console/").await),
        "old id ended"
    );
    assert_eq!(b.get("/console/").await.status, 200);
    // Logging out ends the session on the server, not only in the browser.
    let token = b.get("/console/").await.csrf();
    b.post_raw("/console/logout", &[("csrf", &token)]).await;
    let replay = Browser::new(&server.base);
    replay.plant_cookie("lk_session", &second);
    assert!(is_login_redirect(&replay.get("/console/").await));
    // A changed password ends the account's other sessions.
    let one = Browser::new(&server.base);
    let two = Browser::new(&server.base);
    one.login("ada").await;
    two.login("ada").await;
    let page = one
        .post(
            "/console/account",
            "/console/account/password",
            &[
                ("current", PASSWORD),
                ("new", "a new long password"),
                ("repeat", "a new long password"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(one.get("/console/").await.status, 200, "this session stays");
    assert!(
        is_login_redirect(&two.get("/console/").await),
        "the other one ended"
    );
    assert_eq!(
        b.login_as("ada", PASSWORD).await.status,
        401,
        "old password refused"
    );
    assert_eq!(b.login_as("ada", "a new long password").await.status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_are_secure_behind_a_trusted_https_proxy_only() {
    let proxied = CustomServer::start(|c| c.console.trust_proxy = true).await;
    add_user(&proxied.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&proxied.base);
    let login = b.get("/console/login").await;
    let token = login.csrf();
    let page = b
        .http
        .post(b.url("/console/login"))
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-for", "203.0.113.9")
        .form(&[
            ("csrf", token.as_str()),
            ("name", "ada"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), 303);
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("lk_session="))
        .expect("session cookie")
        .to_string();
    assert!(cookie.contains("Secure"), "{cookie}");

    // Without trust_proxy the header is ignored (anyone could send it).
    let direct = CustomServer::start(|_| {}).await;
    add_user(&direct.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&direct.base);
    let token = b.get("/console/login").await.csrf();
    let page = b
        .http
        .post(b.url("/console/login"))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("csrf", token.as_str()),
            ("name", "ada"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("request");
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("lk_session="))
        .expect("session cookie")
        .to_string();
    assert!(!cookie.contains("Secure"), "{cookie}");

    let always = CustomServer::start(|c| c.console.secure_cookies = SecureCookies::Always).await;
    let page = Browser::new(&always.base).get("/console/login").await;
    assert!(page.set_cookies().iter().all(|c| c.contains("Secure")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_are_throttled_per_account_and_per_address() {
    let server = CustomServer::start(|c| c.console.trust_proxy = true).await;
    add_user(&server.config(), "ada", StaffRole::Admin);
    add_user(&server.config(), "mo", StaffRole::Moderator);
    let attempt = |name: &'static str, password: &'static str, from: &'static str| {
        let base = server.base.clone();
        async move {
            let b = Browser::new(&base);
            let token = b.get("/console/login").await.csrf();
            b.http
                .post(b.url("/console/login"))
                .header("x-forwarded-for", from)
                .form(&[
                    ("csrf", token.as_str()),
                    ("name", name),
                    ("password", password),
                ])
                .send()
                .await
                .expect("request")
        }
    };
    for _ in 0..5 {
        let r = attempt("ada", "wrong password!", "198.51.100.1").await;
        assert_eq!(r.status(), 401);
    }
    // The right password no longer gets in, from any address: the account is throttled.
    let r = attempt("ada", PASSWORD, "198.51.100.2").await;
    assert_eq!(r.status(), 429);
    let body = r.text().await.expect("body");
    assert!(
        body.contains("分钟后再试"),
        "says when, in Chinese by default"
    );
    // Others are not locked out by it.
    assert_eq!(attempt("mo", PASSWORD, "198.51.100.1").await.status(), 303);
    // One address guessing many names is throttled as an address.
    for i in 0..20 {
        let name: &'static str = Box::leak(format!("guess{i}").into_boxed_str());
        attempt(name, "wrong password!", "198.51.100.7").await;
    }
    assert_eq!(attempt("mo", PASSWORD, "198.51.100.7").await.status(), 429);
    assert_eq!(attempt("mo", PASSWORD, "198.51.100.8").await.status(), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_their_limits_are_refused() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "ada", StaffRole::Admin);
    let b = Browser::new(&server.base);
    b.login("ada").await;
    let token = b.get("/console/kiosks").await.csrf();
    let huge = "x".repeat(300 * 1024);
    let page = b
        .post_raw(
            "/console/kiosks",
            &[("csrf", &token), ("name", &huge), ("station", "s1")],
        )
        .await;
    assert_eq!(page.status, 413, "console forms are small");
    let r = server
        .http
        .put(server.url("/v1/kiosk/screenshot"))
        .bearer_auth(&kiosk)
        .header("content-type", "image/png")
        .body(vec![0u8; 2 * 1024 * 1024 + 1])
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 413, "screenshots are at most 2 MiB");
    let r = server
        .http
        .put(server.url(&format!("/v1/staff/blobs/sha256/{}", "ab".repeat(32))))
        .bearer_auth(&server.staff)
        .body(vec![0u8; 8 * 1024 * 1024 + 1])
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 413, "images are at most 8 MiB");
    let r = server
        .http
        .post(server.url("/v1/submissions"))
        .bearer_auth(&kiosk)
        .header("content-type", "application/json")
        .body(vec![b' '; 1024 * 1024 + 1])
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 413, "JSON bodies are at most 1 MiB");
}
