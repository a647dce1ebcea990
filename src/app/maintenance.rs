//! The way into the maintenance screen and what its buttons do: a long press on the status
//! band's corner opens a PIN pad; the PIN is checked against the configured argon2 hash off the
//! UI thread; wrong PINs are rate-limited ([`PinLock`]); "sync now" wakes the sync thread and
//! shows its result; "exit to desktop" (tapped twice) ends the event loop, so the process exits
//! with status 0.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use slint::ComponentHandle;

use super::events::UiEvent;
use super::{Inner, nav::Action};
use crate::pin::{MAX_DIGITS, PinHash};
use crate::sync::SyncHandle;
use crate::ui;
use crate::view::Screen;

/// Wrong PINs allowed in a row before each further one makes the pad wait.
pub const FREE_TRIES: u32 = 3;
/// The first wait; it doubles with every further wrong PIN, up to [`MAX_WAIT`].
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// Rate limit of wrong PINs: [`FREE_TRIES`] in a row are free, then each one locks the pad for
/// a wait that doubles. A right PIN clears it. Lives as long as the kiosk process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PinLock {
    wrong: u32,
    until: Option<Instant>,
}

impl PinLock {
    /// How long the pad stays locked after `now`; `None`: open.
    pub fn wait_left(&self, now: Instant) -> Option<Duration> {
        self.until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// Wrong PINs still allowed before a wait.
    pub fn tries_left(&self) -> u32 {
        FREE_TRIES.saturating_sub(self.wrong)
    }

    pub fn wrong(&mut self, now: Instant) {
        self.wrong += 1;
        if self.wrong >= FREE_TRIES {
            let doublings = (self.wrong - FREE_TRIES).min(16);
            let wait = FIRST_WAIT.saturating_mul(1 << doublings).min(MAX_WAIT);
            self.until = Some(now + wait);
        }
    }

    pub fn right(&mut self) {
        *self = PinLock::default();
    }
}

/// Where "sync now" stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SyncState {
    Idle,
    Running,
    Done(DateTime<Utc>),
    Failed(String),
}

/// The PIN pad's and the maintenance screen's state on the UI thread.
pub struct Maintenance {
    pin: RefCell<Option<PinHash>>,
    /// Digits typed on the pad; they never reach Slint (it shows dots).
    typed: RefCell<String>,
    lock: RefCell<PinLock>,
    /// The check under way (its number), so a late answer for a closed pad is dropped.
    checking: Cell<Option<u64>>,
    checks: Cell<u64>,
    /// Counts a locked pad's wait down, once a second, only while it is locked and open.
    countdown: slint::Timer,
    sync: RefCell<Option<SyncHandle>>,
    sync_state: RefCell<SyncState>,
    exit_requested: Cell<bool>,
}

impl Default for Maintenance {
    fn default() -> Maintenance {
        Maintenance {
            pin: RefCell::default(),
            typed: RefCell::default(),
            lock: RefCell::default(),
            checking: Cell::new(None),
            checks: Cell::new(0),
            countdown: slint::Timer::default(),
            sync: RefCell::default(),
            sync_state: RefCell::new(SyncState::Idle),
            exit_requested: Cell::new(false),
        }
    }
}

impl Maintenance {
    pub fn set_pin(&self, pin: Option<PinHash>) {
        *self.pin.borrow_mut() = pin;
    }

    pub fn attach_sync(&self, sync: SyncHandle) {
        *self.sync.borrow_mut() = Some(sync);
    }

    pub fn exit_requested(&self) -> bool {
        self.exit_requested.get()
    }

    /// Asks the sync thread to push the outbox now (a visitor just submitted); false when no
    /// sync runs.
    pub fn push_now(&self) -> bool {
        match self.sync.borrow().as_ref() {
            Some(sync) => {
                sync.push_now();
                true
            }
            None => false,
        }
    }

    /// Whether the pad holds typed digits (the idle warning counts them as typed text).
    pub fn has_typed(&self) -> bool {
        !self.typed.borrow().is_empty()
    }
}

/// Wires the PIN pad and the screen's buttons.
pub(super) fn wire(this: &Rc<Inner>) {
    let adapter = this.window.global::<ui::MaintenanceAdapter>();
    let on = |f: fn(&Rc<Inner>)| {
        let weak = Rc::downgrade(this);
        move || {
            if let Some(inner) = weak.upgrade() {
                f(&inner);
            }
        }
    };
    adapter.on_corner_held(on(open_pad));
    adapter.on_pin_delete(on(|inner| {
        inner.touched();
        inner.maintenance.typed.borrow_mut().pop();
        show_pad(inner);
    }));
    adapter.on_pin_submit(on(submit));
    adapter.on_pin_cancel(on(|inner| {
        inner.touched();
        close_pad(inner);
    }));
    adapter.on_sync_now(on(sync_now));
    adapter.on_exit(on(exit));
    let weak = Rc::downgrade(this);
    adapter.on_pin_digit(move |digit| {
        let Some(inner) = weak.upgrade() else { return };
        inner.touched();
        let m = &inner.maintenance;
        if m.checking.get().is_some() || locked_for(&inner).is_some() {
            return;
        }
        let mut typed = m.typed.borrow_mut();
        if typed.len() < MAX_DIGITS
            && let Some(c) = char::from_digit(digit.clamp(0, 9) as u32, 10)
        {
            typed.push(c);
        }
        drop(typed);
        show_pad(&inner);
    });
    sync_available(this);
}

/// The corner was held: the PIN pad opens, if a PIN is configured.
fn open_pad(this: &Rc<Inner>) {
    this.touched();
    if this.maintenance.pin.borrow().is_none() {
        tracing::warn!(
            "the maintenance screen was asked for, but no maintenance_pin_hash is configured \
             (make one with `kiosk pin-hash`); it stays shut"
        );
        return;
    }
    if matches!(
        this.nav.borrow().current(),
        Screen::Maintenance | Screen::Attract
    ) {
        return;
    }
    this.maintenance.typed.borrow_mut().clear();
    this.window
        .global::<ui::MaintenanceAdapter>()
        .set_pin_open(true);
    show_pad(this);
}

/// Closes the pad, forgetting the typed digits (cancel, idle reset, a right PIN).
pub(super) fn close_pad(this: &Rc<Inner>) {
    let m = &this.maintenance;
    m.typed.borrow_mut().clear();
    m.checking.set(None);
    m.countdown.stop();
    let adapter = this.window.global::<ui::MaintenanceAdapter>();
    adapter.set_pin_open(false);
    adapter.set_pin_length(0);
    adapter.set_pin_message("".into());
    adapter.set_pin_error(false);
    adapter.set_pin_enabled(true);
}

fn locked_for(this: &Rc<Inner>) -> Option<Duration> {
    this.maintenance
        .lock
        .borrow()
        .wait_left(this.ticks.borrow().now())
}

/// The pad as its state says: dots, message, whether keys work; while locked, a countdown.
fn show_pad(this: &Rc<Inner>) {
    let m = &this.maintenance;
    let adapter = this.window.global::<ui::MaintenanceAdapter>();
    adapter.set_pin_length(m.typed.borrow().len() as i32);
    let lang = this.nav.borrow().lang();
    if let Some(left) = locked_for(this) {
        let secs = left.as_millis().div_ceil(1000) as u64;
        let wait = format!("{}:{:02}", secs / 60, secs % 60);
        adapter.set_pin_message(
            this.loc
                .format(lang, "maint-pin-locked", &[("wait", wait.into())])
                .into(),
        );
        adapter.set_pin_error(true);
        adapter.set_pin_enabled(false);
        if !m.countdown.running() {
            let weak = Rc::downgrade(this);
            m.countdown.start(
                slint::TimerMode::Repeated,
                Duration::from_secs(1),
                move || {
                    if let Some(inner) = weak.upgrade() {
                        show_pad(&inner);
                    }
                },
            );
        }
        return;
    }
    m.countdown.stop();
    adapter.set_pin_enabled(m.checking.get().is_none());
    if m.checking.get().is_some() {
        adapter.set_pin_message(this.loc.text(lang, "maint-pin-checking").into());
        adapter.set_pin_error(false);
    } else if adapter.get_pin_error() && m.typed.borrow().is_empty() {
        // A wrong PIN's message stays until the next digit.
    } else {
        adapter.set_pin_message("".into());
        adapter.set_pin_error(false);
    }
}

/// OK: the typed PIN is checked on another thread; the answer comes as a `PinChecked` event.
fn submit(this: &Rc<Inner>) {
    this.touched();
    let m = &this.maintenance;
    if m.checking.get().is_some() || locked_for(this).is_some() {
        return;
    }
    let Some(pin) = m.pin.borrow().clone() else {
        return;
    };
    let typed = std::mem::take(&mut *m.typed.borrow_mut());
    let check = m.checks.get() + 1;
    m.checks.set(check);
    m.checking.set(Some(check));
    show_pad(this);
    let handle = this.handle.clone();
    let spawned = std::thread::Builder::new()
        .name("pin-check".into())
        .spawn(move || {
            let ok = pin.verify(&typed);
            handle.send(UiEvent::PinChecked { check, ok });
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot check the PIN");
        m.checking.set(None);
        show_pad(this);
    }
}

/// The answer of [`submit`]'s check.
pub(super) fn pin_checked(this: &Rc<Inner>, check: u64, ok: bool) {
    let m = &this.maintenance;
    if m.checking.get() != Some(check) {
        return;
    }
    m.checking.set(None);
    if ok {
        m.lock.borrow_mut().right();
        tracing::info!("maintenance screen opened");
        close_pad(this);
        let adapter = this.window.global::<ui::MaintenanceAdapter>();
        adapter.set_exit_armed(false);
        show_sync_state(this);
        let change = this
            .nav
            .borrow_mut()
            .apply(Action::Open(Screen::Maintenance));
        Inner::after(this, change);
        return;
    }
    let now = this.ticks.borrow().now();
    m.lock.borrow_mut().wrong(now);
    tracing::warn!("wrong maintenance PIN");
    let tries = m.lock.borrow().tries_left();
    let adapter = this.window.global::<ui::MaintenanceAdapter>();
    if locked_for(this).is_none() {
        let lang = this.nav.borrow().lang();
        adapter.set_pin_message(
            this.loc
                .format(lang, "maint-pin-wrong", &[("left", tries.into())])
                .into(),
        );
        adapter.set_pin_error(true);
    }
    show_pad(this);
}

fn sync_available(this: &Rc<Inner>) {
    this.window
        .global::<ui::MaintenanceAdapter>()
        .set_sync_available(this.maintenance.sync.borrow().is_some());
}

pub(super) fn attach_sync(this: &Rc<Inner>, sync: SyncHandle) {
    this.maintenance.attach_sync(sync);
    sync_available(this);
}

/// "Sync now": wakes the sync thread; its next result is shown.
fn sync_now(this: &Rc<Inner>) {
    this.touched();
    let m = &this.maintenance;
    if *m.sync_state.borrow() == SyncState::Running {
        return;
    }
    let Some(sync) = &*m.sync.borrow() else {
        return;
    };
    tracing::info!("sync now (maintenance screen)");
    *m.sync_state.borrow_mut() = SyncState::Running;
    sync.sync_now();
    show_sync_state(this);
}

/// A sync cycle ended (`Ok`: at that instant): "sync now" shows it, and an open maintenance
/// screen reads its figures again.
pub(super) fn sync_ended(this: &Rc<Inner>, outcome: Result<DateTime<Utc>, String>) {
    let m = &this.maintenance;
    if *m.sync_state.borrow() == SyncState::Running {
        *m.sync_state.borrow_mut() = match outcome {
            Ok(at) => SyncState::Done(at),
            Err(e) => SyncState::Failed(e),
        };
        show_sync_state(this);
    }
    if this.nav.borrow().current() == &Screen::Maintenance {
        Inner::show(this);
    }
}

fn show_sync_state(this: &Rc<Inner>) {
    let lang = this.nav.borrow().lang();
    let adapter = this.window.global::<ui::MaintenanceAdapter>();
    let state = this.maintenance.sync_state.borrow().clone();
    adapter.set_sync_running(state == SyncState::Running);
    adapter.set_sync_failed(matches!(state, SyncState::Failed(_)));
    let text = match state {
        SyncState::Idle => String::new(),
        SyncState::Running => this.loc.text(lang, "maint-sync-running"),
        SyncState::Done(at) => {
            let local = at.with_timezone(this.clock.borrow().now().offset());
            this.loc.format(
                lang,
                "maint-sync-done",
                &[("time", local.format("%H:%M:%S").to_string().into())],
            )
        }
        SyncState::Failed(e) => this
            .loc
            .format(lang, "maint-sync-failed", &[("error", e.into())]),
    };
    adapter.set_sync_status(text.into());
}

/// "Exit to desktop": the first tap arms it, the second ends the event loop (exit status 0).
fn exit(this: &Rc<Inner>) {
    this.touched();
    let adapter = this.window.global::<ui::MaintenanceAdapter>();
    if !adapter.get_exit_armed() {
        adapter.set_exit_armed(true);
        return;
    }
    tracing::info!("exit to desktop (maintenance screen)");
    this.maintenance.exit_requested.set(true);
    if let Err(e) = slint::quit_event_loop() {
        tracing::debug!(error = %e, "no event loop to quit");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_wrong_pins_are_free_then_each_waits_twice_as_long() {
        let t0 = Instant::now();
        let mut lock = PinLock::default();
        assert_eq!(lock.tries_left(), 3);
        lock.wrong(t0);
        lock.wrong(t0);
        assert_eq!(lock.wait_left(t0), None);
        assert_eq!(lock.tries_left(), 1);
        lock.wrong(t0);
        assert_eq!(lock.wait_left(t0), Some(FIRST_WAIT));
        assert_eq!(lock.wait_left(t0 + FIRST_WAIT), None, "open again");
        let t1 = t0 + FIRST_WAIT;
        lock.wrong(t1);
        assert_eq!(lock.wait_left(t1), Some(2 * FIRST_WAIT));
        for _ in 0..20 {
            lock.wrong(t1);
        }
        assert_eq!(lock.wait_left(t1), Some(MAX_WAIT), "capped");
        lock.right();
        assert_eq!(lock, PinLock::default());
    }
}
