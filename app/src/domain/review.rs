//! A story under review as moderators see it: who holds the review claim, who did something
//! (history and audit log) and which public field a change touched.

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
