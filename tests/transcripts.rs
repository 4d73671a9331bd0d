//! A recording's transcript and index, written by the contributor on the tracking page while the
//! story may be edited and by moderators while it is pending, against real PostgreSQL, a real
//! HTTP server and a real processed recording: refusals keep what was typed and store nothing,
//! each save leaves a revision, search reads the transcripts, and the timeline's "with
//! recording" filter lists only voices the public may hear.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{ReviewField, StoryStatus, TranscriptField};
use reqwest::{Client, StatusCode};
use sqlx::PgPool;
use tests::{TestApp, location};

/// Words that are in no story text of the tests, only in the transcript.
const SAID: &str = "摆渡人老李吹哨子";

/// `TestApp::told_aloud` with the recording's id as its column holds it.
async fn told_aloud(app: &TestApp, consent_voice: bool) -> (String, i64) {
    let (track, recording) = app.told_aloud(consent_voice).await;
    (track, recording.0)
}

fn text_form(transcript: &str, index: &str) -> Vec<(&'static str, String)> {
    vec![
        (TranscriptField::Transcript.name(), transcript.to_owned()),
        (TranscriptField::Index.name(), index.to_owned()),
    ]
}

async fn stored_text(app: &TestApp, recording: i64) -> (Option<String>, Option<String>) {
    sqlx::query_as("select transcript, index_text from recordings where id = $1")
        .bind(recording)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// `(author, moderator_id)` of every revision of a recording's texts, oldest first.
async fn revisions(app: &TestApp, recording: i64) -> Vec<(String, Option<i64>)> {
    sqlx::query_as(
        "select author::text, moderator_id from recording_text_revisions
         where recording_id = $1 order by id",
    )
    .bind(recording)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_contributor_writes_the_transcript_and_the_public_reads_and_finds_it(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (track, recording) = told_aloud(&app, true).await;
    let story = app.last_story().await;
    let action = format!("{track}/recordings/{recording}/text");
    let page = app.get_text(&track).await;
    assert!(
        page.contains(&format!(r#"action="{action}""#)),
        "the tracking page has the form"
    );

    let version = app.story_version(story).await;
    let transcript = format!("0:00 那时候渡口还在。\n[0:05 王阿姨] {SAID}，船就开了。");
    let index = "0:00 渡口\nkeywords: 轮渡, 码头\n0:05 开船";
    let response = app.post_form(&action, &text_form(&transcript, index)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("{track}?saved=1"));

    let (vtt, stored_index) = stored_text(&app, recording).await;
    let vtt = vtt.unwrap();
    assert!(vtt.starts_with("WEBVTT"), "{vtt}");
    assert!(vtt.contains("<v 王阿姨>"), "{vtt}");
    assert!(stored_index.unwrap().contains("keywords: 轮渡, 码头"));
    assert_eq!(
        revisions(&app, recording).await,
        [("contributor".into(), None)]
    );
    assert_eq!(app.story_version(story).await, version + 1);
    assert!(
        app.get_text(&track).await.contains("那时候渡口还在"),
        "the form shows the saved transcript"
    );

    app.approve_all().await;
    let public = app.get_text(&format!("/stories/{story}")).await;
    assert!(public.contains(SAID), "the transcript is on the story page");
    assert!(public.contains("开船"), "the index is on the story page");
    let key: String = sqlx::query_scalar("select public_key from recordings")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let served = app.get_text(&format!("/media/voice/{key}.vtt")).await;
    assert_eq!(served, vtt);

    let found = app.get_text("/?q=吹哨子").await;
    assert!(
        found.contains(&format!("/stories/{story}")),
        "search finds a word said only in the transcript"
    );
    let found = app.get_text("/?q=码头").await;
    assert!(
        found.contains(&format!("/stories/{story}")),
        "and the index's keywords"
    );

    let late = app.post_form(&action, &text_form("", "")).await;
    assert_eq!(late.status(), StatusCode::CONFLICT, "no edit once approved");
    assert!(stored_text(&app, recording).await.0.is_some());
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_refused_transcript_keeps_what_was_typed_and_stores_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (track, recording) = told_aloud(&app, true).await;
    let story = app.last_story().await;
    let version = app.story_version(story).await;
    let action = format!("{track}/recordings/{recording}/text");
    let too_long = "字".repeat(app::domain::transcript::limits::TRANSCRIPT_CHARS + 1);
    let cases = [
        // Past the recording's end (it is under a minute long).
        (
            format!("0:00 开头\n59:00 {SAID}"),
            "0:00 渡口".to_owned(),
            "录音的结尾",
        ),
        // An index segment without its title.
        ("0:00 开头".to_owned(), "0:00".to_owned(), "没有标题"),
        // One character past the transcript's limit.
        (too_long, String::new(), "文字稿最多 200000 个字"),
        // Markup is text, and a bad time is named by its line.
        (
            format!("0:00 <script>alert(1)</script>\n1:xx {SAID}"),
            String::new(),
            "第 2 行",
        ),
    ];
    for (transcript, index, message) in cases {
        let response = app
            .post_form(&action, &text_form(&transcript, &index))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert!(body.contains(message), "{message}");
        assert!(!body.contains("<script>alert"), "typed markup is escaped");
        if transcript.len() < 1000 {
            let typed = transcript.replace('<', "&lt;").replace('>', "&gt;");
            assert!(body.contains(&typed), "what was typed is shown again");
        }
    }
    assert_eq!(stored_text(&app, recording).await, (None, None));
    assert!(revisions(&app, recording).await.is_empty());
    assert_eq!(app.story_version(story).await, version);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn only_a_ready_recording_of_the_story_takes_a_transcript(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (track, recording) = told_aloud(&app, true).await;
    let (other_track, _) = told_aloud(&app, true).await;
    let form = text_form("0:00 开头", "");
    let elsewhere = format!("{other_track}/recordings/{recording}/text");
    let response = app.post_form(&elsewhere, &form).await;
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "another story's recording"
    );

    sqlx::query("update recordings set state = 'processing' where id = $1")
        .bind(recording)
        .execute(&app.db)
        .await
        .unwrap();
    let own = format!("{track}/recordings/{recording}/text");
    assert_eq!(
        app.post_form(&own, &form).await.status(),
        StatusCode::NOT_FOUND,
        "not ready: its length is not known"
    );
    let bad_id = format!("{track}/recordings/x1/text");
    assert!(
        app.post_form(&bad_id, &form)
            .await
            .status()
            .is_client_error()
    );
    assert_eq!(stored_text(&app, recording).await, (None, None));
}

async fn post_as_moderator(
    app: &TestApp,
    client: &Client,
    path: &str,
    version: i32,
    transcript: &str,
) -> reqwest::Response {
    let mut form = text_form(transcript, "0:00 开头");
    form.push((ReviewField::Version.name(), version.to_string()));
    app.post_form_with(client, path, &[], &form).await
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn moderators_edit_a_pending_storys_transcript_as_a_revision(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (_, recording) = told_aloud(&app, true).await;
    let story = app.last_story().await;
    let path = format!("/moderate/stories/{story}/recordings/{recording}/text");
    let anonymous = post_as_moderator(&app, &app.client, &path, 1, "0:00 改过").await;
    assert!(anonymous.status().is_redirection() || anonymous.status().is_client_error());
    assert_eq!(stored_text(&app, recording).await, (None, None));

    let moderator = app.moderator_signed_in().await;
    let review = app
        .page_as(&moderator, &format!("/moderate/stories/{story}"))
        .await;
    assert!(review.contains(&format!(r#"action="{path}""#)));
    let version = app.story_version(story).await;
    let saved = post_as_moderator(&app, &moderator, &path, version, &format!("0:00 {SAID}")).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert!(stored_text(&app, recording).await.0.unwrap().contains(SAID));
    let authors = revisions(&app, recording).await;
    assert_eq!(authors.len(), 1);
    assert_eq!(authors[0].0, "moderator");
    assert!(authors[0].1.is_some());
    assert_eq!(app.story_version(story).await, version + 1);
    let audit = app.audit_of(story).await;
    assert_eq!(audit.last().unwrap().0, "moderator_edited");

    let stale = post_as_moderator(&app, &moderator, &path, version, "0:00 旧页面").await;
    assert_eq!(stale.status(), StatusCode::CONFLICT, "a stale version");
    let refused = post_as_moderator(&app, &moderator, &path, version + 1, "59:00 太晚").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("59:00 太晚"));
    assert_eq!(revisions(&app, recording).await.len(), 1);

    app.set_status(story, StoryStatus::Approved).await;
    let approved = post_as_moderator(&app, &moderator, &path, version + 1, "0:00 发布后").await;
    assert_eq!(approved.status(), StatusCode::CONFLICT, "pending only");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn with_recording_lists_only_voices_the_public_may_hear(db: PgPool) {
    let app = TestApp::spawn(db).await;
    told_aloud(&app, true).await;
    let heard = app.last_story().await;
    told_aloud(&app, false).await;
    let private = app.last_story().await;
    let written = app.story().titled("只有文字的故事").create().await.id;
    app.approve_all().await;

    for path in ["/?voice=1", "/api/v1/stories?voice=1"] {
        let body = app.get_text(path).await;
        assert!(body.contains(&format!("/stories/{heard}")), "{path}");
        for other in [private, written] {
            assert!(
                !body.contains(&format!("/stories/{other}\"")),
                "{path}: {other}"
            );
        }
    }
    let all = app.get_text("/").await;
    assert!(all.contains(&format!("/stories/{written}")));
    let form = app.get_text("/?voice=1").await;
    assert!(
        form.contains(r#"name="voice" type="checkbox" value="1" checked"#),
        "the box stays ticked"
    );

    sqlx::query("delete from recordings")
        .execute(&app.db)
        .await
        .unwrap();
    // The cached page is dropped when the database announces the change (LISTEN/NOTIFY).
    let link = format!("/stories/{heard}\"");
    let mut gone = false;
    for _ in 0..100 {
        if !app.get_text("/?voice=1").await.contains(&link) {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(gone, "gone with its recording");
}
