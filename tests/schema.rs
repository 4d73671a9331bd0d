//! The Rust enums and the SQL definitions they stand for agree: every `slug_enum!` stored in
//! PostgreSQL has exactly the database enum's labels, and `story_is_public` (SQL) means what
//! `StoryStatus::is_public` (Rust) means.

use app::domain::{
    AccountAuditAction, AccountRole, Actor, AuditAction, ConsentKind, FixityProblemKind,
    FixityTrigger, Licence, MediaObjectKind, OpenDataTrigger, RevisionAuthor, StoryStatus, Theme,
};
use sqlx::{PgPool, Postgres};

async fn labels(db: &PgPool, type_name: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select e.enumlabel::text from pg_enum e join pg_type t on t.oid = e.enumtypid
         where t.typname = $1 order by e.enumsortorder",
    )
    .bind(type_name)
    .fetch_all(db)
    .await
    .expect("enum labels")
}

fn slugs<T: Copy>(all: &[T], slug: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|value| slug(*value).to_owned()).collect()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_stored_enum_has_the_database_labels(db: PgPool) {
    let stored = [
        ("story_status", slugs(StoryStatus::ALL, StoryStatus::slug)),
        ("theme", slugs(Theme::ALL, Theme::slug)),
        ("licence", slugs(Licence::ALL, Licence::slug)),
        ("account_role", slugs(AccountRole::ALL, AccountRole::slug)),
        ("audit_action", slugs(AuditAction::ALL, AuditAction::slug)),
        ("audit_actor", slugs(Actor::ALL, Actor::slug)),
        (
            "account_audit_action",
            slugs(AccountAuditAction::ALL, AccountAuditAction::slug),
        ),
        (
            "fixity_trigger",
            slugs(FixityTrigger::ALL, FixityTrigger::slug),
        ),
        (
            "fixity_problem_kind",
            slugs(FixityProblemKind::ALL, FixityProblemKind::slug),
        ),
        (
            "media_object_kind",
            slugs(MediaObjectKind::ALL, MediaObjectKind::slug),
        ),
        ("consent_kind", slugs(ConsentKind::ALL, ConsentKind::slug)),
        (
            "open_data_trigger",
            slugs(OpenDataTrigger::ALL, OpenDataTrigger::slug),
        ),
        (
            "revision_author",
            slugs(RevisionAuthor::ALL, RevisionAuthor::slug),
        ),
    ];
    for (type_name, rust) in stored {
        assert_eq!(labels(&db, type_name).await, rust, "{type_name}");
    }
}

/// PostgreSQL's answer to `sql` with `$1` bound to each story status in turn.
async fn answers_per_status<T>(db: &PgPool, sql: &str) -> Vec<(StoryStatus, T)>
where
    T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin,
{
    let mut answers = Vec::new();
    for status in StoryStatus::ALL {
        let answer = sqlx::query_scalar(sql)
            .bind(status)
            .fetch_one(db)
            .await
            .unwrap_or_else(|e| panic!("{sql} with {status}: {e}"));
        answers.push((*status, answer));
    }
    answers
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn enums_round_trip_through_the_database(db: PgPool) {
    for (status, back) in answers_per_status::<StoryStatus>(&db, "select $1::story_status").await {
        assert_eq!(back, status);
    }
    let themes: Vec<Theme> = sqlx::query_scalar("select $1::theme[]")
        .bind(Theme::ALL)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(themes, Theme::ALL);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn sql_and_rust_agree_on_which_stories_are_public(db: PgPool) {
    for (status, public) in answers_per_status::<bool>(&db, "select story_is_public($1)").await {
        assert_eq!(public, status.is_public(), "{status}");
    }
}
