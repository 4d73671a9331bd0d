//! Hostile input against the real server (issue 10): raw-text escaping in the moderator's edit
//! form, text that is not text, redirect targets, the language switch's cross-site check,
//! repeated query parameters and the Origin rules.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{AccountRole, Field, SignInField};
use reqwest::StatusCode;
use sqlx::PgPool;
use tests::html::{field_error, input_value};
use tests::staff::{PASSWORD, create_account, sign_in_form};
use tests::{TestApp, language_form, location, story_with};

const BREAKOUT: &str = "</textarea><script>window.__pwned=1</script>";

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_story_cannot_break_out_of_the_moderators_edit_form(db: PgPool) {
    let app = TestApp::spawn(db).await;
    create_account(&app.db, "admin@example.org", "管理员", AccountRole::Admin).await;
    let story = format!(
        "{BREAKOUT}\n从前这里是一条泥泞的小路，下雨天要穿雨靴；现在铺上了柏油，还装了路灯和长椅。"
    );
    let mut fields = story_with(Field::Story, Some(&story));
    fields.retain(|(name, _)| *name != Field::Title.name());
    fields.push((Field::Title.name(), BREAKOUT.to_owned()));
    app.submit(&fields).await;
    let id = app.last_story().await;
    let admin = app.login_as("admin@example.org").await;
    let page = app
        .get_with(&admin, &format!("/moderate/stories/{id}"), &[])
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(
        !body.contains("<script>window.__pwned"),
        "raw payload in the page"
    );
    assert_eq!(
        input_value(&body, Field::Story.name()).as_deref(),
        Some(story.as_str())
    );
    assert_eq!(
        input_value(&body, Field::Title.name()).as_deref(),
        Some(BREAKOUT)
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn text_that_is_not_text_is_refused(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let cases = [
        (
            Field::Title,
            "\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}",
            "这一项必须填写",
        ),
        (Field::Title, "\u{202E}从渡船到隧道", "文字方向"),
        (Field::Place, "滨江\u{2066}路\u{2069}", "文字方向"),
        (Field::Place, "滨江\u{2028}路", "文字方向"),
        (Field::NarratorName, "老\u{202D}杨", "文字方向"),
    ];
    for (field, value, message) in cases {
        let response = app
            .post_form("/submit", &story_with(field, Some(value)))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value:?}"
        );
        let body = response.text().await.unwrap();
        let error = field_error(&body, field).unwrap_or_default();
        assert!(error.contains(message), "{field}={value:?}: {error}");
    }
    assert_eq!(app.story_count().await, 0, "nothing kept");

    // An optional field with only invisible characters is stored as absent.
    app.submit(&story_with(Field::Role, Some("\u{200B}\u{FEFF}")))
        .await;
    let role: Option<String> = sqlx::query_scalar("select role from stories")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(role, None);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn redirect_targets_stay_on_the_site_and_never_fail(db: PgPool) {
    let app = TestApp::spawn(db).await;
    for (next, expected) in [
        ("/\t/evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\n/x", "/"),
        ("/stories/1?x=1", "/stories/1?x=1"),
    ] {
        let response = app.post_form("/locale", &language_form("en", next)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "next={next:?}");
        assert_eq!(location(&response), expected, "next={next:?}");
    }
    for query in [
        "next=/moderate/%0Ax",
        "next=/%09/evil.example",
        "next=%2F%2Fevil",
    ] {
        let response = app.get(&format!("/login?{query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        let body = response.text().await.unwrap();
        assert_eq!(login_next(&body).as_deref(), Some("/moderate"), "{query}");
    }
    create_account(&app.db, "mod@example.org", "审核员", AccountRole::Moderator).await;
    let mut form = sign_in_form("mod@example.org", PASSWORD);
    form.push((SignInField::Next.name(), "/moderate/\nx".into()));
    let response = app.post_form("/login", &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/moderate");
}

/// The `next` field of the sign-in form (the language switch has one too).
fn login_next(body: &str) -> Option<String> {
    let page = tests::html::parse(body);
    let selector = scraper::Selector::parse(r#"form[action="/login"] input[name="next"]"#).ok()?;
    let input = page.select(&selector).next()?;
    input.value().attr("value").map(str::to_owned)
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_language_switch_refuses_cross_site_posts(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let form = language_form("en", "/");
    for (header, value) in [
        ("origin", "https://evil.example".to_owned()),
        ("origin", "null".to_owned()),
        ("sec-fetch-site", "cross-site".to_owned()),
        // Our own host under another scheme is another origin.
        ("origin", format!("https://{}", app.addr)),
    ] {
        let response = app
            .post_form_with(&app.client, "/locale", &[(header, value.as_str())], &form)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
        assert!(response.headers().get("set-cookie").is_none());
    }
    let own_origin = format!("http://{}", app.addr);
    let own = app
        .post_form_with(
            &app.client,
            "/locale",
            &[("origin", own_origin.as_str())],
            &form,
        )
        .await;
    assert_eq!(own.status(), StatusCode::SEE_OTHER);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn two_origin_headers_are_refused(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let own = format!("http://{}", app.addr);
    let origins = [("origin", own.as_str()), ("origin", own.as_str())];
    let response = app
        .post_form_with(&app.client, "/locale", &origins, &language_form("en", "/"))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_repeated_query_parameter_takes_its_last_value(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.submit(&tests::valid_story()).await;
    for path in [
        "/?q=a&q=b",
        "/?theme=transport&theme=housing",
        "/api/v1/stories?q=x&q=y",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    let response = app.get("/?q=%E6%B8%A1%E8%BD%AE&q=").await;
    let body = response.text().await.unwrap();
    assert_eq!(
        input_value(&body, "q").as_deref(),
        Some(""),
        "the last q wins"
    );
}
