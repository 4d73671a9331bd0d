use clap::{Parser, Subcommand};
use server::config::Config;
use server::startup::{Application, Background};
use server::{db, demo};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Shinian: community oral histories, then and now. With no command, serves the site.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site on BIND_ADDR (the default).
    Serve,
    /// Run only the photo workers and media deletions, no HTTP (WORKER_CONCURRENCY of them,
    /// at least one), until stopped; the web instances then run with WORKER_CONCURRENCY=0.
    Worker,
    /// Run database migrations and exit.
    Migrate,
    /// Load the demo stories and their photos, unless the database already holds a story. The
    /// photos' originals go to MEDIA_DIR; the site's photo workers make their sizes.
    SeedDemo,
    /// Create an admin account (or make an existing one admin with a new password). The
    /// password comes from ADMIN_PASSWORD, or is asked for; it is never an argument.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// The name other moderators see; defaults to the part of the email before @.
        #[arg(long)]
        name: Option<String>,
    },
    /// Read every original (photos, recordings) again and compare its SHA-256 with the stored
    /// one, at most FIXITY_MAX_BYTES_PER_SEC (0: no limit). Lists missing and changed files;
    /// exits non-zero if there is any. Waits while a scheduled pass runs.
    FixityCheck,
    /// Write the collection as a BagIt bag into an empty or new folder, or into one new .tar
    /// file when --out ends in .tar (a serialized bag: much faster for large collections;
    /// docs/archive.md): the
    /// public bag (approved stories, what the public pages show), with --open only those under
    /// a CC licence (what /data offers), or with --full everything needed to restore the site,
    /// personal data included.
    Export {
        #[arg(long)]
        out: std::path::PathBuf,
        /// Every story, private fields, originals, accounts and the audit log.
        #[arg(long, conflicts_with = "open")]
        full: bool,
        /// Only the approved stories under a CC licence (the open-data export of /data).
        #[arg(long)]
        open: bool,
        /// With --full: include the accounts' password hashes (else staff set new passwords
        /// after a restore).
        #[arg(long, requires = "full")]
        with_password_hashes: bool,
    },
    /// Restore a full bag (`export --full`) into this empty database and empty MEDIA_DIR
    /// (docs/archive.md, "Restoring a full bag"). Checks the whole bag first; writes nothing
    /// when it does not validate or the target is not empty. Run it while no server runs.
    Import {
        /// The bag's folder.
        dir: std::path::PathBuf,
    },
    /// Media store maintenance.
    Media {
        #[command(subcommand)]
        command: MediaCommand,
    },
    /// Load N synthetic approved stories, for benchmarks (docs/performance.md).
    Generate {
        #[arg(long)]
        stories: u64,
    },
}

#[derive(Subcommand)]
enum MediaCommand {
    /// Copy every original, derivative and access copy the database names from the other
    /// store into this one (file: MEDIA_DIR; s3: the S3_* settings), each read back and checked
    /// by its SHA-256. Run it while no server or worker runs; run it again to resume. Nothing
    /// is removed from the source. Then set MEDIA_STORE (README, "Media in object storage").
    Migrate {
        #[arg(long, value_enum)]
        to: StoreKind,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum StoreKind {
    File,
    S3,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    // Migrations and tasks run without the serving pool's statement timeout.
    let pool = db::connect_for_tasks(&config).await?;
    db::MIGRATOR.run(&pool).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            pool.close().await;
            let pool = db::connect(&config).await?;
            let app = Application::build(config, pool, Background::ALL).await?;
            tracing::info!("serving on http://{}", app.local_addr()?);
            app.run_until(shutdown_signal()).await;
            Ok(())
        }
        Command::Worker => {
            if let Some(addr) = config.metrics_addr {
                server::telemetry::serve(addr, pool.clone()).await?;
            }
            let count = server::media::worker::start(&config, pool).await?;
            tracing::info!("{count} photo workers running; no HTTP");
            shutdown_signal().await;
            Ok(())
        }
        Command::Migrate => Ok(()),
        Command::SeedDemo => seed_demo(&config, &pool).await,
        Command::CreateAdmin { email, name } => {
            server::accounts::cli::create_admin(&pool, &email, name.as_deref()).await
        }
        Command::FixityCheck => fixity_check(&config, &pool).await,
        Command::Export {
            out,
            full,
            open,
            with_password_hashes,
        } => {
            use server::archive::bag::Kind;
            let kind = match (full, open) {
                (true, _) => Kind::Full {
                    with_password_hashes,
                },
                (false, true) => Kind::Open,
                (false, false) => Kind::Public,
            };
            server::archive::bag::export(&pool, &config, &out, kind).await?;
            Ok(())
        }
        Command::Import { dir } => {
            let media = server::media::store::MediaStore::from_config(&config);
            media.prepare().await?;
            server::archive::restore::import(&pool, &media, &dir).await?;
            Ok(())
        }
        Command::Media {
            command: MediaCommand::Migrate { to },
        } => migrate_media(&config, &pool, to).await,
        Command::Generate { stories } => {
            let started = std::time::Instant::now();
            let count = server::generate::generate(&pool, stories).await?;
            tracing::info!(
                "generated {count} approved stories in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

async fn seed_demo(config: &Config, pool: &sqlx::PgPool) -> Result<(), Box<dyn std::error::Error>> {
    let files = server::media::store::MediaStore::from_config(config);
    files.prepare().await?;
    let latest_year = server::web::time::latest_allowed_year();
    match demo::seed(pool, &files, latest_year).await? {
        demo::Seeded::Inserted {
            stories,
            photos,
            recordings,
        } => tracing::info!(
            "loaded {stories} demo stories with {photos} photos and {recordings} recording(s) into {}; the site's workers make their sizes and access copy",
            config.media_dir.display()
        ),
        demo::Seeded::AlreadyHadStories => {
            tracing::info!("stories already exist; demo content not loaded")
        }
    }
    Ok(())
}

async fn fixity_check(
    config: &Config,
    pool: &sqlx::PgPool,
) -> Result<(), Box<dyn std::error::Error>> {
    let media = server::media::store::MediaStore::from_config(config);
    let rate = config.fixity_max_bytes_per_sec;
    let report = server::archive::fixity::schedule::run_now(pool, &media, rate).await?;
    for problem in &report.problems {
        println!(
            "{}\t{} {}\tstory {}\toriginals/{}",
            problem.kind, problem.object, problem.object_id, problem.story, problem.original_key
        );
    }
    let totals = report.totals;
    println!(
        "fixity run {}: {} originals, {} bytes checked; {} missing, {} changed",
        report.run, totals.files, totals.bytes, totals.missing, totals.changed
    );
    if report.is_clean() {
        Ok(())
    } else {
        Err(format!(
            "{} originals missing, {} changed (fixity run {})",
            totals.missing, totals.changed, report.run
        )
        .into())
    }
}

async fn migrate_media(
    config: &Config,
    pool: &sqlx::PgPool,
    to: StoreKind,
) -> Result<(), Box<dyn std::error::Error>> {
    use server::media::store::{MediaStore, S3Store};
    let folder = MediaStore::folder(&config.media_dir);
    let bucket = MediaStore::S3(S3Store::new(
        server::config::s3_settings()?,
        &config.media_dir,
    ));
    let (from, to) = match to {
        StoreKind::S3 => (folder, bucket),
        StoreKind::File => (bucket, folder),
    };
    let migration = server::media::migrate::migrate(pool, &from, &to).await?;
    for problem in &migration.problems {
        println!("{problem}");
    }
    for (what, tally) in [
        ("originals", migration.originals),
        ("derivatives", migration.derivatives),
        ("access copies", migration.access_copies),
    ] {
        println!(
            "{what}: {} copied ({} bytes), {} already there",
            tally.copied, tally.bytes, tally.already_there
        );
    }
    if migration.is_complete() {
        Ok(())
    } else {
        Err(format!(
            "{} objects not copied (listed above); fix them and run media migrate again",
            migration.problems.len()
        )
        .into())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
