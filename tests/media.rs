//! Before-and-after photos against real PostgreSQL, a real HTTP server and real files: every
//! good photo ingests and comes out upright and without metadata; every hostile file is refused
//! and leaves nothing behind; the queue survives a worker dying; media URLs follow the story.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{Field, PhotoPart, PhotoSlot};
use reqwest::{Response, StatusCode};
use sqlx::PgPool;
use tests::html::{field_error, media_url_in};
use tests::{TestApp, fixture, location, valid_story};

/// `valid_story()` plus, for each photo (by its file field), its details in the same order.
fn story_with_photos(photos: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let mut fields = valid_story();
    for (file_field, alt) in photos {
        let slot = PhotoSlot::BOTH
            .into_iter()
            .find(|slot| slot.field().name() == *file_field)
            .expect("a photo file field");
        let field = |part| slot.part(part).name();
        fields.push((field(PhotoPart::Alt), (*alt).to_owned()));
        fields.push((field(PhotoPart::Year), String::new()));
        fields.push((field(PhotoPart::Caption), "江边".to_owned()));
        fields.push((field(PhotoPart::Credit), String::new()));
    }
    fields
}

async fn photo_count(app: &TestApp) -> i64 {
    sqlx::query_scalar!(r#"select count(*) as "n!" from photos"#)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn job_count(app: &TestApp) -> i64 {
    sqlx::query_scalar!(r#"select count(*) as "n!" from photo_jobs"#)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Submits `valid_story()` with one then photo, described by `alt`.
async fn submit_then_photo(app: &TestApp, alt: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let details = story_with_photos(&[(Field::PhotoThen.name(), alt)]);
    let files = [(Field::PhotoThen.name(), file_name, bytes)];
    app.post_with_files("/submit", &details, &files).await
}

/// The message beside a photo field of a refused form.
async fn message_beside(response: Response, field: Field) -> String {
    let body = response.text().await.unwrap();
    field_error(&body, field.name()).unwrap_or_else(|| panic!("no message beside {field}"))
}

const GOOD_THEN: [&str; 4] = [
    "coffee_4032x3024_rot6_gps.jpg",
    "chelsea_3024x4032_portrait_gps.jpg",
    "motorcycle_cmyk.jpg",
    "camera_gray.jpg",
];
const GOOD_NOW: [&str; 4] = [
    "animated.gif",
    "hubble.webp",
    "logo_alpha.png",
    "astronaut_2048.png",
];

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_good_photo_ingests_upright_and_without_metadata(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let mut details = Vec::new();
    let mut files = Vec::new();
    for (slot, names) in [
        (Field::PhotoThen.name(), GOOD_THEN),
        (Field::PhotoNow.name(), GOOD_NOW),
    ] {
        for name in names {
            details.push((slot, "同一个路口"));
            files.push((slot, name, fixture(name)));
        }
    }
    let response = app
        .post_with_files("/submit", &story_with_photos(&details), &files)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let track = location(&response);
    assert_eq!(photo_count(&app).await, 8);
    assert_eq!(
        job_count(&app).await,
        8,
        "one job per photo, committed with the story"
    );

    assert_eq!(app.run_photo_jobs().await, 8);
    let rows = sqlx::query!(
        r#"select state::text as "state!", width, height, source_width, source_height, exif_year,
                  year, public_key, derivatives
           from photos order by slot, position"#
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(rows.iter().all(|r| r.state == "ready"), "{rows:?}");

    let coffee = &rows[0];
    assert_eq!((coffee.source_width, coffee.source_height), (4032, 3024));
    assert!(
        coffee.height.unwrap() > coffee.width.unwrap(),
        "Orientation=6 comes out upright (portrait)"
    );
    assert_eq!(
        coffee.year,
        Some(2012),
        "a blank year is filled from EXIF DateTimeOriginal"
    );

    let store = app.store();
    for row in &rows {
        let names = store.derivative_names(&row.public_key).await.unwrap();
        assert!(names.len() >= 2, "{names:?}");
        for name in names {
            let stored = store.derivative(&row.public_key, name).await.unwrap();
            assert_no_metadata(&stored.unwrap().bytes);
        }
    }

    let url = media_url_in(&app.get_text(&track).await);
    let photo = app.get(&url).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["cache-control"], "private, no-store");
}

fn assert_no_metadata(bytes: &[u8]) {
    let mut cursor = std::io::Cursor::new(bytes);
    assert!(
        exif::Reader::new()
            .read_from_container(&mut cursor)
            .is_err(),
        "a derivative carries EXIF"
    );
    for marker in [
        b"Exif\0\0".as_slice(),
        b"GPS",
        b"XMP ",
        b"ICCP",
        b"http://ns.adobe.com",
    ] {
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker),
            "a derivative carries {:?}",
            String::from_utf8_lossy(marker)
        );
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn alt_text_is_required_and_nothing_is_kept_when_it_is_missing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let response = submit_then_photo(&app, "", "camera.jpg", fixture("camera_gray.jpg")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = message_beside(response, Field::PhotoThen).await;
    assert!(message.contains("画面描述"), "{message}");
    assert_nothing_stored(&app).await;
}

async fn assert_nothing_stored(app: &TestApp) {
    assert_eq!(app.story_count().await, 0);
    assert_eq!(photo_count(app).await, 0);
    assert_eq!(app.media_files().await, Vec::<std::path::PathBuf>::new());
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_hostile_file_is_refused_and_leaves_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let cases = [
        ("bomb_30000x30000.png", "30000"),
        ("empty.jpg", "空"),
        ("not_an_image.jpg", "JPEG"),
        ("script.svg", "JPEG"),
        ("truncated.jpg", "不完整"),
    ];
    for (name, expected) in cases {
        let hostile = fixture(&format!("hostile/{name}"));
        let response = submit_then_photo(&app, "照片", name, hostile).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}"
        );
        let message = message_beside(response, Field::PhotoThen).await;
        assert!(message.contains(expected), "{name}: {message}");
        assert_nothing_stored(&app).await;
    }
}

/// A valid tiny JPEG padded after its end marker to `size` bytes (phones append such data).
fn jpeg_of_size(size: usize) -> Vec<u8> {
    let mut bytes = fixture("camera_gray.jpg");
    bytes.resize(size, 0);
    bytes
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_file_may_be_25_mib_and_not_a_byte_more(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let limit = 25 * 1024 * 1024;
    let response = submit_then_photo(&app, "照片", "big.jpg", jpeg_of_size(limit + 1)).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = response.text().await.unwrap();
    let message = field_error(&body, Field::PhotoThen.name()).unwrap();
    assert!(message.contains("25 MB"), "{message}");
    assert_eq!(
        tests::html::input_value(&body, Field::Title.name()).as_deref(),
        Some("从渡船到过江隧道"),
        "the text is kept"
    );
    assert_nothing_stored(&app).await;

    let response = submit_then_photo(&app, "照片", "big.jpg", jpeg_of_size(limit)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(photo_count(&app).await, 1);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn four_photos_per_side_and_not_five(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let five: Vec<_> = (0..5)
        .map(|_| (Field::PhotoNow.name(), "p.jpg", fixture("camera_gray.jpg")))
        .collect();
    let details = story_with_photos(&[(Field::PhotoNow.name(), "照片"); 5]);
    let response = app.post_with_files("/submit", &details, &five).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = message_beside(response, Field::PhotoNow).await;
    assert!(message.contains("最多 4 张"), "{message}");
    assert_nothing_stored(&app).await;

    let response = app.post_with_files("/submit", &details, &five[..4]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(photo_count(&app).await, 4);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_empty_file_input_means_no_photo(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let response = submit_then_photo(&app, "", "", Vec::new()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(photo_count(&app).await, 0);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn heic_is_refused_with_directions(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic.resize(4096, 0);
    let response = submit_then_photo(&app, "照片", "IMG_0001.HEIC", heic).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = message_beside(response, Field::PhotoThen).await;
    assert!(message.contains("兼容性最佳"), "{message}");
    assert_nothing_stored(&app).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn require_photo_pair_makes_both_sides_mandatory(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| c.require_photo_pair = true).await;
    let response = submit_then_photo(&app, "照片", "a.jpg", fixture("camera_gray.jpg")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&response.text().await.unwrap(), Field::PhotoNow.name()).is_some());
    assert_nothing_stored(&app).await;
}

async fn submit_one_photo(app: &TestApp) -> String {
    let response = submit_then_photo(app, "照片", "a.jpg", fixture("camera_gray.jpg")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response)
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_job_whose_worker_died_completes_exactly_once(db: PgPool) {
    let app = TestApp::spawn(db).await;
    submit_one_photo(&app).await;
    // A worker takes the job and dies: nobody else may take it while its lease runs.
    let dead = server::media::jobs::claim(&app.db).await.unwrap().unwrap();
    assert_eq!(app.run_photo_jobs().await, 0, "the lease is respected");
    // The lease runs out.
    sqlx::query!("update photo_jobs set locked_until = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.run_photo_jobs().await, 1, "the job is taken again");
    let photo = sqlx::query!(r#"select state::text as "state!", processed_at from photos"#)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(photo.state, "ready");

    // The dead worker wakes up and tries to finish: its lease is gone, nothing changes.
    let made = dead.make(&app.store(), None).await.unwrap();
    let finished = dead.complete(&app.db, &made).await.unwrap();
    assert!(!finished, "a lost lease cannot complete the job");
    let after = sqlx::query_scalar!("select processed_at from photos")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(after, photo.processed_at, "completed exactly once");
    assert_eq!(app.run_photo_jobs().await, 0);
}

/// `server worker` runs only the workers: a photo queued by a web instance that processes
/// nothing (`WORKER_CONCURRENCY=0`) is made by them.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_worker_role_processes_a_queued_photo(db: PgPool) {
    let app = TestApp::spawn(db).await;
    submit_one_photo(&app).await;
    let started = server::media::worker::start(&app.config, app.db.clone())
        .await
        .unwrap();
    assert_eq!(started, 1);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let photo = sqlx::query!(r#"select state::text as "state!", processed_at from photos"#)
            .fetch_one(&app.db)
            .await
            .unwrap();
        if photo.state == "ready" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still {}",
            photo.state
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(job_count(&app).await, 0, "the job is done");
}

/// "Ready" means one thing: a photo being made again (a moderator turned it) is neither listed
/// with its old derivatives nor served until the new ones are recorded.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_photo_being_made_again_is_neither_listed_nor_served(db: PgPool) {
    let app = TestApp::spawn(db).await;
    submit_one_photo(&app).await;
    app.run_photo_jobs().await;
    let story = app::domain::StoryId(latest_story(&app).await);
    let listed = || async {
        let photos = server::media::photos::of_story(&app.db, story)
            .await
            .unwrap();
        (photos[0].id, photos[0].view.sources.clone())
    };
    let (photo, sources) = listed().await;
    let url = sources[0].url.clone();
    assert_eq!(app.get(&url).await.status(), StatusCode::OK);

    let mut tx = app.db.begin().await.unwrap();
    server::media::jobs::requeue(&mut tx, photo).await.unwrap();
    tx.commit().await.unwrap();
    assert!(listed().await.1.is_empty(), "not listed while processing");
    assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND);

    assert_eq!(app.run_photo_jobs().await, 1);
    assert_eq!(listed().await.1, sources);
    assert_eq!(app.get(&url).await.status(), StatusCode::OK);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn media_urls_follow_the_story(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (track, url) = approved_photo(&app).await;
    assert!(
        app.get("/media/xxxxxxxxxxxxxxxxxxxxxx/400.jpg")
            .await
            .status()
            == StatusCode::NOT_FOUND
    );
    let approved = app.get(&url).await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert_eq!(approved.headers()["cache-control"], "public, max-age=300");
    assert_original_unreachable(&app).await;

    for status in ["rejected", "unpublished"] {
        sqlx::query(&format!("update stories set status = '{status}'"))
            .execute(&app.db)
            .await
            .unwrap();
        assert_eq!(
            app.get(&url).await.status(),
            StatusCode::NOT_FOUND,
            "{status}"
        );
    }

    sqlx::query!("update stories set status = 'pending'")
        .execute(&app.db)
        .await
        .unwrap();
    let withdraw = app.withdraw(&track).await;
    assert_eq!(withdraw.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(photo_count(&app).await, 0, "withdrawal removes the photos");
    // Their files go with the withdrawal itself, not with the next sweep.
    assert_eq!(app.media_files().await, Vec::<std::path::PathBuf>::new());
    let swept = server::media::sweep::run(&app.db, &app.store(), 30, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(swept.files, 0, "nothing left to sweep: {swept:?}");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_repeated_submit_with_photos_keeps_one_copy(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let mut details = story_with_photos(&[(Field::PhotoThen.name(), "照片")]);
    details.push((Field::IdempotencyKey.name(), "kiosk-7-0001".into()));
    let files = [(Field::PhotoThen.name(), "a.jpg", fixture("camera_gray.jpg"))];
    let first = app.post_with_files("/submit", &details, &files).await;
    let second = app.post_with_files("/submit", &details, &files).await;
    assert_eq!(location(&first), location(&second));
    assert_eq!(app.story_count().await, 1);
    assert_eq!(photo_count(&app).await, 1);
    let originals = app
        .media_files()
        .await
        .into_iter()
        .filter(|f| f.components().any(|c| c.as_os_str() == "originals"));
    assert_eq!(originals.count(), 1, "the repeated upload left no file");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_contributor_adds_and_removes_photos_while_pending(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let track = submit_one_photo(&app).await;
    let id = sqlx::query_scalar!("select id from photos")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let mut fields = story_with_photos(&[(Field::PhotoNow.name(), "如今的路口")]);
    fields.push((Field::RemovePhoto.name(), id.to_string()));
    let files = [(Field::PhotoNow.name(), "b.png", fixture("logo_alpha.png"))];
    let response = app.post_with_files(&track, &fields, &files).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let slots = sqlx::query_scalar!(r#"select slot::text as "slot!" from photos"#)
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(slots, vec!["now"]);
}

/// Every media file whose path names one of `keys` (original keys and public keys).
async fn files_of(app: &TestApp, keys: &[String]) -> Vec<std::path::PathBuf> {
    app.media_files()
        .await
        .into_iter()
        .filter(|p| {
            p.components()
                .any(|c| keys.iter().any(|k| c.as_os_str() == k.as_str()))
        })
        .collect()
}

/// The original and public keys of a story's photos.
async fn keys_of(app: &TestApp, story: i64) -> Vec<String> {
    sqlx::query!(
        "select original_key, public_key from photos where story_id = $1",
        story
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
    .into_iter()
    .flat_map(|r| [r.original_key, r.public_key])
    .collect()
}

async fn latest_story(app: &TestApp) -> i64 {
    sqlx::query_scalar!(r#"select max(id) as "id!" from stories"#)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn withdrawal_deletes_every_file_of_its_photos_at_once(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let files = [
        (
            Field::PhotoThen.name(),
            "a.jpg",
            fixture("coffee_4032x3024_rot6_gps.jpg"),
        ),
        (Field::PhotoNow.name(), "b.png", fixture("logo_alpha.png")),
    ];
    let fields = story_with_photos(&[
        (Field::PhotoThen.name(), "有定位的原图"),
        (Field::PhotoNow.name(), "如今"),
    ]);
    let track = location(&app.post_with_files("/submit", &fields, &files).await);
    let withdrawn = latest_story(&app).await;
    submit_one_photo(&app).await;
    let other = latest_story(&app).await;
    app.run_photo_jobs().await;
    let gone = keys_of(&app, withdrawn).await;
    let kept = keys_of(&app, other).await;
    assert!(
        files_of(&app, &gone).await.len() >= 4,
        "originals and derivatives exist"
    );
    let kept_before = files_of(&app, &kept).await;
    assert!(kept_before.len() >= 2);

    let response = app.withdraw(&track).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        files_of(&app, &gone).await,
        Vec::<std::path::PathBuf>::new(),
        "no original (GPS included) or derivative is left after the request"
    );
    assert_eq!(
        files_of(&app, &kept).await,
        kept_before,
        "other stories keep theirs"
    );
    let queued = sqlx::query_scalar!(r#"select count(*) as "n!" from media_deletions"#)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(queued, 0, "nothing left for the workers");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn removing_a_photo_on_the_tracking_page_deletes_its_files_at_once(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let files = [
        (Field::PhotoThen.name(), "a.jpg", fixture("camera_gray.jpg")),
        (Field::PhotoNow.name(), "b.png", fixture("logo_alpha.png")),
    ];
    let fields = story_with_photos(&[
        (Field::PhotoThen.name(), "从前"),
        (Field::PhotoNow.name(), "如今"),
    ]);
    let track = location(&app.post_with_files("/submit", &fields, &files).await);
    app.run_photo_jobs().await;
    let photos = sqlx::query!(
        r#"select id, original_key, public_key, slot::text as "slot!" from photos order by id"#
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let (removed, kept) = (&photos[0], &photos[1]);
    let removed_keys = vec![removed.original_key.clone(), removed.public_key.clone()];
    let kept_keys = vec![kept.original_key.clone(), kept.public_key.clone()];
    let kept_before = files_of(&app, &kept_keys).await;
    assert!(!files_of(&app, &removed_keys).await.is_empty());

    let mut edit = valid_story();
    edit.push((Field::RemovePhoto.name(), removed.id.to_string()));
    let response = app.post_multipart(&track, &edit).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        files_of(&app, &removed_keys).await,
        Vec::<std::path::PathBuf>::new()
    );
    assert_eq!(files_of(&app, &kept_keys).await, kept_before);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn files_of_photos_removed_by_a_request_that_died_are_deleted_by_the_workers(db: PgPool) {
    let app = TestApp::spawn(db).await;
    submit_one_photo(&app).await;
    submit_one_photo(&app).await;
    app.run_photo_jobs().await;
    let stories = sqlx::query_scalar!("select id from stories order by id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let gone = keys_of(&app, stories[0]).await;
    let kept = keys_of(&app, stories[1]).await;
    let kept_before = files_of(&app, &kept).await;
    // Any removal (here a moderator's or an operator's) commits; its request never gets to
    // delete the files.
    sqlx::query!("delete from photos where story_id = $1", stories[0])
        .execute(&app.db)
        .await
        .unwrap();
    assert!(!files_of(&app, &gone).await.is_empty(), "still on disk");

    let deleted = server::media::deletions::run_due(&app.db, &app.store())
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(
        files_of(&app, &gone).await,
        Vec::<std::path::PathBuf>::new()
    );
    assert_eq!(files_of(&app, &kept).await, kept_before);
    assert_eq!(
        server::media::deletions::run_due(&app.db, &app.store())
            .await
            .unwrap(),
        0
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn approved_photos_are_revalidated_so_a_withdrawal_reaches_caches(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (track, url) = approved_photo(&app).await;
    let first = app.get(&url).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["cache-control"], "public, max-age=300");
    assert!(first.headers().contains_key("last-modified"));
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10,
        "strong: {etag}"
    );
    let body = first.bytes().await.unwrap();
    let again = app.get(&url).await;
    assert_eq!(again.headers()["etag"], etag.as_str(), "stable");

    let revalidate = async |tag: &str| {
        app.get_with(&app.client, &url, &[("if-none-match", tag)])
            .await
    };
    let not_modified = revalidate(&etag).await;
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(not_modified.headers()["etag"], etag.as_str());
    assert_eq!(
        not_modified.headers()["cache-control"],
        "public, max-age=300"
    );
    assert!(not_modified.bytes().await.unwrap().is_empty());
    let listed = revalidate(&format!("\"nope\", {etag}")).await;
    assert_eq!(listed.status(), StatusCode::NOT_MODIFIED);
    let changed = revalidate("\"nope\"").await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.bytes().await.unwrap(), body);

    let withdraw = app.withdraw(&track).await;
    assert_eq!(withdraw.status(), StatusCode::SEE_OTHER);
    assert_eq!(revalidate(&etag).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn only_canonical_media_file_names_are_served(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (_, url) = approved_photo(&app).await;
    assert_eq!(app.get(&url).await.status(), StatusCode::OK);
    let (folder, file) = url.rsplit_once('/').unwrap();
    let (width, ext) = file.split_once('.').unwrap();
    let aliases = [
        format!("0{width}.{ext}"),
        format!("00{width}.{ext}"),
        format!("%2B{width}.{ext}"),
        format!("+{width}.{ext}"),
        format!("{width}.{}", ext.to_uppercase()),
        format!("{width}.jpeg"),
        format!("{width}.{ext}."),
        format!("{width}.{ext}%20"),
        format!("%20{width}.{ext}"),
        format!("{width}.{ext}%00"),
        format!("{width}.0.{ext}"),
        width.to_string(),
    ];
    for alias in aliases {
        let response = app.get(&format!("{folder}/{alias}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{alias}");
    }
}

/// No original is served, by its key in any media URL, nor (with Garage) through the public
/// bucket or without a signature.
async fn assert_original_unreachable(app: &TestApp) {
    let keys: Vec<String> = sqlx::query_scalar("select original_key from photos")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(!keys.is_empty());
    for key in &keys {
        for url in [
            format!("/media/{key}/400.jpg"),
            format!("/media/voice/{key}.mp3"),
            format!("/media/originals/{key}"),
            format!("/originals/{key}"),
        ] {
            assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND, "{url}");
        }
        if let Some(buckets) = &app.buckets {
            let object = format!("originals/{key}");
            let public = buckets.get(&buckets.public, &object).await.status();
            assert_eq!(
                public,
                StatusCode::NOT_FOUND,
                "{object} in the public bucket"
            );
            let anonymous = buckets.get_anonymously(&buckets.private, &object).await;
            assert!(anonymous.status().is_client_error(), "{object} unsigned");
            let signed = buckets.get(&buckets.private, &object).await.status();
            assert_eq!(signed, StatusCode::OK, "the original is there: {object}");
        }
    }
}

/// Submits a story with one photo, processes it and approves the story: its tracking path and
/// the photo's first public URL.
async fn approved_photo(app: &TestApp) -> (String, String) {
    let track = submit_one_photo(app).await;
    app.run_photo_jobs().await;
    let url = media_url_in(&app.get_text(&track).await);
    sqlx::query!("update stories set status = 'approved'")
        .execute(&app.db)
        .await
        .unwrap();
    (track, url)
}
