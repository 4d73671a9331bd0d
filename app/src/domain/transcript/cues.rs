//! The rules every cue obeys, whichever form it was read from: a draft as read (times and text
//! lines with their line numbers) becomes a `Cue` here, or a refusal naming its line.

use super::clock::is_bracket;
use super::error::{Counted, TextPart, TranscriptError, TranscriptProblem};
use super::limits;
use super::lines::{check_length, clean_line, join_text};
use serde::{Deserialize, Serialize};

/// One passage of the recording: from `start_ms` to `end_ms` (later than the start, within the
/// recording), who speaks if the transcript says so, and what is said: plain text of one or more
/// lines, none of them blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    pub start_ms: u32,
    pub end_ms: u32,
    pub speaker: Option<String>,
    pub text: String,
}

/// One cue as read: `end` is `None` when the form leaves it to the next cue's start.
#[derive(Debug)]
pub(super) struct Draft {
    pub line: usize,
    pub start: u32,
    pub end: Option<u32>,
    /// The speaker's name as written, with its line.
    pub speaker: Option<(usize, String)>,
    pub text: Vec<(usize, String)>,
}

impl Draft {
    pub fn new(line: usize, start: u32, end: Option<u32>) -> Draft {
        Draft {
            line,
            start,
            end,
            speaker: None,
            text: Vec::new(),
        }
    }
}

/// Checks the drafts in order and makes them cues. Starts must be later than the one before and
/// before the end of the recording; an end left open is the next cue's start (the last one's,
/// the end of the recording); an end past the recording is cut to it, since a transcribing tool
/// rounds its last cue up or measures the length slightly differently.
pub(super) fn finish(drafts: Vec<Draft>, duration_ms: u32) -> Result<Vec<Cue>, TranscriptError> {
    if drafts.is_empty() {
        return Err(TranscriptError::whole(TranscriptProblem::Empty));
    }
    let starts: Vec<(usize, u32)> = drafts.iter().map(|d| (d.line, d.start)).collect();
    check_starts(&starts, duration_ms, limits::CUES, Counted::Cues)?;
    let ends: Vec<u32> = drafts
        .iter()
        .skip(1)
        .map(|next| next.start)
        .chain([duration_ms])
        .collect();
    drafts
        .into_iter()
        .zip(ends)
        .map(|(draft, implied_end)| cue(draft, implied_end, duration_ms))
        .collect()
}

/// How many there are (at most `max`, else refused on the first one past it), and that each
/// start (with its line) is within the recording and later than the one before.
pub(super) fn check_starts(
    starts: &[(usize, u32)],
    duration_ms: u32,
    max: usize,
    counted: Counted,
) -> Result<(), TranscriptError> {
    if let Some((line, _)) = starts.get(max) {
        return Err(TranscriptError::at(
            *line,
            TranscriptProblem::TooMany { part: counted, max },
        ));
    }
    let mut previous: Option<u32> = None;
    for (line, start) in starts {
        if *start >= duration_ms {
            return Err(TranscriptError::at(
                *line,
                TranscriptProblem::StartPastEnd {
                    end_ms: duration_ms,
                },
            ));
        }
        if previous.is_some_and(|p| *start <= p) {
            return Err(TranscriptError::at(*line, TranscriptProblem::NotAscending));
        }
        previous = Some(*start);
    }
    Ok(())
}

fn cue(draft: Draft, implied_end: u32, duration_ms: u32) -> Result<Cue, TranscriptError> {
    let end = draft.end.unwrap_or(implied_end).min(duration_ms);
    if end <= draft.start {
        return Err(TranscriptError::at(
            draft.line,
            TranscriptProblem::EndNotAfterStart,
        ));
    }
    let speaker = match draft.speaker {
        Some((line, name)) => speaker(line, &name)?,
        None => None,
    };
    let text = join_text(draft.line, &draft.text, TextPart::CueText, limits::CUE_TEXT)?;
    if text.is_empty() {
        return Err(TranscriptError::at(draft.line, TranscriptProblem::EmptyCue));
    }
    Ok(Cue {
        start_ms: draft.start,
        end_ms: end,
        speaker,
        text,
    })
}

/// A speaker's name: one line, white space runs as one space, at most `limits::SPEAKER`
/// characters, no brackets; blank is none.
fn speaker(line: usize, name: &str) -> Result<Option<String>, TranscriptError> {
    let Some(name) = clean_line(line, name)? else {
        return Ok(None);
    };
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    check_length(line, &name, TextPart::Speaker, limits::SPEAKER)?;
    if name.chars().any(is_bracket) {
        return Err(TranscriptError::at(
            line,
            TranscriptProblem::SpeakerCharacter,
        ));
    }
    Ok(Some(name))
}
