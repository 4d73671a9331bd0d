//! Header inspection of an uploaded photo (`server::media::inspect`): any bytes, any format.
#![no_main]

#[path = "alloc_guard.rs"]
mod alloc_guard;

use app::domain::limits::{PHOTO_MAX_PIXELS, PHOTO_MAX_SIDE};
use libfuzzer_sys::fuzz_target;
use server::media::inspect::{exif_capture_year, inspect};
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    if let Ok(found) = inspect(Cursor::new(data), data.len() as u64) {
        // Whatever a header declares, an accepted photo is within the limits.
        assert!(found.width > 0 && found.height > 0, "{found:?}");
        assert!(found.width <= PHOTO_MAX_SIDE && found.height <= PHOTO_MAX_SIDE);
        assert!(u64::from(found.width) * u64::from(found.height) <= PHOTO_MAX_PIXELS);
    }
    // The EXIF reader also sees raw TIFF blocks from JPEG APP1 segments.
    let _ = exif_capture_year(data);
});
