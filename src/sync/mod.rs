//! The sync client: keeps the content cache equal to the district server's content and hands
//! the outbox to it, on its own thread, so the screen never waits for the network.
//!
//! - [`client`]: the HTTP calls of `docs/PROTOCOL.md`, answers sorted into [`SyncError`]s.
//! - [`blobs`]: downloads images to `.part`, resumes with `Range`, verifies, renames.
//! - [`cycle`]: one sync cycle (push outbox → pull pages → apply → heartbeat) and its [`Report`].
//! - [`schedule`]: the background thread: poll with jitter, back off after errors, "sync now".
//! - [`status`]: what `kiosk status` and the maintenance screen show about sync.
//! - [`screenshot`]: the screenshot staff asked for: pixels from the UI, PNG, upload.
//!
//! The rules that keep the cache consistent: a page is applied only after its checksum verified
//! and every image it references is on disk, and it is applied together with its cursor in ONE
//! transaction; a snapshot resync (first sync, `410`, another server) collects the whole content
//! in a staging area and swaps it in at once.

pub mod blobs;
pub mod client;
pub mod cycle;
pub mod schedule;
pub mod screenshot;
pub mod status;

use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::store::StoreError;

pub use cycle::{PushReport, Report, Syncer};
pub use schedule::{Notifier, SyncHandle};
pub use screenshot::{ScreenPixels, ScreenReply};
pub use status::SyncStatus;

/// Everything that can stop a sync. Each says what happened and what to do; [`SyncError::is_transient`]
/// tells the scheduler whether trying again soon may help.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "the district server at {url} did not answer: {cause}. Check the network; the kiosk keeps showing its content and tries again"
    )]
    Network { url: String, cause: String },
    #[error("the district server failed ({status}): {message}. It will be asked again later")]
    Server { status: u16, message: String },
    #[error(
        "the district server refused this kiosk's token ({status}): {message}. Put the token from `district-server kiosk add` in the config file"
    )]
    Unauthorized { status: u16, message: String },
    #[error(
        "the district server needs newer kiosk software (it speaks schema {supported}, this kiosk speaks {ours}): update the kiosk; its content stays as it is until then"
    )]
    UpgradeRequired { supported: String, ours: u32 },
    #[error("the district server refused a request ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error(
        "the district server takes no more submissions from this kiosk for {retry_after_secs} s (its hourly cap); they stay queued on this kiosk and are sent then, while content keeps coming"
    )]
    Throttled { retry_after_secs: u64 },
    #[error("the district server can no longer serve changes from this kiosk's cursor: {0}")]
    CursorExpired(String),
    #[error("a page from the district server was damaged in transit and was not applied: {0}")]
    BadPage(String),
    #[error("an answer from the district server could not be read: {0}")]
    BadAnswer(String),
    #[error(
        "image {sha256} arrived damaged (its bytes hash to {actual}); it was deleted and will be downloaded again"
    )]
    BlobMismatch { sha256: String, actual: String },
    #[error("image {sha256} is larger than {limit} bytes; it was not stored")]
    BlobTooLarge { sha256: String, limit: u64 },
    #[error(
        "only {available} bytes are free in {dir}, less than the {needed} kept in reserve: no image was downloaded and nothing was applied. Free some disk space"
    )]
    DiskFull {
        dir: String,
        available: u64,
        needed: u64,
    },
    #[error(
        "another sync of {0} is running (the kiosk itself, or another `kiosk sync`); try again when it has finished"
    )]
    Busy(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {cause}")]
    Io {
        path: String,
        #[source]
        cause: std::io::Error,
    },
}

impl SyncError {
    /// Whether repeating soon may help: network errors, server failures, damaged answers and
    /// images. Refusals (`4xx`), a full disk and an outdated kiosk need a person.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SyncError::Network { .. }
                | SyncError::Server { .. }
                | SyncError::BadPage(_)
                | SyncError::BadAnswer(_)
                | SyncError::BlobMismatch { .. }
                | SyncError::Busy(_)
        )
    }

    /// Whether the server was not reached at all (the status line then says "offline").
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Network { .. })
    }
}

/// Default of [`Settings::housekeeping`]: hourly, well within the default grace period of
/// unused images (24 h).
pub const HOUSEKEEPING: Duration = Duration::from_secs(3600);

/// What the sync client needs to know, from the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Base URL of the district server, without a trailing `/`.
    pub server: String,
    pub token: String,
    pub page_limit: u32,
    /// Mean time between syncs.
    pub poll: Duration,
    /// Longest wait after errors.
    pub max_backoff: Duration,
    /// A request that receives nothing for this long fails.
    pub request_timeout: Duration,
    /// Attempts per request within one cycle (network errors, `5xx`, damaged answers).
    pub attempts: usize,
    /// First wait between those attempts; it doubles, with full jitter.
    pub retry_delay: Duration,
    /// Free bytes below which no image is downloaded.
    pub min_free_disk: u64,
    /// Largest image accepted.
    pub max_blob_bytes: u64,
    /// Images downloaded at the same time ([`blobs::PARALLEL_DOWNLOADS`]; 1 fetches them one
    /// after the other).
    pub parallel_downloads: usize,
    /// Unreferenced images are deleted after this.
    pub image_grace: Duration,
    /// How often a cycle that changed nothing still checks the images of the whole content
    /// (downloading any that went missing) and collects unused ones. A cycle that changed the
    /// content, and the first cycle after the sync starts, always do; both read every record,
    /// which on 10,000 articles costs far more than the `304` itself.
    pub housekeeping: Duration,
    /// Answered outbox items (they hold visitors' contacts) are deleted after this.
    pub keep_answered: Duration,
    /// The kiosk's clock, which the heartbeat reports and measures against the server's (a
    /// test gives a wrong one).
    pub clock: crate::clock::Clock,
}

impl Settings {
    /// Settings for a server and token with the defaults of [`crate::config::SyncConfig`].
    pub fn new(server: &str, token: &str) -> Settings {
        let defaults = crate::config::SyncConfig::default();
        Settings {
            server: server.trim().trim_end_matches('/').to_string(),
            token: token.trim().to_string(),
            page_limit: defaults.page_limit,
            poll: Duration::from_secs(defaults.poll_seconds),
            max_backoff: Duration::from_secs(defaults.max_backoff_seconds),
            request_timeout: Duration::from_secs(defaults.request_timeout_seconds),
            attempts: 4,
            retry_delay: Duration::from_millis(500),
            min_free_disk: defaults.min_free_disk_mb * 1024 * 1024,
            // The bundle's limit: an image the server accepted is never refused here.
            max_blob_bytes: protocol::bundle::MAX_IMAGE_BYTES as u64,
            parallel_downloads: blobs::PARALLEL_DOWNLOADS,
            image_grace: Duration::from_secs(defaults.image_grace_hours * 3600),
            housekeeping: HOUSEKEEPING,
            keep_answered: Duration::from_secs(u64::from(defaults.keep_answered_days) * 86_400),
            clock: crate::clock::Clock::system(crate::clock::DEFAULT_TZ),
        }
    }

    /// The settings of a config file; `None` when it names no server or no token (the kiosk
    /// then runs offline on its own content).
    pub fn from_config(config: &Config) -> Option<Settings> {
        let server = config.server.as_deref().filter(|s| !s.trim().is_empty())?;
        let token = config.token.as_deref().filter(|s| !s.trim().is_empty())?;
        let c = &config.sync;
        Some(Settings {
            page_limit: c.page_limit,
            poll: Duration::from_secs(c.poll_seconds),
            max_backoff: Duration::from_secs(c.max_backoff_seconds),
            request_timeout: Duration::from_secs(c.request_timeout_seconds),
            min_free_disk: c.min_free_disk_mb.saturating_mul(1024 * 1024),
            image_grace: Duration::from_secs(c.image_grace_hours.saturating_mul(3600)),
            keep_answered: Duration::from_secs(u64::from(c.keep_answered_days) * 86_400),
            ..Settings::new(server, token)
        })
    }

    /// Names the history the cursor belongs to: the server and the kiosk's token. When either
    /// changes, the cursor means nothing and the kiosk resyncs from a snapshot. The token is
    /// hashed, never stored.
    pub fn identity(&self) -> String {
        let digest = Sha256::digest(format!("{}\n{}", self.server, self.token).as_bytes());
        hex::encode(&digest[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_from_the_config() {
        let mut config = Config::default();
        assert!(
            Settings::from_config(&config).is_none(),
            "no server: offline"
        );
        config.server = Some("http://127.0.0.1:8080/".into());
        assert!(
            Settings::from_config(&config).is_none(),
            "no token: offline"
        );
        config.token = Some(" lkk_abc \n".into());
        config.sync.page_limit = 7;
        let s = Settings::from_config(&config).expect("configured");
        assert_eq!(s.server, "http://127.0.0.1:8080");
        assert_eq!(s.token, "lkk_abc");
        assert_eq!(s.page_limit, 7);
        assert_eq!(s.poll, Duration::from_secs(60));

        let other = Settings::new("http://127.0.0.1:8080", "lkk_other");
        assert_ne!(
            s.identity(),
            other.identity(),
            "another token is another history"
        );
        assert!(
            !s.identity().contains("lkk"),
            "the token is not stored in the clear"
        );
    }
}
