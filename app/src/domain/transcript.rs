//! A recording's time-coded transcript and its index of segments (the OHMS model that oral-history
//! archives use), read from WebVTT or from a simple form people can type on a phone, and written
//! back as either (docs/api.md, "Transcripts and indexes").
//!
//! This file only declares the modules and re-exports their types; the files name each other by
//! file (`super::clock::clock`).

mod clock;
mod cues;
mod document;
mod edit;
mod error;
mod index;
pub mod limits;
mod lines;
mod simple;
mod vtt;

#[cfg(test)]
mod tests;

pub use clock::{clock, exact as exact_clock, read_clock};
pub use cues::Cue;
pub use document::Transcript;
pub use edit::{RecordingText, RecordingTextErrors};
pub use error::{Counted, TextPart, TranscriptError, TranscriptProblem};
pub use index::{Index, IndexSegment};
