//! A page of a **full** bag: every story in every status, each as one `story.json`
//! (`"kind": "full"`) holding its rows as the database has them — the story's columns, its
//! themes, contributor details, consents (with the wording version each answered), the
//! SHA-256 of its tracking token, revisions, photos (with their derivatives' metadata) and
//! recordings (with transcripts, indexes, redactions and their text revisions) — plus the
//! originals of its photos and recordings. Tables that do not belong to one story go to
//! `data/tables/{table}.jsonl` (`write_tables`). docs/archive.md lists every table.

use super::context::Context;
use super::csv::PhotoLine;
use super::dc;
use super::kind::ExportError;
use super::records::{Page, Story};
use super::writer::Bag;
use crate::media::names::is_valid_key;
use serde_json::Value;
use sqlx::PgConnection;
use std::io::Write;

/// A page's stories, in its order: each one's columns and its nested parts as JSON text.
pub type Rows = Vec<StoryDocument>;

/// One story as the database gives it, put together into its `story.json` without being
/// parsed: a document is written as PostgreSQL's `jsonb` text of its rows.
pub struct StoryDocument {
    id: i64,
    story: String,
    /// `(member, JSON)` of the members of `PARTS` the story has rows for.
    parts: Vec<(String, String)>,
}

/// The members of a full `story.json` after `schema`, `kind` and `story`, in order, with the
/// value a story without such rows gets.
const PARTS: [(&str, &str); 7] = [
    ("themes", "[]"),
    ("contributor", "null"),
    ("consents", "[]"),
    ("tracking_token_sha256", "null"),
    ("revisions", "[]"),
    ("photos", "[]"),
    ("recordings", "[]"),
];

impl StoryDocument {
    fn part(&self, member: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(m, _)| m == member)
            .map(|(_, json)| json.as_str())
    }

    fn json(&self) -> String {
        let mut json = String::with_capacity(self.story.len() + 256);
        json.push_str("{\"schema\": \"shinian.story/1\", \"kind\": \"full\", \"story\": ");
        json.push_str(&self.story);
        for (member, empty) in PARTS {
            json.push_str(", \"");
            json.push_str(member);
            json.push_str("\": ");
            json.push_str(self.part(member).unwrap_or(empty));
        }
        json.push_str("}\n");
        json
    }
}

/// The statement that reads a page's story rows as `to_jsonb` gives them (timestamps in UTC
/// as the export's session is, `bytea` as `"\\x…"` hex): every column but the generated ones
/// (`search_terms`, made from the text; turning it into text would be half the work), listed
/// from the catalogue when the export starts, so new columns are exported without a change.
pub struct StoryStatement(String);

impl StoryStatement {
    pub async fn prepare(db: &mut PgConnection) -> Result<StoryStatement, sqlx::Error> {
        let columns = sqlx::query_scalar!(
            r#"select string_agg(quote_ident(attname), ', ' order by attnum) as "columns!"
               from pg_attribute
               where attrelid = 'stories'::regclass and attnum > 0 and not attisdropped
                 and attgenerated = ''"#
        )
        .fetch_one(db)
        .await?;
        // The column names come from the catalogue, quoted by `quote_ident`.
        Ok(StoryStatement(format!(
            "select s.id, to_jsonb(s)::text from (select {columns} from stories where id = any($1)) s order by s.id"
        )))
    }
}

/// Each story's row, then the rows of the tables that belong to the stories: one aggregate
/// per story and table, set-based over the page.
pub async fn read(
    db: &mut PgConnection,
    statement: &StoryStatement,
    page: &Page,
) -> Result<Rows, sqlx::Error> {
    let ids: Vec<i64> = page.ids().iter().map(|id| id.0).collect();
    let stories: Vec<(i64, String)> = sqlx::query_as(&statement.0)
        .bind(&ids)
        .fetch_all(&mut *db)
        .await?;
    let parts = sqlx::query!(
        r#"select story_id as "story_id!", member as "member!", json as "json!" from (
             select t.story_id, 'themes' as member, jsonb_agg(t.theme order by t.theme)::text as json
               from story_themes t where t.story_id = any($1) group by t.story_id
             union all
             select c.story_id, 'contributor', (to_jsonb(c) - 'story_id')::text
               from story_contributors c where c.story_id = any($1)
             union all
             select c.story_id, 'consents', jsonb_agg(to_jsonb(c) - 'story_id' order by c.id)::text
               from story_consents c where c.story_id = any($1) group by c.story_id
             union all
             select k.story_id, 'tracking_token_sha256', to_jsonb(encode(k.token_hash, 'hex'))::text
               from story_tracking_tokens k where k.story_id = any($1)
             union all
             select v.story_id, 'revisions', jsonb_agg(to_jsonb(v) - 'story_id' order by v.id)::text
               from story_revisions v where v.story_id = any($1) group by v.story_id
             union all
             select p.story_id, 'photos', jsonb_agg((to_jsonb(p) - 'story_id') || jsonb_build_object(
                      'file', format('stories/%s/photos/%s/original', p.story_id, p.id))
                    order by p.slot, p.position)::text
               from photos p where p.story_id = any($1) group by p.story_id
             union all
             select r.story_id, 'recordings', jsonb_agg((to_jsonb(r) - 'story_id') || jsonb_build_object(
                      'redactions', coalesce((select jsonb_agg(to_jsonb(d) - 'recording_id' order by d.id)
                                              from recording_redactions d where d.recording_id = r.id), '[]'),
                      'text_revisions', coalesce((select jsonb_agg(to_jsonb(x) - 'recording_id' order by x.id)
                                                  from recording_text_revisions x where x.recording_id = r.id), '[]'),
                      'file', format('stories/%s/recordings/%s/original', r.story_id, r.id))
                    order by r.position)::text
               from recordings r where r.story_id = any($1) group by r.story_id
           ) parts order by story_id"#,
        &ids
    )
    .fetch_all(&mut *db)
    .await?;
    let mut parts = parts.into_iter().peekable();
    let mut docs = Vec::with_capacity(stories.len());
    for (id, story) in stories {
        let mut doc = StoryDocument {
            id,
            story,
            parts: vec![],
        };
        while let Some(part) = parts.next_if(|p| p.story_id <= id) {
            if part.story_id == id {
                doc.parts.push((part.member, part.json));
            }
        }
        docs.push(doc);
    }
    Ok(docs)
}

pub async fn write_page(
    bag: &mut Bag,
    cx: &mut Context<'_>,
    page: &Page,
    docs: Rows,
) -> Result<(), ExportError> {
    if docs.len() != page.len() {
        return Err(ExportError::Missing(
            "a story changed during the export".to_owned(),
        ));
    }
    for (story, doc) in page.stories.iter().zip(docs) {
        if doc.id != story.record.id {
            return Err(ExportError::Missing(format!(
                "story {} changed during the export",
                story.record.id
            )));
        }
        write_story(bag, cx, story, doc).await?;
    }
    Ok(())
}

async fn write_story(
    bag: &mut Bag,
    cx: &mut Context<'_>,
    story: &Story,
    doc: StoryDocument,
) -> Result<(), ExportError> {
    let folder = story.folder();
    let photos = media_rows(&doc, "photos")?;
    for photo in &photos {
        let path = format!("{folder}/photos/{}/original", number(photo, "id"));
        copy_original(bag, cx, photo, &path).await?;
        cx.csv.photo(&photo_line(story, photo, &path))?;
    }
    let recordings = media_rows(&doc, "recordings")?;
    for recording in &recordings {
        let path = format!("{folder}/recordings/{}/original", number(recording, "id"));
        copy_original(bag, cx, recording, &path).await?;
    }
    bag.put(&format!("{folder}/story.json"), doc.json().as_bytes())?;
    if story.record.title.is_some() {
        let xml = dc::record(&story.record, story.changed, &cx.repo);
        bag.put(&format!("{folder}/dc.xml"), &xml)?;
    }
    let permalink = cx.repo.permalink(story.id());
    cx.csv
        .story(story, photos.len(), recordings.len(), &folder, &permalink)?;
    Ok(())
}

/// A story's photo or recording rows (`member`), read for their originals and the index.
fn media_rows(doc: &StoryDocument, member: &str) -> Result<Vec<Value>, ExportError> {
    let Some(json) = doc.part(member) else {
        return Ok(vec![]);
    };
    serde_json::from_str(json)
        .map_err(|e| ExportError::Missing(format!("story {}'s {member}: {e}", doc.id)))
}

fn number(row: &Value, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or_default()
}

fn text(row: &Value, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Copies the original a photo or recording row names into the bag.
async fn copy_original(
    bag: &mut Bag,
    cx: &Context<'_>,
    row: &Value,
    path: &str,
) -> Result<(), ExportError> {
    let key = text(row, "original_key").unwrap_or_default();
    let source = format!("originals/{key}");
    let missing = || {
        ExportError::Missing(format!(
            "the original {source} of {path} is missing from the media store; `server fixity-check` lists what is missing"
        ))
    };
    if !is_valid_key(&key) {
        return Err(missing());
    }
    if text(row, "file").is_none_or(|file| file != path) {
        return Err(ExportError::Missing(format!(
            "{path}: the document names another file"
        )));
    }
    let reader = cx.media.read_original(&key).await?.ok_or_else(missing)?;
    bag.copy_stream(path, reader, &source).await?;
    Ok(())
}

fn photo_line(story: &Story, photo: &Value, path: &str) -> PhotoLine {
    PhotoLine {
        story: story.id(),
        id: number(photo, "id"),
        slot: text(photo, "slot").unwrap_or_default(),
        position: number(photo, "position"),
        year: photo.get("year").and_then(Value::as_i64),
        caption: text(photo, "caption"),
        credit: text(photo, "credit"),
        alt: text(photo, "alt").unwrap_or_default(),
        width: photo.get("width").and_then(Value::as_i64),
        height: photo.get("height").and_then(Value::as_i64),
        files: vec![path.to_owned()],
    }
}

/// Tables that belong to no one story, one JSON object per row and line, in id order.
/// `account_audit_log` is exported when the database has it.
const TABLES: [&str; 3] = ["accounts", "story_audit_log", "account_audit_log"];
const TABLE_PAGE: i64 = 5000;

pub async fn write_tables(
    db: &mut PgConnection,
    bag: &mut Bag,
    with_password_hashes: bool,
) -> Result<(), ExportError> {
    for table in TABLES {
        let exists: bool = sqlx::query_scalar("select to_regclass($1) is not null")
            .bind(table)
            .fetch_one(&mut *db)
            .await?;
        if exists {
            let drop = if table == "accounts" && !with_password_hashes {
                "password_hash"
            } else {
                ""
            };
            write_table(db, bag, table, drop).await?;
        }
    }
    Ok(())
}

async fn write_table(
    db: &mut PgConnection,
    bag: &mut Bag,
    table: &'static str,
    drop_column: &str,
) -> Result<(), ExportError> {
    let name = format!("tables/{table}.jsonl");
    let mut file = bag.file(&name)?;
    // The table's name is one of TABLES, never input.
    let query = format!(
        "select t.id, (to_jsonb(t) - $3::text)::text from {table} t where t.id > $1 order by t.id limit $2"
    );
    let mut after = 0i64;
    loop {
        let rows: Vec<(i64, String)> = sqlx::query_as(&query)
            .bind(after)
            .bind(TABLE_PAGE)
            .bind(drop_column)
            .fetch_all(&mut *db)
            .await?;
        let Some((last, _)) = rows.last() else { break };
        after = *last;
        for (_, json) in &rows {
            writeln!(file, "{json}").map_err(super::writer::BagError::io(
                "writing",
                std::path::Path::new(&name),
            ))?;
        }
    }
    bag.close(file)?;
    Ok(())
}
