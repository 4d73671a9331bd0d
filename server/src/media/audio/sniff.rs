//! The first bytes of a file: its container, whether it carries HTML, and what a WAV header
//! declares. Nothing here trusts a file name.

use super::error::AudioRefusal;
use super::format::Container;

/// The container of a file from its first bytes.
pub fn container(head: &[u8]) -> Result<Container, AudioRefusal> {
    let at = |range: std::ops::Range<usize>| head.get(range).unwrap_or_default();
    if at(4..8) == b"ftyp" {
        Ok(Container::Mp4)
    } else if head.starts_with(b"ID3") {
        Ok(Container::Mp3)
    } else if at(0..4) == b"RIFF" && at(8..12) == b"WAVE" {
        Ok(Container::Wav)
    } else if head.starts_with(b"OggS") {
        Ok(Container::Ogg)
    } else if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Ok(Container::Matroska)
    } else if head.starts_with(b"#!AMR") {
        Ok(Container::Amr)
    } else {
        frame_sync(head).ok_or(AudioRefusal::UnknownFormat)
    }
}

/// MPEG audio frames without a tag: 11 sync bits, then the layer says MP3 (layers I–III; ffprobe
/// then tells which) or ADTS (layer 0, with 12 sync bits).
fn frame_sync(head: &[u8]) -> Option<Container> {
    match head {
        [0xFF, second, ..] if second & 0xF6 == 0xF0 => Some(Container::Adts),
        [0xFF, second, ..] if second & 0xE0 == 0xE0 && second & 0x06 != 0 => Some(Container::Mp3),
        _ => None,
    }
}

/// Markers of an HTML (or SVG) document, looked for case-insensitively in the first bytes: a
/// browser that sniffs a file's type (and a careless download) could run what follows.
const MARKUP: [&[u8]; 7] = [
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<svg",
];

pub fn has_markup(head: &[u8]) -> bool {
    let lower = head.to_ascii_lowercase();
    MARKUP
        .iter()
        .any(|marker| lower.windows(marker.len()).any(|w| w == *marker))
}

/// The length a WAV header declares, in milliseconds: the `data` chunk's size over the `fmt`
/// chunk's byte rate, both within `head`. `None` when either is missing or when the size is a
/// streaming writer's placeholder (0 or 0xFFFFFFFF). ffprobe clips the size to the file, so a
/// header claiming 100 hours over one second of samples is only seen here.
pub fn wav_declared_ms(head: &[u8]) -> Option<u64> {
    let mut byte_rate = None;
    let mut offset = 12;
    while let Some((id, size)) = chunk_header(head, offset) {
        let body = offset + 8;
        match id {
            b"fmt " => byte_rate = le_u32(head, body + 8).filter(|rate| *rate > 0),
            b"data" if size == 0 || size == u32::MAX => return None,
            b"data" => return Some(u64::from(size) * 1000 / u64::from(byte_rate?)),
            _ => {}
        }
        let padded = usize::try_from(size)
            .ok()?
            .checked_add(usize::from(size % 2 == 1))?;
        offset = body.checked_add(padded)?;
    }
    None
}

fn chunk_header(head: &[u8], offset: usize) -> Option<(&[u8], u32)> {
    let id = head.get(offset..offset + 4)?;
    Some((id, le_u32(head, offset + 4)?))
}

fn le_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let word = bytes.get(offset..offset + 4)?;
    Some(u32::from_le_bytes(word.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_told_by_their_first_bytes() {
        let cases: [(&[u8], Result<Container, AudioRefusal>); 9] = [
            (b"\0\0\0\x20ftypM4A ", Ok(Container::Mp4)),
            (b"ID3\x04\0", Ok(Container::Mp3)),
            (&[0xFF, 0xFB, 0x50], Ok(Container::Mp3)),
            (&[0xFF, 0xF1, 0x50], Ok(Container::Adts)),
            (b"RIFF\0\0\0\0WAVEfmt ", Ok(Container::Wav)),
            (b"OggS\0", Ok(Container::Ogg)),
            (&[0x1A, 0x45, 0xDF, 0xA3], Ok(Container::Matroska)),
            (b"#!AMR-WB\n", Ok(Container::Amr)),
            (b"RIFF\0\0\0\0WEBPVP8 ", Err(AudioRefusal::UnknownFormat)),
        ];
        for (head, expected) in cases {
            assert_eq!(container(head), expected, "{head:?}");
        }
    }

    #[test]
    fn markup_is_found_in_any_case() {
        assert!(has_markup(b"ID3\x04\0\0COMM<HTML><ScRiPt>"));
        assert!(!has_markup(b"ID3\x04\0\0COMM<b>plain</b>"));
    }

    fn wav(data_size: u32) -> Vec<u8> {
        let mut head = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0".to_vec();
        head.extend(8000u32.to_le_bytes()); // sample rate
        head.extend(16000u32.to_le_bytes()); // byte rate
        head.extend(b"\x02\0\x10\0LIST\x03\0\0\0abc\0data");
        head.extend(data_size.to_le_bytes());
        head
    }

    #[test]
    fn a_wav_header_declares_its_length_past_other_chunks() {
        assert_eq!(wav_declared_ms(&wav(16_000 * 90)), Some(90_000));
        assert_eq!(wav_declared_ms(&wav(u32::MAX)), None);
        assert_eq!(wav_declared_ms(&wav(0)), None);
        assert_eq!(wav_declared_ms(&wav(16_000)[..40]), None);
    }
}
