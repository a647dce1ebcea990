//! The district's local time: the system clock in the district's zone, or a fixed instant for
//! snapshots and tests, so rendered screens are reproducible.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub tz: Tz,
    /// Local wall-clock time to pretend it is.
    pub fixed: Option<NaiveDateTime>,
}

impl Clock {
    pub fn system(tz: Tz) -> Clock {
        Clock { tz, fixed: None }
    }

    pub fn fixed(tz: Tz, at: NaiveDateTime) -> Clock {
        Clock {
            tz,
            fixed: Some(at),
        }
    }

    /// Now, in the district's zone.
    pub fn now(&self) -> DateTime<FixedOffset> {
        let in_zone = match self.fixed {
            // Ambiguous or skipped local times (DST changes) take the earlier reading.
            Some(at) => self
                .tz
                .from_local_datetime(&at)
                .earliest()
                .unwrap_or_else(|| self.tz.from_utc_datetime(&at)),
            None => Utc::now().with_timezone(&self.tz),
        };
        in_zone.with_timezone(&in_zone.offset().fix())
    }
}

/// The zone the demo district uses, and the default before any content says otherwise.
pub const DEFAULT_TZ: Tz = chrono_tz::Asia::Shanghai;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_reads_local_time_in_zone() {
        let at = NaiveDateTime::parse_from_str("2026-11-24 10:00", "%Y-%m-%d %H:%M").expect("time");
        let now = Clock::fixed(DEFAULT_TZ, at).now();
        assert_eq!(now.naive_local(), at);
        assert_eq!(now.offset().local_minus_utc(), 8 * 3600);
    }
}
