//! Before-and-after photos: receiving uploads, the private originals store, the derivative
//! queue and its workers, serving derivatives, and the sweep that removes what is no longer
//! wanted.

pub mod deletions;
pub mod derive;
pub mod files;
pub mod format;
pub mod inspect;
pub mod jobs;
pub mod photos;
pub mod routes;
pub mod sweep;
pub mod thread;
pub mod upload;
pub mod worker;
