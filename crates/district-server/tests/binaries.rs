//! The two binaries as an operator and staff use them: init, register a kiosk, serve on a free
//! loopback port, push with kioskctl, and read the feed as the kiosk.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{BundleDir, Served, manifest, serve_binary, t};
use protocol::wire::ChangesPage;

const SERVER: &str = env!("CARGO_BIN_EXE_district-server");
const CTL: &str = env!("CARGO_BIN_EXE_kioskctl");

fn run(bin: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(bin)
        .args(args)
        .env_remove("KIOSKCTL_TOKEN")
        .env_remove("KIOSKCTL_SERVER")
        .env_remove("DISTRICT_SERVER_CONFIG")
        .envs(env.iter().copied())
        .output()
        .expect("runs")
}

fn ok(out: Output) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    // Shown with `--nocapture`: what a person sees.
    println!("{stdout}{stderr}");
    assert!(out.status.success(), "failed: {stdout}\n{stderr}");
    (stdout, stderr)
}

fn failed(out: Output) -> String {
    assert!(
        !out.status.success(),
        "should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    println!("{stderr}");
    stderr
}

#[test]
fn operator_and_staff_workflow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("server.toml");
    let cfg = config.display().to_string();

    let (stdout, stderr) = ok(run(SERVER, &["--config", &cfg, "init"], &[]));
    let staff = stdout.trim().to_string();
    assert!(staff.starts_with("lks_"), "{stdout}");
    assert!(stderr.contains("default config"), "{stderr}");
    assert!(dir.path().join("data/district.db").exists());
    let again = failed(run(SERVER, &["--config", &cfg, "init"], &[]));
    assert!(again.contains("already initialised"), "{again}");

    let (stdout, stderr) = ok(run(
        SERVER,
        &[
            "--config",
            &cfg,
            "kiosk",
            "add",
            "lobby-1",
            "--station",
            "s1",
        ],
        &[],
    ));
    let kiosk = stdout.trim().to_string();
    assert!(kiosk.starts_with("lkk_"), "{stdout}");
    assert!(stderr.contains("not published"), "{stderr}");
    let dup = failed(run(
        SERVER,
        &[
            "--config",
            &cfg,
            "kiosk",
            "add",
            "lobby-1",
            "--station",
            "s1",
        ],
        &[],
    ));
    assert!(dup.contains("already exists"), "{dup}");
    let bad = failed(run(
        SERVER,
        &[
            "--config",
            &cfg,
            "kiosk",
            "add",
            "Lobby 1",
            "--station",
            "s1",
        ],
        &[],
    ));
    assert!(bad.contains("not a valid kiosk name"), "{bad}");

    let (_server, url) = serve_binary(&config);
    let staff_env = [
        ("KIOSKCTL_TOKEN", staff.as_str()),
        ("KIOSKCTL_SERVER", url.as_str()),
    ];

    let m = manifest();
    let bundle = BundleDir::new(&m);
    let bdir = bundle.path().display().to_string();
    let (stdout, _) = ok(run(CTL, &["push", &bdir, "--dry-run"], &staff_env));
    assert!(
        stdout.contains("Dry run") && stdout.contains("nothing was changed"),
        "{stdout}"
    );
    assert!(stdout.contains("+ harbour-walk"), "{stdout}");
    assert!(stdout.contains("2 image(s) to upload"), "{stdout}");

    let (stdout, _) = ok(run(CTL, &["push", &bdir], &staff_env));
    assert!(stdout.contains("Pushed to"), "{stdout}");
    assert!(stdout.contains("2 image(s) uploaded"), "{stdout}");

    // Edit one article: the dry run names exactly it.
    let mut m2 = m.clone();
    m2["articles"][0]["summary"] = t("走一走", "A stroll");
    let edited = BundleDir::new(&m2);
    let edir = edited.path().display().to_string();
    let (stdout, _) = ok(run(CTL, &["push", &edir, "--dry-run"], &staff_env));
    assert!(
        stdout.contains("article  0 added, 1 changed, 0 removed"),
        "{stdout}"
    );
    assert!(stdout.contains("~ harbour-walk"), "{stdout}");

    // The kiosk reads what was pushed.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let page: ChangesPage = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{url}/v1/changes?since=0"))
            .bearer_auth(&kiosk)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json")
    });
    page.verify(0).expect("verifies");
    let content = bundle.content();
    assert_eq!(page.changes.len(), common::visible(&content, "s1").len());

    let (stdout, _) = ok(run(CTL, &["kiosks"], &staff_env));
    assert!(
        stdout.contains("lobby-1") && stdout.contains("never"),
        "{stdout}"
    );
    let (stdout, _) = ok(run(CTL, &["wishes", "list"], &staff_env));
    assert!(stdout.contains("No wishes"), "{stdout}");
    let (stdout, _) = ok(run(CTL, &["signups", "list", "finance-talk"], &staff_env));
    assert!(
        stdout.contains("Personal finance talk") && stdout.contains("no sign-ups"),
        "{stdout}"
    );

    // What visitors send, handled from the command line: approve a wish, see who offered to
    // help (with their contact), match the offer, cancel a sign-up.
    let wish_id = uuid::Uuid::now_v7().to_string();
    let claim_id = uuid::Uuid::now_v7().to_string();
    let signup_id = uuid::Uuid::now_v7().to_string();
    let submit = |items: serde_json::Value| {
        rt.block_on(async {
            let r = reqwest::Client::new()
                .post(format!("{url}/v1/submissions"))
                .bearer_auth(&kiosk)
                .json(&serde_json::json!({ "items": items }))
                .send()
                .await
                .expect("request");
            assert_eq!(r.status(), 200);
            r.text().await.expect("body")
        })
    };
    let answer = submit(serde_json::json!([
        { "id": wish_id, "kind": "wish", "created_at": "2030-01-01T10:00:00+08:00",
          "payload": { "text": "想学书法", "lang": "zh" } },
        { "id": signup_id, "kind": "signup", "created_at": "2030-01-01T10:00:00+08:00",
          "payload": { "event": "finance-talk", "name": "王芳", "contact": "138 0000 0000", "party_size": 2 } }
    ]));
    assert!(answer.contains("\"confirmed\""), "{answer}");
    let (stdout, _) = ok(run(CTL, &["wishes", "approve", &wish_id], &staff_env));
    assert!(stdout.contains("is now approved"), "{stdout}");
    submit(serde_json::json!([
        { "id": claim_id, "kind": "claim", "created_at": "2030-01-01T10:05:00+08:00",
          "payload": { "wish": wish_id, "name": "书法老师", "contact": "teacher@example.org" } }
    ]));
    let (stdout, _) = ok(run(CTL, &["claims", "list"], &staff_env));
    assert!(
        stdout.contains(&claim_id)
            && stdout.contains("teacher@example.org")
            && stdout.contains("想学书法"),
        "{stdout}"
    );
    let (stdout, _) = ok(run(CTL, &["claims", "match", &claim_id], &staff_env));
    assert!(
        stdout.contains("is now matched") && stdout.contains("is claimed"),
        "{stdout}"
    );
    let err = failed(run(CTL, &["claims", "match", &claim_id], &staff_env));
    assert!(
        err.contains("409") && err.contains("already matched"),
        "{err}"
    );
    let (stdout, _) = ok(run(CTL, &["signups", "list", "finance-talk"], &staff_env));
    assert!(
        stdout.contains("+8613800000000") && stdout.contains(&signup_id),
        "{stdout}"
    );
    let (stdout, _) = ok(run(CTL, &["signups", "cancel", &signup_id], &staff_env));
    assert!(
        stdout.contains("cancelled") && stdout.contains("0 taken"),
        "{stdout}"
    );

    // A kiosk token is refused on staff routes.
    let err = failed(run(
        CTL,
        &["kiosks"],
        &[
            ("KIOSKCTL_TOKEN", kiosk.as_str()),
            ("KIOSKCTL_SERVER", url.as_str()),
        ],
    ));
    assert!(err.contains("403") && err.contains("staff"), "{err}");
    // No token at all.
    let err = failed(run(CTL, &["--server", &url, "kiosks"], &[]));
    assert!(err.contains("KIOSKCTL_TOKEN"), "{err}");

    // An invalid bundle: every problem is listed, nothing is sent.
    let mut broken = m.clone();
    broken["events"][0]["end"] = "2030-01-19T13:00:00".into();
    broken["rooms"][0]["name"] = t("", "Reading area");
    let broken = BundleDir::new(&broken);
    let err = failed(run(
        CTL,
        &["push", &broken.path().display().to_string()],
        &staff_env,
    ));
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(
        err.contains("events[0] \"finance-talk\": field `end`"),
        "{err}"
    );
    assert!(
        err.contains("rooms[0] \"s1-reading\": field `name.zh`"),
        "{err}"
    );
    let (stdout, _) = ok(run(CTL, &["check", &bdir], &[]));
    assert!(stdout.contains("is valid"), "{stdout}");
}

#[test]
fn serve_refuses_an_uninitialised_or_broken_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("server.toml");
    std::fs::write(&config, "data_dir = \"data\"\n").expect("writes");
    let cfg = config.display().to_string();
    let err = failed(run(
        SERVER,
        &["--config", &cfg, "serve", "--listen", "127.0.0.1:0"],
        &[],
    ));
    assert!(err.contains("district-server init"), "{err}");
    std::fs::write(&config, "data_dir = \"data\"\ntombstone_days = 30\n").expect("writes");
    let err = failed(run(SERVER, &["--config", &cfg, "serve"], &[]));
    assert!(err.contains("at least 90"), "{err}");
    let err = failed(run(
        SERVER,
        &[
            "--config",
            &dir.path().join("absent.toml").display().to_string(),
            "kiosk",
            "list",
        ],
        &[],
    ));
    assert!(err.contains("cannot read config file"), "{err}");
}

/// `district-server demo` in a fresh folder, the password on stdin: returns the server and its
/// address once it listens.
fn demo(config: &Path, password: Option<&str>) -> (Served, String) {
    use std::io::Write;
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let mut child = Command::new(SERVER)
        .args([
            "--config",
            &config.display().to_string(),
            "demo",
            "--admin",
            "ada",
            "--bundle",
            &bundle.display().to_string(),
            "--listen",
            "127.0.0.1:0",
        ])
        .env_remove("DISTRICT_SERVER_CONFIG")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starts");
    let mut stdin = child.stdin.take().expect("stdin");
    if let Some(pw) = password {
        writeln!(stdin, "{pw}").expect("writes the password");
    }
    drop(stdin);
    Served::listening(child)
}

#[test]
fn demo_creates_the_district_and_its_first_admin_and_serves_the_console_in_one_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("trial/district-server.toml");
    let password = "demo console password";
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let login = |url: &str| {
        rt.block_on(async {
            let http = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            let page = http
                .get(format!("{url}/console/login"))
                .send()
                .await
                .expect("login page")
                .text()
                .await
                .expect("text");
            let marker = "name=\"csrf\" value=\"";
            let at = page.find(marker).expect("csrf") + marker.len();
            let csrf = page[at..at + 64].to_string();
            let signed_in = http
                .post(format!("{url}/console/login"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("name", "ada"),
                    ("password", password),
                    ("next", "/console/content"),
                ])
                .send()
                .await
                .expect("signs in");
            assert_eq!(signed_in.status().as_u16(), 303, "ada signs in");
            http.get(format!("{url}/console/content"))
                .send()
                .await
                .expect("content")
                .text()
                .await
                .expect("text")
        })
    };
    {
        let (_served, url) = demo(&config, Some(password));
        let content = login(&url);
        assert!(
            content.contains("红垒驿站"),
            "the demo district is published"
        );
    }
    // Again on the same folder: nothing is asked or published twice, the same admin signs in.
    let (_served, url) = demo(&config, None);
    let content = login(&url);
    assert!(content.contains("红垒驿站"));
    let users = ok(run(
        SERVER,
        &["--config", &config.display().to_string(), "user", "list"],
        &[],
    ));
    assert_eq!(users.0.lines().count(), 1, "{}", users.0);
    assert!(users.0.starts_with("ada\tadmin\tactive"), "{}", users.0);
}
