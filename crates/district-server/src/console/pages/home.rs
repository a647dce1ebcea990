//! The overview: what waits for this member, by role.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use fluent_bundle::FluentValue;
use maud::html;
use protocol::content::{Kind, WishStatus};

use crate::accounts::{ADMINS, MODERATORS};
use crate::console::gate::Visit;
use crate::console::i18n::{tr, tr_args};
use crate::console::layout::{internal, respond};
use crate::server::AppState;
use crate::storage::DbError;
use crate::storage::{kiosks, records};

struct Overview {
    head: u64,
    district: Option<String>,
    published: Vec<(Kind, usize)>,
    pending_wishes: usize,
    kiosks: usize,
}

async fn overview(state: &AppState, visit: &Visit) -> Result<Overview, DbError> {
    let lang = visit.lang;
    state
        .db
        .read(move |tx| {
            let live = records::live(
                tx,
                &[
                    Kind::Section,
                    Kind::Station,
                    Kind::Article,
                    Kind::Event,
                    Kind::Wish,
                ],
            )?;
            let published = [
                Kind::Section,
                Kind::Station,
                Kind::Article,
                Kind::Event,
                Kind::Wish,
            ]
            .into_iter()
            .map(|k| (k, live.keys().filter(|(kind, _)| *kind == k).count()))
            .collect();
            Ok(Overview {
                head: records::head(tx)?,
                district: crate::storage::meta::district(tx)?.map(|d| d.name.get(lang).to_string()),
                published,
                pending_wishes: crate::storage::wishes::list(tx, Some(WishStatus::Pending))?.len(),
                kiosks: kiosks::list(tx)?.len(),
            })
        })
        .await
}

pub async fn page(State(state): State<AppState>, visit: Visit) -> Response {
    let lang = visit.lang;
    let o = match overview(&state, &visit).await {
        Ok(o) => o,
        Err(e) => return internal(&visit, e),
    };
    let n = |v: usize| FluentValue::from(v);
    let body = html! {
        section .cards {
            div .card {
                h2 { (tr(lang, "home-content")) }
                p { (o.district.clone().unwrap_or_else(|| tr(lang, "home-no-district"))) }
                ul .figures {
                    @for (kind, count) in &o.published {
                        li { span .figure { (count) } " " (tr(lang, &format!("kind-{}", kind.key()))) }
                    }
                }
                p .muted { (tr_args(lang, "home-head", &[("head", FluentValue::from(o.head))])) }
            }
            @if visit.can(MODERATORS) {
                div .card {
                    h2 { (tr(lang, "nav-wishes")) }
                    p { (tr_args(lang, "home-pending-wishes", &[("count", n(o.pending_wishes))])) }
                    p { a .button href="/console/wishes" { (tr(lang, "home-open-queue")) } }
                }
            }
            @if visit.can(ADMINS) {
                div .card {
                    h2 { (tr(lang, "nav-kiosks")) }
                    p { (tr_args(lang, "home-kiosks", &[("count", n(o.kiosks)), ("offline", n(visit.problems.len()))])) }
                    p { a .button href="/console/kiosks" { (tr(lang, "home-open-kiosks")) } }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        crate::console::layout::page(&visit, &tr(lang, "nav-home"), "/console/", body),
    )
}
