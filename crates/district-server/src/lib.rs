//! The district server: holds the district's content, hands kiosks what changed since their
//! cursor, keeps images by sha256, and takes visitors' wishes and sign-ups. `kioskctl` is the
//! staff's command-line client. `docs/PROTOCOL.md` is the wire contract.
//!
//! - [`config`]: the TOML file. [`storage`]: SQLite behind typed functions (the only module
//!   with SQL): the one-writer discipline, migrations, published records and the change feed,
//!   kiosks, tokens, submissions, wishes, sign-ups.
//! - [`push`]: staff pushes as diffs. [`blobs`]: the content-addressed image store.
//!   [`auth`]: bearer tokens and roles.
//! - [`submissions`]: deciding what kiosks send (with [`protocol::visitor`]'s rules);
//!   [`availability`]: seats per occurrence in the feed; [`wishes`], [`claims`]: what staff
//!   moderate.
//! - [`routes`]: the HTTP surface; [`server`]: running it. [`admin`]: `init`, `kiosk add`.
//! - [`api`]: staff request/answer bodies; [`ctl`]: `kioskctl`'s client; [`scale_bundle`]:
//!   `kioskctl gen-bundle`, a scale data set for benchmarks.
//! - [`console`]: the staff web console at `/console/` ([`staged_imports`]: its uploaded
//!   bundles awaiting publication); [`accounts`]: staff accounts, roles,
//!   passwords as rules; [`people`]: account operations shared by the console and the CLI.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod auth;
pub mod availability;
pub mod blobs;
pub mod bundle_zip;
pub mod claims;
pub mod config;
pub mod connections;
pub mod console;
pub mod ctl;
pub mod drafting;
pub mod error;
pub mod notices;
pub mod people;
pub mod preview;
pub mod push;
pub mod routes;
pub mod scale_bundle;
pub mod server;
pub mod staged_imports;
pub mod storage;
pub mod submissions;
pub mod wishes;
