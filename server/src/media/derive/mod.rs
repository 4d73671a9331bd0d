//! Makes the public copies of a photo: JPEG and lossy WebP at [`WIDTHS`] (never upscaled), upright
//! (EXIF orientation applied), in sRGB, without any metadata, plus a tiny placeholder. Pure
//! work on one original: it knows nothing of rows, jobs or where files are kept.
//!
//! One stage a file: `decode` (libjpeg-turbo with DCT-domain scaling for JPEG, the `image`
//! crate under [`decode_limits`] for the rest), `jpeg_markers` (orientation, ICC profile and
//! CMYK in a JPEG's marker segments), `resize` (sizes, Lanczos3, orientation), `colour` (the
//! embedded profile to sRGB), `encode` (JPEG, WebP, placeholder); `pipeline` runs them. The
//! largest derivative is resized once from the decoded image, converted to sRGB and rotated,
//! and each smaller one is resized from the previous one. Besides a JPEG original's bytes
//! (libjpeg-turbo decodes from memory), only the decoded image and the derivatives are ever
//! held in memory. Figures: docs/performance.md.
//!
//! Colour: an embedded ICC profile (Display P3 from phones, Adobe RGB, LUT-based, grey and CMYK
//! profiles, …) is converted to sRGB by moxcms; one it cannot parse is ignored, as if the pixels
//! were sRGB. CMYK/YCCK JPEGs without a profile are converted with the plain formula, as browsers
//! do (Adobe APP14 means the samples are stored inverted, as Photoshop writes them).
//!
//! The encoders write no metadata. libjpeg warnings (corrupt or truncated data) are errors
//! here, like fatal ones.

mod colour;
mod decode;
mod encode;
mod error;
mod jpeg_markers;
mod pipeline;
mod pixels;
mod resize;
#[cfg(test)]
mod tests;

pub use colour::{Channels, CmykToSrgb, IccToSrgb};
pub use decode::{Decoded, dct_scale, decode, decode_limits};
pub use encode::{
    Derivative, JPEG_QUALITY, WEBP_QUALITY, encode_jpeg, encode_webp, jpeg_compressor, placeholder,
};
pub use error::DeriveError;
pub use pipeline::{Processed, frames, jpeg_derivatives, process, process_turned};
pub use pixels::Rgb;
pub use resize::{WIDTHS, target_sizes};
