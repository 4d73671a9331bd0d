//! The baseline of the timeline throughput benchmark (`tests/load/timeline-bench.sh`): a tiny
//! Axum server that answers every GET with one file's bytes, held in memory, under a given
//! Content-Type. It is what the site's `/` would cost if rendering and the database were free.
//!
//! `static_page FILE ADDR [CONTENT_TYPE]` (default `text/html; charset=utf-8`); runs until
//! killed. Built with `cargo build --release -p server --bench static_page`.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; without a file and an address there is nothing to serve.
    let (file, addr, content_type) = match args.as_slice() {
        [_, file, addr] if !file.starts_with("--") => {
            (file, addr, "text/html; charset=utf-8".to_string())
        }
        [_, file, addr, content_type] if !file.starts_with("--") => {
            (file, addr, content_type.clone())
        }
        _ => {
            eprintln!(
                "usage: static_page FILE ADDR [CONTENT_TYPE] (see tests/load/timeline-bench.sh)"
            );
            return;
        }
    };
    let body = Bytes::from(std::fs::read(file).expect("read the page to serve"));
    let content_type = HeaderValue::from_str(&content_type).expect("a valid Content-Type");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr.as_str())
            .await
            .expect("bind the address");
        let app = axum::Router::new().fallback(move || {
            let body = body.clone();
            let content_type = content_type.clone();
            async move { page(body, content_type) }
        });
        axum::serve(listener, app).await.expect("serve");
    });
}

fn page(body: Bytes, content_type: HeaderValue) -> Response {
    (StatusCode::OK, [(CONTENT_TYPE, content_type)], body).into_response()
}
