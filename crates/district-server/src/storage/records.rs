//! Published records and the change feed over them.
//!
//! Each `(kind, id)` has one row holding its latest state and the sequence number of the change
//! that produced it. A change takes the next number from the `head` counter inside the caller's
//! write transaction, so commit order is sequence order and a reader never sees a gap that
//! fills later. "What changed since N" is then the rows with `seq > N`.

use std::collections::BTreeMap;

use protocol::content::{Kind, Record};
use protocol::wire::{Op, RawChange, RawData, page_body};
use rusqlite::{Connection, OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};

/// The audience value meaning "every kiosk of the district".
const DISTRICT: &str = "";

fn counter(conn: &Connection, name: &str) -> Result<u64, DbError> {
    // Cached: every poll of every kiosk reads the head.
    let v: i64 = conn
        .prepare_cached("SELECT value FROM counters WHERE name = ?1")?
        .query_row([name], |r| r.get(0))?;
    Ok(v as u64)
}

/// The last sequence number handed out.
pub fn head(tx: &ReadTx<'_>) -> Result<u64, DbError> {
    counter(tx.conn(), "head")
}

/// The highest sequence number of a purged tombstone: cursors below it may miss deletions.
pub fn purged_through(tx: &ReadTx<'_>) -> Result<u64, DbError> {
    counter(tx.conn(), "purged_through")
}

fn next_seq(conn: &Connection) -> Result<u64, DbError> {
    let v: i64 = conn.query_row(
        "UPDATE counters SET value = value + 1 WHERE name = 'head' RETURNING value",
        [],
        |r| r.get(0),
    )?;
    Ok(v as u64)
}

fn current_rev(conn: &Connection, kind: Kind, id: &str) -> Result<Option<(u64, bool)>, DbError> {
    Ok(conn
        .query_row(
            "SELECT rev, deleted FROM records WHERE kind = ?1 AND id = ?2",
            params![kind.key(), id],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? != 0)),
        )
        .optional()?)
}

/// Inserts or replaces a record as a new change; returns its sequence number.
pub fn put(tx: &WriteTx<'_>, record: &Record, now: &str) -> Result<u64, DbError> {
    let conn = tx.conn();
    let kind = record.kind();
    let id = record.id();
    let rev = current_rev(conn, kind, id)?.map_or(1, |(rev, _)| rev + 1);
    let seq = next_seq(conn)?;
    let data = record.to_json().to_string();
    let scope = record.scope();
    conn.execute(
        "INSERT INTO records (kind, id, seq, rev, deleted, scope, data, updated_at)
         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7)
         ON CONFLICT (kind, id) DO UPDATE SET
           seq = excluded.seq, rev = excluded.rev, deleted = 0, scope = excluded.scope,
           data = excluded.data, updated_at = excluded.updated_at",
        params![kind.key(), id, seq as i64, rev as i64, scope, data, now],
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO record_audience (kind, id, audience) VALUES (?1, ?2, ?3)",
        params![kind.key(), id, scope.unwrap_or(DISTRICT)],
    )?;
    Ok(seq)
}

/// [`put`], unless the live record already has exactly this data (and scope): then nothing
/// changes and `None` is returned, so a refresh that finds nothing new costs no change.
pub fn put_if_changed(
    tx: &WriteTx<'_>,
    record: &Record,
    now: &str,
) -> Result<Option<u64>, DbError> {
    let same: Option<String> = tx
        .conn()
        .query_row(
            "SELECT data FROM records WHERE kind = ?1 AND id = ?2 AND deleted = 0
               AND scope IS ?3",
            params![record.kind().key(), record.id(), record.scope()],
            |r| r.get(0),
        )
        .optional()?;
    if same.is_some_and(|d| parse_json(&d).is_ok_and(|v| v == record.to_json())) {
        return Ok(None);
    }
    put(tx, record, now).map(Some)
}

/// Replaces a live record by a tombstone; returns its sequence number, or `None` when there
/// was no live record to delete.
pub fn delete(tx: &WriteTx<'_>, kind: Kind, id: &str, now: &str) -> Result<Option<u64>, DbError> {
    let conn = tx.conn();
    let Some((rev, false)) = current_rev(conn, kind, id)? else {
        return Ok(None);
    };
    let seq = next_seq(conn)?;
    conn.execute(
        "UPDATE records SET seq = ?3, rev = ?4, deleted = 1, scope = NULL, data = NULL,
           updated_at = ?5
         WHERE kind = ?1 AND id = ?2",
        params![kind.key(), id, seq as i64, (rev + 1) as i64, now],
    )?;
    Ok(Some(seq))
}

fn parse_kind(s: &str) -> Result<Kind, DbError> {
    s.parse::<Kind>().map_err(DbError::Corrupt)
}

fn parse_json(s: &str) -> Result<serde_json::Value, DbError> {
    serde_json::from_str(s).map_err(|e| DbError::Corrupt(format!("record data: {e}")))
}

/// The data of every live record of `kinds`.
pub fn live(
    tx: &ReadTx<'_>,
    kinds: &[Kind],
) -> Result<BTreeMap<(Kind, String), serde_json::Value>, DbError> {
    let conn = tx.conn();
    let mut stmt =
        conn.prepare("SELECT kind, id, data FROM records WHERE deleted = 0 ORDER BY kind, id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (kind, id, data) = row?;
        let kind = parse_kind(&kind)?;
        if kinds.contains(&kind) {
            out.insert((kind, id), parse_json(&data)?);
        }
    }
    Ok(out)
}

/// One live record.
pub fn get(tx: &ReadTx<'_>, kind: Kind, id: &str) -> Result<Option<Record>, DbError> {
    let conn = tx.conn();
    let data: Option<String> = conn
        .query_row(
            "SELECT data FROM records WHERE kind = ?1 AND id = ?2 AND deleted = 0",
            params![kind.key(), id],
            |r| r.get(0),
        )
        .optional()?;
    data.map(|d| {
        Record::from_json(kind, parse_json(&d)?)
            .map_err(|e| DbError::Corrupt(format!("{} `{id}`: {e}", kind.key())))
    })
    .transpose()
}

/// One page of the change feed, serialised: what `GET /v1/changes` sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBody {
    /// The head the page was read at (its ETag names it).
    pub head: u64,
    /// The page's JSON ([`protocol::wire::page_body`]): a [`protocol::wire::ChangesPage`].
    pub json: Vec<u8>,
}

/// The changes after `since` that concern a kiosk of `station`, at most `limit` of them.
///
/// A kiosk gets a put for a live record that is district-wide or scoped to its station, and a
/// delete for a record it may hold (one that was ever shown to it) that is deleted or has
/// moved to another station. With `since == 0` the client starts empty, so deletes are left out.
///
/// Each record's `data` goes out as the text stored by [`put`] (`Record::to_json`, written by
/// `serde_json`, whose objects keep their keys sorted: canonical JSON, which
/// `tests::stored_data_is_canonical_json` pins), so the page is never parsed into values and is
/// serialised once ([`protocol::wire::page_body`]): its checksum is the hash of what is sent.
pub fn changes(
    tx: &ReadTx<'_>,
    since: u64,
    limit: u32,
    station: &str,
) -> Result<PageBody, DbError> {
    let read_span = tracing::debug_span!("server.page.read").entered();
    let conn = tx.conn();
    let head = head(tx)?;
    let mut stmt = conn.prepare_cached(
        "SELECT r.seq, r.kind, r.id, r.rev, r.deleted, r.scope, r.data
         FROM records r
         WHERE r.seq > ?1 AND r.seq <= ?2
           AND ((r.deleted = 0 AND (r.scope IS NULL OR r.scope = ?3))
                OR (?1 > 0 AND EXISTS (
                      SELECT 1 FROM record_audience a
                      WHERE a.kind = r.kind AND a.id = r.id AND a.audience IN ('', ?3))))
         ORDER BY r.seq
         LIMIT ?4",
    )?;
    let rows = stmt.query_map(
        params![since as i64, head as i64, station, limit as i64],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)? != 0,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        },
    )?;
    /// A change as read, its data the stored text.
    struct Row {
        seq: u64,
        kind: Kind,
        id: String,
        op: Op,
        rev: u64,
        data: Option<String>,
    }
    let mut changes = Vec::new();
    for row in rows {
        let (seq, kind, id, rev, deleted, scope, data) = row?;
        let visible = !deleted && scope.as_deref().is_none_or(|s| s == station);
        let data = match (visible, data) {
            (true, Some(d)) => Some(d),
            (true, None) => {
                return Err(DbError::Corrupt(format!(
                    "{kind} `{id}` is live without data"
                )));
            }
            (false, _) => None,
        };
        changes.push(Row {
            seq: seq as u64,
            kind: parse_kind(&kind)?,
            id,
            op: if visible { Op::Put } else { Op::Delete },
            rev: rev as u64,
            data,
        });
    }
    let to = if changes.len() >= limit as usize {
        changes.last().map_or(head, |c| c.seq)
    } else {
        head
    };
    drop(read_span);
    let _span = tracing::debug_span!("server.page.serialise").entered();
    let json = page_body(
        since,
        to,
        head,
        changes.iter().map(|c| RawChange {
            seq: c.seq,
            kind: c.kind,
            id: &c.id,
            op: c.op,
            rev: c.rev,
            data: c.data.as_deref().map(RawData::Canonical),
        }),
    );
    Ok(PageBody { head, json })
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub tombstones: u64,
    pub purged_through: u64,
}

/// Removes tombstones last changed before `before` (RFC 3339 UTC text) and raises
/// `purged_through` to the highest sequence number removed.
pub fn purge_tombstones(tx: &WriteTx<'_>, before: &str) -> Result<Purged, DbError> {
    let conn = tx.conn();
    let max: Option<i64> = conn.query_row(
        "SELECT MAX(seq) FROM records WHERE deleted = 1 AND updated_at < ?1",
        [before],
        |r| r.get(0),
    )?;
    conn.execute(
        "DELETE FROM record_audience WHERE (kind, id) IN
           (SELECT kind, id FROM records WHERE deleted = 1 AND updated_at < ?1)",
        [before],
    )?;
    let n = conn.execute(
        "DELETE FROM records WHERE deleted = 1 AND updated_at < ?1",
        [before],
    )?;
    if let Some(max) = max {
        conn.execute(
            "UPDATE counters SET value = MAX(value, ?1) WHERE name = 'purged_through'",
            [max],
        )?;
    }
    Ok(Purged {
        tombstones: n as u64,
        purged_through: purged_through(tx)?,
    })
}

#[cfg(test)]
mod tests {
    use protocol::content::Room;
    use protocol::text::Text;
    use protocol::wire::{ChangesPage, canonical_json};

    use super::*;
    use crate::storage::db::Db;

    const NOW: &str = "2026-12-03T12:00:00Z";

    fn room(n: u32) -> Record {
        let awkward = "引号\"反斜杠\\ 斜杠/ \u{8}\u{c}\n\r\t\u{1}\u{7f} é 😀 \u{2028} </script>";
        Record::Room(Room {
            id: format!("r{n}"),
            station: "s1".into(),
            order: n,
            name: Text::new(awkward, format!("Room {n} {awkward}")),
            description: Text::new("书", "Books"),
            capacity: n.is_multiple_of(2).then_some(n),
        })
    }

    /// Pages carry the stored text as it is, so it must be canonical JSON: a
    /// `serde_json` build with `preserve_order` (objects in insertion order) would break
    /// every page's checksum on every kiosk, and fails here first.
    #[test]
    fn stored_data_is_canonical_json_and_pages_of_it_verify() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open(&dir.path().join("d.db")).expect("opens");
        db.write_blocking(|tx| {
            for n in 0..30 {
                put(tx, &room(n), NOW)?;
            }
            put(tx, &room(4), NOW)?;
            delete(tx, Kind::Room, "r7", NOW)?;
            Ok::<_, DbError>(())
        })
        .expect("writes");
        let texts: Vec<String> = db
            .read_blocking(|tx| {
                let mut stmt = tx
                    .conn()
                    .prepare("SELECT data FROM records WHERE deleted = 0")?;
                let texts = stmt
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?;
                Ok::<_, DbError>(texts)
            })
            .expect("reads");
        assert_eq!(texts.len(), 29);
        for text in &texts {
            let value: serde_json::Value = serde_json::from_str(text).expect("parses");
            assert_eq!(text, &canonical_json(&value));
        }
        // A snapshot in pages of 10, then the changes after a cursor (with the delete).
        let mut since = 0;
        let mut puts = 0;
        loop {
            let body = db
                .read_blocking(|tx| changes(tx, since, 10, "s1"))
                .expect("reads");
            let page: ChangesPage = serde_json::from_slice(&body.json).expect("a page");
            let records = page.verified_records(since).expect("verifies");
            assert_eq!((page.head, body.head), (32, 32));
            puts += records.iter().flatten().count();
            since = page.to;
            if page.to == page.head {
                break;
            }
        }
        assert_eq!(puts, 29, "every live room once, no delete in a snapshot");
        let body = db
            .read_blocking(|tx| changes(tx, 25, 10, "s1"))
            .expect("reads");
        let page: ChangesPage = serde_json::from_slice(&body.json).expect("a page");
        page.verify(25).expect("verifies");
        let ops: Vec<(u64, Op)> = page.changes.iter().map(|c| (c.seq, c.op)).collect();
        assert_eq!(
            ops,
            [
                (26, Op::Put),
                (27, Op::Put),
                (28, Op::Put),
                (29, Op::Put),
                (30, Op::Put),
                (31, Op::Put),
                (32, Op::Delete)
            ]
        );
    }
}
