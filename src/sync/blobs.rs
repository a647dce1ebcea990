//! Downloads the images a page references before the page is applied.
//!
//! Each image is streamed to `HEX.part` and hashed as it arrives; an interrupted download is
//! resumed with `Range` from the bytes already there. The finished file is fsynced, its sha256
//! checked, and only then renamed to `HEX` ([`BlobStore::commit_hashed_part`]); the folder is
//! synced once the round is complete, before the page that needs the images is applied. A file
//! that fails the check is deleted, so the next attempt starts from byte 0: an image is never
//! kept under its name unless it is right, and a damaged one is always fetched again because the
//! page that needs it is not applied without it.
//!
//! A few images download at once ([`Settings::parallel_downloads`]), each finishing (fsync, rename) on
//! the blocking pool: one image's fsync (~8 ms for 300 KB here) no longer holds up the others.

use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

use reqwest::Response;
use sha2::{Digest, Sha256};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::client::{BlobAnswer, Client};
use super::{Settings, SyncError};
use crate::store::{BlobStore, StoreError};

/// What one round of downloads fetched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Downloaded {
    pub images: usize,
    pub bytes: u64,
}

impl std::ops::AddAssign for Downloaded {
    fn add_assign(&mut self, other: Downloaded) {
        self.images += other.images;
        self.bytes += other.bytes;
    }
}

/// Free bytes on the file system holding `dir`.
pub fn free_disk(dir: &Path) -> Option<u64> {
    fs4::available_space(dir).ok()
}

/// Images downloaded at the same time by default ([`Settings::parallel_downloads`]): enough to overlap one image's fsync with the transfer
/// of the next, few enough to be gentle with a small server and a kiosk's disk.
pub const PARALLEL_DOWNLOADS: usize = 4;

/// Makes sure every blob of `wanted` is on disk, downloading those that are not,
/// [`Settings::parallel_downloads`] at a time. Stops at the first one that cannot be had (after the
/// retries of [`super::cycle`]); the downloads still running then are dropped, and what they
/// received stays in their `.part` files for the next attempt.
pub async fn fetch_missing(
    client: &Client,
    store: &BlobStore,
    wanted: &BTreeSet<String>,
    settings: &Settings,
) -> Result<Downloaded, SyncError> {
    let mut missing = wanted.iter().filter(|sha| !store.contains(sha)).cloned();
    let mut running = JoinSet::new();
    let mut done = Downloaded::default();
    loop {
        while running.len() < settings.parallel_downloads.max(1) {
            let Some(sha) = missing.next() else { break };
            check_disk(store.dir(), settings.min_free_disk)?;
            let (client, store, settings) = (client.clone(), store.clone(), settings.clone());
            running.spawn(async move {
                super::cycle::retrying(&settings, || {
                    fetch_one(&client, &store, &sha, settings.max_blob_bytes)
                })
                .await
            });
        }
        let Some(finished) = running.join_next().await else {
            break;
        };
        let bytes = finished.map_err(|e| SyncError::Io {
            path: store.dir().display().to_string(),
            cause: std::io::Error::other(format!("an image download stopped: {e}")),
        })??;
        done += Downloaded { images: 1, bytes };
    }
    if done.images > 0 {
        // The renames are durable before any page that references the images is applied.
        let store = store.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let _span = tracing::debug_span!("kiosk.blob.dir_sync").entered();
            store.sync_dir()
        })
        .await;
    }
    Ok(done)
}

/// Refuses to download when less than `reserve` bytes are free.
fn check_disk(dir: &Path, reserve: u64) -> Result<(), SyncError> {
    match free_disk(dir) {
        Some(available) if available < reserve => Err(SyncError::DiskFull {
            dir: dir.display().to_string(),
            available,
            needed: reserve,
        }),
        // A file system that cannot tell is not a reason to stop.
        _ => Ok(()),
    }
}

/// One attempt at one blob: resume or start the `.part`, stream and hash, then (on the
/// blocking pool) fsync, verify, rename. Returns the bytes received.
async fn fetch_one(
    client: &Client,
    store: &BlobStore,
    sha: &str,
    limit: u64,
) -> Result<u64, SyncError> {
    let part = store.part_path(sha);
    let mut offset = std::fs::metadata(&part).map_or(0, |m| m.len());
    if offset > limit {
        remove(&part)?;
        offset = 0;
    }
    let (response, append) = match client.blob(sha, offset).await? {
        BlobAnswer::Whole(r) => (r, false),
        BlobAnswer::Rest(r) => (r, true),
        // What is on disk is as long as the blob or longer: it is whole, or it is wrong.
        BlobAnswer::PastEnd => {
            let (store, name) = (store.clone(), sha.to_string());
            return finish(move || store.commit_part(&name)).await.map(|()| 0);
        }
    };
    let (received, actual) = stream_to(response, &part, append, offset, limit, sha)
        .instrument(tracing::debug_span!("kiosk.blob.stream"))
        .await?;
    let (store, name) = (store.clone(), sha.to_string());
    finish(move || {
        let _span = tracing::debug_span!("kiosk.blob.commit").entered();
        store.commit_hashed_part(&name, &actual)
    })
    .await?;
    Ok(received)
}

/// Streams the answer into `part` (after its first `offset` bytes when `append`), hashing
/// every byte of the file on the way. Returns the bytes received and the file's sha256.
async fn stream_to(
    mut response: Response,
    part: &Path,
    append: bool,
    offset: u64,
    limit: u64,
    sha: &str,
) -> Result<(u64, String), SyncError> {
    let io = |cause| SyncError::Io {
        path: part.display().to_string(),
        cause,
    };
    let mut hasher = Sha256::new();
    if append {
        // The bytes of an earlier attempt: hashed once here (a resume is rare).
        let mut before = std::fs::File::open(part).map_err(io)?;
        let copied = std::io::copy(&mut (&mut before).take(offset), &mut hasher).map_err(io)?;
        if copied != offset {
            return Err(io(std::io::Error::other(
                "the partial download changed while it was resumed",
            )));
        }
    }
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(part)
        .map_err(io)?;
    let mut length = if append { offset } else { 0 };
    let mut received = 0u64;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                // Keep what arrived: the next attempt resumes after it. Bytes that arrived
                // damaged are caught by the hash of the whole file and the file is started anew.
                let _ = file.sync_data();
                return Err(SyncError::Network {
                    url: format!("image {sha}"),
                    cause: e.to_string(),
                });
            }
        };
        length += chunk.len() as u64;
        received += chunk.len() as u64;
        if length > limit {
            drop(file);
            remove(part)?;
            return Err(SyncError::BlobTooLarge {
                sha256: sha.to_string(),
                limit,
            });
        }
        file.write_all(&chunk).map_err(io)?;
        hasher.update(&chunk);
    }
    Ok((received, hex::encode(hasher.finalize())))
}

/// Runs a commit (fsync, verify, rename) on the blocking pool, so the other downloads go on
/// meanwhile; a mismatch leaves no file behind.
async fn finish(
    commit: impl FnOnce() -> Result<(), StoreError> + Send + 'static,
) -> Result<(), SyncError> {
    let outcome = tokio::task::spawn_blocking(commit)
        .await
        .map_err(|e| SyncError::Io {
            path: "image download".into(),
            cause: std::io::Error::other(e.to_string()),
        })?;
    match outcome {
        Ok(()) => Ok(()),
        Err(StoreError::BlobMismatch { sha256, actual }) => {
            tracing::warn!(%sha256, %actual, "downloaded image failed verification; deleted");
            Err(SyncError::BlobMismatch { sha256, actual })
        }
        Err(e) => Err(e.into()),
    }
}

fn remove(path: &Path) -> Result<(), SyncError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(SyncError::Io {
            path: path.display().to_string(),
            cause: e,
        }),
        _ => Ok(()),
    }
}
