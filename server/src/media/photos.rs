//! Photo rows: stored with their story in one transaction (its caller queues their jobs,
//! `jobs::enqueue`), and read back as `PhotoView`s for the pages that may show them. The one meaning of "ready" lives
//! here (`PhotoState::Ready`), and the one reading and writing of `photos.derivatives`
//! (`Derivatives`). Errors are the database's (`sqlx::Error`); the HTTP layer answers them.

use super::format::Inspected;
use super::names::{DerivativeName, derivative_file_name, random_key};
use super::store::StoredOriginal;
use crate::db::column;
use app::domain::{PhotoDetails, PhotoId, PhotoSlot, StoryId};
use app::media::{ImageFormat, PhotoSource, PhotoView};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use sqlx::types::Json;

/// Where a photo is in its processing (`photo_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "photo_state", rename_all = "snake_case")]
pub enum PhotoState {
    /// Queued or being made (again, after a moderator turned it): nothing of it is shown.
    Processing,
    /// Its derivatives are written and recorded: the only state in which they are listed on a
    /// page (`PhotoView::sources`) or served (`routes`).
    Ready,
    /// Given up after `jobs::MAX_ATTEMPTS`; its story stays, without the photo.
    Failed,
}

/// A photo whose original is in the store, waiting for its row.
#[derive(Debug)]
pub struct KeptPhoto {
    pub slot: PhotoSlot,
    pub details: PhotoDetails,
    pub original: StoredOriginal,
    pub sha256: [u8; 32],
    pub size: u64,
    pub inspected: Inspected,
}

/// One derivative as recorded in `photos.derivatives`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivativeEntry {
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
}

impl DerivativeEntry {
    /// Its file name in the photo's derivative folder.
    pub fn name(&self) -> DerivativeName {
        DerivativeName {
            width: self.width,
            format: self.format,
        }
    }
}

/// The derivatives recorded for a photo: `photos.derivatives`, JSON
/// `[{"width":…, "height":…, "format":"jpeg"|"webp"}]`, read and written only through this type.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::Type)]
#[sqlx(transparent)]
pub struct Derivatives(Json<Vec<DerivativeEntry>>);

impl Derivatives {
    pub fn new(entries: Vec<DerivativeEntry>) -> Derivatives {
        Derivatives(Json(entries))
    }

    pub fn entries(&self) -> &[DerivativeEntry] {
        &self.0
    }

    /// Whether the photo has a derivative of that name.
    pub fn contains(&self, name: DerivativeName) -> bool {
        self.entries().iter().any(|e| e.name() == name)
    }
}

/// Inserts the photos of a story, inside the story's transaction; queue their jobs in the same
/// transaction (`jobs::enqueue`), so rows and jobs commit together or not at all.
pub async fn insert_all(
    tx: &mut PgConnection,
    story: StoryId,
    photos: &[KeptPhoto],
) -> Result<Vec<PhotoId>, sqlx::Error> {
    let mut next = next_positions(&mut *tx, story).await?;
    let mut ids = Vec::with_capacity(photos.len());
    for photo in photos {
        let position = next[photo.slot.index()];
        next[photo.slot.index()] += 1;
        let year = photo
            .details
            .year
            .map(|y| column::smallint(y.get()))
            .transpose()?;
        // Four digits at most (see `exif_capture_year`), so it always fits.
        let exif_year = photo
            .inspected
            .exif_year
            .and_then(|y| i16::try_from(y).ok());
        let byte_size = column::bigint(photo.size)?;
        let (source_width, source_height) = (
            column::int(photo.inspected.width)?,
            column::int(photo.inspected.height)?,
        );
        let id = sqlx::query_scalar!(
            r#"insert into photos (story_id, slot, position, year, exif_year, caption, credit, alt, original_key,
                                 sha256, source_format, byte_size, source_width, source_height, public_key)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
             returning id as "id: PhotoId""#,
            story.0,
            photo.slot as _,
            position,
            year,
            exif_year,
            photo.details.caption.as_deref(),
            photo.details.credit.as_deref(),
            photo.details.alt.as_str(),
            photo.original.key.as_str(),
            photo.sha256.as_slice(),
            photo.inspected.format.name(),
            byte_size,
            source_width,
            source_height,
            random_key(),
        )
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// The next free position on each side, for photos added by an edit.
async fn next_positions(tx: &mut PgConnection, story: StoryId) -> Result<[i16; 2], sqlx::Error> {
    let row = sqlx::query!(
        r#"select coalesce(max(position) filter (where slot = 'then') + 1, 0)::smallint as "then!",
                  coalesce(max(position) filter (where slot = 'now') + 1, 0)::smallint as "now!"
           from photos where story_id = $1"#,
        story.0
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok([row.then, row.now])
}

/// The originals of the photos a transaction removed; their files are deleted by
/// `deletions::now`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
#[must_use = "delete the files once the transaction committed (deletions::now)"]
pub struct RemovedPhotos(pub Vec<String>);

/// Removes photos the contributor unticked on the tracking page. Their files are queued for
/// deletion in the same transaction (a trigger); delete them after the commit with
/// `deletions::now`.
pub async fn remove(
    tx: &mut PgConnection,
    story: StoryId,
    ids: &[PhotoId],
) -> Result<RemovedPhotos, sqlx::Error> {
    let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let keys = sqlx::query_scalar!(
        "delete from photos where story_id = $1 and id = any($2) returning original_key",
        story.0,
        &ids
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(RemovedPhotos(keys))
}

/// Removes every photo of a story (withdrawal); files as for `remove`.
pub async fn remove_all(
    tx: &mut PgConnection,
    story: StoryId,
) -> Result<RemovedPhotos, sqlx::Error> {
    let keys = sqlx::query_scalar!(
        "delete from photos where story_id = $1 returning original_key",
        story.0
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(RemovedPhotos(keys))
}

/// A photo with its row id, as the contributor's tracking page lists it.
#[derive(Debug, Clone)]
pub struct StoredPhoto {
    pub id: PhotoId,
    pub view: PhotoView,
}

/// Every photo of a story in then/now and position order. Callers decide who may see them.
pub async fn of_story(
    db: impl sqlx::PgExecutor<'_>,
    story: StoryId,
) -> Result<Vec<StoredPhoto>, sqlx::Error> {
    Ok(of_stories(db, &[story])
        .await?
        .into_iter()
        .map(|(_, photo)| photo)
        .collect())
}

/// The photos of several stories at once (a page of the timeline), by story.
pub async fn of_stories(
    db: impl sqlx::PgExecutor<'_>,
    stories: &[StoryId],
) -> Result<Vec<(StoryId, StoredPhoto)>, sqlx::Error> {
    let ids: Vec<i64> = stories.iter().map(|s| s.0).collect();
    let rows = sqlx::query!(
        r#"select id as "id: PhotoId", story_id, slot as "slot: PhotoSlot", year, caption, credit, alt, public_key,
                  state as "state: PhotoState", derivatives as "derivatives: Derivatives",
                  width, height, placeholder
           from photos where story_id = any($1) order by story_id, slot, position"#,
        &ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let sources = match r.state {
                PhotoState::Ready => sources(&r.public_key, &r.derivatives),
                PhotoState::Processing | PhotoState::Failed => Vec::new(),
            };
            let photo = StoredPhoto {
                id: r.id,
                view: PhotoView {
                    slot: r.slot,
                    year: r.year.map(i32::from),
                    caption: r.caption,
                    credit: r.credit,
                    alt: r.alt,
                    // Not yet processed (no size) is 0, as is a (never stored) negative one.
                    width: u32::try_from(r.width.unwrap_or(0)).unwrap_or(0),
                    height: u32::try_from(r.height.unwrap_or(0)).unwrap_or(0),
                    placeholder: r.placeholder,
                    sources,
                },
            };
            (StoryId(r.story_id), photo)
        })
        .collect())
}

/// What a page may show of a ready photo's derivatives.
fn sources(public_key: &str, derivatives: &Derivatives) -> Vec<PhotoSource> {
    derivatives
        .entries()
        .iter()
        .map(|e| PhotoSource {
            url: media_url(public_key, e.width, e.format),
            width: e.width,
            height: e.height,
            format: e.format,
        })
        .collect()
}

/// Root-relative and unguessable: `/media/{public_key}/{width}.{jpg|webp}`.
pub fn media_url(public_key: &str, width: u32, format: ImageFormat) -> String {
    format!(
        "/media/{public_key}/{}",
        derivative_file_name(width, format)
    )
}
