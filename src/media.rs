//! Pictures for the screens: decode an image blob and scale it to the size it is shown at, once,
//! off the UI thread (the software renderer would otherwise scale it on every frame); and draw
//! QR codes for links.

use std::collections::HashMap;

use fast_image_resize::{PixelType, images as fir};
use slint::{Rgba8Pixel, SharedPixelBuffer};

use crate::store::{BlobStore, StoreError};
use crate::view::{BlobPicture, ScreenView};

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
    #[error("image {sha256} (JPEG) does not decode: {message}")]
    Jpeg { sha256: String, message: String },
    #[error("image {sha256} cannot be scaled: {message}")]
    Scale { sha256: String, message: String },
    #[error("image {sha256} is {width}×{height}; the kiosk decodes at most {MAX_SIDE}×{MAX_SIDE}")]
    TooLarge {
        sha256: String,
        width: u32,
        height: u32,
    },
    #[error("cannot make a QR code of `{text}`: {message}")]
    Qr { text: String, message: String },
    #[error(transparent)]
    Icon(#[from] crate::section_icon::IconError),
}

/// Longest side decoded: what bundles allow ([`protocol::bundle::MAX_IMAGE_SIDE`]).
pub const MAX_SIDE: u32 = protocol::bundle::MAX_IMAGE_SIDE;
/// Most memory one decode may take: the largest allowed image as RGBA, with room for the
/// decoder's own buffers. A file claiming more is refused before anything is allocated.
pub const MAX_DECODE_BYTES: u64 = MAX_SIDE as u64 * MAX_SIDE as u64 * 4 + 16 * 1024 * 1024;

fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Decodes the blob `spec` names and scales it to `spec`'s size.
///
/// What a decode keeps in memory at once, for a 1920×1080 RGB PNG shown 1000 wide: its pixels
/// as decoded (RGB, 6.2 MB) and as RGBA (8.3 MB) for a moment, then the RGBA, the scaler's one
/// intermediate (1000 × 1080, 4.3 MB) and the result at the size shown (2.3 MB). (`image`'s own
/// resize kept a full-width floating-point copy besides: 17 MB.) A JPEG comes out of the
/// decoder near the size shown, so its share is a quarter of that or less.
pub fn decode(
    blobs: &BlobStore,
    spec: &BlobPicture,
) -> Result<SharedPixelBuffer<Rgba8Pixel>, MediaError> {
    let bytes = blobs.read(&spec.sha256)?;
    let decoded = decode_for(&bytes, spec)?;
    drop(bytes);
    scale(decoded, spec).map_err(|message| MediaError::Scale {
        sha256: spec.sha256.clone(),
        message,
    })
}

/// Pixels as a file decodes, 8 bits a channel, in the layout it has (grey, grey and alpha, RGB,
/// RGBA): a picture decoded at the size it is shown is widened to RGBA once, into Slint's buffer.
struct Decoded {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    layout: PixelType,
}

impl Decoded {
    fn new(width: u32, height: u32, pixels: Vec<u8>, layout: PixelType) -> Option<Decoded> {
        let expected = width as usize * height as usize * layout.size();
        (pixels.len() == expected).then_some(Decoded {
            width,
            height,
            pixels,
            layout,
        })
    }

    /// The layouts the scaler is given; anything wider (16 bits, floats) is narrowed first.
    fn from_dynamic(image: image::DynamicImage) -> Decoded {
        let (width, height) = (image.width(), image.height());
        let (pixels, layout) = match image {
            image::DynamicImage::ImageLuma8(b) => (b.into_raw(), PixelType::U8),
            image::DynamicImage::ImageLumaA8(b) => (b.into_raw(), PixelType::U8x2),
            image::DynamicImage::ImageRgb8(b) => (b.into_raw(), PixelType::U8x3),
            image::DynamicImage::ImageRgba8(b) => (b.into_raw(), PixelType::U8x4),
            other if other.color().has_alpha() => (other.into_rgba8().into_raw(), PixelType::U8x4),
            other => (other.into_rgb8().into_raw(), PixelType::U8x3),
        };
        Decoded {
            width,
            height,
            pixels,
            layout,
        }
    }
}

/// `decoded` at `spec`'s size as RGBA. Scaling is a bilinear convolution whose kernel widens
/// with the reduction (every source pixel counts, as `image`'s Triangle filter), straight into
/// the buffer Slint shows; a picture with transparency is scaled with its colours premultiplied,
/// so edges do not darken. The scaler is built for RGBA only (`only_u8x4`: its code for every
/// other layout would add 3 MB to the kiosk's resident pages), so other layouts are widened
/// first. The errors are the scaler's refusals of a size, which the sizes here never give.
fn scale(decoded: Decoded, spec: &BlobPicture) -> Result<SharedPixelBuffer<Rgba8Pixel>, String> {
    let mut out = SharedPixelBuffer::<Rgba8Pixel>::new(spec.width, spec.height);
    if (decoded.width, decoded.height) == (spec.width, spec.height) {
        widen(&decoded.pixels, decoded.layout, out.make_mut_bytes());
        return Ok(out);
    }
    let with_alpha = matches!(decoded.layout, PixelType::U8x2 | PixelType::U8x4);
    let rgba = if decoded.layout == PixelType::U8x4 {
        decoded.pixels
    } else {
        let mut rgba = vec![0; decoded.width as usize * decoded.height as usize * 4];
        widen(&decoded.pixels, decoded.layout, &mut rgba);
        rgba
    };
    let mut source = fir::Image::from_vec_u8(decoded.width, decoded.height, rgba, PixelType::U8x4)
        .map_err(|e| e.to_string())?;
    let mul_div = fast_image_resize::MulDiv::new();
    if with_alpha {
        // In place: the scaler's own premultiplication would copy the whole source first.
        mul_div
            .multiply_alpha_inplace(&mut source)
            .map_err(|e| e.to_string())?;
    }
    let options = fast_image_resize::ResizeOptions::new()
        .resize_alg(fast_image_resize::ResizeAlg::Convolution(
            fast_image_resize::FilterType::Bilinear,
        ))
        .use_alpha(false);
    let mut target = fir::Image::from_slice_u8(
        spec.width,
        spec.height,
        out.make_mut_bytes(),
        PixelType::U8x4,
    )
    .map_err(|e| e.to_string())?;
    fast_image_resize::Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| e.to_string())?;
    if with_alpha {
        mul_div
            .divide_alpha_inplace(&mut target)
            .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Copies `pixels` of `layout` into RGBA `out` of as many pixels.
fn widen(pixels: &[u8], layout: PixelType, out: &mut [u8]) {
    let rgba = out.chunks_exact_mut(4);
    match layout {
        PixelType::U8 => rgba
            .zip(pixels)
            .for_each(|(o, &l)| o.copy_from_slice(&[l, l, l, 0xFF])),
        PixelType::U8x2 => rgba
            .zip(pixels.chunks_exact(2))
            .for_each(|(o, p)| o.copy_from_slice(&[p[0], p[0], p[0], p[1]])),
        PixelType::U8x3 => rgba
            .zip(pixels.chunks_exact(3))
            .for_each(|(o, p)| o.copy_from_slice(&[p[0], p[1], p[2], 0xFF])),
        _ => rgba
            .zip(pixels.chunks_exact(4))
            .for_each(|(o, p)| o.copy_from_slice(p)),
    }
}

/// The pixels of `bytes`, about as large as `spec` (at least 92 % of it) where the format allows
/// decoding at a reduced scale (JPEG: 1/2, 1/4 or 1/8 in the inverse DCT, so a 4000×3000 photo
/// shown 1000 wide never exists at full size in memory), else whole, within [`limits`].
fn decode_for(bytes: &[u8], spec: &BlobPicture) -> Result<Decoded, MediaError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        && let Some(image) = decode_jpeg_scaled(bytes, spec)?
    {
        return Ok(image);
    }
    let decode_err = |source| MediaError::Decode {
        sha256: spec.sha256.clone(),
        source,
    };
    // The header alone first: a clear refusal for an image beyond the limits.
    let (width, height) = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| decode_err(image::ImageError::IoError(e)))?
        .into_dimensions()
        .map_err(decode_err)?;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(MediaError::TooLarge {
            sha256: spec.sha256.clone(),
            width,
            height,
        });
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| decode_err(image::ImageError::IoError(e)))?;
    reader.limits(limits());
    Ok(Decoded::from_dynamic(reader.decode().map_err(decode_err)?))
}

/// How much a JPEG decoded at a reduced DCT scale may be stretched to reach its display size.
const DCT_STRETCH_PERCENT: u32 = 8;

/// A JPEG decoded at the smallest scale that still covers `spec`; `None` for the rare kinds
/// this decoder hands back in a form the kiosk does not convert (CMYK), which then go the
/// general way.
fn decode_jpeg_scaled(bytes: &[u8], spec: &BlobPicture) -> Result<Option<Decoded>, MediaError> {
    let err = |message: String| MediaError::Jpeg {
        sha256: spec.sha256.clone(),
        message,
    };
    let mut decoder = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(usize::try_from(MAX_DECODE_BYTES).unwrap_or(usize::MAX));
    decoder.read_info().map_err(|e| err(e.to_string()))?;
    let info = decoder
        .info()
        .ok_or_else(|| err("no frame header".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(MediaError::TooLarge {
            sha256: spec.sha256.clone(),
            width,
            height,
        });
    }
    // The decoder picks the smallest of 1/8, 1/4, 1/2, 1/1 that covers what is asked. Asking
    // for a little less than the spec lets a 1920 px photo shown 1000 wide come out of the
    // 1/2 DCT at 960 and be stretched by 4 % (invisible on a photo), instead of being decoded
    // whole and shrunk: about a quarter of the work.
    let want = |v: u32| {
        let v = u64::from(v) * u64::from(100 - DCT_STRETCH_PERCENT) / 100;
        u16::try_from(v.max(1)).unwrap_or(u16::MAX)
    };
    let (w, h) = decoder
        .scale(want(spec.width), want(spec.height))
        .map_err(|e| err(e.to_string()))?;
    let pixels = decoder.decode().map_err(|e| err(e.to_string()))?;
    let (w, h) = (u32::from(w), u32::from(h));
    let (pixels, layout) = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => (pixels, PixelType::U8x3),
        jpeg_decoder::PixelFormat::L8 => (pixels, PixelType::U8),
        // Big-endian samples: the high byte of each.
        jpeg_decoder::PixelFormat::L16 => (pixels.into_iter().step_by(2).collect(), PixelType::U8),
        jpeg_decoder::PixelFormat::CMYK32 => return Ok(None),
    };
    Decoded::new(w, h, pixels, layout)
        .map(Some)
        .ok_or_else(|| err(format!("{w}×{h} decoded to the wrong number of bytes")))
}

/// Decoded pictures kept for revisits, within a budget in bytes (`[cache] pictures_mb`): the
/// least recently shown go first, so a section of 1,000 articles cannot grow the process
/// without limit, while the screens a visitor goes back and forth between stay decoded.
///
/// Besides that budget, the cache remembers which pictures each page's Slint models still
/// hold ([`PictureCache::hold`]): a section's list keeps its thumbnails while one of its
/// articles is open, so going back finds them there instead of decoding them again. They
/// cost nothing extra (buffers are reference-counted and shared with the models, not
/// copied), and they are exactly what an LRU over a screen larger than its budget would
/// miss: without this, a section whose thumbnails just exceed the budget decodes every one
/// of them on each revisit.
pub struct PictureCache {
    limit_bytes: usize,
    used_bytes: usize,
    entries: lru::LruCache<PictureKey, SharedPixelBuffer<Rgba8Pixel>>,
    /// Per page, the pictures its models show now (replaced with each screen of that page).
    held: HashMap<Page, HashMap<PictureKey, SharedPixelBuffer<Rgba8Pixel>>>,
    decodes: u64,
}

/// One blob at one display size.
type PictureKey = (String, u32, u32);

/// A page of the kiosk, as the kind of view it shows (each page's models hold the pictures of
/// the last screen it showed, whatever screen is on top now).
pub type Page = std::mem::Discriminant<ScreenView>;

fn key_of(spec: &BlobPicture) -> PictureKey {
    (spec.sha256.clone(), spec.width, spec.height)
}

impl PictureCache {
    pub fn new(limit_bytes: usize) -> PictureCache {
        PictureCache {
            limit_bytes,
            used_bytes: 0,
            entries: lru::LruCache::unbounded(),
            held: HashMap::new(),
            decodes: 0,
        }
    }

    /// The decoded picture: from the budget (now the most recently used), from a page that
    /// still shows it, or freshly decoded.
    pub fn get(
        &mut self,
        blobs: &BlobStore,
        spec: &BlobPicture,
    ) -> Result<SharedPixelBuffer<Rgba8Pixel>, MediaError> {
        let key = key_of(spec);
        if let Some(hit) = self.entries.get(&key) {
            return Ok(hit.clone());
        }
        // Shown by a page: alive anyway. Not put back into the budget, where it would push
        // out pictures of other screens for nothing.
        if let Some(shown) = self.held.values().find_map(|page| page.get(&key)) {
            return Ok(shown.clone());
        }
        let buffer = decode(blobs, spec)?;
        self.decodes += 1;
        let size = buffer.as_bytes().len();
        if size > self.limit_bytes {
            return Ok(buffer);
        }
        while self.used_bytes + size > self.limit_bytes {
            let Some((_, evicted)) = self.entries.pop_lru() else {
                break;
            };
            self.used_bytes -= evicted.as_bytes().len();
        }
        self.used_bytes += size;
        self.entries.put(key, buffer.clone());
        Ok(buffer)
    }

    /// `page` now shows these pictures (and no others it showed before): they are found
    /// there on a revisit while the page keeps them.
    pub fn hold<'a>(
        &mut self,
        page: Page,
        pictures: impl IntoIterator<Item = (&'a BlobPicture, &'a SharedPixelBuffer<Rgba8Pixel>)>,
    ) {
        let shown: HashMap<_, _> = pictures
            .into_iter()
            .map(|(spec, buffer)| (key_of(spec), buffer.clone()))
            .collect();
        if shown.is_empty() {
            self.held.remove(&page);
        } else {
            self.held.insert(page, shown);
        }
    }

    /// `page`'s models show no pictures any more (the slideshow, once left): what only they
    /// kept alive is freed, what is within the budget stays there.
    pub fn release(&mut self, page: Page) {
        self.held.remove(&page);
    }

    /// Only `page`'s models show pictures now (home: every page below it let go of theirs).
    pub fn release_all_but(&mut self, page: Page) {
        self.held.retain(|held, _| *held == page);
    }

    /// Bytes of pixels held now within the budget; never more than the budget.
    pub fn used_bytes(&self) -> usize {
        self.used_bytes
    }

    /// Bytes of pixels the pages show now (shared with their models, counted once each).
    pub fn held_bytes(&self) -> usize {
        let mut seen = std::collections::HashSet::new();
        self.held
            .values()
            .flatten()
            .filter(|(key, _)| seen.insert(*key))
            .map(|(_, buffer)| buffer.as_bytes().len())
            .sum()
    }

    /// Pictures held now within the budget.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Pictures decoded since the cache was made (misses): what a revisit costs.
    pub fn decodes(&self) -> u64 {
        self.decodes
    }
}

/// Modules of quiet zone around a QR code (the standard's minimum).
const QR_QUIET_MODULES: u32 = 4;
/// Fewer pixels a module than this, and a phone camera at arm's length misreads the code.
const QR_MIN_MODULE_PX: u32 = 3;

/// A QR code of `text` (a link, an iCalendar entry), black on white with the standard quiet
/// zone, `module_px` per module.
pub fn qr(text: &str, module_px: u32) -> Result<SharedPixelBuffer<Rgba8Pixel>, MediaError> {
    Ok(draw_qr(&qr_code(text)?, module_px))
}

/// A QR code of `text` with the largest whole number of pixels per module (at least
/// [`QR_MIN_MODULE_PX`]) that keeps it, quiet zone included, within `max_side` pixels.
pub fn qr_within(text: &str, max_side: u32) -> Result<SharedPixelBuffer<Rgba8Pixel>, MediaError> {
    let code = qr_code(text)?;
    let side_modules = code.width() as u32 + 2 * QR_QUIET_MODULES;
    let module_px = (max_side / side_modules).max(QR_MIN_MODULE_PX);
    Ok(draw_qr(&code, module_px))
}

fn qr_code(text: &str) -> Result<qrcode::QrCode, MediaError> {
    qrcode::QrCode::new(text.as_bytes()).map_err(|e| MediaError::Qr {
        text: text.to_string(),
        message: e.to_string(),
    })
}

/// Dark modules `0x1F` grey (the page's ink) on white, `module_px` square pixels each.
fn draw_qr(code: &qrcode::QrCode, module_px: u32) -> SharedPixelBuffer<Rgba8Pixel> {
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let quiet = QR_QUIET_MODULES;
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
    buffer
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::content::sha256_hex;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 16, 46, 255]));
        encoded(image::DynamicImage::ImageRgba8(img))
    }

    fn encoded(image: image::DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        image
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

    /// Stores `count` different 100×50 PNGs; each decodes to 100 × 50 × 4 = 20,000 bytes.
    fn distinct_pngs(blobs: &BlobStore, count: u8) -> Vec<BlobPicture> {
        (0..count)
            .map(|i| {
                let img = image::RgbaImage::from_pixel(100, 50, image::Rgba([i, 16, 46, 255]));
                let bytes = encoded(image::DynamicImage::ImageRgba8(img));
                let sha256 = sha256_hex(&bytes);
                blobs.put(&sha256, &bytes).expect("put");
                BlobPicture {
                    sha256,
                    width: 100,
                    height: 50,
                }
            })
            .collect()
    }

    #[test]
    fn the_cache_keeps_within_its_bytes_and_evicts_the_least_recently_shown() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).expect("blobs");
        let pictures = distinct_pngs(&blobs, 5);
        // Room for three pictures of 20,000 bytes, not four.
        let mut cache = PictureCache::new(70_000);
        for p in &pictures[..3] {
            cache.get(&blobs, p).expect("decodes");
        }
        assert_eq!(
            (cache.len(), cache.used_bytes(), cache.decodes()),
            (3, 60_000, 3)
        );
        // Shown again: a hit, and now the most recently used.
        let again = cache.get(&blobs, &pictures[0]).expect("hit");
        assert_eq!(again.as_slice()[0].r, 0);
        assert_eq!(
            cache.decodes(),
            3,
            "a revisit within the budget decodes nothing"
        );
        // A fourth picture pushes out the least recently shown: picture 1, not picture 0.
        cache.get(&blobs, &pictures[3]).expect("decodes");
        assert_eq!((cache.len(), cache.used_bytes()), (3, 60_000));
        cache.get(&blobs, &pictures[0]).expect("still there");
        assert_eq!(cache.decodes(), 4);
        let back = cache.get(&blobs, &pictures[1]).expect("decoded again");
        assert_eq!(cache.decodes(), 5, "the evicted picture is decoded again");
        assert_eq!(back.as_slice()[0].r, 1, "and it is the right one");
        assert!(cache.used_bytes() <= 70_000);

        // A long walk through many pictures never holds more than the budget.
        let many = distinct_pngs(&blobs, 40);
        for p in many.iter().chain(many.iter()) {
            cache.get(&blobs, p).expect("decodes");
            assert!(cache.used_bytes() <= 70_000, "{}", cache.used_bytes());
        }
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn a_picture_larger_than_the_budget_is_shown_but_not_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).expect("blobs");
        let pictures = distinct_pngs(&blobs, 2);
        let mut cache = PictureCache::new(30_000);
        cache.get(&blobs, &pictures[0]).expect("decodes");
        let mut none = PictureCache::new(0);
        let shown = none.get(&blobs, &pictures[1]).expect("decodes");
        assert_eq!((shown.width(), shown.height()), (100, 50));
        assert_eq!((none.len(), none.used_bytes()), (0, 0));
        none.get(&blobs, &pictures[1]).expect("decodes");
        assert_eq!(none.decodes(), 2, "a budget of 0 keeps nothing");
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_picture_a_page_still_shows_is_not_decoded_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).expect("blobs");
        let pictures = distinct_pngs(&blobs, 2);
        let section = std::mem::discriminant(&ScreenView::Missing);
        // Nothing fits the budget: only what a page shows is found again.
        let mut cache = PictureCache::new(0);
        let shown = cache.get(&blobs, &pictures[0]).expect("decodes");
        cache.hold(section, [(&pictures[0], &shown)]);
        let again = cache.get(&blobs, &pictures[0]).expect("held");
        assert_eq!(cache.decodes(), 1, "the page still shows it");
        assert_eq!(
            again.as_bytes().as_ptr(),
            shown.as_bytes().as_ptr(),
            "the same pixels"
        );
        assert_eq!((cache.used_bytes(), cache.held_bytes()), (0, 20_000));
        // The page moved on to another picture: the first one is no longer kept.
        let next = cache.get(&blobs, &pictures[1]).expect("decodes");
        cache.hold(section, [(&pictures[1], &next)]);
        cache.get(&blobs, &pictures[0]).expect("decodes");
        assert_eq!(cache.decodes(), 3);
        cache.hold(section, []);
        assert_eq!(cache.held_bytes(), 0);
    }

    #[test]
    fn a_page_released_keeps_nothing_beyond_the_budget() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).expect("blobs");
        let pictures = distinct_pngs(&blobs, 2);
        let slideshow = std::mem::discriminant(&ScreenView::Missing);
        // Room for one picture: the other lives only as long as the page holds it.
        let mut cache = PictureCache::new(20_000);
        let first = cache.get(&blobs, &pictures[0]).expect("decodes");
        let second = cache.get(&blobs, &pictures[1]).expect("decodes");
        cache.hold(slideshow, [(&pictures[0], &first), (&pictures[1], &second)]);
        assert_eq!((cache.used_bytes(), cache.held_bytes()), (20_000, 40_000));
        cache.release(slideshow);
        assert_eq!((cache.used_bytes(), cache.held_bytes()), (20_000, 0));
        cache.get(&blobs, &pictures[0]).expect("decodes");
        assert_eq!(cache.decodes(), 3, "the evicted one is decoded again");
        cache.get(&blobs, &pictures[0]).expect("kept");
        assert_eq!(cache.decodes(), 3, "within the budget it stays");
    }

    #[test]
    fn a_jpeg_is_decoded_at_the_dct_scale_nearest_its_display_size() {
        let bytes = jpeg(1920, 1080);
        let spec = |width, height| BlobPicture {
            sha256: sha256_hex(&bytes),
            width,
            height,
        };
        let size = |s: &BlobPicture| {
            let image = decode_for(&bytes, s).expect("decodes");
            (image.width, image.height)
        };
        // Shown 1000 wide: the 1/2 DCT's 960 is near enough (stretched 4 %).
        assert_eq!(size(&spec(1000, 563)), (960, 540));
        // A thumbnail: 1/8.
        assert_eq!(size(&spec(240, 135)), (240, 135));
        // Shown 1200 wide, 1/2 would be stretched by a quarter: decoded whole.
        assert_eq!(size(&spec(1200, 675)), (1920, 1080));

        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).expect("blobs");
        blobs.put(&sha256_hex(&bytes), &bytes).expect("put");
        let shown = decode(&blobs, &spec(1000, 563)).expect("decodes");
        assert_eq!(
            (shown.width(), shown.height()),
            (1000, 563),
            "at the size shown"
        );
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

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(
                &mut std::io::Cursor::new(&mut out),
                image::ImageFormat::Jpeg,
            )
            .expect("encode jpeg");
        out
    }

    #[test]
    fn a_large_jpeg_is_decoded_at_a_reduced_scale() {
        let bytes = jpeg(4000, 3000);
        let spec = BlobPicture {
            sha256: sha256_hex(&bytes),
            width: 1000,
            height: 750,
        };
        let decoded = decode_for(&bytes, &spec).expect("decodes");
        assert_eq!(
            (decoded.width, decoded.height),
            (1000, 750),
            "decoded at 1/4: never 4000×3000 in memory"
        );
        // A thumbnail: 1/8 is the smallest step, then scaled.
        let thumb = BlobPicture {
            width: 240,
            height: 180,
            ..spec.clone()
        };
        let decoded = decode_for(&bytes, &thumb).expect("decodes");
        assert_eq!((decoded.width, decoded.height), (500, 375));
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).expect("blobs");
        blobs.put(&spec.sha256, &bytes).expect("put");
        let buffer = decode(&blobs, &thumb).expect("decodes");
        assert_eq!((buffer.width(), buffer.height()), (240, 180));
    }

    #[test]
    fn images_beyond_the_limits_are_refused_before_decoding() {
        let bytes = png(MAX_SIDE + 1, 16);
        let spec = BlobPicture {
            sha256: sha256_hex(&bytes),
            width: 100,
            height: 1,
        };
        assert!(matches!(
            decode_for(&bytes, &spec),
            Err(MediaError::TooLarge { width, .. }) if width == MAX_SIDE + 1
        ));
        let bytes = jpeg(MAX_SIDE + 8, 16);
        assert!(matches!(
            decode_for(&bytes, &spec),
            Err(MediaError::TooLarge { .. })
        ));
        // A PNG header claiming a huge image, with no pixels behind it.
        let mut lying = png(64, 64);
        lying[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        lying[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        assert!(decode_for(&lying, &spec).is_err());
    }

    fn decode_bytes(bytes: &[u8], width: u32, height: u32) -> SharedPixelBuffer<Rgba8Pixel> {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).expect("blobs");
        let sha256 = sha256_hex(bytes);
        blobs.put(&sha256, bytes).expect("put");
        decode(
            &blobs,
            &BlobPicture {
                sha256,
                width,
                height,
            },
        )
        .expect("decodes")
    }

    #[test]
    fn scaling_matches_a_triangle_filter_in_every_channel() {
        // A photo-like RGB picture: smooth gradients in each channel, and fine stripes.
        let source = image::RgbImage::from_fn(640, 360, |x, y| {
            let stripe = if (x / 3) % 2 == 0 { 40 } else { 0 };
            image::Rgb([(x * 255 / 639) as u8, (y * 255 / 359) as u8, 120 + stripe])
        });
        let shown = decode_bytes(
            &encoded(image::DynamicImage::ImageRgb8(source.clone())),
            200,
            113,
        );
        assert_eq!((shown.width(), shown.height()), (200, 113));
        let reference =
            image::imageops::resize(&source, 200, 113, image::imageops::FilterType::Triangle);
        let worst = shown
            .as_slice()
            .iter()
            .zip(reference.pixels())
            .flat_map(|(got, want)| {
                [
                    got.r.abs_diff(want[0]),
                    got.g.abs_diff(want[1]),
                    got.b.abs_diff(want[2]),
                    got.a.abs_diff(0xFF),
                ]
            })
            .max();
        assert!(
            worst <= Some(2),
            "differs by {worst:?} from image's Triangle"
        );
    }

    #[test]
    fn transparent_edges_keep_their_colour_when_scaled() {
        // Opaque red on the left, fully transparent black on the right.
        let source = image::RgbaImage::from_fn(100, 10, |x, _| {
            if x < 50 {
                image::Rgba([200, 16, 46, 255])
            } else {
                image::Rgba([0, 0, 0, 0])
            }
        });
        let shown = decode_bytes(&encoded(image::DynamicImage::ImageRgba8(source)), 10, 1);
        let px = shown.as_slice();
        assert_eq!((px[0].r, px[0].a), (200, 255), "opaque stays opaque");
        assert_eq!(px[9].a, 0, "transparent stays transparent");
        let edge = px
            .iter()
            .find(|p| p.a > 0 && p.a < 255)
            .expect("a half-covered pixel at the edge");
        // Without premultiplied scaling the transparent black bleeds in: r ≈ 100.
        assert!(edge.r >= 195, "edge darkened: {edge:?}");
    }

    #[test]
    fn grey_pictures_come_out_as_grey_rgba() {
        let grey = image::DynamicImage::ImageLuma8(image::GrayImage::from_fn(64, 32, |x, _| {
            image::Luma([(x * 4) as u8])
        }));
        let with_alpha = image::DynamicImage::ImageLumaA8(image::GrayAlphaImage::from_pixel(
            40,
            20,
            image::LumaA([90, 128]),
        ));
        // Each at its own size and at a quarter of it.
        for (picture, sizes) in [
            (grey, [(64, 32), (16, 8)]),
            (with_alpha, [(40, 20), (10, 5)]),
        ] {
            let has_alpha = picture.color().has_alpha();
            let bytes = encoded(picture);
            for (width, height) in sizes {
                let shown = decode_bytes(&bytes, width, height);
                let px = shown.as_slice();
                if has_alpha {
                    assert!(
                        px.iter()
                            .all(|p| (p.r, p.g, p.b) == (90, 90, 90) && p.a == 128),
                        "{:?}",
                        px[0]
                    );
                } else {
                    assert!(px.iter().all(|p| p.r == p.g && p.g == p.b && p.a == 255));
                    let row = &px[..width as usize];
                    assert!(row[0].r < row[row.len() - 1].r, "the gradient survives");
                }
            }
        }
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
