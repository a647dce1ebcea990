//! Home: the section tiles and today's (or the coming) events.

use std::cell::Cell;
use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::Page;
use crate::app::Navigator;
use crate::app::models::{color, event_row, update};
use crate::app::nav::{Action, Nav};
use crate::ui;
use crate::view::{HomeView, Range, Screen};

pub struct HomePage {
    tiles: Rc<VecModel<ui::SectionTile>>,
    events: Rc<VecModel<ui::EventRow>>,
    /// The schedule range the listed events are in, so a tapped one opens where it is listed.
    range: Rc<Cell<Range>>,
}

impl Page for HomePage {
    type View = HomeView;
    const SCREEN: ui::Screen = ui::Screen::Home;

    fn bind(window: &ui::AppWindow, go: &Navigator) -> HomePage {
        let page = HomePage {
            tiles: Rc::new(VecModel::default()),
            events: Rc::new(VecModel::default()),
            range: Rc::new(Cell::new(Range::Today)),
        };
        let adapter = window.global::<ui::HomeAdapter>();
        adapter.set_tiles(ModelRc::from(page.tiles.clone()));
        adapter.set_today(ModelRc::from(page.events.clone()));
        adapter.on_open_section(
            go.on_arg(|id: SharedString| Action::Open(Screen::Section(id.into()))),
        );
        adapter.on_open_schedule(go.on(Action::OpenSchedule));
        let range = page.range.clone();
        adapter.on_open_event(go.on_arg(move |key: SharedString| {
            Action::Open(Screen::Schedule {
                range: range.get(),
                station: None,
                open: Some(key.into()),
            })
        }));
        page
    }

    fn apply(&self, window: &ui::AppWindow, view: HomeView, _nav: &Nav) {
        update(
            &self.tiles,
            view.tiles
                .iter()
                .map(|t| ui::SectionTile {
                    id: t.id.as_str().into(),
                    title: t.title.as_str().into(),
                    subtitle: t.subtitle.as_str().into(),
                    icon: t.icon.as_str().into(),
                    accent: color(t.accent),
                    count: t.count.as_str().into(),
                })
                .collect(),
        );
        update(&self.events, view.today.iter().map(event_row).collect());
        self.range.set(view.range);
        let adapter = window.global::<ui::HomeAdapter>();
        adapter.set_today_title(view.today_title.into());
        adapter.set_today_label(view.today_label.into());
    }
}
