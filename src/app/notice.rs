//! Urgent notices over every screen: which of the cached notices are up at a moment (newest
//! first) and when that next changes, as pure functions; [`NoticeBanner`] copies them into the
//! `Notices` global row by row. The app sets its one single-shot refresh timer for the next
//! change, so a notice appears at its start and goes at its end without a sync or polling.

use std::rc::Rc;

use chrono::{DateTime, FixedOffset};
use protocol::content::Notice;
use protocol::text::Lang;
use slint::{ComponentHandle, ModelRc, VecModel};

use super::models;
use crate::ui;

/// The notices up at `now`, newest first, and the next moment that set changes (a notice
/// starts or ends), if any.
pub fn up_at(
    notices: &[Notice],
    now: DateTime<FixedOffset>,
) -> (Vec<&Notice>, Option<DateTime<FixedOffset>>) {
    let mut up: Vec<&Notice> = notices.iter().filter(|n| n.is_live(now)).collect();
    up.sort_by(|a, b| (b.posted_at, &b.id).cmp(&(a.posted_at, &a.id)));
    let next = notices
        .iter()
        .filter_map(|n| {
            if now < n.starts_at {
                Some(n.starts_at)
            } else if now < n.ends_at {
                Some(n.ends_at)
            } else {
                None
            }
        })
        .min();
    (up, next)
}

/// The banner's rows in the window.
pub struct NoticeBanner {
    model: Rc<VecModel<ui::NoticeItem>>,
}

impl NoticeBanner {
    pub fn bind(window: &ui::AppWindow) -> NoticeBanner {
        let model = Rc::new(VecModel::default());
        window
            .global::<ui::Notices>()
            .set_items(ModelRc::from(model.clone()));
        NoticeBanner { model }
    }

    /// Shows the notices up at `now` in `lang`; returns when that next changes.
    pub fn show(
        &self,
        notices: &[Notice],
        lang: Lang,
        now: DateTime<FixedOffset>,
    ) -> Option<DateTime<FixedOffset>> {
        let (up, next) = up_at(notices, now);
        let rows = up
            .iter()
            .map(|n| ui::NoticeItem {
                id: n.id.as_str().into(),
                title: n.title.get(lang).into(),
                text: n.text.get(lang).into(),
            })
            .collect();
        models::update(&self.model, rows);
        next
    }
}

#[cfg(test)]
mod tests {
    use protocol::text::Text;

    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("instant")
    }

    fn notice(id: &str, posted: &str, start: &str, end: &str) -> Notice {
        Notice {
            id: id.into(),
            title: Text::new("通知", "Notice"),
            text: Text::new("内容", "Text"),
            starts_at: at(start),
            ends_at: at(end),
            posted_at: at(posted),
            scope: None,
        }
    }

    #[test]
    fn notices_come_and_go_at_their_times_newest_first() {
        let notices = [
            notice(
                "old",
                "2030-01-19T08:00:00+08:00",
                "2030-01-19T08:00:00+08:00",
                "2030-01-19T20:00:00+08:00",
            ),
            notice(
                "new",
                "2030-01-19T09:00:00+08:00",
                "2030-01-19T12:00:00+08:00",
                "2030-01-19T14:00:00+08:00",
            ),
            notice(
                "gone",
                "2030-01-18T09:00:00+08:00",
                "2030-01-18T09:00:00+08:00",
                "2030-01-18T10:00:00+08:00",
            ),
        ];
        let ids = |t: &str| {
            let (up, next) = up_at(&notices, at(t));
            (up.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), next)
        };
        assert_eq!(
            ids("2030-01-19T10:00:00+08:00"),
            (vec!["old"], Some(at("2030-01-19T12:00:00+08:00")))
        );
        assert_eq!(
            ids("2030-01-19T12:00:00+08:00"),
            (vec!["new", "old"], Some(at("2030-01-19T14:00:00+08:00")))
        );
        assert_eq!(
            ids("2030-01-19T14:00:00+08:00"),
            (vec!["old"], Some(at("2030-01-19T20:00:00+08:00")))
        );
        assert_eq!(ids("2030-01-19T20:00:00+08:00"), (vec![], None));
    }
}
