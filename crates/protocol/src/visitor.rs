//! The rules for what visitors type: one implementation for the kiosk's forms (which check
//! before anything is queued, so the visitor hears about a problem while still at the screen)
//! and for the district server (which never trusts a kiosk and checks again).
//!
//! Every text is normalised the same way before it is checked or stored: Unicode NFC, `\r\n`
//! (and other line separators) to `\n`, whitespace and invisible characters trimmed from both
//! ends; a multi-line text also loses trailing spaces on each line and runs of blank lines.
//! A text is then refused when it is empty or shows nothing (zero-width characters, format
//! characters, lone combining marks), when it holds bidi controls (U+202A–U+202E,
//! U+2066–U+2069: they can make a wish read differently from what was typed), control
//! characters, private-use or unassigned code points, or runs of more than
//! [`MAX_COMBINING_RUN`] combining marks ("Zalgo" text that draws over the lines around it),
//! and when it is too long. Lengths count characters (Unicode scalar values), after
//! normalisation. Emoji and mixed scripts are allowed: they are a person's words; whether the
//! kiosk's fonts can draw them is the kiosk's question, not a rule of the text.
//!
//! Errors are typed ([`FieldError`]: a [`Field`] and a [`Reason`], with a limit where one
//! applies), never sentences, so each kiosk says them in the visitor's language; their
//! `Display` is English, for staff and logs.
//!
//! A payload that passed its check comes back normalised inside [`Checked`], which only this
//! module can make: the kiosk's outbox takes `Checked` payloads, so nothing unchecked is queued.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::wire::{ClaimSubmission, SignupSubmission, WishSubmission};

/// Longest wish, in characters.
pub const MAX_WISH_CHARS: usize = 200;
/// Longest display name on a wish (optional), in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 40;
/// Longest name on a sign-up or a claim, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest contact as typed, in characters (the longest e-mail address is 254).
pub const MAX_CONTACT_CHARS: usize = 254;
/// Longest note on a claim (optional), in characters.
pub const MAX_NOTE_CHARS: usize = 200;
/// Largest party one sign-up may book, whatever the event's capacity.
pub const MAX_PARTY_SIZE: u32 = 10;
/// Most combining marks allowed in a row. Real scripts stack a few (Vietnamese, Thai, Tibetan,
/// an emoji's variation selector and keycap); dozens are an attack on the layout.
pub const MAX_COMBINING_RUN: usize = 5;

/// A field of a visitor's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The wish itself.
    Text,
    /// The optional name or initials shown with a wish.
    DisplayName,
    /// The name on a sign-up or a claim.
    Name,
    /// A phone number or an e-mail address.
    Contact,
    /// Seats a sign-up asks for.
    PartySize,
    /// The optional note on a claim.
    Note,
}

impl Field {
    pub fn key(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::DisplayName => "display_name",
            Field::Name => "name",
            Field::Contact => "contact",
            Field::PartySize => "party_size",
            Field::Note => "note",
        }
    }
}

/// Why a field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Nothing was typed (or only spaces).
    Empty,
    /// Only characters that show nothing (zero-width, format characters, lone marks).
    Invisible,
    /// More characters than `limit`.
    TooLong,
    /// More than `limit` combining marks in a row.
    TooManyCombiningMarks,
    /// A control character (tab, escape, …).
    ControlCharacter,
    /// A bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069).
    BidiControl,
    /// A private-use, unassigned or otherwise unusable code point.
    UnsupportedCharacter,
    /// A line break in a one-line field.
    LineBreak,
    /// Neither a phone number nor an e-mail address.
    NotAContact,
    /// Looks like a phone number but is not one: wrong length, or a local number without its
    /// area code.
    BadPhone,
    /// Looks like an e-mail address but is not one.
    BadEmail,
    /// Below `limit`.
    TooSmall,
    /// Above `limit`.
    TooLarge,
}

impl Reason {
    pub fn key(self) -> &'static str {
        match self {
            Reason::Empty => "empty",
            Reason::Invisible => "invisible",
            Reason::TooLong => "too_long",
            Reason::TooManyCombiningMarks => "too_many_combining_marks",
            Reason::ControlCharacter => "control_character",
            Reason::BidiControl => "bidi_control",
            Reason::UnsupportedCharacter => "unsupported_character",
            Reason::LineBreak => "line_break",
            Reason::NotAContact => "not_a_contact",
            Reason::BadPhone => "bad_phone",
            Reason::BadEmail => "bad_email",
            Reason::TooSmall => "too_small",
            Reason::TooLarge => "too_large",
        }
    }
}

/// One refused field: which, why, and the limit that was crossed where there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub reason: Reason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

impl FieldError {
    pub fn new(field: Field, reason: Reason) -> FieldError {
        FieldError {
            field,
            reason,
            limit: None,
        }
    }

    fn with_limit(field: Field, reason: Reason, limit: usize) -> FieldError {
        FieldError {
            field,
            reason,
            limit: Some(u32::try_from(limit).unwrap_or(u32::MAX)),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let field = self.field.key();
        let limit = self.limit.unwrap_or(0);
        match self.reason {
            Reason::Empty => write!(f, "`{field}` is empty"),
            Reason::Invisible => write!(f, "`{field}` has no visible character"),
            Reason::TooLong => write!(f, "`{field}` is longer than {limit} characters"),
            Reason::TooManyCombiningMarks => write!(
                f,
                "`{field}` stacks more than {limit} combining marks on one character"
            ),
            Reason::ControlCharacter => write!(f, "`{field}` contains a control character"),
            Reason::BidiControl => write!(
                f,
                "`{field}` contains a bidi embedding, override or isolate character"
            ),
            Reason::UnsupportedCharacter => write!(
                f,
                "`{field}` contains a private-use or unassigned character"
            ),
            Reason::LineBreak => write!(f, "`{field}` must be one line"),
            Reason::NotAContact => {
                write!(
                    f,
                    "`{field}` is neither a phone number nor an e-mail address"
                )
            }
            Reason::BadPhone => write!(
                f,
                "`{field}` is not a phone number: a mobile number, a landline with its area code, or +country code and number"
            ),
            Reason::BadEmail => write!(f, "`{field}` is not an e-mail address"),
            Reason::TooSmall => write!(f, "`{field}` must be at least {limit}"),
            Reason::TooLarge => write!(f, "`{field}` must be at most {limit}"),
        }
    }
}

impl std::error::Error for FieldError {}

/// Field errors in English, one per line, for messages to staff and logs.
pub fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A payload that passed its check, normalised. Only this module makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked<T>(T);

impl<T> Checked<T> {
    pub fn get(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Checked<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Bidi embeddings, overrides and isolates: never allowed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters trimmed from both ends: whitespace, format characters (zero-width space and
/// joiners, marks such as U+200E, the BOM, tags) and the fillers that are letters on paper but
/// blank on screen (Hangul fillers, the blank braille pattern). Combining marks are not: a
/// trailing one belongs to the last letter (Thai vowel signs, an emoji's U+FE0F).
fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(c.general_category(), GeneralCategory::Format)
        || matches!(
            c,
            '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}' | '\u{034F}'
        )
}

/// Characters that draw nothing on their own: the blank ones and combining marks.
fn is_invisible(c: char) -> bool {
    is_blank(c) || is_combining_mark(c)
}

/// Whether a line of text is one line or may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    Many,
}

/// NFC, one kind of line break, whitespace trimmed; for several lines also no trailing spaces
/// on a line and at most one blank line in a row.
fn normalise(raw: &str, lines: Lines) -> String {
    let nfc: String = raw.nfc().collect();
    let unified = nfc
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}', '\u{0085}'], "\n");
    let text = if lines == Lines::Many {
        let mut out = String::with_capacity(unified.len());
        let mut blank_run = 0;
        for (i, line) in unified.split('\n').enumerate() {
            let line = line.trim_end();
            if line.is_empty() {
                blank_run += 1;
                if blank_run > 1 {
                    continue;
                }
            } else {
                blank_run = 0;
            }
            if i > 0 {
                out.push('\n');
            }
            out.push_str(line);
        }
        out
    } else {
        unified
    };
    text.trim().to_string()
}

/// Normalises and checks one text field.
fn text(field: Field, raw: &str, max: usize, lines: Lines) -> Result<String, FieldError> {
    let t = normalise(raw, lines);
    if t.is_empty() {
        return Err(FieldError::new(field, Reason::Empty));
    }
    let mut run = 0;
    for c in t.chars() {
        if c == '\n' {
            if lines == Lines::One {
                return Err(FieldError::new(field, Reason::LineBreak));
            }
        } else if is_bidi_control(c) {
            return Err(FieldError::new(field, Reason::BidiControl));
        } else if c.is_control() {
            return Err(FieldError::new(field, Reason::ControlCharacter));
        } else if matches!(
            c.general_category(),
            GeneralCategory::PrivateUse | GeneralCategory::Unassigned | GeneralCategory::Surrogate
        ) {
            return Err(FieldError::new(field, Reason::UnsupportedCharacter));
        }
        if is_combining_mark(c) {
            run += 1;
            if run > MAX_COMBINING_RUN {
                return Err(FieldError::with_limit(
                    field,
                    Reason::TooManyCombiningMarks,
                    MAX_COMBINING_RUN,
                ));
            }
        } else {
            run = 0;
        }
    }
    if t.chars().all(is_invisible) {
        return Err(FieldError::new(field, Reason::Invisible));
    }
    let t = t.trim_matches(is_blank).to_string();
    if t.chars().count() > max {
        return Err(FieldError::with_limit(field, Reason::TooLong, max));
    }
    Ok(t)
}

/// A wish: 1 to [`MAX_WISH_CHARS`] characters, several lines allowed.
pub fn wish_text(raw: &str) -> Result<String, FieldError> {
    text(Field::Text, raw, MAX_WISH_CHARS, Lines::Many)
}

/// The optional name or initials on a wish: `None` when nothing was typed.
pub fn display_name(raw: &str) -> Result<Option<String>, FieldError> {
    match text(Field::DisplayName, raw, MAX_DISPLAY_NAME_CHARS, Lines::One) {
        Err(FieldError {
            reason: Reason::Empty,
            ..
        }) => Ok(None),
        other => other.map(Some),
    }
}

/// The name on a sign-up or a claim: 1 to [`MAX_NAME_CHARS`] characters, one line.
pub fn person_name(raw: &str) -> Result<String, FieldError> {
    text(Field::Name, raw, MAX_NAME_CHARS, Lines::One)
}

/// The optional note on a claim: `None` when nothing was typed.
pub fn note(raw: &str) -> Result<Option<String>, FieldError> {
    match text(Field::Note, raw, MAX_NOTE_CHARS, Lines::Many) {
        Err(FieldError {
            reason: Reason::Empty,
            ..
        }) => Ok(None),
        other => other.map(Some),
    }
}

/// A way to reach a person, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// E.164: `+` and digits, e.g. `+8613800000000`.
    Phone(String),
    /// `local@domain`, the domain in lower case.
    Email(String),
}

impl Contact {
    pub fn as_str(&self) -> &str {
        match self {
            Contact::Phone(s) | Contact::Email(s) => s,
        }
    }
}

impl std::fmt::Display for Contact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Full-width ASCII (what Chinese input methods type: `１３８`, `＠`, `（`) as ASCII, and the
/// ideographic space as a space.
fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        _ => c,
    }
}

/// A phone number or an e-mail address. Phone numbers may carry spaces, dashes, dots and
/// brackets, a `+86` / `0086` prefix, and full-width digits; they come back in E.164. Chinese
/// numbers must be a mobile number (11 digits, 1[3-9]…) or a landline with its area code
/// (0411 8888 1234); other countries' numbers need their `+` or `00` prefix.
pub fn contact(raw: &str) -> Result<Contact, FieldError> {
    let folded: String = raw.nfc().map(halfwidth).collect();
    let t = folded.trim_matches(is_blank);
    if t.is_empty() {
        return Err(FieldError::new(Field::Contact, Reason::Empty));
    }
    if t.chars().count() > MAX_CONTACT_CHARS {
        return Err(FieldError::with_limit(
            Field::Contact,
            Reason::TooLong,
            MAX_CONTACT_CHARS,
        ));
    }
    if t.contains('@') {
        return email(t).map(Contact::Email);
    }
    let phone_like = t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.' | '+' | '/'));
    if phone_like {
        phone(t).map(Contact::Phone)
    } else {
        Err(FieldError::new(Field::Contact, Reason::NotAContact))
    }
}

fn bad_phone() -> FieldError {
    FieldError::new(Field::Contact, Reason::BadPhone)
}

fn phone(t: &str) -> Result<String, FieldError> {
    // "+86 …" and "(+86) …" both lead with the country code.
    let plus = t.trim_start_matches(['(', ' ']).starts_with('+');
    if t.matches('+').count() > usize::from(plus) {
        return Err(bad_phone());
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let international = if plus {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    let national = match international {
        Some(number) => match number.strip_prefix("86") {
            // "+86 (0)411 …": the trunk 0 is sometimes written after the country code.
            Some(cn) => cn.strip_prefix('0').unwrap_or(cn).to_string(),
            None => {
                let ok = (8..=15).contains(&number.len()) && !number.starts_with('0');
                return if ok {
                    Ok(format!("+{number}"))
                } else {
                    Err(bad_phone())
                };
            }
        },
        None => match digits.strip_prefix('0') {
            Some(landline) => landline.to_string(),
            None if digits.len() == 11 && digits.starts_with('1') => digits.clone(),
            // A local number without its area code, or something else.
            None => return Err(bad_phone()),
        },
    };
    let bytes = national.as_bytes();
    let mobile = bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]);
    // Area code and number: Beijing is 10 + 8 digits, most cities 3 + 7 or 8 digits. No area
    // code starts with 0, and only Beijing's starts with 1.
    let landline = (9..=11).contains(&bytes.len())
        && bytes[0] != b'0'
        && (bytes[0] != b'1' || national.starts_with("10"));
    if mobile || landline {
        Ok(format!("+86{national}"))
    } else {
        Err(bad_phone())
    }
}

fn email(t: &str) -> Result<String, FieldError> {
    let bad = || FieldError::new(Field::Contact, Reason::BadEmail);
    let (local, domain) = t.split_once('@').ok_or_else(bad)?;
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = domain.chars().count() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars().count() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| {
            tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit())
        });
    if local_ok && domain_ok {
        Ok(format!("{local}@{domain}"))
    } else {
        Err(bad())
    }
}

/// Seats one sign-up may ask for: 1 to the occurrence's capacity, and never more than
/// [`MAX_PARTY_SIZE`]. `capacity` is `None` for an event without a limit.
pub fn party_size(n: u32, capacity: Option<u32>) -> Result<u32, FieldError> {
    let max = capacity.map_or(MAX_PARTY_SIZE, |c| c.min(MAX_PARTY_SIZE));
    if n == 0 {
        Err(FieldError::with_limit(
            Field::PartySize,
            Reason::TooSmall,
            1,
        ))
    } else if n > max {
        Err(FieldError::with_limit(
            Field::PartySize,
            Reason::TooLarge,
            max as usize,
        ))
    } else {
        Ok(n)
    }
}

/// Collects the errors of several fields.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }
}

impl WishSubmission {
    /// The wish, normalised, or every field that is wrong.
    pub fn check(&self) -> Result<Checked<WishSubmission>, Vec<FieldError>> {
        let mut errors = Errors::default();
        let text = errors.take(wish_text(&self.text));
        let name = errors.take(display_name(self.display_name.as_deref().unwrap_or("")));
        match (text, name) {
            (Some(text), Some(display_name)) if errors.0.is_empty() => {
                Ok(Checked(WishSubmission {
                    text,
                    lang: self.lang,
                    display_name,
                }))
            }
            _ => Err(errors.0),
        }
    }
}

impl SignupSubmission {
    /// The sign-up, normalised, or every field that is wrong. `capacity` is the seats the
    /// occurrence offers (the event's, else its room's; `None` without a limit): a party larger
    /// than the whole occurrence can never fit.
    pub fn check(
        &self,
        capacity: Option<u32>,
    ) -> Result<Checked<SignupSubmission>, Vec<FieldError>> {
        let mut errors = Errors::default();
        let name = errors.take(person_name(&self.name));
        let contact = errors.take(contact(&self.contact));
        let party = errors.take(party_size(self.party_size, capacity));
        match (name, contact, party) {
            (Some(name), Some(contact), Some(party_size)) if errors.0.is_empty() => {
                Ok(Checked(SignupSubmission {
                    event: self.event.clone(),
                    occurrence_start: self.occurrence_start,
                    name,
                    contact: contact.as_str().to_string(),
                    party_size,
                }))
            }
            _ => Err(errors.0),
        }
    }
}

impl ClaimSubmission {
    /// The claim, normalised, or every field that is wrong.
    pub fn check(&self) -> Result<Checked<ClaimSubmission>, Vec<FieldError>> {
        let mut errors = Errors::default();
        let name = errors.take(person_name(&self.name));
        let contact = errors.take(contact(&self.contact));
        let note = errors.take(note(self.note.as_deref().unwrap_or("")));
        match (name, contact, note) {
            (Some(name), Some(contact), Some(note)) if errors.0.is_empty() => {
                Ok(Checked(ClaimSubmission {
                    wish: self.wish.clone(),
                    name,
                    contact: contact.as_str().to_string(),
                    note,
                }))
            }
            _ => Err(errors.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;

    fn reason<T: std::fmt::Debug>(r: Result<T, FieldError>) -> Reason {
        r.expect_err("refused").reason
    }

    #[test]
    fn wish_text_is_normalised() {
        // NFC: e + combining acute becomes é.
        assert_eq!(wish_text("cafe\u{301}").as_deref(), Ok("café"));
        assert_eq!(
            wish_text("  第一行\r\n第二行  \r\n\r\n\r\n\r\n最后 \r").as_deref(),
            Ok("第一行\n第二行\n\n最后")
        );
        assert_eq!(
            wish_text("\u{3000}想学太极拳\u{200B}").as_deref(),
            Ok("想学太极拳")
        );
        // Emoji (a ZWJ sequence, a variation selector) and mixed scripts are a person's words.
        let words = "希望 more 👨\u{200D}👩\u{200D}👧 ❤\u{FE0F} книги";
        assert_eq!(wish_text(words).as_deref(), Ok(words));
        // A trailing combining mark belongs to its letter (Thai).
        assert_eq!(wish_text("สวัสดี").as_deref(), Ok("สวัสดี"));
        // Vietnamese typed decomposed keeps working.
        assert!(wish_text("Tie\u{302}\u{301}ng Vie\u{323}\u{302}t").is_ok());
    }

    #[test]
    fn wish_text_refuses_what_shows_nothing_or_misleads() {
        assert_eq!(reason(wish_text("")), Reason::Empty);
        assert_eq!(reason(wish_text(" \n\u{3000} ")), Reason::Empty);
        assert_eq!(
            reason(wish_text("\u{200B}\u{200C}\u{2060}\u{FEFF}")),
            Reason::Invisible
        );
        assert_eq!(reason(wish_text("\u{3164}\u{2800}")), Reason::Invisible);
        assert_eq!(reason(wish_text("\u{301}\u{302}")), Reason::Invisible);
        assert_eq!(
            reason(wish_text("evil \u{202E}txt.exe")),
            Reason::BidiControl
        );
        assert_eq!(reason(wish_text("a\u{2066}b\u{2069}")), Reason::BidiControl);
        assert_eq!(reason(wish_text("a\tb")), Reason::ControlCharacter);
        assert_eq!(reason(wish_text("a\u{1B}[31m")), Reason::ControlCharacter);
        assert_eq!(reason(wish_text("a\u{E000}")), Reason::UnsupportedCharacter);
        let zalgo = format!("a{}", "\u{0300}".repeat(39));
        let e = wish_text(&zalgo).expect_err("zalgo");
        assert_eq!(e.reason, Reason::TooManyCombiningMarks);
        assert_eq!(e.limit, Some(MAX_COMBINING_RUN as u32));
        assert!(wish_text(&format!("a{}", "\u{0300}".repeat(MAX_COMBINING_RUN))).is_ok());
    }

    #[test]
    fn lengths_count_characters_after_normalisation() {
        assert!(wish_text(&"长".repeat(200)).is_ok());
        let e = wish_text(&"长".repeat(201)).expect_err("too long");
        assert_eq!((e.reason, e.limit), (Reason::TooLong, Some(200)));
        // 200 decomposed é are 400 code points typed, 200 characters stored.
        assert!(wish_text(&"e\u{301}".repeat(200)).is_ok());
        // Padding does not count.
        assert!(wish_text(&format!("  {}  ", "x".repeat(200))).is_ok());
        assert_eq!(
            display_name(&"名".repeat(40)).map(|n| n.is_some()),
            Ok(true)
        );
        assert_eq!(reason(display_name(&"名".repeat(41))), Reason::TooLong);
        assert_eq!(reason(person_name(&"n".repeat(81))), Reason::TooLong);
        assert_eq!(reason(note(&"n".repeat(201))), Reason::TooLong);
    }

    #[test]
    fn optional_fields_and_one_line_fields() {
        assert_eq!(display_name("   "), Ok(None));
        assert_eq!(display_name(""), Ok(None));
        assert_eq!(display_name(" 李 "), Ok(Some("李".into())));
        assert_eq!(reason(display_name("\u{200B}")), Reason::Invisible);
        assert_eq!(reason(display_name("a\nb")), Reason::LineBreak);
        assert_eq!(reason(person_name("a\r\nb")), Reason::LineBreak);
        assert_eq!(reason(person_name(" ")), Reason::Empty);
        assert_eq!(note(""), Ok(None));
        assert_eq!(note("we can\r\nhelp"), Ok(Some("we can\nhelp".to_string())));
    }

    #[test]
    fn phone_numbers_come_back_in_one_form() {
        let phone = |s: &str| contact(s).map(|c| c.to_string());
        let mobile = Ok("+8613800000000".to_string());
        for typed in [
            "13800000000",
            "138 0000 0000",
            "138-0000-0000",
            "+86 138 0000 0000",
            "+86-138-0000-0000",
            "0086 13800000000",
            "(+86) 138 0000 0000",
            "１３８ ０００ ０００００",
            "＋８６１３８００００００００",
            "  138.0000.0000 ",
        ] {
            assert_eq!(phone(typed), mobile, "{typed}");
        }
        assert_eq!(phone("0411-8888 1234").as_deref(), Ok("+8641188881234"));
        assert_eq!(phone("(0411) 88881234").as_deref(), Ok("+8641188881234"));
        assert_eq!(
            phone("+86 (0)411 8888 1234").as_deref(),
            Ok("+8641188881234")
        );
        assert_eq!(phone("010-1234 5678").as_deref(), Ok("+861012345678"));
        assert_eq!(phone("+49 30 1234567").as_deref(), Ok("+49301234567"));
        assert_eq!(phone("0044 20 7946 0958").as_deref(), Ok("+442079460958"));
        assert!(matches!(contact("13800000000"), Ok(Contact::Phone(_))));
        for bad in [
            "8888 1234",
            "1380000000",
            "12800000000",
            "+86 138",
            "+1 2",
            "138+0000",
            "+0 1234 5678",
        ] {
            assert_eq!(reason(contact(bad)), Reason::BadPhone, "{bad}");
        }
    }

    #[test]
    fn emails_and_other_contacts() {
        assert_eq!(
            contact(" Wang.Fang@Example.COM ")
                .map(|c| c.to_string())
                .as_deref(),
            Ok("Wang.Fang@example.com")
        );
        assert_eq!(
            contact("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ")
                .map(|c| c.to_string())
                .as_deref(),
            Ok("wang@example.cn")
        );
        assert!(matches!(contact("a@b.cn"), Ok(Contact::Email(_))));
        assert!(contact("李@例子.中国").is_ok());
        for bad in [
            "a@b", "@b.cn", "a@@b.cn", "a b@c.cn", "a@b..cn", "a@-b.cn", "a.@b.cn", "a@b.1",
        ] {
            assert_eq!(reason(contact(bad)), Reason::BadEmail, "{bad}");
        }
        assert_eq!(reason(contact("room 2301")), Reason::NotAContact);
        assert_eq!(reason(contact("  ")), Reason::Empty);
        assert_eq!(
            reason(contact(&format!("{}@b.cn", "a".repeat(300)))),
            Reason::TooLong
        );
    }

    #[test]
    fn party_sizes_fit_the_occurrence() {
        assert_eq!(party_size(2, Some(3)), Ok(2));
        assert_eq!(party_size(10, None), Ok(10));
        let e = party_size(0, None).expect_err("zero");
        assert_eq!((e.reason, e.limit), (Reason::TooSmall, Some(1)));
        let e = party_size(4, Some(3)).expect_err("larger than the room");
        assert_eq!((e.reason, e.limit), (Reason::TooLarge, Some(3)));
        let e = party_size(11, Some(50)).expect_err("larger than any party");
        assert_eq!(
            (e.reason, e.limit),
            (Reason::TooLarge, Some(MAX_PARTY_SIZE))
        );
    }

    #[test]
    fn payloads_are_checked_whole_and_normalised() {
        let wish = WishSubmission {
            text: " 想学太极拳\r\n".into(),
            lang: Lang::Zh,
            display_name: Some("  ".into()),
        };
        let checked = wish.check().expect("valid");
        assert_eq!(checked.text, "想学太极拳");
        assert_eq!(checked.display_name, None);

        let signup = SignupSubmission {
            event: "e".into(),
            occurrence_start: None,
            name: "".into(),
            contact: "138 0000".into(),
            party_size: 5,
        };
        let errors = signup.check(Some(4)).expect_err("three fields wrong");
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.field, e.reason))
                .collect::<Vec<_>>(),
            [
                (Field::Name, Reason::Empty),
                (Field::Contact, Reason::BadPhone),
                (Field::PartySize, Reason::TooLarge)
            ]
        );
        let json = serde_json::to_value(errors[2]).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"field": "party_size", "reason": "too_large", "limit": 4})
        );
        assert!(describe(&errors).contains("`contact`"));

        let claim = ClaimSubmission {
            wish: "w".into(),
            name: "大连某公司".into(),
            contact: "+86 138 0000 0000".into(),
            note: Some("".into()),
        };
        let checked = claim.check().expect("valid");
        assert_eq!(checked.contact, "+8613800000000");
        assert_eq!(checked.note, None);
    }
}
