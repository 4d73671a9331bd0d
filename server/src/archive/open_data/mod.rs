//! Open data (`/data`): a public bag of the approved stories under a CC licence (`bag::Kind::Open`),
//! packed as one .tar in the media store's public `exports/` area, listed with its counts,
//! licence mix, size and SHA-256. The maintenance loop makes one at most every
//! `OPEN_DATA_INTERVAL_HOURS` after a public change (`schedule`); an admin can ask for one now
//! (`routes`). The latest `KEEP` are kept. docs/archive.md, "Open data".

pub mod make;
pub mod routes;
pub mod schedule;
pub mod store;

/// Exports kept: older ones are deleted (row and file) when a new one is made.
pub const KEEP: i64 = 3;
