//! `server generate`: synthetic approved stories for the timeline benchmarks, checked against
//! real PostgreSQL.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use sqlx::PgPool;

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn generates_valid_approved_searchable_stories(db: PgPool) {
    // More than one batch would be slow here; 1,200 rows still cover every phrase list.
    let inserted = server::generate::generate(&db, 1_200).await.unwrap();
    assert_eq!(inserted, 1_200);

    let (stories, approved, unpublished): (i64, i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where status = 'approved'),
                count(*) filter (where published_at is null or published_at > now())
         from stories",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((stories, approved, unpublished), (1_200, 1_200, 0));

    let bad_years: i64 = sqlx::query_scalar(
        "select count(*) from stories
         where year_then < 2000 or year_now > 2025 or year_then >= year_now",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(bad_years, 0);

    let (shortest, longest, places, named): (i32, i32, i64, i64) = sqlx::query_as(
        "select min(char_length(body)), max(char_length(body)), count(distinct place),
                count(*) filter (where show_name and narrator_name is not null)
         from stories",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(
        shortest >= 150 && longest <= 600,
        "bodies of {shortest}–{longest} characters"
    );
    assert!(places > 250, "only {places} places");
    assert!((300..500).contains(&named), "{named} of 1,200 show a name");

    let (without_theme, too_many): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where n = 0), count(*) filter (where n > 3)
         from (select (select count(*) from story_themes t where t.story_id = s.id) as n
               from stories s) counts",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((without_theme, too_many), (0, 0));

    // A bigram of a generated title is in the search column of exactly the stories whose
    // title or body contains it.
    let title: String = sqlx::query_scalar("select title from stories order by id limit 1")
        .fetch_one(&db)
        .await
        .unwrap();
    let bigram: String = title.chars().take(2).collect();
    let (found, containing): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where search_terms @@ quote_literal($1)::tsquery),
                count(*) filter (where strpos(title || ' ' || body, $1) > 0)
         from stories",
    )
    .bind(&bigram)
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(found >= 1, "{bigram} of {title} not found");
    assert_eq!(found, containing, "{bigram}");

    // About one story in RECORDED_ONE_IN carries a ready recording the public may hear, and the
    // story's summary columns hold what `recordings_story_summary` would have written.
    let (recorded, audible, mismatched): (i64, i64, i64) = sqlx::query_as(
        "select count(*) filter (where exists (select 1 from recordings r where r.story_id = s.id)),
                count(*) filter (where s.voice_consent and s.recording_ms is not null),
                count(*) filter (where s.recording_ms is distinct from
                                       (select sum(r.duration_ms) from recordings r
                                        where r.story_id = s.id and r.state = 'ready')
                                    or s.voice_consent <> (s.recording_ms is not null)
                                    or s.transcript_text is not null)
         from stories s",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let expected = 1_200 / server::generate::RECORDED_ONE_IN;
    assert!(
        (expected * 3 / 4..expected * 5 / 4).contains(&recorded),
        "{recorded} of 1,200 recorded"
    );
    assert_eq!((audible, mismatched), (recorded, 0));
    let (keys_valid, trigger_on): (bool, bool) = sqlx::query_as(
        "select bool_and(public_key ~ '^[A-Za-z0-9_-]{22}$' and original_key ~ '^[A-Za-z0-9_-]{22}$'),
                (select tgenabled = 'O' from pg_trigger where tgname = 'recordings_story_summary')
         from recordings",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(keys_valid && trigger_on, "{keys_valid} {trigger_on}");

    // A second run adds different stories rather than repeating the first ones.
    server::generate::generate(&db, 10).await.unwrap();
    let distinct_titles: i64 =
        sqlx::query_scalar("select count(distinct (title, body)) from stories")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(distinct_titles > 1_200, "{distinct_titles}");
}
