use serde::{Deserialize, Serialize};

/// An id shows as its number (paths, form values, logs).
macro_rules! shown_as_number {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

/// A story's public number, as in `/stories/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct StoryId(pub i64);

shown_as_number!(StoryId);

/// A photo's row number, as in `/moderate/stories/{id}/photos/{photo}/turn` and the
/// `remove_photo` and `photo_{id}_…` fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct PhotoId(pub i64);

shown_as_number!(PhotoId);

/// A recording's row number, as in the `remove_recording` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct RecordingId(pub i64);

shown_as_number!(RecordingId);

/// A story's version: 1 when submitted, one more with every change to it. A moderator's form
/// carries the version they saw, and a change is refused if the story has moved on since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct StoryVersion(pub i32);

impl StoryVersion {
    pub const FIRST: StoryVersion = StoryVersion(1);

    /// The version a change makes.
    pub fn next(self) -> StoryVersion {
        StoryVersion(self.0.saturating_add(1))
    }

    /// A version as a form posted it (`None` for anything but a number).
    pub fn parse(input: &str) -> Option<StoryVersion> {
        input.trim().parse().ok().map(StoryVersion)
    }
}

shown_as_number!(StoryVersion);
