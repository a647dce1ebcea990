//! The 8 MiB image limit on download, against the real district server on 127.0.0.1 behind a
//! lying proxy (`support::proxy`) that answers one published image with 9 MiB. (The server
//! itself cannot be made to lie by replacing the file on its disk: it re-verifies a blob whose
//! size or time changed, and refuses it.) The kiosk refuses the 9 MiB with a clear error, keeps
//! its content and no partial file, and takes the real image, just under the limit, at the
//! next sync once it is served honestly.

mod support;

use std::path::Path;

use lobby_kiosk::sync::{SyncError, Syncer};
use protocol::bundle::{Bundle, MAX_IMAGE_BYTES};
use protocol::content::{Kind, sha256_hex};
use protocol::text::Text;
use support::proxy::{Mode, Proxy};
use support::{Server, cache_state, verified_blobs};

/// A valid PNG of noise (incompressible) just under [`MAX_IMAGE_BYTES`].
fn png_just_under_the_limit() -> Vec<u8> {
    // 1670 × 1670 RGB: 8.37 MB of pixels, the encoder's overhead adds a few KB.
    let mut rng = fastrand::Rng::with_seed(7);
    let img = image::RgbImage::from_fn(1670, 1670, |_, _| {
        image::Rgb([rng.u8(..), rng.u8(..), rng.u8(..)])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encodes");
    out.into_inner()
}

/// The demo bundle with one more article whose picture is `png`.
fn with_big_picture(png: &[u8]) -> (Bundle, String) {
    let mut bundle = support::demo();
    let blob = protocol::bundle::check_image(png).expect("a valid image under the limit");
    let sha = sha256_hex(png);
    let mut article = bundle.content.articles[0].clone();
    article.id = "big-picture".into();
    article.title = Text::new("大图", "A big picture");
    article.images = vec![protocol::content::ImageRef {
        sha256: sha.clone(),
        width: blob.width,
        height: blob.height,
        alt: Text::new("大图", "A big picture"),
    }];
    bundle.blobs.insert(sha.clone(), blob);
    bundle.content.articles.push(article);
    (bundle, sha)
}

/// Files in the kiosk's data folder (at any depth) whose name holds `sha`.
fn files_named_after(dir: &Path, sha: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("reads").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.to_string_lossy().contains(sha) {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[test]
fn an_image_over_8_mib_is_refused_and_one_just_under_is_taken() {
    let png = png_just_under_the_limit();
    assert!(
        png.len() < MAX_IMAGE_BYTES && png.len() > MAX_IMAGE_BYTES - 64 * 1024,
        "{} bytes: just under {MAX_IMAGE_BYTES}",
        png.len()
    );
    let server = Server::start();
    server.push(&support::demo());
    let token = server.kiosk("lobby-limit");
    let proxy = Proxy::start(
        &server.rt,
        &server.base,
        1,
        std::time::Duration::from_secs(2),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut syncer = Syncer::open(dir.path(), Server::settings(&proxy.url, &token)).expect("opens");
    rt.block_on(syncer.cycle()).expect("first sync");
    let before = cache_state(dir.path());

    // Staff publish an article with the big (valid) picture; the way to the kiosk lies about
    // it: 9 MiB instead.
    let (bundle, sha) = with_big_picture(&png);
    server.push(&bundle);
    let nine_mib = 9 * 1024 * 1024;
    let raw = [
        format!("HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {nine_mib}\r\n\r\n")
            .into_bytes(),
        vec![0x42u8; nine_mib],
    ]
    .concat();
    proxy.set_mode(Mode::Answer {
        path: sha.clone(),
        raw,
    });

    let error = rt
        .block_on(syncer.cycle())
        .expect_err("a 9 MiB image is refused");
    assert!(
        matches!(&error, SyncError::BlobTooLarge { sha256, limit }
            if *sha256 == sha && *limit == MAX_IMAGE_BYTES as u64),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&sha) && message.contains("larger than 8388608 bytes"),
        "{message}"
    );
    assert!(
        !error.is_transient(),
        "not retried at once, but at the next sync"
    );
    // Its previous content, whole; the page needing the image is not applied.
    let after = cache_state(dir.path());
    assert_eq!(after, before, "the kiosk keeps its previous content");
    assert!(
        !after
            .records
            .contains_key(&(Kind::Article, "big-picture".to_string()))
    );
    // Not a byte of it kept: no blob, no partial download.
    assert_eq!(files_named_after(dir.path(), &sha), Vec::<String>::new());

    // The image is served honestly again: the next sync takes it, whole.
    proxy.set_mode(Mode::Pass);
    let report = rt.block_on(syncer.cycle()).expect("the next sync");
    assert!(report.content_changed, "{report}");
    let cache = cache_state(dir.path());
    assert!(
        cache
            .records
            .contains_key(&(Kind::Article, "big-picture".to_string()))
    );
    assert!(
        verified_blobs(dir.path()).contains(&sha),
        "stored and verified"
    );
    let stored = files_named_after(dir.path(), &sha);
    assert_eq!(stored.len(), 1, "only the finished blob: {stored:?}");
    assert_eq!(std::fs::read(&stored[0]).expect("reads"), png);
}
