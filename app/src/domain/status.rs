use super::slug_enum::slug_enum;
use serde::{Deserialize, Serialize};

slug_enum!(
    /// Where a story is in its life. Only `Approved` stories are ever public.
    StoryStatus in "story_status" {
        Pending => "pending",
        ChangesRequested => "changes_requested",
        Approved => "approved",
        Rejected => "rejected",
        Unpublished => "unpublished",
        Withdrawn => "withdrawn",
    }
);

impl StoryStatus {
    /// The contributor may edit the story through the tracking link.
    pub fn editable_by_contributor(self) -> bool {
        matches!(self, StoryStatus::Pending | StoryStatus::ChangesRequested)
    }

    /// The contributor may still withdraw (everything but an already withdrawn story).
    pub fn withdrawable(self) -> bool {
        self != StoryStatus::Withdrawn
    }

    pub fn is_public(self) -> bool {
        self == StoryStatus::Approved
    }
}
