//! Rendering screens to PNG without any display server: Slint's software renderer draws into a
//! pixel buffer through a minimal platform of our own. Used by `kiosk snapshot`, by tests, by the
//! docs' screenshots and for remote preview.

use std::path::Path;
use std::rc::Rc;

use slint::platform::software_renderer::{
    LineBufferProvider, MinimalSoftwareWindow, RepaintBufferType, SoftwareRenderer,
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
    #[error("size {0}×{1} is not drawable")]
    Size(u32, u32),
    #[error("cannot encode the screen as PNG: {0}")]
    Encode(#[from] png::EncodingError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
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
    draw_passes(window, |renderer| {
        renderer.render_by_line(&mut lines);
    });
    image
}

/// Draws the window's scene with `pass`: the first pass lays out, instantiates lazily created
/// list rows and draws; a second pass draws again only if that left something to redraw (rows
/// created while drawing), so a screen without lazy rows is drawn once.
fn draw_passes(window: &MinimalSoftwareWindow, mut pass: impl FnMut(&SoftwareRenderer)) {
    slint::platform::update_timers_and_animations();
    window.request_redraw();
    window.draw_if_needed(&mut pass);
    slint::platform::update_timers_and_animations();
    window.draw_if_needed(&mut pass);
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
        let Some(bytes) = row.get_mut(range.start * 3..range.end * 3) else {
            return;
        };
        draw_range(pixels, bytes, render_fn);
    }
}

/// Lets the renderer draw one range of a line held as RGB bytes: it blends onto what the line
/// holds, so `pixels` (the renderer's type, reused) starts from `bytes`, and what it drew goes
/// back into them.
fn draw_range(
    pixels: &mut [Rgb8Pixel],
    bytes: &mut [u8],
    render_fn: impl FnOnce(&mut [Rgb8Pixel]),
) {
    for (p, rgb) in pixels.iter_mut().zip(bytes.chunks_exact(3)) {
        *p = Rgb8Pixel::new(rgb[0], rgb[1], rgb[2]);
    }
    render_fn(pixels);
    for (p, rgb) in pixels.iter().zip(bytes.chunks_exact_mut(3)) {
        rgb.copy_from_slice(&[p.r, p.g, p.b]);
    }
}

/// Renders and writes a PNG.
pub fn write_png(window: &MinimalSoftwareWindow, out: &Path) -> Result<(), HeadlessError> {
    let png = encode_png(window)?;
    std::fs::write(out, png).map_err(|source| HeadlessError::Write {
        path: out.display().to_string(),
        source,
    })
}

/// Draws the window's current scene and encodes it as a PNG file's bytes, one line at a time.
///
/// No frame is held: each line goes into the encoder as the renderer finishes it (filtered and
/// compressed at once), so what is held is the compressed file (a few hundred KB) instead of
/// the 6.2 MB RGB frame [`render`] fills at 1080×1920, and the encoder's output buffer of the
/// whole compressed image beside it. When the first pass leaves the window dirty (rows created
/// while drawing), the second pass draws the whole frame again and its PNG replaces the first
/// one's: both passes draw every line (`RepaintBufferType::NewBuffer`), so the last pass's file
/// holds exactly the pixels [`render`] would return (`tests/snapshot.rs` compares them).
///
/// The encoding is `image`'s default for PNG (fdeflate's fast compression, adaptive filter),
/// through `png`'s streaming writer: same pixels, not the same bytes (the stream feeds the
/// compressor a row at a time and splits the data into IDAT chunks).
pub fn encode_png(window: &MinimalSoftwareWindow) -> Result<Vec<u8>, HeadlessError> {
    let size = window.size();
    let (width, height) = (size.width, size.height);
    let mut png = Vec::new();
    let mut result = Ok(());
    draw_passes(window, |renderer| {
        result = encode_pass(renderer, width, height, &mut png);
    });
    result?;
    Ok(png)
}

/// The compressed data goes to the file in IDAT chunks of this size.
const IDAT_BYTES: usize = 64 * 1024;

/// One render pass, encoded into `png` (emptied first).
fn encode_pass(
    renderer: &SoftwareRenderer,
    width: u32,
    height: u32,
    png: &mut Vec<u8>,
) -> Result<(), HeadlessError> {
    png.clear();
    let mut encoder = png::Encoder::new(&mut *png, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Adaptive);
    let mut writer = encoder.write_header()?;
    let mut lines = IntoPng {
        stream: writer.stream_writer_with_size(IDAT_BYTES)?,
        height: height as usize,
        next: 0,
        row: vec![0; width as usize * 3],
        line: vec![Rgb8Pixel::new(0, 0, 0); width as usize],
        current: None,
        failed: None,
    };
    renderer.render_by_line(&mut lines);
    lines.finish()
}

/// Hands the renderer one line at a time and writes each finished line to the PNG stream.
///
/// The renderer goes from the top line down and may call once per dirty range of a line; a
/// line is written when the renderer moves past it. Lines it does not draw (none, with
/// `NewBuffer`) are written black, as [`render`]'s fresh image has them.
struct IntoPng<'a, W: std::io::Write> {
    stream: png::StreamWriter<'a, W>,
    height: usize,
    /// The first line not yet written.
    next: usize,
    /// The line being drawn, as RGB bytes.
    row: Vec<u8>,
    /// The same line in the renderer's pixel type, reused for every range.
    line: Vec<Rgb8Pixel>,
    /// Which line `row` holds.
    current: Option<usize>,
    /// The first write that failed; nothing is written after it.
    failed: Option<HeadlessError>,
}

impl<W: std::io::Write> IntoPng<'_, W> {
    /// Writes lines up to (not including) `end`: the one being drawn, black for the others.
    fn write_up_to(&mut self, end: usize) {
        while self.failed.is_none() && self.next < end.min(self.height) {
            if self.current != Some(self.next) {
                self.row.fill(0);
            }
            if let Err(e) = std::io::Write::write_all(&mut self.stream, &self.row) {
                self.failed = Some(png::EncodingError::from(e).into());
            }
            self.current = None;
            self.next += 1;
        }
    }

    /// Writes the remaining lines and ends the image.
    fn finish(mut self) -> Result<(), HeadlessError> {
        self.write_up_to(self.height);
        if let Some(e) = self.failed {
            return Err(e);
        }
        self.stream.finish()?;
        Ok(())
    }
}

impl<W: std::io::Write> LineBufferProvider for &mut IntoPng<'_, W> {
    type TargetPixel = Rgb8Pixel;

    fn process_line(
        &mut self,
        line: usize,
        range: std::ops::Range<usize>,
        render_fn: impl FnOnce(&mut [Rgb8Pixel]),
    ) {
        if line < self.next || line >= self.height {
            // Already written (never, going top down) or outside the image.
            return;
        }
        if self.current != Some(line) {
            self.write_up_to(line);
            self.row.fill(0);
            self.current = Some(line);
        }
        let (Some(pixels), Some(bytes)) = (
            self.line.get_mut(range.clone()),
            self.row.get_mut(range.start * 3..range.end * 3),
        ) else {
            return;
        };
        draw_range(pixels, bytes, render_fn);
    }
}
