//! The kiosk's configuration file (TOML). Everything has a default, so a kiosk runs with no file.
//!
//! ```toml
//! data_dir = "/var/lib/lobby-kiosk"   # cache and outbox
//! language = "zh"                     # default language: zh or en
//! server = "https://district.example" # district server (sync)
//! token = "…"                         # this kiosk's token from `district-server kiosk add`
//!
//! [window]
//! mode = "fullscreen"                 # or "windowed"
//! renderer = "auto"                   # or "software" (no GPU) or "gpu"; on KMS auto is software
//! width = 1080                        # windowed size
//! height = 1920
//!
//! maintenance_pin_hash = "$argon2id$…" # from `kiosk pin-hash`; without it the maintenance screen stays shut
//!
//! [idle]                              # all optional
//! reset_seconds = 90                  # no touch this long: home, default language, typed text wiped
//! warning_seconds = 20                # when a form holds text: "Still there?" this long before the reset
//! attract_after_seconds = 300         # no touch this long: the attract slideshow (0: never)
//! slide_seconds = 8                   # how long each slide of the slideshow stays
//!
//! [sync]                              # all optional; the defaults suit a kiosk on a LAN
//! poll_seconds = 60                   # mean time between syncs (each wait is ± 50 %)
//! max_backoff_seconds = 300           # longest wait after errors (exponential, full jitter); keeps heartbeats within 5 min
//! page_limit = 500                    # changes asked for per page
//! request_timeout_seconds = 30        # a request silent this long fails
//! min_free_disk_mb = 100              # no image is downloaded when less is free
//! image_grace_hours = 24              # unreferenced images are deleted after this
//! keep_answered_days = 7              # answered outbox items (with contacts) are deleted after this
//! ```

use std::path::{Path, PathBuf};

use protocol::text::Lang;
use serde::Deserialize;

use crate::pin::PinHash;

/// File name looked for in the standard locations.
pub const FILE_NAME: &str = "kiosk.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WindowMode {
    #[default]
    Fullscreen,
    Windowed,
}

/// Who draws the pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Renderer {
    /// Slint's choice (OpenGL through femtovg where it works); on the KMS path the software
    /// renderer (`display::choose`).
    #[default]
    Auto,
    /// OpenGL through femtovg: for machines with a real GPU driver.
    Gpu,
    /// Slint's software renderer: for machines without a GPU, where a software OpenGL driver
    /// would cost far more memory (see docs/ARCHITECTURE.md).
    Software,
}

impl Renderer {
    /// Slint's renderer name, when one is forced.
    pub fn slint_name(self) -> Option<&'static str> {
        match self {
            Renderer::Auto => None,
            Renderer::Gpu => Some("femtovg"),
            Renderer::Software => Some("software"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WindowConfig {
    pub mode: WindowMode,
    pub width: u32,
    pub height: u32,
    pub renderer: Renderer,
}

impl Default for WindowConfig {
    fn default() -> Self {
        WindowConfig {
            mode: WindowMode::Fullscreen,
            width: 1080,
            height: 1920,
            renderer: Renderer::Auto,
        }
    }
}

/// How the kiosk syncs with the district server (`[sync]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncConfig {
    /// Mean seconds between syncs; each wait is drawn uniformly from ± 50 % of it.
    pub poll_seconds: u64,
    /// Cap of the exponential backoff after errors, in seconds.
    pub max_backoff_seconds: u64,
    /// Changes asked for per page (the server clamps it to 1000).
    pub page_limit: u32,
    /// A request that receives nothing for this long fails (and is retried later).
    pub request_timeout_seconds: u64,
    /// Images are downloaded only while at least this much disk is free.
    pub min_free_disk_mb: u64,
    /// Images no record references are deleted after this many hours.
    pub image_grace_hours: u64,
    /// Visitors' items the server has answered are deleted after this many days (they hold
    /// names and contacts); unanswered ones are never deleted.
    pub keep_answered_days: u32,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            poll_seconds: 60,
            max_backoff_seconds: 300,
            page_limit: protocol::wire::DEFAULT_PAGE_LIMIT,
            request_timeout_seconds: 30,
            min_free_disk_mb: 100,
            image_grace_hours: 24,
            keep_answered_days: 7,
        }
    }
}

/// Memory the kiosk may keep for decoded pictures (`[cache]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    /// Megabytes of decoded pictures (thumbnails, article and station pictures) kept for
    /// revisits; the least recently shown go first. A 240 px thumbnail takes about 0.13 MB,
    /// a 1000 px article picture about 2.2 MB. What the screens show is kept anyway (the
    /// pages' models hold it); this is for screens a visitor comes back to after others.
    pub pictures_mb: u32,
}

impl CacheConfig {
    pub const MAX_PICTURES_MB: u32 = 1024;
    /// 8 MB: about 60 thumbnails (two sections' screenfuls) or three article pictures. In a
    /// visitors' walk through the scale data it spared 82 % of the decodes 24 MB spared
    /// (`kiosk_scale`, `BUDGET_SWEEP`; docs/PERFORMANCE.md) for a third of the memory, which
    /// the kiosk's 60 MB budget needs.
    pub const DEFAULT_PICTURES_MB: u32 = 8;

    /// The budget in bytes.
    pub fn picture_bytes(&self) -> usize {
        self.pictures_mb as usize * 1024 * 1024
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            pictures_mb: CacheConfig::DEFAULT_PICTURES_MB,
        }
    }
}

/// When an untouched kiosk warns, resets and starts its slideshow (`[idle]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdleConfig {
    /// Seconds without a touch before the kiosk returns home in its default language and
    /// forgets what was typed.
    pub reset_seconds: u64,
    /// Seconds the "Still there?" notice counts down before that reset, when a form holds
    /// typed text (WCAG 2.2.1 asks for at least 20).
    pub warning_seconds: u64,
    /// Seconds without a touch before the attract slideshow starts; 0 switches it off.
    pub attract_after_seconds: u64,
    /// Seconds each slide of the slideshow stays.
    pub slide_seconds: u64,
}

impl Default for IdleConfig {
    fn default() -> Self {
        IdleConfig {
            reset_seconds: 90,
            warning_seconds: 20,
            attract_after_seconds: 300,
            slide_seconds: 8,
        }
    }
}

impl IdleConfig {
    fn check(&self) -> Result<(), String> {
        if self.warning_seconds < 20 {
            return Err(
                "[idle] warning_seconds must be at least 20: people who read or move slowly need \
                 that long to answer \"Still there?\" (WCAG 2.2.1)"
                    .into(),
            );
        }
        if self.reset_seconds < self.warning_seconds + 10 || self.reset_seconds > 3600 {
            return Err(format!(
                "[idle] reset_seconds must be between warning_seconds + 10 ({}) and 3600",
                self.warning_seconds + 10
            ));
        }
        if self.attract_after_seconds != 0 && self.attract_after_seconds <= self.reset_seconds {
            return Err(
                "[idle] attract_after_seconds must be more than reset_seconds (or 0: no slideshow)"
                    .into(),
            );
        }
        if !(3..=600).contains(&self.slide_seconds) {
            return Err("[idle] slide_seconds must be between 3 and 600".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub data_dir: Option<PathBuf>,
    pub language: Lang,
    pub window: WindowConfig,
    pub server: Option<String>,
    pub token: Option<String>,
    /// The argon2 hash of the maintenance PIN (`kiosk pin-hash`); `None`: the maintenance
    /// screen cannot be opened.
    pub maintenance_pin_hash: Option<PinHash>,
    pub idle: IdleConfig,
    pub sync: SyncConfig,
    pub cache: CacheConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    Parse { path: String, message: String },
}

impl Config {
    /// Reads `path` if given (it must exist), else the first file found in the standard
    /// locations, else the defaults. Returns the config and the file it came from.
    pub fn load(path: Option<&Path>) -> Result<(Config, Option<PathBuf>), ConfigError> {
        let found = match path {
            Some(p) => Some(p.to_path_buf()),
            None => standard_locations().into_iter().find(|p| p.is_file()),
        };
        let Some(file) = found else {
            return Ok((Config::default(), None));
        };
        let text = std::fs::read_to_string(&file).map_err(|source| ConfigError::Read {
            path: file.display().to_string(),
            source,
        })?;
        let config = Config::parse(&text).map_err(|message| ConfigError::Parse {
            path: file.display().to_string(),
            message,
        })?;
        Ok((config, Some(file)))
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if config.window.width < 320 || config.window.height < 320 {
            return Err("window width and height must be at least 320".into());
        }
        let sync = &config.sync;
        if sync.poll_seconds == 0 || sync.max_backoff_seconds == 0 {
            return Err("[sync] poll_seconds and max_backoff_seconds must be at least 1".into());
        }
        if !(1..=protocol::wire::MAX_PAGE_LIMIT).contains(&sync.page_limit) {
            return Err(format!(
                "[sync] page_limit must be between 1 and {}",
                protocol::wire::MAX_PAGE_LIMIT
            ));
        }
        config.idle.check()?;
        if config.cache.pictures_mb > CacheConfig::MAX_PICTURES_MB {
            return Err(format!(
                "[cache] pictures_mb must be at most {}",
                CacheConfig::MAX_PICTURES_MB
            ));
        }
        if sync.request_timeout_seconds == 0 {
            return Err("[sync] request_timeout_seconds must be at least 1".into());
        }
        if let Some(server) = &config.server
            && !(server.starts_with("http://") || server.starts_with("https://"))
        {
            return Err(format!(
                "server = \"{server}\" must start with http:// or https://"
            ));
        }
        Ok(config)
    }

    /// Where the cache lives: the configured folder, else the user's data folder.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }
}

/// `$XDG_CONFIG_HOME/lobby-kiosk/kiosk.toml`, then `/etc/lobby-kiosk/kiosk.toml`.
pub fn standard_locations() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(dirs) = directories::ProjectDirs::from("", "", "lobby-kiosk") {
        out.push(dirs.config_dir().join(FILE_NAME));
    }
    out.push(PathBuf::from("/etc/lobby-kiosk").join(FILE_NAME));
    out
}

/// `$XDG_DATA_HOME/lobby-kiosk`, or `./lobby-kiosk-data` where there is no home.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "lobby-kiosk")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("lobby-kiosk-data"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_all_defaults() {
        let c = Config::parse("").expect("parses");
        assert_eq!(c, Config::default());
        assert_eq!(c.window.mode, WindowMode::Fullscreen);
    }

    #[test]
    fn full_file_parses() {
        let c = Config::parse(
            r#"
            data_dir = "/tmp/k"
            language = "en"
            server = "http://127.0.0.1:8080"
            token = "abc"
            [window]
            mode = "windowed"
            width = 1920
            height = 1080
            renderer = "software"
            "#,
        )
        .expect("parses");
        assert_eq!(c.language, Lang::En);
        assert_eq!(c.window.mode, WindowMode::Windowed);
        assert_eq!(c.window.renderer.slint_name(), Some("software"));
        assert_eq!(c.data_dir(), PathBuf::from("/tmp/k"));
    }

    #[test]
    fn mistakes_are_named() {
        let e = Config::parse("langauge = \"en\"").expect_err("unknown key");
        assert!(e.contains("langauge"), "{e}");
        let e = Config::parse("language = \"fr\"").expect_err("bad language");
        assert!(e.contains("fr"), "{e}");
        assert!(Config::parse("[window]\nwidth = 10").is_err());
    }

    #[test]
    fn sync_settings_have_defaults_and_limits() {
        let c = Config::parse("").expect("parses");
        assert_eq!(c.sync.poll_seconds, 60);
        assert_eq!(c.sync.page_limit, 500);
        let c = Config::parse("[sync]\npoll_seconds = 5\npage_limit = 3").expect("parses");
        assert_eq!((c.sync.poll_seconds, c.sync.page_limit), (5, 3));
        assert_eq!(
            c.sync.max_backoff_seconds, 300,
            "others keep their defaults"
        );
        assert!(Config::parse("[sync]\npage_limit = 0").is_err());
        assert!(Config::parse("[sync]\npage_limit = 5000").is_err());
        assert!(Config::parse("[sync]\npoll_seconds = 0").is_err());
        let e = Config::parse("[sync]\npoll = 5").expect_err("unknown key");
        assert!(e.contains("poll"), "{e}");
        let e = Config::parse("server = \"district.example\"").expect_err("no scheme");
        assert!(e.contains("http://"), "{e}");
    }

    #[test]
    fn the_picture_budget_has_a_default_and_a_limit() {
        let c = Config::parse("").expect("parses");
        assert_eq!(c.cache.picture_bytes(), 8 * 1024 * 1024);
        let c = Config::parse("[cache]\npictures_mb = 24").expect("parses");
        assert_eq!(c.cache.picture_bytes(), 24 * 1024 * 1024);
        let c = Config::parse("[cache]\npictures_mb = 0").expect("0: nothing kept");
        assert_eq!(c.cache.picture_bytes(), 0);
        let e = Config::parse("[cache]\npictures_mb = 5000").expect_err("too much");
        assert!(e.contains("pictures_mb"), "{e}");
        assert!(
            Config::parse("[cache]\npictures = 8").is_err(),
            "unknown key"
        );
    }

    #[test]
    fn idle_times_have_defaults_and_limits() {
        let c = Config::parse("").expect("parses");
        assert_eq!(c.idle, IdleConfig::default());
        assert_eq!(
            (c.idle.reset_seconds, c.idle.warning_seconds),
            (90, 20),
            "the times of the design"
        );
        let c = Config::parse("[idle]\nreset_seconds = 120\nattract_after_seconds = 0")
            .expect("parses");
        assert_eq!(c.idle.reset_seconds, 120);
        assert_eq!(
            c.idle.attract_after_seconds, 0,
            "0 switches the slideshow off"
        );
        let e = Config::parse("[idle]\nwarning_seconds = 5").expect_err("too short");
        assert!(e.contains("WCAG"), "{e}");
        assert!(Config::parse("[idle]\nreset_seconds = 25").is_err());
        let e = Config::parse("[idle]\nattract_after_seconds = 60").expect_err("before reset");
        assert!(e.contains("attract_after_seconds"), "{e}");
        assert!(Config::parse("[idle]\nslide_seconds = 1").is_err());
        assert!(Config::parse("[idle]\nreset = 90").is_err(), "unknown key");
    }

    #[test]
    fn the_maintenance_pin_is_a_checked_hash() {
        assert_eq!(
            Config::parse("").expect("parses").maintenance_pin_hash,
            None
        );
        let phc = crate::pin::hash("4321").expect("hashes");
        let c = Config::parse(&format!("maintenance_pin_hash = \"{phc}\"")).expect("parses");
        assert!(c.maintenance_pin_hash.expect("set").verify("4321"));
        let e = Config::parse("maintenance_pin_hash = \"4321\"").expect_err("a PIN, not a hash");
        assert!(e.contains("kiosk pin-hash"), "{e}");
    }

    #[test]
    fn explicit_missing_file_is_an_error() {
        let e = Config::load(Some(Path::new("/nonexistent/kiosk.toml"))).expect_err("missing");
        assert!(e.to_string().contains("/nonexistent/kiosk.toml"));
    }
}
