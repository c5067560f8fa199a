//! The catalog: categories, products (with the units available across the chain) and stores.

use super::stock::ACTIVE_HOLDS;
use super::{all, corrupt, exists, first, Count, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use vitrina_shared::api::{CategoryInfo, ProductSummary};
use vitrina_shared::catalog::{Attribute, Category, Page, Product, ProductQuery, PER_PAGE};
use vitrina_shared::search::index_text;
use vitrina_shared::store::Store;
use vitrina_shared::{CategoryId, Currency, Money, Sku, StoreId};

pub(crate) fn parse_currency(code: &str) -> Result<Currency, StorageError> {
    match code {
        "RUB" => Ok(Currency::Rub),
        other => Err(corrupt("currency", other)),
    }
}

/// A product and the units available across the chain (on hand less active holds).
struct ProductRow(Product, u32);

impl FromRow for ProductRow {
    const COLUMNS: &'static [&'static str] =
        &["sku", "name", "brand", "category_id", "description", "price_minor", "currency", "attributes", "image", "available"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let attributes: Vec<Attribute> = serde_json::from_str(row.text("attributes")?).map_err(|e| corrupt("attributes", e))?;
        let product = Product {
            sku: Sku::parse(row.text("sku")?).map_err(|e| corrupt("sku", e))?,
            name: row.text("name")?.to_owned(),
            brand: row.text("brand")?.to_owned(),
            category: CategoryId::parse(row.text("category_id")?).map_err(|e| corrupt("category", e))?,
            description: row.text("description")?.to_owned(),
            price: Money::from_minor_units(row.int("price_minor")?, parse_currency(row.text("currency")?)?),
            attributes,
            image: row.text("image")?.to_owned(),
        };
        Ok(ProductRow(product, u32::try_from(row.int("available")?).unwrap_or(u32::MAX)))
    }
}

/// The SELECT of products `p` narrowed by `filter`; its first parameter is `now` (for the holds).
fn product_select(filter: &str) -> String {
    format!(
        "SELECT p.sku, p.name, p.brand, p.category_id, p.description, p.price_minor, p.currency, p.attributes, p.image,
                COALESCE((SELECT SUM(MAX(0, s.on_hand - {ACTIVE_HOLDS})) FROM stock s WHERE s.sku = p.sku), 0) AS available
         FROM products p {filter}"
    )
}

const CATEGORIES: &str =
    "SELECT c.id, c.name_ru, c.name_en, c.image, (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id) AS product_count
     FROM categories c ORDER BY c.position";

struct CategoryRow(CategoryInfo);

impl FromRow for CategoryRow {
    const COLUMNS: &'static [&'static str] = &["id", "name_ru", "name_en", "image", "product_count"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(CategoryRow(CategoryInfo {
            category: Category {
                id: CategoryId::parse(row.text("id")?).map_err(|e| corrupt("category", e))?,
                name_ru: row.text("name_ru")?.to_owned(),
                name_en: row.text("name_en")?.to_owned(),
                image: row.text("image")?.to_owned(),
            },
            product_count: u32::try_from(row.int("product_count")?).unwrap_or(0),
        }))
    }
}

pub async fn categories(sql: &dyn Sql) -> Result<Vec<CategoryInfo>, StorageError> {
    Ok(all::<CategoryRow>(sql, CATEGORIES, vec![]).await?.into_iter().map(|c| c.0).collect())
}

pub async fn category_exists(sql: &dyn Sql, id: &CategoryId) -> Result<bool, StorageError> {
    exists(sql, "SELECT 1 FROM categories WHERE id = ?", vec![id.as_str().into()]).await
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
    let count_sql = format!("SELECT COUNT(*) AS n FROM products p {filter}");
    let total = first::<Count>(sql, &count_sql, params.clone()).await?.map_or(0, |c| c.0);
    let page_sql = format!("{} ORDER BY p.position LIMIT ? OFFSET ?", product_select(&filter));
    params.insert(0, now.into());
    params.push(PER_PAGE.into());
    params.push(q.offset().into());
    let items = all::<ProductRow>(sql, &page_sql, params)
        .await?
        .into_iter()
        .map(|ProductRow(p, total)| ProductSummary::from_product(&p, total))
        .collect();
    Ok(Page::new(items, q.page, u32::try_from(total).unwrap_or(0)))
}

/// The products `product_search MATCH ?` finds (`d` their search documents), narrowed by `and`.
fn matched(and: &str) -> String {
    format!(
        "JOIN search_documents d ON d.sku = p.sku JOIN product_search ON product_search.rowid = d.id WHERE product_search MATCH ? {and}"
    )
}

/// A page of the products `product_search MATCH ?` finds (in category `?` when `in_category`),
/// ranked: the exact name first (each of the first three `?` the normalised query), then a name that
/// starts with it, then products in stock, then FTS5's bm25 relevance (name and brand weigh five
/// times the rest), then catalog order. The page is chosen first, so the units available (a sum
/// over every store) are counted for its rows only; whether a product is in stock at all stops
/// at the first store that has it.
fn matched_select(in_category: bool) -> String {
    let and = if in_category { "AND c.category_id = ?" } else { "" };
    product_select(&format!(
        "JOIN (SELECT d.sku,
                CASE WHEN d.name = ? THEN 0 WHEN substr(d.name, 1, length(?)) = ? THEN 1 ELSE 2 END AS name_rank,
                EXISTS (SELECT 1 FROM stock s WHERE s.sku = d.sku AND s.on_hand - {ACTIVE_HOLDS} > 0) AS in_stock,
                bm25(product_search, 5.0, 1.0) AS relevance, c.position
              FROM product_search JOIN search_documents d ON d.id = product_search.rowid JOIN products c ON c.sku = d.sku
              WHERE product_search MATCH ? {and}
              ORDER BY name_rank, in_stock DESC, relevance, c.position LIMIT ? OFFSET ?) m ON m.sku = p.sku
         ORDER BY m.name_rank, m.in_stock DESC, m.relevance, m.position"
    ))
}

fn matched_count(and: &str) -> String {
    format!("SELECT COUNT(*) AS n FROM products p {}", matched(and))
}

/// A page of the products an FTS5 `expression` matches (see `vitrina_shared::search`), in the
/// category if one is given, ranked (see `matched_select`); `name` is the normalised query text.
pub async fn search_matching(
    sql: &dyn Sql,
    expression: &str,
    name: &str,
    category: Option<&CategoryId>,
    page: u32,
    now: i64,
) -> Result<Page<ProductSummary>, StorageError> {
    let mut filter: Vec<Value> = vec![expression.into()];
    if let Some(c) = category {
        filter.push(c.as_str().into());
    }
    let and = if category.is_some() { "AND p.category_id = ?" } else { "" };
    let total = first::<Count>(sql, &matched_count(and), filter.clone()).await?.map_or(0, |c| c.0);
    if total == 0 {
        return Ok(Page::new(Vec::new(), page, 0));
    }
    // In the order of the statement's `?`: the sum's `now`, the name three times, the in-stock
    // check's `now`, the match (and category), the page.
    let mut params: Vec<Value> = vec![now.into(), name.into(), name.into(), name.into(), now.into()];
    params.extend(filter);
    params.extend([PER_PAGE.into(), ((page - 1) * PER_PAGE).into()]);
    let items = all::<ProductRow>(sql, &matched_select(category.is_some()), params)
        .await?
        .into_iter()
        .map(|ProductRow(p, total)| ProductSummary::from_product(&p, total))
        .collect();
    Ok(Page::new(items, page, u32::try_from(total).unwrap_or(0)))
}

const SUGGESTED_NAMES: &str = "SELECT p.sku, p.name FROM products p JOIN search_documents d ON d.sku = p.sku
     JOIN product_search ON product_search.rowid = d.id WHERE product_search MATCH ? ORDER BY bm25(product_search, 5.0, 1.0), p.position LIMIT ?";

struct NameRow(Sku, String);

impl FromRow for NameRow {
    const COLUMNS: &'static [&'static str] = &["sku", "name"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(NameRow(Sku::parse(row.text("sku")?).map_err(|e| corrupt("sku", e))?, row.text("name")?.to_owned()))
    }
}

/// The SKUs and names of at most `limit` products an FTS5 `expression` matches, most relevant first.
pub async fn matching_names(sql: &dyn Sql, expression: &str, limit: u32) -> Result<Vec<(Sku, String)>, StorageError> {
    Ok(all::<NameRow>(sql, SUGGESTED_NAMES, vec![expression.into(), limit.into()]).await?.into_iter().map(|NameRow(s, n)| (s, n)).collect())
}

/// The statements that (re)index one product for search: add them to the batch that writes the
/// product (create or update; the demo seed does), after the product's own row. They give the
/// product a search document (its FTS rowid and normalised name) and replace its FTS terms,
/// computed in Rust by `vitrina_shared::search::index_text` from its name, brand, category
/// names, attribute values and SKU. Archiving or deleting a product: [`unindex_product_statements`];
/// renaming a category: these statements for each of its products.
pub(crate) fn reindex_product_statements(product: &Product, category: Option<&Category>) -> Vec<Statement> {
    let text = index_text(product, category);
    let sku = product.sku.as_str();
    vec![
        Statement::new(
            "INSERT INTO search_documents (sku, name) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET name = excluded.name",
            vec![sku.into(), text.name.into()],
        ),
        Statement::new("DELETE FROM product_search WHERE rowid = (SELECT id FROM search_documents WHERE sku = ?)", vec![sku.into()]),
        Statement::new(
            "INSERT INTO product_search (rowid, title, body) SELECT id, ?, ? FROM search_documents WHERE sku = ?",
            vec![text.title.into(), text.body.into(), sku.into()],
        ),
    ]
}

/// The statements that take a product out of search (for the batch that archives or deletes it).
#[allow(dead_code, reason = "for the catalog management API's archive (issue 13, item 1), which is built in parallel")]
pub(crate) fn unindex_product_statements(sku: &Sku) -> Vec<Statement> {
    vec![
        Statement::new(
            "DELETE FROM product_search WHERE rowid = (SELECT id FROM search_documents WHERE sku = ?)",
            vec![sku.as_str().into()],
        ),
        Statement::new("DELETE FROM search_documents WHERE sku = ?", vec![sku.as_str().into()]),
    ]
}

const UNINDEXED: &str = "SELECT COUNT(*) AS n FROM products p WHERE NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.sku = p.sku)";

/// Indexes every product that has no search document yet (a database from before search, or a
/// product written without [`reindex_product_statements`]), in one batch; how many it indexed.
pub async fn index_missing(sql: &dyn Sql, now: i64) -> Result<usize, StorageError> {
    if first::<Count>(sql, UNINDEXED, vec![]).await?.map_or(0, |c| c.0) == 0 {
        return Ok(0);
    }
    let categories = categories(sql).await?;
    let products = all::<ProductRow>(sql, &unindexed_select(), vec![now.into()]).await?;
    let statements: Vec<Statement> = products
        .iter()
        .flat_map(|ProductRow(p, _)| reindex_product_statements(p, categories.iter().map(|c| &c.category).find(|c| c.id == p.category)))
        .collect();
    sql.batch(statements).await?;
    Ok(products.len())
}

fn unindexed_select() -> String {
    product_select("WHERE NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.sku = p.sku) ORDER BY p.position")
}

/// A product and the units available across the chain at `now` (on hand less active holds).
pub async fn product(sql: &dyn Sql, sku: &Sku, now: i64) -> Result<Option<(Product, u32)>, StorageError> {
    let q = product_select("WHERE p.sku = ?");
    Ok(first::<ProductRow>(sql, &q, vec![now.into(), sku.as_str().into()]).await?.map(|ProductRow(p, n)| (p, n)))
}

/// Every product in catalog order: the product feeds.
fn all_products_select() -> String {
    format!("{} ORDER BY p.position", product_select(""))
}

/// Every product with the units available across the chain at `now`, in catalog order (the
/// product feeds).
pub async fn all_products(sql: &dyn Sql, now: i64) -> Result<Vec<(Product, u32)>, StorageError> {
    Ok(all::<ProductRow>(sql, &all_products_select(), vec![now.into()]).await?.into_iter().map(|ProductRow(p, n)| (p, n)).collect())
}

const STORES: &str = "SELECT data FROM stores ORDER BY position";

struct StoreRow(Store);

impl FromRow for StoreRow {
    const COLUMNS: &'static [&'static str] = &["data"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        serde_json::from_str(row.text("data")?).map(StoreRow).map_err(|e| corrupt("store", e))
    }
}

pub async fn stores(sql: &dyn Sql) -> Result<Vec<Store>, StorageError> {
    Ok(all::<StoreRow>(sql, STORES, vec![]).await?.into_iter().map(|s| s.0).collect())
}

struct SkuRow(String);

impl FromRow for SkuRow {
    const COLUMNS: &'static [&'static str] = &["sku"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(SkuRow(row.text("sku")?.to_owned()))
    }
}

fn known_skus_select(marks: &str) -> String {
    format!("SELECT sku FROM products WHERE sku IN ({marks})")
}

/// Which of `skus` are not in the catalog.
pub async fn unknown_skus(sql: &dyn Sql, skus: &[&Sku]) -> Result<Vec<Sku>, StorageError> {
    let mut unknown = Vec::new();
    for chunk in skus.chunks(200) {
        let marks = vec!["?"; chunk.len()].join(",");
        let found: Vec<String> = all::<SkuRow>(sql, &known_skus_select(&marks), chunk.iter().map(|s| s.as_str().into()).collect())
            .await?
            .into_iter()
            .map(|s| s.0)
            .collect();
        unknown.extend(chunk.iter().filter(|s| !found.iter().any(|f| f == s.as_str())).map(|s| (*s).clone()));
    }
    Ok(unknown)
}

const COUNTS: &str = "SELECT (SELECT COUNT(*) FROM products) AS products, (SELECT COUNT(*) FROM stores) AS stores";

struct Counts(u32, u32);

impl FromRow for Counts {
    const COLUMNS: &'static [&'static str] = &["products", "stores"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Counts(u32::try_from(row.int("products")?).unwrap_or(0), u32::try_from(row.int("stores")?).unwrap_or(0)))
    }
}

/// How many products and stores there are.
pub async fn counts(sql: &dyn Sql) -> Result<(u32, u32), StorageError> {
    let counts = first::<Counts>(sql, COUNTS, vec![]).await?.ok_or_else(|| StorageError("count query returned no row".into()))?;
    Ok((counts.0, counts.1))
}

/// Products with units available at `store` (the first parameter after `now`), in catalog order.
fn in_stock_at_select() -> String {
    format!(
        "{} ORDER BY p.position LIMIT ?",
        product_select(&format!(
            "WHERE EXISTS (SELECT 1 FROM stock s WHERE s.sku = p.sku AND s.store_id = ? AND s.on_hand - {ACTIVE_HOLDS} > 0)"
        ))
    )
}

/// Products with units available at `store` at `now`, in catalog order, at most `limit` (a
/// store's page).
pub async fn in_stock_at(sql: &dyn Sql, store: &StoreId, now: i64, limit: u32) -> Result<Vec<ProductSummary>, StorageError> {
    let rows = all::<ProductRow>(sql, &in_stock_at_select(), vec![now.into(), store.as_str().into(), now.into(), limit.into()]).await?;
    Ok(rows.into_iter().map(|ProductRow(p, total)| ProductSummary::from_product(&p, total)).collect())
}

const CATALOG_CHANGES: &str =
    "SELECT p.sku, p.category_id, (SELECT MAX(s.updated_at) FROM stock s WHERE s.sku = p.sku) AS changed_at FROM products p ORDER BY p.position";

/// A product's SKU and category with the moment its stock last changed (RFC 3339), if ever.
struct ChangeRow(Sku, CategoryId, Option<String>);

impl FromRow for ChangeRow {
    const COLUMNS: &'static [&'static str] = &["sku", "category_id", "changed_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(ChangeRow(
            Sku::parse(row.text("sku")?).map_err(|e| corrupt("sku", e))?,
            CategoryId::parse(row.text("category_id")?).map_err(|e| corrupt("category", e))?,
            row.opt_text("changed_at")?.map(str::to_owned),
        ))
    }
}

/// Every product's SKU and category with the moment its stock last changed, in catalog order:
/// the sitemap's `lastmod`.
pub async fn catalog_changes(sql: &dyn Sql) -> Result<Vec<(Sku, CategoryId, Option<String>)>, StorageError> {
    Ok(all::<ChangeRow>(sql, CATALOG_CHANGES, vec![]).await?.into_iter().map(|ChangeRow(s, c, at)| (s, c, at)).collect())
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![
        checked::<ProductRow>(product_select("WHERE p.sku = ?")),
        checked::<ProductRow>(all_products_select()),
        checked::<ProductRow>(format!("{} ORDER BY p.position LIMIT ? OFFSET ?", product_select("WHERE 1 = 1"))),
        checked::<Count>("SELECT COUNT(*) AS n FROM products p WHERE 1 = 1"),
        checked::<CategoryRow>(CATEGORIES),
        checked::<StoreRow>(STORES),
        checked::<SkuRow>(known_skus_select("?,?")),
        checked::<Counts>(COUNTS),
        checked::<ProductRow>(in_stock_at_select()),
        checked::<ChangeRow>(CATALOG_CHANGES),
        checked::<ProductRow>(matched_select(false)),
        checked::<ProductRow>(matched_select(true)),
        checked::<Count>(matched_count("AND p.category_id = ?")),
        checked::<NameRow>(SUGGESTED_NAMES),
        checked::<Count>(UNINDEXED),
        checked::<ProductRow>(unindexed_select()),
    ]
}
