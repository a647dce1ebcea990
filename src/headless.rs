//! Rendering screens to PNG without any display server: Slint's software renderer draws into a
//! pixel buffer through a minimal platform of our own. Used by `kiosk snapshot`, by tests, by the
//! docs' screenshots and for remote preview.

use std::path::Path;
use std::rc::Rc;

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{PhysicalSize, PlatformError, Rgb8Pixel};

/// A platform whose only window is an off-screen software-rendered one.
struct Headless {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, PlatformError> {
        Ok(self.window.clone())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HeadlessError {
    #[error("cannot set up headless rendering: {0}")]
    Platform(#[from] PlatformError),
    #[error("cannot set up headless rendering: {0}")]
    SetPlatform(#[from] slint::platform::SetPlatformError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: image::ImageError,
    },
    #[error("size {0}×{1} is not drawable")]
    Size(u32, u32),
}

/// The off-screen window all components of this process draw into. Call once, before creating
/// any component.
pub fn install(width: u32, height: u32) -> Result<Rc<MinimalSoftwareWindow>, HeadlessError> {
    if width == 0 || height == 0 || width > 8192 || height > 8192 {
        return Err(HeadlessError::Size(width, height));
    }
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    window.set_size(PhysicalSize::new(width, height));
    slint::platform::set_platform(Box::new(Headless {
        window: window.clone(),
    }))?;
    Ok(window)
}

/// Draws the window's current scene into an RGB image.
pub fn render(window: &MinimalSoftwareWindow) -> image::RgbImage {
    let size = window.size();
    let (width, height) = (size.width, size.height);
    let mut pixels = vec![Rgb8Pixel::new(0, 0, 0); width as usize * height as usize];
    // Two passes: the first lays out and instantiates lazily created list rows, the second
    // draws them all.
    for _ in 0..2 {
        slint::platform::update_timers_and_animations();
        window.request_redraw();
        window.draw_if_needed(|renderer| {
            renderer.render(&mut pixels, width as usize);
        });
    }
    let raw: Vec<u8> = pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    image::RgbImage::from_raw(width, height, raw)
        .unwrap_or_else(|| image::RgbImage::new(width, height))
}

/// Renders and writes a PNG.
pub fn write_png(window: &MinimalSoftwareWindow, out: &Path) -> Result<(), HeadlessError> {
    render(window)
        .save_with_format(out, image::ImageFormat::Png)
        .map_err(|source| HeadlessError::Write {
            path: out.display().to_string(),
            source,
        })
}
