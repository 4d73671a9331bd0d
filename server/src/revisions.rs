//! A story's public content at each version, as both its writers store it: the contributor
//! (submission, edit) and a moderator (edit). Moderators read the versions for history and diffs.

use crate::db::column;
use app::domain::StoryVersion;
use app::domain::{
    AccountId, ActorView, NewStory, RevisionAuthor, StoryId, StoryStatus, Theme, YearSpan,
};

/// The `StoryDraft` (the form's values) of a row that selected a story's content columns under
/// their own names (`title`, `body`, …, `licence` as `Licence`, `themes` as text), joined with
/// its `story_contributors` row: how the tracking page and the moderator's edit form are filled.
macro_rules! draft_from_row {
    ($r:ident) => {
        app::domain::StoryDraft {
            title: $r.title.unwrap_or_default(),
            story: $r.body.unwrap_or_default(),
            place: $r.place.unwrap_or_default(),
            narrator_name: $r.narrator_name.unwrap_or_default(),
            role: $r.role.unwrap_or_default(),
            real_name: $r.real_name.unwrap_or_default(),
            contact: $r.contact.unwrap_or_default(),
            assisted_by: $r.assisted_by.unwrap_or_default(),
            year_then: $r.year_then.to_string(),
            year_then_approx: $r.year_then_approx,
            year_now: $r.year_now.to_string(),
            themes: $r.themes,
            consent_publish: true,
            consent_show_name: $r.show_name,
            consent_faces: $r.faces_consent,
            consent_voice: $r.voice_consent,
            consent_interviewer_name: $r.interviewer_name_consent,
            licence: $r.licence.slug().to_owned(),
            ..app::domain::StoryDraft::default()
        }
    };
}

pub(crate) use draft_from_row;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

/// The public content of a story at one version, kept for moderators' diffs and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionContent {
    pub title: String,
    pub body: String,
    pub place: String,
    pub narrator_name: Option<String>,
    pub role: Option<String>,
    pub year_then: i32,
    pub year_then_approx: bool,
    pub year_now: i32,
    pub themes: Vec<Theme>,
}

impl RevisionContent {
    pub fn of(story: &NewStory) -> RevisionContent {
        RevisionContent {
            title: story.title.as_str().to_owned(),
            body: story.body.as_str().to_owned(),
            place: story.place.as_str().to_owned(),
            narrator_name: story.narrator_name.as_ref().map(|n| n.as_str().to_owned()),
            role: story.role.as_ref().map(|r| r.as_str().to_owned()),
            year_then: story.years.then.get(),
            year_then_approx: story.years.then_approx,
            year_now: story.years.now.get(),
            themes: story.themes.as_slice().to_vec(),
        }
    }
}

/// Stores a version of a story's content — its columns, its themes and its revision — for
/// both writers: a new pending story (version 1) when `existing` is `None`; otherwise that
/// story's content replaced, pending with the next version and no moderator message (the
/// caller holds the row lock and has checked the status). `moderator` is the author when a
/// moderator edited it, `None` when the contributor did.
pub async fn save_version(
    tx: &mut PgConnection,
    existing: Option<StoryId>,
    story: &NewStory,
    moderator: Option<AccountId>,
) -> Result<(StoryId, StoryVersion), sqlx::Error> {
    let (year_then, year_now) = year_columns(story.years)?;
    let saved = sqlx::query!(
        "insert into stories as s (id, title, body, place, narrator_name, role, year_then,
                                   year_then_approx, year_now, show_name, faces_consent, licence,
                                   voice_consent, interviewer_name_consent)
         overriding system value
         values (coalesce($1, nextval(pg_get_serial_sequence('stories', 'id'))),
                 $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $14, $15)
         on conflict (id) do update set
                title = excluded.title, body = excluded.body, place = excluded.place,
                narrator_name = excluded.narrator_name, role = excluded.role,
                year_then = excluded.year_then, year_then_approx = excluded.year_then_approx,
                year_now = excluded.year_now, show_name = excluded.show_name,
                faces_consent = excluded.faces_consent, licence = excluded.licence,
                voice_consent = excluded.voice_consent,
                interviewer_name_consent = excluded.interviewer_name_consent,
                status = $13, version = s.version + 1, updated_at = now(), moderator_message = null
         returning id, version",
        existing.map(|id| id.0),
        story.title.as_str(),
        story.body.as_str(),
        story.place.as_str(),
        story.narrator_name.as_ref().map(|n| n.as_str()),
        story.role.as_ref().map(|r| r.as_str()),
        year_then,
        story.years.then_approx,
        year_now,
        story.consents.show_name,
        story.consents.faces,
        story.licence as _,
        StoryStatus::Pending as _,
        story.consents.voice,
        story.consents.interviewer_name,
    )
    .fetch_one(&mut *tx)
    .await?;
    let (id, version) = (StoryId(saved.id), StoryVersion(saved.version));
    replace_themes(tx, id, story.themes.as_slice()).await?;
    let content = RevisionContent::of(story);
    save_revision_content(tx, id, version, &content, moderator).await?;
    Ok((id, version))
}

/// The years as their `smallint` columns hold them.
fn year_columns(years: YearSpan) -> Result<(i16, i16), sqlx::Error> {
    Ok((
        column::smallint(years.then.get())?,
        column::smallint(years.now.get())?,
    ))
}

/// Stores the content at `version`; `moderator` is the author when a moderator edited it,
/// `None` when the contributor did.
async fn save_revision_content(
    tx: &mut PgConnection,
    id: StoryId,
    version: StoryVersion,
    content: &RevisionContent,
    moderator: Option<AccountId>,
) -> Result<(), sqlx::Error> {
    let author = if moderator.is_some() {
        RevisionAuthor::Moderator
    } else {
        RevisionAuthor::Contributor
    };
    sqlx::query!(
        "insert into story_revisions (story_id, version, author, moderator_id, content)
         values ($1, $2, $3, $4, $5)",
        id.0,
        version.0,
        author as _,
        moderator.map(|m| m.0),
        Json(content) as _
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The story's themes, replaced with each revision of its content.
async fn replace_themes(
    tx: &mut PgConnection,
    id: StoryId,
    themes: &[Theme],
) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from story_themes where story_id = $1", id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into story_themes (story_id, theme) select $1, unnest($2::theme[])",
        id.0,
        themes as _
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub struct Revision {
    pub version: StoryVersion,
    pub by: ActorView,
    pub at: OffsetDateTime,
    pub content: RevisionContent,
}

pub async fn revisions(db: &PgPool, story: StoryId) -> Result<Vec<Revision>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select r.version, r.author as "author: RevisionAuthor", a.display_name as "name?", r.content, r.created_at
           from story_revisions r left join accounts a on a.id = r.moderator_id
           where r.story_id = $1 order by r.version"#,
        story.0
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let content = serde_json::from_value(r.content).ok()?;
            let by = match (r.author, r.name) {
                (RevisionAuthor::Moderator, Some(name)) => ActorView::Moderator(name),
                _ => ActorView::Contributor,
            };
            Some(Revision {
                version: StoryVersion(r.version),
                by,
                at: r.created_at,
                content,
            })
        })
        .collect())
}
