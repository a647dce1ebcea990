//! The kiosk on the scale data set, printed (never asserted): `cargo bench --bench kiosk_scale`.
//!
//! In one process, with the software renderer at 1080×1920 on the headless platform
//! `kiosk snapshot` uses: importing 1,000 articles + 500 images (from `kioskctl gen-bundle`'s
//! generator), the first frame on the warm cache, page switches (tap → view built, pictures
//! decoded on a miss, frame rendered) median and p99, decode + scale of 1080p pictures, peak RSS
//! after visiting every screen, and RSS after 100 navigations against after 10,000.
//!
//! Sizes: `cargo bench` gives `--bench` and runs the full sizes; without it (`cargo test
//! --benches`, CI) everything runs once at tiny sizes. `SCALE_ARTICLES`, `SCALE_IMAGES`,
//! `NAVIGATIONS`, `PICTURES_MB` override.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use i_slint_core::input::TouchPhase;
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::media;
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::view::{BlobPicture, Screen};
use lobby_kiosk::worker::{ContentSource, PICTURE_CACHE_BYTES, Worker};
use protocol::text::Lang;
use slint::platform::software_renderer::MinimalSoftwareWindow;
use slint::platform::{InternalEvent, WindowEvent};
use slint::{ComponentHandle, Model, Rgb8Pixel};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> String {
    format!("{:8.2} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(i).copied().unwrap_or_default()
}

fn rss_mb() -> f64 {
    memory_stats::memory_stats().map_or(0.0, |m| m.physical_mem as f64 / 1e6)
}

/// A `/proc/self/status` figure given in kB, in MB.
fn status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb * 1024.0 / 1e6)
}

fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

/// Where the resident memory is: the heap and other anonymous pages (ours, Slint's, glibc's
/// free lists) against mapped files (fonts, the binary, SQLite's database pages).
fn rss_split() -> String {
    format!(
        "anonymous {:.1} MB, files {:.1} MB",
        status_mb("RssAnon:"),
        status_mb("RssFile:")
    )
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn main() -> anyhow::Result<()> {
    // As the kiosk binary does (`GLIBC_TUNABLES=…` in the environment measures glibc's own).
    let allocator_tuned = lobby_kiosk::malloc::tune();
    let full = std::env::args().any(|a| a == "--bench");
    let articles = env_or("SCALE_ARTICLES", if full { 1000 } else { 24 });
    let images = env_or("SCALE_IMAGES", if full { 500 } else { 3 });
    let navigations = env_or("NAVIGATIONS", if full { 10_000 } else { 12 });
    // RSS is compared after this many navigations and after all of them.
    let mark = navigations.min(200) / 2;
    let picture_bytes = std::env::var("PICTURES_MB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(PICTURE_CACHE_BYTES, |mb| mb * 1024 * 1024);
    println!(
        "lobby-kiosk on the scale data ({articles} articles, {images} images, picture cache {} MB, allocator {}; load average {})",
        picture_bytes / (1024 * 1024),
        if allocator_tuned {
            "tuned (src/malloc.rs)"
        } else {
            "glibc's defaults or the environment's"
        },
        load_avg()
    );

    let data = tempfile::tempdir()?;
    let bundle_dir = data.path().join("bundle");
    let spec = district_server::scale_bundle::ScaleSpec {
        articles,
        images,
        events: 200.min(articles),
        stations: 20,
        seed: 1,
    };
    district_server::scale_bundle::generate(&bundle_dir, &spec)?;
    let t = Instant::now();
    let bundle = district_server::ctl::load_bundle(&bundle_dir)?;
    println!(
        "  validate the bundle (decodes every image)        {}",
        ms(t.elapsed())
    );
    let cache = data.path().join("kiosk");
    let t = Instant::now();
    {
        let (mut store, _) = ContentStore::open_or_rebuild(&cache)?;
        store.import_bundle(&bundle, "import")?;
    }
    println!(
        "  import into the kiosk's cache                    {}",
        ms(t.elapsed())
    );

    // Decode + scale, as the content worker does it (off the UI thread), per picture kind.
    {
        let store = ContentStore::open(&cache)?;
        for (kind, mime) in [("JPEG", "image/jpeg"), ("PNG", "image/png")] {
            let Some((sha256, _)) = bundle.blobs.iter().find(|(_, b)| b.mime == mime) else {
                continue;
            };
            for (what, width, height) in [("thumbnail 240", 240, 135), ("article 1000", 1000, 563)]
            {
                let spec = BlobPicture {
                    sha256: sha256.clone(),
                    width,
                    height,
                };
                let mut samples: Vec<Duration> = (0..if full { 20 } else { 1 })
                    .map(|_| {
                        let t = Instant::now();
                        let _ = media::decode(store.blobs(), &spec);
                        t.elapsed()
                    })
                    .collect();
                println!(
                    "  decode + scale 1080p {kind:<4} to {what:<13}     {}",
                    ms(percentile(&mut samples, 0.5))
                );
            }
        }
    }

    // The bundle holds every image's bytes: gone before the kiosk's own memory is measured.
    let mut station_ids: Vec<String> = bundle
        .content
        .stations
        .iter()
        .map(|s| s.id.clone())
        .collect();
    drop(bundle);

    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M")?;
    let clock = Clock::fixed(DEFAULT_TZ, at);
    let before_ui = rss_mb();
    let t = Instant::now();
    let window = lobby_kiosk::headless::install(1080, 1920)?;
    let loc = Arc::new(Localizer::new()?);
    let mut worker = Worker::open(&cache, loc.clone())?;
    worker.set_picture_budget(picture_bytes);
    let app = App::new(ContentSource::inline(worker), loc, clock.clone(), Lang::Zh)?;
    app.window().show()?;
    let _ = lobby_kiosk::headless::render(&window);
    println!(
        "  first frame on the warm cache (home)             {}  (RSS {before_ui:.0} → {:.0} MB; {})",
        ms(t.elapsed()),
        rss_mb(),
        rss_split()
    );

    // Every screen: home, each section, every article, the schedule, every station.
    let store = ContentStore::open(&cache)?;
    let now = clock.now();
    let mut screens = vec![Screen::Home];
    let mut largest: Option<(String, usize)> = None;
    let mut largest_list: Option<(String, usize)> = None;
    for section in store.sections()? {
        let listed = store.articles_of(&section.id, now)?;
        if largest.as_ref().is_none_or(|(_, n)| listed.len() > *n) {
            largest = Some((section.id.clone(), listed.len()));
        }
        // The flick needs the list in view: a section with a wish wall shows the wall first.
        if !section.wish_wall && largest_list.as_ref().is_none_or(|(_, n)| listed.len() > *n) {
            largest_list = Some((section.id.clone(), listed.len()));
        }
        screens.push(Screen::Section(section.id.clone()));
        screens.extend(listed.iter().map(|a| Screen::Article(a.id.clone())));
    }
    screens.push("schedule:week".parse().map_err(anyhow::Error::msg)?);
    if !full {
        // Debug builds render a frame in about a second: a few screens of each kind.
        screens.truncate(6);
        station_ids.truncate(1);
    }
    for station in &station_ids {
        screens.push(Screen::Station(Some(station.clone())));
    }
    let mut first_visits = Vec::with_capacity(screens.len());
    let t = Instant::now();
    for screen in &screens {
        let s = Instant::now();
        app.navigate(screen.clone());
        let _ = lobby_kiosk::headless::render(&window);
        first_visits.push(s.elapsed());
    }
    let visited = t.elapsed();
    println!(
        "  every screen once ({} screens, {:.1} s): switch median {} p99 {}",
        screens.len(),
        visited.as_secs_f64(),
        ms(percentile(&mut first_visits.clone(), 0.5)),
        ms(percentile(&mut first_visits, 0.99)),
    );
    println!(
        "  RSS after visiting every screen                  {:8.1} MB (peak {:.1} MB; {})",
        rss_mb(),
        peak_rss_mb(),
        rss_split()
    );
    if let Some((section, count)) = &largest {
        // A section and one of its articles back and forth: the pictures are cached.
        let article = store
            .articles_of(section, now)?
            .first()
            .map(|a| a.id.clone())
            .unwrap_or_default();
        let mut samples = Vec::new();
        for i in 0..if full { 200 } else { 4 } {
            let screen = if i % 2 == 0 {
                Screen::Section(section.clone())
            } else {
                Screen::Article(article.clone())
            };
            let s = Instant::now();
            app.navigate(screen);
            let _ = lobby_kiosk::headless::render(&window);
            samples.push(s.elapsed());
        }
        println!(
            "  revisits: section `{section}` ({count} articles) ⇄ article: median {} p99 {}",
            ms(percentile(&mut samples.clone(), 0.5)),
            ms(percentile(&mut samples, 0.99)),
        );
    }

    if let Some((section, count)) = &largest_list {
        flick(&app, &window, section, *count, if full { 12 } else { 3 })?;
        // The list holds thumbnails only for rows near the view, wherever it was scrolled to.
        let cards = app
            .window()
            .global::<lobby_kiosk::ui::SectionAdapter>()
            .get_cards();
        if let Some(list) = cards
            .as_any()
            .downcast_ref::<lobby_kiosk::app::SectionCards>()
        {
            println!(
                "  thumbnails the scrolled list holds               {} of {count} cards",
                list.rows_with_thumb().len(),
            );
        }
    }

    // Memory stability: the same walk over and over.
    let mut after_100 = 0.0;
    // RSS along the way, so a steady climb (a leak) can be told from a plateau (caches filling).
    let every = (navigations / 10).max(1);
    let mut along = Vec::new();
    let t = Instant::now();
    for i in 1..=navigations {
        app.navigate(screens[i % screens.len()].clone());
        let _ = lobby_kiosk::headless::render(&window);
        if i == mark {
            after_100 = rss_mb();
        }
        if i % every == 0 {
            along.push(format!("{i}: {:.1}", rss_mb()));
        }
    }
    let after_all = rss_mb();
    println!(
        "  RSS (MB) along the walk                         {}",
        along.join(", ")
    );
    println!(
        "  RSS after {mark} / {navigations} navigations             {after_100:6.1} / {after_all:6.1} MB ({:+.1} %), {:.1} ms each",
        (after_all - after_100) / after_100.max(0.001) * 100.0,
        t.elapsed().as_secs_f64() * 1000.0 / navigations as f64
    );
    println!(
        "  peak RSS of this process                         {:8.1} MB; load average {}",
        peak_rss_mb(),
        load_avg()
    );
    Ok(())
}

/// One frame as a windowed kiosk draws it: timers and animations advanced, then the window
/// drawn if anything asked for it (the whole frame: `NewBuffer`). Whether it drew.
fn frame(window: &MinimalSoftwareWindow, pixels: &mut [Rgb8Pixel]) -> bool {
    let width = window.size().width as usize;
    slint::platform::update_timers_and_animations();
    window.draw_if_needed(|renderer| {
        renderer.render(pixels, width);
    })
}

/// A finger on the touch screen, as winit reports it to Slint (finger 0).
fn touch(win: &slint::Window, phase: TouchPhase, x: f32, y: f32) {
    win.dispatch_event(WindowEvent::internal(InternalEvent::Touch {
        id: 0,
        position: slint::private_unstable_api::re_exports::LogicalPoint::new(x, y),
        phase,
    }));
}

/// Frame times while something scrolls, printed with the frame rate they make.
struct Frames {
    samples: Vec<Duration>,
    started: Instant,
}

impl Frames {
    fn new() -> Frames {
        Frames {
            samples: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Draws a frame if anything asked for one; counts it.
    fn frame(&mut self, window: &MinimalSoftwareWindow, pixels: &mut [Rgb8Pixel]) -> bool {
        let t = Instant::now();
        let drawn = frame(window, pixels);
        if drawn {
            self.samples.push(t.elapsed());
        }
        drawn
    }

    fn report(self, what: &str, moved: bool) {
        let took = self.started.elapsed();
        let mut samples = self.samples;
        println!(
            "  {what}: {} frames in {:.0} ms, {:.1} frames/s; frame median {} p99 {}{}",
            samples.len(),
            took.as_secs_f64() * 1000.0,
            samples.len() as f64 / took.as_secs_f64(),
            ms(percentile(&mut samples.clone(), 0.5)),
            ms(percentile(&mut samples, 0.99)),
            if moved {
                ""
            } else {
                " — the list did not move"
            }
        );
    }
}

/// Scrolls the section's list as a visitor does, and prints the frame times while it moves and
/// the frame rate that gives.
///
/// First a finger flick: touch events (what a touch screen gives through winit), the finger
/// put down, dragged up by `moves` × 40 px at one move per 16 ms (a frame after each), lifted,
/// then the frames of the list coasting until it stops, drawn as fast as the renderer goes.
/// (Pointer events would not move it: the style's `ListView` pans with touch only,
/// `mouse-drag-pan-enabled: false`, and takes a mouse drag for a click.) Slint's `Flickable`
/// holds a press back for 100 ms (`FORWARD_DELAY`) to see whether it becomes a drag; the moves
/// come within that, as a finger's do. Then `moves` × 4 wheel steps of 100 px, a frame after
/// each (the same scrolling without the gesture).
fn flick(
    app: &App,
    window: &MinimalSoftwareWindow,
    section: &str,
    count: usize,
    moves: usize,
) -> anyhow::Result<()> {
    app.navigate(Screen::Section(section.to_string()));
    let _ = lobby_kiosk::headless::render(window);
    let size = window.size();
    let mut pixels = vec![Rgb8Pixel::new(0, 0, 0); size.width as usize * size.height as usize];
    window.request_redraw();
    frame(window, &mut pixels);
    let win = app.window().window();
    let scale = win.scale_factor();
    let x = size.width as f32 / scale / 2.0;
    let start_y = size.height as f32 / scale * 0.8;

    let before = pixels.clone();
    let mut dragging = Frames::new();
    touch(win, TouchPhase::Started, x, start_y);
    let mut y = start_y;
    for _ in 0..moves {
        let paced = Instant::now() + Duration::from_millis(16);
        y -= 40.0;
        touch(win, TouchPhase::Moved, x, y);
        dragging.frame(window, &mut pixels);
        std::thread::sleep(paced.saturating_duration_since(Instant::now()));
    }
    touch(win, TouchPhase::Ended, x, y);
    let dragged = pixels != before;
    dragging.report(
        &format!("scroll `{section}` ({count} cards) by a finger: drag {moves} × 40 px"),
        dragged,
    );
    // Coasting: frames until the list stops (or 10 s of them).
    let before = pixels.clone();
    let mut coasting = Frames::new();
    while coasting.started.elapsed() < Duration::from_secs(10) {
        let drawn = coasting.frame(window, &mut pixels);
        if !drawn && !win.has_active_animations() {
            break;
        }
    }
    coasting.report(
        &format!("scroll `{section}` ({count} cards) by a finger: coasting after the flick"),
        pixels != before,
    );

    let before = pixels.clone();
    let mut wheel = Frames::new();
    for _ in 0..moves * 4 {
        win.dispatch_event(WindowEvent::PointerScrolled {
            position: slint::LogicalPosition::new(x, start_y),
            delta_x: 0.0,
            delta_y: -100.0,
        });
        wheel.frame(window, &mut pixels);
    }
    wheel.report(
        &format!(
            "scroll `{section}` ({count} cards) by {} wheel steps",
            moves * 4
        ),
        pixels != before,
    );
    Ok(())
}
