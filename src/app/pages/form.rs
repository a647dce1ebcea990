//! A visitor's form page: what the form is about. Its fields, checks and confirmation are the
//! app's (`app/forms.rs`), which keeps them across re-reads of the same form.

use slint::ComponentHandle;

use super::Page;
use crate::app::Navigator;
use crate::app::nav::Nav;
use crate::ui;
use crate::view::{FormKind, FormView};

pub struct FormPage;

impl Page for FormPage {
    type View = FormView;
    const SCREEN: ui::Screen = ui::Screen::Form;

    fn bind(_window: &ui::AppWindow, _go: &Navigator) -> FormPage {
        // The callbacks act on the form's state, which the app holds (`forms::wire`).
        FormPage
    }

    fn apply(&self, window: &ui::AppWindow, view: FormView, _nav: &Nav) {
        let adapter = window.global::<ui::FormAdapter>();
        adapter.set_kind(match view.kind {
            FormKind::Wish => ui::FormKind::Wish,
            FormKind::Claim(_) => ui::FormKind::Claim,
            FormKind::Signup { .. } => ui::FormKind::Signup,
        });
        adapter.set_title(view.title.into());
        adapter.set_about(view.about.into());
        adapter.set_seats(view.seats.into());
    }
}
