//! The timeline cursor `{year_now}.{year_then}.{id}` from `?cursor=`.
#![no_main]

#[path = "alloc_guard.rs"]
mod alloc_guard;

use libfuzzer_sys::fuzz_target;
use server::timeline::store::Cursor;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(cursor) = Cursor::parse(text)
    {
        // What a page links to parses back to the same place.
        assert_eq!(Cursor::parse(&cursor.to_string()), Some(cursor));
    }
    if let Some((&[a, b, c, d], id)) = data.split_first_chunk::<4>()
        && let Some(id) = id.first_chunk::<8>()
    {
        let cursor = Cursor {
            year_now: i16::from_le_bytes([a, b]),
            year_then: i16::from_le_bytes([c, d]),
            id: i64::from_le_bytes(*id),
        };
        assert_eq!(Cursor::parse(&cursor.to_string()), Some(cursor));
    }
});
