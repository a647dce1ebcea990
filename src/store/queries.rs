//! The reads the screens need. Screens never run SQL themselves; they call these.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime};
use protocol::content::{
    Article, Availability, Event, Kind, Notice, Record, Room, Section, Station, Wish, WishStatus,
};
use rusqlite::params;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::content::{ContentStore, table, timestamp};
use super::{Result, StoreError};

/// Seats at one occurrence of an event, as far as the kiosk knows: what it offers and what the
/// district server last said is taken (sign-ups still in this kiosk's outbox are not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    /// `None`: no limit.
    pub capacity: Option<u32>,
    pub taken: u32,
}

impl Seats {
    /// Seats still free; `None` without a limit.
    pub fn left(&self) -> Option<u32> {
        self.capacity.map(|c| c.saturating_sub(self.taken))
    }

    /// Whether nobody else can sign up.
    pub fn is_full(&self) -> bool {
        self.left() == Some(0)
    }
}

/// When an article goes live and when it expires: all that home's count of live articles needs.
/// Read from the same JSON as [`Article`] without building its texts (home counts every
/// article of every section at each start and each midnight: 1,000 articles of a large
/// district were ~8 % of a `kiosk snapshot` of home, parsed whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ArticleTimes {
    #[serde(default)]
    pub publish_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub expire_at: Option<DateTime<FixedOffset>>,
}

impl ArticleTimes {
    /// Whether the article is live at `now`: the same rule as [`Article::is_live`].
    pub fn is_live(&self, now: DateTime<FixedOffset>) -> bool {
        self.publish_at.is_none_or(|p| p <= now) && self.expire_at.is_none_or(|e| now < e)
    }
}

/// One occurrence of an event: a weekly event occurs many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub event: Event,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl ContentStore {
    fn rows<T: DeserializeOwned>(
        &self,
        kind: Kind,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn().prepare_cached(sql).map_err(self.sql_err())?;
        let mut rows = stmt.query(params).map_err(self.sql_err())?;
        let mut out = Vec::new();
        // Parsed where SQLite holds the text: no copy of each record into a `String` first.
        while let Some(row) = rows.next().map_err(self.sql_err())? {
            let data = row
                .get_ref(1)
                .and_then(|v| v.as_str().map_err(rusqlite::Error::from))
                .map_err(self.sql_err())?;
            out.push(
                serde_json::from_str(data).map_err(|source| StoreError::Record {
                    kind: kind.key(),
                    id: row.get::<_, String>(0).unwrap_or_default(),
                    source,
                })?,
            );
        }
        Ok(out)
    }

    fn one<T: DeserializeOwned>(&self, kind: Kind, id: &str) -> Result<Option<T>> {
        let sql = format!("SELECT id, data FROM {} WHERE id = ?1", table(kind));
        Ok(self.rows(kind, &sql, [id])?.into_iter().next())
    }

    /// The home screen's tiles, in order.
    pub fn sections(&self) -> Result<Vec<Section>> {
        self.rows(
            Kind::Section,
            "SELECT id, data FROM sections ORDER BY ord, id",
            [],
        )
    }

    pub fn section(&self, id: &str) -> Result<Option<Section>> {
        self.one(Kind::Section, id)
    }

    /// Articles of a section that are live at `now`, in order.
    pub fn articles_of(&self, section: &str, now: DateTime<FixedOffset>) -> Result<Vec<Article>> {
        let all = self.all_articles_of(section)?;
        Ok(all.into_iter().filter(|a| a.is_live(now)).collect())
    }

    /// [`ArticleTimes`] of every article of a section, whatever their times.
    pub fn article_times_of(&self, section: &str) -> Result<Vec<ArticleTimes>> {
        self.rows(
            Kind::Article,
            "SELECT id, data FROM articles WHERE section_id = ?1",
            [section],
        )
    }

    /// Articles of a section whatever their publish and expire times, in order: screens
    /// learn from them when the list next changes by itself.
    pub fn all_articles_of(&self, section: &str) -> Result<Vec<Article>> {
        self.rows(
            Kind::Article,
            "SELECT id, data FROM articles WHERE section_id = ?1 ORDER BY ord, id",
            [section],
        )
    }

    pub fn article(&self, id: &str) -> Result<Option<Article>> {
        self.one(Kind::Article, id)
    }

    pub fn stations(&self) -> Result<Vec<Station>> {
        self.rows(
            Kind::Station,
            "SELECT id, data FROM stations ORDER BY ord, id",
            [],
        )
    }

    pub fn station(&self, id: &str) -> Result<Option<Station>> {
        self.one(Kind::Station, id)
    }

    pub fn rooms_of(&self, station: &str) -> Result<Vec<Room>> {
        self.rows(
            Kind::Room,
            "SELECT id, data FROM rooms WHERE station_id = ?1 ORDER BY ord, id",
            [station],
        )
    }

    pub fn room(&self, id: &str) -> Result<Option<Room>> {
        self.one(Kind::Room, id)
    }

    /// Occurrences overlapping `[from, to)`, optionally at one station, sorted by start.
    pub fn occurrences(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        station: Option<&str>,
    ) -> Result<Vec<Occurrence>> {
        let events: Vec<Event> = self.rows(
            Kind::Event,
            "SELECT id, data FROM events
             WHERE (?3 IS NULL OR station_id = ?3)
               AND starts_at < ?2
               AND ((weekly = 0 AND ends_at > ?1)
                    OR (weekly = 1 AND (until IS NULL OR until >= substr(?1, 1, 10))))",
            params![timestamp(from), timestamp(to), station],
        )?;
        let mut out: Vec<Occurrence> = events
            .into_iter()
            .flat_map(|e| expand(&e, from, to))
            .collect();
        out.sort_by(|a, b| (a.start, a.end, &a.event.id).cmp(&(b.start, b.end, &b.event.id)));
        Ok(out)
    }

    /// Occurrences on one local day.
    pub fn occurrences_on(&self, day: NaiveDate, station: Option<&str>) -> Result<Vec<Occurrence>> {
        let from = day.and_time(chrono::NaiveTime::MIN);
        self.occurrences(from, from + Duration::days(1), station)
    }

    /// Occurrences of the seven days starting at `first_day`.
    pub fn occurrences_week(
        &self,
        first_day: NaiveDate,
        station: Option<&str>,
    ) -> Result<Vec<Occurrence>> {
        let from = first_day.and_time(chrono::NaiveTime::MIN);
        self.occurrences(from, from + Duration::days(7), station)
    }

    /// The wish wall: approved, claimed and fulfilled wishes, newest first. (The feed carries
    /// no other; pending and rejected ones never reach a kiosk.)
    pub fn wishes(&self) -> Result<Vec<Wish>> {
        let all: Vec<Wish> = self.rows(
            Kind::Wish,
            "SELECT id, data FROM wishes ORDER BY created_at DESC, id DESC",
            [],
        )?;
        Ok(all
            .into_iter()
            .filter(|w| {
                matches!(
                    w.status,
                    WishStatus::Approved | WishStatus::Claimed | WishStatus::Fulfilled
                )
            })
            .collect())
    }

    pub fn wish(&self, id: &str) -> Result<Option<Wish>> {
        self.one(Kind::Wish, id)
    }

    /// Seats at the occurrence of `event` starting at `start`: taken from the feed's
    /// availability record (none means nothing is taken), capacity from it or else from the
    /// event or its room.
    pub fn seats(&self, event: &Event, start: NaiveDateTime) -> Result<Seats> {
        let id = Availability::id_for(&event.id, start);
        if let Some(a) = self.one::<Availability>(Kind::Availability, &id)? {
            return Ok(Seats {
                capacity: a.capacity,
                taken: a.taken,
            });
        }
        let capacity = match event.capacity {
            Some(c) => Some(c),
            None => self.room(&event.room)?.and_then(|r| r.capacity),
        };
        Ok(Seats { capacity, taken: 0 })
    }

    /// Every urgent notice in the cache, whatever its times (the screen decides what is up).
    pub fn notices(&self) -> Result<Vec<Notice>> {
        self.rows(
            Kind::Notice,
            "SELECT id, data FROM notices ORDER BY starts_at, id",
            [],
        )
    }

    /// Every record of the cache, for the canonical checksum sync compares.
    pub fn all_records(&self) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        for kind in Kind::ALL {
            let sql = format!("SELECT id, data FROM {}", table(kind));
            let values: Vec<serde_json::Value> = self.rows(kind, &sql, [])?;
            for value in values {
                let id = value
                    .get("id")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                out.push(
                    Record::from_json(kind, value).map_err(|source| StoreError::Record {
                        kind: kind.key(),
                        id,
                        source,
                    })?,
                );
            }
        }
        Ok(out)
    }
}

/// The occurrences of `event` that overlap `[from, to)`.
fn expand(event: &Event, from: NaiveDateTime, to: NaiveDateTime) -> Vec<Occurrence> {
    let length = event.end - event.start;
    let weekly = event.recurrence.as_ref().filter(|r| r.weekly);
    let Some(rule) = weekly else {
        let overlaps = event.start < to && event.end > from;
        return overlaps
            .then(|| Occurrence {
                event: event.clone(),
                start: event.start,
                end: event.end,
            })
            .into_iter()
            .collect();
    };
    // Skip whole weeks that end before the window; one week of slack covers long events.
    let weeks_before = ((from - event.start).num_days() / 7 - 1).max(0);
    let mut start = event.start + Duration::weeks(weeks_before);
    let mut out = Vec::new();
    while start < to {
        if rule.until.is_some_and(|until| start.date() > until) {
            break;
        }
        let end = start + length;
        if end > from {
            out.push(Occurrence {
                event: event.clone(),
                start,
                end,
            });
        }
        start += Duration::weeks(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::content::Recurrence;
    use protocol::text::Text;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").expect("valid test time")
    }

    fn event(start: &str, end: &str, recurrence: Option<Recurrence>) -> Event {
        Event {
            id: "e".into(),
            station: "s".into(),
            room: "r".into(),
            title: Text::new("手工", "Crafts"),
            description: Text::new("午间", "Lunchtime"),
            start: at(start),
            end: at(end),
            capacity: None,
            signup_open: false,
            recurrence,
            link: None,
            scope: None,
        }
    }

    #[test]
    fn one_off_event_inside_or_outside_window() {
        let e = event("2026-11-24T12:10", "2026-11-24T13:00", None);
        assert_eq!(
            expand(&e, at("2026-11-24T00:00"), at("2026-11-25T00:00")).len(),
            1
        );
        assert!(expand(&e, at("2026-11-25T00:00"), at("2026-11-26T00:00")).is_empty());
        // Overlapping the window's start counts.
        assert_eq!(
            expand(&e, at("2026-11-24T12:30"), at("2026-11-24T18:00")).len(),
            1
        );
    }

    #[test]
    fn weekly_event_expands_and_stops_at_until() {
        let open = event(
            "2026-11-24T12:10",
            "2026-11-24T13:00",
            Some(Recurrence {
                weekly: true,
                until: None,
            }),
        );
        let later = expand(&open, at("2027-03-01T00:00"), at("2027-03-08T00:00"));
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].start, at("2027-03-02T12:10"));
        assert_eq!(
            expand(&open, at("2026-11-01T00:00"), at("2026-12-31T00:00")).len(),
            6
        );

        let bounded = event(
            "2026-11-24T12:10",
            "2026-11-24T13:00",
            Some(Recurrence {
                weekly: true,
                until: NaiveDate::from_ymd_opt(2026, 12, 1),
            }),
        );
        let occ = expand(&bounded, at("2026-11-01T00:00"), at("2026-12-31T00:00"));
        assert_eq!(
            occ.iter().map(|o| o.start).collect::<Vec<_>>(),
            vec![at("2026-11-24T12:10"), at("2026-12-01T12:10")]
        );
        // Nothing before the first occurrence.
        assert!(expand(&bounded, at("2026-11-01T00:00"), at("2026-11-20T00:00")).is_empty());
    }

    fn wish(id: &str, created: &str, status: WishStatus) -> Record {
        Record::Wish(Wish {
            id: id.into(),
            text: format!("wish {id}"),
            lang: protocol::text::Lang::Zh,
            display_name: None,
            status,
            created_at: created.parse().expect("time"),
            scope: None,
        })
    }

    #[test]
    fn the_wish_wall_is_newest_first_and_seats_come_from_the_feed() {
        use crate::store::Op;
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, _) = ContentStore::open_or_rebuild(dir.path()).expect("opens");
        let mut e = event("2030-01-19T14:00", "2030-01-19T15:30", None);
        e.capacity = Some(3);
        let mut unlimited = e.clone();
        unlimited.id = "open".into();
        unlimited.capacity = None;
        let start = at("2030-01-19T14:00");
        let seats = Availability {
            id: Availability::id_for("e", start),
            event: "e".into(),
            start,
            taken: 2,
            capacity: Some(3),
            scope: None,
        };
        store
            .apply_synced(
                &[
                    Op::Put(wish(
                        "old",
                        "2030-01-01T10:00:00+08:00",
                        WishStatus::Fulfilled,
                    )),
                    Op::Put(wish(
                        "new",
                        "2030-01-03T10:00:00+08:00",
                        WishStatus::Approved,
                    )),
                    Op::Put(wish(
                        "mid",
                        "2030-01-02T10:00:00+08:00",
                        WishStatus::Claimed,
                    )),
                    Op::Put(Record::Event(e.clone())),
                    Op::Put(Record::Event(unlimited.clone())),
                    Op::Put(Record::Availability(seats)),
                ],
                9,
                &[],
            )
            .expect("applies");
        let wall: Vec<String> = store
            .wishes()
            .expect("wishes")
            .into_iter()
            .map(|w| w.id)
            .collect();
        assert_eq!(wall, ["new", "mid", "old"]);
        assert_eq!(
            store.wish("mid").expect("wish").map(|w| w.status),
            Some(WishStatus::Claimed)
        );
        let s = store.seats(&e, start).expect("seats");
        assert_eq!((s.capacity, s.taken, s.left()), (Some(3), 2, Some(1)));
        assert!(!s.is_full());
        // Another occurrence (no record yet): nothing taken, the event's capacity.
        let next_week = at("2030-01-26T14:00");
        assert_eq!(store.seats(&e, next_week).expect("seats").left(), Some(3));
        assert_eq!(store.seats(&unlimited, start).expect("seats").left(), None);
        // The record goes when the server withdraws it.
        store
            .apply_synced(
                &[Op::Delete(
                    Kind::Availability,
                    Availability::id_for("e", start),
                )],
                10,
                &[],
            )
            .expect("applies");
        assert_eq!(store.seats(&e, start).expect("seats").taken, 0);
        assert_eq!(store.stats().expect("stats").wishes, 3);
    }
}
