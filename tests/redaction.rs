//! Moderators silence a stretch of a recording's public copy (issue 14), against real
//! PostgreSQL, a real HTTP server and real ffmpeg: the new copy is decoded back and measured,
//! the old URL stops answering, the original stays byte for byte, the audit log records it, and
//! refused input leaves nothing behind.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::transcript::exact_clock;
use app::domain::{RecordingId, RedactionField, ReviewField, StoryId, StoryStatus};
use reqwest::{Client, Response, StatusCode};
use sqlx::PgPool;
use tests::html::{field_error, parse, text_in};
use tests::staff::redirects_to_login;
use tests::{TestApp, location, sha256};

/// A story told aloud (the m4a fixture, voice consent given), its recording processed, in
/// `status`: its id and the recording's.
async fn story_with_recording(app: &TestApp, status: StoryStatus) -> (StoryId, RecordingId) {
    let (_, recording) = app.told_aloud(true).await;
    let story = app.last_story().await;
    if status != StoryStatus::Pending {
        app.set_status(story, status).await;
    }
    (story, recording)
}

/// What the tests look at in the recording's row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct Row {
    public_key: String,
    state: String,
    original_key: String,
    sha256: Vec<u8>,
    duration_ms: i64,
}

async fn row(app: &TestApp, recording: RecordingId) -> Row {
    sqlx::query_as(
        "select public_key, state::text as state, original_key, sha256, duration_ms
         from recordings where id = $1",
    )
    .bind(recording)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// `(start_ms, end_ms, reason)` of every redaction, in order.
async fn redactions(app: &TestApp) -> Vec<(i64, i64, String)> {
    sqlx::query_as("select start_ms, end_ms, reason from recording_redactions order by id")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

fn voice_url(key: &str) -> String {
    format!("/media/voice/{key}.mp3")
}

fn redactions_path(story: StoryId, recording: RecordingId) -> String {
    format!("/moderate/stories/{story}/recordings/{recording}/redactions")
}

/// Posts the add form as `client` on the story's current version.
async fn redact(
    app: &TestApp,
    client: &Client,
    (story, recording): (StoryId, RecordingId),
    (start, end, reason): (&str, &str, &str),
) -> Response {
    redact_with(app, client, (story, recording), (start, end, reason), &[]).await
}

async fn redact_with(
    app: &TestApp,
    client: &Client,
    (story, recording): (StoryId, RecordingId),
    (start, end, reason): (&str, &str, &str),
    headers: &[(&str, &str)],
) -> Response {
    let version = app.story_version(story).await.to_string();
    let form = [
        (ReviewField::Version.name(), version.as_str()),
        (RedactionField::Start.name(), start),
        (RedactionField::End.name(), end),
        (RedactionField::Reason.name(), reason),
    ];
    app.post_form_with(client, &redactions_path(story, recording), headers, &form)
        .await
}

/// Posts the lift button of one redaction as `client`.
async fn lift(
    app: &TestApp,
    client: &Client,
    (story, recording): (StoryId, RecordingId),
    redaction: i64,
) -> Response {
    let version = app.story_version(story).await.to_string();
    let path = format!("{}/{redaction}/lift", redactions_path(story, recording));
    let form = [(ReviewField::Version.name(), version.as_str())];
    app.post_form_with(client, &path, &[], &form).await
}

fn assert_saved(response: &Response, story: StoryId) {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(response),
        format!("/moderate/stories/{story}?saved=1")
    );
}

/// The public copy at `key`, fetched anonymously.
async fn public_copy(app: &TestApp, key: &str) -> Vec<u8> {
    let response = app.get(&voice_url(key)).await;
    assert_eq!(response.status(), StatusCode::OK, "{key}");
    response.bytes().await.unwrap().to_vec()
}

/// The loudest sample of each 10 ms of an MP3, decoded by ffmpeg to 8 kHz mono 16-bit PCM.
fn frame_peaks(mp3: &[u8]) -> Vec<u16> {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("copy.mp3");
    std::fs::write(&path, mp3).unwrap();
    let decoded = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-i"])
        .arg(&path)
        .args(["-ac", "1", "-ar", "8000", "-f", "s16le", "-"])
        .output()
        .unwrap();
    assert!(decoded.status.success(), "ffmpeg could not decode the copy");
    let samples: Vec<i16> = decoded
        .stdout
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    samples
        .chunks(80)
        .map(|frame| frame.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0))
        .collect()
}

/// The frames between two times (ms), 10 ms each.
fn between(peaks: &[u16], from_ms: usize, to_ms: usize) -> &[u16] {
    &peaks[from_ms / 10..to_ms / 10]
}

/// −66 dBFS: what the unit test of the filter calls silent.
const SILENT: u16 = 16;

/// Most 100 ms stretches of the window hold speech (the fixture speaks from 0.1 s to 5 s, with
/// short gaps between syllables).
fn assert_speech(peaks: &[u16], from_ms: usize, to_ms: usize) {
    let window = between(peaks, from_ms, to_ms);
    let loud = window
        .chunks(10)
        .filter(|stretch| stretch.iter().any(|p| *p > 1_000))
        .count();
    assert!(
        loud * 3 >= window.len() / 10 * 2,
        "{from_ms}–{to_ms} ms is not speech: {window:?}"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_moderator_silences_a_second_of_a_published_recording(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (story, recording) = story_with_recording(&app, StoryStatus::Approved).await;
    let before = row(&app, recording).await;
    assert_eq!(before.state, "ready");
    let original = app.media().original_path(&before.original_key);
    let original_bytes = std::fs::read(&original).unwrap();
    assert_eq!(sha256(&original_bytes), before.sha256);
    let unredacted = frame_peaks(&public_copy(&app, &before.public_key).await);
    assert!(
        between(&unredacted, 1_100, 1_900)
            .iter()
            .any(|p| *p > 1_000),
        "the fixture speaks between 1 and 2 s"
    );
    let version = app.story_version(story).await;

    let moderator = app.moderator_signed_in().await;
    let page = app
        .page_as(&moderator, &format!("/moderate/stories/{story}"))
        .await;
    let html = parse(&page);
    for field in RedactionField::ALL {
        let id = field.control_id(recording);
        let label = scraper::Selector::parse(&format!("label[for=\"{id}\"]")).unwrap();
        assert!(html.select(&label).next().is_some(), "{id} has a label");
    }
    assert!(page.contains(&format!(
        r#"action="{}""#,
        redactions_path(story, recording)
    )));

    let response = redact(
        &app,
        &moderator,
        (story, recording),
        ("0:01", "0:02", "邻居王建国的名字"),
    )
    .await;
    assert_saved(&response, story);
    assert_eq!(
        redactions(&app).await,
        [(1_000, 2_000, "邻居王建国的名字".to_owned())]
    );
    let redacted = row(&app, recording).await;
    assert_eq!(redacted.state, "processing");
    assert_ne!(redacted.public_key, before.public_key, "a new key");
    assert_eq!(app.story_version(story).await, version + 1);
    // At once, before the new copy exists: the old URL is gone, its folder deleted.
    let old = app.get(&voice_url(&before.public_key)).await;
    assert_eq!(old.status(), StatusCode::NOT_FOUND);
    assert!(!app.media().derivative_dir(&before.public_key).exists());
    let not_yet = app.get(&voice_url(&redacted.public_key)).await;
    assert_eq!(not_yet.status(), StatusCode::NOT_FOUND);

    let (action, from, to, by) = app.audit_of(story).await.pop().unwrap();
    assert_eq!(action, "recording_redacted");
    assert_eq!(
        (from.as_deref(), to.as_deref()),
        (Some("approved"), Some("approved"))
    );
    assert!(by.is_some());
    let note: String = sqlx::query_scalar(
        "select reason from story_audit_log where story_id = $1 order by id desc limit 1",
    )
    .bind(story)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(note, format!("recording {recording} 0:01–0:02"));

    assert_eq!(app.run_recording_jobs().await, 1);
    let after = row(&app, recording).await;
    assert_eq!(after.state, "ready");
    assert_eq!(after.public_key, redacted.public_key);
    let peaks = frame_peaks(&public_copy(&app, &after.public_key).await);
    let inside = between(&peaks, 1_100, 1_900);
    assert!(inside.iter().all(|p| *p <= SILENT), "{inside:?}");
    assert_speech(&peaks, 400, 1_000);
    assert_speech(&peaks, 2_100, 2_700);
    assert_eq!(
        app.get(&voice_url(&before.public_key)).await.status(),
        StatusCode::NOT_FOUND
    );

    assert_eq!(std::fs::read(&original).unwrap(), original_bytes);
    assert_eq!(after.original_key, before.original_key);
    assert_eq!(after.sha256, before.sha256);

    let public_page = app.get_text(&format!("/stories/{story}")).await;
    assert!(public_page.contains(&voice_url(&after.public_key)));
    assert!(!public_page.contains(&before.public_key));
    let review = app
        .page_as(&moderator, &format!("/moderate/stories/{story}"))
        .await;
    let listed = text_in(&review, "table.redactions tbody");
    for shown in ["0:01–0:02", "邻居王建国的名字", "审核员甲"] {
        assert!(listed.contains(shown), "{shown} in {listed}");
    }
    assert!(review.contains("录音部分静音"), "the history names it");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn lifting_a_redaction_makes_the_copy_again_under_another_key(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let ids = story_with_recording(&app, StoryStatus::Approved).await;
    let first = row(&app, ids.1).await;
    let moderator = app.moderator_signed_in().await;
    let saved = redact(&app, &moderator, ids, ("0:01", "0:02", "地址")).await;
    assert_saved(&saved, ids.0);
    let redacted = row(&app, ids.1).await;
    let redaction: i64 = sqlx::query_scalar("select id from recording_redactions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let version = app.story_version(ids.0).await;

    let lifted = lift(&app, &moderator, ids, redaction).await;
    assert_saved(&lifted, ids.0);
    assert_eq!(redactions(&app).await, []);
    let again = row(&app, ids.1).await;
    assert_eq!(again.state, "processing");
    assert!(again.public_key != first.public_key && again.public_key != redacted.public_key);
    assert_eq!(app.story_version(ids.0).await, version + 1);
    let actions: Vec<String> = app.audit_of(ids.0).await.into_iter().map(|e| e.0).collect();
    assert!(actions.ends_with(&["recording_redacted".into(), "redaction_lifted".into()]));

    // The job queued by the redaction was replaced by the lift's: one run, without silence.
    assert_eq!(app.run_recording_jobs().await, 1);
    let peaks = frame_peaks(&public_copy(&app, &again.public_key).await);
    assert!(between(&peaks, 1_100, 1_900).iter().any(|p| *p > 1_000));
    for key in [&first.public_key, &redacted.public_key] {
        assert_eq!(
            app.get(&voice_url(key)).await.status(),
            StatusCode::NOT_FOUND
        );
        assert!(!app.media().derivative_dir(key).exists());
    }

    let gone = lift(&app, &moderator, ids, redaction).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND, "lifted already");
}

/// Posts `typed`, expects a 422 with a message beside `field` (and the typed values shown
/// again), and checks that nothing changed.
async fn assert_refused(
    app: &TestApp,
    moderator: &Client,
    ids: (StoryId, RecordingId),
    typed: (&str, &str, &str),
    field: RedactionField,
) -> String {
    let (stored, recording, version) = (
        redactions(app).await,
        row(app, ids.1).await,
        app.story_version(ids.0).await,
    );
    let response = redact(app, moderator, ids, typed).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{typed:?}"
    );
    let page = response.text().await.unwrap();
    let message = field_error(&page, field.control_id(ids.1))
        .unwrap_or_else(|| panic!("no message beside {field} for {typed:?}"));
    let shown = |field: RedactionField| {
        let selector = format!("#{}", field.control_id(ids.1));
        let selector = scraper::Selector::parse(&selector).unwrap();
        let html = parse(&page);
        let value = html.select(&selector).next().unwrap().value().attr("value");
        value.unwrap_or_default().to_owned()
    };
    assert_eq!(shown(RedactionField::Start), typed.0);
    assert_eq!(shown(RedactionField::Reason), typed.2);
    assert_eq!(redactions(app).await, stored, "{typed:?}: nothing stored");
    assert_eq!(row(app, ids.1).await, recording, "{typed:?}: no new key");
    assert_eq!(app.story_version(ids.0).await, version);
    message
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn redactions_are_checked_at_and_past_each_limit(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let ids = story_with_recording(&app, StoryStatus::Pending).await;
    let duration = u32::try_from(row(&app, ids.1).await.duration_ms).unwrap();
    let (end, past_end) = (exact_clock(duration), exact_clock(duration + 1));
    let moderator = app.moderator_signed_in().await;
    let long = "名".repeat(300);
    let too_long = "名".repeat(301);

    use RedactionField::{End, Reason, Start};
    let refused = [
        (("0:01", "0:02", ""), Reason),
        (("0:01", "0:02", " \u{200B} "), Reason),
        (("0:01", "0:02", too_long.as_str()), Reason),
        (("0:01", "0:01.099", "x"), End),
        (("0:02", "0:02", "x"), End),
        (("0:03", "0:02", "x"), End),
        (("0:01", past_end.as_str(), "x"), End),
        (("1", "0:02", "x"), Start),
        (("0:01", "2 s", "x"), End),
        (("", "0:02", "x"), Start),
    ];
    for (typed, field) in refused {
        assert_refused(&app, &moderator, ids, typed, field).await;
    }
    let en = [("accept-language", "en")];
    let english = redact_with(&app, &moderator, ids, ("0:01", &past_end, "x"), &en).await;
    assert_eq!(english.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = field_error(&english.text().await.unwrap(), End.control_id(ids.1)).unwrap();
    assert_eq!(message, format!("The recording is only {end} long."));

    // At each limit: accepted.
    for typed in [
        ("0:01", "0:01.1", "x"),
        ("0:00", end.as_str(), long.as_str()),
    ] {
        let response = redact(&app, &moderator, ids, typed).await;
        assert_saved(&response, ids.0);
    }
    assert_eq!(redactions(&app).await.len(), 2);

    // Fifty per recording: the 50th is taken, the 51st refused.
    sqlx::query(
        "insert into recording_redactions (recording_id, start_ms, end_ms, reason, moderator_id)
         select $1, n * 100, n * 100 + 100, 'x', (select id from accounts)
         from generate_series(1, 47) n",
    )
    .bind(ids.1)
    .execute(&app.db)
    .await
    .unwrap();
    let fiftieth = redact(&app, &moderator, ids, ("0:05", "0:06", "x")).await;
    assert_saved(&fiftieth, ids.0);
    assert_eq!(redactions(&app).await.len(), 50);
    let message = assert_refused(&app, &moderator, ids, ("0:07", "0:08", "x"), Start).await;
    assert!(message.contains("50"), "{message}");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn only_moderators_redact_and_only_while_it_can_be_heard(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let ids = story_with_recording(&app, StoryStatus::Approved).await;
    let before = row(&app, ids.1).await;
    let typed = ("0:01", "0:02", "名字");

    let anonymous = redact(&app, &app.client, ids, typed).await;
    assert!(redirects_to_login(&anonymous), "{}", anonymous.status());
    let lift_anonymously = lift(&app, &app.client, ids, 1).await;
    assert!(redirects_to_login(&lift_anonymously));

    let moderator = app.moderator_signed_in().await;
    let stale = app
        .post_form_with(
            &moderator,
            &redactions_path(ids.0, ids.1),
            &[],
            &[
                (ReviewField::Version.name(), "1"),
                (RedactionField::Start.name(), "0:01"),
                (RedactionField::End.name(), "0:02"),
                (RedactionField::Reason.name(), "名字"),
            ],
        )
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT, "an old version");

    let other = app.story().approved().create().await.id;
    let elsewhere = redact(&app, &moderator, (other, ids.1), typed).await;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND, "another story's");

    app.set_status(ids.0, StoryStatus::Rejected).await;
    let rejected = redact(&app, &moderator, ids, typed).await;
    assert_eq!(rejected.status(), StatusCode::CONFLICT);
    let page = app
        .page_as(&moderator, &format!("/moderate/stories/{}", ids.0))
        .await;
    assert!(!page.contains(&redactions_path(ids.0, ids.1)), "no form");

    assert_eq!(redactions(&app).await, []);
    assert_eq!(row(&app, ids.1).await, before);
}
