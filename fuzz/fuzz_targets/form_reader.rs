//! The posted-form reader (`server::web::form`): urlencoded and multipart bodies, photo files
//! streamed to a media folder's `tmp/`, the body arriving in frames of any size.
//!
//! Input: one flags byte (bit 0: the route accepts photos; bits 1–7: frame size
//! 2^(n mod 13) bytes), the Content-Type up to the first `\n`, then the body.
#![no_main]

#[path = "alloc_guard.rs"]
mod alloc_guard;

use app::domain::limits::TEXT_FIELDS_TOTAL_BYTES;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use server::media::store::{Area, MediaStore};
use server::media::upload::UploadGate;
use server::web::form::{read_form, read_form_with_photos};
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
});

/// Uploads go to `$SHINIAN_FUZZ_MEDIA` (tests/fuzz/run.sh removes it afterwards), else to a
/// folder of this process in /dev/shm (fsync costs nothing there) or the temp dir.
/// One input at a time: a turn is always free, so the gate never refuses here.
static UPLOADS: LazyLock<UploadGate> =
    LazyLock::new(|| UploadGate::new(1, std::time::Duration::from_secs(60)));

static MEDIA: LazyLock<MediaStore> = LazyLock::new(|| {
    let root = std::env::var_os("SHINIAN_FUZZ_MEDIA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let shm = PathBuf::from("/dev/shm");
            let base = if shm.is_dir() {
                shm
            } else {
                std::env::temp_dir()
            };
            base.join(format!("shinian-fuzz-media-{}", std::process::id()))
        });
    MediaStore::folder(root)
});

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let split = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    let content_type = &rest[..split];
    let body = rest.get(split + 1..).unwrap_or_default();
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let with_photos = flags & 1 == 1;
    let frame = 1usize << ((flags >> 1) % 13);
    let frames: Vec<Result<Bytes, Infallible>> = body
        .chunks(frame)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let body = Body::from_stream(futures_util::stream::iter(frames));
    RUNTIME.block_on(async {
        let result = if with_photos {
            read_form_with_photos(&headers, body, &MEDIA, &UPLOADS).await
        } else {
            read_form(&headers, body).await
        };
        if let Ok(form) = result {
            let text: usize = form.pairs().map(|(n, v)| n.len() + v.len()).sum();
            assert!(text <= TEXT_FIELDS_TOTAL_BYTES);
            assert!(with_photos || form.photos.is_empty());
        }
    });
    // Every upload's spooled file is gone once the form is dropped, whatever happened.
    let left = RUNTIME.block_on(MEDIA.older_than(Area::Spool, Duration::ZERO));
    assert!(
        left.is_empty(),
        "a spooled upload was left behind: {left:?}"
    );
});
