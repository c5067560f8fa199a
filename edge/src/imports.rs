//! Running a catalog import: its files read (`vitrina_shared::import`), every row planned against
//! the catalog as it is, and the accepted rows applied in one batch together with the import's
//! outcome, so an import is applied whole or not at all and never leaves half a price list.
//!
//! An import is claimed before it runs (a guarded update), and its claim is renewed with each
//! progress report; one whose claim went stale (its host stopped) runs again from its files. If
//! the catalog changes under it between planning and applying (a guarded write fails), it plans
//! again, up to [`ATTEMPTS`] times. The native host runs imports in the background and resumes
//! them on start; Spin runs one in the request that starts it (a component has no background).

use crate::db::{catalog, imports, imports::Outcome, stock};
use crate::ports::StorageError;
use crate::tx::Batch;
use crate::AppState;
use std::collections::{HashMap, HashSet};
use vitrina_shared::api::ImportRefusal;
use vitrina_shared::catalog::{search_text, Category};
use vitrina_shared::import::{
    category_slug, parse, plan, sort_refusals, Change, Current, ImportFormat, ImportRecord, Parsed, Plan, Refusal,
};
use vitrina_shared::{CategoryId, Sku, StoreId};

/// Seconds after which a running import's claim counts as abandoned.
pub const STALE_CLAIM_SECONDS: i64 = 120;
/// Rows checked between progress reports.
const PROGRESS_EVERY: usize = 5_000;
/// Times an import plans again when the catalog changed under it.
const ATTEMPTS: usize = 3;
/// Times an import may be claimed before it is failed: one whose file stops its worker (a host
/// killed while running it) is not taken up for ever.
const MAX_ATTEMPTS: i64 = 3;
/// The illustration of a category made from a 1C group with no parent to borrow one from.
const NEW_CATEGORY_IMAGE: &str = "/img/hero.svg";

/// Why a batch that applies an import changed nothing.
enum Lost {
    /// A product or category changed after it was planned against.
    CatalogChanged,
    /// Another worker took the import over (this one's claim went stale).
    Claim,
}

/// Runs import `id` if it can be claimed now: `None` if it is not waiting (or another worker has
/// it), else its outcome (`Err` with a code and message if it failed and applied nothing).
pub async fn run(app: &AppState, id: &str, stale_before: i64) -> Result<Option<Result<Outcome, (String, String)>>, StorageError> {
    let claimed_at = app.clock.now().timestamp();
    let mut claim = Batch::named("import-claim");
    claim.guard(imports::claim(id, claimed_at, stale_before), ());
    if claim.run(app.sql.as_ref()).await?.is_err() {
        return Ok(None);
    }
    let Some(row) = imports::find(app.sql.as_ref(), id).await? else { return Ok(None) };
    let fail = |code: &'static str, message: String| fail(app, id, code, message, claimed_at);
    if row.attempts > MAX_ATTEMPTS {
        return fail("import_interrupted", format!("the import stopped its worker {MAX_ATTEMPTS} times; nothing was applied")).await;
    }
    let Some(format) = ImportFormat::parse(&row.format) else {
        return fail("unknown_format", format!("unknown import format {}", row.format)).await;
    };
    let files = imports::files(app.sql.as_ref(), id).await?;
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let parsed = match parse(format, &files) {
        Ok(parsed) => parsed,
        Err(e) => return fail(e.code, e.to_string()).await,
    };
    tracing::info!(import = id, format = format.as_str(), rows = parsed.rows(), "import read");
    for attempt in 1..=ATTEMPTS {
        let (batch, outcome, restocking) = prepare(app, id, &row.created_by, &parsed, &names, claimed_at).await?;
        let now = app.clock.now().timestamp();
        let were_out = crate::notify::out_of_stock(app.sql.as_ref(), restocking, now).await?;
        match batch.run(app.sql.as_ref()).await? {
            Ok(()) => {
                // Back in stock: watchers of a product the import brought back hear about it, as
                // they do when staff set the stock.
                let stores = catalog::stores(app.sql.as_ref()).await?;
                crate::notify::announce_restocked(app.sql.as_ref(), &were_out, &stores, app.clock.now().timestamp()).await?;
                tracing::info!(
                    import = id,
                    created = outcome.created,
                    updated = outcome.updated,
                    unchanged = outcome.unchanged,
                    refused = outcome.refused,
                    "import applied"
                );
                return Ok(Some(Ok(outcome)));
            }
            Err(Lost::Claim) => return Ok(None),
            Err(Lost::CatalogChanged) => tracing::info!(import = id, attempt, "the catalog changed under the import; planning again"),
        }
    }
    fail("catalog_changed", "the catalog kept changing while the import was applied; start it again".into()).await
}

async fn fail(
    app: &AppState,
    id: &str,
    code: &str,
    message: String,
    claimed_at: i64,
) -> Result<Option<Result<Outcome, (String, String)>>, StorageError> {
    tracing::warn!(import = id, code, message, "import failed; nothing applied");
    let now = app.clock.now().timestamp();
    let mut batch = Batch::named("import-fail");
    batch.guard(imports::fail(id, code, &message, claimed_at, now), ());
    batch.push(imports::drop_files(id));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => Ok(Some(Err((code.to_owned(), message)))),
        // Another worker took the import over; it decides.
        Err(()) => Ok(None),
    }
}

/// Runs every waiting import, one after another: queued ones, and running ones whose claim is
/// older than `stale_before`.
pub async fn run_waiting(app: &AppState, stale_before: i64) -> Result<usize, StorageError> {
    let mut ran = 0;
    for id in imports::runnable(app.sql.as_ref(), stale_before).await? {
        if run(app, &id, stale_before).await?.is_some() {
            ran += 1;
        }
    }
    Ok(ran)
}

/// The catalog an import plans against.
struct Catalog {
    categories: HashMap<CategoryId, Category>,
    stores: HashMap<StoreId, String>,
    products: HashMap<Sku, Current>,
    group_keys: HashMap<String, String>,
    product_keys: HashMap<String, String>,
    warehouse_keys: HashMap<String, String>,
}

async fn load(app: &AppState, now: i64) -> Result<Catalog, StorageError> {
    let sql = app.sql.as_ref();
    let categories = catalog::categories(sql).await?.into_iter().map(|c| (c.category.id.clone(), c.category)).collect();
    let stores = catalog::stores(sql).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let products = catalog::every_product(sql, now)
        .await?
        .into_iter()
        .map(|a| (a.product.sku.clone(), Current { product: a.product, family: a.family, version: a.version, archived: a.archived }))
        .collect();
    Ok(Catalog {
        categories,
        stores,
        products,
        group_keys: imports::keys(sql, "group").await?,
        product_keys: imports::keys(sql, "product").await?,
        warehouse_keys: imports::keys(sql, "warehouse").await?,
    })
}

/// A product at a store an import gives units to, when someone waits for the product: the
/// candidates for "back in stock".
type Restocking = Vec<(Sku, StoreId)>;

/// Plans every row and builds the one batch that applies the accepted ones with the outcome, and
/// the [`Restocking`] pairs it brings.
async fn prepare(
    app: &AppState,
    id: &str,
    by: &str,
    parsed: &Parsed,
    files: &[String],
    claimed_at: i64,
) -> Result<(Batch<Lost>, Outcome, Restocking), StorageError> {
    let now = app.clock.now().timestamp();
    let mut known = load(app, now).await?;
    let watched = crate::notify::watched_products(app.sql.as_ref()).await?;
    let mut restocking = Restocking::new();
    let mut batch = Batch::named("import");
    batch.push(imports::clear_refusals(id));
    let mut refusals: Vec<ImportRefusal> = parsed.refused.clone();
    let groups = map_groups(parsed, &mut known, &mut batch);
    let warehouses = map_warehouses(parsed, &known, &mut batch);
    let total = u64::try_from(parsed.rows()).unwrap_or(u64::MAX);
    let mut outcome = Outcome { total, ..Outcome::default() };
    let mut seen: HashMap<Sku, String> = HashMap::new();
    for (i, record) in parsed.records.iter().enumerate() {
        if i % PROGRESS_EVERY == PROGRESS_EVERY - 1 {
            let checked = u64::try_from(parsed.refused.len() + i).unwrap_or(u64::MAX);
            app.sql.batch(vec![imports::progress(id, total, checked, claimed_at, app.clock.now().timestamp())]).await?;
        }
        let planned = resolve(record, &groups, &warehouses, &known).and_then(|record| {
            let sku = Sku::parse(record.sku.trim()).ok();
            let current = sku.as_ref().and_then(|s| known.products.get(s));
            plan(&record, current, &|c| known.categories.get(c).cloned(), &|s| known.stores.contains_key(s))
        });
        let planned = planned.and_then(|p| match seen.get(&p.sku) {
            Some(first) => {
                Err(Refusal::new(&record.at, Some(p.sku.as_str()), "duplicate_sku", format!("the import already has {} at {first}", p.sku)))
            }
            None => Ok(p),
        });
        match planned {
            Ok(p) => {
                seen.insert(p.sku.clone(), record.at.clone());
                if let Some(external) = &record.external_id {
                    batch.push(imports::key("product", external, p.sku.as_str()));
                }
                if watched.contains(&p.sku) {
                    let stores = p.stock.iter().filter(|(_, units)| *units > 0).map(|(store, _)| store.clone());
                    restocking.extend(stores.map(|store| (p.sku.clone(), store)));
                }
                apply(&p, &known, by, now, &mut batch, &mut outcome);
            }
            Err(r) => refusals.push(r),
        }
    }
    sort_refusals(&mut refusals, files);
    outcome.refused = u64::try_from(refusals.len()).unwrap_or(u64::MAX);
    for (position, r) in refusals.iter().enumerate() {
        batch.push(imports::refusal(id, position, r));
    }
    batch.guard(imports::finish(id, &outcome, claimed_at, now), Lost::Claim);
    batch.push(imports::drop_files(id));
    Ok((batch, outcome, restocking))
}

/// The statements of one accepted row, counted in `outcome`.
fn apply(p: &Plan, known: &Catalog, by: &str, now: i64, batch: &mut Batch<Lost>, outcome: &mut Outcome) {
    let category = |product: &vitrina_shared::catalog::Product| known.categories.get(&product.category).cloned();
    match &p.change {
        Change::Create { product, family } => {
            let category = category(product);
            batch
                .guard(catalog::insert_product(product, family.as_deref(), &search_text(product, category.as_ref())), Lost::CatalogChanged);
            batch.extend(catalog::record_price(&p.sku, product.price.minor_units(), now, now, by));
            batch.extend(catalog::reindex_product_statements(product, category.as_ref()));
            outcome.created += 1;
        }
        Change::Update { product, family, version, fields, price } => {
            if *fields {
                let category = category(product);
                let text = search_text(product, category.as_ref());
                batch.guard(catalog::update_product(product, family.as_deref(), &text, *version), Lost::CatalogChanged);
                batch.extend(catalog::reindex_product_statements(product, category.as_ref()));
            } else {
                batch.guard(catalog::bump_version(&p.sku, *version), Lost::CatalogChanged);
            }
            if let Some(minor) = price {
                batch.extend(catalog::record_price(&p.sku, *minor, now, now, by));
            }
            outcome.updated += 1;
        }
        Change::Unchanged if p.stock.is_empty() => outcome.unchanged += 1,
        Change::Unchanged => outcome.updated += 1,
    }
    for (store, units) in &p.stock {
        batch.push(stock::set_on_hand(store, &p.sku, *units, now));
    }
}

/// 1C's groups as categories: one mapped before, else an existing category of the same name,
/// else a new one (parents first) with an id made from its name. Returns group `Ид` → category.
fn map_groups(parsed: &Parsed, known: &mut Catalog, batch: &mut Batch<Lost>) -> HashMap<String, CategoryId> {
    let mut mapped: HashMap<String, CategoryId> = HashMap::new();
    for group in &parsed.groups {
        let existing = known
            .group_keys
            .get(&group.external_id)
            .and_then(|local| CategoryId::parse(local).ok())
            .filter(|c| known.categories.contains_key(c))
            .or_else(|| known.categories.values().find(|c| c.name_ru.to_lowercase() == group.name.to_lowercase()).map(|c| c.id.clone()));
        let id = match existing {
            Some(id) => id,
            None => {
                let slug = category_slug(&group.name, &|s| CategoryId::parse(s).is_ok_and(|c| known.categories.contains_key(&c)));
                let Ok(id) = CategoryId::parse(&slug) else { continue };
                let parent = group.parent.as_ref().and_then(|p| mapped.get(p)).cloned();
                let image = parent
                    .as_ref()
                    .and_then(|p| known.categories.get(p))
                    .map_or_else(|| NEW_CATEGORY_IMAGE.to_owned(), |c| c.image.clone());
                let name: String = group.name.trim().chars().take(60).collect();
                let category = Category { id: id.clone(), name_ru: name.clone(), name_en: name, image };
                batch.guard(catalog::insert_category(&category, parent.as_ref()), Lost::CatalogChanged);
                known.categories.insert(id.clone(), category);
                id
            }
        };
        batch.push(imports::key("group", &group.external_id, id.as_str()));
        mapped.insert(group.external_id.clone(), id);
    }
    mapped
}

/// 1C's warehouses as stores: one mapped before, else a store whose id is the warehouse's `Ид`,
/// else one of the same name. Returns warehouse `Ид` → store.
fn map_warehouses(parsed: &Parsed, known: &Catalog, batch: &mut Batch<Lost>) -> HashMap<String, StoreId> {
    let mut mapped = HashMap::new();
    for warehouse in &parsed.warehouses {
        let store = known
            .warehouse_keys
            .get(&warehouse.external_id)
            .and_then(|s| StoreId::parse(s).ok())
            .or_else(|| StoreId::parse(&warehouse.external_id).ok())
            .filter(|s| known.stores.contains_key(s))
            .or_else(|| {
                known.stores.iter().find(|(_, name)| name.to_lowercase() == warehouse.name.to_lowercase()).map(|(id, _)| id.clone())
            });
        if let Some(store) = store {
            batch.push(imports::key("warehouse", &warehouse.external_id, store.as_str()));
            mapped.insert(warehouse.external_id.clone(), store);
        }
    }
    mapped
}

/// A CommerceML row in the catalog's own terms: its SKU (the article, else the one its `Ид` had
/// before), its group's category and its warehouses' stores. Rows of other formats are as they are.
fn resolve(
    record: &ImportRecord,
    groups: &HashMap<String, CategoryId>,
    warehouses: &HashMap<String, StoreId>,
    known: &Catalog,
) -> Result<ImportRecord, Refusal> {
    let Some(external) = &record.external_id else { return Ok(record.clone()) };
    let mut out = record.clone();
    if out.sku.is_empty() {
        out.sku = known.product_keys.get(external).cloned().ok_or_else(|| {
            Refusal::new(&record.at, None, "missing_article", format!("product {external} has no Артикул, which the shop uses as its SKU"))
        })?;
    }
    if let Some(group) = &record.category {
        let category =
            groups.get(group).cloned().or_else(|| known.group_keys.get(group).and_then(|c| CategoryId::parse(c).ok())).ok_or_else(
                || Refusal::new(&record.at, Some(&out.sku), "unknown_group", format!("the group {group} is in no Классификатор sent")),
            )?;
        out.category = Some(category.as_str().to_owned());
    }
    let mut seen_stores = HashSet::new();
    out.stock.clear();
    for (warehouse, units) in &record.stock {
        let store = warehouses
            .get(warehouse)
            .cloned()
            .or_else(|| known.warehouse_keys.get(warehouse).and_then(|s| StoreId::parse(s).ok()))
            .ok_or_else(|| {
                let name = format!("{:?}", warehouse.chars().take(40).collect::<String>());
                Refusal::new(
                    &record.at,
                    Some(&out.sku),
                    "unknown_warehouse",
                    format!("the warehouse {name} is no store of the shop: give it the store's id as its Ид or the store's name"),
                )
            })?;
        if seen_stores.insert(store.clone()) {
            out.stock.push((store.as_str().to_owned(), *units));
        }
    }
    Ok(out)
}

/// A new import of `files` (name and bytes) in `format`, queued to run: what `vitrina import`
/// does before it runs it. Returns its id.
pub async fn queue_files(app: &AppState, format: ImportFormat, files: Vec<(String, Vec<u8>)>, by: &str) -> Result<String, StorageError> {
    let id = crate::db::new_id('I')?;
    let mut statements = vec![imports::create(&id, format.as_str(), by, app.clock.now().timestamp())];
    statements.extend(files.into_iter().map(|(name, content)| imports::put_file(&id, &name, content)));
    statements.push(imports::queue(&id));
    app.sql.batch(statements).await?;
    Ok(id)
}

/// Refused rows an import's state lists at a time.
pub const REFUSALS_PER_PAGE: u32 = 1_000;

/// An import's state, with up to [`REFUSALS_PER_PAGE`] of its refused rows from number
/// `refusals_from` (none when `None`); `None` if there is no such import.
pub async fn status(
    app: &AppState,
    id: &str,
    refusals_from: Option<u32>,
) -> Result<Option<vitrina_shared::api::ImportStatus>, StorageError> {
    let Some(row) = imports::find(app.sql.as_ref(), id).await? else { return Ok(None) };
    let refusals = match refusals_from {
        Some(from) => imports::refusals(app.sql.as_ref(), id, from, REFUSALS_PER_PAGE).await?,
        None => Vec::new(),
    };
    Ok(Some(row.status(refusals)))
}
