//! The one error of a fixity pass.

/// A pass could not go on: the database or the media store failed (not a missing or changed
/// original, which is a finding).
#[derive(Debug, thiserror::Error)]
pub enum FixityError {
    #[error("fixity: database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("fixity: {0}")]
    Store(#[from] crate::media::store::StoreError),
}
