//! Waveform peaks, computed while the decoded audio streams past (16-bit mono at
//! `PEAK_SAMPLE_RATE`): the loudest sample of each `PEAK_SLICE_MS` slice is kept (an hour is
//! 36 000 numbers), and at the end slices are merged into at most `PEAK_BUCKETS` bars, scaled
//! so that the loudest is 255. The samples themselves are never kept.

use super::limits::{PEAK_BUCKETS, PEAK_SAMPLE_RATE, PEAK_SLICE_MS};
use crate::numeric::usize_from;

#[derive(Debug, Clone)]
pub struct Peaks {
    slice_samples: usize,
    in_slice: usize,
    loudest_in_slice: u16,
    slices: Vec<u16>,
    samples: u64,
    /// The first byte of a sample split between two chunks.
    carry: Option<u8>,
}

impl Default for Peaks {
    fn default() -> Self {
        Peaks {
            slice_samples: usize_from(PEAK_SAMPLE_RATE * PEAK_SLICE_MS / 1000),
            in_slice: 0,
            loudest_in_slice: 0,
            slices: Vec::new(),
            samples: 0,
            carry: None,
        }
    }
}

impl Peaks {
    /// Takes the next bytes of signed 16-bit little-endian samples.
    pub fn push(&mut self, mut bytes: &[u8]) {
        if let Some(low) = self.carry.take() {
            let Some((&high, rest)) = bytes.split_first() else {
                self.carry = Some(low);
                return;
            };
            self.sample(i16::from_le_bytes([low, high]));
            bytes = rest;
        }
        let mut pairs = bytes.chunks_exact(2);
        for pair in &mut pairs {
            self.sample(i16::from_le_bytes([pair[0], pair[1]]));
        }
        self.carry = pairs.remainder().first().copied();
    }

    fn sample(&mut self, sample: i16) {
        self.samples += 1;
        self.loudest_in_slice = self.loudest_in_slice.max(sample.unsigned_abs());
        self.in_slice += 1;
        if self.in_slice == self.slice_samples {
            self.end_slice();
        }
    }

    fn end_slice(&mut self) {
        self.slices.push(self.loudest_in_slice);
        self.in_slice = 0;
        self.loudest_in_slice = 0;
    }

    /// How long the audio pushed so far lasts.
    pub fn duration_ms(&self) -> u64 {
        self.samples * 1000 / u64::from(PEAK_SAMPLE_RATE)
    }

    /// The bars: at most `PEAK_BUCKETS`, 0–255 relative to the loudest.
    pub fn finish(mut self) -> Vec<u8> {
        if self.in_slice > 0 {
            self.end_slice();
        }
        let merged = merge(&self.slices, PEAK_BUCKETS);
        let loudest = u32::from(merged.iter().copied().max().unwrap_or(0)).max(1);
        merged
            .into_iter()
            .map(|peak| u8::try_from(u32::from(peak) * 255 / loudest).unwrap_or(u8::MAX))
            .collect()
    }
}

/// `values` merged into at most `buckets` runs of (nearly) equal length, each its maximum.
fn merge(values: &[u16], buckets: usize) -> Vec<u16> {
    let count = values.len();
    let buckets = buckets.min(count);
    (0..buckets)
        .map(|i| {
            let run = &values[i * count / buckets..(i + 1) * count / buckets];
            run.iter().copied().max().unwrap_or(0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(samples: &[i16]) -> Vec<u8> {
        samples.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    #[test]
    fn one_bar_per_slice_scaled_to_the_loudest() {
        let mut peaks = Peaks::default();
        let mut samples = vec![100i16; 800];
        samples.extend(vec![-200i16; 800]);
        samples.extend(vec![0i16; 400]);
        peaks.push(&bytes(&samples));
        assert_eq!(peaks.duration_ms(), 250);
        assert_eq!(peaks.finish(), vec![127, 255, 0]);
    }

    #[test]
    fn a_sample_split_between_chunks_is_joined() {
        let mut whole = Peaks::default();
        let mut split = Peaks::default();
        let data = bytes(&[1, -30_000, 7, i16::MIN, 5]);
        whole.push(&data);
        split.push(&data[..3]);
        split.push(&data[3..4]);
        split.push(&data[4..]);
        assert_eq!(split.duration_ms(), whole.duration_ms());
        assert_eq!(split.clone().finish(), whole.finish());
        assert_eq!(split.samples, 5);
    }

    #[test]
    fn long_audio_is_merged_into_at_most_the_bucket_count() {
        let values: Vec<u16> = (0..36_000u16).collect();
        let merged = merge(&values, PEAK_BUCKETS);
        assert_eq!(merged.len(), PEAK_BUCKETS);
        assert_eq!(merged[0], 35);
        assert_eq!(merged[PEAK_BUCKETS - 1], 35_999);
    }
}
