//! Everything other threads tell the UI thread, as one typed channel.
//!
//! The sync thread, the content worker (and soon a visitor's submission results and the pinyin
//! engine) send [`UiEvent`]s through a cloneable, `Send` [`AppHandle`]. The UI thread reads them
//! in order: with an event loop, one `slint::spawn_local` task awaits the channel for the app's
//! lifetime; without one (tests, `kiosk snapshot`), the app drains the channel right after each
//! content request, so an inline worker's answer is on screen before the tap returns.
//!
//! Why a tokio unbounded channel: `send` never blocks the sender and works from any thread, the
//! receiver can be awaited by Slint's executor (no per-message closure or window upgrade, as
//! `invoke_from_event_loop` needs) and also emptied synchronously with `try_recv`, and one
//! queue keeps every signal in the order it was sent.

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use uuid::Uuid;

use crate::input::Composition;
use crate::store::outbox::{Enqueued, Tracked};
use crate::sync::Notifier;
use crate::worker::Delivery;

/// A signal for the UI thread.
pub enum UiEvent {
    /// The cache changed (a sync applied a page): the open screen re-reads it, keeping the
    /// visitor's place.
    ContentChanged,
    /// A sync cycle completed at this instant: "updated N min ago" restarts, nothing re-reads.
    Synced(DateTime<Utc>),
    /// Whether the district server answered.
    Online(bool),
    /// The server's clock minus the kiosk's, as the last heartbeat measured it: beyond a
    /// minute the kiosk shows (and uses for "today") the server's time.
    ClockSkew(Option<chrono::Duration>),
    /// A sync cycle failed; the message is for staff (the maintenance screen).
    SyncFailed(String),
    /// The maintenance PIN of check `check` was checked (off the UI thread: argon2 is slow on
    /// purpose).
    PinChecked { check: u64, ok: bool },
    /// Staff asked for a screenshot: render the screen shown into a pixel buffer and send it
    /// back (the sync thread encodes and uploads it).
    CaptureScreen(crate::sync::ScreenReply),
    /// An answer of the content worker to content request `request`. Answers to any request
    /// but the latest are dropped: the visitor has moved on.
    Content { request: u64, delivery: Delivery },
    /// What the pinyin engine made of a tap: the keyboard shows it and types its edits into
    /// the focused field. Boxed: it is large next to the other events.
    Keyboard(Box<Composition>),
    /// The outbox thread committed a visitor's submission `id` (or says why it could not).
    Enqueued {
        id: Uuid,
        result: Result<Enqueued, String>,
    },
    /// The district server answered these outbox items (the sync thread's news).
    SubmissionsAnswered(Vec<Uuid>),
    /// Where outbox item `id` stands, read by the outbox thread.
    Tracked {
        id: Uuid,
        tracked: Result<Option<Tracked>, String>,
    },
}

/// A handle other threads use to tell the UI what happened. Cheap to clone, `Send`.
#[derive(Clone)]
pub struct AppHandle {
    tx: mpsc::UnboundedSender<UiEvent>,
}

impl AppHandle {
    /// A handle and the UI thread's end of its channel.
    pub(super) fn channel() -> (AppHandle, mpsc::UnboundedReceiver<UiEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (AppHandle { tx }, rx)
    }

    /// Sends `event` to the UI thread; false if the UI is gone (the kiosk is shutting down).
    pub fn send(&self, event: UiEvent) -> bool {
        self.tx.send(event).is_ok()
    }

    /// The cache changed: the open screen re-reads it, keeping the visitor's place.
    pub fn content_changed(&self) {
        self.send(UiEvent::ContentChanged);
    }

    /// A sync cycle completed at `at`: the status line's "updated N min ago" restarts without
    /// re-reading the screen.
    pub fn synced(&self, at: DateTime<Utc>) {
        self.send(UiEvent::Synced(at));
    }

    /// The district server answered (or stopped answering).
    pub fn set_online(&self, online: bool) {
        self.send(UiEvent::Online(online));
    }

    /// The heartbeat measured the kiosk's clock against the server's.
    pub fn clock_skew(&self, skew: chrono::Duration) {
        self.send(UiEvent::ClockSkew(Some(skew)));
    }
}

/// The sync thread tells the running kiosk through its handle.
impl Notifier for AppHandle {
    fn content_changed(&self) {
        AppHandle::content_changed(self);
    }

    fn set_online(&self, online: bool) {
        AppHandle::set_online(self, online);
    }

    fn synced(&self, at: DateTime<Utc>) {
        AppHandle::synced(self, at);
    }

    fn clock_skew(&self, skew: chrono::Duration) {
        AppHandle::clock_skew(self, skew);
    }

    fn submissions_answered(&self, ids: &[Uuid]) {
        self.send(UiEvent::SubmissionsAnswered(ids.to_vec()));
    }

    fn sync_failed(&self, error: &str) {
        self.send(UiEvent::SyncFailed(error.to_string()));
    }

    fn capture_screen(&self, reply: crate::sync::ScreenReply) {
        // A UI that is gone drops `reply` with the event: nothing is uploaded.
        self.send(UiEvent::CaptureScreen(reply));
    }
}
