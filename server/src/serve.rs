//! Serving the router over HTTP/1 with the limits `axum::serve` lacks: a header read timeout
//! (hyper's, which needs a timer) and a body progress timeout, so slow clients cannot hold
//! connections forever. `main` and the test harness both serve through here.

use crate::config::Config;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// How long a client may take to send what it sends.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// The request line and headers must arrive within this.
    pub header_read: Duration,
    /// A body must advance by `body_min_bytes` within every such period.
    pub body_idle: Duration,
    pub body_min_bytes: u64,
}

impl Timeouts {
    pub fn from_config(config: &Config) -> Timeouts {
        Timeouts {
            header_read: Duration::from_secs(config.header_read_timeout_secs),
            body_idle: Duration::from_secs(config.body_idle_timeout_secs),
            body_min_bytes: config.body_min_bytes,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then waits for open requests.
/// Handlers can extract `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without it, a response written in pieces (a file from `ServeDir`) waits for the
        // client's delayed ACK: 40 ms per stylesheet or script on a kept-alive connection.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY could not be set");
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let mut request = request.map(|body| Body::new(ProgressBody::new(body, timeouts)));
            request.extensions_mut().insert(ConnectInfo(remote));
            router.clone().oneshot(request)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// The body read stalled: fewer than the minimum bytes arrived within the idle period.
#[derive(Debug, thiserror::Error)]
#[error("request body too slow: under {min_bytes} bytes in {period:?}")]
pub struct BodyTooSlow {
    min_bytes: u64,
    period: Duration,
}

/// A request body that fails with `BodyTooSlow` when, while the handler waits for it, fewer
/// than `min_bytes` arrive within `period`. A pure idle timeout (reset by every byte) would
/// still let one byte every few seconds hold a connection for days.
struct ProgressBody {
    inner: Incoming,
    period: Duration,
    min_bytes: u64,
    /// Bytes received in the current period, and when that period ends.
    received: u64,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl ProgressBody {
    fn new(inner: Incoming, timeouts: Timeouts) -> ProgressBody {
        ProgressBody {
            inner,
            period: timeouts.body_idle,
            min_bytes: timeouts.body_min_bytes,
            received: 0,
            deadline: None,
        }
    }
}

impl HttpBody for ProgressBody {
    type Data = hyper::body::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let bytes = frame.data_ref().map_or(0, |d| d.len());
                let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
                this.received = this.received.saturating_add(bytes);
                if this.received >= this.min_bytes {
                    // Enough progress: a new period starts with the next wait.
                    this.received = 0;
                    this.deadline = None;
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                let period = this.period;
                let deadline = this.deadline.get_or_insert_with(|| {
                    Box::pin(tokio::time::sleep_until(Instant::now() + period))
                });
                match deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTooSlow {
                        min_bytes: this.min_bytes,
                        period,
                    })))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
