//! Rendering screens to PNG without any display server: Slint's software renderer draws into a
//! pixel buffer through a minimal platform of our own. Used by `kiosk snapshot`, by tests, by the
//! docs' screenshots and for remote preview.

use std::path::Path;
use std::rc::Rc;

use slint::platform::software_renderer::{
    LineBufferProvider, MinimalSoftwareWindow, RepaintBufferType,
};
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
///
/// Line by line, straight into the image's own bytes: a whole-frame pixel buffer beside the
/// image would hold a second copy of the frame (6 MB at 1080×1920) and cost a pass to convert.
pub fn render(window: &MinimalSoftwareWindow) -> image::RgbImage {
    let size = window.size();
    let (width, height) = (size.width, size.height);
    let mut image = image::RgbImage::new(width, height);
    let mut lines = IntoImage {
        bytes: &mut image,
        width: width as usize,
        line: vec![Rgb8Pixel::new(0, 0, 0); width as usize],
    };
    // The first pass lays out, instantiates lazily created list rows and draws; a second pass
    // draws again only if that left something to redraw (rows created while drawing), so a
    // screen without lazy rows is drawn once.
    slint::platform::update_timers_and_animations();
    window.request_redraw();
    window.draw_if_needed(|renderer| {
        renderer.render_by_line(&mut lines);
    });
    slint::platform::update_timers_and_animations();
    window.draw_if_needed(|renderer| {
        renderer.render_by_line(&mut lines);
    });
    image
}

/// Hands the renderer one line at a time and copies it into the image's RGB bytes.
struct IntoImage<'a> {
    bytes: &'a mut [u8],
    width: usize,
    /// One line of the renderer's own pixel type, reused for every line.
    line: Vec<Rgb8Pixel>,
}

impl LineBufferProvider for &mut IntoImage<'_> {
    type TargetPixel = Rgb8Pixel;

    fn process_line(
        &mut self,
        line: usize,
        range: std::ops::Range<usize>,
        render_fn: impl FnOnce(&mut [Rgb8Pixel]),
    ) {
        let start = line * self.width * 3;
        let Some(row) = self.bytes.get_mut(start..start + self.width * 3) else {
            return;
        };
        let Some(pixels) = self.line.get_mut(range.clone()) else {
            return;
        };
        // The renderer blends onto what the line holds: start from the image's pixels.
        for (p, rgb) in pixels
            .iter_mut()
            .zip(row[range.start * 3..].chunks_exact(3))
        {
            *p = Rgb8Pixel::new(rgb[0], rgb[1], rgb[2]);
        }
        render_fn(pixels);
        for (p, rgb) in pixels
            .iter()
            .zip(row[range.start * 3..].chunks_exact_mut(3))
        {
            rgb.copy_from_slice(&[p.r, p.g, p.b]);
        }
    }
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
