//! WebP: a RIFF container; the size it declares must match the file.

use super::walker::{Stop, Walker, check_dimensions};
use crate::media::format::{Inspected, SourceFormat};
use app::domain::PhotoRefusal;
use std::io::{Read, Seek};

impl<R: Read + Seek> Walker<R> {
    pub(super) fn webp(&mut self, size: u64) -> Result<Inspected, Stop> {
        self.skip(4)?;
        let riff_size = u64::from(u32::from_le_bytes(self.bytes()?));
        if riff_size + 8 > size {
            return Err(PhotoRefusal::Truncated.into());
        }
        self.skip(4)?;
        // The declared size counts "WEBP" itself; a smaller one cannot describe any chunk.
        let mut remaining = riff_size.checked_sub(4).ok_or(PhotoRefusal::Truncated)?;
        let mut dimensions = None;
        while remaining >= 8 {
            let kind: [u8; 4] = self.bytes()?;
            let length = u64::from(u32::from_le_bytes(self.bytes()?));
            let padded = length + (length & 1);
            remaining = remaining
                .checked_sub(8 + padded)
                .ok_or(PhotoRefusal::Truncated)?;
            let mut used = 0;
            match &kind {
                b"VP8X" if length >= 10 => {
                    let d = self.bytes::<10>()?;
                    used = 10;
                    let w = u32::from_le_bytes([d[4], d[5], d[6], 0]) + 1;
                    let h = u32::from_le_bytes([d[7], d[8], d[9], 0]) + 1;
                    check_dimensions(w, h)?;
                    dimensions = Some((w, h));
                }
                b"VP8 " if length >= 10 => {
                    let d = self.bytes::<10>()?;
                    used = 10;
                    if d[3..6] != [0x9D, 0x01, 0x2A] {
                        return Err(PhotoRefusal::UnknownFormat.into());
                    }
                    let w = u32::from(u16::from_le_bytes([d[6], d[7]]) & 0x3FFF);
                    let h = u32::from(u16::from_le_bytes([d[8], d[9]]) & 0x3FFF);
                    check_dimensions(w, h)?;
                    dimensions.get_or_insert((w, h));
                }
                b"VP8L" if length >= 5 => {
                    let d = self.bytes::<5>()?;
                    used = 5;
                    if d[0] != 0x2F {
                        return Err(PhotoRefusal::UnknownFormat.into());
                    }
                    let bits = u32::from_le_bytes([d[1], d[2], d[3], d[4]]);
                    let w = (bits & 0x3FFF) + 1;
                    let h = ((bits >> 14) & 0x3FFF) + 1;
                    check_dimensions(w, h)?;
                    dimensions.get_or_insert((w, h));
                }
                b"EXIF" | b"XMP " | b"ICCP" => self.count_metadata(length)?,
                _ => {}
            }
            self.skip(padded - used)?;
        }
        let (width, height) = dimensions.ok_or(PhotoRefusal::UnknownFormat)?;
        Ok(Inspected {
            format: SourceFormat::Webp,
            width,
            height,
            exif_year: None,
        })
    }
}
