//! Fault hooks for the tests of the kiosk's supervision (`tests/supervision.rs`): compiled only
//! with the `fault-hooks` feature, which only test builds turn on. `LOBBY_KIOSK_FAULT` names the
//! faults to cause, separated by commas:
//!
//! - `content-worker-panic`: the content worker panics on its first request;
//! - `sync-panic`: the sync thread panics before its first cycle;
//! - `ui-hang-on=PATH`: the UI thread blocks for good once the file `PATH` exists.

use std::path::PathBuf;
use std::time::Duration;

/// The environment variable naming the faults.
pub const VAR: &str = "LOBBY_KIOSK_FAULT";

fn faults() -> Vec<String> {
    std::env::var(VAR)
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Panics when the fault `name` is asked for.
pub fn panic_if(name: &str) {
    if faults().iter().any(|f| f == name) {
        panic!("fault hook: {name}");
    }
}

/// Arms `ui-hang-on=PATH` when asked for: a timer on the UI thread looks for the file every
/// 100 ms and, once it exists, never returns. Keep the returned timer alive.
pub fn arm_ui_hang() -> Option<slint::Timer> {
    let path = faults()
        .iter()
        .find_map(|f| f.strip_prefix("ui-hang-on=").map(PathBuf::from))?;
    let timer = slint::Timer::default();
    timer.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(100),
        move || {
            if path.exists() {
                tracing::warn!("fault hook: the UI thread hangs");
                loop {
                    std::thread::sleep(Duration::from_secs(3600));
                }
            }
        },
    );
    Some(timer)
}
