//! The on-screen keyboard inside the kiosk: the pinyin engine's thread, the keyboard's Slint
//! adapter, and what the rest of the app needs of them (activity for the idle timer, the reset,
//! the layout that follows the UI language).
//!
//! The engine starts on its own thread when [`super::App::start_keyboard`] is called, after the
//! window exists, so librime's start never delays the first frame. Every composition comes back
//! through the app's channel ([`super::UiEvent::Keyboard`]) and is typed into the focused field
//! as key events: no system input method is ever involved.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use protocol::text::Lang;
use slint::ComponentHandle;

use super::idle::{InputHooks, TypedInputs};
use super::{AppHandle, UiEvent};
use crate::input::rime::RimeSettings;
use crate::input::{Composition, Input, InputEngine, Keyboard, Mode};
use crate::ui;

crate::impl_keyboard_surface!(crate::ui);

/// The keyboard's layout for a UI language: 拼音 for Chinese, EN for English.
pub fn layout_for(lang: Lang) -> Mode {
    match lang {
        Lang::Zh => Mode::Pinyin,
        Lang::En => Mode::English,
    }
}

/// The keyboard's state on the UI thread. Without [`Typing::start`] the keyboard shows but its
/// taps go nowhere (only `kiosk snapshot` runs so).
#[derive(Default)]
pub struct Typing {
    keyboard: Keyboard,
    /// Dropping it shuts librime down, so the app keeps it for its lifetime.
    engine: RefCell<Option<InputEngine>>,
    /// Pinyin is being composed (it is typed text too: the idle warning counts it).
    composing: Rc<Cell<bool>>,
}

impl Typing {
    /// Starts the engine thread and wires the keyboard to it. `touched` is called on every tap
    /// (visitor activity); `langs` are the default language (the layout a reset returns to)
    /// and the language shown now.
    pub fn start(
        &self,
        window: &ui::AppWindow,
        settings: RimeSettings,
        handle: AppHandle,
        touched: impl Fn() + 'static,
        typed: &TypedInputs,
        langs: (Lang, Lang),
    ) -> std::io::Result<()> {
        let engine = InputEngine::spawn_rime(settings, move |c| {
            handle.send(UiEvent::Keyboard(Box::new(c)));
        })?;
        let (default_lang, lang) = langs;
        engine.set_default_mode(layout_for(default_lang));
        engine.send(Input::Mode(layout_for(lang)));
        let send = engine.sender();
        self.keyboard
            .connect(&window.global::<ui::KeyboardAdapter>(), move |input| {
                touched();
                send(input);
            });
        let composing = self.composing.clone();
        let reset = engine.sender();
        typed.register(Rc::new(InputHooks {
            has_input: move || composing.get(),
            // The composition, the candidates and librime's session and user folder go.
            wipe: move || reset(Input::Reset),
        }));
        *self.engine.borrow_mut() = Some(engine);
        Ok(())
    }

    /// Shows a composition the engine made and types its edits into the focused field.
    pub fn apply(&self, window: &ui::AppWindow, composition: &Composition) {
        self.composing.set(!composition.preedit.is_empty());
        self.keyboard.apply(
            &window.global::<ui::KeyboardAdapter>(),
            window.window(),
            composition,
        );
    }

    /// The visitor switched the UI language: the keyboard's layout follows.
    pub fn follow_language(&self, lang: Lang) {
        if let Some(engine) = self.engine.borrow().as_ref() {
            engine.send(Input::Mode(layout_for(lang)));
        }
    }

    /// The focused field is going away (its form closes or shows its confirmation): the
    /// focus moves into the keyboard, which hides, and pinyin still being composed is dropped
    /// (the engine's `Hide` commits it to the keyboard's focus sink, which takes no text).
    /// Slint keeps `text-input-focused` for a field removed with its page, so without this the
    /// keyboard would stay up over the next screen.
    pub fn dismiss(&self, window: &ui::AppWindow) {
        if !window.get_keyboard_shown() {
            return;
        }
        crate::input::KeyboardSurface::dismiss(&window.global::<ui::KeyboardAdapter>());
        if let Some(engine) = self.engine.borrow().as_ref() {
            engine.send(Input::Hide);
        }
    }

    /// A form opened: an engine loaded on demand starts now, while the form is drawn, so it is
    /// ready when the visitor's first tap comes.
    pub fn wake(&self) {
        if let Some(engine) = self.engine.borrow().as_ref() {
            engine.wake();
        }
    }

    /// Whether the engine's thread runs (the engine itself may wait to be needed).
    pub fn is_started(&self) -> bool {
        self.engine.borrow().is_some()
    }
}
