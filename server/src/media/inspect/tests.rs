//! Header inspection on hand-made files at and past each limit.

use super::inspect;
use crate::media::format::Inspected;
use app::domain::PhotoRefusal;
use app::domain::limits::PHOTO_METADATA_MAX_BYTES;
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
