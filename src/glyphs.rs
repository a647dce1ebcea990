//! What the kiosk's forms tell a visitor about characters the screen cannot show. The table of
//! what the embedded fonts draw lives in [`protocol::glyphs`] (computed from the fonts at build
//! time, shared with `kioskctl check`); this adds the visitor's words for it.
//!
//! For a form: call [`notice`] with the field's text as it changes (or before queueing); a
//! `Some` is shown next to the field. It is cheap (a binary search per character, no I/O), so
//! the UI thread may call it.

use protocol::text::Lang;

use crate::i18n::Localizer;

pub use protocol::glyphs::{can_draw, undrawable};

/// In the visitor's language, how many characters of `text` cannot be shown on the kiosks
/// (emoji, rare ideographs) and that they should be removed; `None` when all can be shown. The
/// characters themselves are not repeated: they would be blank in the message too.
pub fn notice(loc: &Localizer, lang: Lang, text: &str) -> Option<String> {
    let count = undrawable(text).len();
    (count > 0).then(|| loc.format(lang, "glyphs-undrawable", &[("count", count.into())]))
}
