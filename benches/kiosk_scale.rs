//! The kiosk on the scale data set, printed (never asserted): `cargo bench --bench kiosk_scale`.
//!
//! A child process (this binary again) generates 1,000 articles + 500 images (`kioskctl
//! gen-bundle`'s generator), validates and imports them as `kiosk import` does, times decode +
//! scale of 1080p pictures, and replays a visitors' walk through the content worker with each
//! picture budget (decodes against `[cache] pictures_mb`). This process then holds what a
//! running kiosk holds: with the software renderer at 1080×1920 on the headless platform
//! `kiosk snapshot` uses and one kept frame buffer like a window's, the first frame on the warm
//! cache, page switches median and p99 (as `kiosk run` makes them, the content worker on its
//! own thread: tap → first frame showing the screen, → its pictures drawn; and the older inline
//! figure: tap → view built, pictures decoded, frame rendered), RSS after visiting every screen, RSS after 100 navigations against after 10,000
//! (each one a tap for the idle timeline), and RSS over many slideshow → visitor cycles.
//!
//! Sizes: `cargo bench` gives `--bench` and runs the full sizes; without it (`cargo test
//! --benches`, CI) everything runs once at tiny sizes. `SCALE_ARTICLES`, `SCALE_IMAGES`,
//! `NAVIGATIONS`, `PICTURES_MB` override; `BUDGET_SWEEP=STEPS` runs the picture budgets' walk
//! of that many screens at full size (minutes); `WALK_TOUCHES=0` walks without taps (the idle
//! timeline runs: reset, then the slideshow) and `ATTRACT_AFTER_SECONDS=N` brings the slideshow
//! after N s instead of 300.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use i_slint_core::input::TouchPhase;
use lobby_kiosk::app::App;
use lobby_kiosk::app::idle::{IdleTimes, Ticks};
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::media;
use lobby_kiosk::store::ContentStore;
use lobby_kiosk::view::{BlobPicture, Screen};
use lobby_kiosk::worker::{ContentSource, PICTURE_CACHE_BYTES, Worker};
use protocol::text::Lang;
use slint::platform::software_renderer::{MinimalSoftwareWindow, PremultipliedRgbaColor};
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
/// free lists) against mapped files (fonts, the binary); of the anonymous part, what SQLite
/// holds (its page caches, all connections) and, from glibc's arenas, what is in use and what
/// is free but kept (blocks mapped on their own, the decoded pictures, are in neither).
fn rss_split() -> String {
    // SAFETY: `sqlite3_memory_used` only reads SQLite's global counter.
    let sqlite = unsafe { rusqlite::ffi::sqlite3_memory_used() } as f64 / 1e6;
    format!(
        "anonymous {:.1} MB, files {:.1} MB; SQLite {sqlite:.1} MB, {}",
        status_mb("RssAnon:"),
        status_mb("RssFile:"),
        heap_split()
    )
}

/// glibc's arenas: bytes in use and bytes free but kept.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_split() -> String {
    // SAFETY: `mallinfo2` only reads the allocator's statistics.
    let info = unsafe { libc::mallinfo2() };
    format!(
        "heap in use {:.1} MB, free {:.1} MB, mapped blocks {:.1} MB",
        info.uordblks as f64 / 1e6,
        info.fordblks as f64 / 1e6,
        info.hblkhd as f64 / 1e6
    )
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn heap_split() -> String {
    "heap figures only on glibc".into()
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

/// Set (to the data directory) in the child process that prepares the data set.
const PREPARE: &str = "KIOSK_SCALE_PREPARE";

/// The child process: generates the scale bundle in `dir/bundle`, validates it as `kiosk
/// import` does (every image decoded), imports it into the kiosk's cache `dir/kiosk`, and times
/// decode + scale of a 1080p JPEG and PNG as the content worker does it.
fn prepare(
    dir: &std::path::Path,
    articles: usize,
    images: usize,
    full: bool,
) -> anyhow::Result<()> {
    let bundle_dir = dir.join("bundle");
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
    let cache = dir.join("kiosk");
    let t = Instant::now();
    let (mut store, _) = ContentStore::open_or_rebuild(&cache)?;
    store.import_bundle(&bundle, "import")?;
    println!(
        "  import into the kiosk's cache                    {}",
        ms(t.elapsed())
    );
    // Decode + scale, as the content worker does it (off the UI thread), per picture kind.
    for (kind, mime) in [("JPEG", "image/jpeg"), ("PNG", "image/png")] {
        let Some((sha256, _)) = bundle.blobs.iter().find(|(_, b)| b.mime == mime) else {
            continue;
        };
        for (what, width, height) in [("thumbnail 240", 240, 135), ("article 1000", 1000, 563)] {
            let spec = BlobPicture {
                sha256: sha256.clone(),
                width,
                height,
            };
            let mut samples: Vec<Duration> = (0..if full { 20 } else { 1 })
                .map(|_| {
                    let t = Instant::now();
                    media::decode(store.blobs(), &spec).map(|_| t.elapsed())
                })
                .collect::<Result<_, _>>()?;
            println!(
                "  decode + scale 1080p {kind:<4} to {what:<13}     {}",
                ms(percentile(&mut samples, 0.5))
            );
        }
    }
    drop(bundle);
    drop(store);
    // Minutes at full size (every budget decodes its share of the walk): only when asked.
    match std::env::var("BUDGET_SWEEP")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(steps) => budget_sweep(&cache, steps)?,
        None if !full => budget_sweep(&cache, 30)?,
        None => {}
    }
    // The bundle's files are not needed any more (only the kiosk's cache is).
    std::fs::remove_dir_all(&bundle_dir)?;
    println!(
        "  peak RSS of the preparing process (child)        {:8.1} MB",
        peak_rss_mb()
    );
    Ok(())
}

/// What the picture budget (`[cache] pictures_mb`) buys: the same visitors' walk through the
/// content worker (no UI) with each budget, and the pictures decoded. Visitors start at home,
/// open a section, read a few of its first articles going back to the list each time, now and
/// then look into a second section and come back to the first, and go home; sections are
/// picked as the seeded generator says. A budget of 0 keeps only what the pages' models show.
fn budget_sweep(cache: &std::path::Path, steps: usize) -> anyhow::Result<()> {
    let loc = Arc::new(Localizer::new()?);
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M")?;
    let now = Clock::fixed(DEFAULT_TZ, at).now();
    let store = ContentStore::open(cache)?;
    let mut sections = Vec::new();
    for section in store.sections()? {
        let articles: Vec<String> = store
            .articles_of(&section.id, now)?
            .into_iter()
            .map(|a| a.id)
            .collect();
        if !articles.is_empty() {
            sections.push((section.id, articles));
        }
    }
    drop(store);
    anyhow::ensure!(!sections.is_empty(), "no section with articles");
    // A small linear congruential generator: the same walk for every budget and every run.
    let mut seed: u64 = 7;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let mut walk = Vec::new();
    while walk.len() < steps {
        walk.push(Screen::Home);
        let (first, articles) = &sections[next(sections.len())];
        walk.push(Screen::Section(first.clone()));
        for _ in 0..1 + next(4) {
            // One of the cards on its first screenful.
            walk.push(Screen::Article(
                articles[next(articles.len().min(12))].clone(),
            ));
            walk.push(Screen::Section(first.clone()));
        }
        if next(2) == 0 {
            let (second, articles) = &sections[next(sections.len())];
            walk.push(Screen::Section(second.clone()));
            walk.push(Screen::Article(
                articles[next(articles.len().min(12))].clone(),
            ));
            walk.push(Screen::Section(second.clone()));
            walk.push(Screen::Section(first.clone()));
        }
    }
    let mut line = Vec::new();
    for mb in [0, 4, 8, 12, 16, 24, 48] {
        let mut worker = Worker::open(cache, loc.clone())?;
        worker.set_picture_budget(mb * 1024 * 1024);
        let mut pictures = 0;
        for screen in &walk {
            let request = lobby_kiosk::worker::Request {
                screen: screen.clone(),
                lang: Lang::Zh,
                now,
            };
            worker.handle(&request, &mut |d| {
                if let lobby_kiosk::worker::Delivery::Pictures(p) = d {
                    // Pictures from the content's blobs (QR codes and icons are not cached).
                    pictures += p
                        .iter()
                        .filter(|(slot, _)| {
                            !matches!(
                                slot,
                                lobby_kiosk::view::PictureSlot::Qr(_)
                                    | lobby_kiosk::view::PictureSlot::SectionIcon(_)
                            )
                        })
                        .count();
                }
            });
        }
        line.push(format!(
            "{mb} MB: {} ({:.0} %)",
            worker.pictures().decodes(),
            worker.pictures().decodes() as f64 * 100.0 / pictures.max(1) as f64
        ));
    }
    println!(
        "  picture budget: decodes in a visitors' walk of {} screens (share of pictures shown): {}",
        walk.len(),
        line.join(", ")
    );
    Ok(())
}

/// A visitor's tap, as far as the idle timeline is concerned: what every tap and scroll on
/// the screen signals (`Nav.activity`).
fn visitor_taps(app: &App) {
    app.window()
        .global::<lobby_kiosk::ui::Nav>()
        .invoke_activity();
}

/// A kiosk's day: the slideshow while nobody is there, a visitor who wakes it and taps through
/// a few screens, the slideshow again, `cycles` times (the idle clock moved by hand, the
/// slideshow's first slide rendered each time). RSS after the first cycle against after all.
fn attract_cycles(
    app: &App,
    window: &MinimalSoftwareWindow,
    screens: &[Screen],
    times: IdleTimes,
    cycles: usize,
) {
    let Some(attract_after) = times.attract else {
        return;
    };
    let ticks = Ticks::manual();
    app.set_ticks(ticks.clone());
    let mut after_first = 0.0;
    let mut shown = 0;
    let t = Instant::now();
    for cycle in 1..=cycles {
        ticks.advance(attract_after + Duration::from_secs(1));
        app.check_idle();
        let _ = lobby_kiosk::headless::render(window);
        if app.current() == Screen::Attract {
            shown += 1;
        }
        // The visitor wakes it (home) and opens three screens.
        app.window()
            .global::<lobby_kiosk::ui::AttractAdapter>()
            .invoke_wake();
        let _ = lobby_kiosk::headless::render(window);
        for k in 0..3 {
            visitor_taps(app);
            app.navigate(screens[(cycle * 7 + k * 101) % screens.len()].clone());
            let _ = lobby_kiosk::headless::render(window);
        }
        if cycle == 1 {
            after_first = rss_mb();
        }
    }
    let after_all = rss_mb();
    println!(
        "  slideshow → visitor → slideshow, {cycles} cycles ({shown} slideshows shown, {:.1} s): RSS after 1 / {cycles}: {after_first:.1} / {after_all:.1} MB ({:+.1} %; {})",
        t.elapsed().as_secs_f64(),
        (after_all - after_first) / after_first.max(0.001) * 100.0,
        rss_split()
    );
}

fn main() -> anyhow::Result<()> {
    // As the kiosk binary does (`GLIBC_TUNABLES=…` in the environment measures glibc's own).
    let allocator_tuned = lobby_kiosk::malloc::tune();
    let full = std::env::args().any(|a| a == "--bench");
    let articles = env_or("SCALE_ARTICLES", if full { 1000 } else { 24 });
    let images = env_or("SCALE_IMAGES", if full { 500 } else { 3 });
    if let Some(dir) = std::env::var_os(PREPARE) {
        return prepare(std::path::Path::new(&dir), articles, images, full);
    }
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

    // The data set is made, validated and imported by a child process (this binary again), as
    // `kioskctl gen-bundle` and `kiosk import` make it for a real kiosk: this process then
    // holds only what a running kiosk holds, not the 190 MB peak of validating a bundle.
    let data = tempfile::tempdir()?;
    let cache = data.path().join("kiosk");
    let prepared = std::process::Command::new(std::env::current_exe()?)
        .args(if full { &["--bench"][..] } else { &[][..] })
        .env(PREPARE, data.path())
        .env("SCALE_ARTICLES", articles.to_string())
        .env("SCALE_IMAGES", images.to_string())
        .stderr(std::process::Stdio::inherit())
        .output()?;
    print!("{}", String::from_utf8_lossy(&prepared.stdout));
    anyhow::ensure!(
        prepared.status.success(),
        "preparing the data set failed: {}",
        prepared.status
    );
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M")?;
    let clock = Clock::fixed(DEFAULT_TZ, at);
    let Walk {
        screens,
        largest,
        largest_list,
    } = Walk::list(&cache, clock.now(), full)?;

    // What this process holds from here: the kiosk (the UI, the content worker, its picture
    // cache, SQLite) and one 1080×1920 frame buffer of 4-byte pixels, as a windowed kiosk
    // holds the X11 one (7.9 MiB), drawn once and kept.
    let before_ui = rss_mb();
    let t = Instant::now();
    let window = lobby_kiosk::headless::install(1080, 1920)?;
    let loc = Arc::new(Localizer::new()?);
    let mut worker = Worker::open(&cache, loc.clone())?;
    worker.set_picture_budget(picture_bytes);
    // `SQLITE_CACHE_KIB=N`: another page cache for the walk's connection than the worker's
    // own (`READ_PAGE_CACHE_KIB`), to compare; SQLite's default is 2000.
    if let Some(kib) = std::env::var("SQLITE_CACHE_KIB")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    {
        worker.store().set_page_cache_kib(kib)?;
    }
    println!(
        "  the walk's SQLite page cache                     {:8} KiB",
        worker.store().page_cache_kib()?
    );
    let app = App::new(ContentSource::inline(worker), loc, clock.clone(), Lang::Zh)?;
    // `ATTRACT_AFTER_SECONDS=N`: the slideshow after N s without a touch (the reset at N/2),
    // to see what it does to the walk sooner than the default 300 s.
    let idle_times = match std::env::var("ATTRACT_AFTER_SECONDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(n) => IdleTimes {
            reset: Duration::from_secs((n / 2).max(1)),
            warning: Duration::from_secs(1),
            attract: Some(Duration::from_secs(n.max(2))),
            ..IdleTimes::default()
        },
        None => IdleTimes::default(),
    };
    app.set_idle_times(idle_times);
    app.window().show()?;
    let _ = lobby_kiosk::headless::render(&window);
    let mut frame_buffer = vec![PremultipliedRgbaColor::default(); 1080 * 1920];
    window.request_redraw();
    window.draw_if_needed(|renderer| {
        renderer.render(&mut frame_buffer, 1080);
    });
    println!(
        "  first frame on the warm cache (home)             {}  (RSS {before_ui:.0} → {:.0} MB; {})",
        ms(t.elapsed()),
        rss_mb(),
        rss_split()
    );

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
        "  every screen once ({} screens, {:.1} s), INLINE worker (view, then its pictures decoded, then `headless::render`): switch median {} p99 {}",
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
    // Page switches as the running kiosk makes them: the content worker on its own thread.
    page_switches(
        &app,
        &window,
        &cache,
        picture_bytes,
        &screens,
        largest.as_ref(),
        full,
    )?;

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
    let touches = std::env::var("WALK_TOUCHES").map_or(true, |v| v != "0");
    let mut attract_seen = false;
    for i in 1..=navigations {
        if touches {
            // Each step stands for a visitor's tap, which postpones the idle timeline as a
            // tap on the screen does (`Nav.activity`): without it the slideshow starts
            // mid-walk, `[idle] attract_after_seconds` after the last touch.
            visitor_taps(&app);
        }
        app.navigate(screens[i % screens.len()].clone());
        let _ = lobby_kiosk::headless::render(&window);
        if app.current() == Screen::Attract && !attract_seen {
            attract_seen = true;
            println!(
                "  the slideshow started after navigation {i} ({:.0} s into the walk, RSS {:.1} MB)",
                t.elapsed().as_secs_f64(),
                rss_mb()
            );
        }
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
    attract_cycles(
        &app,
        &window,
        &screens,
        idle_times,
        if full { 200 } else { 3 },
    );
    drop(frame_buffer);
    println!(
        "  peak RSS of this process                         {:8.1} MB; load average {}",
        peak_rss_mb(),
        load_avg()
    );
    Ok(())
}

/// The page switches on the worker thread, as `kiosk run` makes them (`ContentSource::spawn`):
/// every screen once, then the largest section ⇄ its first article; the revisits also with the
/// inline worker (the figure the bench printed before, for comparison).
#[allow(clippy::too_many_arguments)]
fn page_switches(
    app: &App,
    window: &MinimalSoftwareWindow,
    cache: &std::path::Path,
    picture_bytes: usize,
    screens: &[Screen],
    largest: Option<&Largest>,
    full: bool,
) -> anyhow::Result<()> {
    let size = window.size();
    let mut pixels = vec![Rgb8Pixel::new(0, 0, 0); size.width as usize * size.height as usize];
    let loc = Arc::new(Localizer::new()?);
    let threaded =
        || ContentSource::spawn_with_budget(cache.to_path_buf(), loc.clone(), picture_bytes);
    // A fresh worker (its own cache connection and picture cache, as at the kiosk's start),
    // opened and warm before the first switch is timed.
    let inline = app.replace_source(threaded()?);
    switch(app, window, &mut pixels, Screen::Home);
    let mut switches = Vec::with_capacity(screens.len());
    let t = Instant::now();
    for screen in screens {
        switches.extend(switch(app, window, &mut pixels, screen.clone()));
    }
    Switch::report(
        &format!(
            "every screen once ({} screens, {:.1} s), worker THREAD",
            screens.len(),
            t.elapsed().as_secs_f64()
        ),
        switches,
        screens.len(),
    );

    if let Some(Largest {
        section,
        articles: count,
        first_article: article,
    }) = largest
    {
        // A section and one of its articles back and forth: the pictures are cached.
        let back_and_forth = |i: usize| {
            if i.is_multiple_of(2) {
                Screen::Section(section.clone())
            } else {
                Screen::Article(article.clone())
            }
        };
        let n = if full { 200 } else { 4 };
        let mut switches = Vec::with_capacity(n);
        for i in 0..n {
            switches.extend(switch(app, window, &mut pixels, back_and_forth(i)));
        }
        Switch::report(
            &format!("revisits: section `{section}` ({count} articles) ⇄ article, worker THREAD"),
            switches,
            n,
        );

        let threaded = app.replace_source(inline);
        drop(threaded);
        let mut samples = Vec::new();
        for i in 0..n {
            let s = Instant::now();
            app.navigate(back_and_forth(i));
            let _ = lobby_kiosk::headless::render(window);
            samples.push(s.elapsed());
        }
        println!(
            "  revisits: section `{section}` ({count} articles) ⇄ article, INLINE worker (view, pictures, `headless::render`): median {} p99 {}",
            ms(percentile(&mut samples.clone(), 0.5)),
            ms(percentile(&mut samples, 0.99)),
        );
    } else {
        drop(app.replace_source(inline));
    }
    Ok(())
}

/// The screens a visitor can reach, listed before the kiosk starts by a connection closed
/// before it starts: the process then holds the kiosk's connections alone.
struct Walk {
    /// Home, each section and its articles, the week's schedule, every station.
    screens: Vec<Screen>,
    /// The section with the most articles.
    largest: Option<Largest>,
    /// The section with the most articles that shows them as a list first (no wish wall).
    largest_list: Option<(String, usize)>,
}

/// A section with many articles, for switching between it and its first article.
struct Largest {
    section: String,
    articles: usize,
    first_article: String,
}

impl Walk {
    fn list(
        cache: &std::path::Path,
        now: chrono::DateTime<chrono::FixedOffset>,
        full: bool,
    ) -> anyhow::Result<Walk> {
        let store = ContentStore::open(cache)?;
        // What `kiosk run --tour` shows.
        let mut screens = lobby_kiosk::view::tour::every_screen(&store, now)?;
        let mut largest: Option<Largest> = None;
        let mut largest_list: Option<(String, usize)> = None;
        for section in store.sections()? {
            let listed = store.articles_of(&section.id, now)?;
            if largest.as_ref().is_none_or(|l| listed.len() > l.articles) {
                largest = Some(Largest {
                    section: section.id.clone(),
                    articles: listed.len(),
                    first_article: listed.first().map(|a| a.id.clone()).unwrap_or_default(),
                });
            }
            // The flick needs the list in view: a section with a wish wall shows the wall
            // first.
            if !section.wish_wall && largest_list.as_ref().is_none_or(|(_, n)| listed.len() > *n) {
                largest_list = Some((section.id.clone(), listed.len()));
            }
        }
        if !full {
            // Debug builds render a frame in about a second: a few screens of each kind.
            let stations: Vec<Screen> = screens
                .iter()
                .filter(|s| matches!(s, Screen::Station(_)))
                .take(1)
                .cloned()
                .collect();
            screens.truncate(6);
            screens.extend(stations);
        }
        Ok(Walk {
            screens,
            largest,
            largest_list,
        })
    }
}

/// One page switch as a visitor sees it on the running kiosk.
struct Switch {
    /// What kind of screen was opened (home, section, article, …).
    kind: &'static str,
    /// Tap → the view is on its page: the worker thread built it (SQL, texts in the
    /// visitor's language), the UI thread received it and set its Slint models.
    applied: Duration,
    /// Tap → the end of the first frame drawn with the view on its page.
    shown: Duration,
    /// Drawing that frame alone (Slint's layout of the new page and the whole frame).
    first_frame: Duration,
    /// Tap → the end of the last frame drawn before nothing was left to draw and the worker
    /// had delivered every picture the screen came with (decoded on its thread meanwhile).
    complete: Duration,
    /// Frames drawn from the tap to then.
    frames: usize,
}

impl Switch {
    fn report(what: &str, switches: Vec<Switch>, asked: usize) {
        let figure = |f: &dyn Fn(&Switch) -> Duration| {
            let mut samples: Vec<Duration> = switches.iter().map(f).collect();
            format!(
                "median {} p99 {}",
                ms(percentile(&mut samples.clone(), 0.5)),
                ms(percentile(&mut samples, 0.99))
            )
        };
        let mut frames: Vec<usize> = switches.iter().map(|s| s.frames).collect();
        frames.sort();
        println!(
            "  {what}: {} switches{}\n    tap → first frame showing the new screen   {}\n    tap → view on its page (worker + models)    {}\n    that first frame alone (layout + render)    {}\n    tap → its pictures drawn, nothing left     {}  ({} frames a switch, median)",
            switches.len(),
            if switches.len() < asked {
                format!(" ({} timed out after 30 s)", asked - switches.len())
            } else {
                String::new()
            },
            figure(&|s| s.shown),
            figure(&|s| s.applied),
            figure(&|s| s.first_frame),
            figure(&|s| s.complete),
            frames.get(frames.len() / 2).copied().unwrap_or_default(),
        );
        // By kind of screen: which pages miss.
        let mut kinds: Vec<&str> = switches.iter().map(|s| s.kind).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            let mut shown: Vec<Duration> = switches
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| s.shown)
                .collect();
            let mut alone: Vec<Duration> = switches
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| s.first_frame)
                .collect();
            println!(
                "    {kind:<9} ({:4}): first frame median {} p99 {}; the frame alone median {}",
                shown.len(),
                ms(percentile(&mut shown.clone(), 0.5)),
                ms(percentile(&mut shown, 0.99)),
                ms(percentile(&mut alone, 0.5)),
            );
        }
    }
}

/// Taps `screen` and runs the UI thread as the running kiosk's event loop does, until the
/// screen and its pictures are drawn: handles what the worker thread sent (`process_events`,
/// which the event loop does when the channel wakes it), runs timers and draws a frame
/// whenever something asks for one (the whole frame, software renderer, into a buffer the
/// size of the window), polling every 0.1 ms (an event loop would sleep until woken).
fn switch(
    app: &App,
    window: &MinimalSoftwareWindow,
    pixels: &mut [Rgb8Pixel],
    screen: Screen,
) -> Option<Switch> {
    let kind = match &screen {
        Screen::Home => "home",
        Screen::Section(_) => "section",
        Screen::Article(_) => "article",
        Screen::Schedule { .. } => "schedule",
        Screen::Station(_) => "station",
        _ => "other",
    };
    let tap = Instant::now();
    app.navigate(screen);
    let mut applied = None;
    let mut shown = None;
    let mut first_frame = Duration::ZERO;
    let mut last_frame = Duration::ZERO;
    let mut frames = 0;
    while tap.elapsed() < Duration::from_secs(30) {
        app.process_events();
        let on_page = app.screen_applied();
        if on_page && applied.is_none() {
            applied = Some(tap.elapsed());
        }
        let f = Instant::now();
        let drew = frame(window, pixels);
        if drew {
            frames += 1;
            last_frame = tap.elapsed();
            if on_page && shown.is_none() {
                shown = Some(last_frame);
                first_frame = f.elapsed();
            }
        }
        if let (Some(applied), Some(shown)) = (applied, shown)
            && !drew
            && app.pictures_delivered()
            && !app.window().window().has_active_animations()
        {
            return Some(Switch {
                kind,
                applied,
                shown,
                first_frame,
                complete: last_frame,
                frames,
            });
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    None
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
