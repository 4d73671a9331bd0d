//! GIF: blocks up to the trailer; every frame's size is checked, only the first is used.

use super::walker::{Stop, Walker, check_dimensions};
use crate::media::format::{Inspected, SourceFormat};
use app::domain::PhotoRefusal;
use std::io::{Read, Seek};

impl<R: Read + Seek> Walker<R> {
    pub(super) fn gif(&mut self) -> Result<Inspected, Stop> {
        self.skip(6)?;
        let [w0, w1, h0, h1, flags, _, _] = self.bytes::<7>()?;
        let width = u32::from(u16::from_le_bytes([w0, w1]));
        let height = u32::from(u16::from_le_bytes([h0, h1]));
        check_dimensions(width, height)?;
        if flags & 0x80 != 0 {
            self.skip(3 * (1u64 << ((flags & 0x07) + 1)))?;
        }
        let mut frames = 0;
        loop {
            match self.u8()? {
                0x3B => break,
                0x2C => {
                    let d = self.bytes::<9>()?;
                    let fw = u32::from(u16::from_le_bytes([d[4], d[5]]));
                    let fh = u32::from(u16::from_le_bytes([d[6], d[7]]));
                    check_dimensions(fw.max(1), fh.max(1))?;
                    if d[8] & 0x80 != 0 {
                        self.skip(3 * (1u64 << ((d[8] & 0x07) + 1)))?;
                    }
                    self.skip(1)?;
                    self.gif_sub_blocks(false)?;
                    frames += 1;
                }
                0x21 => {
                    let label = self.u8()?;
                    // Graphic control (F9) and plain text (01) are image data; the rest is
                    // metadata (comments, application blocks such as XMP).
                    self.gif_sub_blocks(!matches!(label, 0xF9 | 0x01))?;
                }
                _ => return Err(PhotoRefusal::Truncated.into()),
            }
        }
        if frames == 0 {
            return Err(PhotoRefusal::Truncated.into());
        }
        Ok(Inspected {
            format: SourceFormat::Gif,
            width,
            height,
            exif_year: None,
        })
    }

    fn gif_sub_blocks(&mut self, metadata: bool) -> Result<(), Stop> {
        loop {
            let len = u64::from(self.u8()?);
            if len == 0 {
                return Ok(());
            }
            if metadata {
                self.count_metadata(len)?;
            }
            self.skip(len)?;
        }
    }
}
