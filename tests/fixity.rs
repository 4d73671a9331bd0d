//! Fixity (issue 15): a pass re-hashes every original through the media store, finds a
//! changed and a missing one, records its run, writes each new problem to the audit trail once,
//! shows runs to admins, and keeps to its byte rate. The command's exit status is tested with
//! the real binary in `server/tests/fixity_cli.rs`.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{AccountRole, FixityProblemKind, FixityTrigger, MediaObjectKind};
use server::archive::fixity::run_pass;
use sqlx::PgPool;
use std::time::Instant;
use tests::TestApp;
use tests::staff::create_account;

/// The demo stories: ten photos and a recording, kept in the app's media store.
async fn seeded(db: &PgPool) -> TestApp {
    let app = TestApp::spawn(db.clone()).await;
    let store = app.store();
    store.prepare().await.unwrap();
    server::demo::seed(db, &store, 2026).await.unwrap();
    app
}

/// `(object, id, story, key)` of every original, photos first.
async fn originals(db: &PgPool) -> Vec<(String, i64, i64, String)> {
    sqlx::query_as(
        "select 'photo', id, story_id, original_key from photos
         union all select 'recording', id, story_id, original_key from recordings
         order by 1, 2",
    )
    .fetch_all(db)
    .await
    .unwrap()
}

async fn stored_bytes(db: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select (select coalesce(sum(byte_size), 0) from photos)::bigint
              + (select coalesce(sum(byte_size), 0) from recordings)::bigint",
    )
    .fetch_one(db)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_pass_finds_a_changed_and_a_missing_original(db: PgPool) {
    let app = seeded(&db).await;
    let media = app.store();
    let all = originals(&db).await;
    assert!(all.iter().any(|o| o.0 == "recording"), "{all:?}");

    let clean = run_pass(&db, &media, FixityTrigger::Command, 0)
        .await
        .unwrap();
    assert!(clean.is_clean(), "{clean:?}");
    assert_eq!(clean.totals.files, i64::try_from(all.len()).unwrap());
    assert_eq!(clean.totals.bytes, stored_bytes(&db).await);

    // One byte of a photo changes; the recording's original disappears.
    let photo = all.iter().find(|o| o.0 == "photo").unwrap().clone();
    let recording = all.iter().find(|o| o.0 == "recording").unwrap().clone();
    let files = app.media();
    let path = files.original_path(&photo.3);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    std::fs::remove_file(files.original_path(&recording.3)).unwrap();

    let found = run_pass(&db, &media, FixityTrigger::Command, 0)
        .await
        .unwrap();
    assert!(!found.is_clean());
    assert_eq!((found.totals.missing, found.totals.changed), (1, 1));
    let listed: Vec<_> = found
        .problems
        .iter()
        .map(|p| {
            (
                p.kind,
                p.object,
                p.object_id,
                p.story,
                p.original_key.clone(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (
                FixityProblemKind::Changed,
                MediaObjectKind::Photo,
                photo.1,
                photo.2,
                photo.3.clone()
            ),
            (
                FixityProblemKind::Missing,
                MediaObjectKind::Recording,
                recording.1,
                recording.2,
                recording.3.clone()
            ),
        ]
    );

    // Each run is recorded, with its problems.
    let runs: Vec<(String, bool, i64, i32, i32)> = sqlx::query_as(
        "select trigger::text, finished_at is not null, files_checked, missing_count, changed_count
         from fixity_runs order by id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let files_count = i64::try_from(all.len()).unwrap();
    assert_eq!(
        runs,
        vec![
            ("command".into(), true, files_count, 0, 0),
            ("command".into(), true, files_count, 1, 1),
        ]
    );
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select kind::text, object::text, original_key from fixity_problems where run_id = $1 order by id",
    )
    .bind(found.run)
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            ("changed".into(), "photo".into(), photo.3.clone()),
            ("missing".into(), "recording".into(), recording.3.clone()),
        ]
    );

    // The problems are in the stories' audit trail, once however many runs find them again.
    run_pass(&db, &media, FixityTrigger::Schedule, 0)
        .await
        .unwrap();
    let trail: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
        "select story_id, action::text, actor::text, reason from story_audit_log
         where action in ('fixity_missing', 'fixity_changed') order by id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(
        trail,
        vec![
            (
                photo.2,
                "fixity_changed".into(),
                "system".into(),
                Some(format!("photo {}: {}", photo.1, photo.3))
            ),
            (
                recording.2,
                "fixity_missing".into(),
                "system".into(),
                Some(format!("recording {}: {}", recording.1, recording.3))
            ),
        ]
    );

    // Admins see the runs and the trail; moderators do not.
    create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    let admin = app.login_as("admin@example.org").await;
    let page = app.page_as(&admin, "/admin/fixity").await;
    let table = tests::html::text_in(&page, "table.fixity tbody");
    assert!(
        table.contains("缺失") && table.contains("被改动"),
        "{table}"
    );
    assert!(
        table.contains(&recording.3) && table.contains(&photo.3),
        "{table}"
    );
    assert!(
        table.contains("定时") && table.contains("命令行"),
        "{table}"
    );
    let log = app
        .page_as(&admin, "/admin/audit?action=fixity_missing")
        .await;
    let log = tests::html::text_in(&log, "table.audit tbody");
    assert!(
        log.contains("原始文件缺失") && log.contains(&recording.3),
        "{log}"
    );
    let moderator = app.moderator_signed_in().await;
    let refused = app.get_with(&moderator, "/admin/fixity", &[]).await;
    assert_eq!(refused.status(), reqwest::StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_pass_keeps_to_its_byte_rate(db: PgPool) {
    let app = seeded(&db).await;
    let bytes = u64::try_from(stored_bytes(&db).await).unwrap();
    // A limit that makes the pass last about two seconds.
    let limit = bytes / 2;
    let started = Instant::now();
    let report = run_pass(&db, &app.store(), FixityTrigger::Command, limit)
        .await
        .unwrap();
    let took = started.elapsed().as_secs_f64();
    assert!(report.is_clean());
    assert_eq!(report.totals.bytes, i64::try_from(bytes).unwrap());
    let as_f64 = |n: u64| f64::from(u32::try_from(n).unwrap());
    let at_limit = as_f64(bytes) / as_f64(limit);
    assert!(
        took / at_limit >= 0.99,
        "{bytes} bytes at {limit} B/s took {took:.2} s, at least {at_limit:.2} s expected"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn instances_sharing_a_database_run_one_scheduled_pass(db: PgPool) {
    let app = seeded(&db).await;
    let instance = || server::state::AppState::new(app.config.clone(), db.clone());
    let (a, b) = (instance(), instance());
    let (first, second) = tokio::join!(
        server::archive::fixity::schedule::run_if_due(&a),
        server::archive::fixity::schedule::run_if_due(&b)
    );
    let ran = [first.unwrap(), second.unwrap()];
    assert_eq!(ran.iter().flatten().count(), 1, "one instance ran it");
    let again = server::archive::fixity::schedule::run_if_due(&a)
        .await
        .unwrap();
    assert!(
        again.is_none(),
        "not due again before FIXITY_INTERVAL_HOURS"
    );
    let runs: Vec<String> = sqlx::query_scalar("select trigger::text from fixity_runs")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(runs, vec!["schedule".to_owned()]);
}
