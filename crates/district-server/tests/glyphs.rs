//! `kioskctl check` (and `push`) warn about text the kiosks cannot show: characters no embedded
//! font draws would appear as blank space on the screen. The real binary on a real bundle.

use std::path::Path;
use std::process::Command;

const CTL: &str = env!("CARGO_BIN_EXE_kioskctl");

/// A copy of the demo bundle with `edit` applied to its manifest.
fn demo_bundle(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    std::fs::create_dir_all(dir.join("images")).expect("mkdir");
    for entry in std::fs::read_dir(demo.join("images")).expect("demo images") {
        let path = entry.expect("entry").path();
        std::fs::copy(
            &path,
            dir.join("images").join(path.file_name().expect("name")),
        )
        .expect("copy image");
    }
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(demo.join("bundle.json")).expect("manifest"))
            .expect("json");
    edit(&mut manifest);
    std::fs::write(
        dir.join("bundle.json"),
        serde_json::to_vec_pretty(&manifest).expect("json"),
    )
    .expect("write manifest");
}

fn check(dir: &Path) -> (bool, String, String) {
    let out = Command::new(CTL)
        .arg("check")
        .arg(dir)
        .env_remove("KIOSKCTL_TOKEN")
        .output()
        .expect("kioskctl runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_warns_about_characters_the_kiosks_cannot_show() {
    let root = tempfile::tempdir().expect("tempdir");

    // The demo content is all drawable: no warning.
    let clean = root.path().join("clean");
    demo_bundle(&clean, |_| {});
    let (ok, stdout, stderr) = check(&clean);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("is valid"), "{stdout}");
    assert!(!stderr.contains("warning"), "{stderr}");

    // An emoji in an article's title and a rare ideograph in an event's English description.
    let (mut article, mut event) = (String::new(), String::new());
    let odd = root.path().join("odd");
    demo_bundle(&odd, |m| {
        let a = &mut m["articles"][0];
        article = a["id"].as_str().expect("id").to_string();
        let title = format!("{} 🙂", a["title"]["zh"].as_str().expect("title"));
        a["title"]["zh"] = title.into();
        let e = &mut m["events"][1];
        event = e["id"].as_str().expect("id").to_string();
        let text = format!("{} 𠀀🙂🙂", e["description"]["en"].as_str().expect("text"));
        e["description"]["en"] = text.into();
    });
    let (ok, stdout, stderr) = check(&odd);
    assert!(ok, "a warning, not an error: {stderr}");
    assert!(stdout.contains("is valid"), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "warning: article {article} title.zh: cannot be shown on the kiosks: 🙂 (U+1F642)\n"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "warning: event {event} description.en: cannot be shown on the kiosks: 𠀀 (U+20000), 🙂 (U+1F642)\n"
        )),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning:").count(), 2, "{stderr}");
}
