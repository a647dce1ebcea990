//! The screens a tour shows (`kiosk run --tour`): every place a visitor can reach by tapping
//! through the content, in the order of the home screen. Installers use it to see every page
//! drawn on the lobby's own screen; benchmarks use it to measure the kiosk after every screen.

use chrono::{DateTime, FixedOffset};

use super::Screen;
use crate::store::{ContentStore, StoreError};

/// Home; each section followed by the articles it lists at `now`; the week's events; each
/// station. Forms, the slideshow and the maintenance screen are not part of it: they are not
/// content pages.
pub fn every_screen(
    store: &ContentStore,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Screen>, StoreError> {
    let mut screens = vec![Screen::Home];
    for section in store.sections()? {
        let articles = store.articles_of(&section.id, now)?;
        screens.push(Screen::Section(section.id));
        screens.extend(articles.into_iter().map(|a| Screen::Article(a.id)));
    }
    screens.push(Screen::Schedule {
        range: super::Range::Week,
        station: None,
        open: None,
    });
    screens.extend(
        store
            .stations()?
            .into_iter()
            .map(|s| Screen::Station(Some(s.id))),
    );
    Ok(screens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, DEFAULT_TZ};

    #[test]
    fn the_demo_tour_visits_every_section_article_and_station_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::worker::open_seeded(dir.path()).expect("demo content");
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("a time");
        let now = Clock::fixed(DEFAULT_TZ, at).now();
        let screens = every_screen(&store, now).expect("lists");
        assert_eq!(screens.first(), Some(&Screen::Home));
        let sections = store.sections().expect("sections");
        let stations = store.stations().expect("stations");
        let articles: usize = sections
            .iter()
            .map(|s| store.articles_of(&s.id, now).expect("articles").len())
            .sum();
        assert!(articles > 0 && !stations.is_empty(), "the demo has content");
        assert_eq!(
            screens.len(),
            1 + sections.len() + articles + 1 + stations.len()
        );
        // Each section comes right before its own articles.
        let first = &sections[0];
        let listed = store.articles_of(&first.id, now).expect("articles");
        assert_eq!(screens[1], Screen::Section(first.id.clone()));
        if let Some(a) = listed.first() {
            assert_eq!(screens[2], Screen::Article(a.id.clone()));
        }
        // No screen twice, and no form, slideshow or maintenance screen.
        for (i, s) in screens.iter().enumerate() {
            assert!(!screens[..i].contains(s), "{s:?} twice");
            assert!(
                !matches!(s, Screen::Form(_) | Screen::Attract | Screen::Maintenance),
                "{s:?}"
            );
        }
        assert!(screens.contains(&Screen::Station(Some(stations[0].id.clone()))));
    }
}
