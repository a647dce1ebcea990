//! The staff web console at `/console/`: server-rendered pages (maud) with plain forms that
//! work without JavaScript, in Chinese (default) and English. One route table ([`routes`])
//! gives every route its handler and who may use it; the router and the security tests both
//! read it, and [`gate`] enforces it before any handler runs.

pub mod gate;
pub mod i18n;
pub mod layout;
pub mod limits;
mod pages;
pub mod upload;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};

use crate::accounts::{ADMINS, Access, EDITORS, MODERATORS};
use crate::server::AppState;

/// Largest image upload: the bundle's image limit plus the form's own bytes.
pub const MAX_UPLOAD_BYTES: usize = protocol::bundle::MAX_IMAGE_BYTES + 64 * 1024;

/// One console route: its method and path (axum syntax), who may use it, and its handler.
pub struct ConsoleRoute {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
}

fn route(
    method: Method,
    path: &'static str,
    access: Access,
    handler: MethodRouter<AppState>,
) -> ConsoleRoute {
    ConsoleRoute {
        method,
        path,
        access,
        handler,
    }
}

/// Every console route. Add a page here and nowhere else.
pub fn routes() -> Vec<ConsoleRoute> {
    use Access::{Public, Staff};
    use Method as M;
    use pages::*;
    vec![
        route(
            M::GET,
            "/console/static/console.css",
            Public,
            get(assets::stylesheet),
        ),
        route(
            M::GET,
            "/console/static/console.js",
            Public,
            get(assets::script),
        ),
        route(
            M::GET,
            "/console/lang/{lang}",
            Public,
            get(language::switch),
        ),
        route(M::GET, "/console/login", Public, get(login::form)),
        route(M::POST, "/console/login", Public, post(login::submit)),
        route(M::POST, "/console/logout", Staff, post(login::logout)),
        route(M::GET, "/console/", Staff, get(home::page)),
        route(M::GET, "/console/account", Staff, get(account::page_get)),
        route(
            M::POST,
            "/console/account/password",
            Staff,
            post(account::change_password),
        ),
        route(
            M::POST,
            "/console/account/tokens",
            Staff,
            post(account::create_token),
        ),
        route(
            M::POST,
            "/console/account/tokens/{id}/revoke",
            Staff,
            post(account::revoke_token),
        ),
        route(M::GET, "/console/users", ADMINS, get(users::page_get)),
        route(M::POST, "/console/users", ADMINS, post(users::create)),
        route(
            M::POST,
            "/console/users/{name}",
            ADMINS,
            post(users::update),
        ),
        route(M::GET, "/console/content", EDITORS, get(content::overview)),
        route(
            M::GET,
            "/console/content/articles/new",
            EDITORS,
            get(content::new_article),
        ),
        route(
            M::POST,
            "/console/content/articles",
            EDITORS,
            post(content::create_article),
        ),
        route(
            M::GET,
            "/console/content/articles/{id}",
            EDITORS,
            get(content::edit_article),
        ),
        route(
            M::POST,
            "/console/content/articles/{id}",
            EDITORS,
            post(content::update_article),
        ),
        route(
            M::POST,
            "/console/content/articles/{id}/remove",
            EDITORS,
            post(content::remove_article),
        ),
        route(
            M::GET,
            "/console/content/section-order",
            EDITORS,
            get(section_order::page_get),
        ),
        route(
            M::POST,
            "/console/content/section-order",
            EDITORS,
            post(section_order::save),
        ),
        route(
            M::GET,
            "/console/content/sections/new",
            EDITORS,
            get(sections::new_section),
        ),
        route(
            M::POST,
            "/console/content/sections",
            EDITORS,
            post(sections::create_section),
        ),
        route(
            M::GET,
            "/console/content/sections/{id}",
            EDITORS,
            get(sections::edit_section),
        ),
        route(
            M::POST,
            "/console/content/sections/{id}",
            EDITORS,
            post(sections::update_section),
        ),
        route(
            M::POST,
            "/console/content/sections/{id}/icon",
            EDITORS,
            post(sections::section_icon).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        ),
        route(
            M::GET,
            "/console/content/events/new",
            EDITORS,
            get(events::new_event),
        ),
        route(
            M::POST,
            "/console/content/events",
            EDITORS,
            post(events::create_event),
        ),
        route(
            M::GET,
            "/console/content/events/{id}",
            EDITORS,
            get(events::edit_event),
        ),
        route(
            M::POST,
            "/console/content/events/{id}",
            EDITORS,
            post(events::update_event),
        ),
        route(
            M::GET,
            "/console/content/stations/new",
            EDITORS,
            get(stations::new_station),
        ),
        route(
            M::POST,
            "/console/content/stations",
            EDITORS,
            post(stations::create_station),
        ),
        route(
            M::GET,
            "/console/content/stations/{id}",
            EDITORS,
            get(stations::edit_station),
        ),
        route(
            M::POST,
            "/console/content/stations/{id}",
            EDITORS,
            post(stations::update_station),
        ),
        route(
            M::GET,
            "/console/content/rooms/new",
            EDITORS,
            get(stations::new_room),
        ),
        route(
            M::POST,
            "/console/content/rooms",
            EDITORS,
            post(stations::create_room),
        ),
        route(
            M::GET,
            "/console/content/rooms/{id}",
            EDITORS,
            get(stations::edit_room),
        ),
        route(
            M::POST,
            "/console/content/rooms/{id}",
            EDITORS,
            post(stations::update_room),
        ),
        route(
            M::GET,
            "/console/content/bundle",
            EDITORS,
            get(bundle::page_get),
        ),
        route(
            M::GET,
            "/console/content/export.zip",
            EDITORS,
            get(bundle::export),
        ),
        route(
            M::POST,
            "/console/content/import",
            EDITORS,
            post(bundle::import).layer(DefaultBodyLimit::max(
                crate::bundle_zip::MAX_ZIP_BYTES + 64 * 1024,
            )),
        ),
        route(
            M::POST,
            "/console/content/import/{sha}/publish",
            EDITORS,
            post(bundle::publish),
        ),
        route(
            M::POST,
            "/console/content/import/{sha}/cancel",
            EDITORS,
            post(bundle::cancel),
        ),
        route(
            M::GET,
            "/console/content/preview",
            EDITORS,
            get(preview::page_get),
        ),
        route(
            M::GET,
            "/console/content/preview.png",
            EDITORS,
            get(preview::png),
        ),
        // The brand is content, drafted and published (or approved) like a section's colour.
        route(
            M::GET,
            "/console/content/district",
            EDITORS,
            get(district::edit),
        ),
        route(
            M::POST,
            "/console/content/district",
            EDITORS,
            post(district::update),
        ),
        route(
            M::GET,
            "/console/content/remove/{kind}/{id}",
            EDITORS,
            get(removal::confirm),
        ),
        route(
            M::POST,
            "/console/content/remove/{kind}/{id}",
            EDITORS,
            post(removal::remove),
        ),
        route(
            M::POST,
            "/console/content/drafts/{kind}/{id}/forget",
            EDITORS,
            post(content::forget),
        ),
        route(
            M::POST,
            "/console/content/publish",
            EDITORS,
            post(content::publish),
        ),
        route(
            M::POST,
            "/console/content/submit",
            EDITORS,
            post(content::submit),
        ),
        route(
            M::POST,
            "/console/content/discard",
            EDITORS,
            post(content::discard),
        ),
        route(M::GET, "/console/media", EDITORS, get(media::page_get)),
        route(
            M::POST,
            "/console/media",
            EDITORS,
            post(media::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        ),
        route(M::GET, "/console/media/{sha}", EDITORS, get(media::file)),
        route(
            M::POST,
            "/console/media/{sha}/delete",
            EDITORS,
            post(media::delete),
        ),
        // Urgent notices are publishing, like content: editors and admins, not moderators.
        route(M::GET, "/console/notices", EDITORS, get(notices::page_get)),
        route(M::POST, "/console/notices", EDITORS, post(notices::post)),
        route(
            M::POST,
            "/console/notices/{id}/end",
            EDITORS,
            post(notices::end),
        ),
        route(M::GET, "/console/wishes", MODERATORS, get(wishes::page_get)),
        route(
            M::POST,
            "/console/wishes/{id}/{action}",
            MODERATORS,
            post(wishes::decide),
        ),
        route(
            M::POST,
            "/console/claims/{id}/{action}",
            MODERATORS,
            post(wishes::decide_claim),
        ),
        route(M::GET, "/console/events", MODERATORS, get(signups::events)),
        route(
            M::GET,
            "/console/events/{id}",
            MODERATORS,
            get(signups::event),
        ),
        route(
            M::GET,
            "/console/events/{id}/signups.csv",
            MODERATORS,
            get(signups::csv),
        ),
        route(
            M::POST,
            "/console/signups/{id}/cancel",
            MODERATORS,
            post(signups::cancel),
        ),
        route(M::GET, "/console/kiosks", ADMINS, get(kiosks::page_get)),
        route(M::POST, "/console/kiosks", ADMINS, post(kiosks::register)),
        route(
            M::POST,
            "/console/kiosks/{id}/rotate",
            ADMINS,
            post(kiosks::rotate),
        ),
        route(
            M::POST,
            "/console/kiosks/{id}/revoke",
            ADMINS,
            post(kiosks::revoke),
        ),
        route(
            M::POST,
            "/console/kiosks/{id}/screenshot",
            ADMINS,
            post(kiosks::request_screenshot),
        ),
        route(
            M::GET,
            "/console/kiosks/{id}/screenshot.png",
            ADMINS,
            get(kiosks::screenshot),
        ),
        route(M::GET, "/console/audit", ADMINS, get(audit::page_get)),
        // Anything else under /console/ is a page that does not exist, said as a page.
        route(M::GET, "/console/{*rest}", Public, get(not_found)),
    ]
}

async fn not_found(visit: gate::Visit) -> axum::response::Response {
    layout::message_page(
        &visit,
        axum::http::StatusCode::NOT_FOUND,
        "error-title",
        "error-not-found",
    )
}

/// The console's router: each route behind the gate with its own access rule.
pub fn router(state: &AppState) -> Router<AppState> {
    let mut router = Router::new().route(
        "/console",
        get(|| async { axum::response::Redirect::permanent("/console/") }),
    );
    for r in routes() {
        let gate = gate::Gate {
            app: state.clone(),
            access: r.access,
        };
        let handler = r
            .handler
            .layer(axum::middleware::from_fn_with_state(gate, gate::gate));
        router = router.route(r.path, handler);
    }
    router
}
