//! The maintenance screen's figures (read by the worker; the app adds the renderer). Its PIN
//! pad and buttons are wired by `app::maintenance`, which owns their state.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, VecModel};

use super::Page;
use crate::app::Navigator;
use crate::app::models::update;
use crate::app::nav::Nav;
use crate::ui;
use crate::view::MaintenanceView;

pub struct MaintenancePage {
    rows: Rc<VecModel<ui::InfoRow>>,
}

impl Page for MaintenancePage {
    type View = MaintenanceView;
    const SCREEN: ui::Screen = ui::Screen::Maintenance;

    fn bind(window: &ui::AppWindow, _go: &Navigator) -> MaintenancePage {
        let page = MaintenancePage {
            rows: Rc::new(VecModel::default()),
        };
        window
            .global::<ui::MaintenanceAdapter>()
            .set_rows(ModelRc::from(page.rows.clone()));
        page
    }

    fn apply(&self, _window: &ui::AppWindow, view: MaintenanceView, _nav: &Nav) {
        update(
            &self.rows,
            view.lines
                .iter()
                .map(|l| ui::InfoRow {
                    label: l.label.as_str().into(),
                    value: l.value.as_str().into(),
                })
                .collect(),
        );
    }
}
