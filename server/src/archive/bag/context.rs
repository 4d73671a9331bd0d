//! What every page of a bag is written with.

use super::csv::Indexes;
use super::kind::Kind;
use crate::archive::oai::repository::Repository;
use crate::media::store::MediaStore;
use app::domain::Licence;

/// Everything a page of stories is written with.
pub struct Context<'a> {
    pub repo: Repository,
    pub media: MediaStore,
    pub kind: Kind,
    pub csv: &'a mut Indexes,
    pub tally: Tally,
}

/// What a bag holds, counted as it is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub cc_by: u64,
    pub cc_by_nc: u64,
    pub display_only: u64,
    /// Photos and recordings whose files are in the bag.
    pub photos: u64,
    pub recordings: u64,
}

impl Tally {
    pub fn story(&mut self, licence: Licence, photos: usize, recordings: usize) {
        match licence {
            Licence::CcBy => self.cc_by += 1,
            Licence::CcByNc => self.cc_by_nc += 1,
            Licence::DisplayOnly => self.display_only += 1,
        }
        self.photos += u64::try_from(photos).unwrap_or(u64::MAX);
        self.recordings += u64::try_from(recordings).unwrap_or(u64::MAX);
    }
}
