//! What a visitor types into the search box (`SearchText`), and the whole timeline query string
//! around it (`?q=…&theme=…&cursor=…`) as the server reads it and turns it into a cache key.
#![no_main]

#[path = "alloc_guard.rs"]
mod alloc_guard;

use app::domain::SEARCH_MAX;
use app::domain::SearchText;
use libfuzzer_sys::fuzz_target;
use server::timeline::pages::TimelineQuery;
use server::web::query::QueryForm;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_search(text);
    check_query_string(text);
});

fn check_search(text: &str) {
    let Some(search) = SearchText::parse(text) else {
        return;
    };
    assert!(search.as_str().chars().count() <= SEARCH_MAX);
    assert!(search.words().iter().any(|w| w.chars().count() >= 2));
    for word in search.words() {
        assert!(
            !word.is_empty() && !word.contains(char::is_whitespace),
            "{word:?}"
        );
    }
    // The text kept for the search box and URLs is the same search again.
    assert_eq!(SearchText::parse(search.as_str()).as_ref(), Some(&search));
}

/// The normalized query must mean the same page as the one asked for, and its canonical URL
/// (the page-cache key) must come out the same when it is requested itself.
fn check_query_string(text: &str) {
    let Some(query) = read_query(text) else {
        return;
    };
    let normalized = query.normalized();
    let path = normalized.canonical_path("/");
    assert_eq!(
        format!("{:?}", query.filters()),
        format!("{:?}", normalized.filters())
    );
    assert_eq!(query.cursor(), normalized.cursor());
    let query_part = path.strip_prefix("/").unwrap_or(&path);
    let again = read_query(query_part.strip_prefix('?').unwrap_or(""))
        .expect("a canonical path is a valid query")
        .normalized();
    assert_eq!(again.canonical_path("/"), path);
    assert_eq!(
        format!("{:?}", again.filters()),
        format!("{:?}", normalized.filters())
    );
}

/// What the server reads from a request for `/?{query}` (none when that is not a valid URI).
fn read_query(query: &str) -> Option<TimelineQuery> {
    let uri: axum::http::Uri = format!("/?{query}").parse().ok()?;
    let form = QueryForm::parse(uri.query().unwrap_or(""));
    Some(TimelineQuery::from_form(&form))
}
