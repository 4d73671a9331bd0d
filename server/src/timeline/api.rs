//! The public read API: `GET /api/v1/stories` and `GET /api/v1/stories/{id}` (docs/api.md).

use super::pages::TimelineQuery;
use super::store::{self, PAGE_SIZE, PublicStory};
use crate::state::AppState;
use crate::web::{AppError, RequestLocale};
use app::domain::StoryId;
use app::media::PhotoView;
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
}

fn api_story(base: &str, story: PublicStory, photos: Vec<PhotoView>, full: bool) -> ApiStory {
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
        photos,
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
    let photos = store::photos_of(&state.db, &ids).await?;
    let base = state.config.public_url.as_str();
    let stories = page
        .stories
        .into_iter()
        .map(|s| {
            let mine = photos
                .iter()
                .filter(|(id, _)| *id == s.id)
                .map(|(_, p)| p.clone())
                .collect();
            api_story(base, s, mine, false)
        })
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
    let photos = store::photos_of(&state.db, &[story.id])
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    Ok(json(&api_story(
        &state.config.public_url,
        story,
        photos,
        true,
    )))
}
