//! `kioskctl gen-bundle`: the scale data set is a valid bundle of the asked size, with real 1080p
//! JPEGs and PNGs, and the same bytes for the same seed. Tiny sizes: a debug build makes each
//! 1080p picture in about a second.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use district_server::ctl;
use district_server::scale_bundle::{self, PICTURE_SIZE, ScaleSpec};

const CTL: &str = env!("CARGO_BIN_EXE_kioskctl");

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .to_string();
                files.insert(name, std::fs::read(&path).expect("read"));
            }
        }
    }
    files
}

const SPEC: ScaleSpec = ScaleSpec {
    articles: 45,
    images: 3,
    events: 40,
    stations: 7,
    seed: 7,
};

#[test]
fn the_bundle_is_valid_and_has_the_asked_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("scale");
    let made = scale_bundle::generate(&out, &SPEC).expect("generates");
    assert_eq!((made.jpegs, made.pngs), (2, 1), "two JPEGs in three");

    let bundle = ctl::load_bundle(&out).expect("the same validation as kioskctl check");
    let content = &bundle.content;
    assert_eq!(content.articles.len(), SPEC.articles);
    assert_eq!(content.stations.len(), SPEC.stations);
    assert_eq!(content.events.len(), SPEC.events);
    assert_eq!(
        bundle.blobs.len(),
        SPEC.images,
        "no two pictures share bytes"
    );
    let mimes: BTreeSet<&str> = bundle.blobs.values().map(|b| b.mime).collect();
    assert_eq!(mimes, BTreeSet::from(["image/jpeg", "image/png"]));
    for blob in bundle.blobs.values() {
        assert_eq!((blob.width, blob.height), PICTURE_SIZE);
        assert!(
            blob.bytes.len() > 30_000,
            "a 1080p picture of realistic size"
        );
    }
    assert!(
        content.articles.iter().all(|a| a.images.len() == 1),
        "every article shows a picture"
    );
    assert!(
        content
            .articles
            .iter()
            .all(|a| a.body.len() >= 2
                && a.body.iter().all(|p| !p.zh.is_empty() && !p.en.is_empty())),
        "bilingual paragraphs"
    );
    // 45 articles over the demo's 39: the titles are numbered, so none repeats.
    let titles: BTreeSet<&str> = content
        .articles
        .iter()
        .map(|a| a.title.en.as_str())
        .collect();
    assert_eq!(titles.len(), SPEC.articles);
    // 40 events over the demo's 37 reach copies of the stations beyond the demo's five.
    let stations: BTreeSet<&str> = content.events.iter().map(|e| e.station.as_str()).collect();
    assert!(
        stations.len() >= 5,
        "events spread over stations: {stations:?}"
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = ScaleSpec { images: 2, ..SPEC };
    scale_bundle::generate(&dir.path().join("a"), &spec).expect("a");
    scale_bundle::generate(&dir.path().join("b"), &spec).expect("b");
    scale_bundle::generate(&dir.path().join("c"), &ScaleSpec { seed: 8, ..spec }).expect("c");
    let (a, b, c) = (
        tree(&dir.path().join("a")),
        tree(&dir.path().join("b")),
        tree(&dir.path().join("c")),
    );
    assert_eq!(a.len(), 3, "bundle.json and two pictures: {:?}", a.keys());
    assert!(a == b, "same seed, same files");
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        c.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for name in a.keys() {
        assert_ne!(a[name], c[name], "{name} depends on the seed");
    }
}

#[test]
fn kioskctl_generates_a_bundle_its_check_accepts_and_never_writes_over_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tiny");
    let gen_args = |out: &Path| {
        let mut cmd = Command::new(CTL);
        cmd.arg("gen-bundle")
            .arg(out)
            .args(["--articles", "5", "--images", "1", "--events", "3"])
            .args(["--stations", "1", "--seed", "3"]);
        cmd
    };
    let made = gen_args(&out).output().expect("runs");
    let stdout = String::from_utf8_lossy(&made.stdout);
    assert!(
        made.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(
        stdout.contains("5 articles, 1 images (1 JPEG, 0 PNG"),
        "{stdout}"
    );

    let check = Command::new(CTL)
        .arg("check")
        .arg(&out)
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(said.contains("is valid"), "{said}");

    let before = tree(&out);
    let again = gen_args(&out).output().expect("runs");
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("not an empty folder"), "{stderr}");
    assert!(tree(&out) == before, "nothing changed");

    // Events need a station to happen in.
    let none = Command::new(CTL)
        .arg("gen-bundle")
        .arg(dir.path().join("nowhere"))
        .args(["--stations", "0", "--events", "2", "--images", "0"])
        .output()
        .expect("runs");
    assert!(!none.status.success());
    assert!(!dir.path().join("nowhere").exists(), "nothing written");
}
