//! Start-up and screen figures, printed (not asserted): `cargo bench --bench startup`.
//!
//! What a kiosk does from power-on to the first frame, measured in-process on a fresh cache and
//! a warm one, plus the time to build every screen's view and to render frames with the
//! software renderer. Run it in release (cargo bench does) on the target hardware.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{ContentSource, Request, Worker, open_seeded};
use protocol::text::Lang;
use slint::ComponentHandle;

const ROUNDS: usize = 30;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:8.2} ms", d.as_secs_f64() * 1000.0)
}

fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| format!("{:.1} MB", kb / 1024.0))
        .unwrap_or_else(|| "n/a".into())
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M")?;
    let clock = Clock::fixed(DEFAULT_TZ, at);

    println!("lobby-kiosk start-up figures (median of {ROUNDS} where repeated)");

    let t = Instant::now();
    drop(open_seeded(dir.path())?);
    println!(
        "  cache, cold: validate + import the demo bundle  {}",
        ms(t.elapsed())
    );

    let warm: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            let store = open_seeded(dir.path());
            let elapsed = t.elapsed();
            drop(store);
            elapsed
        })
        .collect();
    println!(
        "  cache, warm: open + quick_check + migrations     {}",
        ms(median(warm))
    );

    let loc = Arc::new(Localizer::new()?);
    let mut worker = Worker::open(dir.path(), loc.clone())?;
    for (name, screen) in [
        ("home", Screen::Home),
        ("section", Screen::Section("folk-culture".into())),
        ("article", Screen::Article("haizhiyun".into())),
        (
            "schedule (week)",
            "schedule:week".parse().map_err(anyhow::Error::msg)?,
        ),
        ("station", Screen::Station(Some("yatai-centre".into()))),
    ] {
        let request = Request {
            screen,
            lang: Lang::Zh,
            now: clock.now(),
        };
        let samples: Vec<Duration> = (0..ROUNDS)
            .map(|_| {
                let t = Instant::now();
                worker.handle(&request, &mut |_| {});
                t.elapsed()
            })
            .collect();
        // The first build decodes and scales the pictures; later ones find them cached.
        println!(
            "  view + pictures, {name:<16} first {} / again {}",
            ms(samples[0]),
            ms(median(samples))
        );
    }

    // The first frame: platform, window, UI tree, home content, one full render.
    let t = Instant::now();
    let window = lobby_kiosk::headless::install(1080, 1920)?;
    let app = App::new(
        ContentSource::inline(Worker::open(dir.path(), loc)?),
        Arc::new(Localizer::new()?),
        clock,
        Lang::Zh,
    )?;
    app.window().show()?;
    let _ = lobby_kiosk::headless::render(&window);
    println!(
        "  first frame, home 1080x1920, software renderer {}",
        ms(t.elapsed())
    );

    let frames: Vec<Duration> = (0..ROUNDS)
        .map(|i| {
            let lang = if i % 2 == 0 { Lang::En } else { Lang::Zh };
            let t = Instant::now();
            app.set_lang(lang);
            let _ = lobby_kiosk::headless::render(&window);
            t.elapsed()
        })
        .collect();
    println!(
        "  language switch + full re-render of home       {}",
        ms(median(frames))
    );
    println!(
        "  peak resident memory of this process           {:>11}",
        peak_rss_mb()
    );
    Ok(())
}
