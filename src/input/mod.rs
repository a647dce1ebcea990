//! pinyin input through librime. Nothing here depends on a system input method.
//!
//! - [`engine`]: what the state machine needs from a pinyin engine.
//! - [`rime`]: librime, loaded at run time, as that engine.
//! - [`thread`]: the engine's own thread; the UI thread sends taps and gets [`Composition`]s.

pub mod composer;
pub mod engine;
pub mod rime;
pub mod thread;

pub use composer::{ChineseInput, Composer, Composition, Edit, Input, Mode, Shift};
pub use thread::InputEngine;
