//! The server's TOML configuration file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Tombstones are kept at least this long: a kiosk offline for less never needs a full resync.
pub const MIN_TOMBSTONE_DAYS: u32 = 90;

/// `district-server.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on; loopback unless a reverse proxy or the LAN should reach it directly.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Folder holding the database and the blob store; relative paths are relative to the
    /// config file's folder.
    pub data_dir: PathBuf,
    /// Days a deletion stays in the change feed before it may be purged (at least 90).
    #[serde(default = "default_tombstone_days")]
    pub tombstone_days: u32,
    /// Days a fulfilled wish stays on the kiosks' wish wall before it leaves the feed.
    #[serde(default = "default_fulfilled_wish_days")]
    pub fulfilled_wish_days: u32,
    /// Log filter (`tracing` env-filter syntax) when `RUST_LOG` is not set.
    #[serde(default = "default_log")]
    pub log: String,
    /// Connections open at once, at most; one more is closed at once (and logged).
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers; also how long an idle keep-alive
    /// connection is kept.
    #[serde(default = "default_header_timeout_secs")]
    pub header_timeout_secs: u64,
    /// Outbox items one kiosk may hand in within any hour (a sliding window); past it the
    /// kiosk is answered `429` and keeps the rest for later. Bounds what a stolen kiosk token
    /// can make the server store.
    #[serde(default = "default_max_submissions_per_kiosk_hour")]
    pub max_submissions_per_kiosk_hour: u32,
    /// The staff web console (`/console/`).
    #[serde(default)]
    pub console: ConsoleConfig,
}

fn default_max_connections() -> usize {
    1024
}

fn default_header_timeout_secs() -> u64 {
    30
}

/// A busy lobby sees a few dozen wishes and sign-ups an hour at one kiosk; 200 leaves room for
/// the backlog of a network outage (a larger one goes over the following hours).
fn default_max_submissions_per_kiosk_hour() -> u32 {
    200
}

/// When the console's cookies carry the `Secure` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecureCookies {
    /// Secure when a trusted reverse proxy says the browser came over HTTPS
    /// (`X-Forwarded-Proto: https` and `trust_proxy = true`).
    #[default]
    Auto,
    /// Always Secure: the console is only ever reached over HTTPS.
    Always,
    /// Never Secure: plain HTTP on a trusted network or loopback (browsers drop Secure cookies
    /// over plain HTTP, so `always` would make logging in impossible there).
    Never,
}

/// `[console]` in `district-server.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsoleConfig {
    /// Whether the server sits behind a reverse proxy whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` headers it may believe (login rate limits per address, Secure cookies).
    pub trust_proxy: bool,
    pub secure_cookies: SecureCookies,
    /// A login lasts this long, at most.
    pub session_hours: u32,
    /// A login unused for this long ends.
    pub idle_minutes: u32,
    /// Content drafts are published only after a second person approved them.
    pub require_approval: bool,
    /// The kiosk binary that renders previews (`kiosk snapshot`); absent: `kiosk` on the PATH.
    pub kiosk_binary: Option<std::path::PathBuf>,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig {
            trust_proxy: false,
            secure_cookies: SecureCookies::Auto,
            session_hours: 12,
            idle_minutes: 120,
            require_approval: false,
            kiosk_binary: None,
        }
    }
}

fn default_fulfilled_wish_days() -> u32 {
    30
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_tombstone_days() -> u32 {
    MIN_TOMBSTONE_DAYS
}

fn default_log() -> String {
    "info".into()
}

/// A config file written by `district-server init` when none exists.
pub const DEFAULT_CONFIG: &str = r#"# district-server configuration
# Address to listen on. Keep loopback and put a TLS reverse proxy in front for kiosks on the LAN.
listen = "127.0.0.1:8080"
# Database and blob store; relative to this file's folder.
data_dir = "data"
# Days deletions stay in the change feed (at least 90).
tombstone_days = 90
# Days a fulfilled wish stays on the kiosks' wish wall.
fulfilled_wish_days = 30
# Log filter when RUST_LOG is not set.
log = "info"
# Connections open at once; one more is closed at once.
max_connections = 1024
# Seconds a client has to send a request's headers; also how long an idle connection is kept.
header_timeout_secs = 30
# Wishes, sign-ups and claims one kiosk may hand in within any hour; past it the kiosk is told
# to come back later (429) and keeps them in its outbox.
max_submissions_per_kiosk_hour = 200

# The staff web console at /console/ (see docs/CONSOLE.md).
[console]
# Set to true only when a reverse proxy (nginx, Caddy) in front of this server sets
# X-Forwarded-For and X-Forwarded-Proto: login limits then count the browser's address, and
# cookies are marked Secure when the browser came over HTTPS.
trust_proxy = false
# auto (Secure when the trusted proxy says https), always, or never.
secure_cookies = "auto"
session_hours = 12
idle_minutes = 120
# true: a content draft is published only by someone other than who submitted it.
require_approval = false
# The kiosk binary that renders previews of drafts (kiosk snapshot); default: kiosk on the PATH.
# kiosk_binary = "/usr/bin/kiosk"
"#;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|cause| ConfigError::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, base).map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses config text; relative `data_dir` is resolved against `base`.
    pub fn parse(text: &str, base: &Path) -> Result<Config, String> {
        let mut config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if config.tombstone_days < MIN_TOMBSTONE_DAYS {
            return Err(format!(
                "tombstone_days = {} is too short: kiosks offline longer would miss deletions; use at least {MIN_TOMBSTONE_DAYS}",
                config.tombstone_days
            ));
        }
        if config.max_connections == 0 || config.header_timeout_secs == 0 {
            return Err("max_connections and header_timeout_secs must be at least 1".into());
        }
        if config.max_submissions_per_kiosk_hour == 0 {
            return Err(
                "max_submissions_per_kiosk_hour = 0 would refuse every wish and sign-up; use at least 1"
                    .into(),
            );
        }
        if config.data_dir.as_os_str().is_empty() {
            return Err("data_dir must not be empty".into());
        }
        if config.data_dir.is_relative() {
            config.data_dir = base.join(&config.data_dir);
        }
        Ok(config)
    }

    /// A config for a data folder, with defaults for everything else (tests, tools).
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            listen: default_listen(),
            data_dir: data_dir.into(),
            tombstone_days: MIN_TOMBSTONE_DAYS,
            fulfilled_wish_days: default_fulfilled_wish_days(),
            log: default_log(),
            max_connections: default_max_connections(),
            header_timeout_secs: default_header_timeout_secs(),
            max_submissions_per_kiosk_hour: default_max_submissions_per_kiosk_hour(),
            console: ConsoleConfig::default(),
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("district.db")
    }

    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_relative_data_dir() {
        let c = Config::parse("data_dir = \"data\"", Path::new("/etc/ds")).expect("parses");
        assert_eq!(c.listen, default_listen());
        assert_eq!(c.data_dir, PathBuf::from("/etc/ds/data"));
        assert_eq!(c.tombstone_days, 90);
        assert_eq!(c.max_submissions_per_kiosk_hour, 200);
        let d = Config::parse(DEFAULT_CONFIG, Path::new("/x")).expect("default parses");
        assert_eq!(d.data_dir, PathBuf::from("/x/data"));
    }

    #[test]
    fn rejects_unknown_keys_and_short_retention() {
        let e = Config::parse("data_dir = \"d\"\nlisten_on = \"x\"", Path::new("."))
            .expect_err("unknown key");
        assert!(e.contains("listen_on"), "{e}");
        let e = Config::parse("data_dir = \"d\"\ntombstone_days = 7", Path::new("."))
            .expect_err("short");
        assert!(e.contains("at least 90"), "{e}");
        assert!(Config::parse("listen = \"127.0.0.1:1\"", Path::new(".")).is_err());
        let e = Config::parse(
            "data_dir = \"d\"\nmax_submissions_per_kiosk_hour = 0",
            Path::new("."),
        )
        .expect_err("no cap of 0");
        assert!(e.contains("at least 1"), "{e}");
        let c = Config::parse(
            "data_dir = \"d\"\nmax_submissions_per_kiosk_hour = 5",
            Path::new("."),
        )
        .expect("parses");
        assert_eq!(c.max_submissions_per_kiosk_hour, 5);
    }
}
