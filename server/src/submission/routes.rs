use super::store::{self, Submitted, Submitter};
use super::tokens::{SubmitterSecret, TrackingToken};
use crate::media::deletions;
use crate::media::photos;
use crate::media::upload::{self, keep_all, parse_photos};
use crate::state::AppState;
use crate::web::client_ip::ClientIp;
use crate::web::error::WantsJson;
use crate::web::form::{PostedForm, PostedWithPhotos};
use crate::web::query::Query;
use crate::web::render::{private_html, render_page};
use crate::web::time::{display_date, latest_allowed_year};
use crate::web::{AppError, RequestLocale};
use app::domain::{Field, FormErrors, IdempotencyKey, NewStory, StoryDraft, WithdrawField};
use app::locale::{self, Locale};
use app::submission::{
    Notice, SubmitPage, TrackPage, TrackedStory, WITHDRAW_CONFIRMED, WithdrawConfirmPage,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use leptos::prelude::*;
use serde::Deserialize;

/// `GET /submit`: an empty form with a fresh idempotency key.
pub async fn form(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    jar: CookieJar,
) -> (CookieJar, Response) {
    let (jar, _) = submitter_cookie(&state, jar);
    let page = submit_page(&state, locale, StoryDraft::default(), FormErrors::default());
    (jar, private_html(StatusCode::OK, page))
}

/// The cookie holding this browser's (or kiosk's) `SubmitterSecret`; only a repeat carrying
/// it lands on a story's tracking page again (docs/api.md, "Repeated submits").
const SUBMITTER_COOKIE: &str = "submitter";
/// Renewed on every visit of `/submit`, so it outlives the 24 hours a key is remembered.
const SUBMITTER_COOKIE_DAYS: i64 = 7;

/// The secret the request carried (if any), and the jar that keeps (or starts) it.
fn submitter_cookie(state: &AppState, jar: CookieJar) -> (CookieJar, Option<SubmitterSecret>) {
    let sent = jar
        .get(SUBMITTER_COOKIE)
        .and_then(|c| SubmitterSecret::parse(c.value()));
    let kept = sent.clone().unwrap_or_else(SubmitterSecret::generate);
    let cookie = Cookie::build((SUBMITTER_COOKIE, kept.encode()))
        .path("/submit")
        .max_age(time::Duration::days(SUBMITTER_COOKIE_DAYS))
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(state.config.secure_cookies())
        .build();
    (jar.add(cookie), sent)
}

fn submit_page(
    state: &AppState,
    locale: Locale,
    mut draft: StoryDraft,
    errors: FormErrors,
) -> String {
    if IdempotencyKey::parse(&draft.idempotency_key)
        .ok()
        .flatten()
        .is_none()
    {
        draft.idempotency_key = new_idempotency_key();
    }
    let idempotency_key = draft.idempotency_key.clone();
    let latest_year = latest_allowed_year();
    render_page(
        state,
        locale,
        "/submit",
        move || view! { <SubmitPage draft errors latest_year idempotency_key /> },
    )
}

fn new_idempotency_key() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

/// `POST /submit`: the public form contract (docs/api.md). 303 to the tracking page on
/// success; the form again with every value kept and each message beside its field on error.
pub async fn submit(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    WantsJson(json): WantsJson,
    posted: Result<PostedWithPhotos, AppError>,
) -> (CookieJar, Result<Response, AppError>) {
    let (jar, secret) = submitter_cookie(&state, jar);
    let submitter = Submitter {
        ip,
        secret: secret.as_ref(),
    };
    // A refused body still gets the cookie, so the answer is built here, not by the extractor.
    let answer = match posted {
        Ok(PostedWithPhotos(posted)) => {
            submit_story(&state, locale, &submitter, json, posted).await
        }
        Err(error) => Err(error),
    };
    (jar, answer)
}

async fn submit_story(
    state: &AppState,
    locale: Locale,
    submitter: &Submitter<'_>,
    json: bool,
    mut posted: PostedForm,
) -> Result<Response, AppError> {
    let draft = StoryDraft::from_pairs(posted.pairs());
    if !draft.website.is_empty() {
        return Err(AppError::Honeypot);
    }
    let received = std::mem::take(&mut posted.photos);
    let parsed = parse_submission(&draft);
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let require_pair = state.config.require_photo_pair;
    let new_photos = parse_photos(
        &draft,
        received,
        [0, 0],
        require_pair,
        latest_allowed_year(),
        &mut errors,
    );
    let (story, key) = match parsed {
        Ok(parsed) if errors.is_empty() => parsed,
        _ if json => return Ok(json_errors(locale, &errors)),
        _ => {
            return Ok(private_html(
                form_error_status(&errors),
                submit_page(state, locale, draft, errors),
            ));
        }
    };
    let kept = keep_all(&state.media, new_photos).await?;
    let photos = kept.len();
    let per_hour = state.config.submissions_per_hour_per_ip;
    // A repeat stores nothing: `submit` drops, and so removes, the kept files.
    let submitted =
        store::submit(&state.db, &story, key.as_ref(), submitter, per_hour, kept).await?;
    let token = match submitted {
        Submitted::Created(token) => {
            wake_workers(state, photos);
            token
        }
        Submitted::Repeated(token) => token,
    };
    Ok(see_other(&token.path(), json))
}

/// New photos' rows committed: a worker for each.
fn wake_workers(state: &AppState, photos: usize) {
    for _ in 0..photos {
        state.jobs_queued.notify_one();
    }
}

fn form_error_status(errors: &FormErrors) -> StatusCode {
    if upload::any_too_large(errors) {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn parse_submission(draft: &StoryDraft) -> Result<(NewStory, Option<IdempotencyKey>), FormErrors> {
    let key = IdempotencyKey::parse(&draft.idempotency_key);
    let story = NewStory::parse(draft, latest_allowed_year());
    match (story, key) {
        (Ok(story), Ok(key)) => Ok((story, key)),
        (story, key) => {
            let mut errors = story.err().unwrap_or_default();
            if let Err(error) = key {
                errors.add(Field::IdempotencyKey, error);
            }
            Err(errors)
        }
    }
}

/// Plain forms get a 303; the form island asks for JSON and navigates itself.
fn see_other(location: &str, json: bool) -> Response {
    if json {
        (
            StatusCode::OK,
            Json(serde_json::json!({ "location": location })),
        )
            .into_response()
    } else {
        Redirect::to(location).into_response()
    }
}

fn json_errors(locale: Locale, errors: &FormErrors) -> Response {
    let fields: Vec<_> = errors
        .iter()
        .map(|(field, error)| serde_json::json!({ "field": field.name(), "message": locale::field_error(locale, error) }))
        .collect();
    let body = serde_json::json!({
        "error": "invalid_fields",
        "message": locale::error_summary(locale, fields.len()),
        "errors": fields,
    });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

#[derive(Deserialize)]
pub struct TrackQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /track/{token}`: the contributor's private page.
pub async fn track(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    token: TrackingToken,
    Query(query): Query<TrackQuery>,
) -> Result<Response, AppError> {
    let notice = query.saved.is_some().then_some(Notice::Saved);
    let page = track_page(&state, locale, &token, notice, None).await?;
    Ok(private_html(StatusCode::OK, page))
}

async fn track_page(
    state: &AppState,
    locale: Locale,
    token: &TrackingToken,
    notice: Option<Notice>,
    failed_edit: Option<(StoryDraft, FormErrors)>,
) -> Result<String, AppError> {
    let own = store::find_by_token(&state.db, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let offset = state.config.display_utc_offset_hours;
    let story = TrackedStory {
        status: own.status,
        submitted_on: display_date(locale, own.submitted_at, offset),
        updated_on: display_date(locale, own.updated_at, offset),
        moderator_message: own.moderator_message,
        draft: own.draft,
        photos: photos::of_story(&state.db, own.id)
            .await?
            .into_iter()
            .map(|p| app::media::OwnPhoto {
                id: p.id,
                view: p.view,
            })
            .collect(),
    };
    let track_path = token.path();
    let track_url = format!("{}{}", state.config.public_url, track_path);
    let (edit_draft, edit_errors) = match failed_edit {
        Some((draft, errors)) => (Some(draft), errors),
        None => (None, FormErrors::default()),
    };
    let latest_year = latest_allowed_year();
    let path = track_path.clone();
    Ok(render_page(state, locale, &path, move || {
        view! { <TrackPage story track_path track_url notice edit_errors edit_draft latest_year /> }
    }))
}

/// `POST /track/{token}`: the contributor's edit, same fields as the submission.
pub async fn edit(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    token: TrackingToken,
    WantsJson(json): WantsJson,
    PostedWithPhotos(mut posted): PostedWithPhotos,
) -> Result<Response, AppError> {
    let draft = StoryDraft::from_pairs(posted.pairs());
    let own = store::find_by_token(&state.db, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = photos::of_story(&state.db, own.id).await?;
    let removed = removed_photo_ids(&posted, &current);
    let remaining = remaining_per_side(&current, &removed);
    let parsed = NewStory::parse(&draft, latest_allowed_year());
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let received = std::mem::take(&mut posted.photos);
    let require_pair = state.config.require_photo_pair;
    let new_photos = parse_photos(
        &draft,
        received,
        remaining,
        require_pair,
        latest_allowed_year(),
        &mut errors,
    );
    let story = match parsed {
        Ok(story) if errors.is_empty() => story,
        _ if json => return Ok(json_errors(locale, &errors)),
        _ => {
            let status = form_error_status(&errors);
            let page = track_page(&state, locale, &token, None, Some((draft, errors))).await?;
            return Ok(private_html(status, page));
        }
    };
    let kept = keep_all(&state.media, new_photos).await?;
    let photos = kept.len();
    let removed = store::edit(&state.db, &token, &story, &removed, kept).await?;
    wake_workers(&state, photos);
    deletions::now(&state.db, &state.media, removed).await;
    Ok(see_other(&format!("{}?saved=1", token.path()), json))
}

/// `remove_photo` values naming photos of this story (anything else is ignored).
fn removed_photo_ids(
    posted: &PostedForm,
    current: &[photos::StoredPhoto],
) -> Vec<app::domain::PhotoId> {
    posted
        .all(Field::RemovePhoto)
        .filter_map(|value| value.trim().parse().ok().map(app::domain::PhotoId))
        .filter(|id| current.iter().any(|p| p.id == *id))
        .collect()
}

fn remaining_per_side(
    current: &[photos::StoredPhoto],
    removed: &[app::domain::PhotoId],
) -> [usize; 2] {
    let count = |slot| {
        current
            .iter()
            .filter(|p| p.view.slot == slot && !removed.contains(&p.id))
            .count()
    };
    [
        count(app::domain::PhotoSlot::Then),
        count(app::domain::PhotoSlot::Now),
    ]
}

/// `POST /track/{token}/withdraw`: without `confirm=yes` asks first; with it, withdraws.
pub async fn withdraw(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    token: TrackingToken,
    posted: Result<PostedForm, AppError>,
) -> Result<Response, AppError> {
    let posted = posted.unwrap_or_default();
    if posted.get(WithdrawField::Confirm) != Some(WITHDRAW_CONFIRMED) {
        store::find_by_token(&state.db, &token)
            .await?
            .ok_or(AppError::NotFound)?;
        let track_path = token.path();
        let page = render_page(
            &state,
            locale,
            &track_path.clone(),
            move || view! { <WithdrawConfirmPage track_path /> },
        );
        return Ok(private_html(StatusCode::OK, page));
    }
    let removed = store::withdraw(&state.db, &token).await?;
    deletions::now(&state.db, &state.media, removed).await;
    Ok(Redirect::to(&token.path()).into_response())
}
