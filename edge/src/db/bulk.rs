//! Bulk writes for the benchmark catalog (`vitrina generate`, native only): 100 million stock rows
//! go through one prepared statement on a connection of their own, not through `Sql::batch`.

use crate::ports::StorageError;
use std::path::Path;

/// A small deterministic generator (SplitMix64 over `demo::mix`), so every run builds the same catalog.
pub(crate) struct Mix(pub u64);

impl Mix {
    fn next(&mut self) -> u64 {
        let out = vitrina_shared::demo::mix(self.0);
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        out
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

fn db_error(what: &str) -> impl Fn(rusqlite::Error) -> StorageError + '_ {
    move |e| StorageError(format!("{what}: {e}"))
}

/// Every product's shelf (migration 18) from the stock table.
const SHELVES: &str =
    "INSERT INTO shelves (sku, stores) SELECT sku, ',' || group_concat(store_id || ':' || on_hand, ',') || ',' FROM stock WHERE on_hand > 0 GROUP BY sku";

/// Adds `add` stores copied from the demo's (new ids, names, places) and sets stock for every
/// product in every store, in one transaction, the `stock_by_sku` index rebuilt after.
pub fn write_stores_and_stock(path: &Path, add: u32) -> Result<u64, StorageError> {
    let mut conn = rusqlite::Connection::open(path).map_err(db_error("opening the database"))?;
    // Without a journal for the bulk write (a failed run is simply generated again): through the
    // host's write-ahead log, 100 million rows would need the database's size twice on disk.
    conn.execute_batch(
        "PRAGMA journal_mode = DELETE; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY;",
    )
    .map_err(db_error("tuning the connection"))?;
    let templates: Vec<String> = {
        let mut stmt = conn.prepare("SELECT data FROM stores ORDER BY position").map_err(db_error("reading stores"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(db_error("reading stores"))?;
        rows.collect::<Result<_, _>>().map_err(db_error("reading stores"))?
    };
    let tx = conn.transaction().map_err(db_error("beginning"))?;
    let mut mix = Mix(0x5704E);
    {
        let mut insert = tx
            .prepare("INSERT INTO stores (id, data, position) VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM stores))")
            .map_err(db_error("preparing stores"))?;
        for n in 0..add {
            let template = &templates[usize::try_from(n).unwrap_or(0) % templates.len().max(1)];
            let mut store: serde_json::Value = serde_json::from_str(template).map_err(|e| StorageError(format!("a store's data: {e}")))?;
            let city = store["city"].as_str().unwrap_or("moscow").to_owned();
            let prefix = if city == "moscow" { "msk" } else { "spb" };
            let id = format!("{prefix}-gen-{n:04}");
            let (lat, lon) = if city == "moscow" { (55.7558, 37.6173) } else { (59.9386, 30.3141) };
            // Within about 25 km of the centre.
            let jitter = |mix: &mut Mix| (mix.below(50_000) as f64 / 100_000.0) - 0.25;
            store["id"] = id.clone().into();
            store["name"] = format!("Витрина №{}", n + 100).into();
            store["address"] = format!("ул. Складская, {}", n + 1).into();
            store["location"] = serde_json::json!({"lat": lat + jitter(&mut mix), "lon": lon + jitter(&mut mix) * 1.8});
            insert.execute(rusqlite::params![id, store.to_string()]).map_err(db_error("adding a store"))?;
        }
    }
    // The triggers that keep products.units_on_hand and the shelves would update a product and its
    // shelf for each of the 100 million rows: they are set aside and the sums and shelves made
    // once at the end.
    let triggers: Vec<(String, String)> = {
        let mut stmt = tx
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'stock'")
            .map_err(db_error("reading triggers"))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(db_error("reading triggers"))?;
        rows.collect::<Result<_, _>>().map_err(db_error("reading triggers"))?
    };
    for (name, _) in &triggers {
        tx.execute(&format!("DROP TRIGGER \"{name}\""), []).map_err(db_error("setting the stock triggers aside"))?;
    }
    tx.execute("DELETE FROM stock", []).map_err(db_error("clearing stock"))?;
    tx.execute("DROP INDEX IF EXISTS stock_by_sku", []).map_err(db_error("dropping stock_by_sku"))?;
    let stores: Vec<String> = {
        let mut stmt = tx.prepare("SELECT id FROM stores ORDER BY id").map_err(db_error("reading stores"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(db_error("reading stores"))?;
        rows.collect::<Result<_, _>>().map_err(db_error("reading stores"))?
    };
    let skus: Vec<String> = {
        let mut stmt = tx.prepare("SELECT sku FROM products ORDER BY sku").map_err(db_error("reading products"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(db_error("reading products"))?;
        rows.collect::<Result<_, _>>().map_err(db_error("reading products"))?
    };
    let stamp = chrono::Utc::now().to_rfc3339();
    let mut rows = 0_u64;
    {
        let mut insert = tx
            .prepare("INSERT INTO stock (store_id, sku, on_hand, updated_at) VALUES (?, ?, ?, ?)")
            .map_err(db_error("preparing stock"))?;
        for (i, store) in stores.iter().enumerate() {
            for sku in &skus {
                // A third of the shelves empty, the rest 1–20 units.
                let units = if mix.below(3) == 0 { 0 } else { 1 + mix.below(20) };
                insert.execute(rusqlite::params![store, sku, units, stamp]).map_err(db_error("adding stock"))?;
                rows += 1;
            }
            if i % 100 == 99 {
                tracing::info!(stores = i + 1, of = stores.len(), "stock written");
            }
        }
    }
    tracing::info!("indexing stock by SKU");
    tx.execute("CREATE INDEX IF NOT EXISTS stock_by_sku ON stock(sku, on_hand)", []).map_err(db_error("indexing stock"))?;
    tracing::info!("summing units on hand per product");
    tx.execute("UPDATE products SET units_on_hand = COALESCE((SELECT SUM(s.on_hand) FROM stock s WHERE s.sku = products.sku), 0)", [])
        .map_err(db_error("summing units on hand"))?;
    tracing::info!("listing the stores that have each product");
    tx.execute("DELETE FROM shelves", []).map_err(db_error("clearing the shelves"))?;
    tx.execute(SHELVES, []).map_err(db_error("listing the shelves"))?;
    for (_, trigger) in &triggers {
        tx.execute(trigger, []).map_err(db_error("restoring the stock triggers"))?;
    }
    tx.commit().map_err(db_error("committing"))?;
    conn.execute_batch("PRAGMA journal_mode = WAL;").map_err(db_error("restoring the write-ahead log"))?;
    Ok(rows)
}
