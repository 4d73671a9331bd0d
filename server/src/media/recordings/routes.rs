//! `GET /media/voice/{public_key}.mp3`: a recording's access copy (never the original), with
//! HTTP range requests so `<audio>` can seek without downloading the whole file; and
//! `GET /media/voice/{public_key}.vtt`: its transcript. The random public key is the
//! capability, as for photos (`media::routes`): while the story is pending or changes are
//! requested, whoever holds the link (the contributor's tracking page, moderators) may listen,
//! uncached; once approved it is cacheable for `PUBLIC_MAX_AGE`; otherwise 404 at once. A
//! voice the narrator did not agree to publish is served only to signed-in moderators.

use super::rows::RecordingState;
use crate::accounts::session::current_account;
use crate::media::names::is_valid_key;
use crate::media::routes::PUBLIC_MAX_AGE;
use crate::state::AppState;
use crate::web::AppError;
use app::domain::StoryStatus;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new().route("/media/voice/{file}", get(voice))
}

const PRIVATE_CACHE: &str = "private, no-store";

/// What a `/media/voice/` file name asks for.
#[derive(Debug, PartialEq, Eq)]
enum VoiceFile<'a> {
    Audio(&'a str),
    Transcript(&'a str),
}

impl VoiceFile<'_> {
    fn parse(file: &str) -> Option<VoiceFile<'_>> {
        let (key, extension) = file.split_once('.')?;
        if !is_valid_key(key) {
            return None;
        }
        match extension {
            "mp3" => Some(VoiceFile::Audio(key)),
            "vtt" => Some(VoiceFile::Transcript(key)),
            _ => None,
        }
    }
}

async fn voice(
    State(state): State<AppState>,
    Path(file): Path<String>,
    session: Session,
    request: Request,
) -> Result<Response, AppError> {
    let wanted = VoiceFile::parse(&file).ok_or(AppError::NotFound)?;
    let key = match wanted {
        VoiceFile::Audio(key) | VoiceFile::Transcript(key) => key,
    };
    let row = sqlx::query!(
        r#"select s.status as "status: StoryStatus", s.voice_consent,
                  r.state as "state: RecordingState", r.transcript
           from recordings r join stories s on s.id = r.story_id
           where r.public_key = $1"#,
        key
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)?;
    let public = match row.status {
        StoryStatus::Approved => true,
        StoryStatus::Pending | StoryStatus::ChangesRequested => false,
        _ => return Err(AppError::NotFound),
    };
    let cache = if public {
        format!("public, max-age={PUBLIC_MAX_AGE}")
    } else {
        PRIVATE_CACHE.to_owned()
    };
    match wanted {
        VoiceFile::Transcript(_) => {
            let vtt = row.transcript.ok_or(AppError::NotFound)?;
            Ok(transcript_response(vtt, &cache))
        }
        VoiceFile::Audio(key) => {
            if row.state != RecordingState::Ready {
                return Err(AppError::NotFound);
            }
            let cache = if row.voice_consent {
                cache
            } else if current_account(&session, &state).await?.is_some() {
                // Every account moderates (admins too).
                PRIVATE_CACHE.to_owned()
            } else {
                return Err(AppError::NotFound);
            };
            serve_audio(&state, key, &cache, request).await
        }
    }
}

fn transcript_response(vtt: String, cache: &str) -> Response {
    let mut response = vtt.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/vtt; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(cache) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"transcript.vtt\""),
    );
    response
}

/// The file with `Range`, `If-Modified-Since` and `Last-Modified` handled by tower-http (the
/// folder backend) or by the S3 service (the request's headers forwarded).
async fn serve_audio(
    state: &AppState,
    key: &str,
    cache: &str,
    request: Request,
) -> Result<Response, AppError> {
    // A copy that cannot be read is answered like a missing one, as it always was.
    let Ok(Some(mut response)) = state.media.serve_voice(key, request).await else {
        return Err(AppError::NotFound);
    };
    let status = response.status();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(cache) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    if status.is_success() {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/mpeg"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_names_are_served() {
        let key = "AAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(
            VoiceFile::parse(&format!("{key}.mp3")),
            Some(VoiceFile::Audio(key))
        );
        assert_eq!(
            VoiceFile::parse(&format!("{key}.vtt")),
            Some(VoiceFile::Transcript(key))
        );
        for bad in [
            format!("{key}.MP3"),
            format!("{key}.mp3.mp3"),
            format!("{key}.wav"),
            key.to_owned(),
            "../../etc/passwd.mp3".to_owned(),
            "short.mp3".to_owned(),
        ] {
            assert_eq!(VoiceFile::parse(&bad), None, "{bad}");
        }
    }
}
