//! `/admin/accounts`: admins create moderators, deactivate and reactivate them, and set a new
//! password when one is forgotten.

use super::store::{self, Created};
use super::{Admin, password};
use crate::audit::account::By;
use crate::state::AppState;
use crate::web::form::PostedForm;
use crate::web::query::Query;
use crate::web::render::{private_html, render_page};
use crate::web::time::display_date;
use crate::web::{AppError, RequestLocale};
use app::accounts::{AccountRow, AccountsNotice, AccountsPage, NewAccountDraft};
use app::domain::{
    AccountField, AccountId, AccountInput, AccountRole, DisplayName, Email, FieldError, FormErrors,
    NewPassword,
};
use app::locale::Locale;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    done: Option<String>,
}

fn notice_of(done: Option<&str>) -> Option<AccountsNotice> {
    match done? {
        "created" => Some(AccountsNotice::Created),
        "deactivated" => Some(AccountsNotice::Deactivated),
        "activated" => Some(AccountsNotice::Activated),
        "password" => Some(AccountsNotice::PasswordSet),
        _ => None,
    }
}

pub async fn list(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Admin(me): Admin,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = notice_of(query.done.as_deref());
    let page = accounts_page(
        &state,
        locale,
        &me,
        NewAccountDraft::default(),
        FormErrors::default(),
        notice,
    )
    .await?;
    Ok(private_html(StatusCode::OK, page))
}

async fn accounts_page(
    state: &AppState,
    locale: Locale,
    me: &store::Account,
    draft: NewAccountDraft,
    errors: FormErrors<AccountInput>,
    notice: Option<AccountsNotice>,
) -> Result<String, AppError> {
    let offset = state.config.display_utc_offset_hours;
    let accounts: Vec<AccountRow> = store::list(&state.db)
        .await?
        .into_iter()
        .map(|a| AccountRow {
            id: a.id,
            is_self: a.id == me.id,
            email: a.email,
            display_name: a.display_name,
            role: a.role,
            active: a.active,
            created_on: display_date(locale, a.created_at, offset),
        })
        .collect();
    Ok(render_page(state, locale, "/admin/accounts", move || {
        view! { <AccountsPage accounts draft errors notice /> }
    }))
}

pub async fn create(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Admin(me): Admin,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let draft = NewAccountDraft {
        email: posted.text(AccountField::Email).to_owned(),
        display_name: posted.text(AccountField::DisplayName).to_owned(),
        role: posted
            .get(AccountField::Role)
            .unwrap_or(AccountRole::Moderator.slug())
            .to_owned(),
    };
    let email = Email::parse(&draft.email);
    let name = DisplayName::parse(&draft.display_name);
    let role = AccountRole::parse(&draft.role);
    let new_password = NewPassword::parse(
        posted.text(AccountField::Password),
        &[&draft.email, &draft.display_name],
    );
    let mut errors = FormErrors::default();
    let parsed = match (email, name, role, new_password) {
        (Ok(e), Ok(n), Ok(r), Ok(p)) => Some((e, n, r, p)),
        (e, n, r, p) => {
            for (field, error) in [
                (AccountField::Email, e.err()),
                (AccountField::DisplayName, n.err()),
                (AccountField::Role, r.err()),
                (AccountField::Password, p.err()),
            ] {
                if let Some(error) = error {
                    errors.add(AccountInput::New(field), error);
                }
            }
            None
        }
    };
    if let Some((email, name, role, new_password)) = parsed {
        let hash = password::hash(&new_password).await?;
        match store::create(&state.db, &email, &name, role, &hash, By::Account(me.id)).await? {
            Created::New(id) => {
                tracing::info!(account = %id, by = %me.id, "account created");
                return Ok(Redirect::to("/admin/accounts?done=created").into_response());
            }
            Created::EmailTaken => {
                errors.add(
                    AccountInput::New(AccountField::Email),
                    FieldError::EmailTaken,
                );
            }
        }
    }
    let page = accounts_page(&state, locale, &me, draft, errors, None).await?;
    Ok(private_html(StatusCode::UNPROCESSABLE_ENTITY, page))
}

async fn set_active(
    state: &AppState,
    me: &store::Account,
    id: AccountId,
    active: bool,
) -> Result<(), AppError> {
    if id == me.id && !active {
        // An admin cannot lock themselves out; another admin can.
        return Err(AppError::Forbidden);
    }
    if !store::set_active(&state.db, id, active, By::Account(me.id)).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(account = %id, by = %me.id, active, "account status changed");
    Ok(())
}

pub async fn deactivate(
    State(state): State<AppState>,
    Admin(me): Admin,
    Path(id): Path<AccountId>,
) -> Result<Response, AppError> {
    set_active(&state, &me, id, false).await?;
    Ok(Redirect::to("/admin/accounts?done=deactivated").into_response())
}

pub async fn activate(
    State(state): State<AppState>,
    Admin(me): Admin,
    Path(id): Path<AccountId>,
) -> Result<Response, AppError> {
    set_active(&state, &me, id, true).await?;
    Ok(Redirect::to("/admin/accounts?done=activated").into_response())
}

pub async fn reset_password(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Admin(me): Admin,
    Path(id): Path<AccountId>,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let account = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let known = [account.email.as_str(), account.display_name.as_str()];
    match NewPassword::parse(posted.text(AccountField::Password), &known) {
        Ok(new_password) => {
            let hash = password::hash(&new_password).await?;
            if !store::set_password(&state.db, id, &hash, By::Account(me.id)).await? {
                return Err(AppError::NotFound);
            }
            tracing::info!(account = %id, by = %me.id, "password reset");
            Ok(Redirect::to("/admin/accounts?done=password").into_response())
        }
        Err(error) => {
            let mut errors = FormErrors::default();
            errors.add(AccountInput::Password(id), error);
            let page = accounts_page(
                &state,
                locale,
                &me,
                NewAccountDraft::default(),
                errors,
                None,
            )
            .await?;
            Ok(private_html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}
