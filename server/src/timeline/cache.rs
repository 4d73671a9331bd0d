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
/// Distinct pages kept (filters and cursors make many); the cache is emptied when full.
const MAX_ENTRIES: usize = 2000;

#[derive(Clone, Default)]
pub struct PageCache {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    pages: Mutex<HashMap<String, Bytes>>,
    /// The place suggestions of the filter form (a grouped scan of every approved story).
    places: Mutex<Option<Vec<String>>>,
    listening: AtomicBool,
}

impl PageCache {
    pub fn get(&self, key: &str) -> Option<Bytes> {
        if !self.inner.listening.load(Ordering::Acquire) {
            return None;
        }
        self.inner.pages.lock().ok()?.get(key).cloned()
    }

    pub fn put(&self, key: String, page: Bytes) {
        if !self.inner.listening.load(Ordering::Acquire) {
            return;
        }
        if let Ok(mut pages) = self.inner.pages.lock() {
            if pages.len() >= MAX_ENTRIES {
                pages.clear();
            }
            pages.insert(key, page);
        }
    }

    pub fn clear(&self) {
        if let Ok(mut pages) = self.inner.pages.lock() {
            pages.clear();
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
