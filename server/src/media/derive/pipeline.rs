//! The pipeline: decode, size, colour, orient, encode — one original in, every derivative and the
//! placeholder out.

use super::decode::{Decoded, decode, decode_turned};
use super::encode::{Derivative, encode_jpeg, encode_webp, jpeg_compressor, placeholder};
use super::error::DeriveError;
use super::pixels::Rgb;
use super::resize::{orient, oriented_size, resize, target_sizes};
use crate::media::format::SourceFormat;
use fast_image_resize as fr;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Processed {
    /// A JPEG and a WebP for each width, smallest first.
    pub derivatives: Vec<Derivative>,
    /// Dimensions of the largest derivative.
    pub width: u32,
    pub height: u32,
    /// A tiny WebP as a `data:` URI, to show (blurred) while the real image loads.
    pub placeholder: String,
}

/// Makes every derivative and the placeholder of an original.
pub fn process(original: &Path, format: SourceFormat) -> Result<Processed, DeriveError> {
    process_turned(original, format, 0)
}

/// `process`, with a moderator's correction of `quarter_turns` × 90° clockwise applied after
/// the EXIF orientation.
pub fn process_turned(
    original: &Path,
    format: SourceFormat,
    quarter_turns: u8,
) -> Result<Processed, DeriveError> {
    let frames = frames(decode_turned(original, format, quarter_turns)?)?;
    let mut compressor = jpeg_compressor()?;
    let mut derivatives = Vec::with_capacity(2 * frames.len());
    for frame in frames.iter().rev() {
        derivatives.push(encode_jpeg(frame, &mut compressor)?);
        derivatives.push(encode_webp(frame)?);
    }
    let smallest = frames
        .last()
        .ok_or(DeriveError::Resize("no sizes".into()))?;
    Ok(Processed {
        derivatives,
        width: frames[0].width,
        height: frames[0].height,
        placeholder: placeholder(smallest)?,
    })
}

/// Only the JPEG derivatives of a JPEG original, largest first (what the benchmark compares
/// with libvips).
pub fn jpeg_derivatives(original: &Path) -> Result<Vec<Derivative>, DeriveError> {
    let frames = frames(decode(original, SourceFormat::Jpeg)?)?;
    let mut compressor = jpeg_compressor()?;
    frames
        .iter()
        .map(|frame| encode_jpeg(frame, &mut compressor))
        .collect()
}

/// The derivatives' pixels, upright, in sRGB, largest first. The decoded image is freed as soon
/// as the largest is made; it is converted and rotated after downscaling, where it costs least.
pub fn frames(decoded: Decoded) -> Result<Vec<Rgb>, DeriveError> {
    let sizes = target_sizes(decoded.display_width, decoded.display_height);
    let mut resizer = fr::Resizer::new();
    let (width, height) = sizes[0];
    let stored = oriented_size(decoded.orientation, width, height);
    let mut largest = resize(&mut resizer, &decoded.image, stored)?;
    drop(decoded.image);
    if let Some(conversion) = &decoded.to_srgb {
        conversion.apply(&mut largest.pixels)?;
    }
    let mut frames = Vec::with_capacity(sizes.len());
    frames.push(orient(largest, decoded.orientation)?);
    for &size in &sizes[1..] {
        let next = resize(&mut resizer, &frames[frames.len() - 1], size)?;
        frames.push(next);
    }
    Ok(frames)
}
