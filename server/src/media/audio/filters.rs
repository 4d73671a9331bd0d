//! The ffmpeg filter graphs of the two passes, and what the first pass measures.
//!
//! Both passes start alike: timestamps from zero, down-mixed to mono, redacted ranges silenced.
//! The first pass splits that into EBU R128 measurement (`ebur128`: integrated loudness and
//! true peak, printed at the end) and 16-bit PCM at `PEAK_SAMPLE_RATE` for the peaks and the
//! duration; the second applies one gain to the whole recording (towards `TARGET_LUFS`, at most
//! `MAX_GAIN_DB`), a look-ahead limiter at the true-peak ceiling when that gain would push a
//! peak over it, and resamples for the encoder. Why not ffmpeg's `loudnorm`: docs/decisions.md,
//! "Voice".

use super::limits::{
    ACCESS_SAMPLE_RATE, MAX_GAIN_DB, PEAK_SAMPLE_RATE, TARGET_LUFS, TARGET_TRUE_PEAK_DB,
};
use std::fmt::Write;

/// A stretch of a recording to silence in its public copy (a neighbour's name, an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    start_ms: u64,
    end_ms: u64,
}

impl TimeRange {
    /// `None` unless the range is non-empty.
    pub fn new(start_ms: u64, end_ms: u64) -> Option<TimeRange> {
        (start_ms < end_ms).then_some(TimeRange { start_ms, end_ms })
    }

    pub fn start_ms(self) -> u64 {
        self.start_ms
    }

    pub fn end_ms(self) -> u64 {
        self.end_ms
    }
}

/// The peaks' resampler: a short filter (swr's default is 32 taps) is plenty for a waveform.
const PEAK_FILTER_SIZE: u32 = 8;

/// The first pass's graph: outputs `[measured]` (to discard) and `[pcm]` (the peaks' PCM).
/// `ebur128` logs each 100 ms frame at `verbose`, below the pass's log level, and its summary
/// at `info`.
pub fn measure_graph(redactions: &[TimeRange]) -> String {
    format!(
        "[0:a:0]{},asplit=2[loud][peaks];\
         [loud]ebur128=peak=true:framelog=verbose[measured];\
         [peaks]aresample={PEAK_SAMPLE_RATE}:filter_size={PEAK_FILTER_SIZE},\
         aformat=sample_fmts=s16:channel_layouts=mono[pcm]",
        prepare(redactions),
    )
}

/// The second pass's graph (for `-af`): normalised with the first pass's figures when it
/// measured any (digital silence has no loudness, and is left as it is).
pub fn apply_graph(redactions: &[TimeRange], measured: Option<&Loudness>) -> String {
    let mut graph = prepare(redactions);
    if let Some(loudness) = measured {
        let gain = loudness.gain_db();
        let _ = write!(graph, ",volume={gain:.2}dB");
        if loudness.true_peak + gain > f64::from(TARGET_TRUE_PEAK_DB) {
            // `latency`: the look-ahead does not shift the audio, so transcript times and
            // redactions stay where they were.
            let _ = write!(
                graph,
                ",alimiter=limit={:.4}:attack={LIMITER_ATTACK_MS}:release={LIMITER_RELEASE_MS}\
                 :level=false:latency=true",
                amplitude(TARGET_TRUE_PEAK_DB),
            );
        }
    }
    let _ = write!(graph, ",aresample={ACCESS_SAMPLE_RATE}");
    graph
}

/// The limiter's look-ahead and recovery: short enough to catch a plosive, long enough not to
/// pump on syllables.
const LIMITER_ATTACK_MS: u32 = 5;
const LIMITER_RELEASE_MS: u32 = 50;

fn amplitude(decibels: i32) -> f64 {
    10f64.powf(f64::from(decibels) / 20.0)
}

fn prepare(redactions: &[TimeRange]) -> String {
    let mut graph = String::from("asetpts=PTS-STARTPTS,aformat=channel_layouts=mono");
    for range in redactions {
        let _ = write!(
            graph,
            ",volume=enable='between(t,{},{})':volume=0",
            seconds(range.start_ms),
            seconds(range.end_ms),
        );
    }
    graph
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// What the first pass measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loudness {
    /// Integrated loudness, LUFS.
    pub integrated: f64,
    /// dBTP.
    pub true_peak: f64,
}

/// Limiting peaks takes loudness with it: measured on speech, about a third of the decibels
/// the loudest peak is held down by (synthetic Mandarin speech 3.5 dB over the ceiling lost
/// 1.1 LU, 6.3 dB over lost 1.6 LU). The gain adds that third back, which brings both within
/// 0.4 LU of the target (docs/decisions.md, "Voice").
const LIMITER_MAKEUP: f64 = 1.0 / 3.0;

/// ebur128's gate: a recording with nothing louder has no integrated loudness.
const ABSOLUTE_GATE_LUFS: f64 = -70.0;

impl Loudness {
    /// The figures of ebur128's last summary in `stderr`, when it measured any: digital silence
    /// reads −70 LUFS (the gate) and a true peak of −inf.
    pub fn parse(stderr: &str) -> Option<Loudness> {
        let summary = &stderr[stderr.rfind("Summary:")?..];
        let integrated = number(
            value_after(summary, "Integrated loudness:", "I:")?,
            -99.0,
            0.0,
        )?;
        let true_peak = number(value_after(summary, "True peak:", "Peak:")?, -99.0, 99.0)?;
        (integrated > ABSOLUTE_GATE_LUFS).then_some(Loudness {
            integrated,
            true_peak,
        })
    }

    /// The one gain that brings the recording to the target, within `MAX_GAIN_DB`. When the
    /// limiter will hold peaks down, what it takes is given back in part (`LIMITER_MAKEUP`).
    pub fn gain_db(&self) -> f64 {
        let to_target = f64::from(TARGET_LUFS) - self.integrated;
        let over_ceiling = self.true_peak + to_target - f64::from(TARGET_TRUE_PEAK_DB);
        let makeup = LIMITER_MAKEUP * over_ceiling.max(0.0);
        (to_target + makeup).min(f64::from(MAX_GAIN_DB))
    }
}

/// The number on the first line starting with `label` after the line `section`, without its
/// unit ("  I:  -23.4 LUFS" → "-23.4").
fn value_after<'a>(summary: &'a str, section: &str, label: &str) -> Option<&'a str> {
    let rest = &summary[summary.find(section)? + section.len()..];
    let line = rest.lines().map(str::trim).find(|l| l.starts_with(label))?;
    line[label.len()..].split_whitespace().next()
}

fn number(text: &str, min: f64, max: f64) -> Option<f64> {
    let value: f64 = text.trim().parse().ok()?;
    (value.is_finite() && (min..=max).contains(&value)).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = "[Parsed_ebur128_3 @ 0x5575] Summary:

  Integrated loudness:
    I:         -36.5 LUFS
    Threshold: -46.6 LUFS

  Loudness range:
    LRA:         3.7 LU
    Threshold: -56.5 LUFS
    LRA low:   -39.0 LUFS
    LRA high:  -35.3 LUFS

  True peak:
    Peak:      -21.1 dBFS
";

    #[test]
    fn the_measurement_is_read_from_ebur128s_summary() {
        let loudness = Loudness::parse(PRINTED).unwrap();
        assert_eq!(loudness.integrated, -36.5);
        assert_eq!(loudness.true_peak, -21.1);
        // A summary printed earlier (of another filter instance) does not count.
        let twice = format!("{}{PRINTED}", PRINTED.replace("-36.5", "-10.0"));
        assert_eq!(Loudness::parse(&twice), Some(loudness));
    }

    #[test]
    fn a_quiet_voice_is_raised_to_the_target_and_its_peaks_limited() {
        let loudness = Loudness::parse(PRINTED).unwrap();
        // 20.5 dB to the target would put the peak 0.4 dB over the ceiling: a third of that back.
        assert!((loudness.gain_db() - 20.633).abs() < 0.001);
        let apply = apply_graph(&[], Some(&loudness));
        assert!(
            apply.ends_with(
                ",volume=20.63dB,alimiter=limit=0.8913:attack=5:release=50:level=false\
                 :latency=true,aresample=44100"
            ),
            "{apply}"
        );
    }

    #[test]
    fn without_a_peak_over_the_ceiling_one_gain_is_all() {
        let even = Loudness {
            integrated: -30.0,
            true_peak: -16.0,
        };
        assert_eq!(
            apply_graph(&[], Some(&even)),
            "asetpts=PTS-STARTPTS,aformat=channel_layouts=mono,volume=14.00dB,aresample=44100"
        );
    }

    #[test]
    fn the_gain_is_capped_and_a_loud_recording_turned_down() {
        let faint = Loudness {
            integrated: -69.0,
            true_peak: -50.0,
        };
        assert_eq!(faint.gain_db(), f64::from(MAX_GAIN_DB));
        let loud = Loudness {
            integrated: -9.5,
            true_peak: -0.1,
        };
        assert_eq!(loud.gain_db(), -6.5);
        assert!(!apply_graph(&[], Some(&loud)).contains("alimiter"));
    }

    #[test]
    fn silence_has_no_loudness_and_is_not_normalised() {
        let silent = PRINTED
            .replace("-36.5 LUFS", "-70.0 LUFS")
            .replace("-21.1 dBFS", "-inf dBFS");
        assert_eq!(Loudness::parse(&silent), None);
        assert_eq!(Loudness::parse("no summary"), None);
        assert!(!apply_graph(&[], None).contains("volume"));
    }

    #[test]
    fn the_peaks_get_a_short_resampler_after_the_split() {
        let measure = measure_graph(&[]);
        assert!(
            measure.contains("[loud]ebur128=peak=true:framelog=verbose[measured]"),
            "{measure}"
        );
        assert!(
            measure.contains("[peaks]aresample=8000:filter_size=8,"),
            "{measure}"
        );
    }

    #[test]
    fn redactions_silence_their_range_in_both_passes() {
        let ranges = [TimeRange::new(4_000, 7_250).unwrap()];
        let expected = "volume=enable='between(t,4.000,7.250)':volume=0";
        assert!(measure_graph(&ranges).contains(expected));
        assert!(apply_graph(&ranges, None).contains(expected));
        assert_eq!(TimeRange::new(5, 5), None);
    }
}
