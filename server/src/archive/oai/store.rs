//! The records: the view `oai_records`, every story with a `public_changed_at` (set by a
//! trigger when it first became public, migrations/20261207100000_oai.sql). Public fields only, like `timeline::store`;
//! nothing here reads `story_contributors`, consents or originals, and a record that is not
//! public any more is shown by its header alone (`dc`).

use super::token::{Position, Window};
use app::domain::{Licence, StoryId, StoryStatus, Theme};
use sqlx::PgPool;
use time::OffsetDateTime;

/// One story as a record.
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub id: i64,
    pub status: StoryStatus,
    /// Its datestamp: the last public change.
    pub changed: OffsetDateTime,
    pub title: Option<String>,
    pub body: Option<String>,
    pub place: Option<String>,
    /// The narrator's name when they agreed to show it.
    pub narrator: Option<String>,
    pub year_then: i16,
    pub year_then_approx: bool,
    pub year_now: i16,
    pub licence: Licence,
    pub published_at: Option<OffsetDateTime>,
    pub themes: Vec<Theme>,
    pub has_photos: bool,
    /// A recording the public may hear (the timeline's "with recording").
    pub has_voice: bool,
    /// Interviewers who agreed to be named.
    pub interviewers: Vec<String>,
}

impl RecordRow {
    pub fn position(&self) -> Position {
        Position {
            at: self.changed,
            id: self.id,
        }
    }
}

/// The end of a new list: now, once every change stamped before now has committed (the
/// advisory lock of `oai_harvest_pin`), so nothing can later appear behind this instant.
pub async fn pin(db: &PgPool) -> Result<OffsetDateTime, sqlx::Error> {
    sqlx::query_scalar!(r#"select oai_harvest_pin() as "pin!""#)
        .fetch_one(db)
        .await
}

/// Up to `limit` records of `window` after `after` (or from its start), in datestamp order,
/// along the index `stories_oai`. With a set: the records of that theme, and the deleted ones
/// whose themes were erased with them (withdrawn), which may have been in it.
pub async fn page(
    db: &PgPool,
    window: &Window,
    after: Option<Position>,
    limit: i64,
) -> Result<Vec<RecordRow>, sqlx::Error> {
    let after = after.unwrap_or(Position {
        at: window.from,
        id: 0,
    });
    sqlx::query_as!(
        RecordRow,
        r#"select id as "id!", status as "status!: StoryStatus", changed as "changed!",
                  title, body, place, narrator, year_then as "year_then!",
                  year_then_approx as "year_then_approx!", year_now as "year_now!",
                  licence as "licence!: Licence", published_at, themes as "themes!: Vec<Theme>",
                  has_photos as "has_photos!", has_voice as "has_voice!",
                  interviewers as "interviewers!: Vec<String>"
           from oai_records r
           where (r.changed, r.id) > ($1, $2)
             and r.changed <= $3
             and ($4::theme is null
                  or exists (select 1 from story_themes t where t.story_id = r.id and t.theme = $4)
                  or (not story_is_public(r.status)
                      and not exists (select 1 from story_themes t where t.story_id = r.id)))
           order by r.changed, r.id
           limit $5"#,
        after.at,
        after.id,
        window.upto,
        window.set as _,
        limit
    )
    .fetch_all(db)
    .await
}

/// One record, if the story was ever public.
pub async fn one(db: &PgPool, id: StoryId) -> Result<Option<RecordRow>, sqlx::Error> {
    sqlx::query_as!(
        RecordRow,
        r#"select id as "id!", status as "status!: StoryStatus", changed as "changed!",
                  title, body, place, narrator, year_then as "year_then!",
                  year_then_approx as "year_then_approx!", year_now as "year_now!",
                  licence as "licence!: Licence", published_at, themes as "themes!: Vec<Theme>",
                  has_photos as "has_photos!", has_voice as "has_voice!",
                  interviewers as "interviewers!: Vec<String>"
           from oai_records r
           where r.id = $1"#,
        id.0
    )
    .fetch_optional(db)
    .await
}

/// The earliest datestamp (Identify), if there is any record.
pub async fn earliest(db: &PgPool) -> Result<Option<OffsetDateTime>, sqlx::Error> {
    sqlx::query_scalar!(
        "select min(public_changed_at) from stories where public_changed_at is not null"
    )
    .fetch_one(db)
    .await
}
