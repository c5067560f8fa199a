//! A catalog at a retailer's scale for the benchmarks (`vitrina generate`, `cargo xtask bench
//! scale`): products written as a CSV and loaded through the import (so the import is what is
//! timed), then stores around Moscow and Saint Petersburg and a stock row for every product in
//! every store, written straight into SQLite in one transaction.

use crate::db::imports::Outcome;
use crate::imports;
use crate::ports::StorageError;
use crate::AppState;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;
use vitrina_shared::import::ImportFormat;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Products in the catalog afterwards (the demo's 312 count towards it).
    pub products: u32,
    /// Stores afterwards (the demo's 13 count towards it).
    pub stores: u32,
}

/// What generating took.
#[derive(Debug, Clone)]
pub struct Generated {
    pub import: Outcome,
    pub import_seconds: f64,
    pub stores_added: u32,
    pub stock_rows: u64,
    pub stock_seconds: f64,
}

/// A small deterministic generator (SplitMix64), so every run builds the same catalog.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

/// Per category of the demo: the word a product's name starts with, and an attribute with its values.
const KINDS: [(&str, &str, &str, &[&str]); 12] = [
    ("smartphones", "Смартфон", "Память", &["64 ГБ", "128 ГБ", "256 ГБ", "512 ГБ"]),
    ("laptops", "Ноутбук", "Оперативная память", &["8 ГБ", "16 ГБ", "32 ГБ"]),
    ("headphones", "Наушники", "Тип", &["накладные", "полноразмерные", "вкладыши", "внутриканальные"]),
    ("tv", "Телевизор", "Диагональ", &["43″", "50″", "55″", "65″", "75″"]),
    ("kitchen", "Чайник", "Объём", &["1,5 л", "1,7 л", "2 л"]),
    ("vacuum", "Пылесос", "Тип", &["робот", "вертикальный", "с контейнером", "моющий"]),
    ("smart-home", "Умная лампа", "Цоколь", &["E27", "E14", "GU10"]),
    ("sport", "Гантели", "Вес", &["2 кг", "5 кг", "10 кг", "20 кг"]),
    ("bikes", "Велосипед", "Диаметр колёс", &["20″", "24″", "26″", "29″"]),
    ("cookware", "Сковорода", "Диаметр", &["20 см", "24 см", "26 см", "28 см"]),
    ("home-textile", "Плед", "Размер", &["130×170", "150×200", "200×220"]),
    ("toys", "Конструктор", "Возраст", &["3+", "6+", "8+", "12+"]),
];
const BRANDS: [&str; 24] = [
    "Nova",
    "Орбита",
    "Север",
    "Polaris",
    "Кедр",
    "Altai",
    "Вектор",
    "Zenit",
    "Бриз",
    "Ладога",
    "Sokol",
    "Титан",
    "Луч",
    "Volga",
    "Сапсан",
    "Irbis",
    "Меридиан",
    "Baikal",
    "Волна",
    "Kama",
    "Пульсар",
    "Onega",
    "Искра",
    "Taiga",
];
const COLOURS: [&str; 6] = ["чёрный", "белый", "серый", "синий", "красный", "зелёный"];

/// The CSV of products `first..first + count` (SKUs `GEN-0000001` on).
pub fn products_csv(first: u32, count: u32) -> String {
    let mut mix = Mix(u64::from(first) ^ 0x5CA1E);
    let mut csv = String::with_capacity(usize::try_from(count).unwrap_or(0) * 200);
    csv.push_str("sku,name,brand,category,price,description,attributes\n");
    for i in first..first + count {
        let (category, word, attribute, values) = KINDS[usize::try_from(mix.below(KINDS.len() as u64)).unwrap_or(0)];
        let brand = mix.pick(&BRANDS);
        let value = mix.pick(values);
        let colour = mix.pick(&COLOURS);
        let price = 490 + mix.below(149_500);
        let model = mix.below(900) + 100;
        let _ = writeln!(
            csv,
            "GEN-{i:07},\"{word} {brand} {model}, {value}, {colour}\",{brand},{category},{price}.00,\"{word} {brand} {model}: {attribute} {value}, цвет {colour}.\",\"{attribute}={value}; Цвет={colour}\""
        );
    }
    csv
}

/// Brings the catalog in `data` (opened as `app`, which is closed before the stock is written on
/// a connection of its own) up to `scale`: products through the import, then stores and a stock
/// row for every product in every store.
pub async fn generate(app: AppState, data: &Path, scale: Scale) -> Result<Generated, StorageError> {
    let (products, stores) = crate::db::catalog::counts(app.sql.as_ref()).await?;
    let missing = scale.products.saturating_sub(products);
    let started = Instant::now();
    let mut import = Outcome::default();
    if missing > 0 {
        eprintln!("vitrina generate: importing {missing} products as CSV");
        let csv = products_csv(products + 1, missing);
        let id = imports::queue_files(&app, ImportFormat::Csv, vec![("generated.csv".into(), csv.into_bytes())], "generate").await?;
        match imports::run(&app, &id, app.clock.now().timestamp()).await? {
            Some(Ok(outcome)) => import = outcome,
            Some(Err((code, message))) => return Err(StorageError(format!("the generated import failed: {message} ({code})"))),
            None => return Err(StorageError("the generated import did not run".into())),
        }
    }
    let import_seconds = started.elapsed().as_secs_f64();
    drop(app);
    let started = Instant::now();
    let add = scale.stores.saturating_sub(stores);
    let stock_rows = tokio::task::block_in_place(|| write_stores_and_stock(&data.join("vitrina.db"), add))?;
    Ok(Generated { import, import_seconds, stores_added: add, stock_rows, stock_seconds: started.elapsed().as_secs_f64() })
}

fn db_error(what: &str) -> impl Fn(rusqlite::Error) -> StorageError + '_ {
    move |e| StorageError(format!("{what}: {e}"))
}

/// Adds `add` stores copied from the demo's (new ids, names, places) and sets stock for every
/// product in every store, in one transaction, the `stock_by_sku` index rebuilt after.
fn write_stores_and_stock(path: &Path, add: u32) -> Result<u64, StorageError> {
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
                eprintln!("vitrina generate: stock for {} of {} stores", i + 1, stores.len());
            }
        }
    }
    eprintln!("vitrina generate: indexing stock by SKU");
    tx.execute("CREATE INDEX IF NOT EXISTS stock_by_sku ON stock(sku, on_hand)", []).map_err(db_error("indexing stock"))?;
    tx.commit().map_err(db_error("committing"))?;
    conn.execute_batch("PRAGMA journal_mode = WAL;").map_err(db_error("restoring the write-ahead log"))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_csv_is_deterministic_and_reads_as_products() {
        let csv = products_csv(313, 50);
        assert_eq!(csv, products_csv(313, 50));
        let parsed = vitrina_shared::import::parse(ImportFormat::Csv, &[("g.csv".into(), csv.into_bytes())]).expect("parsed");
        assert_eq!((parsed.records.len(), parsed.refused.len()), (50, 0));
        assert_eq!(parsed.records[0].sku, "GEN-0000313");
    }
}
