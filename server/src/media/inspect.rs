//! Looks at an uploaded file's structure **without decoding pixels**: the format from its
//! content (never its name), the dimensions its header declares, the size of its metadata, and
//! whether the file is complete. Everything is read through a small buffer, so a 25 MB upload
//! costs 64 KB of memory here, and a 30000×30000 PNG bomb is refused after reading 33 bytes.

mod gif;
mod jpeg;
mod png;
#[cfg(test)]
mod tests;
mod walker;
mod webp;

pub use jpeg::exif_capture_year;

use crate::media::format::{Inspected, SourceFormat};
use app::domain::PhotoRefusal;
use std::io::{self, Read, Seek, SeekFrom};
use walker::{Stop, Walker};

pub fn inspect<R: Read + Seek>(mut reader: R, size: u64) -> Result<Inspected, PhotoRefusal> {
    if size == 0 {
        return Err(PhotoRefusal::Empty);
    }
    let mut magic = [0u8; 12];
    let got = read_up_to(&mut reader, &mut magic).map_err(|_| PhotoRefusal::Unreadable)?;
    let magic = &magic[..got];
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|_| PhotoRefusal::Unreadable)?;
    let mut walker = Walker {
        reader,
        metadata: 0,
    };
    let result = match sniff(magic)? {
        SourceFormat::Jpeg => walker.jpeg(),
        SourceFormat::Png => walker.png(),
        SourceFormat::Gif => walker.gif(),
        SourceFormat::Webp => walker.webp(size),
    };
    result.map_err(|e| match e {
        Stop::Refused(refusal) => refusal,
        Stop::Io => PhotoRefusal::Truncated,
    })
}

fn sniff(magic: &[u8]) -> Result<SourceFormat, PhotoRefusal> {
    if magic.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(SourceFormat::Jpeg)
    } else if magic.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(SourceFormat::Png)
    } else if magic.starts_with(b"GIF87a") || magic.starts_with(b"GIF89a") {
        Ok(SourceFormat::Gif)
    } else if magic.len() >= 12 && &magic[..4] == b"RIFF" && &magic[8..12] == b"WEBP" {
        Ok(SourceFormat::Webp)
    } else if magic.len() >= 12 && &magic[4..8] == b"ftyp" && is_heif_brand(&magic[8..12]) {
        Err(PhotoRefusal::Heic)
    } else {
        Err(PhotoRefusal::UnknownFormat)
    }
}

fn is_heif_brand(brand: &[u8]) -> bool {
    const BRANDS: [&[u8; 4]; 10] = [
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis",
    ];
    BRANDS.iter().any(|b| b.as_slice() == brand)
}

fn read_up_to<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}
