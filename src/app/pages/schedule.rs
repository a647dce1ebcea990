//! The schedule: a day's or a week's events, filtered by station, with an overlay of one
//! event's details.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use slint::{ComponentHandle, Image, ModelRc, SharedString, VecModel};

use super::Page;
use crate::app::Navigator;
use crate::app::models::{chips, event_row, update};
use crate::app::nav::{Action, Nav};
use crate::ui;
use crate::view::{EventDetail, Range, ScheduleView, Screen};

pub struct SchedulePage {
    stations: Rc<VecModel<ui::ChipItem>>,
    rows: Rc<VecModel<ui::EventRow>>,
    /// Details of the events listed, by occurrence key, for the overlay.
    details: RefCell<HashMap<String, EventDetail>>,
    /// The occurrence key of the details shown, and its QR code once the worker made it.
    shown: RefCell<Option<(String, Option<Image>)>>,
}

impl SchedulePage {
    /// Shows the details of event `open`, or closes them. A key no longer listed closes them.
    pub fn show_overlay(&self, window: &ui::AppWindow, open: Option<&str>) {
        let detail = open.and_then(|key| Some((key, self.details.borrow().get(key).cloned()?)));
        let adapter = window.global::<ui::ScheduleAdapter>();
        match detail {
            Some((key, d)) => {
                // Another event: no QR code until the worker has made its own.
                let mut shown = self.shown.borrow_mut();
                if shown.as_ref().is_none_or(|(k, _)| k != key) {
                    *shown = Some((key.to_string(), None));
                }
                let qr = shown.as_ref().and_then(|(_, qr)| qr.clone());
                adapter.set_has_qr(qr.is_some());
                adapter.set_qr(qr.unwrap_or_default());
                adapter.set_detail(ui::EventDetail {
                    title: d.title.into(),
                    when: d.when.into(),
                    station: d.station.into(),
                    station_id: d.station_id.into(),
                    room: d.room.into(),
                    address: d.address.into(),
                    description: d.description.into(),
                    seats: d.seats.into(),
                    signup: d.signup.into(),
                    can_sign_up: d.can_sign_up,
                    qr_caption: d.qr_caption.into(),
                });
                adapter.set_detail_open(true);
            }
            None => {
                *self.shown.borrow_mut() = None;
                adapter.set_detail_open(false);
                adapter.set_has_qr(false);
                adapter.set_qr(Image::default());
            }
        }
    }

    /// The QR code of occurrence `key`, if its details are still open.
    pub fn put_qr(&self, window: &ui::AppWindow, key: &str, image: Image) {
        let mut shown = self.shown.borrow_mut();
        let Some((open, qr)) = shown.as_mut() else {
            return;
        };
        if open != key {
            return;
        }
        *qr = Some(image.clone());
        let adapter = window.global::<ui::ScheduleAdapter>();
        adapter.set_qr(image);
        adapter.set_has_qr(true);
    }
}

impl Page for SchedulePage {
    type View = ScheduleView;
    const SCREEN: ui::Screen = ui::Screen::Schedule;

    fn bind(window: &ui::AppWindow, go: &Navigator) -> SchedulePage {
        let page = SchedulePage {
            stations: Rc::new(VecModel::default()),
            rows: Rc::new(VecModel::default()),
            details: RefCell::default(),
            shown: RefCell::default(),
        };
        let adapter = window.global::<ui::ScheduleAdapter>();
        adapter.set_stations(ModelRc::from(page.stations.clone()));
        adapter.set_rows(ModelRc::from(page.rows.clone()));
        adapter.on_set_range(go.on_arg(|range: i32| Action::SetRange(Range::from_index(range))));
        adapter.on_set_station(go.on_arg(|id: SharedString| {
            Action::FilterStation((!id.is_empty()).then(|| id.to_string()))
        }));
        adapter.on_open_event(go.on_arg(|key: SharedString| Action::OpenEvent(key.into())));
        adapter.on_close_event(go.on(Action::CloseEvent));
        adapter.on_sign_up(go.on(Action::SignUp));
        adapter.on_open_station(
            go.on_arg(|id: SharedString| Action::Open(Screen::Station(Some(id.into())))),
        );
        page
    }

    fn apply(&self, window: &ui::AppWindow, view: ScheduleView, nav: &Nav) {
        let adapter = window.global::<ui::ScheduleAdapter>();
        adapter.set_range(view.range.index());
        adapter.set_range_label(view.range_label.into());
        update(&self.stations, chips(&view.stations));
        update(&self.rows, view.rows.iter().map(event_row).collect());
        *self.details.borrow_mut() = view
            .rows
            .into_iter()
            .filter_map(|l| l.detail.map(|d| (l.key, d)))
            .collect();
        self.show_overlay(window, nav.open_event());
    }

    /// The event details close with their QR code (they open again only from the schedule).
    fn let_go_of_pictures(&self, window: &ui::AppWindow) {
        self.show_overlay(window, None);
    }
}
