//! The transport against a real server: slow clients are cut off within the documented limits
//! while a steady upload goes through; every response carries the security headers, with a
//! script policy that allows files from our own origin and no inline script at all (cached pages
//! included); a query over its time limit
//! answers a localized 503; uploads wait for a turn to be received and give up with a 503.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::Field;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tests::html::media_url_in;
use tests::{TestApp, fixture, location, valid_story};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Slack for scheduling and the kernel on a busy machine, on top of a configured limit.
const SLACK: Duration = Duration::from_millis(1500);

/// What happened to a connection we kept feeding.
struct Closed {
    after: Duration,
    response: String,
}

/// Sends `chunk` every `every` until the server closes the connection (gives up after 10 s);
/// returns when that happened and what the server answered.
async fn trickle_until_closed(stream: &mut TcpStream, chunk: &[u8], every: Duration) -> Closed {
    let give_up = Duration::from_secs(10);
    let started = Instant::now();
    let mut response = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        assert!(
            started.elapsed() < give_up,
            "the connection was still open after {give_up:?}"
        );
        if stream.write_all(chunk).await.is_err() {
            break;
        }
        match tokio::time::timeout(every, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => response.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    // Whatever is still buffered of the answer.
    while let Ok(Ok(n)) =
        tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf)).await
    {
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
    }
    Closed {
        after: started.elapsed(),
        response: String::from_utf8_lossy(&response).into_owned(),
    }
}

/// The server closed the connection within `limit` (and the slack).
fn assert_closed_within(closed: &Closed, limit: Duration) {
    assert!(
        closed.after <= limit + SLACK,
        "closed after {:?}",
        closed.after
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn slow_header_lines_are_cut_off_at_the_header_timeout(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| c.header_read_timeout_secs = 2).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    // One more header line every half second: each is progress, none completes the request.
    let every = Duration::from_millis(500);
    let closed = trickle_until_closed(&mut stream, b"X-Slow: a\r\n", every).await;
    assert_closed_within(&closed, Duration::from_secs(2));
    assert!(!closed.response.contains("200 OK"), "{}", closed.response);
}

/// Headers of a POST to `/submit` announcing a body of `length` bytes.
fn post_head(content_type: &str, length: usize) -> String {
    format!(
        "POST /submit HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n\
         Content-Length: {length}\r\n\r\n"
    )
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Connects and sends the head of a POST to `/submit` announcing `length` bytes.
async fn send_head(addr: SocketAddr, content_type: &str, length: usize) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = post_head(content_type, length);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_trickling_body_is_cut_off_with_408(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| c.body_idle_timeout_secs = 2).await;
    let mut stream = send_head(app.addr, FORM, 100_000).await;
    // A byte every 300 ms never leaves the connection idle for the whole period, but is far
    // under the minimum progress (4 KiB per period): a pure idle timeout would wait for days.
    let closed = trickle_until_closed(&mut stream, b"a", Duration::from_millis(300)).await;
    assert_closed_within(&closed, Duration::from_secs(2));
    assert!(
        closed.response.starts_with("HTTP/1.1 408"),
        "{}",
        closed.response
    );
    assert!(
        closed.response.contains("网络太慢"),
        "a localized page: {}",
        closed.response
    );
    assert_eq!(app.story_count().await, 0);
    // The server is fine.
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_silent_body_is_cut_off_too(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| c.body_idle_timeout_secs = 2).await;
    let mut stream = send_head(app.addr, FORM, 100).await;
    let started = Instant::now();
    let mut response = String::new();
    let read = tokio::time::timeout(
        Duration::from_secs(10),
        stream.read_to_string(&mut response),
    )
    .await
    .expect("the server closes the connection");
    assert!(read.is_ok());
    assert!(started.elapsed() <= Duration::from_secs(2) + SLACK);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
}

/// `valid_story()` with the details of one then photo.
fn story_with_then_photo_details() -> Vec<(&'static str, String)> {
    let mut fields = valid_story();
    fields.extend([
        (Field::PhotoThenAlt.name(), "渡口".to_owned()),
        (Field::PhotoThenYear.name(), String::new()),
        (Field::PhotoThenCaption.name(), String::new()),
        (Field::PhotoThenCredit.name(), String::new()),
    ]);
    fields
}

/// A multipart body for `/submit`: a valid story and one photo of `photo_size` bytes.
fn multipart_story_with_photo(boundary: &str, photo_size: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in story_with_then_photo_details() {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"photo_then\"; \
             filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    // A valid JPEG padded after its end marker (phones append such data).
    let mut photo = fixture("camera_gray.jpg");
    photo.resize(photo_size, 0);
    body.extend_from_slice(&photo);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

/// At the defaults (20 s period, 4 KiB minimum) a phone uploading a 25 MB photo at a steady
/// 50 KB/s sends 1 MB per period, 250 times the minimum, and never pauses for a whole period.
/// The same shape, scaled to fit a test: a 2 s period, a chunk every second (half the period),
/// each chunk far above the minimum.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_steady_25_mb_upload_goes_through(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| c.body_idle_timeout_secs = 2).await;
    let boundary = "transport-test-boundary";
    let body = multipart_story_with_photo(boundary, 25 * 1024 * 1024);
    let mut stream = send_upload_head(app.addr, boundary, body.len()).await;
    let started = Instant::now();
    let chunks = body.chunks(body.len().div_ceil(12));
    let count = chunks.len();
    for (i, chunk) in chunks.enumerate() {
        if i > 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        stream
            .write_all(chunk)
            .await
            .unwrap_or_else(|e| panic!("chunk {i} of {count} refused: {e}"));
    }
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "the upload spans several periods"
    );
    let mut response = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut response))
        .await
        .expect("an answer")
        .unwrap();
    let response = String::from_utf8_lossy(&response[..n]);
    assert!(response.starts_with("HTTP/1.1 303"), "{response}");
    assert_eq!(app.story_count().await, 1);
}

/// Connects and sends the head of a multipart upload of `length` bytes.
async fn send_upload_head(addr: SocketAddr, boundary: &str, length: usize) -> TcpStream {
    let content_type = format!("multipart/form-data; boundary={boundary}");
    send_head(addr, &content_type, length).await
}

/// Sends the head and the first `sent` bytes of an upload, so it holds a turn to be received.
async fn start_upload(app: &TestApp, body: &[u8], boundary: &str, sent: usize) -> TcpStream {
    let mut stream = send_upload_head(app.addr, boundary, body.len()).await;
    stream.write_all(&body[..sent]).await.unwrap();
    stream
}

/// Sends the rest of an upload begun with `start_upload` and reads the answer's head.
async fn finish_upload(mut stream: TcpStream, body: &[u8], sent: usize) -> String {
    stream.write_all(&body[sent..]).await.unwrap();
    read_answer(&mut stream).await
}

async fn read_answer(stream: &mut TcpStream) -> String {
    let mut response = vec![0u8; 16 * 1024];
    let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut response))
        .await
        .expect("an answer")
        .unwrap();
    String::from_utf8_lossy(&response[..n]).into_owned()
}

/// With one turn (`UPLOAD_CONCURRENCY=1`), a second upload waits while the first is read, goes
/// through when the turn frees up within `UPLOAD_WAIT_SECS`, and is answered a localized 503
/// with Retry-After (nothing kept) when it does not.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn uploads_wait_for_their_turn_and_give_up_with_a_localized_503(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| {
        c.upload_concurrency = 1;
        c.upload_wait_secs = 3;
    })
    .await;
    let boundary = "turn-test-boundary";
    let body = multipart_story_with_photo(boundary, 256 * 1024);
    let half = body.len() / 2;

    let first = start_upload(&app, &body, boundary, half).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waiting = tokio::spawn({
        let (app_addr, body) = (app.addr, body.clone());
        async move {
            let mut stream = send_upload_head(app_addr, boundary, body.len()).await;
            stream.write_all(&body).await.unwrap();
            let started = Instant::now();
            (read_answer(&mut stream).await, started.elapsed())
        }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let answer = finish_upload(first, &body, half).await;
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    let (answer, waited) = waiting.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    assert!(
        waited >= Duration::from_millis(500),
        "it waited its turn: {waited:?}"
    );
    assert_eq!(app.story_count().await, 2);

    let holder = start_upload(&app, &body, boundary, half).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let files_before = app.media_files().await;
    let mut refused = send_upload_head(app.addr, boundary, body.len()).await;
    refused.write_all(&body).await.unwrap();
    let started = Instant::now();
    let answer = read_answer(&mut refused).await;
    assert!(
        started.elapsed() >= Duration::from_secs(2)
            && started.elapsed() <= Duration::from_secs(3) + SLACK,
        "refused after the wait: {:?}",
        started.elapsed()
    );
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 30"),
        "{answer}"
    );
    assert!(
        answer.contains("现在上传照片的人很多"),
        "a localized page: {answer}"
    );
    assert_eq!(
        app.media_files().await,
        files_before,
        "nothing of the refused upload kept"
    );
    assert_eq!(app.story_count().await, 2);

    let answer = finish_upload(holder, &body, half).await;
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    assert_eq!(app.story_count().await, 3);
}

// ---------------------------------------------------------------------------------------
// Security headers

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn assert_common_headers(what: &str, headers: &HeaderMap) {
    assert_eq!(
        header(headers, "x-content-type-options"),
        "nosniff",
        "{what}"
    );
    let csp = header(headers, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
}

/// Asserts the policy of an HTML page: scripts from our own origin and WebAssembly, nothing inline.
fn assert_html_headers(what: &str, headers: &HeaderMap) {
    assert_common_headers(what, headers);
    let csp = header(headers, "content-security-policy");
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_else(|| panic!("{what}: no script-src in {csp}"));
    assert_eq!(
        script_src, "script-src 'self' 'wasm-unsafe-eval'",
        "{what}: no nonce, hash or 'unsafe-inline' lets an inline script run"
    );
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{what}: {directive} in {csp}");
    }
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{what}");
    assert!(!header(headers, "referrer-policy").is_empty(), "{what}");
    assert_eq!(
        header(headers, "permissions-policy"),
        "camera=(self), microphone=(self), geolocation=()",
        "{what}"
    );
}

/// Every `<script>` of the page loads a file of our own origin: none has a body to run.
fn assert_no_inline_script(what: &str, page: &str) -> usize {
    let scripts: Vec<&str> = page
        .match_indices("<script")
        .map(|(at, _)| &page[at..])
        .collect();
    for script in &scripts {
        let tag = &script[..script.find('>').unwrap()];
        assert!(tag.contains(" src=\"/"), "{what}: {tag}");
        assert!(
            script[tag.len()..].starts_with("></script>"),
            "{what}: {tag}"
        );
    }
    assert!(!page.contains("nonce="), "{what}");
    scripts.len()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_response_type_carries_the_security_headers(db: PgPool) {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("robots.txt"), "User-agent: *\n").unwrap();
    let site_root = site.path().to_path_buf();
    let app = TestApp::spawn_with(db, move |c| c.site_root = site_root).await;
    let fields = story_with_then_photo_details();
    let files = [(Field::PhotoThen.name(), "a.jpg", fixture("camera_gray.jpg"))];
    let track = location(&app.post_with_files("/submit", &fields, &files).await);
    app.run_photo_jobs().await;
    app.approve_all().await;
    let id = app.last_story().await;
    let media = media_url_in(&app.get_text(&format!("/stories/{id}")).await);

    let html = [
        "/".to_owned(),
        format!("/stories/{id}"),
        "/submit".to_owned(),
        track,
        "/login".to_owned(),
        "/no-such-page".to_owned(),
    ];
    for path in &html {
        let response = app.get(path).await;
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert_html_headers(path, response.headers());
    }
    let others = [
        ("/api/v1/stories", StatusCode::OK),
        (&format!("/api/v1/stories/{id}"), StatusCode::OK),
        ("/api/v1/stories/999999", StatusCode::NOT_FOUND),
        ("/feed.atom", StatusCode::OK),
        ("/sitemap.xml", StatusCode::OK),
        ("/healthz", StatusCode::OK),
        ("/robots.txt", StatusCode::OK),
        (media.as_str(), StatusCode::OK),
    ];
    for (path, status) in others {
        let response = app.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        assert_common_headers(path, response.headers());
    }
    // Private pages keep `same-origin` (see `render::private_html`), public ones may say more.
    let private = app.get("/submit").await;
    assert_eq!(header(private.headers(), "referrer-policy"), "same-origin");
    let public = app.get("/").await;
    assert_eq!(
        header(public.headers(), "referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    // Not https: no HSTS (it would lock a plain-http site out of browsers for a year).
    assert!(public.headers().get("strict-transport-security").is_none());
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn hsts_only_when_the_public_url_is_https(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| c.public_url = "https://shinian.example".into()).await;
    for path in ["/", "/healthz", "/api/v1/stories", "/no-such-page"] {
        let response = app.get(path).await;
        assert_eq!(
            header(response.headers(), "strict-transport-security"),
            "max-age=31536000",
            "{path}"
        );
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn no_page_has_an_inline_script_even_from_the_page_cache(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    // More than a page of stories, so the timeline loads its island (infinite scroll).
    server::generate::generate(&db, 25).await.unwrap();
    // The page cache fills once its listener is up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for path in ["/", "/", "/", "/submit", "/submit"] {
        let response = app.get(path).await;
        assert_html_headers(path, response.headers());
        let page = response.text().await.unwrap();
        let scripts = assert_no_inline_script(path, &page);
        assert_eq!(scripts, 1, "{path}: the script starting the islands");
        assert!(
            page.contains("<script type=\"module\" src=\"/hydrate.js\"></script>"),
            "{path}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Statement timeout

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_search_over_its_time_limit_answers_a_localized_503(db: PgPool) {
    let app = TestApp::spawn_with(db.clone(), |c| c.search_timeout_ms = 200).await;
    server::generate::generate(&db, 5).await.unwrap();
    // Another session holds the stories table: the search waits for it, and waiting counts
    // against the statement timeout like working does.
    let mut blocker = db.begin().await.unwrap();
    sqlx::query("lock table stories in access exclusive mode")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let started = Instant::now();
    let page = app.get("/?q=%E6%B8%A1%E8%88%B9").await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(page.headers(), "retry-after"), "5");
    assert!(page.text().await.unwrap().contains("网站正忙"));

    let in_english = [("accept-language", "en")];
    let english = app
        .get_with(&app.client, "/?q=%E6%B8%A1%E8%88%B9", &in_english)
        .await;
    assert_eq!(english.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(english.text().await.unwrap().contains("narrow your search"));

    let api = app
        .get_with(
            &app.client,
            "/api/v1/stories?q=%E6%B8%A1%E8%88%B9",
            &in_english,
        )
        .await;
    assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"], "busy");

    // The pool is not left hanging, and searching works again once the table is free.
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    blocker.rollback().await.unwrap();
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    assert_eq!(
        app.get("/?q=%E6%B8%A1%E8%88%B9").await.status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_serving_pool_stops_long_statements_and_the_task_pool_does_not(db: PgPool) {
    let mut config = server::config::Config::for_database("postgres://unused");
    config.database_statement_timeout_ms = 100;
    let options = db.connect_options().as_ref().clone();
    let serving = server::db::serving_pool(options, &config).await.unwrap();
    let error = sqlx::query("select pg_sleep(1)")
        .execute(&serving)
        .await
        .unwrap_err();
    let code = error
        .as_database_error()
        .and_then(|e| e.code().map(|c| c.into_owned()));
    assert_eq!(code.as_deref(), Some("57014"), "{error}");
    // The connection is usable afterwards.
    sqlx::query("select 1").execute(&serving).await.unwrap();
    serving.close().await;

    let options = db.connect_options();
    config.database_url = format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    );
    let tasks = server::db::connect_for_tasks(&config).await.unwrap();
    sqlx::query("select pg_sleep(0.3)")
        .execute(&tasks)
        .await
        .unwrap();
    tasks.close().await;
}

// ---------------------------------------------------------------------------------------
// Database outages

/// The backend serving the request that waits for a lock on `stories`, once there is one.
async fn backend_waiting_on_stories(db: &PgPool) -> i32 {
    for _ in 0..100 {
        let pid: Option<i32> = sqlx::query_scalar(
            "select pid from pg_stat_activity
             where wait_event_type = 'Lock' and query like 'insert into stories%'",
        )
        .fetch_optional(db)
        .await
        .unwrap();
        if let Some(pid) = pid {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no submission waited on the stories table");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_submission_cut_off_from_the_database_answers_503_and_keeps_nothing(db: PgPool) {
    let app = std::sync::Arc::new(TestApp::spawn(db.clone()).await);
    // The submission waits in its insert for another session's lock…
    let mut blocker = db.begin().await.unwrap();
    sqlx::query("lock table stories in access exclusive mode")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let submitting = tokio::spawn({
        let app = app.clone();
        async move {
            let mut fields = valid_story();
            fields.push((Field::PhotoThenAlt.name(), "江边的旧仓库".into()));
            let photo = (
                Field::PhotoThen.name(),
                "photo.jpg",
                fixture("camera_gray.jpg"),
            );
            app.post_with_files("/submit", &fields, &[photo]).await
        }
    });
    // …when its connection ends the way PostgreSQL ends them when it shuts down or restarts.
    let pid = backend_waiting_on_stories(&db).await;
    sqlx::query("select pg_terminate_backend($1)")
        .bind(pid)
        .execute(&db)
        .await
        .unwrap();
    let response = submitting.await.unwrap();
    blocker.rollback().await.unwrap();

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.text().await.unwrap().contains("服务暂时不可用"));
    assert_eq!(app.story_count().await, 0);
    let originals = std::fs::read_dir(app.media().originals_dir())
        .unwrap()
        .count();
    assert_eq!(
        originals, 0,
        "the photo of a story that was not stored is removed"
    );
    // The pool replaces the lost connection by itself.
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    app.submit(&valid_story()).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn readiness_needs_the_media_store_and_liveness_does_not(db: PgPool) {
    let app = TestApp::spawn(db).await;
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);

    // The media folder unmounted: out of rotation, but alive (a restart would not help).
    let root = app.media().root().to_owned();
    let aside = root.with_extension("unmounted");
    std::fs::rename(&root, &aside).unwrap();
    assert_eq!(
        app.get("/readyz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);

    std::fs::rename(&aside, &root).unwrap();
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn metrics_are_served_on_their_own_address_and_count_requests_and_jobs(db: PgPool) {
    let app = TestApp::spawn_with(db, |c| {
        c.metrics_addr = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    })
    .await;
    let metrics = app.metrics.expect("METRICS_ADDR was set");
    assert_ne!(metrics.port(), app.addr.port());
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    assert_eq!(
        app.get("/stories/999999").await.status(),
        StatusCode::NOT_FOUND
    );
    // Never on the public site.
    assert_eq!(app.get("/metrics").await.status(), StatusCode::NOT_FOUND);
    // The fixture's two photos are made at once; a third upload waits in the queue.
    app.story().with_photo_pair().create().await;
    let fields = story_with_then_photo_details();
    let files = [(Field::PhotoThen.name(), "a.jpg", fixture("camera_gray.jpg"))];
    location(&app.post_with_files("/submit", &fields, &files).await);
    let scrape = |app: &TestApp| {
        let url = format!("http://{metrics}/metrics");
        let client = app.client.clone();
        async move {
            let response = client.get(url).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.text().await.unwrap()
        }
    };
    let series = |text: &str, name: &str, labels: &[&str]| {
        text.lines().any(|line| {
            line.starts_with(&format!("{name}{{"))
                && labels.iter().all(|label| line.contains(label))
        })
    };

    let queued = scrape(&app).await;
    assert!(
        queued.contains(r#"job_queue_depth{kind="photo"} 1"#),
        "{queued}"
    );
    assert!(queued.contains(r#"job_queue_depth{kind="recording"} 0"#));
    assert!(queued.contains("job_queue_oldest_seconds{kind=\"photo\"}"));
    assert!(queued.contains("db_pool_max_connections 5"));
    // Routes by pattern, statuses by class.
    let requests = "http_requests_total";
    assert!(series(
        &queued,
        requests,
        &[r#"route="/""#, r#"status="2xx""#]
    ));
    assert!(series(
        &queued,
        requests,
        &[r#"route="/stories/{id}""#, r#"status="4xx""#]
    ));
    assert!(series(
        &queued,
        requests,
        &[r#"route="/submit""#, r#"status="3xx""#]
    ));
    assert!(queued.contains("http_request_duration_seconds_bucket{"));
    let done = [r#"kind="photo""#, r#"outcome="done""#];
    assert!(series(&queued, "jobs_total", &done), "{queued}");

    assert_eq!(app.run_photo_jobs().await, 1);
    let after_jobs = scrape(&app).await;
    assert!(
        after_jobs.contains(r#"job_queue_depth{kind="photo"} 0"#),
        "{after_jobs}"
    );
    assert!(after_jobs.contains("job_duration_seconds_bucket{"));
    assert!(!after_jobs.contains("fixity_last_pass"), "no pass has run");

    // A fixity pass over the two stories' originals, one of them gone.
    let media = app.store();
    let key: String = sqlx::query_scalar("select original_key from photos order by id limit 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    std::fs::remove_file(app.media().original_path(&key)).unwrap();
    let pass =
        server::archive::fixity::run_pass(&app.db, &media, app::domain::FixityTrigger::Command, 0)
            .await
            .unwrap();
    let after_pass = scrape(&app).await;
    let files = format!("fixity_last_pass_files {}", pass.totals.files);
    assert!(after_pass.contains(&files), "{after_pass}");
    assert!(after_pass.contains(r#"fixity_last_pass_problems{kind="missing"} 1"#));
    assert!(after_pass.contains(r#"fixity_last_pass_problems{kind="changed"} 0"#));
    assert!(after_pass.contains("fixity_last_pass_finished_seconds "));
}
