//! Registered kiosks and what their heartbeats report.

use protocol::wire::Heartbeat;
use rusqlite::{Connection, params};

use crate::api::KioskRow;
use crate::db::DbError;

/// Every kiosk, by id.
pub fn list(conn: &Connection) -> Result<Vec<KioskRow>, DbError> {
    let mut stmt = conn.prepare(
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

/// Records a heartbeat.
pub fn heartbeat(
    conn: &Connection,
    kiosk_id: &str,
    hb: &Heartbeat,
    now: &str,
) -> Result<(), DbError> {
    let clamp = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    conn.execute(
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
