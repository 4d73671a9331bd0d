//! Signed-in sessions, stored in PostgreSQL (tower-sessions), and the extractors that let a
//! handler require a moderator or an admin. Deny by default: a handler without one of these
//! extractors is public, so every moderation and admin route takes one.

use super::store::{self, Account};
use crate::state::AppState;
use crate::web::AppError;
use app::domain::AccountId;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

const SIGNED_IN: &str = "signed_in";
pub const COOKIE_NAME: &str = "shinian_session";
/// A session unused for this long ends; each request within it extends it. Besides, every
/// session ends `SESSION_ABSOLUTE_HOURS` after its sign-in however much it is used.
pub const IDLE_MINUTES: i64 = 120;

#[derive(Serialize, Deserialize)]
struct SignedIn {
    account: i64,
    epoch: i32,
    /// When this session signed in (Unix seconds). Sessions from before it was stored read 0:
    /// they have ended.
    #[serde(default)]
    signed_in_at: i64,
}

pub fn layer(db: PgPool, secure: bool) -> SessionManagerLayer<PostgresStore> {
    SessionManagerLayer::new(PostgresStore::new(db))
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(IDLE_MINUTES)))
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    AppError::Internal(format!("session: {error}"))
}

/// Starts a signed-in session under a new id (no session fixation).
pub async fn sign_in(session: &Session, account: &Account) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    let value = SignedIn {
        account: account.id.0,
        epoch: account.session_epoch,
        signed_in_at: OffsetDateTime::now_utc().unix_timestamp(),
    };
    session
        .insert(SIGNED_IN, value)
        .await
        .map_err(session_error)
}

pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// The active account behind this request's session, if any.
pub async fn current_account(
    session: &Session,
    state: &AppState,
) -> Result<Option<Account>, AppError> {
    let Some(signed) = session
        .get::<SignedIn>(SIGNED_IN)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let age = OffsetDateTime::now_utc().unix_timestamp() - signed.signed_in_at;
    let lifetime =
        i64::try_from(state.config.session_absolute_lifetime.as_secs()).unwrap_or(i64::MAX);
    if !(0..lifetime).contains(&age) {
        sign_out(session).await?;
        return Ok(None);
    }
    match store::find(&state.db, AccountId(signed.account)).await? {
        Some(account) if account.active && account.session_epoch == signed.epoch => {
            Ok(Some(account))
        }
        // Deactivated, password reset or deleted: the session is over.
        _ => {
            sign_out(session).await?;
            Ok(None)
        }
    }
}

async fn required_account(parts: &mut Parts, state: &AppState) -> Result<Account, AppError> {
    let session = Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, e)| AppError::Internal(e.to_owned()))?;
    let next = if parts.method.is_safe() {
        parts.uri.path().to_owned()
    } else {
        "/moderate".to_owned()
    };
    current_account(&session, state)
        .await?
        .ok_or(AppError::LoginRequired { next })
}

/// Any signed-in, active moderator or admin.
pub struct Moderator(pub Account);

impl FromRequestParts<AppState> for Moderator {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        required_account(parts, state).await.map(Moderator)
    }
}

/// A signed-in, active admin. A moderator gets 403.
pub struct Admin(pub Account);

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let account = required_account(parts, state).await?;
        if account.is_admin() {
            Ok(Admin(account))
        } else {
            Err(AppError::Forbidden)
        }
    }
}
