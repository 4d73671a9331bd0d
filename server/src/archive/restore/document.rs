//! A full bag's `story.json` (`shinian.story/1`, `"kind": "full"`) taken apart into the rows
//! of each table it came from, and the originals it names. The inverse of
//! `bag::full::documents`: each nested row gets back the parent id the export left out.

use super::error::ImportError;
use serde_json::{Map, Value};

/// The story document's schema this server reads.
pub const SCHEMA: &str = "shinian.story/1";

/// What a photo or recording row says of its original.
#[derive(Debug, Clone)]
pub struct Original {
    /// `photo` or `recording`.
    pub object: &'static str,
    pub id: i64,
    pub key: String,
    /// The SHA-256 recorded when it was received.
    pub sha256: Vec<u8>,
    /// Its file in the bag, relative to `data/`.
    pub file: String,
}

/// One story's rows, table by table, and its originals.
#[derive(Debug, Default)]
pub struct StoryRows {
    pub id: i64,
    pub rows: Vec<(&'static str, Map<String, Value>)>,
    pub originals: Vec<Original>,
}

const MEMBERS: [&str; 10] = [
    "schema",
    "kind",
    "story",
    "themes",
    "contributor",
    "consents",
    "tracking_token_sha256",
    "revisions",
    "photos",
    "recordings",
];

pub fn split(doc: Value) -> Result<StoryRows, ImportError> {
    let Value::Object(mut doc) = doc else {
        return Err(invalid("a story.json is not a JSON object"));
    };
    match doc.get("schema").and_then(Value::as_str) {
        Some(SCHEMA) => {}
        other => {
            return Err(ImportError::Schema(format!(
                "story.json has schema {other:?}, this server reads {SCHEMA:?}"
            )));
        }
    }
    if doc.get("kind").and_then(Value::as_str) != Some("full") {
        return Err(ImportError::Schema(
            "a story.json is not of kind \"full\"".into(),
        ));
    }
    if let Some(member) = doc.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
        return Err(ImportError::Schema(format!(
            "story.json has a member {member:?} this server does not know"
        )));
    }
    let Some(Value::Object(story)) = doc.remove("story") else {
        return Err(invalid("a story.json has no story"));
    };
    let id = story
        .get("id")
        .and_then(Value::as_i64)
        .ok_or_else(|| invalid("a story has no id"))?;
    let mut out = StoryRows {
        id,
        ..StoryRows::default()
    };
    out.rows.push(("stories", story));
    for theme in array(&mut doc, "themes", id)? {
        let row = Map::from_iter([("story_id".into(), id.into()), ("theme".into(), theme)]);
        out.rows.push(("story_themes", row));
    }
    match doc.remove("contributor") {
        None | Some(Value::Null) => {}
        Some(Value::Object(row)) => out
            .rows
            .push(("story_contributors", child(row, "story_id", id))),
        Some(_) => {
            return Err(invalid(&format!(
                "story {id}: contributor is not an object"
            )));
        }
    }
    for row in objects(&mut doc, "consents", id)? {
        out.rows
            .push(("story_consents", child(row, "story_id", id)));
    }
    match doc.remove("tracking_token_sha256") {
        None | Some(Value::Null) => {}
        Some(Value::String(hash)) if decode_hex(&hash).is_some_and(|h| h.len() == 32) => {
            let row = Map::from_iter([
                ("story_id".into(), id.into()),
                ("token_hash".into(), Value::String(format!("\\x{hash}"))),
            ]);
            out.rows.push(("story_tracking_tokens", row));
        }
        Some(_) => {
            return Err(invalid(&format!(
                "story {id}: tracking_token_sha256 is not a SHA-256"
            )));
        }
    }
    for row in objects(&mut doc, "revisions", id)? {
        out.rows
            .push(("story_revisions", child(row, "story_id", id)));
    }
    for mut row in objects(&mut doc, "photos", id)? {
        out.originals.push(original(&mut row, "photo", id)?);
        out.rows.push(("photos", child(row, "story_id", id)));
    }
    for mut row in objects(&mut doc, "recordings", id)? {
        let original = original(&mut row, "recording", id)?;
        let redactions = objects(&mut row, "redactions", id)?;
        let revisions = objects(&mut row, "text_revisions", id)?;
        out.rows.push(("recordings", child(row, "story_id", id)));
        for r in redactions {
            out.rows.push((
                "recording_redactions",
                child(r, "recording_id", original.id),
            ));
        }
        for r in revisions {
            out.rows.push((
                "recording_text_revisions",
                child(r, "recording_id", original.id),
            ));
        }
        out.originals.push(original);
    }
    Ok(out)
}

fn invalid(why: &str) -> ImportError {
    ImportError::Invalid(why.to_owned())
}

fn child(mut row: Map<String, Value>, parent: &str, id: i64) -> Map<String, Value> {
    row.insert(parent.to_owned(), id.into());
    row
}

fn array(doc: &mut Map<String, Value>, member: &str, id: i64) -> Result<Vec<Value>, ImportError> {
    match doc.remove(member) {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(invalid(&format!("story {id}: {member} is not a list"))),
    }
}

fn objects(
    doc: &mut Map<String, Value>,
    member: &str,
    id: i64,
) -> Result<Vec<Map<String, Value>>, ImportError> {
    array(doc, member, id)?
        .into_iter()
        .map(|item| match item {
            Value::Object(row) => Ok(row),
            _ => Err(invalid(&format!(
                "story {id}: an item of {member} is not an object"
            ))),
        })
        .collect()
}

/// Takes the bag-only `file` member off a photo or recording row.
fn original(
    row: &mut Map<String, Value>,
    object: &'static str,
    story: i64,
) -> Result<Original, ImportError> {
    let bad = |what: &str| invalid(&format!("story {story}: a {object} has no valid {what}"));
    let Some(Value::String(file)) = row.remove("file") else {
        return Err(bad("file"));
    };
    let id = row
        .get("id")
        .and_then(Value::as_i64)
        .ok_or_else(|| bad("id"))?;
    let key = row
        .get("original_key")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("original_key"))?
        .to_owned();
    let sha256 = row
        .get("sha256")
        .and_then(Value::as_str)
        .and_then(|s| s.strip_prefix("\\x"))
        .and_then(decode_hex)
        .ok_or_else(|| bad("sha256"))?;
    Ok(Original {
        object,
        id,
        key,
        sha256,
        file,
    })
}

/// Lowercase or uppercase hex to bytes.
pub fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_gives_back_its_rows_with_their_parents() {
        let doc = json!({
            "schema": SCHEMA, "kind": "full",
            "story": {"id": 7, "title": "t"},
            "themes": ["transport"],
            "contributor": {"real_name": "x"},
            "consents": [{"id": 1}],
            "tracking_token_sha256": "ab".repeat(32),
            "revisions": [],
            "photos": [{"id": 3, "original_key": "k", "sha256": "\\x00ff", "file": "stories/7/photos/3/original"}],
            "recordings": [{"id": 4, "original_key": "r", "sha256": "\\x01", "file": "f",
                            "redactions": [{"id": 9}], "text_revisions": []}]
        });
        let rows = split(doc).expect("split");
        assert_eq!(rows.id, 7);
        let tables: Vec<&str> = rows.rows.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            tables,
            [
                "stories",
                "story_themes",
                "story_contributors",
                "story_consents",
                "story_tracking_tokens",
                "photos",
                "recordings",
                "recording_redactions"
            ]
        );
        assert_eq!(rows.rows[2].1["story_id"], 7);
        assert_eq!(rows.rows[7].1["recording_id"], 4);
        assert!(!rows.rows[5].1.contains_key("file"));
        assert!(!rows.rows[6].1.contains_key("redactions"));
        assert_eq!(rows.originals[0].sha256, vec![0, 255]);
        assert_eq!(rows.originals[1].file, "f");
    }

    #[test]
    fn another_schema_or_member_is_refused() {
        let doc = json!({"schema": "shinian.story/2", "kind": "full", "story": {"id": 1}});
        assert!(matches!(split(doc), Err(ImportError::Schema(_))));
        let doc = json!({"schema": SCHEMA, "kind": "full", "story": {"id": 1}, "new": 1});
        assert!(matches!(split(doc), Err(ImportError::Schema(_))));
        let doc = json!({"schema": SCHEMA, "kind": "public", "id": 1});
        assert!(matches!(split(doc), Err(ImportError::Schema(_))));
    }
}
