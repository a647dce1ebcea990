//! What `kiosk status` and the maintenance screen show about sync, read from the cache's meta
//! (written by [`super::cycle::Syncer::cycle`]) and the outbox.

use serde::Serialize;

use crate::store::{ContentStore, Outbox, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    /// The configured server; `None` when the kiosk runs offline only.
    pub server: Option<String>,
    /// The server's sequence number the content is applied up to.
    pub cursor: u64,
    /// The server's head as last seen.
    pub server_head: Option<u64>,
    /// Last cycle that ended well (RFC 3339, UTC).
    pub last_sync: Option<String>,
    /// Last cycle, whatever its outcome.
    pub last_attempt: Option<String>,
    /// Why the last cycle failed; `None` after a good one.
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// Visitors' items waiting for the server.
    pub outbox_depth: u64,
    /// Items the server refused or could not take (kept for staff).
    pub outbox_refused: u64,
    /// Who the server says this kiosk is.
    pub kiosk_id: Option<String>,
    pub station: Option<String>,
    /// Server clock minus kiosk clock, seconds, at the last heartbeat.
    pub clock_skew_seconds: Option<i64>,
    /// Pages collected towards a snapshot not swapped in yet: the cursor they reached.
    pub staging_cursor: Option<u64>,
}

impl SyncStatus {
    pub fn read(server: Option<&str>, store: &ContentStore, outbox: &Outbox) -> Result<SyncStatus> {
        let refused = outbox
            .answered_counts()?
            .into_iter()
            .filter(|(state, _)| state == "rejected" || state == "conflict")
            .map(|(_, n)| n)
            .sum();
        Ok(SyncStatus {
            server: server.map(str::to_string),
            cursor: store.stats()?.content_seq,
            server_head: store.meta("server_head")?.and_then(|v| v.parse().ok()),
            last_sync: store.meta("last_sync")?,
            last_attempt: store.meta("last_attempt")?,
            last_error: store.meta("last_error")?,
            last_error_at: store.meta("last_error_at")?,
            outbox_depth: outbox.depth()?,
            outbox_refused: refused,
            kiosk_id: store.meta("kiosk_id")?,
            station: store.meta("station")?,
            clock_skew_seconds: store
                .meta("clock_skew_seconds")?
                .and_then(|v| v.parse().ok()),
            staging_cursor: store.staging_state()?.map(|(_, seq)| seq),
        })
    }
}
