//! The append-only audit log of story transitions. Entries hold no personal data, so they
//! survive withdrawal.

pub use app::domain::Actor;
pub use app::domain::AuditAction as Action;
use app::domain::{AccountId, StoryId, StoryStatus};
use sqlx::PgConnection;

pub struct Entry<'a> {
    pub story: StoryId,
    pub actor: Actor,
    pub moderator_id: Option<i64>,
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
            moderator_id: Some(moderator.0),
            action,
            from: Some(from),
            to: Some(to),
            reason,
        }
    }

    pub async fn record(self, tx: &mut PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "insert into story_audit_log (story_id, actor, moderator_id, action, from_status, to_status, reason)
             values ($1, $2, $3, $4, $5, $6, $7)",
            self.story.0,
            self.actor as _,
            self.moderator_id,
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
