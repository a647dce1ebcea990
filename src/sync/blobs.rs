//! Downloads the images a page references before the page is applied.
//!
//! Each image is streamed to `HEX.part`; an interrupted download is resumed with `Range` from
//! the bytes already there. The finished file is fsynced, its sha256 checked, and only then
//! renamed to `HEX` ([`BlobStore::commit_part`]). A file that fails the check is deleted, so the
//! next attempt starts from byte 0: an image is never kept under its name unless it is right, and
//! a damaged one is always fetched again because the page that needs it is not applied without it.

use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use reqwest::Response;

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

/// Makes sure every blob of `wanted` is on disk, downloading those that are not. Stops at the
/// first one that cannot be had (after the retries of [`super::cycle`]).
pub async fn fetch_missing(
    client: &Client,
    store: &BlobStore,
    wanted: &BTreeSet<String>,
    settings: &Settings,
) -> Result<Downloaded, SyncError> {
    let mut done = Downloaded::default();
    for sha in wanted {
        if store.contains(sha) {
            continue;
        }
        check_disk(store.dir(), settings.min_free_disk)?;
        let bytes = super::cycle::retrying(settings, || {
            fetch_one(client, store, sha, settings.max_blob_bytes)
        })
        .await?;
        done += Downloaded { images: 1, bytes };
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

/// One attempt at one blob: resume or start the `.part`, stream, fsync, verify, rename.
/// Returns the bytes received.
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
        BlobAnswer::PastEnd => return commit(store, sha).map(|()| 0),
    };
    let received = stream_to(response, &part, append, offset, limit, sha).await?;
    commit(store, sha)?;
    Ok(received)
}

async fn stream_to(
    mut response: Response,
    part: &Path,
    append: bool,
    offset: u64,
    limit: u64,
    sha: &str,
) -> Result<u64, SyncError> {
    let io = |cause| SyncError::Io {
        path: part.display().to_string(),
        cause,
    };
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
    }
    file.sync_all().map_err(io)?;
    Ok(received)
}

/// Verifies the finished `.part` and names it; a mismatch leaves no file behind.
fn commit(store: &BlobStore, sha: &str) -> Result<(), SyncError> {
    match store.commit_part(sha) {
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
