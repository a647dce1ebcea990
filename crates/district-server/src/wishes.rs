//! Moderation of visitors' wishes: pending → approved → claimed → fulfilled, or rejected.
//! Approval publishes the wish as a [`Kind::Wish`] record (a change in the feed); matching an
//! offer ([`crate::claims`]) and fulfilment publish its new status; rejection withdraws it.
//! A fulfilled wish stays on the wall for a while ([`retire_fulfilled`]), then leaves the feed.

use chrono::{DateTime, FixedOffset, Utc};
use protocol::content::{Kind, Record, Wish, WishStatus};

use crate::api::{WishDecision, WishRow};
use crate::error::ApiError;
use crate::storage::{self, DbError, WriteTx, records, time_text};

/// What staff do to a wish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    Reject,
    Fulfil,
}

impl Action {
    /// The action as the audit log names it.
    pub fn done(self) -> &'static str {
        match self {
            Action::Approve => "approved",
            Action::Reject => "rejected",
            Action::Fulfil => "fulfilled",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Fulfil => "fulfil",
        }
    }
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

/// Publishes `w` with `status` in the feed (in the caller's transaction).
pub(crate) fn publish(
    tx: &WriteTx<'_>,
    w: &WishRow,
    status: WishStatus,
    now: &str,
) -> Result<(), DbError> {
    let created_at = DateTime::<FixedOffset>::parse_from_rfc3339(&w.created_at)
        .or_else(|_| DateTime::<FixedOffset>::parse_from_rfc3339(&w.received_at))
        .map_err(|e| DbError::Corrupt(format!("wish `{}` time: {e}", w.id)))?;
    let record = Record::Wish(Wish {
        id: w.id.clone(),
        text: w.text.clone(),
        lang: w.lang,
        display_name: w.display_name.clone(),
        status,
        created_at,
        scope: w.scope.clone(),
    });
    records::put(tx, &record, now)?;
    Ok(())
}

/// Longest note staff may keep on a wish or a claim, in characters: a few sentences about who
/// called whom. Without a bound, one request could store megabytes in every decision row.
pub const STAFF_NOTE_MAX_CHARS: usize = 1000;

/// A staff note as it is kept: trimmed, `None` when blank, refused when longer than
/// [`STAFF_NOTE_MAX_CHARS`] (nothing is stored then).
pub fn staff_note(note: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let chars = note.chars().count();
    if chars > STAFF_NOTE_MAX_CHARS {
        return Err(ApiError::bad_request(format!(
            "a staff note is at most {STAFF_NOTE_MAX_CHARS} characters; this one has {chars}"
        )));
    }
    Ok(Some(note.to_owned()))
}

/// Applies a staff decision in the caller's write transaction.
pub fn decide(
    tx: &WriteTx<'_>,
    id: &str,
    action: Action,
    decision: &WishDecision,
    now: &str,
) -> Result<WishRow, ApiError> {
    let staff_note = staff_note(decision.note.as_deref())?;
    let mut wish = storage::wishes::get(tx, id)?
        .ok_or_else(|| ApiError::not_found(format!("no wish `{id}`")))?;
    use WishStatus::{Approved, Claimed, Fulfilled, Pending, Rejected};
    let next = match (action, wish.status) {
        (Action::Approve, Pending) => {
            if decision.district_wide {
                wish.scope = None;
            }
            publish(tx, &wish, Approved, now)?;
            Approved
        }
        (Action::Reject, Pending) => Rejected,
        (Action::Reject, Approved | Claimed | Fulfilled) => {
            records::delete(tx, Kind::Wish, id, now)?;
            Rejected
        }
        (Action::Fulfil, Approved | Claimed) => {
            publish(tx, &wish, Fulfilled, now)?;
            Fulfilled
        }
        (Action::Fulfil, Pending) => {
            return Err(ApiError::conflict(format!(
                "wish `{id}` is still pending: approve it first (or reject it)"
            )));
        }
        (_, status) => {
            return Err(ApiError::conflict(format!(
                "wish `{id}` is already {}",
                status.key()
            )));
        }
    };
    let note = staff_note.or(wish.note.clone());
    storage::wishes::set_decision(
        tx,
        id,
        &storage::wishes::Decision {
            status: next,
            scope: wish.scope.as_deref(),
            decided_at: now,
            note: note.as_deref(),
        },
    )?;
    storage::wishes::get(tx, id)?.ok_or_else(|| ApiError::not_found(format!("no wish `{id}`")))
}

/// Withdraws from the feed the wishes fulfilled more than `days` ago (housekeeping): the wall
/// shows a fulfilled wish for a while, not forever. Returns how many.
pub fn retire_fulfilled(tx: &WriteTx<'_>, now: DateTime<Utc>, days: u32) -> Result<u64, DbError> {
    let cutoff = time_text(now - chrono::Duration::days(i64::from(days)));
    let now = time_text(now);
    let mut n = 0;
    for id in storage::wishes::fulfilled_before(tx, &cutoff)? {
        if records::delete(tx, Kind::Wish, &id, &now)?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}
