//! Before-and-after photos, one way through (docs/architecture.md, "Photo data path"):
//!
//! 1. intake (`upload`, `inspect`): a file streams into the store's spool, is hashed, capped and
//!    inspected, and is kept as an original (`MediaStore::keep_original`).
//! 2. store: rows (`photos`: the one meaning of ready, `PhotoState::Ready`, and of the recorded
//!    derivatives, `Derivatives`), object names (`names`) and the objects themselves behind one
//!    interface (`store::MediaStore`; only its folder backend touches files).
//! 3. jobs (`jobs`, run by `worker`s on their own `thread`s): a leased job reads the original,
//!    has derive make the copies, puts them in the store and records them.
//! 4. derive (`derive`): decode, colour, resize, encode; pure work on one original.
//! 5. serve (`routes`): ready derivatives only.
//!
//! Voice recordings take the same way (`recordings`: intake, rows, jobs, routes), with
//! `audio` (probe and access copy in limited ffmpeg children) as their derive step.
//!
//! Imports point down that list's layers, never back: derive and `format` name nothing of the
//! others; the store names neither jobs nor routes. `deletions` and `sweep` remove through the
//! store what rows no longer name. `migrate` copies every object rows name from one backend to
//! the other (`server media migrate`).

pub mod audio;
pub mod deletions;
pub mod derive;
pub mod format;
pub mod inspect;
pub mod jobs;
pub mod migrate;
pub mod names;
pub mod photos;
pub mod recordings;
pub mod routes;
pub mod store;
pub mod sweep;
pub mod thread;
pub mod upload;
pub mod worker;
