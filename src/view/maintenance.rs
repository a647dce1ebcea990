//! The maintenance screen's figures: who this kiosk is, what it holds, how sync and the machine
//! are doing. Read on the content worker (the cache, the outbox, the disk, `/proc`), never on
//! the UI thread; the UI adds what only it knows (the renderer, "sync now").

use std::path::Path;

use chrono::{DateTime, Utc};

use super::Ctx;
use crate::store::{ContentStore, Outbox, StoreError};

/// One line of the screen: what it is, and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoLine {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceView {
    pub lines: Vec<InfoLine>,
}

/// What the worker has besides the cache.
pub struct Machine<'a> {
    /// The outbox; `None` when it could not be opened (the log says why).
    pub outbox: Option<&'a Outbox>,
    /// The data folder, whose disk is measured.
    pub data_dir: &'a Path,
}

pub fn build(
    store: &ContentStore,
    machine: &Machine,
    ctx: &Ctx,
) -> Result<MaintenanceView, StoreError> {
    let mut lines = Vec::new();
    let mut line = |id: &str, value: String| {
        lines.push(InfoLine {
            label: ctx.ui(id),
            value,
        })
    };
    let none = || ctx.ui("maint-none");

    line(
        "maint-kiosk",
        store
            .meta("kiosk_id")?
            .unwrap_or_else(|| ctx.ui("maint-not-registered")),
    );
    let station = match store.meta("station")? {
        Some(id) => match store.station(&id)? {
            Some(s) => format!("{} ({id})", ctx.t(&s.name)),
            None => id,
        },
        None => none(),
    };
    line("maint-station", station);
    line("maint-version", env!("CARGO_PKG_VERSION").to_string());

    let stats = store.stats()?;
    let head = store
        .meta("server_head")?
        .unwrap_or_else(|| ctx.ui("maint-unknown"));
    line(
        "maint-content",
        ctx.loc.format(
            ctx.lang,
            "maint-content-value",
            &[
                ("seq", stats.content_seq.into()),
                ("head", head.into()),
                ("source", stats.source.unwrap_or_else(none).into()),
            ],
        ),
    );
    line(
        "maint-last-sync",
        store
            .meta("last_sync")?
            .map(|t| local_time(&t, ctx))
            .unwrap_or_else(|| ctx.ui("maint-never")),
    );
    line(
        "maint-last-error",
        match (store.meta("last_error")?, store.meta("last_error_at")?) {
            (Some(e), Some(at)) => format!("{} — {e}", local_time(&at, ctx)),
            (Some(e), None) => e,
            _ => none(),
        },
    );
    line("maint-outbox", outbox_line(&machine.outbox, ctx));
    line(
        "maint-disk",
        match crate::sync::blobs::free_disk(machine.data_dir) {
            Some(bytes) => ctx.loc.format(
                ctx.lang,
                "maint-disk-value",
                &[("size", megabytes(bytes).into())],
            ),
            None => ctx.ui("maint-unknown"),
        },
    );
    line(
        "maint-memory",
        match memory_stats::memory_stats() {
            Some(m) => ctx.loc.format(
                ctx.lang,
                "maint-memory-value",
                &[("size", megabytes(m.physical_mem as u64).into())],
            ),
            None => ctx.ui("maint-unknown"),
        },
    );
    Ok(MaintenanceView { lines })
}

/// "2 waiting · 5 accepted · 1 refused": the outbox by state.
fn outbox_line(outbox: &Option<&Outbox>, ctx: &Ctx) -> String {
    let Some(outbox) = outbox else {
        return ctx.ui("maint-outbox-unreadable");
    };
    let counts = match (outbox.depth(), outbox.answered_counts()) {
        (Ok(pending), Ok(answered)) => (pending, answered),
        (Err(e), _) | (_, Err(e)) => return e.to_string(),
    };
    let mut parts = vec![ctx.loc.format(
        ctx.lang,
        "maint-outbox-state",
        &[("state", "pending".into()), ("count", counts.0.into())],
    )];
    for (state, n) in counts.1 {
        parts.push(ctx.loc.format(
            ctx.lang,
            "maint-outbox-state",
            &[("state", state.into()), ("count", n.into())],
        ));
    }
    parts.join(" · ")
}

/// An RFC 3339 instant of the meta as the district's local time, e.g. `2026-11-24 10:03`.
fn local_time(rfc3339: &str, ctx: &Ctx) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t
            .with_timezone(&Utc)
            .with_timezone(ctx.now.offset())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// Whole megabytes (10^6 bytes), as disks are labelled.
fn megabytes(bytes: u64) -> u64 {
    bytes / 1_000_000
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::NaiveDateTime;
    use protocol::text::Lang;

    use super::*;
    use crate::clock::{Clock, DEFAULT_TZ};
    use crate::i18n::Localizer;

    #[test]
    fn figures_come_from_the_cache_the_outbox_and_the_machine() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::worker::open_seeded(dir.path()).expect("demo cache");
        store.set_meta("kiosk_id", "lobby-7").expect("meta");
        store.set_meta("station", "haizhiyun").expect("meta");
        store
            .set_meta("last_sync", "2026-11-24T01:55:00+00:00")
            .expect("meta");
        store
            .set_meta(
                "last_error",
                "the district server at http://x did not answer",
            )
            .expect("meta");
        store
            .set_meta("last_error_at", "2026-11-24T01:58:00+00:00")
            .expect("meta");
        let outbox = Outbox::open(dir.path()).expect("outbox");
        outbox
            .enqueue_wish(
                crate::store::outbox::new_id(),
                &protocol::wire::WishSubmission {
                    text: "x".into(),
                    lang: Lang::Zh,
                    display_name: None,
                }
                .check()
                .expect("a valid wish"),
            )
            .expect("enqueue");
        let loc = Arc::new(Localizer::new().expect("locales"));
        let at = NaiveDateTime::parse_from_str("2026-11-24 10:00", "%Y-%m-%d %H:%M").expect("t");
        let ctx = Ctx {
            lang: Lang::En,
            now: Clock::fixed(DEFAULT_TZ, at).now(),
            loc: &loc,
        };
        let machine = Machine {
            outbox: Some(&outbox),
            data_dir: dir.path(),
        };
        let view = build(&store, &machine, &ctx).expect("builds");
        let value = |label: &str| {
            view.lines
                .iter()
                .find(|l| l.label == label)
                .unwrap_or_else(|| panic!("no line {label}: {:?}", view.lines))
                .value
                .clone()
        };
        assert_eq!(value("Kiosk"), "lobby-7");
        assert!(
            value("Station").contains("haizhiyun"),
            "{}",
            value("Station")
        );
        assert_eq!(value("Last sync"), "2026-11-24 09:55", "local time");
        assert!(value("Last error").starts_with("2026-11-24 09:58"));
        assert!(value("Outbox").contains("1 waiting"), "{}", value("Outbox"));
        assert!(value("Content").contains("demo"), "{}", value("Content"));
        assert!(
            value("Free disk").ends_with("MB free"),
            "{}",
            value("Free disk")
        );
        assert!(value("Memory").contains(" MB"), "{}", value("Memory"));
        assert_eq!(value("App version"), env!("CARGO_PKG_VERSION"));
    }
}
