//! The store of pages rendered once per change (the middleware that fills and answers
//! from it: `web::cache`). It holds one epoch's pages: an epoch is the data's version
//! (`db::version`) and the minute of the service's clock; the first page kept for a newer
//! epoch empties it, so it never answers from an older one. Bounded by a budget of bytes.
//! One rendering at a time per key: a browser asking for the same page several times at
//! once waits for the first rendering instead of rendering it again (`turn`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web::Bytes;
use chrono::NaiveDateTime;
use tokio::sync::Notify;

/// The rendered pages of one epoch, within a budget of bytes.
pub struct PageCache {
    budget: usize,
    store: Mutex<Store>,
    /// The keys being rendered now, with whom to wake when done.
    rendering: Mutex<HashMap<Key, Arc<Notify>>>,
}

/// Whose turn it is to render a key: held while rendering; dropping it wakes the waiters.
pub struct Rendering<'a> {
    cache: &'a PageCache,
    key: Key,
}

impl Drop for Rendering<'_> {
    fn drop(&mut self) {
        if let Ok(mut rendering) = self.cache.rendering.lock()
            && let Some(waiters) = rendering.remove(&self.key)
        {
            waiters.notify_waiters();
        }
    }
}

/// What a kept page was rendered from: the data's version and the clock's minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Epoch {
    pub version: i64,
    pub minute: i64,
}

/// The hash of what identifies a page and its reader (`web::cache::key_of`).
pub type Key = [u8; 32];

#[derive(Default)]
struct Store {
    epoch: Option<Epoch>,
    entries: HashMap<Key, Arc<Entry>>,
    bytes: usize,
}

/// A kept answer: its headers and body, and until when its reader's session is live.
pub struct Entry {
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
    /// The same body gzipped, for the browsers that accept it (nearly all): compressed once
    /// when kept instead of at every answer. None for a body not worth it or not text.
    pub gzipped: Option<Bytes>,
    /// None for a page rendered for nobody signed in.
    pub live_until: Option<NaiveDateTime>,
}

impl Entry {
    fn size(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len())
            .sum();
        let gzipped = self.gzipped.as_ref().map_or(0, Bytes::len);
        self.body.len()
            + gzipped
            + headers
            + std::mem::size_of::<Entry>()
            + std::mem::size_of::<Key>()
    }

    pub fn header(&self, name: &HeaderName) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.to_str().ok())
    }
}

impl PageCache {
    /// Keeps at most `budget` bytes of pages; 0 keeps none.
    pub fn new(budget: usize) -> PageCache {
        PageCache {
            budget,
            store: Mutex::default(),
            rendering: Mutex::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The largest page kept: an eighth of the budget.
    pub fn largest(&self) -> usize {
        self.budget / 8
    }

    pub fn get(&self, epoch: Epoch, key: &Key, now: NaiveDateTime) -> Option<Arc<Entry>> {
        let store = self.store.lock().ok()?;
        if store.epoch != Some(epoch) {
            return None;
        }
        let entry = store.entries.get(key)?;
        if entry.live_until.is_some_and(|until| until <= now) {
            return None;
        }
        Some(entry.clone())
    }

    /// Keeps `entry` if its epoch is the newest seen and the budget allows: no single page
    /// takes more than an eighth of it, and once it is full pages wait for the next epoch
    /// (at most a minute) rather than push others out.
    pub fn put(&self, epoch: Epoch, key: Key, entry: Entry) {
        let size = entry.size();
        if size > self.largest() {
            return;
        }
        let Ok(mut store) = self.store.lock() else {
            return;
        };
        match store.epoch {
            Some(current) if current == epoch => {}
            // Rendered before a change another request has already seen.
            Some(current) if current > epoch => return,
            _ => {
                store.entries.clear();
                store.bytes = 0;
                store.epoch = Some(epoch);
            }
        }
        if store.bytes + size > self.budget {
            return;
        }
        if let Some(old) = store.entries.insert(key, Arc::new(entry)) {
            store.bytes -= old.size();
        }
        store.bytes += size;
    }

    /// The turn to render `key`, or None after waiting for another rendering of it to end
    /// (then look again: it may be kept now).
    pub async fn turn(&self, key: Key) -> Option<Rendering<'_>> {
        let waiters;
        let done;
        {
            let Ok(mut rendering) = self.rendering.lock() else {
                // A poisoned lock: render without taking turns.
                return Some(Rendering { cache: self, key });
            };
            match rendering.get(&key) {
                Some(w) => {
                    waiters = w.clone();
                    // Made before the lock is let go, so the end of that rendering cannot
                    // be missed.
                    done = waiters.notified();
                }
                None => {
                    rendering.insert(key, Arc::new(Notify::new()));
                    return Some(Rendering { cache: self, key });
                }
            }
        }
        done.await;
        None
    }

    /// Bytes held now (for the tests and the benchmark's account of memory).
    pub fn bytes(&self) -> usize {
        self.store.lock().map(|s| s.bytes).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header;

    fn entry(body: &str, live_until: Option<NaiveDateTime>) -> Entry {
        Entry {
            headers: vec![(header::ETAG, HeaderValue::from_static("\"a\""))],
            body: Bytes::from(body.to_owned()),
            gzipped: None,
            live_until,
        }
    }

    fn at(minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_opt(10, minute, 0))
            .expect("a time")
    }

    const ONE: Epoch = Epoch {
        version: 1,
        minute: 7,
    };
    const TWO: Epoch = Epoch {
        version: 2,
        minute: 7,
    };

    #[test]
    fn a_page_is_answered_only_in_its_own_epoch_and_while_its_session_lives() {
        let cache = PageCache::new(1 << 20);
        cache.put(ONE, [1; 32], entry("one", Some(at(30))));
        assert!(cache.get(ONE, &[1; 32], at(10)).is_some());
        assert!(cache.get(ONE, &[2; 32], at(10)).is_none(), "another key");
        assert!(cache.get(TWO, &[1; 32], at(10)).is_none(), "a newer epoch");
        assert!(
            cache.get(ONE, &[1; 32], at(30)).is_none(),
            "the session ended"
        );
    }

    #[test]
    fn a_newer_epoch_empties_the_cache_and_an_older_rendering_is_not_kept() {
        let cache = PageCache::new(1 << 20);
        cache.put(ONE, [1; 32], entry("one", None));
        cache.put(TWO, [2; 32], entry("two", None));
        assert!(cache.get(ONE, &[1; 32], at(0)).is_none());
        cache.put(ONE, [3; 32], entry("late", None));
        assert!(cache.get(ONE, &[3; 32], at(0)).is_none());
        assert!(cache.get(TWO, &[3; 32], at(0)).is_none());
        assert!(cache.get(TWO, &[2; 32], at(0)).is_some());
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let page = "x".repeat(1000);
        let cache = PageCache::new(16 * 1024);
        for i in 0..100u8 {
            cache.put(ONE, [i; 32], entry(&page, None));
        }
        assert!(cache.bytes() <= 16 * 1024, "{} bytes", cache.bytes());
        assert!(cache.bytes() > 8 * 1024, "it keeps pages up to its budget");
        let large = "x".repeat(4 * 1024);
        cache.put(TWO, [200; 32], entry(&large, None));
        assert!(
            cache.get(TWO, &[200; 32], at(0)).is_none(),
            "over an eighth"
        );
        let none = PageCache::new(0);
        none.put(ONE, [1; 32], entry("one", None));
        assert!(!none.enabled() && none.get(ONE, &[1; 32], at(0)).is_none());
    }

    #[actix_web::test]
    async fn one_rendering_at_a_time_per_key() {
        use futures_util::FutureExt;
        let cache = PageCache::new(1 << 20);
        let first = cache.turn([1; 32]).await.expect("the first renders");
        assert!(
            cache.turn([2; 32]).await.is_some(),
            "another key does not wait"
        );
        let mut waiting = std::pin::pin!(cache.turn([1; 32]));
        assert!(
            waiting.as_mut().now_or_never().is_none(),
            "waits while the first renders"
        );
        drop(first);
        assert!(waiting.await.is_none(), "woken: look again");
        assert!(cache.turn([1; 32]).await.is_some(), "then its turn is free");
    }
}
