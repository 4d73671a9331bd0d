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
use crate::media::names::is_valid_key;
use crate::media::photos::{self, StoredPhoto};
use crate::media::recordings::rows::{
    self as recording_rows, Listener, RecordingState, StoredRecording,
};
use crate::media::store::FileStore;
use app::domain::{Licence, PhotoSlot};
use std::path::PathBuf;

pub async fn write_page(
    db: &mut sqlx::PgConnection,
    bag: &mut Bag,
    cx: &mut Context<'_>,
    page: &Page,
) -> Result<(), ExportError> {
    let ids = page.ids();
    let photos = photos::of_stories(&mut *db, &ids).await?;
    let recordings = recording_rows::of_stories(&mut *db, &ids, Listener::Public).await?;
    for story in &page.stories {
        let id = story.id();
        let media = story.record.licence != Licence::DisplayOnly;
        let its_photos: Vec<&StoredPhoto> = photos
            .iter()
            .filter(|(s, p)| *s == id && media && p.view.is_ready())
            .map(|(_, p)| p)
            .collect();
        let its_recordings: Vec<&StoredRecording> = recordings
            .iter()
            .filter(|r| r.story == id && media && r.state == RecordingState::Ready)
            .collect();
        write_story(bag, cx, story, &its_photos, &its_recordings)?;
    }
    Ok(())
}

fn write_story(
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
        let written = write_photo(bag, &cx.media, &folder, photo, *position)?;
        *position += 1;
        cx.csv
            .photo(&super::csv::PhotoLine::of_public(story.id(), &written))?;
        doc.photos.push(written);
    }
    for (position, recording) in recordings.iter().enumerate() {
        doc.recordings.push(write_recording(
            bag, &cx.media, &folder, recording, position,
        )?);
    }
    let json = serde_json::to_vec_pretty(&doc).expect("a story serializes");
    bag.put(&format!("{folder}/story.json"), &json)?;
    bag.put(
        &format!("{folder}/dc.xml"),
        &dc::record(&story.record, story.changed, &cx.repo),
    )?;
    let (photos, recordings) = (doc.photos.len(), doc.recordings.len());
    cx.csv
        .story(story, photos, recordings, &folder, &doc.permalink)?;
    Ok(())
}

fn write_photo(
    bag: &mut Bag,
    media: &FileStore,
    folder: &str,
    photo: &StoredPhoto,
    position: usize,
) -> Result<PublicPhoto, ExportError> {
    let view = &photo.view;
    let mut files = Vec::with_capacity(view.sources.len());
    for source in &view.sources {
        let (file_path, file_name) = derivative(media, &source.url)?;
        let path = format!("{folder}/photos/{}/{file_name}", photo.id.0);
        bag.copy(&path, &file_path)?;
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

fn write_recording(
    bag: &mut Bag,
    media: &FileStore,
    folder: &str,
    recording: &StoredRecording,
    position: usize,
) -> Result<PublicRecording, ExportError> {
    let view = &recording.view;
    let base = format!("{folder}/recordings/{}", recording.id.0);
    let audio = match &view.audio_src {
        Some(url) => {
            let (file_path, _) = derivative(media, url)?;
            let path = format!("{base}/voice.mp3");
            bag.copy(&path, &file_path)?;
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

/// The file in the media store that a public media URL serves (`/media/{key}/{file}`,
/// `/media/voice/{key}.mp3`), and its file name. The URLs come from the pages' own functions,
/// so the bag holds exactly the files the site serves.
fn derivative(media: &FileStore, url: &str) -> Result<(PathBuf, String), ExportError> {
    let missing = || ExportError::Missing(format!("not a public media address: {url}"));
    let (key, file) = match url.strip_prefix("/media/voice/") {
        Some(name) => (name.strip_suffix(".mp3").ok_or_else(missing)?, "voice.mp3"),
        None => url
            .strip_prefix("/media/")
            .and_then(|rest| rest.split_once('/'))
            .ok_or_else(missing)?,
    };
    if !is_valid_key(key) || file.contains('/') || file.starts_with('.') {
        return Err(missing());
    }
    let path = media.derivative_dir(key).join(file);
    if !path.is_file() {
        return Err(ExportError::Missing(format!(
            "{} is missing from the media store (MEDIA_DIR); the site serves it at {url}",
            path.display()
        )));
    }
    Ok((path, file.to_owned()))
}
