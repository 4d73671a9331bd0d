//! `server seed-demo` on a fresh database and a temp media folder: every demo story arrives
//! approved with one then and one now illustration, stored like an upload (original in the
//! store, a queued job), and once the photo jobs ran the first page shows pictures and each
//! story page the comparison slider. The ferry story also brings a synthesized narration, stored
//! like an uploaded recording, which once its job ran plays on the story page beside its
//! transcript and index. A second seed does nothing; a failed one leaves nothing.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::transcript::Index;
use reqwest::StatusCode;
use scraper::{Html, Selector};
use server::demo::{self, Seeded};
use server::media::store::{FileStore, MediaStore};
use server::web::time::latest_allowed_year;
use sqlx::PgPool;
use std::path::PathBuf;
use tests::TestApp;

/// Every file under a folder of the media store (none when it does not exist).
fn files_in(dir: PathBuf) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

async fn seed(app: &TestApp) -> Seeded {
    demo::seed(&app.db, &app.store(), latest_allowed_year())
        .await
        .unwrap()
}

async fn count(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(db)
        .await
        .unwrap()
}

struct Stored {
    story: i64,
    year_then: i16,
    year_now: i16,
    slot: String,
    year: Option<i16>,
    caption: Option<String>,
    credit: Option<String>,
    alt: String,
    original_key: String,
    sha256: Vec<u8>,
    source_format: String,
    jobs: i64,
}

async fn stored_photos(db: &PgPool) -> Vec<Stored> {
    type Row = (
        i64,
        i16,
        i16,
        String,
        Option<i16>,
        Option<String>,
        Option<String>,
        String,
        String,
        Vec<u8>,
        String,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "select s.id, s.year_then, s.year_now, p.slot::text, p.year, p.caption, p.credit, p.alt,
                p.original_key, p.sha256, p.source_format,
                (select count(*) from photo_jobs j where j.photo_id = p.id)
         from photos p join stories s on s.id = p.story_id order by s.id, p.slot",
    )
    .fetch_all(db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|r| Stored {
            story: r.0,
            year_then: r.1,
            year_now: r.2,
            slot: r.3,
            year: r.4,
            caption: r.5,
            credit: r.6,
            alt: r.7,
            original_key: r.8,
            sha256: r.9,
            source_format: r.10,
            jobs: r.11,
        })
        .collect()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_demo_stories_arrive_with_illustrated_pairs_through_the_upload_path(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let media = app.media();
    let Seeded::Inserted {
        stories,
        photos,
        recordings,
    } = seed(&app).await
    else {
        panic!("an empty database gets the demo stories");
    };
    assert_eq!((stories, photos, recordings), (5, 10, 1));
    assert_eq!(
        count(
            &db,
            "select count(*) from stories where status = 'approved' and published_at is not null"
        )
        .await,
        5
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from story_contributors where assisted_by is not null"
        )
        .await,
        1,
        "one story was written down by a volunteer"
    );

    let stored = stored_photos(&db).await;
    assert_eq!(stored.len(), 10);
    let story_ids: std::collections::BTreeSet<i64> = stored.iter().map(|p| p.story).collect();
    assert_eq!(story_ids.len(), 5);
    for id in &story_ids {
        let slots: Vec<&str> = stored
            .iter()
            .filter(|p| p.story == *id)
            .map(|p| p.slot.as_str())
            .collect();
        assert_eq!(slots, ["then", "now"], "story {id}: exactly one of each");
    }
    for photo in &stored {
        let original = std::fs::read(media.original_path(&photo.original_key))
            .unwrap_or_else(|e| panic!("original of story {}: {e}", photo.story));
        assert_eq!(
            tests::sha256(&original),
            photo.sha256,
            "the row names its file"
        );
        assert_eq!(photo.source_format, "jpeg");
        assert_eq!(photo.jobs, 1, "a queued job per photo");
        let year = if photo.slot == "then" {
            photo.year_then
        } else {
            photo.year_now
        };
        assert_eq!(photo.year, Some(year), "the photo's year is its story's");
        assert_eq!(photo.credit.as_deref(), Some(demo::CREDIT));
        assert!(
            photo
                .caption
                .as_deref()
                .is_some_and(|c| c.contains("示意插图")),
            "captions say they are illustrations"
        );
        let alt = photo.alt.chars().count();
        assert!((2..=300).contains(&alt), "alt of {alt} characters");
    }
    assert_eq!(
        files_in(media.originals_dir()).len(),
        11,
        "ten pictures and one recording"
    );
    assert!(
        files_in(media.tmp_dir()).is_empty(),
        "no upload left behind"
    );

    assert_eq!(app.run_photo_jobs().await, 10);
    assert_eq!(
        count(&db, "select count(*) from photos where state = 'ready'").await,
        10
    );

    let home = app.get("/").await;
    assert_eq!(home.status(), StatusCode::OK);
    let home = Html::parse_document(&home.text().await.unwrap());
    let card = Selector::parse("li.story-card").unwrap();
    let thumb = Selector::parse(".card-thumbs img").unwrap();
    let cards: Vec<_> = home.select(&card).collect();
    assert_eq!(cards.len(), 5);
    for card in cards {
        let sources: Vec<&str> = card
            .select(&thumb)
            .filter_map(|img| img.value().attr("src"))
            .collect();
        assert_eq!(sources.len(), 2, "a then and a now picture on every card");
        for src in sources {
            assert!(src.starts_with("/media/"), "{src}");
            let image = app.get(src).await;
            assert_eq!(image.status(), StatusCode::OK, "{src}");
            assert_eq!(image.headers()["content-type"], "image/jpeg");
        }
    }

    for id in &story_ids {
        let page = app.get(&format!("/stories/{id}")).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains(r#"type="range""#), "story {id}: the slider");
        let then_alt = &stored
            .iter()
            .find(|p| p.story == *id && p.slot == "then")
            .unwrap()
            .alt;
        assert!(
            html.contains(&format!("拖动比较：左边是{then_alt}")),
            "story {id}: the slider is labelled from the alt texts"
        );
        assert!(
            html.contains(demo::CREDIT),
            "story {id}: the credit is shown"
        );
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_second_seed_does_nothing(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    assert!(matches!(seed(&app).await, Seeded::Inserted { .. }));
    let mut files = app.media_files().await;
    files.sort();
    assert!(matches!(seed(&app).await, Seeded::AlreadyHadStories));
    assert_eq!(count(&db, "select count(*) from stories").await, 5);
    assert_eq!(count(&db, "select count(*) from photos").await, 10);
    assert_eq!(count(&db, "select count(*) from photo_jobs").await, 10);
    assert_eq!(count(&db, "select count(*) from recordings").await, 1);
    assert_eq!(count(&db, "select count(*) from recording_jobs").await, 1);
    let mut after = app.media_files().await;
    after.sort();
    assert_eq!(after, files, "no file added or removed");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_seed_with_a_story_present_stores_no_photo(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    app.submit(&tests::valid_story()).await;
    assert!(matches!(seed(&app).await, Seeded::AlreadyHadStories));
    assert_eq!(count(&db, "select count(*) from stories").await, 1);
    assert_eq!(count(&db, "select count(*) from photos").await, 0);
    assert_eq!(count(&db, "select count(*) from recordings").await, 0);
    assert!(app.media_files().await.is_empty());
}

/// The database refuses the third story's photos: the transaction rolls back, and the originals
/// already moved into the store (the first three stories') are removed with their guards.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_failed_seed_leaves_no_row_and_no_file(db: PgPool) {
    sqlx::raw_sql(
        "create function refuse_fifth_photo() returns trigger language plpgsql as $$
         begin
             if (select count(*) from photos) >= 4 then
                 raise exception 'refused for the test';
             end if;
             return new;
         end $$;
         create trigger refuse_fifth_photo before insert on photos
             for each row execute function refuse_fifth_photo();",
    )
    .execute(&db)
    .await
    .unwrap();
    let media = tempfile::tempdir().unwrap();
    let files = FileStore::new(media.path());
    match demo::seed(&db, &MediaStore::File(files.clone()), latest_allowed_year()).await {
        Err(error) => assert!(
            error.to_string().contains("refused for the test"),
            "failed at the third story's photos: {error}"
        ),
        Ok(_) => panic!("the seed must fail"),
    }
    assert_eq!(count(&db, "select count(*) from stories").await, 0);
    assert_eq!(count(&db, "select count(*) from photos").await, 0);
    assert_eq!(count(&db, "select count(*) from recordings").await, 0);
    assert!(
        files_in(files.originals_dir()).is_empty(),
        "no orphan original (the first story's recording included)"
    );
    assert!(
        files_in(files.tmp_dir()).is_empty(),
        "no upload left behind"
    );
}

/// What `server/demo/voice.sh` wrote beside the recording; the seed stores it parsed.
const TRANSCRIPT: &str = include_str!("../server/demo/ferry-voice.transcript.txt");
const INDEX: &str = include_str!("../server/demo/ferry-voice.index.txt");

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_ferry_story_plays_its_synthesized_narration_with_transcript_and_index(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    assert!(matches!(seed(&app).await, Seeded::Inserted { .. }));
    type Row = (
        i64,
        String,
        bool,
        String,
        String,
        Vec<u8>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let (
        story,
        title,
        voice_consent,
        original_key,
        public_key,
        sha256,
        summary,
        vtt,
        index,
        container,
    ): Row = sqlx::query_as(
        "select s.id, s.title, s.voice_consent, r.original_key, r.public_key, r.sha256, r.summary,
                    r.transcript, r.index_text, r.container
             from recordings r join stories s on s.id = r.story_id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(title, "从轮渡到过江隧道");
    assert!(voice_consent, "the public may hear it");
    assert_eq!(container, "ogg");
    assert!(
        summary.as_deref().is_some_and(|s| s.contains("合成")),
        "the summary says the voice is synthesized: {summary:?}"
    );
    let original = std::fs::read(app.media().original_path(&original_key)).unwrap();
    assert_eq!(tests::sha256(&original), sha256, "the row names its file");
    assert_eq!(
        original,
        include_bytes!("../server/demo/ferry-voice.ogg"),
        "the original is the committed file, byte for byte"
    );
    let vtt = vtt.unwrap();
    assert!(vtt.starts_with("WEBVTT"), "{vtt}");
    assert!(
        vtt.contains("00:00:00.500 --> 00:00:06.593\n<v 老周>我是老周"),
        "{vtt}"
    );
    let parsed = |text: &str| Index::parse(text, 40_000).unwrap();
    assert_eq!(
        parsed(&index.unwrap()),
        parsed(INDEX),
        "the index as written"
    );

    let state = "select state::text from recordings";
    let before: String = sqlx::query_scalar(state).fetch_one(&db).await.unwrap();
    assert_eq!(
        before, "processing",
        "the site's workers make the access copy"
    );
    assert_eq!(app.run_recording_jobs().await, 1);
    let (after, duration_ms, access_bytes): (String, Option<i64>, Option<i64>) =
        sqlx::query_as("select state::text, duration_ms, access_bytes from recordings")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(after, "ready");
    let duration_ms = duration_ms.unwrap();
    assert!(
        (20_000..=40_000).contains(&duration_ms),
        "20 to 40 seconds: {duration_ms} ms"
    );

    let page = app.get(&format!("/stories/{story}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = Html::parse_document(&page.text().await.unwrap());
    let src = format!("/media/voice/{public_key}.mp3");
    let audio = Selector::parse("audio.transcript-audio").unwrap();
    let players: Vec<_> = page.select(&audio).collect();
    assert_eq!(players.len(), 1, "one player");
    assert_eq!(players[0].value().attr("src"), Some(src.as_str()));
    let cue = Selector::parse(".transcript .cue-text").unwrap();
    let cues: Vec<String> = page
        .select(&cue)
        .map(|c| c.text().collect::<String>())
        .collect();
    let said: Vec<&str> = TRANSCRIPT
        .lines()
        .filter_map(|line| line.split_once("] ").map(|(_, text)| text))
        .collect();
    assert_eq!(said.len(), 5);
    assert_eq!(cues.len(), said.len(), "{cues:?}");
    for (shown, text) in cues.iter().zip(&said) {
        assert!(shown.ends_with(text), "{shown} / {text}");
    }
    assert!(cues[0].starts_with("老周"), "the speaker: {}", cues[0]);
    let segment = Selector::parse(".transcript-index .segment-title").unwrap();
    let titles: Vec<String> = page
        .select(&segment)
        .map(|t| t.text().collect::<String>())
        .collect();
    assert_eq!(titles, ["在渡船上工作的年月", "雾天停航", "隧道通车以后"]);

    let mp3 = app.get(&src).await;
    assert_eq!(mp3.status(), StatusCode::OK);
    assert_eq!(mp3.headers()["content-type"], "audio/mpeg");
    let bytes = mp3.bytes().await.unwrap();
    assert_eq!(Some(i64::try_from(bytes.len()).unwrap()), access_bytes);
    assert_eq!(&bytes[..2], [0xFF, 0xFB], "an MP3 frame first");

    let served = app.get(&format!("/media/voice/{public_key}.vtt")).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert!(
        served.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/vtt")
    );
    let served = served.text().await.unwrap();
    assert_eq!(served, vtt);
    assert_eq!(served.matches(" --> ").count(), 5, "{served}");
    for text in &said {
        assert!(served.contains(text), "{text} in {served}");
    }
    assert!(
        served.contains("00:00:29.269 --> 00:00:36."),
        "the last cue ends with the recording: {served}"
    );

    // Words only said aloud ("船票") or only in the index ("停航") find the story.
    for word in ["船票", "停航"] {
        let found = app.get(&format!("/?q={word}")).await.text().await.unwrap();
        assert!(
            found.contains(&format!("href=\"/stories/{story}\"")),
            "{word} finds the ferry story"
        );
    }
}
