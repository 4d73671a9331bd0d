//! `GET /oai?verb=…` and `POST /oai` (the same arguments as an urlencoded form). Protocol
//! errors are answers too: 200 with an `error` element, as OAI-PMH asks.

use super::repository::Repository;
use super::request::{self, Arguments, ErrorCode, OaiError, Verb};
use super::verbs::{self, Answer, Failure, ListPage};
use super::xml::{self, Envelope, XmlWriter};
use crate::state::AppState;
use crate::web::AppError;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use time::OffsetDateTime;

pub fn routes() -> Router<AppState> {
    Router::new().route("/oai", get(by_get).post(by_post))
}

async fn by_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let args = Arguments::parse(query.unwrap_or_default().as_bytes());
    respond(&state, &args).await
}

async fn by_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let urlencoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim() == "application/x-www-form-urlencoded");
    if !urlencoded {
        let message = "a POST request is an application/x-www-form-urlencoded form";
        let error = OaiError::new(ErrorCode::BadArgument, message);
        return Ok(refusal(&state, &Arguments::default(), &error));
    }
    respond(&state, &Arguments::parse(&body)).await
}

async fn respond(state: &AppState, args: &Arguments) -> Result<Response, AppError> {
    let now = OffsetDateTime::now_utc();
    let repo = Repository::of(&state.config);
    let (verb, request) = match request::parse(args, now) {
        Ok(parsed) => parsed,
        Err(error) => return Ok(refusal(state, args, &error)),
    };
    match verbs::answer(&state.db, &repo, request, now).await {
        Ok(answer) => {
            let envelope = envelope(&repo, now, &args.0);
            Ok(xml_response(xml::document(&envelope, |w| {
                write_answer(w, &repo, verb, &answer)
            })))
        }
        Err(Failure::Protocol(error)) => Ok(refusal(state, args, &error)),
        Err(Failure::Database(error)) => Err(error.into()),
    }
}

fn envelope<'a>(
    repo: &'a Repository,
    now: OffsetDateTime,
    echo: &'a [(String, String)],
) -> Envelope<'a> {
    Envelope {
        response_date: now,
        base_url: &repo.base_url,
        echo,
    }
}

fn refusal(state: &AppState, args: &Arguments, error: &OaiError) -> Response {
    let repo = Repository::of(&state.config);
    let echo: &[(String, String)] = if error.code.echoes_arguments() {
        &args.0
    } else {
        &[]
    };
    let envelope = envelope(&repo, OffsetDateTime::now_utc(), echo);
    xml_response(xml::document(&envelope, |w| xml::error(w, error)))
}

fn write_answer(
    w: &mut XmlWriter,
    repo: &Repository,
    verb: Verb,
    answer: &Answer,
) -> std::io::Result<()> {
    match answer {
        Answer::Identify { earliest } => xml::identify(w, repo, *earliest),
        Answer::MetadataFormats => xml::metadata_formats(w),
        Answer::Sets => xml::sets(w),
        Answer::Record(record) => {
            w.create_element(verb.name())
                .write_inner_content(|w| xml::record(w, record))?;
            Ok(())
        }
        Answer::Records(page) => list(w, verb, page, xml::record),
        Answer::Headers(page) => list(w, verb, page, xml::header),
    }
}

fn list<T>(
    w: &mut XmlWriter,
    verb: Verb,
    page: &ListPage<T>,
    item: fn(&mut XmlWriter, &T) -> std::io::Result<()>,
) -> std::io::Result<()> {
    w.create_element(verb.name()).write_inner_content(|w| {
        for each in &page.items {
            item(w, each)?;
        }
        if page.paged {
            xml::resumption_token(w, page.next.as_ref(), page.cursor)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn xml_response(body: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    response
}
