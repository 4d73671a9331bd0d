//! Test support: the real router served on a random local port, against a fresh PostgreSQL
//! database per test (`#[sqlx::test(migrator = "server::db::MIGRATOR")]`).
//!
//! Media go into a temporary folder, or, with `SHINIAN_TEST_MEDIA_STORE=s3`, into a fresh pair
//! of buckets of the test binary's Garage (`garage`), so the same tests check both stores
//! (`./dev.sh test` runs the media, voice, timeline, hostile-input and archive tests both ways).

use app::domain::{Field, LanguageField, WithdrawField};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use server::config::{Config, MediaStoreKind};
use server::startup::{Application, Background};
use sqlx::PgPool;
use std::net::SocketAddr;

pub mod fixtures;
pub mod garage;
pub mod html;
pub mod staff;

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: PgPool,
    pub client: reqwest::Client,
    pub config: Config,
    /// Where `/metrics` is served, when the test set `metrics_addr`.
    pub metrics: Option<SocketAddr>,
    /// The buckets media go into, when the store is Garage (`MEDIA_STORE=s3`).
    pub buckets: Option<garage::Buckets>,
    _media: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn(db: PgPool) -> TestApp {
        TestApp::spawn_with(db, |_| {}).await
    }

    /// Serves the app with default settings changed by `configure`, its media in the store
    /// `SHINIAN_TEST_MEDIA_STORE` names (`file`, the default, or `s3`).
    pub async fn spawn_with(db: PgPool, configure: impl FnOnce(&mut Config)) -> TestApp {
        let buckets = match std::env::var("SHINIAN_TEST_MEDIA_STORE").as_deref() {
            Err(_) | Ok("" | "file") => None,
            Ok("s3") => Some(garage::Garage::shared().buckets()),
            Ok(other) => panic!("SHINIAN_TEST_MEDIA_STORE={other}: file or s3"),
        };
        TestApp::spawn_instance(db, buckets, Background::NONE, configure).await
    }

    /// One instance of the site: its media in `buckets` (else a folder of its own), running
    /// `background` beside HTTP. Instances given one database and one pair of buckets share
    /// everything the site keeps, as several servers would.
    pub async fn spawn_instance(
        db: PgPool,
        buckets: Option<garage::Buckets>,
        background: Background,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let media = tempfile::tempdir().expect("temp media dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let mut config = Config::for_database("postgres://unused");
        config.media_dir = media.path().to_path_buf();
        config.public_url = format!("http://{addr}");
        config.submissions_per_hour_per_ip = 1000;
        if let Some(buckets) = &buckets {
            config.media_store = MediaStoreKind::S3(Box::new(buckets.settings.clone()));
        }
        configure(&mut config);
        let app = Application::on_listener(listener, config.clone(), db.clone(), background)
            .await
            .expect("start-up");
        let metrics = app.metrics_addr();
        tokio::spawn(app.run_until(std::future::pending()));
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("client");
        TestApp {
            addr,
            db,
            client,
            config,
            metrics,
            buckets,
            _media: media,
        }
    }

    /// The media store the app uses, to hand to server functions.
    pub fn store(&self) -> server::media::store::MediaStore {
        server::media::store::MediaStore::from_config(&self.config)
    }

    /// Its folder, to look at the files themselves.
    pub fn media(&self) -> server::media::store::FileStore {
        server::media::store::FileStore::new(&self.config.media_dir)
    }

    /// Every file under the media folder (uploads, originals, derivatives) and, when media go
    /// to Garage, every object in the buckets, as `{bucket}/{key}`.
    pub async fn media_files(&self) -> Vec<std::path::PathBuf> {
        let mut out = self.local_files();
        if let Some(buckets) = &self.buckets {
            for bucket in [&buckets.private, &buckets.public] {
                let keys = buckets.keys(bucket).await;
                out.extend(
                    keys.iter()
                        .map(|key| std::path::Path::new(bucket).join(key)),
                );
            }
        }
        out
    }

    /// Every file under the media folder (with Garage: uploads being received, originals
    /// being read).
    pub fn local_files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.config.media_dir, &mut out);
        out
    }

    /// Runs queued photo jobs in this process until none is due; returns how many ran.
    pub async fn run_photo_jobs(&self) -> usize {
        let store = self.store();
        let mut ran = 0;
        while server::media::jobs::run_one(&self.db, &store)
            .await
            .expect("photo queue")
        {
            ran += 1;
        }
        ran
    }

    /// Posts a multipart form with text fields and files `(field, file name, bytes)`.
    pub async fn post_with_files(
        &self,
        path: &str,
        fields: &[(&str, String)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> Response {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.clone());
        }
        for (name, file_name, bytes) in files {
            let part =
                reqwest::multipart::Part::bytes(bytes.clone()).file_name(file_name.to_string());
            form = form.part(name.to_string(), part);
        }
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("POST")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, String)]) -> Response {
        self.post_form_with(&self.client, path, &[], fields).await
    }

    /// Posts a form as `client` (one signed in, say) with extra request headers, added in order.
    pub async fn post_form_with(
        &self,
        client: &Client,
        path: &str,
        headers: &[(&str, &str)],
        fields: &[(&str, impl AsRef<str>)],
    ) -> Response {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_ref())).collect();
        with_headers(client.post(self.url(path)), headers)
            .form(&fields)
            .send()
            .await
            .expect("POST")
    }

    /// `GET path` as `client`, with extra request headers (`accept-language`, `cookie`, …).
    pub async fn get_with(
        &self,
        client: &Client,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Response {
        with_headers(client.get(self.url(path)), headers)
            .send()
            .await
            .expect("GET")
    }

    /// The body of `GET path`.
    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// Confirms the withdrawal of the story behind a tracking path.
    pub async fn withdraw(&self, track: &str) -> Response {
        self.post_form(
            &format!("{track}/withdraw"),
            &[(WithdrawField::Confirm.name(), "yes".into())],
        )
        .await
    }

    pub async fn post_multipart(&self, path: &str, fields: &[(&str, String)]) -> Response {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.clone());
        }
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("POST")
    }

    /// Submits a story and returns its tracking path (`/track/{token}`).
    pub async fn submit(&self, fields: &[(&str, String)]) -> String {
        let response = self.post_form("/submit", fields).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{}",
            response.text().await.unwrap_or_default()
        );
        location(&response)
    }

    /// Publishes every story that is not public yet, as a moderator's approval would.
    pub async fn approve_all(&self) {
        sqlx::query(
            "update stories set status = $1, published_at = now(), version = version + 1 \
             where status <> $1",
        )
        .bind(app::domain::StoryStatus::Approved)
        .execute(&self.db)
        .await
        .expect("approve every story");
    }

    pub async fn story_count(&self) -> i64 {
        sqlx::query_scalar::<_, i64>("select count(*) from stories")
            .fetch_one(&self.db)
            .await
            .expect("count")
    }
}

fn with_headers(
    mut request: reqwest::RequestBuilder,
    headers: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("Location header")
        .to_owned()
}

/// A story that passes every rule, as form fields. Tests change one field at a time.
pub fn valid_story() -> Vec<(&'static str, String)> {
    vec![
        (Field::Title.name(), "从渡船到过江隧道".into()),
        (Field::Story.name(), "二〇一二年我每天坐渡船过江上班，雾大的早晨船就停航。后来隧道修通了，地铁四分钟就到对岸，渡口改成了小公园。".into()),
        (Field::NarratorName.name(), "老周".into()),
        (Field::RealName.name(), "周建国".into()),
        (Field::Role.name(), "退休轮机员".into()),
        (Field::Place.name(), "临江街道".into()),
        (Field::YearThen.name(), "2012".into()),
        (Field::YearNow.name(), "2022".into()),
        (Field::Themes.name(), "transport".into()),
        (Field::Contact.name(), "13800138000".into()),
        (Field::ConsentPublish.name(), "on".into()),
        (Field::ConsentShowName.name(), "on".into()),
        (Field::Licence.name(), "cc-by-4.0".into()),
        (Field::Website.name(), String::new()),
    ]
}

/// `valid_story()` with one field replaced (or removed when `value` is `None`).
pub fn story_with(field: Field, value: Option<&str>) -> Vec<(&'static str, String)> {
    let mut fields: Vec<_> = valid_story()
        .into_iter()
        .filter(|(n, _)| *n != field.name())
        .collect();
    if let Some(value) = value {
        fields.push((field.name(), value.to_owned()));
    }
    fields
}

/// The language switch's form (`POST /locale`): switch to `lang`, then go to `next`.
pub fn language_form(lang: &str, next: &str) -> Vec<(&'static str, String)> {
    vec![
        (LanguageField::Lang.name(), lang.to_owned()),
        (LanguageField::Next.name(), next.to_owned()),
    ]
}

/// A test photo from `tests/fixtures/photos/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/photos/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Pass-through so tests can name the type without depending on sha2 themselves.
pub fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// A generated audio fixture (`tests/fixtures/audio/generate.sh`, run once per version of the
/// script into a shared temporary folder): `accepted/speech.m4a`, `hostile/bomb.webm`, …
pub fn audio_fixture(name: &str) -> Vec<u8> {
    let path = audio_fixtures().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn audio_fixtures() -> &'static std::path::Path {
    static FOLDER: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FOLDER.get_or_init(|| {
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/audio/generate.sh");
        let digest = sha256(&std::fs::read(&script).expect("read generate.sh"));
        let name: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        let folder = std::env::temp_dir().join(format!("shinian-audio-fixtures-{name}"));
        let status = std::process::Command::new("bash")
            .arg(&script)
            .arg(&folder)
            .status()
            .expect("run generate.sh");
        assert!(
            status.success(),
            "generate.sh failed: install ffmpeg and espeak-ng (./dev.sh test does)"
        );
        folder
    })
}

impl TestApp {
    /// Runs queued recording jobs in this process until none is due; returns how many ran.
    pub async fn run_recording_jobs(&self) -> usize {
        let store = self.store();
        let mut ran = 0;
        while server::media::recordings::jobs::run_one(&self.db, &store)
            .await
            .expect("recording queue")
        {
            ran += 1;
        }
        ran
    }

    /// Submits a story told aloud (no text; the m4a fixture, with or without the voice consent)
    /// and processes its recording: the tracking path and the recording's id.
    pub async fn told_aloud(&self, consent_voice: bool) -> (String, app::domain::RecordingId) {
        let mut fields = story_with(Field::Story, Some(""));
        if consent_voice {
            fields.push((Field::ConsentVoice.name(), "on".into()));
        }
        let files = [(
            Field::Recording.name(),
            "memo.m4a",
            audio_fixture("accepted/speech.m4a"),
        )];
        let response = self.post_with_files("/submit", &fields, &files).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(self.run_recording_jobs().await, 1);
        let recording = sqlx::query_scalar("select max(id) from recordings")
            .fetch_one(&self.db)
            .await
            .expect("the recording");
        (location(&response), app::domain::RecordingId(recording))
    }
}

/// The Python with the test tools from PyPI (Sickle, bagit): `SHINIAN_PYTHON`, else the
/// virtual environment `./dev.sh test` makes, else `python3`.
pub fn python() -> String {
    if let Ok(python) = std::env::var("SHINIAN_PYTHON") {
        return python;
    }
    let cache = std::env::var("XDG_CACHE_HOME")
        .unwrap_or_else(|_| format!("{}/.cache", std::env::var("HOME").unwrap_or_default()));
    let venv = format!("{cache}/shinian/venv/bin/python");
    if std::path::Path::new(&venv).exists() {
        venv
    } else {
        "python3".into()
    }
}

/// Asserts that `bagit.py --validate` (the Library of Congress's validator) accepts the bag.
pub fn valid_bag(bag: &std::path::Path) {
    let output = std::process::Command::new(python())
        .args(["-m", "bagit", "--validate"])
        .arg(bag)
        .output()
        .expect("run python -m bagit: ./dev.sh test installs it (pip install bagit==1.9.0)");
    assert!(
        output.status.success(),
        "bagit --validate {}: {}{}",
        bag.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The URL of a test's database (the server of `DATABASE_URL`, the database `sqlx::test`
/// made), for a `server` process to use.
pub async fn database_url(db: &PgPool) -> String {
    let name: String = sqlx::query_scalar("select current_database()")
        .fetch_one(db)
        .await
        .expect("database name");
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let server = base
        .rsplit_once('/')
        .map_or(base.as_str(), |(server, _)| server);
    format!("{server}/{name}")
}

/// The `server` binary of this build, beside the test binaries (`cargo test --workspace`
/// builds it for the server's own tests; `cargo build -p server` does too), or
/// `SHINIAN_SERVER_BIN`. Refused when a source it is built from (server, app, migrations) was
/// changed after it: a stale binary would test old code.
pub fn server_binary() -> std::path::PathBuf {
    if let Ok(path) = std::env::var("SHINIAN_SERVER_BIN") {
        return path.into();
    }
    let exe = std::env::current_exe().expect("the test binary");
    let deps = exe.parent().expect("target/<profile>/deps");
    let binary = deps.parent().expect("target/<profile>").join("server");
    let built = std::fs::metadata(&binary)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; build it first (cargo build -p server)",
                binary.display()
            )
        });
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace");
    let newest_source = ["server/src", "app/src", "migrations"]
        .iter()
        .filter_map(|folder| newest_file(&root.join(folder)))
        .max();
    if let Some(source) = newest_source {
        assert!(
            source <= built,
            "{} is older than its sources: rebuild it (cargo build -p server)",
            binary.display()
        );
    }
    binary
}

/// When the most recently changed file under `folder` was changed.
fn newest_file(folder: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::read_dir(folder)
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let kind = entry.file_type().ok()?;
            if kind.is_dir() {
                newest_file(&entry.path())
            } else {
                entry.metadata().and_then(|m| m.modified()).ok()
            }
        })
        .max()
}
