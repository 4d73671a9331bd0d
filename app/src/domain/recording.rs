//! A voice recording's details as typed with it (docs/api.md, "Recordings"): what it is about,
//! who interviewed, and interview mode's question markers. The file itself is checked by the
//! server's audio intake; what is parsed here runs in the browser too.

use super::errors::{FieldError, RecordingPart};
use super::text::{char_count, limits, optional};
use serde::{Deserialize, Serialize};

/// One recording's details exactly as typed (`recording_summary`, `recording_interviewer`,
/// `recording_markers`, the i-th value of each).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingDraft {
    pub summary: String,
    pub interviewer: String,
    pub markers: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingDetails {
    pub summary: Option<String>,
    pub interviewer: Option<String>,
    pub markers: InterviewMarkers,
}

impl RecordingDetails {
    pub fn parse(draft: &RecordingDraft) -> Result<RecordingDetails, (RecordingPart, FieldError)> {
        Ok(RecordingDetails {
            summary: optional(&draft.summary, limits::RECORDING_SUMMARY_MAX)
                .map_err(|e| (RecordingPart::Summary, e))?,
            interviewer: optional(&draft.interviewer, limits::RECORDING_INTERVIEWER_MAX)
                .map_err(|e| (RecordingPart::Interviewer, e))?,
            markers: InterviewMarkers::parse(&draft.markers)
                .map_err(|e| (RecordingPart::Markers, e))?,
        })
    }
}

/// The number (1 ..= `INTERVIEW_PROMPTS`) of one of interview mode's localized questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PromptNumber(u8);

impl PromptNumber {
    pub fn new(number: u8) -> Option<PromptNumber> {
        (1..=limits::INTERVIEW_PROMPTS)
            .contains(&number)
            .then_some(PromptNumber(number))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Every prompt, in the order interview mode shows them.
    pub fn all() -> impl Iterator<Item = PromptNumber> {
        (1..=limits::INTERVIEW_PROMPTS).map(PromptNumber)
    }
}

/// "Next question" tapped `at_ms` milliseconds into the recording, moving to `prompt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    pub at_ms: u32,
    pub prompt: PromptNumber,
}

/// Interview mode's markers: `{ms}:{prompt}` pairs separated by spaces, ascending in time.
/// Whether they fall within the recording is checked once its length is known
/// (`InterviewMarkers::within`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewMarkers(Vec<Marker>);

impl InterviewMarkers {
    pub fn parse(input: &str) -> Result<InterviewMarkers, FieldError> {
        let actual = char_count(input);
        if actual > limits::RECORDING_MARKERS_TEXT_MAX {
            return Err(FieldError::TooLong {
                max: limits::RECORDING_MARKERS_TEXT_MAX,
                actual,
            });
        }
        let markers = input
            .split_ascii_whitespace()
            .map(parse_marker)
            .collect::<Option<Vec<Marker>>>()
            .ok_or(FieldError::UnknownChoice)?;
        if markers.len() > limits::RECORDING_MARKERS_MAX {
            return Err(FieldError::TooLong {
                max: limits::RECORDING_MARKERS_MAX,
                actual: markers.len(),
            });
        }
        if markers.windows(2).any(|pair| pair[0].at_ms > pair[1].at_ms) {
            return Err(FieldError::UnknownChoice);
        }
        Ok(InterviewMarkers(markers))
    }

    /// The markers that fall within a recording of `duration_ms`; later ones (a tap after the
    /// recording stopped) are dropped.
    pub fn within(self, duration_ms: u32) -> InterviewMarkers {
        InterviewMarkers(
            self.0
                .into_iter()
                .filter(|m| m.at_ms < duration_ms)
                .collect(),
        )
    }

    pub fn as_slice(&self) -> &[Marker] {
        &self.0
    }

    /// The form value: what `parse` reads.
    pub fn to_form_value(&self) -> String {
        self.0
            .iter()
            .map(|m| format!("{}:{}", m.at_ms, m.prompt.get()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn parse_marker(pair: &str) -> Option<Marker> {
    let (at, prompt) = pair.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(at) || !digits(prompt) {
        return None;
    }
    let at_ms: u32 = at.parse().ok()?;
    if at_ms > limits::RECORDING_MAX_SECONDS * 1000 {
        return None;
    }
    let prompt = PromptNumber::new(prompt.parse().ok()?)?;
    Some(Marker { at_ms, prompt })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_markers_in_order() {
        let markers = InterviewMarkers::parse(" 0:1  65230:2\n130400:3 ").unwrap();
        assert_eq!(markers.as_slice().len(), 3);
        assert_eq!(markers.as_slice()[1].at_ms, 65_230);
        assert_eq!(markers.to_form_value(), "0:1 65230:2 130400:3");
        assert_eq!(
            InterviewMarkers::parse("").unwrap(),
            InterviewMarkers::default()
        );
    }

    #[test]
    fn refuses_malformed_markers() {
        for bad in [
            "1:0",
            "1:11",
            "x:1",
            "1:",
            ":1",
            "-1:1",
            "+1:1",
            "1:1:1",
            "2:1 1:2",
            "3600001:1",
            "99999999999:1",
            "１:1",
        ] {
            assert!(InterviewMarkers::parse(bad).is_err(), "{bad}");
        }
        assert!(InterviewMarkers::parse("3600000:10").is_ok());
    }

    #[test]
    fn limits_the_number_of_markers() {
        let at_limit: Vec<String> = (0..60).map(|i| format!("{i}:1")).collect();
        assert!(InterviewMarkers::parse(&at_limit.join(" ")).is_ok());
        let past: Vec<String> = (0..61).map(|i| format!("{i}:1")).collect();
        assert!(matches!(
            InterviewMarkers::parse(&past.join(" ")),
            Err(FieldError::TooLong {
                max: 60,
                actual: 61
            })
        ));
        let long = "0:1 ".repeat(501);
        assert!(matches!(
            InterviewMarkers::parse(&long),
            Err(FieldError::TooLong { max: 2000, .. })
        ));
    }

    #[test]
    fn drops_markers_past_the_end() {
        let markers = InterviewMarkers::parse("0:1 5000:2 9000:3").unwrap();
        assert_eq!(markers.within(6000).to_form_value(), "0:1 5000:2");
    }

    #[test]
    fn parses_details() {
        let draft = RecordingDraft {
            summary: " 渡口的早晨 ".into(),
            interviewer: String::new(),
            markers: "0:1".into(),
        };
        let details = RecordingDetails::parse(&draft).unwrap();
        assert_eq!(details.summary.as_deref(), Some("渡口的早晨"));
        assert_eq!(details.interviewer, None);
        let long = RecordingDraft {
            interviewer: "名".repeat(101),
            ..RecordingDraft::default()
        };
        assert!(matches!(
            RecordingDetails::parse(&long),
            Err((
                RecordingPart::Interviewer,
                FieldError::TooLong { max: 100, .. }
            ))
        ));
    }
}
