//! Visitors' outbox items: wishes, sign-ups and claims. Each item's client id is its primary
//! key, so a resend finds the first answer (and its outcome); every item is decided with the
//! rules of [`protocol::visitor`] (the server never trusts a kiosk's check) and stored in the
//! caller's write transaction, which commits before the kiosk gets its answer. One writer and
//! `BEGIN IMMEDIATE` make capacity first-committed-wins.

use chrono::{DateTime, NaiveDateTime, Utc};
use protocol::content::{Event, Kind, Record, WishStatus};
use protocol::visitor::{self, FieldError};
use protocol::wire::{
    ClaimSubmission, Outcome, SignupSubmission, Submission, SubmissionKind, SubmissionResult,
    SubmissionStatus, WishSubmission,
};

use crate::availability;
use crate::storage::claims::NewClaim;
use crate::storage::signups::NewSignup;
use crate::storage::submissions::NewSubmission;
use crate::storage::wishes::NewWish;
use crate::storage::{self, DbError, ReadTx, WriteTx, records, time_text};

/// One item of a request as far as it could be read.
#[derive(Debug, Clone)]
pub enum Item {
    /// Well-formed: decide it.
    Parsed(Submission),
    /// Has an id but not the shape of a submission: store and answer it as rejected.
    Malformed {
        id: String,
        kind: String,
        payload: String,
        message: String,
    },
}

/// Reads one item; `Err` when not even an id can be found (the whole request is then refused).
pub fn read_item(index: usize, value: serde_json::Value) -> Result<Item, String> {
    let id = match value.get("id").and_then(|v| v.as_str()) {
        Some(id) if !id.is_empty() && id.len() <= 64 => id.to_string(),
        _ => {
            return Err(format!(
                "items[{index}] has no `id` string (a UUIDv7, at most 64 characters)"
            ));
        }
    };
    match serde_json::from_value::<Submission>(value.clone()) {
        Ok(s) => Ok(Item::Parsed(s)),
        Err(e) => Ok(Item::Malformed {
            id,
            kind: value
                .get("kind")
                .and_then(|v| v.as_str())
                .unwrap_or("unknown")
                .chars()
                .take(32)
                .collect(),
            payload: value.to_string(),
            message: format!("not a valid submission: {e}"),
        }),
    }
}

/// The kiosk items come from.
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    pub kiosk_id: &'a str,
    pub station: &'a str,
}

/// The row an accepted item adds.
// One short-lived value per item; boxing the event would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Row {
    Wish(WishSubmission),
    Signup {
        event: Event,
        occurrence: NaiveDateTime,
        signup: SignupSubmission,
    },
    Claim(ClaimSubmission),
}

struct Decision {
    status: SubmissionStatus,
    message: String,
    outcome: Outcome,
    row: Option<Row>,
}

fn refuse(status: SubmissionStatus, outcome: Outcome, message: impl Into<String>) -> Decision {
    Decision {
        status,
        message: message.into(),
        outcome,
        row: None,
    }
}

/// Refused for a reason that is the kiosk's, not the visitor's.
fn malformed(message: impl Into<String>) -> Decision {
    refuse(SubmissionStatus::Rejected, Outcome::Refused, message)
}

fn invalid(errors: Vec<FieldError>) -> Decision {
    let message = visitor::describe(&errors);
    refuse(
        SubmissionStatus::Rejected,
        Outcome::Invalid { errors },
        message,
    )
}

fn accept(message: impl Into<String>, outcome: Outcome, row: Row) -> Decision {
    Decision {
        status: SubmissionStatus::Accepted,
        message: message.into(),
        outcome,
        row: Some(row),
    }
}

/// Decides and stores every item, in order; later items see the effect of earlier ones.
pub fn process(
    tx: &WriteTx<'_>,
    sender: Sender<'_>,
    items: Vec<Item>,
    now: DateTime<Utc>,
) -> Result<Vec<SubmissionResult>, DbError> {
    items
        .into_iter()
        .map(|item| process_one(tx, sender, item, now))
        .collect()
}

fn process_one(
    tx: &WriteTx<'_>,
    sender: Sender<'_>,
    item: Item,
    now: DateTime<Utc>,
) -> Result<SubmissionResult, DbError> {
    let (id, kind, payload) = match &item {
        Item::Parsed(s) => (
            s.id.to_string(),
            s.kind.key().to_string(),
            s.payload.to_string(),
        ),
        Item::Malformed {
            id, kind, payload, ..
        } => (id.clone(), kind.clone(), payload.clone()),
    };
    let answer = |status, message, outcome| SubmissionResult {
        id: id.clone(),
        status,
        message,
        outcome,
    };
    if let Some(earlier) = storage::submissions::find(tx, &id)? {
        if earlier.kiosk_id != sender.kiosk_id {
            return Ok(answer(
                SubmissionStatus::Conflict,
                format!("id `{id}` was already used by another kiosk; give the item a new UUIDv7"),
                Some(Outcome::Refused),
            ));
        }
        if earlier.kind != kind || earlier.payload != payload {
            // A retry carries what was sent first; other content under the same id would be
            // dropped unseen if it were answered `duplicate`.
            return Ok(answer(
                SubmissionStatus::Conflict,
                format!(
                    "id `{id}` was already used for other content (received at {}); give the item a new UUIDv7",
                    earlier.received_at
                ),
                Some(Outcome::Refused),
            ));
        }
        return Ok(match earlier.status {
            SubmissionStatus::Accepted => answer(
                SubmissionStatus::Duplicate,
                format!("already received at {}", earlier.received_at),
                earlier.outcome,
            ),
            other => answer(other, earlier.message, earlier.outcome),
        });
    }
    let received_at = time_text(now);
    let (kind, created_at, payload, decision) = match item {
        Item::Malformed {
            kind,
            payload,
            message,
            ..
        } => (kind, String::new(), payload, malformed(message)),
        Item::Parsed(s) => {
            let decision = match s.kind {
                SubmissionKind::Wish => decide_wish(&s),
                SubmissionKind::Signup => decide_signup(tx, sender, &s, now)?,
                SubmissionKind::Claim => decide_claim(tx, sender, &s)?,
            };
            (
                s.kind.key().to_string(),
                s.created_at.to_rfc3339(),
                s.payload.to_string(),
                decision,
            )
        }
    };
    storage::submissions::insert(
        tx,
        &NewSubmission {
            id: &id,
            kiosk_id: sender.kiosk_id,
            kind: &kind,
            created_at: &created_at,
            received_at: &received_at,
            payload: &payload,
            status: decision.status,
            message: &decision.message,
            outcome: &decision.outcome,
        },
    )?;
    match decision.row {
        None => {}
        Some(Row::Wish(w)) => storage::wishes::insert_pending(
            tx,
            &NewWish {
                id: &id,
                kiosk_id: sender.kiosk_id,
                station: sender.station,
                text: &w.text,
                lang: w.lang,
                display_name: w.display_name.as_deref(),
                created_at: &created_at,
                received_at: &received_at,
            },
        )?,
        Some(Row::Signup {
            event,
            occurrence,
            signup,
        }) => {
            storage::signups::insert(
                tx,
                &NewSignup {
                    id: &id,
                    kiosk_id: sender.kiosk_id,
                    event: &event.id,
                    occurrence,
                    name: &signup.name,
                    contact: &signup.contact,
                    party_size: signup.party_size,
                    created_at: &created_at,
                    received_at: &received_at,
                },
            )?;
            // The seats every kiosk shows move in the same transaction as the sign-up.
            availability::refresh(tx, &event, occurrence, now)?;
        }
        Some(Row::Claim(c)) => storage::claims::insert_offer(
            tx,
            &NewClaim {
                id: &id,
                kiosk_id: sender.kiosk_id,
                wish: &c.wish,
                name: &c.name,
                contact: &c.contact,
                note: c.note.as_deref(),
                created_at: &created_at,
                received_at: &received_at,
            },
        )?,
    }
    Ok(answer(
        decision.status,
        decision.message,
        Some(decision.outcome),
    ))
}

fn decide_wish(s: &Submission) -> Decision {
    let w: WishSubmission = match serde_json::from_value(s.payload.clone()) {
        Ok(w) => w,
        Err(e) => return malformed(format!("payload is not a wish: {e}")),
    };
    match w.check() {
        Err(errors) => invalid(errors),
        Ok(w) => accept(
            "wish received; staff review it before kiosks show it",
            Outcome::Received,
            Row::Wish(w.into_inner()),
        ),
    }
}

fn decide_signup(
    tx: &ReadTx<'_>,
    sender: Sender<'_>,
    s: &Submission,
    now: DateTime<Utc>,
) -> Result<Decision, DbError> {
    use SubmissionStatus::Conflict;
    let p: SignupSubmission = match serde_json::from_value(s.payload.clone()) {
        Ok(p) => p,
        Err(e) => return Ok(malformed(format!("payload is not a sign-up: {e}"))),
    };
    let event = match records::get(tx, Kind::Event, &p.event)? {
        Some(Record::Event(e)) => e,
        _ => {
            return Ok(refuse(
                Conflict,
                Outcome::Unavailable,
                format!("event `{}` is not (or no longer) published", p.event),
            ));
        }
    };
    if event.scope.as_deref().is_some_and(|s| s != sender.station) {
        return Ok(malformed(format!(
            "event `{}` is not offered at this kiosk's station",
            event.id
        )));
    }
    let occurrence = match availability::occurrence(&event, p.occurrence_start) {
        Ok(o) => o,
        Err(m) => return Ok(malformed(m)),
    };
    let capacity = availability::capacity(tx, &event)?;
    let p = match p.check(capacity) {
        Ok(p) => p.into_inner(),
        Err(errors) => return Ok(invalid(errors)),
    };
    if !event.signup_open {
        return Ok(refuse(
            Conflict,
            Outcome::Closed,
            format!("sign-up for event `{}` is closed", event.id),
        ));
    }
    if occurrence <= availability::district_now(tx, now)? {
        return Ok(refuse(
            Conflict,
            Outcome::Over,
            format!("event `{}` at {occurrence} has already started", event.id),
        ));
    }
    if let Some(cap) = capacity {
        let left = cap.saturating_sub(storage::signups::taken(tx, &event.id, occurrence)?);
        if p.party_size > left {
            return Ok(refuse(
                Conflict,
                Outcome::Full { seats_left: left },
                format!(
                    "event `{}` at {occurrence} is full: {left} of {cap} place(s) left, {} asked for",
                    event.id, p.party_size
                ),
            ));
        }
    }
    Ok(accept(
        format!(
            "signed up for event `{}` at {occurrence}: {} place(s)",
            event.id, p.party_size
        ),
        Outcome::Confirmed {
            seats: p.party_size,
            start: occurrence,
        },
        Row::Signup {
            event,
            occurrence,
            signup: p,
        },
    ))
}

fn decide_claim(tx: &ReadTx<'_>, sender: Sender<'_>, s: &Submission) -> Result<Decision, DbError> {
    let c: ClaimSubmission = match serde_json::from_value(s.payload.clone()) {
        Ok(c) => c,
        Err(e) => return Ok(malformed(format!("payload is not a claim: {e}"))),
    };
    let c = match c.check() {
        Ok(c) => c.into_inner(),
        Err(errors) => return Ok(invalid(errors)),
    };
    let Some(wish) = storage::wishes::get(tx, &c.wish)? else {
        return Ok(refuse(
            SubmissionStatus::Conflict,
            Outcome::Unavailable,
            format!("there is no wish `{}`", c.wish),
        ));
    };
    if wish.status != WishStatus::Approved {
        return Ok(refuse(
            SubmissionStatus::Conflict,
            Outcome::Unavailable,
            format!(
                "wish `{}` is {}: it can no longer be claimed",
                wish.id,
                wish.status.key()
            ),
        ));
    }
    if wish.scope.as_deref().is_some_and(|s| s != sender.station) {
        return Ok(malformed(format!(
            "wish `{}` is not shown at this kiosk's station",
            wish.id
        )));
    }
    Ok(accept(
        "offer received; staff will put you in touch",
        Outcome::Received,
        Row::Claim(c),
    ))
}
