//! The access copy: what every browser plays. Two passes of ffmpeg over the original, each a
//! limited child (`child`): the first measures loudness and streams 8 kHz PCM for the peaks and
//! the duration (stopping as soon as the recording proves longer than allowed, whatever its
//! header said); the second normalises, silences the redactions and encodes mono MP3 at a
//! constant bit rate without any metadata, streamed through the `scrub`ber (LAME's name in
//! the frames' spare bits) and a SHA-256 into a partial file that becomes `out` only when all
//! went well. Nothing is left behind otherwise.

use super::child::{self, Exit, Running};
use super::error::{AudioError, AudioRefusal, Outcome};
use super::filters::{Loudness, TimeRange, apply_graph, measure_graph};
use super::limits::{ACCESS_BITRATE_KBPS, ACCESS_SAMPLE_RATE, AudioLimits, ChildLimits};
use super::peaks::Peaks;
use super::probe::{AudioFacts, input_url, max_ms};
use super::scrub::Scrubber;
use sha2::{Digest, Sha256};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A finished access copy at `out`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessCopy {
    /// The length of the decoded recording.
    pub duration_ms: u64,
    /// The size of the MP3.
    pub bytes: u64,
    pub sha256: [u8; 32],
    /// Waveform bars, at most `PEAK_BUCKETS`, 0–255 relative to the loudest.
    pub peaks: Vec<u8>,
}

/// Makes the access copy of `original` (as `probe` found it) at `out` under the default limits.
pub async fn make_access_copy(
    original: &Path,
    facts: &AudioFacts,
    out: &Path,
    redactions: &[TimeRange],
) -> Outcome<AccessCopy> {
    make_access_copy_with(original, facts, out, redactions, &AudioLimits::DEFAULT).await
}

pub async fn make_access_copy_with(
    original: &Path,
    facts: &AudioFacts,
    out: &Path,
    redactions: &[TimeRange],
    limits: &AudioLimits,
) -> Outcome<AccessCopy> {
    let source = Source {
        original,
        facts,
        redactions,
        limits,
        child: limits.decode_child(facts.declared_ms.map(|ms| ms.div_ceil(1000))),
    };
    let measured = match source.measure().await? {
        Ok(measured) => measured,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let partial = Partial::beside(out);
    let encoded = match source
        .encode(measured.loudness.as_ref(), &partial.path)
        .await?
    {
        Ok(encoded) => encoded,
        Err(refusal) => return Ok(Err(refusal)),
    };
    partial.keep(out).await?;
    Ok(Ok(AccessCopy {
        duration_ms: measured.duration_ms,
        bytes: encoded.bytes,
        sha256: encoded.sha256,
        peaks: measured.peaks,
    }))
}

struct Source<'a> {
    original: &'a Path,
    facts: &'a AudioFacts,
    redactions: &'a [TimeRange],
    limits: &'a AudioLimits,
    child: ChildLimits,
}

struct Measured {
    duration_ms: u64,
    peaks: Vec<u8>,
    loudness: Option<Loudness>,
}

struct Encoded {
    bytes: u64,
    sha256: [u8; 32],
}

const CHUNK: usize = 64 * 1024;

impl Source<'_> {
    /// The first pass: loudness, peaks and duration.
    async fn measure(&self) -> Outcome<Measured> {
        let mut args = self.input_args("info");
        args.extend(
            [
                "-filter_complex",
                measure_graph(self.redactions).as_str(),
                "-map",
                "[measured]",
                // ebur128's own sample format: nothing is converted only to be discarded.
                "-c:a",
                "pcm_f64le",
                "-f",
                "null",
                "-",
                "-map",
                "[pcm]",
                // Whole 32 KiB buffers down the pipe, not one write (and one wake-up of ours)
                // per packet.
                "-flush_packets",
                "0",
                "-f",
                "s16le",
                "pipe:1",
            ]
            .map(OsString::from),
        );
        let mut running = child::spawn("ffmpeg", args, &self.child)?;
        let max_ms = max_ms(self.limits);
        child::within("ffmpeg", &self.child, async move {
            let mut peaks = Peaks::default();
            let mut buffer = vec![0u8; CHUNK];
            loop {
                let read = running.stdout.read(&mut buffer).await?;
                if read == 0 {
                    break;
                }
                peaks.push(&buffer[..read]);
                if peaks.duration_ms() > max_ms {
                    return Ok(Err(self.too_long()));
                }
            }
            let exit = running.wait().await?;
            Ok(ended(exit).and_then(|stderr| match peaks.duration_ms() {
                0 => Err(AudioRefusal::Undecodable),
                duration_ms => Ok(Measured {
                    duration_ms,
                    loudness: Loudness::parse(&stderr),
                    peaks: peaks.finish(),
                }),
            }))
        })
        .await
    }

    /// The second pass: the MP3, written to `partial`.
    async fn encode(&self, loudness: Option<&Loudness>, partial: &Path) -> Outcome<Encoded> {
        let mut args = self.input_args("error");
        let bitrate = format!("{ACCESS_BITRATE_KBPS}k");
        let rate = ACCESS_SAMPLE_RATE.to_string();
        let graph = apply_graph(self.redactions, loudness);
        args.extend(
            [
                "-map",
                "0:a:0",
                "-af",
                graph.as_str(),
                "-ac",
                "1",
                "-ar",
                rate.as_str(),
                "-c:a",
                "libmp3lame",
                "-b:a",
                bitrate.as_str(),
                "-reservoir",
                "0",
                "-threads",
                "1",
            ]
            .map(OsString::from),
        );
        args.extend(NO_METADATA.map(OsString::from));
        // As in the first pass: buffers, not a write per MP3 frame.
        args.extend(["-flush_packets", "0", "-f", "mp3", "pipe:1"].map(OsString::from));
        let running = child::spawn("ffmpeg", args, &self.child)?;
        let file = tokio::fs::File::create(partial).await?;
        child::within("ffmpeg", &self.child, write_scrubbed(running, file)).await
    }

    /// Options before the input: quiet, one thread, the container's demuxer forced, and no
    /// more than a second past the longest allowed length read.
    fn input_args(&self, log_level: &str) -> Vec<OsString> {
        let cap = (self.limits.max_seconds + 1).to_string();
        let mut args = Vec::from(
            [
                "-nostdin",
                "-hide_banner",
                "-nostats",
                "-v",
                log_level,
                "-filter_threads",
                "1",
                "-threads",
                "1",
                "-f",
                self.facts.container.demuxer(),
                "-t",
                cap.as_str(),
                "-i",
            ]
            .map(OsString::from),
        );
        args.push(input_url(self.original));
        args
    }

    fn too_long(&self) -> AudioRefusal {
        AudioRefusal::TooLong {
            max_seconds: self.limits.max_seconds,
        }
    }
}

/// Everything ffmpeg's muxers and LAME's encoder would otherwise write besides the audio: the
/// original's tags and chapters, ID3v2 and ID3v1 tags, the Xing/Info/LAME header frame and
/// ffmpeg's own name (bitexact). LAME's name in the frames' spare bits is `scrub`bed.
const NO_METADATA: [&str; 14] = [
    "-map_metadata",
    "-1",
    "-map_chapters",
    "-1",
    "-fflags",
    "+bitexact",
    "-flags:a",
    "+bitexact",
    "-id3v2_version",
    "0",
    "-write_id3v1",
    "0",
    "-write_xing",
    "0",
];

/// Streams the encoder's output through the scrubber and a hash into `file`.
async fn write_scrubbed(mut running: Running, mut file: tokio::fs::File) -> Outcome<Encoded> {
    let mut scrubber = Scrubber::default();
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let read = running.stdout.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        let clean = scrubber.push(&buffer[..read]).map_err(scrub_error)?;
        hasher.update(&clean);
        bytes += u64::try_from(clean.len()).unwrap_or(u64::MAX);
        file.write_all(&clean).await?;
    }
    let exit = running.wait().await?;
    if let Err(refusal) = ended(exit) {
        return Ok(Err(refusal));
    }
    scrubber.finish().map_err(scrub_error)?;
    file.sync_all().await?;
    Ok(Ok(Encoded {
        bytes,
        sha256: hasher.finalize().into(),
    }))
}

fn scrub_error(error: super::scrub::ScrubError) -> AudioError {
    AudioError::Output {
        program: "ffmpeg",
        detail: error.to_string(),
    }
}

/// A child's standard error when it succeeded; the refusal its end means otherwise. The file
/// passed `probe`, so a decoder that fails now fails on its audio data.
fn ended(exit: Exit) -> Result<String, AudioRefusal> {
    match exit {
        Exit::Success { stderr } => Ok(stderr),
        Exit::Failed { .. } => Err(AudioRefusal::Undecodable),
        Exit::OverCpu => Err(AudioRefusal::TooCostly),
    }
}

/// The access copy being written, beside where it goes; removed unless kept.
struct Partial {
    path: PathBuf,
    kept: bool,
}

impl Partial {
    fn beside(out: &Path) -> Partial {
        let mut name = OsString::from(".");
        name.push(out.file_name().unwrap_or_default());
        name.push(".partial");
        Partial {
            path: out.with_file_name(name),
            kept: false,
        }
    }

    async fn keep(mut self, out: &Path) -> std::io::Result<()> {
        tokio::fs::rename(&self.path, out).await?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
