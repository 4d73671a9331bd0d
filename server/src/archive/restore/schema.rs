//! The target database's columns, read from its catalogue: rows are restored by column name, so
//! a column added by a later migration is restored without a change here, and a bag member the
//! database has no column for (a bag from a newer version) is refused before anything is
//! written.

use super::error::ImportError;
use serde_json::{Map, Value};
use sqlx::PgConnection;
use std::collections::HashMap;

/// The tables a full bag restores, in the order their rows are inserted (foreign keys).
pub const ACCOUNT_TABLES: [&str; 2] = ["accounts", "account_audit_log"];
pub const STORY_TABLES: [&str; 10] = [
    "stories",
    "story_themes",
    "story_contributors",
    "story_consents",
    "story_tracking_tokens",
    "story_revisions",
    "photos",
    "recordings",
    "recording_redactions",
    "recording_text_revisions",
];
pub const LOG_TABLES: [&str; 1] = ["story_audit_log"];

/// One table's columns.
#[derive(Debug, Default)]
pub struct Columns {
    /// Columns a row can set, in table order.
    pub insertable: Vec<String>,
    /// Generated columns: computed again, so a bag member of that name is ignored.
    pub generated: Vec<String>,
}

impl Columns {
    fn knows(&self, name: &str) -> bool {
        self.insertable
            .iter()
            .chain(&self.generated)
            .any(|c| c == name)
    }
}

#[derive(Debug)]
pub struct Schema {
    tables: HashMap<&'static str, Columns>,
}

impl Schema {
    pub async fn read(db: &mut PgConnection) -> Result<Schema, ImportError> {
        let mut tables = HashMap::new();
        for table in ACCOUNT_TABLES
            .iter()
            .chain(&STORY_TABLES)
            .chain(&LOG_TABLES)
        {
            let rows: Vec<(String, bool)> = sqlx::query_as(
                "select attname::text, attgenerated <> ''
                 from pg_attribute
                 where attrelid = to_regclass($1) and attnum > 0 and not attisdropped
                 order by attnum",
            )
            .bind(table)
            .fetch_all(&mut *db)
            .await?;
            if rows.is_empty() {
                return Err(ImportError::Schema(format!(
                    "the database has no table {table} (run `server migrate` first)"
                )));
            }
            let mut columns = Columns::default();
            for (name, generated) in rows {
                if generated {
                    columns.generated.push(name);
                } else {
                    columns.insertable.push(name);
                }
            }
            tables.insert(*table, columns);
        }
        Ok(Schema { tables })
    }

    pub fn columns(&self, table: &str) -> &Columns {
        static NONE: Columns = Columns {
            insertable: Vec::new(),
            generated: Vec::new(),
        };
        self.tables.get(table).unwrap_or(&NONE)
    }

    /// Refuses a row with a member the table has no column for.
    pub fn check(&self, table: &str, row: &Map<String, Value>) -> Result<(), ImportError> {
        let columns = self.columns(table);
        match row.keys().find(|key| !columns.knows(key)) {
            Some(key) => Err(ImportError::Schema(format!(
                "{table} has no column {key:?} in this database"
            ))),
            None => Ok(()),
        }
    }
}
