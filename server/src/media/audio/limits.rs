//! Every limit on a recording and on the children that read it, in one place. The reasons are
//! in docs/decisions.md, "Voice".

use std::time::Duration;

/// The limits a contributor meets (size, length, recordings per story) are the domain's, shown
/// in the form and in docs/api.md; their reasons are beside them in `app::domain::limits`.
pub use app::domain::limits::{
    RECORDING_MAX_BYTES as AUDIO_MAX_BYTES, RECORDING_MAX_SECONDS as AUDIO_MAX_SECONDS,
    RECORDINGS_PER_STORY,
};
/// More channels than a 7.1 layout is not a voice recording.
pub const AUDIO_MAX_CHANNELS: u32 = 8;
/// From narrow-band telephone/AMR (8 kHz) to studio recorders (192 kHz).
pub const AUDIO_SAMPLE_RATES: (u32, u32) = (8_000, 192_000);

/// Address space of one ffmpeg or ffprobe child: Debian's ffmpeg maps about 300 MB of shared
/// libraries and peaks at about 330 MB (a one-hour Opus file, both passes, one thread).
pub const CHILD_MEMORY_BYTES: u64 = 512 * 1024 * 1024;
/// CPU time of one ffprobe child; reading a header takes milliseconds.
pub const PROBE_CPU_SECONDS: u64 = 10;
/// CPU time of one decoding pass: a base, plus one second per ten seconds of audio (a pass
/// over an hour takes about 60 s of CPU here, so this leaves a sixfold margin).
pub const DECODE_CPU_BASE_SECONDS: u64 = 30;
pub const DECODE_CPU_AUDIO_SECONDS_PER_SECOND: u64 = 10;
/// Wall time of a child, as a multiple of its CPU time (shared cores may be busy).
pub const WALL_PER_CPU: u32 = 4;

/// The access copy: EBU R128 integrated loudness (−16 LUFS, the usual target for speech
/// heard on phones) by one gain over the whole recording, and a sample-peak ceiling held by a
/// look-ahead limiter when that gain would push a peak over it (quiet recordings with a few loud
/// peaks, the common case). Limited peaks take a little loudness with them, which the gain
/// partly gives back (`filters::LIMITER_MAKEUP`); MP3 encoding lets the true peak rise about
/// 0.5 dB over the ceiling.
pub const TARGET_LUFS: i32 = -16;
pub const TARGET_TRUE_PEAK_DB: i32 = -1;
/// A recording quieter than −56 LUFS is mostly noise: raising it further would only make the
/// hiss loud.
pub const MAX_GAIN_DB: i32 = 40;
/// Mono MP3, constant bit rate (seekable by byte offset without a table of contents).
pub const ACCESS_BITRATE_KBPS: u32 = 64;
pub const ACCESS_SAMPLE_RATE: u32 = 44_100;

/// Waveform peaks are taken from the audio decoded at this rate, one per slice, then merged
/// into at most `PEAK_BUCKETS`.
pub const PEAK_SAMPLE_RATE: u32 = 8_000;
pub const PEAK_SLICE_MS: u32 = 100;
pub const PEAK_BUCKETS: usize = 1_000;

/// The first bytes of a file, read to tell its container and to look for HTML.
pub const SNIFF_BYTES: usize = 4_096;

/// The limits one probe or conversion runs under: `AudioLimits::DEFAULT` in production; tests
/// lower them to reach the edges with small files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioLimits {
    pub max_bytes: u64,
    pub max_seconds: u32,
    pub child_memory_bytes: u64,
    pub probe_cpu_seconds: u64,
    pub decode_cpu_base_seconds: u64,
    pub wall_per_cpu: u32,
}

impl AudioLimits {
    pub const DEFAULT: AudioLimits = AudioLimits {
        max_bytes: AUDIO_MAX_BYTES,
        max_seconds: AUDIO_MAX_SECONDS,
        child_memory_bytes: CHILD_MEMORY_BYTES,
        probe_cpu_seconds: PROBE_CPU_SECONDS,
        decode_cpu_base_seconds: DECODE_CPU_BASE_SECONDS,
        wall_per_cpu: WALL_PER_CPU,
    };

    /// The limits of one ffprobe child.
    pub fn probe_child(&self) -> ChildLimits {
        self.child(self.probe_cpu_seconds)
    }

    /// The limits of one decoding pass over `seconds` of audio (the declared length, or the
    /// longest allowed when the header does not say).
    pub fn decode_child(&self, seconds: Option<u64>) -> ChildLimits {
        let seconds = seconds
            .unwrap_or(u64::from(self.max_seconds))
            .min(u64::from(self.max_seconds));
        let cpu =
            self.decode_cpu_base_seconds + seconds.div_ceil(DECODE_CPU_AUDIO_SECONDS_PER_SECOND);
        self.child(cpu)
    }

    fn child(&self, cpu_seconds: u64) -> ChildLimits {
        ChildLimits {
            memory_bytes: self.child_memory_bytes,
            cpu_seconds,
            wall: Duration::from_secs(cpu_seconds.saturating_mul(u64::from(self.wall_per_cpu))),
        }
    }
}

impl Default for AudioLimits {
    fn default() -> Self {
        AudioLimits::DEFAULT
    }
}

/// What one child process may use: address space and CPU time (enforced by the kernel through
/// `prlimit`) and wall time (enforced here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildLimits {
    pub memory_bytes: u64,
    pub cpu_seconds: u64,
    pub wall: Duration,
}
