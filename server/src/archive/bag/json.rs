//! The story document of a **public** bag, `story.json`: our own schema, `shinian.story/1`
//! (docs/archive.md "The story document"). Only public fields, under the rules of the public
//! pages: a display-only story has `text` null and no photos or recordings. A full bag's
//! document (same schema name, `"kind": "full"`) is built by `full` from the tables themselves.

use super::records::Story;
use crate::archive::oai::date::datestamp;
use crate::archive::oai::dc::rights;
use crate::archive::oai::repository::Repository;
use app::domain::Licence;
use serde::Serialize;

pub const SCHEMA: &str = "shinian.story/1";

#[derive(Serialize)]
pub struct PublicStory<'a> {
    pub schema: &'static str,
    pub kind: &'static str,
    pub id: i64,
    pub permalink: String,
    pub title: Option<&'a str>,
    /// Null for a display-only story.
    pub text: Option<&'a str>,
    pub place: Option<&'a str>,
    /// Null unless the narrator agreed to show it.
    pub narrator: Option<&'a str>,
    pub role: Option<&'a str>,
    pub year_then: i16,
    pub year_then_approx: bool,
    pub year_now: i16,
    pub themes: Vec<&'static str>,
    pub licence: &'static str,
    pub rights: &'static str,
    /// True for a display-only story: its text and media stay on the site.
    pub media_withheld: bool,
    pub published_at: Option<String>,
    pub changed_at: Option<String>,
    pub photos: Vec<PublicPhoto>,
    pub recordings: Vec<PublicRecording>,
}

impl<'a> PublicStory<'a> {
    pub fn of(story: &'a Story, repo: &Repository) -> PublicStory<'a> {
        let r = &story.record;
        let withheld = r.licence == Licence::DisplayOnly;
        PublicStory {
            schema: SCHEMA,
            kind: "public",
            id: r.id,
            permalink: repo.permalink(story.id()),
            title: r.title.as_deref(),
            text: r.body.as_deref().filter(|_| !withheld),
            place: r.place.as_deref(),
            narrator: r.narrator.as_deref(),
            role: story.role.as_deref(),
            year_then: r.year_then,
            year_then_approx: r.year_then_approx,
            year_now: r.year_now,
            themes: r.themes.iter().map(|t| t.slug()).collect(),
            licence: r.licence.slug(),
            rights: rights(r.licence),
            media_withheld: withheld,
            published_at: r.published_at.map(datestamp),
            changed_at: story.changed.map(datestamp),
            photos: Vec::new(),
            recordings: Vec::new(),
        }
    }
}

#[derive(Serialize)]
pub struct PublicPhoto {
    pub id: i64,
    /// `then` or `now`.
    pub slot: &'static str,
    /// Order within its side, from 0.
    pub position: usize,
    pub year: Option<i32>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: String,
    pub width: u32,
    pub height: u32,
    pub files: Vec<PhotoFile>,
}

#[derive(Serialize)]
pub struct PhotoFile {
    /// Relative to the bag's `data/`.
    pub path: String,
    pub width: u32,
    pub height: u32,
    /// `jpeg` or `webp`.
    pub format: &'static str,
}

#[derive(Serialize)]
pub struct PublicRecording {
    pub id: i64,
    pub position: usize,
    pub summary: Option<String>,
    /// Null unless the interviewer agreed to be named.
    pub interviewer: Option<String>,
    pub duration_ms: Option<u32>,
    /// The access copy (MP3), only with the narrator's voice consent.
    pub audio: Option<String>,
    /// The WebVTT transcript, when there is one.
    pub transcript: Option<String>,
    /// The index in its editable text form, when there is one.
    pub index: Option<String>,
}
