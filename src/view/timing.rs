//! When a screen's content next changes by itself, with no new content: the district's next
//! midnight ("today" moves), an event on it starting or ending, an article being published or
//! expiring. The worker computes it with the view; the UI sets one timer for that moment
//! instead of re-reading the cache on a tick.

use chrono::{DateTime, FixedOffset, NaiveDateTime, NaiveTime};

use crate::store::Occurrence;

/// The earliest moment after `now` at which a view stops being true (local wall time of the
/// district).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextChange {
    now: NaiveDateTime,
    at: Option<NaiveDateTime>,
}

impl NextChange {
    /// Nothing changes after `now`, yet.
    pub fn after(now: NaiveDateTime) -> NextChange {
        NextChange { now, at: None }
    }

    /// The view changes at `at` (ignored unless it is after now).
    pub fn at(&mut self, at: NaiveDateTime) {
        if at > self.now && self.at.is_none_or(|t| at < t) {
            self.at = Some(at);
        }
    }

    /// The view shows what is on "today" (or a window of whole days from today): it changes at
    /// the next midnight.
    pub fn midnight(&mut self) {
        if let Some(tomorrow) = self.now.date().succ_opt() {
            self.at(tomorrow.and_time(NaiveTime::MIN));
        }
    }

    /// The view lists these occurrences and changes when any of them starts or ends.
    pub fn occurrences<'a>(&mut self, shown: impl IntoIterator<Item = &'a Occurrence>) {
        for o in shown {
            self.at(o.start);
            self.at(o.end);
        }
    }

    /// The view changes at an instant (an article's publish or expire time), given in any zone.
    pub fn instant(&mut self, at: DateTime<FixedOffset>, now: DateTime<FixedOffset>) {
        if at > now {
            // The same distance after now on the district's wall clock.
            self.at(self.now + (at - now));
        }
    }

    pub fn get(&self) -> Option<NaiveDateTime> {
        self.at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").expect("time")
    }

    #[test]
    fn keeps_the_earliest_future_moment() {
        let mut next = NextChange::after(at("2026-11-24T19:00"));
        assert_eq!(next.get(), None);
        next.midnight();
        assert_eq!(next.get(), Some(at("2026-11-25T00:00")));
        next.at(at("2026-11-24T20:00"));
        next.at(at("2026-11-24T18:30"));
        next.at(at("2026-11-24T19:00"));
        assert_eq!(
            next.get(),
            Some(at("2026-11-24T20:00")),
            "past and now ignored"
        );
        let now: DateTime<FixedOffset> = "2026-11-24T19:00:00+08:00".parse().expect("now");
        let expire: DateTime<FixedOffset> = "2026-11-24T11:30:00Z".parse().expect("instant");
        next.instant(expire, now);
        assert_eq!(next.get(), Some(at("2026-11-24T19:30")));
    }
}
