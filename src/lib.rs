//! lobby-kiosk: the kiosk application. The binary (`src/main.rs`) is thin wiring; everything a
//! test needs is here.
//!
//! - [`store`]: the SQLite content cache and image blobs.
//! - [`view`]: view models, plain data per screen built from the cache.
//! - [`worker`]: builds views and decodes pictures off the UI thread.
//! - [`app`]: the UI thread: navigation state machine, one controller per page, the channel
//!   other threads (worker, sync) use to reach it.
//! - [`i18n`], [`media`], [`clock`], [`config`], [`demo`], [`headless`], [`pin`]: one concept
//!   each.

pub mod app;
pub mod clock;
pub mod config;
pub mod demo;
pub mod fonts;
pub mod headless;
pub mod i18n;
pub mod media;
pub mod pin;
pub mod store;
pub mod sync;
pub mod view;
pub mod worker;

/// The Slint UI compiled from `ui/app.slint`.
pub mod ui {
    slint::include_modules!();
}
