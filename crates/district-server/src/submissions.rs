//! Visitors' outbox items: wishes and sign-ups. Each item's client id is its primary key, so a
//! resend finds the first answer; every item is decided and stored in the caller's write
//! transaction, which commits before the kiosk gets its answer.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use protocol::content::{Event, Kind, Record};
use protocol::text::Lang;
use protocol::wire::{
    MAX_CONTACT_CHARS, MAX_DISPLAY_NAME_CHARS, MAX_PARTY_SIZE, MAX_SIGNUP_NAME_CHARS,
    MAX_WISH_CHARS, SignupSubmission, Submission, SubmissionKind, SubmissionResult,
    SubmissionStatus, WishSubmission,
};

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
enum Row {
    Wish {
        text: String,
        lang: Lang,
        display_name: String,
    },
    Signup {
        event: String,
        occurrence: NaiveDateTime,
        name: String,
        contact: String,
        party_size: u32,
    },
}

struct Decision {
    status: SubmissionStatus,
    message: String,
    row: Option<Row>,
}

fn refuse(status: SubmissionStatus, message: impl Into<String>) -> Decision {
    Decision {
        status,
        message: message.into(),
        row: None,
    }
}

fn accept(message: impl Into<String>, row: Row) -> Decision {
    Decision {
        status: SubmissionStatus::Accepted,
        message: message.into(),
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
    let id = match &item {
        Item::Parsed(s) => s.id.to_string(),
        Item::Malformed { id, .. } => id.clone(),
    };
    let answer = |status, message| SubmissionResult {
        id: id.clone(),
        status,
        message,
    };
    if let Some(earlier) = storage::submissions::find(tx, &id)? {
        if earlier.kiosk_id != sender.kiosk_id {
            return Ok(answer(
                SubmissionStatus::Conflict,
                format!("id `{id}` was already used by another kiosk; give the item a new UUIDv7"),
            ));
        }
        return Ok(match earlier.status {
            SubmissionStatus::Accepted => answer(
                SubmissionStatus::Duplicate,
                format!("already received at {}", earlier.received_at),
            ),
            other => answer(other, earlier.message),
        });
    }
    let received_at = time_text(now);
    let (kind, created_at, payload, decision) = match item {
        Item::Malformed {
            kind,
            payload,
            message,
            ..
        } => (
            kind,
            String::new(),
            payload,
            refuse(SubmissionStatus::Rejected, message),
        ),
        Item::Parsed(s) => {
            let decision = match s.kind {
                SubmissionKind::Wish => decide_wish(&s),
                SubmissionKind::Signup => decide_signup(tx, sender, &s, now)?,
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
        },
    )?;
    match decision.row {
        None => {}
        Some(Row::Wish {
            text,
            lang,
            display_name,
        }) => storage::wishes::insert_pending(
            tx,
            &NewWish {
                id: &id,
                kiosk_id: sender.kiosk_id,
                station: sender.station,
                text: &text,
                lang,
                display_name: &display_name,
                created_at: &created_at,
                received_at: &received_at,
            },
        )?,
        Some(Row::Signup {
            event,
            occurrence,
            name,
            contact,
            party_size,
        }) => storage::signups::insert(
            tx,
            &NewSignup {
                id: &id,
                kiosk_id: sender.kiosk_id,
                event: &event,
                occurrence,
                name: &name,
                contact: &contact,
                party_size,
                created_at: &created_at,
                received_at: &received_at,
            },
        )?,
    }
    Ok(answer(decision.status, decision.message))
}

/// Checks a person's text: trimmed, not blank, not too long, no control characters.
fn person_text(field: &str, s: &str, max: usize, newlines: bool) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("`{field}` is empty"));
    }
    let n = t.chars().count();
    if n > max {
        return Err(format!(
            "`{field}` has {n} characters; at most {max} are allowed"
        ));
    }
    if t.chars()
        .any(|c| c.is_control() && !(newlines && c == '\n'))
    {
        return Err(format!("`{field}` contains control characters"));
    }
    Ok(t.to_string())
}

fn decide_wish(s: &Submission) -> Decision {
    let w: WishSubmission = match serde_json::from_value(s.payload.clone()) {
        Ok(w) => w,
        Err(e) => {
            return refuse(
                SubmissionStatus::Rejected,
                format!("payload is not a wish: {e}"),
            );
        }
    };
    let checked = person_text("text", &w.text, MAX_WISH_CHARS, true).and_then(|text| {
        person_text(
            "display_name",
            &w.display_name,
            MAX_DISPLAY_NAME_CHARS,
            false,
        )
        .map(|name| (text, name))
    });
    match checked {
        Err(m) => refuse(SubmissionStatus::Rejected, m),
        Ok((text, display_name)) => accept(
            "wish received; staff review it before kiosks show it",
            Row::Wish {
                text,
                lang: w.lang,
                display_name,
            },
        ),
    }
}

/// The occurrence of `event` a sign-up is for, or why the request names none.
pub fn occurrence(
    event: &Event,
    requested: Option<NaiveDateTime>,
) -> Result<NaiveDateTime, String> {
    match (&event.recurrence, requested) {
        (None, None) => Ok(event.start),
        (None, Some(t)) if t == event.start => Ok(t),
        (None, Some(t)) => Err(format!(
            "event `{}` happens once, at {}; {t} is not it",
            event.id, event.start
        )),
        (Some(_), None) => Err(format!(
            "event `{}` repeats weekly: name the occurrence in `occurrence_start`",
            event.id
        )),
        (Some(rec), Some(t)) => {
            let offset = t - event.start;
            let week = Duration::days(7);
            let on_grid = offset >= Duration::zero()
                && offset.num_seconds() % week.num_seconds() == 0
                && offset.subsec_nanos() == 0;
            if !on_grid {
                return Err(format!(
                    "{t} is not an occurrence of event `{}` (weekly from {})",
                    event.id, event.start
                ));
            }
            if let Some(until) = rec.until
                && t.date() > until
            {
                return Err(format!(
                    "event `{}` repeats only until {until}; {t} is after that",
                    event.id
                ));
            }
            Ok(t)
        }
    }
}

/// Places an occurrence offers: the event's capacity, else its room's; `None` is unlimited.
pub fn capacity(tx: &ReadTx<'_>, event: &Event) -> Result<Option<u32>, DbError> {
    if event.capacity.is_some() {
        return Ok(event.capacity);
    }
    Ok(match records::get(tx, Kind::Room, &event.room)? {
        Some(Record::Room(room)) => room.capacity,
        _ => None,
    })
}

/// Local time in the district's zone (UTC before the first push says which zone).
fn district_now(tx: &ReadTx<'_>, now: DateTime<Utc>) -> Result<NaiveDateTime, DbError> {
    let zone = storage::meta::district(tx)?.and_then(|d| d.timezone.parse::<chrono_tz::Tz>().ok());
    Ok(match zone {
        Some(tz) => now.with_timezone(&tz).naive_local(),
        None => now.naive_utc(),
    })
}

fn decide_signup(
    tx: &ReadTx<'_>,
    sender: Sender<'_>,
    s: &Submission,
    now: DateTime<Utc>,
) -> Result<Decision, DbError> {
    use SubmissionStatus::{Conflict, Rejected};
    let p: SignupSubmission = match serde_json::from_value(s.payload.clone()) {
        Ok(p) => p,
        Err(e) => return Ok(refuse(Rejected, format!("payload is not a sign-up: {e}"))),
    };
    let name = match person_text("name", &p.name, MAX_SIGNUP_NAME_CHARS, false) {
        Ok(n) => n,
        Err(m) => return Ok(refuse(Rejected, m)),
    };
    let contact = match person_text("contact", &p.contact, MAX_CONTACT_CHARS, false) {
        Ok(c) => c,
        Err(m) => return Ok(refuse(Rejected, m)),
    };
    if p.party_size == 0 || p.party_size > MAX_PARTY_SIZE {
        return Ok(refuse(
            Rejected,
            format!(
                "`party_size` is {}; it must be 1 to {MAX_PARTY_SIZE}",
                p.party_size
            ),
        ));
    }
    let event = match records::get(tx, Kind::Event, &p.event)? {
        Some(Record::Event(e)) => e,
        _ => {
            return Ok(refuse(
                Conflict,
                format!("event `{}` is not (or no longer) published", p.event),
            ));
        }
    };
    if event.scope.as_deref().is_some_and(|s| s != sender.station) {
        return Ok(refuse(
            Rejected,
            format!(
                "event `{}` is not offered at this kiosk's station",
                event.id
            ),
        ));
    }
    let occurrence = match occurrence(&event, p.occurrence_start) {
        Ok(o) => o,
        Err(m) => return Ok(refuse(Rejected, m)),
    };
    if !event.signup_open {
        return Ok(refuse(
            Conflict,
            format!("sign-up for event `{}` is closed", event.id),
        ));
    }
    if occurrence <= district_now(tx, now)? {
        return Ok(refuse(
            Conflict,
            format!("event `{}` at {occurrence} has already started", event.id),
        ));
    }
    let taken = storage::signups::taken(tx, &event.id, occurrence)?;
    if let Some(cap) = capacity(tx, &event)? {
        let left = cap.saturating_sub(taken);
        if p.party_size > left {
            return Ok(refuse(
                Conflict,
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
        Row::Signup {
            event: event.id.clone(),
            occurrence,
            name,
            contact,
            party_size: p.party_size,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::content::Recurrence;
    use protocol::text::Text;

    fn event(recurrence: Option<Recurrence>) -> Event {
        Event {
            id: "e".into(),
            station: "s".into(),
            room: "r".into(),
            title: Text::new("课", "Class"),
            description: Text::new("描述", "Description"),
            start: "2030-01-07T12:00:00".parse().expect("time"),
            end: "2030-01-07T13:00:00".parse().expect("time"),
            capacity: Some(2),
            signup_open: true,
            recurrence,
            scope: None,
        }
    }

    #[test]
    fn occurrences_follow_the_weekly_grid() {
        let t = |s: &str| s.parse::<NaiveDateTime>().expect("time");
        let once = event(None);
        assert_eq!(occurrence(&once, None), Ok(t("2030-01-07T12:00:00")));
        assert!(occurrence(&once, Some(t("2030-01-14T12:00:00"))).is_err());
        let weekly = event(Some(Recurrence {
            weekly: true,
            until: Some("2030-01-21".parse().expect("date")),
        }));
        assert!(occurrence(&weekly, None).is_err());
        assert_eq!(
            occurrence(&weekly, Some(t("2030-01-21T12:00:00"))),
            Ok(t("2030-01-21T12:00:00"))
        );
        assert!(
            occurrence(&weekly, Some(t("2030-01-28T12:00:00"))).is_err(),
            "after until"
        );
        assert!(
            occurrence(&weekly, Some(t("2030-01-15T12:00:00"))).is_err(),
            "off grid"
        );
        assert!(
            occurrence(&weekly, Some(t("2029-12-31T12:00:00"))).is_err(),
            "before"
        );
    }

    #[test]
    fn person_text_is_trimmed_and_bounded() {
        assert_eq!(person_text("n", "  李雷 ", 5, false), Ok("李雷".into()));
        assert!(person_text("n", "   ", 5, false).is_err());
        assert!(person_text("n", "abcdef", 5, false).is_err());
        assert!(person_text("n", "a\nb", 5, false).is_err());
        assert!(person_text("n", "a\nb", 5, true).is_ok());
    }
}
