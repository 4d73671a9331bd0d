//! Accounts and sign-in failures in PostgreSQL.

use crate::audit::account::{AccountEntry, By};
use app::domain::{
    AccountAuditAction, AccountId, AccountRole, DisplayName, Email, moderation_limits,
};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub display_name: String,
    pub role: AccountRole,
    pub active: bool,
    pub session_epoch: i32,
    pub created_at: OffsetDateTime,
}

impl Account {
    pub fn is_admin(&self) -> bool {
        self.role == AccountRole::Admin
    }
}

pub async fn find(db: &PgPool, id: AccountId) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        r#"select id as "id: AccountId", email, display_name, role as "role: AccountRole", active,
                  session_epoch, created_at
           from accounts where id = $1"#,
        id.0
    )
    .fetch_optional(db)
    .await
}

/// The account with this (normalized) email and its password hash.
pub async fn find_for_login(
    db: &PgPool,
    email: &Email,
) -> Result<Option<(Account, String)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select id as "id: AccountId", email, display_name, role as "role: AccountRole", active,
                  session_epoch, created_at, password_hash
           from accounts where email = $1"#,
        email.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        (
            Account {
                id: r.id,
                email: r.email,
                display_name: r.display_name,
                role: r.role,
                active: r.active,
                session_epoch: r.session_epoch,
                created_at: r.created_at,
            },
            r.password_hash,
        )
    }))
}

pub async fn list(db: &PgPool) -> Result<Vec<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        r#"select id as "id: AccountId", email, display_name, role as "role: AccountRole", active,
                  session_epoch, created_at
           from accounts order by active desc, role desc, lower(display_name)"#
    )
    .fetch_all(db)
    .await
}

pub enum Created {
    New(AccountId),
    EmailTaken,
}

pub async fn create(
    db: &PgPool,
    email: &Email,
    name: &DisplayName,
    role: AccountRole,
    password_hash: &str,
    by: By,
) -> Result<Created, sqlx::Error> {
    let mut tx = db.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into accounts (email, display_name, role, password_hash) values ($1, $2, $3, $4)
         on conflict (email) do nothing returning id",
        email.as_str(),
        name.as_str(),
        role as _,
        password_hash
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id.map(AccountId) else {
        return Ok(Created::EmailTaken);
    };
    AccountEntry::created(id, by, role).record(&mut tx).await?;
    tx.commit().await?;
    Ok(Created::New(id))
}

/// Deactivating ends the account's sessions at once (the epoch changes). The trail records a
/// change, not a repeated click. False when there is no such account.
pub async fn set_active(
    db: &PgPool,
    id: AccountId,
    active: bool,
    by: By,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let Some(was_active) =
        sqlx::query_scalar!("select active from accounts where id = $1 for update", id.0)
            .fetch_optional(&mut *tx)
            .await?
    else {
        return Ok(false);
    };
    sqlx::query!(
        "update accounts set active = $2, session_epoch = session_epoch + 1, updated_at = now() where id = $1",
        id.0,
        active
    )
    .execute(&mut *tx)
    .await?;
    if was_active != active {
        let action = if active {
            AccountAuditAction::Reactivated
        } else {
            AccountAuditAction::Deactivated
        };
        AccountEntry::new(id, by, action).record(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A new password ends the account's other sessions.
pub async fn set_password(
    db: &PgPool,
    id: AccountId,
    hash: &str,
    by: By,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let done = sqlx::query!(
        "update accounts set password_hash = $2, session_epoch = session_epoch + 1, updated_at = now() where id = $1",
        id.0,
        hash
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    AccountEntry::new(id, by, AccountAuditAction::PasswordReset)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// `server create-admin`: a new admin, or an existing account made admin, active and given
/// this password (the way back in when every admin lost their password). The trail records
/// each change as done on the command line.
pub async fn upsert_admin(
    db: &PgPool,
    email: &Email,
    name: &DisplayName,
    hash: &str,
) -> Result<AccountId, sqlx::Error> {
    let mut tx = db.begin().await?;
    let before = sqlx::query!(
        r#"select role as "role: AccountRole", active from accounts where email = $1 for update"#,
        email.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    let id = sqlx::query_scalar!(
        "insert into accounts (email, display_name, role, password_hash) values ($1, $2, $4, $3)
         on conflict (email) do update
         set role = $4, active = true, password_hash = excluded.password_hash,
             session_epoch = accounts.session_epoch + 1, updated_at = now()
         returning id",
        email.as_str(),
        name.as_str(),
        hash,
        AccountRole::Admin as _
    )
    .fetch_one(&mut *tx)
    .await?;
    let id = AccountId(id);
    let by = By::CommandLine;
    let entries = match before {
        None => vec![AccountEntry::created(id, by, AccountRole::Admin)],
        Some(before) => {
            let mut entries = Vec::new();
            if before.role != AccountRole::Admin {
                entries.push(AccountEntry::role_changed(
                    id,
                    by,
                    before.role,
                    AccountRole::Admin,
                ));
            }
            if !before.active {
                entries.push(AccountEntry::new(id, by, AccountAuditAction::Reactivated));
            }
            entries.push(AccountEntry::new(id, by, AccountAuditAction::PasswordReset));
            entries
        }
    };
    for entry in entries {
        entry.record(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The throttle key of an account: a hash of its normalized e-mail (whether or not an account
/// has it, so the answer does not tell).
pub fn account_key(email: &Email) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"shinian login email\0");
    hasher.update(email.as_str().as_bytes());
    hasher.finalize().to_vec()
}

/// Counts an attempt under `key` before its password is checked, in one statement (the
/// conflicting row is locked, so parallel attempts count one after the other). With a `limit`,
/// an attempt that would pass it is not counted and `None` is returned; otherwise the count
/// including this attempt.
pub async fn reserve_attempt(
    db: &PgPool,
    key: &[u8],
    limit: Option<i32>,
) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into login_attempts as a (key, attempts) values ($1, 1)
           on conflict (key) do update set
             attempts = case when a.window_started <= now() - make_interval(mins => $2)
                             then 1 else a.attempts + 1 end,
             window_started = case when a.window_started <= now() - make_interval(mins => $2)
                                   then now() else a.window_started end
           where a.window_started <= now() - make_interval(mins => $2)
              or $3::int is null or a.attempts < $3
           returning attempts"#,
        key,
        moderation_limits::LOGIN_WINDOW_MINUTES,
        limit
    )
    .fetch_optional(db)
    .await
}

/// Seconds until the window of `key` ends.
pub async fn retry_after(db: &PgPool, key: &[u8]) -> Result<u64, sqlx::Error> {
    let window = moderation_limits::LOGIN_WINDOW_MINUTES;
    let secs = sqlx::query_scalar!(
        r#"select ceil(extract(epoch from window_started + make_interval(mins => $2) - now()))::bigint as "secs!"
           from login_attempts where key = $1"#,
        key,
        window
    )
    .fetch_optional(db)
    .await?;
    let max = i64::from(window) * 60;
    Ok(secs.unwrap_or(max).clamp(1, max).unsigned_abs())
}

/// A successful sign-in was no failure: its reservations are given back. Failures of others
/// stay counted.
pub async fn release_attempt(db: &PgPool, keys: &[Vec<u8>]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update login_attempts set attempts = greatest(attempts - 1, 0) where key = any($1)",
        keys
    )
    .execute(db)
    .await?;
    Ok(())
}
