//! A transcript: parsed once from either form, written as WebVTT, as the simple form and as
//! plain text for search.

use super::cues::{Cue, finish};
use super::error::{TextPart, TranscriptError};
use super::limits;
use super::lines::numbered_lines;
use super::{simple, vtt};
use serde::{Deserialize, Serialize};

/// A recording's transcript: at least one cue, starts ascending, every time within the
/// recording. Made by `parse`; a transcript built by hand is still written safely by `to_vtt`,
/// but only what `parse` made is sure to read back the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    pub cues: Vec<Cue>,
}

impl Transcript {
    /// Reads WebVTT (text starting with `WEBVTT`) or else the simple form, for a recording of
    /// `duration_ms` (docs/api.md, "Transcripts and indexes").
    pub fn parse(input: &str, duration_ms: u32) -> Result<Transcript, TranscriptError> {
        let lines = numbered_lines(input, limits::TRANSCRIPT_CHARS, TextPart::Transcript)?;
        let drafts = if vtt::is_vtt(input) {
            vtt::read(&lines)?
        } else {
            simple::read(&lines)?
        };
        Ok(Transcript {
            cues: finish(drafts, duration_ms)?,
        })
    }

    /// WebVTT: `&`, `<` and `>` of the text and speakers as entities, speakers as voice spans.
    pub fn to_vtt(&self) -> String {
        vtt::write(&self.cues)
    }

    /// The simple form, which `parse` with the same `duration_ms` reads back to this transcript:
    /// the length decides which ends go without saying.
    pub fn to_editable(&self, duration_ms: u32) -> String {
        simple::write(&self.cues, duration_ms)
    }

    /// What is said, cue after cue on lines of its own, for search.
    pub fn plain_text(&self) -> String {
        self.cues
            .iter()
            .map(|cue| cue.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}
