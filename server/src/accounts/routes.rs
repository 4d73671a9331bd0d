//! `GET /login`, `POST /login`, `POST /logout`.

use super::session::{current_account, sign_in, sign_out};
use super::{addresses, password, store};
use crate::state::AppState;
use crate::web::client_ip::{ClientIp, ip_hash, limit_bucket};
use crate::web::form::PostedForm;
use crate::web::query::QueryForm;
use crate::web::redirect::LocalPath;
use crate::web::render::{private_html, render_page};
use crate::web::{AppError, RequestLocale};
use app::accounts::{LoginFailure, LoginPage};
use app::domain::{Email, SignInField, moderation_limits};
use app::locale::Locale;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use std::time::Duration;
use tower_sessions::Session;

/// Only our own moderation and admin pages may be the destination after signing in.
fn safe_next(next: &str) -> String {
    LocalPath::parse(next)
        .filter(|path| path.is_under("/moderate") || path.is_under("/admin"))
        .map_or_else(|| "/moderate".to_owned(), |path| path.as_str().to_owned())
}

pub async fn form(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    session: Session,
    query: QueryForm,
) -> Result<Response, AppError> {
    let next = safe_next(query.text(SignInField::Next));
    if current_account(&session, &state).await?.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(login_page(
        &state,
        locale,
        String::new(),
        next,
        None,
        StatusCode::OK,
    ))
}

fn login_page(
    state: &AppState,
    locale: Locale,
    email: String,
    next: String,
    failure: Option<LoginFailure>,
    status: StatusCode,
) -> Response {
    let page = render_page(state, locale, "/login", move || {
        view! { <LoginPage email next failure /> }
    });
    private_html(status, page)
}

/// `POST /login`. Per address (IPv6: per /64) at most `LOGIN_FAILURES` failures within the
/// window; the attempt is counted before the password is checked, so parallel tries cannot
/// pass the limit, and refused tries are never checked. Failures against one account from
/// anywhere only slow its further tries down (`LOGIN_SLOWDOWN_SECS`): the owner with the right
/// password from a clean address still signs in. Unknown e-mail, wrong password and
/// deactivated account answer alike, after the same password check.
pub async fn login(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    ClientIp(ip): ClientIp,
    session: Session,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let typed_email = posted.text(SignInField::Email).trim().to_owned();
    let typed = posted.text(SignInField::Password).to_owned();
    let next = safe_next(posted.text(SignInField::Next));
    let email = Email::for_sign_in(&typed_email);
    let address_key = ip_hash(ip);
    let account_key = store::account_key(&email);
    let limit = Some(moderation_limits::LOGIN_FAILURES);
    if store::reserve_attempt(&state.db, &address_key, limit)
        .await?
        .is_none()
    {
        let retry_after_secs = store::retry_after(&state.db, &address_key).await?;
        return Err(AppError::LoginThrottled { retry_after_secs });
    }
    let on_account = store::reserve_attempt(&state.db, &account_key, None).await?;
    if on_account.unwrap_or(0) > moderation_limits::LOGIN_FAILURES {
        tokio::time::sleep(Duration::from_secs(moderation_limits::LOGIN_SLOWDOWN_SECS)).await;
    }
    let (account, hash) = match store::find_for_login(&state.db, &email).await? {
        Some((account, hash)) => (Some(account), Some(hash)),
        None => (None, None),
    };
    let matches = password::verify(typed, hash).await;
    match account {
        Some(account) if matches && account.active => {
            store::release_attempt(&state.db, &[address_key, account_key]).await?;
            sign_in(&session, &account).await?;
            let new_address =
                addresses::note_sign_in(&state.db, account.id, limit_bucket(ip)).await?;
            tracing::info!(account = %account.id, new_address, "signed in");
            Ok(Redirect::to(&next).into_response())
        }
        _ => Ok(login_page(
            &state,
            locale,
            typed_email,
            next,
            Some(LoginFailure::WrongCredentials),
            StatusCode::UNAUTHORIZED,
        )),
    }
}

pub async fn logout(session: Session) -> Result<Response, AppError> {
    sign_out(&session).await?;
    Ok(Redirect::to("/").into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_our_pages_follow_sign_in() {
        assert_eq!(safe_next("/moderate/stories/3"), "/moderate/stories/3");
        assert_eq!(safe_next("/admin/accounts"), "/admin/accounts");
        assert_eq!(safe_next("https://evil.example/"), "/moderate");
        assert_eq!(safe_next("//evil.example/moderate"), "/moderate");
        assert_eq!(safe_next("/moderate//evil"), "/moderate");
        assert_eq!(safe_next("/moderateX"), "/moderate");
        assert_eq!(safe_next("/moderate/\nx"), "/moderate");
        assert_eq!(safe_next("/\t/evil.example/"), "/moderate");
    }
}
