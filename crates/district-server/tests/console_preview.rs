//! Previews drawn by the real kiosk binary (`target/debug/kiosk`, built by `cargo test
//! --workspace`; `LOBBY_KIOSK_BIN` names another) in a subprocess, from the published content
//! with the draft applied; and a plain message when no kiosk binary is installed.

mod common;
mod console_common;

use std::path::PathBuf;

use common::{BundleDir, manifest};
use console_common::{Browser, CustomServer, add_user};
use district_server::accounts::StaffRole;

fn kiosk_binary() -> PathBuf {
    let path = std::env::var_os("LOBBY_KIOSK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/kiosk")
        });
    assert!(
        path.is_file(),
        "the kiosk binary is needed at {}: run `cargo build -p lobby-kiosk` (or the whole \
         workspace's tests) first",
        path.display()
    );
    path
}

/// Publishes the test bundle as `kioskctl push` does on the server: images stored, content
/// validated and applied in one transaction.
async fn publish_manifest(server: &CustomServer) {
    let bundle = BundleDir::new(&manifest());
    let loaded = protocol::Bundle::load(&|p: &str| std::fs::read(bundle.path().join(p)))
        .expect("valid bundle");
    for (sha, blob) in &loaded.blobs {
        server.state.blobs.put(sha, &blob.bytes).expect("stores");
    }
    let content = loaded.content;
    server
        .state
        .db
        .write(move |tx| district_server::push::apply(tx, &content, chrono::Utc::now()))
        .await
        .expect("applies");
}

async fn get_png(b: &Browser, query: &str) -> (u16, Vec<u8>) {
    let r = b
        .http
        .get(b.url(&format!("/console/content/preview.png?{query}")))
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.bytes().await.expect("body").to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_binary_draws_the_draft_in_both_languages() {
    let kiosk = kiosk_binary();
    let server = CustomServer::start(|c| c.console.kiosk_binary = Some(kiosk)).await;
    publish_manifest(&server).await;
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;

    // A drafted change, not published: the preview shows it.
    let edit = b.get("/console/content/articles/harbour-walk").await;
    assert!(
        edit.body
            .contains("/console/content/preview?screen=article:harbour-walk")
    );
    let marker = "name=\"img0_sha\" value=\"";
    let at = edit.body.find(marker).expect("image row") + marker.len();
    let sha = edit.body[at..at + 64].to_string();
    let page = b
        .post(
            "/console/content/articles/harbour-walk",
            "/console/content/articles/harbour-walk",
            &[
                ("section", "beautiful"),
                ("category", "entertainment"),
                ("order", "1"),
                ("title_zh", "夜游海港"),
                ("title_en", "Harbour by night"),
                ("summary_zh", "走走"),
                ("summary_en", "A walk"),
                ("body_zh", "第一段"),
                ("body_en", "First paragraph"),
                ("link", ""),
                ("publish_at", ""),
                ("expire_at", ""),
                ("scope", ""),
                ("img0_sha", &sha),
                ("img0_alt_zh", "海港"),
                ("img0_alt_en", "The harbour"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    let preview = b
        .get("/console/content/preview?screen=article:harbour-walk")
        .await;
    assert_eq!(preview.status, 200);
    assert!(
        preview
            .body
            .contains("preview.png?screen=article:harbour-walk&amp;lang=zh")
    );
    assert!(
        preview
            .body
            .contains("preview.png?screen=article:harbour-walk&amp;lang=en")
    );
    let (status, zh) = get_png(&b, "screen=article:harbour-walk&lang=zh").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&zh));
    let (status, en) = get_png(&b, "screen=article:harbour-walk&lang=en").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&en));
    for png in [&zh, &en] {
        let img = image::load_from_memory(png).expect("a PNG");
        assert_eq!((img.width(), img.height()), (540, 960));
    }
    assert_ne!(zh, en, "two languages, two pictures");
    let (status, home) = get_png(&b, "screen=home&lang=zh").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&home));

    // Nothing else reaches the subprocess's arguments.
    let (status, _) = get_png(&b, "screen=--help&lang=zh").await;
    assert_eq!(status, 404);
    let (status, _) = get_png(&b, "screen=home&lang=fr").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_kiosk_binary_the_page_says_so() {
    let server = CustomServer::start(|c| {
        c.console.kiosk_binary = Some(PathBuf::from("/nonexistent/kiosk"));
    })
    .await;
    publish_manifest(&server).await;
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let page = b.get("/console/content/preview?screen=home").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"no-kiosk\""));
    assert!(page.body.contains("本服务器上没有安装终端程序"));
    let (status, _) = get_png(&b, "screen=home&lang=zh").await;
    assert_eq!(status, 503);
}
