//! Visitors' outbox items: wishes, sign-ups and claims. Each item's client id is its primary
//! key, so a resend finds the first answer (and its outcome); every item is decided with the
//! rules of [`protocol::visitor`] (the server never trusts a kiosk's check) and stored in the
//! caller's write transaction, which commits before the kiosk gets its answer. One writer and
//! `BEGIN IMMEDIATE` make capacity first-committed-wins.
//!
//! What a kiosk sends is never stored as sent: an accepted item keeps its validated fields (in
//! `wishes`, `signups`, `claims`), every item a fingerprint of its payload for recognising a
//! retry, and a refused one its reason cut to [`MAX_MESSAGE_CHARS`]. A kiosk keeps at most
//! [`MAX_REJECTED_PER_KIOSK`] refused items and hands in at most
//! `max_submissions_per_kiosk_hour` items an hour, so a stolen kiosk token cannot fill the disk.

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
use crate::storage::submissions::{NewSubmission, Received};
use crate::storage::wishes::NewWish;
use crate::storage::{self, DbError, ReadTx, WriteTx, records, time_text};

/// Refused items (`rejected` or `conflict`) kept per kiosk; older ones are removed in the
/// transaction that stores a newer one. A resend of a removed one is decided afresh.
pub const MAX_REJECTED_PER_KIOSK: u64 = 1_000;

/// Longest reason stored and answered for an item, in characters: a reason may quote what the
/// kiosk sent (an unknown field's name, an event id), which may be of any length.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// One item of a request as far as it could be read.
#[derive(Debug, Clone)]
pub enum Item {
    /// Well-formed: decide it.
    Parsed(Submission),
    /// Has an id but not the shape of a submission (an unknown field, a wrong type): answered
    /// and recorded as rejected; only its fingerprint is kept.
    Malformed {
        id: String,
        kind: String,
        value: serde_json::Value,
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
            value,
            message: format!("not a valid submission: {e}"),
        }),
    }
}

impl Item {
    fn id(&self) -> &str {
        match self {
            Item::Parsed(s) => s.id.as_str(),
            Item::Malformed { id, .. } => id,
        }
    }

    fn kind(&self) -> &str {
        match self {
            Item::Parsed(s) => s.kind.key(),
            Item::Malformed { kind, .. } => kind,
        }
    }

    /// What identifies the content: a parsed item's payload, a malformed item whole.
    fn content(&self) -> &serde_json::Value {
        match self {
            Item::Parsed(s) => &s.payload,
            Item::Malformed { value, .. } => value,
        }
    }

    /// What is stored instead of the content ([`storage::submissions::fingerprint`]).
    fn fingerprint(&self) -> String {
        storage::submissions::fingerprint(self.content())
    }

    /// Whether `stored` (a fingerprint, or for rows written before fingerprints the content's
    /// JSON as it was stored then) is this item's content.
    fn matches(&self, stored: &str) -> bool {
        if stored.starts_with("sha256:") {
            stored == self.fingerprint()
        } else {
            // `Value == str` would compare with a JSON string value: compare the texts.
            let legacy: String = self.content().to_string();
            stored == legacy
        }
    }
}

/// `message` cut to [`MAX_MESSAGE_CHARS`] characters, marked with `…` when cut.
pub fn bounded(message: String) -> String {
    cut(message, MAX_MESSAGE_CHARS)
}

/// A value from the kiosk quoted in a reason: its first 64 characters, so the rest of the
/// reason survives [`bounded`].
fn quoted(value: &str) -> String {
    cut(value.to_string(), 64)
}

fn cut(text: String, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        None => text,
        Some((end, _)) => {
            let mut cut = text[..end].to_string();
            cut.push('…');
            cut
        }
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

/// What became of a request's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processed {
    /// Answers to the request's first `results.len()` items, in order; `held_back` items after
    /// them did not fit under the hourly cap and were not looked at (the kiosk sends them
    /// again later).
    Answered {
        results: Vec<SubmissionResult>,
        held_back: usize,
    },
    /// Not one item fit under the cap: nothing was stored; the kiosk may try again in
    /// `retry_after_secs` seconds.
    OverCap { retry_after_secs: u64 },
}

/// The hour the cap counts over.
fn cap_window() -> chrono::Duration {
    chrono::Duration::hours(1)
}

/// Decides and stores every item, in order; later items see the effect of earlier ones.
///
/// At most `cap` new items of a kiosk are stored in any hour: a resend of an item already
/// received is always answered (it stores nothing), a new item past the cap ends the request
/// there. The cap is a count over `submissions (kiosk_id, received_at)` in this write
/// transaction rather than an in-memory rate limiter (`governor`, tower's): it is exact under
/// concurrent requests (one writer), survives restarts, is the same for every process opening
/// the database, tells the kiosk exactly when room opens again, and needs no new crate.
pub fn process(
    tx: &WriteTx<'_>,
    sender: Sender<'_>,
    items: Vec<Item>,
    now: DateTime<Utc>,
    cap: u32,
) -> Result<Processed, DbError> {
    let since = time_text(now - cap_window());
    let mut stored = storage::submissions::count_since(tx, sender.kiosk_id, &since)?;
    let total = items.len();
    let mut results = Vec::with_capacity(total);
    let mut refused = false;
    for item in items {
        if let Some(earlier) = storage::submissions::find(tx, item.id())? {
            results.push(answer_again(sender, &item, earlier));
            continue;
        }
        if stored >= u64::from(cap) {
            if results.is_empty() {
                let skip = stored - u64::from(cap);
                let oldest =
                    storage::submissions::received_at_since(tx, sender.kiosk_id, &since, skip)?;
                return Ok(Processed::OverCap {
                    retry_after_secs: reopens_in(oldest.as_deref(), now),
                });
            }
            break;
        }
        let result = decide_and_store(tx, sender, item, now)?;
        stored += 1;
        refused |= result.status != SubmissionStatus::Accepted;
        results.push(result);
    }
    if refused {
        let trimmed =
            storage::submissions::trim_rejected(tx, sender.kiosk_id, MAX_REJECTED_PER_KIOSK)?;
        if trimmed > 0 {
            tracing::debug!(
                kiosk = sender.kiosk_id,
                trimmed,
                "oldest refused submissions removed"
            );
        }
    }
    let held_back = total - results.len();
    Ok(Processed::Answered { results, held_back })
}

/// Seconds until an item received at `oldest` leaves the cap's window (at least 1).
fn reopens_in(oldest: Option<&str>, now: DateTime<Utc>) -> u64 {
    let Some(at) = oldest.and_then(|t| DateTime::parse_from_rfc3339(t).ok()) else {
        return 60;
    };
    let left = at.with_timezone(&Utc) + cap_window() - now;
    // Whole seconds, rounded up so the window has really moved on when the kiosk comes back.
    u64::try_from((left.num_milliseconds() + 999) / 1000)
        .unwrap_or(1)
        .max(1)
}

/// The answer to an item whose id was received before.
fn answer_again(sender: Sender<'_>, item: &Item, earlier: Received) -> SubmissionResult {
    let id = item.id().to_string();
    let answer = |status, message, outcome| SubmissionResult {
        id: id.clone(),
        status,
        message,
        outcome,
    };
    if earlier.kiosk_id != sender.kiosk_id {
        return answer(
            SubmissionStatus::Conflict,
            format!("id `{id}` was already used by another kiosk; give the item a new UUIDv7"),
            Some(Outcome::Refused),
        );
    }
    if earlier.kind != item.kind() || !item.matches(&earlier.payload) {
        // A retry carries what was sent first; other content under the same id would be
        // dropped unseen if it were answered `duplicate`.
        return answer(
            SubmissionStatus::Conflict,
            format!(
                "id `{id}` was already used for other content (received at {}); give the item a new UUIDv7",
                earlier.received_at
            ),
            Some(Outcome::Refused),
        );
    }
    match earlier.status {
        SubmissionStatus::Accepted => answer(
            SubmissionStatus::Duplicate,
            format!("already received at {}", earlier.received_at),
            earlier.outcome,
        ),
        other => answer(other, earlier.message, earlier.outcome),
    }
}

/// Decides a new item and stores it: its fingerprint and answer, and for an accepted one its
/// validated fields.
fn decide_and_store(
    tx: &WriteTx<'_>,
    sender: Sender<'_>,
    item: Item,
    now: DateTime<Utc>,
) -> Result<SubmissionResult, DbError> {
    let id = item.id().to_string();
    let fingerprint = item.fingerprint();
    let received_at = time_text(now);
    let (kind, created_at, decision) = match item {
        Item::Malformed { kind, message, .. } => (kind, String::new(), malformed(message)),
        Item::Parsed(s) => {
            let decision = match s.kind {
                SubmissionKind::Wish => decide_wish(&s),
                SubmissionKind::Signup => decide_signup(tx, sender, &s, now)?,
                SubmissionKind::Claim => decide_claim(tx, sender, &s)?,
            };
            (
                s.kind.key().to_string(),
                s.created_at.to_rfc3339(),
                decision,
            )
        }
    };
    let message = bounded(decision.message);
    storage::submissions::insert(
        tx,
        &NewSubmission {
            id: &id,
            kiosk_id: sender.kiosk_id,
            kind: &kind,
            created_at: &created_at,
            received_at: &received_at,
            payload: &fingerprint,
            status: decision.status,
            message: &message,
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
    Ok(SubmissionResult {
        id,
        status: decision.status,
        message,
        outcome: Some(decision.outcome),
    })
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
                format!(
                    "event `{}` is not (or no longer) published",
                    quoted(&p.event)
                ),
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
            format!("there is no wish `{}`", quoted(&c.wish)),
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
