//! Moderation of visitors' wishes: pending → approved → fulfilled, or rejected. Approval
//! publishes the wish as a [`Kind::Wish`] record (a change in the feed); fulfilment or
//! rejection of a published wish deletes it again.

use chrono::{DateTime, FixedOffset};
use protocol::content::{Kind, Record, Wish, WishStatus};

use crate::api::{WishDecision, WishRow};
use crate::error::ApiError;
use crate::storage::{self, DbError, WriteTx, records};

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
    tx: &WriteTx<'_>,
    id: &str,
    action: Action,
    decision: &WishDecision,
    now: &str,
) -> Result<WishRow, ApiError> {
    let wish = storage::wishes::get(tx, id)?
        .ok_or_else(|| ApiError::not_found(format!("no wish `{id}`")))?;
    use WishStatus::{Approved, Claimed, Fulfilled, Pending, Rejected};
    let (next, scope) = match (action, wish.status) {
        (Action::Approve, Pending) => {
            let scope = if decision.district_wide {
                None
            } else {
                Some(wish.station.clone())
            };
            records::put(tx, &record(&wish, scope.clone())?, now)?;
            (Approved, scope)
        }
        (Action::Reject, Pending) => (Rejected, wish.scope.clone()),
        (Action::Reject | Action::Fulfil, Approved | Claimed) => {
            records::delete(tx, Kind::Wish, id, now)?;
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
    storage::wishes::set_decision(
        tx,
        id,
        &storage::wishes::Decision {
            status: next,
            scope: scope.as_deref(),
            decided_at: now,
            note: note.as_deref(),
        },
    )?;
    storage::wishes::get(tx, id)?.ok_or_else(|| ApiError::not_found(format!("no wish `{id}`")))
}
