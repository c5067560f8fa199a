//! The catalog: categories, products (with the units available across the chain) and stores.

use super::stock::ACTIVE_HOLDS;
use super::{all, corrupt, exists, first, parse_currency, Count, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use vitrina_shared::api::{AdminProduct, BrandInfo, CategoryInfo, ProductDetail, ProductSummary, RatingSummary};
use vitrina_shared::catalog::{Attribute, Category, Filters, Page, Product, ProductQuery, Sort, PER_PAGE};
use vitrina_shared::listing::{Document, ListedProduct, MAX_FACET_VALUES};
use vitrina_shared::search::index_text;
use vitrina_shared::store::Store;
use vitrina_shared::{CategoryId, Money, Sku, StoreId};

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

/// The list price of the product under `alias` (`p` mostly, `c` in the search's ranking) in force
/// at the time given as this fragment's one parameter: the latest recorded price whose
/// `effective_at` is not after it, else the product's own (seeded) price. The one price every
/// channel reads: pages, the API, the kiosk, carts, offers.
///
/// The product row keeps that price from its last price write until `price_changes_at` (the next
/// scheduled price; see [`settle_price`]), so the history is looked up only for a product whose
/// scheduled price has come since: at 100,000 products a price filter reads a column.
pub(crate) fn price_at(alias: &str) -> String {
    format!(
        "(SELECT CASE WHEN x.changes_at IS NULL OR x.changes_at > x.at THEN x.kept
                 ELSE COALESCE((SELECT pp.price_minor FROM product_prices pp WHERE pp.sku = x.sku AND pp.effective_at <= x.at
                                ORDER BY pp.effective_at DESC, pp.id DESC LIMIT 1), x.kept) END
          FROM (SELECT {alias}.sku AS sku, {alias}.price_minor AS kept, {alias}.price_changes_at AS changes_at, ? AS at) x)"
    )
}

/// Which products [`settle_prices`] settles.
pub(crate) enum Settle<'a> {
    One(&'a Sku),
    All,
    /// Those whose scheduled price has come (`price_changes_at` not after `now`).
    Due,
}

/// Settles the price kept on the products `which` names at `now`: the price in force (the latest
/// recorded one not after `now`, else the one kept) and the time of the next scheduled one. Goes
/// in every batch that writes `product_prices`, after the write.
pub(crate) fn settle_prices(which: Settle<'_>, now: i64) -> Statement {
    let mut params: Vec<Value> = vec![now.into()];
    let which = match which {
        Settle::One(sku) => {
            params.push(sku.as_str().into());
            "WHERE sku = ?2"
        }
        Settle::All => "",
        Settle::Due => "WHERE price_changes_at <= ?1",
    };
    Statement::new(
        format!(
            "UPDATE products SET
                price_minor = COALESCE((SELECT pp.price_minor FROM product_prices pp WHERE pp.sku = products.sku AND pp.effective_at <= ?1
                                        ORDER BY pp.effective_at DESC, pp.id DESC LIMIT 1), price_minor),
                price_changes_at = (SELECT MIN(pp.effective_at) FROM product_prices pp WHERE pp.sku = products.sku AND pp.effective_at > ?1)
             {which}"
        ),
        params,
    )
}

/// [`settle_prices`] of one product.
pub(crate) fn settle_price(sku: &Sku, now: i64) -> Statement {
    settle_prices(Settle::One(sku), now)
}

const DUE_PRICES: &str = "SELECT COUNT(*) AS n FROM products WHERE price_changes_at <= ?";

/// How many products have a scheduled price that has come since they were last settled.
pub(crate) async fn due_prices(sql: &dyn Sql, now: i64) -> Result<i64, StorageError> {
    Ok(first::<Count>(sql, DUE_PRICES, vec![now.into()]).await?.map_or(0, |c| c.0))
}

/// The conditions `filters` add for products under `alias` (each starts with ` AND`), with their
/// parameters pushed onto `params` in order (`now` for a price or for holds).
fn narrowing(alias: &str, filters: &Filters, now: i64, params: &mut Vec<Value>) -> String {
    let mut sql = String::new();
    if !filters.brands.is_empty() {
        let marks = vec!["?"; filters.brands.len()].join(", ");
        sql.push_str(&format!(" AND {alias}.brand IN ({marks})"));
        params.extend(filters.brands.iter().map(|b| Value::from(b.as_str())));
    }
    for (bound, op) in [(filters.price_min, ">="), (filters.price_max, "<=")] {
        if let Some(roubles) = bound {
            sql.push_str(&format!(" AND {} {op} ?", price_at(alias)));
            params.extend([now.into(), (i64::from(roubles) * 100).into()]);
        }
    }
    // One condition per attribute named: any of the values named for it.
    let mut named: Vec<&str> = Vec::new();
    for (name, _) in &filters.attributes {
        if !named.contains(&name.as_str()) {
            named.push(name);
        }
    }
    for name in named {
        let values: Vec<&str> = filters.attributes.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
        let marks = vec!["?"; values.len()].join(", ");
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM json_each({alias}.attributes) j
                WHERE json_extract(j.value, '$.name') = ? AND json_extract(j.value, '$.value') IN ({marks}))"
        ));
        params.push(name.into());
        params.extend(values.into_iter().map(Value::from));
    }
    if let Some(city) = filters.in_stock {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM stock s JOIN stores st ON st.id = s.store_id
                WHERE s.sku = {alias}.sku AND json_extract(st.data, '$.city') = ? AND s.on_hand > 0 AND s.on_hand - {ACTIVE_HOLDS} > 0)"
        ));
        params.extend([city.slug().into(), now.into()]);
    }
    sql
}

/// Units of the product under `alias` in orders that count as purchases.
fn units_sold(alias: &str) -> String {
    format!(
        "(SELECT COALESCE(SUM(l.qty), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.sku = {alias}.sku AND {})",
        super::orders::counting_orders("o.status")
    )
}

/// The key `sort` orders products under `alias` by, with its direction, and its parameters
/// (`None` for the default order); ties keep the default order.
fn sort_key(alias: &str, sort: Sort, now: i64) -> Option<(String, &'static str, Vec<Value>)> {
    match sort {
        Sort::Default => None,
        Sort::Popular => Some((units_sold(alias), "DESC", Vec::new())),
        Sort::PriceAsc => Some((price_at(alias), "ASC", vec![now.into()])),
        Sort::PriceDesc => Some((price_at(alias), "DESC", vec![now.into()])),
        Sort::New => Some((format!("{alias}.rowid"), "DESC", Vec::new())),
        Sort::Rating => Some((format!("(({alias}.rating_total + 6.0) / ({alias}.rating_count + 2))"), "DESC", Vec::new())),
    }
}

/// The SELECT of products `p` that are not archived and meet `condition`; its first two
/// parameters are `now` (for the price, then for the holds).
fn product_select(condition: &str) -> String {
    product_select_with("", &format!("WHERE p.archived_at IS NULL AND ({condition})"))
}

/// The SELECT of products `p` with `extra` columns, narrowed by `filter`; its first two
/// parameters are `now` (for the price, then for the holds).
fn product_select_with(extra: &str, filter: &str) -> String {
    format!(
        "SELECT p.sku, p.name, p.brand, p.category_id, p.description, {} AS price_minor, p.currency, p.attributes, p.image,
                {} AS available{extra}
         FROM products p {filter}",
        price_at("p"),
        super::stock::available_across_chain("p")
    )
}

const CATEGORIES: &str =
    "SELECT c.id, c.name_ru, c.name_en, c.image, c.parent_id, (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id AND p.archived_at IS NULL) AS product_count
     FROM categories c ORDER BY c.position";

struct CategoryRow(CategoryInfo);

impl FromRow for CategoryRow {
    const COLUMNS: &'static [&'static str] = &["id", "name_ru", "name_en", "image", "parent_id", "product_count"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(CategoryRow(CategoryInfo {
            category: Category {
                id: CategoryId::parse(row.text("id")?).map_err(|e| corrupt("category", e))?,
                name_ru: row.text("name_ru")?.to_owned(),
                name_en: row.text("name_en")?.to_owned(),
                image: row.text("image")?.to_owned(),
            },
            parent: parent_of(row)?,
            product_count: u32::try_from(row.int("product_count")?).unwrap_or(0),
        }))
    }
}

fn parent_of(row: &Named<'_>) -> Result<Option<CategoryId>, StorageError> {
    row.opt_text("parent_id")?.map(|p| CategoryId::parse(p).map_err(|e| corrupt("category", e))).transpose()
}

const ADMIN_CATEGORY: &str = "SELECT id, name_ru, name_en, image, parent_id, version FROM categories WHERE id = ?";

/// A category with its parent and version.
struct AdminCategoryRow(Category, Option<CategoryId>, i64);

impl FromRow for AdminCategoryRow {
    const COLUMNS: &'static [&'static str] = &["id", "name_ru", "name_en", "image", "parent_id", "version"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let category = Category {
            id: CategoryId::parse(row.text("id")?).map_err(|e| corrupt("category", e))?,
            name_ru: row.text("name_ru")?.to_owned(),
            name_en: row.text("name_en")?.to_owned(),
            image: row.text("image")?.to_owned(),
        };
        Ok(AdminCategoryRow(category, parent_of(row)?, row.int("version")?))
    }
}

/// A category, its parent and its version.
pub async fn admin_category(sql: &dyn Sql, id: &CategoryId) -> Result<Option<(Category, Option<CategoryId>, i64)>, StorageError> {
    Ok(first::<AdminCategoryRow>(sql, ADMIN_CATEGORY, vec![id.as_str().into()]).await?.map(|AdminCategoryRow(c, p, v)| (c, p, v)))
}

/// Inserts a category under `parent`, last in order, unless its id exists: guard it.
pub(crate) fn insert_category(c: &Category, parent: Option<&CategoryId>) -> Statement {
    Statement::new(
        "INSERT INTO categories (id, name_ru, name_en, image, parent_id, position, version)
         SELECT ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM categories), 1
         WHERE NOT EXISTS (SELECT 1 FROM categories WHERE id = ?)",
        vec![
            c.id.as_str().into(),
            c.name_ru.clone().into(),
            c.name_en.clone().into(),
            c.image.clone().into(),
            parent.map(CategoryId::as_str).into(),
            c.id.as_str().into(),
        ],
    )
}

/// Replaces a category's names, image and parent if it is at `version`, moving its version on:
/// guard it.
pub(crate) fn update_category(c: &Category, parent: Option<&CategoryId>, version: i64) -> Statement {
    Statement::new(
        "UPDATE categories SET name_ru = ?, name_en = ?, image = ?, parent_id = ?, version = version + 1 WHERE id = ? AND version = ?",
        vec![
            c.name_ru.clone().into(),
            c.name_en.clone().into(),
            c.image.clone().into(),
            parent.map(CategoryId::as_str).into(),
            c.id.as_str().into(),
            version.into(),
        ],
    )
}

/// Matches category `id` only while it is still at `version`, changing nothing: guard it for each
/// ancestor a move was checked against, so that two moves racing cannot close a loop unseen.
pub(crate) fn tree_unchanged(id: &CategoryId, version: i64) -> Statement {
    Statement::new("UPDATE categories SET version = version WHERE id = ? AND version = ?", vec![id.as_str().into(), version.into()])
}

pub async fn categories(sql: &dyn Sql) -> Result<Vec<CategoryInfo>, StorageError> {
    Ok(all::<CategoryRow>(sql, CATEGORIES, vec![]).await?.into_iter().map(|c| c.0).collect())
}

pub async fn category_exists(sql: &dyn Sql, id: &CategoryId) -> Result<bool, StorageError> {
    exists(sql, "SELECT 1 FROM categories WHERE id = ?", vec![id.as_str().into()]).await
}

fn count_select(condition: &str) -> String {
    format!("SELECT COUNT(*) AS n FROM products p WHERE p.archived_at IS NULL AND ({condition})")
}

/// A page of products matching every word of the search text, the category and the filters, in
/// the query's order.
pub async fn search_products(sql: &dyn Sql, q: &ProductQuery, now: i64) -> Result<Page<ProductSummary>, StorageError> {
    let (filter, mut params) = listing_condition(q, now);
    let count_sql = count_select(&filter);
    let total = first::<Count>(sql, &count_sql, params.clone()).await?.map_or(0, |c| c.0);
    let (key, direction, key_params) = sort_key("p", q.sort, now).unwrap_or_else(|| ("0".to_owned(), "ASC", Vec::new()));
    let page_sql = listing_page_select(&filter, &key, direction);
    // In the order of the statement's `?`: the price's and the units' `now`, the sort key's, the
    // filter's, the page.
    params.splice(0..0, [now.into(), now.into()].into_iter().chain(key_params));
    params.push(PER_PAGE.into());
    params.push(q.offset().into());
    let items = all::<ProductRow>(sql, &page_sql, params)
        .await?
        .into_iter()
        .map(|ProductRow(p, total)| ProductSummary::from_product(&p, total))
        .collect();
    Ok(Page::new(items, q.page, u32::try_from(total).unwrap_or(0)))
}

/// One page of a listing: the page's products are chosen first (by `key` and catalog order) and
/// only they are priced and have their units counted, which a chain of 1,000 stores makes worth it.
fn listing_page_select(filter: &str, key: &str, direction: &str) -> String {
    product_select_with(
        "",
        &format!(
            "JOIN (SELECT p.rowid AS id, {key} AS sort_key, p.position AS position FROM products p
                   WHERE p.archived_at IS NULL AND ({filter}) ORDER BY sort_key {direction}, p.position LIMIT ? OFFSET ?) pg
               ON pg.id = p.rowid
             ORDER BY pg.sort_key {direction}, pg.position"
        ),
    )
}

/// The condition on products `p` a listing query sets (text words, category, filters), and its
/// parameters.
fn listing_condition(q: &ProductQuery, now: i64) -> (String, Vec<Value>) {
    let mut filter = String::from("1 = 1");
    let mut params: Vec<Value> = Vec::new();
    for word in q.text.split(' ').filter(|w| !w.is_empty()).take(10) {
        filter.push_str(" AND instr(p.search_text, ?) > 0");
        params.push(word.into());
    }
    if let Some(c) = &q.category {
        filter.push_str(" AND p.category_id = ?");
        params.push(c.as_str().into());
    }
    filter.push_str(&narrowing("p", &q.filters, now, &mut params));
    (filter, params)
}

/// The condition on products `p` of what a listing shows — its category, search match (an FTS5
/// `expression`) and `filters` — for counting the choices it offers, with its parameters.
fn facet_condition(q: &ProductQuery, expression: Option<&str>, filters: &Filters, now: i64) -> (String, Vec<Value>) {
    let mut params: Vec<Value> = Vec::new();
    let mut condition = String::from("p.archived_at IS NULL");
    if let Some(expression) = expression {
        condition.push_str(
            " AND p.sku IN (SELECT d.sku FROM product_search JOIN search_documents d ON d.id = product_search.rowid WHERE product_search MATCH ?)",
        );
        params.push(expression.into());
    }
    if let Some(c) = &q.category {
        condition.push_str(" AND p.category_id = ?");
        params.push(c.as_str().into());
    }
    condition.push_str(&narrowing("p", filters, now, &mut params));
    (condition, params)
}

/// The brands of what a listing shows with each one's count of products, the most first: the
/// listing's category, search match (an FTS5 `expression`) and filters, except the brand filter
/// itself, so that every brand that could be ticked is offered.
pub async fn brand_counts(sql: &dyn Sql, q: &ProductQuery, expression: Option<&str>, now: i64) -> Result<Vec<(String, u32)>, StorageError> {
    let others = Filters { brands: Vec::new(), ..q.filters.clone() };
    let (condition, params) = facet_condition(q, expression, &others, now);
    Ok(all::<BrandRow>(sql, &brand_counts_select(&condition), params)
        .await?
        .into_iter()
        .map(|BrandRow(b)| (b.name, b.product_count))
        .collect())
}

fn brand_counts_select(condition: &str) -> String {
    format!(
        "SELECT p.brand AS brand, COUNT(*) AS product_count FROM products p WHERE {condition} GROUP BY p.brand ORDER BY product_count DESC, p.brand"
    )
}

fn attribute_counts_select(condition: &str) -> String {
    format!(
        "SELECT json_extract(j.value, '$.name') AS attr_name, json_extract(j.value, '$.value') AS attr_value, COUNT(*) AS n
         FROM products p, json_each(p.attributes) j WHERE {condition}
         GROUP BY attr_name, attr_value ORDER BY attr_name, n DESC, attr_value"
    )
}

struct AttributeCount(String, String, u32);

impl FromRow for AttributeCount {
    const COLUMNS: &'static [&'static str] = &["attr_name", "attr_value", "n"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(AttributeCount(row.text("attr_name")?.to_owned(), row.text("attr_value")?.to_owned(), u32::try_from(row.int("n")?).unwrap_or(0)))
    }
}

/// The attributes of what a listing shows, each with its values and their counts of products (the
/// most first), under the listing's other filters (not the attribute filters themselves); only
/// attributes with 2 to 8 values are offered.
pub async fn attribute_counts(
    sql: &dyn Sql,
    q: &ProductQuery,
    expression: Option<&str>,
    now: i64,
) -> Result<Vec<(String, Vec<(String, u32)>)>, StorageError> {
    let others = Filters { attributes: Vec::new(), ..q.filters.clone() };
    let (condition, params) = facet_condition(q, expression, &others, now);
    let mut grouped: Vec<(String, Vec<(String, u32)>)> = Vec::new();
    for AttributeCount(name, value, n) in all::<AttributeCount>(sql, &attribute_counts_select(&condition), params).await? {
        match grouped.last_mut() {
            Some((last, values)) if *last == name => values.push((value, n)),
            _ => grouped.push((name, vec![(value, n)])),
        }
    }
    grouped.retain(|(_, values)| (2..=MAX_FACET_VALUES).contains(&values.len()));
    Ok(grouped)
}

/// The products `product_search MATCH ?` finds (`d` their search documents), narrowed by `and`.
fn matched(and: &str) -> String {
    format!(
        "JOIN search_documents d ON d.sku = p.sku JOIN product_search ON product_search.rowid = d.id WHERE product_search MATCH ? {and}"
    )
}

/// A page of the products `product_search MATCH ?` finds (in category `?` when `in_category`,
/// narrowed by `narrowed`, a condition on `c`), ranked: by `key` first when a sort asks for one,
/// then the exact name first (each of the three `?` after the key's the normalised query), then a
/// name that starts with it, then products with units on hand somewhere (holds aside), then FTS5's
/// bm25 relevance (name and brand weigh five times the rest), then catalog order. The page is chosen
/// first, so the units available (less active holds) are counted for its rows only.
fn matched_select(in_category: bool, narrowed: &str, key: Option<(&str, &str)>) -> String {
    let and = if in_category { "AND c.category_id = ?" } else { "" };
    let (key, direction) = key.unwrap_or(("0", "ASC"));
    product_select_with(
        "",
        &format!(
            "JOIN (SELECT d.sku, {key} AS sort_key,
                CASE WHEN d.name = ? THEN 0 WHEN substr(d.name, 1, length(?)) = ? THEN 1 ELSE 2 END AS name_rank,
                c.units_on_hand > 0 AS in_stock,
                bm25(product_search, 5.0, 1.0) AS relevance, c.position
              FROM product_search JOIN search_documents d ON d.id = product_search.rowid JOIN products c ON c.sku = d.sku
              WHERE product_search MATCH ? AND c.archived_at IS NULL {and}{narrowed}
              ORDER BY sort_key {direction}, name_rank, in_stock DESC, relevance, c.position LIMIT ? OFFSET ?) m ON m.sku = p.sku
         WHERE p.archived_at IS NULL
         ORDER BY m.sort_key {direction}, m.name_rank, m.in_stock DESC, m.relevance, m.position"
        ),
    )
}

fn matched_count(and: &str) -> String {
    format!("SELECT COUNT(*) AS n FROM products p {} AND p.archived_at IS NULL", matched(and))
}

/// A page of the products an FTS5 `expression` matches (see `vitrina_shared::search`), in the
/// category if one is given, narrowed by `filters`, in `sort`'s order or else ranked (see
/// `matched_select`); `name` is the normalised query text.
#[allow(clippy::too_many_arguments)]
pub async fn search_matching(
    sql: &dyn Sql,
    expression: &str,
    name: &str,
    category: Option<&CategoryId>,
    filters: &Filters,
    sort: Sort,
    page: u32,
    now: i64,
) -> Result<Page<ProductSummary>, StorageError> {
    let mut filter: Vec<Value> = vec![expression.into()];
    if let Some(c) = category {
        filter.push(c.as_str().into());
    }
    let narrowed_count = narrowing("p", filters, now, &mut filter);
    let and = if category.is_some() { format!("AND p.category_id = ?{narrowed_count}") } else { narrowed_count };
    let total = first::<Count>(sql, &matched_count(&and), filter).await?.map_or(0, |c| c.0);
    if total == 0 {
        return Ok(Page::new(Vec::new(), page, 0));
    }
    // In the order of the statement's `?`: the price's `now`, the sum's `now`, the sort key's, the
    // name three times, the match (and category), the filters', the page.
    let mut params: Vec<Value> = vec![now.into(), now.into()];
    let key = sort_key("c", sort, now);
    if let Some((_, _, key_params)) = &key {
        params.extend(key_params.iter().cloned());
    }
    params.extend([name.into(), name.into(), name.into(), expression.into()]);
    if let Some(c) = category {
        params.push(c.as_str().into());
    }
    let narrowed = narrowing("c", filters, now, &mut params);
    params.extend([PER_PAGE.into(), ((page - 1) * PER_PAGE).into()]);
    let statement = matched_select(category.is_some(), &narrowed, key.as_ref().map(|(k, d, _)| (k.as_str(), *d)));
    let items = all::<ProductRow>(sql, &statement, params)
        .await?
        .into_iter()
        .map(|ProductRow(p, total)| ProductSummary::from_product(&p, total))
        .collect();
    Ok(Page::new(items, page, u32::try_from(total).unwrap_or(0)))
}

// ---- the listing index (shared/src/listing.rs) ---------------------------------------------------

/// Every live product as the listing index holds it (price in force at `?`), with its search
/// document, in catalog order; the next scheduled price of any of them is `changes_at`.
fn listed_select() -> String {
    format!(
        "SELECT p.rowid AS id, p.sku, p.category_id, p.brand, {} AS price_minor, p.position, p.rating_total, p.rating_count,
                p.units_on_hand, p.attributes, p.price_changes_at AS changes_at, d.name AS search_name, s.title, s.body
         FROM products p LEFT JOIN search_documents d ON d.sku = p.sku LEFT JOIN product_search s ON s.rowid = d.id
         WHERE p.archived_at IS NULL ORDER BY p.position",
        price_at("p")
    )
}

struct ListedRow(ListedProduct, Option<i64>);

impl FromRow for ListedRow {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "sku",
        "category_id",
        "brand",
        "price_minor",
        "position",
        "rating_total",
        "rating_count",
        "units_on_hand",
        "attributes",
        "changes_at",
        "search_name",
        "title",
        "body",
    ];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let attributes: Vec<Attribute> = serde_json::from_str(row.text("attributes")?).map_err(|e| corrupt("attributes", e))?;
        let document = match (row.opt_text("search_name")?, row.opt_text("title")?, row.opt_text("body")?) {
            (Some(name), Some(title), Some(body)) => {
                Some(Document { name: name.to_owned(), title: title.to_owned(), body: body.to_owned() })
            }
            _ => None,
        };
        let product = ListedProduct {
            sku: Sku::parse(row.text("sku")?).map_err(|e| corrupt("sku", e))?,
            id: row.int("id")?,
            category: row.text("category_id")?.to_owned(),
            brand: row.text("brand")?.to_owned(),
            price_minor: row.int("price_minor")?,
            position: row.int("position")?,
            rating_total: row.int("rating_total")?,
            rating_count: row.int("rating_count")?,
            in_stock: row.int("units_on_hand")? > 0,
            attributes: attributes.into_iter().map(|a| (a.name, a.value)).collect(),
            document,
        };
        Ok(ListedRow(product, row.opt_int("changes_at")?))
    }
}

/// Every live product for the listing index, with prices in force at `now`, and the earliest time a
/// scheduled price changes any of them (the index is right until then; a time not after `now` means
/// a price came due and is not settled yet).
pub async fn listed_products(sql: &dyn Sql, now: i64) -> Result<(Vec<ListedProduct>, Option<i64>), StorageError> {
    let rows = all::<ListedRow>(sql, &listed_select(), vec![now.into()]).await?;
    let changes_at = rows.iter().filter_map(|r| r.1).min();
    Ok((rows.into_iter().map(|r| r.0).collect(), changes_at))
}

const CATALOG_VERSION: &str = "SELECT version AS n FROM catalog_version WHERE id = 1";
const STORES_VERSION: &str = "SELECT version AS n FROM stores_version WHERE id = 1";

/// The stores' version (migration 18): moved by every write to the stores table.
pub async fn stores_version(sql: &dyn Sql) -> Result<i64, StorageError> {
    Ok(first::<Count>(sql, STORES_VERSION, vec![]).await?.map_or(0, |c| c.0))
}

/// The catalog's version: moved on by every write a listing could show (migration 17's triggers).
pub async fn catalog_version(sql: &dyn Sql) -> Result<i64, StorageError> {
    Ok(first::<Count>(sql, CATALOG_VERSION, vec![]).await?.map_or(0, |c| c.0))
}

fn products_by_sku_select(n: usize) -> String {
    product_select(&format!("p.sku IN ({})", vec!["?"; n].join(", ")))
}

/// The live products of `skus` as listings show them (price in force, units available), in the
/// order of `skus`.
pub async fn summaries(sql: &dyn Sql, skus: &[Sku], now: i64) -> Result<Vec<ProductSummary>, StorageError> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let mut params: Vec<Value> = vec![now.into(), now.into()];
    params.extend(skus.iter().map(|s| Value::from(s.as_str())));
    let mut rows = all::<ProductRow>(sql, &products_by_sku_select(skus.len()), params).await?;
    Ok(skus
        .iter()
        .filter_map(|sku| rows.iter().position(|r| r.0.sku == *sku).map(|i| rows.swap_remove(i)))
        .map(|ProductRow(p, total)| ProductSummary::from_product(&p, total))
        .collect())
}

const SUGGESTED_NAMES: &str = "SELECT p.sku, p.name FROM products p JOIN search_documents d ON d.sku = p.sku
     JOIN product_search ON product_search.rowid = d.id WHERE product_search MATCH ? AND p.archived_at IS NULL
     ORDER BY bm25(product_search, 5.0, 1.0), p.position LIMIT ?";

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
pub(crate) fn unindex_product_statements(sku: &Sku) -> Vec<Statement> {
    vec![
        Statement::new(
            "DELETE FROM product_search WHERE rowid = (SELECT id FROM search_documents WHERE sku = ?)",
            vec![sku.as_str().into()],
        ),
        Statement::new("DELETE FROM search_documents WHERE sku = ?", vec![sku.as_str().into()]),
    ]
}

const UNINDEXED: &str =
    "SELECT COUNT(*) AS n FROM products p WHERE p.archived_at IS NULL AND NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.sku = p.sku)";

/// Indexes every product that has no search document yet (a database from before search, or a
/// product written without [`reindex_product_statements`]), in one batch; how many it indexed.
pub async fn index_missing(sql: &dyn Sql, now: i64) -> Result<usize, StorageError> {
    if first::<Count>(sql, UNINDEXED, vec![]).await?.map_or(0, |c| c.0) == 0 {
        return Ok(0);
    }
    let categories = categories(sql).await?;
    let products = all::<ProductRow>(sql, &unindexed_select(), vec![now.into(), now.into()]).await?;
    let statements: Vec<Statement> = products
        .iter()
        .flat_map(|ProductRow(p, _)| reindex_product_statements(p, categories.iter().map(|c| &c.category).find(|c| c.id == p.category)))
        .collect();
    sql.batch(statements).await?;
    Ok(products.len())
}

fn unindexed_select() -> String {
    format!("{} ORDER BY p.position", product_select("NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.sku = p.sku)"))
}

/// A product and the units available across the chain at `now` (on hand less active holds).
pub async fn product(sql: &dyn Sql, sku: &Sku, now: i64) -> Result<Option<(Product, u32)>, StorageError> {
    let q = product_select("p.sku = ?");
    Ok(first::<ProductRow>(sql, &q, vec![now.into(), now.into(), sku.as_str().into()]).await?.map(|ProductRow(p, n)| (p, n)))
}

/// Every product in catalog order: the product feeds.
fn all_products_select() -> String {
    format!("{} ORDER BY p.position", product_select("1 = 1"))
}

/// Every product with the units available across the chain at `now`, in catalog order (the
/// product feeds).
pub async fn all_products(sql: &dyn Sql, now: i64) -> Result<Vec<(Product, u32)>, StorageError> {
    Ok(all::<ProductRow>(sql, &all_products_select(), vec![now.into(), now.into()])
        .await?
        .into_iter()
        .map(|ProductRow(p, n)| (p, n))
        .collect())
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

const COUNTS: &str =
    "SELECT (SELECT COUNT(*) FROM products WHERE archived_at IS NULL) AS products, (SELECT COUNT(*) FROM stores) AS stores";

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
            "EXISTS (SELECT 1 FROM stock s WHERE s.sku = p.sku AND s.store_id = ? AND s.on_hand > 0 AND s.on_hand - {ACTIVE_HOLDS} > 0)"
        ))
    )
}

/// Products with units available at `store` at `now`, in catalog order, at most `limit` (a
/// store's page).
pub async fn in_stock_at(sql: &dyn Sql, store: &StoreId, now: i64, limit: u32) -> Result<Vec<ProductSummary>, StorageError> {
    let rows = all::<ProductRow>(sql, &in_stock_at_select(), vec![now.into(), now.into(), store.as_str().into(), now.into(), limit.into()])
        .await?;
    Ok(rows.into_iter().map(|ProductRow(p, total)| ProductSummary::from_product(&p, total)).collect())
}

const CATALOG_CHANGES: &str =
    "SELECT p.sku, p.category_id, (SELECT MAX(s.updated_at) FROM stock s WHERE s.sku = p.sku) AS changed_at FROM products p WHERE p.archived_at IS NULL ORDER BY p.position";

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

// ---- catalog management -------------------------------------------------------------------------

/// A product as a merchandiser sees it, archived or not, with its family and version.
struct AdminRow(AdminProduct);

impl FromRow for AdminRow {
    const COLUMNS: &'static [&'static str] = &[
        "sku",
        "name",
        "brand",
        "category_id",
        "description",
        "price_minor",
        "currency",
        "attributes",
        "image",
        "available",
        "version",
        "archived_at",
        "family",
    ];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let ProductRow(product, _) = ProductRow::from_row(row)?;
        Ok(AdminRow(AdminProduct {
            product,
            family: row.opt_text("family")?.map(str::to_owned),
            version: row.int("version")?,
            archived: !row.is_null("archived_at")?,
        }))
    }
}

const ADMIN_COLUMNS: &str = ", p.version, p.archived_at, p.family";

fn admin_select() -> String {
    product_select_with(ADMIN_COLUMNS, "WHERE p.sku = ?")
}

/// Which products a merchandiser lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archived {
    Excluded,
    Only,
    Included,
}

fn admin_page_select(condition: &str) -> String {
    format!("{} ORDER BY p.position LIMIT ? OFFSET ?", product_select_with(ADMIN_COLUMNS, &format!("WHERE {condition}")))
}

fn admin_count_select(condition: &str) -> String {
    format!("SELECT COUNT(*) AS n FROM products p WHERE {condition}")
}

/// A page of products, archived ones as `archived` says, matching every word of the search text
/// and the category, each with its version and whether it is archived.
pub async fn admin_products(sql: &dyn Sql, q: &ProductQuery, archived: Archived, now: i64) -> Result<Page<AdminProduct>, StorageError> {
    let mut condition = String::from(match archived {
        Archived::Excluded => "p.archived_at IS NULL",
        Archived::Only => "p.archived_at IS NOT NULL",
        Archived::Included => "1 = 1",
    });
    let mut params: Vec<Value> = Vec::new();
    for word in q.text.split(' ').filter(|w| !w.is_empty()).take(10) {
        condition.push_str(" AND instr(p.search_text, ?) > 0");
        params.push(word.into());
    }
    if let Some(c) = &q.category {
        condition.push_str(" AND p.category_id = ?");
        params.push(c.as_str().into());
    }
    let total = first::<Count>(sql, &admin_count_select(&condition), params.clone()).await?.map_or(0, |c| c.0);
    params.splice(0..0, [now.into(), now.into()]);
    params.push(PER_PAGE.into());
    params.push(q.offset().into());
    let items = all::<AdminRow>(sql, &admin_page_select(&condition), params).await?.into_iter().map(|a| a.0).collect();
    Ok(Page::new(items, q.page, u32::try_from(total).unwrap_or(0)))
}

/// A product whether archived or not, at the price in force at `now`, with its family, version
/// and whether it is archived.
pub async fn admin_product(sql: &dyn Sql, sku: &Sku, now: i64) -> Result<Option<AdminProduct>, StorageError> {
    Ok(first::<AdminRow>(sql, &admin_select(), vec![now.into(), now.into(), sku.as_str().into()]).await?.map(|a| a.0))
}

/// Every product, archived or not, with its version and family and its price at the time given
/// as the one parameter, in catalog order, without counting stock (`available` is 0): what an
/// import plans its rows against.
fn every_product_select() -> String {
    format!(
        "SELECT p.sku, p.name, p.brand, p.category_id, p.description, {} AS price_minor, p.currency, p.attributes, p.image,
                0 AS available{ADMIN_COLUMNS}
         FROM products p ORDER BY p.position",
        price_at("p")
    )
}

pub async fn every_product(sql: &dyn Sql, now: i64) -> Result<Vec<AdminProduct>, StorageError> {
    Ok(all::<AdminRow>(sql, &every_product_select(), vec![now.into()]).await?.into_iter().map(|a| a.0).collect())
}

/// The products of `sku`'s family that are on sale, in catalog order (at most 50).
fn variants_select() -> String {
    format!("{} ORDER BY p.position LIMIT 50", product_select("p.family = (SELECT f.family FROM products f WHERE f.sku = ?)"))
}

/// The variants of `sku` on sale at `now` (itself included), with the units available of each;
/// empty when it has no family.
pub async fn variants(sql: &dyn Sql, sku: &Sku, now: i64) -> Result<Vec<(Product, u32)>, StorageError> {
    Ok(all::<ProductRow>(sql, &variants_select(), vec![now.into(), now.into(), sku.as_str().into()])
        .await?
        .into_iter()
        .map(|ProductRow(p, n)| (p, n))
        .collect())
}

const BRANDS: &str =
    "SELECT brand, COUNT(*) AS product_count FROM products WHERE archived_at IS NULL GROUP BY brand ORDER BY brand LIMIT 1000";

struct BrandRow(BrandInfo);

impl FromRow for BrandRow {
    const COLUMNS: &'static [&'static str] = &["brand", "product_count"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(BrandRow(BrandInfo {
            name: row.text("brand")?.to_owned(),
            product_count: u32::try_from(row.int("product_count")?).unwrap_or(u32::MAX),
        }))
    }
}

/// The brands of the products on sale, by name, with how many products carry each (at most 1000).
pub async fn brands(sql: &dyn Sql) -> Result<Vec<BrandInfo>, StorageError> {
    Ok(all::<BrandRow>(sql, BRANDS, vec![]).await?.into_iter().map(|b| b.0).collect())
}

/// A recorded list price.
pub struct PriceRow {
    pub id: i64,
    pub price_minor: i64,
    pub effective_at: i64,
    pub recorded_at: i64,
    pub recorded_by: String,
}

impl FromRow for PriceRow {
    const COLUMNS: &'static [&'static str] = &["id", "price_minor", "effective_at", "recorded_at", "recorded_by"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(PriceRow {
            id: row.int("id")?,
            price_minor: row.int("price_minor")?,
            effective_at: row.int("effective_at")?,
            recorded_at: row.int("recorded_at")?,
            recorded_by: row.text("recorded_by")?.to_owned(),
        })
    }
}

const PRICES: &str = "SELECT id, price_minor, effective_at, recorded_at, recorded_by FROM product_prices WHERE sku = ?
     ORDER BY effective_at DESC, id DESC LIMIT 500";

/// The product's recorded list prices, the latest `effective_at` first (at most 500).
pub async fn prices(sql: &dyn Sql, sku: &Sku) -> Result<Vec<PriceRow>, StorageError> {
    all(sql, PRICES, vec![sku.as_str().into()]).await
}

/// A product's row as `INSERT INTO products (sku, name, brand, category_id, description,
/// price_minor, currency, attributes, image, search_text, …)` takes it, in that order: the demo seed
/// and the merchandiser's new products write the same columns.
pub(crate) fn product_row(p: &Product, search_text: &str) -> Vec<Value> {
    let attributes = serde_json::to_string(&p.attributes).unwrap_or_else(|_| "[]".into());
    vec![
        p.sku.as_str().into(),
        p.name.clone().into(),
        p.brand.clone().into(),
        p.category.as_str().into(),
        p.description.clone().into(),
        p.price.minor_units().into(),
        p.price.currency.code().into(),
        attributes.into(),
        p.image.clone().into(),
        search_text.into(),
    ]
}

/// Inserts a new product in `family`, last in catalog order, unless its SKU exists (archived or
/// not): guard it.
pub(crate) fn insert_product(p: &Product, family: Option<&str>, search_text: &str) -> Statement {
    let mut params = product_row(p, search_text);
    params.extend([family.into(), p.sku.as_str().into()]);
    Statement::new(
        "INSERT INTO products (sku, name, brand, category_id, description, price_minor, currency, attributes, image, search_text, family, position, version)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM products), 1
         WHERE NOT EXISTS (SELECT 1 FROM products WHERE sku = ?)",
        params,
    )
}

/// Replaces a product's descriptive fields and family (not its price) if it is at `version` and
/// not archived, and moves its version on: guard it.
pub(crate) fn update_product(p: &Product, family: Option<&str>, search_text: &str, version: i64) -> Statement {
    let attributes = serde_json::to_string(&p.attributes).unwrap_or_else(|_| "[]".into());
    Statement::new(
        "UPDATE products SET name = ?, brand = ?, category_id = ?, description = ?, attributes = ?, image = ?, search_text = ?,
                family = ?, version = version + 1
         WHERE sku = ? AND version = ? AND archived_at IS NULL",
        vec![
            p.name.clone().into(),
            p.brand.clone().into(),
            p.category.as_str().into(),
            p.description.clone().into(),
            attributes.into(),
            p.image.clone().into(),
            search_text.into(),
            family.into(),
            p.sku.as_str().into(),
            version.into(),
        ],
    )
}

/// Moves a product's version on if it is at `version` and not archived: guard it (a price change).
pub(crate) fn bump_version(sku: &Sku, version: i64) -> Statement {
    Statement::new(
        "UPDATE products SET version = version + 1 WHERE sku = ? AND version = ? AND archived_at IS NULL",
        vec![sku.as_str().into(), version.into()],
    )
}

/// Archives a product at `version` (not archived yet): guard it.
pub(crate) fn archive(sku: &Sku, version: i64, now: i64) -> Statement {
    Statement::new(
        "UPDATE products SET archived_at = ?, version = version + 1 WHERE sku = ? AND version = ? AND archived_at IS NULL",
        vec![now.into(), sku.as_str().into(), version.into()],
    )
}

/// Brings an archived product at `version` back on sale: guard it.
pub(crate) fn restore(sku: &Sku, version: i64) -> Statement {
    Statement::new(
        "UPDATE products SET archived_at = NULL, version = version + 1 WHERE sku = ? AND version = ? AND archived_at IS NOT NULL",
        vec![sku.as_str().into(), version.into()],
    )
}

/// Cancels the scheduled price `id` of `sku` if it has not taken effect at `now`: guard it.
pub(crate) fn cancel_price(sku: &Sku, id: i64, now: i64) -> Statement {
    Statement::new(
        "DELETE FROM product_prices WHERE id = ? AND sku = ? AND effective_at > ?",
        vec![id.into(), sku.as_str().into(), now.into()],
    )
}

/// A demo product's ratings (`vitrina_shared::demo::rating`), for the seed.
pub(crate) fn seed_rating(sku: &Sku) -> Statement {
    let (total, count) = vitrina_shared::demo::rating(sku);
    Statement::new(
        "UPDATE products SET rating_total = ?, rating_count = ? WHERE sku = ?",
        vec![total.into(), count.into(), sku.as_str().into()],
    )
}

struct RatingRow(i64, i64, Option<i64>);

impl FromRow for RatingRow {
    const COLUMNS: &'static [&'static str] = &["rating_total", "rating_count", "mine"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(RatingRow(row.int("rating_total")?, row.int("rating_count")?, row.opt_int("mine")?))
    }
}

const RATING: &str = "SELECT p.rating_total, p.rating_count,
        (SELECT r.rating FROM product_ratings r WHERE r.sku = p.sku AND r.customer_id = ?) AS mine
 FROM products p WHERE p.sku = ?";

/// A product's ratings (sum and count) and `customer`'s own, if the product exists.
pub async fn rating(sql: &dyn Sql, sku: &Sku, customer: Option<&str>) -> Result<Option<(i64, i64, Option<i64>)>, StorageError> {
    Ok(first::<RatingRow>(sql, RATING, vec![customer.into(), sku.as_str().into()]).await?.map(|r| (r.0, r.1, r.2)))
}

/// A product as its page and the API show it: at the price in force at `now`, the units available
/// across the chain, and its ratings.
pub async fn product_detail(sql: &dyn Sql, sku: &Sku, now: i64) -> Result<Option<ProductDetail>, StorageError> {
    let Some((product, total)) = product(sql, sku, now).await? else { return Ok(None) };
    let rating = rating(sql, sku, None).await?.and_then(|(sum, count, _)| RatingSummary::from_totals(sum, count));
    Ok(Some(ProductDetail { rating, ..ProductDetail::from_product(product, total) }))
}

/// The statements that record `customer`'s rating of `sku` (replacing an earlier one) and move
/// the product's sum and count with it. The second is guarded: it writes only if `customer`
/// bought the product (an order that counts as a purchase holds it).
pub(crate) fn rate_statements(sku: &Sku, customer: &str, rating: u8, now: i64) -> [Statement; 3] {
    let (sku, customer) = (sku.as_str(), customer);
    [
        Statement::new(
            "UPDATE products SET
                rating_total = rating_total - COALESCE((SELECT rating FROM product_ratings WHERE sku = ?1 AND customer_id = ?2), 0),
                rating_count = rating_count - (SELECT COUNT(*) FROM product_ratings WHERE sku = ?1 AND customer_id = ?2)
             WHERE sku = ?1",
            vec![sku.into(), customer.into()],
        ),
        Statement::new(
            format!(
                "INSERT INTO product_ratings (sku, customer_id, rating, rated_at)
                 SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (
                    SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
                    WHERE l.sku = ?1 AND o.customer_id = ?2 AND {})
                 ON CONFLICT (sku, customer_id) DO UPDATE SET rating = excluded.rating, rated_at = excluded.rated_at",
                super::orders::counting_orders("o.status")
            ),
            vec![sku.into(), customer.into(), u32::from(rating).into(), now.into()],
        )
        .guarded(),
        Statement::new(
            "UPDATE products SET rating_total = rating_total + ?, rating_count = rating_count + 1 WHERE sku = ?",
            vec![u32::from(rating).into(), sku.into()],
        ),
    ]
}

/// Records a list price of `sku` in force from `effective_at`, and settles the price the product
/// keeps ([`settle_price`]).
pub(crate) fn record_price(sku: &Sku, price_minor: i64, effective_at: i64, now: i64, by: &str) -> [Statement; 2] {
    [
        Statement::new(
            "INSERT INTO product_prices (sku, price_minor, effective_at, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?)",
            vec![sku.as_str().into(), price_minor.into(), effective_at.into(), now.into(), by.into()],
        ),
        settle_price(sku, now),
    ]
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![
        checked::<ProductRow>(product_select("p.sku = ?")),
        checked::<ProductRow>(all_products_select()),
        checked::<ProductRow>(listing_page_select("1 = 1", "0", "ASC")),
        checked::<Count>(count_select("1 = 1")),
        checked::<BrandRow>(brand_counts_select("1 = 1")),
        checked::<AttributeCount>(attribute_counts_select("1 = 1")),
        checked::<AdminRow>(admin_select()),
        checked::<AdminRow>(every_product_select()),
        checked::<AdminRow>(admin_page_select("1 = 1")),
        checked::<Count>(admin_count_select("1 = 1")),
        checked::<ProductRow>(variants_select()),
        checked::<BrandRow>(BRANDS),
        checked::<PriceRow>(PRICES),
        checked::<RatingRow>(RATING),
        checked::<Count>(DUE_PRICES),
        checked::<CategoryRow>(CATEGORIES),
        checked::<AdminCategoryRow>(ADMIN_CATEGORY),
        checked::<StoreRow>(STORES),
        checked::<SkuRow>(known_skus_select("?,?")),
        checked::<Counts>(COUNTS),
        checked::<ProductRow>(in_stock_at_select()),
        checked::<ChangeRow>(CATALOG_CHANGES),
        checked::<ProductRow>(matched_select(false, "", None)),
        checked::<ProductRow>(matched_select(true, "", Some(("c.rowid", "DESC")))),
        checked::<Count>(matched_count("AND p.category_id = ?")),
        checked::<NameRow>(SUGGESTED_NAMES),
        checked::<ListedRow>(listed_select()),
        checked::<Count>(CATALOG_VERSION),
        checked::<Count>(STORES_VERSION),
        checked::<ProductRow>(products_by_sku_select(2)),
        checked::<Count>(UNINDEXED),
        checked::<ProductRow>(unindexed_select()),
    ]
}
