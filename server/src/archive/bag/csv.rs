//! The spreadsheet indexes of a bag, `data/stories.csv` and `data/photos.csv` (RFC 4180
//! quoting by the `csv` crate: texts hold commas, quotes and line breaks). One row per story
//! and per photo in the bag, written as the pages go. Their columns are public fields only,
//! also in a full bag (private fields are in each story.json).

use super::json::PublicPhoto;
use super::kind::ExportError;
use super::records::Story;
use super::writer::{Bag, BagError, PayloadFile};
use crate::archive::oai::date::datestamp;
use app::domain::StoryId;

type Writer = csv::Writer<PayloadFile>;

pub struct Indexes {
    stories: Writer,
    photos: Writer,
}

const STORY_COLUMNS: [&str; 17] = [
    "id",
    "status",
    "permalink",
    "title",
    "place",
    "narrator",
    "role",
    "year_then",
    "year_then_approx",
    "year_now",
    "themes",
    "licence",
    "rights",
    "published_at",
    "photos",
    "recordings",
    "folder",
];

const PHOTO_COLUMNS: [&str; 11] = [
    "story_id", "photo_id", "slot", "position", "year", "caption", "credit", "alt", "width",
    "height", "files",
];

/// One photo's row.
pub struct PhotoLine {
    pub story: StoryId,
    pub id: i64,
    pub slot: String,
    pub position: i64,
    pub year: Option<i64>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// The photo's files in the bag, relative to `data/`.
    pub files: Vec<String>,
}

impl PhotoLine {
    pub fn of_public(story: StoryId, photo: &PublicPhoto) -> PhotoLine {
        PhotoLine {
            story,
            id: photo.id,
            slot: photo.slot.to_owned(),
            position: i64::try_from(photo.position).unwrap_or(i64::MAX),
            year: photo.year.map(i64::from),
            caption: photo.caption.clone(),
            credit: photo.credit.clone(),
            alt: photo.alt.clone(),
            width: Some(i64::from(photo.width)),
            height: Some(i64::from(photo.height)),
            files: photo.files.iter().map(|f| f.path.clone()).collect(),
        }
    }
}

fn csv_error(name: &'static str) -> impl FnOnce(csv::Error) -> ExportError {
    move |e| {
        ExportError::Bag(BagError::Io {
            action: "writing",
            path: name.into(),
            source: std::io::Error::other(e),
        })
    }
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

impl Indexes {
    pub fn new(bag: &mut Bag) -> Result<Indexes, ExportError> {
        let mut stories = csv::Writer::from_writer(bag.file("stories.csv")?);
        stories
            .write_record(STORY_COLUMNS)
            .map_err(csv_error("stories.csv"))?;
        let mut photos = csv::Writer::from_writer(bag.file("photos.csv")?);
        photos
            .write_record(PHOTO_COLUMNS)
            .map_err(csv_error("photos.csv"))?;
        Ok(Indexes { stories, photos })
    }

    pub fn story(
        &mut self,
        story: &Story,
        photos: usize,
        recordings: usize,
        folder: &str,
        permalink: &str,
    ) -> Result<(), ExportError> {
        let r = &story.record;
        let themes: Vec<&str> = r.themes.iter().map(|t| t.slug()).collect();
        self.stories
            .write_record([
                r.id.to_string(),
                r.status.slug().to_owned(),
                permalink.to_owned(),
                opt(&r.title),
                opt(&r.place),
                opt(&r.narrator),
                opt(&story.role),
                r.year_then.to_string(),
                r.year_then_approx.to_string(),
                r.year_now.to_string(),
                themes.join(";"),
                r.licence.slug().to_owned(),
                crate::archive::oai::dc::rights(r.licence).to_owned(),
                r.published_at.map(datestamp).unwrap_or_default(),
                photos.to_string(),
                recordings.to_string(),
                folder.to_owned(),
            ])
            .map_err(csv_error("stories.csv"))
    }

    pub fn photo(&mut self, photo: &PhotoLine) -> Result<(), ExportError> {
        self.photos
            .write_record([
                photo.story.0.to_string(),
                photo.id.to_string(),
                photo.slot.clone(),
                photo.position.to_string(),
                opt(&photo.year),
                opt(&photo.caption),
                opt(&photo.credit),
                photo.alt.clone(),
                opt(&photo.width),
                opt(&photo.height),
                photo.files.join(";"),
            ])
            .map_err(csv_error("photos.csv"))
    }

    /// Closes both files and lists them in the manifest.
    pub fn finish(self, bag: &mut Bag) -> Result<(), ExportError> {
        for (writer, name) in [(self.stories, "stories.csv"), (self.photos, "photos.csv")] {
            let file = writer
                .into_inner()
                .map_err(|e| csv_error(name)(e.into_error().into()))?;
            bag.close(file)?;
        }
        Ok(())
    }
}
