//! The kiosk on the UI thread: thin wiring between the navigation state machine ([`nav`]), the
//! pages (`pages`, one controller per Slint adapter), the status band ([`status`]), the idle
//! timeline ([`idle`]), the maintenance PIN pad ([`maintenance`]) and the content worker.
//! Content is asked of the [`ContentSource`]; nothing here reads the disk.

pub mod brand;
mod events;
mod forms;
pub mod idle;
mod logo;
pub mod maintenance;
mod models;
pub mod nav;
pub mod notice;
mod pages;
mod screenshot;
pub mod status;
mod tour;
mod typing;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use protocol::text::Lang;
use slint::{ComponentHandle, SharedString};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::clock::Clock;
use crate::i18n::Localizer;
use crate::pin::PinHash;
use crate::sync::SyncHandle;
use crate::ui;
use crate::view::{InfoLine, Screen, ScreenView};
use crate::worker::{ContentSource, ContentStatus, Delivery, PictureRequest, Request};
use brand::BrandLine;
use idle::{Due, Idle, IdleTimes, Ticks, TypedInputs};
use maintenance::Maintenance;
use nav::{Action, Change, Nav};
use pages::Pages;
use status::StatusLine;

pub use events::{AppHandle, UiEvent};
pub use pages::SectionCards;

/// The running kiosk UI. Cloning shares it.
#[derive(Clone)]
pub struct App {
    inner: Rc<Inner>,
}

struct Inner {
    window: ui::AppWindow,
    loc: Arc<Localizer>,
    /// Where screens come from. In a cell only so a benchmark can compare sources in one
    /// window ([`App::replace_source`]); never borrowed across a request.
    source: RefCell<ContentSource>,
    clock: RefCell<Clock>,
    /// Whether the sync thread has told the clock's skew; until then the skew stored in the
    /// cache by an earlier heartbeat is used.
    skew_heard: Cell<bool>,
    /// When the screen shown stops being true by itself (see [`ScreenView::valid_until`]).
    valid_until: Cell<Option<NaiveDateTime>>,
    /// One single-shot timer for that moment.
    refresh: slint::Timer,
    nav: RefCell<Nav>,
    pages: Pages,
    /// Urgent notices over every screen.
    notices: notice::NoticeBanner,
    /// The latest content request; answers to older ones are dropped.
    request: Cell<u64>,
    /// The latest request whose view is on its page.
    applied: Cell<u64>,
    /// The latest request the worker is done with (every picture it came with delivered, or
    /// the screen could not be read).
    done: Cell<u64>,
    /// What the worker last said about the content (district, source, last sync).
    content: RefCell<ContentStatus>,
    online: Cell<bool>,
    /// The monotonic clock idle times are measured on.
    ticks: RefCell<Ticks>,
    /// Since when nobody touched the screen, and what is due.
    idle: RefCell<Idle>,
    /// Fires at the next step of the idle timeline (and each second of the warning).
    idle_timer: slint::Timer,
    /// Everything holding typed text: asked before the idle warning, wiped by the reset.
    typed: TypedInputs,
    maintenance: Maintenance,
    /// Fluent id of the renderer drawing the window.
    renderer: &'static str,
    /// The on-screen keyboard and its pinyin engine.
    typing: typing::Typing,
    /// The visitors' forms: the open one, the outbox thread.
    forms: forms::Forms,
    /// Gives out the senders of the UI thread's channel.
    handle: AppHandle,
    /// The UI thread's end of the channel (shared with the task that awaits it).
    inbox: Rc<RefCell<UnboundedReceiver<UiEvent>>>,
    /// Set while the inbox is being emptied, so a nested drain leaves the events to it.
    draining: Cell<bool>,
}

/// What pages use to act on a visitor's tap. Holds the app weakly: the window's callbacks must
/// not keep it alive.
#[derive(Clone)]
pub(crate) struct Navigator {
    app: Weak<Inner>,
    /// Where a page holding typed text (a form) registers it when it binds.
    typed: TypedInputs,
}

impl Navigator {
    /// Carries out `action` (a tap: it also postpones the idle reset).
    pub fn go(&self, action: Action) {
        if let Some(inner) = self.app.upgrade() {
            Inner::dispatch(&inner, action);
        }
    }

    /// A visitor touched or scrolled something: postpones the idle reset.
    pub fn touched(&self) {
        if let Some(inner) = self.app.upgrade() {
            inner.touched();
        }
    }

    /// Asks the content worker for pictures of the screen shown after its view (a section's
    /// thumbnails as its rows come into view); they arrive like the screen's own.
    pub fn want_pictures(&self, request: PictureRequest) {
        if let Some(inner) = self.app.upgrade() {
            Inner::request_pictures(&inner, request);
        }
    }

    /// Where a page registers what holds typed text (see [`idle::TypedInput`]).
    #[allow(dead_code)] // the forms will be its first users
    pub fn typed_inputs(&self) -> &TypedInputs {
        &self.typed
    }

    /// A callback without arguments that asks for `action`.
    pub fn on(&self, action: Action) -> impl Fn() + 'static {
        let go = self.clone();
        move || go.go(action.clone())
    }

    /// A callback whose argument makes the action.
    pub fn on_arg<A>(&self, make: impl Fn(A) -> Action + 'static) -> impl Fn(A) + 'static {
        let go = self.clone();
        move |arg| go.go(make(arg))
    }
}

impl App {
    /// Creates the window (not yet shown) and shows the home screen's content as it arrives.
    pub fn new(
        source: ContentSource,
        loc: Arc<Localizer>,
        clock: Clock,
        lang: Lang,
    ) -> Result<App, slint::PlatformError> {
        let window = ui::AppWindow::new()?;
        // Only the GPU renderer supports a rendering notifier; the software renderer says so.
        let renderer = match window.window().set_rendering_notifier(|_, _| {}) {
            Ok(()) => "maint-renderer-gpu",
            Err(_) => "maint-renderer-software",
        };
        let (handle, inbox) = AppHandle::channel();
        let ticks = Ticks::system();
        let typed = TypedInputs::default();
        let inner = Rc::new_cyclic(|weak| {
            let go = Navigator {
                app: weak.clone(),
                typed: typed.clone(),
            };
            wire_frame(&window, &go, &loc);
            Inner {
                pages: Pages::bind(&window, &go),
                notices: notice::NoticeBanner::bind(&window),
                window,
                loc,
                source: RefCell::new(source),
                clock: RefCell::new(clock),
                skew_heard: Cell::new(false),
                valid_until: Cell::new(None),
                refresh: slint::Timer::default(),
                nav: RefCell::new(Nav::new(lang)),
                request: Cell::new(0),
                applied: Cell::new(0),
                done: Cell::new(0),
                content: RefCell::default(),
                online: Cell::new(false),
                idle: RefCell::new(Idle::new(IdleTimes::default(), ticks.now())),
                ticks: RefCell::new(ticks),
                idle_timer: slint::Timer::default(),
                typed,
                maintenance: Maintenance::default(),
                renderer,
                typing: typing::Typing::default(),
                forms: forms::Forms::default(),
                handle,
                inbox: Rc::new(RefCell::new(inbox)),
                draining: Cell::new(false),
            }
        });
        Inner::listen(&inner);
        inner
            .window
            .global::<ui::Strings>()
            .set_lang(lang.code().into());
        Inner::wire_idle(&inner);
        maintenance::wire(&inner);
        forms::wire(&inner);
        inner.update_status();
        Inner::show(&inner);
        Inner::idle_tick(&inner);
        Ok(App { inner })
    }

    /// The idle timeline (`[idle]` of the config); the slideshow's pace too.
    pub fn set_idle_times(&self, times: IdleTimes) {
        self.inner.pages.attract.set_interval(times.slide);
        let now = self.inner.ticks.borrow().now();
        *self.inner.idle.borrow_mut() = Idle::new(times, now);
        Inner::idle_tick(&self.inner);
    }

    /// Measures idle times on `ticks` (tests move a manual clock together with Slint's mock
    /// time instead of sleeping). The timeline starts again from its now.
    pub fn set_ticks(&self, ticks: Ticks) {
        let times = self.inner.idle.borrow().times();
        *self.inner.idle.borrow_mut() = Idle::new(times, ticks.now());
        *self.inner.ticks.borrow_mut() = ticks;
        Inner::idle_tick(&self.inner);
    }

    /// Where forms, the on-screen keyboard and the pinyin engine register what holds typed
    /// text, so the idle warning knows and the reset wipes it.
    pub fn typed_inputs(&self) -> TypedInputs {
        self.inner.typed.clone()
    }

    /// Starts the on-screen keyboard's pinyin engine on its own thread (librime, with its user
    /// folder from `settings`). Returns at once: the engine's start never delays a frame, and
    /// taps made before it is ready wait for it. Without librime the keyboard offers English
    /// and digits.
    pub fn start_keyboard(
        &self,
        settings: crate::input::rime::RimeSettings,
    ) -> std::io::Result<()> {
        let inner = &self.inner;
        let weak = Rc::downgrade(inner);
        let (default_lang, lang) = {
            let nav = inner.nav.borrow();
            (nav.default_lang(), nav.lang())
        };
        inner.typing.start(
            &inner.window,
            settings,
            inner.handle.clone(),
            move || {
                if let Some(inner) = weak.upgrade() {
                    inner.touched();
                }
            },
            &inner.typed,
            (default_lang, lang),
        )
    }

    /// The outbox thread the forms hand what visitors submit to. Without one a form says it
    /// could not save (only `kiosk snapshot` runs so).
    pub fn attach_outbox(&self, submitter: crate::submitter::Submitter) {
        self.inner.forms.attach(submitter);
    }

    /// The submission id of the open form, if a form is open.
    pub fn open_form_id(&self) -> Option<uuid::Uuid> {
        self.inner.forms.open_id()
    }

    /// Whether the keyboard's engine was started.
    pub fn keyboard_started(&self) -> bool {
        self.inner.typing.is_started()
    }

    /// The maintenance PIN's hash; `None`: the maintenance screen cannot be opened.
    pub fn set_maintenance_pin(&self, pin: Option<PinHash>) {
        self.inner.maintenance.set_pin(pin);
    }

    /// The running sync thread, for "sync now". The app keeps it: it stops with the app.
    pub fn attach_sync(&self, sync: SyncHandle) {
        maintenance::attach_sync(&self.inner, sync);
    }

    /// Whether staff chose "exit to desktop".
    pub fn exit_requested(&self) -> bool {
        self.inner.maintenance.exit_requested()
    }

    /// Does what the idle timeline has due now. Its timer does this by itself; this is for
    /// `kiosk snapshot`, which has no event loop.
    pub fn check_idle(&self) {
        Inner::idle_tick(&self.inner);
    }

    /// Whether the slideshow's timer runs (it runs only while the slideshow shows).
    pub fn slideshow_running(&self) -> bool {
        self.inner.pages.attract.is_running()
    }

    pub fn window(&self) -> &ui::AppWindow {
        &self.inner.window
    }

    /// A `Send` handle for other threads.
    pub fn handle(&self) -> AppHandle {
        self.inner.handle.clone()
    }

    /// Handles every event other threads have sent so far. The event loop does this by itself;
    /// without one (tests, `kiosk snapshot`) this applies what a worker thread or the sync
    /// thread sent.
    pub fn process_events(&self) {
        Inner::drain(&self.inner, None);
    }

    /// Whether the view of the screen last asked for is on its page (drawn with the next
    /// frame). Benchmarks time a tap to the frame showing it.
    pub fn screen_applied(&self) -> bool {
        self.inner.applied.get() == self.inner.request.get()
    }

    /// Whether the worker has delivered every picture the screen last asked for came with
    /// (a section's further thumbnails come as its rows scroll into view), or could not read
    /// the screen at all.
    pub fn pictures_delivered(&self) -> bool {
        self.inner.done.get() == self.inner.request.get()
    }

    /// Answers content requests from `source` from now on and returns the source used so far
    /// (benchmarks compare the worker thread with an inline worker in one window). Answers
    /// still due from the old source are dropped; the screen shown is not read again.
    pub fn replace_source(&self, source: ContentSource) -> ContentSource {
        let old = self.inner.source.replace(source);
        self.inner.request.set(self.inner.request.get() + 1);
        old
    }

    /// The screen on top of the navigation stack.
    pub fn current(&self) -> Screen {
        self.inner.nav.borrow().current().clone()
    }

    pub fn lang(&self) -> Lang {
        self.inner.nav.borrow().lang()
    }

    /// Opens a screen on top of the current one.
    pub fn navigate(&self, screen: Screen) {
        let change = self.inner.nav.borrow_mut().push(screen);
        Inner::after(&self.inner, change);
    }

    pub fn set_lang(&self, lang: Lang) {
        let change = self.inner.nav.borrow_mut().set_lang(lang);
        Inner::after(&self.inner, change);
    }

    /// Re-reads the current screen (after a content update), keeping the visitor's place.
    pub fn refresh(&self) {
        Inner::show(&self.inner);
    }

    /// Marks the kiosk online or offline in the status band.
    pub fn set_online(&self, online: bool) {
        self.inner.online.set(online);
        self.inner.update_status();
    }

    /// When the screen shown next re-reads by itself (local wall time of the district), if
    /// ever: the moment its single-shot timer is set for.
    pub fn next_refresh(&self) -> Option<NaiveDateTime> {
        self.inner.valid_until.get()
    }

    /// The time the kiosk shows: the server's when the kiosk's own clock is off.
    pub fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.inner.clock.borrow().now()
    }

    /// Every second: the clock in the status band, and a re-read when the wall clock jumped
    /// past the screen's next change (needs the event loop). Setting an unchanged text redraws
    /// nothing, so the screen changes once a minute.
    pub fn start_clock(&self) -> slint::Timer {
        let timer = slint::Timer::default();
        let weak = Rc::downgrade(&self.inner);
        timer.start(
            slint::TimerMode::Repeated,
            Duration::from_secs(1),
            move || {
                if let Some(inner) = weak.upgrade() {
                    inner.update_status();
                    Inner::refresh_if_stale(&inner);
                }
            },
        );
        timer
    }
}

/// What is on every screen: the language toggle and UI strings, the navigation bar, and the
/// activity signal that postpones the idle reset.
fn wire_frame(window: &ui::AppWindow, go: &Navigator, loc: &Arc<Localizer>) {
    let strings = window.global::<ui::Strings>();
    let loc = loc.clone();
    strings.on_translate(move |id, lang| {
        let lang = lang.parse().unwrap_or_default();
        loc.text(lang, &id).into()
    });
    strings.on_toggle_language(go.on(Action::ToggleLanguage));

    let nav = window.global::<ui::Nav>();
    nav.on_back(go.on(Action::Back));
    nav.on_home(go.on(Action::Home));
    nav.on_schedule(go.on(Action::OpenSchedule));
    nav.on_stations(go.on(Action::OpenStations));
    let touched = go.clone();
    nav.on_activity(move || touched.touched());
}

impl Inner {
    /// Reads the channel from other threads on the event loop, for as long as the app lives.
    /// Without an event loop (tests, snapshots) events wait for the next [`Inner::drain`].
    fn listen(this: &Rc<Inner>) {
        let inbox = this.inbox.clone();
        let weak = Rc::downgrade(this);
        let task = slint::spawn_local(async move {
            // The receiver is borrowed only while polled, so a drain can run between events.
            while let Some(event) =
                std::future::poll_fn(|cx| inbox.borrow_mut().poll_recv(cx)).await
            {
                let Some(inner) = weak.upgrade() else { break };
                Inner::drain(&inner, Some(event));
            }
        });
        if let Err(e) = task {
            tracing::debug!(error = %e, "no event loop: events are handled after each request");
        }
    }

    /// Handles `first`, then every event already waiting, in order. A drain started while one
    /// runs (an event's handling asked for content, and an inline worker answered at once)
    /// leaves the new events to the running one.
    fn drain(this: &Rc<Inner>, first: Option<UiEvent>) {
        if this.draining.replace(true) {
            if let Some(event) = first {
                Inner::handle(this, event);
            }
            return;
        }
        let mut next = first;
        loop {
            let event = match next.take() {
                Some(event) => event,
                None => match this.inbox.borrow_mut().try_recv() {
                    Ok(event) => event,
                    Err(_) => break,
                },
            };
            Inner::handle(this, event);
        }
        this.draining.set(false);
    }

    fn handle(this: &Rc<Inner>, event: UiEvent) {
        match event {
            // Not visitor activity: none of these postpones the idle reset.
            UiEvent::ContentChanged => Inner::show(this),
            UiEvent::Synced(at) => {
                this.content.borrow_mut().last_sync = Some(at);
                this.update_status();
                maintenance::sync_ended(this, Ok(at));
            }
            UiEvent::SyncFailed(error) => maintenance::sync_ended(this, Err(error)),
            UiEvent::PinChecked { check, ok } => maintenance::pin_checked(this, check, ok),
            UiEvent::Online(online) => {
                this.online.set(online);
                this.update_status();
            }
            UiEvent::ClockSkew(skew) => {
                this.skew_heard.set(true);
                Inner::set_skew(this, skew);
            }
            UiEvent::Content { request, delivery } => Inner::deliver(this, request, delivery),
            UiEvent::Keyboard(composition) => this.typing.apply(&this.window, &composition),
            UiEvent::Enqueued { id, result } => forms::enqueued(this, id, result),
            UiEvent::SubmissionsAnswered(ids) => forms::answered(this, &ids),
            UiEvent::Tracked { id, tracked } => forms::tracked(this, id, tracked),
            // What a visitor is typing (a name, a phone number) stays on the kiosk: with a
            // form holding typed text nothing is sent, and the server asks again next time.
            UiEvent::CaptureScreen(reply) if forms::has_typed(this) => {
                tracing::info!("screenshot skipped: a visitor is filling in a form");
                drop(reply);
            }
            UiEvent::CaptureScreen(reply) => screenshot::capture(&this.window, reply),
        }
    }

    /// A visitor's tap: postpones the idle reset and moves the navigation.
    fn dispatch(this: &Rc<Inner>, action: Action) {
        this.touched();
        let change = this.nav.borrow_mut().apply(action);
        Inner::after(this, change);
    }

    /// Does what a navigation change needs: nothing, the overlay, or reading the screen.
    fn after(this: &Rc<Inner>, change: Change) {
        if change == Change::None {
            return;
        }
        if change == Change::Language {
            let lang = this.nav.borrow().lang();
            this.window
                .global::<ui::Strings>()
                .set_lang(lang.code().into());
            this.typing.follow_language(lang);
            forms::render(this);
            this.update_status();
        }
        let nav = this.nav.borrow().clone();
        if matches!(nav.current(), Screen::Form(_)) {
            // A keyboard is coming: an engine loaded on demand starts while the form is drawn.
            this.typing.wake();
        }
        this.pages.show_overlay(&this.window, &nav);
        // Details that open need their QR code, which the worker makes with the screen's view:
        // read it again (the rows are unchanged, so nothing else moves).
        if change != Change::Overlay || nav.open_event().is_some() {
            Inner::show(this);
        }
    }

    /// Somebody touched the screen: the idle timeline starts again and a warning closes.
    fn touched(self: &Rc<Inner>) {
        let now = self.ticks.borrow().now();
        self.idle.borrow_mut().touch(now);
        self.window.global::<ui::Idle>().set_warning(false);
        if !self.idle_timer.running() {
            Inner::idle_tick(self);
        }
    }

    /// The notice's tap keeps everything (and acts on nothing underneath).
    fn wire_idle(this: &Rc<Inner>) {
        let weak = Rc::downgrade(this);
        this.window.global::<ui::Idle>().on_still_here(move || {
            if let Some(inner) = weak.upgrade() {
                tracing::info!("idle warning: the visitor is still there");
                inner.touched();
            }
        });
        // The PIN pad's digits are typed text too: the warning shows over it, the reset
        // clears it. Forms, the on-screen keyboard and the pinyin engine (its `reset()`)
        // register the same way, through `App::typed_inputs`.
        let (has, wipe) = (Rc::downgrade(this), Rc::downgrade(this));
        this.typed.register(Rc::new(idle::InputHooks {
            has_input: move || has.upgrade().is_some_and(|i| i.maintenance.has_typed()),
            wipe: move || {
                if let Some(inner) = wipe.upgrade() {
                    maintenance::close_pad(&inner);
                }
            },
        }));
    }

    /// Does what the idle timeline says is due now and sets the timer for the next step. The
    /// timer fires only at those steps (each second only while the warning counts down).
    fn idle_tick(this: &Rc<Inner>) {
        let now = this.ticks.borrow().now();
        let due = this.idle.borrow().due(now, this.typed.has_input());
        let idle = this.window.global::<ui::Idle>();
        match due {
            Due::Wait(at) => {
                idle.set_warning(false);
                Inner::idle_at(this, at.saturating_duration_since(now));
            }
            Due::Warn { left, next } => {
                let lang = this.nav.borrow().lang();
                idle.set_seconds_left(left as i32);
                idle.set_countdown(
                    this.loc
                        .format(lang, "idle-countdown", &[("seconds", left.into())])
                        .into(),
                );
                if !idle.get_warning() {
                    tracing::info!(seconds = left, "idle warning: still there?");
                    idle.set_warning(true);
                }
                Inner::idle_at(this, next.saturating_duration_since(now));
            }
            Due::Reset => {
                idle.set_warning(false);
                Inner::reset(this);
                this.idle.borrow_mut().reset_done();
                Inner::idle_tick(this);
            }
            Due::Attract => {
                this.idle_timer.stop();
                tracing::info!("idle: the slideshow starts");
                let change = this.nav.borrow_mut().start_attract();
                Inner::after(this, change);
            }
            Due::Rest => this.idle_timer.stop(),
        }
    }

    fn idle_at(this: &Rc<Inner>, after: Duration) {
        let weak = Rc::downgrade(this);
        this.idle_timer
            .start(slint::TimerMode::SingleShot, after, move || {
                if let Some(inner) = weak.upgrade() {
                    Inner::idle_tick(&inner);
                }
            });
    }

    /// Nobody is there any more: every typed character is wiped and every screen returns home
    /// in the default language.
    fn reset(this: &Rc<Inner>) {
        this.typed.wipe();
        maintenance::close_pad(this);
        let change = this.nav.borrow_mut().reset();
        tracing::info!(
            moved = change != Change::None,
            "idle: reset for the next visitor"
        );
        Inner::after(this, change);
    }

    /// Asks for the current screen's content; it is applied when it arrives.
    fn show(this: &Rc<Inner>) {
        let id = this.request.get() + 1;
        this.request.set(id);
        let request = {
            let nav = this.nav.borrow();
            Request {
                screen: nav.current().clone(),
                lang: nav.lang(),
                now: this.clock.borrow().now(),
            }
        };
        let handle = this.handle.clone();
        this.source.borrow().request(request, move |delivery| {
            handle.send(UiEvent::Content {
                request: id,
                delivery,
            });
        });
        // An inline worker has answered already: show it before the tap returns.
        Inner::drain(this, None);
    }

    /// Asks for pictures of the current screen, answered as part of its request (a newer
    /// screen drops them); ignored when the visitor has left the screen they are for.
    fn request_pictures(this: &Rc<Inner>, request: PictureRequest) {
        if *this.nav.borrow().current() != request.screen {
            return;
        }
        let id = this.request.get();
        let handle = this.handle.clone();
        this.source
            .borrow()
            .request_pictures(request, move |delivery| {
                handle.send(UiEvent::Content {
                    request: id,
                    delivery,
                });
            });
        // An inline worker has answered already.
        Inner::drain(this, None);
    }

    fn deliver(this: &Rc<Inner>, id: u64, delivery: Delivery) {
        if this.request.get() != id {
            return;
        }
        match delivery {
            Delivery::View(view, status) => {
                // Events are in the district's zone; follow it once the content names it.
                if let Some(tz) = status.timezone.as_deref().and_then(|z| z.parse().ok()) {
                    this.clock.borrow_mut().set_tz(tz);
                }
                // The skew an earlier heartbeat measured, until this run's sync measures it.
                let skew = status.clock_skew;
                *this.content.borrow_mut() = *status;
                if !this.skew_heard.get() && this.clock.borrow_mut().set_skew(skew) {
                    tracing::info!(?skew, "showing the server's time: the kiosk's clock is off");
                    // "Today" is another day: read the screen again for the corrected time.
                    Inner::show(this);
                    return;
                }
                this.update_status();
                // The screen re-reads at its own next change or when a notice starts or ends,
                // whichever comes first: one timer for both.
                let now = this.clock.borrow().now();
                let lang = this.nav.borrow().lang();
                let notice_change = this
                    .notices
                    .show(&this.content.borrow().notices, lang, now)
                    .map(|t| t.with_timezone(now.offset()).naive_local());
                let until = match (view.valid_until(), notice_change) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                Inner::schedule_refresh(this, until);
                Inner::apply(this, *view);
                this.applied.set(id);
            }
            Delivery::Pictures(pictures) => this.pages.put_pictures(&this.window, pictures),
            Delivery::Done => this.done.set(id),
            Delivery::Failed(message) => {
                tracing::error!(%message, "screen could not be read; keeping what is shown");
                // Nothing more comes for it.
                this.done.set(id);
            }
        }
    }

    /// Takes the skew the sync thread measured; a change of the time shown re-reads the screen.
    fn set_skew(this: &Rc<Inner>, skew: Option<chrono::Duration>) {
        if !this.clock.borrow_mut().set_skew(skew) {
            return;
        }
        match skew.filter(|_| this.clock.borrow().correction().is_some()) {
            Some(s) => tracing::warn!(
                skew = %crate::clock::describe_skew(s),
                "the kiosk's clock is off: showing the district server's time"
            ),
            None => tracing::info!("the kiosk's clock is right again: showing its own time"),
        }
        this.update_status();
        Inner::show(this);
    }

    /// Sets the one single-shot timer for the moment the screen stops being true.
    fn schedule_refresh(this: &Rc<Inner>, at: Option<NaiveDateTime>) {
        this.valid_until.set(at);
        let Some(at) = at else {
            this.refresh.stop();
            return;
        };
        // Never a zero wait: a view whose moment has just passed is read again once, a second
        // later, not in a loop.
        let wait = this
            .clock
            .borrow()
            .until(at)
            .max(Duration::from_millis(1000));
        let weak = Rc::downgrade(this);
        this.refresh
            .start(slint::TimerMode::SingleShot, wait, move || {
                if let Some(inner) = weak.upgrade() {
                    inner.valid_until.set(None);
                    Inner::show(&inner);
                }
            });
    }

    /// Re-reads the screen when the wall clock is past its next change although the timer has
    /// not fired: the system clock was set (NTP at boot, a person) while it waited.
    fn refresh_if_stale(this: &Rc<Inner>) {
        let Some(at) = this.valid_until.get() else {
            return;
        };
        if this.clock.borrow().now().naive_local() >= at {
            this.valid_until.set(None);
            this.refresh.stop();
            Inner::show(this);
        }
    }

    fn apply(this: &Rc<Inner>, mut view: ScreenView) {
        let nav = this.nav.borrow().clone();
        if let ScreenView::Maintenance(v) = &mut view {
            // What only the UI thread knows.
            v.lines.push(InfoLine {
                label: this.loc.text(nav.lang(), "maint-renderer"),
                value: this.loc.text(nav.lang(), this.renderer),
            });
        }
        forms::shown(this, &view);
        match this.pages.apply(&this.window, view, &nav) {
            Some(screen) => {
                let bar = this.window.global::<ui::Nav>();
                bar.set_screen(screen);
                bar.set_can_go_back(nav.can_go_back());
            }
            None => {
                // The record went away (a sync removed it): step back rather than show nothing.
                tracing::info!(screen = ?nav.current(), "screen's content is gone; going back");
                let change = this.nav.borrow_mut().content_gone();
                Inner::after(this, change);
            }
        }
    }

    /// Clock, date, district and freshness in the status band.
    fn update_status(&self) {
        let line = StatusLine::new(
            &self.loc,
            self.nav.borrow().lang(),
            self.clock.borrow().now(),
            &self.content.borrow(),
            self.online.get(),
        );
        let status = self.window.global::<ui::Status>();
        status.set_clock(line.clock.into());
        status.set_date(line.date.into());
        status.set_online(line.online);
        if let Some(district) = line.district {
            status.set_district(district.into());
        }
        status.set_freshness(line.freshness.into());
        self.update_brand();
    }

    /// The district's name, welcome, venues' word and accent; set only when they differ, so
    /// the clock's tick redraws nothing of them.
    fn update_brand(&self) {
        let line = BrandLine::new(&self.loc, self.nav.borrow().lang(), &self.content.borrow());
        let brand = self.window.global::<ui::Brand>();
        let set = |get: SharedString, value: &str, put: &dyn Fn(SharedString)| {
            if get.as_str() != value {
                put(value.into());
            }
        };
        set(brand.get_kiosk_name(), &line.kiosk_name, &|v| {
            brand.set_kiosk_name(v)
        });
        set(brand.get_welcome(), &line.welcome, &|v| {
            brand.set_welcome(v)
        });
        set(brand.get_intro(), &line.intro, &|v| brand.set_intro(v));
        set(brand.get_venues(), &line.venues, &|v| brand.set_venues(v));
        if self.content.borrow().brand.logo.is_none() {
            self.pages.logo.none(&self.window);
        }
        if let Some(accent) = line.accent {
            let theme = self.window.global::<ui::Theme>();
            let colour = |(r, g, b): brand::Rgb| slint::Color::from_rgb_u8(r, g, b);
            if theme.get_red() != colour(accent.base) {
                theme.set_red(colour(accent.base));
                theme.set_red_dark(colour(accent.dark));
                theme.set_red_soft(colour(accent.soft));
            }
        }
    }
}
