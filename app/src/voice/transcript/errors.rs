//! What a refused transcript or index is told, in the reader's language, with its line.

use crate::domain::transcript::{Counted, TextPart, TranscriptError, TranscriptProblem, clock};
use crate::locale::Locale;
use leptos_i18n::td_string;

/// The message for a refusal of `Transcript::parse` or `Index::parse`: "第 3 行：……".
pub fn transcript_error(locale: Locale, error: &TranscriptError) -> String {
    let message = problem(locale, error.problem);
    match error.line {
        Some(line) => td_string!(locale, transcript.error.on_line, line, message).to_string(),
        None => message,
    }
}

fn problem(locale: Locale, problem: TranscriptProblem) -> String {
    match problem {
        TranscriptProblem::Empty => td_string!(locale, transcript.error.empty).to_string(),
        TranscriptProblem::TooLong { part, max, actual } => too_long(locale, part, max, actual),
        TranscriptProblem::TooMany { part, max } => too_many(locale, part, max),
        TranscriptProblem::ControlCharacter => {
            td_string!(locale, transcript.error.control_character).to_string()
        }
        TranscriptProblem::FormattingCharacter => {
            td_string!(locale, transcript.error.formatting_character).to_string()
        }
        TranscriptProblem::InvalidTime => {
            td_string!(locale, transcript.error.invalid_time).to_string()
        }
        TranscriptProblem::Unclosed => td_string!(locale, transcript.error.unclosed).to_string(),
        TranscriptProblem::MissingTiming => {
            td_string!(locale, transcript.error.missing_timing).to_string()
        }
        TranscriptProblem::StartPastEnd { end_ms } => {
            let end = clock(end_ms);
            td_string!(locale, transcript.error.start_past_end, end).to_string()
        }
        TranscriptProblem::NotAscending => {
            td_string!(locale, transcript.error.not_ascending).to_string()
        }
        TranscriptProblem::EndNotAfterStart => {
            td_string!(locale, transcript.error.end_not_after_start).to_string()
        }
        TranscriptProblem::EmptyCue => td_string!(locale, transcript.error.empty_cue).to_string(),
        TranscriptProblem::TextBeforeFirstTime => {
            td_string!(locale, transcript.error.text_before_first_time).to_string()
        }
        TranscriptProblem::SpeakerCharacter => {
            td_string!(locale, transcript.error.speaker_character).to_string()
        }
        TranscriptProblem::MissingTitle => {
            td_string!(locale, transcript.error.missing_title).to_string()
        }
    }
}

fn too_long(locale: Locale, part: TextPart, max: usize, actual: usize) -> String {
    match part {
        TextPart::Transcript => {
            td_string!(locale, transcript.error.too_long.transcript, max, actual).to_string()
        }
        TextPart::Index => {
            td_string!(locale, transcript.error.too_long.index, max, actual).to_string()
        }
        TextPart::CueText => {
            td_string!(locale, transcript.error.too_long.cue_text, max, actual).to_string()
        }
        TextPart::Speaker => {
            td_string!(locale, transcript.error.too_long.speaker, max, actual).to_string()
        }
        TextPart::Title => {
            td_string!(locale, transcript.error.too_long.title, max, actual).to_string()
        }
        TextPart::Keyword => {
            td_string!(locale, transcript.error.too_long.keyword, max, actual).to_string()
        }
        TextPart::Summary => {
            td_string!(locale, transcript.error.too_long.summary, max, actual).to_string()
        }
    }
}

fn too_many(locale: Locale, part: Counted, max: usize) -> String {
    match part {
        Counted::Cues => td_string!(locale, transcript.error.too_many.cues, max).to_string(),
        Counted::Segments => {
            td_string!(locale, transcript.error.too_many.segments, max).to_string()
        }
        Counted::Keywords => {
            td_string!(locale, transcript.error.too_many.keywords, max).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transcript::{Index, Transcript};
    use crate::locale::ALL;

    #[test]
    fn names_the_line_and_the_limit_in_every_locale() {
        let error = Transcript::parse("0:05 a\n0:04 b", 60_000).unwrap_err();
        let error_past = Transcript::parse("0:05 a\n1:00 b", 60_000).unwrap_err();
        let long = Index::parse(&format!("0:00 {}", "题".repeat(121)), 60_000).unwrap_err();
        for locale in ALL {
            assert!(transcript_error(locale, &error).contains('2'));
            let past = transcript_error(locale, &error_past);
            assert!(past.contains('2') && past.contains("1:00"), "{past}");
            let long = transcript_error(locale, &long);
            assert!(long.contains("120") && long.contains("121"), "{long}");
            let empty = Transcript::parse("", 60_000).unwrap_err();
            assert!(!transcript_error(locale, &empty).is_empty());
        }
        assert_eq!(
            transcript_error(Locale::en, &error),
            "Line 2: This time is not later than the one before it: times must go forward."
        );
    }

    #[test]
    fn every_problem_has_words() {
        let problems = [
            TranscriptProblem::Empty,
            TranscriptProblem::ControlCharacter,
            TranscriptProblem::FormattingCharacter,
            TranscriptProblem::InvalidTime,
            TranscriptProblem::Unclosed,
            TranscriptProblem::MissingTiming,
            TranscriptProblem::StartPastEnd { end_ms: 1 },
            TranscriptProblem::NotAscending,
            TranscriptProblem::EndNotAfterStart,
            TranscriptProblem::EmptyCue,
            TranscriptProblem::TextBeforeFirstTime,
            TranscriptProblem::SpeakerCharacter,
            TranscriptProblem::MissingTitle,
        ];
        let parts = [
            TextPart::Transcript,
            TextPart::Index,
            TextPart::CueText,
            TextPart::Speaker,
            TextPart::Title,
            TextPart::Keyword,
            TextPart::Summary,
        ]
        .map(|part| TranscriptProblem::TooLong {
            part,
            max: 7,
            actual: 8,
        });
        let counts = [Counted::Cues, Counted::Segments, Counted::Keywords]
            .map(|part| TranscriptProblem::TooMany { part, max: 7 });
        for locale in ALL {
            for problem in problems.iter().chain(&parts).chain(&counts) {
                let text = transcript_error(
                    locale,
                    &TranscriptError {
                        line: None,
                        problem: *problem,
                    },
                );
                assert!(text.chars().count() > 5, "{problem:?}: {text}");
                if !matches!(problem, TranscriptProblem::TooMany { .. }) {
                    continue;
                }
                assert!(text.contains('7'), "{text}");
            }
        }
    }
}
