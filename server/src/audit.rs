//! The append-only audit trail. This file: story transitions, writing an entry (in the
//! transaction of the change it records) and reading them (a story's history). Entries hold no
//! personal data, so they survive withdrawal. `account`: account entries; `trail`: both, merged,
//! for the admins' `/admin/audit`.

pub mod account;
pub mod trail;

pub use app::domain::Actor;
pub use app::domain::AuditAction as Action;
use app::domain::AuditAction;
use app::domain::{AccountId, ActorView, AuditRecord, StoryId, StoryStatus};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

pub struct Entry<'a> {
    pub story: StoryId,
    pub actor: Actor,
    pub moderator_id: Option<AccountId>,
    pub action: Action,
    pub from: Option<StoryStatus>,
    pub to: Option<StoryStatus>,
    pub reason: Option<&'a str>,
}

impl Entry<'_> {
    /// A contributor's own action through the tracking link.
    pub fn by_contributor(
        story: StoryId,
        action: Action,
        from: Option<StoryStatus>,
        to: StoryStatus,
    ) -> Entry<'static> {
        Entry {
            story,
            actor: Actor::Contributor,
            moderator_id: None,
            action,
            from,
            to: Some(to),
            reason: None,
        }
    }

    /// Something the system found about a story, which keeps its status (the fixity check);
    /// `note` names what.
    pub fn by_system(story: StoryId, action: Action, status: StoryStatus, note: &str) -> Entry<'_> {
        Entry {
            story,
            actor: Actor::System,
            moderator_id: None,
            action,
            from: Some(status),
            to: Some(status),
            reason: Some(note),
        }
    }

    /// A moderator's decision or edit.
    pub fn by_moderator<'a>(
        story: StoryId,
        moderator: AccountId,
        action: Action,
        from: StoryStatus,
        to: StoryStatus,
        reason: Option<&'a str>,
    ) -> Entry<'a> {
        Entry {
            story,
            actor: Actor::Moderator,
            moderator_id: Some(moderator),
            action,
            from: Some(from),
            to: Some(to),
            reason,
        }
    }

    /// A moderator's change to a story's content or photos, which keeps its status; `note`
    /// says what changed when it is not the words (a turned photo).
    pub fn moderator_edited<'a>(
        story: StoryId,
        moderator: AccountId,
        status: StoryStatus,
        note: Option<&'a str>,
    ) -> Entry<'a> {
        Entry::by_moderator(
            story,
            moderator,
            Action::ModeratorEdited,
            status,
            status,
            note,
        )
    }

    pub async fn record(self, tx: &mut PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "insert into story_audit_log (story_id, actor, moderator_id, action, from_status, to_status, reason)
             values ($1, $2, $3, $4, $5, $6, $7)",
            self.story.0,
            self.actor as _,
            self.moderator_id as _,
            self.action as _,
            self.from as _,
            self.to as _,
            self.reason,
        )
        .execute(tx)
        .await?;
        Ok(())
    }
}

/// An audit log entry as stored.
pub type AuditEntry = AuditRecord<OffsetDateTime>;

pub struct AuditQuery {
    pub story: Option<i64>,
    pub action: Option<AuditAction>,
    pub moderator: Option<i64>,
    /// Entries older than this id (the "older" link).
    pub before: Option<i64>,
    pub limit: i64,
}

/// Who did a story entry, with the moderator's name when there was one.
fn map_story_actor(actor: Actor, name: Option<String>) -> ActorView {
    match (actor, name) {
        (Actor::Moderator, Some(name)) => ActorView::Moderator(name),
        (Actor::Contributor, _) => ActorView::Contributor,
        _ => ActorView::System,
    }
}

pub async fn audit(db: &PgPool, query: &AuditQuery) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select l.id, l.story_id, l.actor as "actor: Actor", a.display_name as "name?",
                  l.action as "action: AuditAction", l.from_status as "from_status: StoryStatus",
                  l.to_status as "to_status: StoryStatus", l.reason, l.at
           from story_audit_log l left join accounts a on a.id = l.moderator_id
           where ($1::bigint is null or l.story_id = $1)
             and ($2::audit_action is null or l.action = $2)
             and ($3::bigint is null or l.moderator_id = $3)
             and ($4::bigint is null or l.id < $4)
           order by l.id desc limit $5"#,
        query.story,
        query.action as _,
        query.moderator,
        query.before,
        query.limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            story: StoryId(r.story_id),
            actor: map_story_actor(r.actor, r.name),
            action: r.action,
            from: r.from_status,
            to: r.to_status,
            reason: r.reason,
            at: r.at,
        })
        .collect())
}

/// The story's own audit entries, oldest first, for its history.
pub async fn story_history(db: &PgPool, story: StoryId) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let mut entries = audit(
        db,
        &AuditQuery {
            story: Some(story.0),
            action: None,
            moderator: None,
            before: None,
            limit: 500,
        },
    )
    .await?;
    entries.reverse();
    Ok(entries)
}

/// When the latest change request was made, if the story had one.
pub async fn last_change_request(
    db: &PgPool,
    story: StoryId,
) -> Result<Option<OffsetDateTime>, sqlx::Error> {
    sqlx::query_scalar!(
        "select max(at) from story_audit_log where story_id = $1 and action = $2",
        story.0,
        Action::ChangesRequested as _
    )
    .fetch_one(db)
    .await
}
