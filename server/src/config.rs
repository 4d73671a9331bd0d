//! Every setting comes from the environment and has a default, so `server` runs from the
//! repository root with nothing set. The README lists them all.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/shinian`.
    pub database_url: String,
    /// `DATABASE_MAX_CONNECTIONS`, default 10.
    pub database_max_connections: u32,
    /// `BIND_ADDR`, default `127.0.0.1:3000`.
    pub bind_addr: SocketAddr,
    /// `MEDIA_DIR`, default `./data/media`: originals (private) and derivatives; with
    /// `MEDIA_STORE=s3` only uploads being received and files the workers are reading (`tmp/`).
    pub media_dir: PathBuf,
    /// `MEDIA_STORE`, default `file` (everything under `MEDIA_DIR`); `s3`: originals and
    /// derivatives in two buckets of an S3-compatible service (`S3_*`).
    pub media_store: MediaStoreKind,
    /// `PUBLIC_URL`, default `http://{BIND_ADDR}`: the address people use, for absolute links
    /// and the same-origin check of forms (scheme, host and port must match what browsers send).
    pub public_url: String,
    /// `SITE_ROOT`, default `target/site`: what `cargo leptos build` produced (WASM, CSS, assets).
    pub site_root: PathBuf,
    /// `SUBMISSIONS_PER_HOUR_PER_IP`, default 10: accepted stories per hour from one address.
    pub submissions_per_hour_per_ip: u32,
    /// `TRUST_PROXY`, default false: take the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `DISPLAY_UTC_OFFSET_HOURS`, default 8 (China Standard Time): dates shown to people.
    pub display_utc_offset_hours: i8,
    /// `WORKER_CONCURRENCY`, default one less than the number of cores (at least 1): photos
    /// processed at once, leaving a core for answering requests.
    pub worker_concurrency: usize,
    /// `REQUIRE_PHOTO_PAIR`, default false: a story must have a then and a now photo.
    pub require_photo_pair: bool,
    /// `PHOTO_RETENTION_DAYS`, default 30: photos of rejected stories are deleted after this.
    pub photo_retention_days: i32,
    /// `HEADER_READ_TIMEOUT_SECS`, default 10: a request's line and headers must arrive within
    /// this, or the connection is closed.
    pub header_read_timeout_secs: u64,
    /// `BODY_IDLE_TIMEOUT_SECS`, default 20: a request body must advance by at least
    /// `body_min_bytes` in every such period (so also: no byte for this long), else 408 and close.
    pub body_idle_timeout_secs: u64,
    /// `BODY_MIN_BYTES`, default 4096: the progress a body must make per idle period (0.2 KB/s
    /// at the defaults; a phone uploading at 50 KB/s sends 1 MB per period).
    pub body_min_bytes: u64,
    /// `DATABASE_STATEMENT_TIMEOUT_MS`, default 5000: the longest query of the serving pool
    /// (not of migrations and command-line tasks).
    pub database_statement_timeout_ms: u64,
    /// `SEARCH_TIMEOUT_MS`, default 1500: the longest timeline search query.
    pub search_timeout_ms: u64,
    /// `PASSWORD_HASH_CONCURRENCY`, default 2 (1 on one core): password hashes computed at
    /// once; each holds one reused 19 MiB block, so hashing never holds more than N × 19 MiB
    /// (the default keeps a sign-in flood under 64 MB; staff sign-ins are few).
    pub password_hash_concurrency: usize,
    /// `SESSION_ABSOLUTE_HOURS`, default 12: a staff session ends this long after its sign-in,
    /// however active (besides ending after 2 hours unused).
    pub session_absolute_lifetime: Duration,
    /// `PAGE_CACHE_MB`, default 16: memory for rendered public pages; 0 renders every page
    /// afresh (for measuring uncached pages; sitemap parts are still cached).
    pub page_cache_mb: u64,
    /// `WORKER_NICE`, default 10: the nice value (0–19, higher yields more) of the threads
    /// that make photos, so request serving goes first when cores are short.
    pub worker_nice: i32,
    /// `SEARCH_MAX_CANDIDATES`, default 1000: the most stories one timeline search examines
    /// (those holding every character pair of its words, newest first); past it the page asks
    /// for another word or a filter.
    pub search_max_candidates: u32,
    /// `UPLOAD_CONCURRENCY`, default half the cores (at least 1): forms with photos whose
    /// bodies are read at the same time; more wait their turn, their bytes held back by TCP.
    pub upload_concurrency: usize,
    /// `UPLOAD_WAIT_SECS`, default 60: how long an upload waits for its turn before it is
    /// answered 503 "busy, try again" (nothing kept).
    pub upload_wait_secs: u64,
    /// `OAI_ADMIN_EMAIL`: the address OAI-PMH's Identify names for harvesters' operators (the
    /// protocol requires one). Empty when unset: `webmaster@{host of PUBLIC_URL}` is named then.
    pub oai_admin_email: String,
    /// `METRICS_ADDR`: where Prometheus metrics are served (`/metrics`), on a listener of their
    /// own; `None` (unset): no metrics at all.
    pub metrics_addr: Option<SocketAddr>,
    /// `OPEN_DATA_INTERVAL_HOURS`, default 24: the maintenance loop makes a new open-data
    /// export (`/data`) at most this often, and only after a public change; 0: only when an
    /// admin asks.
    pub open_data_interval_hours: u32,
    /// `FIXITY_INTERVAL_HOURS`, default 24: how often the maintenance loop checks every
    /// original's SHA-256 (one instance at a time); 0: never (`server fixity-check` still does).
    pub fixity_interval_hours: u32,
    /// `FIXITY_MAX_BYTES_PER_SEC`, default 20,000,000: the most bytes a fixity pass reads per
    /// second, so it leaves the disk to requests; 0: no limit.
    pub fixity_max_bytes_per_sec: u64,
    /// `BAG_SOURCE_ORGANIZATION`: the `Source-Organization` of exported bags. Empty when
    /// unset: the site's name is used then.
    pub bag_source_organization: String,
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[derive(Debug, thiserror::Error)]
#[error("environment variable {name} has an invalid value {value:?}: {reason}")]
pub struct ConfigError {
    name: &'static str,
    value: String,
    reason: String,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let bind_addr = parsed("BIND_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?;
        Ok(Config {
            database_url: text("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shinian"),
            database_max_connections: parsed("DATABASE_MAX_CONNECTIONS", 10)?,
            bind_addr,
            media_dir: PathBuf::from(text("MEDIA_DIR", "./data/media")),
            media_store: media_store()?,
            public_url: text("PUBLIC_URL", &format!("http://{bind_addr}"))
                .trim_end_matches('/')
                .to_owned(),
            site_root: PathBuf::from(text("SITE_ROOT", "target/site")),
            submissions_per_hour_per_ip: parsed("SUBMISSIONS_PER_HOUR_PER_IP", 10)?,
            trust_proxy: flag("TRUST_PROXY")?,
            display_utc_offset_hours: parsed("DISPLAY_UTC_OFFSET_HOURS", 8)?,
            worker_concurrency: parsed("WORKER_CONCURRENCY", cores().saturating_sub(1).max(1))?,
            require_photo_pair: flag("REQUIRE_PHOTO_PAIR")?,
            photo_retention_days: parsed("PHOTO_RETENTION_DAYS", 30)?,
            header_read_timeout_secs: parsed("HEADER_READ_TIMEOUT_SECS", 10)?,
            body_idle_timeout_secs: parsed("BODY_IDLE_TIMEOUT_SECS", 20)?,
            body_min_bytes: parsed("BODY_MIN_BYTES", 4096)?,
            database_statement_timeout_ms: parsed("DATABASE_STATEMENT_TIMEOUT_MS", 5000)?,
            search_timeout_ms: parsed("SEARCH_TIMEOUT_MS", 1500)?,
            password_hash_concurrency: parsed("PASSWORD_HASH_CONCURRENCY", cores().min(2))?,
            session_absolute_lifetime: hours(parsed("SESSION_ABSOLUTE_HOURS", 12)?),
            page_cache_mb: parsed("PAGE_CACHE_MB", 16)?,
            worker_nice: parsed("WORKER_NICE", 10)?,
            search_max_candidates: parsed("SEARCH_MAX_CANDIDATES", 1000)?,
            upload_concurrency: parsed("UPLOAD_CONCURRENCY", (cores() / 2).max(1))?,
            upload_wait_secs: parsed("UPLOAD_WAIT_SECS", 60)?,
            oai_admin_email: std::env::var("OAI_ADMIN_EMAIL")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| v.trim().to_owned())
                .unwrap_or_default(),
            metrics_addr: optional("METRICS_ADDR")?,
            fixity_interval_hours: parsed("FIXITY_INTERVAL_HOURS", 24)?,
            open_data_interval_hours: parsed("OPEN_DATA_INTERVAL_HOURS", 24)?,
            fixity_max_bytes_per_sec: parsed("FIXITY_MAX_BYTES_PER_SEC", 20_000_000)?,
            bag_source_organization: text("BAG_SOURCE_ORGANIZATION", ""),
        })
    }

    /// Settings for tests and tools: everything default except the database.
    pub fn for_database(database_url: &str) -> Config {
        Config {
            database_url: database_url.to_owned(),
            database_max_connections: 5,
            bind_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            media_dir: PathBuf::from("./data/media"),
            media_store: MediaStoreKind::File,
            public_url: "http://127.0.0.1:3000".to_owned(),
            site_root: PathBuf::from("target/site"),
            submissions_per_hour_per_ip: 10,
            trust_proxy: false,
            display_utc_offset_hours: 8,
            worker_concurrency: 1,
            require_photo_pair: false,
            photo_retention_days: 30,
            header_read_timeout_secs: 10,
            body_idle_timeout_secs: 20,
            body_min_bytes: 4096,
            database_statement_timeout_ms: 5000,
            search_timeout_ms: 1500,
            password_hash_concurrency: cores().min(2),
            session_absolute_lifetime: hours(12),
            page_cache_mb: 16,
            worker_nice: 10,
            search_max_candidates: 1000,
            upload_concurrency: 2,
            upload_wait_secs: 60,
            oai_admin_email: String::new(),
            metrics_addr: None,
            fixity_interval_hours: 24,
            open_data_interval_hours: 24,
            fixity_max_bytes_per_sec: 20_000_000,
            bag_source_organization: String::new(),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Where originals and derivatives are kept.
#[derive(Debug, Clone)]
pub enum MediaStoreKind {
    /// Under `MEDIA_DIR`.
    File,
    /// In two buckets of an S3-compatible service.
    S3(Box<S3Settings>),
}

/// `S3_ENDPOINT` (e.g. `http://127.0.0.1:3900`, path-style addressing), `S3_REGION` (default
/// `garage`), `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY` or `S3_SECRET_ACCESS_KEY_FILE`,
/// `S3_PRIVATE_BUCKET` (originals: never served) and `S3_PUBLIC_BUCKET` (derivatives and
/// access copies). Two buckets because Garage has no per-object ACLs or bucket policies.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub private: rusty_s3::Bucket,
    pub public: rusty_s3::Bucket,
    /// Its `Debug` shows the key id, never the secret.
    pub credentials: rusty_s3::Credentials,
}

impl S3Settings {
    pub fn new(
        endpoint: &str,
        region: &str,
        access_key_id: &str,
        secret_access_key: &str,
        private_bucket: &str,
        public_bucket: &str,
    ) -> Result<S3Settings, String> {
        let endpoint: reqwest::Url = endpoint.parse().map_err(|e| format!("{e}"))?;
        let bucket = |name: &str| {
            rusty_s3::Bucket::new(
                endpoint.clone(),
                rusty_s3::UrlStyle::Path,
                name.to_owned(),
                region.to_owned(),
            )
            .map_err(|e| format!("{e}"))
        };
        if private_bucket == public_bucket {
            return Err("the private and the public bucket must differ".into());
        }
        Ok(S3Settings {
            private: bucket(private_bucket)?,
            public: bucket(public_bucket)?,
            credentials: rusty_s3::Credentials::new(access_key_id, secret_access_key),
        })
    }
}

fn media_store() -> Result<MediaStoreKind, ConfigError> {
    let value = text("MEDIA_STORE", "file");
    match value.trim() {
        "file" => Ok(MediaStoreKind::File),
        "s3" => s3_settings().map(|s| MediaStoreKind::S3(Box::new(s))),
        _ => Err(ConfigError {
            name: "MEDIA_STORE",
            value,
            reason: "expected file or s3".into(),
        }),
    }
}

/// The `S3_*` settings (`MEDIA_STORE=s3`, and `server media migrate` whatever `MEDIA_STORE`).
pub fn s3_settings() -> Result<S3Settings, ConfigError> {
    let endpoint = required("S3_ENDPOINT")?;
    let secret = match std::env::var("S3_SECRET_ACCESS_KEY_FILE") {
        Ok(path) if !path.trim().is_empty() => std::fs::read_to_string(path.trim())
            .map(|s| s.trim().to_owned())
            .map_err(|e| ConfigError {
                name: "S3_SECRET_ACCESS_KEY_FILE",
                value: path,
                reason: e.to_string(),
            })?,
        _ => required("S3_SECRET_ACCESS_KEY")?,
    };
    S3Settings::new(
        &endpoint,
        &text("S3_REGION", "garage"),
        &required("S3_ACCESS_KEY_ID")?,
        &secret,
        &required("S3_PRIVATE_BUCKET")?,
        &required("S3_PUBLIC_BUCKET")?,
    )
    .map_err(|reason| ConfigError {
        name: "S3_ENDPOINT",
        value: endpoint,
        reason,
    })
}

/// A setting `MEDIA_STORE=s3` cannot do without.
fn required(name: &'static str) -> Result<String, ConfigError> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ConfigError {
            name,
            value: String::new(),
            reason: "required when MEDIA_STORE=s3".into(),
        })
}

fn hours(hours: u64) -> Duration {
    Duration::from_secs(hours.saturating_mul(3600))
}

fn text(name: &'static str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

fn parsed<T: FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => {
            value.trim().parse().map_err(|e: T::Err| ConfigError {
                name,
                value,
                reason: e.to_string(),
            })
        }
        _ => Ok(default),
    }
}

/// A setting without a default: `None` unless given.
fn optional<T: FromStr>(name: &'static str) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => {
            value
                .trim()
                .parse()
                .map(Some)
                .map_err(|e: T::Err| ConfigError {
                    name,
                    value,
                    reason: e.to_string(),
                })
        }
        _ => Ok(None),
    }
}

fn flag(name: &'static str) -> Result<bool, ConfigError> {
    let value = text(name, "false");
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError {
            name,
            value,
            reason: "expected true or false".into(),
        }),
    }
}
