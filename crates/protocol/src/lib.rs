//! The contract shared by the kiosk, the district server and the staff tools.
//!
//! - [`text`]: bilingual text, the shape of every published string.
//! - [`content`]: the records a kiosk shows (the district and its brand, sections, articles,
//!   stations, rooms, events, wishes, seats, urgent notices)
//!   in their canonical form, images referenced by sha256.
//! - [`bundle`]: the on-disk content bundle staff author and the kiosk embeds as demo content,
//!   and its validation into [`content::Content`] plus verified image blobs; [`issue`]: what
//!   its problems are, as typed codes a translation can use; [`icon`]: the rules for a
//!   section's own icon file (SVG or PNG).
//! - [`wire`]: the sync protocol's bodies. [`visitor`]: the rules for what visitors type, used
//!   by the kiosk's forms and again by the server.
//!
//! - [`glyphs`]: which characters the kiosk's embedded fonts can draw (a table computed from
//!   the fonts at build time), for the kiosk's forms and `kioskctl check`.
//!
//! This crate does no I/O: callers hand it bytes (see [`bundle::BundleSource`]).

pub mod bundle;
pub mod content;
pub mod glyphs;
pub mod icon;
pub mod issue;
pub mod text;
pub mod visitor;
pub mod wire;

pub use bundle::{Bundle, BundleError, BundleSource, Problem};
pub use content::{
    Article, Availability, Brand, Category, Content, District, Event, IconFormat, IconRef,
    ImageRef, Kind, Notice, Record, Recurrence, Room, Section, Station, Wish,
};
pub use issue::{ImageProblem, Issue};
pub use text::{Lang, Text};
