//! The district server's throughput, measured from outside its process: the real
//! `district-server serve` binary (the profile this bench is built with) on 127.0.0.1, loaded by
//! `wrk` when it is on the PATH (a C load generator: a few µs of CPU a request), else by a Rust
//! generator in this process (reqwest: several times wrk's CPU a request, so it takes more of
//! the shared cores from the server and the figure is lower).
//!
//! - no-change polls per second: `GET /v1/changes?since=HEAD` with `If-None-Match` → `304`,
//!   every request with the next kiosk's token (as a district's kiosks poll);
//! - change pages per second: `GET /v1/changes?since=0&limit=500` (the demo content, one page);
//! - the polls again while every registered kiosk heartbeats every 5 s (from this process).
//!
//! Each figure comes with the CPU the server, the load generator and this process took over
//! the run (`/proc/PID/stat`), in % of one core: the machine's cores are shared by all three.
//!
//! `cargo bench -p district-server --bench polls` (with `--bench`): 1,000 kiosks, 10 s a run,
//! 64 connections. Without `--bench` (`cargo test --benches`, CI): 20 kiosks, 1 s, 4
//! connections, the Rust generator unless wrk is installed. `KIOSKS`, `LOAD_SECONDS`,
//! `CLIENTS` override; `LOAD=rust` forces the Rust generator; `SERVER_BIN=PATH` loads another
//! build of the server (an older commit's, to compare).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use district_server::admin;
use district_server::config::Config;
use district_server::storage::{Db, records};
use protocol::wire::{SCHEMA_HEADER, SCHEMA_VERSION};

struct Sizes {
    kiosks: usize,
    seconds: u64,
    clients: usize,
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// CPU seconds (user + system) a process has used so far, from `/proc/PID/stat` (also readable
/// for a process that has exited but is not reaped yet). Clock ticks are 100 a second on Linux.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) end with ')'.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .next()?
        .chars()
        .next()
}

/// The server, started from its binary and stopped (SIGTERM-less kill: nothing to keep) on drop.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(config: &Path) -> anyhow::Result<Server> {
        // `SERVER_BIN`: another build of the server (an older commit's, for a comparison).
        let bin = std::env::var_os("SERVER_BIN")
            .filter(|b| !b.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_district-server")));
        let mut child = Command::new(bin)
            .arg("--config")
            .arg(config)
            .arg("serve")
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start district-server")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(base) = line.trim().strip_prefix("district-server listening on ") else {
            bail!("district-server said {line:?} instead of where it listens");
        };
        Ok(Server {
            base: base.to_string(),
            child,
        })
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one load run measured.
struct Run {
    rate: f64,
    failed: u64,
    /// % of one core over the run: the server, the load generator (wrk, or this process when the
    /// generator is Rust), and this process (heartbeats; the generator too when it is Rust).
    server_cpu: f64,
    wrk_cpu: Option<f64>,
    bench_cpu: f64,
    load_before: String,
    load_after: String,
}

impl Run {
    fn cpu(&self) -> String {
        match self.wrk_cpu {
            Some(w) => format!(
                "CPU: server {:.0} %, wrk {w:.0} %, this process {:.0} % of a core",
                self.server_cpu, self.bench_cpu
            ),
            None => format!(
                "CPU: server {:.0} %, this process (the generator) {:.0} % of a core",
                self.server_cpu, self.bench_cpu
            ),
        }
    }
}

/// The wrk script: every request carries the next kiosk's token (requests made once, in
/// `init`), and `If-None-Match` unless the second argument is `-`.
const WRK_SCRIPT: &str = r#"
local requests = {}
local n = 0
function init(args)
  for token in io.lines(args[1]) do
    local headers = { ["Authorization"] = "Bearer " .. token, ["x-lobby-schema"] = args[3] }
    if args[2] ~= "-" then headers["If-None-Match"] = args[2] end
    requests[#requests + 1] = wrk.format(nil, nil, headers)
  end
end
function request()
  n = n % #requests + 1
  return requests[n]
end
"#;

fn has_wrk() -> bool {
    std::env::var("LOAD").map_or(true, |v| v != "rust")
        && Command::new("wrk")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
}

struct Load<'a> {
    server: &'a Server,
    url: String,
    tokens: &'a [String],
    etag: Option<String>,
    sizes: &'a Sizes,
    clients: usize,
    scratch: &'a Path,
    wrk: bool,
}

impl Load<'_> {
    fn run(&self, rt: &tokio::runtime::Runtime) -> anyhow::Result<Run> {
        let load_before = load_avg();
        let server_before = cpu_seconds(&self.server.pid()).unwrap_or(0.0);
        let bench_before = cpu_seconds("self").unwrap_or(0.0);
        let began = Instant::now();
        let (rate, failed, wrk_cpu) = if self.wrk {
            self.wrk()?
        } else {
            let (rate, failed) = self.rust(rt);
            (rate, failed, None)
        };
        let span = began.elapsed().as_secs_f64();
        let percent = |after: f64, before: f64| (after - before) / span * 100.0;
        Ok(Run {
            rate,
            failed,
            server_cpu: percent(
                cpu_seconds(&self.server.pid()).unwrap_or(0.0),
                server_before,
            ),
            wrk_cpu: wrk_cpu.map(|c| c / span * 100.0),
            bench_cpu: percent(cpu_seconds("self").unwrap_or(0.0), bench_before),
            load_before,
            load_after: load_avg(),
        })
    }

    fn wrk(&self) -> anyhow::Result<(f64, u64, Option<f64>)> {
        let script = self.scratch.join("polls.lua");
        std::fs::write(&script, WRK_SCRIPT)?;
        let tokens = self.scratch.join("tokens.txt");
        std::fs::write(&tokens, self.tokens.join("\n") + "\n")?;
        let child = Command::new("wrk")
            .args(["-t1", &format!("-c{}", self.clients)])
            .arg(format!("-d{}s", self.sizes.seconds))
            .arg("-s")
            .arg(&script)
            .arg(&self.url)
            .arg("--")
            .arg(&tokens)
            .arg(self.etag.as_deref().unwrap_or("-"))
            .arg(SCHEMA_VERSION.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start wrk")?;
        // Its CPU is read once it has exited and before it is reaped (a zombie keeps its times).
        let pid = child.id();
        while process_state(pid).is_some_and(|s| s != 'Z') {
            std::thread::sleep(Duration::from_millis(20));
        }
        let cpu = cpu_seconds(&pid.to_string());
        let out = child.wait_with_output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let number = |label: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(label))
                .and_then(|v| v.trim().parse::<f64>().ok())
        };
        let Some(rate) = number("Requests/sec:") else {
            bail!("wrk said:\n{text}");
        };
        let failed = number("Non-2xx or 3xx responses:").unwrap_or(0.0)
            + text
                .lines()
                .find(|l| l.contains("Socket errors"))
                .map_or(0.0, |l| {
                    l.split(|c: char| !c.is_ascii_digit())
                        .filter_map(|n| n.parse::<f64>().ok())
                        .sum()
                });
        Ok((rate, failed as u64, cpu))
    }

    /// Keep-alive clients, each sending its next request when the last is answered.
    fn rust(&self, rt: &tokio::runtime::Runtime) -> (f64, u64) {
        let done = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let span = Duration::from_secs(self.sizes.seconds);
        let began = Instant::now();
        rt.block_on(async {
            let mut tasks = Vec::new();
            for c in 0..self.clients {
                let http = reqwest::Client::new();
                let url = self.url.clone();
                let tokens = self.tokens.to_vec();
                let etag = self.etag.clone();
                let (done, failed) = (done.clone(), failed.clone());
                tasks.push(tokio::spawn(async move {
                    let mut n = c;
                    while began.elapsed() < span {
                        n = (n + 1) % tokens.len();
                        let mut req = http
                            .get(&url)
                            .bearer_auth(&tokens[n])
                            .header(SCHEMA_HEADER, SCHEMA_VERSION.to_string());
                        if let Some(etag) = &etag {
                            req = req.header("If-None-Match", etag);
                        }
                        let expected = if etag.is_some() { 304 } else { 200 };
                        match req.send().await {
                            Ok(r) if r.status() == expected => {
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
        (
            done.load(Ordering::Relaxed) as f64 / began.elapsed().as_secs_f64(),
            failed.load(Ordering::Relaxed),
        )
    }
}

/// Every kiosk heartbeats every 5 s (a running kiosk: after each sync, at least every 5 min),
/// starting spread over the first 5 s, until `stop`; `answered` counts the 200s.
fn heartbeats(
    rt: &tokio::runtime::Runtime,
    base: &str,
    tokens: &[String],
    head: u64,
    stop: &Arc<AtomicBool>,
    answered: &Arc<AtomicU64>,
) {
    for (k, token) in tokens.iter().enumerate() {
        let (answered, stop) = (answered.clone(), stop.clone());
        let http = reqwest::Client::new();
        let url = format!("{base}/v1/heartbeat");
        let token = token.clone();
        let start = Duration::from_millis((k as u64 * 5000) / tokens.len() as u64);
        rt.spawn(async move {
            tokio::time::sleep(start).await;
            while !stop.load(Ordering::Relaxed) {
                let body = serde_json::json!({
                    "kiosk_version": "0.1.0", "content_seq": head, "outbox_depth": 0,
                    "free_disk_bytes": 20_000_000_000u64,
                    "clock": chrono::Utc::now().fixed_offset(),
                });
                let sent = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header(SCHEMA_HEADER, SCHEMA_VERSION.to_string())
                    .json(&body)
                    .send()
                    .await;
                if matches!(sent, Ok(r) if r.status().is_success()) {
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
    }
}

fn main() -> anyhow::Result<()> {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes = Sizes {
        kiosks: env_or("KIOSKS", if full { 1000 } else { 20 }) as usize,
        seconds: env_or("LOAD_SECONDS", if full { 10 } else { 1 }),
        clients: env_or("CLIENTS", if full { 64 } else { 4 }) as usize,
    };
    let wrk = has_wrk();
    println!(
        "district server throughput ({}; {} kiosks, {} s a run, {} connections; load generator: {}; load {})",
        if full { "full size" } else { "tiny size" },
        sizes.kiosks,
        sizes.seconds,
        sizes.clients,
        if wrk { "wrk" } else { "Rust (reqwest)" },
        load_avg()
    );

    let scratch = tempfile::tempdir()?;
    let config_path = scratch.path().join("district-server.toml");
    // Every heartbeating kiosk keeps a connection open beside the load's: room for both.
    std::fs::write(
        &config_path,
        "data_dir = \"data\"\nlisten = \"127.0.0.1:0\"\nlog = \"warn\"\nmax_connections = 4096\n",
    )?;
    let config = Config::load(&config_path)?;
    admin::init(&config)?;
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    admin::publish_first_bundle(&config, &demo)?;
    let t = Instant::now();
    let mut tokens = Vec::with_capacity(sizes.kiosks);
    for k in 0..sizes.kiosks {
        tokens.push(admin::add_kiosk(&config, &format!("lobby-{k}"), "haizhiyun")?.token);
    }
    let head = Db::open(&config.db_path())?.read_blocking(records::head)?;
    println!(
        "  {} kiosks registered in {:.1} s; head {head}",
        sizes.kiosks,
        t.elapsed().as_secs_f64()
    );

    let server = Server::start(&config_path)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let poll = Load {
        server: &server,
        url: format!("{}/v1/changes?since={head}", server.base),
        tokens: &tokens,
        etag: Some(format!("\"head-{head}\"")),
        sizes: &sizes,
        clients: sizes.clients,
        scratch: scratch.path(),
        wrk,
    };
    let print = |what: &str, unit: &str, run: &Run| {
        println!(
            "  {what:<52} {:9.1} {unit}  ({} failed; {}; load {} → {})",
            run.rate,
            run.failed,
            run.cpu(),
            run.load_before,
            run.load_after
        );
    };

    let alone = poll.run(&rt)?;
    print("no-change polls (304)", "/s", &alone);

    let pages = Load {
        url: format!("{}/v1/changes?since=0&limit=500", server.base),
        etag: None,
        clients: sizes.clients.min(8),
        ..poll
    };
    let pages = pages.run(&rt)?;
    print("change pages (since=0, limit 500)", "/s", &pages);

    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    heartbeats(&rt, &server.base, &tokens, head, &stop, &answered);
    // Let every kiosk beat once (and connect) before measuring.
    std::thread::sleep(Duration::from_secs(if full { 5 } else { 1 }));
    let before = answered.load(Ordering::Relaxed);
    let t = Instant::now();
    let beating = poll.run(&rt)?;
    let beats = (answered.load(Ordering::Relaxed) - before) as f64 / t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    print(
        &format!(
            "no-change polls, {} kiosks beating ({beats:.0} beats/s)",
            sizes.kiosks
        ),
        "/s",
        &beating,
    );
    drop(rt);
    drop(server);
    Ok(())
}
