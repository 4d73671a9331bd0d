use super::fixtures::{
    accepted, decode_8khz, duration_ms, entries, ffprobe_json, hostile, integrated_loudness,
    out_folder,
};
use crate::media::audio::limits::{PEAK_BUCKETS, TARGET_LUFS};
use crate::media::audio::{
    AccessCopy, AudioError, AudioLimits, AudioRefusal, Outcome, TimeRange, make_access_copy,
    make_access_copy_with, probe,
};
use sha2::{Digest, Sha256};
use std::path::Path;

async fn convert(source: &Path, out: &Path, redactions: &[TimeRange]) -> AccessCopy {
    let facts = probe(source).await.unwrap().unwrap();
    make_access_copy(source, &facts, out, redactions)
        .await
        .unwrap()
        .unwrap()
}

async fn convert_with(source: &Path, out: &Path, limits: &AudioLimits) -> Outcome<AccessCopy> {
    let facts = probe(source).await.unwrap().unwrap();
    make_access_copy_with(source, &facts, out, &[], limits).await
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// No ID3v2 header, no ID3v1 trailer, no Xing/Info/LAME header frame, no LAME name in the
/// frames, and ffprobe finds no tag or chapter.
fn assert_no_metadata(out: &Path) {
    let bytes = std::fs::read(out).unwrap();
    assert_eq!(
        &bytes[..2],
        &[0xFF, 0xFB],
        "starts with a frame, not an ID3 tag"
    );
    assert_ne!(&bytes[bytes.len() - 128..][..3], b"TAG");
    // Four-byte markers anywhere (a chance match in 300 KB of audio data is ~1 in 15 000).
    for marker in [b"Xing", b"Info", b"LAME", b"Lavf", b"Lavc"] {
        assert!(
            !contains(&bytes, marker),
            "{}",
            String::from_utf8_lossy(marker)
        );
    }
    let json = ffprobe_json(out);
    assert_eq!(json["format"]["tags"], serde_json::Value::Null, "{json}");
    assert_eq!(
        json["streams"][0]["tags"],
        serde_json::Value::Null,
        "{json}"
    );
    assert_eq!(json["chapters"], serde_json::json!([]));
    assert_eq!(json["streams"][0]["codec_name"], "mp3");
    assert_eq!(json["streams"][0]["channels"], 1);
    assert_eq!(json["streams"][0]["sample_rate"], "44100");
    assert_eq!(json["streams"][0]["bit_rate"], "64000");
}

#[tokio::test]
async fn every_accepted_format_becomes_a_clean_normalised_access_copy() {
    let folder = out_folder("formats");
    for name in [
        "speech.wav",
        "speech.m4a",
        "speech.aac",
        "speech.mp3",
        "speech-opus.ogg",
        "speech-vorbis.ogg",
        "speech.webm",
        "wav-named.m4a",
    ] {
        let out = folder.join(format!("{name}.mp3"));
        let copy = convert(&accepted(name), &out, &[]).await;
        // The source as a player decodes it (raw AAC keeps its 46 ms of encoder priming).
        let source_ms = u64::try_from(decode_8khz(&accepted(name)).len() / 8).unwrap();
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(copy.bytes, u64::try_from(bytes.len()).unwrap());
        assert_eq!(copy.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));
        assert_no_metadata(&out);
        let loudness = integrated_loudness(&out);
        assert!(
            (loudness - f64::from(TARGET_LUFS)).abs() <= 1.0,
            "{name}: {loudness} LUFS"
        );
        assert!(
            copy.duration_ms.abs_diff(source_ms) <= 100,
            "{name}: {copy:?}"
        );
        // The MP3 adds LAME's delay and last-frame padding (~50 ms; no Xing header to trim it).
        assert!(duration_ms(&out).abs_diff(source_ms) <= 100, "{name}");
        assert!((300..=PEAK_BUCKETS).contains(&copy.peaks.len()), "{name}");
        assert_eq!(copy.peaks.iter().max(), Some(&255));
    }
}

#[tokio::test]
async fn amr_is_decoded_too() {
    let folder = out_folder("amr");
    let out = folder.join("amr.mp3");
    let copy = convert(&accepted("silence.amr"), &out, &[]).await;
    assert!(copy.duration_ms.abs_diff(5_000) <= 100, "{copy:?}");
    assert_no_metadata(&out);
}

/// The loudest sample of each 10 ms between two times.
fn frame_peaks(samples: &[i16], from_ms: usize, to_ms: usize) -> Vec<u16> {
    samples[from_ms * 8..to_ms * 8]
        .chunks(80)
        .map(|frame| frame.iter().map(|s| s.unsigned_abs()).max().unwrap())
        .collect()
}

#[tokio::test]
async fn a_redaction_silences_exactly_its_range() {
    let folder = out_folder("redaction");
    let out = folder.join("redacted.mp3");
    // The speech runs without a pause from 5.3 s to 10.3 s.
    let range = TimeRange::new(6_000, 10_000).unwrap();
    convert(&accepted("speech.m4a"), &out, &[range]).await;
    let samples = decode_8khz(&out);
    let silent = 16; // −66 dBFS
    let inside = frame_peaks(&samples, 6_100, 9_900);
    assert!(inside.iter().all(|peak| *peak <= silent), "{inside:?}");
    for (from, to) in [(5_600, 5_900), (10_100, 10_300)] {
        let outside = frame_peaks(&samples, from, to);
        let loud = outside.iter().filter(|peak| **peak > 1_000).count();
        assert!(loud * 2 > outside.len(), "{from}–{to} ms: {outside:?}");
    }
    assert!(integrated_loudness(&out) > f64::from(TARGET_LUFS) - 1.0);
}

/// Converts `source` under `limits` into a fresh folder, which must be left empty.
async fn convert_leaving_nothing(
    test: &str,
    source: &Path,
    limits: AudioLimits,
) -> Outcome<AccessCopy> {
    let folder = out_folder(test);
    let outcome = convert_with(source, &folder.join("copy.mp3"), &limits).await;
    assert_eq!(entries(&folder), Vec::<String>::new());
    outcome
}

#[tokio::test]
async fn a_header_that_lies_is_caught_while_decoding() {
    let limits = AudioLimits {
        max_seconds: 60,
        ..AudioLimits::DEFAULT
    };
    let outcome = convert_leaving_nothing("bomb", &hostile("bomb.webm"), limits).await;
    assert_eq!(
        outcome.unwrap(),
        Err(AudioRefusal::TooLong { max_seconds: 60 })
    );
}

#[tokio::test]
async fn a_child_over_its_cpu_time_is_killed_and_refused() {
    // The bomb declares 10 s: two seconds of CPU time (no base), where decoding it takes ~60.
    // A wall time far beyond the CPU time: on a busy machine the child may get little of it.
    let limits = AudioLimits {
        decode_cpu_base_seconds: 0,
        wall_per_cpu: 60,
        ..AudioLimits::DEFAULT
    };
    let outcome = convert_leaving_nothing("cpu", &hostile("bomb.webm"), limits).await;
    assert_eq!(outcome.unwrap(), Err(AudioRefusal::TooCostly));
}

#[tokio::test]
async fn a_child_over_its_wall_time_is_killed_and_reported() {
    let limits = AudioLimits {
        wall_per_cpu: 0,
        ..AudioLimits::DEFAULT
    };
    let outcome = convert_leaving_nothing("wall", &accepted("speech.m4a"), limits).await;
    assert!(
        matches!(
            outcome,
            Err(AudioError::TimedOut {
                program: "ffmpeg",
                ..
            })
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_child_without_memory_is_refused_rather_than_crashing() {
    let limits = AudioLimits {
        child_memory_bytes: 16 * 1024 * 1024,
        ..AudioLimits::DEFAULT
    };
    let outcome = convert_leaving_nothing("memory", &accepted("speech.m4a"), limits).await;
    assert_eq!(outcome.unwrap(), Err(AudioRefusal::Undecodable));
}
