//! Why a bag was not restored.

use crate::media::store::StoreError;
use std::path::PathBuf;

/// Every refusal comes before anything is written; `Failed` is a failure after writing began,
/// with what was left.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path} is not a BagIt bag: {why}; nothing was written")]
    NotABag { path: PathBuf, why: String },
    #[error(
        "{0} is a public bag (what the site shows, no private field, no original): only a full bag (`server export --full`) can be restored; nothing was written"
    )]
    PublicBag(PathBuf),
    #[error("the bag does not validate: {0}; nothing was written")]
    Invalid(String),
    #[error(
        "the bag's schema is not one this server reads: {0}; restore it with the version of Shinian that wrote it (Bag-Software-Agent in bag-info.txt); nothing was written"
    )]
    Schema(String),
    #[error(
        "the database is not empty ({0}): a bag is restored into a new, empty database (run migrations on a new database, or drop and create this one); nothing was written"
    )]
    DatabaseNotEmpty(String),
    #[error(
        "the media store is not empty (MEDIA_DIR holds originals or derivatives): a bag is restored into an empty media store; nothing was written"
    )]
    MediaNotEmpty,
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Row(String),
    #[error("the restore failed: {cause}. {left}")]
    Failed {
        cause: Box<ImportError>,
        left: String,
    },
}

impl ImportError {
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ImportError {
        let path = path.into();
        move |source| ImportError::Io { path, source }
    }
}
