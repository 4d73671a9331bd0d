//! Colour: an embedded ICC profile converted to sRGB by moxcms (docs/decisions.md), whatever its
//! kind — matrix/TRC (Display P3 from phones, Adobe RGB), LUT-based (`mAB`, `mft1`, `mft2`),
//! grey or CMYK. A profile moxcms cannot parse or connect to sRGB, or one that does not describe
//! the decoded pixels (a grey profile on colour pixels), is ignored, as if the pixels were sRGB;
//! so is one that changes no level by more than one (sRGB by another name), so those images are
//! not touched at all.

use super::error::DeriveError;
use moxcms::{
    ColorProfile, DataColorSpace, Layout, RenderingIntent, Transform8BitExecutor, TransformOptions,
};
use std::sync::Arc;

#[cfg(test)]
mod tests;

/// What the decoder made of the image's channels, which the profile must describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channels {
    Rgb,
    /// Grey, decoded into RGB with equal channels.
    Grey,
}

/// Pixels converted per call: a small scratch buffer instead of a copy of the image.
const CHUNK_PIXELS: usize = 4096;
/// A LUT-based profile need not carry a perceptual table: the first intent it has is used.
const INTENTS: [RenderingIntent; 3] = [
    RenderingIntent::Perceptual,
    RenderingIntent::RelativeColorimetric,
    RenderingIntent::Saturation,
];

/// The conversion an embedded RGB or grey profile asks for, to sRGB.
#[derive(Clone)]
pub struct IccToSrgb {
    transform: Arc<Transform8BitExecutor>,
    channels: Channels,
}

impl std::fmt::Debug for IccToSrgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IccToSrgb")
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}

impl IccToSrgb {
    /// `None` unless the profile parses, describes `channels` and differs from sRGB.
    pub fn parse(profile: &[u8], channels: Channels) -> Option<IccToSrgb> {
        let (space, layout) = match channels {
            Channels::Rgb => (DataColorSpace::Rgb, Layout::Rgb),
            Channels::Grey => (DataColorSpace::Gray, Layout::Gray),
        };
        let conversion = IccToSrgb {
            transform: to_srgb(profile, space, layout)?,
            channels,
        };
        (!conversion.is_srgb()).then_some(conversion)
    }

    /// Whether converting would change no level by more than one: then the image is left
    /// exactly as decoded. Checked on every grey level, or a 16×16×16 grid of colours.
    fn is_srgb(&self) -> bool {
        let mut probe = Vec::new();
        match self.channels {
            Channels::Grey => (0..=255u8).for_each(|v| probe.extend([v, v, v])),
            Channels::Rgb => {
                let levels = (0..=255u8).step_by(17);
                for r in levels.clone() {
                    for g in levels.clone() {
                        probe.extend(levels.clone().flat_map(|b| [r, g, b]));
                    }
                }
            }
        }
        let original = probe.clone();
        self.apply(&mut probe).is_ok()
            && probe
                .iter()
                .zip(&original)
                .all(|(&after, &before)| after.abs_diff(before) <= 1)
    }

    /// Converts RGB pixels (3 bytes each, grey ones with equal channels) in place.
    pub fn apply(&self, pixels: &mut [u8]) -> Result<(), DeriveError> {
        let mut scratch = Vec::with_capacity(3 * CHUNK_PIXELS);
        for chunk in pixels.chunks_mut(3 * CHUNK_PIXELS) {
            scratch.clear();
            match self.channels {
                Channels::Rgb => scratch.extend_from_slice(chunk),
                Channels::Grey => scratch.extend(chunk.iter().step_by(3)),
            }
            self.transform.transform(&scratch, chunk)?;
        }
        Ok(())
    }
}

/// The conversion an embedded CMYK profile asks for, to sRGB.
#[derive(Clone)]
pub struct CmykToSrgb(Arc<Transform8BitExecutor>);

impl CmykToSrgb {
    /// `None` unless the profile parses as a CMYK profile with a way to sRGB.
    pub fn parse(profile: &[u8]) -> Option<CmykToSrgb> {
        to_srgb(profile, DataColorSpace::Cmyk, Layout::Rgba).map(CmykToSrgb)
    }

    /// Converts CMYK samples to RGB in place (4 bytes per pixel become 3). `inverted`: the
    /// samples are stored inverted (255 is no ink), as an Adobe APP14 marker says.
    pub fn apply(&self, pixels: &mut Vec<u8>, inverted: bool) -> Result<(), DeriveError> {
        let count = pixels.len() / 4;
        let mut ink = Vec::with_capacity(4 * CHUNK_PIXELS);
        let mut rgb = vec![0u8; 3 * CHUNK_PIXELS];
        for start in (0..count).step_by(CHUNK_PIXELS) {
            let end = (start + CHUNK_PIXELS).min(count);
            ink.clear();
            let samples = pixels[4 * start..4 * end].iter();
            ink.extend(samples.map(|&v| if inverted { 255 - v } else { v }));
            let out = &mut rgb[..3 * (end - start)];
            self.0.transform(&ink, out)?;
            // Behind this chunk's samples, which are already read: nothing unread is overwritten.
            pixels[3 * start..3 * end].copy_from_slice(out);
        }
        pixels.truncate(3 * count);
        Ok(())
    }
}

/// A transform from `profile`, if it parses and describes `space`, to sRGB.
fn to_srgb(
    profile: &[u8],
    space: DataColorSpace,
    layout: Layout,
) -> Option<Arc<Transform8BitExecutor>> {
    let source = ColorProfile::new_from_slice(profile).ok()?;
    if source.color_space != space {
        return None;
    }
    let srgb = ColorProfile::new_srgb();
    INTENTS.into_iter().find_map(|rendering_intent| {
        let options = TransformOptions {
            rendering_intent,
            ..TransformOptions::default()
        };
        source
            .create_transform_8bit(layout, &srgb, Layout::Rgb, options)
            .ok()
    })
}
