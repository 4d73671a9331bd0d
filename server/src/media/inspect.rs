//! Looks at an uploaded file's structure **without decoding pixels**: the format from its
//! content (never its name), the dimensions its header declares, the size of its metadata, and
//! whether the file is complete. Everything is read through a small buffer, so a 25 MB upload
//! costs 64 KB of memory here, and a 30000×30000 PNG bomb is refused after reading 33 bytes.

use app::domain::PhotoRefusal;
use app::domain::limits::{PHOTO_MAX_PIXELS, PHOTO_MAX_SIDE, PHOTO_METADATA_MAX_BYTES};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl SourceFormat {
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Jpeg => "jpeg",
            SourceFormat::Png => "png",
            SourceFormat::Gif => "gif",
            SourceFormat::Webp => "webp",
        }
    }

    pub fn from_name(name: &str) -> Option<SourceFormat> {
        [
            SourceFormat::Jpeg,
            SourceFormat::Png,
            SourceFormat::Gif,
            SourceFormat::Webp,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }
}

/// What the header of an acceptable photo says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    pub format: SourceFormat,
    pub width: u32,
    pub height: u32,
    /// The year the photo was taken, from EXIF `DateTimeOriginal` when present.
    pub exif_year: Option<i32>,
}

pub fn inspect_file(path: &Path) -> Result<Inspected, PhotoRefusal> {
    let file = File::open(path).map_err(|_| PhotoRefusal::Unreadable)?;
    let size = file.metadata().map_err(|_| PhotoRefusal::Unreadable)?.len();
    inspect(BufReader::with_capacity(64 * 1024, file), size)
}

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

enum Stop {
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

fn check_dimensions(width: u32, height: u32) -> Result<(), PhotoRefusal> {
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

struct Walker<R> {
    reader: R,
    /// Bytes of metadata seen so far (decompressed where the format compresses it).
    metadata: u64,
}

impl<R: Read + Seek> Walker<R> {
    fn u8(&mut self) -> Result<u8, Stop> {
        let mut b = [0u8; 1];
        self.reader.read_exact(&mut b)?;
        Ok(b[0])
    }

    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], Stop> {
        let mut b = [0u8; N];
        self.reader.read_exact(&mut b)?;
        Ok(b)
    }

    fn vec(&mut self, len: usize) -> Result<Vec<u8>, Stop> {
        let mut v = vec![0u8; len];
        self.reader.read_exact(&mut v)?;
        Ok(v)
    }

    /// Skips `len` bytes, failing if the file ends first.
    fn skip(&mut self, len: u64) -> Result<(), Stop> {
        let copied = io::copy(&mut (&mut self.reader).take(len), &mut io::sink())?;
        if copied < len {
            return Err(Stop::Io);
        }
        Ok(())
    }

    fn count_metadata(&mut self, bytes: u64) -> Result<(), Stop> {
        self.metadata += bytes;
        if self.metadata > PHOTO_METADATA_MAX_BYTES {
            return Err(PhotoRefusal::MetadataTooLarge {
                max_bytes: PHOTO_METADATA_MAX_BYTES,
            }
            .into());
        }
        Ok(())
    }

    // JPEG: markers up to EOI, entropy-coded data scanned byte by byte. Data after EOI (Android
    // motion photos append a video) is ignored: only re-encoded derivatives are ever served.
    fn jpeg(&mut self) -> Result<Inspected, Stop> {
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

    // PNG: chunks up to IEND; compressed metadata is inflated (at most the limit) to count it.
    fn png(&mut self) -> Result<Inspected, Stop> {
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

    // GIF: blocks up to the trailer; every frame's size is checked, only the first is used.
    fn gif(&mut self) -> Result<Inspected, Stop> {
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

    // WebP: a RIFF container; the size it declares must match the file.
    fn webp(&mut self, size: u64) -> Result<Inspected, Stop> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn check(bytes: &[u8]) -> Result<Inspected, PhotoRefusal> {
        inspect(Cursor::new(bytes), u64::try_from(bytes.len()).unwrap())
    }

    fn png_with(width: u32, height: u32, extra: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8; 4], data: &[u8]| {
            out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0, 0, 0, 0]);
        };
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(b"IHDR", &ihdr);
        for (kind, data) in extra {
            chunk(kind, data);
        }
        chunk(b"IDAT", &[]);
        chunk(b"IEND", &[]);
        out
    }

    #[test]
    fn png_dimensions_are_checked_at_and_past_each_limit() {
        assert!(check(&png_with(12_000, 3_333, &[])).is_ok());
        assert_eq!(
            check(&png_with(12_001, 10, &[])),
            Err(PhotoRefusal::SideTooLong {
                width: 12_001,
                height: 10,
                max: 12_000
            })
        );
        // 8000 × 5000 = 40 MP exactly is accepted; one more row is not.
        assert!(check(&png_with(8_000, 5_000, &[])).is_ok());
        assert!(matches!(
            check(&png_with(8_000, 5_001, &[])),
            Err(PhotoRefusal::TooManyPixels { .. })
        ));
    }

    #[test]
    fn compressed_png_metadata_is_measured_after_inflating() {
        use flate2::{Compression, write::ZlibEncoder};
        use std::io::Write;
        let ztxt = |bytes: usize| {
            let mut encoder = ZlibEncoder::new(b"Comment\0\0".to_vec(), Compression::best());
            encoder.write_all(&vec![b'a'; bytes]).unwrap();
            encoder.finish().unwrap()
        };
        let limit = usize::try_from(PHOTO_METADATA_MAX_BYTES).unwrap();
        assert!(check(&png_with(10, 10, &[(b"zTXt", ztxt(limit))])).is_ok());
        let bomb = ztxt(limit + 1);
        assert!(bomb.len() < 10_000, "the compressed chunk is small");
        assert!(matches!(
            check(&png_with(10, 10, &[(b"zTXt", bomb)])),
            Err(PhotoRefusal::MetadataTooLarge { .. })
        ));
    }

    #[test]
    fn truncated_and_unknown_files_are_refused() {
        let png = png_with(10, 10, &[]);
        assert_eq!(check(&png[..png.len() - 12]), Err(PhotoRefusal::Truncated));
        assert_eq!(check(b""), Err(PhotoRefusal::Empty));
        assert_eq!(
            check(b"<html><script>alert(1)</script></html>"),
            Err(PhotoRefusal::UnknownFormat)
        );
        assert_eq!(
            check(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Err(PhotoRefusal::Heic)
        );
    }

    /// Found by fuzzing (fuzz/ target `inspect_image`): a RIFF size below 4 underflowed.
    #[test]
    fn webp_declaring_less_than_its_own_header_is_truncated() {
        let mut webp = b"RIFF\x02\0\0\0WEBPVP8L\x05\0".to_vec();
        webp.extend_from_slice(&[0x2B, 0x09, 0, 0, 0, 0x01, 0xDB, 0, 0]);
        assert_eq!(check(&webp), Err(PhotoRefusal::Truncated));
    }

    #[test]
    fn jpeg_must_reach_its_end_marker_but_may_carry_trailing_data() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0, 20, 0, 30, 1, 1, 0x11, 0]);
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
        jpeg.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        let complete = [jpeg.as_slice(), &[0xFF, 0xD9]].concat();
        let inspected = check(&complete).unwrap();
        assert_eq!((inspected.width, inspected.height), (30, 20));
        let motion_photo = [complete.as_slice(), b"\0\0\0\x18ftypmp42 video"].concat();
        assert!(check(&motion_photo).is_ok());
        assert_eq!(check(&jpeg), Err(PhotoRefusal::Truncated));
    }
}
