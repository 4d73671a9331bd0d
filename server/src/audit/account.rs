//! Account entries of the audit trail (`account_audit_log`): written in the transaction of the
//! change they record, holding account ids only.

use app::domain::{AccountAuditAction, AccountId, AccountRole};
use sqlx::PgConnection;

/// Who changed an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// An admin (or, for `NewAddress`, the account signing in).
    Account(AccountId),
    /// `server create-admin`.
    CommandLine,
}

impl By {
    fn id(self) -> Option<i64> {
        match self {
            By::Account(id) => Some(id.0),
            By::CommandLine => None,
        }
    }
}

pub struct AccountEntry {
    pub account: AccountId,
    pub by: By,
    pub action: AccountAuditAction,
    pub from_role: Option<AccountRole>,
    pub to_role: Option<AccountRole>,
}

impl AccountEntry {
    /// An entry that changes no role.
    pub fn new(account: AccountId, by: By, action: AccountAuditAction) -> AccountEntry {
        AccountEntry {
            account,
            by,
            action,
            from_role: None,
            to_role: None,
        }
    }

    pub fn created(account: AccountId, by: By, role: AccountRole) -> AccountEntry {
        AccountEntry {
            to_role: Some(role),
            ..AccountEntry::new(account, by, AccountAuditAction::Created)
        }
    }

    pub fn role_changed(
        account: AccountId,
        by: By,
        from: AccountRole,
        to: AccountRole,
    ) -> AccountEntry {
        AccountEntry {
            from_role: Some(from),
            to_role: Some(to),
            ..AccountEntry::new(account, by, AccountAuditAction::RoleChanged)
        }
    }

    pub async fn record(self, tx: &mut PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "insert into account_audit_log (account_id, actor_id, action, from_role, to_role)
             values ($1, $2, $3, $4, $5)",
            self.account.0,
            self.by.id(),
            self.action as _,
            self.from_role as _,
            self.to_role as _,
        )
        .execute(tx)
        .await?;
        Ok(())
    }
}
