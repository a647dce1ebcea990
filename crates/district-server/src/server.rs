//! The running server: shared state, the listener, graceful shutdown, housekeeping (hourly:
//! purge old tombstones, withdraw the seats of started occurrences and old fulfilled wishes).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::net::TcpListener;

use crate::auth::KioskCache;
use crate::blobs::{BlobError, BlobStore};
use crate::config::Config;
use crate::storage::records::{self, Purged};
use crate::storage::{self, Db, DbError, time_text};
use crate::{availability, wishes};

/// What every handler gets: cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub blobs: Arc<BlobStore>,
    pub config: Arc<Config>,
    /// Failed console logins per account and address (in memory).
    pub login_limits: Arc<crate::console::limits::LoginLimits>,
    /// Kiosk tokens and the feed's head, kept while nothing is committed (the poll's fast path).
    pub kiosks: Arc<KioskCache>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("the database at {0} is not initialised: run `district-server init` first")]
    NotInitialised(String),
    #[error("cannot listen on {addr}: {cause}")]
    Bind {
        addr: SocketAddr,
        cause: std::io::Error,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl AppState {
    /// Opens the database and blob store of an initialised data folder.
    pub fn open(config: Config) -> Result<AppState, ServerError> {
        let db = Db::open(&config.db_path())?;
        let created = db.read_blocking(storage::meta::created_at)?;
        if created.is_none() {
            return Err(ServerError::NotInitialised(db.path().display().to_string()));
        }
        let blobs = BlobStore::open(&config.blob_dir())?;
        Ok(AppState {
            kiosks: Arc::new(KioskCache::new(db.clone())),
            db,
            blobs: Arc::new(blobs),
            config: Arc::new(config),
            login_limits: Arc::default(),
        })
    }

    /// Purges tombstones older than the configured retention, as of `now`.
    pub async fn purge_tombstones(&self, now: DateTime<Utc>) -> Result<Purged, DbError> {
        let before = time_text(now - chrono::Duration::days(i64::from(self.config.tombstone_days)));
        self.db
            .write(move |tx| records::purge_tombstones(tx, &before))
            .await
    }

    /// Bundle zips uploaded in the console, awaiting publication.
    pub fn staged_imports(&self) -> crate::staged_imports::StagedImports {
        crate::staged_imports::StagedImports::new(&self.config.data_dir)
    }

    /// Removes console uploads nobody published or cancelled within a day, as of `now`.
    pub async fn collect_staged_imports(
        &self,
        now: std::time::SystemTime,
    ) -> std::io::Result<usize> {
        let staged = self.staged_imports();
        tokio::task::spawn_blocking(move || staged.collect(now))
            .await
            .map_err(std::io::Error::other)?
    }

    /// Withdraws from the feed what kiosks no longer need, as of `now`: the seats of
    /// occurrences that have started, and wishes fulfilled longer ago than configured.
    pub async fn retire(&self, now: DateTime<Utc>) -> Result<Retired, DbError> {
        let days = self.config.fulfilled_wish_days;
        self.db
            .write(move |tx| {
                Ok(Retired {
                    availability: availability::retire_started(tx, now)?,
                    wishes: wishes::retire_fulfilled(tx, now, days)?,
                })
            })
            .await
    }
}

/// What [`AppState::retire`] withdrew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retired {
    pub availability: u64,
    pub wishes: u64,
}

/// Serves `state` on `listener` until `shutdown` completes, purging old tombstones, retiring
/// what kiosks no longer need and collecting stale console uploads hourly (and at start).
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let housekeeping = tokio::spawn({
        let state = state.clone();
        async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                tick.tick().await;
                match state.purge_tombstones(Utc::now()).await {
                    Ok(p) if p.tombstones > 0 => tracing::info!(
                        tombstones = p.tombstones,
                        purged_through = p.purged_through,
                        "purged old tombstones"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "purging tombstones failed"),
                }
                match state.retire(Utc::now()).await {
                    Ok(r) if r.availability + r.wishes > 0 => tracing::info!(
                        availability = r.availability,
                        wishes = r.wishes,
                        "withdrew started occurrences and old fulfilled wishes from the feed"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "housekeeping of the feed failed"),
                }
                // The first tick is at start: uploads left by an earlier run go too.
                match state
                    .collect_staged_imports(std::time::SystemTime::now())
                    .await
                {
                    Ok(n) if n > 0 => tracing::info!(
                        uploads = n,
                        "removed console bundle uploads older than a day"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "collecting old console uploads failed"),
                }
            }
        }
    });
    let limits = crate::connections::Limits {
        max_connections: state.config.max_connections,
        header_timeout: std::time::Duration::from_secs(state.config.header_timeout_secs),
    };
    let app = crate::routes::router(state);
    crate::connections::serve(listener, app, limits, shutdown).await;
    housekeeping.abort();
    Ok(())
}

/// Binds the configured address and serves until Ctrl-C or SIGTERM. `on_listening` gets the
/// bound address (useful with port 0).
pub async fn run(config: Config, on_listening: impl FnOnce(SocketAddr)) -> Result<(), ServerError> {
    let addr = config.listen;
    let state = AppState::open(config)?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|cause| ServerError::Bind { addr, cause })?;
    let bound = listener.local_addr()?;
    on_listening(bound);
    tracing::info!(%bound, "district server listening");
    serve(state, listener, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
