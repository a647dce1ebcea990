//! lobby-kiosk: the kiosk application. The binary (`src/main.rs`) is thin wiring; everything a
//! test needs is here.
//!
//! - [`store`]: the SQLite content cache and image blobs.
//! - [`view`]: view models, plain data per screen built from the cache.
//! - [`worker`]: builds views and decodes pictures off the UI thread.
//! - [`app`]: the UI thread: navigation state machine, one controller per page, the channel
//!   other threads (worker, sync) use to reach it.
//! - [`submitter`]: the outbox thread that commits what visitors submit.
//! - [`display`]: which display system the kiosk draws on (a session's window, or DRM/KMS).
//! - [`watchdog`]: supervision by systemd (ready, watchdog keepalives, a panic ends the process).
//! - [`input`]: the on-screen keyboard's logic and pinyin input through librime.
//! - [`i18n`], [`media`], [`malloc`], [`clock`], [`config`], [`demo`], [`headless`], [`pin`], [`glyphs`]:
//!   one concept each.

pub mod app;
pub mod clock;
pub mod config;
pub mod demo;
pub mod display;
#[cfg(feature = "fault-hooks")]
pub mod faults;
pub mod fonts;
pub mod glyphs;
pub mod headless;
pub mod i18n;
pub mod input;
pub mod malloc;
pub mod media;
pub mod pin;
pub mod section_icon;
pub mod store;
pub mod submitter;
pub mod sync;
pub mod view;
pub mod watchdog;
pub mod worker;

/// The Slint UI compiled from `ui/app.slint`.
pub mod ui {
    slint::include_modules!();
}
