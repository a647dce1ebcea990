//! Home: the section tiles and today's (or the coming) events.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use slint::{ComponentHandle, Image, Model, ModelRc, SharedString, VecModel};

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
    /// Sections' own icons: the blob each shown tile wants, and those drawn so far (by
    /// section, with the blob they were drawn from), so a re-read of home keeps them.
    icons: RefCell<TileIcons>,
}

#[derive(Default)]
struct TileIcons {
    wanted: HashMap<String, String>,
    drawn: HashMap<String, (String, Image)>,
}

impl HomePage {
    /// Section `section`'s own icon, drawn: its tile shows it instead of the built-in drawing.
    pub fn put_icon(&self, section: &str, image: Image) {
        let mut icons = self.icons.borrow_mut();
        let Some(sha) = icons.wanted.get(section).cloned() else {
            return;
        };
        icons
            .drawn
            .insert(section.to_string(), (sha, image.clone()));
        if let Some((i, mut tile)) = self.tiles.iter().enumerate().find(|(_, t)| t.id == section) {
            tile.custom_icon = image;
            self.tiles.set_row_data(i, tile);
        }
    }
}

impl Page for HomePage {
    type View = HomeView;
    const SCREEN: ui::Screen = ui::Screen::Home;

    fn bind(window: &ui::AppWindow, go: &Navigator) -> HomePage {
        let page = HomePage {
            tiles: Rc::new(VecModel::default()),
            events: Rc::new(VecModel::default()),
            range: Rc::new(Cell::new(Range::Today)),
            icons: RefCell::default(),
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
        let mut icons = self.icons.borrow_mut();
        icons.wanted = view
            .tiles
            .iter()
            .filter_map(|t| Some((t.id.clone(), t.icon_file.as_ref()?.sha256.clone())))
            .collect();
        let TileIcons { wanted, drawn } = &mut *icons;
        drawn.retain(|section, (sha, _)| wanted.get(section) == Some(sha));
        update(
            &self.tiles,
            view.tiles
                .iter()
                .map(|t| ui::SectionTile {
                    id: t.id.as_str().into(),
                    title: t.title.as_str().into(),
                    subtitle: t.subtitle.as_str().into(),
                    icon: t.icon.as_str().into(),
                    custom_icon: drawn
                        .get(&t.id)
                        .map(|(_, image)| image.clone())
                        .unwrap_or_default(),
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
