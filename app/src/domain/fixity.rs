//! Fixity checks of the originals (issue 15): what a pass found, as stored and shown.

use super::slug_enum::slug_enum;
use serde::{Deserialize, Serialize};

slug_enum!(
    /// What started a fixity pass.
    FixityTrigger in "fixity_trigger" {
        /// The maintenance loop, every `FIXITY_INTERVAL_HOURS`.
        Schedule => "schedule",
        /// `server fixity-check`.
        Command => "command",
    }
);

slug_enum!(
    /// What is wrong with an original.
    FixityProblemKind in "fixity_problem_kind" {
        /// The media store has no such object.
        Missing => "missing",
        /// Its bytes no longer have the SHA-256 stored when it was received.
        Changed => "changed",
    }
);

slug_enum!(
    /// Which kind of row an original belongs to.
    MediaObjectKind in "media_object_kind" {
        Photo => "photo",
        Recording => "recording",
    }
);

/// One problem a pass found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixityProblem {
    pub kind: FixityProblemKind,
    pub object: MediaObjectKind,
    pub object_id: i64,
    pub story: i64,
    pub original_key: String,
}

/// One pass, for the admins' page. `At` as in `AuditRecord`.
#[derive(Debug, Clone)]
pub struct FixityRun<At> {
    pub id: i64,
    pub started: At,
    /// `None` while it runs, or when its process stopped before the end.
    pub finished: Option<At>,
    pub trigger: FixityTrigger,
    pub files: i64,
    pub bytes: i64,
    pub missing: i32,
    pub changed: i32,
    pub problems: Vec<FixityProblem>,
}
