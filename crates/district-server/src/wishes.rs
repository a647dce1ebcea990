//! Moderation of visitors' wishes: pending → approved → fulfilled, or rejected. Approval
//! publishes the wish as a [`Kind::Wish`] record (a change in the feed); fulfilment or
//! rejection of a published wish deletes it again.

use chrono::{DateTime, FixedOffset};
use protocol::content::{Kind, Record, Wish, WishStatus};
use protocol::text::Lang;
use rusqlite::{Connection, OptionalExtension, params};

use crate::api::{WishDecision, WishRow};
use crate::db::DbError;
use crate::error::ApiError;
use crate::records;

/// What staff do to a wish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    Reject,
    Fulfil,
}

impl std::str::FromStr for Action {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "approve" => Ok(Action::Approve),
            "reject" => Ok(Action::Reject),
            "fulfil" | "fulfill" => Ok(Action::Fulfil),
            other => Err(format!(
                "unknown action `{other}`: use approve, reject or fulfil"
            )),
        }
    }
}

pub fn status_key(s: WishStatus) -> &'static str {
    match s {
        WishStatus::Pending => "pending",
        WishStatus::Approved => "approved",
        WishStatus::Claimed => "claimed",
        WishStatus::Fulfilled => "fulfilled",
        WishStatus::Rejected => "rejected",
    }
}

pub fn parse_status(s: &str) -> Result<WishStatus, String> {
    Ok(match s {
        "pending" => WishStatus::Pending,
        "approved" => WishStatus::Approved,
        "claimed" => WishStatus::Claimed,
        "fulfilled" => WishStatus::Fulfilled,
        "rejected" => WishStatus::Rejected,
        other => {
            return Err(format!(
                "unknown wish status `{other}`: use pending, approved, claimed, fulfilled or rejected"
            ));
        }
    })
}

const COLUMNS: &str = "id, kiosk_id, station, text, lang, display_name, status, scope,
    created_at, received_at, decided_at, note";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<[Option<String>; 12]> {
    let mut out: [Option<String>; 12] = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = r.get(i)?;
    }
    Ok(out)
}

fn to_wish_row(cols: [Option<String>; 12]) -> Result<WishRow, DbError> {
    let [
        id,
        kiosk_id,
        station,
        text,
        lang,
        display_name,
        status,
        scope,
        created_at,
        received_at,
        decided_at,
        note,
    ] = cols;
    let req = |v: Option<String>, name: &str| {
        v.ok_or_else(|| DbError::Corrupt(format!("wish without {name}")))
    };
    Ok(WishRow {
        id: req(id, "id")?,
        kiosk_id: req(kiosk_id, "kiosk")?,
        station: req(station, "station")?,
        text: req(text, "text")?,
        lang: req(lang, "lang")?
            .parse::<Lang>()
            .map_err(DbError::Corrupt)?,
        display_name: req(display_name, "display name")?,
        status: parse_status(&req(status, "status")?).map_err(DbError::Corrupt)?,
        scope,
        created_at: req(created_at, "created_at")?,
        received_at: req(received_at, "received_at")?,
        decided_at,
        note,
    })
}

/// Wishes, oldest first, optionally of one status.
pub fn list(conn: &Connection, status: Option<WishStatus>) -> Result<Vec<WishRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM wishes WHERE ?1 IS NULL OR status = ?1 ORDER BY received_at, id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([status.map(status_key)], row)?;
    rows.map(|r| to_wish_row(r?)).collect()
}

fn get(conn: &Connection, id: &str) -> Result<Option<WishRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM wishes WHERE id = ?1");
    conn.query_row(&sql, [id], row)
        .optional()?
        .map(to_wish_row)
        .transpose()
}

/// The record kiosks get for an approved wish.
fn record(w: &WishRow, scope: Option<String>) -> Result<Record, DbError> {
    let created_at = DateTime::<FixedOffset>::parse_from_rfc3339(&w.created_at)
        .or_else(|_| DateTime::<FixedOffset>::parse_from_rfc3339(&w.received_at))
        .map_err(|e| DbError::Corrupt(format!("wish `{}` time: {e}", w.id)))?;
    Ok(Record::Wish(Wish {
        id: w.id.clone(),
        text: w.text.clone(),
        lang: w.lang,
        display_name: w.display_name.clone(),
        status: WishStatus::Approved,
        created_at,
        scope,
    }))
}

/// Applies a staff decision in the caller's write transaction.
pub fn decide(
    conn: &Connection,
    id: &str,
    action: Action,
    decision: &WishDecision,
    now: &str,
) -> Result<WishRow, ApiError> {
    let wish = get(conn, id)?.ok_or_else(|| ApiError::not_found(format!("no wish `{id}`")))?;
    use WishStatus::{Approved, Claimed, Fulfilled, Pending, Rejected};
    let (next, scope) = match (action, wish.status) {
        (Action::Approve, Pending) => {
            let scope = if decision.district_wide {
                None
            } else {
                Some(wish.station.clone())
            };
            records::put(conn, &record(&wish, scope.clone())?, now)?;
            (Approved, scope)
        }
        (Action::Reject, Pending) => (Rejected, wish.scope.clone()),
        (Action::Reject | Action::Fulfil, Approved | Claimed) => {
            records::delete(conn, Kind::Wish, id, now)?;
            (
                if action == Action::Reject {
                    Rejected
                } else {
                    Fulfilled
                },
                wish.scope.clone(),
            )
        }
        (Action::Fulfil, Pending) => {
            return Err(ApiError::conflict(format!(
                "wish `{id}` is still pending: approve it first (or reject it)"
            )));
        }
        (_, status) => {
            return Err(ApiError::conflict(format!(
                "wish `{id}` is already {}",
                status_key(status)
            )));
        }
    };
    let note = decision.note.clone().or(wish.note.clone());
    conn.execute(
        "UPDATE wishes SET status = ?2, scope = ?3, decided_at = ?4, note = ?5 WHERE id = ?1",
        params![id, status_key(next), scope, now, note],
    )?;
    get(conn, id)?.ok_or_else(|| ApiError::not_found(format!("no wish `{id}`")))
}
