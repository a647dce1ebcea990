//! The content worker: owns the cache connection, builds screens and decodes pictures, so the UI
//! thread never touches the disk. In tests and headless snapshots the same work runs inline.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use protocol::text::{Lang, Text};
use slint::{Rgba8Pixel, SharedPixelBuffer};

use crate::demo;
use crate::i18n::Localizer;
use crate::media::{self, PictureCache};
use crate::section_icon::IconCache;
use crate::store::content::Opened;
use crate::store::{ContentStore, Outbox};
use crate::view::{self, Ctx, PictureSlot, PictureSource, PictureSpec, Screen, ScreenView};

/// Bytes of decoded pictures kept for revisits, unless `[cache] pictures_mb` says otherwise.
pub const PICTURE_CACHE_BYTES: usize =
    crate::config::CacheConfig::DEFAULT_PICTURES_MB as usize * 1024 * 1024;
/// The page cache of the worker's connection to `content.db`, in KiB: a quarter of SQLite's
/// default. A screen reads a few dozen pages, which the system's file cache holds anyway;
/// measured in docs/PERFORMANCE.md ("SQLite's page cache").
pub const READ_PAGE_CACHE_KIB: u32 = 512;
/// Pictures delivered together: half a screenful of a section's cards, so the rows in view
/// show after a few decodes instead of after the whole list's.
pub const PICTURE_BATCH: usize = 4;
/// Thumbnails a section's screen comes with: the cards of its first screenful and a screenful
/// more. The rest are asked for by the section's list as they come into view
/// ([`ContentSource::request_pictures`]), so a section of 1,000 articles never decodes (or
/// holds) 1,000 thumbnails.
pub const FIRST_THUMBS: usize = 16;
/// Pixels per QR module.
const QR_MODULE_PX: u32 = 6;
/// A temporary image file untouched this long is a crash's leftover, not a write under way.
const TEMPORARY_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

/// What the screen is asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub screen: Screen,
    pub lang: Lang,
    pub now: DateTime<FixedOffset>,
}

/// Pictures of the screen shown, asked for after its view: the thumbnails of a section's rows
/// as they come into view. `specs` are every picture the page keeps from now on (in the order
/// they should come): pictures of the page's last screen not among them are no longer held
/// for it.
#[derive(Debug, Clone)]
pub struct PictureRequest {
    /// The screen the pictures are for; answered only while it is the last one asked for.
    pub screen: Screen,
    pub specs: Vec<PictureSpec>,
}

/// What the status band shows about the content.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContentStatus {
    pub district: Option<Text>,
    /// The district's brand (empty before schema 3's district record arrives).
    pub brand: protocol::content::Brand,
    /// Every urgent notice in the cache (the feed brings only this kiosk's); which are up
    /// is the app's to decide at each moment.
    pub notices: Vec<protocol::content::Notice>,
    /// The district's IANA zone.
    pub timezone: Option<String>,
    /// `demo` or `server`.
    pub source: Option<String>,
    pub last_sync: Option<DateTime<Utc>>,
    /// The server's clock minus the kiosk's at the last heartbeat (cache meta).
    pub clock_skew: Option<chrono::Duration>,
}

/// The worker's answers, in the order they come: the view first, then its pictures.
pub enum Delivery {
    /// Boxed: a view and the content status are large next to the other answers, and they
    /// travel through channels.
    View(Box<ScreenView>, Box<ContentStatus>),
    /// A batch of the view's pictures (in the view's order), decoded or drawn, each tagged with
    /// where it goes.
    Pictures(Vec<(PictureSlot, SharedPixelBuffer<Rgba8Pixel>)>),
    /// The cache could not be read; the message is for the log.
    Failed(String),
    /// The worker is done with the screen's request: every picture it came with was delivered
    /// (or the rest skipped, the visitor having moved on). Pictures a page asks for later come
    /// without it.
    Done,
}

/// Builds screens from one cache connection.
pub struct Worker {
    store: ContentStore,
    loc: Arc<Localizer>,
    pictures: PictureCache,
    /// Sections' own icons, drawn.
    icons: IconCache,
    /// Where the cache is: the maintenance screen measures its disk and reads its outbox.
    data_dir: PathBuf,
    /// Opened when the maintenance screen first asks for it.
    outbox: Option<Outbox>,
    /// The last screen answered, and its page: what a [`PictureRequest`] may be for.
    shown: Option<(Screen, media::Page)>,
}

impl Worker {
    /// Opens the cache in `data_dir`, importing the embedded demo content when it is empty or
    /// was rebuilt. If the folder cannot hold a cache at all, a cache in the temp folder is used
    /// so the kiosk still shows content.
    pub fn open(data_dir: &Path, loc: Arc<Localizer>) -> anyhow::Result<Worker> {
        let (store, data_dir) = match open_seeded(data_dir) {
            Ok(store) => (store, data_dir.to_path_buf()),
            Err(e) => {
                let fallback = std::env::temp_dir().join("lobby-kiosk-fallback");
                tracing::error!(error = %e, dir = %data_dir.display(), fallback = %fallback.display(),
                    "cannot use the data directory; using a temporary cache");
                (open_seeded(&fallback)?, fallback)
            }
        };
        store.set_page_cache_kib(READ_PAGE_CACHE_KIB)?;
        Ok(Worker {
            store,
            loc,
            pictures: PictureCache::new(PICTURE_CACHE_BYTES),
            icons: IconCache::default(),
            data_dir,
            outbox: None,
            shown: None,
        })
    }

    pub fn store(&self) -> &ContentStore {
        &self.store
    }

    /// Keeps at most `bytes` of decoded pictures for revisits (`[cache] pictures_mb`); what
    /// was kept so far is dropped.
    pub fn set_picture_budget(&mut self, bytes: usize) {
        self.pictures = PictureCache::new(bytes);
    }

    /// The decoded pictures kept for revisits (benchmarks and tests read its figures).
    pub fn pictures(&self) -> &PictureCache {
        &self.pictures
    }

    /// Answers one request, calling `deliver` once for the view and then for each batch of its
    /// pictures.
    pub fn handle(&mut self, request: &Request, deliver: &mut dyn FnMut(Delivery)) {
        self.handle_until(request, deliver, &|| false);
    }

    /// Like [`Worker::handle`], but stops making pictures as soon as `superseded` says a newer
    /// request is waiting: the visitor has left this screen, and its pictures would be
    /// dropped anyway. Pictures made so far are still delivered (and stay cached).
    pub fn handle_until(
        &mut self,
        request: &Request,
        deliver: &mut dyn FnMut(Delivery),
        superseded: &dyn Fn() -> bool,
    ) {
        let ctx = Ctx {
            lang: request.lang,
            now: request.now,
            loc: &self.loc,
        };
        if request.screen == Screen::Maintenance && self.outbox.is_none() {
            match Outbox::open(&self.data_dir) {
                Ok(outbox) => self.outbox = Some(outbox),
                Err(e) => tracing::warn!(error = %e, "maintenance: cannot read the outbox"),
            }
        }
        let machine = view::Machine {
            outbox: self.outbox.as_ref(),
            data_dir: &self.data_dir,
        };
        let view = match view::build(&self.store, &machine, &request.screen, &ctx) {
            Ok(view) => view,
            Err(e) => {
                tracing::error!(error = %e, screen = ?request.screen, "cannot read the cache");
                deliver(Delivery::Failed(e.to_string()));
                return;
            }
        };
        let status = self.status();
        // The status band's logo with every screen: from the picture cache after the first
        // time, and the app sets it only when it is another logo.
        let specs: Vec<_> = status
            .brand
            .logo
            .as_ref()
            .map(PictureSpec::brand_logo)
            .into_iter()
            .chain(view.pictures())
            .collect();
        let specs = first_thumbs_only(specs);
        let page = std::mem::discriminant(&view);
        if matches!(view, ScreenView::Home(_)) {
            // Home is the bottom of the navigation: no page's last screen can be gone back to
            // from it, and their models let go of their pictures (`Pages::apply`), so does the
            // cache's hold for them. Within the budget they stay for the next visitor.
            self.pictures.release_all_but(page);
        } else if let Some((Screen::Attract, slideshow)) = &self.shown
            && *slideshow != page
        {
            // The slideshow's slides let go of their pictures when it is left
            // (`AttractPage::stop`): so does the cache's hold for them.
            self.pictures.release(*slideshow);
        }
        self.shown = Some((request.screen.clone(), page));
        deliver(Delivery::View(Box::new(view), Box::new(status)));
        self.make_pictures(&request.screen, page, specs, deliver, superseded);
        deliver(Delivery::Done);
    }

    /// Makes the pictures a page asks for after its view (see [`PictureRequest`]), in batches
    /// like a screen's; nothing when the request is for a screen other than the last one
    /// answered (the visitor has moved on).
    pub fn handle_pictures(
        &mut self,
        request: &PictureRequest,
        deliver: &mut dyn FnMut(Delivery),
        superseded: &dyn Fn() -> bool,
    ) {
        let Some((screen, page)) = self.shown.clone() else {
            return;
        };
        if screen != request.screen {
            tracing::debug!(?screen, asked = ?request.screen, "pictures for a screen left");
            return;
        }
        self.make_pictures(&screen, page, request.specs.clone(), deliver, superseded);
    }

    /// Makes `specs` in their order (the view's order: what is on screen first) and delivers
    /// them in batches of [`PICTURE_BATCH`], so the first rows show while the rest decode.
    /// Afterwards the cache knows that `page` shows these pictures (and no others).
    fn make_pictures(
        &mut self,
        screen: &Screen,
        page: media::Page,
        specs: Vec<PictureSpec>,
        deliver: &mut dyn FnMut(Delivery),
        superseded: &dyn Fn() -> bool,
    ) {
        let mut batch = Vec::with_capacity(PICTURE_BATCH);
        let mut shown = Vec::new();
        for spec in specs {
            if superseded() {
                tracing::debug!(?screen, "left before its pictures were made");
                break;
            }
            let made = match &spec.source {
                PictureSource::Blob(blob) => {
                    let made = self.pictures.get(self.store.blobs(), blob);
                    if let Ok(buffer) = &made {
                        shown.push((blob.clone(), buffer.clone()));
                    }
                    made
                }
                PictureSource::Qr(text) => media::qr(text, QR_MODULE_PX),
                PictureSource::QrWithin { text, max_side } => media::qr_within(text, *max_side),
                PictureSource::Icon(icon) => self
                    .icons
                    .get(self.store.blobs(), icon)
                    .map_err(media::MediaError::from),
            };
            match made {
                Ok(buffer) => batch.push((spec.slot, buffer)),
                // A missing or broken image leaves its placeholder (a section's built-in
                // drawing); the rest of the page shows.
                Err(e) => tracing::warn!(error = %e, slot = ?spec.slot, "picture not shown"),
            }
            if batch.len() >= PICTURE_BATCH {
                deliver(Delivery::Pictures(std::mem::take(&mut batch)));
            }
        }
        if !batch.is_empty() {
            deliver(Delivery::Pictures(batch));
        }
        self.pictures
            .hold(page, shown.iter().map(|(spec, buffer)| (spec, buffer)));
    }

    fn status(&self) -> ContentStatus {
        let district = self.store.district().ok().flatten();
        ContentStatus {
            timezone: district.as_ref().map(|d| d.timezone.clone()),
            brand: district
                .as_ref()
                .map(|d| d.brand.clone())
                .unwrap_or_default(),
            district: district.map(|d| d.name),
            notices: self.store.notices().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot read the notices");
                Vec::new()
            }),
            source: self.store.meta("source").ok().flatten(),
            last_sync: self
                .store
                .meta("last_sync")
                .ok()
                .flatten()
                .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                .map(|t| t.with_timezone(&Utc)),
            clock_skew: self
                .store
                .meta("clock_skew_seconds")
                .ok()
                .flatten()
                .and_then(|s| s.parse().ok())
                .map(chrono::Duration::seconds),
        }
    }
}

/// `specs` with only the first [`FIRST_THUMBS`] card thumbnails (a section's list asks for the
/// others as they come into view); every other picture stays.
fn first_thumbs_only(specs: Vec<PictureSpec>) -> Vec<PictureSpec> {
    let mut thumbs = 0;
    specs
        .into_iter()
        .filter(|spec| {
            if !matches!(spec.slot, PictureSlot::Thumb(_)) {
                return true;
            }
            thumbs += 1;
            thumbs <= FIRST_THUMBS
        })
        .collect()
}

/// Opens the cache and makes sure it has content.
pub fn open_seeded(data_dir: &Path) -> anyhow::Result<ContentStore> {
    let (mut store, opened) = ContentStore::open_or_rebuild(data_dir)?;
    // A kiosk that never syncs collects no garbage: sweep what a crash left at each start.
    if let Err(e) = store.blobs().remove_stale_temporaries(TEMPORARY_GRACE) {
        tracing::warn!(error = %e, "cannot look for leftover temporary image files");
    }
    if opened != Opened::Healthy {
        let bundle = demo::bundle()?;
        store.import_bundle(&bundle, "demo")?;
        tracing::info!(dir = %data_dir.display(), ?opened, "imported the embedded demo content");
    }
    Ok(store)
}

/// Where a request's answers go: called once for the view and once for each batch of its
/// pictures, on the worker thread (so it must be `Send`) or, inline, before
/// [`ContentSource::request`] returns.
pub type Reply = Box<dyn FnMut(Delivery) + Send>;

/// Where screens come from: a worker thread (the running kiosk) or inline (tests, snapshots).
pub enum ContentSource {
    /// Answers on the calling thread before `request` returns. Boxed: a worker is large next
    /// to a channel sender.
    Inline(Box<std::cell::RefCell<Worker>>),
    Thread(Mailbox),
}

/// The worker thread's queue, bounded to ONE waiting screen request and ONE waiting picture
/// request: only the screen shown last matters (the app drops answers to any older request),
/// so a newer request replaces a waiting one of its kind (whose reply is dropped unanswered)
/// and tells the one being answered to skip its remaining pictures. A screen request also
/// drops a waiting picture request (those pictures were for the screen being left) and is
/// answered first. Taps and scrolling faster than the disk can never pile up work.
pub struct Mailbox {
    shared: Arc<MailboxState>,
}

/// The two waiting requests.
#[derive(Default)]
struct Slots {
    screen: Option<(Request, Reply)>,
    pictures: Option<(PictureRequest, Reply)>,
}

/// What the worker thread takes next, with the numbers that tell when it is superseded.
enum Job {
    Screen {
        number: u64,
        request: Request,
        reply: Reply,
    },
    Pictures {
        screens: u64,
        number: u64,
        request: PictureRequest,
        reply: Reply,
    },
}

struct MailboxState {
    waiting: std::sync::Mutex<Slots>,
    wake: std::sync::Condvar,
    /// Screen requests posted so far; the one being answered is superseded once this moves on
    /// (and so is a picture request).
    posted: std::sync::atomic::AtomicU64,
    /// Picture requests posted so far; the one being answered is superseded once this moves
    /// on.
    pictures_posted: std::sync::atomic::AtomicU64,
    /// The app dropped its source: the thread ends.
    closed: std::sync::atomic::AtomicBool,
    /// The thread has ended (or died): requests are answered with a failure at once.
    stopped: std::sync::atomic::AtomicBool,
    /// Quiet spells in which the thread gave freed memory back.
    releases: std::sync::atomic::AtomicU64,
}

impl MailboxState {
    fn new() -> MailboxState {
        MailboxState {
            waiting: std::sync::Mutex::new(Slots::default()),
            wake: std::sync::Condvar::new(),
            posted: std::sync::atomic::AtomicU64::new(0),
            pictures_posted: std::sync::atomic::AtomicU64::new(0),
            closed: std::sync::atomic::AtomicBool::new(false),
            stopped: std::sync::atomic::AtomicBool::new(false),
            releases: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        // A panic while holding this lock cannot leave a slot half-written.
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next request, a screen before pictures, waiting for one; `None` once closed.
    fn next(&self) -> Option<Job> {
        // Without a time limit it never reports a quiet spell.
        self.next_within(None).unwrap_or_default()
    }

    /// [`MailboxState::next`], or `Err(Idle)` when nothing came within `idle` (`None`: wait
    /// as long as it takes).
    fn next_within(&self, idle: Option<Duration>) -> Result<Option<Job>, Idle> {
        use std::sync::atomic::Ordering;
        let deadline = idle.map(|idle| std::time::Instant::now() + idle);
        let mut slots = self.lock();
        loop {
            if let Some((request, reply)) = slots.screen.take() {
                return Ok(Some(Job::Screen {
                    number: self.posted.load(Ordering::SeqCst),
                    request,
                    reply,
                }));
            }
            if let Some((request, reply)) = slots.pictures.take() {
                return Ok(Some(Job::Pictures {
                    screens: self.posted.load(Ordering::SeqCst),
                    number: self.pictures_posted.load(Ordering::SeqCst),
                    request,
                    reply,
                }));
            }
            if self.closed.load(Ordering::SeqCst) {
                return Ok(None);
            }
            slots = match deadline {
                None => self.wake.wait(slots).unwrap_or_else(|e| e.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(std::time::Instant::now());
                    if left.is_zero() {
                        return Err(Idle);
                    }
                    self.wake
                        .wait_timeout(slots, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
    }
}

/// No request came for a while.
#[derive(Debug, PartialEq, Eq)]
struct Idle;

/// How long the worker waits without a request before it gives the memory it freed back to the
/// system ([`crate::malloc::release_free`]): a visitor reading a page, or gone. Once per quiet
/// spell, so it costs nothing while someone taps through the screens.
pub const RELEASE_MEMORY_AFTER: Duration = Duration::from_secs(2);

/// Marks the mailbox stopped when the worker thread ends, also by a panic.
struct StoppedOnExit(Arc<MailboxState>);

impl Drop for StoppedOnExit {
    fn drop(&mut self) {
        self.0
            .stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let mut slots = self.0.lock();
        // Whoever is waiting for a screen hears it was not answered; waiting pictures are
        // simply not made (the screen keeps its placeholders).
        let screen = slots.screen.take();
        slots.pictures = None;
        drop(slots);
        if let Some((_, mut reply)) = screen {
            reply(Delivery::Failed("content worker stopped".into()));
        }
    }
}

impl Drop for Mailbox {
    fn drop(&mut self) {
        self.shared
            .closed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.shared.wake.notify_all();
    }
}

impl Mailbox {
    fn post(&self, request: Request, mut reply: Reply) {
        use std::sync::atomic::Ordering;
        if self.shared.stopped.load(Ordering::SeqCst) {
            reply(Delivery::Failed("content worker stopped".into()));
            return;
        }
        let mut slots = self.shared.lock();
        self.shared.posted.fetch_add(1, Ordering::SeqCst);
        // A request still waiting is for a screen already left: dropped unanswered, and so
        // are the pictures asked for it.
        slots.screen = Some((request, reply));
        let dropped = slots.pictures.take();
        drop(slots);
        drop(dropped);
        self.shared.wake.notify_one();
    }

    fn post_pictures(&self, request: PictureRequest, reply: Reply) {
        use std::sync::atomic::Ordering;
        if self.shared.stopped.load(Ordering::SeqCst) {
            return;
        }
        let mut slots = self.shared.lock();
        self.shared.pictures_posted.fetch_add(1, Ordering::SeqCst);
        let dropped = slots.pictures.replace((request, reply));
        drop(slots);
        drop(dropped);
        self.shared.wake.notify_one();
    }
}

impl ContentSource {
    pub fn inline(worker: Worker) -> ContentSource {
        ContentSource::Inline(Box::new(std::cell::RefCell::new(worker)))
    }

    /// Starts the worker thread with the default picture budget; opening the cache happens
    /// there too.
    pub fn spawn(data_dir: PathBuf, loc: Arc<Localizer>) -> std::io::Result<ContentSource> {
        ContentSource::spawn_with_budget(data_dir, loc, PICTURE_CACHE_BYTES)
    }

    /// Starts the worker thread, keeping at most `picture_bytes` of decoded pictures.
    pub fn spawn_with_budget(
        data_dir: PathBuf,
        loc: Arc<Localizer>,
        picture_bytes: usize,
    ) -> std::io::Result<ContentSource> {
        let shared = Arc::new(MailboxState::new());
        let state = shared.clone();
        std::thread::Builder::new()
            .name("content".into())
            .spawn(move || {
                use std::sync::atomic::Ordering;
                let _stopped = StoppedOnExit(state.clone());
                let mut worker = match Worker::open(&data_dir, loc) {
                    Ok(mut w) => {
                        w.set_picture_budget(picture_bytes);
                        w
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "no content cache could be opened");
                        while let Some(job) = state.next() {
                            if let Job::Screen { mut reply, .. } = job {
                                reply(Delivery::Failed(e.to_string()));
                            }
                        }
                        return;
                    }
                };
                loop {
                    let job = match state.next_within(Some(RELEASE_MEMORY_AFTER)) {
                        Ok(job) => job,
                        Err(Idle) => {
                            let released = crate::malloc::release_free();
                            state.releases.fetch_add(1, Ordering::SeqCst);
                            tracing::trace!(
                                released,
                                "content worker idle: freed memory given back"
                            );
                            state.next()
                        }
                    };
                    let Some(job) = job else {
                        break;
                    };
                    match job {
                        Job::Screen {
                            number,
                            request,
                            mut reply,
                        } => {
                            let superseded = || state.posted.load(Ordering::SeqCst) != number;
                            #[cfg(feature = "fault-hooks")]
                            crate::faults::panic_if("content-worker-panic");
                            worker.handle_until(&request, &mut reply, &superseded);
                        }
                        Job::Pictures {
                            screens,
                            number,
                            request,
                            mut reply,
                        } => {
                            let superseded = || {
                                state.posted.load(Ordering::SeqCst) != screens
                                    || state.pictures_posted.load(Ordering::SeqCst) != number
                            };
                            worker.handle_pictures(&request, &mut reply, &superseded);
                        }
                    }
                }
            })?;
        Ok(ContentSource::Thread(Mailbox { shared }))
    }

    /// Asks for a screen; `reply` gets the answers (see [`Reply`]). On the worker thread a
    /// newer request supersedes this one: if it is still waiting, `reply` is dropped
    /// unanswered; if it is being answered, its remaining pictures are skipped.
    pub fn request(&self, request: Request, reply: impl FnMut(Delivery) + Send + 'static) {
        let mut reply: Reply = Box::new(reply);
        match self {
            ContentSource::Inline(worker) => match worker.try_borrow_mut() {
                Ok(mut worker) => worker.handle(&request, &mut reply),
                // Only a reply that asked for content again could get here.
                Err(_) => reply(Delivery::Failed("the content worker is busy".into())),
            },
            ContentSource::Thread(mailbox) => mailbox.post(request, reply),
        }
    }

    /// Asks for pictures of the screen shown (see [`PictureRequest`]); `reply` gets them in
    /// batches. On the worker thread a newer picture request or any screen request supersedes
    /// this one the same way as [`ContentSource::request`]; nothing is answered for a screen
    /// the worker has moved past.
    pub fn request_pictures(
        &self,
        request: PictureRequest,
        reply: impl FnMut(Delivery) + Send + 'static,
    ) {
        let mut reply: Reply = Box::new(reply);
        match self {
            ContentSource::Inline(worker) => match worker.try_borrow_mut() {
                Ok(mut worker) => worker.handle_pictures(&request, &mut reply, &|| false),
                Err(_) => tracing::debug!("pictures asked for while the worker answers"),
            },
            ContentSource::Thread(mailbox) => mailbox.post_pictures(request, reply),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    fn request(screen: Screen) -> Request {
        let at = chrono::NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M")
            .expect("time");
        Request {
            screen,
            lang: Lang::Zh,
            now: crate::clock::Clock::fixed(crate::clock::DEFAULT_TZ, at).now(),
        }
    }

    #[test]
    fn the_mailbox_tells_a_quiet_spell_from_a_closed_one() {
        let mailbox = MailboxState::new();
        let waited = std::time::Instant::now();
        assert_eq!(
            mailbox
                .next_within(Some(Duration::from_millis(30)))
                .map(|job| job.is_some()),
            Err(Idle)
        );
        assert!(waited.elapsed() >= Duration::from_millis(30));
        mailbox
            .closed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(
            mailbox
                .next_within(Some(Duration::from_secs(30)))
                .map(|job| job.is_some()),
            Ok(false),
            "closed: the thread ends at once"
        );
    }

    #[test]
    fn an_idle_worker_gives_memory_back_once_a_quiet_spell_and_answers_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let source = ContentSource::spawn(dir.path().to_path_buf(), loc).expect("spawns");
        let ContentSource::Thread(mailbox) = &source else {
            panic!("a thread");
        };
        let releases = || {
            mailbox
                .shared
                .releases
                .load(std::sync::atomic::Ordering::SeqCst)
        };
        let answered = |screen: Screen| {
            let (tx, rx) = mpsc::channel();
            source.request(request(screen), move |d| {
                if matches!(d, Delivery::Done) {
                    let _ = tx.send(());
                }
            });
            rx.recv_timeout(Duration::from_secs(60)).expect("answered");
        };
        let until = |n: u64| {
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            while releases() < n {
                assert!(std::time::Instant::now() < deadline, "never released");
                std::thread::sleep(Duration::from_millis(50));
            }
        };
        answered(Screen::Section("folk-culture".into()));
        until(1);
        // Once a quiet spell: it then waits for the next request without waking up.
        std::thread::sleep(RELEASE_MEMORY_AFTER * 2);
        assert_eq!(releases(), 1);
        answered(Screen::Home);
        until(2);
    }

    #[test]
    fn a_burst_of_requests_answers_the_last_and_skips_the_rest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let source = ContentSource::spawn(dir.path().to_path_buf(), loc).expect("spawns");
        let (tx, rx) = mpsc::channel::<(usize, &'static str)>();
        // Twenty taps through sections with pictures, faster than any disk.
        let sections = [
            "folk-culture",
            "daily-living",
            "beautiful-zhongshan",
            "somerset-harbour",
        ];
        for i in 0..20 {
            let tx = tx.clone();
            source.request(request(Screen::Section(sections[i % 4].into())), move |d| {
                let kind = match d {
                    Delivery::View(..) => "view",
                    Delivery::Pictures(_) => "pictures",
                    Delivery::Failed(_) => "failed",
                    Delivery::Done => "done",
                };
                let _ = tx.send((i, kind));
            });
        }
        drop(tx);
        let mut answers = Vec::new();
        while let Ok(a) = rx.recv_timeout(Duration::from_secs(60)) {
            answers.push(a);
            if a_last(&answers) == (19, "done") {
                break;
            }
        }
        assert_eq!(
            a_last(&answers),
            (19, "done"),
            "the last screen is answered"
        );
        assert_eq!(
            answers[answers.len() - 2],
            (19, "pictures"),
            "the last screen gets its pictures, then is done"
        );
        let views = answers.iter().filter(|(_, k)| *k == "view").count();
        assert!(views < 20, "waiting requests were superseded: {answers:?}");
        // Only the request being answered when the burst came, and the last one, got pictures.
        let with_pictures: std::collections::BTreeSet<usize> = answers
            .iter()
            .filter(|(_, k)| *k == "pictures")
            .map(|(i, _)| *i)
            .collect();
        assert!(with_pictures.len() <= 2, "{answers:?}");
        assert!(answers.iter().all(|(_, k)| *k != "failed"));
    }

    /// What one request delivered: the view and the batches of pictures, in order.
    fn answer(worker: &mut Worker, screen: Screen) -> (ScreenView, Vec<Vec<PictureSlot>>) {
        let mut view = None;
        let mut batches = Vec::new();
        let mut done = 0;
        worker.handle(&request(screen), &mut |d| match d {
            Delivery::View(v, _) => view = Some(*v),
            Delivery::Pictures(p) => batches.push(p.into_iter().map(|(slot, _)| slot).collect()),
            Delivery::Failed(e) => panic!("failed: {e}"),
            Delivery::Done => done += 1,
        });
        assert_eq!(done, 1, "one `Done` a request");
        (view.expect("a view"), batches)
    }

    /// The demo's section with the most thumbnails, and its view.
    fn largest_section(worker: &mut Worker) -> (String, ScreenView) {
        let ids: Vec<String> = worker
            .store()
            .sections()
            .expect("sections")
            .into_iter()
            .map(|s| s.id)
            .collect();
        ids.into_iter()
            .map(|id| {
                let (view, _) = answer(worker, Screen::Section(id.clone()));
                (id, view)
            })
            .max_by_key(|(_, view)| view.pictures().len())
            .expect("a section")
    }

    #[test]
    fn the_slideshow_lets_go_of_its_pictures_when_a_visitor_wakes_the_kiosk() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let mut worker = Worker::open(dir.path(), loc).expect("opens");
        // Home's pictures (section icons) are not cached pictures: what is held is the
        // slideshow's alone.
        answer(&mut worker, Screen::Home);
        let at_home = worker.pictures().held_bytes();
        let (view, pictures) = answer(&mut worker, Screen::Attract);
        assert!(matches!(view, ScreenView::Attract(_)), "{view:?}");
        assert!(
            !pictures.concat().is_empty(),
            "the slides come with pictures"
        );
        let slideshow = worker.pictures().held_bytes();
        // Six slides at the screen's width: megabytes, not a few thumbnails.
        assert!(
            slideshow > at_home + 4_000_000,
            "held while the slideshow shows: {slideshow} bytes"
        );
        // A visitor touches (home) and taps on: the slideshow's pictures are no longer held.
        // A kiosk goes slideshow → visitor → slideshow all day: it never holds more.
        let decodes = worker.pictures().decodes();
        for _ in 0..20 {
            answer(&mut worker, Screen::Home);
            assert_eq!(
                worker.pictures().held_bytes(),
                at_home,
                "released on waking"
            );
            answer(&mut worker, Screen::schedule());
            answer(&mut worker, Screen::Attract);
            assert_eq!(worker.pictures().held_bytes(), slideshow);
        }
        // Beyond that, only the budget keeps pictures: a round decodes at most its slides.
        let slides = pictures.concat().len() as u64;
        assert!(worker.pictures().decodes() <= decodes + 20 * slides);
        assert!(worker.pictures().used_bytes() <= PICTURE_CACHE_BYTES);
    }

    #[test]
    fn the_worker_reads_with_a_small_page_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let worker = Worker::open(dir.path(), loc).expect("opens");
        assert_eq!(
            worker.store().page_cache_kib().expect("reads"),
            READ_PAGE_CACHE_KIB
        );
    }

    #[test]
    fn a_section_revisited_from_its_article_is_not_decoded_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let mut worker = Worker::open(dir.path(), loc).expect("opens");
        // No budget at all: only what the pages still show can spare a decode (the scale
        // data's largest section overflows the default budget the same way).
        worker.set_picture_budget(0);
        let (section, view) = largest_section(&mut worker);
        let ScreenView::Section(list) = &view else {
            panic!("not a section: {view:?}")
        };
        let thumbs = view.pictures().len();
        assert!(
            thumbs >= 5,
            "the demo's largest section has {thumbs} thumbnails"
        );
        let article = list.cards[0].id.clone();

        let (_, first) = answer(&mut worker, Screen::Section(section.clone()));
        assert_eq!(first.concat().len(), thumbs);
        answer(&mut worker, Screen::Article(article.clone()));
        let before = worker.pictures().decodes();
        let (_, again) = answer(&mut worker, Screen::Section(section.clone()));
        assert_eq!(
            worker.pictures().decodes(),
            before,
            "the section's list still holds its thumbnails: nothing is decoded again"
        );
        assert_eq!(
            again, first,
            "and every thumbnail is delivered again, in order"
        );
        assert!(worker.pictures().held_bytes() > 0);

        // Another section replaces the list: the first one's thumbnails are gone with it, and
        // coming back decodes them (the budget is 0), so nothing is held beyond what shows.
        let other = worker
            .store()
            .sections()
            .expect("sections")
            .into_iter()
            .map(|s| s.id)
            .find(|id| *id != section)
            .expect("a second section");
        answer(&mut worker, Screen::Section(other.clone()));
        answer(&mut worker, Screen::Article(article));
        let before = worker.pictures().decodes();
        answer(&mut worker, Screen::Section(section));
        assert!(
            worker.pictures().decodes() > before,
            "after section `{other}`, the first section's thumbnails were decoded again"
        );
    }

    #[test]
    fn home_lets_go_of_the_pictures_of_the_pages_below_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let mut worker = Worker::open(dir.path(), loc).expect("opens");
        // No budget: what the worker keeps is only what pages hold.
        worker.set_picture_budget(0);
        answer(&mut worker, Screen::Home);
        let at_home = worker.pictures().held_bytes();
        let (section, view) = largest_section(&mut worker);
        let ScreenView::Section(list) = &view else {
            panic!("not a section: {view:?}")
        };
        let article = list
            .cards
            .iter()
            .find(|c| c.thumb.is_some())
            .expect("a card with a picture")
            .id
            .clone();
        answer(&mut worker, Screen::Section(section.clone()));
        answer(&mut worker, Screen::Article(article.clone()));
        let station = worker
            .store()
            .stations()
            .expect("stations")
            .into_iter()
            .next()
            .expect("a station")
            .id;
        answer(&mut worker, Screen::Station(Some(station)));
        let below = worker.pictures().held_bytes();
        assert!(
            below > at_home + 1_000_000,
            "a section's thumbnails, an article's and a station's pictures: {below} bytes"
        );

        // Back home: nothing below it can be gone back to, so nothing of it is held.
        answer(&mut worker, Screen::Home);
        assert_eq!(worker.pictures().held_bytes(), at_home);
        // The section opened again (by the next visitor) gets its thumbnails decoded again.
        let before = worker.pictures().decodes();
        let (_, again) = answer(&mut worker, Screen::Section(section));
        assert!(!again.concat().is_empty());
        assert!(worker.pictures().decodes() > before);
    }

    #[test]
    fn pictures_arrive_in_small_batches_in_view_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let mut worker = Worker::open(dir.path(), loc).expect("opens");
        let (section, view) = largest_section(&mut worker);
        worker.set_picture_budget(0);
        let (_, batches) = answer(&mut worker, Screen::Section(section));
        assert!(batches.len() >= 2, "{batches:?}");
        assert!(
            batches
                .iter()
                .all(|b| !b.is_empty() && b.len() <= PICTURE_BATCH)
        );
        let in_view_order: Vec<PictureSlot> = view.pictures().into_iter().map(|p| p.slot).collect();
        assert_eq!(
            batches.concat(),
            in_view_order,
            "the first cards' thumbnails come first"
        );
    }

    #[test]
    fn pictures_asked_after_the_view_come_for_the_screen_shown_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let mut worker = Worker::open(dir.path(), loc).expect("opens");
        let (section, view) = largest_section(&mut worker);
        worker.set_picture_budget(0);
        answer(&mut worker, Screen::Section(section.clone()));
        let thumbs: Vec<PictureSpec> = view
            .pictures()
            .into_iter()
            .filter(|p| matches!(p.slot, PictureSlot::Thumb(_)))
            .collect();
        assert!(thumbs.len() >= 2);
        let asked = |worker: &mut Worker, screen: Screen, specs: Vec<PictureSpec>| {
            let mut slots = Vec::new();
            let request = PictureRequest { screen, specs };
            worker.handle_pictures(
                &request,
                &mut |d| match d {
                    Delivery::Pictures(p) => slots.extend(p.into_iter().map(|(slot, _)| slot)),
                    Delivery::View(..) => panic!("no view for pictures"),
                    Delivery::Failed(e) => panic!("failed: {e}"),
                    Delivery::Done => panic!("later pictures come without `Done`"),
                },
                &|| false,
            );
            slots
        };
        // The last two rows only, as a list scrolled to its end asks: those, in that order,
        // and the page now holds just them.
        let last_two: Vec<PictureSpec> = thumbs[thumbs.len() - 2..].iter().rev().cloned().collect();
        let slots = asked(
            &mut worker,
            Screen::Section(section.clone()),
            last_two.clone(),
        );
        assert_eq!(
            slots,
            last_two.iter().map(|p| p.slot.clone()).collect::<Vec<_>>()
        );
        let one = match &last_two[0].source {
            PictureSource::Blob(b) => b.width as usize * b.height as usize * 4,
            other => panic!("not a blob: {other:?}"),
        };
        let two = match &last_two[1].source {
            PictureSource::Blob(b) => b.width as usize * b.height as usize * 4,
            other => panic!("not a blob: {other:?}"),
        };
        assert_eq!(worker.pictures().held_bytes(), one + two);

        // The visitor opened another screen: pictures asked for the section are not made.
        answer(&mut worker, Screen::Home);
        let decodes = worker.pictures().decodes();
        assert!(asked(&mut worker, Screen::Section(section), thumbs).is_empty());
        assert_eq!(worker.pictures().decodes(), decodes);
    }

    #[test]
    fn a_section_comes_with_its_first_thumbnails_only() {
        let specs: Vec<PictureSpec> = (0..FIRST_THUMBS + 5)
            .map(|i| PictureSpec::qr(PictureSlot::Thumb(format!("a{i}")), "x"))
            .chain([PictureSpec::qr(
                PictureSlot::Qr(crate::view::QrFor::ArticleLink("b".into())),
                "y",
            )])
            .collect();
        let kept = first_thumbs_only(specs.clone());
        assert_eq!(kept.len(), FIRST_THUMBS + 1);
        assert_eq!(kept[..FIRST_THUMBS], specs[..FIRST_THUMBS]);
        assert!(matches!(kept[FIRST_THUMBS].slot, PictureSlot::Qr(_)));
    }

    #[test]
    fn a_screen_request_drops_the_pictures_waiting_for_the_screen_left() {
        // No thread takes from this mailbox: what waits in it is what the test sees.
        let mailbox = Mailbox {
            shared: Arc::new(MailboxState::new()),
        };
        let pictures = |tx: mpsc::Sender<()>| -> Reply {
            Box::new(move |_| {
                let _ = tx.send(());
            })
        };
        let asked = |n: usize| PictureRequest {
            screen: Screen::Home,
            specs: vec![PictureSpec::qr(PictureSlot::Thumb("a".into()), "x"); n],
        };
        let (first, first_rx) = mpsc::channel();
        mailbox.post_pictures(asked(1), pictures(first));
        let (second, second_rx) = mpsc::channel();
        mailbox.post_pictures(asked(2), pictures(second));
        // A newer picture request replaced the waiting one (its reply dropped unanswered).
        assert_eq!(first_rx.recv(), Err(mpsc::RecvError));
        let (screen, screen_rx) = mpsc::channel();
        mailbox.post(request(Screen::Home), pictures(screen));
        assert_eq!(
            second_rx.recv(),
            Err(mpsc::RecvError),
            "the screen request dropped the pictures waiting"
        );
        // The thread takes the screen, then finds nothing more waiting.
        let Some(Job::Screen { mut reply, .. }) = mailbox.shared.next() else {
            panic!("the screen request first")
        };
        reply(Delivery::Failed("test".into()));
        assert_eq!(screen_rx.recv(), Ok(()));
        let slots = mailbox.shared.lock();
        assert!(slots.screen.is_none() && slots.pictures.is_none());
    }

    fn a_last(answers: &[(usize, &'static str)]) -> (usize, &'static str) {
        answers.last().copied().unwrap_or((usize::MAX, ""))
    }
}
