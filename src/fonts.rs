//! Keeps the font system from ever being empty.
//!
//! Slint embeds our CJK font (`ui/theme.slint` imports it), but its font library (fontique) also
//! loads the system's fonts through fontconfig, and fontique 0.11 panics when fontconfig knows no
//! font at all (`FcFontSort` returns nothing and is unwrapped). A kiosk image without fonts, or
//! `FONTCONFIG_FILE` pointing at an empty `<fontconfig/>`, would crash at the first frame. So
//! before Slint starts, the kiosk writes its font into the data directory and points fontconfig
//! at a small config that includes the original one and adds that folder.

use std::path::{Path, PathBuf};

/// The font the kiosk ships (see `assets/fonts/README.md`).
pub const EMBEDDED_FONT: &[u8] = include_bytes!("../assets/fonts/wqy-microhei.ttc");
const FONT_FILE: &str = "wqy-microhei.ttc";

/// The fontconfig file the process should use: the original configuration plus `dir`, where the
/// embedded font is written if it is not there already.
pub fn prepare(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let font = dir.join(FONT_FILE);
    let current = std::fs::metadata(&font).map(|m| m.len()).ok();
    if current != Some(EMBEDDED_FONT.len() as u64) {
        let part = font.with_extension("part");
        std::fs::write(&part, EMBEDDED_FONT)?;
        std::fs::rename(&part, &font)?;
    }
    let original = std::env::var_os("FONTCONFIG_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/etc/fonts/fonts.conf"));
    let conf = dir.join("fonts.conf");
    let text = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n\
         <!-- Written by the kiosk at start: the system's configuration plus the kiosk's font. -->\n\
         <fontconfig>\n  <include ignore_missing=\"yes\">{}</include>\n  <dir>{}</dir>\n  \
         <cachedir>{}</cachedir>\n</fontconfig>\n",
        xml_escape(&original.display().to_string()),
        xml_escape(&dir.display().to_string()),
        xml_escape(&dir.join("cache").display().to_string()),
    );
    if std::fs::read_to_string(&conf).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&conf, text)?;
    }
    Ok(conf)
}

/// Points fontconfig at [`prepare`]'s file. Must run before Slint and before any other thread
/// starts; a failure is logged and the kiosk goes on (most machines do have fonts).
pub fn guard(dir: &Path) {
    if std::env::var_os("FONTCONFIG_FILE").is_some_and(|f| Path::new(&f).starts_with(dir)) {
        return;
    }
    match prepare(dir) {
        Ok(conf) => {
            // SAFETY: called from `main` before any thread is spawned, so nothing reads the
            // environment concurrently.
            unsafe { std::env::set_var("FONTCONFIG_FILE", conf) };
        }
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "cannot prepare the font fallback")
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
        let conf = prepare(dir.path()).expect("prepares");
        let text = std::fs::read_to_string(&conf).expect("conf");
        assert!(text.contains("<include ignore_missing=\"yes\">"));
        assert!(text.contains(&dir.path().display().to_string()));
        let font = dir.path().join(FONT_FILE);
        assert_eq!(
            std::fs::read(&font).expect("font").len(),
            EMBEDDED_FONT.len()
        );
        let modified = std::fs::metadata(&font)
            .and_then(|m| m.modified())
            .expect("mtime");
        prepare(dir.path()).expect("again");
        assert_eq!(
            std::fs::metadata(&font)
                .and_then(|m| m.modified())
                .expect("mtime"),
            modified,
            "not rewritten"
        );
    }
}
