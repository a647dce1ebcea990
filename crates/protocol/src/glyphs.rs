//! Which characters the kiosk can draw. The kiosk draws text only with the fonts it embeds
//! (`assets/fonts/`; a bare kiosk has no others), and Slint draws a character no font covers
//! as blank space: a 🙂 would silently vanish. So the coverage of the embedded fonts is
//! computed at build time (`build.rs`, from the fonts' cmaps) into a table of ranges that the
//! kiosk's forms (say which characters cannot be shown, before a wish is queued) and
//! `kioskctl check` (warn about content) both read, with no font parsing and no Slint.
//!
//! Characters that are invisible by design need no glyph and are never reported: spaces and
//! line breaks, control and format characters (zero-width joiner, soft hyphen, bidi marks, tag
//! characters) and variation selectors (the U+FE0F after an emoji: the emoji itself is
//! reported).

use std::collections::BTreeMap;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::content::Content;

mod table {
    include!(concat!(env!("OUT_DIR"), "/glyph_coverage.rs"));
}

/// The font files the table was computed from, for messages.
pub const FONTS: &[&str] = table::FONTS;

/// Whether the kiosk can show `c`: a glyph in an embedded font, or nothing to draw at all.
pub fn can_draw(c: char) -> bool {
    has_glyph(c) || is_invisible(c)
}

/// The characters of `text` the kiosk cannot show, each once, in the order they first appear.
/// Empty when everything can be shown.
pub fn undrawable(text: &str) -> Vec<char> {
    let mut found = Vec::new();
    for c in text.chars() {
        if !can_draw(c) && !found.contains(&c) {
            found.push(c);
        }
    }
    found
}

/// `🙂 (U+1F642), 𠀀 (U+20000)`: characters as a person can look them up.
pub fn describe(chars: &[char]) -> String {
    chars
        .iter()
        .map(|c| format!("{c} (U+{:04X})", *c as u32))
        .collect::<Vec<_>>()
        .join(", ")
}

fn has_glyph(c: char) -> bool {
    let cp = c as u32;
    table::COVERED
        .binary_search_by(|&(start, end)| {
            if end < cp {
                std::cmp::Ordering::Less
            } else if start > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn is_invisible(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::SpaceSeparator
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    ) || matches!(c as u32, 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

/// Text in published content the kiosks cannot show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndrawableText {
    /// `article weekly-tea`, `district`.
    pub record: String,
    /// Where in the record, as its JSON path: `title.zh`, `paragraphs[2].en`.
    pub field: String,
    /// The characters, each once.
    pub chars: Vec<char>,
}

impl std::fmt::Display for UndrawableText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: cannot be shown on the kiosks: {}",
            self.record,
            self.field,
            describe(&self.chars)
        )
    }
}

/// Every text of `content` (every string of every record, so fields added later are covered
/// too) holding characters the kiosks cannot show, in record order.
pub fn undrawable_in(content: &Content) -> Vec<UndrawableText> {
    let mut out = Vec::new();
    if let Ok(value) = serde_json::to_value(&content.district) {
        collect(&value, String::new(), "district", &mut out);
    }
    for record in content.records() {
        let name = format!("{} {}", record.kind().key(), record.id());
        collect(&record.to_json(), String::new(), &name, &mut out);
    }
    out
}

fn collect(value: &serde_json::Value, path: String, record: &str, out: &mut Vec<UndrawableText>) {
    match value {
        serde_json::Value::String(s) => {
            let chars = undrawable(s);
            if !chars.is_empty() {
                out.push(UndrawableText {
                    record: record.to_string(),
                    field: path,
                    chars,
                });
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, format!("{path}[{i}]"), record, out);
            }
        }
        serde_json::Value::Object(map) => {
            // Sorted, so the report is stable.
            let sorted: BTreeMap<_, _> = map.iter().collect();
            for (key, item) in sorted {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                collect(item, path, record, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_latin_and_punctuation_are_drawable() {
        assert!(
            undrawable("大连中山区 微心愿：帮老人买菜，谢谢！Hello, café № 1–2 “quoted”")
                .is_empty()
        );
        assert!(
            undrawable("Ωμέγα Кириллица").is_empty(),
            "Greek and Cyrillic"
        );
    }

    #[test]
    fn emoji_and_rare_ideographs_are_reported_once_in_order() {
        assert_eq!(undrawable("好🙂棒🙂𠀀"), vec!['🙂', '𠀀']);
        assert_eq!(describe(&['🙂', '𠀀']), "🙂 (U+1F642), 𠀀 (U+20000)");
    }

    #[test]
    fn invisible_characters_need_no_glyph() {
        // Newline, tab, ideographic space, zero-width joiner, variation selector 16, soft
        // hyphen: nothing to draw.
        assert!(undrawable("a\nb\tc\u{3000}d\u{200D}e\u{FE0F}f\u{AD}").is_empty());
        // The emoji of a sequence is reported, not its joiner or selector.
        assert_eq!(undrawable("❤\u{FE0F}"), undrawable("❤"));
        assert_eq!(undrawable("👩\u{200D}💻"), vec!['👩', '💻']);
    }

    #[test]
    fn the_table_is_sorted_and_disjoint() {
        assert!(!table::COVERED.is_empty());
        for pair in table::COVERED.windows(2) {
            assert!(
                pair[0].0 <= pair[0].1 && pair[0].1 + 1 < pair[1].0,
                "{pair:?}"
            );
        }
        assert!(
            FONTS
                .iter()
                .any(|f| f.ends_with(".ttc") || f.ends_with(".ttf"))
        );
    }
}
