//! Rows inserted in batches by column name: `insert into t (columns) overriding system value
//! select columns from jsonb_populate_recordset(null::t, $1)`, the columns being the table's
//! insertable ones that the rows carry. Values keep their types' text forms as `to_jsonb` wrote
//! them (timestamps with offsets, `bytea` as `\x…`, enums by label), ids included.

use super::error::ImportError;
use super::schema::Schema;
use serde_json::{Map, Value};
use sqlx::PgConnection;

/// A restored account without its password hash (the bag was written without
/// `--with-password-hashes`): not a hash, so no password signs in until one is set.
pub const NO_PASSWORD: &str =
    "!restored without a password: set one with server create-admin or an admin's reset";

/// Rows waiting to be inserted, by table, in insertion order.
pub struct Batch {
    tables: Vec<(&'static str, Vec<Value>)>,
    rows: usize,
}

impl Batch {
    pub fn new(tables: &[&'static str]) -> Batch {
        Batch {
            tables: tables.iter().map(|t| (*t, Vec::new())).collect(),
            rows: 0,
        }
    }

    pub fn push(&mut self, table: &str, mut row: Map<String, Value>) -> Result<(), ImportError> {
        if table == "accounts" && !row.contains_key("password_hash") {
            row.insert("password_hash".into(), NO_PASSWORD.into());
        }
        let Some((_, rows)) = self.tables.iter_mut().find(|(t, _)| *t == table) else {
            return Err(ImportError::Row(format!(
                "rows of {table} are not restored here"
            )));
        };
        rows.push(Value::Object(row));
        self.rows += 1;
        Ok(())
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Inserts every table's rows, in order, and empties the batch.
    pub async fn insert(
        &mut self,
        db: &mut PgConnection,
        schema: &Schema,
    ) -> Result<(), ImportError> {
        for (table, rows) in &mut self.tables {
            if !rows.is_empty() {
                insert(db, schema, table, std::mem::take(rows)).await?;
            }
        }
        self.rows = 0;
        Ok(())
    }
}

async fn insert(
    db: &mut PgConnection,
    schema: &Schema,
    table: &str,
    rows: Vec<Value>,
) -> Result<(), ImportError> {
    let columns: Vec<String> = schema
        .columns(table)
        .insertable
        .iter()
        .filter(|c| rows.iter().any(|row| row.get(c.as_str()).is_some()))
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect();
    let list = columns.join(", ");
    // `table` is one of schema's constants; the columns come from the database's catalogue.
    let sql = format!(
        "insert into {table} ({list}) overriding system value
         select {list} from jsonb_populate_recordset(null::{table}, $1)"
    );
    let count = rows.len();
    sqlx::query(&sql)
        .bind(Value::Array(rows))
        .execute(db)
        .await
        .map_err(|e| ImportError::Row(format!("inserting {count} rows of {table}: {e}")))?;
    Ok(())
}
