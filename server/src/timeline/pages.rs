//! `GET /` (the timeline) and `GET /stories/{id}`.

use super::store::{self, Cursor, Filters, PAGE_SIZE, PublicStory};
use crate::media::recordings::rows::{self as recording_rows, Listener};
use crate::state::AppState;
use crate::web::query::QueryForm;
use crate::web::render::{public_html, render_page};
use crate::web::time::{display_date, latest_allowed_year};
use crate::web::{AppError, RequestLocale};
use app::domain::{SearchText, StoryId, Theme, TimelineField, is_checked};
use app::locale::{self, Locale};
use app::timeline::{
    HomePage, RelatedStory, StoryCard, StoryHeading, StoryPage, StoryView, TimelineFilters,
};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use std::convert::Infallible;

/// Query parameters shared by the timeline and the API (`TimelineField`), as sent.
#[derive(Debug, Default)]
pub struct TimelineQuery {
    pub theme: String,
    pub place: String,
    pub from: String,
    pub to: String,
    pub q: String,
    pub cursor: String,
    /// Only the cards (for the infinite-scroll island).
    pub fragment: String,
    /// Ticked: only stories with a recording the public may hear.
    pub voice: String,
}

impl<S: Send + Sync> FromRequestParts<S> for TimelineQuery {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let form = QueryForm::from_request_parts(parts, state).await?;
        Ok(TimelineQuery::from_form(&form))
    }
}

fn year(text: &str) -> Option<i32> {
    text.trim()
        .parse()
        .ok()
        .filter(|y| (1900..=2100).contains(y))
}

impl TimelineQuery {
    pub fn from_form(form: &QueryForm) -> TimelineQuery {
        let text = |field| form.text(field).to_owned();
        TimelineQuery {
            theme: text(TimelineField::Theme),
            place: text(TimelineField::Place),
            from: text(TimelineField::From),
            to: text(TimelineField::To),
            q: text(TimelineField::Q),
            cursor: text(TimelineField::Cursor),
            fragment: text(TimelineField::Fragment),
            voice: text(TimelineField::Voice),
        }
    }

    pub fn filters(&self) -> Filters {
        let place = self.place.trim();
        Filters {
            theme: Theme::from_slug(self.theme.trim()),
            place: (!place.is_empty()).then(|| {
                let cut: String = place.chars().take(100).collect();
                cut.trim_end().to_owned()
            }),
            from: year(&self.from),
            to: year(&self.to),
            search: SearchText::parse(&self.q),
            voice: is_checked(self.voice.trim()),
        }
    }

    pub fn cursor(&self) -> Option<Cursor> {
        Cursor::parse(&self.cursor)
    }

    /// The same filters with another cursor, as a root-relative URL of `path`.
    pub fn with_cursor(&self, path: &str, cursor: Cursor) -> String {
        self.href(path, Some(cursor))
    }

    /// The parameters the timeline page uses, in one canonical form: unknown parameters, their
    /// order, surrounding spaces and values that do not parse all come out the same, so they
    /// make neither a new cache entry nor a different page.
    pub fn normalized(&self) -> TimelineQuery {
        let filters = self.filters();
        let text = |value: Option<i32>| value.map(|y| y.to_string()).unwrap_or_default();
        TimelineQuery {
            theme: filters
                .theme
                .map(|t| t.slug().to_owned())
                .unwrap_or_default(),
            place: filters.place.unwrap_or_default(),
            from: text(filters.from),
            to: text(filters.to),
            q: SearchText::clean(&self.q),
            cursor: self.cursor().map(|c| c.to_string()).unwrap_or_default(),
            fragment: self.fragment.clone(),
            voice: if filters.voice { "1" } else { "" }.to_owned(),
        }
    }

    /// The filters and cursor as a root-relative URL of `path`: for a normalized query, the
    /// page's canonical URL and its page-cache key.
    pub fn canonical_path(&self, path: &str) -> String {
        self.href(path, self.cursor())
    }

    /// The filters (and `cursor`) as a root-relative URL of `path`, in a fixed order.
    fn href(&self, path: &str, cursor: Option<Cursor>) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        for (field, value) in [
            (TimelineField::Theme, &self.theme),
            (TimelineField::Place, &self.place),
            (TimelineField::From, &self.from),
            (TimelineField::To, &self.to),
            (TimelineField::Q, &self.q),
            (TimelineField::Voice, &self.voice),
        ] {
            if !value.trim().is_empty() {
                pairs.append_pair(field.name(), value.trim());
            }
        }
        if let Some(cursor) = cursor {
            pairs.append_pair(TimelineField::Cursor.name(), &cursor.to_string());
        }
        let query = pairs.finish();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }
}

pub fn credit(locale: Locale, story: &PublicStory) -> String {
    story
        .narrator
        .clone()
        .unwrap_or_else(|| locale::anonymous_credit(locale, &story.place))
}

/// The title and who, where and when, as every public view of a story starts.
fn heading(locale: Locale, story: &PublicStory) -> StoryHeading {
    StoryHeading {
        id: story.id,
        title: story.title.clone(),
        credit: credit(locale, story),
        role: story.role.clone(),
        place: story.place.clone(),
        year_then: story.year_then,
        year_then_approx: story.year_then_approx,
        year_now: story.year_now,
        themes: story.themes.clone(),
    }
}

/// `GET /`: answered from the page cache when it can be. The page is rendered from the
/// normalized parameters alone, so it can be cached under them.
pub async fn home(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    query: TimelineQuery,
) -> Result<Response, AppError> {
    let query = query.normalized();
    let path = query.canonical_path("/");
    let key = cache_key(locale, &path);
    let ticket = state.pages.ticket();
    if let Some(page) = state.pages.get(&key).filter(|_| query.fragment.is_empty()) {
        return Ok(cached_html(page));
    }
    let filters = query.filters();
    let page = store::page(
        &state.db,
        &filters,
        query.cursor(),
        PAGE_SIZE,
        store::SearchLimits::from(&*state.config),
    )
    .await?;
    let ids: Vec<StoryId> = page.stories.iter().map(|s| s.id).collect();
    let photos = store::photos_of(&state.db, &ids).await?;
    let lengths = store::recording_lengths(&state.db, &ids).await?;
    let cards: Vec<StoryCard> = page
        .stories
        .iter()
        .map(|s| {
            let (then_photo, now_photo) = store::pair_of(&photos, s.id);
            StoryCard {
                heading: heading(locale, s),
                excerpt: s.body.chars().take(90).collect(),
                featured: s.featured,
                then_photo,
                now_photo,
                recording_length: lengths.get(&s.id).copied(),
            }
        })
        .collect();
    let more_href = page.next.map(|c| query.with_cursor("/", c));
    let latest_year = latest_allowed_year();
    if !query.fragment.is_empty() {
        let body = render_fragment(&state, locale, cards, latest_year);
        let mut response = public_html(StatusCode::OK, body);
        if let Some(next) = more_href.and_then(|h| HeaderValue::from_str(&h).ok()) {
            response.headers_mut().insert("x-next-page", next);
        }
        return Ok(response);
    }
    let places = match state.pages.places() {
        Some(places) => places,
        None => {
            let places = store::places(&state.db, 200).await?;
            state.pages.put_places(ticket, places.clone());
            places
        }
    };
    let typed = TimelineFilters {
        theme: filters.theme,
        search_too_short: !query.q.is_empty() && filters.search.is_none(),
        active: filters.theme.is_some()
            || filters.place.is_some()
            || filters.from.is_some()
            || filters.to.is_some()
            || filters.voice
            || !query.q.is_empty(),
        voice: filters.voice,
        place: query.place,
        from: query.from,
        to: query.to,
        q: query.q,
        truncated_at: page.truncated.then_some(state.config.search_max_candidates),
    };
    let html = render_page(&state, locale, &path, move || {
        view! { <HomePage stories=cards filters=typed places more_href latest_year /> }
    });
    let html = Bytes::from(html);
    state.pages.put(ticket, key, html.clone());
    Ok(cached_html(html))
}

fn render_fragment(
    state: &AppState,
    locale: Locale,
    cards: Vec<StoryCard>,
    latest_year: i32,
) -> String {
    render_page(state, locale, "/", move || {
        view! { <app::timeline::StoryCards stories=cards latest_year /> }
    })
}

/// A rendered page's place in the page cache: its language and canonical path.
fn cache_key(locale: Locale, path: &str) -> String {
    format!("{}|{path}", locale::tag(locale))
}

fn cached_html(body: Bytes) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// `GET /stories/{id}`: 404 unless approved; answered from the page cache when it can be.
pub async fn story(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    // `/stories/12` or `/stories/12-a-readable-slug`.
    let id = id
        .split('-')
        .next()
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or(AppError::NotFound)?;
    let path = format!("/stories/{id}");
    let key = cache_key(locale, &path);
    let ticket = state.pages.ticket();
    if let Some(page) = state.pages.get(&key) {
        return Ok(cached_html(page));
    }
    let story = store::find(&state.db, StoryId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let photos: Vec<_> = store::photos_of(&state.db, &[story.id])
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let recordings = recording_rows::of_stories(&state.db, &[story.id], Listener::Public)
        .await?
        .into_iter()
        .map(|r| r.view)
        .collect();
    let related = store::related(&state.db, &story, 4)
        .await?
        .into_iter()
        .map(|(id, title, place)| RelatedStory { id, title, place })
        .collect();
    let permalink = format!("{}/stories/{}", state.config.public_url, story.id);
    let share_image = photos
        .iter()
        .rev()
        .find_map(|p| p.fallback_src(800))
        .map(|src| format!("{}{}", state.config.public_url, src.url));
    let offset = state.config.display_utc_offset_hours;
    let view_model = StoryView {
        heading: heading(locale, &story),
        body: story.body,
        licence: story.licence,
        published_on: display_date(locale, story.published_at, offset),
        photos,
        recordings,
    };
    let html = render_page(&state, locale, &path, move || {
        view! { <StoryPage story=view_model related permalink share_image /> }
    });
    let html = Bytes::from(html);
    state.pages.put(ticket, key, html.clone());
    Ok(cached_html(html))
}

/// `GET /stories/{id}/qr.svg`: the story's permalink as a QR code (for printed posters and
/// WeChat), a file of its own so the story page does not carry 7.5 KB of SVG and the browser
/// caches it. Made from the id alone, without asking the database: it shows nothing but the
/// address, which is public whether or not a story has it yet.
pub async fn qr_code(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: u64 = id.parse().map_err(|_| AppError::NotFound)?;
    let permalink = format!("{}/stories/{id}", state.config.public_url);
    let svg = qrcode::QrCode::new(permalink.as_bytes())
        .map_err(|_| AppError::NotFound)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    let mut response = (StatusCode::OK, svg).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(QR_CACHE));
    Ok(response)
}

/// A day: the code changes only if `PUBLIC_URL` does.
const QR_CACHE: &str = "public, max-age=86400";

#[cfg(test)]
mod tests {
    use super::TimelineQuery;
    use app::domain::SEARCH_MAX;

    /// Found by fuzzing (fuzz/ target `search_query`): a place or search cut just before a
    /// space kept the space, so the page cached under the canonical URL was rendered with
    /// other filters than a request for that URL would use.
    #[test]
    fn normalized_filters_are_a_fixed_point() {
        let query = TimelineQuery {
            place: format!("{} b", "a".repeat(99)),
            q: format!("{} y and more words", "x".repeat(SEARCH_MAX - 1)),
            ..TimelineQuery::default()
        };
        let normalized = query.normalized();
        assert_eq!(normalized.place, "a".repeat(99));
        assert_eq!(normalized.q, "x".repeat(SEARCH_MAX - 1));
        let again = normalized.normalized();
        assert_eq!(again.canonical_path("/"), normalized.canonical_path("/"));
        assert_eq!(
            format!("{:?}", again.filters()),
            format!("{:?}", query.filters())
        );
    }
}
