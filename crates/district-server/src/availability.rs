//! Seats per event occurrence: which occurrences an event has, how many seats one offers, and
//! the `availability` records that tell every kiosk how many are taken.
//!
//! An occurrence gets a record when its first sign-up commits, in the same transaction; every
//! later sign-up or cancellation rewrites it in its own transaction, so the feed never shows a
//! count that was not committed. The record is scoped like its event, follows the event's
//! changes on every push and is deleted with it, and is withdrawn once the occurrence has
//! started (sign-up is over; kiosks no longer list it).

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use protocol::content::{Availability, Event, Kind, Record};

use crate::storage::{self, DbError, ReadTx, WriteTx, records, time_text};

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

/// Seats an occurrence offers: the event's capacity, else its room's; `None` is unlimited.
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
pub fn district_now(tx: &ReadTx<'_>, now: DateTime<Utc>) -> Result<NaiveDateTime, DbError> {
    let zone = storage::meta::district(tx)?.and_then(|d| d.timezone.parse::<chrono_tz::Tz>().ok());
    Ok(match zone {
        Some(tz) => now.with_timezone(&tz).naive_local(),
        None => now.naive_utc(),
    })
}

/// Writes the seats taken at one occurrence into the feed (in the caller's transaction), or
/// withdraws the record when the occurrence has started. Returns the record as it now is.
pub fn refresh(
    tx: &WriteTx<'_>,
    event: &Event,
    start: NaiveDateTime,
    now: DateTime<Utc>,
) -> Result<Availability, DbError> {
    let record = Availability {
        id: Availability::id_for(&event.id, start),
        event: event.id.clone(),
        start,
        taken: storage::signups::taken(tx, &event.id, start)?,
        capacity: capacity(tx, event)?,
        scope: event.scope.clone(),
    };
    let now_text = time_text(now);
    if start <= district_now(tx, now)? {
        records::delete(tx, Kind::Availability, &record.id, &now_text)?;
    } else {
        records::put_if_changed(tx, &Record::Availability(record.clone()), &now_text)?;
    }
    Ok(record)
}

/// Brings every availability record in line with the events as published now (after a push):
/// a changed capacity or scope is rewritten, a deleted event or an occurrence that no longer
/// exists loses its record, an occurrence that started loses it too.
pub fn refresh_all(tx: &WriteTx<'_>, now: DateTime<Utc>) -> Result<(), DbError> {
    let mut occurrences: BTreeSet<(String, NaiveDateTime)> =
        storage::signups::occurrences(tx)?.into_iter().collect();
    for data in records::live(tx, &[Kind::Availability])?.into_values() {
        let a: Availability = serde_json::from_value(data)
            .map_err(|e| DbError::Corrupt(format!("availability record: {e}")))?;
        occurrences.insert((a.event, a.start));
    }
    let now_text = time_text(now);
    for (event_id, start) in occurrences {
        match records::get(tx, Kind::Event, &event_id)? {
            Some(Record::Event(event)) if occurrence(&event, Some(start)).is_ok() => {
                refresh(tx, &event, start, now)?;
            }
            _ => {
                let id = Availability::id_for(&event_id, start);
                records::delete(tx, Kind::Availability, &id, &now_text)?;
            }
        }
    }
    Ok(())
}

/// Withdraws the records of occurrences that have started (housekeeping). Returns how many.
pub fn retire_started(tx: &WriteTx<'_>, now: DateTime<Utc>) -> Result<u64, DbError> {
    let local = district_now(tx, now)?;
    let now_text = time_text(now);
    let mut n = 0;
    for data in records::live(tx, &[Kind::Availability])?.into_values() {
        let a: Availability = serde_json::from_value(data)
            .map_err(|e| DbError::Corrupt(format!("availability record: {e}")))?;
        if a.start <= local && records::delete(tx, Kind::Availability, &a.id, &now_text)?.is_some()
        {
            n += 1;
        }
    }
    Ok(n)
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
            link: None,
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
}

/// Why a sign-up could not be cancelled.
#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    #[error("no sign-up `{0}`")]
    NotFound(String),
    #[error("sign-up `{0}` was already cancelled")]
    AlreadyCancelled(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Cancels a sign-up in the caller's transaction and rewrites its occurrence's seats in the
/// feed, so every kiosk shows the freed seats. The one way staff cancel, from `kioskctl` or the
/// console. Returns the sign-up as it now is, with the seats taken and offered.
pub fn cancel_signup(
    tx: &WriteTx<'_>,
    id: &str,
    now: DateTime<Utc>,
) -> Result<crate::api::CancelledSignup, CancelError> {
    let stored =
        storage::signups::get(tx, id)?.ok_or_else(|| CancelError::NotFound(id.to_string()))?;
    if stored.signup.cancelled_at.is_some() {
        return Err(CancelError::AlreadyCancelled(id.to_string()));
    }
    storage::signups::cancel(tx, id, &time_text(now))?;
    let (taken, capacity) = match records::get(tx, Kind::Event, &stored.event)? {
        Some(Record::Event(event)) => {
            let a = refresh(tx, &event, stored.occurrence, now)?;
            (a.taken, a.capacity)
        }
        _ => (
            storage::signups::taken(tx, &stored.event, stored.occurrence)?,
            None,
        ),
    };
    let signup = storage::signups::get(tx, id)?
        .ok_or_else(|| CancelError::NotFound(id.to_string()))?
        .signup;
    Ok(crate::api::CancelledSignup {
        event: stored.event,
        start: stored.occurrence,
        signup,
        taken,
        capacity,
    })
}
