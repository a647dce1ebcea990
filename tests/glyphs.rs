//! Characters the kiosk cannot show are reported, not silently blank: the coverage table
//! (`protocol::glyphs`, computed from the embedded fonts at build time) agrees with what the real
//! screen draws with only the embedded font, and the forms' notice says it in both languages.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDateTime;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::glyphs;
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::text::Lang;
use slint::ComponentHandle;

/// Drawable and undrawable characters of several kinds: Han, Latin, Greek, Cyrillic, CJK
/// punctuation; emoji, a CJK extension B ideograph, a snowman, a Hangul syllable.
const SAMPLES: &[char] = &['中', 'A', 'Ω', 'Ж', '。', '🙂', '😀', '𠀀', '☃', '한'];

#[test]
fn the_notice_counts_what_cannot_be_shown_in_the_visitors_language() {
    let loc = Localizer::new().expect("locales");
    assert_eq!(glyphs::notice(&loc, Lang::Zh, "帮老人买菜 Thanks!"), None);
    assert_eq!(glyphs::undrawable("谢谢🙂🙂𠀀"), vec!['🙂', '𠀀']);
    let zh = glyphs::notice(&loc, Lang::Zh, "谢谢🙂🙂𠀀").expect("a notice");
    assert!(zh.contains('2') && zh.contains("无法在屏幕上显示"), "{zh}");
    let en = glyphs::notice(&loc, Lang::En, "thanks 🙂").expect("a notice");
    assert!(en.starts_with("One character"), "{en}");
    let en = glyphs::notice(&loc, Lang::En, "🙂𠀀").expect("a notice");
    assert!(en.starts_with("2 characters"), "{en}");
    // The notice itself can be shown.
    assert!(glyphs::undrawable(&zh).is_empty() && glyphs::undrawable(&en).is_empty());
}

/// Runs [`render_samples`] in a child process whose fontconfig knows only the embedded font (a
/// bare kiosk), so no system font can draw what the table says is missing.
#[test]
fn the_table_agrees_with_what_the_screen_draws() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fonts = dir.path().join("fonts");
    std::fs::create_dir_all(&fonts).expect("mkdir");
    std::fs::write(
        fonts.join("wqy-microhei.ttc"),
        lobby_kiosk::fonts::EMBEDDED_FONT,
    )
    .expect("font");
    let conf = fonts.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<fontconfig>\n  <dir>{0}</dir>\n  <cachedir>{0}/cache</cachedir>\n</fontconfig>\n",
            fonts.display()
        ),
    )
    .expect("fonts.conf");
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "render_samples", "--ignored", "--nocapture"])
        .env("FONTCONFIG_FILE", &conf)
        .env("GLYPHS_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "rendering failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut seen = 0;
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("ink ") else {
            continue;
        };
        let (c, ink) = rest.split_once(' ').expect("`ink C N`");
        let c = c.chars().next().expect("a character");
        let ink: usize = ink.parse().expect("a number");
        assert_eq!(
            glyphs::can_draw(c),
            ink > 40,
            "{c} (U+{:04X}): the screen drew {ink} ink pixels, the table says drawable = {}",
            c as u32,
            glyphs::can_draw(c)
        );
        seen += 1;
    }
    assert_eq!(seen, SAMPLES.len(), "{stdout}");
    assert!(SAMPLES.iter().any(|&c| !glyphs::can_draw(c)));
}

/// Dark pixels of `img`.
fn ink(img: &image::RgbImage) -> usize {
    img.pixels().filter(|p| p.0.iter().all(|&c| c < 90)).count()
}

/// The child of the test above (needs its environment): an article's title set to "A" and then
/// to "A" plus three of each sample; prints the ink each sample added.
#[test]
#[ignore = "run by the_table_agrees_with_what_the_screen_draws"]
fn render_samples() {
    let data = std::env::var_os("GLYPHS_DATA_DIR").expect("run by the parent test");
    let window = lobby_kiosk::headless::install(1080, 1920).expect("headless");
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(Path::new(&data), loc.clone()).expect("cache");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(
        ContentSource::inline(worker),
        loc,
        Clock::fixed(DEFAULT_TZ, at),
        Lang::Zh,
    )
    .expect("window");
    app.window().show().expect("shows");
    let bundle = lobby_kiosk::demo::bundle().expect("demo");
    let article = &bundle.content.articles[0].id;
    app.navigate(Screen::Article(article.clone()));
    let adapter = app.window().global::<ui::ArticleAdapter>();
    adapter.set_title("A".into());
    let base = ink(&lobby_kiosk::headless::render(&window));
    for &c in SAMPLES {
        adapter.set_title(format!("A{c}{c}{c}").into());
        let with = ink(&lobby_kiosk::headless::render(&window));
        println!("ink {c} {}", with.saturating_sub(base));
    }
}
