//! Rendered public pages kept for a moment by this instance (a "micro-cache").
//!
//! A public page is the same for every shopper, so a render can answer the next requests for the
//! same address too. An entry is served only while nothing was written through the [`Sql`] port
//! since it was rendered (the port's write generation, [`Sql::generation`]) and for at most
//! [`FRESH_FOR`] of the clock (stock holds expire with time). Hosts whose port cannot tell when
//! data changed (Spin: a fresh instance per request, and other instances write the same
//! database) answer `None` there, and nothing is cached.

use crate::ports::{Sql, StorageError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use vitrina_shared::api::CategoryInfo;
use vitrina_shared::availability::Chain;
use vitrina_shared::listing::ListingIndex;

/// How long of the clock an entry may answer without a write in between.
pub const FRESH_FOR: chrono::Duration = chrono::Duration::seconds(1);
/// At most this many addresses are kept; when full, the cache starts again (search pages with any
/// text cannot make it grow without bound).
pub const MAX_ENTRIES: usize = 2_000;

/// One rendered answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Arc<str>,
    pub etag: Arc<str>,
}

struct Entry {
    generation: u64,
    rendered_at: DateTime<Utc>,
    page: Page,
}

/// The cache of one instance: pages keyed by origin and address (path and query), and the data
/// every page reads — the categories with their counts, kept on the same terms without the
/// second's limit (they do not change with the clock), and the chain's stores, kept while the
/// stores' version stays. At 100,000 products and 1,000 stores, reading those is most of a
/// product page or an availability answer.
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<String, Entry>>,
    /// The chain's stores, the write generation they were last checked at and the stores'
    /// version they were read at.
    stores: Mutex<Option<(u64, i64, Arc<Chain>)>>,
    categories: Mutex<Option<(u64, Arc<Vec<CategoryInfo>>)>>,
    /// The listing index (`crate::listing`).
    pub(crate) listings: Mutex<Listings>,
}

/// The listing index of this instance and what it was built from.
#[derive(Default)]
pub(crate) struct Listings {
    /// The index, the catalog version it holds (read before its products) and when a scheduled
    /// price changes one of its products (it answers until then).
    built: Option<(Arc<ListingIndex>, i64, Option<i64>)>,
    /// The catalog version last read, and the write generation it was read at.
    checked: Option<(u64, i64)>,
    /// A build is under way.
    building: bool,
}

impl Listings {
    /// The catalog version read at `generation`, if it was.
    pub(crate) fn version_at(&self, generation: u64) -> Option<i64> {
        self.checked.filter(|(g, _)| *g == generation).map(|(_, v)| v)
    }

    pub(crate) fn checked(&mut self, generation: u64, version: i64) {
        self.checked = Some((generation, version));
    }

    /// The index if it holds catalog `version` and its prices still hold at `now`, and whether a
    /// build should start (it is then marked as under way).
    pub(crate) fn lookup(&mut self, version: i64, now: i64) -> (Option<Arc<ListingIndex>>, bool) {
        match self.built.as_ref().filter(|(_, v, until)| *v == version && until.is_none_or(|t| now < t)) {
            Some((index, _, _)) => (Some(index.clone()), false),
            None => (None, self.claim()),
        }
    }

    /// Whether a build is under way (`crate::listing::settled` waits for it).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn building(&self) -> bool {
        self.building
    }

    /// Marks a build as under way, unless one is.
    pub(crate) fn claim(&mut self) -> bool {
        !std::mem::replace(&mut self.building, true)
    }

    /// A build's end: its index with its version and time limit, or nothing when it failed.
    pub(crate) fn finish(&mut self, built: Option<(Arc<ListingIndex>, i64, Option<i64>)>) {
        self.building = false;
        if built.is_some() {
            self.built = built;
        }
    }
}

/// What `slot` keeps if nothing was written since, else what `read` reads (kept for next time).
async fn kept<T>(
    slot: &Mutex<Option<(u64, Arc<T>)>>,
    sql: &dyn Sql,
    read: impl std::future::Future<Output = Result<T, StorageError>>,
) -> Result<Arc<T>, StorageError> {
    let generation = sql.generation();
    if let (Some(g), Ok(kept)) = (generation, slot.lock()) {
        if let Some((_, value)) = kept.as_ref().filter(|(at, _)| *at == g) {
            return Ok(value.clone());
        }
    }
    let value = Arc::new(read.await?);
    if let (Some(g), Ok(mut kept)) = (generation, slot.lock()) {
        *kept = Some((g, value.clone()));
    }
    Ok(value)
}

impl PageCache {
    /// The stores, made ready for availability answers ([`Chain`]), read every time where the
    /// port cannot tell when data changed. After a write through the port they are kept while
    /// the stores' version stays (one small read instead of every store: carts and sessions are
    /// written all day, stores seldom).
    pub async fn stores(&self, sql: &dyn Sql) -> Result<Arc<Chain>, StorageError> {
        let read = || async { crate::db::catalog::stores(sql).await.map(|s| Arc::new(Chain::new(s))) };
        let Some(generation) = sql.generation() else { return read().await };
        let kept = self.stores.lock().ok().and_then(|k| k.clone());
        if let Some((_, _, chain)) = kept.as_ref().filter(|(g, _, _)| *g == generation) {
            return Ok(chain.clone());
        }
        // The version is read before the stores: a store written in between is read again next time.
        let version = crate::db::catalog::stores_version(sql).await?;
        let chain = match kept {
            Some((_, v, chain)) if v == version => chain,
            _ => read().await?,
        };
        if let Ok(mut k) = self.stores.lock() {
            *k = Some((generation, version, chain.clone()));
        }
        Ok(chain)
    }

    /// The categories with their product counts, on the same terms.
    pub async fn categories(&self, sql: &dyn Sql) -> Result<Arc<Vec<CategoryInfo>>, StorageError> {
        kept(&self.categories, sql, crate::db::catalog::categories(sql)).await
    }

    /// The page kept for `key`, if nothing was written since and it is fresh at `now`.
    pub fn get(&self, sql: &dyn Sql, key: &str, now: DateTime<Utc>) -> Option<Page> {
        let generation = sql.generation()?;
        let entries = self.pages.lock().ok()?;
        let entry = entries.get(key)?;
        let fresh = entry.generation == generation && now >= entry.rendered_at && now - entry.rendered_at < FRESH_FOR;
        fresh.then(|| entry.page.clone())
    }

    /// Keeps `page` for `key`, rendered from data read at `generation` (read before the data).
    pub fn put(&self, generation: Option<u64>, key: String, now: DateTime<Utc>, page: Page) {
        let Some(generation) = generation else { return };
        let Ok(mut entries) = self.pages.lock() else { return };
        // A full cache starts again; the pages it held are freed after the lock is let go, so that
        // other requests do not wait on freeing a few thousand pages.
        let full = (entries.len() >= MAX_ENTRIES && !entries.contains_key(&key)).then(|| std::mem::take(&mut *entries));
        entries.insert(key, Entry { generation, rendered_at: now, page });
        drop(entries);
        drop(full);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{BoxFuture, Row, Statement, StorageError, TxError, Value};
    use std::sync::atomic::{AtomicU64, Ordering};

    struct Counted(AtomicU64, bool);

    impl Sql for Counted {
        fn query<'a>(&'a self, _: &'a str, _: Vec<Value>) -> BoxFuture<'a, Result<Vec<Row>, StorageError>> {
            Box::pin(std::future::ready(Ok(vec![])))
        }
        fn batch(&self, _: Vec<Statement>) -> BoxFuture<'_, Result<Vec<u64>, TxError>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(std::future::ready(Ok(vec![])))
        }
        fn generation(&self) -> Option<u64> {
            self.1.then(|| self.0.load(Ordering::SeqCst))
        }
    }

    fn page(body: &str) -> Page {
        Page { status: 200, content_type: "text/html", body: body.into(), etag: "\"x\"".into() }
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("a time")
    }

    #[test]
    fn a_page_is_served_again_until_a_write_or_a_second_passes() {
        let sql = Counted(AtomicU64::new(0), true);
        let cache = PageCache::default();
        cache.put(sql.generation(), "/p/A".into(), at(0), page("a"));
        assert_eq!(cache.get(&sql, "/p/A", at(0)), Some(page("a")));
        assert_eq!(cache.get(&sql, "/p/B", at(0)), None, "another address");
        assert_eq!(cache.get(&sql, "/p/A", at(1)), None, "a second later");
        sql.0.fetch_add(1, Ordering::SeqCst); // a committed write
        assert_eq!(cache.get(&sql, "/p/A", at(0)), None, "after a write");
    }

    #[test]
    fn nothing_is_cached_where_the_port_cannot_tell_when_data_changed() {
        let sql = Counted(AtomicU64::new(0), false);
        let cache = PageCache::default();
        cache.put(sql.generation(), "/".into(), at(0), page("home"));
        assert_eq!(cache.get(&sql, "/", at(0)), None);
    }

    #[test]
    fn a_full_cache_starts_again_instead_of_growing() {
        let sql = Counted(AtomicU64::new(0), true);
        let cache = PageCache::default();
        for i in 0..MAX_ENTRIES {
            cache.put(sql.generation(), format!("/search?q={i}"), at(0), page("s"));
        }
        cache.put(sql.generation(), "/".into(), at(0), page("home"));
        assert_eq!(cache.get(&sql, "/search?q=0", at(0)), None);
        assert_eq!(cache.get(&sql, "/", at(0)), Some(page("home")));
    }
}
