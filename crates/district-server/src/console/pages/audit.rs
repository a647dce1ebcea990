//! The audit log (admins): every change, newest first, filtered by person, kind and dates.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use crate::console::gate::Visit;
use crate::console::i18n::{tr, tr_args};
use crate::console::layout::{internal, page, respond, when};
use crate::server::AppState;
use crate::storage::DbError;
use crate::storage::audit::{self, AuditFilter};

/// Entries shown at most (narrow the filter to see older ones).
const LIMIT: u32 = 500;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    actor: Option<String>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn date(s: Option<String>) -> Option<String> {
    s.filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
}

fn some(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

pub async fn page_get(
    State(state): State<AppState>,
    visit: Visit,
    Query(q): Query<AuditQuery>,
) -> Response {
    let lang = visit.lang;
    let filter = AuditFilter {
        actor: some(q.actor),
        kind: some(q.kind),
        from: date(some(q.from)),
        to: date(some(q.to)),
    };
    let f = filter.clone();
    let loaded = state
        .db
        .read(move |tx| {
            Ok::<_, DbError>((audit::list(tx, &f, LIMIT)?, audit::actors_and_kinds(tx)?))
        })
        .await;
    let (entries, (actors, kinds)) = match loaded {
        Ok(x) => x,
        Err(e) => return internal(&visit, e),
    };
    let body = html! {
        form .filters method="get" action="/console/audit" {
            label { (tr(lang, "audit-actor"))
                select name="actor" {
                    option value="" { (tr(lang, "audit-anyone")) }
                    @for a in &actors { option value=(a) selected[filter.actor.as_deref() == Some(a.as_str())] { (a) } }
                }
            }
            label { (tr(lang, "audit-kind"))
                select name="kind" {
                    option value="" { (tr(lang, "audit-any-kind")) }
                    @for k in &kinds { option value=(k) selected[filter.kind.as_deref() == Some(k.as_str())] { (tr(lang, &format!("audit-kind-{k}"))) } }
                }
            }
            label { (tr(lang, "audit-from")) input type="date" name="from" value=[filter.from.as_deref()]; }
            label { (tr(lang, "audit-to")) input type="date" name="to" value=[filter.to.as_deref()]; }
            button type="submit" { (tr(lang, "audit-filter")) }
        }
        @if entries.is_empty() {
            p .muted { (tr(lang, "audit-none")) }
        } @else {
            @if entries.len() as u32 == LIMIT {
                p .hint { (tr_args(lang, "audit-limited", &[("n", LIMIT.into())])) }
            }
            table #audit {
                thead { tr {
                    th { (tr(lang, "audit-when")) }
                    th { (tr(lang, "audit-actor")) }
                    th { (tr(lang, "audit-kind")) }
                    th { (tr(lang, "audit-action")) }
                    th { (tr(lang, "audit-target")) }
                    th { (tr(lang, "audit-change")) }
                } }
                tbody {
                    @for e in &entries {
                        tr {
                            td { (when(&e.at)) }
                            td { (e.actor) }
                            td { (tr(lang, &format!("audit-kind-{}", e.kind))) }
                            td { (e.action) }
                            td { code { (e.target) } }
                            td {
                                @if e.before.is_some() || e.after.is_some() {
                                    details {
                                        summary { (tr(lang, "audit-show")) }
                                        @if let Some(b) = &e.before { p .muted { (tr(lang, "audit-before")) } pre { (pretty(b)) } }
                                        @if let Some(a) = &e.after { p .muted { (tr(lang, "audit-after")) } pre { (pretty(a)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        page(&visit, &tr(lang, "nav-audit"), "/console/audit", body),
    )
}

fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| json.to_string())
}
