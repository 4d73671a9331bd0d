//! Voice recordings take the photos' way (docs/architecture.md, "Audio data path"):
//!
//! 1. intake (`intake`): a `recording` part streams into the store's spool, hashed and capped,
//!    then `audio::probe` checks it from its bytes and container in a limited child process;
//! 2. store (`rows`): a row per recording, inserted in the story's transaction with its job;
//!    the original kept privately under a random key;
//! 3. job (`jobs`): a leased job has `audio::make_access_copy` make the public MP3 (loudness
//!    normalised, no metadata) and records its length and waveform peaks;
//! 4. serve (`routes`): the access copy with HTTP range requests, and only when the story may be
//!    seen and the narrator agreed that their voice is heard.
//!
//! `text` saves the transcript and index that people write for a recording.

pub mod intake;
pub mod jobs;
pub mod routes;
pub mod rows;
pub mod text;
