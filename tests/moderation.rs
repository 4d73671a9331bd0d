//! Moderation against real PostgreSQL over real HTTP: who may do what, decisions that never
//! collide, the request-changes round trip, revisions and the audit log, sign-in safety.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{
    AccountField, AccountRole, Field, QueueField, ReviewField, SignInField, StoryId, StoryStatus,
};
use reqwest::{Method, StatusCode};
use sqlx::PgPool;
use tests::staff::{
    PASSWORD, browser_like_client, create_account, decide, redirects_to_login, session_cookie,
    set_cookie, sign_in_form,
};
use tests::{TestApp, location, valid_story};

struct Route {
    method: Method,
    path: String,
    fields: Vec<(&'static str, String)>,
    admin_only: bool,
}

fn get(path: impl Into<String>) -> Route {
    post(path, &[]).with_method(Method::GET)
}

fn post(path: impl Into<String>, fields: &[(&'static str, &str)]) -> Route {
    Route {
        method: Method::POST,
        path: path.into(),
        fields: fields.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        admin_only: false,
    }
}

impl Route {
    fn with_method(self, method: Method) -> Route {
        Route { method, ..self }
    }

    fn admin_only(self) -> Route {
        Route {
            admin_only: true,
            ..self
        }
    }
}

/// Every moderation and admin route, with a plausible form.
fn staff_routes(story: StoryId, target_account: i64) -> Vec<Route> {
    let s = format!("/moderate/stories/{story}");
    let a = format!("/admin/accounts/{target_account}");
    let decide = [
        (ReviewField::Decision.name(), "request_changes"),
        (ReviewField::Version.name(), "1"),
        (ReviewField::Message.name(), "请补充年份"),
    ];
    let edit = [
        (ReviewField::Version.name(), "1"),
        (Field::Title.name(), "改过的标题"),
    ];
    let bulk = [
        (ReviewField::Decision.name(), "approve"),
        (QueueField::Story.name(), &format!("{story}:1")),
    ];
    let new_account = [
        (AccountField::Email.name(), "new@example.org"),
        (AccountField::DisplayName.name(), "新人"),
        (AccountField::Role.name(), "moderator"),
        (AccountField::Password.name(), "another long password"),
    ];
    let new_password = [(AccountField::Password.name(), "a brand new password")];
    vec![
        get("/moderate"),
        get("/moderate?status=approved&theme=transport&place=江&photos=1&assisted=1"),
        get(s.clone()),
        post(format!("{s}/claim"), &[]),
        post(format!("{s}/decide"), &decide),
        post(format!("{s}/edit"), &edit),
        post(
            format!("{s}/feature"),
            &[(ReviewField::Featured.name(), "true")],
        ),
        post("/moderate/bulk", &bulk),
        get("/admin/accounts").admin_only(),
        post("/admin/accounts", &new_account).admin_only(),
        post(format!("{a}/password"), &new_password).admin_only(),
        post(format!("{a}/deactivate"), &[]).admin_only(),
        post(format!("{a}/activate"), &[]).admin_only(),
        get("/admin/audit").admin_only(),
        get("/admin/audit?story=1&action=approved&moderator=1").admin_only(),
    ]
}

async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    route: &Route,
    origin: Option<&str>,
) -> reqwest::Response {
    let mut request = client.request(route.method.clone(), app.url(&route.path));
    if route.method == Method::POST {
        request = request.form(&route.fields);
    }
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request.send().await.expect("request")
}

async fn account_id(db: &PgPool, email: &str) -> i64 {
    sqlx::query_scalar("select id from accounts where email = $1")
        .bind(email)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn audit_count(db: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from story_audit_log")
        .fetch_one(db)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_staff_route_denies_by_default(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let (story, _) = app.submit_story("授权矩阵测试").await;
    create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    create_account(&db, "mod@example.org", "审核员甲", AccountRole::Moderator).await;
    let gone = create_account(&db, "gone@example.org", "已停用", AccountRole::Moderator).await;
    let target = create_account(
        &db,
        "target@example.org",
        "被管理者",
        AccountRole::Moderator,
    )
    .await;
    let admin = app.login_as("admin@example.org").await;
    let moderator = app.login_as("mod@example.org").await;
    let deactivated = app.login_as("gone@example.org").await;
    server::accounts::store::set_active(&db, gone, false, server::audit::account::By::CommandLine)
        .await
        .unwrap();
    let anonymous = browser_like_client();
    let routes = staff_routes(story, target.0);
    let audit_before = audit_count(&db).await;

    for route in &routes {
        let what = format!("{} {}", route.method, route.path);
        let response = call(&app, &anonymous, route, None).await;
        assert!(
            redirects_to_login(&response),
            "anonymous {what}: {}",
            response.status()
        );
        let response = call(&app, &deactivated, route, None).await;
        assert!(
            redirects_to_login(&response),
            "deactivated {what}: {}",
            response.status()
        );
        if route.method == Method::POST {
            for origin in ["https://evil.example", "null"] {
                let response = call(&app, &admin, route, Some(origin)).await;
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "cross-site {what}"
                );
            }
            let cross_site = [("sec-fetch-site", "cross-site")];
            let response = app
                .post_form_with(&admin, &route.path, &cross_site, &route.fields)
                .await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "sec-fetch-site {what}"
            );
        }
    }
    assert_eq!(
        audit_count(&db).await,
        audit_before,
        "refused requests changed nothing"
    );
    assert_eq!(app.story_status(story).await, StoryStatus::Pending);

    for route in &routes {
        let what = format!("{} {}", route.method, route.path);
        let response = call(&app, &moderator, route, None).await;
        if route.admin_only {
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "moderator {what}");
        } else {
            assert!(
                allowed(&response),
                "moderator {what}: {}",
                response.status()
            );
        }
    }
    for route in &routes {
        let what = format!("{} {}", route.method, route.path);
        let own_origin = format!("http://{}", app.addr);
        let response = call(&app, &admin, route, Some(&own_origin)).await;
        assert!(allowed(&response), "admin {what}: {}", response.status());
    }
    // The moderator asked for changes; nothing an anonymous client sent was recorded.
    assert_eq!(app.story_status(story).await, StoryStatus::ChangesRequested);
}

/// Not refused for lack of rights (a 409 because someone acted first still counts as allowed).
fn allowed(response: &reqwest::Response) -> bool {
    let status = response.status();
    !redirects_to_login(response)
        && status != StatusCode::FORBIDDEN
        && status != StatusCode::UNAUTHORIZED
        && !status.is_server_error()
}

/// 审核员甲 (`a@example.org`) and 审核员乙 (`b@example.org`), signed in.
async fn two_moderators_signed_in(app: &TestApp) -> (reqwest::Client, reqwest::Client) {
    create_account(&app.db, "a@example.org", "审核员甲", AccountRole::Moderator).await;
    create_account(&app.db, "b@example.org", "审核员乙", AccountRole::Moderator).await;
    let a = app.login_as("a@example.org").await;
    let b = app.login_as("b@example.org").await;
    (a, b)
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn two_moderators_deciding_at_once_exactly_one_wins(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let (a, b) = two_moderators_signed_in(&app).await;
    for round in 0..6 {
        let (story, _) = app.submit_story(&format!("并发审核第{round}轮")).await;
        let (ra, rb) = tokio::join!(
            decide(&app, &a, story, 1, "approve", ""),
            decide(&app, &b, story, 1, "reject", "与主题无关的内容")
        );
        let (sa, sb) = (ra.status(), rb.status());
        let (winner, loser_body) = match (sa, sb) {
            (StatusCode::SEE_OTHER, StatusCode::CONFLICT) => ("审核员甲", rb.text().await.unwrap()),
            (StatusCode::CONFLICT, StatusCode::SEE_OTHER) => ("审核员乙", ra.text().await.unwrap()),
            other => panic!("round {round}: expected one 303 and one 409, got {other:?}"),
        };
        assert!(
            loser_body.contains(&format!("这个故事已经由 {winner} 处理过了")),
            "round {round}: {loser_body}"
        );
        let expected = if winner == "审核员甲" {
            StoryStatus::Approved
        } else {
            StoryStatus::Rejected
        };
        assert_eq!(app.story_status(story).await, expected);
        let decisions: Vec<_> = app
            .audit_of(story)
            .await
            .into_iter()
            .filter(|(action, ..)| action != "submitted")
            .collect();
        assert_eq!(decisions.len(), 1, "round {round}: one decision recorded");
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_live_claim_keeps_others_off_until_it_expires(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let (a, b) = two_moderators_signed_in(&app).await;
    let (story, _) = app.submit_story("认领测试的故事").await;

    let review = format!("/moderate/stories/{story}");
    let claimed = app.post_action(&a, &format!("{review}/claim")).await;
    assert_eq!(location(&claimed), review);
    let queue = app.page_as(&b, "/moderate").await;
    assert!(
        queue.contains("审核员甲 正在审核"),
        "others see who reviews it"
    );
    let page = app.page_as(&b, &review).await;
    assert!(page.contains("审核员甲 正在审核这个故事"));

    let refused = decide(&app, &b, story, 1, "approve", "").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("审核员甲 正在审核这个故事")
    );
    assert_eq!(app.story_status(story).await, StoryStatus::Pending);

    sqlx::query("update stories set claim_expires_at = now() - interval '1 second' where id = $1")
        .bind(story.0)
        .execute(&db)
        .await
        .unwrap();
    let approved = decide(&app, &b, story, 1, "approve", "").await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.story_status(story).await, StoryStatus::Approved);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn request_changes_round_trip_shows_the_moderator_a_diff(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let moderator = app.moderator_signed_in().await;
    let (story, track) = app.submit_story("渡口的早晨").await;

    // A change request needs a message; an empty one is refused beside the form.
    let empty = decide(&app, &moderator, story, 1, "request_changes", "  ").await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().await.unwrap().contains("这一项必须填写"));
    assert_eq!(app.story_status(story).await, StoryStatus::Pending);

    let asked = decide(
        &app,
        &moderator,
        story,
        1,
        "request_changes",
        "请写明渡口停航是哪一年。",
    )
    .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let tracking = app.get(&track).await.text().await.unwrap();
    assert!(
        tracking.contains("请写明渡口停航是哪一年。"),
        "the contributor reads the request"
    );
    assert!(tracking.contains("需要修改"));

    // The contributor edits through the tracking link: back to pending, version bumped.
    let mut edited = valid_story();
    edited.retain(|(name, _)| *name != Field::Title.name() && *name != Field::Story.name());
    edited.push((Field::Title.name(), "渡口的早晨（二〇一三年停航）".into()));
    edited.push((Field::Story.name(), "二〇一三年渡口停航以前，我每天坐渡船过江上班，雾大的早晨船就停开。后来隧道修通了，地铁四分钟就到对岸。".into()));
    let saved = app.post_form(&track, &edited).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.story_status(story).await, StoryStatus::Pending);
    let version = app.story_version(story).await;
    assert_eq!(version, 3, "submitted 1, changes requested 2, edited 3");

    // Acting on the version seen before the edit is refused, naming the contributor's change.
    let stale = decide(&app, &moderator, story, 2, "approve", "").await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert!(
        stale
            .text()
            .await
            .unwrap()
            .contains("投稿人刚刚修改了这个故事")
    );

    let page = app
        .page_as(&moderator, &format!("/moderate/stories/{story}"))
        .await;
    let changes = tests::html::text_in(&page, "section.changes");
    assert!(changes.contains("投稿人按要求修改了这些内容"), "{changes}");
    assert!(changes.contains("渡口的早晨") && changes.contains("渡口的早晨（二〇一三年停航）"));
    assert!(changes.contains("标题") && changes.contains("正文"));
    assert!(!changes.contains("地点"), "unchanged fields are not listed");

    let approved = decide(&app, &moderator, story, version, "approve", "").await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let home = app.get("/").await.text().await.unwrap();
    assert!(
        home.contains("渡口的早晨（二〇一三年停航）"),
        "approved stories are public"
    );
    let tracking = app.get(&track).await.text().await.unwrap();
    assert!(
        !tracking.contains("请写明渡口停航是哪一年。"),
        "the old request is cleared"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn moderator_edits_are_revisions_and_every_step_is_audited(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let admin_id = create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    let mod_id = create_account(&db, "mod@example.org", "审核员甲", AccountRole::Moderator).await;
    let admin = app.login_as("admin@example.org").await;
    let moderator = app.login_as("mod@example.org").await;
    let (story, track) = app.submit_story("老厂房变成了图书馆").await;

    // An invalid edit changes nothing and keeps what was typed.
    let edit_url = app.url(&format!("/moderate/stories/{story}/edit"));
    let mut form: Vec<(&str, String)> = valid_story()
        .into_iter()
        .filter(|(n, _)| {
            [
                Field::Story.name(),
                Field::Place.name(),
                Field::NarratorName.name(),
                Field::Role.name(),
                Field::YearThen.name(),
                Field::YearNow.name(),
                Field::Themes.name(),
            ]
            .contains(n)
        })
        .collect();
    form.push((ReviewField::Version.name(), "1".into()));
    form.push((Field::Title.name(), "短".into()));
    let refused = moderator.post(&edit_url).form(&form).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains("至少 4 个字"), "{body}");
    assert_eq!(app.story_version(story).await, 1);

    form.retain(|(n, _)| *n != Field::Title.name() && *n != Field::Themes.name());
    form.push((Field::Title.name(), "老厂房变成了社区图书馆".into()));
    form.push((Field::Themes.name(), "culture".into()));
    form.push((Field::Themes.name(), "community".into()));
    let saved = moderator.post(&edit_url).form(&form).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.story_version(story).await, 2);
    let (author, moderator_id, title): (String, Option<i64>, String) = sqlx::query_as(
        "select author::text, moderator_id, content->>'title' from story_revisions where story_id = $1 and version = 2",
    )
    .bind(story.0)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        (author.as_str(), moderator_id, title.as_str()),
        ("moderator", Some(mod_id.0), "老厂房变成了社区图书馆")
    );
    let page = app
        .page_as(&moderator, &format!("/moderate/stories/{story}"))
        .await;
    let history = tests::html::text_in(&page, "section.history");
    assert!(history.contains("版本 2 · 审核员甲"), "{history}");
    assert!(history.contains("改动：标题, 主题"), "{history}");
    // The contributor's private details survive a moderator's edit.
    let contact: String =
        sqlx::query_scalar("select contact from story_contributors where story_id = $1")
            .bind(story.0)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(contact, "13800138000");

    assert_eq!(
        decide(&app, &moderator, story, 2, "approve", "")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let feature = format!("/moderate/stories/{story}/feature");
    for value in ["true", "true", "false"] {
        let form = [(ReviewField::Featured.name(), value)];
        let r = app.post_form_with(&admin, &feature, &[], &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        decide(
            &app,
            &admin,
            story,
            3,
            "unpublish",
            "照片中有未同意出镜的人。"
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        app.get_text(&track)
            .await
            .contains("照片中有未同意出镜的人。")
    );
    assert!(!app.get_text("/").await.contains("老厂房变成了社区图书馆"));

    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        app.audit_of(story).await,
        vec![
            ("submitted".into(), None, s("pending"), None),
            (
                "moderator_edited".into(),
                s("pending"),
                s("pending"),
                Some(mod_id.0)
            ),
            (
                "approved".into(),
                s("pending"),
                s("approved"),
                Some(mod_id.0)
            ),
            (
                ReviewField::Featured.name().into(),
                s("approved"),
                s("approved"),
                Some(admin_id.0)
            ),
            (
                "unfeatured".into(),
                s("approved"),
                s("approved"),
                Some(admin_id.0)
            ),
            (
                "unpublished".into(),
                s("approved"),
                s("unpublished"),
                Some(admin_id.0)
            ),
        ],
        "every transition and edit, once, in order (featuring twice records once)"
    );
    let refused = sqlx::query("delete from story_audit_log where story_id = $1")
        .bind(story.0)
        .execute(&db)
        .await;
    assert!(refused.is_err(), "the audit log is append-only");

    // Admins read and filter the log; moderators may not.
    let log = app
        .get_with(
            &admin,
            &format!("/admin/audit?story={story}&action=unpublished"),
            &[],
        )
        .await;
    assert_eq!(log.status(), StatusCode::OK);
    let rows = tests::html::text_in(&log.text().await.unwrap(), "table.audit tbody");
    assert!(
        rows.contains("撤下") && rows.contains("照片中有未同意出镜的人。"),
        "{rows}"
    );
    assert!(!rows.contains("审核员修改"), "filtered to one action");
    let by_moderator = app
        .page_as(&admin, &format!("/admin/audit?moderator={}", mod_id.0))
        .await;
    let rows = tests::html::text_in(&by_moderator, "table.audit tbody");
    assert!(
        rows.contains("审核员修改") && !rows.contains("撤下"),
        "{rows}"
    );
    let forbidden = app.get_with(&moderator, "/admin/audit", &[]).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn bulk_decisions_skip_what_changed_meanwhile(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let moderator = app.moderator_signed_in().await;
    let (first, _) = app.submit_story("批量审核一号").await;
    let (second, _) = app.submit_story("批量审核二号").await;
    let (third, third_track) = app.submit_story("批量审核三号").await;
    // The third contributor edits after the moderator loaded the queue.
    let edit = app
        .post_form(
            &third_track,
            &tests::story_with(Field::Title, Some("批量审核三号（改）")),
        )
        .await;
    assert_eq!(edit.status(), StatusCode::SEE_OTHER);
    let form = [
        (ReviewField::Decision.name(), "reject"),
        (ReviewField::Reason.name(), "duplicate"),
        (ReviewField::Message.name(), ""),
        (QueueField::Story.name(), &format!("{first}:1")),
        (QueueField::Story.name(), &format!("{second}:1")),
        (QueueField::Story.name(), &format!("{third}:1")),
    ];
    let response = app
        .post_form_with(&moderator, "/moderate/bulk", &[], &form)
        .await;
    assert_eq!(location(&response), "/moderate?done=2&skipped=1");
    assert_eq!(app.story_status(first).await, StoryStatus::Rejected);
    assert_eq!(app.story_status(second).await, StoryStatus::Rejected);
    assert_eq!(app.story_status(third).await, StoryStatus::Pending);
    let message: String = sqlx::query_scalar("select moderator_message from stories where id = $1")
        .bind(first.0)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(
        message, "与已有的故事重复。",
        "the templated reason reaches the contributor"
    );
    let approve = [(ReviewField::Decision.name(), "approve")];
    let none = app
        .post_form_with(&moderator, "/moderate/bulk", &[], &approve)
        .await;
    assert_eq!(none.status(), StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn sign_in_is_generic_throttled_and_rotates_the_session(db: PgPool) {
    // Behind a trusted proxy each attempt can come from its own address, so only the
    // per-account count is at work here.
    let app = TestApp::spawn_with(db.clone(), |c| c.trust_proxy = true).await;
    create_account(&db, "mod@example.org", "审核员甲", AccountRole::Moderator).await;
    let client = browser_like_client();
    let attempt = async |n: usize, email: &str, password: &str| {
        let address = format!("198.51.100.{n}");
        let forwarded = [("x-forwarded-for", address.as_str())];
        let form = sign_in_form(email, password);
        app.post_form_with(&client, "/login", &forwarded, &form)
            .await
    };
    let wrong_password = attempt(1, "mod@example.org", "not the password").await;
    let unknown_email = attempt(2, "nobody@example.org", "not the password").await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_email.status(), StatusCode::UNAUTHORIZED);
    let (a, b) = (
        wrong_password.text().await.unwrap(),
        unknown_email.text().await.unwrap(),
    );
    assert!(a.contains("邮箱或密码不正确") && b.contains("邮箱或密码不正确"));

    // 10 failures for one account within 15 minutes from other addresses slow it down but
    // never lock the owner out (tests/accounts.rs has the rest).
    for n in 0..9 {
        let status = attempt(10 + n, "MOD@example.org", "still wrong")
            .await
            .status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {}", n + 2);
    }
    let owner = attempt(50, "mod@example.org", PASSWORD).await;
    assert_eq!(owner.status(), StatusCode::SEE_OTHER);

    // Signing in sets an HttpOnly, SameSite=Lax cookie; signing in again issues a new id and
    // the old one stops working.
    let mut form = sign_in_form("mod@example.org", PASSWORD);
    form.push((SignInField::Next.name(), "/moderate?status=approved".into()));
    let signed_in = app.post_form_with(&client, "/login", &[], &form).await;
    assert_eq!(location(&signed_in), "/moderate?status=approved");
    let cookie = set_cookie(&signed_in);
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let first_id = session_cookie(&signed_in);
    let again = app.sign_in(&client, "mod@example.org", PASSWORD).await;
    let second_id = session_cookie(&again);
    assert_ne!(first_id, second_id, "the session id rotates at sign-in");
    let old_cookie = [("cookie", first_id.as_str())];
    let with_old = app.get_with(&app.client, "/moderate", &old_cookie).await;
    assert!(redirects_to_login(&with_old), "the old id is dead");
    let with_new = app.get_with(&client, "/moderate", &[]).await;
    assert_eq!(with_new.status(), StatusCode::OK);

    // Sign-in is refused cross-site; sign-out ends the session.
    let cross = app
        .post_form_with(
            &app.client,
            "/login",
            &[("origin", "https://evil.example")],
            &sign_in_form("mod@example.org", PASSWORD),
        )
        .await;
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let out = app.post_action(&client, "/logout").await;
    assert_eq!(location(&out), "/");
    assert!(redirects_to_login(
        &app.get_with(&client, "/moderate", &[]).await
    ));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn failures_from_one_address_are_throttled_across_accounts(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    for i in 0..10 {
        let email = format!("guess{i}@example.org");
        let r = app.sign_in(&app.client, &email, "x").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = app.sign_in(&app.client, "another@example.org", "x").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn admins_manage_accounts_and_deactivation_ends_sessions_at_once(db: PgPool) {
    let app = TestApp::spawn_with(db.clone(), |c| {
        c.public_url = "https://shinian.example".into()
    })
    .await;
    create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    let admin = app.login_as("admin@example.org").await;

    let short = app
        .add_moderator(&admin, "new@example.org", "新审核员", "short")
        .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text().await.unwrap().contains("至少 12 个字"));
    let created = app
        .add_moderator(&admin, "New@Example.org", "新审核员", PASSWORD)
        .await;
    assert_eq!(location(&created), "/admin/accounts?done=created");
    let taken = app
        .add_moderator(&admin, "new@example.org", "重复", PASSWORD)
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().await.unwrap().contains("这个邮箱已经有账号了"));

    let newcomer = browser_like_client();
    let signed_in = app.sign_in(&newcomer, "new@example.org", PASSWORD).await;
    assert!(
        set_cookie(&signed_in).contains("Secure"),
        "Secure when PUBLIC_URL is https"
    );
    // reqwest keeps Secure cookies only for https, so send it by hand.
    let cookie = session_cookie(&signed_in);
    let as_newcomer = async |path: &str| {
        app.get_with(&app.client, path, &[("cookie", cookie.as_str())])
            .await
    };
    assert_eq!(as_newcomer("/moderate").await.status(), StatusCode::OK);

    let id = account_id(&db, "new@example.org").await;
    let own = account_id(&db, "admin@example.org").await;
    let me = app
        .post_action(&admin, &format!("/admin/accounts/{own}/deactivate"))
        .await;
    assert_eq!(
        me.status(),
        StatusCode::FORBIDDEN,
        "an admin cannot lock themselves out"
    );
    let account = format!("/admin/accounts/{id}");
    let done = app
        .post_action(&admin, &format!("{account}/deactivate"))
        .await;
    assert_eq!(location(&done), "/admin/accounts?done=deactivated");
    assert!(
        redirects_to_login(&as_newcomer("/moderate").await),
        "deactivated at once"
    );
    let refused = app.sign_in(&newcomer, "new@example.org", PASSWORD).await;
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "like a wrong password"
    );

    app.post_action(&admin, &format!("{account}/activate"))
        .await;
    let new_password = "a completely new password";
    let form = [(AccountField::Password.name(), new_password)];
    let reset = app
        .post_form_with(&admin, &format!("{account}/password"), &[], &form)
        .await;
    assert_eq!(location(&reset), "/admin/accounts?done=password");
    let old = app.sign_in(&app.client, "new@example.org", PASSWORD).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = app
        .sign_in(&app.client, "new@example.org", new_password)
        .await;
    assert_eq!(new.status(), StatusCode::SEE_OTHER);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_moderator_turns_a_photo_and_it_is_made_again_upright(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let moderator = app.moderator_signed_in().await;
    let mut fields = valid_story();
    fields.push((Field::PhotoThenAlt.name(), "江边的老码头".into()));
    let response = app
        .post_with_files(
            "/submit",
            &fields,
            &[(
                Field::PhotoThen.name(),
                "coffee.jpg",
                tests::fixture("coffee_4032x3024_rot6_gps.jpg"),
            )],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.run_photo_jobs().await, 1);
    let story = app.last_story().await;
    let (photo, width, height): (i64, Option<i32>, Option<i32>) =
        sqlx::query_as("select id, width, height from photos where story_id = $1")
            .bind(story)
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(height > width, "EXIF orientation 6: portrait");

    let turn = async |version: &str, direction: &str| {
        let path = format!("/moderate/stories/{story}/photos/{photo}/turn");
        let form = [
            (ReviewField::Version.name(), version),
            (ReviewField::Direction.name(), direction),
        ];
        app.post_form_with(&moderator, &path, &[], &form).await
    };
    let stale = turn("7", "clockwise").await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let turned = turn("1", "counterclockwise").await;
    assert_eq!(turned.status(), StatusCode::SEE_OTHER);
    let state: String = sqlx::query_scalar("select state::text from photos where id = $1")
        .bind(photo)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(state, "processing", "not served until made again");
    assert_eq!(app.run_photo_jobs().await, 1);
    let (turns, width, height): (i16, Option<i32>, Option<i32>) =
        sqlx::query_as("select quarter_turns, width, height from photos where id = $1")
            .bind(photo)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(turns, 3);
    assert!(
        width > height,
        "turned back to landscape: {width:?}×{height:?}"
    );
    let files: Vec<String> = std::fs::read_dir(
        app.media().derivative_dir(
            &sqlx::query_scalar::<_, String>("select public_key from photos where id = $1")
                .bind(photo)
                .fetch_one(&db)
                .await
                .unwrap(),
        ),
    )
    .unwrap()
    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
    .collect();
    assert_eq!(files.len(), 6, "only the new derivatives remain: {files:?}");
    let audit = app.audit_of(story).await;
    assert_eq!(audit.last().unwrap().0, "moderator_edited");
    assert_eq!(app.story_version(story).await, 2);
}
