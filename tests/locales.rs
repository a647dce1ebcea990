//! Both locales carry the same messages, and every message the UI asks for exists.

use std::collections::BTreeSet;

use lobby_kiosk::i18n::{Localizer, SOURCES, message_ids};
use protocol::text::Lang;

fn ids(lang: Lang) -> BTreeSet<String> {
    let (_, _, source) = SOURCES
        .iter()
        .find(|(l, _, _)| *l == lang)
        .expect("locale shipped");
    message_ids(source)
}

#[test]
fn both_locales_have_the_same_message_ids() {
    let zh = ids(Lang::Zh);
    let en = ids(Lang::En);
    assert!(zh.len() > 40, "zh-CN has {} messages", zh.len());
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(only_zh.is_empty(), "only in zh-CN: {only_zh:?}");
    assert!(only_en.is_empty(), "only in en-US: {only_en:?}");
}

/// Every `Strings.tr("…")` in ui/ and every literal id the Rust code formats exists.
#[test]
fn every_id_the_code_uses_exists() {
    let zh = ids(Lang::Zh);
    let root = env!("CARGO_MANIFEST_DIR");
    let mut used = BTreeSet::new();
    let mut scan = |dir: &str, ext: &str, patterns: &[&str]| {
        let mut stack = vec![std::path::PathBuf::from(root).join(dir)];
        while let Some(path) = stack.pop() {
            for entry in std::fs::read_dir(&path).expect("readable dir") {
                let p = entry.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == ext) {
                    let text = std::fs::read_to_string(&p).expect("source text");
                    for pattern in patterns {
                        for part in text.split(pattern).skip(1) {
                            if let Some(id) = part.split('"').next() {
                                used.insert(id.to_string());
                            }
                        }
                    }
                }
            }
        }
    };
    scan("ui", "slint", &["Strings.tr(\""]);
    scan("src", "rs", &["ctx.ui(\"", "lang, \"", "text(lang, \""]);
    used.retain(|id| !id.is_empty() && !id.contains('{') && !id.contains(' '));
    assert!(used.len() > 20, "found {} ids in use", used.len());
    let missing: Vec<_> = used.iter().filter(|id| !zh.contains(*id)).collect();
    assert!(missing.is_empty(), "used but not defined: {missing:?}");

    // The same ids format to real text in both languages.
    let loc = Localizer::new().expect("locales parse");
    for id in &used {
        assert_ne!(loc.text(Lang::En, id), *id, "{id} has no English value");
    }
}
