//! The UI-thread side of the keyboard: fills the Slint `KeyboardAdapter`
//! (`ui/widgets/keyboard.slint`) from a [`Composition`] and types its edits into the focused
//! text field as key events (`Window::dispatch_event`), exactly as a hardware keyboard would:
//! no system input method is involved, and the field's own editing, undo and `accepted` apply.
//!
//! Each Slint compile unit that exports the adapter generates its own Rust types, so the glue
//! is a trait, [`KeyboardSurface`], implemented for a generated adapter by one line:
//! `lobby_kiosk::impl_keyboard_surface!(crate::ui);` (the module holding `KeyboardAdapter`,
//! `KeyboardMode`, `ShiftState` and `ChineseState`).
//!
//! Wiring, on the UI thread (with the app's `AppHandle` and a `UiEvent::Keyboard(Composition)`
//! variant):
//! ```ignore
//! let keyboard = Keyboard::new();
//! let handle = app_handle.clone();
//! let engine = InputEngine::spawn_rime(RimeSettings::for_data_dir(&data_dir), move |c| {
//!     handle.send(UiEvent::Keyboard(c));
//! })?; // keep `engine` until the kiosk exits: dropping it shuts librime down
//! keyboard.connect(&window.global::<ui::KeyboardAdapter>(), engine.sender());
//! // for each UiEvent::Keyboard(c) on the UI thread:
//! keyboard.apply(&window.global::<ui::KeyboardAdapter>(), window.window(), &c);
//! // on the idle reset: engine.send(Input::Reset);
//! ```

use std::rc::Rc;

use slint::platform::{Key, WindowEvent};
use slint::{Model, ModelRc, SharedString, VecModel};

use super::composer::{Composition, Edit, Input};

/// A generated `KeyboardAdapter` global; implement with [`crate::impl_keyboard_surface`].
pub trait KeyboardSurface {
    /// Shows a composition's state (layout, shift, pinyin, paging, Chinese availability).
    /// Unchanged values are not set again, so nothing redraws for them.
    fn show(&self, composition: &Composition);
    /// Gives the adapter its persistent candidate list.
    fn bind_candidates(&self, model: ModelRc<SharedString>);
    /// Routes every callback of the adapter, as an [`Input`], to `send`.
    fn connect(&self, send: Rc<dyn Fn(Input)>);
    /// Makes the keyboard take the focus from the field (which hides it).
    fn dismiss(&self);
}

/// The keyboard's state on the UI thread: the candidate list, updated row by row. Clones share
/// it (callbacks hold one).
#[derive(Default, Clone)]
pub struct Keyboard {
    candidates: Rc<VecModel<SharedString>>,
}

impl std::fmt::Debug for Keyboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyboard")
            .field("candidates", &self.candidates.row_count())
            .finish()
    }
}

impl Keyboard {
    pub fn new() -> Keyboard {
        Keyboard::default()
    }

    /// Wires the adapter: its callbacks go to `send` (e.g. [`super::InputEngine::sender`]),
    /// its candidate list is this keyboard's.
    pub fn connect(&self, surface: &impl KeyboardSurface, send: impl Fn(Input) + 'static) {
        surface.bind_candidates(ModelRc::from(self.candidates.clone()));
        surface.connect(Rc::new(send));
    }

    /// Shows a composition and types its edits into `window`'s focused text field.
    pub fn apply(
        &self,
        surface: &impl KeyboardSurface,
        window: &slint::Window,
        composition: &Composition,
    ) {
        update_rows(&self.candidates, &composition.candidates);
        surface.show(composition);
        dispatch_edits(window, &composition.edits);
        if composition.hide {
            surface.dismiss();
        }
    }
}

/// Types edits into the focused field as key presses and releases.
pub fn dispatch_edits(window: &slint::Window, edits: &[Edit]) {
    for edit in edits {
        let text: SharedString = match edit {
            Edit::Insert(text) if text.is_empty() => continue,
            Edit::Insert(text) => text.as_str().into(),
            Edit::DeleteBackward => Key::Backspace.into(),
            Edit::Enter => Key::Return.into(),
        };
        window.dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        window.dispatch_event(WindowEvent::KeyReleased { text });
    }
}

/// Makes `model` hold `rows`, touching only rows that changed, so a list being read does not
/// jump and unchanged rows do not redraw.
fn update_rows(model: &VecModel<SharedString>, rows: &[String]) {
    for (i, text) in rows.iter().enumerate() {
        if i < model.row_count() {
            if model.row_data(i).is_none_or(|old| old.as_str() != text) {
                model.set_row_data(i, text.as_str().into());
            }
        } else {
            model.push(text.as_str().into());
        }
    }
    while model.row_count() > rows.len() {
        model.remove(model.row_count() - 1);
    }
}

/// Implements [`KeyboardSurface`] for the `KeyboardAdapter` of a Slint compile unit whose module
/// (given as an absolute path, e.g. `crate::ui`) also exports `KeyboardMode`, `ShiftState` and
/// `ChineseState` from `ui/widgets/keyboard.slint`.
#[macro_export]
macro_rules! impl_keyboard_surface {
    ($ui:path) => {
        const _: () = {
            use std::rc::Rc;
            use $crate::input::{ChineseInput, Composition, Input, Mode, Shift};
            use $ui as generated;

            fn to_slint(mode: Mode) -> generated::KeyboardMode {
                match mode {
                    Mode::English => generated::KeyboardMode::English,
                    Mode::Pinyin => generated::KeyboardMode::Pinyin,
                    Mode::Symbols => generated::KeyboardMode::Symbols,
                }
            }

            fn from_slint(mode: generated::KeyboardMode) -> Mode {
                match mode {
                    generated::KeyboardMode::English => Mode::English,
                    generated::KeyboardMode::Pinyin => Mode::Pinyin,
                    generated::KeyboardMode::Symbols => Mode::Symbols,
                }
            }

            impl $crate::input::keyboard::KeyboardSurface for generated::KeyboardAdapter<'_> {
                fn show(&self, c: &Composition) {
                    self.set_active_mode(to_slint(c.mode));
                    self.set_letters(to_slint(c.letters));
                    self.set_shift_state(match c.shift {
                        Shift::Off => generated::ShiftState::Off,
                        Shift::Once => generated::ShiftState::Once,
                        Shift::Locked => generated::ShiftState::Locked,
                    });
                    self.set_chinese(match c.chinese {
                        ChineseInput::Starting => generated::ChineseState::Starting,
                        ChineseInput::Ready => generated::ChineseState::Ready,
                        ChineseInput::Unavailable(_) => generated::ChineseState::Unavailable,
                    });
                    self.set_preedit(c.preedit.as_str().into());
                    self.set_page_index(i32::try_from(c.page).unwrap_or(i32::MAX));
                    self.set_can_page_back(c.has_previous_page);
                    self.set_can_page_forward(c.has_next_page);
                }

                fn bind_candidates(&self, model: slint::ModelRc<slint::SharedString>) {
                    self.set_candidates(model);
                }

                fn connect(&self, send: Rc<dyn Fn(Input)>) {
                    let s = send.clone();
                    self.on_key(move |text| {
                        s(if text == " " {
                            Input::Space
                        } else {
                            Input::Key(text.to_string())
                        })
                    });
                    let s = send.clone();
                    self.on_backspace(move || s(Input::Backspace));
                    let s = send.clone();
                    self.on_enter(move || s(Input::Enter));
                    let s = send.clone();
                    self.on_candidate(move |index| {
                        if let Ok(index) = usize::try_from(index) {
                            s(Input::Candidate(index));
                        }
                    });
                    let s = send.clone();
                    self.on_page(move |delta| s(Input::Page(delta > 0)));
                    let s = send.clone();
                    self.on_mode(move |mode| s(Input::Mode(from_slint(mode))));
                    let s = send.clone();
                    self.on_shift(move || s(Input::Shift));
                    self.on_hide(move || send(Input::Hide));
                }

                fn dismiss(&self) {
                    self.set_dismissals(self.get_dismissals().wrapping_add(1));
                }
            }
        };
    };
}
