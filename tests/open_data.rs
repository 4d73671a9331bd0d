//! Open data (issue 15, `/data`): an admin asks for an export, the server makes it in the
//! background, and anyone downloads one .tar holding a valid BagIt bag (checked by the Library
//! of Congress's validator) of exactly the approved CC-licensed stories — no display-only,
//! pending or withdrawn story, no private field, no original. When an export is due, how many
//! are kept, and the sweep of an export file without a row.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{AccountRole, Field, OpenDataTrigger, StoryStatus};
use reqwest::StatusCode;
use reqwest::header;
use server::archive::open_data::{KEEP, make, store};
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};
use tests::staff::create_account;
use tests::{TestApp, sha256, valid_bag};

const LONG: &str = "这是一段足够长的故事正文，用来满足五十个字的最短长度要求，内容本身并不重要。再加一句，免得标记太短时正文不够长。";

/// Words only stories that must not be in the export hold, and a private field.
const MARKERS: [&str; 3] = ["仅展示标记甲", "待审核标记乙", "leak-open@example.org"];

struct Collection {
    app: TestApp,
    cc_by: i64,
    /// Its tracking link.
    cc_by_track: String,
    cc_by_nc: i64,
}

async fn collection(db: &PgPool) -> Collection {
    let app = TestApp::spawn(db.clone()).await;
    let cc_by = app
        .story()
        .with(Field::Contact, MARKERS[2])
        .with_photo_pair()
        .approved()
        .create()
        .await;
    let cc_by_nc = app
        .story()
        .with(Field::Licence, "cc-by-nc-4.0")
        .approved()
        .create()
        .await
        .id
        .0;
    app.story()
        .with(Field::Licence, "display-only")
        .with(Field::Story, &format!("{}{LONG}", MARKERS[0]))
        .with_photo_pair()
        .approved()
        .create()
        .await;
    app.story()
        .with(Field::Story, &format!("{}{LONG}", MARKERS[1]))
        .create()
        .await;
    Collection {
        app,
        cc_by: cc_by.id.0,
        cc_by_track: cc_by.tracking,
        cc_by_nc,
    }
}

/// The kept exports, waiting up to 60 s for `count` of them (they are made in the background).
async fn exports(db: &PgPool, count: usize) -> Vec<store::ExportRow> {
    let started = Instant::now();
    loop {
        let rows = store::latest(db, 10).await.unwrap();
        if rows.len() >= count || started.elapsed() > Duration::from_secs(60) {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Unpacks a downloaded .tar; the folder holding the bag.
fn unpack(tar: &[u8], into: &Path) -> std::path::PathBuf {
    let file = into.join("download.tar");
    std::fs::write(&file, tar).unwrap();
    let status = std::process::Command::new("tar")
        .arg("-xf")
        .arg(&file)
        .arg("-C")
        .arg(into)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_file(&file).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(into)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "one folder in the .tar: {entries:?}");
    entries.pop().unwrap()
}

fn every_file(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(every_file(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_admin_asks_and_anyone_downloads_the_cc_stories_as_a_valid_bag(db: PgPool) {
    let c = collection(&db).await;
    let app = &c.app;
    let page = app.get_text("/data").await;
    assert!(page.contains("现在没有可下载的数据包"), "{page}");

    // Only admins ask: an anonymous post goes to sign-in, a moderator's is refused.
    let anonymous = app
        .client
        .post(app.url("/admin/open-data"))
        .send()
        .await
        .unwrap();
    assert!(tests::staff::redirects_to_login(&anonymous));
    let moderator = app.moderator_signed_in().await;
    let refused = app.post_action(&moderator, "/admin/open-data").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(exports(&db, 0).await.is_empty());

    create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    let admin = app.login_as("admin@example.org").await;
    let asked = app.post_action(&admin, "/admin/open-data").await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let rows = exports(&db, 1).await;
    assert_eq!(rows.len(), 1, "the export was made in the background");
    let row = &rows[0];
    assert_eq!(row.trigger, OpenDataTrigger::Admin);
    assert_eq!((row.stories, row.cc_by, row.cc_by_nc), (2, 1, 1));
    assert_eq!((row.photos, row.recordings), (2, 0));
    let admin_page = app.page_as(&admin, "/admin/open-data").await;
    assert!(admin_page.contains(&row.sha256), "{admin_page}");
    assert!(!admin_page.contains("已请求生成"), "the request was met");

    // The public page lists it with its counts, licence mix, size and checksum.
    let page = app.get_text("/data").await;
    let href = format!("/data/{}.tar", row.object_key);
    for shown in [
        href.as_str(),
        row.sha256.as_str(),
        "CC BY 1 · CC BY-NC 1",
        "下载最新数据包",
    ] {
        assert!(page.contains(shown), "{shown} on /data: {page}");
    }
    let english = app
        .get_with(&app.client, "/data", &[("accept-language", "en")])
        .await
        .text()
        .await
        .unwrap();
    assert!(english.contains("Download the latest package"), "{english}");

    // The download: the bytes the page's checksum names, as an attachment.
    let download = app.get(&href).await;
    assert_eq!(download.status(), StatusCode::OK);
    let headers = download.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "application/x-tar");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"shinian-open-data-"),
        "{disposition}"
    );
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let tar = download.bytes().await.unwrap();
    assert_eq!(i64::try_from(tar.len()).unwrap(), row.bytes);
    let hex: String = sha256(&tar).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, row.sha256);
    let part = app
        .get_with(&app.client, &href, &[("range", "bytes=0-99")])
        .await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.unwrap().len(), 100);

    // A valid bag of exactly the CC-licensed approved stories, with nothing private.
    let work = tempfile::tempdir().unwrap();
    let bag = unpack(&tar, work.path());
    valid_bag(&bag);
    let folders: BTreeSet<i64> = std::fs::read_dir(bag.join("data/stories"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().parse().unwrap())
        .collect();
    assert_eq!(folders, BTreeSet::from([c.cc_by, c.cc_by_nc]));
    let originals: Vec<Vec<u8>> = sqlx::query_scalar("select sha256 from photos")
        .fetch_all(&db)
        .await
        .unwrap();
    let files = every_file(&bag);
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "webp" || e == "jpg"))
    );
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for marker in MARKERS {
            assert!(!text.contains(marker), "{marker} in {}", file.display());
        }
        assert!(
            !originals.contains(&sha256(&bytes)),
            "an original: {}",
            file.display()
        );
    }

    // Its narrator withdraws the CC BY story: the export holding it is neither listed nor
    // served from that moment, deleted by the next round, and a new one is due at once.
    let withdrawn = app.withdraw(&c.cc_by_track).await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&href).await.status(), StatusCode::NOT_FOUND);
    let page = app.get_text("/data").await;
    assert!(!page.contains(&row.sha256), "{page}");
    assert!(page.contains("现在没有可下载的数据包"), "{page}");
    assert_eq!(make::forget_superseded(&db, &app.store()).await.unwrap(), 1);
    let left = app
        .store()
        .older_than(server::media::store::Area::Exports, Duration::ZERO)
        .await;
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        store::due(&db, 24).await.unwrap(),
        Some(OpenDataTrigger::Schedule)
    );

    // Nothing else is served from /data/.
    for path in [
        "/data/AAAAAAAAAAAAAAAAAAAAAA.tar".to_owned(),
        format!("/data/{}", row.object_key),
        "/data/..%2F..%2Fetc%2Fpasswd".to_owned(),
    ] {
        assert_eq!(
            app.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_export_is_due_after_a_public_change_once_per_interval_or_at_once_after_a_withdrawal(
    db: PgPool,
) {
    let app = TestApp::spawn(db.clone()).await;
    let media = app.store();
    media.prepare().await.unwrap();
    assert_eq!(
        store::due(&db, 24).await.unwrap(),
        None,
        "nothing public yet"
    );

    let first = app.story().approved().create().await.id;
    assert_eq!(
        store::due(&db, 24).await.unwrap(),
        Some(OpenDataTrigger::Schedule)
    );
    assert_eq!(store::due(&db, 0).await.unwrap(), None, "0: no schedule");
    let made = make::make(&db, &app.config, &media, OpenDataTrigger::Schedule)
        .await
        .unwrap();
    assert_eq!(made.tally.cc_by, 1);
    assert_eq!(
        store::due(&db, 24).await.unwrap(),
        None,
        "nothing changed since"
    );

    // A story first published after the export: due once the export is a day old.
    let second = app.story().approved().create().await.id;
    sqlx::query("update stories set published_at = now() where id = $1")
        .bind(second.0)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(store::due(&db, 24).await.unwrap(), None);
    sqlx::query("update open_data_exports set as_of = as_of - interval '25 hours'")
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(
        store::due(&db, 24).await.unwrap(),
        Some(OpenDataTrigger::Schedule)
    );
    let both = make::make(&db, &app.config, &media, OpenDataTrigger::Schedule)
        .await
        .unwrap();
    assert_eq!(both.tally.cc_by, 2);
    assert_eq!(store::due(&db, 24).await.unwrap(), None);

    // A withdrawal supersedes the export holding the story: due at once.
    app.set_status(first, StoryStatus::Withdrawn).await;
    assert_eq!(
        store::due(&db, 24).await.unwrap(),
        Some(OpenDataTrigger::Schedule)
    );
    let after = make::make(&db, &app.config, &media, OpenDataTrigger::Schedule)
        .await
        .unwrap();
    assert_eq!(
        after.tally.cc_by, 1,
        "the withdrawn story left the open data"
    );

    // An admin's request is due at once, whatever the interval.
    let admin = create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    store::request(&db, admin).await.unwrap();
    assert_eq!(
        store::due(&db, 0).await.unwrap(),
        Some(OpenDataTrigger::Admin)
    );
    assert!(store::requested(&db).await.unwrap());
    make::make(&db, &app.config, &media, OpenDataTrigger::Admin)
        .await
        .unwrap();
    assert!(!store::requested(&db).await.unwrap());
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_latest_exports_are_kept_and_a_file_without_a_row_is_swept(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let media = app.store();
    media.prepare().await.unwrap();
    app.story().with_photo_pair().approved().create().await;
    let mut made = Vec::new();
    for _ in 0..=KEEP {
        made.push(
            make::make(&db, &app.config, &media, OpenDataTrigger::Schedule)
                .await
                .unwrap()
                .key,
        );
    }
    let kept: Vec<String> = store::latest(&db, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.object_key)
        .collect();
    let newest: Vec<String> = made.iter().rev().take(3).cloned().collect();
    assert_eq!(kept, newest);
    let oldest = format!("/data/{}.tar", made[0]);
    assert_eq!(app.get(&oldest).await.status(), StatusCode::NOT_FOUND);
    for key in &kept {
        let served = app.get(&format!("/data/{key}.tar")).await;
        assert_eq!(served.status(), StatusCode::OK, "{key}");
    }

    // An export kept in the store whose row never committed (a crash in between).
    let orphan = media.export_target().await.unwrap();
    std::fs::write(orphan.tar(), b"not recorded").unwrap();
    media.keep_export(&orphan).await.unwrap();
    let swept = server::media::sweep::run(&db, &media, 30, Duration::ZERO)
        .await
        .unwrap();
    assert!(swept.files >= 1, "{swept:?}");
    let remaining = media
        .older_than(server::media::store::Area::Exports, Duration::ZERO)
        .await;
    let expected: BTreeSet<String> = kept.iter().map(|k| format!("{k}.tar")).collect();
    assert_eq!(remaining.into_iter().collect::<BTreeSet<_>>(), expected);

    // A moderator removes a photo of the story: every export holding it is superseded.
    sqlx::query("delete from photos where id = (select min(id) from photos)")
        .execute(&db)
        .await
        .unwrap();
    assert!(store::latest(&db, 10).await.unwrap().is_empty());
    assert_eq!(
        make::forget_superseded(&db, &media).await.unwrap(),
        kept.len()
    );
}
