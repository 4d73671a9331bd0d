//! Public queries: only approved stories, only public fields. Nothing here reads
//! `story_contributors`, consents or originals.

use crate::media::photos;
use crate::media::recordings::rows::{self as recording_rows, Listener, RecordingState};
use app::domain::{Licence, PhotoSlot, SearchText, StoryId, Theme};
use app::media::PhotoView;
use app::media::{RecordingView, SpokenLength};
use sqlx::PgPool;
use time::OffsetDateTime;

/// Stories per page of the timeline, the API and the feed.
pub const PAGE_SIZE: i64 = 20;

/// Where a page starts: just after this story in the timeline's order
/// (year_now desc, year_then desc, id desc). Written `{year_now}.{year_then}.{id}` in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub year_now: i16,
    pub year_then: i16,
    pub id: i64,
}

impl Cursor {
    pub fn parse(text: &str) -> Option<Cursor> {
        let mut parts = text.trim().split('.');
        let cursor = Cursor {
            year_now: parts.next()?.parse().ok()?,
            year_then: parts.next()?.parse().ok()?,
            id: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(cursor)
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.year_now, self.year_then, self.id)
    }
}

/// The timeline's filters, parsed.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub theme: Option<Theme>,
    pub place: Option<String>,
    /// Stories whose span reaches this year or later.
    pub from: Option<i32>,
    /// Stories whose span starts this year or earlier.
    pub to: Option<i32>,
    pub search: Option<SearchText>,
    /// Only stories with a recording the public may hear ("with recording").
    pub voice: bool,
}

/// One approved story with its public fields.
#[derive(Debug, Clone)]
pub struct PublicStory {
    pub id: StoryId,
    pub title: String,
    pub body: String,
    pub place: String,
    /// The narrator's name when they agreed to show it.
    pub narrator: Option<String>,
    pub role: Option<String>,
    pub year_then: i32,
    pub year_then_approx: bool,
    pub year_now: i32,
    pub themes: Vec<Theme>,
    pub licence: Licence,
    pub featured: bool,
    pub published_at: OffsetDateTime,
    pub cursor: Cursor,
}

/// A row of the two public story queries (`page`, `find`).
struct PublicRow {
    id: i64,
    title: String,
    body: String,
    place: String,
    narrator: Option<String>,
    role: Option<String>,
    year_then: i16,
    year_then_approx: bool,
    year_now: i16,
    licence: Licence,
    featured: bool,
    published_at: OffsetDateTime,
    themes: Vec<Theme>,
}

impl From<PublicRow> for PublicStory {
    fn from(r: PublicRow) -> PublicStory {
        PublicStory {
            id: StoryId(r.id),
            cursor: Cursor {
                year_now: r.year_now,
                year_then: r.year_then,
                id: r.id,
            },
            title: r.title,
            body: r.body,
            place: r.place,
            narrator: r.narrator,
            role: r.role,
            year_then: i32::from(r.year_then),
            year_then_approx: r.year_then_approx,
            year_now: i32::from(r.year_now),
            themes: r.themes,
            licence: r.licence,
            featured: r.featured,
            published_at: r.published_at,
        }
    }
}

pub struct Page {
    pub stories: Vec<PublicStory>,
    pub next: Option<Cursor>,
    /// A search stopped at its candidate bound before it filled the page: more stories hold
    /// the words' character pairs than it examines, so the page may miss some.
    pub truncated: bool,
}

/// One page of the timeline: keyset pagination on the partial index `stories_timeline`, so a
/// page a hundred thousand stories deep costs what the first does. A search first walks the
/// next `WALK_ROWS` stories of the timeline; when that does not fill a page it examines at most
/// `max_candidates` stories (the first that hold every character pair of the words, in the
/// timeline's order). It runs under its own, tighter statement timeout (`SEARCH_TIMEOUT_MS`).
pub async fn page(
    db: &PgPool,
    filters: &Filters,
    after: Option<Cursor>,
    size: i64,
    search: SearchLimits,
) -> Result<Page, sqlx::Error> {
    // `size` is a configured, positive page size; a negative one would mean an empty page.
    let limit = usize::try_from(size).unwrap_or(0);
    let (rows, truncated) = match &filters.search {
        Some(text) => {
            let mut tx = crate::db::begin_with_timeout(db, search.timeout_ms).await?;
            let walked = walked_search_rows(&mut *tx, filters, text, after, size, search).await?;
            let found = if walked.len() > limit {
                (walked, false)
            } else {
                let rows = search_rows(&mut *tx, filters, text, after, size, search.max_candidates)
                    .await?;
                let truncated = rows.len() <= limit
                    && candidates(&mut *tx, filters, text, after, search.max_candidates).await?
                        >= search.max_candidates;
                (rows, truncated)
            };
            tx.commit().await?;
            found
        }
        None if filters.voice => (voice_page_rows(db, filters, after, size).await?, false),
        None => (page_rows(db, filters, after, size).await?, false),
    };
    let mut stories: Vec<PublicStory> = rows.into_iter().map(PublicStory::from).collect();
    let next = if stories.len() > limit {
        stories.truncate(limit);
        stories.last().map(|s| s.cursor)
    } else {
        None
    };
    Ok(Page {
        stories,
        next,
        truncated,
    })
}

/// What one search may cost.
#[derive(Debug, Clone, Copy)]
pub struct SearchLimits {
    /// `SEARCH_TIMEOUT_MS`.
    pub timeout_ms: u64,
    /// `SEARCH_MAX_CANDIDATES`.
    pub max_candidates: i64,
}

impl From<&crate::config::Config> for SearchLimits {
    fn from(config: &crate::config::Config) -> SearchLimits {
        SearchLimits {
            timeout_ms: config.search_timeout_ms,
            max_candidates: i64::from(config.search_max_candidates),
        }
    }
}

async fn page_rows<'e>(
    db: impl sqlx::PgExecutor<'e>,
    filters: &Filters,
    after: Option<Cursor>,
    size: i64,
) -> Result<Vec<PublicRow>, sqlx::Error> {
    sqlx::query_as!(
        PublicRow,
        r#"select s.id, s.title as "title!", s.body as "body!", s.place as "place!",
                  case when s.show_name then s.narrator_name end as narrator, s.role,
                  s.year_then, s.year_then_approx, s.year_now, s.licence as "licence: Licence",
                  s.featured, s.published_at as "published_at!",
                  array(select t.theme from story_themes t where t.story_id = s.id order by t.theme) as "themes!: Vec<Theme>"
           from stories s
           where story_is_public(s.status)
             and ($1::theme is null or exists (select 1 from story_themes t where t.story_id = s.id and t.theme = $1))
             and ($2::text is null or s.place = $2)
             and ($3::int is null or s.year_now >= $3)
             and ($4::int is null or s.year_then <= $4)
             and ($5::smallint is null or (s.year_now, s.year_then, s.id) < ($5, $6, $7))
           order by s.year_now desc, s.year_then desc, s.id desc
           limit $8"#,
        filters.theme as _,
        filters.place.as_deref(),
        filters.from,
        filters.to,
        after.map(|c| c.year_now),
        after.map(|c| c.year_then),
        after.map(|c| c.id),
        size + 1
    )
    .fetch_all(db)
    .await
}

/// `page_rows` for "with recording": the condition is written out, not a parameter, so every
/// plan of it can walk the partial index `stories_timeline_voice` (a page reads about a page of
/// rows however rare recordings are) instead of filtering the whole timeline.
async fn voice_page_rows<'e>(
    db: impl sqlx::PgExecutor<'e>,
    filters: &Filters,
    after: Option<Cursor>,
    size: i64,
) -> Result<Vec<PublicRow>, sqlx::Error> {
    sqlx::query_as!(
        PublicRow,
        r#"select s.id, s.title as "title!", s.body as "body!", s.place as "place!",
                  case when s.show_name then s.narrator_name end as narrator, s.role,
                  s.year_then, s.year_then_approx, s.year_now, s.licence as "licence: Licence",
                  s.featured, s.published_at as "published_at!",
                  array(select t.theme from story_themes t where t.story_id = s.id order by t.theme) as "themes!: Vec<Theme>"
           from stories s
           where story_is_public(s.status) and s.voice_consent and s.recording_ms is not null
             and ($1::theme is null or exists (select 1 from story_themes t where t.story_id = s.id and t.theme = $1))
             and ($2::text is null or s.place = $2)
             and ($3::int is null or s.year_now >= $3)
             and ($4::int is null or s.year_then <= $4)
             and ($5::smallint is null or (s.year_now, s.year_then, s.id) < ($5, $6, $7))
           order by s.year_now desc, s.year_then desc, s.id desc
           limit $8"#,
        filters.theme as _,
        filters.place.as_deref(),
        filters.from,
        filters.to,
        after.map(|c| c.year_now),
        after.map(|c| c.year_then),
        after.map(|c| c.id),
        size + 1
    )
    .fetch_all(db)
    .await
}

/// Stories the first phase of a search reads in timeline order ([`walked_search_rows`]).
const WALK_ROWS: i64 = 2_000;
/// Candidates whose text the first phase checks, at most (fewer if `SEARCH_MAX_CANDIDATES` is).
const WALK_CANDIDATES: i64 = 200;

/// A search's first phase: the next `WALK_ROWS` stories of the timeline, read in order along its
/// index, of which at most `WALK_CANDIDATES` that hold the words' character pairs have their
/// text checked. Words in more than about 1 % of the stories fill a page here after reading a
/// few hundred rows. Without it the planner, asked for up to `max` candidates, takes the GIN
/// index for words in a few percent of the stories and fetches and sorts every one of them
/// (25,000 rows, about 200 ms at 1,000,000 stories). A full page found here is exact: nothing
/// earlier in the timeline was skipped. Otherwise the caller runs [`search_rows`].
async fn walked_search_rows<'e>(
    db: impl sqlx::PgExecutor<'e>,
    filters: &Filters,
    text: &SearchText,
    after: Option<Cursor>,
    size: i64,
    limits: SearchLimits,
) -> Result<Vec<PublicRow>, sqlx::Error> {
    sqlx::query_as!(
        PublicRow,
        r#"select c.id as "id!", c.title as "title!", c.body as "body!", c.place as "place!",
                  c.narrator, c.role, c.year_then as "year_then!",
                  c.year_then_approx as "year_then_approx!", c.year_now as "year_now!",
                  c.licence as "licence!: Licence", c.featured as "featured!",
                  c.published_at as "published_at!",
                  array(select t.theme from story_themes t where t.story_id = c.id order by t.theme) as "themes!: Vec<Theme>"
           from (select w.* from (
                     select s.id, s.title, s.body, s.place,
                            case when s.show_name then s.narrator_name end as narrator, s.role,
                            s.year_then, s.year_then_approx, s.year_now, s.licence, s.featured,
                            s.published_at, s.search_terms, s.transcript_text
                     from stories s
                     where story_is_public(s.status)
                       and ($1::theme is null or exists (select 1 from story_themes t where t.story_id = s.id and t.theme = $1))
                       and ($2::text is null or s.place = $2)
                       and ($3::int is null or s.year_now >= $3)
                       and ($4::int is null or s.year_then <= $4)
                       and (not $13::bool or (s.voice_consent and s.recording_ms is not null))
                       and ($7::smallint is null or (s.year_now, s.year_then, s.id) < ($7, $8, $9))
                     order by s.year_now desc, s.year_then desc, s.id desc
                     limit $11) w
                 where w.search_terms @@ bigram_query($5)
                 order by w.year_now desc, w.year_then desc, w.id desc
                 limit $12) c
           where not exists (select 1 from unnest($6::text[]) w
                             where strpos(lower(c.title || ' ' || c.body || ' ' || coalesce(c.transcript_text, '')), w) = 0)
           order by c.year_now desc, c.year_then desc, c.id desc
           limit $10"#,
        filters.theme as _,
        filters.place.as_deref(),
        filters.from,
        filters.to,
        text.indexed(),
        text.words(),
        after.map(|c| c.year_now),
        after.map(|c| c.year_then),
        after.map(|c| c.id),
        size + 1,
        WALK_ROWS,
        WALK_CANDIDATES.min(limits.max_candidates),
        filters.voice
    )
    .fetch_all(db)
    .await
}

/// A search's second phase, when the first found less than a page: the candidates are the
/// first `max` stories (timeline order) whose bigrams
/// hold the query's; only those have their text checked for the words. The outer query reads
/// the candidates in order and stops after `size + 1` matches, so a frequent word checks about
/// a page of stories, and a word whose pairs are common but never adjacent checks at most `max`.
async fn search_rows<'e>(
    db: impl sqlx::PgExecutor<'e>,
    filters: &Filters,
    text: &SearchText,
    after: Option<Cursor>,
    size: i64,
    max: i64,
) -> Result<Vec<PublicRow>, sqlx::Error> {
    sqlx::query_as!(
        PublicRow,
        r#"select c.id as "id!", c.title as "title!", c.body as "body!", c.place as "place!",
                  c.narrator, c.role, c.year_then as "year_then!",
                  c.year_then_approx as "year_then_approx!", c.year_now as "year_now!",
                  c.licence as "licence!: Licence", c.featured as "featured!",
                  c.published_at as "published_at!",
                  array(select t.theme from story_themes t where t.story_id = c.id order by t.theme) as "themes!: Vec<Theme>"
           from (select s.id, s.title, s.body, s.place,
                        case when s.show_name then s.narrator_name end as narrator, s.role,
                        s.year_then, s.year_then_approx, s.year_now, s.licence, s.featured,
                        s.published_at, s.transcript_text
                 from stories s
                 where story_is_public(s.status)
                   and ($1::theme is null or exists (select 1 from story_themes t where t.story_id = s.id and t.theme = $1))
                   and ($2::text is null or s.place = $2)
                   and ($3::int is null or s.year_now >= $3)
                   and ($4::int is null or s.year_then <= $4)
                   and (not $12::bool or (s.voice_consent and s.recording_ms is not null))
                   and s.search_terms @@ bigram_query($5)
                   and ($7::smallint is null or (s.year_now, s.year_then, s.id) < ($7, $8, $9))
                 order by s.year_now desc, s.year_then desc, s.id desc
                 limit $11) c
           where not exists (select 1 from unnest($6::text[]) w
                             where strpos(lower(c.title || ' ' || c.body || ' ' || coalesce(c.transcript_text, '')), w) = 0)
           order by c.year_now desc, c.year_then desc, c.id desc
           limit $10"#,
        filters.theme as _,
        filters.place.as_deref(),
        filters.from,
        filters.to,
        text.indexed(),
        text.words(),
        after.map(|c| c.year_now),
        after.map(|c| c.year_then),
        after.map(|c| c.id),
        size + 1,
        max,
        filters.voice
    )
    .fetch_all(db)
    .await
}

/// How many candidates a search had, counting no further than `max`: in any order, so it
/// stops after `max` index matches.
async fn candidates<'e>(
    db: impl sqlx::PgExecutor<'e>,
    filters: &Filters,
    text: &SearchText,
    after: Option<Cursor>,
    max: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from (
               select 1 from stories s
               where story_is_public(s.status)
                 and ($1::theme is null or exists (select 1 from story_themes t where t.story_id = s.id and t.theme = $1))
                 and ($2::text is null or s.place = $2)
                 and ($3::int is null or s.year_now >= $3)
                 and ($4::int is null or s.year_then <= $4)
                 and (not $10::bool or (s.voice_consent and s.recording_ms is not null))
                 and s.search_terms @@ bigram_query($5)
                 and ($6::smallint is null or (s.year_now, s.year_then, s.id) < ($6, $7, $8))
               limit $9) c"#,
        filters.theme as _,
        filters.place.as_deref(),
        filters.from,
        filters.to,
        text.indexed(),
        after.map(|c| c.year_now),
        after.map(|c| c.year_then),
        after.map(|c| c.id),
        max,
        filters.voice
    )
    .fetch_one(db)
    .await
}

pub async fn find(db: &PgPool, id: StoryId) -> Result<Option<PublicStory>, sqlx::Error> {
    let row = sqlx::query_as!(
        PublicRow,
        r#"select s.id, s.title as "title!", s.body as "body!", s.place as "place!",
                  case when s.show_name then s.narrator_name end as narrator, s.role,
                  s.year_then, s.year_then_approx, s.year_now, s.licence as "licence: Licence",
                  s.featured, s.published_at as "published_at!",
                  array(select t.theme from story_themes t where t.story_id = s.id order by t.theme) as "themes!: Vec<Theme>"
           from stories s where s.id = $1 and story_is_public(s.status)"#,
        id.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(PublicStory::from))
}

/// Up to `limit` other approved stories from the same place or sharing a theme: those from the
/// same place first, each group newest first. The newest `limit` of the place and of each theme
/// are read from an index (O(limit) rows per theme, whatever the collection's size), then merged.
pub async fn related(
    db: &PgPool,
    story: &PublicStory,
    limit: i64,
) -> Result<Vec<(StoryId, String, String)>, sqlx::Error> {
    // The query is in the function `related_stories` (migration 20261206000100), which keeps
    // a generic plan instead of planning it for every page.
    let rows = sqlx::query!(
        r#"select id as "id!", title as "title!", place as "place!"
           from related_stories($1, $2, $3, $4)"#,
        story.id.0,
        story.place,
        &story.themes as _,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (StoryId(r.id), r.title, r.place))
        .collect())
}

/// The ready photos of these (approved) stories, by story: derivatives only.
pub async fn photos_of(
    db: &PgPool,
    ids: &[StoryId],
) -> Result<Vec<(StoryId, PhotoView)>, sqlx::Error> {
    Ok(photos::of_stories(db, ids)
        .await?
        .into_iter()
        .filter(|(_, photo)| photo.view.is_ready())
        .map(|(id, photo)| (id, photo.view))
        .collect())
}

/// The recordings of these (approved) stories the public is shown (ready ones), by story: the
/// voice only with the narrator's consent.
pub async fn recordings_of(
    db: &PgPool,
    ids: &[StoryId],
) -> Result<Vec<(StoryId, RecordingView)>, sqlx::Error> {
    Ok(recording_rows::of_stories(db, ids, Listener::Public)
        .await?
        .into_iter()
        .filter(|r| r.state == RecordingState::Ready)
        .map(|r| (r.story, r.view))
        .collect())
}

/// How long the recordings the public may hear (ready, with the narrator's voice consent) last
/// together, by story.
pub async fn recording_lengths(
    db: &PgPool,
    ids: &[StoryId],
) -> Result<std::collections::HashMap<StoryId, SpokenLength>, sqlx::Error> {
    let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let rows = sqlx::query!(
        r#"select r.story_id, sum(r.duration_ms)::bigint as "ms!"
           from recordings r join stories s on s.id = r.story_id
           where r.story_id = any($1) and r.state = $2 and s.voice_consent
           group by r.story_id"#,
        &ids,
        RecordingState::Ready as _
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let ms = u64::try_from(r.ms).unwrap_or_default();
            (StoryId(r.story_id), SpokenLength::of_ms(ms))
        })
        .collect())
}

/// The first ready photo of each side, for a card or the comparison slider.
pub fn pair_of(
    photos: &[(StoryId, PhotoView)],
    id: StoryId,
) -> (Option<PhotoView>, Option<PhotoView>) {
    let first = |slot: PhotoSlot| {
        photos
            .iter()
            .find(|(story, p)| *story == id && p.slot == slot)
            .map(|(_, p)| p.clone())
    };
    (first(PhotoSlot::Then), first(PhotoSlot::Now))
}

/// Places with approved stories, most stories first, for the place filter's suggestions.
pub async fn places(db: &PgPool, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select place as "place!" from stories where story_is_public(status)
           group by place order by count(*) desc, place limit $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let cursor = Cursor {
            year_now: 2022,
            year_then: 2012,
            id: 77,
        };
        assert_eq!(Cursor::parse(&cursor.to_string()), Some(cursor));
        assert_eq!(Cursor::parse("2022.2012"), None);
        assert_eq!(Cursor::parse("2022.2012.77.1"), None);
        assert_eq!(Cursor::parse("a.b.c"), None);
    }
}
