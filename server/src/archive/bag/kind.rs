//! Which bag is written, and why writing it failed.

use super::writer::BagError;

/// Which bag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Public,
    /// The public bag of the CC-licensed stories only (display-only ones left out): the
    /// open-data export of `/data`.
    Open,
    Full {
        with_password_hashes: bool,
    },
}

impl Kind {
    /// Whether it holds only what the public pages show.
    pub fn is_public(self) -> bool {
        matches!(self, Kind::Public | Kind::Open)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Public => "public",
            Kind::Open => "open",
            Kind::Full { .. } => "full",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Bag(#[from] BagError),
    #[error("reading the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Media(#[from] crate::media::store::StoreError),
    #[error("{0}")]
    Missing(String),
}
