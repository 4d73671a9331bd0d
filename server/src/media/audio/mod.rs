//! Voice recordings' processing core (docs/architecture.md, "Audio data path"): `probe` checks
//! an uploaded recording from its bytes and its header before anything decodes it, and
//! `make_access_copy` makes the public copy (loudness-normalised mono MP3 without metadata,
//! redactions silenced) with its duration, SHA-256 and waveform peaks. Decoding untrusted audio
//! happens only in ffmpeg/ffprobe children under kernel limits (`child`); the reasons are in
//! docs/decisions.md, "Voice". Pure work on one file: it names no row, job or route.
//!
//! `limits` holds every number; `sniff` and `format` tell containers and codecs by content;
//! `filters` builds the two passes' filter graphs; `peaks` and `scrub` work on the children's
//! output while it streams.

mod access;
mod child;
mod error;
mod filters;
mod format;
pub mod limits;
mod peaks;
mod probe;
mod scrub;
mod sniff;
#[cfg(test)]
mod tests;

pub use access::{AccessCopy, make_access_copy, make_access_copy_with};
pub use error::{AudioError, AudioRefusal, Outcome};
pub use filters::TimeRange;
pub use format::{Codec, Container};
pub use limits::AudioLimits;
pub use probe::{AudioFacts, probe, probe_with};
