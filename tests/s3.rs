//! `MEDIA_STORE=s3` against a real single-node Garage (`tests::garage`; fails without the
//! `garage` binary): stories with photos and a recording go into the private bucket, the
//! workers put derivatives and access copies into the public one, the app serves them (with
//! ranges), no original is reachable through the public bucket, withdrawal deletes the objects,
//! the sweep finds orphans by listing, hostile files leave nothing, readiness needs Garage,
//! `media migrate` copies a populated folder into the buckets and back, verified by hashes.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{Field, PhotoPart, PhotoSlot};
use reqwest::StatusCode;
use server::media::names::random_key;
use server::startup::Background;
use sqlx::PgPool;
use std::time::Duration;
use tests::garage::{Buckets, Garage};
use tests::{TestApp, audio_fixture, fixture, location, sha256, valid_story};

async fn spawn(db: PgPool, buckets: &Buckets) -> TestApp {
    TestApp::spawn_instance(db, Some(buckets.clone()), Background::NONE, |_| {}).await
}

/// `valid_story()` with a description for each photo field given.
fn story_with_photos(photos: &[Field]) -> Vec<(&'static str, String)> {
    let mut fields = valid_story();
    for file_field in photos {
        let slot = PhotoSlot::BOTH
            .into_iter()
            .find(|slot| slot.field() == *file_field)
            .expect("a photo file field");
        fields.push((slot.part(PhotoPart::Alt).name(), "江边".to_owned()));
        for part in [PhotoPart::Year, PhotoPart::Caption, PhotoPart::Credit] {
            fields.push((slot.part(part).name(), String::new()));
        }
    }
    fields
}

/// Submits a story with a photo pair (the "then" photo from the fixture `then`) and a recording
/// whose voice may be heard, and runs its jobs; its tracking link.
async fn submit_pair_and_recording(app: &TestApp, then: &str) -> String {
    let mut fields = story_with_photos(&[Field::PhotoThen, Field::PhotoNow]);
    fields.push((Field::ConsentVoice.name(), "on".into()));
    let files = [
        (Field::PhotoThen.name(), "then.jpg", fixture(then)),
        (Field::PhotoNow.name(), "now.png", fixture("logo_alpha.png")),
        (
            Field::Recording.name(),
            "memo.m4a",
            audio_fixture("accepted/speech.m4a"),
        ),
    ];
    let response = app.post_with_files("/submit", &fields, &files).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.run_photo_jobs().await, 2);
    assert_eq!(app.run_recording_jobs().await, 1);
    location(&response)
}

/// (original key, public key) of every photo and recording.
async fn keys(db: &PgPool) -> (Vec<(String, String)>, Vec<(String, String)>) {
    let photos = sqlx::query_as("select original_key, public_key from photos order by id")
        .fetch_all(db)
        .await
        .unwrap();
    let recordings = sqlx::query_as("select original_key, public_key from recordings order by id")
        .fetch_all(db)
        .await
        .unwrap();
    (photos, recordings)
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn photos_and_a_recording_go_through_the_buckets_and_leave_with_the_story(db: PgPool) {
    let buckets = Garage::shared().buckets();
    let app = spawn(db, &buckets).await;
    let track = submit_pair_and_recording(&app, "coffee_4032x3024_rot6_gps.jpg").await;

    let (photos, recordings) = keys(&app.db).await;
    let mut originals: Vec<String> = photos
        .iter()
        .chain(&recordings)
        .map(|(original, _)| format!("originals/{original}"))
        .collect();
    originals.sort();
    assert_eq!(buckets.keys(&buckets.private).await, originals);
    let public = buckets.keys(&buckets.public).await;
    for (_, public_key) in &photos {
        let prefix = format!("derivatives/{public_key}/");
        assert!(
            public.iter().filter(|k| k.starts_with(&prefix)).count() >= 2,
            "{public:?}"
        );
    }
    let voice = format!("derivatives/{}/voice.mp3", recordings[0].1);
    assert!(public.contains(&voice), "{public:?}");
    assert!(public.iter().all(|k| k.starts_with("derivatives/")));

    // No original through the public bucket, with the app's key or without any.
    for original in &originals {
        let status = buckets.get(&buckets.public, original).await.status();
        assert_eq!(status, StatusCode::NOT_FOUND, "{original}");
        let status = buckets
            .get_anonymously(&buckets.private, original)
            .await
            .status();
        assert!(status.is_client_error(), "{original}: {status}");
    }
    // Derivatives carry their type and caching at rest.
    let derivative = public.iter().find(|k| k.ends_with(".jpg")).unwrap();
    let stored = buckets.get(&buckets.public, derivative).await;
    assert_eq!(stored.headers()["content-type"], "image/jpeg");
    assert_eq!(stored.headers()["cache-control"], "public, max-age=300");
    let stored_bytes = stored.bytes().await.unwrap();

    app.approve_all().await;
    let url = format!("/{}", derivative.replacen("derivatives/", "media/", 1));
    let served = app.get(&url).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["cache-control"], "public, max-age=300");
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.bytes().await.unwrap(), stored_bytes);

    let voice_url = format!("/media/voice/{}.mp3", recordings[0].1);
    let whole = app.get(&voice_url).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["content-type"], "audio/mpeg");
    let size = whole.bytes().await.unwrap().len();
    assert!(size > 1000, "{size}");
    let part = app
        .get_with(&app.client, &voice_url, &[("range", "bytes=100-199")])
        .await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-199/{size}").as_str()
    );
    assert_eq!(part.headers()["cache-control"], "public, max-age=300");
    assert_eq!(part.bytes().await.unwrap().len(), 100);

    sqlx::query("update stories set status = 'pending'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.withdraw(&track).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(buckets.keys(&buckets.private).await, Vec::<String>::new());
    assert_eq!(buckets.keys(&buckets.public).await, Vec::<String>::new());
    assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&voice_url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.media_files().await, Vec::<std::path::PathBuf>::new());
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_sweep_lists_the_buckets_and_removes_only_old_orphans(db: PgPool) {
    let buckets = Garage::shared().buckets();
    let app = spawn(db, &buckets).await;
    let fields = story_with_photos(&[Field::PhotoThen]);
    let files = [(Field::PhotoThen.name(), "a.jpg", fixture("camera_gray.jpg"))];
    let response = app.post_with_files("/submit", &fields, &files).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.run_photo_jobs().await, 1);
    let (private, public) = (&buckets.private, &buckets.public);
    let named = (buckets.keys(private).await, buckets.keys(public).await);

    let (old_original, old_folder) = (random_key(), random_key());
    buckets
        .put(private, &format!("originals/{old_original}"), vec![1; 10])
        .await;
    buckets
        .put(
            public,
            &format!("derivatives/{old_folder}/400.jpg"),
            vec![2; 10],
        )
        .await;
    let (old_upload, fresh_upload) = (
        format!("originals/{}", random_key()),
        format!("originals/{}", random_key()),
    );
    buckets.begin_multipart(private, &old_upload).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    buckets.begin_multipart(private, &fresh_upload).await;
    let (fresh_original, fresh_folder) = (random_key(), random_key());
    let fresh = (
        format!("originals/{fresh_original}"),
        format!("derivatives/{fresh_folder}/400.jpg"),
    );
    buckets.put(private, &fresh.0, vec![3; 10]).await;
    buckets.put(public, &fresh.1, vec![4; 10]).await;

    let swept = server::media::sweep::run(&app.db, &app.store(), 30, Duration::from_secs(2))
        .await
        .unwrap();
    assert_eq!(swept.files, 3, "{swept:?}");
    assert_eq!(
        buckets.unfinished(private).await,
        vec![fresh_upload],
        "an upload left unfinished (a crash while receiving) is aborted once old"
    );
    let mut private_left = named.0.clone();
    private_left.push(fresh.0);
    private_left.sort();
    let mut public_left = named.1.clone();
    public_left.push(fresh.1);
    public_left.sort();
    assert_eq!(buckets.keys(private).await, private_left);
    assert_eq!(buckets.keys(public).await, public_left);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_large_upload_goes_up_in_parts_and_comes_back_whole(db: PgPool) {
    let buckets = Garage::shared().buckets();
    let app = spawn(db, &buckets).await;
    // A valid JPEG padded to 25 MiB, the largest accepted: four 8 MiB parts.
    let mut bytes = fixture("camera_gray.jpg");
    bytes.resize(25 * 1024 * 1024, 0);
    let fields = story_with_photos(&[Field::PhotoThen]);
    let files = [(Field::PhotoThen.name(), "big.jpg", bytes.clone())];
    let response = app.post_with_files("/submit", &fields, &files).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let originals = buckets.keys(&buckets.private).await;
    assert_eq!(originals.len(), 1);
    let stored = buckets.get(&buckets.private, &originals[0]).await;
    assert_eq!(sha256(&stored.bytes().await.unwrap()), sha256(&bytes));
    assert_eq!(
        buckets.unfinished(&buckets.private).await,
        Vec::<String>::new()
    );
    assert_eq!(app.run_photo_jobs().await, 1, "the worker reads it back");
    assert!(!buckets.keys(&buckets.public).await.is_empty());
    assert_eq!(
        app.local_files(),
        Vec::<std::path::PathBuf>::new(),
        "no local copy is left, neither of the upload nor of the worker's download"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn hostile_and_oversized_files_leave_no_object(db: PgPool) {
    let buckets = Garage::shared().buckets();
    let app = spawn(db, &buckets).await;
    let mut oversized = fixture("camera_gray.jpg");
    oversized.resize(25 * 1024 * 1024 + 1, 0);
    // Refused by inspection, after the whole file arrived: two parts were already sent.
    let mut not_an_image = fixture("hostile/not_an_image.jpg");
    not_an_image.resize(20 * 1024 * 1024, b'x');
    let cases = [
        (
            "bomb_30000x30000.png",
            fixture("hostile/bomb_30000x30000.png"),
        ),
        ("empty.jpg", fixture("hostile/empty.jpg")),
        ("not_an_image.jpg", fixture("hostile/not_an_image.jpg")),
        ("script.svg", fixture("hostile/script.svg")),
        ("truncated.jpg", fixture("hostile/truncated.jpg")),
        ("big.jpg", oversized),
        ("large_not_an_image.jpg", not_an_image),
    ];
    for (name, bytes) in cases {
        let fields = story_with_photos(&[Field::PhotoThen]);
        let files = [(Field::PhotoThen.name(), name, bytes)];
        let response = app.post_with_files("/submit", &fields, &files).await;
        assert!(response.status().is_client_error(), "{name}");
        assert_eq!(app.story_count().await, 0);
        assert_eq!(buckets.keys(&buckets.private).await, Vec::<String>::new());
        assert_eq!(buckets.keys(&buckets.public).await, Vec::<String>::new());
        assert_eq!(app.media_files().await, Vec::<std::path::PathBuf>::new());
        assert_no_unfinished_upload(&buckets, name).await;
    }
}

/// The parts sent of a refused upload go: its multipart upload is aborted (by the relay
/// task, just after the answer).
async fn assert_no_unfinished_upload(buckets: &Buckets, case: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let unfinished = buckets.unfinished(&buckets.private).await;
        if unfinished.is_empty() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{case}: still unfinished {unfinished:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_original_whose_row_never_commits_is_deleted(db: PgPool) {
    let buckets = Garage::shared().buckets();
    let app = spawn(db, &buckets).await;
    let store = app.store();
    let mut spool = store.spool().await.unwrap();
    spool.write(b"not kept").await.unwrap();
    let kept = store.keep_original(spool.finish().await.unwrap()).await;
    assert_eq!(buckets.keys(&buckets.private).await.len(), 1);
    drop(kept);
    for _ in 0..50 {
        if buckets.keys(&buckets.private).await.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the original is still there");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn readiness_needs_garage(db: PgPool) {
    let mut garage = Garage::start();
    let buckets = garage.buckets();
    let app = spawn(db, &buckets).await;
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    garage.stop();
    assert_eq!(
        app.get("/readyz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

/// Every file under `root`'s `originals/` and `derivatives/`, by relative path, with its SHA-256.
fn tree(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let name = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((name, sha256(&std::fs::read(&path).unwrap())));
            }
        }
    }
    let mut files = Vec::new();
    for area in ["originals", "derivatives"] {
        walk(&root.join(area), root, &mut files);
    }
    files.sort();
    files
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn media_migrate_moves_a_populated_folder_to_garage_and_back(db: PgPool) {
    use server::media::migrate::{ProblemKind, migrate};
    use server::media::store::{MediaStore, S3Store};
    let buckets = Garage::shared().buckets();
    let app = TestApp::spawn(db.clone()).await;
    submit_pair_and_recording(&app, "camera_gray.jpg").await;
    app.approve_all().await;
    let folder_root = app.media().root().to_owned();
    let before = tree(&folder_root);
    let derivative_count = before
        .iter()
        .filter(|(p, _)| p.starts_with("derivatives/") && !p.ends_with("voice.mp3"))
        .count();
    assert!(derivative_count >= 4, "{before:?}");

    // Into the buckets: every object, read back by its hash.
    let folder = app.store();
    let spool = tempfile::tempdir().unwrap();
    let bucket = MediaStore::S3(S3Store::new(buckets.settings.clone(), spool.path()));
    let there = migrate(&app.db, &folder, &bucket).await.unwrap();
    assert!(there.is_complete(), "{:?}", there.problems);
    assert_eq!(there.originals.copied, 3);
    assert_eq!(
        there.derivatives.copied,
        u64::try_from(derivative_count).unwrap()
    );
    assert_eq!(there.access_copies.copied, 1);
    let mut in_buckets = buckets.keys(&buckets.private).await;
    in_buckets.extend(buckets.keys(&buckets.public).await);
    in_buckets.sort();
    let names: Vec<String> = before.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(in_buckets, names);
    for (name, hash) in &before {
        let which = if name.starts_with("originals/") {
            &buckets.private
        } else {
            &buckets.public
        };
        let stored = buckets.get(which, name).await.bytes().await.unwrap();
        assert_eq!(&sha256(&stored), hash, "{name}");
    }

    // Run again (an interrupted run resumes): nothing copied twice.
    let again = migrate(&app.db, &folder, &bucket).await.unwrap();
    assert!(again.is_complete(), "{:?}", again.problems);
    assert_eq!(
        (
            again.originals.copied,
            again.derivatives.copied,
            again.access_copies.copied
        ),
        (0, 0, 0)
    );
    assert_eq!(again.originals.already_there, 3);
    assert_eq!(again.access_copies.already_there, 1);

    // A site on the buckets serves what the site on the folder served.
    let on_s3 = spawn(db.clone(), &buckets).await;
    let (photos, recordings) = keys(&app.db).await;
    let voice_url = format!("/media/voice/{}.mp3", recordings[0].1);
    let derivative = before
        .iter()
        .find(|(p, _)| p.starts_with(&format!("derivatives/{}/", photos[0].1)))
        .map(|(p, _)| format!("/{}", p.replacen("derivatives/", "media/", 1)))
        .unwrap();
    for url in [voice_url.as_str(), derivative.as_str()] {
        let from_folder = app.get(url).await;
        let from_bucket = on_s3.get(url).await;
        assert_eq!(from_folder.status(), StatusCode::OK, "{url}");
        assert_eq!(from_bucket.status(), StatusCode::OK, "{url}");
        assert_eq!(
            from_folder.bytes().await.unwrap(),
            from_bucket.bytes().await.unwrap(),
            "{url}"
        );
    }

    // And back into an empty folder: the same files, byte for byte.
    let back_root = tempfile::tempdir().unwrap();
    let back = MediaStore::folder(back_root.path());
    let returned = migrate(&app.db, &bucket, &back).await.unwrap();
    assert!(returned.is_complete(), "{:?}", returned.problems);
    assert_eq!(tree(back_root.path()), before);

    // An original changed in the source is reported and not copied; the rest is.
    let changed = &photos[0].0;
    let path = folder_root.join("originals").join(changed);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[100] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let other = Garage::shared().buckets();
    let other_bucket = MediaStore::S3(S3Store::new(other.settings.clone(), spool.path()));
    let partial = migrate(&app.db, &folder, &other_bucket).await.unwrap();
    assert_eq!(partial.problems.len(), 1, "{:?}", partial.problems);
    assert_eq!(partial.problems[0].kind, ProblemKind::ChangedInSource);
    assert_eq!(partial.problems[0].object, format!("originals/{changed}"));
    assert_eq!(partial.originals.copied, 2);
    assert!(
        !other
            .keys(&other.private)
            .await
            .contains(&format!("originals/{changed}"))
    );
}
