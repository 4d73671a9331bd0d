//! The public side against real PostgreSQL: filters, Chinese substring search, keyset
//! pagination under concurrent approvals, the story page, the feed, sitemap and API, the page
//! cache, and that nothing private ever appears in a public response.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{Field, StoryId, StoryStatus};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgPool, Postgres};
use std::collections::HashSet;
use tests::{TestApp, story_with, valid_story};

async fn approve(app: &TestApp, id: StoryId) {
    app.set_status(id, StoryStatus::Approved).await;
}

/// Submits a story with some fields changed and approves it.
async fn approved(app: &TestApp, changes: &[(Field, &str)]) -> StoryId {
    let mut story = app.story().approved();
    for (field, value) in changes {
        story = story.with(*field, value);
    }
    story.create().await.id
}

/// The read API's answer to `/api/v1/stories{query}`.
async fn api_page(app: &TestApp, query: &str) -> Value {
    let page = app.get(&format!("/api/v1/stories{query}")).await;
    page.json().await.unwrap()
}

fn ids_in(page: &Value) -> Vec<i64> {
    page["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

/// Submits a story with this title and text and approves it.
async fn approved_text(app: &TestApp, title: &str, text: &str) -> StoryId {
    approved(app, &[(Field::Title, title), (Field::Story, text)]).await
}

async fn api_ids(app: &TestApp, query: &str) -> Vec<i64> {
    ids_in(&api_page(app, query).await)
}

/// Asks `check` every 20 ms, up to 100 times, until it holds; whether it did.
async fn eventually(mut check: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..100 {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

/// Sets a story's status and nothing else (no new version, no notice of publication).
async fn force_status(db: &PgPool, id: i64, status: StoryStatus) {
    sqlx::query("update stories set status = $2 where id = $1")
        .bind(id)
        .bind(status)
        .execute(db)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn filters_narrow_the_timeline_and_the_api(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let mut ids = Vec::new();
    for (title, place, theme, then, now) in [
        ("渡口的最后一班船", "临江街道", "transport", "2008", "2018"),
        (
            "操场铺上了塑胶跑道",
            "城南小学",
            "education",
            "2013",
            "2023",
        ),
        ("楼下有了社区医生", "临江街道", "health", "2015", "2024"),
    ] {
        let fields = [
            (Field::Title, title),
            (Field::Place, place),
            (Field::Themes, theme),
            (Field::YearThen, then),
            (Field::YearNow, now),
        ];
        ids.push(approved(&app, &fields).await);
    }
    let [ferry, school, clinic] = ids[..] else {
        unreachable!()
    };
    app.submit(&story_with(Field::Title, Some("还在审核中的故事")))
        .await;

    assert_eq!(
        api_ids(&app, "").await,
        vec![clinic.0, school.0, ferry.0],
        "newest 'now' first; pending absent"
    );
    assert_eq!(api_ids(&app, "?theme=education").await, vec![school.0]);
    assert_eq!(
        api_ids(&app, "?place=%E4%B8%B4%E6%B1%9F%E8%A1%97%E9%81%93").await,
        vec![clinic.0, ferry.0]
    );
    assert_eq!(
        api_ids(&app, "?from=2019").await,
        vec![clinic.0, school.0],
        "spans reaching 2019 or later"
    );
    assert_eq!(
        api_ids(&app, "?to=2010").await,
        vec![ferry.0],
        "spans starting 2010 or earlier"
    );
    assert_eq!(
        api_ids(
            &app,
            "?from=2019&to=2014&place=%E4%B8%B4%E6%B1%9F%E8%A1%97%E9%81%93"
        )
        .await,
        Vec::<i64>::new()
    );
    assert_eq!(
        api_ids(&app, "?theme=nonsense").await.len(),
        3,
        "an unknown theme is no filter"
    );

    let page = app.get("/?theme=education").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("操场铺上了塑胶跑道") && !html.contains("渡口的最后一班船"));
    assert!(
        html.contains(r#"<option value="education" selected"#),
        "filter state kept in the form"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn chinese_search_finds_any_substring_of_two_or_more_characters(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let metro = approved_text(&app, "地铁8号线通到了家门口", "以前去市中心要倒两趟公交车，路上一个多小时。二〇二〇年地铁8号线开通，站口就在菜市场旁边，二十分钟就到了，周末还能带孙女去博物馆。").await;
    // Has the bigrams 地铁 and 铁8 but never the substring 地铁8.
    let decoy = approved_text(&app, "铁8路公交和地铁站", "小时候坐铁8路公交车上学，车站在老厂门口。后来地铁站修到了厂区，老厂房改成了创意园，公交线路也改了名字。").await;

    let found = async |q: &str| api_ids(&app, &format!("?q={}", urlencode(q))).await;
    assert_eq!(found("地铁").await, vec![decoy.0, metro.0]);
    assert_eq!(
        found("铁8号").await,
        vec![metro.0],
        "across word boundaries"
    );
    assert_eq!(found("8号线").await, vec![metro.0]);
    assert_eq!(
        found("地铁8").await,
        vec![metro.0],
        "bigrams alone would also match the decoy"
    );
    assert_eq!(
        found("去博物馆").await,
        vec![metro.0],
        "found in the text too"
    );
    assert_eq!(found("铁路").await, Vec::<i64>::new());
    assert_eq!(
        found("地铁 菜市场").await,
        vec![metro.0],
        "every word must appear"
    );

    let html = app.get_text(&format!("/?q={}", urlencode("铁"))).await;
    assert!(
        html.contains("搜索词至少要有两个字"),
        "one character is explained, not silently ignored"
    );
    let html = app.get_text(&format!("/?q={}", urlencode("铁8号"))).await;
    assert!(html.contains("地铁8号线通到了家门口") && !html.contains("铁8路公交和地铁站"));
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn pages_have_no_duplicates_or_gaps_while_stories_are_approved(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let mut expected = HashSet::new();
    for i in 0..45 {
        let year_now = (2010 + i % 12).to_string();
        let id = approved(
            &app,
            &[
                (Field::Title, &format!("第{i}个翻页测试故事")),
                (Field::YearThen, "2005"),
                (Field::YearNow, &year_now),
            ],
        )
        .await;
        expected.insert(id.0);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let query = cursor
            .as_ref()
            .map(|c| format!("?cursor={c}"))
            .unwrap_or_default();
        let body = api_page(&app, &query).await;
        let ids = ids_in(&body);
        assert!(ids.len() <= 20);
        seen.extend(ids);
        pages += 1;
        // Meanwhile moderators approve more stories, some sorting before and some after us.
        approved(
            &app,
            &[
                (Field::Title, &format!("翻页时新批准的故事{pages}")),
                (Field::YearThen, "2001"),
                (Field::YearNow, if pages % 2 == 0 { "2025" } else { "2009" }),
            ],
        )
        .await;
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let unique: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no story twice");
    assert!(
        expected.is_subset(&unique),
        "every story approved before the walk was seen"
    );
    // The HTML "more" link follows the same keyset.
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        html.contains(r#"rel="next" href="/?cursor="#),
        "a more link without JavaScript"
    );
    assert!(!html.contains("offset"), "keyset, not offset");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_story_page_has_the_comparison_share_tags_and_related_stories(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let mut fields = valid_story();
    fields.push((
        Field::PhotoThenAlt.name(),
        "二〇一二年的渡口，木船靠在石阶边".into(),
    ));
    fields.push((Field::PhotoThenCaption.name(), "老渡口".into()));
    fields.push((
        Field::PhotoNowAlt.name(),
        "二〇二二年同一位置的小公园".into(),
    ));
    let response = app
        .post_with_files(
            "/submit",
            &fields,
            &[
                (
                    Field::PhotoThen.name(),
                    "then.jpg",
                    tests::fixture("camera_gray.jpg"),
                ),
                (
                    Field::PhotoNow.name(),
                    "now.jpg",
                    tests::fixture("chelsea_3024x4032_portrait_gps.jpg"),
                ),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.run_photo_jobs().await;
    let id = app.last_story().await;
    assert_eq!(
        app.get(&format!("/stories/{id}")).await.status(),
        StatusCode::NOT_FOUND,
        "pending: not public"
    );
    approve(&app, id).await;
    let neighbour = approved(&app, &[(Field::Title, "同一条街的另一个故事")]).await;

    let page = app
        .get(&format!("/stories/{id}-cong-du-chuan-dao-sui-dao"))
        .await;
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "a readable slug may follow the id"
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<meta property="og:title" content="从渡船到过江隧道">"#),
        "{html}"
    );
    let og_image = format!(r#"property="og:image" content="http://{}/media/"#, app.addr);
    assert!(html.contains(&og_image));
    assert!(html.contains(r#"<meta property="og:description""#));
    let qr_src = format!(r#"src="/stories/{id}/qr.svg""#);
    assert!(html.contains(&qr_src), "QR code of the permalink");
    let qr = app.get(&format!("/stories/{id}/qr.svg")).await;
    assert_eq!(qr.status(), StatusCode::OK);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(
        qr.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    assert!(qr.text().await.unwrap().starts_with("<?xml"));
    for bad in ["x", "-1", "99999999999999999999999"] {
        let path = format!("/stories/{bad}/qr.svg");
        assert_eq!(
            app.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert!(
        html.contains(r#"type="range""#) && html.contains("拖动比较：左边是二〇一二年的渡口"),
        "slider labelled from the alt texts"
    );
    assert!(
        html.contains("srcset=") && html.contains(r#"loading="lazy""#) && html.contains("width=")
    );
    assert!(html.contains("CC BY 4.0"), "licence badge");
    assert!(
        html.contains(&format!("/stories/{neighbour}")),
        "related: same place"
    );
    assert!(!html.contains("GPS") && !html.contains("13800138000") && !html.contains("周建国"));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn feed_sitemap_and_api_list_only_approved_stories(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let public = approved(&app, &[(Field::Title, "公开的故事标题")]).await;
    app.submit(&story_with(Field::Title, Some("待审核的故事标题")))
        .await;
    let feed = app.get("/feed.atom").await;
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed = feed.text().await.unwrap();
    assert!(feed.contains("公开的故事标题") && !feed.contains("待审核的故事标题"));
    assert!(feed.contains(&format!("/stories/{public}</id>")));
    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(sitemap.contains(&format!("/stories/{public}</loc>")));
    assert_eq!(sitemap.matches("/stories/").count(), 1);
    let one = api_page(&app, &format!("/{public}")).await;
    assert_eq!(one["id"].as_i64(), Some(public.0));
    assert_eq!(one["title"], "公开的故事标题");
    assert_eq!(one["narrator"], "老周", "shown because the narrator agreed");
    let pending = app.last_story().await;
    let missing = app.get(&format!("/api/v1/stories/{pending}")).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.json::<Value>().await.unwrap()["error"], "not_found");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_cached_timeline_changes_as_soon_as_a_story_is_approved(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    approved(&app, &[(Field::Title, "缓存里的第一个故事")]).await;
    // Wait until the listener is up, then fill the cache.
    warm(&app, &["/"]).await;
    app.submit(&story_with(Field::Title, Some("刚刚批准的第二个故事")))
        .await;
    let id = app.last_story().await;
    approve(&app, id).await;
    let home_shows_it = async || app.get_text("/").await.contains("刚刚批准的第二个故事");
    assert!(
        eventually(async || home_shows_it().await).await,
        "the approval reached the page cache"
    );
    force_status(&db, id.0, StoryStatus::Unpublished).await;
    assert!(
        eventually(async || !home_shows_it().await).await,
        "unpublishing reached the page cache"
    );
}

fn mark(markers: &mut Vec<String>, name: &str) -> String {
    let marker = format!("泄露标记{name}{}", markers.len());
    markers.push(marker.clone());
    marker
}

/// Unique markers in every private field and in every story that is not approved; then every
/// public URL is fetched and none may contain any marker.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn nothing_private_leaks_into_any_public_response(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let mut markers: Vec<String> = vec![];
    // An approved story whose private fields carry markers, with the name hidden.
    let real_name = mark(&mut markers, "真名");
    let contact = format!("leak{}@example.org", 7);
    markers.push(contact.clone());
    let assisted = mark(&mut markers, "代填人");
    let hidden_name = mark(&mut markers, "不公开的称呼");
    let mut fields = valid_story();
    fields.retain(|(n, _)| {
        !["real_name", "contact", "consent_show_name", "narrator_name"].contains(n)
    });
    fields.extend([
        (Field::RealName.name(), real_name.clone()),
        (Field::Contact.name(), contact.clone()),
        (Field::AssistedBy.name(), assisted.clone()),
        (Field::NarratorName.name(), hidden_name.clone()),
        (Field::Title.name(), "公开但不署名的故事".into()),
    ]);
    app.submit(&fields).await;
    let public = app.last_story().await;
    approve(&app, public).await;
    sqlx::query("update stories set moderator_message = $2 where id = $1")
        .bind(public.0)
        .bind(mark(&mut markers, "审核留言"))
        .execute(&db)
        .await
        .unwrap();
    // Stories in every other state, with markers in their title and text.
    let mut hidden_ids = vec![];
    for status in [
        "pending",
        "changes_requested",
        "rejected",
        "unpublished",
        "withdrawn",
    ] {
        let title = mark(&mut markers, &format!("标题{status}"));
        let body = format!(
            "{}{}",
            mark(&mut markers, &format!("正文{status}")),
            "这是一段足够长的故事正文，用来满足五十个字的最短长度要求，内容本身并不重要。"
        );
        app.submit(
            &story_with(Field::Title, Some(&title))
                .into_iter()
                .filter(|(n, _)| *n != Field::Story.name())
                .chain([(Field::Story.name(), body)])
                .collect::<Vec<_>>(),
        )
        .await;
        let id = app.last_story().await.0;
        sqlx::query("update stories set status = $2::story_status where id = $1")
            .bind(id)
            .bind(status)
            .execute(&db)
            .await
            .unwrap();
        hidden_ids.push(id);
    }
    let original_keys: Vec<String> = sqlx::query_scalar("select original_key from photos")
        .fetch_all(&db)
        .await
        .unwrap();
    markers.extend(original_keys);

    // (url, the marker searched for): a search page shows what was typed in its search box,
    // so for those the searched marker is allowed once there, and the results must be empty.
    let mut urls: Vec<(String, Option<String>)> = [
        "/".to_owned(),
        "/feed.atom".into(),
        "/sitemap.xml".into(),
        "/sitemaps/0.xml".into(),
        "/api/v1/stories".into(),
        format!("/stories/{public}"),
        format!("/api/v1/stories/{public}"),
        format!("/api/v1/stories?q={}", urlencode("泄露标记")),
        format!("/?q={}", urlencode("泄露标记")),
        "/oai?verb=ListRecords&metadataPrefix=oai_dc".into(),
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc".into(),
        format!(
            "/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:story/{public}"
        ),
    ]
    .into_iter()
    .map(|u| (u, None))
    .collect();
    for id in &hidden_ids {
        urls.push((format!("/stories/{id}"), None));
        urls.push((format!("/api/v1/stories/{id}"), None));
        let record = format!("identifier=oai:127.0.0.1:story/{id}&metadataPrefix=oai_dc");
        urls.push((format!("/oai?verb=GetRecord&{record}"), None));
    }
    for marker in markers.iter().filter(|m| m.starts_with("泄露")) {
        urls.push((format!("/?q={}", urlencode(marker)), Some(marker.clone())));
        urls.push((
            format!("/api/v1/stories?q={}", urlencode(marker)),
            Some(marker.clone()),
        ));
    }
    for locale in ["zh-CN", "en"] {
        for (url, searched) in &urls {
            let response = app
                .get_with(&app.client, url, &[("accept-language", locale)])
                .await;
            let status = response.status();
            let mut body = response.text().await.unwrap();
            assert!(
                status == StatusCode::OK || status == StatusCode::NOT_FOUND,
                "{url}: {status}"
            );
            if url.contains("q=") {
                let no_results =
                    body.contains(r#""stories":[]"#) || body.contains(r#"class="empty""#);
                assert!(
                    no_results,
                    "{url}: a search for private words finds nothing"
                );
            }
            if let Some(searched) = searched {
                body = body.replacen(&format!(r#"value="{searched}""#), "", 1);
            }
            for marker in &markers {
                assert!(
                    !body.contains(marker.as_str()),
                    "{url} ({locale}) shows {marker}"
                );
            }
        }
    }
    let html = app.get_text(&format!("/stories/{public}")).await;
    assert!(
        html.contains("临江街道的一位居民"),
        "anonymous credit instead of the hidden name"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn sitemap_parts_are_cached_until_a_public_change(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let first = approved(&app, &[(Field::Title, "第一个进站点地图的故事")]).await;
    // Wait until the listener is up, then fill the cache.
    warm(&app, &["/sitemaps/0.xml", "/sitemap.xml"]).await;
    app.submit(&valid_story()).await;
    let quiet = app.last_story().await;
    // Approved without telling anyone (triggers off): only a rebuild would show it.
    quietly_approve(&app, quiet).await;
    let loc = |id: StoryId| format!("/stories/{}</loc>", id.0);
    for path in ["/sitemaps/0.xml", "/sitemap.xml"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "application/xml; charset=utf-8"
        );
        let body = response.text().await.unwrap();
        assert!(body.contains(&loc(first)), "{path}");
        assert!(
            !body.contains(&loc(quiet)),
            "{path} was rebuilt, not cached"
        );
    }
    assert_eq!(
        app.get("/sitemaps/1.xml").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/sitemaps/00.xml").await.status(),
        StatusCode::NOT_FOUND
    );

    // An approval tells every instance: the next request rebuilds.
    let announced = approved(&app, &[(Field::Title, "正式批准的故事")]).await;
    let fresh = eventually(async || {
        let part = app.get_text("/sitemaps/0.xml").await;
        let index = app.get_text("/sitemap.xml").await;
        [part, index]
            .iter()
            .all(|b| b.contains(&loc(announced)) && b.contains(&loc(quiet)))
    })
    .await;
    assert!(fresh, "the approval reached the sitemap cache");
}

/// Past the first 50,000 ids the sitemap is an index of the id ranges that hold approved
/// stories; each part is its range, so an empty range is neither listed nor served.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_sitemap_index_lists_the_id_ranges_that_hold_stories(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let low = approved(&app, &[(Field::Title, "编号很小的故事")]).await;
    sqlx::query("select setval(pg_get_serial_sequence('stories', 'id'), 120000)")
        .execute(&db)
        .await
        .unwrap();
    let high = approved(&app, &[(Field::Title, "编号很大的故事")]).await;
    assert!(high.0 > 120_000);
    let mut index = String::new();
    for _ in 0..100 {
        index = app.get("/sitemap.xml").await.text().await.unwrap();
        if index.contains("<sitemapindex") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let parts: Vec<&str> = index
        .split("<loc>")
        .skip(1)
        .filter_map(|l| l.split("</loc>").next())
        .collect();
    assert_eq!(parts.len(), 2, "{index}");
    assert!(
        parts[0].ends_with("/sitemaps/0.xml") && parts[1].ends_with("/sitemaps/2.xml"),
        "{index}"
    );
    let loc = |id: StoryId| format!("/stories/{}</loc>", id.0);
    let first = app.get("/sitemaps/0.xml").await.text().await.unwrap();
    assert!(
        first.contains(&loc(low)) && !first.contains(&loc(high)),
        "{first}"
    );
    let third = app.get("/sitemaps/2.xml").await.text().await.unwrap();
    assert!(
        third.contains(&loc(high)) && !third.contains(&loc(low)),
        "{third}"
    );
    assert_eq!(
        app.get("/sitemaps/1.xml").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// Runs `sql` (with `$1` = `id`) without firing any trigger: no `public_changed` notification,
/// so only a page rendered afresh can show the change.
async fn quietly(db: &PgPool, change: Query<'_, Postgres, PgArguments>) {
    let mut tx = db.begin().await.unwrap();
    sqlx::query("set local session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    change.execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

/// Approves a story without telling the page cache.
async fn quietly_approve(app: &TestApp, id: StoryId) {
    quietly(
        &app.db,
        sqlx::query("update stories set status = $2, published_at = now() where id = $1")
            .bind(id)
            .bind(StoryStatus::Approved),
    )
    .await;
}

/// Submits a story and approves it without telling the page cache.
async fn quietly_approved(app: &TestApp, title: &str) -> StoryId {
    app.submit(&story_with(Field::Title, Some(title))).await;
    let id = app.last_story().await;
    quietly_approve(app, id).await;
    id
}

/// Requests `paths` until the page cache's listener is up and the pages are cached.
async fn warm(app: &TestApp, paths: &[&str]) {
    for _ in 0..50 {
        for path in paths {
            let _ = app.get(path).await.text().await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn cache_keys_ignore_unknown_parameters_and_their_order(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    approved(&app, &[(Field::Title, "按主题缓存的故事")]).await;
    warm(&app, &["/?theme=transport"]).await;
    quietly_approved(&app, "悄悄批准的交通故事").await;
    for path in [
        "/?theme=transport",
        "/?x=1&theme=transport",
        "/?theme=transport&x=2&utm_source=wechat",
        "/?theme=%20transport%20&from=abc&cursor=junk",
    ] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(html.contains("按主题缓存的故事"), "{path}");
        assert!(
            !html.contains("悄悄批准的交通故事"),
            "{path} was not cached"
        );
        assert!(
            !html.contains("x=1") && !html.contains("utm_source") && !html.contains("junk"),
            "{path}: the raw query string is not part of the page"
        );
    }
    // A parameter the page uses is a different page, rendered afresh.
    let other = app.get("/?from=2000&theme=transport").await;
    assert!(other.text().await.unwrap().contains("悄悄批准的交通故事"));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_flood_of_unique_urls_does_not_evict_the_cached_home_page(db: PgPool) {
    use futures::StreamExt;
    let app = TestApp::spawn(db.clone()).await;
    approved(&app, &[(Field::Title, "首页上缓存的故事")]).await;
    // Full pages, so that the flood is well past the cache's 16 MB.
    server::generate::generate(&db, 40).await.unwrap();
    warm(&app, &["/"]).await;
    quietly_approved(&app, "洪水之后仍未显示的故事").await;
    let bytes: usize = futures::stream::iter(0..2000)
        .map(|i| {
            let app = &app;
            async move {
                // `/` stays hot: asked for among the odd URLs (see `timeline::cache`).
                if i % 10 == 0 {
                    let html = app.get("/").await.text().await.unwrap();
                    assert!(
                        !html.contains("洪水之后仍未显示的故事"),
                        "the cached / was evicted after {i} odd URLs"
                    );
                }
                let response = app.get(&format!("/?cursor=2030.2000.{i}")).await;
                assert_eq!(response.status(), StatusCode::OK);
                response.bytes().await.unwrap().len()
            }
        })
        .buffer_unordered(8)
        .fold(0, |total, len| async move { total + len })
        .await;
    assert!(
        bytes > 16 * 1024 * 1024,
        "the flood exceeds the budget: {bytes}"
    );
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("首页上缓存的故事"));
    assert!(
        !html.contains("洪水之后仍未显示的故事"),
        "the cached / was evicted and rendered again"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn story_pages_are_cached_until_a_story_is_approved_or_withdrawn(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let story = approved(&app, &[(Field::Title, "缓存的故事页")]).await;
    let path = format!("/stories/{}", story.0);
    warm(&app, &[&path]).await;
    quietly(
        &db,
        sqlx::query("update stories set title = '悄悄改过的标题' where id = $1").bind(story),
    )
    .await;
    for path in [path.clone(), format!("{path}-a-slug")] {
        let html = app.get(&path).await.text().await.unwrap();
        assert!(html.contains("缓存的故事页"), "{path} was cached");
        assert!(!html.contains("悄悄改过的标题"), "{path} was cached");
    }

    // Another story's approval clears the cache: the page is rendered again.
    approved(&app, &[(Field::Title, "另一个批准的故事")]).await;
    let fresh = eventually(async || app.get_text(&path).await.contains("悄悄改过的标题")).await;
    assert!(fresh, "the approval reached the story page cache");

    sqlx::query("update stories set status = $2, withdrawn_at = now() where id = $1")
        .bind(story.0)
        .bind(StoryStatus::Withdrawn)
        .execute(&db)
        .await
        .unwrap();
    let gone = eventually(async || app.get(&path).await.status() == StatusCode::NOT_FOUND).await;
    assert!(gone, "the withdrawal reached the story page cache");
}

/// The ids of the stories a story page links to, in order, without the story itself.
async fn related_ids(app: &TestApp, story: StoryId) -> Vec<i64> {
    let html = app.get_text(&format!("/stories/{}", story.0)).await;
    let mut ids = Vec::new();
    for part in html.split("/stories/").skip(1) {
        let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(id) = digits.parse::<i64>()
            && id != story.0
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn related_stories_are_the_same_place_first_then_shared_themes_newest_first(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let story = approved(&app, &[]).await;
    let same_place = approved(
        &app,
        &[
            (Field::Themes, "housing"),
            (Field::YearThen, "2000"),
            (Field::YearNow, "2005"),
        ],
    )
    .await;
    let mut by_theme = Vec::new();
    for year_now in ["2019", "2020", "2021", "2023", "2024"] {
        by_theme.push(
            approved(
                &app,
                &[(Field::Place, "银杏路"), (Field::YearNow, year_now)],
            )
            .await
            .0,
        );
    }
    approved(
        &app,
        &[(Field::Place, "银杏路"), (Field::Themes, "housing")],
    )
    .await;
    let [a, b, c, d, e] = by_theme[..] else {
        unreachable!()
    };
    assert_eq!(related_ids(&app, story).await, [same_place.0, e, d, c]);

    // Unpublished and moved in time: the index's copies follow (and the cached page is cleared).
    for id in [same_place.0, e] {
        force_status(&db, id, StoryStatus::Unpublished).await;
    }
    sqlx::query("update stories set year_then = 2000, year_now = 2001 where id = $1")
        .bind(d)
        .execute(&db)
        .await
        .unwrap();
    let mut related = Vec::new();
    for _ in 0..100 {
        related = related_ids(&app, story).await;
        if related == [c, b, a, d] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(related, [c, b, a, d]);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn without_a_page_cache_every_page_is_rendered_afresh(db: PgPool) {
    let app = TestApp::spawn_with(db.clone(), |config| config.page_cache_mb = 0).await;
    let story = approved(&app, &[(Field::Title, "不缓存的故事页")]).await;
    let path = format!("/stories/{}", story.0);
    // Long enough for the listener to come up: a cache would now hold both pages.
    warm(&app, &[&path]).await;
    warm(&app, &["/"]).await;
    quietly(
        &db,
        sqlx::query("update stories set title = '悄悄改过的标题' where id = $1").bind(story),
    )
    .await;
    for path in [path.as_str(), "/"] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(html.contains("悄悄改过的标题"), "{path} came from a cache");
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_search_past_its_candidate_bound_asks_for_another_word(db: PgPool) {
    let app = TestApp::spawn_with(db.clone(), |config| config.search_max_candidates = 3).await;
    // Each has the pairs 很多 and 多了 but never 很多了: a candidate that fails the check.
    for place in ["临江街道", "银杏路", "城南街道", "老码头"] {
        let title = format!("{place}的很多老邻居");
        approved_text(&app, &title, "小区改造以后，很多老邻居搬走了。大家见面少了，话也说多了几句，逢年过节还会在新建的广场上聚一聚，聊聊以前的日子。").await;
    }
    let market = approved_text(&app, "菜市场搬进了新大楼", "以前的菜市场是露天的，下雨天满地泥水。后来菜市场搬进了新大楼，有了空调和电子秤，摊主们也都用上了扫码付款。").await;

    let answer = async |q: &str| {
        let path = format!("/api/v1/stories?q={}", urlencode(q));
        let english = [("accept-language", "en")];
        let response = app.get_with(&app.client, &path, &english).await;
        response.json::<Value>().await.unwrap()
    };
    let miss = answer("很多了").await;
    assert_eq!(miss["stories"].as_array().map(Vec::len), Some(0));
    assert_eq!(miss["truncated"], Value::Bool(true));
    let message = miss["message"].as_str().unwrap_or_default();
    assert!(message.contains("More than 3 stories"), "{message}");

    let html = app.get_text(&format!("/?q={}", urlencode("很多了"))).await;
    assert!(
        html.contains("含有这些字的故事超过 3 篇"),
        "the page asks for another word"
    );
    assert!(!html.contains("没有找到符合条件的故事"));

    let found = answer("菜市场").await;
    assert_eq!(found["stories"][0]["id"].as_i64(), Some(market.0));
    assert_eq!(found["truncated"], Value::Null, "under the bound: no flag");
    assert_eq!(
        api_ids(&app, &format!("?q={}", urlencode("很多老邻居")))
            .await
            .len(),
        3,
        "the first 3 candidates, newest first, are checked"
    );
}
