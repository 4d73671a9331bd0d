//! JPEG: markers up to EOI, entropy-coded data scanned byte by byte. Data after EOI (Android
//! motion photos append a video) is ignored: only re-encoded derivatives are ever served. The
//! capture year comes from the first EXIF segment.

use super::walker::{Stop, Walker, check_dimensions};
use crate::media::format::{Inspected, SourceFormat};
use app::domain::PhotoRefusal;
use std::io::{Read, Seek};

impl<R: Read + Seek> Walker<R> {
    pub(super) fn jpeg(&mut self) -> Result<Inspected, Stop> {
        self.skip(2)?;
        let mut dimensions = None;
        let mut exif_year = None;
        let mut marker = self.next_marker()?;
        loop {
            match marker {
                0xD9 => break,
                0xD0..=0xD7 | 0x01 => {
                    marker = self.next_marker()?;
                    continue;
                }
                0xD8 => return Err(PhotoRefusal::UnknownFormat.into()),
                _ => {}
            }
            let length = u16::from_be_bytes(self.bytes()?);
            let body = u64::from(length)
                .checked_sub(2)
                .ok_or(PhotoRefusal::UnknownFormat)?;
            match marker {
                0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                    let [_, h1, h0, w1, w0] = self.bytes::<5>()?;
                    let (width, height) = (
                        u32::from(u16::from_be_bytes([w1, w0])),
                        u32::from(u16::from_be_bytes([h1, h0])),
                    );
                    check_dimensions(width, height)?;
                    dimensions = Some((width, height));
                    self.skip(body.saturating_sub(5))?;
                }
                0xE0..=0xEF | 0xFE => {
                    self.count_metadata(body)?;
                    if marker == 0xE1 && exif_year.is_none() {
                        // At most 65,533: the length is a u16.
                        let data = self.vec(usize::try_from(body).unwrap_or(usize::MAX))?;
                        exif_year = data.strip_prefix(b"Exif\0\0").and_then(exif_capture_year);
                    } else {
                        self.skip(body)?;
                    }
                }
                0xDA => {
                    if dimensions.is_none() {
                        return Err(PhotoRefusal::UnknownFormat.into());
                    }
                    self.skip(body)?;
                    marker = self.skip_entropy_coded_data()?;
                    continue;
                }
                _ => self.skip(body)?,
            }
            marker = self.next_marker()?;
        }
        let (width, height) = dimensions.ok_or(PhotoRefusal::Truncated)?;
        Ok(Inspected {
            format: SourceFormat::Jpeg,
            width,
            height,
            exif_year,
        })
    }

    fn next_marker(&mut self) -> Result<u8, Stop> {
        if self.u8()? != 0xFF {
            return Err(PhotoRefusal::Truncated.into());
        }
        loop {
            match self.u8()? {
                0xFF => continue,
                marker => return Ok(marker),
            }
        }
    }

    /// Reads past a scan's entropy-coded data and returns the marker that ends it.
    fn skip_entropy_coded_data(&mut self) -> Result<u8, Stop> {
        loop {
            if self.u8()? != 0xFF {
                continue;
            }
            let mut next = self.u8()?;
            while next == 0xFF {
                next = self.u8()?;
            }
            match next {
                0x00 | 0xD0..=0xD7 => continue,
                marker => return Ok(marker),
            }
        }
    }
}

/// The year of EXIF `DateTimeOriginal` ("2012:05:01 10:00:00"), from a TIFF-structured block.
pub fn exif_capture_year(tiff: &[u8]) -> Option<i32> {
    let exif = exif::Reader::new().read_raw(tiff.to_vec()).ok()?;
    let field = exif
        .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
        .or_else(|| exif.get_field(exif::Tag::DateTime, exif::In::PRIMARY))?;
    match &field.value {
        exif::Value::Ascii(parts) => {
            let text = parts.first()?;
            std::str::from_utf8(text.get(..4)?).ok()?.parse().ok()
        }
        _ => None,
    }
}
