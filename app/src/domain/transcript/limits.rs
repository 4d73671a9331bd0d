//! Every limit of transcripts and indexes, in characters (Unicode scalar values: one Chinese
//! character counts as one) or in counts.

/// A whole transcript as sent, WebVTT or the simple form.
pub const TRANSCRIPT_CHARS: usize = 200_000;
/// Cues in one transcript: an hour of speech is about 1,000 subtitle-length cues.
pub const CUES: usize = 5_000;
/// The text of one cue, its line breaks counted as one character each.
pub const CUE_TEXT: usize = 2_000;
/// A speaker's name.
pub const SPEAKER: usize = 60;
/// A whole index as sent.
pub const INDEX_CHARS: usize = 50_000;
/// Segments in one index.
pub const SEGMENTS: usize = 200;
/// A segment's title: one line, 1–`TITLE` characters.
pub const TITLE: usize = 120;
/// Keywords of one segment, and the characters of each.
pub const KEYWORDS: usize = 10;
pub const KEYWORD: usize = 40;
/// A segment's summary, its line breaks counted as one character each.
pub const SUMMARY: usize = 1_000;
