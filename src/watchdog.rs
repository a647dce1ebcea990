//! Supervision by systemd (`Type=notify`, `WatchdogSec=`): a kiosk in a lobby runs for months
//! with nobody looking, so a frozen screen must end in a restart, not stay frozen.
//!
//! - [`exit_on_panic`]: a panic on any thread (the content worker, the sync thread, the UI)
//!   ends the process with status [`PANIC_EXIT_CODE`], so the supervisor restarts it. Without
//!   it a dead worker leaves a live process showing a screen that never changes again.
//! - [`Watchdog`]: tells systemd `READY=1` once the first frame is drawn and feeds its watchdog
//!   (`WATCHDOG=1`) only from the UI thread, and (on X11) only when the frame it asked for at the
//!   previous tick was drawn. A hung event loop or a renderer stuck in a frame stops the
//!   keepalives, and systemd restarts the kiosk after `WatchdogSec`. On Wayland the compositor
//!   decides when a frame may be drawn, so there the tick on the UI thread is the proof of life.
//!
//! The confirmation watches winit's `RedrawRequested` rather than Slint's rendering notifier,
//! which the software renderer does not support; drawing follows that event synchronously on
//! the UI thread, so the next tick runs only once the frame is done.
//!
//! On the KMS path (a `kms` build drawing without X or Wayland) there is no winit window: there
//! `READY=1` follows the event loop's first turn (the window is shown, and the first frame drawn,
//! as it starts), and, as on Wayland, the tick on the UI thread is the proof of life.
//!
//! Outside systemd (no `NOTIFY_SOCKET`) none of this sends anything and nothing redraws for it.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use sd_notify::NotifyState;
use slint::ComponentHandle;
use slint::winit_030::{EventResult, WinitWindowAccessor, winit};

use crate::display::DisplayPath;

/// The status a panicking thread ends the process with: Rust's own for a panicking main thread.
pub const PANIC_EXIT_CODE: i32 = 101;

/// From now on a panic on any thread ends the process (after the usual panic message).
pub fn exit_on_panic() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        let thread = std::thread::current();
        tracing::error!(
            thread = thread.name().unwrap_or("unnamed"),
            status = PANIC_EXIT_CODE,
            "a thread panicked; ending the kiosk so that its supervisor restarts it"
        );
        // Not `process::exit`: that runs the C++ static destructors of librime (the on-screen
        // keyboard's engine), which crash on the session the engine thread still holds, and the
        // supervisor would see a SIGSEGV instead of our status. `_exit` ends the process at
        // once with it; everything a visitor submitted is already committed (outbox.db).
        // SAFETY: `_exit` only ends the process; it touches no Rust state.
        unsafe { libc::_exit(PANIC_EXIT_CODE) }
    }));
}

/// How often the watchdog is fed: a third of systemd's timeout, so that one slow frame (a big
/// picture decoded, a busy machine) is not yet fatal, and never more often than every 100 ms.
pub fn keepalive_interval(timeout: Duration) -> Duration {
    (timeout / 3).max(Duration::from_millis(100))
}

/// What the UI thread knows about the frames the watchdog asked for.
#[derive(Default)]
struct Frames {
    /// A frame was drawn since the last tick (before the first tick: since the window was shown,
    /// which asks for the first frame).
    drawn: Cell<bool>,
    /// `READY=1` was sent.
    ready: Cell<bool>,
    /// A failure to reach the notify socket was logged (once is enough).
    warned: Cell<bool>,
}

impl Frames {
    fn send(&self, state: &[NotifyState]) {
        if let Err(e) = sd_notify::notify(state)
            && !self.warned.replace(true)
        {
            tracing::warn!(error = %e, "cannot notify systemd (NOTIFY_SOCKET)");
        }
    }
}

/// Keeps systemd informed while it lives; drop it to stop.
pub struct Watchdog {
    _timer: Option<slint::Timer>,
}

impl Watchdog {
    /// Starts watching `component`'s window, on the UI thread, before its event loop runs.
    /// Under systemd: `READY=1` after the first frame; with `WatchdogSec=` also a timer every
    /// [`keepalive_interval`] that sends `WATCHDOG=1` when the frame requested at the previous
    /// tick was drawn, and requests the next one. Elsewhere: does nothing.
    pub fn start<C: ComponentHandle + 'static>(component: &C, path: DisplayPath) -> Watchdog {
        if std::env::var_os("NOTIFY_SOCKET").is_none() {
            return Watchdog { _timer: None };
        }
        // The first tick already confirms the first frame, one interval after READY=1.
        let frames = Rc::new(Frames::default());
        if path == DisplayPath::Kms {
            // No winit events here: ready once the event loop turns (the timer runs inside it).
            let f = frames.clone();
            slint::Timer::single_shot(Duration::ZERO, move || {
                if !f.ready.replace(true) {
                    f.send(&[NotifyState::Ready, NotifyState::Status("showing content")]);
                    tracing::info!("told systemd the kiosk is ready (KMS)");
                }
            });
        }
        let f = frames.clone();
        // A winit window event, so it works with every renderer (the software renderer has no
        // rendering notifier). Drawing follows RedrawRequested synchronously on this thread, so
        // the next timer tick runs only after that frame is done.
        component.window().on_winit_window_event(move |_, event| {
            if matches!(event, winit::event::WindowEvent::RedrawRequested) {
                f.drawn.set(true);
                if !f.ready.get() {
                    // After this event, i.e. after the first frame has been drawn.
                    let f = f.clone();
                    slint::Timer::single_shot(Duration::ZERO, move || {
                        if !f.ready.replace(true) {
                            f.send(&[NotifyState::Ready, NotifyState::Status("showing content")]);
                            tracing::info!("told systemd the kiosk is ready");
                        }
                    });
                }
            }
            EventResult::Propagate
        });
        let Some(timeout) = sd_notify::watchdog_enabled() else {
            return Watchdog { _timer: None };
        };
        let interval = keepalive_interval(timeout);
        tracing::info!(?timeout, ?interval, "systemd watchdog on");
        let weak = component.as_weak();
        let timer = slint::Timer::default();
        timer.start(slint::TimerMode::Repeated, interval, move || {
            let Some(component) = weak.upgrade() else {
                return;
            };
            let window = component.window();
            // On X11 a requested frame is drawn within a refresh interval, so it must have been.
            // On Wayland the compositor paces frames: it lets a client draw (frame callbacks)
            // only while the surface is shown, and withholds that when the screen is off; with
            // Weston 10's kiosk shell (headless backend) no redraw came after the first frames
            // at all. Demanding a drawn frame there would restart a healthy kiosk every
            // WatchdogSec, so there (and on any other platform) this tick running on the UI
            // thread, which a frame stuck in drawing would block, is the proof of life.
            let proven =
                frames.drawn.get() || path == DisplayPath::Kms || !draws_when_asked(window);
            // Nothing before READY=1: until the first frame the start-up timeout applies.
            if frames.ready.get() && proven {
                frames.send(&[NotifyState::Watchdog]);
            }
            frames.drawn.set(false);
            window.request_redraw();
        });
        Watchdog {
            _timer: Some(timer),
        }
    }
}

/// Whether the window system draws a requested frame without further ado: an X11 window of the
/// winit backend (whose frame throttle is a timer, not the compositor).
fn draws_when_asked(window: &slint::Window) -> bool {
    use winit::raw_window_handle::{HasWindowHandle, RawWindowHandle};
    window
        .with_winit_window(|w| {
            w.window_handle().is_ok_and(|h| {
                matches!(
                    h.as_raw(),
                    RawWindowHandle::Xlib(_) | RawWindowHandle::Xcb(_)
                )
            })
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalives_come_three_times_per_timeout_and_at_most_ten_a_second() {
        assert_eq!(
            keepalive_interval(Duration::from_secs(30)),
            Duration::from_secs(10)
        );
        assert_eq!(
            keepalive_interval(Duration::from_millis(90)),
            Duration::from_millis(100)
        );
    }
}
