//! The district's local time: the system clock in the district's zone, corrected by the skew the
//! sync measured against the district server when the kiosk's own clock is wrong by more than
//! [`SKEW_TOLERANCE`]; or a mock instant for snapshots and tests, which a test can move.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// The zone the demo district uses, and the default before any content says otherwise.
pub const DEFAULT_TZ: Tz = chrono_tz::Asia::Shanghai;

/// A kiosk clock off by no more than this is left alone (NTP's business; a measurement over
/// the network is not more precise than that anyway). Beyond it, the server's time is used.
pub const SKEW_TOLERANCE: Duration = Duration::seconds(60);

/// Where the kiosk's own reading of the time comes from.
#[derive(Debug, Clone)]
enum Source {
    /// The machine's clock.
    System,
    /// The machine's clock, set wrong by this much: a kiosk with a bad clock, for tests.
    Skewed(Duration),
    /// A mock that reads what it is set to (milliseconds since the epoch); clones share it,
    /// so a test keeps one and moves the time the app sees.
    Mock(Arc<AtomicI64>),
}

/// What time it is in the district. Cloning shares a mock's time.
#[derive(Debug, Clone)]
pub struct Clock {
    tz: Tz,
    source: Source,
    /// Server minus kiosk, applied to every reading; `None` while the kiosk's clock is right
    /// (or nothing was measured).
    correction: Option<Duration>,
}

/// Equal when they read the same time the same way (mocks: the same shared mock).
impl PartialEq for Clock {
    fn eq(&self, other: &Clock) -> bool {
        let same_source = match (&self.source, &other.source) {
            (Source::System, Source::System) => true,
            (Source::Skewed(a), Source::Skewed(b)) => a == b,
            (Source::Mock(a), Source::Mock(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_source && self.tz == other.tz && self.correction == other.correction
    }
}

impl Eq for Clock {}

impl Clock {
    pub fn system(tz: Tz) -> Clock {
        Clock {
            tz,
            source: Source::System,
            correction: None,
        }
    }

    /// A mock clock showing local time `at` in `tz`, until a test moves it with
    /// [`Clock::set`] or [`Clock::advance`].
    pub fn fixed(tz: Tz, at: NaiveDateTime) -> Clock {
        let utc = local_to_utc(tz, at);
        Clock {
            tz,
            source: Source::Mock(Arc::new(AtomicI64::new(utc.timestamp_millis()))),
            correction: None,
        }
    }

    /// The system clock set wrong by `error` (negative: behind): what a kiosk with a dead RTC
    /// battery or no NTP sees. For tests of the skew correction.
    pub fn skewed(tz: Tz, error: Duration) -> Clock {
        Clock {
            tz,
            source: Source::Skewed(error),
            correction: None,
        }
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Follows the district's zone once the content names it.
    pub fn set_tz(&mut self, tz: Tz) {
        self.tz = tz;
    }

    /// Moves a mock clock to local time `at`; the system clock cannot be moved (logged).
    pub fn set(&self, at: NaiveDateTime) {
        match &self.source {
            Source::Mock(ms) => ms.store(
                local_to_utc(self.tz, at).timestamp_millis(),
                Ordering::SeqCst,
            ),
            _ => tracing::warn!("only a mock clock can be set"),
        }
    }

    /// Moves a mock clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        match &self.source {
            Source::Mock(ms) => {
                ms.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
            }
            _ => tracing::warn!("only a mock clock can be moved"),
        }
    }

    /// What the kiosk's own clock says, uncorrected: what the heartbeat reports and measures
    /// the skew against.
    pub fn kiosk_now(&self) -> DateTime<Utc> {
        match &self.source {
            Source::System => Utc::now(),
            Source::Skewed(error) => Utc::now() + *error,
            Source::Mock(ms) => DateTime::from_timestamp_millis(ms.load(Ordering::SeqCst))
                .unwrap_or(DateTime::UNIX_EPOCH),
        }
    }

    /// Now, in the district's zone, corrected when the kiosk's clock is known to be wrong.
    pub fn now(&self) -> DateTime<FixedOffset> {
        let utc = self.kiosk_now() + self.correction.unwrap_or_default();
        let in_zone = utc.with_timezone(&self.tz);
        in_zone.with_timezone(&in_zone.offset().fix())
    }

    /// Takes the skew the sync measured (server minus kiosk): beyond [`SKEW_TOLERANCE`] every
    /// reading is corrected by it, within it none is. Returns whether the correction changed.
    pub fn set_skew(&mut self, skew: Option<Duration>) -> bool {
        let correction = skew.filter(|s| s.abs() > SKEW_TOLERANCE);
        let changed = correction != self.correction;
        self.correction = correction;
        changed
    }

    /// The correction in force: `Some` when the kiosk shows the server's time.
    pub fn correction(&self) -> Option<Duration> {
        self.correction
    }

    /// How long from now until local wall time `at` in the district (zero if it has passed).
    pub fn until(&self, at: NaiveDateTime) -> std::time::Duration {
        let target = local_to_utc(self.tz, at);
        let now = self.now().with_timezone(&Utc);
        (target - now).to_std().unwrap_or_default()
    }
}

/// A local wall time as an instant; ambiguous or skipped local times (DST changes) take the
/// earlier reading.
fn local_to_utc(tz: Tz, at: NaiveDateTime) -> DateTime<Utc> {
    tz.from_local_datetime(&at)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&at))
}

/// The server's clock minus the kiosk's, from a request sent at `sent` and answered at
/// `received` (both by the kiosk's clock) carrying `server_time`. The server read its clock
/// somewhere in between; the middle of the round trip is the best guess (NTP's).
pub fn measure_skew(
    sent: DateTime<Utc>,
    received: DateTime<Utc>,
    server_time: DateTime<Utc>,
) -> Duration {
    let round_trip = (received - sent).max(Duration::zero());
    server_time - (sent + round_trip / 2)
}

/// A skew as a person reads it: `2 h 0 min 5 s behind`, `40 s ahead`.
pub fn describe_skew(skew: Duration) -> String {
    // Server minus kiosk: a positive skew means the kiosk is behind.
    let side = if skew >= Duration::zero() {
        "behind"
    } else {
        "ahead of"
    };
    let s = skew.num_seconds().unsigned_abs();
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    let amount = match (h, m) {
        (0, 0) => format!("{sec} s"),
        (0, _) => format!("{m} min {sec} s"),
        _ => format!("{h} h {m} min {sec} s"),
    };
    format!("{amount} {side} the server")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    #[test]
    fn fixed_clock_reads_local_time_in_zone_and_moves_when_told() {
        let clock = Clock::fixed(DEFAULT_TZ, at("2026-11-24 10:00"));
        let now = clock.now();
        assert_eq!(now.naive_local(), at("2026-11-24 10:00"));
        assert_eq!(now.offset().local_minus_utc(), 8 * 3600);

        let shared = clock.clone();
        shared.advance(Duration::minutes(90));
        assert_eq!(clock.now().naive_local(), at("2026-11-24 11:30"));
        shared.set(at("2026-11-25 00:00"));
        assert_eq!(clock.now().naive_local(), at("2026-11-25 00:00"));
        assert_eq!(
            clock.until(at("2026-11-25 00:01")),
            std::time::Duration::from_secs(60)
        );
        assert_eq!(
            clock.until(at("2026-11-24 23:00")),
            std::time::Duration::ZERO
        );
    }

    #[test]
    fn small_skews_are_ignored_large_ones_corrected() {
        let mut clock = Clock::fixed(DEFAULT_TZ, at("2026-11-24 22:30"));
        assert!(!clock.set_skew(Some(Duration::seconds(45))));
        assert_eq!(clock.now().naive_local(), at("2026-11-24 22:30"));
        // Two hours behind the server: the server's time, a new day.
        assert!(clock.set_skew(Some(Duration::hours(2))));
        assert_eq!(clock.now().naive_local(), at("2026-11-25 00:30"));
        assert_eq!(
            clock.kiosk_now(),
            clock.kiosk_now(),
            "own reading untouched"
        );
        assert!(!clock.set_skew(Some(Duration::hours(2))), "no change");
        assert!(clock.set_skew(None));
        assert_eq!(clock.now().naive_local(), at("2026-11-24 22:30"));
    }

    #[test]
    fn skew_takes_the_middle_of_the_round_trip() {
        let t = |s: i64| DateTime::from_timestamp(1_800_000_000 + s, 0).expect("instant");
        // Sent at 0, answered at 4 (kiosk clock); the server said 7202: 2 h ahead.
        assert_eq!(measure_skew(t(0), t(4), t(7202)), Duration::hours(2));
        assert_eq!(measure_skew(t(10), t(10), t(0)), Duration::seconds(-10));
        assert_eq!(
            describe_skew(Duration::seconds(7205)),
            "2 h 0 min 5 s behind the server"
        );
        assert_eq!(
            describe_skew(Duration::seconds(-40)),
            "40 s ahead of the server"
        );
    }
}
