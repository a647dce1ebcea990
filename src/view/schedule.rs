//! The venue schedule: occurrences of a day or a week, optionally at one station, as rows with day
//! headings; each row carries the details its overlay shows.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use protocol::content::{Room, Station};

use super::ical::CalendarEntry;
use super::timing::NextChange;
use super::{Ctx, PictureSlot, PictureSpec, QrFor};
use crate::clock::DEFAULT_TZ;
use crate::store::{ContentStore, Occurrence, StoreError};

/// The largest side of an event's QR code, in pixels: about 6 cm on a 32-inch portrait
/// screen, read by a phone from arm's length.
pub const EVENT_QR_MAX_SIDE: u32 = 400;

/// Accents that tell stations apart in lists, by station order.
const STATION_ACCENTS: [(u8, u8, u8); 6] = [
    (0xC8, 0x10, 0x2E),
    (0x1F, 0x6F, 0xB2),
    (0x2E, 0x9D, 0x5B),
    (0xD9, 0x7A, 0x00),
    (0x7B, 0x4B, 0xB7),
    (0x00, 0x8C, 0x8C),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Today,
    /// Today and the six days after it.
    Week,
}

impl Range {
    pub fn index(self) -> i32 {
        match self {
            Range::Today => 0,
            Range::Week => 1,
        }
    }

    pub fn from_index(i: i32) -> Range {
        if i == 1 { Range::Week } else { Range::Today }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventDetail {
    pub title: String,
    pub when: String,
    pub station: String,
    pub station_id: String,
    pub room: String,
    pub address: String,
    pub description: String,
    pub seats: String,
    pub signup: String,
    /// Sign-up is open, the occurrence has not started and seats are left: the details offer
    /// the sign-up form.
    pub can_sign_up: bool,
    /// What the QR code carries to the visitor's phone: the event's link where staff gave
    /// one, otherwise the occurrence as an iCalendar entry (see [`super::ical`]).
    pub qr_text: String,
    /// What scanning it does, in the visitor's language.
    pub qr_caption: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventLine {
    /// `EVENT-ID@START`, unique per occurrence; empty for headings.
    pub key: String,
    pub is_header: bool,
    pub day: String,
    /// The row shows its day next to the time: an event not today in a list without day
    /// headings (home's coming events, a station's week).
    pub dated: bool,
    pub time: String,
    pub title: String,
    pub place: String,
    pub seats: String,
    pub signup_open: bool,
    pub accent: (u8, u8, u8),
    pub detail: Option<EventDetail>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleView {
    pub range: Range,
    pub station: Option<String>,
    pub range_label: String,
    /// Filter chips: (station id or "" for all, label, selected).
    pub stations: Vec<(String, String, bool)>,
    pub rows: Vec<EventLine>,
    /// The QR code of the event whose details are open, made by the worker (a dense code
    /// takes milliseconds to draw: only the open one is made, never one per row).
    pub open_qr: Option<PictureSpec>,
    /// When the list next changes by itself: the next midnight ("today" moves).
    pub valid_until: Option<NaiveDateTime>,
}

pub fn occurrence_key(o: &Occurrence) -> String {
    format!("{}@{}", o.event.id, o.start.format("%Y-%m-%dT%H:%M"))
}

pub fn build(
    store: &ContentStore,
    range: Range,
    station: Option<&str>,
    open: Option<&str>,
    ctx: &Ctx,
) -> Result<ScheduleView, StoreError> {
    let today = ctx.local_now().date();
    let (occurrences, range_label) = match range {
        Range::Today => (
            store.occurrences_on(today, station)?,
            ctx.loc.day(ctx.lang, today),
        ),
        Range::Week => (
            store.occurrences_week(today, station)?,
            ctx.loc.format(
                ctx.lang,
                "date-range",
                &[
                    ("from", ctx.loc.day(ctx.lang, today).into()),
                    (
                        "to",
                        ctx.loc.day(ctx.lang, today + Duration::days(6)).into(),
                    ),
                ],
            ),
        ),
    };
    let mut stations = vec![(
        String::new(),
        ctx.ui("schedule-all-stations"),
        station.is_none(),
    )];
    // Whole days from today: only midnight changes what is listed.
    let mut next = NextChange::after(ctx.local_now());
    next.midnight();
    stations.extend(store.stations()?.into_iter().map(|s| {
        let selected = station == Some(s.id.as_str());
        (s.id.clone(), ctx.t(&s.name), selected)
    }));
    let rows = event_lines(store, &occurrences, range == Range::Week, ctx)?;
    let open_qr = open.and_then(|key| {
        let detail = rows.iter().find(|r| r.key == key)?.detail.as_ref()?;
        Some(PictureSpec::qr_within(
            PictureSlot::Qr(QrFor::Event(key.to_string())),
            detail.qr_text.clone(),
            EVENT_QR_MAX_SIDE,
        ))
    });
    Ok(ScheduleView {
        range,
        station: station.map(str::to_string),
        range_label,
        stations,
        rows,
        open_qr,
        valid_until: next.get(),
    })
}

/// Rows for occurrences, with a heading before each new day when `headings` is set; without
/// headings, rows of other days than today carry their day.
pub fn event_lines(
    store: &ContentStore,
    occurrences: &[Occurrence],
    headings: bool,
    ctx: &Ctx,
) -> Result<Vec<EventLine>, StoreError> {
    let stations: Vec<Station> = store.stations()?;
    let accent_of: HashMap<&str, (u8, u8, u8)> = stations
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), STATION_ACCENTS[i % STATION_ACCENTS.len()]))
        .collect();
    let station_of: HashMap<&str, &Station> = stations.iter().map(|s| (s.id.as_str(), s)).collect();
    let tz = store
        .district()?
        .and_then(|d| d.timezone.parse().ok())
        .unwrap_or(DEFAULT_TZ);
    let mut rooms: HashMap<String, Option<Room>> = HashMap::new();
    let mut rows = Vec::new();
    let mut last_day: Option<NaiveDate> = None;
    let today = ctx.local_now().date();
    for o in occurrences {
        let day = o.start.date();
        if headings && last_day != Some(day) {
            rows.push(EventLine {
                key: String::new(),
                is_header: true,
                day: ctx.loc.day(ctx.lang, day),
                dated: false,
                time: String::new(),
                title: String::new(),
                place: String::new(),
                seats: String::new(),
                signup_open: false,
                accent: STATION_ACCENTS[0],
                detail: None,
            });
        }
        last_day = Some(day);
        if !rooms.contains_key(&o.event.room) {
            rooms.insert(o.event.room.clone(), store.room(&o.event.room)?);
        }
        let room = rooms.get(&o.event.room).cloned().flatten();
        let station = station_of.get(o.event.station.as_str());
        let station_name = station.map(|s| ctx.t(&s.name)).unwrap_or_default();
        let room_name = room.as_ref().map(|r| ctx.t(&r.name)).unwrap_or_default();
        // With sign-up, what a visitor wants to know is the seats still free (the feed's
        // availability, as the form and its confirmation show); without, the room's size.
        let available = store.seats(&o.event, o.start)?;
        let seats = match (o.event.signup_open, available.capacity, available.left()) {
            (true, Some(capacity), Some(left)) => ctx.loc.format(
                ctx.lang,
                "event-seats-left",
                &[("left", left.into()), ("capacity", capacity.into())],
            ),
            _ => match o.event.capacity {
                Some(c) => ctx
                    .loc
                    .format(ctx.lang, "event-seats", &[("capacity", c.into())]),
                None => ctx.ui("event-no-limit"),
            },
        };
        let signup = ctx.ui(if o.event.signup_open {
            "event-signup-open"
        } else {
            "event-signup-closed"
        });
        let time = ctx.loc.time_range(ctx.lang, o.start, o.end);
        let can_sign_up = o.event.signup_open && o.start > ctx.local_now() && !available.is_full();
        let title = ctx.t(&o.event.title);
        let address = station
            .map(|s| {
                format!(
                    "{} {} · {}",
                    ctx.t(&s.building),
                    ctx.t(&s.floor),
                    ctx.t(&s.address)
                )
            })
            .unwrap_or_default();
        let (qr_text, qr_caption) = match &o.event.link {
            Some(link) => (link.clone(), ctx.ui("event-qr-link")),
            None => (
                CalendarEntry {
                    uid: format!("{}@lobby-kiosk", occurrence_key(o)),
                    title: &title,
                    location: &format!("{station_name} · {room_name}, {address}"),
                    start: o.start,
                    end: o.end,
                    tz,
                    stamp: ctx.now.with_timezone(&chrono::Utc),
                }
                .to_ical(),
                ctx.ui("event-qr-calendar"),
            ),
        };
        rows.push(EventLine {
            key: occurrence_key(o),
            is_header: false,
            day: ctx.loc.day(ctx.lang, day),
            dated: !headings && day != today,
            title: ctx.t(&o.event.title),
            place: format!("{station_name} · {room_name}"),
            seats: seats.clone(),
            signup_open: o.event.signup_open,
            accent: accent_of
                .get(o.event.station.as_str())
                .copied()
                .unwrap_or(STATION_ACCENTS[0]),
            detail: Some(EventDetail {
                title,
                when: format!("{} {}", ctx.loc.day(ctx.lang, day), time),
                station: station_name,
                station_id: o.event.station.clone(),
                room: room_name,
                address,
                description: ctx.t(&o.event.description),
                seats,
                signup,
                can_sign_up,
                qr_text,
                qr_caption,
            }),
            time,
        });
    }
    Ok(rows)
}
