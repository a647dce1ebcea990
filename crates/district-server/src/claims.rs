//! Offers to fulfil a wish (认领), as staff handle them: match an offer (the wish shows as
//! claimed on every kiosk that shows it) or decline it (a wish whose last matched offer is
//! declined is open again). The helper's contact stays here and in staff answers.

use protocol::content::WishStatus;

use crate::api::{ClaimDecision, ClaimOutcome, ClaimStatus};
use crate::error::ApiError;
use crate::storage::{self, WriteTx};
use crate::wishes;

/// What staff do with an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimAction {
    Match,
    Decline,
}

impl ClaimAction {
    pub fn key(self) -> &'static str {
        match self {
            ClaimAction::Match => "match",
            ClaimAction::Decline => "decline",
        }
    }
}

impl std::str::FromStr for ClaimAction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "match" => Ok(ClaimAction::Match),
            "decline" => Ok(ClaimAction::Decline),
            other => Err(format!("unknown action `{other}`: use match or decline")),
        }
    }
}

/// Applies a staff decision on claim `id` in the caller's write transaction.
pub fn decide(
    tx: &WriteTx<'_>,
    id: &str,
    action: ClaimAction,
    decision: &ClaimDecision,
    now: &str,
) -> Result<ClaimOutcome, ApiError> {
    let staff_note = wishes::staff_note(decision.note.as_deref())?;
    let claim = storage::claims::get(tx, id)?
        .ok_or_else(|| ApiError::not_found(format!("no claim `{id}`")))?;
    let wish = storage::wishes::get(tx, &claim.wish)?
        .ok_or_else(|| ApiError::internal(format!("claim `{id}` names a missing wish")))?;
    let set_wish = |status: WishStatus| -> Result<(), ApiError> {
        wishes::publish(tx, &wish, status, now)?;
        storage::wishes::set_decision(
            tx,
            &wish.id,
            &storage::wishes::Decision {
                status,
                scope: wish.scope.as_deref(),
                decided_at: now,
                note: wish.note.as_deref(),
            },
        )?;
        Ok(())
    };
    match action {
        ClaimAction::Match => {
            if claim.status != ClaimStatus::Offered {
                return Err(ApiError::conflict(format!(
                    "claim `{id}` is already {}",
                    claim.status.key()
                )));
            }
            match wish.status {
                WishStatus::Approved => set_wish(WishStatus::Claimed)?,
                // Several helpers for one wish are welcome.
                WishStatus::Claimed => {}
                other => {
                    return Err(ApiError::conflict(format!(
                        "wish `{}` is {}: an offer can no longer be matched",
                        wish.id,
                        other.key()
                    )));
                }
            }
            storage::claims::set_status(tx, id, ClaimStatus::Matched, now, staff_note.as_deref())?;
        }
        ClaimAction::Decline => {
            if claim.status == ClaimStatus::Declined {
                return Err(ApiError::conflict(format!(
                    "claim `{id}` is already declined"
                )));
            }
            storage::claims::set_status(tx, id, ClaimStatus::Declined, now, staff_note.as_deref())?;
            if claim.status == ClaimStatus::Matched
                && wish.status == WishStatus::Claimed
                && storage::claims::matched_count(tx, &wish.id)? == 0
            {
                set_wish(WishStatus::Approved)?;
            }
        }
    }
    let claim = storage::claims::get(tx, id)?
        .ok_or_else(|| ApiError::not_found(format!("no claim `{id}`")))?;
    let wish = storage::wishes::get(tx, &claim.wish)?
        .ok_or_else(|| ApiError::internal(format!("claim `{id}` names a missing wish")))?;
    Ok(ClaimOutcome { claim, wish })
}
