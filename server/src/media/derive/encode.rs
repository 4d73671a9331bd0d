//! Encoding the derivatives: JPEG (libjpeg-turbo), lossy WebP (libwebp) and the tiny WebP
//! placeholder. Neither encoder writes metadata: libjpeg-turbo writes only a JFIF APP0 marker,
//! libwebp a plain `VP8 ` chunk.

use super::error::DeriveError;
use super::pixels::Rgb;
use super::resize::{resize, scaled_side};
use crate::numeric::usize_from;
use app::media::ImageFormat;
use base64::Engine;
use fast_image_resize as fr;
use turbojpeg::{Compressor, PixelFormat, Subsamp};

pub const JPEG_QUALITY: i32 = 82;
pub const WEBP_QUALITY: f32 = 80.0;
/// The placeholder fits in a square of this side.
const PLACEHOLDER_SIDE: u32 = 24;
const PLACEHOLDER_QUALITY: f32 = 40.0;

#[derive(Debug, Clone)]
pub struct Derivative {
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
    pub bytes: Vec<u8>,
}

/// libvips' defaults for `Q < 90`: 4:2:0, baseline, standard Huffman tables.
pub fn jpeg_compressor() -> Result<Compressor, DeriveError> {
    let mut compressor = Compressor::new()?;
    compressor.set_quality(JPEG_QUALITY)?;
    compressor.set_subsamp(Subsamp::Sub2x2)?;
    Ok(compressor)
}

pub fn encode_jpeg(frame: &Rgb, compressor: &mut Compressor) -> Result<Derivative, DeriveError> {
    let image = turbojpeg::Image {
        pixels: frame.pixels.as_slice(),
        width: usize_from(frame.width),
        pitch: 3 * usize_from(frame.width),
        height: usize_from(frame.height),
        format: PixelFormat::RGB,
    };
    Ok(Derivative {
        width: frame.width,
        height: frame.height,
        format: ImageFormat::Jpeg,
        bytes: compressor.compress_to_vec(image)?,
    })
}

pub fn encode_webp(frame: &Rgb) -> Result<Derivative, DeriveError> {
    Ok(Derivative {
        width: frame.width,
        height: frame.height,
        format: ImageFormat::Webp,
        bytes: webp_bytes(frame, WEBP_QUALITY)?,
    })
}

fn webp_bytes(frame: &Rgb, quality: f32) -> Result<Vec<u8>, DeriveError> {
    webp::Encoder::from_rgb(&frame.pixels, frame.width, frame.height)
        .encode_simple(false, quality)
        .map(|memory| memory.to_vec())
        .map_err(|e| DeriveError::Webp(format!("{e:?}")))
}

/// A WebP at most [`PLACEHOLDER_SIDE`] pixels on its longer side, as a `data:` URI.
pub fn placeholder(frame: &Rgb) -> Result<String, DeriveError> {
    let (width, height) = (frame.width, frame.height);
    let size = if width >= height {
        let w = width.min(PLACEHOLDER_SIDE);
        (w, scaled_side(height, w, width))
    } else {
        let h = height.min(PLACEHOLDER_SIDE);
        (scaled_side(width, h, height), h)
    };
    let tiny = resize(&mut fr::Resizer::new(), frame, size)?;
    let bytes = webp_bytes(&tiny, PLACEHOLDER_QUALITY)?;
    let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(format!("data:image/webp;base64,{base64}"))
}
