//! Pictures for the screens: decode an image blob and scale it to the size it is shown at, once,
//! off the UI thread (the software renderer would otherwise scale it on every frame); and draw
//! QR codes for links.

use std::collections::{HashMap, VecDeque};

use image::imageops::FilterType;
use slint::{Rgba8Pixel, SharedPixelBuffer};

use crate::store::{BlobStore, StoreError};
use crate::view::BlobPicture;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("image {sha256} does not decode: {source}")]
    Decode {
        sha256: String,
        #[source]
        source: image::ImageError,
    },
    #[error("cannot make a QR code of `{text}`: {message}")]
    Qr { text: String, message: String },
}

/// Decodes the blob `spec` names and scales it to `spec`'s size.
pub fn decode(
    blobs: &BlobStore,
    spec: &BlobPicture,
) -> Result<SharedPixelBuffer<Rgba8Pixel>, MediaError> {
    let bytes = blobs.read(&spec.sha256)?;
    let image = image::load_from_memory(&bytes).map_err(|source| MediaError::Decode {
        sha256: spec.sha256.clone(),
        source,
    })?;
    let scaled = if (image.width(), image.height()) == (spec.width, spec.height) {
        image.into_rgba8()
    } else {
        image::imageops::resize(
            &image.into_rgba8(),
            spec.width,
            spec.height,
            FilterType::Triangle,
        )
    };
    Ok(SharedPixelBuffer::clone_from_slice(
        scaled.as_raw(),
        scaled.width(),
        scaled.height(),
    ))
}

/// Decoded pictures kept for revisits, bounded in bytes; oldest out first.
pub struct PictureCache {
    limit_bytes: usize,
    used_bytes: usize,
    order: VecDeque<(String, u32, u32)>,
    entries: HashMap<(String, u32, u32), SharedPixelBuffer<Rgba8Pixel>>,
}

impl PictureCache {
    pub fn new(limit_bytes: usize) -> PictureCache {
        PictureCache {
            limit_bytes,
            used_bytes: 0,
            order: VecDeque::new(),
            entries: HashMap::new(),
        }
    }

    /// The decoded picture, from the cache or freshly decoded.
    pub fn get(
        &mut self,
        blobs: &BlobStore,
        spec: &BlobPicture,
    ) -> Result<SharedPixelBuffer<Rgba8Pixel>, MediaError> {
        let key = (spec.sha256.clone(), spec.width, spec.height);
        if let Some(hit) = self.entries.get(&key) {
            return Ok(hit.clone());
        }
        let buffer = decode(blobs, spec)?;
        let size = buffer.as_bytes().len();
        while self.used_bytes + size > self.limit_bytes {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(evicted) = self.entries.remove(&old) {
                self.used_bytes -= evicted.as_bytes().len();
            }
        }
        if size <= self.limit_bytes {
            self.used_bytes += size;
            self.order.push_back(key.clone());
            self.entries.insert(key, buffer.clone());
        }
        Ok(buffer)
    }
}

/// A QR code of `text` (a link, an iCalendar entry), black on white with the standard quiet
/// zone, `module_px` per module.
pub fn qr(text: &str, module_px: u32) -> Result<SharedPixelBuffer<Rgba8Pixel>, MediaError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| MediaError::Qr {
        text: text.to_string(),
        message: e.to_string(),
    })?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let quiet = 4;
    let side = (modules + 2 * quiet) * module_px;
    let mut buffer = SharedPixelBuffer::<Rgba8Pixel>::new(side, side);
    let pixels = buffer.make_mut_slice();
    for (i, px) in pixels.iter_mut().enumerate() {
        let (x, y) = (i as u32 % side, i as u32 / side);
        let (mx, my) = (
            (x / module_px).wrapping_sub(quiet),
            (y / module_px).wrapping_sub(quiet),
        );
        let dark = mx < modules
            && my < modules
            && colors[(my * modules + mx) as usize] == qrcode::Color::Dark;
        let v = if dark { 0x1F } else { 0xFF };
        *px = Rgba8Pixel {
            r: v,
            g: v,
            b: v,
            a: 0xFF,
        };
    }
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::content::sha256_hex;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 16, 46, 255]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encode png");
        out
    }

    #[test]
    fn decodes_and_scales_to_the_spec() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).expect("blobs");
        let bytes = png(120, 80);
        let sha = sha256_hex(&bytes);
        blobs.put(&sha, &bytes).expect("put");
        let spec = BlobPicture {
            sha256: sha,
            width: 60,
            height: 40,
        };
        let mut cache = PictureCache::new(1 << 20);
        let buffer = cache.get(&blobs, &spec).expect("decodes");
        assert_eq!((buffer.width(), buffer.height()), (60, 40));
        assert_eq!(buffer.as_slice()[0].r, 200);
    }

    #[test]
    fn corrupt_blob_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).expect("blobs");
        let mut bytes = png(64, 64);
        bytes.truncate(bytes.len() / 2);
        let sha = sha256_hex(&bytes);
        blobs.put(&sha, &bytes).expect("put");
        let spec = BlobPicture {
            sha256: sha,
            width: 64,
            height: 64,
        };
        assert!(matches!(
            decode(&blobs, &spec),
            Err(MediaError::Decode { .. })
        ));
    }

    #[test]
    fn qr_code_has_quiet_zone_and_dark_modules() {
        let buffer = qr("https://www.dl.gov.cn", 4).expect("qr");
        assert_eq!(buffer.width(), buffer.height());
        let px = buffer.as_slice();
        assert_eq!(px[0].r, 0xFF, "quiet zone is white");
        assert!(px.iter().any(|p| p.r == 0x1F), "has dark modules");
    }
}
