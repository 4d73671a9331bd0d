//! Accounts and sign-in failures in PostgreSQL.

use crate::web::AppError;
use app::domain::{AccountId, AccountRole, DisplayName, Email, moderation_limits};
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

pub async fn find(db: &PgPool, id: AccountId) -> Result<Option<Account>, AppError> {
    Ok(sqlx::query_as!(
        Account,
        r#"select id as "id: AccountId", email, display_name, role as "role: AccountRole", active,
                  session_epoch, created_at
           from accounts where id = $1"#,
        id.0
    )
    .fetch_optional(db)
    .await?)
}

/// The account with this email and its password hash.
pub async fn find_for_login(
    db: &PgPool,
    email: &str,
) -> Result<Option<(Account, String)>, AppError> {
    let row = sqlx::query!(
        r#"select id as "id: AccountId", email, display_name, role as "role: AccountRole", active,
                  session_epoch, created_at, password_hash
           from accounts where lower(email) = lower($1)"#,
        email
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

pub async fn list(db: &PgPool) -> Result<Vec<Account>, AppError> {
    Ok(sqlx::query_as!(
        Account,
        r#"select id as "id: AccountId", email, display_name, role as "role: AccountRole", active,
                  session_epoch, created_at
           from accounts order by active desc, role desc, lower(display_name)"#
    )
    .fetch_all(db)
    .await?)
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
) -> Result<Created, AppError> {
    let id = sqlx::query_scalar!(
        "insert into accounts (email, display_name, role, password_hash) values ($1, $2, $3, $4)
         on conflict (lower(email)) do nothing returning id",
        email.as_str(),
        name.as_str(),
        role as _,
        password_hash
    )
    .fetch_optional(db)
    .await?;
    Ok(id.map_or(Created::EmailTaken, |id| Created::New(AccountId(id))))
}

/// Deactivating ends the account's sessions at once (the epoch changes).
pub async fn set_active(db: &PgPool, id: AccountId, active: bool) -> Result<bool, AppError> {
    let done = sqlx::query!(
        "update accounts set active = $2, session_epoch = session_epoch + 1, updated_at = now() where id = $1",
        id.0,
        active
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new password ends the account's other sessions.
pub async fn set_password(db: &PgPool, id: AccountId, hash: &str) -> Result<bool, AppError> {
    let done = sqlx::query!(
        "update accounts set password_hash = $2, session_epoch = session_epoch + 1, updated_at = now() where id = $1",
        id.0,
        hash
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `server create-admin`: a new admin, or an existing account made admin, active and given
/// this password (the way back in when every admin lost their password).
pub async fn upsert_admin(
    db: &PgPool,
    email: &Email,
    name: &DisplayName,
    hash: &str,
) -> Result<AccountId, AppError> {
    let id = sqlx::query_scalar!(
        "insert into accounts (email, display_name, role, password_hash) values ($1, $2, 'admin', $3)
         on conflict (lower(email)) do update
         set role = 'admin', active = true, password_hash = excluded.password_hash,
             session_epoch = accounts.session_epoch + 1, updated_at = now()
         returning id",
        email.as_str(),
        name.as_str(),
        hash
    )
    .fetch_one(db)
    .await?;
    Ok(AccountId(id))
}

pub fn email_hash(email: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"shinian login email\0");
    hasher.update(email.trim().to_lowercase().as_bytes());
    hasher.finalize().to_vec()
}

/// Seconds until another attempt is allowed, when this account or address has had
/// `LOGIN_FAILURES` failures within the window.
pub async fn login_throttled(
    db: &PgPool,
    email_hash: &[u8],
    ip_hash: &[u8],
) -> Result<Option<u64>, AppError> {
    let window = moderation_limits::LOGIN_WINDOW_MINUTES;
    let row = sqlx::query!(
        r#"select
             (select count(*) from login_failures where email_hash = $1 and at > now() - make_interval(mins => $3)) as "by_email!",
             (select count(*) from login_failures where ip_hash = $2 and at > now() - make_interval(mins => $3)) as "by_ip!",
             (select extract(epoch from min(at) + make_interval(mins => $3) - now())::bigint from login_failures
               where (email_hash = $1 or ip_hash = $2) and at > now() - make_interval(mins => $3)) as retry_after"#,
        email_hash,
        ip_hash,
        window
    )
    .fetch_one(db)
    .await?;
    let limit = moderation_limits::LOGIN_FAILURES;
    if row.by_email >= limit || row.by_ip >= limit {
        let max = i64::from(window) * 60;
        return Ok(Some(row.retry_after.unwrap_or(max).clamp(1, max) as u64));
    }
    Ok(None)
}

pub async fn record_login_failure(
    db: &PgPool,
    email_hash: &[u8],
    ip_hash: &[u8],
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into login_failures (email_hash, ip_hash) values ($1, $2)",
        email_hash,
        ip_hash
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A successful sign-in forgives the account's earlier failures (not the address's).
pub async fn clear_login_failures(db: &PgPool, email_hash: &[u8]) -> Result<(), AppError> {
    sqlx::query!(
        "delete from login_failures where email_hash = $1",
        email_hash
    )
    .execute(db)
    .await?;
    Ok(())
}
