//! OAI-PMH dates: UTC, `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ` (the repository's granularity is
//! seconds). A datestamp is shown truncated to the second; selection compares the stored
//! microseconds with the bounds below, which is the same thing.

use time::macros::format_description;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Day,
    Second,
}

/// A `from` or `until` argument as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OaiDate {
    at: OffsetDateTime,
    granularity: Granularity,
}

impl OaiDate {
    pub fn parse(text: &str) -> Option<OaiDate> {
        let (date, time, granularity) = match text.len() {
            10 => (text, None, Granularity::Day),
            20 => (
                text.get(..10)?,
                Some(text.get(10..)?.strip_prefix('T')?.strip_suffix('Z')?),
                Granularity::Second,
            ),
            _ => return None,
        };
        let date = parse_date(date)?;
        let time = time.map_or(Some(Time::MIDNIGHT), parse_time)?;
        Some(OaiDate {
            at: PrimitiveDateTime::new(date, time).assume_utc(),
            granularity,
        })
    }

    pub fn granularity(self) -> Granularity {
        self.granularity
    }

    /// The first instant it names (`from` is inclusive).
    pub fn start(self) -> OffsetDateTime {
        self.at
    }

    /// The last instant it names, to the microsecond (`until` is inclusive: the whole day, or
    /// the whole second).
    pub fn end(self) -> OffsetDateTime {
        let span = match self.granularity {
            Granularity::Day => Duration::DAY,
            Granularity::Second => Duration::SECOND,
        };
        self.at + span - Duration::MICROSECOND
    }
}

/// `YYYY-MM-DD` of ASCII digits.
fn parse_date(text: &str) -> Option<Date> {
    let [year, month, day] = fields(text, '-', [4, 2, 2])?;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

/// `hh:mm:ss` of ASCII digits.
fn parse_time(text: &str) -> Option<Time> {
    let [hour, minute, second] = fields(text, ':', [2, 2, 2])?;
    Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()
}

/// Three numbers of exactly `widths` ASCII digits separated by `separator`.
fn fields(text: &str, separator: char, widths: [usize; 3]) -> Option<[u32; 3]> {
    let mut parts = text.split(separator);
    let mut out = [0; 3];
    for (slot, width) in out.iter_mut().zip(widths) {
        let part = parts.next()?;
        if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// `YYYY-MM-DDThh:mm:ssZ`: datestamps, `responseDate` and `expirationDate`.
pub fn datestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap_or_default()
}

/// `YYYY-MM-DD`, for `dc:date`.
pub fn day(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// Microseconds since 1970, how tokens carry instants.
pub fn micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

pub fn from_micros(micros: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_granularities_and_nothing_else() {
        let day = OaiDate::parse("2026-12-07").unwrap();
        assert_eq!(day.granularity(), Granularity::Day);
        assert_eq!(datestamp(day.start()), "2026-12-07T00:00:00Z");
        assert_eq!(datestamp(day.end()), "2026-12-07T23:59:59Z");
        let second = OaiDate::parse("2026-12-07T08:09:10Z").unwrap();
        assert_eq!(second.granularity(), Granularity::Second);
        assert_eq!(datestamp(second.end()), "2026-12-07T08:09:10Z");
        assert_eq!(
            second.end() - second.start(),
            Duration::microseconds(999_999)
        );
        for bad in [
            "2026-12-7",
            "2026-13-01",
            "2026-02-30",
            "2026-12-07T08:09:10",
            "2026-12-07T08:09Z",
            "2026-12-07 08:09:10Z",
            "2026-12-07T24:00:00Z",
            "+026-12-07",
            "２０２６-12-07",
            "2026-12-07T08:09:10.5Z",
            "2026-12-07T08:09:10+08:00",
            "",
        ] {
            assert_eq!(OaiDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn micros_round_trip() {
        let at = OaiDate::parse("2026-12-07T08:09:10Z").unwrap().end();
        assert_eq!(from_micros(micros(at)), Some(at));
    }
}
