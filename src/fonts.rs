//! Gives Slint's font library the kiosk's own font, and only that.
//!
//! Slint embeds our CJK font (`ui/theme.slint` imports it), but its font library (fontique)
//! also builds a system font collection through fontconfig at every start: it parses the
//! configuration (`/etc/fonts/fonts.conf` and its ~40 `conf.d` files), loads the font caches
//! and sorts every system font once per generic family. The kiosk draws text only with the
//! font it embeds (`protocol::glyphs` and `kioskctl check` say what that font cannot show), so
//! that work buys nothing on a kiosk and costs start-up time and mapped font files
//! (`docs/PERFORMANCE.md`). And fontique 0.11 panics when fontconfig knows no font at all
//! (`FcFontSort` returns nothing and is unwrapped): a kiosk image without fonts would crash at
//! the first frame.
//!
//! So before Slint starts, the kiosk writes its font into `DIR/face/` and points fontconfig at
//! `DIR/fonts.conf`, which names that folder only, with its cache in `DIR/cache/` (outside the
//! scanned folder: a cache inside it changes the folder and is rewritten at every start). An
//! operator who wants the system's fonts as a fallback sets `FONTCONFIG_FILE` (e.g. to
//! `/etc/fonts/fonts.conf`); that file is then included. Slint 1.18 has no switch for this
//! (`i_slint_common::sharedfontique::create_collection` always asks for system fonts).

use std::path::{Path, PathBuf};

/// The font the kiosk ships (see `assets/fonts/README.md`).
pub const EMBEDDED_FONT: &[u8] = include_bytes!("../assets/fonts/wqy-microhei.ttc");
const FONT_FILE: &str = "wqy-microhei.ttc";
/// The only folder fontconfig scans.
const FACE_DIR: &str = "face";
/// fontconfig's cache of that folder.
const CACHE_DIR: &str = "cache";

/// The fontconfig file the process should use: `DIR/face/` (where the embedded font is written
/// if it is not there already) and, if `include` is given, that configuration too.
pub fn prepare(dir: &Path, include: Option<&Path>) -> std::io::Result<PathBuf> {
    // fontconfig reads a relative `<dir>` against the working directory (and warns).
    let dir = &std::path::absolute(dir)?;
    let face = dir.join(FACE_DIR);
    std::fs::create_dir_all(&face)?;
    let font = face.join(FONT_FILE);
    let current = std::fs::metadata(&font).map(|m| m.len()).ok();
    if current != Some(EMBEDDED_FONT.len() as u64) {
        // Written elsewhere and renamed in: a half-written font in the scanned folder would be
        // cached as broken.
        let part = dir.join(format!("{FONT_FILE}.part"));
        std::fs::write(&part, EMBEDDED_FONT)?;
        std::fs::rename(&part, &font)?;
    }
    // Before 2026-12-03 the font lay in `DIR` itself, which fontconfig scanned with the cache
    // inside it; 5 MB nobody reads any more.
    let _ = std::fs::remove_file(dir.join(FONT_FILE));
    // Our own file, inherited from the kiosk that started this process: not included again.
    let include = include
        .filter(|file| !std::path::absolute(file).is_ok_and(|file| file.starts_with(dir)))
        .map(|file| {
            format!(
                "  <include ignore_missing=\"yes\">{}</include>\n",
                xml_escape(&file.display().to_string())
            )
        })
        .unwrap_or_default();
    let conf = dir.join("fonts.conf");
    let text = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n\
         <!-- Written by the kiosk at start: its own font only (src/fonts.rs). -->\n\
         <fontconfig>\n{include}  <dir>{}</dir>\n  <cachedir>{}</cachedir>\n</fontconfig>\n",
        xml_escape(&face.display().to_string()),
        xml_escape(&dir.join(CACHE_DIR).display().to_string()),
    );
    if std::fs::read_to_string(&conf).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&conf, text)?;
    }
    Ok(conf)
}

/// Points fontconfig at [`prepare`]'s file, including the configuration `FONTCONFIG_FILE`
/// named if the environment set one. Must run before Slint and before any other thread starts;
/// a failure is logged and the kiosk goes on with fontconfig's defaults (the system's fonts).
pub fn guard(dir: &Path) {
    let include = std::env::var_os("FONTCONFIG_FILE").map(PathBuf::from);
    match prepare(dir, include.as_deref()) {
        Ok(conf) => {
            // SAFETY: called from `main` before any thread is spawned, so nothing reads the
            // environment concurrently.
            unsafe { std::env::set_var("FONTCONFIG_FILE", conf) };
        }
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "cannot prepare the kiosk's font")
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_font_and_config_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conf = prepare(dir.path(), None).expect("prepares");
        let text = std::fs::read_to_string(&conf).expect("conf");
        assert!(
            !text.contains("<include"),
            "no system configuration: {text}"
        );
        let face = dir.path().join(FACE_DIR);
        assert!(text.contains(&format!("<dir>{}</dir>", face.display())));
        let cache = dir.path().join(CACHE_DIR);
        assert!(text.contains(&format!("<cachedir>{}</cachedir>", cache.display())));
        let font = face.join(FONT_FILE);
        assert_eq!(
            std::fs::read(&font).expect("font").len(),
            EMBEDDED_FONT.len()
        );
        let names: Vec<_> = std::fs::read_dir(&face)
            .expect("face")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, [FONT_FILE], "the scanned folder holds the font only");
        let modified = |p: &Path| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .expect("mtime")
        };
        let (font_time, conf_time) = (modified(&font), modified(&conf));
        prepare(dir.path(), None).expect("again");
        assert_eq!(modified(&font), font_time, "font not rewritten");
        assert_eq!(modified(&conf), conf_time, "config not rewritten");
    }

    #[test]
    fn includes_the_configuration_the_environment_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conf = prepare(dir.path(), Some(Path::new("/etc/fonts/fonts.conf"))).expect("prepares");
        let text = std::fs::read_to_string(&conf).expect("conf");
        assert!(
            text.contains("<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>"),
            "{text}"
        );
        // A process the kiosk started inherits the kiosk's own file: not included in itself.
        let own = prepare(dir.path(), Some(&conf)).expect("prepares");
        let text = std::fs::read_to_string(&own).expect("conf");
        assert!(!text.contains("<include"), "{text}");
        // And back: the kiosk's font only.
        let conf = prepare(dir.path(), None).expect("prepares");
        let text = std::fs::read_to_string(&conf).expect("conf");
        assert!(!text.contains("<include"), "{text}");
    }

    #[test]
    fn removes_the_font_where_older_versions_wrote_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(FONT_FILE), EMBEDDED_FONT).expect("old font");
        prepare(dir.path(), None).expect("prepares");
        assert!(!dir.path().join(FONT_FILE).exists());
        assert!(dir.path().join(FACE_DIR).join(FONT_FILE).exists());
    }
}
