//! Sync and server figures, printed (never asserted): `cargo bench --bench sync_server`.
//!
//! The real district server in this process on 127.0.0.1 (two worker threads) and the kiosk's
//! real sync client, on a scale data set from `kioskctl gen-bundle`'s generator:
//! - first full sync of 10,000 articles + 1,000 images (a snapshot), then applying 1,000 changed
//!   articles, then a no-change cycle with the bytes on the wire both ways (counted by a TCP
//!   relay between the kiosk and the server);
//! - the server's no-change polls per second and full change pages per second, from a Rust
//!   load generator (concurrent keep-alive clients) on the same machine, and the polls again
//!   while 1,000 registered kiosks heartbeat;
//! - RSS of this process after 100 sync cycles and after 10,000.
//!
//! Sizes: `cargo bench` gives `--bench` and runs the full sizes; without it (`cargo test
//! --benches`, CI) everything runs once at tiny sizes so the benchmark keeps working.
//! `SCALE_ARTICLES`, `SCALE_IMAGES`, `SYNC_CYCLES`, `LOAD_SECONDS` override. `SCALE_DATA=DIR`
//! keeps the generated data set in `DIR` and reuses it on the next run with the same sizes
//! (generating 10,000 articles and 1,000 pictures takes minutes); delete `DIR` when done.
//! `COMPARE_SEQUENTIAL=1` first runs the first full sync with one image download at a time.
//!
//! After the first full sync and the 1,000 changes the bench prints where their time went: the
//! wall time of every `kiosk.*` and `server.*` tracing span (the phases of the sync client in
//! `src/sync`, of the server's change feed and blob route), summed by name ([`Phases`]).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use district_server::admin;
use district_server::config::Config as ServerConfig;
use district_server::ctl::{self, Client};
use district_server::scale_bundle::{self, ScaleSpec};
use district_server::server::{self, AppState};
use lobby_kiosk::sync::{Settings, Syncer};
use protocol::wire::{SCHEMA_HEADER, SCHEMA_VERSION};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{Layer, filter};

/// Wall time of the sync's phases: each span named `kiosk.*` or `server.*`, from its creation
/// to its close, summed by name. Spans that run at the same time (image downloads, the server
/// beside the kiosk) overlap, so the sums are per phase, not shares of the whole.
#[derive(Clone, Default)]
struct Phases(Arc<Mutex<BTreeMap<&'static str, (u64, Duration)>>>);

/// When a span began, kept in its extensions.
struct Began(Instant);

impl<S> Layer<S> for Phases
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        _attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Began(Instant::now()));
        }
    }

    fn on_close(&self, id: tracing::span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(began) = span.extensions().get::<Began>().map(|b| b.0) else {
            return;
        };
        if let Ok(mut phases) = self.0.lock() {
            let entry = phases.entry(span.metadata().name()).or_default();
            entry.0 += 1;
            entry.1 += began.elapsed();
        }
    }
}

impl Phases {
    fn install() -> Phases {
        let phases = Phases::default();
        let wanted = filter::filter_fn(|m| {
            m.is_span() && (m.name().starts_with("kiosk.") || m.name().starts_with("server."))
        });
        let subscriber = tracing_subscriber::registry().with(phases.clone().with_filter(wanted));
        let _ = tracing::subscriber::set_global_default(subscriber);
        phases
    }

    /// Prints the phases measured since the last call, and forgets them.
    fn print(&self, what: &str) {
        let Ok(mut phases) = self.0.lock() else {
            return;
        };
        println!("    where the time of {what} went (wall time per phase, summed):");
        for (name, (count, total)) in std::mem::take(&mut *phases) {
            println!(
                "      {name:<36} {:9.1} ms  ({count} spans)",
                total.as_secs_f64() * 1000.0
            );
        }
    }
}

struct Sizes {
    articles: usize,
    images: usize,
    changes: usize,
    cycles: usize,
    load: Duration,
    kiosks: usize,
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn sizes() -> Sizes {
    let full = std::env::args().any(|a| a == "--bench");
    let (articles, images, changes, cycles, load, kiosks) = if full {
        (10_000, 1_000, 1_000, 10_000, 10, 1_000)
    } else {
        (40, 3, 10, 120, 1, 20)
    };
    Sizes {
        articles: env_or("SCALE_ARTICLES", articles),
        images: env_or("SCALE_IMAGES", images),
        changes,
        cycles: env_or("SYNC_CYCLES", cycles).max(100),
        load: Duration::from_secs(env_or("LOAD_SECONDS", load) as u64),
        kiosks,
    }
}

fn rss_mb() -> f64 {
    memory_stats::memory_stats().map_or(0.0, |m| m.physical_mem as f64 / 1e6)
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

/// The district server on its own two-thread runtime.
struct Served {
    base: String,
    staff: String,
    config: ServerConfig,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn serve() -> anyhow::Result<Served> {
    let dir = tempfile::tempdir()?;
    let config = ServerConfig::for_data_dir(dir.path().join("data"));
    let staff = admin::init(&config)?;
    let state = AppState::open(config.clone())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let base = format!("http://{}", listener.local_addr()?);
    rt.spawn(async move {
        let _ = server::serve(state, listener, std::future::pending::<()>()).await;
    });
    Ok(Served {
        base,
        staff,
        config,
        rt,
        _dir: dir,
    })
}

/// A TCP relay that counts the bytes going each way: what a kiosk costs on the wire.
#[derive(Default)]
struct Wire {
    up: AtomicU64,
    down: AtomicU64,
}

fn relay(rt: &tokio::runtime::Runtime, target: &str) -> anyhow::Result<(String, Arc<Wire>)> {
    let wire = Arc::new(Wire::default());
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let url = format!("http://{}", listener.local_addr()?);
    let target = target.trim_start_matches("http://").to_string();
    let counts = wire.clone();
    rt.spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(upstream) = tokio::net::TcpStream::connect(&target).await else {
                continue;
            };
            let (cr, cw) = client.into_split();
            let (ur, uw) = upstream.into_split();
            let (a, b) = (counts.clone(), counts.clone());
            tokio::spawn(pump(cr, uw, move |n| {
                a.up.fetch_add(n, Ordering::Relaxed);
            }));
            tokio::spawn(pump(ur, cw, move |n| {
                b.down.fetch_add(n, Ordering::Relaxed);
            }));
        }
    });
    Ok((url, wire))
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    count: impl Fn(u64),
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                count(n as u64);
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown().await;
}

/// Requests per second from `clients` concurrent keep-alive clients hitting `url` for `span`.
fn hammer(
    rt: &tokio::runtime::Runtime,
    url: &str,
    tokens: &[String],
    etag: Option<String>,
    span: Duration,
    clients: usize,
) -> (f64, u64) {
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let began = Instant::now();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for c in 0..clients {
            let http = reqwest::Client::new();
            let url = url.to_string();
            let token = tokens[c % tokens.len()].clone();
            let etag = etag.clone();
            let (done, failed) = (done.clone(), failed.clone());
            tasks.push(tokio::spawn(async move {
                while began.elapsed() < span {
                    let mut req = http
                        .get(&url)
                        .bearer_auth(&token)
                        .header(SCHEMA_HEADER, SCHEMA_VERSION.to_string());
                    if let Some(etag) = &etag {
                        req = req.header("If-None-Match", etag);
                    }
                    match req.send().await {
                        Ok(r) if r.status().is_success() || r.status() == 304 => {
                            let _ = r.bytes().await;
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
    });
    let n = done.load(Ordering::Relaxed);
    (
        n as f64 / began.elapsed().as_secs_f64(),
        failed.load(Ordering::Relaxed),
    )
}

/// The data set's folder: generated in `scratch`, or in `$SCALE_DATA` and reused from there
/// when a run with the same sizes made it before.
fn data_set(spec: &ScaleSpec, scratch: &tempfile::TempDir) -> anyhow::Result<std::path::PathBuf> {
    let Some(keep) = std::env::var_os("SCALE_DATA") else {
        let dir = scratch.path().join("bundle");
        scale_bundle::generate(&dir, spec)?;
        return Ok(dir);
    };
    let name = format!(
        "bundle-{}a-{}i-{}e-{}s-seed{}",
        spec.articles, spec.images, spec.events, spec.stations, spec.seed
    );
    let dir = std::path::Path::new(&keep).join(&name);
    let done = std::path::Path::new(&keep).join(format!("{name}.done"));
    if done.exists() {
        println!("  (reusing the data set in {})", dir.display());
        return Ok(dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&keep)?;
    scale_bundle::generate(&dir, spec)?;
    std::fs::write(done, b"")?;
    Ok(dir)
}

fn main() -> anyhow::Result<()> {
    let sizes = sizes();
    let phases = Phases::install();
    println!(
        "lobby-kiosk sync and server figures ({} articles, {} images; load average at start {})",
        sizes.articles,
        sizes.images,
        load_avg()
    );
    let data = tempfile::tempdir()?;
    let began = Instant::now();
    let spec = ScaleSpec {
        articles: sizes.articles,
        images: sizes.images,
        events: 200.min(sizes.articles),
        stations: 20,
        seed: 1,
    };
    let bundle_dir = data_set(&spec, &data)?;
    let mut bundle = ctl::load_bundle(&bundle_dir)?;
    let image_mb = bundle
        .blobs
        .values()
        .map(|b| b.bytes.len() as f64)
        .sum::<f64>()
        / 1e6;
    println!(
        "  data set generated and validated                 {:8.1} s ({image_mb:.0} MB of images)",
        began.elapsed().as_secs_f64()
    );

    let served = serve()?;
    let client = Client::new(&served.base, &served.staff)?;
    let t = Instant::now();
    served
        .rt
        .block_on(ctl::push_loaded(&client, &bundle, false, |_| {}))?;
    println!(
        "  push to the server (validate, upload, publish)   {:8.1} s",
        t.elapsed().as_secs_f64()
    );
    let token = admin::add_kiosk(&served.config, "bench-1", "haizhiyun")?.token;

    let (url, wire) = relay(&served.rt, &served.base)?;
    let kiosk_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let kiosk_dir = tempfile::tempdir()?;
    let settings = || Settings {
        retry_delay: Duration::from_millis(20),
        ..Settings::new(&url, &token)
    };
    if std::env::var_os("COMPARE_SEQUENTIAL").is_some() {
        // The same first sync with one image download at a time, as before they overlapped.
        let dir = tempfile::tempdir()?;
        let one_at_a_time = Settings {
            parallel_downloads: 1,
            ..settings()
        };
        let mut syncer = Syncer::open(dir.path(), one_at_a_time)?;
        let t = Instant::now();
        let first = kiosk_rt.block_on(syncer.cycle())?;
        println!(
            "  first full sync, one image at a time             {:8.2} s  {} pages, {} records, {} images",
            t.elapsed().as_secs_f64(),
            first.pages,
            first.puts,
            first.images,
        );
    }
    let mut syncer = Syncer::open(kiosk_dir.path(), settings())?;
    if let Ok(mut gathered) = phases.0.lock() {
        gathered.clear();
    }
    let t = Instant::now();
    let down0 = wire.down.load(Ordering::Relaxed);
    let first = kiosk_rt.block_on(syncer.cycle())?;
    println!(
        "  first full sync (snapshot)                       {:8.2} s  {} pages, {} records, {} images, {:.0} MB down",
        t.elapsed().as_secs_f64(),
        first.pages,
        first.puts,
        first.images,
        (wire.down.load(Ordering::Relaxed) - down0) as f64 / 1e6
    );
    phases.print("the first full sync");

    let changes = sizes.changes.min(bundle.content.articles.len());
    for article in bundle.content.articles.iter_mut().take(changes) {
        article.title.en.push_str(" (revised)");
        article.title.zh.push_str("（修订）");
    }
    served
        .rt
        .block_on(ctl::push_loaded(&client, &bundle, false, |_| {}))?;
    let t = Instant::now();
    let applied = kiosk_rt.block_on(syncer.cycle())?;
    println!(
        "  applying {changes} changed articles                {:8.1} ms  {} pages, {} puts",
        t.elapsed().as_secs_f64() * 1000.0,
        applied.pages,
        applied.puts
    );
    phases.print("applying the changes");

    // A syncer that starts checks the images of the whole content and collects unused ones
    // in its first cycle (and then hourly, or after a cycle that changed the content).
    drop(syncer);
    let mut syncer = Syncer::open(kiosk_dir.path(), settings())?;
    let t = Instant::now();
    let housekeeping = kiosk_rt.block_on(syncer.cycle())?;
    println!(
        "  first cycle after start (304 + housekeeping)     {:8.1} ms  (checks every image of the content, collects unused ones: {} removed)",
        t.elapsed().as_secs_f64() * 1000.0,
        housekeeping.images_removed
    );
    phases.print("the first cycle after start");

    // No-change cycles: what every kiosk does every minute. The bytes are those of the first.
    let mut idle = housekeeping;
    let mut spans = Vec::new();
    for i in 0..5 {
        let (up0, down0) = (
            wire.up.load(Ordering::Relaxed),
            wire.down.load(Ordering::Relaxed),
        );
        let t = Instant::now();
        idle = kiosk_rt.block_on(syncer.cycle())?;
        spans.push(t.elapsed());
        if i == 0 {
            std::thread::sleep(Duration::from_millis(200));
            println!(
                "  no-change cycle (changes + heartbeat)            {:8.1} ms  304: {}, {} B up, {} B down",
                spans[0].as_secs_f64() * 1000.0,
                idle.not_modified,
                wire.up.load(Ordering::Relaxed) - up0,
                wire.down.load(Ordering::Relaxed) - down0
            );
        }
    }
    spans.sort();
    println!(
        "  no-change cycle, median of 5                     {:8.1} ms",
        spans[spans.len() / 2].as_secs_f64() * 1000.0
    );
    drop(syncer);

    // Memory stability: RSS after 100 cycles, then after all of them.
    let mut syncer = Syncer::open(kiosk_dir.path(), settings())?;
    let mut after_100 = 0.0;
    let t = Instant::now();
    for i in 1..=sizes.cycles {
        kiosk_rt.block_on(syncer.cycle())?;
        if i == 100 {
            after_100 = rss_mb();
        }
    }
    let after_all = rss_mb();
    println!(
        "  RSS after 100 / {} no-change cycles            {after_100:6.1} / {after_all:6.1} MB ({:+.1} %), {:.2} ms a cycle",
        sizes.cycles,
        (after_all - after_100) / after_100.max(0.001) * 100.0,
        t.elapsed().as_secs_f64() * 1000.0 / sizes.cycles as f64
    );
    drop(syncer);

    // The server under load from a client in this process (both share the machine's cores).
    let load_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let head = idle.cursor_after;
    let poll = format!("{}/v1/changes?since={head}", served.base);
    let etag = format!("\"head-{head}\"");
    let tokens = vec![token.clone()];
    let (rate, failed) = hammer(&load_rt, &poll, &tokens, Some(etag.clone()), sizes.load, 64);
    println!(
        "  server: no-change polls (304), 64 clients        {rate:8.0} /s  ({failed} failed; load {})",
        load_avg()
    );
    let page = format!("{}/v1/changes?since=0&limit=500", served.base);
    let (rate, failed) = hammer(&load_rt, &page, &tokens, None, sizes.load, 8);
    println!("  server: change pages of 500 records, 8 clients   {rate:8.1} /s  ({failed} failed)");

    let t = Instant::now();
    let mut kiosk_tokens = Vec::with_capacity(sizes.kiosks);
    for k in 0..sizes.kiosks {
        kiosk_tokens
            .push(admin::add_kiosk(&served.config, &format!("lobby-{k}"), "haizhiyun")?.token);
    }
    println!(
        "  {} kiosks registered                            {:8.1} s",
        sizes.kiosks,
        t.elapsed().as_secs_f64()
    );
    // Every kiosk heartbeats every 5 s (a real one: after each sync, at least every 5 min).
    let beating = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    for (k, kiosk) in kiosk_tokens.iter().enumerate() {
        let (beating, stop) = (beating.clone(), stop.clone());
        let http = reqwest::Client::new();
        let url = format!("{}/v1/heartbeat", served.base);
        let kiosk = kiosk.clone();
        load_rt.spawn(async move {
            tokio::time::sleep(Duration::from_millis((k as u64 * 5) % 5000)).await;
            while !stop.load(Ordering::Relaxed) {
                let body = serde_json::json!({
                    "kiosk_version": "0.1.0", "content_seq": head, "outbox_depth": 0,
                    "clock": chrono::Utc::now().fixed_offset(),
                });
                let sent = http
                    .post(&url)
                    .bearer_auth(&kiosk)
                    .header(SCHEMA_HEADER, SCHEMA_VERSION.to_string())
                    .json(&body)
                    .send()
                    .await;
                if matches!(sent, Ok(r) if r.status().is_success()) {
                    beating.fetch_add(1, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
    }
    let t = Instant::now();
    let (rate, failed) = hammer(&load_rt, &poll, &kiosk_tokens, Some(etag), sizes.load, 64);
    stop.store(true, Ordering::Relaxed);
    println!(
        "  server: no-change polls with {} kiosks beating  {rate:8.0} /s  ({failed} failed; {:.0} heartbeats/s answered)",
        sizes.kiosks,
        beating.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64()
    );
    println!(
        "  load average at the end                          {}",
        load_avg()
    );
    Ok(())
}
