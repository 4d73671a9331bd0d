//! The simple form, for a transcript typed on a phone:
//!
//! ```text
//! [0:00 王阿姨] 那时候渡口还在，
//! 每天早上六点第一班船。
//!
//! 1:05 后来修了隧道……
//! ```
//!
//! A line that starts with a time starts a cue; the lines after it, up to the next time, are its
//! text (blank lines are ignored). The time is `m:ss` or `h:mm:ss`, optionally with a fraction
//! (`1:05.250`), optionally in brackets (`[1:05]` or `【1:05】`); inside the brackets the time may
//! be followed by the speaker's name (`[1:05 王阿姨]`) and an end may follow the start with a
//! hyphen (`[1:05-1:09]`). Without an end a cue ends where the next begins (the last one at the
//! end of the recording). Text with no time at all is one cue for the whole recording; text
//! before the first time of a text that has times is refused. A line of text that must begin
//! with a time starts with a backslash, which is dropped (`\10:30 we left`).

use super::clock::{exact, is_closing, looks_like_time, starts_with_digit, strip_opening, typed};
use super::cues::{Cue, Draft};
use super::error::{TranscriptError, TranscriptProblem};
use super::lines::{escape, unescape};
use crate::domain::text::is_visible;

/// The parts of a time line: start, optional end, what follows the time inside brackets (the
/// speaker) and the text after it.
pub(super) struct Header<'a> {
    pub start: u32,
    pub end: Option<u32>,
    pub inside: &'a str,
    pub text: &'a str,
}

/// Reads a line for which `looks_like_time` holds, or names what is wrong with it.
pub(super) fn header(line: &str) -> Result<Header<'_>, TranscriptProblem> {
    let line = line.trim();
    let Some(bracketed) = strip_opening(line) else {
        let (start, end, text) = span(line).ok_or(TranscriptProblem::InvalidTime)?;
        return Ok(Header {
            start,
            end,
            inside: "",
            text: text.trim(),
        });
    };
    let close = bracketed
        .find(is_closing)
        .ok_or(TranscriptProblem::Unclosed)?;
    let closer = bracketed[close..].chars().next().map_or(1, char::len_utf8);
    let (start, end, inside) =
        span(bracketed[..close].trim_start()).ok_or(TranscriptProblem::InvalidTime)?;
    Ok(Header {
        start,
        end,
        inside: inside.trim(),
        text: bracketed[close + closer..].trim(),
    })
}

/// `1:05` or `1:05-1:09` at the start of `text`, and what follows.
fn span(text: &str) -> Option<(u32, Option<u32>, &str)> {
    let (start, rest) = typed(text)?;
    match rest.strip_prefix('-') {
        Some(after) if starts_with_digit(after) => {
            let (end, rest) = typed(after)?;
            Some((start, Some(end), rest))
        }
        _ => Some((start, None, rest)),
    }
}

pub(super) fn read(lines: &[(usize, String)]) -> Result<Vec<Draft>, TranscriptError> {
    if !lines.iter().any(|(_, line)| looks_like_time(line)) {
        return Ok(untimed(lines).into_iter().collect());
    }
    let mut drafts: Vec<Draft> = Vec::new();
    for (number, line) in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if looks_like_time(line) {
            drafts.push(draft(*number, line)?);
            continue;
        }
        let Some(current) = drafts.last_mut() else {
            return Err(TranscriptError::at(
                *number,
                TranscriptProblem::TextBeforeFirstTime,
            ));
        };
        current.text.push((*number, unescape(line).to_owned()));
    }
    Ok(drafts)
}

fn draft(number: usize, line: &str) -> Result<Draft, TranscriptError> {
    let header = header(line).map_err(|problem| TranscriptError::at(number, problem))?;
    let mut draft = Draft::new(number, header.start, header.end);
    if !header.inside.is_empty() {
        draft.speaker = Some((number, header.inside.to_owned()));
    }
    if !header.text.is_empty() {
        draft.text.push((number, header.text.to_owned()));
    }
    Ok(draft)
}

/// Text without any time: one cue from the start, on its first line with text.
fn untimed(lines: &[(usize, String)]) -> Option<Draft> {
    let first = lines
        .iter()
        .find(|(_, line)| line.chars().any(is_visible))?
        .0;
    let mut draft = Draft::new(first, 0, None);
    draft.text = lines
        .iter()
        .map(|(number, line)| (*number, unescape(line.trim()).to_owned()))
        .collect();
    Some(draft)
}

/// The simple form of these cues: `[start]`, `[start-end]` where the end is not the next cue's
/// start (nor, for the last, `duration_ms`), the speaker inside the brackets, the text after
/// them; a blank line between cues.
pub(super) fn write(cues: &[Cue], duration_ms: u32) -> String {
    let mut out = String::new();
    for (i, cue) in cues.iter().enumerate() {
        let implied_end = cues.get(i + 1).map_or(duration_ms, |next| next.start_ms);
        if i > 0 {
            out.push('\n');
        }
        out.push('[');
        out.push_str(&exact(cue.start_ms));
        if cue.end_ms != implied_end {
            out.push('-');
            out.push_str(&exact(cue.end_ms));
        }
        if let Some(speaker) = &cue.speaker {
            out.push(' ');
            out.push_str(&speaker.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        out.push(']');
        let lines = cue
            .text
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|l| !l.is_empty());
        for (j, line) in lines.enumerate() {
            if j == 0 {
                out.push(' ');
                out.push_str(line);
            } else {
                out.push('\n');
                out.push_str(&escape(line, looks_like_time));
            }
        }
        out.push('\n');
    }
    out
}
