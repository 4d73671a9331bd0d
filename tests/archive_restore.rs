//! `server import` (docs/archive.md, "Restoring a full bag"): a full bag of a database with
//! stories in every status, photos, a recording with a redaction and a text revision,
//! revisions, consents, a claim, audit entries and accounts is restored into a second, new
//! database and media store; exported again it gives the same payload manifest, before and
//! after the workers made the derivatives again; the restored site serves the tracking page,
//! signs the moderator in, shows the approved story with its photo and voice, and takes new
//! stories. Refusals (each writing nothing): a changed payload file, an extra file, an unknown
//! schema, a public bag, a non-empty database or media store. A failure half-way leaves the
//! database and the media store empty.

use app::domain::{AccountRole, RecordingId, StoryStatus};
use reqwest::StatusCode;
use server::archive::bag::{Kind, export};
use server::archive::restore::{ImportError, Imported, import};
use server::media::store::{MediaStore, S3Store};
use server::startup::Background;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use std::path::{Path, PathBuf};
use tests::TestApp;
use tests::fixtures::Created;
use tests::garage::Garage;
use tests::staff::create_account;

const FULL: Kind = Kind::Full {
    with_password_hashes: true,
};

/// A new, migrated database beside the test's own, dropped when the test ends well.
struct SecondDb {
    pool: PgPool,
    name: String,
    admin: PgPool,
}

impl SecondDb {
    async fn new(admin: &PgPool) -> SecondDb {
        let name = format!(
            "import_restore_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_nanos()
        );
        sqlx::raw_sql(&format!("create database \"{name}\""))
            .execute(admin)
            .await
            .expect("create database");
        let options: PgConnectOptions = (*admin.connect_options()).clone().database(&name);
        let pool = PgPool::connect_with(options).await.expect("connect");
        server::db::MIGRATOR.run(&pool).await.expect("migrate");
        SecondDb {
            pool,
            name,
            admin: admin.clone(),
        }
    }

    async fn drop(self) {
        self.pool.close().await;
        sqlx::raw_sql(&format!("drop database \"{}\" with (force)", self.name))
            .execute(&self.admin)
            .await
            .expect("drop database");
    }

    async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }
}

struct Collection {
    pictured: Created,
    voiced: Created,
    recording: RecordingId,
}

/// Stories in every status, two photos, a recording (redacted, with a moderator's text
/// revision), a claim by the moderator, an admin.
async fn collection(app: &TestApp) -> Collection {
    let db = &app.db;
    let moderator =
        create_account(db, "mod@example.org", "审核员小李", AccountRole::Moderator).await;
    create_account(db, "admin@example.org", "管理员", AccountRole::Admin).await;
    let pictured = app.story().with_photo_pair().approved().create().await;
    let (tracking, recording) = app.told_aloud(true).await;
    let voiced = Created {
        id: app.last_story().await,
        tracking,
    };
    app.set_status(voiced.id, StoryStatus::Approved).await;
    let mut tx = db.begin().await.expect("begin");
    sqlx::query(
        "insert into recording_redactions (recording_id, start_ms, end_ms, reason, moderator_id)
         values ($1, 1000, 2000, '说了邻居的全名', $2)",
    )
    .bind(recording)
    .bind(moderator)
    .execute(&mut *tx)
    .await
    .expect("redaction");
    sqlx::query(
        "insert into recording_text_revisions (recording_id, author, moderator_id, transcript)
         values ($1, 'moderator', $2, 'WEBVTT')",
    )
    .bind(recording)
    .bind(moderator)
    .execute(&mut *tx)
    .await
    .expect("text revision");
    server::media::recordings::jobs::requeue(&mut tx, recording)
        .await
        .expect("requeue");
    tx.commit().await.expect("commit");
    assert_eq!(app.run_recording_jobs().await, 1);
    for status in [
        StoryStatus::Pending,
        StoryStatus::ChangesRequested,
        StoryStatus::Rejected,
        StoryStatus::Unpublished,
    ] {
        app.story().in_status(status).create().await;
    }
    sqlx::query(
        "update stories set claimed_by = $1, claim_expires_at = now() + interval '1 hour'
         where status = 'pending'",
    )
    .bind(moderator)
    .execute(db)
    .await
    .expect("claim");
    let gone = app.story().titled("后来撤回的故事").create().await;
    assert_eq!(
        app.withdraw(&gone.tracking).await.status(),
        StatusCode::SEE_OTHER
    );
    Collection {
        pictured,
        voiced,
        recording,
    }
}

fn manifest(bag: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(bag.join("manifest-sha256.txt")).expect("manifest");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines.sort();
    lines
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

async fn statuses(db: &PgPool) -> Vec<String> {
    sqlx::query_scalar("select distinct status::text from stories order by 1")
        .fetch_all(db)
        .await
        .expect("statuses")
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_full_bag_is_restored_losslessly_and_the_copy_works(db: PgPool) {
    let source = TestApp::spawn(db.clone()).await;
    let c = collection(&source).await;
    assert_eq!(statuses(&db).await.len(), 6, "every status");
    let out = tempfile::tempdir().expect("temp dir");
    let first = out.path().join("first");
    export(&db, &source.config, &first, FULL)
        .await
        .expect("export");

    let second = SecondDb::new(&db).await;
    let media = out.path().join("restored media");
    // Into a store of the source's kind: a folder, or new buckets (SHINIAN_TEST_MEDIA_STORE=s3).
    let buckets = source.buckets.as_ref().map(|_| Garage::shared().buckets());
    let store = match &buckets {
        Some(buckets) => MediaStore::S3(S3Store::new(buckets.settings.clone(), &media)),
        None => MediaStore::folder(&media),
    };
    let imported = import(&second.pool, &store, &first).await.expect("import");
    let stories: i64 = sqlx::query_scalar("select count(*) from stories")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(
        imported,
        Imported {
            stories: u64::try_from(stories).expect("count"),
            originals: 3,
            photo_jobs: 2,
            recording_jobs: 1,
        }
    );
    // The restore drops the plain indexes while the rows go in and builds them again.
    let indexes =
        "select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1";
    let source_indexes: Vec<(String, String)> = sqlx::query_as(indexes)
        .fetch_all(&db)
        .await
        .expect("indexes");
    let restored_indexes: Vec<(String, String)> = sqlx::query_as(indexes)
        .fetch_all(&second.pool)
        .await
        .expect("indexes");
    assert!(
        source_indexes
            .iter()
            .any(|(name, _)| name == "stories_search")
    );
    assert_eq!(restored_indexes, source_indexes, "the same indexes");

    let restored =
        TestApp::spawn_instance(second.pool.clone(), buckets, Background::NONE, |config| {
            config.media_dir = media.clone();
            config.public_url = source.config.public_url.clone();
        })
        .await;
    let again = out.path().join("again");
    export(&restored.db, &restored.config, &again, FULL)
        .await
        .expect("export the copy");
    assert_eq!(manifest(&first), manifest(&again), "the same payload");

    // Derivatives are made again from the originals; the rows stay as they were.
    assert_eq!(restored.run_photo_jobs().await, 2);
    assert_eq!(restored.run_recording_jobs().await, 1);
    let after_jobs = out.path().join("after jobs");
    export(&restored.db, &restored.config, &after_jobs, FULL)
        .await
        .expect("export after the jobs");
    assert_eq!(
        manifest(&first),
        manifest(&after_jobs),
        "the jobs changed no row"
    );

    let title: String = sqlx::query_scalar("select title from stories where id = $1")
        .bind(c.pictured.id)
        .fetch_one(&restored.db)
        .await
        .expect("title");
    let tracking = restored.get(&c.pictured.tracking).await;
    assert_eq!(tracking.status(), StatusCode::OK, "the tracking link works");
    assert!(tracking.text().await.expect("body").contains(&title));
    restored.login_as("mod@example.org").await;

    let page = restored
        .get_text(&format!("/stories/{}", c.pictured.id))
        .await;
    assert!(page.contains(&title), "the public story page");
    let public_key: String =
        sqlx::query_scalar("select public_key from photos where story_id = $1 limit 1")
            .bind(c.pictured.id)
            .fetch_one(&restored.db)
            .await
            .expect("photo");
    let start = page
        .find(&format!("/media/{public_key}/"))
        .expect("the photo on the page");
    let url: String = page[start..]
        .chars()
        .take_while(|c| !matches!(c, '"' | ' ' | ','))
        .collect();
    let photo = restored.get(&url).await;
    assert_eq!(photo.status(), StatusCode::OK, "{url}");
    assert!(
        photo.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("image/")
    );

    let voice_key: String = sqlx::query_scalar("select public_key from recordings where id = $1")
        .bind(c.recording)
        .fetch_one(&restored.db)
        .await
        .expect("recording");
    let voice_page = restored
        .get_text(&format!("/stories/{}", c.voiced.id))
        .await;
    let src = format!("/media/voice/{voice_key}.mp3");
    assert!(voice_page.contains(&src), "the player on the story page");
    assert_eq!(restored.get(&src).await.status(), StatusCode::OK);

    // New ids continue after the restored ones.
    let newest = restored.story().create().await;
    assert!(newest.id.0 > stories, "{} after {stories}", newest.id.0);
    create_account(
        &restored.db,
        "new@example.org",
        "新人",
        AccountRole::Moderator,
    )
    .await;
    drop(restored);
    second.drop().await;
}

async fn small(app: &TestApp) {
    create_account(
        &app.db,
        "mod@example.org",
        "审核员小李",
        AccountRole::Moderator,
    )
    .await;
    app.story().with_photo_pair().approved().create().await;
    app.story().create().await;
}

/// Rewrites the manifests and Payload-Oxum for the bag's current files, as a careful forger
/// would.
fn reseal(bag: &Path) {
    let hex = |bytes: &[u8]| -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let mut lines = String::new();
    let (mut bytes, mut files) = (0, 0);
    for file in files_under(&bag.join("data")) {
        let content = std::fs::read(&file).expect("read");
        let name = file
            .strip_prefix(bag)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        lines.push_str(&format!("{}  {name}\n", hex(&content)));
        bytes += content.len();
        files += 1;
    }
    std::fs::write(bag.join("manifest-sha256.txt"), &lines).expect("manifest");
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).expect("info");
    let info: String = info
        .lines()
        .map(|l| {
            if l.starts_with("Payload-Oxum:") {
                format!("Payload-Oxum: {bytes}.{files}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(bag.join("bag-info.txt"), &info).expect("info");
    let mut tags = String::new();
    for name in ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"] {
        let content = std::fs::read(bag.join(name)).expect("tag");
        tags.push_str(&format!("{}  {name}\n", hex(&content)));
    }
    std::fs::write(bag.join("tagmanifest-sha256.txt"), tags).expect("tagmanifest");
}

fn copy_dir(from: &Path, to: &Path) {
    for file in files_under(from) {
        let target = to.join(file.strip_prefix(from).expect("inside"));
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &target).expect("copy");
    }
}

/// Imports `bag` into a new database and media folder: the error, after checking that
/// nothing was written.
async fn refused(db: &PgPool, bag: &Path, media: &Path) -> ImportError {
    let second = SecondDb::new(db).await;
    let result = import(&second.pool, &MediaStore::folder(media), bag).await;
    for table in [
        "stories",
        "accounts",
        "photos",
        "story_audit_log",
        "photo_jobs",
    ] {
        assert_eq!(second.count(table).await, 0, "{table} after {result:?}");
    }
    assert!(
        files_under(media).is_empty(),
        "media files after {result:?}"
    );
    second.drop().await;
    result.expect_err("refused")
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn bags_that_do_not_validate_are_refused_without_writing(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    small(&app).await;
    let out = tempfile::tempdir().expect("temp dir");
    let good = out.path().join("good");
    export(&db, &app.config, &good, FULL).await.expect("export");
    let media = out.path().join("media");
    let story = |bag: &Path| {
        files_under(&bag.join("data/stories"))
            .into_iter()
            .find(|f| f.ends_with("story.json"))
            .expect("a story.json")
    };

    let changed = out.path().join("changed");
    copy_dir(&good, &changed);
    let doc = story(&changed);
    let text = std::fs::read_to_string(&doc).expect("read");
    std::fs::write(&doc, text.replacen("\"status\"", "\"status\" ", 1)).expect("write");
    let error = refused(&db, &changed, &media).await;
    assert!(
        matches!(error, ImportError::Invalid(ref why) if why.contains("story.json")),
        "{error}"
    );

    let original = out.path().join("original changed");
    copy_dir(&good, &original);
    let file = files_under(&original.join("data/stories"))
        .into_iter()
        .find(|f| f.ends_with("original"))
        .expect("an original");
    let mut bytes = std::fs::read(&file).expect("read");
    bytes[100] ^= 1;
    std::fs::write(&file, bytes).expect("write");
    let error = refused(&db, &original, &media).await;
    assert!(
        matches!(error, ImportError::Invalid(ref why) if why.contains("original")),
        "{error}"
    );

    let extra = out.path().join("extra");
    copy_dir(&good, &extra);
    std::fs::write(extra.join("data/stowaway.txt"), "x").expect("write");
    let error = refused(&db, &extra, &media).await;
    assert!(matches!(error, ImportError::Invalid(_)), "{error}");

    let newer = out.path().join("newer");
    copy_dir(&good, &newer);
    let doc = story(&newer);
    let text = std::fs::read_to_string(&doc).expect("read");
    std::fs::write(&doc, text.replace("shinian.story/1", "shinian.story/2")).expect("write");
    reseal(&newer);
    let error = refused(&db, &newer, &media).await;
    assert!(matches!(error, ImportError::Schema(_)), "{error}");

    let column = out.path().join("new column");
    copy_dir(&good, &column);
    let doc = story(&column);
    let text = std::fs::read_to_string(&doc).expect("read");
    std::fs::write(
        &doc,
        text.replacen("\"status\"", "\"mood\": 1, \"status\"", 1),
    )
    .expect("write");
    reseal(&column);
    let error = refused(&db, &column, &media).await;
    assert!(
        matches!(error, ImportError::Schema(ref why) if why.contains("mood")),
        "{error}"
    );

    let public = out.path().join("public");
    export(&db, &app.config, &public, Kind::Public)
        .await
        .expect("export");
    let error = refused(&db, &public, &media).await;
    assert!(matches!(error, ImportError::PublicBag(_)), "{error}");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_target_that_is_not_empty_is_refused(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    small(&app).await;
    let out = tempfile::tempdir().expect("temp dir");
    let bag = out.path().join("bag");
    export(&db, &app.config, &bag, FULL).await.expect("export");
    let stories = sqlx::query_scalar::<_, i64>("select count(*) from stories")
        .fetch_one(&db)
        .await
        .expect("count");

    let empty_media = out.path().join("empty");
    let error = import(&db, &MediaStore::folder(&empty_media), &bag)
        .await
        .expect_err("refused");
    assert!(matches!(error, ImportError::DatabaseNotEmpty(_)), "{error}");
    assert!(files_under(&empty_media).is_empty());
    let after = sqlx::query_scalar::<_, i64>("select count(*) from stories")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(after, stories);

    let second = SecondDb::new(&db).await;
    let error = import(&second.pool, &app.store(), &bag)
        .await
        .expect_err("refused");
    assert!(matches!(error, ImportError::MediaNotEmpty), "{error}");
    assert_eq!(second.count("stories").await, 0);
    second.drop().await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_restore_that_fails_half_way_leaves_nothing(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    small(&app).await;
    let out = tempfile::tempdir().expect("temp dir");
    let bag = out.path().join("bag");
    export(&db, &app.config, &bag, FULL).await.expect("export");
    // A revision by a moderator the bag has no account for: a foreign key fails once the
    // photos' originals are already in the store.
    for file in files_under(&bag.join("data/stories")) {
        if file.ends_with("story.json") {
            let text = std::fs::read_to_string(&file).expect("read");
            let text = text.replace("\"moderator_id\": null", "\"moderator_id\": 999");
            std::fs::write(&file, text).expect("write");
        }
    }
    reseal(&bag);
    let media = out.path().join("media");
    let error = refused(&db, &bag, &media).await;
    let ImportError::Failed { cause, left } = &error else {
        panic!("{error}");
    };
    assert!(cause.to_string().contains("story_revisions"), "{cause}");
    assert!(left.contains("unchanged"), "{left}");
}
