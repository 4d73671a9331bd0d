//! Why a transcript or an index was refused, and on which line of what was sent.

use serde::{Deserialize, Serialize};

/// A refusal of `Transcript::parse` or `Index::parse`. `line` counts from 1 in the text as sent;
/// it is `None` when the refusal is about the whole text (too long, nothing in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptError {
    pub line: Option<usize>,
    pub problem: TranscriptProblem,
}

impl TranscriptError {
    pub(super) fn at(line: usize, problem: TranscriptProblem) -> TranscriptError {
        TranscriptError {
            line: Some(line),
            problem,
        }
    }

    pub(super) fn whole(problem: TranscriptProblem) -> TranscriptError {
        TranscriptError {
            line: None,
            problem,
        }
    }
}

/// Each variant has one localized message (`voice::transcript::transcript_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TranscriptProblem {
    /// Nothing to read: blank, or a WebVTT file without cues.
    Empty,
    TooLong {
        part: TextPart,
        max: usize,
        actual: usize,
    },
    TooMany {
        part: Counted,
        max: usize,
    },
    /// A control character other than a line break (a tab is refused inside text).
    ControlCharacter,
    /// A bidirectional embedding, override or isolate, or a Unicode line or paragraph separator.
    FormattingCharacter,
    /// Something that starts like a time but is not one (`1:60`, `1:5`, `99999999:00`).
    InvalidTime,
    /// `[1:05` without its closing bracket.
    Unclosed,
    /// A WebVTT block that is neither a cue, a NOTE, a STYLE nor a REGION.
    MissingTiming,
    /// A time at or after the end of the recording (`end_ms`, its length).
    StartPastEnd {
        end_ms: u32,
    },
    /// A start that is not later than the start before it.
    NotAscending,
    /// An end that is not later than its start.
    EndNotAfterStart,
    /// A time with no text after it.
    EmptyCue,
    /// Text before the first time, in a text that has times.
    TextBeforeFirstTime,
    /// A speaker's name with a bracket (`[ ] 【 】`), which the simple form uses around times.
    SpeakerCharacter,
    /// An index segment's time without a title.
    MissingTitle,
}

/// What a `TooLong` refusal measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextPart {
    Transcript,
    Index,
    CueText,
    Speaker,
    Title,
    Keyword,
    Summary,
}

/// What a `TooMany` refusal counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Counted {
    Cues,
    Segments,
    Keywords,
}
