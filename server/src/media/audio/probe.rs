//! Checking a recording before anything decodes it: size, HTML, container (from its first
//! bytes), what a WAV header declares, then ffprobe in a limited child for the codec, channels,
//! sample rate and the duration the container declares.

use super::child::{self, Exit};
use super::error::{AudioError, AudioRefusal, Outcome};
use super::format::{Codec, Container};
use super::limits::{AUDIO_MAX_CHANNELS, AUDIO_SAMPLE_RATES, AudioLimits, SNIFF_BYTES};
use super::sniff;
use crate::numeric::u64_from_f64;
use serde::Deserialize;
use std::ffi::OsString;
use std::path::Path;
use tokio::io::AsyncReadExt;

/// What an acceptable recording is, by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioFacts {
    pub container: Container,
    pub codec: Codec,
    pub bytes: u64,
    /// The length the container declares; `None` when it does not say (browsers' WebM), and
    /// then only decoding tells (`make_access_copy` stops at the limit).
    pub declared_ms: Option<u64>,
    pub channels: u32,
    pub sample_rate: u32,
}

/// Checks the recording at `path` under the default limits.
pub async fn probe(path: &Path) -> Outcome<AudioFacts> {
    probe_with(path, &AudioLimits::DEFAULT).await
}

pub async fn probe_with(path: &Path, limits: &AudioLimits) -> Outcome<AudioFacts> {
    let bytes = tokio::fs::metadata(path).await?.len();
    let head = read_head(path).await?;
    let container = match check_head(&head, bytes, limits) {
        Ok(container) => container,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(stream) = ffprobe(path, container, limits).await? else {
        return Ok(Err(AudioRefusal::Unreadable));
    };
    let declared = [stream.declared_ms, sniff_declared_ms(container, &head)]
        .into_iter()
        .flatten()
        .max();
    Ok(stream.facts(container, bytes, declared, limits))
}

/// Everything the first bytes can refuse, in order; the container when none does.
fn check_head(head: &[u8], bytes: u64, limits: &AudioLimits) -> Result<Container, AudioRefusal> {
    if bytes == 0 {
        return Err(AudioRefusal::Empty);
    }
    if bytes > limits.max_bytes {
        return Err(AudioRefusal::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    if sniff::has_markup(head) {
        return Err(AudioRefusal::Markup);
    }
    let container = sniff::container(head)?;
    match sniff_declared_ms(container, head) {
        Some(ms) if ms > max_ms(limits) => Err(AudioRefusal::TooLong {
            max_seconds: limits.max_seconds,
        }),
        _ => Ok(container),
    }
}

fn sniff_declared_ms(container: Container, head: &[u8]) -> Option<u64> {
    match container {
        Container::Wav => sniff::wav_declared_ms(head),
        _ => None,
    }
}

pub(super) fn max_ms(limits: &AudioLimits) -> u64 {
    u64::from(limits.max_seconds) * 1000
}

async fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = tokio::fs::File::open(path).await?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let limit = u64::try_from(SNIFF_BYTES).unwrap_or(u64::MAX);
    file.take(limit).read_to_end(&mut head).await?;
    Ok(head)
}

/// The first audio stream as ffprobe reads it (the container's demuxer forced), or `None` when
/// ffprobe cannot read the file at all.
async fn ffprobe(
    path: &Path,
    container: Container,
    limits: &AudioLimits,
) -> Result<Option<Probed>, AudioError> {
    let child_limits = limits.probe_child();
    let mut running = child::spawn("ffprobe", ffprobe_args(path, container), &child_limits)?;
    let (json, exit) = child::within("ffprobe", &child_limits, async {
        let mut json = Vec::new();
        running.stdout.read_to_end(&mut json).await?;
        Ok((json, running.wait().await?))
    })
    .await?;
    match exit {
        Exit::Success { .. } => Ok(Some(Probed::parse(&json)?)),
        Exit::Failed { .. } | Exit::OverCpu => Ok(None),
    }
}

fn ffprobe_args(path: &Path, container: Container) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "-v",
        "error",
        "-hide_banner",
        "-f",
        container.demuxer(),
        "-show_entries",
        "format=duration:stream=codec_type,codec_name,channels,sample_rate,duration",
        "-of",
        "json",
    ]
    .into_iter()
    .map(OsString::from)
    .collect();
    args.push(input_url(path));
    args
}

/// A path as ffmpeg's `file:` URL, so that no part of a name is read as another protocol.
pub(super) fn input_url(path: &Path) -> OsString {
    let mut url = OsString::from("file:");
    url.push(path.as_os_str());
    url
}

/// ffprobe's JSON (`-show_entries`): numbers it prints as strings stay strings here.
#[derive(Debug, Deserialize)]
struct ProbeJson {
    #[serde(default)]
    streams: Vec<StreamJson>,
    format: Option<FormatJson>,
}

#[derive(Debug, Deserialize)]
struct StreamJson {
    codec_type: Option<String>,
    codec_name: Option<String>,
    channels: Option<u32>,
    sample_rate: Option<String>,
    duration: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FormatJson {
    duration: Option<String>,
}

/// The first audio stream, if any, and the longest duration the file declares.
#[derive(Debug)]
struct Probed {
    audio: Option<Stream>,
    declared_ms: Option<u64>,
}

#[derive(Debug)]
struct Stream {
    codec: Option<Codec>,
    channels: u32,
    sample_rate: u32,
}

impl Probed {
    fn parse(json: &[u8]) -> Result<Probed, AudioError> {
        let parsed: ProbeJson = serde_json::from_slice(json).map_err(|e| AudioError::Output {
            program: "ffprobe",
            detail: e.to_string(),
        })?;
        let audio = parsed
            .streams
            .iter()
            .find(|s| s.codec_type.as_deref() == Some("audio"));
        let durations = parsed.streams.iter().map(|s| s.duration.as_deref());
        let declared_ms = durations
            .chain([parsed.format.as_ref().and_then(|f| f.duration.as_deref())])
            .filter_map(|d| d.and_then(seconds_to_ms))
            .max();
        Ok(Probed {
            audio: audio.map(|s| Stream {
                codec: s.codec_name.as_deref().and_then(Codec::from_ffprobe),
                channels: s.channels.unwrap_or(0),
                sample_rate: s
                    .sample_rate
                    .as_deref()
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(0),
            }),
            declared_ms,
        })
    }

    fn facts(
        &self,
        container: Container,
        bytes: u64,
        declared_ms: Option<u64>,
        limits: &AudioLimits,
    ) -> Result<AudioFacts, AudioRefusal> {
        let stream = self.audio.as_ref().ok_or(AudioRefusal::NoAudio)?;
        let codec = stream
            .codec
            .filter(|codec| container.holds(*codec))
            .ok_or(AudioRefusal::UnsupportedCodec)?;
        check_stream(stream)?;
        if declared_ms.is_some_and(|ms| ms > max_ms(limits)) {
            return Err(AudioRefusal::TooLong {
                max_seconds: limits.max_seconds,
            });
        }
        Ok(AudioFacts {
            container,
            codec,
            bytes,
            declared_ms,
            channels: stream.channels,
            sample_rate: stream.sample_rate,
        })
    }
}

fn check_stream(stream: &Stream) -> Result<(), AudioRefusal> {
    if !(1..=AUDIO_MAX_CHANNELS).contains(&stream.channels) {
        return Err(AudioRefusal::Channels {
            channels: stream.channels,
            max: AUDIO_MAX_CHANNELS,
        });
    }
    let (min, max) = AUDIO_SAMPLE_RATES;
    if !(min..=max).contains(&stream.sample_rate) {
        return Err(AudioRefusal::SampleRate {
            hz: stream.sample_rate,
            min,
            max,
        });
    }
    Ok(())
}

/// ffprobe's "12.345678" seconds as milliseconds (rounded up); `None` for "N/A" or nonsense.
fn seconds_to_ms(seconds: &str) -> Option<u64> {
    let seconds: f64 = seconds.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| u64_from_f64((seconds * 1000.0).ceil()))
}
