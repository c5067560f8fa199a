//! The catalog: health, categories, products, stores, availability, and stock updates from stores.

use crate::db::{catalog, stock};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Session;
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::{Extension, Json};
use serde::Deserialize;
use vitrina_shared::account::Role;
use vitrina_shared::api::{
    CategoryInfo, Health, ProductDetail, ProductSummary, RatingRequest, RatingSummary, RatingView, StockUpdateRequest, StockUpdateResponse,
    StoreInfo,
};
use vitrina_shared::availability::{Availability, LISTED_STORES, MAX_LISTED_STORES};
use vitrina_shared::catalog::{Page, ProductQuery};
use vitrina_shared::stock::validate_stock_update;
use vitrina_shared::{GeoPoint, Sku, StoreId};

pub async fn health(State(app): State<AppState>) -> Result<Json<Health>, ApiError> {
    let (products, stores) = catalog::counts(app.sql.as_ref()).await?;
    Ok(Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into(), products, stores }))
}

pub async fn categories(State(app): State<AppState>) -> Result<Json<Vec<CategoryInfo>>, ApiError> {
    Ok(Json(app.pages.categories(app.sql.as_ref()).await?.as_ref().clone()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductsParams {
    q: Option<String>,
    category: Option<String>,
    page: Option<u32>,
}

pub async fn products(
    State(app): State<AppState>,
    ApiQuery(params): ApiQuery<ProductsParams>,
) -> Result<Json<Page<ProductSummary>>, ApiError> {
    let query = ProductQuery::parse(params.q.as_deref(), params.category.as_deref(), params.page)?;
    if let Some(category) = &query.category {
        if !catalog::category_exists(app.sql.as_ref(), category).await? {
            return Err(ApiError::not_found("unknown_category", format!("there is no category {category}")).with("category", category));
        }
    }
    let index = crate::listing::current(&app).await?;
    Ok(Json(crate::search::products(app.sql.as_ref(), index.as_deref(), &query, app.clock.now().timestamp()).await?))
}

fn parse_sku(raw: &str) -> Result<Sku, ApiError> {
    // A malformed code can name no product: answer as for an unknown one, with the reason.
    Sku::parse(raw).map_err(|e| ApiError::not_found("unknown_sku", e.to_string()).with("sku", raw.chars().take(64).collect::<String>()))
}

pub async fn product(State(app): State<AppState>, ApiPath(raw): ApiPath<String>) -> Result<Json<ProductDetail>, ApiError> {
    let sku = parse_sku(&raw)?;
    let product = catalog::product_detail(app.sql.as_ref(), &sku, app.clock.now().timestamp())
        .await?
        .ok_or_else(|| ApiError::not_found("unknown_sku", format!("there is no product {sku}")).with("sku", &sku))?;
    Ok(Json(product))
}

/// `PUT /api/products/{sku}/rating` `{"rating": 1–5}`: a signed-in shopper (a customer account)
/// who bought the product (an order that counts as a purchase holds it) rates it; rating again
/// replaces the first.
pub async fn rate(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
    ApiJson(body): ApiJson<RatingRequest>,
) -> Result<Json<RatingView>, ApiError> {
    let account = session.require_role(Role::Customer)?;
    let sku = parse_sku(&raw)?;
    if !(1..=5).contains(&body.rating) {
        return Err(ApiError::Unprocessable { code: "invalid_rating", message: "a rating is 1 to 5 stars".into() }.with("field", "/rating"));
    }
    let unknown = || ApiError::not_found("unknown_sku", format!("there is no product {sku}")).with("sku", &sku);
    if catalog::product(app.sql.as_ref(), &sku, app.clock.now().timestamp()).await?.is_none() {
        return Err(unknown());
    }
    let mut batch = Batch::named("rating");
    batch.guard_all(catalog::rate_statements(&sku, &account.id, body.rating, app.clock.now().timestamp()), ());
    if batch.run(app.sql.as_ref()).await?.is_err() {
        return Err(
            ApiError::Refused { code: "not_a_buyer", message: format!("only a shopper who bought {sku} can rate it") }.with("sku", &sku)
        );
    }
    let (sum, count, mine) = catalog::rating(app.sql.as_ref(), &sku, Some(&account.id)).await?.ok_or_else(unknown)?;
    let rating = RatingSummary::from_totals(sum, count)
        .ok_or_else(|| crate::ports::StorageError(format!("{sku}: a rating was recorded but none is counted")))?;
    Ok(Json(RatingView { sku, rating, mine: mine.and_then(|m| u8::try_from(m).ok()).unwrap_or(body.rating) }))
}

/// `GET /api/products/{sku}/variants`: the products of its family on sale (itself included), in
/// catalog order; just itself when it has no family.
pub async fn variants(State(app): State<AppState>, ApiPath(raw): ApiPath<String>) -> Result<Json<Vec<ProductDetail>>, ApiError> {
    let sku = parse_sku(&raw)?;
    let now = app.clock.now().timestamp();
    let (product, total) = catalog::product(app.sql.as_ref(), &sku, now)
        .await?
        .ok_or_else(|| ApiError::not_found("unknown_sku", format!("there is no product {sku}")).with("sku", &sku))?;
    let family = catalog::variants(app.sql.as_ref(), &sku, now).await?;
    let variants = if family.is_empty() { vec![(product, total)] } else { family };
    Ok(Json(variants.into_iter().map(|(p, n)| ProductDetail::from_product(p, n)).collect()))
}

pub async fn stores(State(app): State<AppState>) -> Result<Json<Vec<StoreInfo>>, ApiError> {
    Ok(Json(catalog::stores(app.sql.as_ref()).await?.into_iter().map(StoreInfo::from).collect()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityParams {
    lat: Option<f64>,
    lon: Option<f64>,
    /// How many stores to list (the counts cover every store).
    limit: Option<u32>,
}

/// `GET /api/availability/{sku}`: the first `limit` stores (default [`LISTED_STORES`]) in stock
/// first, then nearest; the counts cover the whole chain.
pub async fn availability(
    State(app): State<AppState>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(params): ApiQuery<AvailabilityParams>,
) -> Result<Json<Availability>, ApiError> {
    let listed = params.limit.unwrap_or(LISTED_STORES);
    if !(1..=MAX_LISTED_STORES).contains(&listed) {
        return Err(ApiError::BadRequest {
            status: axum::http::StatusCode::BAD_REQUEST,
            code: "invalid_limit",
            message: format!("limit lists 1 to {MAX_LISTED_STORES} stores"),
        });
    }
    let position = match (params.lat, params.lon) {
        (Some(lat), Some(lon)) => Some(GeoPoint::new(lat, lon)?),
        (None, None) => None,
        _ => {
            return Err(ApiError::BadRequest {
                status: axum::http::StatusCode::BAD_REQUEST,
                code: "invalid_coordinates",
                message: "send both lat and lon, or neither".into(),
            })
        }
    };
    let sku = parse_sku(&raw)?;
    if catalog::product(app.sql.as_ref(), &sku, app.clock.now().timestamp()).await?.is_none() {
        return Err(ApiError::not_found("unknown_sku", format!("there is no product {sku}")).with("sku", &sku));
    }
    let chain = app.pages.stores(app.sql.as_ref()).await?;
    Ok(Json(stock::availability(app.sql.as_ref(), &chain, &sku, position, app.clock.now(), listed as usize).await?))
}

/// `PUT /api/stores/{store}/stock` (role `staff`: store staff and POS/ERP integrations).
pub async fn put_stock(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw_store): ApiPath<String>,
    ApiJson(body): ApiJson<StockUpdateRequest>,
) -> Result<Json<StockUpdateResponse>, ApiError> {
    session.require_role(Role::Staff)?;
    let store = StoreId::parse(&raw_store)
        .map_err(|e| ApiError::not_found("unknown_store", e.to_string()).with("store", raw_store.chars().take(64).collect::<String>()))?;
    let stores = catalog::stores(app.sql.as_ref()).await?;
    if !stores.iter().any(|s| s.id == store) {
        return Err(ApiError::not_found("unknown_store", format!("there is no store {store}")).with("store", &store));
    }
    let lines = validate_stock_update(&body.items)?;
    let skus: Vec<&Sku> = lines.iter().map(|l| &l.sku).collect();
    let unknown = catalog::unknown_skus(app.sql.as_ref(), &skus).await?;
    if !unknown.is_empty() {
        let list: Vec<&str> = unknown.iter().take(20).map(Sku::as_str).collect();
        return Err(ApiError::Unprocessable {
            code: "unknown_sku",
            message: format!("{} SKU(s) are not in the catalog, nothing was changed: {}", unknown.len(), list.join(", ")),
        }
        .with("sku", list.join(", ")));
    }
    let now = app.clock.now();
    let restocking = lines.iter().filter(|l| l.on_hand > 0).map(|l| (l.sku.clone(), store.clone())).collect();
    let were_out = crate::notify::out_of_stock(app.sql.as_ref(), restocking, now.timestamp()).await?;
    let updated = stock::set_stock(app.sql.as_ref(), &store, &lines, now).await?;
    // Back in stock: watchers near this store hear about it (Web Push).
    crate::notify::announce_restocked(app.sql.as_ref(), &were_out, &stores, now.timestamp()).await?;
    Ok(Json(StockUpdateResponse { store_id: store, updated }))
}
