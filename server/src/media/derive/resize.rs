//! Sizes and orientation: which derivatives a photo gets, scaling (Lanczos3, SIMD), and turning
//! pixels upright (the EXIF orientation plus a moderator's quarter turns).

use super::error::DeriveError;
use super::pixels::Rgb;
use fast_image_resize as fr;
use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};

/// Widths of the derivatives, in display orientation.
pub const WIDTHS: [u32; 3] = [400, 800, 1600];

/// The derivatives' sizes in display orientation, largest first.
pub fn target_sizes(display_width: u32, display_height: u32) -> Vec<(u32, u32)> {
    let mut widths: Vec<u32> = WIDTHS
        .into_iter()
        .filter(|&w| w <= display_width)
        .rev()
        .collect();
    if widths.is_empty() {
        widths.push(display_width);
    }
    widths
        .into_iter()
        .map(|w| (w, scaled_side(display_height, w, display_width)))
        .collect()
}

/// `side × numerator / denominator`, rounded, at least 1.
pub(super) fn scaled_side(side: u32, numerator: u32, denominator: u32) -> u32 {
    let denominator = u64::from(denominator.max(1));
    let scaled = (u64::from(side) * u64::from(numerator) + denominator / 2) / denominator;
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

/// EXIF orientations 1–8 as "mirror horizontally or not, then turn clockwise n × 90°".
const AS_MIRROR_AND_TURNS: [(bool, u8); 8] = [
    (false, 0),
    (true, 0),
    (false, 2),
    (true, 2),
    (true, 3),
    (false, 1),
    (true, 1),
    (false, 3),
];

/// The orientation that shows `orientation` turned a further `quarter_turns` × 90° clockwise.
pub fn turned(orientation: Orientation, quarter_turns: u8) -> Orientation {
    let index = usize::from(orientation.to_exif().clamp(1, 8) - 1);
    let (mirror, turns) = AS_MIRROR_AND_TURNS[index];
    let wanted = (mirror, (turns + quarter_turns) % 4);
    AS_MIRROR_AND_TURNS
        .iter()
        .position(|entry| *entry == wanted)
        .and_then(|i| u8::try_from(i + 1).ok())
        .and_then(Orientation::from_exif)
        .unwrap_or(orientation)
}

/// The size of a `width × height` image once `orientation` is applied (or undone): quarter
/// turns swap the sides.
pub(super) fn oriented_size(orientation: Orientation, width: u32, height: u32) -> (u32, u32) {
    if swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    }
}

fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

pub(super) fn resize(
    resizer: &mut fr::Resizer,
    source: &Rgb,
    size: (u32, u32),
) -> Result<Rgb, DeriveError> {
    let error = |e: &dyn std::fmt::Display| DeriveError::Resize(e.to_string());
    let source_view = fr::images::ImageRef::new(
        source.width,
        source.height,
        &source.pixels,
        fr::PixelType::U8x3,
    )
    .map_err(|e| error(&e))?;
    let mut target = fr::images::Image::new(size.0, size.1, fr::PixelType::U8x3);
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    resizer
        .resize(&source_view, &mut target, &options)
        .map_err(|e| error(&e))?;
    Ok(Rgb {
        width: size.0,
        height: size.1,
        pixels: target.into_vec(),
    })
}

pub(super) fn orient(image: Rgb, orientation: Orientation) -> Result<Rgb, DeriveError> {
    if orientation == Orientation::NoTransforms {
        return Ok(image);
    }
    let buffer = RgbImage::from_raw(image.width, image.height, image.pixels)
        .ok_or_else(|| DeriveError::Resize("pixel buffer of the wrong size".into()))?;
    let mut upright = DynamicImage::ImageRgb8(buffer);
    upright.apply_orientation(orientation);
    Ok(Rgb {
        width: upright.width(),
        height: upright.height(),
        pixels: upright.into_rgb8().into_raw(),
    })
}
