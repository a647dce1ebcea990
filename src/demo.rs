//! The demo content bundle embedded in the binary (`assets/demo`), so a kiosk with no network and
//! no configuration still shows real content.

use include_dir::{Dir, include_dir};
use protocol::bundle::{Bundle, BundleError};

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets/demo");

/// Loads and validates the embedded bundle (the same rules as any bundle).
pub fn bundle() -> Result<Bundle, BundleError> {
    let read = |path: &str| {
        DEMO.get_file(path)
            .map(|f| f.contents().to_vec())
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "not in the embedded demo bundle",
                )
            })
    };
    Bundle::load(&read)
}
