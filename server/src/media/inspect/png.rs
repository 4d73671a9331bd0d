//! PNG: chunks up to IEND; compressed metadata is inflated (at most the limit) to count it.

use super::walker::{Stop, Walker, check_dimensions};
use crate::media::format::{Inspected, SourceFormat};
use app::domain::PhotoRefusal;
use app::domain::limits::PHOTO_METADATA_MAX_BYTES;
use std::io::{self, Read, Seek};

impl<R: Read + Seek> Walker<R> {
    pub(super) fn png(&mut self) -> Result<Inspected, Stop> {
        self.skip(8)?;
        let mut dimensions = None;
        let mut has_image_data = false;
        loop {
            let length = u64::from(u32::from_be_bytes(self.bytes()?));
            let kind: [u8; 4] = self.bytes()?;
            match &kind {
                b"IHDR" => {
                    let [w, h] = [self.bytes::<4>()?, self.bytes::<4>()?].map(u32::from_be_bytes);
                    check_dimensions(w, h)?;
                    dimensions = Some((w, h));
                    self.skip(length.saturating_sub(8) + 4)?;
                }
                b"IEND" => break,
                b"iCCP" | b"zTXt" | b"iTXt" => {
                    self.png_compressed_metadata(&kind, length)?;
                    self.skip(4)?;
                }
                b"tEXt" | b"eXIf" => {
                    self.count_metadata(length)?;
                    self.skip(length + 4)?;
                }
                _ if dimensions.is_none() => return Err(PhotoRefusal::UnknownFormat.into()),
                kind => {
                    has_image_data |= kind == b"IDAT";
                    self.skip(length + 4)?;
                }
            }
        }
        let (width, height) = dimensions.ok_or(PhotoRefusal::Truncated)?;
        if !has_image_data {
            return Err(PhotoRefusal::Truncated.into());
        }
        Ok(Inspected {
            format: SourceFormat::Png,
            width,
            height,
            exif_year: None,
        })
    }

    fn png_compressed_metadata(&mut self, kind: &[u8; 4], length: u64) -> Result<(), Stop> {
        let mut chunk = (&mut self.reader).take(length);
        // keyword\0, then: iCCP compression method; zTXt method; iTXt flag, method,
        // language\0, translated keyword\0 — then the (possibly compressed) text.
        let mut header_nuls = if kind == b"iTXt" { 3 } else { 1 };
        let mut consumed = 0u64;
        let mut compressed = true;
        while header_nuls > 0 {
            let mut b = [0u8; 1];
            chunk.read_exact(&mut b)?;
            consumed += 1;
            if b[0] == 0 {
                header_nuls -= 1;
                if kind == b"iTXt" && header_nuls == 2 {
                    let flags: [u8; 2] = {
                        let mut f = [0u8; 2];
                        chunk.read_exact(&mut f)?;
                        f
                    };
                    consumed += 2;
                    compressed = flags[0] == 1;
                }
            }
        }
        if kind != b"iTXt" {
            let mut method = [0u8; 1];
            chunk.read_exact(&mut method)?;
            consumed += 1;
        }
        let remaining = length - consumed;
        let limit = PHOTO_METADATA_MAX_BYTES - self.metadata + 1;
        let counted = if compressed {
            inflated_size(flate2::read::ZlibDecoder::new(&mut chunk), limit)
        } else {
            remaining
        };
        // Whatever the decoder did not read still has to be skipped.
        io::copy(&mut chunk, &mut io::sink())?;
        if chunk.limit() > 0 {
            return Err(Stop::Io);
        }
        self.count_metadata(counted)
    }
}

/// How many bytes a compressed stream inflates to, reading no more than `limit`. A corrupt
/// stream counts what it produced before the error.
fn inflated_size<D: Read>(mut decoder: D, limit: u64) -> u64 {
    let mut buffer = [0u8; 8192];
    let mut total = 0u64;
    while total < limit {
        match decoder.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => total = total.saturating_add(u64::try_from(n).unwrap_or(u64::MAX)),
        }
    }
    total
}
