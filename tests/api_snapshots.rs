//! Every JSON shape of docs/api.md pinned by snapshots (`tests/snapshots/`): the read API (a list
//! with photos, the next-page cursor, a story, a bounded search, 404) and the JSON answers of
//! `POST /submit` (stored, refused fields, the other error codes). Values that change from run to
//! run (ids, times, tokens, media keys) are redacted; everything else, field names, types, order
//! and messages, must stay as pinned. Review a change with `cargo insta review` (or compare the
//! `.snap.new` file), and update docs/api.md with it.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::Field;
use insta::internals::{Content, ContentPath};
use insta::{Settings, assert_json_snapshot};
use serde_json::{Value, json};
use sqlx::PgPool;
use tests::{TestApp, story_with, valid_story};

/// Redacts what differs between runs, keeping the shape of URLs visible.
fn settings() -> Settings {
    let mut settings = Settings::clone_current();
    settings.set_sort_maps(false);
    settings.add_redaction(".**.id", "[id]");
    settings.add_redaction(".**.published_at", "[time]");
    settings.add_redaction(".**.placeholder", "[data:image/webp;base64]");
    settings.add_redaction(".**.next_cursor", insta::dynamic_redaction(cursor));
    settings.add_redaction(".**.url", insta::dynamic_redaction(address));
    settings.add_redaction(".**.location", insta::dynamic_redaction(address));
    settings
}

/// A cursor is opaque: only whether there is one (a string) or not (null) is pinned.
fn cursor(value: Content, _: ContentPath) -> Content {
    match value.as_str() {
        Some(_) => Content::from("[cursor]"),
        None => value,
    }
}

/// `http://127.0.0.1:PORT/stories/12` → `{PUBLIC_URL}/stories/[id]`; `/media/KEY/400.webp` →
/// `/media/[key]/400.webp`; `/track/TOKEN` → `/track/[token]`.
fn address(value: Content, _: ContentPath) -> String {
    let text = value.as_str().unwrap_or_default();
    let path = match text.find("://") {
        Some(scheme) => {
            let rest = &text[scheme + 3..];
            format!(
                "{{PUBLIC_URL}}{}",
                &rest[rest.find('/').unwrap_or(rest.len())..]
            )
        }
        None => text.to_owned(),
    };
    let mut parts: Vec<String> = path.split('/').map(str::to_owned).collect();
    match parts.get(1).map(String::as_str) {
        Some("stories") => parts[2] = "[id]".into(),
        Some("media") => parts[2] = "[key]".into(),
        Some("track") => parts[2] = "[token]".into(),
        _ => {}
    }
    parts.join("/")
}

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The one story with then and now photos, approved; its id.
async fn approved_story_with_a_pair(app: &TestApp) -> i64 {
    app.story().with_photo_pair().approved().create().await.id.0
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_read_api(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let id = approved_story_with_a_pair(&app).await;
    // Without the narrator's consent to show the name: `narrator` is null.
    app.submit(&story_with(Field::ConsentShowName, None)).await;
    app.approve_all().await;
    let _redactions = settings().bind_to_scope();

    assert_json_snapshot!("list", json_of(app.get("/api/v1/stories").await).await);
    assert_json_snapshot!(
        "one",
        json_of(app.get(&format!("/api/v1/stories/{id}")).await).await
    );
    assert_json_snapshot!(
        "not_found",
        json_of(app.get("/api/v1/stories/999999").await).await
    );

    server::generate::generate(&db, 25).await.unwrap();
    let (status, page) = json_of(app.get("/api/v1/stories").await).await;
    let cursor = &page["next_cursor"];
    assert_json_snapshot!(
        "next_page",
        json!({ "status": status, "stories": page["stories"].as_array().map(Vec::len), "next_cursor": cursor })
    );
    let (status, next) = json_of(
        app.get(&format!(
            "/api/v1/stories?cursor={}",
            cursor.as_str().unwrap()
        ))
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(next["stories"].as_array().map(Vec::len), Some(7));
    assert_eq!(next["next_cursor"], Value::Null);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_bounded_search(db: PgPool) {
    let app = TestApp::spawn_with(db, |config| config.search_max_candidates = 2).await;
    // Each holds the pairs 很多 and 多了, never 很多了: candidates that fail the check.
    for place in ["临江街道", "银杏路", "城南街道"] {
        let mut fields = story_with(Field::Place, Some(place));
        fields.retain(|(name, _)| *name != Field::Story.name());
        fields.push((Field::Story.name(), "小区改造以后，很多老邻居搬走了。大家见面少了，话也说多了几句，逢年过节还会在新建的广场上聚一聚，聊聊以前的日子。".into()));
        app.submit(&fields).await;
    }
    app.approve_all().await;
    let _redactions = settings().bind_to_scope();
    for (name, language) in [
        ("truncated_search_zh", "zh-CN"),
        ("truncated_search_en", "en"),
    ] {
        let path = "/api/v1/stories?q=%E5%BE%88%E5%A4%9A%E4%BA%86";
        let response = app
            .get_with(&app.client, path, &[("accept-language", language)])
            .await;
        assert_json_snapshot!(name, json_of(response).await);
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_json_answers_of_submit(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let post = async |fields: Vec<(&'static str, String)>| {
        let accept = [("accept", "application/json")];
        let response = app
            .post_form_with(&app.client, "/submit", &accept, &fields)
            .await;
        json_of(response).await
    };
    let _redactions = settings().bind_to_scope();
    let mut keyed = valid_story();
    keyed.push((Field::IdempotencyKey.name(), "kiosk-7".into()));
    assert_json_snapshot!("stored", post(keyed.clone()).await);

    let mut refused = story_with(Field::Title, Some("短"));
    refused.retain(|(name, _)| *name != Field::Themes.name());
    assert_json_snapshot!("invalid_fields", post(refused).await);
    assert_json_snapshot!(
        "honeypot",
        post(story_with(Field::Website, Some("x"))).await
    );
    let mut changed = keyed;
    changed.retain(|(name, _)| *name != Field::Title.name());
    changed.push((Field::Title.name(), "同一个编号，另一篇故事".into()));
    assert_json_snapshot!("idempotency_conflict", post(changed).await);
    let plain_text = app
        .client
        .post(app.url("/submit"))
        .header("accept", "application/json")
        .header("content-type", "text/plain")
        .body("title=十年")
        .send()
        .await
        .unwrap();
    assert_json_snapshot!("unsupported_media_type", json_of(plain_text).await);
}
