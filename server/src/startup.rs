//! Start-up of the web server, shared by `server serve` (`main`) and the test harness, so the
//! tests run the very router, cache listener and state the site runs.

use crate::config::Config;
use crate::serve::{self, Timeouts};
use crate::state::AppState;
use sqlx::PgPool;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The background work an instance runs beside HTTP. The site runs both; tests run the
/// photo jobs and maintenance themselves, one step at a time.
#[derive(Clone, Copy, Debug)]
pub struct Background {
    /// Sessions, rate limits and stale uploads cleaned up every few minutes.
    pub maintenance: bool,
    /// `WORKER_CONCURRENCY` photo workers in this process.
    pub photo_workers: bool,
}

impl Background {
    pub const ALL: Background = Background {
        maintenance: true,
        photo_workers: true,
    };
    pub const NONE: Background = Background {
        maintenance: false,
        photo_workers: false,
    };
}

/// A server bound to its address, with its state ready and its background work started.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    metrics_addr: Option<SocketAddr>,
}

impl Application {
    /// Binds `BIND_ADDR` and starts everything but the serving itself.
    pub async fn build(
        config: Config,
        db: PgPool,
        background: Background,
    ) -> std::io::Result<Application> {
        let listener = TcpListener::bind(config.bind_addr).await?;
        Application::on_listener(listener, config, db, background).await
    }

    /// As `build`, on a listener bound already (tests bind port 0 first, to put the address
    /// in `PUBLIC_URL`).
    pub async fn on_listener(
        listener: TcpListener,
        config: Config,
        db: PgPool,
        background: Background,
    ) -> std::io::Result<Application> {
        let state = AppState::new(config, db);
        state.media.prepare().await.map_err(std::io::Error::other)?;
        state.pages.spawn_listener(state.db.clone());
        if background.maintenance {
            crate::maintenance::spawn(state.clone());
        }
        if background.photo_workers {
            crate::media::jobs::spawn_workers(
                state.db.clone(),
                state.media.clone(),
                state.config.worker_concurrency,
                state.config.worker_nice,
                state.jobs_queued.clone(),
            )?;
        }
        let metrics_addr = match state.config.metrics_addr {
            Some(addr) => Some(crate::telemetry::serve(addr, state.db.clone()).await?),
            None => None,
        };
        Ok(Application {
            listener,
            state,
            metrics_addr,
        })
    }

    /// Where `/metrics` is served, when `METRICS_ADDR` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) {
        let timeouts = Timeouts::from_config(&self.state.config);
        serve::serve(self.listener, crate::router(self.state), timeouts, shutdown).await;
    }
}
