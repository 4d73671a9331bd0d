//! Rendered public pages kept in memory until a public story changes. Every instance listens
//! on the PostgreSQL channel `public_changed` (a trigger notifies it when an approved story
//! appears, changes or disappears, or a photo is made), so instances sharing a database never
//! serve a stale page for longer than the notification takes. While the listener is not
//! connected nothing is cached.

use axum::body::Bytes;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const CHANNEL: &str = "public_changed";
/// Bytes of pages kept (filters, cursors and any query string make many distinct URLs); the
/// cache is emptied when it would grow past this, so odd URLs cannot make it grow without bound.
const MAX_BYTES: usize = 16 * 1024 * 1024;
/// Bytes of sitemap parts kept (a full part of 50,000 stories is about 4.3 MB, so this holds
/// the parts of about 1.5 million stories). Parts are kept apart from pages, so a crawler
/// cannot push pages out, and once the budget is full further parts are built per request
/// instead of evicting the cached ones (a crawler reading every part in turn would otherwise
/// evict each part before it is read again).
const SITEMAP_MAX_BYTES: usize = 128 * 1024 * 1024;

#[derive(Clone, Default)]
pub struct PageCache {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<String, Bytes>,
    bytes: usize,
}

#[derive(Default)]
struct Inner {
    pages: Mutex<Pages>,
    /// `/sitemap.xml` and `/sitemaps/{n}.xml`, until the next public change.
    sitemaps: Mutex<Pages>,
    /// The place suggestions of the filter form (a grouped scan of every approved story).
    places: Mutex<Option<Vec<String>>>,
    listening: AtomicBool,
}

impl PageCache {
    pub fn get(&self, key: &str) -> Option<Bytes> {
        if !self.inner.listening.load(Ordering::Acquire) {
            return None;
        }
        self.inner.pages.lock().ok()?.by_key.get(key).cloned()
    }

    pub fn put(&self, key: String, page: Bytes) {
        if !self.inner.listening.load(Ordering::Acquire) {
            return;
        }
        if let Ok(mut pages) = self.inner.pages.lock() {
            let key_len = key.len();
            let size = key_len + page.len();
            if pages.bytes + size > MAX_BYTES {
                pages.by_key.clear();
                pages.bytes = 0;
            }
            pages.bytes += size;
            if let Some(old) = pages.by_key.insert(key, page) {
                pages.bytes -= key_len + old.len();
            }
        }
    }

    /// A cached sitemap file (`/sitemap.xml` or `/sitemaps/{n}.xml`).
    pub fn sitemap(&self, path: &str) -> Option<Bytes> {
        if !self.inner.listening.load(Ordering::Acquire) {
            return None;
        }
        self.inner.sitemaps.lock().ok()?.by_key.get(path).cloned()
    }

    pub fn put_sitemap(&self, path: &str, body: Bytes) {
        if !self.inner.listening.load(Ordering::Acquire) {
            return;
        }
        if let Ok(mut sitemaps) = self.inner.sitemaps.lock() {
            let size = path.len() + body.len();
            if sitemaps.by_key.contains_key(path) || sitemaps.bytes + size > SITEMAP_MAX_BYTES {
                return;
            }
            sitemaps.bytes += size;
            sitemaps.by_key.insert(path.to_owned(), body);
        }
    }

    pub fn clear(&self) {
        for store in [&self.inner.pages, &self.inner.sitemaps] {
            if let Ok(mut pages) = store.lock() {
                pages.by_key.clear();
                pages.bytes = 0;
            }
        }
        if let Ok(mut places) = self.inner.places.lock() {
            *places = None;
        }
    }

    pub fn places(&self) -> Option<Vec<String>> {
        if !self.inner.listening.load(Ordering::Acquire) {
            return None;
        }
        self.inner.places.lock().ok()?.clone()
    }

    pub fn put_places(&self, places: Vec<String>) {
        if self.inner.listening.load(Ordering::Acquire)
            && let Ok(mut cached) = self.inner.places.lock()
        {
            *cached = Some(places);
        }
    }

    /// Listens for changes for as long as the server runs, reconnecting after errors.
    pub fn spawn_listener(&self, db: PgPool) {
        let cache = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = cache.listen(&db).await {
                    tracing::warn!(%error, "page cache listener lost; not caching until it is back");
                }
                cache.inner.listening.store(false, Ordering::Release);
                cache.clear();
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
    }

    async fn listen(&self, db: &PgPool) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect_with(db).await?;
        listener.listen(CHANNEL).await?;
        // Anything cached before we listened may be stale.
        self.clear();
        self.inner.listening.store(true, Ordering::Release);
        loop {
            listener.recv().await?;
            self.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listening_cache() -> PageCache {
        let cache = PageCache::default();
        cache.inner.listening.store(true, Ordering::Release);
        cache
    }

    #[test]
    fn nothing_is_cached_until_the_listener_is_up() {
        let cache = PageCache::default();
        cache.put("/".into(), Bytes::from_static(b"page"));
        assert_eq!(cache.get("/"), None);
    }

    #[test]
    fn the_cache_stays_under_its_byte_budget() {
        let cache = listening_cache();
        let page = Bytes::from(vec![b'x'; 1024 * 1024]);
        for i in 0..40 {
            cache.put(format!("/?n={i}"), page.clone());
            let bytes = cache.inner.pages.lock().unwrap().bytes;
            assert!(bytes <= MAX_BYTES, "{bytes}");
        }
        // Replacing a page does not count it twice.
        let before = cache.inner.pages.lock().unwrap().bytes;
        cache.put("/?n=39".into(), page.clone());
        assert_eq!(cache.inner.pages.lock().unwrap().bytes, before);
        assert!(cache.get("/?n=39").is_some());
        cache.clear();
        assert_eq!(cache.get("/?n=39"), None);
    }

    #[test]
    fn sitemaps_are_kept_until_cleared_and_within_their_budget() {
        let cache = listening_cache();
        cache.put_sitemap("/sitemaps/0.xml", Bytes::from_static(b"<urlset/>"));
        assert_eq!(
            cache.sitemap("/sitemaps/0.xml"),
            Some(Bytes::from_static(b"<urlset/>"))
        );
        let part = Bytes::from(vec![b'x'; 5 * 1024 * 1024]);
        for n in 1..40 {
            cache.put_sitemap(&format!("/sitemaps/{n}.xml"), part.clone());
            let bytes = cache.inner.sitemaps.lock().unwrap().bytes;
            assert!(bytes <= SITEMAP_MAX_BYTES, "{bytes}");
        }
        assert!(
            cache.sitemap("/sitemaps/0.xml").is_some(),
            "kept, not evicted"
        );
        assert!(cache.sitemap("/sitemaps/1.xml").is_some());
        assert!(cache.sitemap("/sitemaps/39.xml").is_none(), "over budget");
        cache.clear();
        assert_eq!(cache.sitemap("/sitemaps/0.xml"), None);
        assert_eq!(cache.inner.sitemaps.lock().unwrap().bytes, 0);
    }
}
