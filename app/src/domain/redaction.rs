//! A moderator's redaction of a recording (docs/moderation.md, "Redactions"): a stretch of the
//! public copy silenced (a neighbour's name, an address), with the reason. The form's fields
//! are declared here once; `RedactionDraft::parse` checks every limit against the recording it
//! is for, and the server runs it under the story's lock.

use super::errors::{FieldError, FormErrors, RedactionProblem};
use super::form::form_fields;
use super::status::StoryStatus;
use super::text::{Lines, limits, required};
use super::transcript::{exact_clock, read_clock};
use serde::{Deserialize, Serialize};

form_fields! {
    /// `POST /moderate/stories/{id}/recordings/{recording}/redactions`, with the story's
    /// `ReviewField::Version`. Times are typed as the transcript's are: `m:ss` or `h:mm:ss`,
    /// each with an optional fraction (`1:05.5`).
    pub enum RedactionField {
        Start = "start",
        End = "end",
        Reason = "reason",
    }
}

impl RedactionField {
    /// The form control of this field for one recording (a page holds one form per recording).
    pub fn control_id(self, recording: impl std::fmt::Display) -> String {
        format!("redaction-{recording}-{}", self.name())
    }
}

/// The stories whose recordings may be redacted: every status that is public or may become so
/// again (a name noticed after publication, or while an unpublished story waits). A rejected
/// story is never published, a withdrawn one has no recordings left.
pub const REDACTABLE: [StoryStatus; 4] = [
    StoryStatus::Pending,
    StoryStatus::ChangesRequested,
    StoryStatus::Approved,
    StoryStatus::Unpublished,
];

/// A redaction's row number, as in `…/redactions/{redaction}/lift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct RedactionId(pub i64);

impl std::fmt::Display for RedactionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A stretch of a recording in milliseconds from its start; never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactedRange {
    start_ms: u32,
    end_ms: u32,
}

impl RedactedRange {
    /// `None` unless `start_ms < end_ms` (a stored range, already checked).
    pub fn new(start_ms: u32, end_ms: u32) -> Option<RedactedRange> {
        (start_ms < end_ms).then_some(RedactedRange { start_ms, end_ms })
    }

    pub fn start_ms(self) -> u32 {
        self.start_ms
    }

    pub fn end_ms(self) -> u32 {
        self.end_ms
    }

    /// As people type it back: `0:01–0:02.500`.
    pub fn shown(self) -> String {
        format!(
            "{}–{}",
            exact_clock(self.start_ms),
            exact_clock(self.end_ms)
        )
    }
}

/// A redaction as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionDraft {
    pub start: String,
    pub end: String,
    pub reason: String,
}

/// What a redaction is checked against: the recording's length and its redactions so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedactionContext {
    pub duration_ms: u32,
    pub existing: usize,
}

/// A redaction that may be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    pub range: RedactedRange,
    pub reason: String,
}

impl RedactionDraft {
    /// Every refused field at once, or the redaction: both times inside the recording, the end
    /// at least `REDACTION_MIN_MS` after the start, a reason of `REDACTION_REASON` characters,
    /// and fewer than `REDACTIONS_PER_RECORDING` redactions already.
    pub fn parse(
        &self,
        recording: RedactionContext,
    ) -> Result<Redaction, FormErrors<RedactionField>> {
        let mut errors = FormErrors::default();
        if recording.existing >= limits::REDACTIONS_PER_RECORDING {
            let max = limits::REDACTIONS_PER_RECORDING;
            errors.add(
                RedactionField::Start,
                FieldError::Redaction(RedactionProblem::TooMany { max }),
            );
        }
        let start = errors.check(RedactionField::Start, time(&self.start, recording));
        let end = errors.check(RedactionField::End, time(&self.end, recording));
        let reason = errors.check(
            RedactionField::Reason,
            required(&self.reason, Lines::Single, limits::REDACTION_REASON),
        );
        let range = match (start, end) {
            (Some(start), Some(end)) => errors.check(RedactionField::End, range(start, end)),
            _ => None,
        };
        match (range, reason) {
            (Some(range), Some(reason)) if errors.is_empty() => Ok(Redaction { range, reason }),
            _ => Err(errors),
        }
    }
}

/// One time of the range, at most the recording's length.
fn time(input: &str, recording: RedactionContext) -> Result<u32, FieldError> {
    if input.trim().is_empty() {
        return Err(FieldError::Required);
    }
    let ms = read_clock(input).ok_or(FieldError::Redaction(RedactionProblem::NotATime))?;
    if ms > recording.duration_ms {
        let duration_ms = recording.duration_ms;
        return Err(FieldError::Redaction(RedactionProblem::PastTheEnd {
            duration_ms,
        }));
    }
    Ok(ms)
}

fn range(start_ms: u32, end_ms: u32) -> Result<RedactedRange, FieldError> {
    let range = RedactedRange::new(start_ms, end_ms)
        .ok_or(FieldError::Redaction(RedactionProblem::EndNotAfterStart))?;
    let min_ms = limits::REDACTION_MIN_MS;
    if end_ms - start_ms < min_ms {
        return Err(FieldError::Redaction(RedactionProblem::TooShort { min_ms }));
    }
    Ok(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN_SECONDS: RedactionContext = RedactionContext {
        duration_ms: 10_000,
        existing: 0,
    };

    fn draft(start: &str, end: &str, reason: &str) -> RedactionDraft {
        RedactionDraft {
            start: start.to_owned(),
            end: end.to_owned(),
            reason: reason.to_owned(),
        }
    }

    fn problem(problem: RedactionProblem) -> FieldError {
        FieldError::Redaction(problem)
    }

    /// The one error of a refused draft.
    fn refused(d: &RedactionDraft, context: RedactionContext) -> (RedactionField, FieldError) {
        let errors = d.parse(context).expect_err("refused");
        let all: Vec<_> = errors.iter().collect();
        assert_eq!(all.len(), 1, "{all:?}");
        all[0]
    }

    #[test]
    fn a_range_with_a_reason_parses() {
        let r = draft(" 0:01 ", "0:02.5", " 邻居的名字 ")
            .parse(TEN_SECONDS)
            .unwrap();
        assert_eq!(r.range, RedactedRange::new(1_000, 2_500).unwrap());
        assert_eq!(r.reason, "邻居的名字");
        assert_eq!(r.range.shown(), "0:01–0:02.500");
        let hours = RedactionContext {
            duration_ms: 3_600_000,
            existing: 0,
        };
        let r = draft("0:59:59", "1:00:00", "地址").parse(hours).unwrap();
        assert_eq!(r.range, RedactedRange::new(3_599_000, 3_600_000).unwrap());
    }

    #[test]
    fn the_range_stays_inside_the_recording() {
        assert!(draft("0:00", "0:10", "x").parse(TEN_SECONDS).is_ok());
        assert_eq!(
            refused(&draft("0:09", "0:10.001", "x"), TEN_SECONDS),
            (
                RedactionField::End,
                problem(RedactionProblem::PastTheEnd {
                    duration_ms: 10_000
                })
            )
        );
        let errors = draft("0:10.5", "0:11", "x").parse(TEN_SECONDS).unwrap_err();
        assert!(errors.get(RedactionField::Start).is_some());
        assert!(errors.get(RedactionField::End).is_some());
    }

    #[test]
    fn the_range_is_at_least_a_tenth_of_a_second() {
        assert!(draft("0:01", "0:01.1", "x").parse(TEN_SECONDS).is_ok());
        assert_eq!(
            refused(&draft("0:01", "0:01.099", "x"), TEN_SECONDS),
            (
                RedactionField::End,
                problem(RedactionProblem::TooShort { min_ms: 100 })
            )
        );
        for (start, end) in [("0:02", "0:02"), ("0:03", "0:02")] {
            assert_eq!(
                refused(&draft(start, end, "x"), TEN_SECONDS),
                (
                    RedactionField::End,
                    problem(RedactionProblem::EndNotAfterStart)
                )
            );
        }
    }

    #[test]
    fn times_are_clock_times() {
        for bad in ["1", "1.5", "0:1", "0:60", "-0:01", "1:00 am", "0:01,5"] {
            assert_eq!(
                refused(&draft(bad, "0:05", "x"), TEN_SECONDS),
                (RedactionField::Start, problem(RedactionProblem::NotATime)),
                "{bad}"
            );
        }
        assert_eq!(
            refused(&draft("0:01", " ", "x"), TEN_SECONDS),
            (RedactionField::End, FieldError::Required)
        );
    }

    #[test]
    fn the_reason_is_one_to_three_hundred_characters() {
        let (min, max) = limits::REDACTION_REASON;
        assert_eq!((min, max), (1, 300));
        assert!(draft("0:01", "0:02", "名").parse(TEN_SECONDS).is_ok());
        assert!(
            draft("0:01", "0:02", &"名".repeat(max))
                .parse(TEN_SECONDS)
                .is_ok()
        );
        assert_eq!(
            refused(&draft("0:01", "0:02", &"名".repeat(max + 1)), TEN_SECONDS),
            (
                RedactionField::Reason,
                FieldError::TooLong {
                    max,
                    actual: max + 1
                }
            )
        );
        for blank in ["", " ", "\u{200B}"] {
            assert_eq!(
                refused(&draft("0:01", "0:02", blank), TEN_SECONDS),
                (RedactionField::Reason, FieldError::Required)
            );
        }
        assert_eq!(
            refused(&draft("0:01", "0:02", "a\nb"), TEN_SECONDS),
            (RedactionField::Reason, FieldError::ControlCharacter)
        );
    }

    #[test]
    fn a_recording_has_at_most_fifty_redactions() {
        let max = limits::REDACTIONS_PER_RECORDING;
        assert_eq!(max, 50);
        let context = |existing| RedactionContext {
            duration_ms: 10_000,
            existing,
        };
        assert!(draft("0:01", "0:02", "x").parse(context(max - 1)).is_ok());
        assert_eq!(
            refused(&draft("0:01", "0:02", "x"), context(max)),
            (
                RedactionField::Start,
                problem(RedactionProblem::TooMany { max })
            )
        );
    }

    #[test]
    fn every_field_is_refused_at_once() {
        let errors = draft("x", "", "").parse(TEN_SECONDS).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(
            fields,
            [
                RedactionField::Start,
                RedactionField::End,
                RedactionField::Reason
            ]
        );
    }

    #[test]
    fn rejected_and_withdrawn_stories_are_not_redacted() {
        assert!(!REDACTABLE.contains(&StoryStatus::Rejected));
        assert!(!REDACTABLE.contains(&StoryStatus::Withdrawn));
        assert!(REDACTABLE.contains(&StoryStatus::Approved));
    }
}
