//! What every page of a bag is written with.

use super::csv::Indexes;
use super::kind::Kind;
use crate::archive::oai::repository::Repository;
use crate::media::store::MediaStore;

/// Everything a page of stories is written with.
pub struct Context<'a> {
    pub repo: Repository,
    pub media: MediaStore,
    pub kind: Kind,
    pub csv: &'a mut Indexes,
}
