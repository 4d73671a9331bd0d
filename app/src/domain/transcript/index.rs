//! A recording's index (the OHMS model): segments with a start, a title, keywords and a summary,
//! so a listener can jump to a part of the interview. Typed as blocks:
//!
//! ```text
//! 0:00 渡口的早晨
//! 关键词：轮渡，早班船
//! 每天六点第一班船，满船是上班的人。
//!
//! 12:30 The tunnel opens
//! keywords: tunnel, metro
//! ```
//!
//! A line that starts with a time (as in a transcript's simple form, `m:ss` or `h:mm:ss`,
//! optionally `[1:05]`) starts a segment and carries its title; a line starting with
//! `keywords:` or `关键词：` (either colon) lists keywords separated by `,`, `，` or `、`; other
//! lines are the summary. Blank lines are ignored; a backslash at the start of a summary line is
//! dropped and makes it summary whatever follows.

use super::clock::{exact, looks_like_time};
use super::cues::check_starts;
use super::error::{Counted, TextPart, TranscriptError, TranscriptProblem};
use super::limits;
use super::lines::{check_length, clean_line, escape, join_text, numbered_lines, unescape};
use super::simple::header;
use crate::domain::recording::{Marker, PromptNumber};
use crate::domain::text::{Lines, clean, is_formatting_control};
use serde::{Deserialize, Serialize};

/// Segments with starts ascending within the recording, at most `limits::SEGMENTS`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub segments: Vec<IndexSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSegment {
    pub start_ms: u32,
    /// One line, 1–`limits::TITLE` characters.
    pub title: String,
    /// At most `limits::KEYWORDS`, each one line of at most `limits::KEYWORD` characters.
    pub keywords: Vec<String>,
    /// At most `limits::SUMMARY` characters, lines without blank ones.
    pub summary: Option<String>,
}

const KEYWORD_LABELS: [&str; 2] = ["keywords", "关键词"];
const KEYWORD_SEPARATORS: [char; 3] = [',', '，', '、'];

/// The keywords after `keywords:` or `关键词：` (any case, either colon), if the line is one.
fn keyword_list(line: &str) -> Option<&str> {
    KEYWORD_LABELS.iter().find_map(|label| {
        let head = line.get(..label.len())?;
        let rest = head
            .eq_ignore_ascii_case(label)
            .then(|| &line[label.len()..])?
            .trim_start();
        rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))
    })
}

/// A segment as read, with the line numbers its refusals name.
struct Draft {
    line: usize,
    start: u32,
    title: String,
    keywords: Vec<(usize, String)>,
    summary: Vec<(usize, String)>,
}

impl Index {
    /// Reads the blocks above for a recording of `duration_ms`.
    pub fn parse(input: &str, duration_ms: u32) -> Result<Index, TranscriptError> {
        let lines = numbered_lines(input, limits::INDEX_CHARS, TextPart::Index)?;
        let drafts = read(&lines)?;
        if drafts.is_empty() {
            return Err(TranscriptError::whole(TranscriptProblem::Empty));
        }
        let starts: Vec<(usize, u32)> = drafts.iter().map(|d| (d.line, d.start)).collect();
        check_starts(&starts, duration_ms, limits::SEGMENTS, Counted::Segments)?;
        let segments = drafts
            .into_iter()
            .map(segment)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Index { segments })
    }

    /// The blocks above, which `parse` reads back to this index.
    pub fn to_editable(&self) -> String {
        let is_special = |line: &str| looks_like_time(line) || keyword_list(line).is_some();
        let blocks: Vec<String> = self
            .segments
            .iter()
            .map(|segment| {
                let mut block =
                    format!("{} {}\n", exact(segment.start_ms), one_line(&segment.title));
                if !segment.keywords.is_empty() {
                    let keywords: Vec<String> =
                        segment.keywords.iter().map(|k| one_line(k)).collect();
                    block.push_str(&format!("keywords: {}\n", keywords.join(", ")));
                }
                let summary = segment.summary.as_deref().unwrap_or_default();
                for line in summary
                    .split(['\n', '\r'])
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                {
                    block.push_str(&escape(line, is_special));
                    block.push('\n');
                }
                block
            })
            .collect();
        blocks.join("\n")
    }

    /// Interview mode's "next question" taps as segments titled with the question asked
    /// (`title_of`, the localized prompt). Pass the markers within the recording
    /// (`InterviewMarkers::within`); of markers at the same moment the last is kept, and a
    /// title is cut to one line of `limits::TITLE` characters.
    pub fn from_markers(markers: &[Marker], title_of: impl Fn(PromptNumber) -> String) -> Index {
        let mut segments: Vec<IndexSegment> = Vec::new();
        for marker in markers {
            let title: String = one_line(&title_of(marker.prompt))
                .chars()
                .take(limits::TITLE)
                .collect();
            let Ok(Some(title)) = clean(&title, Lines::Single) else {
                continue;
            };
            let segment = IndexSegment {
                start_ms: marker.at_ms,
                title,
                keywords: Vec::new(),
                summary: None,
            };
            match segments.last_mut() {
                Some(last) if last.start_ms >= marker.at_ms => *last = segment,
                _ => segments.push(segment),
            }
        }
        segments.truncate(limits::SEGMENTS);
        Index { segments }
    }
}

/// Text on one line: line breaks and other control characters as spaces (what `parse` made has
/// none, and stays as it is).
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || is_formatting_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn read(lines: &[(usize, String)]) -> Result<Vec<Draft>, TranscriptError> {
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
        match keyword_list(line) {
            Some(list) => current.keywords.extend(
                list.split(KEYWORD_SEPARATORS)
                    .map(|keyword| (*number, keyword.to_owned())),
            ),
            None => current.summary.push((*number, unescape(line).to_owned())),
        }
    }
    Ok(drafts)
}

fn draft(number: usize, line: &str) -> Result<Draft, TranscriptError> {
    let at = |problem| TranscriptError::at(number, problem);
    let header = header(line).map_err(at)?;
    if header.end.is_some() || !header.inside.is_empty() {
        return Err(at(TranscriptProblem::InvalidTime));
    }
    Ok(Draft {
        line: number,
        start: header.start,
        title: header.text.to_owned(),
        keywords: Vec::new(),
        summary: Vec::new(),
    })
}

fn segment(draft: Draft) -> Result<IndexSegment, TranscriptError> {
    let title = clean_line(draft.line, &draft.title)?.ok_or(TranscriptError::at(
        draft.line,
        TranscriptProblem::MissingTitle,
    ))?;
    check_length(draft.line, &title, TextPart::Title, limits::TITLE)?;
    let keywords = keywords(&draft.keywords)?;
    let summary = join_text(
        draft.line,
        &draft.summary,
        TextPart::Summary,
        limits::SUMMARY,
    )?;
    Ok(IndexSegment {
        start_ms: draft.start,
        title,
        keywords,
        summary: (!summary.is_empty()).then_some(summary),
    })
}

fn keywords(written: &[(usize, String)]) -> Result<Vec<String>, TranscriptError> {
    let mut keywords = Vec::new();
    for (line, keyword) in written {
        let Some(keyword) = clean_line(*line, keyword)? else {
            continue;
        };
        check_length(*line, &keyword, TextPart::Keyword, limits::KEYWORD)?;
        if keywords.len() == limits::KEYWORDS {
            return Err(TranscriptError::at(
                *line,
                TranscriptProblem::TooMany {
                    part: Counted::Keywords,
                    max: limits::KEYWORDS,
                },
            ));
        }
        keywords.push(keyword);
    }
    Ok(keywords)
}
