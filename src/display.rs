//! Which display system the kiosk draws on: a window of an X11 or Wayland session (Slint's winit
//! backend), or, in a build with the `kms` feature, the screen itself through DRM/KMS and the
//! touch screen through libinput (Slint's linuxkms backend), for terminals with no X or Wayland.
//!
//! Chosen once at start-up from the environment and the config (docs/OPERATIONS.md):
//! - `SLINT_BACKEND=linuxkms…` (e.g. `linuxkms-software`) asks for KMS;
//! - otherwise a session (`DISPLAY` or `WAYLAND_DISPLAY`) means a window in it;
//! - otherwise a KMS build draws on the screen directly, and any other build refuses to start
//!   with an error that says what to do.

use thiserror::Error;

use crate::config::Renderer;

/// Whether this binary can draw through DRM/KMS (built with `--features kms`).
pub const KMS_BUILT: bool = cfg!(feature = "kms");

/// Where the pixels go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayPath {
    /// A window of an X11 or Wayland session (Weston's or cage's kiosk shell, Xorg).
    Session,
    /// The screen itself, through DRM/KMS, with no display server.
    Kms,
}

/// The backend and renderer to ask Slint for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub path: DisplayPath,
    /// Slint's backend name: `winit` or `linuxkms`.
    pub backend: &'static str,
    /// Slint's renderer name, when the kiosk forces one; `None` leaves it to `SLINT_BACKEND`'s
    /// renderer part, else to Slint.
    pub renderer: Option<&'static str>,
}

/// What the choice depends on, read from the process environment by [`Environment::current`].
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `SLINT_BACKEND`, lower-cased.
    pub slint_backend: Option<String>,
    /// `DISPLAY` or `WAYLAND_DISPLAY` is set and not empty.
    pub has_session: bool,
    /// The binary has the linuxkms backend ([`KMS_BUILT`]).
    pub kms_built: bool,
}

impl Environment {
    pub fn current() -> Environment {
        let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
        Environment {
            slint_backend: std::env::var("SLINT_BACKEND")
                .ok()
                .filter(|s| !s.is_empty())
                .map(|s| s.to_lowercase()),
            has_session: set("DISPLAY") || set("WAYLAND_DISPLAY"),
            kms_built: KMS_BUILT,
        }
    }

    /// `SLINT_BACKEND` names the linuxkms backend, with or without a renderer.
    fn asks_for_kms(&self) -> bool {
        self.slint_backend
            .as_deref()
            .is_some_and(|b| b == "linuxkms" || b.starts_with("linuxkms-"))
    }

    /// `SLINT_BACKEND` names a renderer (`linuxkms-software`, `winit-femtovg`, `software`…).
    fn names_renderer(&self) -> bool {
        self.slint_backend
            .as_deref()
            .is_some_and(|b| b.contains('-') || !matches!(b, "linuxkms" | "winit" | "gl"))
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DisplayError {
    #[error(
        "SLINT_BACKEND={0} asks for drawing on the screen through DRM/KMS, but this kiosk was \
         built without it: build it with `cargo build --release --features kms` \
         (docs/OPERATIONS.md), or unset SLINT_BACKEND to run in an X11 or Wayland session"
    )]
    KmsNotBuilt(String),
    #[error(
        "no display: neither DISPLAY nor WAYLAND_DISPLAY is set. The kiosk needs a graphical \
         session, or a build with `--features kms` to draw on the screen without one \
         (docs/OPERATIONS.md); to render screens without any, run \
         `kiosk snapshot --screen home --out home.png`"
    )]
    NoDisplay,
}

/// Chooses the display path and what to ask Slint for. `renderer` is the config's
/// `[window] renderer`: on KMS `auto` means the software renderer (no GPU driver needed: the
/// point of the KMS path); `SLINT_BACKEND`'s renderer part, when it names one, wins over `auto`.
pub fn choose(env: &Environment, renderer: Renderer) -> Result<Selection, DisplayError> {
    let kms = if env.asks_for_kms() {
        if !env.kms_built {
            return Err(DisplayError::KmsNotBuilt(
                env.slint_backend.clone().unwrap_or_default(),
            ));
        }
        true
    } else if env.has_session {
        false
    } else if env.kms_built {
        true
    } else {
        return Err(DisplayError::NoDisplay);
    };
    let forced = renderer.slint_name();
    Ok(if kms {
        Selection {
            path: DisplayPath::Kms,
            backend: "linuxkms",
            renderer: match forced {
                Some(r) => Some(r),
                None if env.asks_for_kms() && env.names_renderer() => None,
                None => Some("software"),
            },
        }
    } else {
        Selection {
            path: DisplayPath::Session,
            backend: "winit",
            renderer: forced,
        }
    })
}

/// The compose table the kiosk gives the X11 and keyboard libraries: no sequences at all.
pub const COMPOSE_FILE: &str = "Compose";

/// Points `XCOMPOSEFILE` at an empty compose table in `data_dir` (written if missing), unless
/// the environment already names one.
///
/// At every start libX11 (winit's input method) and xkbcommon (winit's keyboard) each parse
/// the locale's whole compose table (`/usr/share/X11/locale/en_US.UTF-8/Compose`, ~6,000
/// dead-key sequences, read a character at a time): ~10 ms of CPU before the first frame on
/// a 2-core terminal (measured in docs/PERFORMANCE.md). Visitors type on the kiosk's own
/// keyboard, which composes nothing, so the kiosk needs none of it. The file holds a comment
/// line: xkbcommon refuses an empty one. Must run before any other thread starts; a failure
/// is logged and the locale's table is used.
pub fn skip_compose_tables(data_dir: &std::path::Path) {
    if std::env::var_os("XCOMPOSEFILE").is_some() {
        return;
    }
    match empty_compose_table(data_dir) {
        // SAFETY: called from `main` before any thread is spawned, so nothing reads the
        // environment concurrently.
        Ok(file) => unsafe { std::env::set_var("XCOMPOSEFILE", file) },
        Err(e) => tracing::warn!(error = %e, "cannot write the empty compose table"),
    }
}

/// Writes [`COMPOSE_FILE`] in `data_dir` if it is not there as it should be; its absolute path.
pub fn empty_compose_table(data_dir: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    let file = std::path::absolute(data_dir.join(COMPOSE_FILE))?;
    let text =
        "# No compose sequences: visitors type on the kiosk's own keyboard (src/display.rs).\n";
    if std::fs::read_to_string(&file).ok().as_deref() != Some(text) {
        std::fs::create_dir_all(data_dir)?;
        std::fs::write(&file, text)?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_compose_table_is_a_comment_written_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = super::empty_compose_table(&dir.path().join("data")).expect("writes");
        assert!(file.is_absolute());
        let text = std::fs::read_to_string(&file).expect("reads");
        assert!(!text.is_empty(), "xkbcommon refuses an empty file");
        assert!(
            text.lines().all(|l| l.starts_with('#')),
            "no sequences: {text}"
        );
        let modified = std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .expect("mtime");
        super::empty_compose_table(&dir.path().join("data")).expect("again");
        assert_eq!(
            std::fs::metadata(&file)
                .and_then(|m| m.modified())
                .expect("mtime"),
            modified
        );
    }

    use super::*;

    fn env(slint_backend: Option<&str>, has_session: bool, kms_built: bool) -> Environment {
        Environment {
            slint_backend: slint_backend.map(str::to_owned),
            has_session,
            kms_built,
        }
    }

    #[test]
    fn a_session_gets_a_window_whatever_the_build() {
        for kms_built in [false, true] {
            let s = choose(&env(None, true, kms_built), Renderer::Auto).unwrap();
            assert_eq!(
                (s.path, s.backend, s.renderer),
                (DisplayPath::Session, "winit", None)
            );
            let s = choose(&env(None, true, kms_built), Renderer::Software).unwrap();
            assert_eq!(s.renderer, Some("software"));
        }
    }

    #[test]
    fn without_a_session_a_kms_build_draws_on_the_screen_with_the_software_renderer() {
        let s = choose(&env(None, false, true), Renderer::Auto).unwrap();
        assert_eq!(
            (s.path, s.backend, s.renderer),
            (DisplayPath::Kms, "linuxkms", Some("software"))
        );
        let s = choose(&env(None, false, true), Renderer::Gpu).unwrap();
        assert_eq!(s.renderer, Some("femtovg"));
    }

    #[test]
    fn without_a_session_any_other_build_says_what_to_do() {
        let e = choose(&env(None, false, false), Renderer::Auto).unwrap_err();
        assert_eq!(e, DisplayError::NoDisplay);
        assert!(e.to_string().contains("--features kms"), "{e}");
    }

    #[test]
    fn slint_backend_linuxkms_wins_over_a_session_and_its_renderer_over_auto() {
        let s = choose(&env(Some("linuxkms-software"), true, true), Renderer::Auto).unwrap();
        assert_eq!((s.path, s.renderer), (DisplayPath::Kms, None));
        let s = choose(&env(Some("linuxkms"), true, true), Renderer::Auto).unwrap();
        assert_eq!((s.path, s.renderer), (DisplayPath::Kms, Some("software")));
        let s = choose(
            &env(Some("linuxkms-femtovg"), false, true),
            Renderer::Software,
        )
        .unwrap();
        assert_eq!(s.renderer, Some("software"));
    }

    #[test]
    fn slint_backend_linuxkms_in_a_build_without_it_is_refused_not_ignored() {
        let e = choose(&env(Some("linuxkms-software"), true, false), Renderer::Auto).unwrap_err();
        assert_eq!(e, DisplayError::KmsNotBuilt("linuxkms-software".into()));
        assert!(e.to_string().contains("--features kms"), "{e}");
    }

    #[test]
    fn other_slint_backend_values_keep_the_session_path() {
        let s = choose(&env(Some("winit-software"), true, true), Renderer::Auto).unwrap();
        assert_eq!(
            (s.path, s.backend, s.renderer),
            (DisplayPath::Session, "winit", None)
        );
    }
}
