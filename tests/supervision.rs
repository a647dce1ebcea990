//! The kiosk under a supervisor: the real `kiosk run` process in a real X server (Xvfb, Debian's
//! `xvfb` package) or in Weston's kiosk shell (`weston`, headless backend), with a notify socket
//! the test binds in place of systemd's. It says READY=1
//! after its first frame, feeds the watchdog while its UI thread draws, stops feeding it when the
//! UI thread hangs, and ends with a non-zero status when the content worker or the sync thread
//! panics. The faults come from the test-only `fault-hooks` feature (`src/faults.rs`).

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The watchdog timeout the tests pretend systemd set: keepalives every 0.5 s.
const WATCHDOG_USEC: u64 = 1_500_000;
const INTERVAL: Duration = Duration::from_millis(500);
/// How long a debug kiosk may take to import the demo content and draw its first frame on a
/// busy 2-core machine.
const START_LIMIT: Duration = Duration::from_secs(120);

/// Where the kiosk draws: a private X server (Xvfb, on a display number it picks itself with
/// `-displayfd`) or Weston with its kiosk shell (what the lobby-kiosk package runs) on its
/// headless backend, in a runtime folder of its own. Killed on drop.
struct Display {
    child: Child,
    /// The variables a client needs to reach it.
    env: Vec<(&'static str, String)>,
    _runtime: Option<TempDir>,
}

impl Display {
    fn xvfb() -> Display {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "720x1280x24",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "Xvfb must be installed to run the kiosk in a real window (apt-get install xvfb)",
            );
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("Xvfb prints its display number");
        let number = line.trim();
        assert!(
            !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
            "Xvfb printed {line:?} instead of a display number"
        );
        Display {
            env: vec![("DISPLAY", format!(":{number}"))],
            child,
            _runtime: None,
        }
    }

    fn weston_kiosk_shell() -> Display {
        let runtime = tempfile::tempdir().unwrap();
        let mut child = Command::new("weston")
            .args([
                "--backend=headless-backend.so",
                "--shell=kiosk-shell.so",
                "--socket=wayland-0",
                "--idle-time=0",
                "--width=540",
                "--height=960",
            ])
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("weston must be installed to run the kiosk in its kiosk shell (apt-get install weston)");
        // Ready when its socket takes connections.
        let socket = runtime.path().join("wayland-0");
        let until = Instant::now() + Duration::from_secs(30);
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            assert!(
                Instant::now() < until,
                "weston did not open {}",
                socket.display()
            );
            if let Some(status) = child.try_wait().unwrap() {
                panic!("weston ended: {status}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Display {
            env: vec![
                ("XDG_RUNTIME_DIR", runtime.path().display().to_string()),
                ("WAYLAND_DISPLAY", "wayland-0".to_string()),
            ],
            child,
            _runtime: Some(runtime),
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A kiosk process in its own data folder, with a notify socket bound where systemd's would be.
struct Kiosk {
    child: Child,
    socket: UnixDatagram,
    dir: TempDir,
    _display: Display,
}

impl Kiosk {
    /// `kiosk run` windowed with the software renderer and a 1.5 s watchdog; `extra_config` is
    /// added to its config file, `fault` goes to `LOBBY_KIOSK_FAULT`.
    fn start(extra_config: &str, fault: &str) -> Kiosk {
        Kiosk::start_with(Display::xvfb(), extra_config, fault, Some(WATCHDOG_USEC))
    }

    fn start_with(
        display: Display,
        extra_config: &str,
        fault: &str,
        watchdog_usec: Option<u64>,
    ) -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        let socket_path = dir.path().join("notify.sock");
        let socket = UnixDatagram::bind(&socket_path).unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let config = dir.path().join("kiosk.toml");
        std::fs::write(
            &config,
            format!(
                "data_dir = {:?}\n{extra_config}\n[window]\nmode = \"windowed\"\nwidth = 540\nheight = 960\nrenderer = \"software\"\n",
                dir.path().join("data")
            ),
        )
        .unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_kiosk"));
        command
            .arg("--config")
            .arg(&config)
            .arg("run")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .envs(display.env.iter().map(|(k, v)| (k, v)))
            .env("NOTIFY_SOCKET", &socket_path)
            .env_remove("WATCHDOG_PID")
            .env("LOBBY_KIOSK_FAULT", fault)
            .env("RUST_LOG", "info");
        match watchdog_usec {
            Some(usec) => command.env("WATCHDOG_USEC", usec.to_string()),
            None => command.env_remove("WATCHDOG_USEC"),
        };
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("stderr.log")).unwrap(),
            ))
            .spawn()
            .unwrap();
        Kiosk {
            child,
            socket,
            dir,
            _display: display,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    /// The notify messages (one line each) that arrive within `within`.
    fn messages(&self, within: Duration) -> Vec<(Instant, String)> {
        let until = Instant::now() + within;
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while Instant::now() < until {
            match self.socket.recv(&mut buf) {
                Ok(n) => {
                    let at = Instant::now();
                    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                    out.extend(
                        text.lines()
                            .filter(|l| !l.is_empty())
                            .map(|l| (at, l.to_string())),
                    );
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("notify socket: {e}"),
            }
        }
        out
    }

    /// Waits for `READY=1`, failing if the process ends first.
    fn wait_ready(&mut self) {
        let until = Instant::now() + START_LIMIT;
        while Instant::now() < until {
            let got = self.messages(Duration::from_millis(500));
            let ready = got.iter().position(|(_, m)| m == "READY=1");
            let first_keepalive = got.iter().position(|(_, m)| m == "WATCHDOG=1");
            if let Some(k) = first_keepalive {
                assert!(
                    ready.is_some_and(|r| r < k),
                    "keepalive before READY=1: {got:?}"
                );
            }
            if ready.is_some() {
                return;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("kiosk ended ({status}) before READY=1:\n{}", self.log());
            }
        }
        panic!("no READY=1 within {START_LIMIT:?}:\n{}", self.log());
    }

    /// Waits for the process to end by itself.
    fn wait_exit(&mut self) -> ExitStatus {
        let until = Instant::now() + START_LIMIT;
        while Instant::now() < until {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "the kiosk is still running after {START_LIMIT:?}:\n{}",
            self.log()
        );
    }
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keepalives(messages: &[(Instant, String)]) -> Vec<Instant> {
    messages
        .iter()
        .filter(|(_, m)| m == "WATCHDOG=1")
        .map(|(at, _)| *at)
        .collect()
}

fn hang_fault(path: &Path) -> String {
    format!("ui-hang-on={}", path.display())
}

/// READY=1, then keepalives spaced by the interval while the kiosk lives, then none once its
/// UI thread blocks, although the process is still there (systemd would end it).
fn keepalives_until_the_ui_thread_hangs(display: Display) {
    let dir_for_fault = tempfile::tempdir().unwrap();
    let hang = dir_for_fault.path().join("hang-now");
    let mut kiosk = Kiosk::start_with(display, "", &hang_fault(&hang), Some(WATCHDOG_USEC));
    kiosk.wait_ready();

    let watched = Duration::from_secs(5);
    let alive = keepalives(&kiosk.messages(watched));
    assert!(
        alive.len() >= 3,
        "only {} keepalive(s) in {watched:?} from a live kiosk:\n{}",
        alive.len(),
        kiosk.log()
    );
    let most = (watched.as_millis() / INTERVAL.as_millis()) as usize + 1;
    assert!(
        alive.len() <= most,
        "{} keepalives in {watched:?}: more than one per {INTERVAL:?}",
        alive.len()
    );

    std::fs::write(&hang, b"").unwrap();
    let _in_flight = kiosk.messages(INTERVAL * 2);
    let after = keepalives(&kiosk.messages(INTERVAL * 6));
    assert!(
        after.is_empty(),
        "{} keepalive(s) from a kiosk whose UI thread hangs",
        after.len()
    );
    assert!(
        kiosk.child.try_wait().unwrap().is_none(),
        "the hung kiosk should still be running (systemd ends it):\n{}",
        kiosk.log()
    );
    assert!(kiosk.log().contains("the UI thread hangs"));
}

#[test]
fn on_x11_ready_after_the_first_frame_then_keepalives_until_the_ui_thread_hangs() {
    keepalives_until_the_ui_thread_hangs(Display::xvfb());
}

/// The display the lobby-kiosk package runs: Weston's kiosk shell, where the compositor paces
/// frames (see `src/watchdog.rs`).
#[test]
fn in_westons_kiosk_shell_ready_then_keepalives_until_the_ui_thread_hangs() {
    keepalives_until_the_ui_thread_hangs(Display::weston_kiosk_shell());
}

#[test]
fn a_panic_in_the_content_worker_ends_the_kiosk_with_a_failure_status() {
    let mut kiosk = Kiosk::start("", "content-worker-panic");
    let status = kiosk.wait_exit();
    let log = kiosk.log();
    assert_eq!(status.code(), Some(101), "{status}:\n{log}");
    assert!(log.contains("fault hook: content-worker-panic"), "{log}");
    assert!(log.contains("thread=\"content\""), "{log}");
}

#[test]
fn a_panic_in_the_sync_thread_ends_the_kiosk_with_a_failure_status() {
    // Nothing listens on the discard port; the thread panics before its first request anyway.
    let mut kiosk = Kiosk::start(
        "server = \"http://127.0.0.1:9\"\ntoken = \"lkk_test\"",
        "sync-panic",
    );
    let status = kiosk.wait_exit();
    let log = kiosk.log();
    assert_eq!(status.code(), Some(101), "{status}:\n{log}");
    assert!(log.contains("fault hook: sync-panic"), "{log}");
}

#[test]
fn without_a_fault_the_kiosk_keeps_running_and_only_says_ready_without_a_watchdog() {
    let mut kiosk = Kiosk::start_with(Display::xvfb(), "", "", None);
    kiosk.wait_ready();
    let later = kiosk.messages(Duration::from_secs(3));
    assert!(
        keepalives(&later).is_empty(),
        "keepalives without WatchdogSec: {later:?}"
    );
    assert!(
        kiosk.child.try_wait().unwrap().is_none(),
        "the kiosk ended by itself:\n{}",
        kiosk.log()
    );
}
