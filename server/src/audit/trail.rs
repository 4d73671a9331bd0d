//! The admins' audit trail (`/admin/audit`): story and account entries, newest first, one page
//! at a time. Each table gives at most a page after the cursor; the two are merged in order.

use super::{AuditEntry, map_story_actor};
use app::domain::{
    AccountActor, AccountAuditAction, AccountAuditRecord, AccountId, AccountRole, Actor,
    AuditAction, StoryId, StoryStatus, TrailAction, TrailCursor, TrailEntry, TrailKind,
};
use sqlx::PgPool;
use time::OffsetDateTime;

/// A trail entry as stored.
pub type StoredEntry = TrailEntry<OffsetDateTime>;

#[derive(Debug, Clone, Default)]
pub struct TrailQuery {
    pub kind: Option<TrailKind>,
    pub story: Option<i64>,
    pub action: Option<TrailAction>,
    /// Entries by or about this account.
    pub account: Option<i64>,
    pub before: Option<TrailCursor>,
    pub limit: i64,
}

impl TrailQuery {
    fn wants(&self, kind: TrailKind) -> bool {
        let by_action = match self.action {
            None => true,
            Some(TrailAction::Story(_)) => kind == TrailKind::Story,
            Some(TrailAction::Account(_)) => kind == TrailKind::Account,
        };
        // A story number asks for story entries.
        let by_story = self.story.is_none() || kind == TrailKind::Story;
        self.kind.is_none_or(|k| k == kind) && by_action && by_story
    }

    /// The cursor as (time, whether story entries at that time continue, id).
    fn position(&self) -> (Option<OffsetDateTime>, bool, Option<i64>) {
        match self.before {
            None => (None, true, None),
            Some(c) => (
                OffsetDateTime::from_unix_timestamp_nanos(i128::from(c.at_micros) * 1000).ok(),
                c.kind == TrailKind::Story,
                Some(c.id),
            ),
        }
    }
}

/// Where an entry sits, for the "older" link.
pub fn cursor_of(entry: &StoredEntry) -> TrailCursor {
    let micros = entry.at().unix_timestamp_nanos() / 1000;
    TrailCursor {
        at_micros: i64::try_from(micros).unwrap_or(i64::MAX),
        kind: entry.kind(),
        id: entry.id(),
    }
}

/// Order: time, then story before account entries, then id, all newest first.
fn order_key(entry: &StoredEntry) -> (OffsetDateTime, bool, i64) {
    (*entry.at(), entry.kind() == TrailKind::Story, entry.id())
}

pub async fn trail(db: &PgPool, query: &TrailQuery) -> Result<Vec<StoredEntry>, sqlx::Error> {
    let mut entries = Vec::new();
    if query.wants(TrailKind::Story) {
        entries.extend(
            story_entries(db, query)
                .await?
                .into_iter()
                .map(TrailEntry::Story),
        );
    }
    if query.wants(TrailKind::Account) {
        entries.extend(
            account_entries(db, query)
                .await?
                .into_iter()
                .map(TrailEntry::Account),
        );
    }
    entries.sort_by_key(|e| std::cmp::Reverse(order_key(e)));
    entries.truncate(usize::try_from(query.limit).unwrap_or(0));
    Ok(entries)
}

async fn story_entries(db: &PgPool, query: &TrailQuery) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let action = match query.action {
        Some(TrailAction::Story(action)) => Some(action),
        _ => None,
    };
    let (at, same_time_continues, id) = query.position();
    let rows = sqlx::query!(
        r#"select l.id, l.story_id, l.actor as "actor: Actor", a.display_name as "name?",
                  l.action as "action: AuditAction", l.from_status as "from_status: StoryStatus",
                  l.to_status as "to_status: StoryStatus", l.reason, l.at
           from story_audit_log l left join accounts a on a.id = l.moderator_id
           where ($1::bigint is null or l.story_id = $1)
             and ($2::audit_action is null or l.action = $2)
             and ($3::bigint is null or l.moderator_id = $3)
             and ($4::timestamptz is null or l.at < $4 or (l.at = $4 and $5 and l.id < $6))
           order by l.at desc, l.id desc limit $7"#,
        query.story,
        action as _,
        query.account,
        at,
        same_time_continues,
        id,
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

async fn account_entries(
    db: &PgPool,
    query: &TrailQuery,
) -> Result<Vec<AccountAuditRecord<OffsetDateTime>>, sqlx::Error> {
    let action = match query.action {
        Some(TrailAction::Account(action)) => Some(action),
        _ => None,
    };
    let (at, same_time_continues, id) = query.position();
    let rows = sqlx::query!(
        r#"select l.id, l.account_id, t.display_name as account_name, l.actor_id,
                  a.display_name as "actor_name?", l.action as "action: AccountAuditAction",
                  l.from_role as "from_role: AccountRole", l.to_role as "to_role: AccountRole", l.at
           from account_audit_log l join accounts t on t.id = l.account_id
                left join accounts a on a.id = l.actor_id
           where ($1::account_audit_action is null or l.action = $1)
             and ($2::bigint is null or l.account_id = $2 or l.actor_id = $2)
             and ($3::timestamptz is null or l.at < $3 or (l.at = $3 and ($4 or l.id < $5)))
           order by l.at desc, l.id desc limit $6"#,
        action as _,
        query.account,
        at,
        same_time_continues,
        id,
        query.limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AccountAuditRecord {
            id: r.id,
            account: AccountId(r.account_id),
            account_name: r.account_name,
            actor: match (r.actor_id, r.actor_name) {
                (Some(actor), _)
                    if actor == r.account_id && r.action == AccountAuditAction::NewAddress =>
                {
                    AccountActor::Itself
                }
                (Some(_), Some(name)) => AccountActor::Admin(name),
                _ => AccountActor::CommandLine,
            },
            action: r.action,
            from_role: r.from_role,
            to_role: r.to_role,
            at: r.at,
        })
        .collect())
}
