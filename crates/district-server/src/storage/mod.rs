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

pub mod claims;
mod db;
pub mod kiosks;
pub mod meta;
pub mod records;
mod schema;
pub mod signups;
pub mod submissions;
pub mod tokens;
pub mod wishes;

pub use db::{Db, DbError, ReadTx, WriteTx, now_text, time_text};
