//! The content worker: owns the cache connection, builds screens and decodes pictures, so the UI
//! thread never touches the disk. In tests and headless snapshots the same work runs inline.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};
use protocol::text::{Lang, Text};
use slint::{Rgba8Pixel, SharedPixelBuffer};

use crate::demo;
use crate::i18n::Localizer;
use crate::media::{self, PictureCache};
use crate::store::content::Opened;
use crate::store::{ContentStore, Outbox};
use crate::view::{self, Ctx, PictureSlot, PictureSource, Screen, ScreenView};

/// Bytes of decoded pictures kept for revisits.
const PICTURE_CACHE_BYTES: usize = 24 * 1024 * 1024;
/// Pixels per QR module.
const QR_MODULE_PX: u32 = 6;

/// What the screen is asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub screen: Screen,
    pub lang: Lang,
    pub now: DateTime<FixedOffset>,
}

/// What the status band shows about the content.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContentStatus {
    pub district: Option<Text>,
    /// The district's IANA zone.
    pub timezone: Option<String>,
    /// `demo` or `server`.
    pub source: Option<String>,
    pub last_sync: Option<DateTime<Utc>>,
}

/// The worker's answers, in the order they come: the view first, then its pictures.
pub enum Delivery {
    /// Boxed: a view is large next to the other answers, and they travel through channels.
    View(Box<ScreenView>, ContentStatus),
    /// The view's pictures, decoded or drawn, each tagged with where it goes.
    Pictures(Vec<(PictureSlot, SharedPixelBuffer<Rgba8Pixel>)>),
    /// The cache could not be read; the message is for the log.
    Failed(String),
}

/// Builds screens from one cache connection.
pub struct Worker {
    store: ContentStore,
    loc: Arc<Localizer>,
    pictures: PictureCache,
    /// Where the cache is: the maintenance screen measures its disk and reads its outbox.
    data_dir: PathBuf,
    /// Opened when the maintenance screen first asks for it.
    outbox: Option<Outbox>,
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
        Ok(Worker {
            store,
            loc,
            pictures: PictureCache::new(PICTURE_CACHE_BYTES),
            data_dir,
            outbox: None,
        })
    }

    pub fn store(&self) -> &ContentStore {
        &self.store
    }

    /// Answers one request, calling `deliver` once for the view and once for its pictures.
    pub fn handle(&mut self, request: &Request, deliver: &mut dyn FnMut(Delivery)) {
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
        let specs = view.pictures();
        deliver(Delivery::View(Box::new(view), self.status()));

        let mut decoded = Vec::new();
        for spec in specs {
            let made = match &spec.source {
                PictureSource::Blob(blob) => self.pictures.get(self.store.blobs(), blob),
                PictureSource::Qr(text) => media::qr(text, QR_MODULE_PX),
            };
            match made {
                Ok(buffer) => decoded.push((spec.slot, buffer)),
                // A missing or broken image leaves its placeholder; the rest of the page shows.
                Err(e) => tracing::warn!(error = %e, slot = ?spec.slot, "picture not shown"),
            }
        }
        if !decoded.is_empty() {
            deliver(Delivery::Pictures(decoded));
        }
    }

    fn status(&self) -> ContentStatus {
        let district = self.store.district().ok().flatten();
        ContentStatus {
            timezone: district.as_ref().map(|d| d.timezone.clone()),
            district: district.map(|d| d.name),
            source: self.store.meta("source").ok().flatten(),
            last_sync: self
                .store
                .meta("last_sync")
                .ok()
                .flatten()
                .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                .map(|t| t.with_timezone(&Utc)),
        }
    }
}

/// Opens the cache and makes sure it has content.
pub fn open_seeded(data_dir: &Path) -> anyhow::Result<ContentStore> {
    let (mut store, opened) = ContentStore::open_or_rebuild(data_dir)?;
    if opened != Opened::Healthy {
        let bundle = demo::bundle()?;
        store.import_bundle(&bundle, "demo")?;
        tracing::info!(dir = %data_dir.display(), ?opened, "imported the embedded demo content");
    }
    Ok(store)
}

/// Where a request's answers go: called once for the view and once for its pictures, on the
/// worker thread (so it must be `Send`) or, inline, before [`ContentSource::request`] returns.
pub type Reply = Box<dyn FnMut(Delivery) + Send>;

/// Where screens come from: a worker thread (the running kiosk) or inline (tests, snapshots).
pub enum ContentSource {
    /// Answers on the calling thread before `request` returns. Boxed: a worker is large next
    /// to a channel sender.
    Inline(Box<std::cell::RefCell<Worker>>),
    Thread(std::sync::mpsc::Sender<(Request, Reply)>),
}

impl ContentSource {
    pub fn inline(worker: Worker) -> ContentSource {
        ContentSource::Inline(Box::new(std::cell::RefCell::new(worker)))
    }

    /// Starts the worker thread; opening the cache happens there too.
    pub fn spawn(data_dir: PathBuf, loc: Arc<Localizer>) -> std::io::Result<ContentSource> {
        let (tx, rx) = std::sync::mpsc::channel::<(Request, Reply)>();
        std::thread::Builder::new()
            .name("content".into())
            .spawn(move || {
                let mut worker = match Worker::open(&data_dir, loc) {
                    Ok(w) => w,
                    Err(e) => {
                        tracing::error!(error = %e, "no content cache could be opened");
                        for (_, mut reply) in rx {
                            reply(Delivery::Failed(e.to_string()));
                        }
                        return;
                    }
                };
                while let Ok((request, mut reply)) = rx.recv() {
                    worker.handle(&request, &mut reply);
                }
            })?;
        Ok(ContentSource::Thread(tx))
    }

    /// Asks for a screen; `reply` gets the answers (see [`Reply`]).
    pub fn request(&self, request: Request, reply: impl FnMut(Delivery) + Send + 'static) {
        let mut reply: Reply = Box::new(reply);
        match self {
            ContentSource::Inline(worker) => match worker.try_borrow_mut() {
                Ok(mut worker) => worker.handle(&request, &mut reply),
                // Only a reply that asked for content again could get here.
                Err(_) => reply(Delivery::Failed("the content worker is busy".into())),
            },
            ContentSource::Thread(tx) => {
                if let Err(std::sync::mpsc::SendError((_, mut reply))) = tx.send((request, reply)) {
                    reply(Delivery::Failed("content worker stopped".into()));
                }
            }
        }
    }
}
