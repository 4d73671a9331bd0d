//! The public transcript and index of a recording: the player, the index with its times, the
//! time-coded transcript, the WebVTT download, the form that edits both, and the localized refusals of both text forms.
//!
//! This file only declares the modules and re-exports their items.

mod editor;
mod errors;
mod panel;
mod player;

pub use editor::{TranscriptEditor, TranscriptForm};
pub use errors::transcript_error;
pub use panel::{TranscriptPanel, media_fragment};
pub use player::TranscriptPlayer;
