//! Fixity (issue 15): every original (photos, recordings) is read again and its SHA-256
//! compared with the one stored when it was received. `pass` reads and hashes at a bounded byte
//! rate, `store` keeps the runs and their problems and writes new problems to the audit trail,
//! `run` is one whole pass, `schedule` runs one in the maintenance loop on one instance at a
//! time, `routes` shows the latest runs to admins. Reads media (the store's interface); media
//! knows nothing of it.

mod error;
pub mod pass;
pub mod routes;
pub mod run;
pub mod schedule;
pub mod store;

pub use error::FixityError;
pub use run::{Report, run_pass};
