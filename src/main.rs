//! `kiosk`: runs the kiosk full screen, renders screens headless, reports the cache's state.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::NaiveDateTime;
use clap::{Parser, Subcommand};
use lobby_kiosk::app::App;
use lobby_kiosk::app::idle::{IdleTimes, InputHooks, Ticks};
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::config::{Config, WindowMode};
use lobby_kiosk::display::{self, DisplayPath};
use lobby_kiosk::headless;
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::sync::{self, Settings, SyncStatus};
use lobby_kiosk::ui;
use lobby_kiosk::view::Screen;
use lobby_kiosk::worker::{self, ContentSource, Worker};
use protocol::text::Lang;
use slint::ComponentHandle;
use slint::Model;
use std::rc::Rc;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "kiosk", version, about = "Offline-first lobby kiosk")]
struct Cli {
    /// Config file (TOML); default: ~/.config/lobby-kiosk/kiosk.toml, then /etc/lobby-kiosk/kiosk.toml.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory holding the cache; overrides the config file.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the kiosk (the default).
    Run {
        /// The screen to open first instead of home (section:KEY, article:ID, …), e.g. to
        /// measure a screen left alone; visitors still go back and home from it.
        #[arg(long)]
        screen: Option<Screen>,
        /// Show every screen once (home, each section and its articles, the week's events,
        /// each station), each until its pictures are drawn, then home: to see all the content
        /// drawn on this screen after installing. Tells systemd `STATUS=tour done: N screens`.
        #[arg(long, conflicts_with = "screen")]
        tour: bool,
    },
    /// Render one screen to a PNG with the software renderer; needs no display.
    Snapshot {
        /// home, section:KEY, article:ID, schedule, schedule:week, station:ID, attract,
        /// maintenance
        #[arg(long, default_value = "home")]
        screen: Screen,
        /// Something shown over the screen: the idle warning (as when a form holds text and
        /// the reset is 12 s away) or the maintenance PIN pad (with four digits typed).
        #[arg(long)]
        overlay: Option<Overlay>,
        /// With --screen attract: the slide to show (from 0).
        #[arg(long, default_value_t = 0)]
        slide: i32,
        /// zh or en
        #[arg(long, default_value = "zh")]
        lang: Lang,
        /// WIDTHxHEIGHT in pixels
        #[arg(long, default_value = "1080x1920", value_parser = parse_size)]
        size: (u32, u32),
        /// Local time in the district to render at, e.g. 2026-11-24T10:00 (default: now).
        #[arg(long, value_parser = parse_time)]
        at: Option<NaiveDateTime>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the cache's content with a bundle folder (validated first; nothing changes if it
    /// has any problem). For kiosks updated by hand, without a district server.
    Import {
        /// Folder holding bundle.json and its images.
        bundle: PathBuf,
    },
    /// Sync with the district server named in the config file: push the outbox, pull and apply
    /// what changed. Without --once, keeps syncing (poll with jitter, back off on errors) until
    /// Ctrl-C, like the running kiosk does in the background.
    Sync {
        /// Run one cycle, print what was pushed, pulled and applied, and exit (non-zero on error).
        #[arg(long)]
        once: bool,
        /// With --once: print the report as JSON.
        #[arg(long, requires = "once")]
        json: bool,
    },
    /// Read a maintenance PIN (4 to 12 digits) from standard input and print its argon2 hash,
    /// for `maintenance_pin_hash` in the config file. The PIN itself is stored nowhere.
    PinHash,
    /// Print what the cache holds and how sync is doing.
    Status {
        /// As JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Overlay {
    IdleWarning,
    PinPad,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("`{s}` is not WIDTHxHEIGHT, e.g. 1080x1920"))?;
    let num = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (64..=8192).contains(n))
            .ok_or_else(|| format!("`{v}` is not a size between 64 and 8192"))
    };
    Ok((num(w)?, num(h)?))
}

fn parse_time(s: &str) -> Result<NaiveDateTime, String> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or_else(|| format!("`{s}` is not a local time like 2026-11-24T10:00"))
}

fn main() -> ExitCode {
    // Before any other thread exists: the allocator's settings apply to all of them.
    let allocator_tuned = lobby_kiosk::malloc::tune();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,rusqlite_migration=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colours only on a terminal: under systemd, stderr goes to the journal.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    tracing::debug!(allocator_tuned, "glibc allocator settings (src/malloc.rs)");
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kiosk: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    if matches!(cli.command, Some(Command::PinHash)) {
        // Needs no config: it is how one is written.
        return pin_hash();
    }
    let (config, config_file) = Config::load(cli.config.as_deref())?;
    let data_dir = cli.data_dir.clone().unwrap_or_else(|| config.data_dir());
    let command = cli.command.unwrap_or(Command::Run {
        screen: None,
        tour: false,
    });
    if matches!(command, Command::Run { .. } | Command::Snapshot { .. }) {
        lobby_kiosk::fonts::guard(&data_dir.join("fonts"));
    }
    if matches!(command, Command::Run { .. }) {
        display::skip_compose_tables(&data_dir);
    }
    match command {
        Command::Run { screen, tour } => run_kiosk(&config, data_dir, screen, tour),
        Command::Snapshot {
            screen,
            overlay,
            slide,
            lang,
            size,
            at,
            out,
        } => snapshot(
            &config,
            data_dir,
            Shot {
                screen,
                overlay,
                slide,
                lang,
                size,
                at,
            },
            &out,
        ),
        Command::Import { bundle } => import(data_dir, &bundle),
        Command::Sync { once, json } => sync(&config, data_dir, once, json),
        Command::Status { json } => status(&config, config_file, data_dir, json),
        Command::PinHash => pin_hash(),
    }
}

fn run_kiosk(
    config: &Config,
    data_dir: PathBuf,
    screen: Option<Screen>,
    tour: bool,
) -> anyhow::Result<()> {
    // A window of an X11/Wayland session, or (a `kms` build) the screen itself: chosen before
    // anything starts, so a kiosk that cannot draw says why at once.
    let output = display::choose(&display::Environment::current(), config.window.renderer)?;
    // A panicking worker or sync thread must not leave a frozen screen: end, and be restarted.
    lobby_kiosk::watchdog::exit_on_panic();
    let loc = Arc::new(Localizer::new()?);
    // Seed the cache (demo content on first start) before the content worker and the sync
    // thread start, so the two never write the same image files at once.
    if let Err(e) = worker::open_seeded(&data_dir) {
        tracing::warn!(error = %e, "cannot prepare the content cache; the worker will fall back");
    }
    // The tour's screens are listed before the window opens (a start with `--tour` is not a
    // visitor's): the UI thread reads nothing once it draws.
    let tour = if tour {
        let store = lobby_kiosk::store::ContentStore::open(&data_dir)
            .context("cannot open the content cache for the tour")?;
        let screens =
            lobby_kiosk::view::tour::every_screen(&store, Clock::system(DEFAULT_TZ).now())
                .context("cannot list the screens for the tour")?;
        Some(screens)
    } else {
        None
    };
    let source = ContentSource::spawn_with_budget(
        data_dir.clone(),
        loc.clone(),
        config.cache.picture_bytes(),
    )
    .context("cannot start the content worker")?;
    let mut backend = slint::BackendSelector::new().backend_name(output.backend.into());
    if let Some(renderer) = output.renderer {
        backend = backend.renderer_name(renderer.into());
    }
    backend.select().with_context(|| match output.path {
        DisplayPath::Session => format!("cannot start the {} backend", output.backend),
        DisplayPath::Kms => "cannot draw on the screen through DRM/KMS (is the kiosk's user in \
                             the video and input groups, and no other display server running? \
                             docs/OPERATIONS.md)"
            .to_owned(),
    })?;
    let app = App::new(source, loc, Clock::system(DEFAULT_TZ), config.language)
        .context("cannot open a window (is the display reachable?)")?;
    app.set_idle_times(IdleTimes::from(&config.idle));
    // The pinyin engine's thread starts now; librime loads when a form first opens or a key is
    // tapped (taps wait for it), so a kiosk nobody types on never holds it.
    if let Err(e) = app.start_keyboard(lobby_kiosk::input::rime::RimeSettings {
        on_demand: true,
        ..lobby_kiosk::input::rime::RimeSettings::for_data_dir(&data_dir)
    }) {
        tracing::error!(error = %e, "cannot start the keyboard's engine thread: typing is off");
    }
    // What visitors submit is committed to the outbox on its own thread.
    match lobby_kiosk::submitter::Submitter::spawn(data_dir.clone()) {
        Ok(submitter) => app.attach_outbox(submitter),
        Err(e) => tracing::error!(error = %e, "cannot start the outbox thread: forms cannot save"),
    }
    if config.maintenance_pin_hash.is_none() {
        tracing::info!(
            "no maintenance_pin_hash in the config: the maintenance screen cannot be opened"
        );
    }
    app.set_maintenance_pin(config.maintenance_pin_hash.clone());
    let window = app.window().window();
    // (On KMS the window is the whole screen: size and mode do not apply.)
    // The configured size first: without a window manager a full-screen request is ignored and
    // the window would otherwise stay at the toolkit's default 800×600.
    window.set_size(slint::LogicalSize::new(
        config.window.width as f32,
        config.window.height as f32,
    ));
    if config.window.mode == WindowMode::Fullscreen && output.path == DisplayPath::Session {
        window.set_fullscreen(true);
    }
    if let Some(screen) = screen {
        app.navigate(screen);
    }
    let _tour = tour.map(|screens| {
        app.start_tour(screens, |shown| {
            let status = format!("tour done: {shown} screens");
            if let Err(e) = sd_notify::notify(&[sd_notify::NotifyState::Status(&status)]) {
                tracing::debug!(error = %e, "cannot tell the supervisor the tour is done");
            }
        })
    });
    let _clock = app.start_clock();
    // systemd: READY=1 after the first frame, WATCHDOG=1 while frames are drawn when asked for.
    let _watchdog = lobby_kiosk::watchdog::Watchdog::start(app.window(), output.path);
    #[cfg(feature = "fault-hooks")]
    let _ui_hang = lobby_kiosk::faults::arm_ui_hang();
    match Settings::from_config(config) {
        // The app keeps the sync thread ("sync now"); it stops when the app goes.
        Some(settings) => app.attach_sync(
            sync::schedule::spawn(data_dir, settings, app.handle())
                .context("cannot start the sync thread")?,
        ),
        None => {
            tracing::info!("no server and token configured: running offline on the cached content");
        }
    }
    app.window().run().context("the window system failed")?;
    if app.exit_requested() {
        tracing::info!("closed from the maintenance screen");
    }
    Ok(())
}

fn sync(config: &Config, data_dir: PathBuf, once: bool, json: bool) -> anyhow::Result<()> {
    let settings = Settings::from_config(config).context(
        "no district server configured: set `server` and `token` in the config file \
         (the token comes from `district-server kiosk add`)",
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    if !once {
        let control = sync::schedule::Control::new();
        let c = control.clone();
        runtime.block_on(async move {
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    c.stop();
                }
            });
            sync::schedule::run(data_dir, settings, (), control).await;
        });
        return Ok(());
    }
    let report = runtime.block_on(sync::schedule::once(data_dir, settings))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}

/// What `kiosk snapshot` renders.
struct Shot {
    screen: Screen,
    overlay: Option<Overlay>,
    slide: i32,
    lang: Lang,
    size: (u32, u32),
    at: Option<NaiveDateTime>,
}

fn snapshot(
    config: &Config,
    data_dir: PathBuf,
    shot: Shot,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let Shot {
        screen,
        overlay,
        slide,
        lang,
        size: (width, height),
        at,
    } = shot;
    let window = headless::install(width, height)?;
    let loc = Arc::new(Localizer::new()?);
    let mut worker = Worker::open(&data_dir, loc.clone())?;
    worker.set_picture_budget(config.cache.picture_bytes());
    let clock = match at {
        Some(at) => Clock::fixed(DEFAULT_TZ, at),
        None => Clock::system(DEFAULT_TZ),
    };
    let app = App::new(ContentSource::inline(worker), loc, clock, lang)?;
    if screen != Screen::Home {
        app.navigate(screen.clone());
    }
    if app.current() != screen {
        bail!("screen {screen:?} does not exist in the cache");
    }
    let w = app.window();
    if screen == Screen::Attract {
        let slides = w.global::<ui::AttractAdapter>().get_slides().row_count() as i32;
        if !(0..slides).contains(&slide) {
            bail!(
                "--slide {slide}: the slideshow has {slides} slides (0 to {})",
                slides - 1
            );
        }
        w.global::<ui::AttractAdapter>().set_current(slide);
    }
    match overlay {
        Some(Overlay::IdleWarning) => {
            // The real timeline: a form holding text, 12 s before the reset.
            let times = IdleTimes::from(&config.idle);
            let ticks = Ticks::manual();
            app.set_idle_times(times);
            app.set_ticks(ticks.clone());
            app.typed_inputs().register(Rc::new(InputHooks {
                has_input: || true,
                wipe: || {},
            }));
            ticks.advance(times.reset - Duration::from_secs(12));
            app.check_idle();
        }
        Some(Overlay::PinPad) => {
            let pad = w.global::<ui::MaintenanceAdapter>();
            pad.set_pin_open(true);
            for digit in [2, 0, 2, 6] {
                pad.invoke_pin_digit(digit);
            }
        }
        None => {}
    }
    w.show()?;
    headless::write_png(&window, out)?;
    println!("{}", out.display());
    Ok(())
}

fn pin_hash() -> anyhow::Result<()> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the PIN from standard input")?;
    let phc = lobby_kiosk::pin::hash(line.trim()).context("no hash made")?;
    println!("{phc}");
    Ok(())
}

fn import(data_dir: PathBuf, dir: &std::path::Path) -> anyhow::Result<()> {
    let read = |path: &str| std::fs::read(dir.join(path));
    let bundle = protocol::Bundle::load(&read)
        .with_context(|| format!("{} was not imported", dir.display()))?;
    let (mut store, _) = lobby_kiosk::store::ContentStore::open_or_rebuild(&data_dir)?;
    store.import_bundle(&bundle, "import")?;
    let stats = store.stats()?;
    println!(
        "imported {}: {} sections, {} articles, {} images, {} stations, {} rooms, {} events",
        dir.display(),
        stats.sections,
        stats.articles,
        stats.images,
        stats.stations,
        stats.rooms,
        stats.events
    );
    Ok(())
}

/// `kiosk status`: only reads. No cache is created, no demo content imported and no damaged
/// file set aside; what is found is reported as it is.
fn status(
    config: &Config,
    config_file: Option<PathBuf>,
    data_dir: PathBuf,
    json: bool,
) -> anyhow::Result<()> {
    use lobby_kiosk::store::{ContentStore, Inspection, Outbox};

    let cache_path = data_dir.join(lobby_kiosk::store::content::FILE_NAME);
    let outbox = Outbox::open_read_only(&data_dir)?;
    let (state, store) = match ContentStore::inspect(&data_dir)? {
        Inspection::NoCache => (
            "no cache yet: the kiosk fills it (demo content or the server's) at its first start"
                .to_string(),
            None,
        ),
        Inspection::Damaged(why) => (
            format!("damaged ({why}): the kiosk sets it aside and rebuilds it at its next start"),
            None,
        ),
        Inspection::OtherVersion { found, expected } => (
            format!(
                "schema version {found}, this kiosk software uses {expected}: the kiosk upgrades \
                 an older cache at its next start"
            ),
            None,
        ),
        Inspection::Readable(store) => ("ok".to_string(), Some(store)),
    };
    let stats = store.as_ref().map(|s| s.stats()).transpose()?;
    let sync = match &store {
        Some(store) => Some(SyncStatus::read(config.server.as_deref(), store, &outbox)?),
        None => None,
    };
    let skew = sync
        .as_ref()
        .and_then(|s| s.clock_skew_seconds)
        .map(chrono::Duration::seconds);
    if json {
        let mut report = serde_json::json!({
            "data_dir": data_dir,
            "config_file": config_file,
            "cache": cache_path,
            "cache_state": state,
            "server": config.server,
            "outbox_depth": outbox.depth()?,
        });
        if let (Some(stats), Some(sync)) = (&stats, &sync) {
            let extra = serde_json::json!({
                "sections": stats.sections,
                "articles": stats.articles,
                "images": stats.images,
                "stations": stats.stations,
                "rooms": stats.rooms,
                "events": stats.events,
                "wishes": stats.wishes,
                "content_seq": stats.content_seq,
                "generation": stats.generation,
                "source": stats.source,
                "sync": sync,
            });
            if let (Some(r), Some(e)) = (report.as_object_mut(), extra.as_object()) {
                r.extend(e.clone());
            }
        }
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("data directory  {}", data_dir.display());
    println!(
        "config file     {}",
        config_file.map_or("(none: defaults)".into(), |p| p.display().to_string())
    );
    println!("cache           {} ({state})", cache_path.display());
    if let Some(stats) = &stats {
        println!(
            "content         {} (sequence {})",
            stats.source.as_deref().unwrap_or("none"),
            stats.content_seq
        );
        println!(
            "records         {} sections, {} articles, {} images, {} stations, {} rooms, {} events",
            stats.sections, stats.articles, stats.images, stats.stations, stats.rooms, stats.events
        );
    }
    println!(
        "server          {}",
        config.server.as_deref().unwrap_or("(none: offline only)")
    );
    if let (Some(_), Some(sync)) = (&config.server, &sync) {
        let or_never = |v: &Option<String>| v.clone().unwrap_or_else(|| "never".into());
        println!(
            "cursor          {} (server head {})",
            sync.cursor,
            sync.server_head.map_or("unknown".into(), |h| h.to_string())
        );
        println!("last sync       {}", or_never(&sync.last_sync));
        println!(
            "last error      {}",
            sync.last_error.as_deref().unwrap_or("none")
        );
    }
    if let Some(skew) = skew {
        let verdict = if skew.abs() > lobby_kiosk::clock::SKEW_TOLERANCE {
            "the kiosk shows the server's time; set the system clock (NTP)"
        } else {
            "right"
        };
        println!(
            "clock           {} at the last heartbeat: {verdict}",
            lobby_kiosk::clock::describe_skew(skew)
        );
    }
    let refused = sync.as_ref().map_or(0, |s| s.outbox_refused);
    println!(
        "outbox          {} waiting, {} refused by the server",
        outbox.depth()?,
        refused
    );
    Ok(())
}
