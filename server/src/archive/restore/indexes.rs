//! The restored tables' secondary indexes are dropped before the rows go in and built again
//! once they are all in, inside the restore's one transaction (DDL is transactional: a failed
//! restore rolls back to the same indexes). Building an index once over all rows is much
//! cheaper than growing it row by row, above all the full-text GIN index of `stories`; it is
//! what `pg_restore` does. Only plain indexes: unique ones, primary keys and those backing a
//! constraint stay, so every check the rows go through is unchanged.

use sqlx::PgConnection;

/// Indexes taken off, each as the statement that builds it again.
pub struct Dropped(Vec<String>);

pub async fn drop_secondary(
    db: &mut PgConnection,
    tables: &[&str],
) -> Result<Dropped, sqlx::Error> {
    let tables: Vec<String> = tables.iter().map(|t| (*t).to_owned()).collect();
    let indexes = sqlx::query!(
        r#"select i.indexrelid::regclass::text as "name!", pg_get_indexdef(i.indexrelid) as "definition!"
           from pg_index i
           where i.indrelid in (select to_regclass(t) from unnest($1::text[]) t)
             and not i.indisunique and not i.indisprimary
             and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
           order by 1"#,
        &tables
    )
    .fetch_all(&mut *db)
    .await?;
    let mut dropped = Vec::with_capacity(indexes.len());
    for index in indexes {
        // The name comes from the catalogue, quoted as `regclass` prints it.
        sqlx::query(&format!("drop index {}", index.name))
            .execute(&mut *db)
            .await?;
        dropped.push(index.definition);
    }
    Ok(Dropped(dropped))
}

pub async fn build_again(db: &mut PgConnection, dropped: Dropped) -> Result<(), sqlx::Error> {
    for definition in dropped.0 {
        sqlx::query(&definition).execute(&mut *db).await?;
    }
    Ok(())
}
