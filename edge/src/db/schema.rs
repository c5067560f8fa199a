//! The schema: numbered migrations (`edge/migrations/NNNN_*.sql`, each applied once, recorded in
//! `schema_migrations`) and the demo seed.

use super::{all, first, Count, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use vitrina_shared::catalog::{search_text, Category};
use vitrina_shared::{demo, CategoryId};

/// Numbered migrations, applied in order, each once.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/0001_catalog.sql")),
    (2, include_str!("../../migrations/0002_sessions_accounts_carts.sql")),
    (3, include_str!("../../migrations/0003_orders.sql")),
    (4, include_str!("../../migrations/0004_offers.sql")),
    (5, include_str!("../../migrations/0005_push.sql")),
    (6, include_str!("../../migrations/0006_checkout_claims.sql")),
    (7, include_str!("../../migrations/0007_kiosks.sql")),
    (8, include_str!("../../migrations/0008_push_locale.sql")),
    (9, include_str!("../../migrations/0009_search.sql")),
    (10, include_str!("../../migrations/0010_merchandising.sql")),
    (11, include_str!("../../migrations/0011_imports.sql")),
    (12, include_str!("../../migrations/0012_ratings.sql")),
    (13, include_str!("../../migrations/0013_scale.sql")),
    (14, include_str!("../../migrations/0014_price_in_force.sql")),
    (15, include_str!("../../migrations/0015_product_pictures.sql")),
    (16, include_str!("../../migrations/0016_pictures.sql")),
    (17, include_str!("../../migrations/0017_listing_index.sql")),
    (18, include_str!("../../migrations/0018_shelves.sql")),
];

/// What a migration's transaction does besides its script: rows computed in Rust.
fn computed_rows(version: i64, now: i64) -> Vec<Statement> {
    match version {
        // Every product's price in force now and the time of its next scheduled one.
        14 => vec![super::catalog::settle_prices(super::catalog::Settle::All, now)],
        // The default synonyms, with their stems.
        9 => super::search::default_synonym_statements(),
        // The demo products' ratings, in a database seeded before ratings.
        12 => demo::products().iter().map(|p| super::catalog::seed_rating(&p.sku)).collect(),
        _ => Vec::new(),
    }
}

/// The newest schema version.
pub fn schema_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Splits a migration script into statements: comment lines dropped first (they may contain `;`),
/// then split on `;`, except inside a `CREATE TRIGGER … BEGIN … END` (its body's statements end
/// in `;` too). Migrations must not put `;` inside string literals.
fn split_statements(script: &str) -> Vec<Statement> {
    let code: String = script.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
    let mut statements = Vec::new();
    let mut open = String::new();
    for piece in code.split(';') {
        if !open.is_empty() {
            open.push(';');
        }
        open.push_str(piece);
        let text = open.trim();
        let trigger = text.get(..14).is_some_and(|s| s.eq_ignore_ascii_case("CREATE TRIGGER"));
        let ended = text.get(text.len().saturating_sub(3)..).is_some_and(|s| s.eq_ignore_ascii_case("END"));
        if trigger && !ended {
            continue;
        }
        if !text.is_empty() {
            statements.push(Statement::new(text, vec![]));
        }
        open.clear();
    }
    if !open.trim().is_empty() {
        statements.push(Statement::new(open.trim(), vec![]));
    }
    statements
}

/// An applied migration.
struct Applied {
    version: i64,
}

impl FromRow for Applied {
    const COLUMNS: &'static [&'static str] = &["version"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Applied { version: row.int("version")? })
    }
}

const APPLIED: &str = "SELECT version FROM schema_migrations";
const PRODUCT_COUNT: &str = "SELECT COUNT(*) AS n FROM products";

const CREATE_MIGRATIONS: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";
const CURRENT: &str = "SELECT COALESCE(MAX(version), 0) AS n FROM schema_migrations";

/// The schema version the database itself records (0 for a database without the table).
pub async fn database_version(sql: &dyn Sql) -> i64 {
    first::<Count>(sql, CURRENT, vec![]).await.ok().flatten().map_or(0, |c| c.0)
}

/// Creates missing tables and seeds the demo catalog into an empty database. The database is the
/// truth for its schema: each migration is one transaction that starts by recording its version in
/// `schema_migrations` (a plain `INSERT`, so of two instances migrating the same database at once
/// the second one's transaction fails on the key and changes nothing; it then finds the version
/// applied and goes on). The demo seed likewise: a failed seed is fine if products are there now.
pub async fn migrate_and_seed(sql: &dyn Sql, now: DateTime<Utc>) -> Result<(), StorageError> {
    sql.batch(vec![Statement::new(CREATE_MIGRATIONS, vec![])]).await?;
    let applied: Vec<i64> = all::<Applied>(sql, APPLIED, vec![]).await?.into_iter().map(|a| a.version).collect();
    for (version, script) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        let mut statements = vec![Statement::new(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
            vec![Value::Integer(*version), now.to_rfc3339().into()],
        )];
        statements.extend(split_statements(script));
        statements.extend(computed_rows(*version, now.timestamp()));
        if let Err(e) = sql.batch(statements).await {
            let now_applied = all::<Applied>(sql, APPLIED, vec![]).await?.iter().any(|a| a.version == *version);
            if !now_applied {
                return Err(e.into());
            }
        }
    }
    if product_count(sql).await? == 0 {
        if let Err(e) = sql.batch(seed_statements(now)).await {
            if product_count(sql).await? == 0 {
                return Err(e.into());
            }
        }
    }
    // Products written before search existed (or without their index statements) are indexed now.
    super::catalog::index_missing(sql, now.timestamp()).await?;
    Ok(())
}

async fn product_count(sql: &dyn Sql) -> Result<i64, StorageError> {
    Ok(first::<Count>(sql, PRODUCT_COUNT, vec![]).await?.map_or(0, |c| c.0))
}

/// Brings the database to this build's schema if it is not there yet; `true` when it had to (then
/// the caller creates the first accounts). One cheap read when it is: the database, not a marker
/// kept elsewhere, says which schema it has, so a replaced or restored database is migrated too.
pub async fn ensure(sql: &dyn Sql, now: DateTime<Utc>) -> Result<bool, StorageError> {
    if database_version(sql).await == schema_version() {
        return Ok(false);
    }
    migrate_and_seed(sql, now).await?;
    Ok(true)
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
    let mut index = Vec::with_capacity(products.len() * 3);
    for (i, p) in products.iter().enumerate() {
        let mut params = super::catalog::product_row(p, &search_text(p, by_id.get(&p.category).copied()));
        params.push(Value::Integer(i as i64));
        out.push(Statement::new(
            "INSERT OR IGNORE INTO products (sku, name, brand, category_id, description, price_minor, currency, attributes, image, search_text, position)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            params,
        ));
        index.extend(super::catalog::reindex_product_statements(p, by_id.get(&p.category).copied()));
        index.push(super::catalog::seed_rating(&p.sku));
    }
    out.extend(index);
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

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![checked::<Applied>(APPLIED), checked::<Count>(PRODUCT_COUNT), checked::<Count>(CURRENT)]
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn a_trigger_body_stays_one_statement_while_other_statements_split_on_semicolons() {
        let script = "-- a comment; with a semicolon\nCREATE TABLE a (x);\nCREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n    UPDATE a SET x = 1;\n    UPDATE a SET x = 2;\nEND;\nINSERT INTO a VALUES (1)";
        let sql: Vec<String> = split_statements(script).into_iter().map(|s| s.sql.to_string()).collect();
        assert_eq!(
            sql,
            [
                "CREATE TABLE a (x)",
                "CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n    UPDATE a SET x = 1;\n    UPDATE a SET x = 2;\nEND",
                "INSERT INTO a VALUES (1)"
            ]
        );
    }
}
