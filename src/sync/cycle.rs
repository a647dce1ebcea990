//! One sync cycle: push the outbox, pull and apply pages (or a whole snapshot), heartbeat.
//!
//! The cursor is the server's sequence number of the last applied page, never a clock. Each page
//! is applied with its cursor in ONE transaction after its checksum verified and every image it
//! references is on disk, so a crash at any point leaves the cache at the end of some page, and
//! the next cycle asks again from there (applying a page twice changes nothing). A snapshot
//! resync (first contact, `410`, another server or token) collects the pages in a staging area,
//! durable and resumable, and swaps the whole content at once when it reaches the head.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use chrono::{DateTime, Utc};
use protocol::wire::{
    ChangesPage, Heartbeat, MAX_SUBMISSIONS_PER_REQUEST, Op as WireOp, Submission, SubmissionId,
    SubmissionKind,
};
use serde::Serialize;
use tracing::Instrument;
use uuid::Uuid;

use super::blobs::{self, Downloaded};
use super::client::{Changes, Client};
use super::schedule::FullJitter;
use super::{Settings, SyncError};
use crate::store::content::MetaUpdate;
use crate::store::outbox::{Answer, Answered, Item};
use crate::store::{ContentStore, Op, Outbox};
use protocol::content::Record;

/// Name of the lock file that keeps two syncs of one data folder apart.
pub const LOCK_FILE: &str = "sync.lock";
/// Ask the server who this kiosk is (`GET /v1/kiosk`: its id and station) at least this often.
/// The district itself is a record of the feed since schema 3.
const IDENTITY_REFRESH: chrono::TimeDelta = chrono::TimeDelta::hours(6);
/// Outbox requests per cycle at most (100 items each).
const MAX_PUSH_BATCHES: usize = 50;

/// What the outbox push did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushReport {
    pub sent: usize,
    pub accepted: usize,
    pub duplicate: usize,
    pub rejected: usize,
    pub conflict: usize,
}

/// What one cycle did, for the log, `kiosk sync --once` and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub server: String,
    pub pushed: PushReport,
    /// Cursor before and after.
    pub cursor_before: u64,
    pub cursor_after: u64,
    /// The server's head as last seen.
    pub head: Option<u64>,
    /// The server answered `304 Not Modified`.
    pub not_modified: bool,
    /// Pages received (verified) and applied, including the pages of a snapshot.
    pub pages: usize,
    pub puts: usize,
    pub deletes: usize,
    /// A snapshot replaced the whole content (first sync, `410`, another server).
    pub snapshot: bool,
    /// Pages collected in the staging area towards a snapshot not finished yet.
    pub staged_pages: usize,
    /// The server holds no content yet (nothing was pushed); the kiosk keeps its own.
    pub server_empty: bool,
    pub images: usize,
    pub image_bytes: u64,
    /// Unused images deleted after their grace period.
    pub images_removed: usize,
    /// The content changed: the screen re-reads.
    pub content_changed: bool,
    pub outbox_depth: u64,
    /// Answered outbox items deleted after their retention.
    pub outbox_pruned: u64,
    /// Set when the outbox push failed but the pull went on (a refusal that retrying will not
    /// fix); the cycle then still ends in an error.
    pub push_error: Option<String>,
    pub heartbeat_error: Option<String>,
    /// The server's clock minus the kiosk's, measured by the heartbeat (round trip halved).
    pub clock_skew_seconds: Option<i64>,
    /// The heartbeat's answer asked for a screenshot of the screen shown.
    pub screenshot_wanted: bool,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = &self.pushed;
        writeln!(f, "server   {}", self.server)?;
        if p.sent == 0 {
            writeln!(f, "pushed   nothing (outbox empty)")?;
        } else {
            writeln!(
                f,
                "pushed   {} outbox item(s): {} accepted, {} duplicate, {} rejected, {} conflict",
                p.sent, p.accepted, p.duplicate, p.rejected, p.conflict
            )?;
        }
        if let Some(e) = &self.push_error {
            writeln!(f, "         push failed: {e}")?;
        }
        let pulled = if self.not_modified {
            "nothing new (304 Not Modified)".to_string()
        } else if self.server_empty {
            "nothing: the server has no content yet; the kiosk keeps its own".to_string()
        } else {
            format!(
                "{} page(s): {} put(s), {} delete(s); {} image(s) downloaded ({} bytes)",
                self.pages, self.puts, self.deletes, self.images, self.image_bytes
            )
        };
        writeln!(f, "pulled   {pulled}")?;
        let applied = if self.snapshot {
            "a full snapshot replaced the content".to_string()
        } else if self.staged_pages > 0 {
            format!(
                "{} page(s) staged towards a snapshot; the content on screen is unchanged",
                self.staged_pages
            )
        } else if self.content_changed {
            format!("{} page(s)", self.pages)
        } else {
            "no change".to_string()
        };
        writeln!(f, "applied  {applied}")?;
        let head = self.head.map_or("?".to_string(), |h| h.to_string());
        writeln!(
            f,
            "cursor   {} -> {} (server head {head})",
            self.cursor_before, self.cursor_after
        )?;
        if self.images_removed > 0 {
            writeln!(f, "cleaned  {} unused image(s)", self.images_removed)?;
        }
        if self.outbox_pruned > 0 {
            writeln!(
                f,
                "outbox   {} waiting; {} old answer(s) deleted",
                self.outbox_depth, self.outbox_pruned
            )?;
        } else {
            writeln!(f, "outbox   {} waiting", self.outbox_depth)?;
        }
        if let Some(e) = &self.heartbeat_error {
            writeln!(f, "heartbeat failed: {e}")?;
        }
        if let Some(skew) = self.clock_skew_seconds.map(chrono::Duration::seconds)
            && skew.abs() > crate::clock::SKEW_TOLERANCE
        {
            writeln!(
                f,
                "clock    {}: the kiosk shows the server's time",
                crate::clock::describe_skew(skew)
            )?;
        }
        Ok(())
    }
}

/// The sync client of one data folder: its own connections to the cache and the outbox, and a
/// lock so no second sync runs on the same folder.
pub struct Syncer {
    settings: Settings,
    client: Client,
    store: ContentStore,
    outbox: Outbox,
    /// Outbox items answered since [`Syncer::take_answered`] was last called.
    answered: Vec<Uuid>,
    /// When this syncer last checked the images of the whole content and collected unused
    /// ones; `None` until its first successful cycle.
    housekept: Option<Instant>,
    /// Until when the server asked this kiosk to hold its submissions (429 + Retry-After):
    /// cycles before then pull content but send nothing.
    push_held_until: Option<Instant>,
    data_dir: PathBuf,
    _lock: File,
}

impl std::fmt::Debug for Syncer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Syncer")
            .field("server", &self.settings.server)
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

impl Syncer {
    /// Opens the cache and the outbox of `data_dir` and takes the sync lock.
    pub fn open(data_dir: &Path, settings: Settings) -> Result<Syncer, SyncError> {
        std::fs::create_dir_all(data_dir).map_err(|cause| SyncError::Io {
            path: data_dir.display().to_string(),
            cause,
        })?;
        let lock_path = data_dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|cause| SyncError::Io {
                path: lock_path.display().to_string(),
                cause,
            })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(SyncError::Busy(data_dir.display().to_string()));
            }
            Err(std::fs::TryLockError::Error(cause)) => {
                return Err(SyncError::Io {
                    path: lock_path.display().to_string(),
                    cause,
                });
            }
        }
        let (store, _) = ContentStore::open_or_rebuild(data_dir)?;
        let outbox = Outbox::open(data_dir)?;
        Ok(Syncer {
            client: Client::new(&settings)?,
            settings,
            store,
            outbox,
            answered: Vec::new(),
            housekept: None,
            push_held_until: None,
            data_dir: data_dir.to_path_buf(),
            _lock: lock,
        })
    }

    pub fn store(&self) -> &ContentStore {
        &self.store
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The outbox items the server answered since the last call (also when the cycle that
    /// received the answers failed later on), so the UI can show visitors their results.
    pub fn take_answered(&mut self) -> Vec<Uuid> {
        std::mem::take(&mut self.answered)
    }

    /// Runs one cycle and records its outcome in the cache's meta (`last_sync`, `last_error`,
    /// …) for the status line and the maintenance screen.
    ///
    /// Housekeeping (every image the content references is on disk; unused ones collected)
    /// reads the whole content, so it runs after a cycle that changed the content, on the
    /// first cycle of this syncer and otherwise every [`Settings::housekeeping`]: the cycle
    /// that finds nothing new (a `304`, every minute on every kiosk) touches no record.
    pub async fn cycle(&mut self) -> Result<Report, SyncError> {
        let generation = self.store.generation()?;
        let mut report = Report {
            server: self.settings.server.clone(),
            cursor_before: self.cursor()?,
            ..Report::default()
        };
        let attempt = Utc::now();
        let housekeeping_due = self
            .housekept
            .is_none_or(|at| at.elapsed() >= self.settings.housekeeping);
        let result = self.run(&mut report, generation, housekeeping_due).await;
        let (result, live) = match result {
            Ok(ran) => (Ok(ran.push_error), ran.live),
            Err(e) => (Err(e), None),
        };
        report.cursor_after = self.cursor()?;
        report.content_changed = self.store.generation()? != generation;
        report.outbox_depth = self.outbox.depth()?;

        // A heartbeat goes out whenever the server is reachable and talks to this kiosk.
        let heartbeat = !matches!(
            &result,
            Err(SyncError::Network { .. }
                | SyncError::UpgradeRequired { .. }
                | SyncError::Unauthorized { .. })
        );
        if heartbeat && let Err(e) = self.heartbeat(&mut report).await {
            tracing::info!(error = %e, "heartbeat not delivered");
            report.heartbeat_error = Some(e.to_string());
        }
        let now = rfc3339(attempt);
        let result = match result {
            Ok(Some(push)) => Err(push),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        let error = result.as_ref().err().map(ToString::to_string);
        // The cycle's bookkeeping in one transaction: one commit instead of one per key.
        let mut meta: Vec<MetaUpdate> = vec![
            ("sync_server", Some(&self.settings.server)),
            ("last_attempt", Some(&now)),
        ];
        match &error {
            None => meta.extend([
                ("last_sync", Some(now.as_str())),
                ("last_error", None),
                ("last_error_at", None),
            ]),
            Some(e) => meta.extend([
                ("last_error", Some(e.as_str())),
                ("last_error_at", Some(now.as_str())),
            ]),
        }
        self.store.update_meta(&meta)?;
        if result.is_ok() && (housekeeping_due || report.content_changed) {
            let _span = tracing::debug_span!("kiosk.housekeeping.collect_garbage").entered();
            // The content's images as this cycle found them, unless the content changed since.
            let live = match live {
                Some(live) if live.is_current(&self.store)? => Some(live.blobs),
                _ => None,
            };
            let grace = self.settings.image_grace;
            let collected = match &live {
                Some(live) => self.store.collect_garbage_of(Utc::now(), grace, live),
                None => self.store.collect_garbage(Utc::now(), grace),
            };
            match collected {
                Ok(g) => report.images_removed = g.removed.len(),
                Err(e) => tracing::warn!(error = %e, "cannot clean up unused images"),
            }
            self.housekept = Some(Instant::now());
        }
        result.map(|()| report)
    }

    fn cursor(&self) -> Result<u64, SyncError> {
        Ok(self.store.content_seq()?)
    }

    /// Push, then pull, then (when `housekeeping_due` or the content changed since
    /// `generation`) make sure every image the content references is on disk. `Ok(Some(e))`:
    /// the pull worked but the push was refused in a way retrying will not fix.
    async fn run(
        &mut self,
        report: &mut Report,
        generation: u64,
        housekeeping_due: bool,
    ) -> Result<Ran, SyncError> {
        let push_error = self.push(report).await?;
        // Answers older than the retention hold contacts nobody needs any more.
        let before = chrono::TimeDelta::from_std(self.settings.keep_answered)
            .ok()
            .and_then(|keep| Utc::now().checked_sub_signed(keep))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        report.outbox_pruned = self.outbox.prune_answered(before)?;
        let identity = self.settings.identity();
        let incremental = self.store.meta("source")?.as_deref() == Some("server")
            && self.store.meta("sync_identity")?.as_deref() == Some(identity.as_str())
            && self.cursor()? > 0;
        let snapshot = if incremental {
            match self.pull(report).await {
                Err(SyncError::CursorExpired(why)) => {
                    tracing::warn!(%why, "cursor expired; resyncing from a snapshot");
                    true
                }
                Err(e) => return Err(e),
                Ok(()) => false,
            }
        } else {
            true
        };
        // A snapshot knows the images of the content it swapped in: nothing is read again.
        let mut known = None;
        if snapshot && let Some(swapped_in) = self.snapshot(report).await? {
            known = Some(swapped_in);
        }
        // References of the content already held (a blob removed by hand, a grace period
        // shorter than an outage) are repaired too. Pages and snapshots fetched their own
        // images already, so this whole-content check waits for housekeeping.
        if !housekeeping_due && self.store.generation()? == generation {
            return Ok(Ran {
                push_error,
                live: None,
            });
        }
        let live = match known {
            Some(live) if live.is_current(&self.store)? => live,
            _ => {
                let _span = tracing::debug_span!("kiosk.housekeeping.live_refs").entered();
                LiveBlobs::read(&self.store)?
            }
        };
        let repaired = blobs::fetch_missing(
            &self.client,
            self.store.blobs(),
            &live.blobs,
            &self.settings,
        )
        .instrument(tracing::debug_span!("kiosk.housekeeping.live_images"))
        .await?;
        note_images(report, repaired);
        Ok(Ran {
            push_error,
            live: Some(live),
        })
    }

    /// Pushes pending outbox items, 100 per request, and records the server's verdicts.
    /// `Ok(Some(e))` when the server refused a request in a way retrying will not fix: the
    /// items stay pending and the pull goes on.
    async fn push(&mut self, report: &mut Report) -> Result<Option<SyncError>, SyncError> {
        if let Some(until) = self.push_held_until {
            let left = until.saturating_duration_since(Instant::now());
            if !left.is_zero() {
                report.push_error = Some(
                    SyncError::Throttled {
                        retry_after_secs: left.as_secs().max(1),
                    }
                    .to_string(),
                );
                return Ok(None);
            }
            self.push_held_until = None;
        }
        for _ in 0..MAX_PUSH_BATCHES {
            let items = self.outbox.pending(MAX_SUBMISSIONS_PER_REQUEST)?;
            if items.is_empty() {
                break;
            }
            let mut answers = Vec::new();
            let mut batch = Vec::new();
            for item in &items {
                match submission(item) {
                    Ok(s) => batch.push(s),
                    Err(why) => answers.push(Answered {
                        id: item.id,
                        answer: Answer::Rejected,
                        message: Some(why),
                        outcome: None,
                    }),
                }
            }
            if !batch.is_empty() {
                let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
                let results = match retrying(&self.settings, || self.client.submit(&batch)).await {
                    Ok(results) => results,
                    Err(e) => {
                        self.outbox.attempted(&ids, Some(&e.to_string()))?;
                        if let SyncError::Throttled { retry_after_secs } = e {
                            // Not a failure of this kiosk: the items wait, content flows.
                            tracing::warn!(retry_after_secs, "the server holds submissions");
                            self.push_held_until =
                                Instant::now().checked_add(Duration::from_secs(retry_after_secs));
                            report.push_error = Some(e.to_string());
                            return Ok(None);
                        }
                        if !matches!(e, SyncError::Refused { .. }) {
                            return Err(e);
                        }
                        // Retrying will not help this request; content still flows.
                        report.push_error = Some(e.to_string());
                        return Ok(Some(e));
                    }
                };
                report.pushed.sent += batch.len();
                for result in results {
                    let Ok(id) = Uuid::parse_str(&result.id) else {
                        continue;
                    };
                    if !ids.contains(&id) {
                        continue;
                    }
                    let answer = Answer::from(result.status);
                    match answer {
                        Answer::Accepted => report.pushed.accepted += 1,
                        Answer::Duplicate => report.pushed.duplicate += 1,
                        Answer::Rejected => report.pushed.rejected += 1,
                        Answer::Conflict => report.pushed.conflict += 1,
                    }
                    answers.push(Answered {
                        id,
                        answer,
                        message: (!answer.is_received()).then_some(result.message),
                        outcome: result.outcome,
                    });
                }
            }
            let answered = answers.len();
            self.outbox.answered(&answers)?;
            self.answered.extend(answers.iter().map(|a| a.id));
            if answered < items.len() {
                // The server left some unanswered; they stay pending for the next cycle.
                break;
            }
            if items.len() < MAX_SUBMISSIONS_PER_REQUEST {
                break;
            }
        }
        Ok(None)
    }

    /// Pulls pages from the cursor until caught up, applying each with its cursor.
    async fn pull(&mut self, report: &mut Report) -> Result<(), SyncError> {
        let mut since = self.cursor()?;
        let mut etag = self.store.meta("etag")?;
        let refresh_identity = self
            .store
            .meta("identity_checked_at")?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .is_none_or(|t| Utc::now() - t.with_timezone(&Utc) > IDENTITY_REFRESH);
        loop {
            let answer = retrying(&self.settings, || {
                self.client
                    .changes(since, self.settings.page_limit, etag.as_deref(), None)
            })
            .await?;
            let (page, records, page_etag) = match answer {
                Changes::NotModified => {
                    report.not_modified = true;
                    report.head = Some(since);
                    break;
                }
                Changes::Gone(why) => return Err(SyncError::CursorExpired(why)),
                Changes::Page {
                    page,
                    records,
                    etag,
                } => (page, records, etag),
            };
            report.head = Some(page.head);
            let ops = ops_of(&page, records)?;
            let downloaded = self
                .fetch_images_of(&ops)
                .instrument(tracing::debug_span!("kiosk.page.images"))
                .await?;
            note_images(report, downloaded);
            count(report, &page);
            let caught_up = page.to >= page.head;
            // The ETag names the head: it is worth sending only from a cursor at that head.
            let etag_now = page_etag.filter(|_| caught_up);
            let head = page.head.to_string();
            let meta: Vec<MetaUpdate> =
                vec![("etag", etag_now.as_deref()), ("server_head", Some(&head))];
            {
                let _span = tracing::debug_span!("kiosk.page.apply").entered();
                self.store.apply_synced(&ops, page.to, &meta)?;
            }
            since = page.to;
            etag = None;
            if caught_up {
                break;
            }
        }
        if refresh_identity {
            self.refresh_identity().await?;
        }
        Ok(())
    }

    /// Collects a whole snapshot in the staging area (resuming one collected earlier for the
    /// same server and token) and swaps it in when it reaches the head.
    ///
    /// Returns the images of the content it swapped in (`None` when it swapped nothing in).
    async fn snapshot(&mut self, report: &mut Report) -> Result<Option<LiveBlobs>, SyncError> {
        let identity = self.settings.identity();
        let mut since = match self.store.staging_state()? {
            Some((id, seq)) if id == identity => seq,
            Some(_) => {
                self.store.clear_staging()?;
                0
            }
            None => 0,
        };
        // The head the snapshot began at: stored with the staged pages, sent with every later
        // page so the server serves them even below its purge horizon.
        let mut snapshot_head = if since > 0 {
            self.store.staging_head()?
        } else {
            None
        };
        let mut restarted = false;
        let limit = self.settings.page_limit;
        loop {
            let head_param = snapshot_head.filter(|_| since > 0);
            let answer = retrying(&self.settings, || {
                self.client.changes(since, limit, None, head_param)
            })
            .await?;
            let (page, records, etag) = match answer {
                Changes::Page {
                    page,
                    records,
                    etag,
                } => (page, records, etag),
                Changes::Gone(why) if since > 0 && !restarted => {
                    // The server purged deletions newer than this snapshot's start (it waited
                    // in staging for a long time): begin it again.
                    tracing::warn!(%why, "staged snapshot refused; starting it again");
                    self.store.clear_staging()?;
                    since = 0;
                    snapshot_head = None;
                    restarted = true;
                    continue;
                }
                Changes::Gone(why) => return Err(SyncError::CursorExpired(why)),
                Changes::NotModified => {
                    return Err(SyncError::BadAnswer(
                        "304 Not Modified to a request without If-None-Match".into(),
                    ));
                }
            };
            report.head = Some(page.head);
            if since == 0 && page.head == 0 {
                // Nothing was ever published: keep showing what the kiosk has.
                report.server_empty = true;
                return Ok(None);
            }
            let ops = ops_of(&page, records)?;
            let downloaded = self
                .fetch_images_of(&ops)
                .instrument(tracing::debug_span!("kiosk.page.images"))
                .await?;
            note_images(report, downloaded);
            count(report, &page);
            let began_at = *snapshot_head.get_or_insert(page.head);
            {
                let _span = tracing::debug_span!("kiosk.page.stage").entered();
                self.store.stage(&ops, page.to, &identity, began_at)?;
            }
            report.staged_pages += 1;
            since = page.to;
            if page.to >= page.head {
                // The staging area is read once: for its images, then for the swap.
                let (staged, staged_blobs) = {
                    let _span = tracing::debug_span!("kiosk.snapshot.staged_refs").entered();
                    let staged = self.store.staged()?;
                    let blobs = blobs_of(staged.records());
                    (staged, blobs)
                };
                let downloaded = blobs::fetch_missing(
                    &self.client,
                    self.store.blobs(),
                    &staged_blobs,
                    &self.settings,
                )
                .instrument(tracing::debug_span!("kiosk.snapshot.staged_images"))
                .await?;
                note_images(report, downloaded);
                let info = retrying(&self.settings, || self.client.kiosk()).await?;
                let head = page.head.to_string();
                let checked = rfc3339(Utc::now());
                let meta: Vec<MetaUpdate> = vec![
                    ("etag", etag.as_deref()),
                    ("sync_identity", Some(&identity)),
                    ("server_head", Some(&head)),
                    ("kiosk_id", Some(&info.kiosk_id)),
                    ("station", Some(&info.station)),
                    ("identity_checked_at", Some(&checked)),
                    // The district came as a record; a pre-schema-3 copy would only go stale.
                    ("district", None),
                ];
                let _span = tracing::debug_span!("kiosk.snapshot.replace").entered();
                self.store.replace_with_staged(staged, page.to, &meta)?;
                report.snapshot = true;
                report.staged_pages = 0;
                return Ok(Some(LiveBlobs {
                    generation: self.store.generation()?,
                    blobs: staged_blobs,
                }));
            }
        }
    }

    /// Downloads the images the puts of a page reference that are not on disk yet.
    async fn fetch_images_of(&self, ops: &[Op]) -> Result<Downloaded, SyncError> {
        let wanted: BTreeSet<String> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Put(record) => Some(record.blobs()),
                Op::Delete(..) => None,
            })
            .flatten()
            .map(str::to_string)
            .collect();
        blobs::fetch_missing(&self.client, self.store.blobs(), &wanted, &self.settings).await
    }

    /// Learns who the server thinks this kiosk is (its id and station).
    async fn refresh_identity(&mut self) -> Result<(), SyncError> {
        let info = retrying(&self.settings, || self.client.kiosk()).await?;
        self.store.set_meta("kiosk_id", &info.kiosk_id)?;
        self.store.set_meta("station", &info.station)?;
        self.store
            .set_meta("identity_checked_at", &rfc3339(Utc::now()))?;
        Ok(())
    }

    async fn heartbeat(&mut self, report: &mut Report) -> Result<(), SyncError> {
        let clock = &self.settings.clock;
        let sent = clock.kiosk_now();
        let heartbeat = Heartbeat {
            kiosk_version: env!("CARGO_PKG_VERSION").to_string(),
            content_seq: self.cursor()?,
            outbox_depth: self.outbox.depth()?,
            free_disk_bytes: blobs::free_disk(self.store.blobs().dir()),
            clock: sent.with_timezone(&chrono::Local).fixed_offset(),
        };
        let reply = self.client.heartbeat(&heartbeat).await?;
        report.head = Some(report.head.unwrap_or(0).max(reply.head));
        report.screenshot_wanted = reply.screenshot_wanted;
        let skew = crate::clock::measure_skew(
            sent,
            clock.kiosk_now(),
            reply.server_time.with_timezone(&Utc),
        );
        if skew.abs() > crate::clock::SKEW_TOLERANCE {
            tracing::warn!(
                skew_seconds = skew.num_seconds(),
                "the kiosk's clock is {}: the kiosk shows the server's time; set the clock (NTP)",
                crate::clock::describe_skew(skew)
            );
        }
        report.clock_skew_seconds = Some(skew.num_seconds());
        let skew_text = skew.num_seconds().to_string();
        let head = reply.head.to_string();
        self.store.update_meta(&[
            ("clock_skew_seconds", Some(&skew_text)),
            ("server_head", Some(&head)),
        ])?;
        Ok(())
    }
}

impl Syncer {
    /// `PUT /v1/kiosk/screenshot`: the PNG staff asked for.
    pub async fn upload_screenshot(&self, png: Vec<u8>) -> Result<(), SyncError> {
        self.client.put_screenshot(png).await
    }
}

/// Runs `attempt` up to `settings.attempts` times while it fails with a transient error,
/// waiting between attempts with exponential backoff and full jitter.
pub(crate) async fn retrying<T, Fut>(
    settings: &Settings,
    attempt: impl FnMut() -> Fut,
) -> Result<T, SyncError>
where
    Fut: Future<Output = Result<T, SyncError>>,
{
    let backoff = FullJitter::new(
        ExponentialBuilder::default()
            .with_min_delay(settings.retry_delay)
            .with_max_delay(settings.retry_delay.saturating_mul(8))
            .with_max_times(settings.attempts.saturating_sub(1)),
    );
    attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|e: &SyncError| e.is_transient() && !matches!(e, SyncError::Busy(_)))
        .notify(|e: &SyncError, wait| tracing::debug!(error = %e, ?wait, "retrying"))
        .await
}

/// An outbox item as the server takes it; `Err` for an item that can never be sent.
fn submission(item: &Item) -> Result<Submission, String> {
    let id = SubmissionId::parse(&item.id.to_string()).map_err(|e| e.to_string())?;
    let kind: SubmissionKind = item.kind.parse()?;
    Ok(Submission {
        id,
        kind,
        created_at: item.created_at.fixed_offset(),
        payload: item.payload.clone(),
    })
}

/// What [`Syncer::run`] leaves for the rest of the cycle.
struct Ran {
    /// The pull worked but the push was refused in a way retrying will not fix.
    push_error: Option<SyncError>,
    /// The images the content references, when the run had them (after it checked them).
    live: Option<LiveBlobs>,
}

/// The images the content references, as of one `generation` of the store: reading every
/// record for them costs a parse of the whole content, so a cycle does it at most once (a
/// snapshot knows them from its staging area) and hands them to the garbage collection.
struct LiveBlobs {
    generation: u64,
    blobs: BTreeSet<String>,
}

impl LiveBlobs {
    fn read(store: &ContentStore) -> Result<LiveBlobs, SyncError> {
        let generation = store.generation()?;
        let blobs = blobs_of(&store.all_records()?);
        Ok(LiveBlobs { generation, blobs })
    }

    /// Whether the content is still the one they were read from: every write that changes
    /// records moves the generation.
    fn is_current(&self, store: &ContentStore) -> Result<bool, SyncError> {
        Ok(store.generation()? == self.generation)
    }
}

fn blobs_of(records: &[Record]) -> BTreeSet<String> {
    records
        .iter()
        .flat_map(|r| r.blobs())
        .map(str::to_string)
        .collect()
}

/// The store operations of a verified page, from the records its verification read.
fn ops_of(page: &ChangesPage, records: Vec<Option<Record>>) -> Result<Vec<Op>, SyncError> {
    if records.len() != page.changes.len() {
        return Err(SyncError::BadPage(format!(
            "{} records read for {} changes",
            records.len(),
            page.changes.len()
        )));
    }
    page.changes
        .iter()
        .zip(records)
        .map(|(c, record)| match (c.op, record) {
            (WireOp::Delete, _) => Ok(Op::Delete(c.kind, c.id.clone())),
            (WireOp::Put, Some(record)) => Ok(Op::Put(record)),
            (WireOp::Put, None) => Err(SyncError::BadPage(format!(
                "change {} has no record",
                c.seq
            ))),
        })
        .collect()
}

fn count(report: &mut Report, page: &ChangesPage) {
    report.pages += 1;
    for c in &page.changes {
        match c.op {
            WireOp::Put => report.puts += 1,
            WireOp::Delete => report.deletes += 1,
        }
    }
}

fn note_images(report: &mut Report, d: Downloaded) {
    report.images += d.images;
    report.image_bytes += d.bytes;
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
