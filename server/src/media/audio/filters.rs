//! The ffmpeg filter graphs of the two passes, and what the first pass measures.
//!
//! Both passes start alike: timestamps from zero, down-mixed to mono, redacted ranges silenced.
//! The first pass splits that into EBU R128 measurement (`loudnorm`, which prints its figures)
//! and 16-bit PCM at `PEAK_SAMPLE_RATE` for the peaks and the duration; the second applies the
//! measured gain (`linear=true`: one gain for the whole recording when its loudness range and
//! true peak allow, loudnorm's dynamic mode otherwise) and resamples for the encoder.

use super::limits::{
    ACCESS_SAMPLE_RATE, PEAK_SAMPLE_RATE, TARGET_LOUDNESS_RANGE, TARGET_LUFS, TARGET_TRUE_PEAK_DB,
};
use serde::Deserialize;
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

/// loudnorm works at 192 kHz (for its true peaks); ffmpeg resamples to it for the filter.
const LOUDNORM_SAMPLE_RATE: u32 = 192_000;
/// The peaks' resampler: a short filter (swr's default is 32 taps) is plenty for a waveform.
const PEAK_FILTER_SIZE: u32 = 8;

/// loudnorm's frames cut to 100 ms (`p=0`: no padding). Its last frame holds its whole
/// three-second look-ahead; resampled and encoded in one piece it raised the second pass's peak
/// RSS by about 30 MB (docs/performance.md, "Recording access copy").
fn loudnorm_frames() -> String {
    format!("asetnsamples=n={}:p=0", LOUDNORM_SAMPLE_RATE / 10)
}

/// The first pass's graph: outputs `[measured]` (to discard) and `[pcm]` (the peaks' PCM).
/// The loud branch resamples to loudnorm's rate itself: left to ffmpeg, the resampler goes
/// before the split, and the peaks are then resampled from 192 kHz (pass 1 took 10 % longer).
pub fn measure_graph(redactions: &[TimeRange]) -> String {
    format!(
        "[0:a:0]{},asplit=2[loud][peaks];\
         [loud]aresample={LOUDNORM_SAMPLE_RATE},{}:print_format=json,{}[measured];\
         [peaks]aresample={PEAK_SAMPLE_RATE}:filter_size={PEAK_FILTER_SIZE},\
         aformat=sample_fmts=s16:channel_layouts=mono[pcm]",
        prepare(redactions),
        loudnorm_targets(),
        loudnorm_frames(),
    )
}

/// The second pass's graph (for `-af`): normalised with the first pass's figures when it
/// measured any (digital silence has no loudness, and is left as it is).
pub fn apply_graph(redactions: &[TimeRange], measured: Option<&Loudness>) -> String {
    let mut graph = prepare(redactions);
    if let Some(m) = measured {
        let _ = write!(
            graph,
            ",{}:measured_I={:.2}:measured_TP={:.2}:measured_LRA={:.2}:measured_thresh={:.2}\
             :offset={:.2}:linear=true:print_format=none,{}",
            loudnorm_targets(),
            m.integrated,
            m.true_peak,
            m.range,
            m.threshold,
            m.offset,
            loudnorm_frames(),
        );
    }
    let _ = write!(graph, ",aresample={ACCESS_SAMPLE_RATE}");
    graph
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

fn loudnorm_targets() -> String {
    format!("loudnorm=I={TARGET_LUFS}:TP={TARGET_TRUE_PEAK_DB}:LRA={TARGET_LOUDNESS_RANGE}")
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// What loudnorm measured in the first pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loudness {
    /// Integrated loudness, LUFS.
    pub integrated: f64,
    pub true_peak: f64,
    pub range: f64,
    pub threshold: f64,
    pub offset: f64,
}

/// loudnorm's JSON, whose numbers are strings ("-inf" for silence).
#[derive(Debug, Deserialize)]
struct LoudnormJson {
    input_i: String,
    input_tp: String,
    input_lra: String,
    input_thresh: String,
    target_offset: String,
}

impl Loudness {
    /// The figures loudnorm printed last in `stderr`, if they are finite and within what its
    /// second pass accepts.
    pub fn parse(stderr: &str) -> Option<Loudness> {
        let start = stderr.rfind('{')?;
        let end = start + stderr[start..].find('}')?;
        let json: LoudnormJson = serde_json::from_str(&stderr[start..=end]).ok()?;
        let loudness = Loudness {
            integrated: number(&json.input_i, -99.0, 0.0)?,
            true_peak: number(&json.input_tp, -99.0, 99.0)?,
            range: number(&json.input_lra, 0.0, 99.0)?,
            threshold: number(&json.input_thresh, -99.0, 0.0)?,
            offset: number(&json.target_offset, -99.0, 99.0)?,
        };
        Some(loudness)
    }
}

fn number(text: &str, min: f64, max: f64) -> Option<f64> {
    let value: f64 = text.trim().parse().ok()?;
    (value.is_finite() && (min..=max).contains(&value)).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = r#"[Parsed_loudnorm_2 @ 0x5555] 
{
	"input_i" : "-20.00",
	"input_tp" : "-0.82",
	"input_lra" : "3.80",
	"input_thresh" : "-30.11",
	"output_i" : "-17.43",
	"output_tp" : "-2.00",
	"output_lra" : "3.10",
	"output_thresh" : "-27.53",
	"normalization_type" : "dynamic",
	"target_offset" : "1.43"
}
"#;

    #[test]
    fn the_measurement_is_read_from_loudnorms_output() {
        let loudness = Loudness::parse(PRINTED).unwrap();
        assert_eq!(loudness.integrated, -20.0);
        assert_eq!(loudness.offset, 1.43);
        let graph = apply_graph(&[], Some(&loudness));
        assert!(graph.contains("measured_I=-20.00:measured_TP=-0.82:measured_LRA=3.80"));
        assert!(graph.contains("measured_thresh=-30.11:offset=1.43:linear=true"));
    }

    #[test]
    fn silence_has_no_loudness_and_is_not_normalised() {
        let silent = PRINTED
            .replace("\"-20.00\"", "\"-inf\"")
            .replace("\"-0.82\"", "\"-inf\"");
        assert_eq!(Loudness::parse(&silent), None);
        assert!(!apply_graph(&[], None).contains("loudnorm"));
    }

    #[test]
    fn loudnorm_gets_its_rate_after_the_split_and_its_frames_cut_after_it() {
        let measure = measure_graph(&[]);
        assert!(
            measure.contains("[loud]aresample=192000,loudnorm="),
            "{measure}"
        );
        assert!(
            measure.contains(":print_format=json,asetnsamples=n=19200:p=0[measured]"),
            "{measure}"
        );
        assert!(
            measure.contains("[peaks]aresample=8000:filter_size=8,"),
            "{measure}"
        );
        let loudness = Loudness::parse(PRINTED).unwrap();
        let apply = apply_graph(&[], Some(&loudness));
        assert!(
            apply.ends_with(":print_format=none,asetnsamples=n=19200:p=0,aresample=44100"),
            "{apply}"
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
