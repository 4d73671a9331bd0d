//! Moderator and admin accounts: sign-in, sessions, and the admin's account management.

pub mod addresses;
pub mod admin;
pub mod cli;
pub mod password;
pub mod routes;
pub mod session;
pub mod store;

pub use session::{Admin, Moderator};
