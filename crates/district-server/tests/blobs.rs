//! Blob serving: immutable caching, ranges, verification before every answer.

mod common;

use common::{BundleDir, TestServer, error_of, manifest};
use reqwest::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_NONE_MATCH, RANGE,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_are_immutable_resumable_and_verified() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let m = manifest();
    server.push(&m).await;
    let bundle = BundleDir::new(&m);
    let blobs = district_server::ctl::load_bundle(bundle.path())
        .expect("bundle")
        .blobs;
    let (sha, blob) = blobs.iter().next().expect("a blob");
    let path = format!("/v1/blobs/sha256/{sha}");
    let len = blob.bytes.len();

    let r = server.get(&path, &kiosk).await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h[CONTENT_TYPE], "image/png");
    assert_eq!(h[ACCEPT_RANGES], "bytes");
    assert!(
        h[CACHE_CONTROL]
            .to_str()
            .expect("ascii")
            .contains("immutable")
    );
    assert_eq!(h[ETAG].to_str().expect("ascii"), format!("\"{sha}\""));
    assert_eq!(
        r.bytes().await.expect("body").as_ref(),
        blob.bytes.as_slice()
    );

    let ranged = |range: String| {
        let server = &server;
        let kiosk = &kiosk;
        let path = &path;
        async move {
            server
                .http
                .get(server.url(path))
                .bearer_auth(kiosk)
                .header(RANGE, range)
                .send()
                .await
                .expect("request")
        }
    };
    // Resume: the first part, then the rest.
    let r = ranged("bytes=0-9".into()).await;
    assert_eq!(r.status(), 206);
    assert_eq!(
        r.headers()[CONTENT_RANGE].to_str().expect("ascii"),
        format!("bytes 0-9/{len}")
    );
    let mut got = r.bytes().await.expect("body").to_vec();
    assert_eq!(got.len(), 10);
    let r = ranged("bytes=10-".into()).await;
    assert_eq!(r.status(), 206);
    got.extend_from_slice(&r.bytes().await.expect("body"));
    assert_eq!(got, blob.bytes);
    let r = ranged("bytes=-4".into()).await;
    assert_eq!(
        r.bytes().await.expect("body").as_ref(),
        &blob.bytes[len - 4..]
    );
    let r = ranged(format!("bytes={len}-")).await;
    assert_eq!(
        r.headers()[CONTENT_RANGE].to_str().expect("ascii"),
        format!("bytes */{len}")
    );
    let (status, code, _) = error_of(r).await;
    assert_eq!((status, code.as_str()), (416, "range_not_satisfiable"));

    let r = server
        .http
        .get(server.url(&path))
        .bearer_auth(&kiosk)
        .header(IF_NONE_MATCH, format!("\"{sha}\""))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 304);
    let r = server
        .http
        .head(server.url(&path))
        .bearer_auth(&kiosk)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()[ETAG].to_str().expect("ascii"),
        format!("\"{sha}\"")
    );

    // Corrupt the file on disk: it is never served, and staff see it missing again.
    let file = server.config().blob_dir().join(&sha[..2]).join(sha);
    let mut bytes = std::fs::read(&file).expect("blob file");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&file, &bytes).expect("corrupts");
    // A rewritten file has a new modification time, which is what makes the server hash it
    // again; file clocks tick coarsely, so make the new time explicit.
    let f = std::fs::File::options()
        .write(true)
        .open(&file)
        .expect("opens");
    let later =
        f.metadata().expect("meta").modified().expect("mtime") + std::time::Duration::from_secs(60);
    f.set_modified(later).expect("sets mtime");
    drop(f);
    let r = server.get(&path, &kiosk).await;
    assert_eq!(error_of(r).await.0, 404);
    let missing = server
        .client()
        .missing_blobs(vec![sha.clone()])
        .await
        .expect("missing");
    assert_eq!(missing, vec![sha.clone()]);
    // Pushing again restores it.
    let outcome = server.try_push(&m, false).await.expect("push");
    assert_eq!(outcome.uploaded.len(), 1);
    assert_eq!(outcome.plan.change_count(), 0);
    let r = server.get(&path, &kiosk).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.bytes().await.expect("body").as_ref(),
        blob.bytes.as_slice()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_missing_images_are_uploaded() {
    let server = TestServer::start().await;
    let m = manifest();
    let dry = server.try_push(&m, true).await.expect("dry run");
    assert_eq!(
        dry.plan.missing_blobs.len(),
        2,
        "a dry run reports what it would upload"
    );
    assert!(dry.uploaded.is_empty());
    assert_eq!(server.head().await, 0);
    let missing = server
        .client()
        .missing_blobs(dry.plan.missing_blobs.clone())
        .await
        .expect("missing");
    assert_eq!(missing.len(), 2, "a dry run uploads nothing");

    let first = server.try_push(&m, false).await.expect("push");
    assert_eq!(first.uploaded.len(), 2);
    let second = server.try_push(&m, false).await.expect("push");
    assert!(second.uploaded.is_empty());
    assert_eq!(second.already_there, 2);
}

/// A section's own SVG icon goes up with `kioskctl push` like an image, is listed in the
/// section's record and served as SVG; a script-carrying SVG uploaded by hand is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_section_icon_is_uploaded_served_as_svg_and_a_scripted_one_refused() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk("lobby-1", "s1");
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><circle cx="24" cy="24" r="20" fill="#fff"/></svg>"##;
    let mut m = manifest();
    m["sections"][0]["icon_file"] = serde_json::json!("icons/sea.svg");
    let mut files = common::images();
    files.push(("icons/sea.svg", svg.to_vec()));
    let bundle = BundleDir::with_images(&m, &files);
    let pushed = district_server::ctl::push_bundle(&server.client(), bundle.path(), false, |_| {})
        .await
        .expect("push");
    let sha = protocol::content::sha256_hex(svg);
    assert!(
        pushed.uploaded.iter().any(|(s, _)| *s == sha),
        "the icon was uploaded"
    );

    let page = server.page(&kiosk, 0, 100).await;
    let section = page
        .changes
        .iter()
        .find(|c| c.id == "beautiful")
        .and_then(|c| c.data.clone())
        .expect("the section is in the feed");
    assert_eq!(section["icon_file"]["sha256"], sha.as_str());
    assert_eq!(section["icon_file"]["format"], "svg");

    let r = server.get(&format!("/v1/blobs/sha256/{sha}"), &kiosk).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "image/svg+xml");
    assert_eq!(r.bytes().await.expect("body").as_ref(), svg);

    let scripted = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let bad = protocol::content::sha256_hex(scripted);
    let err = server
        .client()
        .put_blob(&bad, scripted.to_vec())
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("<script>"), "{err}");
}
