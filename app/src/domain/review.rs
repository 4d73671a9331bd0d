//! A story under review as moderators see it: who holds the review claim, who did something
//! (history and audit log) and which public field a change touched.

use super::slug_enum::slug_enum;
use serde::{Deserialize, Serialize};

slug_enum!(
    /// Who did something, as the audit log stores it.
    Actor in "audit_actor" {
        Contributor => "contributor",
        Moderator => "moderator",
        System => "system",
    }
);

slug_enum!(
    /// Who wrote a revision of a story.
    RevisionAuthor in "revision_author" {
        Contributor => "contributor",
        Moderator => "moderator",
    }
);

/// Who holds the 15-minute review claim on a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    Free,
    Mine,
    Other(String),
}

/// Who did something, as the history and audit log name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorView {
    Contributor,
    Moderator(String),
    System,
}

/// A public field of a story, as diffs and revisions name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentField {
    Title,
    Body,
    Place,
    NarratorName,
    Role,
    Years,
    Themes,
}
