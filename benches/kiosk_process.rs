//! The whole kiosk process, printed (never asserted): `cargo bench --bench kiosk_process`.
//!
//! Runs the real `kiosk` binary (the bench profile's, i.e. release, under `cargo bench`) on the
//! scale data (1,000 articles, 500 images from `kioskctl gen-bundle`'s generator, imported
//! with `kiosk import`):
//! - `kiosk snapshot` of home: wall time and peak RSS (`/usr/bin/time`);
//! - `kiosk run` windowed at 1080×1920 with the software renderer in a private Xvfb: process
//!   start → `READY=1` on a notify socket (the kiosk sends it after its first frame, as under
//!   systemd), RSS then;
//! - `kiosk run --tour` in the same window: every screen once, each until its pictures are
//!   drawn; RSS once the kiosk says the tour is done (`STATUS=` on the notify socket) and 3 s
//!   later (the content worker has given freed memory back), and its peak;
//! - idle CPU on home over 60 s (utime + stime from `/proc/PID/stat`), after 5 s to settle, and
//!   the same on an article with pictures and a QR code (`kiosk run --screen article:ID`).
//!
//! Without `--bench` (`cargo test --benches`, CI) it runs once at tiny sizes with a 2 s idle
//! window. Needs Xvfb (apt-get install xvfb) for the windowed part, `/usr/bin/time` (Debian's
//! `time`) for the snapshot's memory; without them it says so and skips that part.
//! `RUNS`, `IDLE_SECONDS`, `SCALE_ARTICLES`, `SCALE_IMAGES` override.

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn status_kb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .unwrap_or(f64::NAN)
}

/// CPU seconds (user + system) the process has used.
fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return f64::NAN;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name and state.
    (ticks(11) + ticks(12)) / 100.0
}

/// A private X server on a display it picks itself; killed on drop.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// `kiosk --config CONFIG --data-dir DATA ARGS…` in this X server, telling `notify` what a
    /// systemd unit would hear (nothing when `None`).
    fn kiosk(
        &self,
        config: &Path,
        data: &Path,
        args: &[&str],
        notify: Option<&Path>,
    ) -> std::io::Result<Child> {
        let mut command = Command::new(KIOSK);
        command
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(data)
            .args(args)
            .env("DISPLAY", &self.display)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match notify {
            Some(socket) => command.env("NOTIFY_SOCKET", socket),
            None => command.env_remove("NOTIFY_SOCKET"),
        };
        command.spawn()
    }

    fn start() -> Option<Xvfb> {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "1080x1920x24",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut line = String::new();
        BufReader::new(child.stdout.take()?)
            .read_line(&mut line)
            .ok()?;
        Some(Xvfb {
            child,
            display: format!(":{}", line.trim()),
        })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main() -> anyhow::Result<()> {
    let full = std::env::args().any(|a| a == "--bench");
    let runs = env_or("RUNS", if full { 5 } else { 1 });
    let idle = Duration::from_secs(env_or("IDLE_SECONDS", if full { 60 } else { 2 }) as u64);
    let articles = env_or("SCALE_ARTICLES", if full { 1000 } else { 12 });
    let images = env_or("SCALE_IMAGES", if full { 500 } else { 2 });
    println!(
        "the kiosk process on the scale data ({articles} articles, {images} images), {runs} run(s); load average {}",
        load_avg()
    );
    let work = tempfile::tempdir()?;
    let bundle = work.path().join("bundle");
    district_server::scale_bundle::generate(
        &bundle,
        &district_server::scale_bundle::ScaleSpec {
            articles,
            images,
            events: 200.min(articles),
            // Tiny: few enough screens for the debug build's tour (a frame takes ~1 s).
            stations: if full { 20 } else { 2 },
            seed: 1,
        },
    )?;
    let data = work.path().join("data");
    let t = Instant::now();
    let imported = Command::new(KIOSK)
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&bundle)
        .output()?;
    anyhow::ensure!(
        imported.status.success(),
        "kiosk import failed: {}",
        String::from_utf8_lossy(&imported.stderr)
    );
    println!(
        "  kiosk import (validate, store images, fill the cache) {:8.2} s",
        t.elapsed().as_secs_f64()
    );

    snapshot(&data, work.path(), runs)?;
    windowed(&data, work.path(), runs, idle)?;
    Ok(())
}

fn snapshot(data: &Path, work: &Path, runs: usize) -> anyhow::Result<()> {
    if !Path::new("/usr/bin/time").exists() {
        println!("  snapshot: /usr/bin/time is not installed (apt-get install time); skipped");
        return Ok(());
    }
    let (mut walls, mut peaks) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        // Wall time measured here: `%e` counts in 10 ms steps, a snapshot takes a few of them.
        let began = Instant::now();
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%e %M"])
            .arg(KIOSK)
            .arg("--data-dir")
            .arg(data)
            .args(["snapshot", "--screen", "home", "--out"])
            .arg(work.join("home.png"))
            .output()?;
        walls.push(began.elapsed().as_secs_f64());
        anyhow::ensure!(out.status.success(), "kiosk snapshot failed");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        peaks.push(
            last.split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
                / 1024.0,
        );
    }
    println!(
        "  kiosk snapshot of home, 1080×1920: median {:6.0} ms wall, {:5.1} MiB peak RSS",
        median(walls) * 1000.0,
        median(peaks)
    );
    Ok(())
}

fn windowed(data: &Path, work: &Path, runs: usize, idle: Duration) -> anyhow::Result<()> {
    let Some(x) = Xvfb::start() else {
        println!("  windowed: Xvfb is not installed (apt-get install xvfb); skipped");
        return Ok(());
    };
    let config = work.join("kiosk.toml");
    std::fs::write(
        &config,
        "[window]\nmode = \"windowed\"\nwidth = 1080\nheight = 1920\nrenderer = \"software\"\n",
    )?;
    let (mut starts, mut rss) = (Vec::new(), Vec::new());
    // The same moment's RSS split: anonymous memory, mapped files (the binary's own pages, the
    // libraries), shared memory (the X11 frame buffer).
    let (mut anon, mut file, mut shmem) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let socket_path = work.join(format!("notify-{run}"));
        let socket = UnixDatagram::bind(&socket_path)?;
        socket.set_read_timeout(Some(Duration::from_secs(60)))?;
        let began = Instant::now();
        let mut child = x.kiosk(&config, data, &[], Some(&socket_path))?;
        let mut buf = [0u8; 512];
        let mut ready = None;
        while let Ok(n) = socket.recv(&mut buf) {
            if String::from_utf8_lossy(&buf[..n]).contains("READY=1") {
                ready = Some(began.elapsed());
                break;
            }
        }
        let Some(ready) = ready else {
            let _ = child.kill();
            anyhow::bail!("the kiosk never said READY=1");
        };
        starts.push(ready.as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_secs(2));
        rss.push(status_kb(child.id(), "VmRSS:") / 1024.0);
        anon.push(status_kb(child.id(), "RssAnon:") / 1024.0);
        file.push(status_kb(child.id(), "RssFile:") / 1024.0);
        shmem.push(status_kb(child.id(), "RssShmem:") / 1024.0);
        if run + 1 == runs {
            // Idle on home: nothing changes, so nothing should be drawn.
            std::thread::sleep(Duration::from_secs(3));
            print_idle(child.id(), "home", idle);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    println!(
        "  windowed, software, 1080×1920: start → first frame (READY=1) median {:6.0} ms, RSS 2 s later {:5.1} MiB (anonymous {:.1}, files {:.1}, shared memory {:.1}); load {}",
        median(starts),
        median(rss),
        median(anon),
        median(file),
        median(shmem),
        load_avg()
    );

    tour(data, work, &x, &config)?;

    // Idle on an article with pictures and a QR code (`kiosk run --screen article:ID`), once
    // its pictures have arrived.
    let Some(article) = article_with_pictures_and_link(&work.join("bundle"))? else {
        println!(
            "  windowed, idle on an article: the bundle has no article with a picture and a link; skipped"
        );
        return Ok(());
    };
    let mut child = x.kiosk(
        &config,
        data,
        &["run", "--screen", &format!("article:{article}")],
        None,
    )?;
    std::thread::sleep(Duration::from_secs(5));
    print_idle(child.id(), &format!("article `{article}`"), idle);
    let _ = child.kill();
    let _ = child.wait();
    Ok(())
}

/// `kiosk run --tour` windowed: every screen once (home, each section and its articles, the
/// week, each station), each until its pictures are drawn, then home; RSS once the kiosk
/// says `STATUS=tour done` on the notify socket, and its peak.
fn tour(data: &Path, work: &Path, x: &Xvfb, config: &Path) -> anyhow::Result<()> {
    let socket_path = work.join("notify-tour");
    let socket = UnixDatagram::bind(&socket_path)?;
    socket.set_read_timeout(Some(Duration::from_secs(1800)))?;
    let began = Instant::now();
    let mut child = x.kiosk(config, data, &["run", "--tour"], Some(&socket_path))?;
    let mut buf = [0u8; 512];
    let mut done = None;
    while let Ok(n) = socket.recv(&mut buf) {
        let message = String::from_utf8_lossy(&buf[..n]).into_owned();
        if let Some(status) = message
            .lines()
            .find_map(|l| l.strip_prefix("STATUS=tour done: "))
        {
            done = Some(status.to_owned());
            break;
        }
    }
    let Some(shown) = done else {
        let _ = child.kill();
        let _ = child.wait();
        anyhow::bail!("the kiosk never said its tour was done");
    };
    let took = began.elapsed();
    let pid = child.id();
    let memory = |when: &str| {
        let rss = status_kb(pid, "VmRSS:") / 1024.0;
        format!(
            "{when} {rss:5.1} MiB = {:.1} MB (anonymous {:.1}, files {:.1}, shared memory {:.1})",
            rss * 1.048_576,
            status_kb(pid, "RssAnon:") / 1024.0,
            status_kb(pid, "RssFile:") / 1024.0,
            status_kb(pid, "RssShmem:") / 1024.0,
        )
    };
    let at_end = memory("at its end");
    // The content worker gives freed memory back after `RELEASE_MEMORY_AFTER` (2 s) without a
    // request: what the kiosk holds while a visitor reads the last screen, or nobody is there.
    std::thread::sleep(Duration::from_secs(3));
    let settled = memory("3 s later");
    let peak = status_kb(pid, "VmHWM:") / 1024.0;
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "  windowed, software, 1080×1920, `kiosk run --tour` ({shown}, {:.1} s): RSS after every screen {at_end}, {settled}; peak {peak:.1} MiB; load {}",
        took.as_secs_f64(),
        load_avg()
    );
    Ok(())
}

/// CPU the process uses over `idle` while nobody touches it: nothing changes, so nothing
/// should be drawn (the clock's text changes once a minute).
fn print_idle(pid: u32, on: &str, idle: Duration) {
    let before = cpu_seconds(pid);
    std::thread::sleep(idle);
    let used = cpu_seconds(pid) - before;
    println!(
        "  windowed, idle on {on} over {} s: {:.2} % of a core ({used:.2} s CPU), VmRSS {:.1} MiB, VmHWM {:.1} MiB",
        idle.as_secs(),
        used / idle.as_secs_f64() * 100.0,
        status_kb(pid, "VmRSS:") / 1024.0,
        status_kb(pid, "VmHWM:") / 1024.0
    );
}

/// The first article of the bundle with a picture and a link (so a QR code too).
fn article_with_pictures_and_link(bundle: &Path) -> anyhow::Result<Option<String>> {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("bundle.json"))?)?;
    Ok(manifest["articles"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| {
            a["link"].as_str().is_some_and(|l| !l.is_empty())
                && a["images"].as_array().is_some_and(|i| !i.is_empty())
        })
        .and_then(|a| a["id"].as_str())
        .map(str::to_string))
}
