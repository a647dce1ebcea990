//! Everything the server keeps in SQLite, behind typed functions. No SQL exists outside this
//! module: route handlers and domain logic (`push`, `submissions`, `wishes`, `auth`, `admin`)
//! open a transaction with [`Db::read`] / [`Db::write`] and call the functions below with it.
//!
//! - [`Db`]: one writer connection (every write `BEGIN IMMEDIATE`), a pool of readers (each read
//!   one snapshot), WAL, `synchronous=FULL`, versioned migrations ([`schema`]).
//! - [`ReadTx`] / [`WriteTx`]: the transaction handles. They expose no SQL; a function that
//!   writes takes a [`WriteTx`], so a read transaction cannot write by mistake. A `WriteTx`
//!   derefs to a `ReadTx`, so every read works inside a write too.
//! - One file a table group: [`records`] (published records and the change feed), [`meta`]
//!   (small facts: creation time, the district), [`kiosks`], [`tokens`], [`submissions`] (every
//!   outbox item's first answer), [`wishes`], [`claims`], [`signups`].
//! - The console's own tables: [`accounts`] (staff accounts, sessions, personal API tokens),
//!   [`audit`], [`drafts`] (content edits before publishing), [`kiosk_admin`] (tokens and live
//!   screenshots), [`media`] (the images library), [`moderation`] (sign-up totals and
//!   cancellation); their migration is [`console_schema`].

pub mod accounts;
pub mod audit;
pub mod claims;
mod console_schema;
mod db;
pub mod drafts;
pub mod kiosk_admin;
pub mod kiosks;
pub mod media;
pub mod meta;
pub mod moderation;
pub mod records;
mod schema;
pub mod signups;
pub mod submissions;
pub mod tokens;
pub mod wishes;

pub use db::{Db, DbError, ReadTx, Watch, WriteTx, now_text, time_text};
