//! What each verb answers, from the parsed request: an `Answer` for `xml` to write, or the
//! protocol error it ends in.

use super::date::OaiDate;
use super::dc::{self, Header, Record};
use super::repository::Repository;
use super::request::{ErrorCode, ListStart, OaiError, Request};
use super::store;
use super::token::{ListKind, Position, ResumptionToken, Window};
use app::domain::StoryId;
use sqlx::PgPool;
use time::OffsetDateTime;

/// Records (or headers) per page of ListRecords and ListIdentifiers.
pub const PAGE_SIZE: usize = 100;

pub enum Answer {
    Identify { earliest: OffsetDateTime },
    MetadataFormats,
    Sets,
    Record(Record),
    Records(ListPage<Record>),
    Headers(ListPage<Header>),
}

pub struct ListPage<T> {
    pub items: Vec<T>,
    /// Records of the list sent before this page.
    pub cursor: u64,
    pub next: Option<ResumptionToken>,
    /// Whether the list has other pages (then even the last one carries a token element).
    pub paged: bool,
}

pub enum Failure {
    Protocol(OaiError),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Failure {
        Failure::Database(error)
    }
}

impl From<OaiError> for Failure {
    fn from(error: OaiError) -> Failure {
        Failure::Protocol(error)
    }
}

pub async fn answer(
    db: &PgPool,
    repo: &Repository,
    request: Request,
    now: OffsetDateTime,
) -> Result<Answer, Failure> {
    match request {
        Request::Identify => Ok(Answer::Identify {
            earliest: store::earliest(db).await?.unwrap_or(now),
        }),
        Request::ListMetadataFormats { identifier } => {
            if let Some(identifier) = identifier {
                find(db, repo, &identifier).await?;
            }
            Ok(Answer::MetadataFormats)
        }
        Request::ListSets => Ok(Answer::Sets),
        Request::GetRecord { identifier } => {
            let row = find(db, repo, &identifier).await?;
            Ok(Answer::Record(Record::of(row, repo)))
        }
        Request::List { kind, start } => list(db, repo, kind, start, now).await,
    }
}

/// The record an identifier names, or idDoesNotExist.
async fn find(
    db: &PgPool,
    repo: &Repository,
    identifier: &str,
) -> Result<store::RecordRow, Failure> {
    let missing = || OaiError::new(ErrorCode::IdDoesNotExist, "no record has this identifier");
    let id: StoryId = repo.story_of(identifier).ok_or_else(missing)?;
    store::one(db, id)
        .await?
        .ok_or_else(|| Failure::Protocol(missing()))
}

/// One page of a list. A new list is pinned first ([`store::pin`]); a resumed one keeps its pin.
async fn list(
    db: &PgPool,
    repo: &Repository,
    kind: ListKind,
    start: ListStart,
    now: OffsetDateTime,
) -> Result<Answer, Failure> {
    let (window, after, cursor) = match start {
        ListStart::New { set, from, until } => {
            let pin = store::pin(db).await?;
            let window = Window {
                set,
                from: from.map_or(OffsetDateTime::UNIX_EPOCH, OaiDate::start),
                upto: until.map_or(pin, |until| until.end().min(pin)),
            };
            (window, None, 0)
        }
        ListStart::Resume(token) => (token.window, Some(token.after), token.cursor),
    };
    let limit = i64::try_from(PAGE_SIZE + 1).expect("a small page size");
    let mut rows = store::page(db, &window, after, limit).await?;
    if rows.is_empty() && after.is_none() {
        let message = "no record matches these arguments";
        return Err(OaiError::new(ErrorCode::NoRecordsMatch, message).into());
    }
    let next = (rows.len() > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE);
        next_token(kind, window, rows.last().map(|r| r.position()), cursor, now)
    });
    let next = next.flatten();
    let paged = after.is_some() || next.is_some();
    Ok(match kind {
        ListKind::Records => Answer::Records(ListPage {
            items: rows.into_iter().map(|r| Record::of(r, repo)).collect(),
            cursor,
            next,
            paged,
        }),
        ListKind::Identifiers => Answer::Headers(ListPage {
            items: rows.iter().map(|r| dc::header(r, repo)).collect(),
            cursor,
            next,
            paged,
        }),
    })
}

fn next_token(
    kind: ListKind,
    window: Window,
    last: Option<Position>,
    cursor: u64,
    now: OffsetDateTime,
) -> Option<ResumptionToken> {
    let page = u64::try_from(PAGE_SIZE).expect("a small page size");
    Some(ResumptionToken {
        kind,
        window,
        after: last?,
        cursor: cursor + page,
        issued: now,
    })
}
