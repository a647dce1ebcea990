//! The UI thread's part of the live screenshot: render what is shown into a pixel buffer and
//! hand it to the sync thread, which encodes and uploads it (`sync::screenshot`). The UI does
//! one render and one copy of the pixels, nothing else: the screen is held up for no more than
//! a frame.
//!
//! `slint::Window::take_snapshot` renders the current scene again with the renderer drawing
//! the window: the software renderer (`renderer = "software"`, `kiosk snapshot`, the tests)
//! draws into a fresh buffer; femtovg reads the frame back from its OpenGL surface. Both are
//! Slint 1.18's own code paths, so the picture is exactly what the visitor sees, in the
//! language and with the overlays shown, with no second UI tree to keep in step.

use crate::sync::{ScreenPixels, ScreenReply};
use crate::ui;

/// Renders the window and sends its pixels through `reply`. A renderer that cannot take a
/// snapshot drops `reply`: nothing is uploaded and the server asks again later.
pub(super) fn capture(window: &ui::AppWindow, reply: ScreenReply) {
    use slint::ComponentHandle;
    match window.window().take_snapshot() {
        Ok(buffer) => {
            let pixels = ScreenPixels {
                width: buffer.width(),
                height: buffer.height(),
                rgba: buffer.as_bytes().to_vec(),
            };
            if reply.send(pixels).is_err() {
                tracing::debug!("the screenshot was no longer wanted");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot render the screen for a screenshot"),
    }
}
