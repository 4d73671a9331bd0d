//! The public read API: `GET /api/v1/stories` and `GET /api/v1/stories/{id}` (docs/api.md).

use super::pages::TimelineQuery;
use super::store::{self, PAGE_SIZE, PublicStory};
use crate::state::AppState;
use crate::web::{AppError, RequestLocale};
use app::domain::StoryId;
use app::media::{PhotoView, RecordingView};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use leptos_i18n::td_string;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

#[derive(Serialize)]
pub struct ApiStory {
    pub id: i64,
    pub title: String,
    pub url: String,
    /// The narrator's name if they agreed to show it, else null.
    pub narrator: Option<String>,
    pub role: Option<String>,
    pub place: String,
    pub year_then: i32,
    pub year_then_approx: bool,
    pub year_now: i32,
    pub themes: Vec<&'static str>,
    pub licence: &'static str,
    pub featured: bool,
    pub published_at: String,
    /// The full text in `GET /api/v1/stories/{id}`; the first 200 characters in lists.
    pub text: String,
    pub photos: Vec<PhotoView>,
    pub recordings: Vec<ApiRecording>,
}

/// A recording as the API shows it: the access copy only when the narrator agreed that their
/// voice is published (else `audio` is null and only the transcript is offered).
#[derive(Serialize)]
pub struct ApiRecording {
    pub summary: Option<String>,
    pub interviewer: Option<String>,
    pub duration_ms: Option<u32>,
    pub audio: Option<ApiAudio>,
    pub transcript_vtt: Option<String>,
}

#[derive(Serialize)]
pub struct ApiAudio {
    pub url: String,
    #[serde(rename = "type")]
    pub mime: &'static str,
    pub length: Option<u64>,
}

fn api_recording(base: &str, view: RecordingView) -> ApiRecording {
    let audio = view.audio_src.map(|src| ApiAudio {
        url: format!("{base}{src}"),
        mime: "audio/mpeg",
        length: view.audio_bytes,
    });
    ApiRecording {
        summary: view.summary,
        interviewer: view.interviewer,
        duration_ms: view.duration_ms,
        audio,
        transcript_vtt: view.vtt_href.map(|href| format!("{base}{href}")),
    }
}

/// The story's media for the API: its photos and recordings.
struct Media {
    photos: Vec<PhotoView>,
    recordings: Vec<RecordingView>,
}

impl Media {
    async fn of(db: &sqlx::PgPool, ids: &[StoryId]) -> Result<Vec<(StoryId, Media)>, sqlx::Error> {
        let photos = store::photos_of(db, ids).await?;
        let recordings = store::recordings_of(db, ids).await?;
        Ok(ids
            .iter()
            .map(|id| {
                let media = Media {
                    photos: photos
                        .iter()
                        .filter(|(s, _)| s == id)
                        .map(|(_, p)| p.clone())
                        .collect(),
                    recordings: recordings
                        .iter()
                        .filter(|(s, _)| s == id)
                        .map(|(_, r)| r.clone())
                        .collect(),
                };
                (*id, media)
            })
            .collect())
    }
}

fn api_story(base: &str, story: PublicStory, media: Media, full: bool) -> ApiStory {
    ApiStory {
        id: story.id.0,
        url: format!("{base}/stories/{}", story.id),
        narrator: story.narrator,
        role: story.role,
        year_then: story.year_then,
        year_then_approx: story.year_then_approx,
        year_now: story.year_now,
        themes: story.themes.iter().map(|t| t.slug()).collect(),
        licence: story.licence.slug(),
        featured: story.featured,
        published_at: story.published_at.format(&Rfc3339).unwrap_or_default(),
        text: if full {
            story.body
        } else {
            story.body.chars().take(200).collect()
        },
        title: story.title,
        place: story.place,
        photos: media.photos,
        recordings: media
            .recordings
            .into_iter()
            .map(|r| api_recording(base, r))
            .collect(),
    }
}

fn json<T: Serialize>(value: &T) -> Response {
    let mut response = Json(value).into_response();
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

#[derive(Serialize)]
struct ListAnswer {
    stories: Vec<ApiStory>,
    next_cursor: Option<String>,
    /// A search stopped at its candidate bound before it filled the page.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// `GET /api/v1/stories?cursor=&theme=&place=&from=&to=&q=`: 20 per page, the timeline's order.
pub async fn list(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    query: TimelineQuery,
) -> Result<Response, AppError> {
    let limits = store::SearchLimits::from(&*state.config);
    let page = store::page(
        &state.db,
        &query.filters(),
        query.cursor(),
        PAGE_SIZE,
        limits,
    )
    .await?;
    let ids: Vec<StoryId> = page.stories.iter().map(|s| s.id).collect();
    let media = Media::of(&state.db, &ids).await?;
    let base = state.config.public_url.as_str();
    let stories = page
        .stories
        .into_iter()
        .zip(media)
        .map(|(s, (_, media))| api_story(base, s, media, false))
        .collect();
    Ok(json(&ListAnswer {
        stories,
        next_cursor: page.next.map(|c| c.to_string()),
        truncated: page.truncated,
        message: page.truncated.then(|| {
            let n = limits.max_candidates;
            td_string!(locale, timeline.results.truncated, n).to_string()
        }),
    }))
}

/// `GET /api/v1/stories/{id}`: one approved story with its full text; 404 otherwise.
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let story = store::find(&state.db, StoryId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, media) = Media::of(&state.db, &[story.id])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(json(&api_story(
        &state.config.public_url,
        story,
        media,
        true,
    )))
}
