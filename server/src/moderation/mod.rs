//! Moderators curate: the review queue with claims, decisions on the version they saw,
//! edits before publishing kept as revisions, bulk actions, and the admins' audit log.

pub mod curate;
pub mod diff;
pub mod error;
pub mod redactions;
pub mod review;
pub mod routes;
pub mod store;
