//! One module per console page (or group of forms), each a few handlers.

pub mod account;
pub mod assets;
pub mod audit;
pub mod bundle;
pub mod content;
pub mod district;
pub mod events;
pub mod home;
pub mod kiosks;
pub mod language;
pub mod login;
pub mod media;
pub mod notices;
pub mod preview;
pub mod removal;
pub mod section_order;
pub mod sections;
pub mod signups;
pub mod stations;
pub mod users;
pub mod wishes;
