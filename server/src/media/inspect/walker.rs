//! The walker every format shares: reads through a small buffer, counts metadata against its
//! limit, and stops at the first refusal or at the end of the file.

use app::domain::PhotoRefusal;
use app::domain::limits::{PHOTO_MAX_PIXELS, PHOTO_MAX_SIDE, PHOTO_METADATA_MAX_BYTES};
use std::io::{self, Read, Seek};

pub(super) enum Stop {
    Refused(PhotoRefusal),
    /// The file ended (or could not be read) in the middle of a structure.
    Io,
}

impl From<io::Error> for Stop {
    fn from(_: io::Error) -> Stop {
        Stop::Io
    }
}

impl From<PhotoRefusal> for Stop {
    fn from(refusal: PhotoRefusal) -> Stop {
        Stop::Refused(refusal)
    }
}

pub(super) fn check_dimensions(width: u32, height: u32) -> Result<(), PhotoRefusal> {
    if width == 0 || height == 0 {
        return Err(PhotoRefusal::UnknownFormat);
    }
    if width > PHOTO_MAX_SIDE || height > PHOTO_MAX_SIDE {
        return Err(PhotoRefusal::SideTooLong {
            width,
            height,
            max: PHOTO_MAX_SIDE,
        });
    }
    if u64::from(width) * u64::from(height) > PHOTO_MAX_PIXELS {
        return Err(PhotoRefusal::TooManyPixels {
            width,
            height,
            max_megapixels: PHOTO_MAX_PIXELS / 1_000_000,
        });
    }
    Ok(())
}

pub(super) struct Walker<R> {
    pub reader: R,
    /// Bytes of metadata seen so far (decompressed where the format compresses it).
    pub metadata: u64,
}

impl<R: Read + Seek> Walker<R> {
    pub fn u8(&mut self) -> Result<u8, Stop> {
        let mut b = [0u8; 1];
        self.reader.read_exact(&mut b)?;
        Ok(b[0])
    }

    pub fn bytes<const N: usize>(&mut self) -> Result<[u8; N], Stop> {
        let mut b = [0u8; N];
        self.reader.read_exact(&mut b)?;
        Ok(b)
    }

    pub fn vec(&mut self, len: usize) -> Result<Vec<u8>, Stop> {
        let mut v = vec![0u8; len];
        self.reader.read_exact(&mut v)?;
        Ok(v)
    }

    /// Skips `len` bytes, failing if the file ends first.
    pub fn skip(&mut self, len: u64) -> Result<(), Stop> {
        let copied = io::copy(&mut (&mut self.reader).take(len), &mut io::sink())?;
        if copied < len {
            return Err(Stop::Io);
        }
        Ok(())
    }

    pub fn count_metadata(&mut self, bytes: u64) -> Result<(), Stop> {
        self.metadata += bytes;
        if self.metadata > PHOTO_METADATA_MAX_BYTES {
            return Err(PhotoRefusal::MetadataTooLarge {
                max_bytes: PHOTO_METADATA_MAX_BYTES,
            }
            .into());
        }
        Ok(())
    }
}
