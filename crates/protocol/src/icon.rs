//! A section's own icon file (SVG or PNG): the rules it must pass before a server stores it or
//! a kiosk draws it. An icon is drawn on a public screen from a file a district uploaded, so an
//! SVG may only describe shapes: no scripts, no event handlers, nothing fetched from elsewhere,
//! and bounded work to parse and draw.
//!
//! The SVG is parsed twice: with `roxmltree` for what must not be in the file at all (the
//! checks below are about the text as written, which a renderer's tree no longer shows), and
//! with `usvg` (the parser the kiosk's renderer uses, the versions Slint already brings), so an
//! icon that passes here is one the kiosk can draw.

use std::io::Cursor;

use crate::bundle::Blob;
use crate::content::IconFormat;

/// Largest icon file accepted, in bytes: an icon is a few shapes.
pub const MAX_ICON_BYTES: usize = 256 * 1024;
/// Most elements an SVG icon may have (each costs parse and draw time).
pub const MAX_ICON_ELEMENTS: usize = 2000;
/// Largest side of a PNG icon, in pixels (a tile draws it at under 300).
pub const MAX_ICON_SIDE: u32 = 1024;
/// Smallest side of a PNG icon, in pixels.
pub const MIN_ICON_SIDE: u32 = 16;

/// Elements an icon may not contain: they run code, embed other documents or change the
/// drawing over time (an `<animate>` or `<set>` can point an `href` elsewhere after the checks).
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "foreignObject",
    "iframe",
    "embed",
    "object",
    "animate",
    "animateMotion",
    "animateTransform",
    "animateColor",
    "set",
    "discard",
    "handler",
    "listener",
];

/// Why an icon file is refused. Typed so the console can say it in Chinese ([`crate::Issue`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IconIssue {
    /// More than [`MAX_ICON_BYTES`].
    TooLarge { bytes: usize, limit: usize },
    /// Neither a PNG nor an SVG document.
    NotSvgOrPng,
    /// A PNG whose sides are outside [`MIN_ICON_SIDE`]..=[`MAX_ICON_SIDE`].
    BadSide {
        width: u32,
        height: u32,
        min: u32,
        max: u32,
    },
    /// A PNG that does not decode completely (its English reason).
    PngDoesNotDecode { cause: String },
    /// A PNG without one transparent pixel: the kiosk draws an icon's shape (its alpha) in the
    /// tile's text colour, so this would be a plain square.
    NoTransparency,
    /// An SVG that is not well-formed XML or that the renderer cannot read (its English reason).
    SvgDoesNotParse { cause: String },
    /// An element from [`FORBIDDEN_ELEMENTS`].
    ForbiddenElement { element: String },
    /// An `on…` attribute (`onload`, `onclick`, …).
    EventHandler { attribute: String },
    /// A reference (`href`, `url(…)`) to anything but a `#fragment` of the same file or an
    /// embedded PNG/JPEG.
    ExternalReference { reference: String },
    /// More than [`MAX_ICON_ELEMENTS`] elements.
    TooManyElements { count: usize, limit: usize },
}

impl IconIssue {
    /// A stable code naming the rule (with `icon-`, a message id for translations).
    pub fn code(&self) -> &'static str {
        match self {
            IconIssue::TooLarge { .. } => "icon-too-large",
            IconIssue::NotSvgOrPng => "icon-not-svg-or-png",
            IconIssue::BadSide { .. } => "icon-bad-side",
            IconIssue::PngDoesNotDecode { .. } => "icon-png-does-not-decode",
            IconIssue::NoTransparency => "icon-no-transparency",
            IconIssue::SvgDoesNotParse { .. } => "icon-svg-does-not-parse",
            IconIssue::ForbiddenElement { .. } => "icon-forbidden-element",
            IconIssue::EventHandler { .. } => "icon-event-handler",
            IconIssue::ExternalReference { .. } => "icon-external-reference",
            IconIssue::TooManyElements { .. } => "icon-too-many-elements",
        }
    }

    /// The parameters a translation may quote, by name.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            IconIssue::TooLarge { bytes, limit } => {
                vec![("bytes", bytes.to_string()), ("limit", limit.to_string())]
            }
            IconIssue::NotSvgOrPng | IconIssue::NoTransparency => Vec::new(),
            IconIssue::BadSide {
                width,
                height,
                min,
                max,
            } => vec![
                ("width", width.to_string()),
                ("height", height.to_string()),
                ("min", min.to_string()),
                ("max", max.to_string()),
            ],
            IconIssue::PngDoesNotDecode { cause } | IconIssue::SvgDoesNotParse { cause } => {
                vec![("cause", cause.clone())]
            }
            IconIssue::ForbiddenElement { element } => vec![("element", element.clone())],
            IconIssue::EventHandler { attribute } => vec![("attribute", attribute.clone())],
            IconIssue::ExternalReference { reference } => {
                vec![("reference", reference.clone())]
            }
            IconIssue::TooManyElements { count, limit } => {
                vec![("count", count.to_string()), ("limit", limit.to_string())]
            }
        }
    }
}

impl std::fmt::Display for IconIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IconIssue::TooLarge { bytes, limit } => {
                write!(f, "the icon is {bytes} bytes; the limit is {limit}")
            }
            IconIssue::NotSvgOrPng => f.write_str("an icon must be an SVG or a PNG file"),
            IconIssue::BadSide {
                width,
                height,
                min,
                max,
            } => write!(
                f,
                "the icon is {width}×{height}; a PNG icon's sides must be {min} to {max} pixels"
            ),
            IconIssue::PngDoesNotDecode { cause } => {
                write!(f, "the PNG icon does not decode: {cause}")
            }
            IconIssue::SvgDoesNotParse { cause } => {
                write!(f, "the SVG icon cannot be read: {cause}")
            }
            IconIssue::NoTransparency => f.write_str(
                "the PNG icon has no transparent pixel: the kiosk draws an icon's shape in the \
                 tile's colour, so draw it on a transparent background",
            ),
            IconIssue::ForbiddenElement { element } => write!(
                f,
                "the SVG icon contains <{element}>: icons may hold shapes only (no scripts, \
                 animations or embedded documents)"
            ),
            IconIssue::EventHandler { attribute } => write!(
                f,
                "the SVG icon has an event handler `{attribute}`: icons may not run scripts"
            ),
            IconIssue::ExternalReference { reference } => write!(
                f,
                "the SVG icon refers to `{reference}`: only #fragments of the same file and \
                 embedded PNG or JPEG pictures are allowed"
            ),
            IconIssue::TooManyElements { count, limit } => {
                write!(f, "the SVG icon has {count} elements; at most {limit}")
            }
        }
    }
}

/// Checks an icon file and says what it is. A PNG must decode completely within its limits; an
/// SVG must pass [`check_svg_text`] and parse with `usvg`. The blob's `width`/`height` are the
/// PNG's pixels or the SVG's own size rounded up.
pub fn check_icon(bytes: &[u8]) -> Result<(Blob, IconFormat), IconIssue> {
    if bytes.len() > MAX_ICON_BYTES {
        return Err(IconIssue::TooLarge {
            bytes: bytes.len(),
            limit: MAX_ICON_BYTES,
        });
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return check_png(bytes).map(|blob| (blob, IconFormat::Png));
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| IconIssue::NotSvgOrPng)?;
    if !looks_like_svg(text) {
        return Err(IconIssue::NotSvgOrPng);
    }
    check_svg_text(text)?;
    let options = usvg::Options::default();
    let tree = usvg::Tree::from_str(text, &options).map_err(|e| IconIssue::SvgDoesNotParse {
        cause: e.to_string(),
    })?;
    let size = tree.size();
    Ok((
        Blob {
            bytes: bytes.to_vec(),
            width: size.width().ceil() as u32,
            height: size.height().ceil() as u32,
            mime: IconFormat::Svg.mime(),
        },
        IconFormat::Svg,
    ))
}

/// An XML document whose root element is `<svg>` (after a declaration, comments, a doctype).
fn looks_like_svg(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.trim_start().starts_with('<') && head.contains("<svg")
}

fn check_png(bytes: &[u8]) -> Result<Blob, IconIssue> {
    let undecodable = |e: image::ImageError| IconIssue::PngDoesNotDecode {
        cause: e.to_string(),
    };
    let (width, height) =
        image::ImageReader::with_format(Cursor::new(bytes), image::ImageFormat::Png)
            .into_dimensions()
            .map_err(undecodable)?;
    if !(MIN_ICON_SIDE..=MAX_ICON_SIDE).contains(&width)
        || !(MIN_ICON_SIDE..=MAX_ICON_SIDE).contains(&height)
    {
        return Err(IconIssue::BadSide {
            width,
            height,
            min: MIN_ICON_SIDE,
            max: MAX_ICON_SIDE,
        });
    }
    // Decode fully: a truncated or corrupt file fails here, not on a visitor's screen.
    let pixels =
        image::load_from_memory_with_format(bytes, image::ImageFormat::Png).map_err(undecodable)?;
    if !pixels.color().has_alpha() || pixels.to_rgba8().pixels().all(|p| p.0[3] == 255) {
        return Err(IconIssue::NoTransparency);
    }
    Ok(Blob {
        bytes: bytes.to_vec(),
        width,
        height,
        mime: IconFormat::Png.mime(),
    })
}

/// The rules about what an SVG's text may hold: its root is `<svg>`, no forbidden element, no
/// `on…` attribute, no reference out of the file, at most [`MAX_ICON_ELEMENTS`] elements.
pub fn check_svg_text(text: &str) -> Result<(), IconIssue> {
    let doc = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            // A doctype may only declare entities inside the file; roxmltree never loads one
            // from elsewhere and bounds their expansion.
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .map_err(|e| IconIssue::SvgDoesNotParse {
        cause: e.to_string(),
    })?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err(IconIssue::NotSvgOrPng);
    }
    let mut count = 0usize;
    for node in doc.descendants() {
        if node.is_text()
            && node
                .parent_element()
                .is_some_and(|p| p.tag_name().name() == "style")
        {
            check_css(node.text().unwrap_or(""))?;
        }
        if !node.is_element() {
            continue;
        }
        count += 1;
        if count > MAX_ICON_ELEMENTS {
            return Err(IconIssue::TooManyElements {
                count: doc.descendants().filter(|n| n.is_element()).count(),
                limit: MAX_ICON_ELEMENTS,
            });
        }
        let name = node.tag_name().name();
        if FORBIDDEN_ELEMENTS
            .iter()
            .any(|f| f.eq_ignore_ascii_case(name))
        {
            return Err(IconIssue::ForbiddenElement {
                element: name.to_string(),
            });
        }
        for attribute in node.attributes() {
            let local = attribute.name();
            if local.len() > 2 && local[..2].eq_ignore_ascii_case("on") {
                return Err(IconIssue::EventHandler {
                    attribute: local.to_string(),
                });
            }
            let value = attribute.value();
            if local == "href" {
                check_href(value)?;
            }
            check_css(value)?;
        }
    }
    Ok(())
}

/// An `href` may point at a `#fragment` of this file or carry a PNG/JPEG picture inline.
fn check_href(value: &str) -> Result<(), IconIssue> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let inline_picture = ["data:image/png;", "data:image/jpeg;", "data:image/jpg;"]
        .iter()
        .any(|p| lower.starts_with(p));
    if v.starts_with('#') || inline_picture {
        Ok(())
    } else {
        Err(IconIssue::ExternalReference {
            reference: shorten(v),
        })
    }
}

/// `url(…)` in a style or presentation attribute follows the same rule as `href`; `@import`
/// always fetches another file.
fn check_css(text: &str) -> Result<(), IconIssue> {
    let lower = text.to_ascii_lowercase();
    if let Some(at) = lower.find("@import") {
        return Err(IconIssue::ExternalReference {
            reference: shorten(&text[at..]),
        });
    }
    let mut rest = lower.as_str();
    let mut offset = 0;
    while let Some(at) = rest.find("url(") {
        let start = offset + at + 4;
        let inner = text[start..]
            .split(')')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        check_href(inner)?;
        offset = start;
        rest = &lower[offset..];
    }
    Ok(())
}

/// A reference quoted in a message: long `data:` payloads cut.
fn shorten(v: &str) -> String {
    if v.chars().count() > 80 {
        format!("{}…", v.chars().take(80).collect::<String>())
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CIRCLE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48"><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs><circle cx="24" cy="24" r="20" fill="url(#g)"/><use href="#g"/></svg>"##;

    fn svg(body: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 48 48">{body}</svg>"#
        )
    }

    fn refusal(text: &str) -> IconIssue {
        check_icon(text.as_bytes()).expect_err("refused")
    }

    #[test]
    fn a_plain_svg_with_fragment_references_passes() {
        let (blob, format) = check_icon(CIRCLE.as_bytes()).expect("accepted");
        assert_eq!(format, IconFormat::Svg);
        assert_eq!((blob.width, blob.height), (48, 48));
        assert_eq!(blob.mime, "image/svg+xml");
    }

    #[test]
    fn scripts_animations_and_foreign_objects_are_refused_by_name() {
        for (body, element) in [
            ("<script>alert(1)</script>", "script"),
            ("<foreignObject><p>hi</p></foreignObject>", "foreignObject"),
            (
                r#"<set attributeName="href" to="https://x.example/a.png"/>"#,
                "set",
            ),
            (
                r#"<circle r="4"><animate attributeName="r"/></circle>"#,
                "animate",
            ),
        ] {
            assert_eq!(
                refusal(&svg(body)),
                IconIssue::ForbiddenElement {
                    element: element.into()
                },
                "{body}"
            );
        }
    }

    #[test]
    fn event_handlers_are_refused_whatever_their_case() {
        assert_eq!(
            refusal(&svg(r#"<circle r="4" onClick="x()"/>"#)),
            IconIssue::EventHandler {
                attribute: "onClick".into()
            }
        );
        assert_eq!(
            refusal(r#"<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>"#),
            IconIssue::EventHandler {
                attribute: "onload".into()
            }
        );
    }

    #[test]
    fn references_out_of_the_file_are_refused_in_href_xlink_style_and_css() {
        for (body, reference) in [
            (
                r#"<image href="https://x.example/a.png"/>"#,
                "https://x.example/a.png",
            ),
            (
                r#"<image xlink:href="file:///etc/passwd"/>"#,
                "file:///etc/passwd",
            ),
            (r#"<use href="other.svg#a"/>"#, "other.svg#a"),
            (
                r#"<image href="data:image/svg+xml;base64,PHN2Zy8+"/>"#,
                "data:image/svg+xml;base64,PHN2Zy8+",
            ),
            (
                r#"<rect width="4" height="4" style="fill:url('https://x.example/p')"/>"#,
                "https://x.example/p",
            ),
            (
                r#"<rect width="4" height="4" fill="url(http://x.example/#p)"/>"#,
                "http://x.example/#p",
            ),
            (
                "<style>@import url(https://x.example/a.css);</style>",
                "@import url(https://x.example/a.css);",
            ),
            (
                "<style>rect { fill: url(https://x.example/p) }</style>",
                "https://x.example/p",
            ),
        ] {
            assert_eq!(
                refusal(&svg(body)),
                IconIssue::ExternalReference {
                    reference: reference.into()
                },
                "{body}"
            );
        }
    }

    #[test]
    fn an_inline_png_picture_is_allowed() {
        let png = {
            let img = image::RgbaImage::from_pixel(16, 16, image::Rgba([0, 0, 0, 255]));
            let mut out = Vec::new();
            img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
                .expect("encodes");
            out
        };
        use base64::Engine;
        let body = format!(
            r#"<image width="16" height="16" href="data:image/png;base64,{}"/>"#,
            base64::engine::general_purpose::STANDARD.encode(&png)
        );
        check_icon(svg(&body).as_bytes()).expect("accepted");
    }

    #[test]
    fn too_many_elements_too_many_bytes_and_other_files_are_refused() {
        let many = svg(&"<g/>".repeat(MAX_ICON_ELEMENTS + 5));
        assert_eq!(
            refusal(&many),
            IconIssue::TooManyElements {
                count: MAX_ICON_ELEMENTS + 6,
                limit: MAX_ICON_ELEMENTS
            }
        );
        let padded = svg(&format!("<!-- {} -->", "x".repeat(MAX_ICON_BYTES)));
        assert!(matches!(
            refusal(&padded),
            IconIssue::TooLarge {
                limit: MAX_ICON_BYTES,
                ..
            }
        ));
        assert_eq!(refusal("GIF89a"), IconIssue::NotSvgOrPng);
        assert_eq!(
            refusal(r#"<html><body>not an icon</body></html>"#),
            IconIssue::NotSvgOrPng
        );
        assert!(matches!(
            refusal(r#"<svg xmlns="http://www.w3.org/2000/svg"><circle"#),
            IconIssue::SvgDoesNotParse { .. }
        ));
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([255, 255, 255, 0]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encodes");
        out
    }

    #[test]
    fn a_png_icon_must_decode_completely_within_its_sides() {
        let (blob, format) = check_icon(&png(64, 64)).expect("accepted");
        assert_eq!(
            (format, blob.width, blob.mime),
            (IconFormat::Png, 64, "image/png")
        );
        assert_eq!(
            check_icon(&png(8, 64)).expect_err("too small"),
            IconIssue::BadSide {
                width: 8,
                height: 64,
                min: MIN_ICON_SIDE,
                max: MAX_ICON_SIDE
            }
        );
        assert!(matches!(
            check_icon(&png(1100, 20)).expect_err("too wide"),
            IconIssue::BadSide { width: 1100, .. }
        ));
        let opaque = {
            let img = image::RgbImage::from_pixel(32, 32, image::Rgb([9, 9, 9]));
            let mut out = Vec::new();
            img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
                .expect("encodes");
            out
        };
        assert_eq!(
            check_icon(&opaque).expect_err("opaque"),
            IconIssue::NoTransparency
        );
        let whole = png(64, 64);
        assert!(matches!(
            check_icon(&whole[..whole.len() - 20]).expect_err("truncated"),
            IconIssue::PngDoesNotDecode { .. }
        ));
    }
}
