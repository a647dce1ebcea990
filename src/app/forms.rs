//! The visitors' forms on the UI thread: a wish, a claim on a wish (认领), a sign-up for an
//! event; what they check, when they say "received", and the confirmation screen.
//!
//! A form takes its submission id when it opens and keeps it until it closes, so a double tap
//! on "submit" (or a second submit after anything went wrong) can never queue a second item:
//! the second tap is ignored while the first is being saved, and the outbox itself answers
//! `AlreadyQueued` for a known id. Fields are checked with `protocol::visitor`, the rules the
//! district server applies again, and each error is said next to its field in the visitor's
//! language (from its typed code, never the English staff message). The checked payload is
//! committed by the outbox thread ([`crate::submitter`]); only its answer moves the form to
//! "received". A sign-up then waits a few seconds for the district's answer (the sync pushes
//! at once) and says the visitor's own result, or, offline or late, that staff will confirm by
//! phone: truthful either way.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use protocol::text::Lang;
use protocol::visitor::{
    self, Field, FieldError, MAX_DISPLAY_NAME_CHARS, MAX_NOTE_CHARS, MAX_WISH_CHARS, Reason,
};
use protocol::wire::{ClaimSubmission, Outcome, SignupSubmission, WishSubmission};
use slint::ComponentHandle;
use uuid::Uuid;

use super::idle::InputHooks;
use super::nav::Action;
use super::{Inner, UiEvent};
use crate::store::outbox::{self, Enqueued, Progress, Tracked};
use crate::submitter::{Payload, Submitter};
use crate::ui;
use crate::view::{FormKind, FormView, ScreenView};

/// How long a sign-up's confirmation waits for the district's answer before it says "we will
/// confirm by phone".
pub const ANSWER_WAIT: Duration = Duration::from_secs(6);

/// The forms' state: the open form, the outbox thread, the answer's timer.
#[derive(Default)]
pub struct Forms {
    open: RefCell<Option<OpenForm>>,
    submitter: RefCell<Option<Submitter>>,
    answer_timer: slint::Timer,
}

impl Forms {
    pub fn attach(&self, submitter: Submitter) {
        *self.submitter.borrow_mut() = Some(submitter);
    }

    /// The submission id of the open form (tests follow the item with it).
    pub fn open_id(&self) -> Option<Uuid> {
        self.open.borrow().as_ref().map(|f| f.id)
    }
}

struct OpenForm {
    kind: FormKind,
    /// Taken when the form opened; the outbox item's id.
    id: Uuid,
    stage: Stage,
    /// Sign-up: the occurrence's seats (`None`: no limit), for the rules' check.
    capacity: Option<u32>,
    max_party: u32,
    party: u32,
    /// Sign-up with a limit: "N seats left" as the feed has it now (re-read after each sync),
    /// said under a confirmed sign-up.
    seats_left: String,
    /// The last check's errors, said again in the other language when the visitor switches.
    errors: Vec<FieldError>,
    /// The outbox could not save it (full disk, damaged file): the visitor may try again.
    save_failed: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Editing,
    /// Handed to the outbox thread; not yet committed.
    Saving,
    /// Committed; a sign-up waiting for the district's answer.
    Waiting,
    /// The confirmation.
    Done(Result_),
}

/// What the confirmation says.
#[derive(Debug, Clone, PartialEq)]
enum Result_ {
    /// A wish or a claim is saved: staff review it.
    Received,
    /// A sign-up is saved, the answer did not come in time (or the kiosk is offline).
    ByPhone,
    /// The district answered a sign-up.
    Answered(Outcome),
}

/// Wires the form page's callbacks and registers its fields as typed text for the idle reset.
pub(super) fn wire(this: &Rc<Inner>) {
    let adapter = this.window.global::<ui::FormAdapter>();
    let weak = Rc::downgrade(this);
    adapter.on_edited(move |field| {
        if let Some(inner) = weak.upgrade() {
            inner.touched();
            edited(&inner, field);
        }
    });
    let weak = Rc::downgrade(this);
    adapter.on_submit(move || {
        if let Some(inner) = weak.upgrade() {
            inner.touched();
            submit(&inner);
        }
    });
    let weak = Rc::downgrade(this);
    adapter.on_party_step(move |delta| {
        if let Some(inner) = weak.upgrade() {
            inner.touched();
            if let Some(f) = inner.forms.open.borrow_mut().as_mut()
                && f.stage == Stage::Editing
            {
                let party = i64::from(f.party) + i64::from(delta.signum());
                f.party = party.clamp(1, i64::from(f.max_party.max(1))) as u32;
                f.errors.retain(|e| e.field != Field::PartySize);
            }
            render(&inner);
        }
    });
    let weak = Rc::downgrade(this);
    adapter.on_finish(move || {
        if let Some(inner) = weak.upgrade() {
            Inner::dispatch(&inner, Action::Back);
        }
    });
    let (has, wipe) = (Rc::downgrade(this), Rc::downgrade(this));
    this.typed.register(Rc::new(InputHooks {
        has_input: move || has.upgrade().is_some_and(|inner| has_typed(&inner)),
        wipe: move || {
            if let Some(inner) = wipe.upgrade() {
                close(&inner);
            }
        },
    }));
}

/// Whether a form being filled in holds typed text.
pub(super) fn has_typed(this: &Rc<Inner>) -> bool {
    let editing = this
        .forms
        .open
        .borrow()
        .as_ref()
        .is_some_and(|f| matches!(f.stage, Stage::Editing | Stage::Saving));
    let a = this.window.global::<ui::FormAdapter>();
    editing
        && [a.get_first(), a.get_second(), a.get_third()]
            .iter()
            .any(|t| !t.is_empty())
}

/// A screen is about to be shown: a form opens (with a new id), stays as typed (the same form
/// read again: a language switch, a sync), or closes (any other screen).
pub(super) fn shown(this: &Rc<Inner>, view: &ScreenView) {
    let ScreenView::Form(v) = view else {
        close(this);
        return;
    };
    let same = this
        .forms
        .open
        .borrow()
        .as_ref()
        .is_some_and(|f| f.kind == v.kind);
    if !same {
        clear_fields(this);
        this.forms.answer_timer.stop();
        *this.forms.open.borrow_mut() = Some(OpenForm {
            kind: v.kind.clone(),
            id: outbox::new_id(),
            stage: Stage::Editing,
            capacity: None,
            max_party: 1,
            party: 1,
            seats_left: String::new(),
            errors: Vec::new(),
            save_failed: false,
        });
        tracing::info!(form = ?v.kind, "a form opened");
    }
    if let Some(f) = this.forms.open.borrow_mut().as_mut() {
        update_limits(f, v);
    }
    render(this);
}

fn update_limits(f: &mut OpenForm, v: &FormView) {
    f.capacity = v.capacity;
    f.max_party = v.max_party;
    f.party = f.party.clamp(1, v.max_party.max(1));
    f.seats_left = if v.capacity.is_some() {
        v.seats.clone()
    } else {
        String::new()
    };
}

/// Every typed character of the form goes, with its state.
fn close(this: &Rc<Inner>) {
    if this.forms.open.borrow_mut().take().is_some() {
        this.typing.dismiss(&this.window);
        this.forms.answer_timer.stop();
        clear_fields(this);
        render(this);
    }
}

fn clear_fields(this: &Rc<Inner>) {
    let a = this.window.global::<ui::FormAdapter>();
    a.set_first("".into());
    a.set_second("".into());
    a.set_third("".into());
}

/// A field changed: its error goes (it is checked again on submit); the counter follows, and a
/// text past its limit says so at once.
fn edited(this: &Rc<Inner>, field: i32) {
    if let Some(f) = this.forms.open.borrow_mut().as_mut() {
        let slots = slots(&f.kind);
        if let Some(Some(field)) = usize::try_from(field).ok().and_then(|i| slots.get(i)) {
            f.errors.retain(|e| e.field != *field);
            let text = field_text(this, *field, &f.kind);
            if let Some(max) = limit(*field)
                && text.trim().chars().count() > max
            {
                f.errors.push(FieldError {
                    field: *field,
                    reason: Reason::TooLong,
                    limit: u32::try_from(max).ok(),
                });
            }
        }
        f.save_failed = false;
    }
    render(this);
}

/// Which field each of the page's three text slots holds, per form.
fn slots(kind: &FormKind) -> [Option<Field>; 3] {
    match kind {
        FormKind::Wish => [Some(Field::Text), Some(Field::DisplayName), None],
        FormKind::Claim(_) => [Some(Field::Name), Some(Field::Contact), Some(Field::Note)],
        FormKind::Signup { .. } => [Some(Field::Name), Some(Field::Contact), None],
    }
}

/// The longest text a field takes where the form shows a counter.
fn limit(field: Field) -> Option<usize> {
    match field {
        Field::Text => Some(MAX_WISH_CHARS),
        Field::DisplayName => Some(MAX_DISPLAY_NAME_CHARS),
        Field::Note => Some(MAX_NOTE_CHARS),
        _ => None,
    }
}

fn field_text(this: &Rc<Inner>, field: Field, kind: &FormKind) -> String {
    let a = this.window.global::<ui::FormAdapter>();
    match slots(kind).iter().position(|f| *f == Some(field)) {
        Some(0) => a.get_first().into(),
        Some(1) => a.get_second().into(),
        Some(2) => a.get_third().into(),
        _ => String::new(),
    }
}

/// "Submit": check, then hand the payload to the outbox thread. A tap while one is being saved
/// or after it was saved does nothing.
fn submit(this: &Rc<Inner>) {
    let lang = this.nav.borrow().lang();
    let a = this.window.global::<ui::FormAdapter>();
    let (first, second, third) = (
        a.get_first().to_string(),
        a.get_second().to_string(),
        a.get_third().to_string(),
    );
    let optional = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
    let (id, payload) = {
        let mut open = this.forms.open.borrow_mut();
        let Some(f) = open.as_mut() else { return };
        if f.stage != Stage::Editing {
            tracing::info!(id = %f.id, "submit tapped again: already on its way");
            return;
        }
        // Text the kiosks cannot show is not queued: the field already says which to remove.
        if [&first, &second, &third]
            .iter()
            .any(|t| !crate::glyphs::undrawable(t).is_empty())
        {
            tracing::info!(id = %f.id, "form refused: characters the screens cannot draw");
            drop(open);
            render(this);
            return;
        }
        let checked = match &f.kind {
            FormKind::Wish => WishSubmission {
                text: first,
                lang,
                display_name: optional(&second),
            }
            .check()
            .map(Payload::Wish),
            FormKind::Claim(wish) => ClaimSubmission {
                wish: wish.clone(),
                name: first,
                contact: second,
                note: optional(&third),
            }
            .check()
            .map(Payload::Claim),
            FormKind::Signup { event, start } => SignupSubmission {
                event: event.clone(),
                occurrence_start: Some(*start),
                name: first,
                contact: second,
                party_size: f.party,
            }
            .check(f.capacity)
            .map(Payload::Signup),
        };
        match checked {
            Err(errors) => {
                tracing::info!(errors = %visitor::describe(&errors), "form refused");
                f.errors = errors;
                None
            }
            Ok(payload) => {
                f.errors.clear();
                f.save_failed = false;
                f.stage = Stage::Saving;
                Some((f.id, payload))
            }
        }
    }
    .unzip();
    render(this);
    let (Some(id), Some(payload)) = (id, payload) else {
        return;
    };
    let handle = this.handle.clone();
    match this.forms.submitter.borrow().as_ref() {
        Some(submitter) => submitter.enqueue(id, payload, move |result| {
            handle.send(UiEvent::Enqueued { id, result });
        }),
        None => {
            tracing::error!("no outbox attached: the submission cannot be saved");
            enqueued(this, id, Err("no outbox".into()));
        }
    }
}

/// The outbox thread committed item `id` (or could not).
pub(super) fn enqueued(this: &Rc<Inner>, id: Uuid, result: Result<Enqueued, String>) {
    let signup = {
        let mut open = this.forms.open.borrow_mut();
        let Some(f) = open.as_mut().filter(|f| f.id == id) else {
            return;
        };
        if f.stage != Stage::Saving {
            // An answer from the district overtook the commit's news: it is shown already.
            return;
        }
        match result {
            Err(_) => {
                f.stage = Stage::Editing;
                f.save_failed = true;
                drop(open);
                render(this);
                return;
            }
            Ok(how) => {
                tracing::info!(%id, ?how, "a visitor's submission is saved");
                match f.kind {
                    FormKind::Signup { .. } => {
                        f.stage = Stage::Waiting;
                        true
                    }
                    _ => {
                        f.stage = Stage::Done(Result_::Received);
                        false
                    }
                }
            }
        }
    };
    // The fields give way to the confirmation: so does the keyboard.
    this.typing.dismiss(&this.window);
    let pushed = this.maintenance.push_now();
    if signup {
        if pushed && this.online.get() {
            let weak = Rc::downgrade(this);
            this.forms
                .answer_timer
                .start(slint::TimerMode::SingleShot, ANSWER_WAIT, move || {
                    if let Some(inner) = weak.upgrade() {
                        answer_late(&inner, id);
                    }
                });
        } else {
            answer_late(this, id);
        }
    }
    render(this);
}

/// No answer in time (or offline): staff will confirm by phone.
fn answer_late(this: &Rc<Inner>, id: Uuid) {
    if let Some(f) = this.forms.open.borrow_mut().as_mut()
        && f.id == id
        && f.stage == Stage::Waiting
    {
        f.stage = Stage::Done(Result_::ByPhone);
    }
    render(this);
}

/// The sync thread heard the district's answers for these items.
pub(super) fn answered(this: &Rc<Inner>, ids: &[Uuid]) {
    let waiting = this
        .forms
        .open
        .borrow()
        .as_ref()
        .filter(|f| matches!(f.stage, Stage::Saving | Stage::Waiting) && ids.contains(&f.id))
        .map(|f| f.id);
    let Some(id) = waiting else { return };
    let handle = this.handle.clone();
    if let Some(submitter) = this.forms.submitter.borrow().as_ref() {
        submitter.track(id, move |tracked| {
            handle.send(UiEvent::Tracked { id, tracked });
        });
    }
}

/// Where item `id` stands, as the outbox read it.
pub(super) fn tracked(this: &Rc<Inner>, id: Uuid, tracked: Result<Option<Tracked>, String>) {
    let outcome = match tracked {
        Ok(Some(Tracked {
            progress:
                Progress::Answered {
                    outcome: Some(outcome),
                    ..
                },
            ..
        })) => outcome,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(error = %e, %id, "cannot read the answer");
            return;
        }
    };
    if let Some(f) = this.forms.open.borrow_mut().as_mut()
        && f.id == id
        && matches!(f.stage, Stage::Saving | Stage::Waiting)
    {
        this.forms.answer_timer.stop();
        f.stage = Stage::Done(Result_::Answered(outcome));
    }
    render(this);
}

/// Puts the form's state on the page, in the visitor's language.
pub(super) fn render(this: &Rc<Inner>) {
    let lang = this.nav.borrow().lang();
    let a = this.window.global::<ui::FormAdapter>();
    let open = this.forms.open.borrow();
    let Some(f) = open.as_ref() else {
        a.set_stage(ui::FormStage::Editing);
        for set in [
            ui::FormAdapter::set_first_error,
            ui::FormAdapter::set_second_error,
            ui::FormAdapter::set_third_error,
            ui::FormAdapter::set_party_error,
            ui::FormAdapter::set_form_error,
        ] {
            set(&a, "".into());
        }
        return;
    };
    let loc = &this.loc;
    // A field's rule error first; otherwise characters the screen cannot draw (they would be
    // blank on the wall), said while the visitor types.
    let error_of = |field: Option<Field>| -> slint::SharedString {
        let Some(field) = field else {
            return "".into();
        };
        match f.errors.iter().find(|e| e.field == field) {
            Some(e) => error_text(loc, lang, e).into(),
            None => crate::glyphs::notice(loc, lang, &field_text(this, field, &f.kind))
                .unwrap_or_default()
                .into(),
        }
    };
    let counter_of = |field: Option<Field>| -> slint::SharedString {
        match field.and_then(|fl| limit(fl).map(|max| (fl, max))) {
            Some((fl, max)) => format!(
                "{} / {max}",
                field_text(this, fl, &f.kind).trim().chars().count()
            )
            .into(),
            None => "".into(),
        }
    };
    let [s0, s1, s2] = slots(&f.kind);
    a.set_first_error(error_of(s0));
    a.set_second_error(error_of(s1));
    a.set_third_error(error_of(s2));
    a.set_party_error(error_of(Some(Field::PartySize)));
    a.set_first_counter(counter_of(s0));
    a.set_second_counter(counter_of(s1));
    a.set_third_counter(counter_of(s2));
    a.set_form_error(if f.save_failed {
        loc.text(lang, "form-save-failed").into()
    } else {
        "".into()
    });
    a.set_party(i32::try_from(f.party).unwrap_or(1));
    a.set_max_party(i32::try_from(f.max_party).unwrap_or(0));
    let (stage, title, body, good) = match &f.stage {
        Stage::Editing => (ui::FormStage::Editing, String::new(), String::new(), true),
        Stage::Saving => (ui::FormStage::Saving, String::new(), String::new(), true),
        Stage::Waiting => (
            ui::FormStage::Done,
            loc.text(lang, "form-signup-received"),
            loc.text(lang, "form-signup-checking"),
            true,
        ),
        Stage::Done(result) => {
            let (title, body, good) = confirmation(loc, lang, &f.kind, result, &f.seats_left);
            (ui::FormStage::Done, title, body, good)
        }
    };
    a.set_stage(stage);
    a.set_result_title(title.into());
    a.set_result_body(body.into());
    a.set_result_good(good);
}

/// The confirmation's title and text, and whether it is good news. `seats_left` ("3 seats
/// left", empty for an event without a limit) closes a confirmed sign-up's text.
fn confirmation(
    loc: &crate::i18n::Localizer,
    lang: Lang,
    kind: &FormKind,
    result: &Result_,
    seats_left: &str,
) -> (String, String, bool) {
    let t = |id: &str| loc.text(lang, id);
    match (kind, result) {
        (FormKind::Wish, _) => (t("form-received"), t("form-wish-received-body"), true),
        (FormKind::Claim(_), _) => (t("form-received"), t("form-claim-received-body"), true),
        (FormKind::Signup { .. }, Result_::Received | Result_::ByPhone) => {
            (t("form-signup-received"), t("form-signup-by-phone"), true)
        }
        (FormKind::Signup { .. }, Result_::Answered(outcome)) => match outcome {
            Outcome::Confirmed { seats, .. } => (
                loc.format(lang, "form-signup-confirmed", &[("seats", (*seats).into())]),
                [t("form-signup-confirmed-body"), seats_left.to_string()]
                    .into_iter()
                    .filter(|line| !line.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n"),
                true,
            ),
            Outcome::Full { seats_left: 0 } => {
                (t("form-signup-full"), t("form-signup-full-body"), false)
            }
            Outcome::Full { seats_left } => (
                loc.format(lang, "form-signup-few", &[("seats", (*seats_left).into())]),
                t("form-signup-full-body"),
                false,
            ),
            Outcome::Closed => (t("form-signup-closed"), t("form-signup-full-body"), false),
            Outcome::Over => (t("form-signup-over"), t("form-signup-full-body"), false),
            Outcome::Unavailable => (
                t("form-signup-unavailable-now"),
                t("form-signup-full-body"),
                false,
            ),
            // The district refused what was typed (its rules changed since this kiosk's
            // version, say): the visitor hears which fields and that nothing was booked.
            Outcome::Invalid { errors } => {
                let mut body: Vec<String> =
                    errors.iter().map(|e| error_text(loc, lang, e)).collect();
                body.push(t("form-signup-not-accepted-body"));
                (t("form-signup-not-accepted"), body.join("\n"), false)
            }
            // Refused for the kiosk's reasons, not the visitor's: nothing was booked and
            // nobody will call, so the visitor is sent to the desk.
            Outcome::Refused => (
                t("form-signup-not-accepted"),
                t("form-signup-refused-body"),
                false,
            ),
            Outcome::Received => (t("form-signup-received"), t("form-signup-by-phone"), true),
        },
    }
}

/// A field error in the visitor's language, from its typed code.
pub fn error_text(loc: &crate::i18n::Localizer, lang: Lang, e: &FieldError) -> String {
    loc.format(
        lang,
        &format!("form-error-{}", e.reason.key().replace('_', "-")),
        &[("limit", e.limit.unwrap_or(0).into())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Localizer;

    /// What a sign-up's confirmation says for each answer the district may give: only an
    /// answer that booked nothing for the kiosk's own reasons sends the visitor to the desk,
    /// and nobody is promised a call that will not come.
    #[test]
    fn a_refused_sign_up_never_reads_as_received() {
        let loc = Localizer::new().expect("locales");
        let kind = FormKind::signup_of("social-insurance-qa@2026-11-24T14:00").expect("key");
        let invalid = Result_::Answered(Outcome::Invalid {
            errors: vec![FieldError {
                field: Field::Name,
                reason: Reason::TooLong,
                limit: Some(40),
            }],
        });
        let (title, body, good) = confirmation(&loc, Lang::En, &kind, &invalid, "");
        assert_eq!(title, "Sign-up not accepted");
        assert!(
            body.starts_with("Too long: at most 40 characters."),
            "{body}"
        );
        assert!(body.contains("Nothing was booked"), "{body}");
        assert!(!good);
        let (title, body, good) = confirmation(&loc, Lang::Zh, &kind, &invalid, "");
        assert_eq!(title, "报名未被接受");
        assert!(body.contains("本次未能报名"), "{body}");
        assert!(!good);

        let refused = Result_::Answered(Outcome::Refused);
        for lang in [Lang::Zh, Lang::En] {
            let (title, body, good) = confirmation(&loc, lang, &kind, &refused, "");
            assert_eq!(title, loc.text(lang, "form-signup-not-accepted"));
            assert_eq!(body, loc.text(lang, "form-signup-refused-body"));
            assert!(!good);
            assert_ne!(body, loc.text(lang, "form-signup-by-phone"));
        }

        // Offline or late: truthfully, staff will call.
        let (title, body, good) =
            confirmation(&loc, Lang::En, &kind, &Result_::ByPhone, "2 seats left");
        assert_eq!(title, "Sign-up received");
        assert_eq!(body, loc.text(Lang::En, "form-signup-by-phone"));
        assert!(good);
    }
}
