use super::fixtures::{accepted, hostile};
use crate::media::audio::limits::{AUDIO_MAX_BYTES, AUDIO_MAX_CHANNELS};
use crate::media::audio::{AudioLimits, AudioRefusal, Codec, Container, probe, probe_with};

/// The speech fixture lasts 33.57 s; containers round and pad a little.
fn about_speech_length(ms: u64) -> bool {
    (33_400..=33_900).contains(&ms)
}

#[tokio::test]
async fn every_accepted_format_is_told_by_its_content() {
    let cases = [
        ("speech.wav", Container::Wav, Codec::Pcm, 2),
        ("speech.m4a", Container::Mp4, Codec::Aac, 1),
        ("speech.aac", Container::Adts, Codec::Aac, 1),
        ("speech.mp3", Container::Mp3, Codec::Mp3, 1),
        ("speech-opus.ogg", Container::Ogg, Codec::Opus, 1),
        ("speech-vorbis.ogg", Container::Ogg, Codec::Vorbis, 1),
        ("speech.webm", Container::Matroska, Codec::Opus, 1),
        ("silence.amr", Container::Amr, Codec::AmrNb, 1),
        ("wav-named.m4a", Container::Wav, Codec::Pcm, 2),
    ];
    for (name, container, codec, channels) in cases {
        let facts = probe(&accepted(name)).await.unwrap().unwrap();
        assert_eq!(
            (facts.container, facts.codec, facts.channels),
            (container, codec, channels),
            "{name}"
        );
        assert!((8_000..=48_000).contains(&facts.sample_rate), "{name}");
        let declared = facts.declared_ms;
        match name {
            // Like a browser's MediaRecorder: no duration in the header.
            "speech.webm" => assert_eq!(declared, None),
            "silence.amr" => assert!(declared.is_some_and(|ms| (5_000..5_200).contains(&ms))),
            _ => assert!(
                declared.is_some_and(about_speech_length),
                "{name}: {declared:?}"
            ),
        }
    }
}

#[tokio::test]
async fn every_hostile_file_is_refused_by_probe_with_its_reason() {
    let cases = [
        ("empty.m4a", AudioRefusal::Empty),
        ("random.m4a", AudioRefusal::UnknownFormat),
        ("truncated.m4a", AudioRefusal::Unreadable),
        ("mp3-in-wav.wav", AudioRefusal::UnsupportedCodec),
        ("video-only.webm", AudioRefusal::NoAudio),
        (
            "hundred-hours.wav",
            AudioRefusal::TooLong { max_seconds: 3600 },
        ),
        (
            "over-an-hour.mp3",
            AudioRefusal::TooLong { max_seconds: 3600 },
        ),
        (
            "channels-12.wav",
            AudioRefusal::Channels {
                channels: 12,
                max: AUDIO_MAX_CHANNELS,
            },
        ),
        (
            "rate-384k.wav",
            AudioRefusal::SampleRate {
                hz: 384_000,
                min: 8_000,
                max: 192_000,
            },
        ),
        (
            "rate-4k.wav",
            AudioRefusal::SampleRate {
                hz: 4_000,
                min: 8_000,
                max: 192_000,
            },
        ),
        (
            "oversized.wav",
            AudioRefusal::TooLarge {
                max_bytes: AUDIO_MAX_BYTES,
            },
        ),
        ("polyglot.mp3", AudioRefusal::Markup),
        ("html-first.mp3", AudioRefusal::Markup),
    ];
    for (name, refusal) in cases {
        let outcome = probe(&hostile(name)).await.unwrap();
        assert_eq!(outcome, Err(refusal), "{name}");
    }
}

#[tokio::test]
async fn a_bomb_declares_a_short_length_and_passes_probe() {
    // Only decoding finds it out: see access::a_header_that_lies_is_caught_while_decoding.
    let facts = probe(&hostile("bomb.webm")).await.unwrap().unwrap();
    assert_eq!(facts.declared_ms, Some(10_008));
}

#[tokio::test]
async fn the_limits_are_checked_at_their_edge() {
    let wav = accepted("speech.wav");
    let bytes = std::fs::metadata(&wav).unwrap().len();
    let at = |max_bytes, max_seconds| AudioLimits {
        max_bytes,
        max_seconds,
        ..AudioLimits::DEFAULT
    };
    assert!(probe_with(&wav, &at(bytes, 34)).await.unwrap().is_ok());
    assert_eq!(
        probe_with(&wav, &at(bytes - 1, 34)).await.unwrap(),
        Err(AudioRefusal::TooLarge {
            max_bytes: bytes - 1
        })
    );
    assert_eq!(
        probe_with(&wav, &at(bytes, 33)).await.unwrap(),
        Err(AudioRefusal::TooLong { max_seconds: 33 })
    );
}

#[tokio::test]
async fn an_ffprobe_without_memory_refuses_rather_than_crashes() {
    let starved = AudioLimits {
        child_memory_bytes: 16 * 1024 * 1024,
        ..AudioLimits::DEFAULT
    };
    let outcome = probe_with(&accepted("speech.m4a"), &starved).await.unwrap();
    assert_eq!(outcome, Err(AudioRefusal::Unreadable));
}
