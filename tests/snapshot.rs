//! `kiosk snapshot` renders real screens to PNG without a display, with the embedded font only.

mod demo_kiosk;

use std::path::Path;
use std::process::Command;

use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use protocol::text::Lang;
use slint::ComponentHandle;

fn snapshot(data: &Path, screen: &str, lang: &str, size: &str, out: &Path) {
    // Hide every system font: Chinese must come from the embedded font.
    let fonts = data.join("fonts.conf");
    std::fs::write(&fonts, "<?xml version=\"1.0\"?>\n<fontconfig/>\n").expect("write fonts.conf");
    let status = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["--data-dir"])
        .arg(data)
        .args([
            "snapshot", "--screen", screen, "--lang", lang, "--size", size,
        ])
        .args(["--at", "2026-11-24T10:00", "--out"])
        .arg(out)
        .env("FONTCONFIG_FILE", &fonts)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .status()
        .expect("kiosk runs");
    assert!(status.success(), "snapshot {screen} {lang} failed");
}

/// Dark ("ink") pixels in a horizontal band: text drawn on the light page.
fn ink_in_band(img: &image::RgbImage, y0: u32, y1: u32) -> usize {
    (y0..y1.min(img.height()))
        .flat_map(|y| (0..img.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 90))
        .count()
}

#[test]
fn home_renders_in_both_languages_with_chinese_glyphs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zh = dir.path().join("home-zh.png");
    let en = dir.path().join("home-en.png");
    snapshot(dir.path(), "home", "zh", "1080x1920", &zh);
    snapshot(dir.path(), "home", "en", "1080x1920", &en);

    let zh_img = image::open(&zh).expect("zh is a PNG").to_rgb8();
    let en_img = image::open(&en).expect("en is a PNG").to_rgb8();
    assert_eq!(zh_img.dimensions(), (1080, 1920));
    assert_ne!(
        zh_img.as_raw(),
        en_img.as_raw(),
        "languages render differently"
    );

    // The welcome headline (all Chinese in zh) sits under the status band. Without CJK glyphs
    // the band would hold no ink at all.
    let ink = ink_in_band(&zh_img, 130, 260);
    assert!(ink > 2000, "Chinese headline drew {ink} ink pixels");

    let colours: std::collections::HashSet<[u8; 3]> = zh_img.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 200, "a real screen, not a flat fill");
}

#[test]
fn every_screen_renders_at_both_orientations() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (screen, size) in [
        ("section:folk-culture", "1080x1920"),
        ("schedule:week", "1080x1920"),
        ("station:haizhiyun", "1920x1080"),
        ("home", "1920x1080"),
    ] {
        let out = dir.path().join(format!("{}.png", screen.replace(':', "-")));
        snapshot(dir.path(), screen, "en", size, &out);
        let img = image::open(&out).expect("PNG").to_rgb8();
        let (w, h) = img.dimensions();
        assert_eq!(format!("{w}x{h}"), size);
    }
}

/// Files of a folder with their modification times.
fn files_with_times(dir: &Path) -> Vec<(std::ffi::OsString, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name(),
                e.metadata().and_then(|m| m.modified()).expect("mtime"),
            )
        })
        .collect();
    files.sort();
    files
}

/// The kiosk's font goes through fontconfig (fontique's system collection): its configuration
/// names the kiosk's font only, and fontconfig's cache of it is written at the first start
/// only (a cache inside the scanned folder changed the folder and was rewritten every start).
#[test]
fn fontconfig_sees_the_kiosks_font_only_and_caches_it_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |out: &str| {
        let status = Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["snapshot", "--screen", "home", "--lang", "zh", "--out"])
            .arg(dir.path().join(out))
            .env_remove("FONTCONFIG_FILE")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .status()
            .expect("kiosk runs");
        assert!(status.success());
    };
    run("first.png");
    let conf = std::fs::read_to_string(dir.path().join("fonts/fonts.conf")).expect("conf");
    assert!(
        !conf.contains("<include"),
        "no system configuration: {conf}"
    );
    let cache = dir.path().join("fonts/cache");
    let cached = files_with_times(&cache);
    assert!(
        cached
            .iter()
            .any(|(name, _)| name.to_string_lossy().contains(".cache-")),
        "fontconfig cached the kiosk's font: {cached:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    run("second.png");
    assert_eq!(files_with_times(&cache), cached, "the cache was rewritten");
    let first = image::open(dir.path().join("first.png"))
        .expect("PNG")
        .to_rgb8();
    let second = image::open(dir.path().join("second.png"))
        .expect("PNG")
        .to_rgb8();
    assert_eq!(first.as_raw(), second.as_raw());
    // Chinese drawn with the kiosk's font (the headline under the status band).
    assert!(ink_in_band(&first, 130, 260) > 2000);
}

#[test]
fn unknown_screen_fails_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["snapshot", "--screen", "article:no-such-article", "--out"])
        .arg(dir.path().join("x.png"))
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn no_display_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<_> = stderr.lines().filter(|l| l.starts_with("kiosk:")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("kiosk snapshot"), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

fn status_json(dir: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--data-dir")
        .arg(dir)
        .args(["status", "--json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn status_only_reads_and_reports_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Nothing there yet: it says so and creates nothing.
    let v = status_json(dir.path());
    assert!(
        v["cache_state"]
            .as_str()
            .expect("state")
            .starts_with("no cache yet"),
        "{v}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "status wrote nothing"
    );

    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let imported = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("import")
        .arg(&demo)
        .status()
        .expect("import runs");
    assert!(imported.success());
    let v = status_json(dir.path());
    assert_eq!(v["cache_state"], "ok");
    assert_eq!(v["sections"], 8);
    assert_eq!(v["stations"], 5);
    assert!(v["articles"].as_u64().expect("count") >= 30);
    assert!(v["events"].as_u64().expect("count") > 0);
    assert!(v["images"].as_u64().expect("count") > 0);
    assert_eq!(v["content_seq"], 0);
    assert_eq!(v["source"], "import");
    assert_eq!(v["data_dir"], dir.path().display().to_string());

    // A damaged cache is reported, not set aside or rebuilt.
    let db = dir.path().join("content.db");
    for side in ["content.db-wal", "content.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(side));
    }
    std::fs::write(&db, b"this is not a database, it was cut short").expect("damages");
    let v = status_json(dir.path());
    assert!(
        v["cache_state"]
            .as_str()
            .expect("state")
            .starts_with("damaged"),
        "{v}"
    );
    assert_eq!(
        std::fs::read(&db).expect("still in place"),
        b"this is not a database, it was cut short"
    );
    assert!(!dir.path().join("content.db.corrupt").exists());
}

/// `kiosk snapshot` with extra arguments, system fonts hidden; returns the image.
fn render(data: &Path, args: &[&str], out: &Path) -> image::RgbImage {
    let fonts = data.join("fonts.conf");
    std::fs::write(&fonts, "<?xml version=\"1.0\"?>\n<fontconfig/>\n").expect("write fonts.conf");
    let status = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--data-dir")
        .arg(data)
        .arg("snapshot")
        .args(args)
        .args(["--at", "2026-11-24T10:00", "--out"])
        .arg(out)
        .env("FONTCONFIG_FILE", &fonts)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .status()
        .expect("kiosk runs");
    assert!(status.success(), "snapshot {args:?} failed");
    image::open(out).expect("a PNG").to_rgb8()
}

/// Pixels near `rgb` in a rectangle.
fn near(img: &image::RgbImage, rgb: [u8; 3], (x0, y0, x1, y1): (u32, u32, u32, u32)) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let p = img.get_pixel(x, y).0;
            p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) < 40)
        })
        .count()
}

#[test]
fn idle_notice_slideshow_and_maintenance_render_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shot = |args: &[&str], name: &str| render(dir.path(), args, &dir.path().join(name));

    // The notice: its red countdown ring in the middle of the screen, over home.
    let zh = shot(
        &["--overlay", "idle-warning", "--lang", "zh"],
        "idle-zh.png",
    );
    let en = shot(
        &["--overlay", "idle-warning", "--lang", "en"],
        "idle-en.png",
    );
    assert_ne!(zh.as_raw(), en.as_raw());
    let ring = near(&zh, [0xC8, 0x10, 0x2E], (400, 850, 680, 1150));
    assert!(ring > 3000, "countdown ring: {ring} red pixels");
    // "还在吗？" above it, drawn by the embedded font.
    assert!(
        ink_in_band(&zh, 730, 820) > 1000,
        "the Chinese title has ink"
    );

    // The slideshow: a picture slide and an events slide differ; light text on dark.
    let picture = shot(&["--screen", "attract", "--lang", "zh"], "attract-0.png");
    let events = shot(
        &["--screen", "attract", "--slide", "3", "--lang", "zh"],
        "attract-3.png",
    );
    assert_ne!(picture.as_raw(), events.as_raw());
    let light = near(&events, [0xFF, 0xFF, 0xFF], (0, 250, 1080, 420));
    assert!(light > 2000, "the events title drew {light} light pixels");

    // The maintenance screen and its PIN pad.
    let screen = shot(&["--screen", "maintenance", "--lang", "zh"], "maint.png");
    assert!(
        ink_in_band(&screen, 140, 220) > 500,
        "the title 维护 has ink"
    );
    let pad = shot(&["--overlay", "pin-pad", "--lang", "en"], "pad.png");
    let ok_key = near(&pad, [0xC8, 0x10, 0x2E], (0, 1100, 1080, 1300));
    assert!(ok_key > 5000, "the red OK key: {ok_key}");
}

#[test]
fn pin_hash_prints_an_argon2_hash_of_a_pin_from_stdin() {
    use std::io::Write;
    let run = |input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .arg("pin-hash")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("writes");
        child.wait_with_output().expect("ends")
    };
    let out = run("246810\n");
    assert!(out.status.success());
    let phc = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let pin = lobby_kiosk::pin::PinHash::parse(&phc).expect("a PHC string");
    assert!(pin.verify("246810"));
    assert!(!phc.contains("246810"), "the PIN itself is not printed");

    let out = run("12ab\n");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("4 to 12 digits"), "{stderr}");
}

/// `kiosk snapshot` streams the rendered lines into the PNG encoder instead of filling a whole
/// frame first (`headless::encode_png`); the file must hold exactly the pixels the renderer
/// draws into a whole frame (`headless::render`, what the file held before), on screens drawn
/// in one pass (home) and on those whose first pass creates list rows and draws again (a
/// section, the week's schedule). Decoded and compared pixel by pixel.
#[test]
fn the_streamed_png_holds_the_frame_the_renderer_draws() {
    let dir = tempfile::tempdir().expect("tempdir");
    let window = lobby_kiosk::headless::install(1080, 1920).expect("headless");
    let app = demo_kiosk::demo_app(dir.path(), Lang::Zh);
    for name in [
        "home",
        "section:beautiful-zhongshan",
        "article:renmin-road",
        "station:haizhiyun",
        "schedule:week",
        "attract",
    ] {
        let screen: Screen = name.parse().expect("a screen");
        if screen != Screen::Home {
            app.navigate(screen.clone());
        }
        assert_eq!(app.current(), screen, "{name} is in the demo content");
        let png = lobby_kiosk::headless::encode_png(&window).expect("encodes");
        let streamed = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .expect("a PNG")
            .to_rgb8();
        let drawn = lobby_kiosk::headless::render(&window);
        assert_eq!(streamed.dimensions(), (1080, 1920), "{name}");
        let differ = streamed
            .pixels()
            .zip(drawn.pixels())
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(differ, 0, "{name}: pixels that differ from the drawn frame");
        let colours: std::collections::HashSet<[u8; 3]> = streamed.pixels().map(|p| p.0).collect();
        assert!(colours.len() > 50, "{name}: a real screen, not a flat fill");
    }

    // A change that comes after the first pass leaves the window dirty and is drawn by a
    // second pass: the file is that pass's picture, not the first's (nor both). A zero-delay
    // timer fires at the update before the first pass and starts another, which fires at the
    // update before the second and turns the district's red blue.
    app.navigate(Screen::Home);
    let red = lobby_kiosk::headless::render(&window);
    let theme = app.window().as_weak();
    slint::Timer::single_shot(std::time::Duration::ZERO, move || {
        slint::Timer::single_shot(std::time::Duration::ZERO, move || {
            if let Some(w) = theme.upgrade() {
                w.global::<ui::Theme>()
                    .set_red(slint::Color::from_rgb_u8(0, 0, 255));
            }
        });
    });
    let png = lobby_kiosk::headless::encode_png(&window).expect("encodes");
    let streamed = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("a PNG")
        .to_rgb8();
    let blue = lobby_kiosk::headless::render(&window);
    assert_ne!(red.as_raw(), blue.as_raw(), "the change shows");
    assert!(
        streamed.as_raw() == blue.as_raw(),
        "the file holds the second pass's picture"
    );
}
