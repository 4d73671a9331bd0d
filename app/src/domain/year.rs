use super::errors::FieldError;
use serde::{Deserialize, Serialize};

pub const EARLIEST_YEAR: i32 = 1900;

/// A calendar year a story refers to, between 1900 and the current year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Year(i32);

impl Year {
    /// Parses a year typed by a person: ASCII or full-width digits (as Chinese input methods
    /// produce), surrounding spaces ignored.
    pub fn parse(input: &str, latest: i32) -> Result<Year, FieldError> {
        let digits: String = input.trim().chars().map(fold_full_width_digit).collect();
        if digits.is_empty() {
            return Err(FieldError::Required);
        }
        if digits.len() > 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::NotAYear);
        }
        let year: i32 = digits.parse().map_err(|_| FieldError::NotAYear)?;
        if !(EARLIEST_YEAR..=latest).contains(&year) {
            return Err(FieldError::YearOutOfRange {
                min: EARLIEST_YEAR,
                max: latest,
            });
        }
        Ok(Year(year))
    }

    /// For values that were validated before (database rows).
    pub fn from_trusted(year: i32) -> Year {
        Year(year)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

fn fold_full_width_digit(c: char) -> char {
    match c {
        '０'..='９' => {
            char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
        }
        other => other,
    }
}

/// "Then" and "now": the decade a story spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSpan {
    pub then: Year,
    pub now: Year,
    /// The "then" year is approximate ("around 2010").
    pub then_approx: bool,
}

impl YearSpan {
    pub fn new(then: Year, now: Year, then_approx: bool) -> Result<YearSpan, FieldError> {
        if then >= now {
            return Err(FieldError::ThenNotBeforeNow);
        }
        Ok(YearSpan {
            then,
            now,
            then_approx,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges() {
        assert_eq!(Year::parse("1900", 2026).map(Year::get), Ok(1900));
        assert_eq!(
            Year::parse("1899", 2026),
            Err(FieldError::YearOutOfRange {
                min: 1900,
                max: 2026
            })
        );
        assert_eq!(Year::parse("2026", 2026).map(Year::get), Ok(2026));
        assert!(Year::parse("2027", 2026).is_err());
        assert_eq!(Year::parse("", 2026), Err(FieldError::Required));
        assert_eq!(Year::parse("20x1", 2026), Err(FieldError::NotAYear));
        assert_eq!(Year::parse("-2011", 2026), Err(FieldError::NotAYear));
        assert_eq!(Year::parse("99999999999", 2026), Err(FieldError::NotAYear));
    }

    #[test]
    fn full_width_digits() {
        assert_eq!(Year::parse("２０１１", 2026).map(Year::get), Ok(2011));
    }

    #[test]
    fn then_before_now() {
        let y = |v| Year::parse(v, 2026).unwrap();
        assert!(YearSpan::new(y("2011"), y("2012"), false).is_ok());
        assert_eq!(
            YearSpan::new(y("2012"), y("2012"), false),
            Err(FieldError::ThenNotBeforeNow)
        );
    }
}
