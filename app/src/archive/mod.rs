//! What the archive offers everyone: the open-data page (`/data`).

mod open_data;

pub use open_data::{OpenDataPage, OpenDataRow};
