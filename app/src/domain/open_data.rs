//! Open data (issue 15, `/data`): the public exports of the CC-licensed stories.

use super::slug_enum::slug_enum;
use serde::{Deserialize, Serialize};

slug_enum!(
    /// What made an open-data export.
    OpenDataTrigger in "open_data_trigger" {
        /// The maintenance loop, after a public change, at most every `OPEN_DATA_INTERVAL_HOURS`.
        Schedule => "schedule",
        /// An admin's "make one now".
        Admin => "admin",
    }
);

/// One export as `/data` lists it. `At` as in `AuditRecord`.
#[derive(Debug, Clone)]
pub struct OpenDataExport<At> {
    pub made: At,
    pub trigger: OpenDataTrigger,
    pub stories: i32,
    pub cc_by: i32,
    pub cc_by_nc: i32,
    pub photos: i32,
    pub recordings: i32,
    pub bytes: i64,
    pub sha256: String,
    /// Where it is downloaded (`/data/{key}.tar`).
    pub href: String,
}
