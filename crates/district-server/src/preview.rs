//! Previews of content not yet published: the kiosk binary installed on the server renders
//! it, in a subprocess with a time limit (the server never links the kiosk's UI). The content
//! is written as a bundle folder in a temporary directory, imported into a throwaway kiosk
//! cache (`kiosk import`), and one screen is drawn with `kiosk snapshot`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use protocol::content::Content;

use crate::blobs::BlobStore;
use crate::push;

/// How long one `kiosk` run may take before it is stopped.
pub const TIMEOUT: Duration = Duration::from_secs(60);
/// The preview's size: a portrait lobby screen at half its pixels.
pub const SIZE: &str = "540x960";

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("cannot prepare the preview: {0}")]
    Io(#[from] std::io::Error),
    #[error("image {0} is missing from the server's store")]
    MissingImage(String),
    #[error("`kiosk {step}` failed: {stderr}")]
    Kiosk { step: &'static str, stderr: String },
    #[error("`kiosk {step}` took longer than {secs} s and was stopped")]
    TimedOut { step: &'static str, secs: u64 },
}

/// The kiosk binary: the configured one, else `kiosk` on the PATH; `None` when neither is there.
pub fn kiosk_binary(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = configured {
        return p.is_file().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("kiosk"))
        .find(|p| p.is_file())
}

/// Whether `screen` is one a preview may ask for (`home` or `article:ID`), so nothing else
/// reaches the subprocess's arguments.
pub fn is_previewable(screen: &str) -> bool {
    screen == "home"
        || screen.strip_prefix("article:").is_some_and(|id| {
            !id.is_empty()
                && id.len() <= protocol::bundle::MAX_ID_LEN
                && id
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'))
        })
}

/// Runs `kiosk ARGS`, stopping it after [`TIMEOUT`]. Waiting is a poll of `try_wait`: the
/// standard library has no wait with a time limit, and this is one call a preview.
fn run(kiosk: &Path, step: &'static str, args: &[&std::ffi::OsStr]) -> Result<(), PreviewError> {
    let mut child = Command::new(kiosk)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            if status.success() {
                return Ok(());
            }
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut stderr);
            }
            return Err(PreviewError::Kiosk {
                step,
                stderr: stderr.trim().chars().take(2000).collect(),
            });
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(PreviewError::TimedOut {
                step,
                secs: TIMEOUT.as_secs(),
            });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Renders `screen` of `content` in `lang` (`zh` or `en`) to PNG bytes (blocking).
pub fn render(
    kiosk: &Path,
    content: &Content,
    blobs: &BlobStore,
    screen: &str,
    lang: &str,
) -> Result<Vec<u8>, PreviewError> {
    let dir = tempfile::tempdir()?;
    let bundle = dir.path().join("bundle");
    std::fs::create_dir_all(bundle.join("images"))?;
    for sha in push::referenced_blobs(content) {
        let bytes = blobs
            .get(&sha)
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .ok_or_else(|| PreviewError::MissingImage(sha.clone()))?;
        std::fs::write(bundle.join("images").join(&sha), bytes)?;
    }
    let manifest = push::manifest_of(content, |sha| format!("images/{sha}"));
    let json = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
    std::fs::write(bundle.join(protocol::bundle::MANIFEST), json)?;
    // An empty config of its own: the machine's kiosk.toml (a server, a token) stays out of it.
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "")?;
    let data = dir.path().join("data");
    let out = dir.path().join("preview.png");
    let common = [
        "--config".as_ref(),
        config.as_os_str(),
        "--data-dir".as_ref(),
        data.as_os_str(),
    ];
    let mut import = common.to_vec();
    import.extend(["import".as_ref(), bundle.as_os_str()]);
    run(kiosk, "import", &import)?;
    let mut snapshot = common.to_vec();
    snapshot.extend([
        "snapshot".as_ref(),
        "--screen".as_ref(),
        screen.as_ref(),
        "--lang".as_ref(),
        lang.as_ref(),
        "--size".as_ref(),
        SIZE.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    run(kiosk, "snapshot", &snapshot)?;
    Ok(std::fs::read(&out)?)
}
