//! The language switch: a plain link on every page that sets a cookie and comes back.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use protocol::text::Lang;
use serde::Deserialize;

use crate::console::gate::{LANG_COOKIE, Visit, safe_next};

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn switch(visit: Visit, Path(lang): Path<String>, Query(q): Query<Next>) -> Response {
    let lang = lang.parse::<Lang>().unwrap_or(visit.lang);
    let mut cookie = visit.cookie(LANG_COOKIE, lang.code().to_string());
    cookie.set_max_age(time_year());
    let jar = CookieJar::new().add(cookie);
    (jar, Redirect::to(&safe_next(q.next.as_deref()))).into_response()
}

fn time_year() -> cookie::time::Duration {
    cookie::time::Duration::days(365)
}
