//! WebVTT (<https://www.w3.org/TR/webvtt1/>) as transcribing tools write it: read into drafts,
//! and written back safely.
//!
//! Read: an optional byte order mark and the `WEBVTT` line (its header block is skipped), then
//! blocks separated by blank lines. NOTE, STYLE and REGION blocks are skipped; a cue is an
//! optional identifier line, a timing line `start --> end` (cue settings after the end are
//! ignored) and its text. A line with `-->` inside a cue starts the next cue. In the text the
//! first voice span `<v Name>` gives the speaker, every other tag is dropped (`<i>`, `<c.x>`,
//! `<00:01.000>`, `</v>`) and `&amp; &lt; &gt; &nbsp; &lrm; &rlm;` are decoded; any other `&` is
//! kept as it is.

use super::clock::{vtt, vtt_stamp};
use super::cues::{Cue, Draft};
use super::error::{TranscriptError, TranscriptProblem};

const ARROW: &str = "-->";

/// Whether the text is WebVTT: it starts (after a byte order mark) with `WEBVTT` alone or
/// followed by a space or a tab.
pub(super) fn is_vtt(input: &str) -> bool {
    let input = input.strip_prefix('\u{FEFF}').unwrap_or(input);
    input
        .strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
}

enum State {
    Header,
    Between,
    Skipping,
    Identifier(usize),
    Cue(Draft),
}

/// The drafts of a WebVTT text (`is_vtt`), its first line being the `WEBVTT` line.
pub(super) fn read(lines: &[(usize, String)]) -> Result<Vec<Draft>, TranscriptError> {
    let mut drafts = Vec::new();
    let mut state = State::Header;
    for (number, line) in lines.iter().skip(1) {
        state = step(state, *number, line, &mut drafts)?;
    }
    match state {
        State::Cue(draft) => drafts.push(draft),
        State::Identifier(line) => return Err(missing_timing(line)),
        State::Header | State::Between | State::Skipping => {}
    }
    Ok(drafts)
}

fn step(
    state: State,
    number: usize,
    line: &str,
    drafts: &mut Vec<Draft>,
) -> Result<State, TranscriptError> {
    let blank = line.trim().is_empty();
    match state {
        State::Cue(mut draft) => {
            if !blank && !line.contains(ARROW) {
                text_line(&mut draft, number, line);
                return Ok(State::Cue(draft));
            }
            drafts.push(draft);
            if blank {
                Ok(State::Between)
            } else {
                timing(number, line)
            }
        }
        State::Identifier(identifier) if blank => Err(missing_timing(identifier)),
        _ if blank => Ok(State::Between),
        State::Between if is_skipped_block(line) => Ok(State::Skipping),
        _ if line.contains(ARROW) && !matches!(state, State::Skipping) => timing(number, line),
        State::Header | State::Skipping => Ok(state),
        State::Between => Ok(State::Identifier(number)),
        State::Identifier(identifier) => Err(missing_timing(identifier)),
    }
}

fn missing_timing(line: usize) -> TranscriptError {
    TranscriptError::at(line, TranscriptProblem::MissingTiming)
}

fn is_skipped_block(line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|keyword| {
        line.strip_prefix(keyword)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// `00:01:05.000 --> 00:01:09.500 align:start` starts a cue.
fn timing(number: usize, line: &str) -> Result<State, TranscriptError> {
    let invalid = || TranscriptError::at(number, TranscriptProblem::InvalidTime);
    let (start, rest) = line.split_once(ARROW).ok_or_else(invalid)?;
    let end = rest.split_whitespace().next().ok_or_else(invalid)?;
    let start = vtt(start.trim()).ok_or_else(invalid)?;
    let end = vtt(end).ok_or_else(invalid)?;
    Ok(State::Cue(Draft::new(number, start, Some(end))))
}

/// A line of cue text without its tags and entities; the first voice span names the speaker.
fn text_line(draft: &mut Draft, number: usize, line: &str) {
    let mut text = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        text.push_str(&decode(&rest[..open]));
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        if draft.speaker.is_none()
            && let Some(name) = voice(tag)
        {
            draft.speaker = Some((number, decode(name)));
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(&decode(rest));
    draft.text.push((number, text));
}

/// The annotation of a voice tag: `v Name`, `v.loud Name`.
fn voice(tag: &str) -> Option<&str> {
    let rest = tag.strip_prefix('v')?;
    if !rest.starts_with(['.', ' ', '\t']) {
        return None;
    }
    let name = rest.trim_start_matches(|c: char| !c.is_whitespace());
    Some(name.trim())
}

const ENTITIES: [(&str, char); 6] = [
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&nbsp;", '\u{A0}'),
    ("&lrm;", '\u{200E}'),
    ("&rlm;", '\u{200F}'),
];

fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match ENTITIES.iter().find(|(name, _)| rest.starts_with(name)) {
            Some((name, c)) => {
                out.push(*c);
                rest = &rest[name.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `&`, `<` and `>` as entities: the text can then open no tag, and hold no `-->`.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// WebVTT for these cues. Whatever the cues hold, a cue's text never holds a blank line or a
/// `-->`, and a speaker's name never ends its voice span.
pub(super) fn write(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n");
    for cue in cues {
        out.push('\n');
        out.push_str(&format!(
            "{} {ARROW} {}\n",
            vtt_stamp(cue.start_ms),
            vtt_stamp(cue.end_ms)
        ));
        let voice = cue.speaker.as_deref().map(|name| {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            // A name ending in `-` would close its span as `-->`, a timing line to any
            // WebVTT reader; a space keeps it apart (the reader trims it).
            let gap = if name.ends_with('-') { " " } else { "" };
            format!("<v {}{gap}>", escape(&name))
        });
        let lines = cue
            .text
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|l| !l.is_empty());
        for (i, line) in lines.enumerate() {
            if i == 0
                && let Some(voice) = &voice
            {
                out.push_str(voice);
            }
            out.push_str(&escape(line));
            out.push('\n');
        }
    }
    out
}
