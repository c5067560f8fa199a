//! Storage access written once over the [`Sql`] port: migrations, demo seed, catalog, stores, stock.

use crate::ports::{Row, Sql, Statement, StorageError, Value};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use vitrina_shared::api::{CategoryInfo, ProductSummary};
use vitrina_shared::catalog::{search_text, Attribute, Category, Page, Product, ProductQuery, PER_PAGE};
use vitrina_shared::stock::StockLine;
use vitrina_shared::store::Store;
use vitrina_shared::{demo, CategoryId, Currency, Money, Sku, StoreId};

/// Numbered migrations, applied in order, each once.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_catalog.sql")),
    (2, include_str!("../migrations/0002_sessions_accounts_carts.sql")),
    (3, include_str!("../migrations/0003_orders.sql")),
    (4, include_str!("../migrations/0004_offers.sql")),
    (5, include_str!("../migrations/0005_push.sql")),
    (6, include_str!("../migrations/0006_checkout_claims.sql")),
    (7, include_str!("../migrations/0007_kiosks.sql")),
    (8, include_str!("../migrations/0008_push_locale.sql")),
];

/// The newest schema version.
pub fn schema_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Splits a migration script into statements: comment lines dropped first (they may contain `;`),
/// then split on `;`. Migrations must not put `;` inside string literals.
fn split_statements(script: &str) -> Vec<Statement> {
    let code: String = script.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
    code.split(';').filter(|s| !s.trim().is_empty()).map(|s| Statement::new(s.trim(), vec![])).collect()
}

/// Creates missing tables (each migration in its own transaction, recorded in `schema_migrations`)
/// and seeds the demo catalog into an empty database.
pub async fn migrate_and_seed(sql: &dyn Sql, now: DateTime<Utc>) -> Result<(), StorageError> {
    sql.batch(vec![Statement::new(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        vec![],
    )])
    .await?;
    let applied: Vec<i64> =
        sql.query("SELECT version FROM schema_migrations", vec![]).await?.iter().map(|r| r.int(0)).collect::<Result<_, _>>()?;
    for (version, script) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        let mut statements = split_statements(script);
        // INSERT OR IGNORE: two instances migrating at once both succeed.
        statements.push(Statement::new(
            "INSERT OR IGNORE INTO schema_migrations (version, applied_at) VALUES (?, ?)",
            vec![Value::Integer(*version), now.to_rfc3339().into()],
        ));
        sql.batch(statements).await?;
    }
    let products = sql.query("SELECT COUNT(*) FROM products", vec![]).await?;
    if products.first().map(|r| r.int(0)).transpose()?.unwrap_or(0) == 0 {
        sql.batch(seed_statements(now)).await?;
    }
    Ok(())
}

/// The demo data as one batch of inserts.
pub fn seed_statements(now: DateTime<Utc>) -> Vec<Statement> {
    let categories = demo::categories();
    let products = demo::products();
    let stores = demo::stores();
    let stock = demo::stock(&products, &stores);
    let stamp = now.to_rfc3339();
    let mut out = Vec::with_capacity(categories.len() + products.len() + stores.len() + stock.len());
    for (i, c) in categories.iter().enumerate() {
        out.push(Statement::new(
            "INSERT OR IGNORE INTO categories (id, name_ru, name_en, image, position) VALUES (?, ?, ?, ?, ?)",
            vec![
                c.id.as_str().into(),
                c.name_ru.clone().into(),
                c.name_en.clone().into(),
                c.image.clone().into(),
                Value::Integer(i as i64),
            ],
        ));
    }
    let by_id: HashMap<&CategoryId, &Category> = categories.iter().map(|c| (&c.id, c)).collect();
    for (i, p) in products.iter().enumerate() {
        let attributes = serde_json::to_string(&p.attributes).unwrap_or_else(|_| "[]".into());
        out.push(Statement::new(
            "INSERT OR IGNORE INTO products (sku, name, brand, category_id, description, price_minor, currency, attributes, image, search_text, position)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                p.sku.as_str().into(),
                p.name.clone().into(),
                p.brand.clone().into(),
                p.category.as_str().into(),
                p.description.clone().into(),
                Value::Integer(p.price.minor_units()),
                p.price.currency.code().into(),
                attributes.into(),
                p.image.clone().into(),
                search_text(p, by_id.get(&p.category).copied()).into(),
                Value::Integer(i as i64),
            ],
        ));
    }
    for (i, s) in stores.iter().enumerate() {
        let data = serde_json::to_string(s).unwrap_or_default();
        out.push(Statement::new(
            "INSERT OR IGNORE INTO stores (id, data, position) VALUES (?, ?, ?)",
            vec![s.id.as_str().into(), data.into(), Value::Integer(i as i64)],
        ));
    }
    for level in &stock {
        out.push(Statement::new(
            "INSERT OR IGNORE INTO stock (store_id, sku, on_hand, updated_at) VALUES (?, ?, ?, ?)",
            vec![level.store_id.as_str().into(), level.sku.as_str().into(), level.on_hand.into(), stamp.clone().into()],
        ));
    }
    out
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError(format!("stored {what} is unreadable: {e}"))
}

fn parse_currency(code: &str) -> Result<Currency, StorageError> {
    match code {
        "RUB" => Ok(Currency::Rub),
        other => Err(corrupt("currency", other)),
    }
}

/// Units of `s.sku` held at `s.store_id` by holds that have not expired at the first parameter.
pub const ACTIVE_HOLDS: &str =
    "COALESCE((SELECT SUM(h.qty) FROM holds h WHERE h.store_id = s.store_id AND h.sku = s.sku AND h.expires_at > ?), 0)";

/// The product columns and the units available across the chain; takes `now` as its one parameter.
fn product_columns() -> String {
    format!(
        "p.sku, p.name, p.brand, p.category_id, p.description, p.price_minor, p.currency, p.attributes, p.image,
         COALESCE((SELECT SUM(MAX(0, s.on_hand - {ACTIVE_HOLDS})) FROM stock s WHERE s.sku = p.sku), 0)"
    )
}

fn product_from_row(row: &Row) -> Result<(Product, u32), StorageError> {
    let attributes: Vec<Attribute> = serde_json::from_str(row.text(7)?).map_err(|e| corrupt("attributes", e))?;
    let product = Product {
        sku: Sku::parse(row.text(0)?).map_err(|e| corrupt("sku", e))?,
        name: row.text(1)?.to_owned(),
        brand: row.text(2)?.to_owned(),
        category: CategoryId::parse(row.text(3)?).map_err(|e| corrupt("category", e))?,
        description: row.text(4)?.to_owned(),
        price: Money::from_minor_units(row.int(5)?, parse_currency(row.text(6)?)?),
        attributes,
        image: row.text(8)?.to_owned(),
    };
    let total = u32::try_from(row.int(9)?).unwrap_or(u32::MAX);
    Ok((product, total))
}

pub async fn categories(sql: &dyn Sql) -> Result<Vec<CategoryInfo>, StorageError> {
    let rows = sql
        .query(
            "SELECT c.id, c.name_ru, c.name_en, c.image, (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id)
             FROM categories c ORDER BY c.position",
            vec![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CategoryInfo {
                category: Category {
                    id: CategoryId::parse(r.text(0)?).map_err(|e| corrupt("category", e))?,
                    name_ru: r.text(1)?.to_owned(),
                    name_en: r.text(2)?.to_owned(),
                    image: r.text(3)?.to_owned(),
                },
                product_count: u32::try_from(r.int(4)?).unwrap_or(0),
            })
        })
        .collect()
}

pub async fn category_exists(sql: &dyn Sql, id: &CategoryId) -> Result<bool, StorageError> {
    Ok(!sql.query("SELECT 1 FROM categories WHERE id = ?", vec![id.as_str().into()]).await?.is_empty())
}

/// A page of products matching every word of the search text and the category.
pub async fn search_products(sql: &dyn Sql, q: &ProductQuery, now: i64) -> Result<Page<ProductSummary>, StorageError> {
    let mut filter = String::from("WHERE 1 = 1");
    let mut params: Vec<Value> = Vec::new();
    for word in q.text.split(' ').filter(|w| !w.is_empty()).take(10) {
        filter.push_str(" AND instr(p.search_text, ?) > 0");
        params.push(word.into());
    }
    if let Some(c) = &q.category {
        filter.push_str(" AND p.category_id = ?");
        params.push(c.as_str().into());
    }
    let count_sql = format!("SELECT COUNT(*) FROM products p {filter}");
    let total = sql.query(&count_sql, params.clone()).await?.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
    let page_sql = format!("SELECT {} FROM products p {filter} ORDER BY p.position LIMIT ? OFFSET ?", product_columns());
    params.insert(0, now.into());
    params.push(PER_PAGE.into());
    params.push(q.offset().into());
    let items = sql
        .query(&page_sql, params)
        .await?
        .iter()
        .map(|r| product_from_row(r).map(|(p, total)| ProductSummary::from_product(&p, total)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(items, q.page, u32::try_from(total).unwrap_or(0)))
}

/// A product and the units available across the chain at `now` (on hand less active holds).
pub async fn product(sql: &dyn Sql, sku: &Sku, now: i64) -> Result<Option<(Product, u32)>, StorageError> {
    let q = format!("SELECT {} FROM products p WHERE p.sku = ?", product_columns());
    sql.query(&q, vec![now.into(), sku.as_str().into()]).await?.first().map(product_from_row).transpose()
}

pub async fn stores(sql: &dyn Sql) -> Result<Vec<Store>, StorageError> {
    sql.query("SELECT data FROM stores ORDER BY position", vec![])
        .await?
        .iter()
        .map(|r| serde_json::from_str(r.text(0)?).map_err(|e| corrupt("store", e)))
        .collect()
}

/// Units available per store for one SKU at `now`: on hand less active holds.
pub async fn stock_for(sql: &dyn Sql, sku: &Sku, now: i64) -> Result<HashMap<StoreId, u32>, StorageError> {
    let q = format!("SELECT s.store_id, MAX(0, s.on_hand - {ACTIVE_HOLDS}) FROM stock s WHERE s.sku = ?");
    sql.query(&q, vec![now.into(), sku.as_str().into()])
        .await?
        .iter()
        .map(|r| {
            let store = StoreId::parse(r.text(0)?).map_err(|e| corrupt("store id", e))?;
            Ok((store, u32::try_from(r.int(1)?).unwrap_or(0)))
        })
        .collect()
}

/// Which of `skus` are not in the catalog.
pub async fn unknown_skus(sql: &dyn Sql, skus: &[&Sku]) -> Result<Vec<Sku>, StorageError> {
    let mut unknown = Vec::new();
    for chunk in skus.chunks(200) {
        let marks = vec!["?"; chunk.len()].join(",");
        let q = format!("SELECT sku FROM products WHERE sku IN ({marks})");
        let found: Vec<String> = sql
            .query(&q, chunk.iter().map(|s| s.as_str().into()).collect())
            .await?
            .iter()
            .map(|r| r.text(0).map(str::to_owned))
            .collect::<Result<_, _>>()?;
        unknown.extend(chunk.iter().filter(|s| !found.iter().any(|f| f == s.as_str())).map(|s| (*s).clone()));
    }
    Ok(unknown)
}

/// Sets on-hand quantities for one store, all lines in one transaction.
pub async fn set_stock(sql: &dyn Sql, store: &StoreId, lines: &[StockLine], now: DateTime<Utc>) -> Result<u32, StorageError> {
    let stamp = now.to_rfc3339();
    let statements = lines
        .iter()
        .map(|l| {
            Statement::new(
                "INSERT INTO stock (store_id, sku, on_hand, updated_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = excluded.on_hand, updated_at = excluded.updated_at",
                vec![store.as_str().into(), l.sku.as_str().into(), l.on_hand.into(), stamp.clone().into()],
            )
        })
        .collect();
    let changed = sql.batch(statements).await?;
    Ok(u32::try_from(changed.len()).unwrap_or(u32::MAX))
}

pub async fn counts(sql: &dyn Sql) -> Result<(u32, u32), StorageError> {
    let rows = sql.query("SELECT (SELECT COUNT(*) FROM products), (SELECT COUNT(*) FROM stores)", vec![]).await?;
    let row = rows.first().ok_or_else(|| StorageError("count query returned no row".into()))?;
    Ok((u32::try_from(row.int(0)?).unwrap_or(0), u32::try_from(row.int(1)?).unwrap_or(0)))
}

/// Products with units available at `store` at `now`, in catalog order, at most `limit` (a
/// store's page).
pub async fn in_stock_at(sql: &dyn Sql, store: &StoreId, now: i64, limit: u32) -> Result<Vec<ProductSummary>, StorageError> {
    let q = format!(
        "SELECT {} FROM products p
         WHERE EXISTS (SELECT 1 FROM stock s WHERE s.sku = p.sku AND s.store_id = ? AND s.on_hand - {ACTIVE_HOLDS} > 0)
         ORDER BY p.position LIMIT ?",
        product_columns()
    );
    sql.query(&q, vec![now.into(), store.as_str().into(), now.into(), limit.into()])
        .await?
        .iter()
        .map(|r| product_from_row(r).map(|(p, total)| ProductSummary::from_product(&p, total)))
        .collect()
}

/// Every product's SKU and category with the moment its stock last changed (RFC 3339, if ever),
/// in catalog order: the sitemap's `lastmod`.
pub async fn catalog_changes(sql: &dyn Sql) -> Result<Vec<(Sku, CategoryId, Option<String>)>, StorageError> {
    sql.query(
        "SELECT p.sku, p.category_id, (SELECT MAX(s.updated_at) FROM stock s WHERE s.sku = p.sku) FROM products p ORDER BY p.position",
        vec![],
    )
    .await?
    .iter()
    .map(|r| {
        let sku = Sku::parse(r.text(0)?).map_err(|e| corrupt("sku", e))?;
        let category = CategoryId::parse(r.text(1)?).map_err(|e| corrupt("category", e))?;
        Ok((sku, category, r.opt_text(2)?.map(str::to_owned)))
    })
    .collect()
}
