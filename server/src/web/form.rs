//! Reads a posted form strictly: `application/x-www-form-urlencoded` or `multipart/form-data`,
//! text decoded as UTF-8 with no replacement characters (invalid UTF-8 is refused, not
//! repaired), and all text fields together capped at `limits::TEXT_FIELDS_TOTAL_BYTES`.
//! Handlers take the form as an extractor (`PostedForm`, or `PostedWithPhotos` where photo
//! files may come) and read its values by each form's field enum, never by a string.

use super::error::AppError;
use crate::media::recordings::intake::{self, ReceivedRecording, RecordingCounts};
use crate::media::store::MediaStore;
use crate::media::upload::{self, ReceiveError, ReceivedPhoto, SideCounts, UploadGate};
use crate::state::AppState;
use app::domain::limits::TEXT_FIELDS_TOTAL_BYTES;
use app::domain::{Field, FormField, PhotoSlot, is_checked};
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use http_body_util::BodyExt;

/// URL encoding can triple the size of text (`%E5%9C%B0` for 地), so the raw body of an
/// urlencoded form may be up to three times the decoded limit.
const URLENCODED_RAW_MAX: usize = TEXT_FIELDS_TOTAL_BYTES * 3 + 4096;

/// The text fields of a posted form, in the order they were sent, and its photo files when
/// the route accepts them. As an extractor: a form without files (a file part is refused).
#[derive(Debug, Default)]
pub struct PostedForm {
    fields: Vec<(String, String)>,
    pub photos: Vec<ReceivedPhoto>,
    pub recordings: Vec<ReceivedRecording>,
}

impl PostedForm {
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// The first value of a field.
    pub fn get(&self, field: impl FormField) -> Option<&str> {
        self.named(field.name())
    }

    /// The first value of a field, or blank when it was not sent.
    pub fn text(&self, field: impl FormField) -> &str {
        self.get(field).unwrap_or("")
    }

    /// Every value of a repeated field, in the order sent.
    pub fn all(&self, field: impl FormField) -> impl Iterator<Item = &str> {
        let name = field.name();
        self.pairs()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// Whether a checkbox was ticked (`app::domain::is_checked`).
    pub fn checked(&self, field: impl FormField) -> bool {
        self.all(field).any(is_checked)
    }

    /// The first value of a field whose name is built per item (`photo_{id}_caption`).
    pub fn named(&self, name: &str) -> Option<&str> {
        self.pairs().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl<S: Send + Sync> FromRequest<S> for PostedForm {
    type Rejection = AppError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        read_form(&parts.headers, body).await
    }
}

/// A form that may carry `photo_then` / `photo_now` and `recording` files (multipart only),
/// streamed into the media store's `tmp/` as the body arrives. A multipart body is read only in its turn of the
/// upload gate; no turn within `UPLOAD_WAIT_SECS` is a 503 (busy) and nothing is read or kept.
#[derive(Debug)]
pub struct PostedWithPhotos(pub PostedForm);

impl FromRequest<AppState> for PostedWithPhotos {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        read_form_with_photos(&parts.headers, body, &state.media, &state.uploads)
            .await
            .map(PostedWithPhotos)
    }
}

/// What the `PostedForm` extractor reads (a file part is refused).
pub async fn read_form(headers: &HeaderMap, body: Body) -> Result<PostedForm, AppError> {
    read(headers, body, None).await
}

/// What the `PostedWithPhotos` extractor reads, in a turn of `gate` when multipart.
pub async fn read_form_with_photos(
    headers: &HeaderMap,
    body: Body,
    files: &MediaStore,
    gate: &UploadGate,
) -> Result<PostedForm, AppError> {
    let _turn = if mime(content_type(headers)) == MULTIPART {
        Some(gate.turn().await.ok_or(AppError::UploadsBusy)?)
    } else {
        None
    };
    read(headers, body, Some(files)).await
}

const MULTIPART: &str = "multipart/form-data";

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The media type of a Content-Type value, lower case, without its parameters.
fn mime(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

async fn read(
    headers: &HeaderMap,
    body: Body,
    files: Option<&MediaStore>,
) -> Result<PostedForm, AppError> {
    let content_type = content_type(headers);
    match mime(content_type).as_str() {
        "application/x-www-form-urlencoded" => read_urlencoded(body).await,
        MULTIPART => {
            let boundary =
                multer::parse_boundary(content_type).map_err(|_| AppError::BadRequest)?;
            read_multipart(body, boundary, files).await
        }
        _ => Err(AppError::UnsupportedMediaType),
    }
}

async fn read_urlencoded(body: Body) -> Result<PostedForm, AppError> {
    let raw = http_body_util::Limited::new(body, URLENCODED_RAW_MAX)
        .collect()
        .await
        .map_err(|e| body_error(e.as_ref()))?
        .to_bytes();
    let mut form = PostedForm::default();
    let mut budget = TextBudget::default();
    for pair in raw.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut parts = pair.splitn(2, |b| *b == b'=');
        let name = decode_component(parts.next().unwrap_or_default())?;
        let value = decode_component(parts.next().unwrap_or_default())?;
        budget.spend(name.len() + value.len())?;
        form.fields.push((name, value));
    }
    Ok(form)
}

fn decode_component(encoded: &[u8]) -> Result<String, AppError> {
    let spaced: Vec<u8> = encoded
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
    String::from_utf8(bytes).map_err(|_| AppError::InvalidUtf8)
}

async fn read_multipart(
    body: Body,
    boundary: String,
    files: Option<&MediaStore>,
) -> Result<PostedForm, AppError> {
    let stream = body.into_data_stream();
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut form = PostedForm::default();
    let mut budget = TextBudget::default();
    let mut counts = SideCounts::default();
    let mut recording_counts = RecordingCounts::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let (Some(files), true, Some(file_name)) =
            (files, name == Field::Recording.name(), field.file_name())
        {
            let empty_name = file_name.is_empty();
            let received = intake::receive(&mut field, empty_name, files, &mut recording_counts)
                .await
                .map_err(receive_error)?;
            form.recordings.extend(received);
            continue;
        }
        if let (Some(files), Some(slot), Some(file_name)) =
            (files, photo_slot(&name), field.file_name())
        {
            let empty_name = file_name.is_empty();
            let received = upload::receive(&mut field, empty_name, slot, files, &mut counts)
                .await
                .map_err(receive_error)?;
            if let Some(photo) = received {
                form.photos.push(photo);
            }
            continue;
        }
        if field.file_name().is_some() {
            refuse_unexpected_file(&mut field).await?;
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            budget.spend(chunk.len())?;
            bytes.extend_from_slice(&chunk);
        }
        budget.spend(name.len())?;
        let value = String::from_utf8(bytes).map_err(|_| AppError::InvalidUtf8)?;
        form.fields.push((name, value));
    }
    Ok(form)
}

/// The side a file part's field name (`photo_then` / `photo_now`) stands for.
fn photo_slot(field_name: &str) -> Option<PhotoSlot> {
    PhotoSlot::BOTH
        .into_iter()
        .find(|s| s.field().name() == field_name)
}

/// A photo part that could not be read is answered like any other part; a store that failed
/// is a server fault (`web::error`).
fn receive_error(error: ReceiveError<multer::Error>) -> AppError {
    match error {
        ReceiveError::Read(error) => multipart_error(error),
        ReceiveError::Intake(error) => error.into(),
    }
}

/// A file input left empty still sends a part with an empty file name and no content: that
/// means "no file". Any other file is refused here; photo uploads have their own reader.
async fn refuse_unexpected_file(field: &mut multer::Field<'_>) -> Result<(), AppError> {
    let empty_name = field.file_name().is_some_and(str::is_empty);
    let mut size = 0;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        size += chunk.len();
    }
    if empty_name && size == 0 {
        Ok(())
    } else {
        Err(AppError::BadRequest)
    }
}

#[derive(Default)]
struct TextBudget {
    spent: usize,
}

impl TextBudget {
    fn spend(&mut self, bytes: usize) -> Result<(), AppError> {
        self.spent += bytes;
        if self.spent > TEXT_FIELDS_TOTAL_BYTES {
            return Err(AppError::PayloadTooLarge);
        }
        Ok(())
    }
}

fn multipart_error(error: multer::Error) -> AppError {
    match error {
        multer::Error::StreamReadFailed(inner) => body_error(inner.as_ref()),
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            AppError::PayloadTooLarge
        }
        _ => AppError::BadRequest,
    }
}

/// The body limit layer reports an oversized body as a stream error, the server a stalled one.
fn body_error(error: &(dyn std::error::Error + 'static)) -> AppError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return AppError::PayloadTooLarge;
        }
        if e.is::<crate::serve::BodyTooSlow>() {
            return AppError::RequestTimeout;
        }
        source = e.source();
    }
    AppError::BadRequest
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::Field;

    async fn urlencoded(body: &'static str) -> Result<PostedForm, AppError> {
        let request = axum::http::Request::builder()
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        PostedForm::from_request(request, &()).await
    }

    #[tokio::test]
    async fn decodes_urlencoded_strictly() {
        let form = urlencoded("title=%E5%9C%B0%E9%93%81+8&themes=a&themes=b&empty=")
            .await
            .unwrap();
        assert_eq!(form.get(Field::Title), Some("地铁 8"));
        assert_eq!(form.all(Field::Themes).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(form.text(Field::Place), "");
        assert!(matches!(
            urlencoded("title=%FF%FE").await,
            Err(AppError::InvalidUtf8)
        ));
    }

    #[tokio::test]
    async fn reads_checkboxes_one_way() {
        let form = urlencoded("consent_publish=on&year_then_approx=off")
            .await
            .unwrap();
        assert!(form.checked(Field::ConsentPublish));
        assert!(!form.checked(Field::YearThenApprox));
        assert!(!form.checked(Field::ConsentFaces));
    }

    #[tokio::test]
    async fn refuses_unknown_content_types() {
        let request = axum::http::Request::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let result = PostedForm::from_request(request, &()).await;
        assert!(matches!(result, Err(AppError::UnsupportedMediaType)));
    }
}
