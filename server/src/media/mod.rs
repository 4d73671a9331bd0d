//! Before-and-after photos: receiving uploads, the private originals store, the derivative
//! queue and its workers, serving derivatives, and the sweep that removes what is no longer
//! wanted.

pub mod deletions;
pub mod files;
pub mod inspect;
pub mod jobs;
pub mod photos;
pub mod process;
pub mod routes;
pub mod sweep;
pub mod thread;
pub mod upload;
pub mod worker;
