use super::contribute::{self, Outcome, Received, TextOutcome};
use super::store::{self, Removals, Submitter};
use super::tokens::{SubmitterSecret, TrackingToken};
use super::{photo_form, recording_form};
use crate::media::deletions;
use crate::media::photos;
use crate::media::recordings::rows::{self as recording_rows, Listener};
use crate::state::AppState;
use crate::web::client_ip::ClientIp;
use crate::web::error::WantsJson;
use crate::web::form::{PostedForm, PostedWithPhotos};
use crate::web::query::Query;
use crate::web::render::{private_html, render_page};
use crate::web::time::{display_date, latest_allowed_year};
use crate::web::{AppError, RequestLocale};
use app::domain::{
    Field, FormErrors, IdempotencyKey, PhotoId, RecordingId, StoryDraft, TranscriptField,
    WithdrawField,
};
use app::locale::{self, Locale};
use app::submission::{
    Notice, SubmitPage, TrackPage, TrackedStory, WITHDRAW_CONFIRMED, WithdrawConfirmPage,
};
use app::voice::transcript::TranscriptForm;
use axum::Json;
use axum::extract::{Path, State};
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
    let received = received_files(&mut posted);
    match contribute::submit_story(state, draft, received, submitter).await? {
        Outcome::Stored(token) => Ok(see_other(&token.path(), json)),
        Outcome::Invalid(_, errors) if json => Ok(json_errors(locale, &errors)),
        Outcome::Invalid(draft, errors) => Ok(private_html(
            form_error_status(&errors),
            submit_page(state, locale, *draft, errors),
        )),
    }
}

/// The files that came with a form, taken out of it.
fn received_files(posted: &mut PostedForm) -> Received {
    Received {
        photos: std::mem::take(&mut posted.photos),
        recordings: std::mem::take(&mut posted.recordings),
    }
}

fn form_error_status(errors: &FormErrors) -> StatusCode {
    if photo_form::any_too_large(errors) || recording_form::any_too_large(errors) {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
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

/// A form of the tracking page that was refused: the story's edit form, or a recording's
/// transcript form.
enum FailedForm {
    Edit(Box<StoryDraft>, FormErrors),
    Text(TranscriptForm),
}

async fn track_page(
    state: &AppState,
    locale: Locale,
    token: &TrackingToken,
    notice: Option<Notice>,
    failed: Option<FailedForm>,
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
        recordings: recording_rows::of_stories(&state.db, &[own.id], Listener::Public)
            .await?
            .into_iter()
            .map(|r| app::media::OwnRecording {
                id: r.id,
                view: r.view,
            })
            .collect(),
    };
    let track_path = token.path();
    let track_url = format!("{}{}", state.config.public_url, track_path);
    let (edit_draft, edit_errors, refused_text) = match failed {
        Some(FailedForm::Edit(draft, errors)) => (Some(*draft), errors, None),
        Some(FailedForm::Text(form)) => (None, FormErrors::default(), Some(form)),
        None => (None, FormErrors::default(), None),
    };
    let latest_year = latest_allowed_year();
    let path = track_path.clone();
    Ok(render_page(state, locale, &path, move || {
        view! { <TrackPage story track_path track_url notice edit_errors edit_draft refused_text latest_year /> }
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
    let removals = Removals {
        photos: posted
            .all(Field::RemovePhoto)
            .filter_map(|value| value.trim().parse().ok().map(PhotoId))
            .collect(),
        recordings: posted
            .all(Field::RemoveRecording)
            .filter_map(|value| value.trim().parse().ok().map(RecordingId))
            .collect(),
    };
    let received = received_files(&mut posted);
    match contribute::edit_story(&state, &token, draft, received, removals).await? {
        Outcome::Stored(token) => Ok(see_other(&format!("{}?saved=1", token.path()), json)),
        Outcome::Invalid(_, errors) if json => Ok(json_errors(locale, &errors)),
        Outcome::Invalid(draft, errors) => {
            let status = form_error_status(&errors);
            let failed = FailedForm::Edit(draft, errors);
            let page = track_page(&state, locale, &token, None, Some(failed)).await?;
            Ok(private_html(status, page))
        }
    }
}

/// The recording a route under the tracking path names (the token is read by its extractor).
#[derive(Deserialize)]
pub struct RecordingPath {
    recording: RecordingId,
}

/// `POST /track/{token}/recordings/{recording}/text` with `transcript` and `index` (docs/api.md,
/// "Transcripts and indexes"): a ready recording of the story, while it may be edited.
pub async fn edit_text(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    token: TrackingToken,
    Path(RecordingPath { recording }): Path<RecordingPath>,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let (transcript, index) = (
        posted.text(TranscriptField::Transcript),
        posted.text(TranscriptField::Index),
    );
    match contribute::edit_recording_text(&state, &token, recording, (transcript, index)).await? {
        TextOutcome::Saved => {
            Ok(Redirect::to(&format!("{}?saved=1", token.path())).into_response())
        }
        TextOutcome::Invalid(errors) => {
            let action = TranscriptForm::track_action(&token.path(), recording);
            let form = TranscriptForm::stored(recording, action, None, 0, None, None).refused(
                transcript.to_owned(),
                index.to_owned(),
                errors,
            );
            let failed = FailedForm::Text(form);
            let page = track_page(&state, locale, &token, None, Some(failed)).await?;
            Ok(private_html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
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
