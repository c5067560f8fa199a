//! The listing index of this instance (`vitrina_shared::listing`): built from the live catalog in
//! the background, used while the catalog version it holds is the database's and no scheduled
//! price has come, and otherwise left aside for SQL until the next build is ready. Only hosts whose
//! port tells when data changed keep one (the native host); Spin answers listings from SQL.

use crate::db::catalog;
use crate::ports::StorageError;
use crate::AppState;
use std::sync::Arc;
use vitrina_shared::listing::{ListedProduct, ListingIndex};

/// The index if it answers for the catalog as it is now; `None` (ask SQL) while none is ready,
/// after a write that changed the catalog (a build starts) or where nothing may be kept.
pub async fn current(app: &AppState) -> Result<Option<Arc<ListingIndex>>, StorageError> {
    let Some(generation) = app.sql.generation() else { return Ok(None) };
    let known = app.pages.listings.lock().ok().and_then(|l| l.version_at(generation));
    let version = match known {
        Some(v) => v,
        None => {
            let v = catalog::catalog_version(app.sql.as_ref()).await?;
            if let Ok(mut l) = app.pages.listings.lock() {
                l.checked(generation, v);
            }
            v
        }
    };
    let now = app.clock.now().timestamp();
    let Ok((index, start)) = app.pages.listings.lock().map(|mut l| l.lookup(version, now)) else { return Ok(None) };
    if start {
        spawn_build(app.clone());
    }
    Ok(index)
}

/// Builds the index before the native host starts serving (at 100,000 products about a second),
/// so that its first listings do not fall to SQL while a build runs.
#[cfg(not(target_arch = "wasm32"))]
pub async fn warm(app: &AppState) {
    if app.sql.generation().is_some() && app.pages.listings.lock().is_ok_and(|mut l| l.claim()) {
        rebuild(app.clone()).await;
    }
}

/// Told each time a build ends.
#[cfg(not(target_arch = "wasm32"))]
static BUILT: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// [`current`] once the build under way, if any, has ended: what a caller that just changed the
/// catalog waits for (the tests do). It waits for a few builds at most: one that fails leaves
/// `None`, as SQL goes on answering.
#[cfg(not(target_arch = "wasm32"))]
pub async fn settled(app: &AppState) -> Result<Option<Arc<ListingIndex>>, StorageError> {
    for _ in 0..3 {
        let ended = BUILT.notified();
        tokio::pin!(ended);
        // Registered before looking, so that a build ending in between is not missed.
        ended.as_mut().enable();
        let index = current(app).await?;
        if index.is_some() || !app.pages.listings.lock().is_ok_and(|l| l.building()) {
            return Ok(index);
        }
        ended.await;
    }
    current(app).await
}

/// What an index is built from: the live products, the catalog version they are at and when a
/// scheduled price changes one of them. The version is read first, so that a write during the
/// read leaves the index behind the database (and rebuilt), never ahead of it.
async fn read(app: &AppState) -> Result<(Vec<ListedProduct>, i64, Option<i64>), StorageError> {
    let version = catalog::catalog_version(app.sql.as_ref()).await?;
    let (products, until) = catalog::listed_products(app.sql.as_ref(), app.clock.now().timestamp()).await?;
    Ok((products, version, until))
}

/// An index of the database as it is now (what a background build makes; tests build one to hold
/// it to SQL's answers).
pub async fn build(app: &AppState) -> Result<ListingIndex, StorageError> {
    Ok(ListingIndex::new(read(app).await?.0))
}

#[cfg(not(target_arch = "wasm32"))]
fn spawn_build(app: AppState) {
    tokio::spawn(rebuild(app));
}

/// A build claimed by the caller: the products read, the index made off the request threads, and
/// the slot given it (or, when it failed, left as it was: SQL answers).
#[cfg(not(target_arch = "wasm32"))]
async fn rebuild(app: AppState) {
    let started = std::time::Instant::now();
    let indexed = match read(&app).await {
        Ok((products, version, until)) => tokio::task::spawn_blocking(move || (ListingIndex::new(products), version, until))
            .await
            .map_err(|e| StorageError(format!("the listing index's build stopped: {e}"))),
        Err(e) => Err(e),
    };
    let built = match indexed {
        Ok((index, version, until)) => {
            let index = Arc::new(index);
            tracing::debug!(products = index.len(), version, ms = started.elapsed().as_millis(), "listing index built");
            Some((index, version, until))
        }
        Err(e) => {
            tracing::warn!(error = %e, "building the listing index failed; listings are answered by SQL");
            None
        }
    };
    if let Ok(mut l) = app.pages.listings.lock() {
        l.finish(built);
    }
    BUILT.notify_waiters();
}

#[cfg(target_arch = "wasm32")]
fn spawn_build(app: AppState) {
    if let Ok(mut l) = app.pages.listings.lock() {
        l.finish(None);
    }
}
