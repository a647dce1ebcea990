//! Import and export in the console, against the real server on 127.0.0.1: the exported zip
//! unpacks to a folder the real `kioskctl check` accepts and holds the published content;
//! an uploaded zip is checked (limits, paths, the bundle's rules) and dry-run first, then
//! published, and reaches a kiosk.

mod common;
mod console_common;

use std::io::{Cursor, Write};
use std::process::Command;

use common::{BundleDir, Replica, TestServer, images, manifest};
use console_common::{Browser, Page, add_user};
use district_server::accounts::StaffRole;
use protocol::bundle::Bundle;
use protocol::content::{Kind, Record};

const CTL: &str = env!("CARGO_BIN_EXE_kioskctl");

async fn upload(b: &Browser, bytes: Vec<u8>) -> Page {
    let token = b.get("/console/content/bundle").await.csrf();
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("bundle.zip")
        .mime_str("application/zip")
        .expect("mime");
    let r = b
        .http
        .post(b.url(&format!("/console/content/import?csrf={token}")))
        .multipart(reqwest::multipart::Form::new().part("bundle", part))
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.text().await.unwrap_or_default();
    Page {
        status,
        headers,
        body,
    }
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        zip.write_all(bytes).expect("writes");
    }
    zip.finish().expect("zip").into_inner()
}

/// The `<pre id="dry-run">` report, unescaped enough to read.
fn report(page: &Page) -> String {
    let at = page
        .body
        .find("<pre id=\"dry-run\">")
        .expect("a dry-run report")
        + 18;
    let end = page.body[at..].find("</pre>").expect("end") + at;
    page.body[at..end]
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_round_trips_through_kioskctl_check_and_import_publishes_after_a_dry_run() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let bundle = BundleDir::new(&manifest());
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "ed", StaffRole::Editor);
    add_user(&server.config(), "mo", StaffRole::Moderator);
    let b = Browser::new(&server.base);
    b.login("ed").await;

    // Export: a zip of one folder; unpacked, kioskctl check accepts it and it is the content.
    let r = b
        .http
        .get(b.url("/console/content/export.zip"))
        .send()
        .await
        .expect("export");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(disposition.contains("zhongshan-bundle-"), "{disposition}");
    let zipped = r.bytes().await.expect("body").to_vec();
    let dir = tempfile::tempdir().expect("tempdir");
    zip::ZipArchive::new(Cursor::new(&zipped))
        .expect("a zip")
        .extract(dir.path())
        .expect("unzips");
    let folder = std::fs::read_dir(dir.path())
        .expect("lists")
        .next()
        .expect("one folder")
        .expect("entry")
        .path();
    let check = Command::new(CTL)
        .args(["check", folder.to_str().expect("utf-8")])
        .output()
        .expect("runs kioskctl check");
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let read = |path: &str| std::fs::read(folder.join(path));
    let exported = Bundle::load(&read).expect("valid bundle");
    let by_id = |c: &protocol::content::Content| {
        c.records()
            .into_iter()
            .map(|r| ((r.kind(), r.id().to_string()), r))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    assert_eq!(
        by_id(&exported.content),
        by_id(&bundle.content()),
        "the published content round-trips"
    );
    assert_eq!(exported.content.district, bundle.content().district);
    assert_eq!(exported.blobs.len(), images().len());

    // Import: the manifest changed, zipped in a folder; a dry run first, nothing changes.
    let mut changed = manifest();
    changed["articles"][0]["title"]["en"] = "Harbour walk by night".into();
    changed["events"].as_array_mut().expect("events").pop();
    let json = serde_json::to_vec(&changed).expect("json");
    let mut entries: Vec<(String, Vec<u8>)> = vec![("mine/bundle.json".into(), json)];
    for (name, bytes) in images() {
        entries.push((format!("mine/{name}"), bytes));
    }
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let head = server.head().await;
    let page = upload(&b, zip_of(&refs)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let text = report(&page);
    assert!(
        text.starts_with(&format!(
            "Dry run against {}: nothing was changed",
            server.base
        )),
        "{text}"
    );
    assert!(text.contains("~ harbour-walk"), "{text}");
    assert!(text.contains("- past-talk"), "{text}");
    assert!(
        text.contains("0 image(s) to upload, 2 already on the server"),
        "{text}"
    );
    assert_eq!(server.head().await, head, "a dry run changes nothing");
    let at = page
        .body
        .find("/console/content/import/")
        .expect("publish form");
    let action = page.body[at..at + page.body[at..].find('"').expect("end")].to_string();
    let published = b
        .post(
            "/console/content/bundle",
            &action,
            &[("head", &head.to_string())],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    match replica
        .records
        .get(&(Kind::Article, "harbour-walk".to_string()))
    {
        Some(Record::Article(a)) => assert_eq!(a.title.en, "Harbour walk by night"),
        other => panic!("{other:?}"),
    }
    assert!(!replica.ids(Kind::Event).contains(&"past-talk".to_string()));
    // The same upload cannot be published twice.
    let again = b
        .post(
            "/console/content/bundle",
            &action,
            &[("head", &server.head().await.to_string())],
        )
        .await;
    assert_eq!(again.status, 404);

    // A dry run made stale by another publication is not applied.
    changed["articles"][0]["title"]["en"] = "Harbour walk at dawn".into();
    let json = serde_json::to_vec(&changed).expect("json");
    let page = upload(
        &b,
        zip_of(&[
            ("bundle.json", &json),
            ("images/harbour.png", &images()[0].1),
            ("images/station.png", &images()[1].1),
        ]),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let at = page
        .body
        .find("/console/content/import/")
        .expect("publish form");
    let action = page.body[at..at + page.body[at..].find('"').expect("end")].to_string();
    let stale = b
        .post("/console/content/bundle", &action, &[("head", "1")])
        .await;
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("试运行之后已发布的内容有了变化"));

    // Refused: paths leaving the folder, zip bombs, bundles that break the rules, not zips.
    let bad = upload(&b, zip_of(&[("bundle.json", b"{}"), ("../evil.sh", b"x")])).await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("“../evil.sh”不是内容包文件夹里的普通路径"),
        "{}",
        bad.body
    );
    assert!(!bad.body.contains("is not a plain path"), "no English");
    let zeros = vec![0u8; 9 * 1024 * 1024];
    let bomb = upload(
        &b,
        zip_of(&[("bundle.json", b"{}"), ("images/a.png", &zeros)]),
    )
    .await;
    assert_eq!(bomb.status, 422);
    assert!(
        bomb.body.contains("“images/a.png”超过内容包文件允许的大小"),
        "{}",
        bomb.body
    );
    let not_zip = upload(&b, b"just text".to_vec()).await;
    assert_eq!(not_zip.status, 422);
    assert!(not_zip.body.contains("这不是 zip 文件"), "{}", not_zip.body);
    changed["sections"][0]["title"]["en"] = "".into();
    let json = serde_json::to_vec(&changed).expect("json");
    let invalid = upload(
        &b,
        zip_of(&[
            ("bundle.json", &json),
            ("images/harbour.png", &images()[0].1),
            ("images/station.png", &images()[1].1),
        ]),
    )
    .await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    assert!(invalid.body.contains("内容包未通过检查"));
    assert!(
        invalid.body.contains("title.en: 不能为空"),
        "{}",
        invalid.body
    );
    // An image's problem reads Chinese too (its typed code), and a missing file says so.
    changed["sections"][0]["title"]["en"] = "Beautiful Zhongshan".into();
    let json = serde_json::to_vec(&changed).expect("json");
    let mut truncated = images()[0].1.clone();
    truncated.truncate(truncated.len() / 2);
    let broken = upload(
        &b,
        zip_of(&[("bundle.json", &json), ("images/harbour.png", &truncated)]),
    )
    .await;
    assert_eq!(broken.status, 422, "{}", broken.body);
    assert!(
        broken.body.contains("图片无法完整解码：文件不完整或已损坏"),
        "{}",
        broken.body
    );
    assert!(
        broken.body.contains("缺少图片：内容包里没有这个文件"),
        "{}",
        broken.body
    );
    assert!(!broken.body.contains("does not decode"), "{}", broken.body);
    assert_eq!(
        replica.checksum(),
        {
            let mut fresh = Replica::default();
            fresh.sync(&server, &kiosk, 500).await;
            fresh.checksum()
        },
        "nothing refused changed anything"
    );

    // Moderators neither export nor import.
    let mo = Browser::new(&server.base);
    mo.login("mo").await;
    assert_eq!(mo.get("/console/content/export.zip").await.status, 403);
    assert_eq!(mo.get("/console/content/bundle").await.status, 403);
}

/// The zip files waiting in the server's `console-imports` folder.
fn staged_files(server: &TestServer) -> Vec<String> {
    let dir = server.state.staged_imports().dir().to_path_buf();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The publish (or cancel) action of a dry run's page.
fn action_of(page: &Page, what: &str) -> String {
    let at = page
        .body
        .find("/console/content/import/")
        .expect("a dry run's forms");
    let sha = &page.body[at + "/console/content/import/".len()..][..64];
    format!("/console/content/import/{sha}/{what}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staged_uploads_go_when_published_cancelled_stale_or_a_day_old() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let json = serde_json::to_vec(&manifest()).expect("json");
    let zip = zip_of(&[
        ("bundle.json", &json),
        ("images/harbour.png", &images()[0].1),
        ("images/station.png", &images()[1].1),
    ]);
    let sha = protocol::content::sha256_hex(&zip);

    // Cancelled: the upload is removed and nothing is published.
    let head = server.head().await;
    let page = upload(&b, zip.clone()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(staged_files(&server), vec![format!("{sha}.zip")]);
    assert!(page.body.contains("取消（删除这次上传）"));
    let cancelled = b
        .post("/console/content/bundle", &action_of(&page, "cancel"), &[])
        .await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    assert_eq!(
        cancelled.location(),
        "/console/content/bundle?done=bundle-cancelled"
    );
    assert!(staged_files(&server).is_empty(), "the upload is gone");
    let gone = b
        .post(
            "/console/content/bundle",
            &action_of(&page, "publish"),
            &[("head", &head.to_string())],
        )
        .await;
    assert_eq!(gone.status, 404, "a cancelled dry run cannot be published");
    assert_eq!(server.head().await, head);

    // Published: removed too.
    let page = upload(&b, zip.clone()).await;
    assert_eq!(staged_files(&server).len(), 1);
    let published = b
        .post(
            "/console/content/bundle",
            &action_of(&page, "publish"),
            &[("head", &head.to_string())],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    assert!(staged_files(&server).is_empty());

    // Stale (the content moved on since the dry run): it can never be published, so it goes.
    let page = upload(&b, zip.clone()).await;
    assert_eq!(staged_files(&server).len(), 1);
    let stale = b
        .post(
            "/console/content/bundle",
            &action_of(&page, "publish"),
            &[("head", "1")],
        )
        .await;
    assert_eq!(stale.status, 409);
    assert!(staged_files(&server).is_empty());

    // Left behind: collected once older than a day (the server does this at start and hourly).
    upload(&b, zip.clone()).await;
    assert_eq!(staged_files(&server).len(), 1);
    let now = std::time::SystemTime::now();
    let hour = std::time::Duration::from_secs(3600);
    assert_eq!(
        server
            .state
            .collect_staged_imports(now + hour)
            .await
            .expect("collects"),
        0
    );
    assert_eq!(staged_files(&server).len(), 1, "a fresh upload waits");
    assert_eq!(
        server
            .state
            .collect_staged_imports(now + 25 * hour)
            .await
            .expect("collects"),
        1
    );
    assert!(staged_files(&server).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_the_disk_cannot_keep_is_refused_in_the_pages_language() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let zipped = b
        .http
        .get(b.url("/console/content/export.zip"))
        .send()
        .await
        .expect("export")
        .bytes()
        .await
        .expect("body")
        .to_vec();
    // A file where the folder for uploaded bundles should be (root ignores chmod).
    let staged = server.config().data_dir.join("console-imports");
    let _ = std::fs::remove_dir_all(&staged);
    std::fs::write(&staged, b"not a folder").expect("plants a file");
    let page = upload(&b, zipped.clone()).await;
    assert_eq!(page.status, 500, "{}", page.body);
    assert!(page.body.contains("id=\"import-refused\""), "{}", page.body);
    assert!(
        page.body.contains("服务器无法写入存放文件的文件夹"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("dry-run"), "no dry run offered");
    assert!(!page.body.contains("os error"), "no io::Error text");
    // With the folder back the same zip gets its dry run.
    std::fs::remove_file(&staged).expect("removes the file");
    let page = upload(&b, zipped).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"dry-run\""));
}
