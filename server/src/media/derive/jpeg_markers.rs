//! What a JPEG's marker segments say that libjpeg-turbo does not report (orientation, ICC
//! profile, Adobe's inverted CMYK), and the plain CMYK → RGB formula.

use image::metadata::Orientation;

/// What the decoder itself does not report: the EXIF orientation, the ICC profile, and whether
/// an Adobe APP14 marker says CMYK samples are stored inverted.
pub(super) struct JpegMarkers {
    pub orientation: Orientation,
    pub adobe: bool,
    pub icc: Vec<u8>,
}

impl JpegMarkers {
    /// Walks the marker segments before the first scan. A malformed walk just stops: the
    /// decoder reports broken files.
    pub fn read(data: &[u8]) -> JpegMarkers {
        let mut markers = JpegMarkers {
            orientation: Orientation::NoTransforms,
            adobe: false,
            icc: Vec::new(),
        };
        let mut exif_seen = false;
        // The profile may be split over several APP2 segments, each numbered.
        let mut icc_parts = Vec::new();
        let mut pos = 2;
        while let Some(&[0xFF, marker, len_hi, len_lo]) = data.get(pos..pos + 4) {
            if marker == 0xDA || marker == 0xD9 {
                break;
            }
            let length = usize::from(u16::from_be_bytes([len_hi, len_lo]));
            let Some(body) = length
                .checked_sub(2)
                .and_then(|body| data.get(pos + 4..pos + 4 + body))
            else {
                break;
            };
            match marker {
                0xE1 if !exif_seen => {
                    if let Some(tiff) = body.strip_prefix(b"Exif\0\0") {
                        exif_seen = true;
                        if let Some(orientation) = Orientation::from_exif_chunk(tiff) {
                            markers.orientation = orientation;
                        }
                    }
                }
                0xE2 => {
                    if let Some([sequence, _, part @ ..]) = body.strip_prefix(b"ICC_PROFILE\0") {
                        icc_parts.push((*sequence, part));
                    }
                }
                0xEE => markers.adobe |= body.starts_with(b"Adobe"),
                _ => {}
            }
            pos += 2 + length;
        }
        icc_parts.sort_by_key(|(sequence, _)| *sequence);
        markers.icc = icc_parts
            .into_iter()
            .flat_map(|(_, part)| part)
            .copied()
            .collect();
        markers
    }
}

/// Converts CMYK samples to RGB in place (4 bytes per pixel become 3). Without a colour
/// profile this is the textbook formula; libvips' profile-based result differs slightly.
pub(super) fn cmyk_to_rgb(pixels: &mut Vec<u8>, inverted: bool) {
    let count = pixels.len() / 4;
    for i in 0..count {
        let at = 4 * i;
        let mut cmyk = [pixels[at], pixels[at + 1], pixels[at + 2], pixels[at + 3]];
        if !inverted {
            cmyk = cmyk.map(|v| 255 - v);
        }
        // Now 255 means no ink.
        let [c, m, y, k] = cmyk.map(u32::from);
        // At most (255 × 255 + 127) / 255 = 255.
        let rgb = [c, m, y].map(|v| u8::try_from((v * k + 127) / 255).unwrap_or(u8::MAX));
        pixels[3 * i..3 * i + 3].copy_from_slice(&rgb);
    }
    pixels.truncate(3 * count);
}
