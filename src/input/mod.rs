//! Typing on the kiosk's touch screen: an on-screen keyboard with English, digits and real
//! pinyin input through librime. Nothing here depends on a system input method.
//!
//! - [`composer`]: the keyboard's state machine (layouts, candidate bar, edits for the field).
//! - [`engine`]: what the state machine needs from a pinyin engine.
//! - [`rime`]: librime, loaded at run time, as that engine.
//! - [`thread`]: the engine's own thread; the UI thread sends taps and gets [`Composition`]s.
//! - [`keyboard`]: the UI-thread side: the Slint adapter and key events for the focused field.

pub mod composer;
pub mod engine;
pub mod keyboard;
pub mod rime;
pub mod thread;

pub use composer::{ChineseInput, Composer, Composition, Edit, Input, Mode, Shift};
pub use keyboard::{Keyboard, KeyboardSurface};
pub use thread::InputEngine;
