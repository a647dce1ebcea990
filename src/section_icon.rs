//! A section's own icon (SVG or PNG from the district's bundle), drawn on the worker thread at
//! the size the tile shows it, never on the UI thread.
//!
//! Kept as a silhouette: the tile and the page header colour the icon's shape (its alpha) in
//! their text colour, exactly like the eight built-in drawings. A district's icon therefore
//! reads on whatever section colour it sits on, and a tile with a custom icon looks like its
//! neighbours; the file's own colours are not shown. Validation refuses a PNG icon with no
//! transparent pixel, which would draw as a plain square ([`protocol::icon`]).
//!
//! The file is checked again here with the protocol's rules before it is drawn: a refused or
//! undrawable icon is an error, and the screen keeps the built-in drawing.

use std::collections::HashMap;

use image::imageops::FilterType;
use protocol::IconFormat;
use slint::{Rgba8Pixel, SharedPixelBuffer};

use crate::store::{BlobStore, StoreError};
use crate::view::IconPicture;

#[derive(Debug, thiserror::Error)]
pub enum IconError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("icon {sha256} is refused: {issue}")]
    Refused {
        sha256: String,
        issue: protocol::icon::IconIssue,
    },
    #[error("icon {sha256} is not the {expected:?} its record says")]
    WrongFormat {
        sha256: String,
        expected: IconFormat,
    },
    #[error("icon {sha256} cannot be drawn: {message}")]
    Draw { sha256: String, message: String },
}

/// Icons drawn so far, by blob and size: home shows the same few on every visit. An icon is at
/// most a few hundred pixels a side, and a district has a handful of sections.
#[derive(Default)]
pub struct IconCache {
    drawn: HashMap<(String, u32), SharedPixelBuffer<Rgba8Pixel>>,
}

impl IconCache {
    /// Most icons kept; beyond it the cache starts again (a district with this many sections
    /// does not exist, so this only bounds memory against a misbehaving feed).
    const MAX: usize = 64;

    /// The icon `icon` names, drawn at `icon.side` pixels square.
    pub fn get(
        &mut self,
        blobs: &BlobStore,
        icon: &IconPicture,
    ) -> Result<SharedPixelBuffer<Rgba8Pixel>, IconError> {
        let key = (icon.sha256.clone(), icon.side);
        if let Some(buffer) = self.drawn.get(&key) {
            return Ok(buffer.clone());
        }
        let buffer = draw(&blobs.read(&icon.sha256)?, icon)?;
        if self.drawn.len() >= Self::MAX {
            self.drawn.clear();
        }
        self.drawn.insert(key, buffer.clone());
        Ok(buffer)
    }
}

/// Draws an icon file into a transparent square of `icon.side` pixels, centred, its aspect kept.
pub fn draw(bytes: &[u8], icon: &IconPicture) -> Result<SharedPixelBuffer<Rgba8Pixel>, IconError> {
    let (_, format) = protocol::icon::check_icon(bytes).map_err(|issue| IconError::Refused {
        sha256: icon.sha256.clone(),
        issue,
    })?;
    if format != icon.format {
        return Err(IconError::WrongFormat {
            sha256: icon.sha256.clone(),
            expected: icon.format,
        });
    }
    let side = icon.side.max(1);
    let draw_err = |message: String| IconError::Draw {
        sha256: icon.sha256.clone(),
        message,
    };
    let rgba = match format {
        IconFormat::Svg => draw_svg(bytes, side).map_err(draw_err)?,
        IconFormat::Png => draw_png(bytes, side).map_err(draw_err)?,
    };
    Ok(SharedPixelBuffer::clone_from_slice(
        rgba.as_raw(),
        rgba.width(),
        rgba.height(),
    ))
}

fn draw_svg(bytes: &[u8], side: u32) -> Result<image::RgbaImage, String> {
    let tree = resvg::usvg::Tree::from_data(bytes, &resvg::usvg::Options::default())
        .map_err(|e| e.to_string())?;
    let size = tree.size();
    let scale = side as f32 / size.width().max(size.height());
    let (dx, dy) = (
        (side as f32 - size.width() * scale) / 2.0,
        (side as f32 - size.height() * scale) / 2.0,
    );
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(side, side).ok_or_else(|| format!("no {side}² canvas"))?;
    let transform = resvg::tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    // tiny-skia keeps colours premultiplied by alpha; Slint's RGBA8 images are straight.
    let straight: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    image::RgbaImage::from_raw(side, side, straight).ok_or_else(|| "canvas size".to_string())
}

fn draw_png(bytes: &[u8], side: u32) -> Result<image::RgbaImage, String> {
    let mut reader =
        image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Png);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(protocol::icon::MAX_ICON_SIDE);
    limits.max_image_height = Some(protocol::icon::MAX_ICON_SIDE);
    reader.limits(limits);
    let png = reader.decode().map_err(|e| e.to_string())?.into_rgba8();
    let scale = side as f32 / png.width().max(png.height()) as f32;
    let (w, h) = (
        ((png.width() as f32 * scale).round() as u32).clamp(1, side),
        ((png.height() as f32 * scale).round() as u32).clamp(1, side),
    );
    let scaled = image::imageops::resize(&png, w, h, FilterType::Triangle);
    let mut canvas = image::RgbaImage::new(side, side);
    image::imageops::overlay(
        &mut canvas,
        &scaled,
        i64::from((side - w) / 2),
        i64::from((side - h) / 2),
    );
    Ok(canvas)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(bytes: &[u8], format: IconFormat, side: u32) -> IconPicture {
        IconPicture {
            sha256: protocol::content::sha256_hex(bytes),
            format,
            side,
        }
    }

    #[test]
    fn an_svg_is_drawn_centred_at_the_asked_size_on_transparency() {
        // A 2:1 drawing: a white bar filling its whole canvas.
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><rect width="40" height="20" fill="#fff"/></svg>"##;
        let buffer = draw(svg, &picture(svg, IconFormat::Svg, 64)).expect("drawn");
        assert_eq!((buffer.width(), buffer.height()), (64, 64));
        let px = |x: usize, y: usize| buffer.as_slice()[y * 64 + x];
        assert_eq!(px(32, 32).a, 255, "the bar is in the middle");
        assert_eq!((px(32, 32).r, px(32, 32).g), (255, 255));
        assert_eq!(px(32, 4).a, 0, "above the bar stays transparent");
    }

    #[test]
    fn a_png_is_scaled_into_the_square_and_a_refused_file_is_an_error() {
        let mut img = image::RgbaImage::new(32, 16);
        for p in img.pixels_mut() {
            *p = image::Rgba([255, 255, 255, 255]);
        }
        img.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("encodes");
        let buffer = draw(&png, &picture(&png, IconFormat::Png, 48)).expect("drawn");
        assert_eq!((buffer.width(), buffer.height()), (48, 48));
        assert_eq!(buffer.as_slice()[24 * 48 + 24].a, 255);
        assert_eq!(buffer.as_slice()[2 * 48 + 24].a, 0);

        let script = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>"#;
        assert!(matches!(
            draw(script, &picture(script, IconFormat::Svg, 48)),
            Err(IconError::Refused { .. })
        ));
        assert!(matches!(
            draw(&png, &picture(&png, IconFormat::Svg, 48)),
            Err(IconError::WrongFormat { .. })
        ));
    }
}
