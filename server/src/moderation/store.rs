//! The review queue, decisions, moderator edits and the audit log in PostgreSQL. Every
//! decision locks the story row and checks the version the moderator saw, so two moderators
//! (or a moderator and the contributor) can never both change the same version.

use super::error::ModerationError;
use crate::accounts::store::Account;
use crate::audit::{Action, Actor, Entry};
use crate::media::recordings::text as recording_text;
use crate::revisions::{draft_from_row, save_version};
use app::domain::transcript::RecordingText;
use app::domain::{
    AccountId, AuditAction, Claim, Decision, Licence, ModeratorMessage, NewStory, StoryDraft,
    StoryId, StoryStatus, Theme, moderation_limits,
};
use app::domain::{RecordingId, StoryVersion};
use app::moderation::QueueFilter;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

pub struct QueueRow {
    pub id: StoryId,
    pub version: StoryVersion,
    pub title: String,
    pub place: String,
    pub body: String,
    pub submitted_at: OffsetDateTime,
    pub themes: Vec<Theme>,
    pub photos: i64,
    pub assisted: bool,
    pub claim: Claim,
}

/// Stories in the filter's status, oldest first.
pub async fn queue(
    db: &PgPool,
    filter: &QueueFilter,
    me: AccountId,
    limit: i64,
) -> Result<Vec<QueueRow>, ModerationError> {
    let place = filter.place.trim();
    let rows = sqlx::query!(
        r#"select s.id, s.version, s.title as "title!", s.place as "place!", s.body as "body!", s.submitted_at,
                  array(select t.theme from story_themes t where t.story_id = s.id order by t.theme) as "themes!: Vec<Theme>",
                  (select count(*) from photos p where p.story_id = s.id) as "photos!",
                  (c.assisted_by is not null) as "assisted!",
                  case when s.claim_expires_at > now() then s.claimed_by end as claimer_id,
                  case when s.claim_expires_at > now() then a.display_name end as claimer_name
           from stories s
           left join story_contributors c on c.story_id = s.id
           left join accounts a on a.id = s.claimed_by
           where s.status = $1
             and ($2::theme is null or exists (select 1 from story_themes t where t.story_id = s.id and t.theme = $2))
             and ($3 = '' or strpos(lower(s.place), lower($3)) > 0)
             and (not $4 or exists (select 1 from photos p where p.story_id = s.id))
             and (not $5 or c.assisted_by is not null)
           order by s.submitted_at, s.id
           limit $6"#,
        filter.status as _,
        filter.theme as _,
        place,
        filter.has_photos,
        filter.assisted,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| QueueRow {
            id: StoryId(r.id),
            version: StoryVersion(r.version),
            title: r.title,
            place: r.place,
            body: r.body,
            submitted_at: r.submitted_at,
            themes: r.themes,
            photos: r.photos,
            assisted: r.assisted,
            claim: claim_of(r.claimer_id, r.claimer_name, me),
        })
        .collect())
}

fn claim_of(claimer: Option<i64>, name: Option<String>, me: AccountId) -> Claim {
    match (claimer, name) {
        (Some(id), _) if id == me.0 => Claim::Mine,
        (Some(_), Some(name)) => Claim::Other(name),
        _ => Claim::Free,
    }
}

pub async fn counts(db: &PgPool) -> Result<Vec<(StoryStatus, i64)>, ModerationError> {
    let rows = sqlx::query!(
        r#"select status as "status: StoryStatus", count(*) as "count!" from stories group by status"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.count)).collect())
}

/// Opening an item claims it for `CLAIM_MINUTES`, unless someone else's claim is still live.
/// Returns whether this moderator now holds the claim.
pub async fn claim(db: &PgPool, story: StoryId, me: AccountId) -> Result<bool, ModerationError> {
    let claimed = sqlx::query!(
        "update stories set claimed_by = $2, claim_expires_at = now() + make_interval(mins => $3)
         where id = $1 and status <> $4
           and (claimed_by is null or claimed_by = $2 or claim_expires_at <= now())",
        story.0,
        me.0,
        moderation_limits::CLAIM_MINUTES,
        StoryStatus::Withdrawn as _
    )
    .execute(db)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// The story row locked for a moderator's change, after checking that nobody else holds a
/// live claim and that it is still the version the moderator saw.
pub(super) struct Locked {
    pub(super) status: StoryStatus,
}

/// Locks a pending story at the version the moderator saw: edits and turns are for pending
/// stories only.
async fn lock_pending(
    tx: &mut PgConnection,
    story: StoryId,
    version: StoryVersion,
    me: AccountId,
) -> Result<Locked, ModerationError> {
    let locked = lock_for_change(tx, story, Some(version), me).await?;
    if locked.status == StoryStatus::Pending {
        Ok(locked)
    } else {
        Err(ModerationError::NotAllowedNow)
    }
}

pub(super) async fn lock_for_change(
    tx: &mut PgConnection,
    story: StoryId,
    version: Option<StoryVersion>,
    me: AccountId,
) -> Result<Locked, ModerationError> {
    let row = sqlx::query!(
        r#"select s.status as "status: StoryStatus", s.version,
                  case when s.claim_expires_at > now() and s.claimed_by <> $2 then a.display_name end as other_claimer
           from stories s left join accounts a on a.id = s.claimed_by
           where s.id = $1 for update of s"#,
        story.0,
        me.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ModerationError::NotFound)?;
    if row.status == StoryStatus::Withdrawn {
        return Err(ModerationError::NotFound);
    }
    if let Some(version) = version
        && version != StoryVersion(row.version)
    {
        return Err(ModerationError::AlreadyHandled {
            by: last_actor(tx, story).await?,
        });
    }
    if let Some(by) = row.other_claimer {
        return Err(ModerationError::BeingReviewed { by });
    }
    Ok(Locked { status: row.status })
}

/// Who made the latest change: a moderator's name, or `None` for the contributor.
async fn last_actor(
    tx: &mut PgConnection,
    story: StoryId,
) -> Result<Option<String>, ModerationError> {
    let row = sqlx::query!(
        r#"select l.actor as "actor: Actor", a.display_name as "name?"
           from story_audit_log l left join accounts a on a.id = l.moderator_id
           where l.story_id = $1 order by l.id desc limit 1"#,
        story.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.and_then(|r| match r.actor {
        Actor::Moderator => r.name,
        _ => None,
    }))
}

/// Approve, reject, request changes or unpublish the version the moderator saw.
pub async fn decide(
    db: &PgPool,
    story: StoryId,
    version: StoryVersion,
    decision: Decision,
    message: Option<&ModeratorMessage>,
    by: &Account,
) -> Result<(), ModerationError> {
    let mut tx = db.begin().await?;
    let locked = lock_for_change(&mut tx, story, Some(version), by.id).await?;
    if !decision.allowed_from().contains(&locked.status) {
        return Err(ModerationError::AlreadyHandled {
            by: last_actor(&mut tx, story).await?,
        });
    }
    let to = decision.leads_to();
    let message = message.map(ModeratorMessage::as_str);
    sqlx::query!(
        "update stories set status = $2, version = version + 1, updated_at = now(),
                moderator_message = $3,
                published_at = case when story_is_public($2) then coalesce(published_at, now()) else published_at end,
                featured = featured and story_is_public($2),
                claimed_by = null, claim_expires_at = null
         where id = $1",
        story.0,
        to as _,
        message
    )
    .execute(&mut *tx)
    .await?;
    Entry::by_moderator(
        story,
        by.id,
        Action::from(decision),
        locked.status,
        to,
        message,
    )
    .record(&mut tx)
    .await?;
    tx.commit().await?;
    tracing::info!(story = %story, by = %by.id, decision = decision.slug(), "story decided");
    Ok(())
}

/// Approved stories can be featured on the timeline, and unfeatured.
pub async fn set_featured(
    db: &PgPool,
    story: StoryId,
    featured: bool,
    by: &Account,
) -> Result<(), ModerationError> {
    let mut tx = db.begin().await?;
    let locked = lock_for_change(&mut tx, story, None, by.id).await?;
    if locked.status != StoryStatus::Approved {
        return Err(ModerationError::NotAllowedNow);
    }
    let changed = sqlx::query!(
        "update stories set featured = $2 where id = $1 and featured <> $2",
        story.0,
        featured
    )
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 1 {
        let action = if featured {
            AuditAction::Featured
        } else {
            AuditAction::Unfeatured
        };
        Entry::by_moderator(story, by.id, action, locked.status, locked.status, None)
            .record(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A photo's words as a moderator corrected them.
pub struct PhotoWords {
    pub id: app::domain::PhotoId,
    pub caption: Option<String>,
    pub alt: String,
}

/// A moderator's edit before publishing: stored as a new version and a revision by them.
pub async fn edit(
    db: &PgPool,
    story: StoryId,
    version: StoryVersion,
    edited: &NewStory,
    photo_words: &[PhotoWords],
    by: &Account,
) -> Result<(), ModerationError> {
    let mut tx = db.begin().await?;
    let locked = lock_pending(&mut tx, story, version, by.id).await?;
    save_version(&mut tx, Some(story), edited, Some(by.id)).await?;
    for words in photo_words {
        sqlx::query!(
            "update photos set caption = $3, alt = $4 where id = $1 and story_id = $2",
            words.id.0,
            story.0,
            words.caption,
            words.alt
        )
        .execute(&mut *tx)
        .await?;
    }
    Entry::moderator_edited(story, by.id, locked.status, None)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A moderator's transcript and index of a pending story's ready recording: saved with their
/// revision, the story's version bumped like any edit, and the edit in the audit log.
pub async fn edit_recording_text(
    db: &PgPool,
    story: StoryId,
    version: StoryVersion,
    recording: RecordingId,
    text: &RecordingText,
    by: &Account,
) -> Result<(), ModerationError> {
    let mut tx = db.begin().await?;
    let locked = lock_pending(&mut tx, story, version, by.id).await?;
    if !recording_text::save(&mut tx, story, recording, text, Some(by.id)).await? {
        return Err(ModerationError::NotFound);
    }
    bump_version(&mut tx, story).await?;
    let note = format!("recording {recording}: transcript and index");
    Entry::moderator_edited(story, by.id, locked.status, Some(&note))
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A change outside the story's own columns (a photo turned, a transcript) is still a new
/// version: a moderator acting on the old one is stopped.
async fn bump_version(tx: &mut PgConnection, story: StoryId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update stories set version = version + 1, updated_at = now() where id = $1",
        story.0
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Turns a photo of a pending story a quarter clockwise (or back) and queues it to be made
/// again. Bumps the story's version like any edit.
pub async fn turn_photo(
    db: &PgPool,
    story: StoryId,
    version: StoryVersion,
    photo: app::domain::PhotoId,
    clockwise: bool,
    by: &Account,
) -> Result<(), ModerationError> {
    let mut tx = db.begin().await?;
    let locked = lock_pending(&mut tx, story, version, by.id).await?;
    let step: i16 = if clockwise { 1 } else { 3 };
    let turned = sqlx::query!(
        "update photos set quarter_turns = (quarter_turns + $3) % 4 where id = $1 and story_id = $2",
        photo.0,
        story.0,
        step
    )
    .execute(&mut *tx)
    .await?;
    if turned.rows_affected() != 1 {
        return Err(ModerationError::NotFound);
    }
    crate::media::jobs::requeue(&mut tx, photo).await?;
    bump_version(&mut tx, story).await?;
    let note = format!("photo {photo} {}", if clockwise { "↻" } else { "↺" });
    Entry::moderator_edited(story, by.id, locked.status, Some(&note))
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Everything a moderator sees of one story, private details included.
pub struct Detail {
    pub id: StoryId,
    pub version: StoryVersion,
    pub status: StoryStatus,
    pub featured: bool,
    pub draft: StoryDraft,
    pub licence: Licence,
    pub moderator_message: Option<String>,
    pub submitted_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub claim: Claim,
}

pub async fn detail(
    db: &PgPool,
    story: StoryId,
    me: AccountId,
) -> Result<Option<Detail>, ModerationError> {
    let row = sqlx::query!(
        r#"select s.id, s.version, s.status as "status: StoryStatus", s.featured,
                  s.title, s.body, s.place, s.narrator_name, s.role,
                  s.year_then, s.year_then_approx, s.year_now, s.show_name, s.faces_consent,
                  s.voice_consent, s.interviewer_name_consent,
                  s.licence as "licence: Licence", s.moderator_message, s.submitted_at, s.updated_at,
                  array(select t.theme::text from story_themes t where t.story_id = s.id order by t.theme) as "themes!",
                  c.real_name as "real_name?", c.contact as "contact?", c.assisted_by as "assisted_by?",
                  case when s.claim_expires_at > now() then s.claimed_by end as claimer_id,
                  case when s.claim_expires_at > now() then a.display_name end as claimer_name
           from stories s
           left join story_contributors c on c.story_id = s.id
           left join accounts a on a.id = s.claimed_by
           where s.id = $1 and s.status <> $2"#,
        story.0,
        StoryStatus::Withdrawn as _
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Detail {
        id: StoryId(r.id),
        version: StoryVersion(r.version),
        status: r.status,
        featured: r.featured,
        draft: draft_from_row!(r),
        licence: r.licence,
        moderator_message: r.moderator_message,
        submitted_at: r.submitted_at,
        updated_at: r.updated_at,
        claim: claim_of(r.claimer_id, r.claimer_name, me),
    }))
}
