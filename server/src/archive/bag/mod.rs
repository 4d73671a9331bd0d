//! `server export`: the collection as a BagIt bag (RFC 8493, docs/archive.md "Bags").
//! A **public** bag holds what the public pages and `/oai` show of approved stories; a
//! **full** bag holds everything needed to restore the site. Stories are read in keyset
//! pages of `PAGE` from one repeatable-read snapshot and written as they come (`writer`
//! hashes while writing), so memory stays bounded whatever the collection's size.

pub mod context;
pub mod csv;
pub mod dc;
pub mod full;
pub mod json;
pub mod kind;
pub mod public;
pub mod records;
pub mod writer;

use crate::archive::oai::repository::Repository;
use crate::config::Config;
use crate::media::store::MediaStore;
pub use context::{Context, Tally};
pub use kind::{ExportError, Kind};
use records::Page;
use sqlx::PgPool;
use std::path::Path;
use writer::{Bag, Oxum};

/// Stories per database page (a page of a full bag's documents is a few MB).
const PAGE: i64 = 1000;
/// Pages read ahead of the one being written.
const PAGES_AHEAD: usize = 2;
/// Stories between two progress lines on stderr.
const PROGRESS_EVERY: u64 = 1000;

/// A page of stories with the rows its kind writes them from.
struct ReadPage {
    stories: Page,
    rows: PageRows,
}

enum PageRows {
    Public(public::Rows),
    Full(full::Rows),
}

/// Reads the pages in the export's snapshot while the pages before are written: the
/// database's work and the files' overlap. Stops when the writer does; gives the transaction
/// back for the tables and the commit.
async fn read_pages(
    mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
    kind: Kind,
    pages: tokio::sync::mpsc::Sender<ReadPage>,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, ExportError> {
    let statement = match kind {
        Kind::Full { .. } => Some(full::StoryStatement::prepare(&mut tx).await?),
        Kind::Public | Kind::Open => None,
    };
    let mut after = 0;
    loop {
        let stories = Page::read(&mut tx, kind, after, PAGE).await?;
        let Some(last) = stories.last_id() else { break };
        let rows = match &statement {
            Some(statement) => PageRows::Full(full::read(&mut tx, statement, &stories).await?),
            None => PageRows::Public(public::read(&mut tx, &stories).await?),
        };
        if pages.send(ReadPage { stories, rows }).await.is_err() {
            break; // the writer failed; its error is the one reported
        }
        after = last;
    }
    Ok(tx)
}

/// The warning a full bag carries in its bag-info.txt and prints when written.
pub const PERSONAL_DATA_WARNING: &str = "WARNING: this full bag contains personal data (contributors' names and contact details, consent records, staff accounts, private originals whose EXIF may hold GPS positions). Keep it as securely as the database itself; do not publish it.";

/// What was written.
#[derive(Debug, Clone, Copy)]
pub struct Exported {
    pub stories: u64,
    pub oxum: Oxum,
    pub tally: Tally,
}

/// Writes a bag of `kind` into `out` (empty or new).
pub async fn export(
    db: &PgPool,
    config: &Config,
    out: &Path,
    kind: Kind,
) -> Result<Exported, ExportError> {
    let mut bag = Bag::create(out)?;
    if let Kind::Full { .. } = kind {
        eprintln!("{PERSONAL_DATA_WARNING}");
    }
    let mut tx = db.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    sqlx::query("set local timezone to 'UTC'")
        .execute(&mut *tx)
        .await?;
    let mut indexes = csv::Indexes::new(&mut bag)?;
    let mut cx = Context {
        repo: Repository::of(config),
        media: MediaStore::from_config(config),
        kind,
        csv: &mut indexes,
        tally: Tally::default(),
    };
    let (pages, mut next) = tokio::sync::mpsc::channel(PAGES_AHEAD);
    let reader = tokio::spawn(read_pages(tx, kind, pages));
    let mut stories = 0u64;
    while let Some(page) = next.recv().await {
        let count = u64::try_from(page.stories.len()).unwrap_or(u64::MAX);
        match page.rows {
            PageRows::Public(rows) => {
                public::write_page(&mut bag, &mut cx, &page.stories, rows).await?
            }
            PageRows::Full(docs) => {
                full::write_page(&mut bag, &mut cx, &page.stories, docs).await?
            }
        }
        let before = stories;
        stories += count;
        if stories / PROGRESS_EVERY > before / PROGRESS_EVERY {
            eprintln!("exported {stories} stories");
        }
    }
    let mut tx = reader
        .await
        .map_err(|e| ExportError::Missing(format!("reading the stories stopped: {e}")))??;
    if let Kind::Full {
        with_password_hashes,
    } = kind
    {
        full::write_tables(&mut tx, &mut bag, with_password_hashes).await?;
    }
    let tally = cx.tally;
    indexes.finish(&mut bag)?;
    tx.commit().await?;
    let oxum = bag.finish(&bag_info(&organization(config), kind, stories))?;
    eprintln!("exported {stories} stories; payload {oxum} (bytes.files)");
    Ok(Exported {
        stories,
        oxum,
        tally,
    })
}

/// `BAG_SOURCE_ORGANIZATION`, else the site's name.
fn organization(config: &Config) -> String {
    if config.bag_source_organization.is_empty() {
        Repository::of(config).name
    } else {
        config.bag_source_organization.clone()
    }
}

fn bag_info(organization: &str, kind: Kind, stories: u64) -> Vec<(&'static str, String)> {
    let today = crate::archive::oai::date::day(time::OffsetDateTime::now_utc());
    let description = match kind {
        Kind::Public => format!(
            "Public export of {organization}: the {stories} approved stories with what the public pages show of them (display-only stories: metadata and permalink only), their public photo sizes and, with the narrator's consent, their recordings' access copies. Per story: data/stories/<id>/story.json (schema shinian.story/1) and dc.xml (DCMI terms). Indexes: data/stories.csv, data/photos.csv."
        ),
        Kind::Open => format!(
            "Open data of {organization}: the {stories} approved stories published under a Creative Commons licence (CC BY 4.0 or CC BY-NC 4.0, named per story), with what the public pages show of them, their public photo sizes and, with the narrator's consent, their recordings' access copies. Per story: data/stories/<id>/story.json (schema shinian.story/1) and dc.xml (DCMI terms). Indexes: data/stories.csv, data/photos.csv."
        ),
        Kind::Full { .. } => format!(
            "Full export of {organization} for its own archive and for restoring: all {stories} stories in every status with their private fields, consents, revisions, photo and recording originals, and data/tables/ (accounts, audit log)."
        ),
    };
    let mut info = vec![
        ("Source-Organization", organization.to_owned()),
        ("Bagging-Date", today),
        (
            "Bag-Software-Agent",
            format!("Shinian server {}", env!("CARGO_PKG_VERSION")),
        ),
        ("External-Description", description),
        ("Bag-Group-Identifier", format!("shinian-{}", kind.name())),
    ];
    if let Kind::Full { .. } = kind {
        info.push((
            "Internal-Sender-Description",
            PERSONAL_DATA_WARNING.to_owned(),
        ));
    }
    info
}
