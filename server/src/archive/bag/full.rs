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

pub async fn write_page(
    db: &mut PgConnection,
    bag: &mut Bag,
    cx: &mut Context<'_>,
    page: &Page,
) -> Result<(), ExportError> {
    let ids: Vec<i64> = page.ids().iter().map(|id| id.0).collect();
    let docs = documents(db, &ids).await?;
    for (story, (id, doc)) in page.stories.iter().zip(docs) {
        if id != story.record.id {
            return Err(ExportError::Missing(format!(
                "story {} changed during the export",
                story.record.id
            )));
        }
        write_story(bag, cx, story, doc).await?;
    }
    Ok(())
}

/// Each story's document, in id order. Columns come as `to_jsonb` gives them (timestamps in
/// UTC as the export's session is, `bytea` as `"\\x…"` hex), so new columns are exported
/// without a change here; `search_terms` is generated from the text and left out.
async fn documents(db: &mut PgConnection, ids: &[i64]) -> Result<Vec<(i64, Value)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select s.id, jsonb_build_object(
               'schema', 'shinian.story/1',
               'kind', 'full',
               'story', to_jsonb(s) - 'search_terms',
               'themes', coalesce((select jsonb_agg(t.theme order by t.theme)
                                   from story_themes t where t.story_id = s.id), '[]'),
               'contributor', (select to_jsonb(c) - 'story_id'
                               from story_contributors c where c.story_id = s.id),
               'consents', coalesce((select jsonb_agg(to_jsonb(c) - 'story_id' order by c.id)
                                     from story_consents c where c.story_id = s.id), '[]'),
               'tracking_token_sha256', (select encode(k.token_hash, 'hex')
                                         from story_tracking_tokens k where k.story_id = s.id),
               'revisions', coalesce((select jsonb_agg(to_jsonb(v) - 'story_id' order by v.id)
                                      from story_revisions v where v.story_id = s.id), '[]'),
               'photos', coalesce((select jsonb_agg(to_jsonb(p) - 'story_id' order by p.slot, p.position)
                                   from photos p where p.story_id = s.id), '[]'),
               'recordings', coalesce((select jsonb_agg((to_jsonb(r) - 'story_id') || jsonb_build_object(
                       'redactions', coalesce((select jsonb_agg(to_jsonb(d) - 'recording_id' order by d.id)
                                               from recording_redactions d where d.recording_id = r.id), '[]'),
                       'text_revisions', coalesce((select jsonb_agg(to_jsonb(x) - 'recording_id' order by x.id)
                                                   from recording_text_revisions x where x.recording_id = r.id), '[]'))
                       order by r.position)
                   from recordings r where r.story_id = s.id), '[]')
           ) as "doc!"
           from stories s where s.id = any($1) order by s.id"#,
        ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.doc)).collect())
}

async fn write_story(
    bag: &mut Bag,
    cx: &mut Context<'_>,
    story: &Story,
    mut doc: Value,
) -> Result<(), ExportError> {
    let folder = story.folder();
    let mut photos = 0;
    if let Some(list) = doc.get_mut("photos").and_then(Value::as_array_mut) {
        photos = list.len();
        for photo in list {
            let path = format!("{folder}/photos/{}/original", number(photo, "id"));
            copy_original(bag, cx, photo, &path).await?;
            cx.csv.photo(&photo_line(story, photo, &path))?;
            photo["file"] = Value::String(path);
        }
    }
    let mut recordings = 0;
    if let Some(list) = doc.get_mut("recordings").and_then(Value::as_array_mut) {
        recordings = list.len();
        for recording in list {
            let path = format!("{folder}/recordings/{}/original", number(recording, "id"));
            copy_original(bag, cx, recording, &path).await?;
            recording["file"] = Value::String(path);
        }
    }
    let json = serde_json::to_vec_pretty(&doc).expect("a document serializes");
    bag.put(&format!("{folder}/story.json"), &json)?;
    if story.record.title.is_some() {
        let xml = dc::record(&story.record, story.changed, &cx.repo);
        bag.put(&format!("{folder}/dc.xml"), &xml)?;
    }
    let permalink = cx.repo.permalink(story.id());
    cx.csv
        .story(story, photos, recordings, &folder, &permalink)?;
    Ok(())
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
