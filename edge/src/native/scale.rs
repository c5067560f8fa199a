//! A catalog at a retailer's scale for the benchmarks (`vitrina generate`, `cargo xtask bench
//! scale`): products written as a CSV and loaded through the import (so the import is what is
//! timed), then stores around Moscow and Saint Petersburg and a stock row for every product in
//! every store, written straight into SQLite in one transaction.

use crate::db::bulk::Mix;
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
        tracing::info!(products = missing, "importing generated products as CSV");
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
    let stock_rows = tokio::task::block_in_place(|| crate::db::bulk::write_stores_and_stock(&data.join("vitrina.db"), add))?;
    Ok(Generated { import, import_seconds, stores_added: add, stock_rows, stock_seconds: started.elapsed().as_secs_f64() })
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
