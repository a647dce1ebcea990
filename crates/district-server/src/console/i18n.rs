//! The console's own words in Chinese (the default) and English, from Fluent files embedded at
//! build time (`locales/console/*.ftl`). Content carries its own two languages; this is only
//! the console's chrome, labels and messages.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use protocol::text::Lang;

const ZH: &str = include_str!("../../locales/console/zh-CN.ftl");
const EN: &str = include_str!("../../locales/console/en-US.ftl");

struct Bundles {
    zh: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(locale: &str, source: &str) -> FluentBundle<FluentResource> {
    let langid = locale
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // HTML needs no bidi isolation marks around values.
    bundle.set_use_isolating(false);
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(r) => r,
        Err((r, errors)) => {
            tracing::error!(locale, ?errors, "console strings have syntax errors");
            r
        }
    };
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(locale, ?errors, "console strings are defined twice");
    }
    bundle
}

static BUNDLES: LazyLock<Bundles> = LazyLock::new(|| Bundles {
    zh: bundle("zh-CN", ZH),
    en: bundle("en-US", EN),
});

fn pick(lang: Lang) -> &'static FluentBundle<FluentResource> {
    match lang {
        Lang::Zh => &BUNDLES.zh,
        Lang::En => &BUNDLES.en,
    }
}

/// The text of message `id` in `lang`, with `args` filled in. An unknown id shows as itself
/// (and is logged), so a slip is visible rather than a blank.
pub fn tr_args(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let bundle = pick(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        tracing::error!(id, lang = lang.code(), "missing console string");
        return id.to_string();
    };
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, v.clone());
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
    if !errors.is_empty() {
        tracing::error!(id, ?errors, "console string failed to format");
    }
    text.into_owned()
}

/// The text of message `id` in `lang`.
pub fn tr(lang: Lang, id: &str) -> String {
    tr_args(lang, id, &[])
}

/// Every message id of one language's file (for the test that both files agree).
pub fn ids(lang: Lang) -> Vec<String> {
    let source = match lang {
        Lang::Zh => ZH,
        Lang::En => EN,
    };
    let mut ids: Vec<String> = source
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '-']) && !l.trim().is_empty())
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect();
    ids.sort();
    ids
}

/// A bundle rule's message in `lang`, from its typed code ([`protocol::Issue`]): the same rule
/// `kioskctl` states in English, said in the console's language. Quoted values (a language, a
/// kind of record) are translated too.
pub fn issue(lang: Lang, issue: &protocol::Issue) -> String {
    let args: Vec<(&str, FluentValue<'_>)> = issue
        .args()
        .into_iter()
        .map(|(name, value)| {
            let value = match name {
                "lang" => tr(lang, &format!("lang-{value}")),
                "target" => tr(lang, &format!("issue-target-{value}")),
                _ => value,
            };
            (name, FluentValue::from(value))
        })
        .collect();
    tr_args(lang, &format!("issue-{}", issue.code()), &args)
}

/// A whole problem in `lang` (where, and what): for lists of problems not next to a field.
pub fn problem(lang: Lang, p: &protocol::Problem) -> String {
    let mut out = String::new();
    if let Some(record) = &p.record {
        out.push_str(record);
        out.push_str(": ");
    }
    if let Some(field) = &p.field {
        out.push_str(field);
        out.push_str(": ");
    }
    out.push_str(&issue(lang, &p.issue));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message defined twice keeps its first text only (Fluent refuses the second, and the
    /// console logs it), so the later label would silently show the earlier one's words.
    #[test]
    fn no_message_is_defined_twice() {
        for (locale, source) in [("zh-CN", ZH), ("en-US", EN)] {
            let resource = FluentResource::try_new(source.to_string()).expect("parses");
            let mut bundle = FluentBundle::new_concurrent(vec![
                locale
                    .parse::<unic_langid::LanguageIdentifier>()
                    .expect("locale"),
            ]);
            assert!(
                bundle.add_resource(resource).is_ok(),
                "{locale}: a message is defined twice"
            );
        }
    }

    #[test]
    fn both_languages_have_the_same_messages_and_parse() {
        let zh = ids(Lang::Zh);
        assert!(zh.len() > 50, "{}", zh.len());
        assert_eq!(zh, ids(Lang::En));
        for id in &zh {
            for lang in [Lang::Zh, Lang::En] {
                let bundle = pick(lang);
                assert!(
                    bundle.get_message(id).and_then(|m| m.value()).is_some(),
                    "{id} in {lang}"
                );
            }
        }
        assert_eq!(tr(Lang::Zh, "nav-wishes"), "微心愿");
        assert_eq!(tr(Lang::En, "nav-wishes"), "Wishes");
    }

    /// Every rule of the protocol has its message in both languages, with every parameter
    /// filled in (none left as a Fluent placeholder).
    #[test]
    fn every_issue_code_is_translated() {
        use protocol::ImageProblem;
        use protocol::Issue as I;
        use protocol::bundle::Target;
        use protocol::icon::IconIssue;
        let s = || "x-1".to_string();
        let samples = [
            I::MissingLanguage { lang: Lang::En },
            I::BadId { id: s(), limit: 64 },
            I::DuplicateId { id: s() },
            I::UnknownTimeZone { zone: s() },
            I::UnknownReference {
                target: Target::Room,
                id: s(),
            },
            I::UnknownIcon {
                icon: s(),
                allowed: s(),
            },
            I::NotAColour { value: s() },
            I::SecondWishWall { first: s() },
            I::CapacityZero,
            I::EmptyBody,
            I::NotALink { link: s() },
            I::ExpiresBeforePublish,
            I::EndsBeforeStart,
            I::EventTooLong { max_days: 7 },
            I::OnlyWeekly,
            I::UntilBeforeStart,
            I::RoomOfOtherStation {
                room: s(),
                room_station: s(),
                station: s(),
            },
            I::ScopeNotOwnStation { station: s() },
            I::NotRelativePath { path: s() },
            I::Image(ImageProblem::Missing { cause: s() }),
            I::Image(ImageProblem::Unreadable { cause: s() }),
            I::Image(ImageProblem::TooManyBytes {
                bytes: 9_000_000,
                limit: 8 * 1024 * 1024,
            }),
            I::Image(ImageProblem::NotPngOrJpeg),
            I::Image(ImageProblem::BadHeader {
                format: "PNG",
                cause: s(),
            }),
            I::Image(ImageProblem::SidesTooLong {
                width: 5000,
                height: 20,
                limit: 4096,
            }),
            I::Image(ImageProblem::SidesTooShort {
                width: 8,
                height: 20,
                limit: 16,
            }),
            I::Image(ImageProblem::DoesNotDecode { cause: s() }),
            I::UnsupportedFormat {
                format: 2,
                supported: 1,
            },
            I::WishesInContent,
            I::Other(s()),
        ];
        let icons = [
            IconIssue::TooLarge {
                bytes: 300_000,
                limit: 262_144,
            },
            IconIssue::NotSvgOrPng,
            IconIssue::BadSide {
                width: 8,
                height: 8,
                min: 16,
                max: 1024,
            },
            IconIssue::PngDoesNotDecode { cause: s() },
            IconIssue::NoTransparency,
            IconIssue::SvgDoesNotParse { cause: s() },
            IconIssue::ForbiddenElement { element: s() },
            IconIssue::EventHandler { attribute: s() },
            IconIssue::ExternalReference { reference: s() },
            IconIssue::TooManyElements {
                count: 2001,
                limit: 2000,
            },
        ];
        for icon in &icons {
            // A new kind of icon refusal fails to compile here until it has a sample above.
            match icon {
                IconIssue::TooLarge { .. }
                | IconIssue::NotSvgOrPng
                | IconIssue::BadSide { .. }
                | IconIssue::PngDoesNotDecode { .. }
                | IconIssue::NoTransparency
                | IconIssue::SvgDoesNotParse { .. }
                | IconIssue::ForbiddenElement { .. }
                | IconIssue::EventHandler { .. }
                | IconIssue::ExternalReference { .. }
                | IconIssue::TooManyElements { .. } => {}
            }
        }
        let samples: Vec<I> = samples
            .into_iter()
            .chain(icons.into_iter().map(I::Icon))
            .collect();
        // A new variant fails to compile here until it has a sample above.
        for i in &samples {
            match i {
                I::MissingLanguage { .. }
                | I::BadId { .. }
                | I::DuplicateId { .. }
                | I::UnknownTimeZone { .. }
                | I::UnknownReference { .. }
                | I::UnknownIcon { .. }
                | I::NotAColour { .. }
                | I::SecondWishWall { .. }
                | I::CapacityZero
                | I::EmptyBody
                | I::NotALink { .. }
                | I::ExpiresBeforePublish
                | I::EndsBeforeStart
                | I::EventTooLong { .. }
                | I::OnlyWeekly
                | I::UntilBeforeStart
                | I::RoomOfOtherStation { .. }
                | I::ScopeNotOwnStation { .. }
                | I::NotRelativePath { .. }
                | I::Image(_)
                | I::UnsupportedFormat { .. }
                | I::WishesInContent
                | I::Icon(_)
                | I::Other(_) => {}
            }
            for lang in [Lang::Zh, Lang::En] {
                let text = issue(lang, i);
                assert!(!text.starts_with("issue-"), "{} in {lang}", i.code());
                assert!(!text.contains('{') && !text.contains('$'), "{text}");
                for (name, value) in i.args() {
                    // An image's cause is the decoder's English: said in other words, not quoted.
                    if value == "x-1" && !(name == "cause" && matches!(i, I::Image(_))) {
                        assert!(text.contains("x-1"), "{} in {lang}: {text}", i.code());
                    }
                }
            }
        }
        // Every image problem reads Chinese in the Chinese console, English in the English one.
        for i in samples.iter().filter(|i| matches!(i, I::Image(_))) {
            let zh = issue(Lang::Zh, i);
            let en = issue(Lang::En, i);
            assert!(zh.contains("图片"), "{} in zh: {zh}", i.code());
            assert!(
                !zh.contains("image") && !zh.contains("x-1"),
                "{} in zh: {zh}",
                i.code()
            );
            assert!(
                en.to_lowercase().contains("image"),
                "{} in en: {en}",
                i.code()
            );
            assert_ne!(zh, en);
        }
        assert_eq!(
            issue(
                Lang::Zh,
                &I::Image(ImageProblem::SidesTooLong {
                    width: 5000,
                    height: 20,
                    limit: 4096
                })
            ),
            "图片为 5000×20 像素，边长最多 4096 像素。"
        );
        assert_eq!(
            issue(Lang::En, &I::Image(ImageProblem::NotPngOrJpeg)),
            "Not a PNG or JPEG image."
        );
        assert_eq!(
            issue(Lang::Zh, &I::EventTooLong { max_days: 7 }),
            "一场活动最长 7 天。"
        );
        assert_eq!(
            issue(
                Lang::Zh,
                &I::UnknownReference {
                    target: Target::Room,
                    id: "attic".into()
                }
            ),
            "没有编号为“attic”的活动室。"
        );
    }

    /// Every literal message id the console's code asks for exists (a missing one would show
    /// as its id on the page).
    #[test]
    fn every_id_the_code_uses_exists() {
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("reads src") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    files(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut paths = Vec::new();
        files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/console"),
            &mut paths,
        );
        let known = ids(Lang::Zh);
        let mut used = 0;
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("reads");
            for call in ["tr(", "tr_args(", "message_page("] {
                for (at, _) in text.match_indices(call) {
                    let rest = &text[at + call.len()..];
                    let Some(end) = rest.find(')') else { continue };
                    // The first string literal among the call's first arguments.
                    let args = &rest[..end.min(rest.len())];
                    for literal in args.split('"').skip(1).step_by(2).take(2) {
                        if literal.contains('-')
                            && literal
                                .bytes()
                                .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
                        {
                            used += 1;
                            assert!(
                                known.contains(&literal.to_string()),
                                "{literal} used in {} is not in the .ftl files",
                                path.display()
                            );
                        }
                    }
                }
            }
        }
        assert!(used > 100, "the scan finds the calls: {used}");
    }
}
