//! A station: address, hours, rooms and the next week's events there.

use chrono::{Duration, NaiveDateTime, NaiveTime};

use super::schedule::{EventLine, event_lines};
use super::timing::NextChange;
use super::{Ctx, PictureSlot, PictureSpec};
use crate::store::{ContentStore, StoreError};

/// How many upcoming events the station page lists.
pub const UPCOMING_LIMIT: usize = 6;
/// Width station photos are decoded at.
pub const PICTURE_WIDTH: u32 = 1000;

#[derive(Debug, Clone, PartialEq)]
pub struct RoomLine {
    pub name: String,
    pub description: String,
    pub capacity: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StationView {
    pub id: String,
    /// Picker chips: (id, name, selected).
    pub stations: Vec<(String, String, bool)>,
    pub name: String,
    pub building: String,
    pub floor: String,
    pub address: String,
    pub hours: String,
    pub area: String,
    pub summary: String,
    pub serves: String,
    pub rooms: Vec<RoomLine>,
    pub upcoming: Vec<EventLine>,
    pub picture: Option<PictureSpec>,
    /// When the list of coming events next changes by itself: one ends, or midnight (the
    /// week moves on, and "today" with it).
    pub valid_until: Option<NaiveDateTime>,
}

pub fn build(
    store: &ContentStore,
    id: Option<&str>,
    ctx: &Ctx,
) -> Result<Option<StationView>, StoreError> {
    let stations = store.stations()?;
    let chosen = match id {
        Some(id) => stations.iter().find(|s| s.id == id),
        None => stations.first(),
    };
    let Some(station) = chosen else {
        return Ok(None);
    };
    let now = ctx.local_now();
    // The schedule's week (today and six more days), ending at a midnight.
    let week_end = (now.date() + Duration::days(7)).and_time(NaiveTime::MIN);
    let upcoming: Vec<_> = store
        .occurrences(now, week_end, Some(&station.id))?
        .into_iter()
        .take(UPCOMING_LIMIT)
        .collect();
    let mut next = NextChange::after(now);
    next.midnight();
    next.occurrences(&upcoming);
    let serves: Vec<String> = station.serves.iter().map(|b| ctx.t(b)).collect();
    let serves: Vec<&str> = serves.iter().map(String::as_str).collect();
    Ok(Some(StationView {
        id: station.id.clone(),
        stations: stations
            .iter()
            .map(|s| (s.id.clone(), ctx.t(&s.name), s.id == station.id))
            .collect(),
        name: ctx.t(&station.name),
        building: ctx.t(&station.building),
        floor: ctx.t(&station.floor),
        address: ctx.t(&station.address),
        hours: ctx.t(&station.hours),
        area: station
            .area_m2
            .map(|a| {
                ctx.loc
                    .format(ctx.lang, "station-area-value", &[("area", a.into())])
            })
            .unwrap_or_default(),
        summary: ctx.t(&station.summary),
        serves: ctx.loc.list(ctx.lang, &serves),
        rooms: store
            .rooms_of(&station.id)?
            .into_iter()
            .map(|r| RoomLine {
                name: ctx.t(&r.name),
                description: ctx.t(&r.description),
                capacity: r
                    .capacity
                    .map(|c| {
                        ctx.loc
                            .format(ctx.lang, "room-capacity", &[("capacity", c.into())])
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        upcoming: event_lines(store, &upcoming, false, ctx)?,
        picture: station.image.as_ref().map(|img| {
            PictureSpec::blob(
                PictureSlot::StationPicture(station.id.clone()),
                img,
                PICTURE_WIDTH,
            )
        }),
        valid_until: next.get(),
    }))
}
