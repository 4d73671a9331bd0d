//! Rendered public pages kept in memory until a public story changes. Every instance listens
//! on the PostgreSQL channel `public_changed` (a trigger notifies it when an approved story
//! appears, changes or disappears, or a photo is made), so instances sharing a database never
//! serve a stale page for longer than the notification takes. While the listener is not
//! connected nothing is cached.

use axum::body::Bytes;
use moka::policy::EvictionPolicy;
use moka::sync::Cache;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const CHANNEL: &str = "public_changed";
/// The default budget of `PAGE_CACHE_MB` (16), for tests.
#[cfg(test)]
const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Bytes of sitemap parts kept (a full part of 50,000 stories is about 4.3 MB, so this holds
/// the parts of about 1.5 million stories). Parts are kept apart from pages, so a crawler
/// cannot push pages out, and once the budget is full further parts are built per request
/// instead of evicting the cached ones (a crawler reading every part in turn would otherwise
/// evict each part before it is read again).
const SITEMAP_MAX_BYTES: usize = 128 * 1024 * 1024;

#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

#[cfg(test)]
impl Default for PageCache {
    fn default() -> Self {
        PageCache::new(MAX_BYTES)
    }
}

impl PageCache {
    /// A cache keeping at most `max_bytes` of rendered pages (keys and bodies); 0 renders every
    /// page afresh (sitemap parts and place suggestions are still kept). Keys are built from the
    /// normalized parameters a page uses, so only real filters and cursors make new entries;
    /// past the budget TinyLFU admits a new page only if it is asked for more often than the
    /// page it would evict, so a flood of one-off URLs cannot push out `/`.
    pub fn new(max_bytes: u64) -> PageCache {
        let pages = (max_bytes > 0).then(|| {
            Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|key: &String, page: &Bytes| {
                    u32::try_from(key.len() + page.len()).unwrap_or(u32::MAX)
                })
                .eviction_policy(EvictionPolicy::tiny_lfu())
                .build()
        });
        PageCache {
            inner: Arc::new(Inner {
                pages,
                sitemaps: Mutex::default(),
                places: Mutex::default(),
                listening: AtomicBool::default(),
                epoch: AtomicU64::default(),
            }),
        }
    }
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<String, Bytes>,
    bytes: usize,
}

struct Inner {
    /// Rendered pages by `locale|normalized path`; `None` when the budget is 0.
    pages: Option<Cache<String, Bytes>>,
    /// `/sitemap.xml` and `/sitemaps/{n}.xml`, until the next public change.
    sitemaps: Mutex<Pages>,
    /// The place suggestions of the filter form (a grouped scan of every approved story).
    places: Mutex<Option<Vec<String>>>,
    listening: AtomicBool,
    /// Counts clears. A page rendered from data read before a clear must not be stored after
    /// it, or it would stay stale until the next change.
    epoch: AtomicU64,
}

/// Taken before a page's data is read; storing the page needs it, and is skipped when the
/// cache was cleared since (the data may predate the change that cleared it).
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct Ticket(u64);

impl PageCache {
    /// Take this before reading what a cached page is rendered from.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.inner.epoch.load(Ordering::Acquire))
    }

    fn is_current(&self, ticket: Ticket) -> bool {
        self.inner.listening.load(Ordering::Acquire)
            && self.inner.epoch.load(Ordering::Acquire) == ticket.0
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        if !self.inner.listening.load(Ordering::Acquire) {
            return None;
        }
        self.inner.pages.as_ref()?.get(key)
    }

    pub fn put(&self, ticket: Ticket, key: String, page: Bytes) {
        let Some(pages) = &self.inner.pages else {
            return;
        };
        if !self.is_current(ticket) {
            return;
        }
        pages.insert(key.clone(), page);
        // A clear between the check and the insert may have missed this entry.
        if !self.is_current(ticket) {
            pages.invalidate(&key);
        }
    }

    /// A cached sitemap file (`/sitemap.xml` or `/sitemaps/{n}.xml`).
    pub fn sitemap(&self, path: &str) -> Option<Bytes> {
        if !self.inner.listening.load(Ordering::Acquire) {
            return None;
        }
        self.inner.sitemaps.lock().ok()?.by_key.get(path).cloned()
    }

    pub fn put_sitemap(&self, ticket: Ticket, path: &str, body: Bytes) {
        // Checked under the lock: `clear` moves the epoch before it takes the lock.
        if let Ok(mut sitemaps) = self.inner.sitemaps.lock() {
            if !self.is_current(ticket) {
                return;
            }
            let size = path.len() + body.len();
            if sitemaps.by_key.contains_key(path) || sitemaps.bytes + size > SITEMAP_MAX_BYTES {
                return;
            }
            sitemaps.bytes += size;
            sitemaps.by_key.insert(path.to_owned(), body);
        }
    }

    pub fn clear(&self) {
        self.inner.epoch.fetch_add(1, Ordering::AcqRel);
        if let Some(pages) = &self.inner.pages {
            pages.invalidate_all();
        }
        if let Ok(mut sitemaps) = self.inner.sitemaps.lock() {
            sitemaps.by_key.clear();
            sitemaps.bytes = 0;
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

    pub fn put_places(&self, ticket: Ticket, places: Vec<String>) {
        if let Ok(mut cached) = self.inner.places.lock()
            && self.is_current(ticket)
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
        listening(PageCache::default())
    }

    fn listening(cache: PageCache) -> PageCache {
        cache.inner.listening.store(true, Ordering::Release);
        cache
    }

    #[test]
    fn a_zero_budget_cache_stores_no_page() {
        let cache = listening(PageCache::new(0));
        cache.put(cache.ticket(), "/".into(), Bytes::from_static(b"page"));
        assert_eq!(cache.get("/"), None);
        // Sitemap parts are kept all the same.
        cache.put_sitemap(
            cache.ticket(),
            "/sitemap.xml",
            Bytes::from_static(b"<sitemapindex/>"),
        );
        assert!(cache.sitemap("/sitemap.xml").is_some());
    }

    #[test]
    fn a_page_read_before_a_clear_is_not_stored_after_it() {
        let cache = listening_cache();
        let before = cache.ticket();
        cache.clear();
        cache.put(before, "/".into(), Bytes::from_static(b"stale"));
        cache.put_sitemap(before, "/sitemap.xml", Bytes::from_static(b"stale"));
        cache.put_places(before, vec!["stale".into()]);
        assert_eq!(cache.get("/"), None);
        assert_eq!(cache.sitemap("/sitemap.xml"), None);
        assert_eq!(cache.places(), None);
        let after = cache.ticket();
        cache.put(after, "/".into(), Bytes::from_static(b"fresh"));
        cache.put_places(after, vec!["fresh".into()]);
        assert_eq!(cache.get("/"), Some(Bytes::from_static(b"fresh")));
        assert_eq!(cache.places(), Some(vec!["fresh".to_owned()]));
    }

    #[test]
    fn nothing_is_cached_until_the_listener_is_up() {
        let cache = PageCache::default();
        cache.put(cache.ticket(), "/".into(), Bytes::from_static(b"page"));
        assert_eq!(cache.get("/"), None);
    }

    #[test]
    fn the_cache_stays_under_its_byte_budget_and_keeps_hot_pages() {
        let cache = listening_cache();
        let page = Bytes::from(vec![b'x'; 64 * 1024]);
        cache.put(cache.ticket(), "/".into(), page.clone());
        // Hot: still asked for while the odd URLs arrive (moka counts frequencies only once
        // the cache is half full).
        for i in 0..2000 {
            let key = format!("/?n={i}");
            assert_eq!(cache.get(&key), None);
            cache.put(cache.ticket(), key, page.clone());
            if i % 10 == 0 {
                assert!(cache.get("/").is_some(), "evicted after {i} pages");
            }
        }
        let pages = cache.inner.pages.as_ref().unwrap();
        pages.run_pending_tasks();
        let bytes = pages.weighted_size();
        assert!(bytes <= MAX_BYTES, "{bytes}");
        assert!(cache.get("/").is_some(), "the hot page was evicted");
        cache.clear();
        assert_eq!(cache.get("/"), None);
    }

    #[test]
    fn sitemaps_are_kept_until_cleared_and_within_their_budget() {
        let cache = listening_cache();
        cache.put_sitemap(
            cache.ticket(),
            "/sitemaps/0.xml",
            Bytes::from_static(b"<urlset/>"),
        );
        assert_eq!(
            cache.sitemap("/sitemaps/0.xml"),
            Some(Bytes::from_static(b"<urlset/>"))
        );
        let part = Bytes::from(vec![b'x'; 5 * 1024 * 1024]);
        for n in 1..40 {
            cache.put_sitemap(cache.ticket(), &format!("/sitemaps/{n}.xml"), part.clone());
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
