//! When to sync: a background thread with its own tokio runtime runs a cycle, then waits the
//! poll interval ± 50 % (uniformly random, so kiosks switched on together do not poll together),
//! or after an error an exponential backoff with full jitter. "Sync now" (the maintenance screen)
//! and "push now" (a visitor just submitted something) cut any wait short. Results reach the UI through a [`Notifier`]; nothing here blocks the UI.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use tokio::sync::Notify;

use super::cycle::{Report, Syncer};
use super::{Settings, SyncError};

/// What the UI hears from the sync thread. The kiosk's UI implements it on its side (its
/// `AppHandle`), so sync knows nothing of the UI; tests use their own.
pub trait Notifier: Send + 'static {
    /// The cache changed (or the freshness shown in the status line did): re-read, keeping the
    /// visitor's place.
    fn content_changed(&self);
    /// Whether the district server answered.
    fn set_online(&self, online: bool);
    /// A cycle completed at this instant, whether or not anything changed.
    fn synced(&self, at: chrono::DateTime<chrono::Utc>);
    /// The server answered these outbox items (see `store::outbox::Outbox::item`): a
    /// confirmation screen waiting for one of them can show the visitor their result. Called
    /// also when the cycle that received the answers failed afterwards. The default ignores it,
    /// for notifiers with no screen to update.
    fn submissions_answered(&self, ids: &[uuid::Uuid]) {
        let _ = ids;
    }
    /// The heartbeat measured the server's clock minus the kiosk's.
    fn clock_skew(&self, _skew: chrono::Duration) {}
    /// A cycle failed with this error (the maintenance screen shows it after "sync now").
    fn sync_failed(&self, _error: &str) {}
    /// Staff asked for a screenshot: render the screen shown right now and send its pixels
    /// through `reply` (quickly: the sync thread waits a few seconds at most). The default
    /// drops `reply`: a notifier with no screen has nothing to show, and nothing is uploaded.
    fn capture_screen(&self, reply: super::ScreenReply) {
        drop(reply);
    }
}

/// A notifier that tells nobody (headless `kiosk sync`).
impl Notifier for () {
    fn content_changed(&self) {}
    fn set_online(&self, _online: bool) {}
    fn synced(&self, _at: chrono::DateTime<chrono::Utc>) {}
    fn submissions_answered(&self, _ids: &[uuid::Uuid]) {}
}

/// Exponential delays with full jitter: each wait is uniformly random in `[0, d]`, where `d`
/// doubles from the minimum to the cap. Spreads retries of many kiosks after an outage.
#[derive(Debug)]
pub struct FullJitter {
    inner: ExponentialBackoff,
    rng: fastrand::Rng,
}

impl FullJitter {
    pub fn new(builder: ExponentialBuilder) -> FullJitter {
        FullJitter {
            inner: builder.build(),
            rng: fastrand::Rng::new(),
        }
    }

    /// The scheduler's backoff: from `min` doubling to `max`, forever.
    pub fn forever(min: Duration, max: Duration) -> FullJitter {
        FullJitter::new(
            ExponentialBuilder::default()
                .with_min_delay(min)
                .with_max_delay(max)
                .without_max_times(),
        )
    }
}

impl Iterator for FullJitter {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let cap = self.inner.next()?;
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Some(Duration::from_nanos(self.rng.u64(0..=nanos)))
    }
}

/// The wait before the next poll: uniformly random in `[poll / 2, poll * 3 / 2]`.
pub fn poll_delay(poll: Duration, rng: &mut fastrand::Rng) -> Duration {
    let half = u64::try_from(poll.as_millis() / 2).unwrap_or(u64::MAX / 4);
    Duration::from_millis(half + rng.u64(0..=half.saturating_mul(2)))
}

/// How the loop is steered from outside: "sync now" and "stop".
#[derive(Debug, Default)]
pub struct Control {
    wake: Notify,
    halt: Notify,
    stopped: AtomicBool,
}

impl Control {
    pub fn new() -> Arc<Control> {
        Arc::new(Control::default())
    }

    /// Syncs at once, cutting short any wait or backoff.
    pub fn sync_now(&self) {
        self.wake.notify_one();
    }

    /// Ends the loop, abandoning a cycle under way (every write it made is a whole transaction,
    /// and a download left as `.part` is resumed next time).
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.halt.notify_one();
    }

    fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }
}

/// The running sync thread. Dropping it stops the thread.
pub struct SyncHandle {
    control: Arc<Control>,
    thread: Option<JoinHandle<()>>,
}

impl SyncHandle {
    /// Syncs at once (the maintenance screen's "sync now"), cutting short any wait or backoff.
    pub fn sync_now(&self) {
        self.control.sync_now();
    }

    /// Sends what a visitor just submitted without waiting for the next poll: call it right
    /// after a durable enqueue. A cycle pushes the outbox first, so an online kiosk has the
    /// server's answer within seconds ([`Notifier::submissions_answered`]); a cycle already
    /// under way is followed at once by another. Never blocks.
    pub fn push_now(&self) {
        self.control.sync_now();
    }

    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.control.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts the sync thread for `data_dir`.
pub fn spawn(
    data_dir: PathBuf,
    settings: Settings,
    notifier: impl Notifier,
) -> std::io::Result<SyncHandle> {
    let control = Control::new();
    let c = control.clone();
    let thread = std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the sync runtime; the kiosk stays offline");
                    return;
                }
            };
            runtime.block_on(run(data_dir, settings, notifier, c));
        })?;
    Ok(SyncHandle {
        control,
        thread: Some(thread),
    })
}

/// The loop of the sync thread (also `kiosk sync` in the foreground): runs until stopped.
pub async fn run(
    data_dir: PathBuf,
    settings: Settings,
    notifier: impl Notifier,
    control: Arc<Control>,
) {
    let mut rng = fastrand::Rng::new();
    let mut backoff = FullJitter::forever(Duration::from_secs(1), settings.max_backoff);
    let mut syncer: Option<Syncer> = None;
    #[cfg(feature = "fault-hooks")]
    crate::faults::panic_if("sync-panic");
    while !control.is_stopped() {
        let cycle = async {
            match syncer.as_mut() {
                Some(s) => s.cycle().await,
                None => match Syncer::open(&data_dir, settings.clone()) {
                    Ok(s) => syncer.insert(s).cycle().await,
                    Err(e) => Err(e),
                },
            }
        };
        let outcome = tokio::select! {
            outcome = cycle => outcome,
            () = control.halt.notified() => break,
        };
        if let Some(s) = syncer.as_mut() {
            let answered = s.take_answered();
            if !answered.is_empty() {
                notifier.submissions_answered(&answered);
            }
        }
        let delay = match &outcome {
            Ok(report) => {
                backoff = FullJitter::forever(Duration::from_secs(1), settings.max_backoff);
                log_report(report);
                notifier.set_online(true);
                notifier.synced(chrono::Utc::now());
                if let Some(skew) = report.clock_skew_seconds {
                    notifier.clock_skew(chrono::Duration::seconds(skew));
                }
                if report.content_changed {
                    notifier.content_changed();
                }
                let behind = report.head.is_some_and(|h| h > report.cursor_after);
                if behind && report.pages > 0 {
                    // The head moved during the cycle: go on at once.
                    Duration::ZERO
                } else {
                    poll_delay(settings.poll, &mut rng)
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "sync failed");
                notifier.set_online(!e.is_offline());
                notifier.sync_failed(&e.to_string());
                // Failing to open the local stores (no syncer yet) is usually another process
                // holding them for a moment: retry on the normal series, not the long wait.
                if e.is_transient() || syncer.is_none() {
                    backoff.next().unwrap_or(settings.max_backoff)
                } else {
                    // A person has to act (token, disk, software update): ask rarely.
                    settings.max_backoff
                }
            }
        };
        // Staff asked for a screenshot: answered in this cycle, once.
        if let (Ok(report), Some(s)) = (&outcome, syncer.as_ref())
            && report.screenshot_wanted
        {
            tokio::select! {
                () = super::screenshot::answer(s, &notifier) => {}
                () = control.halt.notified() => break,
            }
        }
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = control.wake.notified() => {}
            () = control.halt.notified() => break,
        }
    }
}

fn log_report(report: &Report) {
    if report.content_changed || report.pushed.sent > 0 {
        tracing::info!(
            pushed = report.pushed.sent,
            pages = report.pages,
            puts = report.puts,
            deletes = report.deletes,
            images = report.images,
            cursor = report.cursor_after,
            "synced"
        );
    } else {
        tracing::debug!(cursor = report.cursor_after, "sync: nothing new");
    }
}

/// Runs one cycle on the current thread: `kiosk sync --once`.
pub async fn once(data_dir: PathBuf, settings: Settings) -> Result<Report, SyncError> {
    let mut syncer = Syncer::open(&data_dir, settings)?;
    syncer.cycle().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_are_spread_over_half_to_one_and_a_half_intervals() {
        let mut rng = fastrand::Rng::with_seed(7);
        let poll = Duration::from_secs(60);
        let delays: Vec<Duration> = (0..2000).map(|_| poll_delay(poll, &mut rng)).collect();
        assert!(
            delays
                .iter()
                .all(|d| *d >= Duration::from_secs(30) && *d <= Duration::from_secs(90))
        );
        assert!(
            delays.iter().any(|d| *d < Duration::from_secs(35)),
            "reaches the low end"
        );
        assert!(
            delays.iter().any(|d| *d > Duration::from_secs(85)),
            "reaches the high end"
        );
    }

    #[test]
    fn backoff_is_capped_exponential_with_full_jitter() {
        let max = Duration::from_secs(600);
        let delays: Vec<Duration> = FullJitter::forever(Duration::from_secs(1), max)
            .take(40)
            .collect();
        assert_eq!(delays.len(), 40, "never gives up");
        for (i, d) in delays.iter().enumerate() {
            let cap = Duration::from_secs(1u64 << i.min(20)).min(max);
            assert!(*d <= cap, "attempt {i}: {d:?} above {cap:?}");
        }
        // Full jitter: late waits are spread over [0, cap], not bunched near it.
        let late: Vec<Duration> = FullJitter::forever(Duration::from_secs(1), max)
            .skip(12)
            .take(200)
            .collect();
        assert!(late.iter().any(|d| *d < max / 4));
        assert!(late.iter().any(|d| *d > max * 3 / 4));
    }
}
