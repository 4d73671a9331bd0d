//! The submission contract (docs/api.md) against a real PostgreSQL database and a real HTTP
//! server: every rule at and past its edge, double submit, edit, withdraw, rate limit.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{Field, WithdrawField};
use reqwest::{Response, StatusCode};
use server::web::time::latest_allowed_year;
use sqlx::PgPool;
use tests::html::{field_error, input_value, title};
use tests::{TestApp, language_form, location, sha256, story_with, valid_story};

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_valid_story_is_stored_and_tracked(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let response = app.post_form("/submit", &valid_story()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let track = location(&response);
    let token = track.strip_prefix("/track/").expect("tracking path");
    assert!(token.len() >= 22, "token carries at least 128 bits");

    let page = app.get(&track).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let body = page.text().await.unwrap();
    assert!(body.contains("从渡船到过江隧道"));
    assert!(body.contains("待审核"), "status shown");
    assert!(
        body.contains("周建国") && body.contains("13800138000"),
        "the contributor sees their private fields"
    );

    let row = sqlx::query!(
        r#"select s.status::text as "status!", s.title, s.show_name, c.real_name, c.contact
           from stories s join story_contributors c on c.story_id = s.id"#
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(row.status, "pending");
    assert_eq!(row.title.as_deref(), Some("从渡船到过江隧道"));
    assert!(row.show_name);
    assert_eq!(row.real_name.as_deref(), Some("周建国"));
    assert_eq!(row.contact.as_deref(), Some("13800138000"));

    let stored = sqlx::query_scalar!(
        "select count(*) from story_tracking_tokens where token_hash = $1",
        sha256(token_bytes(token).as_slice())
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, Some(1), "only the hash of the token is stored");

    let consents = sqlx::query!(
        "select kind::text as \"kind!\", granted, text_version from story_consents order by kind"
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let kinds: Vec<_> = consents
        .iter()
        .map(|c| (c.kind.as_str(), c.granted))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("publish", true),
            ("show_name", true),
            ("faces", false),
            ("voice", false),
            ("interviewer_name", false)
        ]
    );
    assert!(
        consents
            .iter()
            .all(|c| c.text_version == app::domain::CONSENT_TEXT_VERSION)
    );
}

async fn stored_status(app: &TestApp) -> Option<String> {
    sqlx::query_scalar!("select status::text from stories")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn stored_title(app: &TestApp) -> Option<String> {
    sqlx::query_scalar!("select title from stories")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Posts a story as `app.client` forwarded (by a proxy) from `address`.
async fn submit_from(app: &TestApp, address: &str, fields: &[(&str, String)]) -> Response {
    let forwarded = [("x-forwarded-for", address)];
    app.post_form_with(&app.client, "/submit", &forwarded, fields)
        .await
}

fn token_bytes(token: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .expect("base64url token")
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn multipart_posts_are_accepted_too(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let response = app.post_multipart("/submit", &valid_story()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/track/"));
    assert_eq!(app.story_count().await, 1);
}

/// Posts the story with one field changed and returns (status, message beside that field).
async fn refused(app: &TestApp, field: Field, value: Option<&str>, error_field: Field) -> String {
    let response = app.post_form("/submit", &story_with(field, value)).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{field}={value:?} must be refused"
    );
    let body = response.text().await.unwrap();
    field_error(&body, error_field)
        .unwrap_or_else(|| panic!("no message beside {error_field} for {field}={value:?}"))
}

async fn accepted(app: &TestApp, field: Field, value: Option<&str>) {
    let response = app.post_form("/submit", &story_with(field, value)).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{field}={value:?} must be accepted: {}",
        errors_in(&body)
    );
}

fn errors_in(body: &str) -> String {
    let page = tests::html::parse(body);
    tests::html::text_of(&page, "#error-summary").unwrap_or_default()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn title_is_4_to_120_characters(db: PgPool) {
    let app = TestApp::spawn(db).await;
    assert!(
        refused(&app, Field::Title, Some("三个字"), Field::Title)
            .await
            .contains('4')
    );
    accepted(&app, Field::Title, Some("四个汉字")).await;
    accepted(&app, Field::Title, Some(&"长".repeat(120))).await;
    assert!(
        refused(&app, Field::Title, Some(&"长".repeat(121)), Field::Title)
            .await
            .contains("120")
    );
    refused(&app, Field::Title, None, Field::Title).await;
    refused(&app, Field::Title, Some("    "), Field::Title).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn story_is_50_to_20000_characters_with_paragraphs_kept(db: PgPool) {
    let app = TestApp::spawn(db).await;
    assert!(
        refused(&app, Field::Story, Some(&"字".repeat(49)), Field::Story)
            .await
            .contains("50")
    );
    accepted(&app, Field::Story, Some(&"字".repeat(50))).await;
    accepted(&app, Field::Story, Some(&"字".repeat(20_000))).await;
    assert!(
        refused(&app, Field::Story, Some(&"字".repeat(20_001)), Field::Story)
            .await
            .contains("20000")
    );

    let text = format!("{}\r\n\r\n{}", "第一段".repeat(10), "第二段".repeat(10));
    let track = app.submit(&story_with(Field::Story, Some(&text))).await;
    let body = app.get(&track).await.text().await.unwrap();
    assert!(body.contains(&format!("<p>{}</p>", "第一段".repeat(10))));
    assert!(body.contains(&format!("<p>{}</p>", "第二段".repeat(10))));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn place_is_required_2_to_100_characters(db: PgPool) {
    let app = TestApp::spawn(db).await;
    refused(&app, Field::Place, None, Field::Place).await;
    refused(&app, Field::Place, Some("沙"), Field::Place).await;
    accepted(&app, Field::Place, Some("下沙")).await;
    accepted(&app, Field::Place, Some(&"街".repeat(100))).await;
    refused(&app, Field::Place, Some(&"街".repeat(101)), Field::Place).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn optional_texts_have_explicit_maximums(db: PgPool) {
    let app = TestApp::spawn(db).await;
    for (field, max) in [
        (Field::NarratorName, 50),
        (Field::RealName, 100),
        (Field::Role, 60),
        (Field::AssistedBy, 100),
    ] {
        accepted(&app, field, None).await;
        accepted(&app, field, Some(&"名".repeat(max))).await;
        let message = refused(&app, field, Some(&"名".repeat(max + 1)), field).await;
        assert!(message.contains(&max.to_string()), "{field}: {message}");
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn contact_is_an_email_or_a_phone_number(db: PgPool) {
    let app = TestApp::spawn(db).await;
    accepted(&app, Field::Contact, None).await;
    accepted(&app, Field::Contact, Some("lao.zhou@example.cn")).await;
    accepted(&app, Field::Contact, Some("+86 571 8888 8888")).await;
    refused(&app, Field::Contact, Some("找居委会"), Field::Contact).await;
    refused(&app, Field::Contact, Some("1234"), Field::Contact).await;
    let long_email = format!("{}@example.cn", "a".repeat(200 - 11));
    accepted(&app, Field::Contact, Some(&long_email)).await;
    refused(
        &app,
        Field::Contact,
        Some(&format!("a{long_email}")),
        Field::Contact,
    )
    .await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn years_run_from_1900_to_this_year_then_before_now(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let this_year = latest_allowed_year().to_string();
    let next_year = (latest_allowed_year() + 1).to_string();
    refused(&app, Field::YearThen, Some("1899"), Field::YearThen).await;
    accepted(&app, Field::YearThen, Some("1900")).await;
    accepted(&app, Field::YearNow, Some(&this_year)).await;
    refused(&app, Field::YearNow, Some(&next_year), Field::YearNow).await;
    refused(&app, Field::YearThen, Some("2022"), Field::YearThen).await; // then == now
    refused(&app, Field::YearThen, Some("2023"), Field::YearThen).await; // then after now
    refused(&app, Field::YearThen, Some("二〇一二"), Field::YearThen).await;
    refused(&app, Field::YearThen, None, Field::YearThen).await;
    refused(&app, Field::YearNow, None, Field::YearNow).await;
    accepted(&app, Field::YearThen, Some("２０１２")).await; // full-width digits from an IME
    accepted(&app, Field::YearThenApprox, Some("on")).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn themes_need_at_least_one_known_slug(db: PgPool) {
    let app = TestApp::spawn(db).await;
    refused(&app, Field::Themes, None, Field::Themes).await;
    refused(&app, Field::Themes, Some("sport"), Field::Themes).await;
    let mut all = story_with(Field::Themes, None);
    for slug in [
        "transport",
        "housing",
        "education",
        "work-industry",
        "environment",
        "health",
        "community",
        "culture",
    ] {
        all.push((Field::Themes.name(), slug.to_owned()));
    }
    let track = app.submit(&all).await;
    let body = app.get(&track).await.text().await.unwrap();
    assert!(
        body.contains("工作与产业") && body.contains("文化"),
        "themes shown with localized names"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn publishing_consent_and_a_licence_are_required(db: PgPool) {
    let app = TestApp::spawn(db).await;
    refused(&app, Field::ConsentPublish, None, Field::ConsentPublish).await;
    refused(
        &app,
        Field::ConsentPublish,
        Some("off"),
        Field::ConsentPublish,
    )
    .await;
    refused(&app, Field::Licence, None, Field::Licence).await;
    refused(&app, Field::Licence, Some("cc0"), Field::Licence).await;
    for licence in ["cc-by-4.0", "cc-by-nc-4.0", "display-only"] {
        accepted(&app, Field::Licence, Some(licence)).await;
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_refused_form_comes_back_with_every_value_kept(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let mut fields = story_with(Field::Title, Some("短"));
    fields.push((Field::YearThenApprox.name(), "on".into()));
    let response = app.post_form("/submit", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    for (field, kept) in [
        (Field::Title, "短"),
        (Field::Place, "临江街道"),
        (Field::RealName, "周建国"),
        (Field::Contact, "13800138000"),
    ] {
        let shown = input_value(&body, field.name());
        assert_eq!(shown.as_deref(), Some(kept), "{field} kept");
    }
    assert!(
        input_value(&body, Field::Story.name())
            .unwrap()
            .contains("渡船")
    );
    assert!(body.contains(r#"id="year_then_approx" name="year_then_approx" checked"#));
    assert!(body.contains(r#"value="transport" checked"#));
    assert!(body.contains(r#"value="cc-by-4.0" checked"#));
    assert!(
        field_error(&body, Field::Place.name()).is_none(),
        "only the refused field has a message"
    );
    assert_eq!(app.story_count().await, 0);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn control_characters_are_refused(db: PgPool) {
    let app = TestApp::spawn(db).await;
    refused(&app, Field::Title, Some("标题\u{0}带空字符"), Field::Title).await;
    refused(&app, Field::Place, Some("临江\u{1b}[31m街道"), Field::Place).await;
    refused(
        &app,
        Field::Story,
        Some(&format!("{}\u{7}", "字".repeat(60))),
        Field::Story,
    )
    .await;
    refused(&app, Field::Title, Some("两行\n标题"), Field::Title).await;
    accepted(
        &app,
        Field::Story,
        Some(&format!("{}\n\t{}", "字".repeat(30), "字".repeat(30))),
    )
    .await;
    assert_eq!(app.story_count().await, 1);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn invalid_utf8_is_refused_and_nothing_stored(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let response = app
        .client
        .post(app.url("/submit"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("title=%FF%FEabc&story=x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("UTF-8"));

    let part = reqwest::multipart::Part::bytes(vec![0xE5, 0x9C]);
    let form = reqwest::multipart::Form::new()
        .text(Field::Place.name(), "临江")
        .part(Field::Title.name(), part);
    let response = app
        .client
        .post(app.url("/submit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.story_count().await, 0);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn text_over_one_mebibyte_is_413(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let limit = app::domain::limits::TEXT_FIELDS_TOTAL_BYTES;
    // Exactly at the limit the form is read (and then refused for the story's length).
    let at_limit = story_at_total_bytes(limit);
    let response = app.post_multipart("/submit", &at_limit).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let over = story_at_total_bytes(limit + 1);
    for response in [
        app.post_multipart("/submit", &over).await,
        app.post_form("/submit", &over).await,
    ] {
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(response.text().await.unwrap().contains("1 MB"));
    }
    let huge = "x".repeat(5 * 1024 * 1024);
    let response = app
        .post_form("/submit", &[(Field::Story.name(), huge)])
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.story_count().await, 0);
}

/// The valid story padded so that names plus values total exactly `total` bytes.
fn story_at_total_bytes(total: usize) -> Vec<(&'static str, String)> {
    let mut fields = story_with(Field::Role, None);
    let used: usize =
        fields.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>() + Field::Role.name().len();
    fields.push((Field::Role.name(), "r".repeat(total - used)));
    fields
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn other_content_types_are_415(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let response = app
        .client
        .post(app.url("/submit"))
        .json(&serde_json::json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn html_is_stored_as_text_and_shown_escaped(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let script = "<script>alert('十年')</script>";
    let mut fields = story_with(Field::Title, Some(script));
    fields.retain(|(n, _)| *n != Field::Story.name());
    fields.push((
        Field::Story.name(),
        format!(
            "</textarea><img src=x onerror=alert(1)> {}",
            "字".repeat(60)
        ),
    ));
    let track = app.submit(&fields).await;
    assert_eq!(stored_title(&app).await.as_deref(), Some(script));
    let body = app.get(&track).await.text().await.unwrap();
    assert!(!body.contains("<script>alert"), "never rendered as markup");
    assert!(!body.contains("<img src=x"), "never rendered as markup");
    assert!(body.contains("&lt;script&gt;alert"));
    assert!(
        tests::html::input_value(&body, Field::Story.name())
            .unwrap()
            .starts_with("</textarea><img"),
        "edit form shows the text as typed"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_filled_honeypot_is_refused(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let response = app
        .post_form(
            "/submit",
            &story_with(Field::Website, Some("http://spam.example")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("留空"));
    assert_eq!(app.story_count().await, 0);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_double_submit_creates_one_story(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let mut fields = valid_story();
    fields.push((Field::IdempotencyKey.name(), "k".repeat(64)));
    let first = app.submit(&fields).await;
    let second = app.submit(&fields).await;
    assert_eq!(first, second, "same tracking page");
    assert_eq!(app.story_count().await, 1);

    let mut changed = story_with(Field::Title, Some("另一个故事的标题"));
    changed.push((Field::IdempotencyKey.name(), "k".repeat(64)));
    let response = app.post_form("/submit", &changed).await;
    assert_eq!(
        response.status(),
        StatusCode::CONFLICT,
        "same key, different story"
    );
    assert_eq!(app.story_count().await, 1);

    let mut too_long = valid_story();
    too_long.push((Field::IdempotencyKey.name(), "k".repeat(65)));
    let response = app.post_form("/submit", &too_long).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.story_count().await, 1);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn concurrent_submits_with_one_key_create_one_story(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let mut fields = valid_story();
    fields.push((Field::IdempotencyKey.name(), "double-tap".into()));
    let sends = (0..6).map(|_| app.post_form("/submit", &fields));
    let responses = futures::future::join_all(sends).await;
    let locations: Vec<String> = responses.iter().map(location).collect();
    assert!(locations.windows(2).all(|w| w[0] == w[1]), "{locations:?}");
    assert_eq!(app.story_count().await, 1);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn more_than_the_hourly_limit_from_one_address_is_429(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| c.submissions_per_hour_per_ip = 3).await;
    for _ in 0..3 {
        app.submit(&valid_story()).await;
        // Refused attempts do not count towards the limit.
        let response = app
            .post_form("/submit", &story_with(Field::Title, None))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let response = app.post_form("/submit", &valid_story()).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after));
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("每小时最多提交 3 个故事")
    );
    assert_eq!(app.story_count().await, 3);

    // Without TRUST_PROXY a forged X-Forwarded-For changes nothing.
    let response = submit_from(&app, "203.0.113.9", &valid_story()).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn behind_a_trusted_proxy_the_limit_is_per_forwarded_address(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| {
        c.submissions_per_hour_per_ip = 1;
        c.trust_proxy = true;
    })
    .await;
    let from = async |ip: &str| submit_from(&app, ip, &valid_story()).await.status();
    assert_eq!(from("203.0.113.1").await, StatusCode::SEE_OTHER);
    assert_eq!(from("203.0.113.1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(from("203.0.113.2").await, StatusCode::SEE_OTHER);
    // Only the address the proxy saw (the last one) counts; a client-supplied prefix does not.
    assert_eq!(
        from("198.51.100.7, 203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_contributor_edits_while_pending(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let track = app.submit(&valid_story()).await;
    let response = app
        .post_form(&track, &story_with(Field::Title, Some("改过的标题")))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("{track}?saved=1"));
    let body = app.get_text(&format!("{track}?saved=1")).await;
    assert!(body.contains("改过的标题") && body.contains("修改已保存"));

    let story = sqlx::query!("select version, status::text as \"status!\" from stories")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!((story.version, story.status.as_str()), (2, "pending"));
    let revisions =
        sqlx::query_scalar!("select content->>'title' from story_revisions order by version")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        revisions,
        vec![
            Some("从渡船到过江隧道".to_owned()),
            Some("改过的标题".to_owned())
        ]
    );
    let audit = sqlx::query_scalar!("select action::text from story_audit_log order by id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        audit,
        vec![Some("submitted".to_owned()), Some("edited".to_owned())]
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_edit_after_changes_were_requested_goes_back_to_pending(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let track = app.submit(&valid_story()).await;
    sqlx::query!("update stories set status = 'changes_requested'")
        .execute(&app.db)
        .await
        .unwrap();
    let body = app.get(&track).await.text().await.unwrap();
    assert!(body.contains("需要修改") && body.contains("edit-story"));
    let response = app
        .post_form(&track, &story_with(Field::Place, Some("临江街道老渡口")))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_status(&app).await.as_deref(), Some("pending"));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_invalid_edit_keeps_the_values_and_changes_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let track = app.submit(&valid_story()).await;
    let response = app
        .post_form(&track, &story_with(Field::Title, Some("短")))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(field_error(&body, Field::Title.name()).is_some());
    assert_eq!(
        input_value(&body, Field::Title.name()).as_deref(),
        Some("短")
    );
    let stored = sqlx::query!("select title, version from stories")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        (stored.title.as_deref(), stored.version),
        (Some("从渡船到过江隧道"), 1)
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn approved_or_rejected_stories_cannot_be_edited(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let track = app.submit(&valid_story()).await;
    for status in ["approved", "rejected", "unpublished"] {
        sqlx::query(&format!("update stories set status = '{status}'"))
            .execute(&app.db)
            .await
            .unwrap();
        let body = app.get(&track).await.text().await.unwrap();
        assert!(!body.contains("edit-story"), "no edit form when {status}");
        let response = app
            .post_form(&track, &story_with(Field::Title, Some("不该被保存的标题")))
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{status}");
    }
    assert_eq!(
        stored_title(&app).await.as_deref(),
        Some("从渡船到过江隧道")
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn withdrawing_asks_first_then_erases_everything_personal(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let mut fields = valid_story();
    fields.push((Field::AssistedBy.name(), "志愿者小林".into()));
    let track = app.submit(&fields).await;
    sqlx::query!("update stories set status = 'approved', published_at = now()")
        .execute(&app.db)
        .await
        .unwrap();
    assert!(
        app.get_text("/").await.contains("从渡船到过江隧道"),
        "public before"
    );

    let ask = app.post_form(&format!("{track}/withdraw"), &[]).await;
    assert_eq!(ask.status(), StatusCode::OK);
    let body = ask.text().await.unwrap();
    let confirm = format!(r#"name="{}" value="yes""#, WithdrawField::Confirm);
    assert!(body.contains(&confirm));
    assert_eq!(stored_status(&app).await.as_deref(), Some("approved"));

    let response = app.withdraw(&track).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), track);

    let home = app.get_text("/").await;
    assert!(
        !home.contains("从渡船到过江隧道"),
        "gone from public pages at once"
    );
    let page = app.get_text(&track).await;
    assert!(page.contains("已撤回"));
    for secret in [
        "周建国",
        "13800138000",
        "从渡船到过江隧道",
        "志愿者小林",
        "老周",
        "渡船过江",
    ] {
        assert!(
            !page.contains(secret),
            "{secret} still on the tracking page"
        );
    }

    let row = sqlx::query!(
        "select status::text as \"status!\", title, body, place, narrator_name, role from stories"
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(row.status, "withdrawn");
    assert!(
        row.title.is_none()
            && row.body.is_none()
            && row.place.is_none()
            && row.narrator_name.is_none()
            && row.role.is_none()
    );
    let leftovers = sqlx::query_scalar!(
        r#"select (select count(*) from story_contributors) + (select count(*) from story_revisions)
                + (select count(*) from story_themes) + (select count(*) from story_idempotency_keys) as "n!""#
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(leftovers, 0);
    let dump = sqlx::query_scalar!(
        r#"select string_agg(t::text, ' ') as "dump!" from (select * from stories) t"#
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(!dump.contains("周建国") && !dump.contains("13800138000") && !dump.contains("渡船"));
    let audit = sqlx::query!("select action::text as \"action!\", actor::text as \"actor!\", reason from story_audit_log order by id desc limit 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        (audit.action.as_str(), audit.actor.as_str(), audit.reason),
        ("withdrawn", "contributor", None)
    );
    let consent = sqlx::query!(
        "select granted from story_consents where kind = 'publish' order by id desc limit 1"
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        !consent.granted,
        "withdrawal recorded as a consent decision"
    );

    // Withdrawing twice is harmless; editing afterwards is not allowed.
    let again = app.withdraw(&track).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.post_form(&track, &valid_story()).await.status(),
        StatusCode::CONFLICT
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn unknown_tracking_links_are_404(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.submit(&valid_story()).await;
    for path in [
        "/track/nonsense",
        "/track/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/track/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/withdraw",
    ] {
        let response = if let Some(track) = path.strip_suffix("/withdraw") {
            app.withdraw(track).await
        } else {
            app.get(path).await
        };
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.text().await.unwrap().contains("找不到这个页面"));
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn scripts_get_json_answers(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let json = async |fields: Vec<(&'static str, String)>| {
        let accept = [("accept", "application/json")];
        app.post_form_with(&app.client, "/submit", &accept, &fields)
            .await
    };
    let ok = json(valid_story()).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let body: serde_json::Value = ok.json().await.unwrap();
    assert!(body["location"].as_str().unwrap().starts_with("/track/"));

    let bad = json(story_with(Field::Title, Some("短"))).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], Field::Title.name());
    assert!(body["errors"][0]["message"].as_str().unwrap().contains('4'));

    let spam = json(story_with(Field::Website, Some("x"))).await;
    assert_eq!(spam.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = spam.json().await.unwrap();
    assert_eq!(body["error"], "honeypot");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn messages_follow_the_readers_language(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let english = app
        .get_with(
            &app.client,
            "/submit",
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
    let body = english.text().await.unwrap();
    assert!(body.contains(r#"<html lang="en""#) && body.contains("Tell your ten years"));
    assert_eq!(title(&body), "Tell your ten years · Shinian");

    let refused = app
        .post_form_with(
            &app.client,
            "/submit",
            &[("accept-language", "en")],
            &story_with(Field::Title, Some("abc")),
        )
        .await;
    let body = refused.text().await.unwrap();
    assert_eq!(
        field_error(&body, Field::Title.name()).as_deref(),
        Some("Too short: at least 4 characters, this has 3.")
    );

    let chosen = app
        .post_form("/locale", &language_form("en", "/submit"))
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&chosen), "/submit");
    let cookie = chosen.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("lang=en") && cookie.contains("HttpOnly"));
    let chosen_english = [("cookie", "lang=en"), ("accept-language", "zh-CN")];
    let page = app.get_with(&app.client, "/submit", &chosen_english).await;
    assert!(
        page.text().await.unwrap().contains(r#"<html lang="en""#),
        "the explicit choice wins"
    );
    let default = app.get_text("/submit").await;
    assert!(
        default.contains(r#"<html lang="zh-CN""#),
        "Chinese by default"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn health_and_framework_errors_are_localized(db: PgPool) {
    let app = TestApp::spawn(db).await;
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    let missing = app.get("/no-such-page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("找不到这个页面"));
    let wrong_method = app.client.delete(app.url("/submit")).send().await.unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        wrong_method
            .text()
            .await
            .unwrap()
            .contains("不支持这种请求方式")
    );
    assert!(app.get("/").await.headers().contains_key("x-request-id"));
}

/// A browser (or kiosk) that keeps cookies, as the site's form is used.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_known_key_and_public_fields_do_not_reveal_the_tracking_link(db: PgPool) {
    let app = TestApp::spawn(db).await;
    // The victim leaves the private fields empty: everything they sent is public once approved.
    let mut fields: Vec<_> = valid_story()
        .into_iter()
        .filter(|(n, _)| !["real_name", "contact"].contains(n))
        .collect();
    fields.push((Field::IdempotencyKey.name(), "kiosk-1".into()));
    let kiosk = browser();
    let form = kiosk.get(app.url("/submit")).send().await.unwrap();
    let cookie = form.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("submitter=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Path=/submit"),
        "{cookie}"
    );
    let first = app.post_form_with(&kiosk, "/submit", &[], &fields).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let track = location(&first);
    let token = track.strip_prefix("/track/").unwrap().to_owned();

    // Someone else, with the key and every public field (no cookie, or their own).
    for attacker in [app.client.clone(), browser()] {
        let _ = attacker.get(app.url("/submit")).send().await.unwrap();
        for json in [false, true] {
            let mut request = attacker.post(app.url("/submit")).form(&fields);
            if json {
                request = request.header("accept", "application/json");
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::CONFLICT);
            assert!(response.headers().get("location").is_none());
            let body = response.text().await.unwrap();
            assert!(!body.contains(&token), "the link leaked");
            assert!(body.contains("已经收到"), "{body}");
            if json {
                let body: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(body["error"], "already_received");
            }
        }
    }
    assert_eq!(app.story_count().await, 1);

    // The kiosk retrying the same form still lands on its tracking page.
    let retry = app.post_form_with(&kiosk, "/submit", &[], &fields).await;
    assert_eq!(retry.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&retry), track);
    assert_eq!(app.story_count().await, 1);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn without_cookies_a_repeat_is_bound_to_the_address(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| c.trust_proxy = true).await;
    let mut fields = valid_story();
    fields.push((Field::IdempotencyKey.name(), "script-42".into()));
    let from = async |ip: &str| submit_from(&app, ip, &fields).await;
    let first = from("2001:db8:1:2::10").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let other = from("2001:db8:9:9::10").await;
    assert_eq!(other.status(), StatusCode::CONFLICT);
    assert!(other.headers().get("location").is_none());
    let same_network = from("2001:db8:1:2::77").await;
    assert_eq!(location(&same_network), location(&first));
    assert_eq!(app.story_count().await, 1);
}
