//! The district's brand (editors and admins): its name, the kiosk's name, home's welcome and
//! intro, the word for its venues — each in both languages side by side —, the accent colour
//! and an optional logo from the image library. The brand is content like a section's colour:
//! it goes into the same draft, is checked with the bundle's rules (problems next to their
//! field) and is published, or approved first, like every other change. Its id and time zone
//! are not edited here: a new zone would move every event.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use protocol::content::{Brand, District, ImageRef, Record};
use protocol::text::Text;
use serde::Deserialize;

use super::content::{Loaded, errors_at, library_choice};
use super::sections::{Refusal, loaded, save_draft};
use super::stations::{pair, pair_area, refusal_banner};
use crate::console::gate::Visit;
use crate::console::i18n::tr;
use crate::console::layout::{csrf, page, respond, typed_text};
use crate::server::AppState;

/// The brand form's fields as typed.
#[derive(Deserialize, Default, Clone)]
pub struct DistrictForm {
    #[serde(default)]
    name_zh: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    kiosk_name_zh: String,
    #[serde(default)]
    kiosk_name_en: String,
    #[serde(default)]
    welcome_zh: String,
    #[serde(default)]
    welcome_en: String,
    #[serde(default)]
    intro_zh: String,
    #[serde(default)]
    intro_en: String,
    #[serde(default)]
    venues_zh: String,
    #[serde(default)]
    venues_en: String,
    #[serde(default)]
    accent: String,
    /// The logo's sha256 (empty: none), from the library or the one it has.
    #[serde(default)]
    logo: String,
    #[serde(default)]
    logo_alt_zh: String,
    #[serde(default)]
    logo_alt_en: String,
}

fn text(zh: &str, en: &str) -> Text {
    Text {
        zh: typed_text(zh),
        en: typed_text(en),
    }
}

impl DistrictForm {
    fn of(d: &District) -> DistrictForm {
        let b = &d.brand;
        DistrictForm {
            name_zh: d.name.zh.clone(),
            name_en: d.name.en.clone(),
            kiosk_name_zh: b.kiosk_name.zh.clone(),
            kiosk_name_en: b.kiosk_name.en.clone(),
            welcome_zh: b.welcome.zh.clone(),
            welcome_en: b.welcome.en.clone(),
            intro_zh: b.intro.zh.clone(),
            intro_en: b.intro.en.clone(),
            venues_zh: b.venues.zh.clone(),
            venues_en: b.venues.en.clone(),
            accent: b.accent.clone(),
            logo: b
                .logo
                .as_ref()
                .map(|l| l.sha256.clone())
                .unwrap_or_default(),
            logo_alt_zh: b
                .logo
                .as_ref()
                .map(|l| l.alt.zh.clone())
                .unwrap_or_default(),
            logo_alt_en: b
                .logo
                .as_ref()
                .map(|l| l.alt.en.clone())
                .unwrap_or_default(),
        }
    }

    /// The district as typed, keeping what the form does not edit (id, time zone). Every rule
    /// is the bundle's, checked when drafting.
    fn district(&self, l: &Loaded) -> District {
        let current = &l.drafted.district;
        let sha = self.logo.trim();
        let logo = (!sha.is_empty()).then(|| {
            // Sizes from the library or the logo it has; publishing takes them from the file.
            let (width, height) = l
                .library
                .iter()
                .find(|m| m.sha256 == sha)
                .map(|m| (m.width, m.height))
                .or_else(|| {
                    [&l.drafted.district, &l.published.district]
                        .into_iter()
                        .filter_map(|d| d.brand.logo.as_ref())
                        .find(|i| i.sha256 == sha)
                        .map(|i| (i.width, i.height))
                })
                .unwrap_or_default();
            ImageRef {
                sha256: sha.to_string(),
                width,
                height,
                alt: text(&self.logo_alt_zh, &self.logo_alt_en),
            }
        });
        District {
            id: current.id.clone(),
            name: text(&self.name_zh, &self.name_en),
            timezone: current.timezone.clone(),
            brand: Brand {
                kiosk_name: text(&self.kiosk_name_zh, &self.kiosk_name_en),
                welcome: text(&self.welcome_zh, &self.welcome_en),
                intro: text(&self.intro_zh, &self.intro_en),
                venues: text(&self.venues_zh, &self.venues_en),
                accent: self.accent.trim().to_string(),
                logo,
            },
        }
    }
}

fn district_page(
    visit: &Visit,
    l: &Loaded,
    form: &DistrictForm,
    refusal: &Refusal,
    status: StatusCode,
) -> Response {
    let lang = visit.lang;
    // The bundle names the logo's alt text `logo.alt.zh`, the form's fields `logo_alt.zh`.
    let errors: Vec<(String, String)> = refusal
        .0
        .iter()
        .map(|(k, m)| (k.replacen("logo.", "logo_alt.", 1), m.clone()))
        .collect();
    let errors = &errors;
    let current = [&l.drafted.district, &l.published.district]
        .into_iter()
        .filter_map(|d| d.brand.logo.as_ref())
        .find(|i| i.sha256 == form.logo && !l.library.iter().any(|m| m.sha256 == i.sha256));
    let body = html! {
        (refusal_banner(lang, refusal))
        p .hint { (tr(lang, "district-hint")) }
        form .card.editor #district-form method="post" action="/console/content/district" {
            (csrf(visit))
            p { (tr(lang, "field-id")) " " code { (l.drafted.district.id) } " · "
                (tr(lang, "district-zone")) " " code { (l.drafted.district.timezone) } }
            (pair(lang, errors, "name", "field-district-name", &form.name_zh, &form.name_en))
            (pair(lang, errors, "kiosk_name", "field-brand-kiosk-name", &form.kiosk_name_zh, &form.kiosk_name_en))
            (pair(lang, errors, "welcome", "field-welcome", &form.welcome_zh, &form.welcome_en))
            (pair_area(lang, errors, "intro", "field-intro", &form.intro_zh, &form.intro_en))
            (pair(lang, errors, "venues", "field-venues", &form.venues_zh, &form.venues_en))
            div .row {
                div {
                    label for="accent" { (tr(lang, "field-accent")) }
                    input #accent type="text" name="accent" value=(form.accent) placeholder="#C0392B" size="8"
                        aria-invalid=[errors.iter().any(|(k, _)| k == "accent").then_some("true")];
                    (errors_at(errors, "accent"))
                }
                div {
                    label for="logo" { (tr(lang, "field-logo")) }
                    (library_choice(lang, "logo", current.map(|i| (i, "district-logo-current")), &l.library, &form.logo))
                    (errors_at(errors, "logo"))
                }
            }
            (pair(lang, errors, "logo_alt", "content-image-alt", &form.logo_alt_zh, &form.logo_alt_en))
            button .primary type="submit" { (tr(lang, "content-save")) }
        }
    };
    respond(
        status,
        page(visit, &tr(lang, "district-title"), "/console/content", body),
    )
}

pub async fn edit(State(state): State<AppState>, visit: Visit) -> Response {
    let l = match loaded(&state, &visit).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let form = DistrictForm::of(&l.drafted.district);
    district_page(&visit, &l, &form, &(Vec::new(), Vec::new()), StatusCode::OK)
}

pub async fn update(
    State(state): State<AppState>,
    visit: Visit,
    Form(form): Form<DistrictForm>,
) -> Response {
    save_draft(
        &state,
        &visit,
        false,
        // There is always the one district once anything is published.
        |_| true,
        |l| Ok(Record::District(form.district(l))),
        |l, refusal, status| district_page(&visit, l, &form, refusal, status),
    )
    .await
}
