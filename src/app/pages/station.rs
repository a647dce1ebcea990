//! A station: where it is, when it is open, its rooms and its coming events.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, Image, ModelRc, SharedString, VecModel};

use super::Page;
use crate::app::Navigator;
use crate::app::models::{chips, event_row, update};
use crate::app::nav::{Action, Nav};
use crate::ui;
use crate::view::{Range, Screen, StationView};

pub struct StationPage {
    stations: Rc<VecModel<ui::ChipItem>>,
    rooms: Rc<VecModel<ui::RoomRow>>,
    upcoming: Rc<VecModel<ui::EventRow>>,
    /// The station shown: a tapped event opens the week's schedule of this station.
    shown: Rc<RefCell<String>>,
}

impl StationPage {
    /// Station `id`'s photo, if that station is still shown.
    pub fn put_picture(&self, window: &ui::AppWindow, id: &str, image: Image) {
        if *self.shown.borrow() != id {
            return;
        }
        let adapter = window.global::<ui::StationAdapter>();
        adapter.set_picture(image);
        adapter.set_has_picture(true);
    }
}

impl Page for StationPage {
    type View = StationView;
    const SCREEN: ui::Screen = ui::Screen::Station;

    fn bind(window: &ui::AppWindow, go: &Navigator) -> StationPage {
        let page = StationPage {
            stations: Rc::new(VecModel::default()),
            rooms: Rc::new(VecModel::default()),
            upcoming: Rc::new(VecModel::default()),
            shown: Rc::default(),
        };
        let adapter = window.global::<ui::StationAdapter>();
        adapter.set_stations(ModelRc::from(page.stations.clone()));
        adapter.set_rooms(ModelRc::from(page.rooms.clone()));
        adapter.set_upcoming(ModelRc::from(page.upcoming.clone()));
        adapter.on_select_station(go.on_arg(|id: SharedString| Action::SelectStation(id.into())));
        let shown = page.shown.clone();
        adapter.on_open_event(go.on_arg(move |key: SharedString| {
            let station = shown.borrow().clone();
            Action::Open(Screen::Schedule {
                range: Range::Week,
                station: (!station.is_empty()).then_some(station),
                open: Some(key.into()),
            })
        }));
        page
    }

    fn apply(&self, window: &ui::AppWindow, view: StationView, _nav: &Nav) {
        let adapter = window.global::<ui::StationAdapter>();
        adapter.set_name(view.name.into());
        adapter.set_building(view.building.into());
        adapter.set_floor(view.floor.into());
        adapter.set_address(view.address.into());
        adapter.set_hours(view.hours.into());
        adapter.set_area(view.area.into());
        adapter.set_summary(view.summary.into());
        adapter.set_serves(view.serves.into());
        // Another station: its photo follows. The same one read again keeps its photo.
        if *self.shown.borrow() != view.id {
            adapter.set_has_picture(false);
        }
        if let Some(p) = &view.picture {
            adapter.set_picture_aspect(p.aspect());
        }
        update(&self.stations, chips(&view.stations));
        update(
            &self.rooms,
            view.rooms
                .iter()
                .map(|r| ui::RoomRow {
                    name: r.name.as_str().into(),
                    description: r.description.as_str().into(),
                    capacity: r.capacity.as_str().into(),
                })
                .collect(),
        );
        update(
            &self.upcoming,
            view.upcoming.iter().map(event_row).collect(),
        );
        *self.shown.borrow_mut() = view.id;
    }

    fn let_go_of_pictures(&self, window: &ui::AppWindow) {
        let adapter = window.global::<ui::StationAdapter>();
        adapter.set_has_picture(false);
        adapter.set_picture(Image::default());
    }
}
