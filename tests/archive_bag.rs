//! `server export` (docs/archive.md, "Bags"): a public and a full bag of a database with stories
//! in every status, photos, recordings, revisions, audit entries and an account, each checked
//! by the Library of Congress's validator (`bagit` from PyPI, installed by `./dev.sh test`).
//! The public bag holds no private field (the leak markers of tests/timeline.rs) and no
//! original (compared by SHA-256); the full bag holds all of them.

use app::domain::{AccountRole, Field, StoryStatus};
use serde_json::Value;
use server::archive::bag::writer::BagError;
use server::archive::bag::{ExportError, Kind, export};
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use tests::staff::create_account;
use tests::{TestApp, sha256, story_with, valid_bag as validate, valid_story};

struct Collection {
    app: TestApp,
    /// Words that only private fields and stories that are not public hold.
    markers: Vec<String>,
    public: i64,
    hidden_name: i64,
    pictured: i64,
    display_only: i64,
    voiced: i64,
    silent_voice: i64,
    hidden: Vec<i64>,
}

fn mark(markers: &mut Vec<String>, name: &str) -> String {
    let marker = format!("泄露标记{name}{}", markers.len());
    markers.push(marker.clone());
    marker
}

const LONG: &str = "这是一段足够长的故事正文，用来满足五十个字的最短长度要求，内容本身并不重要。再加一句，免得标记太短时正文不够长。";

async fn collection(db: PgPool) -> Collection {
    let app = TestApp::spawn(db.clone()).await;
    let mut markers = vec![];
    create_account(&db, "mod@example.org", "审核员小李", AccountRole::Moderator).await;

    let public = app.story().approved().create().await.id.0;
    // Private fields with markers; the name not to be shown.
    let mut fields = valid_story();
    fields.retain(|(n, _)| {
        !["real_name", "contact", "consent_show_name", "narrator_name"].contains(n)
    });
    fields.extend([
        (Field::RealName.name(), mark(&mut markers, "真名")),
        (Field::Contact.name(), "leak7@example.org".to_owned()),
        (Field::AssistedBy.name(), mark(&mut markers, "代填人")),
        (
            Field::NarratorName.name(),
            mark(&mut markers, "不公开的称呼"),
        ),
    ]);
    markers.push("leak7@example.org".into());
    app.submit(&fields).await;
    let hidden_name = app.last_story().await;
    app.set_status(hidden_name, StoryStatus::Approved).await;
    sqlx::query("update stories set moderator_message = $2 where id = $1")
        .bind(hidden_name)
        .bind(mark(&mut markers, "审核留言"))
        .execute(&db)
        .await
        .expect("message");

    let pictured = app.story().with_photo_pair().approved().create().await.id.0;
    let body = format!("{}{LONG}", mark(&mut markers, "仅展示的正文"));
    let display_only = app
        .story()
        .with(Field::Licence, "display-only")
        .with(Field::Story, &body)
        .with_photo_pair()
        .approved()
        .create()
        .await
        .id
        .0;

    app.told_aloud(true).await;
    let voiced = app.last_story().await;
    app.set_status(voiced, StoryStatus::Approved).await;
    app.told_aloud(false).await;
    let silent_voice = app.last_story().await;
    app.set_status(silent_voice, StoryStatus::Approved).await;

    let mut hidden = vec![];
    for status in [
        StoryStatus::Pending,
        StoryStatus::ChangesRequested,
        StoryStatus::Rejected,
        StoryStatus::Unpublished,
    ] {
        let title = mark(&mut markers, &format!("标题{status}"));
        let body = format!("{}{LONG}", mark(&mut markers, &format!("正文{status}")));
        let fields: Vec<_> = story_with(Field::Title, Some(&title))
            .into_iter()
            .filter(|(n, _)| *n != Field::Story.name())
            .chain([(Field::Story.name(), body)])
            .collect();
        app.submit(&fields).await;
        let id = app.last_story().await;
        app.set_status(id, status).await;
        hidden.push(id.0);
    }
    // A withdrawal through the tracking page (its content erased, its row and audit kept).
    let gone = app.story().titled("后来撤回的故事").create().await;
    app.withdraw(&gone.tracking).await;
    hidden.push(gone.id.0);
    Collection {
        app,
        markers,
        public,
        hidden_name: hidden_name.0,
        pictured,
        display_only,
        voiced: voiced.0,
        silent_voice: silent_voice.0,
        hidden,
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
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

async fn originals(db: &PgPool) -> Vec<Vec<u8>> {
    sqlx::query_scalar("select sha256 from photos union all select sha256 from recordings")
        .fetch_all(db)
        .await
        .expect("originals")
}

fn story_json(bag: &Path, id: i64) -> Value {
    let path = bag.join(format!("data/stories/{id}/story.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("json")
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_public_bag_is_valid_and_holds_only_what_the_site_shows(db: PgPool) {
    let c = collection(db.clone()).await;
    let out = tempfile::tempdir().expect("temp dir");
    let bag = out.path().join("public bag");
    let exported = export(&db, &c.app.config, &bag, Kind::Public)
        .await
        .expect("export");
    assert_eq!(exported.stories, 6, "the six approved stories");
    validate(&bag);

    let originals = originals(&db).await;
    assert_eq!(originals.len(), 6, "four photos and two recordings");
    for file in files_under(&bag) {
        let bytes = std::fs::read(&file).expect("read");
        let digest = sha256(&bytes);
        assert!(
            !originals.contains(&digest),
            "{} is an original",
            file.display()
        );
        let path = file.to_string_lossy();
        let silent = format!("/stories/{}/", c.silent_voice);
        assert!(
            !(path.contains(&silent) && path.ends_with(".mp3")),
            "{path}: a voice without consent"
        );
        for marker in &c.markers {
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
                "{} holds {marker}",
                file.display()
            );
        }
    }
    for id in &c.hidden {
        assert!(
            !bag.join(format!("data/stories/{id}")).exists(),
            "story {id}"
        );
    }

    let pictured = story_json(&bag, c.pictured);
    assert_eq!(pictured["schema"], "shinian.story/1");
    assert_eq!(pictured["narrator"], "老周");
    let photos = pictured["photos"].as_array().expect("photos");
    assert_eq!(photos.len(), 2);
    for file in photos
        .iter()
        .flat_map(|p| p["files"].as_array().expect("files"))
    {
        let path = file["path"].as_str().expect("path");
        assert!(bag.join("data").join(path).is_file(), "{path}");
    }
    let hidden = story_json(&bag, c.hidden_name);
    assert_eq!(hidden["narrator"], Value::Null);
    let display_only = story_json(&bag, c.display_only);
    assert_eq!(display_only["text"], Value::Null);
    assert_eq!(display_only["media_withheld"], true);
    assert!(
        display_only["photos"]
            .as_array()
            .expect("photos")
            .is_empty()
    );
    assert!(
        !bag.join(format!("data/stories/{}/photos", c.display_only))
            .exists()
    );
    let voiced = story_json(&bag, c.voiced);
    let audio = voiced["recordings"][0]["audio"].as_str().expect("audio");
    assert!(bag.join("data").join(audio).is_file());
    let silent = story_json(&bag, c.silent_voice);
    assert_eq!(silent["recordings"][0]["audio"], Value::Null);

    let dc = std::fs::read_to_string(bag.join(format!("data/stories/{}/dc.xml", c.public)))
        .expect("dc.xml");
    for expected in [
        "<marcrel:ive>老周</marcrel:ive>",
        "<dcterms:temporal>2012/2022</dcterms:temporal>",
        "<dcterms:spatial>临江街道</dcterms:spatial>",
        "https://creativecommons.org/licenses/by/4.0/",
        &format!("/stories/{}</dcterms:identifier>", c.public),
    ] {
        assert!(dc.contains(expected), "{expected} in {dc}");
    }
    let csv = std::fs::read_to_string(bag.join("data/stories.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 7, "a header and six stories");
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).expect("bag-info");
    for label in [
        "Source-Organization: ",
        "Bagging-Date: ",
        "Payload-Oxum: ",
        "Bag-Software-Agent: ",
    ] {
        assert!(info.contains(label), "{label} in {info}");
    }
    assert!(!info.contains("personal data"));

    let refused = export(&db, &c.app.config, &bag, Kind::Public).await;
    assert!(
        matches!(refused, Err(ExportError::Bag(BagError::NotEmpty(_)))),
        "a used folder is refused"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_full_bag_is_valid_and_holds_everything(db: PgPool) {
    let c = collection(db.clone()).await;
    let out = tempfile::tempdir().expect("temp dir");
    let bag = out.path().join("full");
    let kind = Kind::Full {
        with_password_hashes: false,
    };
    let exported = export(&db, &c.app.config, &bag, kind)
        .await
        .expect("export");
    let stories: i64 = sqlx::query_scalar("select count(*) from stories")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(exported.stories, u64::try_from(stories).expect("count"));
    validate(&bag);

    let mut contents: Vec<u8> = vec![];
    let mut digests = vec![];
    for file in files_under(&bag) {
        let bytes = std::fs::read(&file).expect("read");
        digests.push(sha256(&bytes));
        contents.extend(bytes);
    }
    for original in originals(&db).await {
        assert!(digests.contains(&original), "every original is in the bag");
    }
    for marker in &c.markers {
        let found = contents
            .windows(marker.len())
            .any(|w| w == marker.as_bytes());
        assert!(found, "the full bag holds {marker}");
    }
    let story = story_json(&bag, c.hidden_name);
    assert_eq!(story["kind"], "full");
    assert_eq!(story["contributor"]["contact"], "leak7@example.org");
    assert!(
        story["tracking_token_sha256"]
            .as_str()
            .is_some_and(|h| h.len() == 64)
    );
    assert!(!story["consents"].as_array().expect("consents").is_empty());
    assert_eq!(
        story["consents"][0]["text_version"],
        app::domain::CONSENT_TEXT_VERSION
    );
    assert!(!story["revisions"].as_array().expect("revisions").is_empty());

    let audit: i64 = sqlx::query_scalar("select count(*) from story_audit_log")
        .fetch_one(&db)
        .await
        .expect("audit");
    assert!(audit > 0);
    let log = std::fs::read_to_string(bag.join("data/tables/story_audit_log.jsonl")).expect("log");
    assert_eq!(log.lines().count(), usize::try_from(audit).expect("count"));
    let accounts =
        std::fs::read_to_string(bag.join("data/tables/accounts.jsonl")).expect("accounts");
    assert!(accounts.contains("mod@example.org"));
    assert!(!accounts.contains("password_hash") && !accounts.contains("$argon2"));
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).expect("bag-info");
    assert!(info.contains("personal data"), "{info}");

    let with_hashes = out.path().join("with hashes");
    let kind = Kind::Full {
        with_password_hashes: true,
    };
    export(&db, &c.app.config, &with_hashes, kind)
        .await
        .expect("export");
    let accounts =
        std::fs::read_to_string(with_hashes.join("data/tables/accounts.jsonl")).expect("accounts");
    assert!(accounts.contains("$argon2"));
}

/// `--out bag.tar`: the same bag serialized as one .tar (RFC 8493, 4.4), whose folder unpacks
/// to what a folder export holds, file for file.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_serialized_bag_unpacks_to_the_same_bag(db: PgPool) {
    let c = collection(db.clone()).await;
    let out = tempfile::tempdir().expect("temp dir");
    let kind = Kind::Full {
        with_password_hashes: false,
    };
    let folder = out.path().join("folder");
    export(&db, &c.app.config, &folder, kind)
        .await
        .expect("export to a folder");
    let tar = out.path().join("shinian-full.tar");
    let exported = export(&db, &c.app.config, &tar, kind)
        .await
        .expect("export to a .tar");
    assert!(exported.stories > 0);
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no spool folder is left: {leftovers:?}");

    let unpacked = out.path().join("unpacked");
    std::fs::create_dir(&unpacked).expect("mkdir");
    let status = std::process::Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .expect("run tar");
    assert!(status.success());
    let bag = unpacked.join("shinian-full");
    validate(&bag);
    let relative = |root: &Path| -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = files_under(root)
            .into_iter()
            .map(|f| f.strip_prefix(root).expect("inside").to_path_buf())
            .collect();
        files.sort();
        files
    };
    let files = relative(&folder);
    assert_eq!(files, relative(&bag), "the same files");
    assert!(
        files.iter().any(|f| f.ends_with("original")),
        "with originals"
    );
    for file in files {
        assert_eq!(
            std::fs::read(folder.join(&file)).expect("read"),
            std::fs::read(bag.join(&file)).expect("read"),
            "{} differs",
            file.display()
        );
    }

    let again = export(&db, &c.app.config, &tar, kind).await;
    assert!(again.is_err(), "an existing .tar is not overwritten");
}
