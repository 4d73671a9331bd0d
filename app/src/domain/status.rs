use serde::{Deserialize, Serialize};

/// Where a story is in its life. Only `Approved` stories are ever public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "story_status", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum StoryStatus {
    Pending,
    ChangesRequested,
    Approved,
    Rejected,
    Unpublished,
    Withdrawn,
}

impl StoryStatus {
    /// The contributor may edit the story through the tracking link.
    pub fn editable_by_contributor(self) -> bool {
        matches!(self, StoryStatus::Pending | StoryStatus::ChangesRequested)
    }

    /// The contributor may still withdraw (everything but an already withdrawn story).
    pub fn withdrawable(self) -> bool {
        self != StoryStatus::Withdrawn
    }

    pub const ALL: [StoryStatus; 6] = [
        StoryStatus::Pending,
        StoryStatus::ChangesRequested,
        StoryStatus::Approved,
        StoryStatus::Rejected,
        StoryStatus::Unpublished,
        StoryStatus::Withdrawn,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            StoryStatus::Pending => "pending",
            StoryStatus::ChangesRequested => "changes_requested",
            StoryStatus::Approved => "approved",
            StoryStatus::Rejected => "rejected",
            StoryStatus::Unpublished => "unpublished",
            StoryStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_slug(slug: &str) -> Option<StoryStatus> {
        StoryStatus::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn is_public(self) -> bool {
        self == StoryStatus::Approved
    }
}
