//! A visitor's form: a wish, a claim on a wish (认领), a sign-up for an event. The form's
//! fields live on the UI thread; the view carries what the form is about, read from the cache
//! (the wish being claimed, the event and its seats left).

use chrono::NaiveDateTime;
use protocol::text::Lang;
use protocol::visitor::MAX_PARTY_SIZE;

use super::Ctx;
use crate::store::{ContentStore, StoreError};

/// Which form, and what it is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FormKind {
    /// A new wish for the wall.
    Wish,
    /// "I can help" with the wish of this id.
    Claim(String),
    /// A sign-up for the occurrence of `event` starting at `start` (district local time).
    Signup { event: String, start: NaiveDateTime },
}

impl FormKind {
    /// The sign-up form of an occurrence key (`EVENT@YYYY-MM-DDTHH:MM`, see
    /// `schedule::occurrence_key`).
    pub fn signup_of(key: &str) -> Option<FormKind> {
        let (event, start) = key.rsplit_once('@')?;
        let start = NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M").ok()?;
        Some(FormKind::Signup {
            event: event.to_string(),
            start,
        })
    }
}

/// What a form shows besides its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct FormView {
    pub kind: FormKind,
    pub title: String,
    /// Claim: the wish being claimed; sign-up: the event's time and place.
    pub about: String,
    /// The language `about` is written in (a wish keeps its own).
    pub about_lang: Lang,
    /// Sign-up: seats the occurrence offers (`None`: no limit), for the rules' check.
    pub capacity: Option<u32>,
    /// Sign-up: the largest party the form offers: seats left, capacity and
    /// [`MAX_PARTY_SIZE`], whichever is smallest. 0: nobody can sign up any more.
    pub max_party: u32,
    /// Sign-up: "3 seats left" or "open to all"; empty for other forms.
    pub seats: String,
}

/// The form's view; `None` when what it is about is gone (a sync removed it).
pub fn build(
    store: &ContentStore,
    kind: &FormKind,
    ctx: &Ctx,
) -> Result<Option<FormView>, StoreError> {
    let view = |title: &str, about: String, about_lang| FormView {
        kind: kind.clone(),
        title: ctx.ui(title),
        about,
        about_lang,
        capacity: None,
        max_party: 1,
        seats: String::new(),
    };
    Ok(match kind {
        FormKind::Wish => Some(view("form-wish-title", ctx.ui("form-wish-intro"), ctx.lang)),
        FormKind::Claim(id) => store
            .wish(id)?
            .map(|w| view("form-claim-title", w.text, w.lang)),
        FormKind::Signup { event, start } => {
            let Some(o) = store
                .occurrences_on(start.date(), None)?
                .into_iter()
                .find(|o| &o.event.id == event && o.start == *start)
            else {
                return Ok(None);
            };
            let seats = store.seats(&o.event, o.start)?;
            let open = o.event.signup_open && o.start > ctx.local_now();
            let left = seats.left();
            let max_party = if open {
                left.unwrap_or(MAX_PARTY_SIZE).min(MAX_PARTY_SIZE)
            } else {
                0
            };
            let when = format!(
                "{} {}",
                ctx.loc.day(ctx.lang, o.start.date()),
                ctx.loc.time_range(ctx.lang, o.start, o.end)
            );
            let seats_text = match left {
                Some(n) => ctx
                    .loc
                    .format(ctx.lang, "form-seats-left", &[("seats", n.into())]),
                None => ctx.ui("event-no-limit"),
            };
            Some(FormView {
                kind: kind.clone(),
                title: ctx.t(&o.event.title),
                about: when,
                about_lang: ctx.lang,
                capacity: seats.capacity,
                max_party,
                seats: seats_text,
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signup_form_comes_from_an_occurrence_key() {
        let kind = FormKind::signup_of("ev-tea@2026-11-24T14:30").expect("parses");
        assert_eq!(
            kind,
            FormKind::Signup {
                event: "ev-tea".into(),
                start: NaiveDateTime::parse_from_str("2026-11-24T14:30", "%Y-%m-%dT%H:%M")
                    .expect("time"),
            }
        );
        assert_eq!(FormKind::signup_of("ev-tea"), None);
        assert_eq!(FormKind::signup_of("ev@tomorrow"), None);
    }
}
