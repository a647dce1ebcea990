//! Crash consistency: `kiosk sync --once` is killed with SIGKILL at random points of a large
//! sync (many small pages, dozens of images), and every time the cache must pass
//! `PRAGMA quick_check`, hold exactly the state after some whole page (its cursor and its records
//! agree), keep no file under a blob name that fails its hash, have every image its records use,
//! and converge with the next sync.
//!
//! `SYNC_CRASH_RUNS` sets the number of runs (default 50), `SYNC_CRASH_SEED` the seed.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lobby_kiosk::sync::Syncer;
use support::{Server, State, cache_state, copy_dir, quick_check, verified_blobs};

/// Changes per page: small, so a sync is many transactions.
const PAGE_LIMIT: u32 = 4;

struct Scenario {
    name: &'static str,
    template: std::path::PathBuf,
    /// The states the cache may be found in, by cursor.
    allowed: Vec<State>,
    /// How long an uninterrupted sync takes (to spread the kill times over it).
    full: Duration,
}

fn sync_once(data: &Path, config: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--data-dir")
        .arg(data)
        .arg("--config")
        .arg(config)
        .args(["sync", "--once"])
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kiosk starts")
}

fn converge(data: &Path, config: &Path, last: &State, what: &str) {
    let out = sync_once(data, config)
        .wait_with_output()
        .expect("kiosk runs");
    assert!(
        out.status.success(),
        "{what}: the next sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let state = cache_state(data);
    assert_eq!(state.cursor, last.cursor, "{what}: converged cursor");
    assert_eq!(
        state.checksum(),
        last.checksum(),
        "{what}: converged content"
    );
    let blobs = verified_blobs(data);
    assert!(
        last.blobs().is_subset(&blobs),
        "{what}: every image after converging"
    );
}

#[test]
fn a_sync_killed_at_random_points_leaves_a_consistent_cache_that_converges() {
    let runs: usize = std::env::var("SYNC_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let seed: u64 = std::env::var("SYNC_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_260_119);
    println!("{runs} runs, SYNC_CRASH_SEED={seed}");
    let mut rng = fastrand::Rng::with_seed(seed);

    let server = Server::start();
    let token = server.kiosk("lobby-1");
    let work = tempfile::tempdir().expect("tempdir");
    let config = support::kiosk_config(
        work.path(),
        &server.base,
        &token,
        &format!("[sync]\npage_limit = {PAGE_LIMIT}\n"),
    );

    // Version A, and a kiosk synced to it.
    server.push(&support::generated(120, 20, 20, 1));
    let synced = work.path().join("synced");
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mut syncer =
            Syncer::open(&synced, Server::settings(&server.base, &token)).expect("opens");
        rt.block_on(syncer.cycle()).expect("template sync");
    }
    let at_a = cache_state(&synced);
    let demo = work.path().join("demo");
    drop(lobby_kiosk::worker::open_seeded(&demo).expect("demo"));
    let empty = work.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");

    // Version B: most articles edited, new images, articles and events removed.
    let mut b = support::generated(150, 36, 14, 2);
    b.content.articles.drain(..8);
    support::prune_blobs(&mut b);
    let plan = server.push(&b);
    println!("version B: {} changes", plan.change_count());
    let last = server.expected(&token);
    let incremental = server.states_from(&token, at_a, PAGE_LIMIT);
    println!(
        "incremental sync: {} pages; snapshot: {} records",
        incremental.len() - 1,
        last.records.len()
    );

    let mut scenarios = Vec::new();
    for (name, template, allowed) in [
        ("incremental", synced, incremental),
        (
            "snapshot over the demo",
            demo.clone(),
            vec![cache_state(&demo), last.clone()],
        ),
        (
            "snapshot from nothing",
            empty,
            vec![State::default(), last.clone()],
        ),
    ] {
        let dir = work.path().join(format!("calibrate-{}", scenarios.len()));
        copy_dir(&template, &dir);
        let started = Instant::now();
        converge(&dir, &config, &last, name);
        let full = started.elapsed();
        println!("{name}: an uninterrupted sync takes {full:?}");
        scenarios.push(Scenario {
            name,
            template,
            allowed,
            full,
        });
    }

    let mut killed_running = 0;
    let mut in_between = 0;
    for run in 0..runs {
        let scenario = &scenarios[run % scenarios.len()];
        let what = format!("run {run} ({}, seed {seed})", scenario.name);
        let data = work.path().join(format!("run-{run}"));
        copy_dir(&scenario.template, &data);

        let mut child = sync_once(&data, &config);
        let max = scenario.full.as_millis() as u64 * 11 / 10;
        std::thread::sleep(Duration::from_millis(rng.u64(0..=max)));
        if child.try_wait().expect("polls").is_none() {
            killed_running += 1;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");

        assert_eq!(quick_check(&data), "ok", "{what}: quick_check");
        let state = cache_state(&data);
        let matching = scenario
            .allowed
            .iter()
            .find(|s| s.cursor == state.cursor)
            .unwrap_or_else(|| panic!("{what}: cursor {} is no page boundary", state.cursor));
        assert_eq!(
            state.checksum(),
            matching.checksum(),
            "{what}: the records are those of cursor {}",
            state.cursor
        );
        let first = &scenario.allowed[0];
        if state.cursor != first.cursor && state.cursor != last.cursor {
            in_between += 1;
        }
        let blobs = verified_blobs(&data);
        assert!(
            state.blobs().is_subset(&blobs),
            "{what}: an applied page's images are all on disk"
        );

        converge(&data, &config, &last, &what);
        std::fs::remove_dir_all(&data).expect("cleans up");
    }
    println!("{runs} runs: {killed_running} killed while syncing, {in_between} left between pages");
    assert!(killed_running > 0, "the kills must land during syncs");
}
