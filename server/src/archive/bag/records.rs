//! A page of stories from the view `story_records`: their public fields under the consent
//! rules OAI-PMH uses (migration 20261207210000), in id order after a keyset position.
//! A public bag reads approved stories only (an open one only those under a CC licence); a
//! full bag reads every story.

use super::kind::Kind;
use crate::archive::oai::store::RecordRow;
use app::domain::{Licence, StoryId, StoryStatus, Theme};
use sqlx::PgConnection;

/// One story: its record and the narrator's role (public on the story page).
pub struct Story {
    pub record: RecordRow,
    /// Its last public change; `None` if it was never public.
    pub changed: Option<time::OffsetDateTime>,
    pub role: Option<String>,
}

impl Story {
    pub fn id(&self) -> StoryId {
        StoryId(self.record.id)
    }

    /// The folder of its files in the payload.
    pub fn folder(&self) -> String {
        format!("stories/{}", self.record.id)
    }
}

pub struct Page {
    pub stories: Vec<Story>,
}

impl Page {
    pub async fn read(
        db: &mut PgConnection,
        kind: Kind,
        after: i64,
        limit: i64,
    ) -> Result<Page, sqlx::Error> {
        let public_only = kind.is_public();
        let cc_only = kind == Kind::Open;
        let rows = sqlx::query!(
            r#"select id as "id!", status as "status!: StoryStatus", changed,
                      title, body, place, narrator, year_then as "year_then!",
                      year_then_approx as "year_then_approx!", year_now as "year_now!",
                      licence as "licence!: Licence", published_at, themes as "themes!: Vec<Theme>",
                      has_photos as "has_photos!", has_voice as "has_voice!",
                      interviewers as "interviewers!: Vec<String>", role
               from story_records r
               where r.id > $1 and (not $2 or story_is_public(r.status))
                 and (not $3 or r.licence <> $4)
               order by r.id
               limit $5"#,
            after,
            public_only,
            cc_only,
            Licence::DisplayOnly as _,
            limit
        )
        .fetch_all(db)
        .await?;
        let stories = rows
            .into_iter()
            .map(|r| Story {
                record: RecordRow {
                    id: r.id,
                    status: r.status,
                    changed: r.changed.unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                    title: r.title,
                    body: r.body,
                    place: r.place,
                    narrator: r.narrator,
                    year_then: r.year_then,
                    year_then_approx: r.year_then_approx,
                    year_now: r.year_now,
                    licence: r.licence,
                    published_at: r.published_at,
                    themes: r.themes,
                    has_photos: r.has_photos,
                    has_voice: r.has_voice,
                    interviewers: r.interviewers,
                },
                changed: r.changed,
                role: r.role,
            })
            .collect();
        Ok(Page { stories })
    }

    pub fn last_id(&self) -> Option<i64> {
        self.stories.last().map(|s| s.record.id)
    }

    pub fn len(&self) -> usize {
        self.stories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    pub fn ids(&self) -> Vec<StoryId> {
        self.stories.iter().map(Story::id).collect()
    }
}
