//! The access copy: what every browser plays. Two passes of ffmpeg over the original, each a
//! limited child (`child`): the first measures loudness and streams 8 kHz PCM for the peaks and
//! the duration (stopping as soon as the recording proves longer than allowed, whatever its
//! header said); the second normalises and silences the redactions in ffmpeg, piped into a
//! LAME child that encodes mono MP3 at a constant bit rate without any metadata, streamed
//! through the `scrub`ber (LAME's name in the frames' spare bits) and a SHA-256 into a partial
//! file that becomes `out` only when all went well. Nothing is left behind otherwise.

use super::child::{self, Exit, Process, Running};
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

    /// The second pass: ffmpeg decodes and normalises into 16-bit PCM, piped straight into
    /// LAME, whose MP3 is written to `partial`. Two children rather than ffmpeg's own
    /// libmp3lame: encoding is most of the pass, and this way it runs beside the decoding, on
    /// the other core (docs/decisions.md, "Voice").
    async fn encode(&self, loudness: Option<&Loudness>, partial: &Path) -> Outcome<Encoded> {
        let mut decode = self.input_args("error");
        let rate = ACCESS_SAMPLE_RATE.to_string();
        let graph = format!(
            "{},aformat=sample_fmts=s16",
            apply_graph(self.redactions, loudness)
        );
        decode.extend(
            [
                "-map",
                "0:a:0",
                "-af",
                &graph,
                "-ac",
                "1",
                "-ar",
                &rate,
                "-c:a",
                "pcm_s16le",
                // As in the first pass: buffers, not a write per packet.
                "-flush_packets",
                "0",
                "-f",
                "s16le",
                "pipe:1",
            ]
            .map(OsString::from),
        );
        let (decoder, encoder) =
            child::spawn_pipeline(("ffmpeg", decode), ("lame", lame_args()), &self.child)?;
        let file = tokio::fs::File::create(partial).await?;
        child::within(
            "ffmpeg",
            &self.child,
            write_scrubbed(decoder, encoder, file),
        )
        .await
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

/// LAME reading the second pass's raw PCM: mono at `ACCESS_SAMPLE_RATE` (no resampling of
/// its own), constant `ACCESS_BITRATE_KBPS`, no bit reservoir (every frame decodes on its own,
/// for seeking), and nothing besides the audio: no Xing/Info/LAME header frame (`-t`), no ID3
/// tag (none is written unless asked for), no ReplayGain analysis (it only feeds that header).
/// LAME's name in the frames' spare bits is `scrub`bed. These are the settings of ffmpeg's
/// libmp3lame for the same PCM: both give the same bytes.
fn lame_args() -> Vec<OsString> {
    let rate = format!("{}", f64::from(ACCESS_SAMPLE_RATE) / 1000.0);
    let bitrate = ACCESS_BITRATE_KBPS.to_string();
    [
        "--silent",
        "-r",
        "-s",
        &rate,
        "--bitwidth",
        "16",
        "--signed",
        "--little-endian",
        "-m",
        "m",
        "--resample",
        &rate,
        "-b",
        &bitrate,
        "--cbr",
        "--nores",
        "-t",
        "--noreplaygain",
        "-",
        "-",
    ]
    .map(OsString::from)
    .to_vec()
}

/// Streams the encoder's output through the scrubber and a hash into `file`, then checks how
/// both children ended.
async fn write_scrubbed(
    decoder: Process,
    mut encoder: Running,
    mut file: tokio::fs::File,
) -> Outcome<Encoded> {
    let mut scrubber = Scrubber::default();
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let read = encoder.stdout.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        let clean = scrubber.push(&buffer[..read]).map_err(scrub_error)?;
        hasher.update(&clean);
        bytes += u64::try_from(clean.len()).unwrap_or(u64::MAX);
        file.write_all(&clean).await?;
    }
    let encoded = encoder.wait().await?;
    if let Err(refusal) = ended(decoder.wait().await?) {
        return Ok(Err(refusal));
    }
    match encoded {
        Exit::Success { .. } => {}
        Exit::OverCpu => return Ok(Err(AudioRefusal::TooCostly)),
        // LAME only ever reads PCM we made: its failure is not the file's.
        Exit::Failed { stderr } => {
            return Err(AudioError::Output {
                program: "lame",
                detail: stderr,
            });
        }
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
        program: "lame",
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
