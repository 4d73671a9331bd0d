//! Several instances of the site on one PostgreSQL and one pair of Garage buckets, as behind a
//! load balancer (issue 16; `garage` must be installed: `./dev.sh test` does). Each instance
//! has its own pool, page cache, listener and media folder; they share only the database and
//! the buckets.
//!
//! - A story with a photo pair and a recording sent through instance A is processed exactly
//!   once by whichever worker takes each job (both instances run workers), approved by a
//!   moderator signed in on B, on A's cached timeline at once, its media served by both;
//!   withdrawn through B, its objects leave both buckets and A answers 404.
//! - The sweep, run on both instances at once, leaves an upload in flight alone: the request
//!   receiving it on A and an original stored but not yet committed.
//! - A `server worker` process alone processes the queue while both instances only serve.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{Field, PhotoPart, PhotoSlot, StoryId};
use futures::StreamExt as _;
use reqwest::StatusCode;
use server::startup::Background;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::{Duration, Instant};
use tests::garage::{Buckets, Garage};
use tests::staff::{create_account, decide};
use tests::{TestApp, audio_fixture, database_url, fixture, location, server_binary, valid_story};

const WORKERS: Background = Background {
    maintenance: false,
    photo_workers: true,
};

/// Instances A and B on `db`'s database (each with a pool of its own) and on `buckets`.
async fn two_instances(db: &PgPool, buckets: &Buckets, background: Background) -> [TestApp; 2] {
    let mut instances = vec![];
    for _ in 0..2 {
        let own_pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with((*db.connect_options()).clone())
            .await
            .unwrap();
        let instance = TestApp::spawn_instance(own_pool, Some(buckets.clone()), background, |c| {
            c.worker_concurrency = 2;
        })
        .await;
        instances.push(instance);
    }
    instances.try_into().ok().unwrap()
}

/// `valid_story()` titled `title`, with a description for a photo in each of `slots`, and
/// the consent to hear the narrator's voice.
fn story_fields(title: &str, slots: &[PhotoSlot]) -> Vec<(&'static str, String)> {
    let mut fields: Vec<_> = valid_story()
        .into_iter()
        .filter(|(name, _)| *name != Field::Title.name())
        .collect();
    fields.push((Field::Title.name(), title.to_owned()));
    fields.push((Field::ConsentVoice.name(), "on".into()));
    for slot in slots {
        fields.push((slot.part(PhotoPart::Alt).name(), "江边的路口".into()));
        for part in [PhotoPart::Year, PhotoPart::Caption, PhotoPart::Credit] {
            fields.push((slot.part(part).name(), String::new()));
        }
    }
    fields
}

fn pair_and_voice_files() -> [(&'static str, &'static str, Vec<u8>); 3] {
    [
        (
            Field::PhotoThen.name(),
            "then.jpg",
            fixture("camera_gray.jpg"),
        ),
        (Field::PhotoNow.name(), "now.png", fixture("logo_alpha.png")),
        (
            Field::Recording.name(),
            "memo.m4a",
            audio_fixture("accepted/speech.m4a"),
        ),
    ]
}

/// Submits a story with a photo pair and a recording through `instance`: its tracking path.
async fn submit_pair_and_voice(instance: &TestApp, title: &str) -> String {
    let response = instance
        .post_with_files(
            "/submit",
            &story_fields(title, &PhotoSlot::BOTH),
            &pair_and_voice_files(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response)
}

/// Counts every time a worker takes a photo or recording job (a new lease), per job.
async fn count_claims(db: &PgPool) {
    for statement in [
        "create table test_claims (queue text not null, job bigint not null)",
        "create function test_claim() returns trigger language plpgsql as $$
         begin
           if new.lease_id is not null and new.lease_id is distinct from old.lease_id then
             insert into test_claims values (tg_table_name, new.id);
           end if;
           return new;
         end $$",
        "create trigger test_claim after update on photo_jobs
         for each row execute function test_claim()",
        "create trigger test_claim after update on recording_jobs
         for each row execute function test_claim()",
    ] {
        sqlx::query(statement).execute(db).await.unwrap();
    }
}

/// How many jobs were taken, and how many of them more than once.
async fn claims(db: &PgPool) -> (i64, i64) {
    sqlx::query_as(
        "select count(*), count(*) filter (where taken > 1)
         from (select count(*) as taken from test_claims group by queue, job) jobs",
    )
    .fetch_one(db)
    .await
    .unwrap()
}

/// Waits until every photo and recording is ready (at most a minute).
async fn all_processed(db: &PgPool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "select (select count(*) from photos where state <> 'ready')
                  + (select count(*) from recordings where state <> 'ready')",
        )
        .fetch_one(db)
        .await
        .unwrap();
        if waiting == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "{waiting} still not ready");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The app's URLs of a story's photo derivatives and access copy.
async fn media_urls(instance: &TestApp, story: StoryId) -> Vec<String> {
    let keys: Vec<(String, bool)> = sqlx::query_as(
        "select public_key, false from photos where story_id = $1
         union all select public_key, true from recordings where story_id = $1",
    )
    .bind(story.0)
    .fetch_all(&instance.db)
    .await
    .unwrap();
    let store = instance.store();
    let mut urls = vec![];
    for (public_key, voice) in keys {
        if voice {
            urls.push(format!("/media/voice/{public_key}.mp3"));
            continue;
        }
        for name in store.derivative_names(&public_key).await.unwrap() {
            urls.push(format!("/media/{public_key}/{}", name.file_name()));
        }
    }
    urls
}

/// Whether `/` on `instance` shows `title`, within two seconds of a change.
async fn home_turns(instance: &TestApp, title: &str, shown: bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if instance.get_text("/").await.contains(title) == shown {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Requests `/` until A's page cache listens and holds it.
async fn warm_home(instance: &TestApp) {
    for _ in 0..25 {
        let _ = instance.get_text("/").await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_story_goes_through_two_instances_on_one_set_of_buckets(db: PgPool) {
    let buckets = Garage::shared().buckets();
    count_claims(&db).await;
    let [a, b] = two_instances(&db, &buckets, WORKERS).await;

    let track = submit_pair_and_voice(&a, "两台服务器之间的故事").await;
    all_processed(&db).await;
    assert_eq!(claims(&db).await, (3, 0), "three jobs, each taken once");
    let story = a.last_story().await;

    warm_home(&a).await;
    assert!(!a.get_text("/").await.contains("两台服务器之间的故事"));
    create_account(
        &db,
        "mod@example.org",
        "审核员甲",
        app::domain::AccountRole::Moderator,
    )
    .await;
    let moderator = b.login_as("mod@example.org").await;
    let approved = decide(&b, &moderator, story, 1, "approve", "").await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert!(
        home_turns(&a, "两台服务器之间的故事", true).await,
        "the approval on B reached A's cached timeline"
    );

    let urls = media_urls(&a, story).await;
    assert!(urls.len() >= 5, "two photos' sizes and a voice: {urls:?}");
    for url in &urls {
        let from_a = a.get(url).await;
        let from_b = b.get(url).await;
        assert_eq!(from_a.status(), StatusCode::OK, "A: {url}");
        assert_eq!(from_b.status(), StatusCode::OK, "B: {url}");
        assert_eq!(from_a.bytes().await.unwrap(), from_b.bytes().await.unwrap());
    }

    assert_eq!(b.withdraw(&track).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(buckets.keys(&buckets.private).await, Vec::<String>::new());
    assert_eq!(buckets.keys(&buckets.public).await, Vec::<String>::new());
    for url in &urls {
        assert_eq!(a.get(url).await.status(), StatusCode::NOT_FOUND, "{url}");
    }
    let page = a.get(&format!("/stories/{story}")).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(
        home_turns(&a, "两台服务器之间的故事", false).await,
        "the withdrawal on B reached A's cached timeline"
    );
}

/// A multipart body whose file arrives in two halves, the second once `go` fires.
fn paused_upload(go: tokio::sync::oneshot::Receiver<()>) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in story_fields("一边上传一边清理", &[PhotoSlot::Then]) {
        form = form.text(name, value);
    }
    let mut photo = fixture("camera_gray.jpg");
    photo.resize(3 * 1024 * 1024, 0);
    let second = photo.split_off(photo.len() / 2);
    let first = photo;
    let halves = futures::stream::once(async move { Ok::<_, std::io::Error>(first) }).chain(
        futures::stream::once(async move {
            go.await.ok();
            Ok(second)
        }),
    );
    let part =
        reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(halves)).file_name("slow.jpg");
    form.part(Field::PhotoThen.name(), part)
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_sweep_on_both_instances_leaves_uploads_in_flight_alone(db: PgPool) {
    let buckets = Garage::shared().buckets();
    let [a, b] = two_instances(&db, &buckets, Background::NONE).await;

    // A request still receiving its photo on A.
    let (go, wait) = tokio::sync::oneshot::channel();
    let form = paused_upload(wait);
    let request = a.client.post(a.url("/submit")).multipart(form).send();
    let request = tokio::spawn(request);
    let deadline = Instant::now() + Duration::from_secs(10);
    while a.local_files().is_empty() {
        assert!(Instant::now() < deadline, "the upload never reached A");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // An original stored by A whose row is not committed yet.
    let store = a.store();
    let mut spool = store.spool().await.unwrap();
    spool.write(&fixture("camera_gray.jpg")).await.unwrap();
    let stored = store.keep_original(spool.finish().await.unwrap()).await;
    let before = (a.local_files(), buckets.keys(&buckets.private).await);
    assert_eq!(before.1.len(), 1);

    let sweep = |instance: &TestApp| {
        let (db, store) = (instance.db.clone(), instance.store());
        async move {
            server::media::sweep::run(&db, &store, 30, server::media::sweep::MIN_AGE)
                .await
                .unwrap()
        }
    };
    let (on_a, on_b) = tokio::join!(sweep(&a), sweep(&b));
    assert_eq!((on_a.files, on_b.files), (0, 0), "{on_a:?} {on_b:?}");
    assert_eq!(
        (a.local_files(), buckets.keys(&buckets.private).await),
        before
    );
    drop(stored);

    go.send(()).unwrap();
    let response = request.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.run_photo_jobs().await, 1, "B's worker reads A's upload");
    let ready: String = sqlx::query_scalar("select state::text from photos")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(ready, "ready");
}

/// Kills the process when the test ends, however it ends.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_worker_process_alone_processes_what_both_instances_queue(db: PgPool) {
    let buckets = Garage::shared().buckets();
    count_claims(&db).await;
    let [a, b] = two_instances(&db, &buckets, Background::NONE).await;
    submit_pair_and_voice(&a, "甲服务器收到的故事").await;
    submit_pair_and_voice(&b, "乙服务器收到的故事").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let waiting: i64 = sqlx::query_scalar("select count(*) from photos where state = 'processing'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(waiting, 4, "the instances process nothing themselves");

    let media = tempfile::tempdir().unwrap();
    let _worker = Killed(
        std::process::Command::new(server_binary())
            .arg("worker")
            .env("DATABASE_URL", database_url(&db).await)
            .env("MEDIA_DIR", media.path())
            .env("WORKER_CONCURRENCY", "2")
            .env("RUST_LOG", "warn")
            .envs(buckets.env())
            .spawn()
            .unwrap(),
    );
    all_processed(&db).await;
    assert_eq!(claims(&db).await, (6, 0), "six jobs, each taken once");
    a.approve_all().await;
    let stories: Vec<i64> = sqlx::query_scalar("select id from stories")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(stories.len(), 2);
    for story in stories.into_iter().map(StoryId) {
        for url in media_urls(&a, story).await {
            assert_eq!(a.get(&url).await.status(), StatusCode::OK, "A: {url}");
            assert_eq!(b.get(&url).await.status(), StatusCode::OK, "B: {url}");
        }
    }
}
