//! A recording's transcript and index as its contributor or a moderator saves them: both parsed
//! once, either left blank for none, and the plain text that search reads.

use super::document::Transcript;
use super::error::TranscriptError;
use super::index::Index;
use crate::domain::forms::TranscriptField;

/// What the transcript form sent, parsed for a recording of a known length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingText {
    pub transcript: Option<Transcript>,
    pub index: Option<Index>,
}

/// Each refused field of the transcript form, with why.
pub type RecordingTextErrors = Vec<(TranscriptField, TranscriptError)>;

impl RecordingText {
    /// Reads both fields (WebVTT or the simple form for the transcript; docs/api.md,
    /// "Transcripts and indexes"). A field of only blanks means none.
    pub fn parse(
        transcript: &str,
        index: &str,
        duration_ms: u32,
    ) -> Result<RecordingText, RecordingTextErrors> {
        let transcript = blank_or(transcript, |t| Transcript::parse(t, duration_ms));
        let index = blank_or(index, |t| Index::parse(t, duration_ms));
        match (transcript, index) {
            (Ok(transcript), Ok(index)) => Ok(RecordingText { transcript, index }),
            (transcript, index) => Err([
                (TranscriptField::Transcript, transcript.err()),
                (TranscriptField::Index, index.err()),
            ]
            .into_iter()
            .filter_map(|(field, error)| Some((field, error?)))
            .collect()),
        }
    }

    /// The transcript as stored and served (`recordings.transcript`).
    pub fn vtt(&self) -> Option<String> {
        self.transcript.as_ref().map(Transcript::to_vtt)
    }

    /// The index as stored (`recordings.index_text`): its editable form.
    pub fn index_text(&self) -> Option<String> {
        self.index.as_ref().map(Index::to_editable)
    }

    /// What search finds the recording by: what is said, then the index's titles, keywords and
    /// summaries. `None` when there is neither.
    pub fn search_text(&self) -> Option<String> {
        let said = self.transcript.iter().map(Transcript::plain_text);
        let indexed = self.index.iter().flat_map(|index| {
            index.segments.iter().map(|segment| {
                let mut parts = vec![segment.title.clone()];
                parts.extend(segment.keywords.iter().cloned());
                parts.extend(segment.summary.iter().cloned());
                parts.join("\n")
            })
        });
        let text: Vec<String> = said.chain(indexed).collect();
        (!text.is_empty()).then(|| text.join("\n"))
    }
}

fn blank_or<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, TranscriptError>,
) -> Result<Option<T>, TranscriptError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transcript::TranscriptProblem;

    const MINUTE: u32 = 60_000;

    #[test]
    fn blank_fields_mean_none() {
        let text = RecordingText::parse(" \n", "\t", MINUTE).unwrap();
        assert_eq!(text.transcript, None);
        assert_eq!(text.index, None);
        assert_eq!(text.vtt(), None);
        assert_eq!(text.search_text(), None);
    }

    #[test]
    fn both_are_read_and_searched() {
        let text = RecordingText::parse(
            "0:00 渡口还在\n0:20 后来修了隧道",
            "0:00 渡口\nkeywords: 轮渡, 码头\n每天第一班船",
            MINUTE,
        )
        .unwrap();
        assert!(text.vtt().unwrap().starts_with("WEBVTT"));
        assert_eq!(
            text.search_text().unwrap(),
            "渡口还在\n后来修了隧道\n渡口\n轮渡\n码头\n每天第一班船"
        );
        assert_eq!(
            RecordingText::parse("", &text.index_text().unwrap(), MINUTE)
                .unwrap()
                .index,
            text.index
        );
    }

    #[test]
    fn each_refused_field_is_named() {
        let errors = RecordingText::parse("2:00 too late", "0:00", MINUTE).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(field, _)| *field).collect();
        assert_eq!(
            fields,
            [TranscriptField::Transcript, TranscriptField::Index]
        );
        assert!(matches!(
            errors[0].1.problem,
            TranscriptProblem::StartPastEnd { .. }
        ));
        assert_eq!(errors[1].1.problem, TranscriptProblem::MissingTitle);
    }
}
