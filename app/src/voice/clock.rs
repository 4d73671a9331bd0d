//! The recorder's clock and level meter, kept free of the browser so they are tested natively:
//! time is passed in (milliseconds from `Date.now()`), samples are passed in.

use crate::domain::limits::RECORDING_MAX_SECONDS;

/// The longest recording, in milliseconds.
pub const LIMIT_MS: u32 = RECORDING_MAX_SECONDS * 1000;

/// Time recorded so far: the running stretch plus the stretches before each pause, so paused
/// time never counts (interview markers and the 60-minute limit measure recorded sound).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Clock {
    banked_ms: f64,
    running_since: Option<f64>,
}

impl Clock {
    pub fn started(now_ms: f64) -> Clock {
        Clock {
            banked_ms: 0.0,
            running_since: Some(now_ms),
        }
    }

    pub fn pause(&mut self, now_ms: f64) {
        if let Some(since) = self.running_since.take() {
            self.banked_ms += (now_ms - since).max(0.0);
        }
    }

    pub fn resume(&mut self, now_ms: f64) {
        self.running_since.get_or_insert(now_ms);
    }

    pub fn elapsed_ms(&self, now_ms: f64) -> u32 {
        let running = self
            .running_since
            .map_or(0.0, |since| (now_ms - since).max(0.0));
        ms_from_f64(self.banked_ms + running)
    }
}

/// `m:ss` below an hour, `h:mm:ss` from then on (the limit itself reads `60:00`).
pub fn format_elapsed(ms: u32) -> String {
    let seconds = ms / 1000;
    let (minutes, seconds) = (seconds / 60, seconds % 60);
    if minutes > 60 || (minutes == 60 && seconds > 0) {
        format!("{}:{:02}:{seconds:02}", minutes / 60, minutes % 60)
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// The meter's width (0–100) for one frame of 8-bit time-domain samples (silence is 128).
/// The square root of the loudness (RMS) makes quiet speech, far from the phone, still visible.
pub fn level_percent(samples: &[u8]) -> u8 {
    if samples.is_empty() {
        return 0;
    }
    let sum: f64 = samples
        .iter()
        .map(|&s| {
            let centred = (f64::from(s) - 128.0) / 128.0;
            centred * centred
        })
        .sum();
    let count = f64::from(u32::try_from(samples.len()).unwrap_or(u32::MAX));
    let rms = (sum / count).sqrt();
    u8::try_from(ms_from_f64((rms.sqrt() * 140.0).min(100.0))).unwrap_or(100)
}

/// Rounds to the nearest and saturates at the bounds; NaN is 0.
#[allow(
    clippy::as_conversions,
    reason = "float to integer has no From/TryFrom; `as` saturates, which is what is wanted"
)]
fn ms_from_f64(value: f64) -> u32 {
    value.round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_elapsed_time() {
        assert_eq!(format_elapsed(0), "0:00");
        assert_eq!(format_elapsed(999), "0:00");
        assert_eq!(format_elapsed(3_000), "0:03");
        assert_eq!(format_elapsed(65_230), "1:05");
        assert_eq!(format_elapsed(10 * 60_000), "10:00");
        assert_eq!(format_elapsed(LIMIT_MS), "60:00");
        assert_eq!(format_elapsed(LIMIT_MS + 1_000), "1:00:01");
    }

    #[test]
    fn paused_time_does_not_count() {
        let mut clock = Clock::started(1_000.0);
        assert_eq!(clock.elapsed_ms(3_500.0), 2_500);
        clock.pause(3_500.0);
        assert_eq!(clock.elapsed_ms(60_000.0), 2_500, "frozen while paused");
        clock.pause(61_000.0);
        clock.resume(70_000.0);
        clock.resume(71_000.0);
        assert_eq!(
            clock.elapsed_ms(71_000.0),
            3_500,
            "a second resume changes nothing"
        );
        clock.pause(72_000.0);
        assert_eq!(clock.elapsed_ms(99_000.0), 4_500);
        // A clock that went backwards (the system time was changed) never subtracts.
        assert_eq!(Clock::started(5_000.0).elapsed_ms(4_000.0), 0);
    }

    #[test]
    fn measures_the_level() {
        assert_eq!(level_percent(&[]), 0);
        assert_eq!(level_percent(&[128; 512]), 0);
        let full: Vec<u8> = (0..512).map(|i| if i % 2 == 0 { 0 } else { 255 }).collect();
        assert_eq!(level_percent(&full), 100);
        let quiet: Vec<u8> = (0..512)
            .map(|i| if i % 2 == 0 { 122 } else { 134 })
            .collect();
        let level = level_percent(&quiet);
        assert!(
            (20..60).contains(&level),
            "quiet speech still shows: {level}"
        );
    }
}
