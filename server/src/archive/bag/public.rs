//! A page of a **public** bag: approved stories with exactly what the public pages show.
//! Photos and recordings come from the same functions the pages use (`media::photos`,
//! `recordings::rows` as `Listener::Public`): ready photos' derivatives only (originals carry
//! GPS and are never read here), an access copy only with the narrator's voice consent, an
//! interviewer only with theirs. A display-only story gives its metadata and permalink only.

use super::context::Context;
use super::dc;
use super::json::{PhotoFile, PublicPhoto, PublicRecording, PublicStory};
use super::kind::ExportError;
use super::records::{Page, Story};
use super::writer::Bag;
use crate::media::names::{DerivativeName, is_valid_key};
use crate::media::photos::{self, StoredPhoto};
use crate::media::recordings::rows::{
    self as recording_rows, Listener, RecordingState, StoredRecording,
};
use crate::media::store::MediaStore;
use app::domain::{Licence, PhotoSlot, StoryId};

/// What a page needs from the database besides its stories' records.
pub struct Rows {
    photos: Vec<(StoryId, StoredPhoto)>,
    recordings: Vec<StoredRecording>,
}

pub async fn read(db: &mut sqlx::PgConnection, page: &Page) -> Result<Rows, sqlx::Error> {
    let ids = page.ids();
    Ok(Rows {
        photos: photos::of_stories(&mut *db, &ids).await?,
        recordings: recording_rows::of_stories(&mut *db, &ids, Listener::Public).await?,
    })
}

pub async fn write_page(
    bag: &mut Bag,
    cx: &mut Context<'_>,
    page: &Page,
    rows: Rows,
) -> Result<(), ExportError> {
    for story in &page.stories {
        let id = story.id();
        let media = story.record.licence != Licence::DisplayOnly;
        let its_photos: Vec<&StoredPhoto> = rows
            .photos
            .iter()
            .filter(|(s, p)| *s == id && media && p.view.is_ready())
            .map(|(_, p)| p)
            .collect();
        let its_recordings: Vec<&StoredRecording> = rows
            .recordings
            .iter()
            .filter(|r| r.story == id && media && r.state == RecordingState::Ready)
            .collect();
        write_story(bag, cx, story, &its_photos, &its_recordings).await?;
    }
    Ok(())
}

async fn write_story(
    bag: &mut Bag,
    cx: &mut Context<'_>,
    story: &Story,
    photos: &[&StoredPhoto],
    recordings: &[&StoredRecording],
) -> Result<(), ExportError> {
    let folder = story.folder();
    let mut doc = PublicStory::of(story, &cx.repo);
    let mut positions = [0usize; 2];
    for photo in photos {
        let position = &mut positions[photo.view.slot.index()];
        let written = write_photo(bag, &cx.media, &folder, photo, *position).await?;
        *position += 1;
        cx.csv
            .photo(&super::csv::PhotoLine::of_public(story.id(), &written))?;
        doc.photos.push(written);
    }
    for (position, recording) in recordings.iter().enumerate() {
        doc.recordings
            .push(write_recording(bag, &cx.media, &folder, recording, position).await?);
    }
    let json = serde_json::to_vec_pretty(&doc).expect("a story serializes");
    bag.put(&format!("{folder}/story.json"), &json)?;
    bag.put(
        &format!("{folder}/dc.xml"),
        &dc::record(&story.record, story.changed, &cx.repo),
    )?;
    let (photos, recordings) = (doc.photos.len(), doc.recordings.len());
    cx.tally.story(story.record.licence, photos, recordings);
    cx.csv
        .story(story, photos, recordings, &folder, &doc.permalink)?;
    Ok(())
}

async fn write_photo(
    bag: &mut Bag,
    media: &MediaStore,
    folder: &str,
    photo: &StoredPhoto,
    position: usize,
) -> Result<PublicPhoto, ExportError> {
    let view = &photo.view;
    let mut files = Vec::with_capacity(view.sources.len());
    for source in &view.sources {
        let (key, name) = photo_file(&source.url)?;
        let path = format!("{folder}/photos/{}/{}", photo.id.0, name.file_name());
        let stored = media
            .derivative(key, name)
            .await?
            .ok_or_else(|| missing_media(&source.url))?;
        bag.put(&path, &stored.bytes)?;
        files.push(PhotoFile {
            path,
            width: source.width,
            height: source.height,
            format: match source.format {
                app::media::ImageFormat::Jpeg => "jpeg",
                app::media::ImageFormat::Webp => "webp",
            },
        });
    }
    Ok(PublicPhoto {
        id: photo.id.0,
        slot: slot_name(view.slot),
        position,
        year: view.year,
        caption: view.caption.clone(),
        credit: view.credit.clone(),
        alt: view.alt.clone(),
        width: view.width,
        height: view.height,
        files,
    })
}

async fn write_recording(
    bag: &mut Bag,
    media: &MediaStore,
    folder: &str,
    recording: &StoredRecording,
    position: usize,
) -> Result<PublicRecording, ExportError> {
    let view = &recording.view;
    let base = format!("{folder}/recordings/{}", recording.id.0);
    let audio = match &view.audio_src {
        Some(url) => {
            let key = voice_file(url)?;
            let reader = media
                .read_voice(key)
                .await?
                .ok_or_else(|| missing_media(url))?;
            let path = format!("{base}/voice.mp3");
            bag.copy_stream(&path, reader, url).await?;
            Some(path)
        }
        None => None,
    };
    let transcript = match &view.transcript {
        Some(vtt) => {
            let path = format!("{base}/transcript.vtt");
            bag.put(&path, vtt.as_bytes())?;
            Some(path)
        }
        None => None,
    };
    Ok(PublicRecording {
        id: recording.id.0,
        position,
        summary: view.summary.clone(),
        interviewer: view.interviewer.clone(),
        duration_ms: view.duration_ms,
        audio,
        transcript,
        index: view.index_text.clone(),
    })
}

pub fn slot_name(slot: PhotoSlot) -> &'static str {
    match slot {
        PhotoSlot::Then => "then",
        PhotoSlot::Now => "now",
    }
}

/// The photo key and derivative a public media URL serves (`/media/{key}/{file}`). The URLs
/// come from the pages' own functions, so the bag holds exactly the files the site serves.
fn photo_file(url: &str) -> Result<(&str, DerivativeName), ExportError> {
    url.strip_prefix("/media/")
        .and_then(|rest| rest.split_once('/'))
        .filter(|(key, _)| is_valid_key(key))
        .and_then(|(key, file)| Some((key, DerivativeName::parse(file)?)))
        .ok_or_else(|| not_media(url))
}

/// The recording key an access copy's URL serves (`/media/voice/{key}.mp3`).
fn voice_file(url: &str) -> Result<&str, ExportError> {
    url.strip_prefix("/media/voice/")
        .and_then(|name| name.strip_suffix(".mp3"))
        .filter(|key| is_valid_key(key))
        .ok_or_else(|| not_media(url))
}

fn not_media(url: &str) -> ExportError {
    ExportError::Missing(format!("not a public media address: {url}"))
}

fn missing_media(url: &str) -> ExportError {
    ExportError::Missing(format!(
        "the file the site serves at {url} is missing from the media store"
    ))
}
