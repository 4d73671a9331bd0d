//! What the submission store refuses (answered in `web::error`; this file names nothing above it).

/// Why the store refused a contributor's submission or change; `web::error` answers each.
#[derive(Debug, thiserror::Error)]
pub enum SubmissionError {
    #[error("more than {limit} accepted submissions this hour")]
    RateLimited { limit: u32, retry_after_secs: u64 },
    #[error("idempotency key reused with different content")]
    IdempotencyConflict,
    #[error("story already received from another client")]
    AlreadyReceived,
    #[error("no story has this tracking link")]
    NotFound,
    #[error("story can no longer be edited")]
    NotEditable,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}
