//! Registered kiosks and what their heartbeats report.

use protocol::wire::Heartbeat;
use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};
use crate::api::KioskRow;

/// Every kiosk, by id.
pub fn list(tx: &ReadTx<'_>) -> Result<Vec<KioskRow>, DbError> {
    let mut stmt = tx.conn().prepare(
        "SELECT id, station, created_at, last_seen_at, kiosk_version, content_seq, outbox_depth,
           free_disk_bytes, kiosk_clock
         FROM kiosks ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(KioskRow {
            id: r.get(0)?,
            station: r.get(1)?,
            created_at: r.get(2)?,
            last_seen_at: r.get(3)?,
            kiosk_version: r.get(4)?,
            content_seq: r.get::<_, Option<i64>>(5)?.map(|v| v as u64),
            outbox_depth: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
            free_disk_bytes: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
            kiosk_clock: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether a kiosk of that id is registered.
pub fn exists(tx: &ReadTx<'_>, id: &str) -> Result<bool, DbError> {
    Ok(tx
        .conn()
        .query_row("SELECT 1 FROM kiosks WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Registers a kiosk at a station.
pub fn insert(tx: &WriteTx<'_>, id: &str, station: &str, now: &str) -> Result<(), DbError> {
    tx.conn().execute(
        "INSERT INTO kiosks (id, station, created_at) VALUES (?1, ?2, ?3)",
        params![id, station, now],
    )?;
    Ok(())
}

/// Removes a kiosk (its tokens go with it); false when there was none.
pub fn remove(tx: &WriteTx<'_>, id: &str) -> Result<bool, DbError> {
    Ok(tx
        .conn()
        .execute("DELETE FROM kiosks WHERE id = ?1", [id])?
        > 0)
}

/// What a kiosk's last stored heartbeat said, and when it was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBeat {
    pub last_seen_at: String,
    pub kiosk_version: String,
    pub content_seq: u64,
    pub outbox_depth: u64,
    pub free_disk_bytes: Option<u64>,
    pub kiosk_clock: String,
}

/// The kiosk's last stored heartbeat; `None` when it has none (or no such kiosk).
pub fn last_beat(tx: &ReadTx<'_>, kiosk_id: &str) -> Result<Option<StoredBeat>, DbError> {
    let row = tx
        .conn()
        .prepare_cached(
            "SELECT last_seen_at, kiosk_version, content_seq, outbox_depth, free_disk_bytes,
               kiosk_clock
             FROM kiosks WHERE id = ?1",
        )?
        .query_row([kiosk_id], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .optional()?;
    Ok(match row {
        Some((Some(seen), Some(version), Some(seq), Some(depth), disk, Some(clock))) => {
            Some(StoredBeat {
                last_seen_at: seen,
                kiosk_version: version,
                content_seq: seq as u64,
                outbox_depth: depth as u64,
                free_disk_bytes: disk.map(|d| d as u64),
                kiosk_clock: clock,
            })
        }
        _ => None,
    })
}

/// Records a heartbeat.
pub fn heartbeat(
    tx: &WriteTx<'_>,
    kiosk_id: &str,
    hb: &Heartbeat,
    now: &str,
) -> Result<(), DbError> {
    let clamp = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    tx.conn().execute(
        "UPDATE kiosks SET last_seen_at = ?2, kiosk_version = ?3, content_seq = ?4,
           outbox_depth = ?5, free_disk_bytes = ?6, kiosk_clock = ?7
         WHERE id = ?1",
        params![
            kiosk_id,
            now,
            hb.kiosk_version.chars().take(64).collect::<String>(),
            clamp(hb.content_seq),
            clamp(hb.outbox_depth),
            hb.free_disk_bytes.map(clamp),
            hb.clock.to_rfc3339()
        ],
    )?;
    Ok(())
}
