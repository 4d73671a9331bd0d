//! `server fixity-check` as operators run it: the real binary against a real database and
//! media folder (the demo content, loaded by `server seed-demo`). Exit status 0 when every
//! original is intact, non-zero with the problem listed when one is missing or changed.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The test database's URL: the server of `DATABASE_URL`, the database `sqlx::test` made.
async fn url_of(db: &PgPool) -> String {
    let name: String = sqlx::query_scalar("select current_database()")
        .fetch_one(db)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").unwrap();
    let server = base
        .rsplit_once('/')
        .map_or(base.as_str(), |(server, _)| server);
    format!("{server}/{name}")
}

fn server(url: &str, media: &Path, command: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .arg(command)
        .env("DATABASE_URL", url)
        .env("MEDIA_DIR", media)
        .env("FIXITY_MAX_BYTES_PER_SEC", "0")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn fixity_check_exits_non_zero_when_an_original_is_missing_or_changed(db: PgPool) {
    let url = url_of(&db).await;
    let media = Folder(std::env::temp_dir().join(format!(
        "shinian-fixity-cli-{}",
        url.rsplit('/').next().unwrap()
    )));
    let seeded = server(&url, &media.0, "seed-demo");
    assert!(seeded.status.success(), "{seeded:?}");

    let clean = server(&url, &media.0, "fixity-check");
    let said = String::from_utf8_lossy(&clean.stdout);
    assert!(clean.status.success(), "{clean:?}");
    assert!(said.contains("0 missing, 0 changed"), "{said}");

    let keys: Vec<String> = sqlx::query_scalar("select original_key from photos order by id")
        .fetch_all(&db)
        .await
        .unwrap();
    let original = |key: &str| media.0.join("originals").join(key);
    std::fs::remove_file(original(&keys[0])).unwrap();
    let missing = server(&url, &media.0, "fixity-check");
    let said = String::from_utf8_lossy(&missing.stdout);
    assert!(!missing.status.success(), "{missing:?}");
    assert!(
        said.contains("missing\tphoto") && said.contains(&keys[0]),
        "{said}"
    );

    let mut bytes = std::fs::read(original(&keys[1])).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(original(&keys[1]), bytes).unwrap();
    let changed = server(&url, &media.0, "fixity-check");
    let said = String::from_utf8_lossy(&changed.stdout);
    assert_eq!(changed.status.code(), Some(1), "{changed:?}");
    assert!(
        said.contains("1 missing, 1 changed") && said.contains(&keys[1]),
        "{said}"
    );
    let runs: i64 =
        sqlx::query_scalar("select count(*) from fixity_runs where finished_at is not null")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(runs, 3, "every run is recorded");
}
