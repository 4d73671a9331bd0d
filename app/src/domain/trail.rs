//! The audit trail as admins read it: story entries (`review::AuditRecord`) and account
//! entries, merged newest first, with the filters and the position of the "older" link.

use super::moderation::{AccountId, AccountRole, AuditAction};
use super::review::AuditRecord;
use super::slug_enum::slug_enum;
use serde::{Deserialize, Serialize};

slug_enum!(
    /// What an account entry of the audit trail records.
    AccountAuditAction in "account_audit_action" {
        Created => "created",
        RoleChanged => "role_changed",
        Deactivated => "deactivated",
        Reactivated => "reactivated",
        PasswordReset => "password_reset",
        /// A sign-in from an address the account had not used before (IPv6: its /64).
        NewAddress => "new_address",
    }
);

slug_enum!(
    /// Which kind of entries the trail shows.
    TrailKind {
        Story => "story",
        Account => "account",
    }
);

/// Who changed an account, as the trail names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountActor {
    /// An admin, by display name.
    Admin(String),
    /// The account itself (signing in).
    Itself,
    /// `server create-admin` on the command line.
    CommandLine,
}

/// One account entry of the trail. `At` as in `AuditRecord`.
#[derive(Debug, Clone)]
pub struct AccountAuditRecord<At> {
    pub id: i64,
    pub account: AccountId,
    /// The account's display name today (entries hold ids only).
    pub account_name: String,
    pub actor: AccountActor,
    pub action: AccountAuditAction,
    pub from_role: Option<AccountRole>,
    pub to_role: Option<AccountRole>,
    pub at: At,
}

/// One entry of the merged trail.
#[derive(Debug, Clone)]
pub enum TrailEntry<At> {
    Story(AuditRecord<At>),
    Account(AccountAuditRecord<At>),
}

impl<At> TrailEntry<At> {
    pub fn kind(&self) -> TrailKind {
        match self {
            TrailEntry::Story(_) => TrailKind::Story,
            TrailEntry::Account(_) => TrailKind::Account,
        }
    }

    pub fn id(&self) -> i64 {
        match self {
            TrailEntry::Story(r) => r.id,
            TrailEntry::Account(r) => r.id,
        }
    }

    pub fn at(&self) -> &At {
        match self {
            TrailEntry::Story(r) => &r.at,
            TrailEntry::Account(r) => &r.at,
        }
    }

    /// The same entry with its time shown as `show` writes it.
    pub fn shown<Shown>(self, show: impl FnOnce(At) -> Shown) -> TrailEntry<Shown> {
        match self {
            TrailEntry::Story(r) => TrailEntry::Story(r.shown(show)),
            TrailEntry::Account(r) => TrailEntry::Account(AccountAuditRecord {
                id: r.id,
                account: r.account,
                account_name: r.account_name,
                actor: r.actor,
                action: r.action,
                from_role: r.from_role,
                to_role: r.to_role,
                at: show(r.at),
            }),
        }
    }
}

/// The action filter: one story action or one account action (their slugs differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailAction {
    Story(AuditAction),
    Account(AccountAuditAction),
}

impl TrailAction {
    pub fn from_slug(slug: &str) -> Option<TrailAction> {
        AuditAction::from_slug(slug)
            .map(TrailAction::Story)
            .or_else(|| AccountAuditAction::from_slug(slug).map(TrailAction::Account))
    }

    pub fn slug(self) -> &'static str {
        match self {
            TrailAction::Story(a) => a.slug(),
            TrailAction::Account(a) => a.slug(),
        }
    }
}

/// Where the "older" link continues: entries are ordered by time, then story before account
/// entries, then id, all descending. Written `{unix microseconds}-{kind}-{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrailCursor {
    pub at_micros: i64,
    pub kind: TrailKind,
    pub id: i64,
}

impl TrailCursor {
    pub fn parse(text: &str) -> Option<TrailCursor> {
        let mut parts = text.trim().splitn(3, '-');
        let at_micros = parts.next()?.parse().ok()?;
        let kind = TrailKind::from_slug(parts.next()?)?;
        let id = parts.next()?.parse().ok()?;
        Some(TrailCursor {
            at_micros,
            kind,
            id,
        })
    }
}

impl std::fmt::Display for TrailCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}-{}", self.at_micros, self.kind, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_write() {
        let cursor = TrailCursor {
            at_micros: 1_796_000_000_123_456,
            kind: TrailKind::Account,
            id: 42,
        };
        assert_eq!(TrailCursor::parse(&cursor.to_string()), Some(cursor));
        assert_eq!(TrailCursor::parse("12-story"), None);
        assert_eq!(TrailCursor::parse("x-story-1"), None);
        assert_eq!(TrailCursor::parse("1-other-1"), None);
    }

    #[test]
    fn story_and_account_action_slugs_never_collide() {
        for account in AccountAuditAction::ALL {
            assert!(
                AuditAction::from_slug(account.slug()).is_none(),
                "{account}"
            );
        }
        assert_eq!(
            TrailAction::from_slug("new_address"),
            Some(TrailAction::Account(AccountAuditAction::NewAddress))
        );
    }
}
