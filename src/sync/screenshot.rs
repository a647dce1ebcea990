//! The kiosk half of the live screenshot (PROTOCOL.md, `PUT /v1/kiosk/screenshot`): when a
//! heartbeat answer says `screenshot_wanted`, the sync thread asks the UI for the pixels of the
//! screen it shows (through the [`Notifier`]; the UI thread renders one frame into a buffer and
//! does nothing else), encodes them as PNG here, off the UI thread, scales them down until they
//! fit `wire::MAX_SCREENSHOT_BYTES`, and uploads them in the same cycle.

use std::time::Duration;

use image::{ImageEncoder, RgbImage};
use protocol::wire::MAX_SCREENSHOT_BYTES;
use tokio::sync::oneshot;

use super::Notifier;
use super::cycle::Syncer;

/// How long the UI has to hand over its pixels; a UI that does not answer in time (busy, or
/// none at all) means no upload this time, and the server asks again.
const CAPTURE_TIMEOUT: Duration = Duration::from_secs(10);
/// The smallest side the server accepts.
const MIN_SIDE: u32 = 16;

/// The pixels of the screen as shown: RGBA, 4 bytes a pixel, rows top to bottom.
#[derive(Clone)]
pub struct ScreenPixels {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for ScreenPixels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScreenPixels({}×{})", self.width, self.height)
    }
}

/// Where the UI sends the pixels it rendered for a screenshot.
pub type ScreenReply = oneshot::Sender<ScreenPixels>;

#[derive(Debug, thiserror::Error)]
pub enum ScreenshotError {
    #[error("the screen's pixels do not match its size {0}×{1}")]
    Size(u32, u32),
    #[error("cannot encode the screenshot as PNG: {0}")]
    Encode(#[from] image::ImageError),
    #[error("the screenshot does not fit {MAX_SCREENSHOT_BYTES} bytes even at {0}×{1}")]
    TooLarge(u32, u32),
}

/// The pixels as a PNG of at most `max_bytes`: full size if it fits, otherwise halved (and
/// halved again) until it does. Returns the PNG and its size.
pub fn encode_png(
    pixels: &ScreenPixels,
    max_bytes: usize,
) -> Result<(Vec<u8>, u32, u32), ScreenshotError> {
    let (width, height) = (pixels.width, pixels.height);
    if pixels.rgba.len() != width as usize * height as usize * 4 {
        return Err(ScreenshotError::Size(width, height));
    }
    // The screen is opaque: RGB makes a smaller file.
    let rgb: Vec<u8> = pixels
        .rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut image =
        RgbImage::from_raw(width, height, rgb).ok_or(ScreenshotError::Size(width, height))?;
    loop {
        let png = png_of(&image)?;
        if png.len() <= max_bytes {
            return Ok((png, image.width(), image.height()));
        }
        let (w, h) = (image.width() / 2, image.height() / 2);
        if w < MIN_SIDE || h < MIN_SIDE {
            return Err(ScreenshotError::TooLarge(image.width(), image.height()));
        }
        tracing::debug!(bytes = png.len(), w, h, "screenshot too large; halving it");
        image = image::imageops::resize(&image, w, h, image::imageops::FilterType::Triangle);
    }
}

fn png_of(image: &RgbImage) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out).write_image(
        image.as_raw(),
        image.width(),
        image.height(),
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

/// Answers one `screenshot_wanted`: asks the UI for its pixels, encodes them on a blocking
/// thread and uploads them. Every failure is logged and ends the attempt; the server keeps
/// the request open and asks again with a later heartbeat.
pub(super) async fn answer(syncer: &Syncer, notifier: &impl Notifier) {
    let (reply, pixels) = oneshot::channel();
    notifier.capture_screen(reply);
    let pixels = match tokio::time::timeout(CAPTURE_TIMEOUT, pixels).await {
        Ok(Ok(pixels)) => pixels,
        Ok(Err(_)) => {
            tracing::info!("screenshot wanted, but there is no screen to capture");
            return;
        }
        Err(_) => {
            tracing::warn!("screenshot wanted, but the UI did not hand over its pixels in time");
            return;
        }
    };
    let encoded =
        tokio::task::spawn_blocking(move || encode_png(&pixels, MAX_SCREENSHOT_BYTES)).await;
    let (png, width, height) = match encoded {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "screenshot not sent");
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, "screenshot encoding stopped");
            return;
        }
    };
    match syncer.upload_screenshot(png).await {
        Ok(()) => tracing::info!(width, height, "screenshot sent"),
        Err(e) => tracing::warn!(error = %e, "screenshot not accepted"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(width: u32, height: u32) -> ScreenPixels {
        let mut rng = fastrand::Rng::with_seed(7);
        ScreenPixels {
            width,
            height,
            rgba: (0..width * height * 4).map(|_| rng.u8(..)).collect(),
        }
    }

    #[test]
    fn a_screen_that_fits_is_sent_at_full_size() {
        let flat = ScreenPixels {
            width: 108,
            height: 192,
            rgba: [200, 16, 46, 255].repeat(108 * 192),
        };
        let (png, w, h) = encode_png(&flat, MAX_SCREENSHOT_BYTES).expect("encodes");
        assert_eq!((w, h), (108, 192));
        let back = image::load_from_memory(&png).expect("a PNG").to_rgb8();
        assert_eq!(back.dimensions(), (108, 192));
        assert_eq!(back.get_pixel(50, 50).0, [200, 16, 46]);
    }

    #[test]
    fn a_screen_too_large_is_halved_until_it_fits() {
        // Noise does not compress: 200×200 RGB is ~120 KB.
        let pixels = noise(200, 200);
        let (png, w, h) = encode_png(&pixels, 40_000).expect("encodes");
        assert!(png.len() <= 40_000, "{} bytes", png.len());
        assert_eq!((w, h), (100, 100));
        assert!(matches!(
            encode_png(&pixels, 100),
            Err(ScreenshotError::TooLarge(_, _))
        ));
        assert!(matches!(
            encode_png(
                &ScreenPixels {
                    width: 10,
                    height: 10,
                    rgba: vec![0; 3],
                },
                1000
            ),
            Err(ScreenshotError::Size(10, 10))
        ));
    }
}
