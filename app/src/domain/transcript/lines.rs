//! What both forms share: the size check, line numbers, the refusal of control and formatting
//! characters, and the cleaning and escaping of one line of text.

use super::error::{TextPart, TranscriptError, TranscriptProblem};
use crate::domain::errors::FieldError;
use crate::domain::text::{Lines, char_count, clean, is_formatting_control};

/// A line of the simple form that starts with this is text, whatever follows: it is how a line
/// of text may begin with a time (`\10:30 we left`). The character itself is dropped.
pub(super) const ESCAPE: char = '\\';

/// The text as sent, its size checked, its byte order mark dropped, every line checked for
/// control characters (a tab is allowed between parts, and refused inside text by `clean_line`)
/// and formatting characters; then its lines, numbered from 1. Line breaks are `\n`, `\r\n` or
/// `\r`.
pub(super) fn numbered_lines(
    input: &str,
    max: usize,
    part: TextPart,
) -> Result<Vec<(usize, String)>, TranscriptError> {
    let actual = char_count(input);
    if actual > max {
        return Err(TranscriptError::whole(TranscriptProblem::TooLong {
            part,
            max,
            actual,
        }));
    }
    let input = input.strip_prefix('\u{FEFF}').unwrap_or(input);
    let normalised = input.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<(usize, String)> = normalised
        .split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.to_owned()))
        .collect();
    for (number, line) in &lines {
        check_characters(*number, line)?;
    }
    Ok(lines)
}

fn check_characters(number: usize, line: &str) -> Result<(), TranscriptError> {
    if line.chars().any(|c| c.is_control() && c != '\t') {
        return Err(TranscriptError::at(
            number,
            TranscriptProblem::ControlCharacter,
        ));
    }
    if line.chars().any(is_formatting_control) {
        return Err(TranscriptError::at(
            number,
            TranscriptProblem::FormattingCharacter,
        ));
    }
    Ok(())
}

/// One line of text, trimmed; `None` when nothing visible is left.
pub(super) fn clean_line(number: usize, text: &str) -> Result<Option<String>, TranscriptError> {
    clean(text, Lines::Single).map_err(|error| {
        let problem = match error {
            FieldError::FormattingCharacter => TranscriptProblem::FormattingCharacter,
            _ => TranscriptProblem::ControlCharacter,
        };
        TranscriptError::at(number, problem)
    })
}

/// Lines of text cleaned and joined with `\n`; lines with nothing visible are dropped, so a
/// text never holds a blank line. Refused past `max` characters (reported on `line`).
pub(super) fn join_text(
    line: usize,
    lines: &[(usize, String)],
    part: TextPart,
    max: usize,
) -> Result<String, TranscriptError> {
    let mut kept = Vec::with_capacity(lines.len());
    for (number, text) in lines {
        if let Some(text) = clean_line(*number, text)? {
            kept.push(text);
        }
    }
    let text = kept.join("\n");
    check_length(line, &text, part, max)?;
    Ok(text)
}

pub(super) fn check_length(
    line: usize,
    text: &str,
    part: TextPart,
    max: usize,
) -> Result<(), TranscriptError> {
    let actual = char_count(text);
    if actual > max {
        return Err(TranscriptError::at(
            line,
            TranscriptProblem::TooLong { part, max, actual },
        ));
    }
    Ok(())
}

/// A text line of the simple form as meant: without its leading `ESCAPE`.
pub(super) fn unescape(line: &str) -> &str {
    line.strip_prefix(ESCAPE).unwrap_or(line)
}

/// A text line as the simple form writes it: escaped when it would otherwise be read as
/// something else (`is_special`) or lose a leading `ESCAPE`.
pub(super) fn escape(line: &str, is_special: impl Fn(&str) -> bool) -> String {
    if line.starts_with(ESCAPE) || is_special(line) {
        format!("{ESCAPE}{line}")
    } else {
        line.to_owned()
    }
}
