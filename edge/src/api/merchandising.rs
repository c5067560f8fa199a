//! Catalog management (role `merchandiser`, or `staff` where the configuration grants it):
//! products created, edited and archived under `If-Match`, and list prices with their history
//! and schedule. A price is read at request time as the latest one in force (`db::catalog::price_at`),
//! so a change, or a scheduled one once its time comes, reaches the pages, the API, the kiosk,
//! carts (with a notice) and offers at once.

use crate::db::{catalog, to_time};
use crate::error::ApiError;
use crate::extract::{etag_version, strict_from_value, whole_numbers, ApiJson, ApiPath, ApiQuery};
use crate::session::Session;
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::de::DeserializeOwned;
use serde::Serialize;
use vitrina_shared::api::{
    AdminCategory, AdminProduct, BrandInfo, CategoryPatch, NewCategory, NewProduct, PriceChange, PriceEntry, PriceHistory, ProductPatch,
};
use vitrina_shared::catalog::{
    check_attributes, check_family, check_image, check_price, check_text, closes_a_loop, search_text, Category, FieldError, Page, Product,
    ProductQuery, MAX_BRAND_CHARS, MAX_DESCRIPTION_CHARS, MAX_PRODUCT_NAME_CHARS,
};
use vitrina_shared::{CategoryId, Money, Sku};

/// How far back an `effective_at` may lie and still mean "now" (clocks differ a little).
const PAST_TOLERANCE_SECONDS: i64 = 300;
/// How far ahead a price may be scheduled.
const MAX_SCHEDULE_SECONDS: i64 = 366 * 86_400;

/// Why a catalog write changed nothing.
enum CatalogWrite {
    /// A product with this SKU (archived or not), or a category with this id, exists.
    Exists,
    /// A version is no longer the one read (or the product was archived meanwhile).
    Changed,
}

/// A field that does not fit, at its JSON pointer: 422 `invalid_product` with `field` and `reason`.
fn invalid(e: FieldError) -> ApiError {
    let (field, reason) = (e.field.clone(), e.reason);
    ApiError::Unprocessable { code: "invalid_product", message: e.to_string() }.with("field", field).with("reason", reason)
}

/// Reads a body, pointing at the field that does not fit (`/price/amount: invalid type …`), as
/// `invalid` words it.
fn parse_body<T: DeserializeOwned>(body: serde_json::Value, invalid: fn(FieldError) -> ApiError) -> Result<T, ApiError> {
    strict_from_value::<T>(whole_numbers(body)).map_err(|e| invalid(FieldError::new(e.pointer(), "malformed", e.inner.to_string())))
}

/// A price is `{"amount": "8690.00", "currency": "RUB"}` exactly, as the API documents: the amount a
/// string (a JSON number would pass through a float on the way), no other field.
fn price_as_documented(body: &serde_json::Value) -> Result<(), ApiError> {
    let Some(price) = body.pointer("/price").and_then(serde_json::Value::as_object) else { return Ok(()) };
    if let Some(other) = price.keys().find(|k| !["amount", "currency"].contains(&k.as_str())) {
        let field = format!("/price/{}", other.chars().take(64).collect::<String>());
        return Err(invalid(FieldError::new(field, "unknown_field", "a price has an amount and a currency only")));
    }
    match price.get("amount") {
        Some(amount) if !amount.is_string() => {
            Err(invalid(FieldError::new("/price/amount", "malformed", "an amount is a string of roubles, e.g. \"8690.00\"")))
        }
        _ => Ok(()),
    }
}

fn parse_sku(raw: &str) -> Result<Sku, ApiError> {
    // A malformed code can name no product: answer as for an unknown one, with the reason.
    Sku::parse(raw).map_err(|e| ApiError::not_found("unknown_sku", e.to_string()).with("sku", raw.chars().take(64).collect::<String>()))
}

/// The version named by `If-Match`, if any. `*`, a list or a malformed value is a 400.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(raw) = headers.get(header::IF_MATCH) else { return Ok(None) };
    raw.to_str().ok().and_then(etag_version).map(Some).ok_or(ApiError::BadRequest {
        status: StatusCode::BAD_REQUEST,
        code: "invalid_if_match",
        message: "If-Match must be the product's ETag, e.g. \"3\"".into(),
    })
}

fn changed(sku: &Sku, version: i64) -> ApiError {
    ApiError::Conflict {
        code: "product_changed",
        message: format!("product {sku} was changed by someone else (now version {version}); reload it"),
    }
    .with("sku", sku)
    .with("version", version)
}

fn archived(sku: &Sku) -> ApiError {
    ApiError::Conflict { code: "product_archived", message: format!("product {sku} is archived") }.with("sku", sku)
}

/// `body` with the product's version as `ETag`.
fn with_etag(status: StatusCode, version: i64, body: impl Serialize) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// The product (archived or not) with its family, version and whether it is archived, or 404.
async fn load(app: &AppState, sku: &Sku) -> Result<AdminProduct, ApiError> {
    catalog::admin_product(app.sql.as_ref(), sku, app.clock.now().timestamp())
        .await?
        .ok_or_else(|| ApiError::not_found("unknown_sku", format!("there is no product {sku}")).with("sku", sku))
}

async fn answer(app: &AppState, sku: &Sku, status: StatusCode) -> Result<Response, ApiError> {
    let found = load(app, sku).await?;
    Ok(with_etag(status, found.version, found))
}

/// The category a body names, at `field`: malformed or unknown is a 422 there.
async fn category(app: &AppState, field: &str, raw: &str) -> Result<Category, ApiError> {
    let id = CategoryId::parse(raw).map_err(|e| invalid(FieldError::new(field, "invalid_category", e.to_string())))?;
    catalog::categories(app.sql.as_ref())
        .await?
        .into_iter()
        .map(|c| c.category)
        .find(|c| c.id == id)
        .ok_or_else(|| invalid(FieldError::new(field, "unknown_category", format!("there is no category {id}"))))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    q: Option<String>,
    category: Option<String>,
    /// `true`: only archived products; `false` (the default): only the others; `all`: both.
    archived: Option<String>,
    page: Option<u32>,
}

/// `GET /api/admin/products?q=&category=&archived=&page=`: products as a merchandiser sees them,
/// archived ones too on request, 24 per page.
pub async fn list(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<AdminProduct>>, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let query = ProductQuery::parse(params.q.as_deref(), params.category.as_deref(), params.page)?;
    let archived = match params.archived.as_deref() {
        None | Some("false") => catalog::Archived::Excluded,
        Some("true") => catalog::Archived::Only,
        Some("all") => catalog::Archived::Included,
        Some(_) => {
            return Err(ApiError::BadRequest {
                status: StatusCode::BAD_REQUEST,
                code: "invalid_query",
                message: "archived is true, false or all".into(),
            })
        }
    };
    if let Some(category) = &query.category {
        if !catalog::category_exists(app.sql.as_ref(), category).await? {
            return Err(ApiError::not_found("unknown_category", format!("there is no category {category}")).with("category", category));
        }
    }
    let page = catalog::admin_products(app.sql.as_ref(), &query, archived, app.clock.now().timestamp()).await?;
    Ok(Json(page))
}

/// `GET /api/admin/brands`: the brands in use, for choosing an existing one (brands are written on
/// products; a new name makes a new brand).
pub async fn brands(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Vec<BrandInfo>>, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    Ok(Json(catalog::brands(app.sql.as_ref()).await?))
}

/// `GET /api/admin/products/{sku}`: the product, archived or not, with its version as `ETag`.
pub async fn get(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let sku = parse_sku(&raw)?;
    answer(&app, &sku, StatusCode::OK).await
}

/// `POST /api/admin/products`: a new product with its first list price (recorded in its history).
pub async fn create(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let who = session.require_merchandiser(app.config.staff_merchandise)?;
    price_as_documented(&body)?;
    let input: NewProduct = parse_body(body, invalid)?;
    let sku = Sku::parse(input.sku.trim()).map_err(|e| invalid(FieldError::new("/sku", "invalid_sku", e.to_string())))?;
    let name = check_text("/name", &input.name, MAX_PRODUCT_NAME_CHARS, false, false).map_err(invalid)?;
    let brand = check_text("/brand", &input.brand, MAX_BRAND_CHARS, false, false).map_err(invalid)?;
    let category = category(&app, "/category", &input.category).await?;
    let description = check_text("/description", &input.description, MAX_DESCRIPTION_CHARS, true, true).map_err(invalid)?;
    let price = check_price("/price", &input.price).map_err(invalid)?;
    let attributes = check_attributes("/attributes", &input.attributes).map_err(invalid)?;
    let image = match &input.image {
        Some(raw) => check_image("/image", raw).map_err(invalid)?,
        // A picture of its own, generated from the product (shared/src/art.rs).
        None => vitrina_shared::art::image_path(&sku, vitrina_shared::art::View::Front),
    };
    let family = input.family.as_deref().map(|raw| check_family("/family", raw)).transpose().map_err(invalid)?;
    let product = Product { sku: sku.clone(), name, brand, category: category.id.clone(), description, price, attributes, image };
    let now = app.clock.now().timestamp();
    let mut batch = Batch::named("product-create");
    batch.guard(catalog::insert_product(&product, family.as_deref(), &search_text(&product, Some(&category))), CatalogWrite::Exists);
    batch.extend(catalog::record_price(&sku, price.minor_units(), now, now, &who.id));
    batch.extend(catalog::reindex_product_statements(&product, Some(&category)));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => answer(&app, &sku, StatusCode::CREATED).await,
        Err(CatalogWrite::Exists | CatalogWrite::Changed) => Err(ApiError::Conflict {
            code: "product_exists",
            message: format!("a product {sku} exists (perhaps archived); edit it with PATCH"),
        }
        .with("sku", &sku)),
    }
}

/// `PATCH /api/admin/products/{sku}`: changes the fields the body names (not the price: see
/// [`set_price`]); `If-Match: "<version>"` makes it conditional on that version.
pub async fn update(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let sku = parse_sku(&raw)?;
    let expected = if_match(&headers)?;
    let patch: ProductPatch = parse_body(body, invalid)?;
    let AdminProduct { product: current, mut family, version, archived: is_archived } = load(&app, &sku).await?;
    if is_archived {
        return Err(archived(&sku));
    }
    // An edit of a version that is no longer the product's is refused whatever it says (the
    // guarded update below still settles a race).
    if expected.is_some_and(|e| e != version) {
        return Err(changed(&sku, version));
    }
    if patch == ProductPatch::default() {
        return Ok(with_etag(StatusCode::OK, version, AdminProduct { product: current, family, version, archived: false }));
    }
    let mut product = current;
    if let Some(raw) = &patch.name {
        product.name = check_text("/name", raw, MAX_PRODUCT_NAME_CHARS, false, false).map_err(invalid)?;
    }
    if let Some(raw) = &patch.brand {
        product.brand = check_text("/brand", raw, MAX_BRAND_CHARS, false, false).map_err(invalid)?;
    }
    let category = match &patch.category {
        Some(raw) => category(&app, "/category", raw).await?,
        None => category(&app, "/category", product.category.as_str()).await?,
    };
    product.category = category.id.clone();
    if let Some(raw) = &patch.description {
        product.description = check_text("/description", raw, MAX_DESCRIPTION_CHARS, true, true).map_err(invalid)?;
    }
    if let Some(raw) = &patch.attributes {
        product.attributes = check_attributes("/attributes", raw).map_err(invalid)?;
    }
    if let Some(raw) = &patch.image {
        product.image = check_image("/image", raw).map_err(invalid)?;
    }
    match &patch.family {
        None => {}
        Some(None) => family = None,
        Some(Some(raw)) => family = Some(check_family("/family", raw).map_err(invalid)?),
    }
    let mut batch = Batch::named("product-update");
    batch.guard(
        catalog::update_product(&product, family.as_deref(), &search_text(&product, Some(&category)), version),
        CatalogWrite::Changed,
    );
    batch.extend(catalog::reindex_product_statements(&product, Some(&category)));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => answer(&app, &sku, StatusCode::OK).await,
        Err(_) => Err(changed(&sku, load(&app, &sku).await?.version)),
    }
}

/// `POST /api/admin/products/{sku}/archive`: the product leaves listings, search, pages and
/// carts; orders keep their own copy of it. Archiving an archived product answers it as it is.
pub async fn archive(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    set_archived(&app, &session, &raw, &headers, true).await
}

/// `POST /api/admin/products/{sku}/restore`: an archived product goes back on sale (listings,
/// search, its page). Restoring a product on sale answers it as it is.
pub async fn restore(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    set_archived(&app, &session, &raw, &headers, false).await
}

/// Archives (or restores) the product `raw` names under `If-Match`, taking it out of search (or
/// back in) in the same batch; a product already so is answered as it is.
async fn set_archived(app: &AppState, session: &Session, raw: &str, headers: &HeaderMap, archive: bool) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let sku = parse_sku(raw)?;
    let expected = if_match(headers)?;
    let found = load(app, &sku).await?;
    let version = found.version;
    if found.archived == archive {
        return Ok(with_etag(StatusCode::OK, version, found));
    }
    if expected.is_some_and(|e| e != version) {
        return Err(changed(&sku, version));
    }
    let batch = if archive {
        let mut batch = Batch::named("product-archive");
        batch.guard(catalog::archive(&sku, version, app.clock.now().timestamp()), CatalogWrite::Changed);
        batch.extend(catalog::unindex_product_statements(&sku));
        batch
    } else {
        let category = category(app, "/category", found.product.category.as_str()).await?;
        let mut batch = Batch::named("product-restore");
        batch.guard(catalog::restore(&sku, version), CatalogWrite::Changed);
        batch.extend(catalog::reindex_product_statements(&found.product, Some(&category)));
        batch
    };
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => answer(app, &sku, StatusCode::OK).await,
        Err(_) => Err(changed(&sku, load(app, &sku).await?.version)),
    }
}

async fn history(app: &AppState, sku: &Sku) -> Result<(PriceHistory, i64), ApiError> {
    let AdminProduct { product, version, .. } = load(app, sku).await?;
    let entries = catalog::prices(app.sql.as_ref(), sku)
        .await?
        .into_iter()
        .map(|r| PriceEntry {
            id: r.id,
            price: Money::from_minor_units(r.price_minor, product.price.currency),
            effective_at: to_time(r.effective_at),
            recorded_at: to_time(r.recorded_at),
            recorded_by: r.recorded_by,
        })
        .collect();
    Ok((PriceHistory { sku: sku.clone(), current: product.price, version, entries }, version))
}

/// `GET /api/admin/products/{sku}/prices`: the price in force and every recorded one.
pub async fn prices(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let sku = parse_sku(&raw)?;
    let (history, version) = history(&app, &sku).await?;
    Ok(with_etag(StatusCode::OK, version, history))
}

/// `DELETE /api/admin/products/{sku}/prices/{id}`: cancels a scheduled price that has not taken
/// effect yet (one in force stays in the history: set another price instead).
pub async fn cancel_price(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath((raw, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let sku = parse_sku(&raw)?;
    let expected = if_match(&headers)?;
    let not_scheduled = || {
        ApiError::not_found("unknown_price", format!("product {sku} has no scheduled price {}", id.chars().take(20).collect::<String>()))
            .with("sku", &sku)
    };
    let id: i64 = id.parse().map_err(|_| not_scheduled())?;
    let AdminProduct { version, archived: is_archived, .. } = load(&app, &sku).await?;
    if is_archived {
        return Err(archived(&sku));
    }
    if expected.is_some_and(|e| e != version) {
        return Err(changed(&sku, version));
    }
    let now = app.clock.now().timestamp();
    let mut batch = Batch::named("product-price-cancel");
    batch.guard(catalog::cancel_price(&sku, id, now), CatalogWrite::Exists);
    batch.push(catalog::settle_price(&sku, now));
    batch.guard(catalog::bump_version(&sku, version), CatalogWrite::Changed);
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {
            let (history, version) = history(&app, &sku).await?;
            Ok(with_etag(StatusCode::OK, version, history))
        }
        Err(CatalogWrite::Exists) => Err(not_scheduled()),
        Err(CatalogWrite::Changed) => Err(changed(&sku, load(&app, &sku).await?.version)),
    }
}

/// `PUT /api/admin/products/{sku}/price`: a new list price, now or from `effective_at` (at most a
/// year ahead). It is recorded in the history and read wherever the product's price is read.
pub async fn set_price(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let who = session.require_merchandiser(app.config.staff_merchandise)?;
    let sku = parse_sku(&raw)?;
    let expected = if_match(&headers)?;
    price_as_documented(&body)?;
    let change: PriceChange = parse_body(body, invalid)?;
    let price = check_price("/price", &change.price).map_err(invalid)?;
    let now = app.clock.now().timestamp();
    let effective_at = match change.effective_at.map(|t| t.timestamp()) {
        None => now,
        Some(t) if t < now - PAST_TOLERANCE_SECONDS => {
            return Err(invalid(FieldError::new("/effective_at", "in_the_past", "a price cannot start in the past; leave it out for now")))
        }
        Some(t) if t > now + MAX_SCHEDULE_SECONDS => {
            return Err(invalid(FieldError::new("/effective_at", "too_far_ahead", "a price can be scheduled at most 366 days ahead")))
        }
        Some(t) => t.max(now),
    };
    let AdminProduct { version, archived: is_archived, .. } = load(&app, &sku).await?;
    if is_archived {
        return Err(archived(&sku));
    }
    if expected.is_some_and(|e| e != version) {
        return Err(changed(&sku, version));
    }
    let mut batch = Batch::named("product-price");
    batch.guard(catalog::bump_version(&sku, version), CatalogWrite::Changed);
    batch.extend(catalog::record_price(&sku, price.minor_units(), effective_at, now, &who.id));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {
            let (history, version) = history(&app, &sku).await?;
            Ok(with_etag(StatusCode::OK, version, history))
        }
        Err(_) => Err(changed(&sku, load(&app, &sku).await?.version)),
    }
}

// ---- categories ---------------------------------------------------------------------------------

/// Longest category name, in characters.
const MAX_CATEGORY_NAME_CHARS: usize = 60;

/// A category's problem at a field, as a 422 `invalid_category_data` with `field` and `reason`.
fn invalid_category(e: FieldError) -> ApiError {
    let (field, reason) = (e.field.clone(), e.reason);
    ApiError::Unprocessable { code: "invalid_category_data", message: e.to_string() }.with("field", field).with("reason", reason)
}

fn parse_category_id(raw: &str) -> Result<CategoryId, ApiError> {
    CategoryId::parse(raw)
        .map_err(|e| ApiError::not_found("unknown_category", e.to_string()).with("category", raw.chars().take(64).collect::<String>()))
}

async fn load_category(app: &AppState, id: &CategoryId) -> Result<(Category, Option<CategoryId>, i64), ApiError> {
    catalog::admin_category(app.sql.as_ref(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("unknown_category", format!("there is no category {id}")).with("category", id))
}

async fn category_answer(app: &AppState, id: &CategoryId, status: StatusCode) -> Result<Response, ApiError> {
    let (category, parent, version) = load_category(app, id).await?;
    Ok(with_etag(status, version, AdminCategory { category, parent, version }))
}

/// The parent a body names for category `id`: it exists and is not `id` or below it. Returns it
/// with the guards that keep the path checked unchanged until the write commits.
async fn checked_parent(app: &AppState, id: &CategoryId, raw: &str) -> Result<(CategoryId, Vec<(CategoryId, i64)>), ApiError> {
    let parent = CategoryId::parse(raw).map_err(|e| invalid_category(FieldError::new("/parent", "invalid_category", e.to_string())))?;
    let mut tree = std::collections::HashMap::new();
    for info in catalog::categories(app.sql.as_ref()).await? {
        tree.insert(info.category.id.clone(), info.parent.clone());
    }
    if !tree.contains_key(&parent) {
        return Err(invalid_category(FieldError::new("/parent", "unknown_category", format!("there is no category {parent}"))));
    }
    if closes_a_loop(id, &parent, &|c: &CategoryId| tree.get(c).cloned().flatten()) {
        return Err(invalid_category(FieldError::new("/parent", "loop", format!("{parent} is {id} or sits under it"))));
    }
    let mut path = Vec::new();
    let mut at = Some(parent.clone());
    while let Some(c) = at {
        let (_, above, version) = load_category(app, &c).await?;
        at = above;
        path.push((c, version));
        if path.len() > tree.len() {
            break;
        }
    }
    Ok((parent, path))
}

/// `GET /api/admin/categories/{id}`: a category with its version as `ETag`.
pub async fn get_category(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    category_answer(&app, &parse_category_id(&raw)?, StatusCode::OK).await
}

/// `POST /api/admin/categories`: a new category, last in order, at the top or under `parent`.
pub async fn create_category(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let input: NewCategory = parse_body(body, invalid_category)?;
    let id =
        CategoryId::parse(input.id.trim()).map_err(|e| invalid_category(FieldError::new("/id", "invalid_category_id", e.to_string())))?;
    let name_ru = check_text("/name_ru", &input.name_ru, MAX_CATEGORY_NAME_CHARS, false, false).map_err(invalid_category)?;
    let name_en = check_text("/name_en", &input.name_en, MAX_CATEGORY_NAME_CHARS, false, false).map_err(invalid_category)?;
    let image = check_image("/image", &input.image).map_err(invalid_category)?;
    let (parent, path) = match &input.parent {
        Some(raw) => {
            let (parent, path) = checked_parent(&app, &id, raw).await?;
            (Some(parent), path)
        }
        None => (None, Vec::new()),
    };
    let category = Category { id: id.clone(), name_ru, name_en, image };
    let mut batch = Batch::named("category-create");
    batch.guard(catalog::insert_category(&category, parent.as_ref()), CatalogWrite::Exists);
    for (ancestor, version) in &path {
        batch.guard(catalog::tree_unchanged(ancestor, *version), CatalogWrite::Changed);
    }
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => category_answer(&app, &id, StatusCode::CREATED).await,
        Err(CatalogWrite::Exists) => {
            Err(ApiError::Conflict { code: "category_exists", message: format!("a category {id} exists; edit it with PATCH") }
                .with("category", &id))
        }
        Err(CatalogWrite::Changed) => Err(ApiError::Conflict {
            code: "category_changed",
            message: "the categories above the new one changed meanwhile; try again".into(),
        }
        .with("category", &id)),
    }
}

/// `PATCH /api/admin/categories/{id}`: changes its names, image or place in the tree (`"parent":
/// null` moves it to the top); `If-Match: "<version>"` makes it conditional on that version.
pub async fn update_category(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let id = parse_category_id(&raw)?;
    let expected = if_match(&headers)?;
    let patch: CategoryPatch = parse_body(body, invalid_category)?;
    let (mut category, mut parent, version) = load_category(&app, &id).await?;
    let changed = |now: i64| {
        ApiError::Conflict {
            code: "category_changed",
            message: format!("category {id} was changed by someone else (now version {now}); reload it"),
        }
        .with("category", &id)
        .with("version", now)
    };
    if expected.is_some_and(|e| e != version) {
        return Err(changed(version));
    }
    if let Some(raw) = &patch.name_ru {
        category.name_ru = check_text("/name_ru", raw, MAX_CATEGORY_NAME_CHARS, false, false).map_err(invalid_category)?;
    }
    if let Some(raw) = &patch.name_en {
        category.name_en = check_text("/name_en", raw, MAX_CATEGORY_NAME_CHARS, false, false).map_err(invalid_category)?;
    }
    if let Some(raw) = &patch.image {
        category.image = check_image("/image", raw).map_err(invalid_category)?;
    }
    let mut path = Vec::new();
    match &patch.parent {
        None => {}
        Some(None) => parent = None,
        Some(Some(raw)) => {
            let (above, checked) = checked_parent(&app, &id, raw).await?;
            parent = Some(above);
            path = checked;
        }
    }
    let mut batch = Batch::named("category-update");
    batch.guard(catalog::update_category(&category, parent.as_ref(), version), ());
    for (ancestor, version) in &path {
        batch.guard(catalog::tree_unchanged(ancestor, *version), ());
    }
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => category_answer(&app, &id, StatusCode::OK).await,
        Err(()) => Err(changed(load_category(&app, &id).await?.2)),
    }
}
