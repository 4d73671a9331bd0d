//! Times: how they are shown (`clock`), written back (`exact`, `vtt_stamp`) and read, in the
//! simple form (`typed`: `1:05`, `01:02:03`, `1:05.250`, with full-width digits and colons as a
//! Chinese or Japanese keyboard types them) and in WebVTT (`vtt`: `00:01:05.000`, `01:05.000`).

const MS_PER_SECOND: u32 = 1000;

/// A time as people read it, to the second (rounded down): `0:05`, `1:05`, `1:02:03`.
pub fn clock(ms: u32) -> String {
    let seconds = ms / MS_PER_SECOND;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// A time as the simple form writes it: `clock`, with the milliseconds when there are any
/// (`1:05.250`), so that reading it back gives the same time.
pub fn exact(ms: u32) -> String {
    match ms % MS_PER_SECOND {
        0 => clock(ms),
        fraction => format!("{}.{fraction:03}", clock(ms)),
    }
}

/// A WebVTT timestamp: `00:01:05.250`.
pub(super) fn vtt_stamp(ms: u32) -> String {
    let seconds = ms / MS_PER_SECOND;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        ms % MS_PER_SECOND
    )
}

/// Opening and closing brackets around a time in the simple form: ASCII, and the lenticular
/// ones a Chinese keyboard types for `[` and `]`.
pub(super) fn strip_opening(text: &str) -> Option<&str> {
    text.strip_prefix('[').or_else(|| text.strip_prefix('【'))
}

pub(super) fn is_bracket(c: char) -> bool {
    matches!(c, '[' | ']' | '【' | '】')
}

pub(super) fn is_closing(c: char) -> bool {
    matches!(c, ']' | '】')
}

fn is_separator(c: char) -> bool {
    matches!(c, ':' | '：')
}

/// An ASCII or full-width digit's value.
fn digit(c: char) -> Option<u32> {
    c.to_digit(10).or_else(|| {
        u32::from(c)
            .checked_sub(u32::from('０'))
            .filter(|d| *d < 10)
    })
}

pub(super) fn starts_with_digit(text: &str) -> bool {
    text.chars().next().and_then(digit).is_some()
}

/// Whether a line of the simple form starts with a time, so starts a new cue or segment: an
/// optional opening bracket, then digits followed by a colon. Whatever follows is then read as
/// a time, or refused as `InvalidTime`.
pub(super) fn looks_like_time(line: &str) -> bool {
    let rest = line.trim_start();
    let rest = strip_opening(rest).map_or(rest, str::trim_start);
    let digits = rest.chars().take_while(|c| digit(*c).is_some()).count();
    digits > 0 && rest.chars().nth(digits).is_some_and(is_separator)
}

/// Digits at the start of `text` (at most 9, so the value fits): value, count and the rest.
fn number(text: &str) -> Option<(u32, usize, &str)> {
    let mut value = 0u32;
    let mut count = 0usize;
    for c in text.chars() {
        let Some(d) = digit(c) else { break };
        count += 1;
        if count > 9 {
            return None;
        }
        value = value * 10 + d;
    }
    let bytes: usize = text.chars().take(count).map(char::len_utf8).sum();
    (count > 0).then(|| (value, count, &text[bytes..]))
}

/// A time at the start of `text` in the simple form: `m:ss`, `h:mm:ss`, each with an optional
/// `.t` to `.ttt` fraction of a second; minutes of `m:ss` and hours have at most 3 and 4 digits,
/// seconds and the minutes of `h:mm:ss` exactly 2 and below 60. Gives the milliseconds and what
/// follows, which must not go on like a time (`1:05:3`, `1:0512`).
pub(super) fn typed(text: &str) -> Option<(u32, &str)> {
    let mut groups = Vec::with_capacity(3);
    let mut rest = text;
    loop {
        let (value, count, after) = number(rest)?;
        groups.push((value, count));
        rest = after;
        match rest.chars().next() {
            Some(c) if is_separator(c) && groups.len() < 3 => rest = &rest[c.len_utf8()..],
            _ => break,
        }
    }
    let (fraction, rest) = fraction(rest)?;
    if rest
        .chars()
        .next()
        .is_some_and(|c| digit(c).is_some() || is_separator(c))
    {
        return None;
    }
    let (hours, minutes, seconds) = match groups.as_slice() {
        [(m, 1..=3), (s, 2)] if *s < 60 => (0, *m, *s),
        [(h, 1..=4), (m, 2), (s, 2)] if *m < 60 && *s < 60 => (*h, *m, *s),
        _ => return None,
    };
    Some((milliseconds(hours, minutes, seconds, fraction)?, rest))
}

/// A whole text that is one time in the simple form (`1:05`, `1:02:03.5`, blanks around it
/// allowed), as a form field holds it.
pub fn read_clock(text: &str) -> Option<u32> {
    match typed(text.trim()) {
        Some((ms, "")) => Some(ms),
        _ => None,
    }
}

/// `.5`, `.25` or `.250` after the seconds, in milliseconds; nothing when `text` does not start
/// with a point and a digit.
fn fraction(text: &str) -> Option<(u32, &str)> {
    let Some(after) = text.strip_prefix('.') else {
        return Some((0, text));
    };
    match number(after) {
        None => Some((0, text)),
        Some((_, 4.., _)) => None,
        Some((value, count, rest)) => {
            let scale = [100, 10, 1][count - 1];
            Some((value * scale, rest))
        }
    }
}

/// A WebVTT timestamp, exactly: `hh:mm:ss.ttt` (hours of 1 to 4 digits) or `mm:ss.ttt`, ASCII
/// digits, minutes and seconds below 60.
pub(super) fn vtt(text: &str) -> Option<u32> {
    let all_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let (clock_part, millis) = text.split_once('.')?;
    let parts: Vec<&str> = clock_part.split(':').collect();
    let (hours, minutes, seconds) = match parts.as_slice() {
        [m, s] => ("0", *m, *s),
        [h, m, s] if (1..=4).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_digit()) => {
            (*h, *m, *s)
        }
        _ => return None,
    };
    if !all_digits(minutes, 2) || !all_digits(seconds, 2) || !all_digits(millis, 3) {
        return None;
    }
    let value = |s: &str| s.parse::<u32>().ok();
    let (h, m, s, ms) = (
        value(hours)?,
        value(minutes)?,
        value(seconds)?,
        value(millis)?,
    );
    if m >= 60 || s >= 60 {
        return None;
    }
    milliseconds(h, m, s, ms)
}

/// `None` past `u32::MAX` milliseconds (about 1,193 hours).
fn milliseconds(hours: u32, minutes: u32, seconds: u32, ms: u32) -> Option<u32> {
    let seconds = hours
        .checked_mul(3600)?
        .checked_add(minutes * 60 + seconds)?;
    seconds.checked_mul(MS_PER_SECOND)?.checked_add(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_like_a_clock() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(5_999), "0:05");
        assert_eq!(clock(65_000), "1:05");
        assert_eq!(clock(3_599_999), "59:59");
        assert_eq!(clock(3_600_000), "1:00:00");
        assert_eq!(clock(3_723_000), "1:02:03");
        assert_eq!(clock(u32::MAX), "1193:02:47");
    }

    #[test]
    fn exact_and_vtt_keep_milliseconds() {
        assert_eq!(exact(65_000), "1:05");
        assert_eq!(exact(65_250), "1:05.250");
        assert_eq!(exact(3_723_004), "1:02:03.004");
        assert_eq!(vtt_stamp(65_250), "00:01:05.250");
        assert_eq!(vtt_stamp(3_723_004), "01:02:03.004");
        for ms in [
            0,
            1,
            999,
            65_250,
            3_599_999,
            3_600_000,
            359_999_999,
            u32::MAX,
        ] {
            assert_eq!(typed(&exact(ms)), Some((ms, "")), "{ms}");
            assert_eq!(vtt(&vtt_stamp(ms)), Some(ms), "{ms}");
        }
    }

    #[test]
    fn reads_typed_times() {
        assert_eq!(typed("1:05"), Some((65_000, "")));
        assert_eq!(typed("01:05 hi"), Some((65_000, " hi")));
        assert_eq!(typed("1:05那时候"), Some((65_000, "那时候")));
        assert_eq!(typed("01:02:03"), Some((3_723_000, "")));
        assert_eq!(typed("1:05.5"), Some((65_500, "")));
        assert_eq!(typed("1:05.25]"), Some((65_250, "]")));
        assert_eq!(typed("1:05."), Some((65_000, ".")));
        assert_eq!(typed("１：０５"), Some((65_000, "")));
        assert_eq!(typed("999:59"), Some((59_999_000, "")));
        assert_eq!(typed("99:59:59.999"), Some((359_999_999, "")));
        assert_eq!(typed("1193:02:47.295"), Some((u32::MAX, "")));
        assert_eq!(typed("1193:02:47.296"), None);
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for bad in [
            "1:60",
            "1:5",
            "1:005",
            "1:05:3",
            "1:05:60",
            "1:60:00",
            "1:05:00:00",
            "1:05.2500",
            "1000:00",
            "10000:00:00",
            "99999999:00",
            "99999999999999999999:00",
            "-1:05",
            "1:",
            ":05",
            "1:05:",
            "1:0512",
        ] {
            assert_eq!(typed(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_field_holds_exactly_one_time() {
        assert_eq!(read_clock(" 1:05.5 "), Some(65_500));
        assert_eq!(read_clock("１：０５"), Some(65_000));
        for ms in [0, 100, 65_250, 3_723_004] {
            assert_eq!(read_clock(&exact(ms)), Some(ms), "{ms}");
        }
        for bad in ["", "65", "1:05 x", "1:05.", "[1:05]", "1:05 1:06"] {
            assert_eq!(read_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_vtt_timestamps_strictly() {
        assert_eq!(vtt("00:01:05.250"), Some(65_250));
        assert_eq!(vtt("01:05.250"), Some(65_250));
        assert_eq!(vtt("1:02:03.000"), Some(3_723_000));
        for bad in [
            "1:05.250",
            "01:05",
            "01:05.25",
            "01:60.000",
            "60:00.000",
            "00001:00:00.000",
            "9999:00:00.000",
            "０1:05.000",
            "01:05.000x",
            "+1:01:05.000",
            "01:05,000",
        ] {
            assert_eq!(vtt(bad), None, "{bad}");
        }
    }

    #[test]
    fn recognises_lines_that_start_with_a_time() {
        for yes in ["1:05", " [1:05] a", "【 1：05 王】", "12:30pm", "1:5"] {
            assert!(looks_like_time(yes), "{yes}");
        }
        for no in ["", "2012年", "[laughs]", "a 1:05", "１０月", "\\1:05"] {
            assert!(!looks_like_time(no), "{no}");
        }
    }
}
