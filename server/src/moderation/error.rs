//! What the moderation store refuses (answered in `web::error`; this file names nothing above it).

/// Why a moderator's change was refused; `web::error` answers each.
#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    #[error("no such story")]
    NotFound,
    #[error("story already handled")]
    AlreadyHandled { by: Option<String> },
    #[error("story being reviewed by another moderator")]
    BeingReviewed { by: String },
    #[error("action not possible in the story's current status")]
    NotAllowedNow,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}
