//! A story under review as moderators see it: who holds the review claim, who did something
//! (history and audit log) and which public field a change touched.

use super::ids::StoryId;
use super::moderation::AuditAction;
use super::slug_enum::slug_enum;
use super::status::StoryStatus;
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

/// One entry of the audit log, for the admins' log and a story's history. `At` is when: as
/// stored (a timestamp) or as shown (a date in the reader's language and time zone).
#[derive(Debug, Clone)]
pub struct AuditRecord<At> {
    pub id: i64,
    pub story: StoryId,
    pub actor: ActorView,
    pub action: AuditAction,
    pub from: Option<StoryStatus>,
    pub to: Option<StoryStatus>,
    pub reason: Option<String>,
    pub at: At,
}

impl<At> AuditRecord<At> {
    /// The same entry with its time shown as `show` writes it.
    pub fn shown<Shown>(self, show: impl FnOnce(At) -> Shown) -> AuditRecord<Shown> {
        AuditRecord {
            id: self.id,
            story: self.story,
            actor: self.actor,
            action: self.action,
            from: self.from,
            to: self.to,
            reason: self.reason,
            at: show(self.at),
        }
    }
}
