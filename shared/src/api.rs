//! Wire types of the HTTP API shared by the edge (which produces them) and the app (which reads them).
//! The OpenAPI document at `/api/openapi.json` describes the same shapes.

use crate::catalog::{Attribute, Category, Product};
use crate::store::{City, DayHours, Store};
use crate::{CategoryId, GeoPoint, Money, Sku, StoreId};
use serde::{Deserialize, Serialize};

/// Every error body: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub products: u32,
    pub stores: u32,
}

/// A category with the number of products in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryInfo {
    #[serde(flatten)]
    pub category: Category,
    pub product_count: u32,
}

/// A product in a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub sku: Sku,
    pub name: String,
    pub brand: String,
    pub category: CategoryId,
    pub price: Money,
    pub image: String,
    /// Units on hand across all stores.
    pub total_available: u32,
}

impl ProductSummary {
    pub fn from_product(p: &Product, total_available: u32) -> Self {
        ProductSummary {
            sku: p.sku.clone(),
            name: p.name.clone(),
            brand: p.brand.clone(),
            category: p.category.clone(),
            price: p.price,
            image: p.image.clone(),
            total_available,
        }
    }
}

/// A product page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub sku: Sku,
    pub name: String,
    pub brand: String,
    pub category: CategoryId,
    pub description: String,
    pub price: Money,
    pub attributes: Vec<Attribute>,
    pub image: String,
    pub total_available: u32,
}

impl ProductDetail {
    pub fn from_product(p: Product, total_available: u32) -> Self {
        ProductDetail {
            sku: p.sku,
            name: p.name,
            brand: p.brand,
            category: p.category,
            description: p.description,
            price: p.price,
            attributes: p.attributes,
            image: p.image,
            total_available,
        }
    }
}

/// A store as listed by `GET /api/stores`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreInfo {
    pub id: StoreId,
    pub name: String,
    pub city: City,
    pub address: String,
    pub location: GeoPoint,
    pub phone: String,
    pub opening_hours: Vec<DayHours>,
    pub pickup_lead_minutes: u32,
    pub utc_offset_minutes: i32,
}

impl From<Store> for StoreInfo {
    fn from(s: Store) -> Self {
        StoreInfo {
            id: s.id,
            name: s.name,
            city: s.city,
            address: s.address,
            location: s.location,
            phone: s.phone,
            opening_hours: s.opening_hours,
            pickup_lead_minutes: s.pickup_lead_minutes,
            utc_offset_minutes: s.utc_offset_minutes,
        }
    }
}

/// Body of `PUT /api/stores/{store}/stock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockUpdateRequest {
    pub items: Vec<crate::stock::RawStockLine>,
}

/// Answer of `PUT /api/stores/{store}/stock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockUpdateResponse {
    pub store_id: StoreId,
    pub updated: u32,
}

/// Body of `POST /api/auth/register`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub name: String,
}

/// Body of `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// A signed-in shopper's profile (`GET /api/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    pub email: String,
    pub role: crate::account::Role,
    pub name: String,
    pub phone: String,
    pub city: Option<City>,
    pub preferred_store: Option<StoreId>,
    /// `ru` or `en`.
    pub language: String,
}

/// Body of `PUT /api/me`: the editable profile fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    pub name: String,
    pub phone: String,
    pub city: Option<City>,
    pub preferred_store: Option<StoreId>,
    pub language: String,
}

/// Answer of sign-in and registration: who is signed in and what the cart merge changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub profile: Profile,
    pub cart_adjustments: Vec<crate::cart::Adjustment>,
}

/// A signed-in device of the account (`GET /api/me/devices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub channel: crate::account::Channel,
    pub user_agent: String,
    pub store_id: Option<StoreId>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    /// The device this request came from.
    pub current: bool,
}

/// Body of `PUT /api/cart/items/{sku}`. The quantity is an integer so that negatives get a
/// precise error rather than a type error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetQuantity {
    pub qty: i64,
}

/// One priced line of a cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartLineView {
    pub sku: Sku,
    pub name: String,
    pub image: String,
    pub unit_price: Money,
    pub qty: u32,
    pub line_total: Money,
    /// Units the chain has, for the quantity control's maximum.
    pub available: u32,
}

/// The cart (`GET /api/cart`), priced with the one price list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartView {
    /// Increases with every change; also sent as the `ETag`.
    pub version: i64,
    pub lines: Vec<CartLineView>,
    pub item_count: u32,
    pub subtotal: Money,
    /// Subtotal less offers (offers arrive in their own issue: for now equal to the subtotal).
    pub total: Money,
}

/// The 409 answer to a cart write made against an old version: the error and the cart as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartConflict {
    pub error: ErrorBody,
    pub cart: CartView,
}

/// Answer of `POST /api/cart/handoff`: what the other device needs to take the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    pub code: crate::handoff::HandoffCode,
    /// Path on this site that claims the cart, e.g. `/handoff/AB3K79`.
    pub url: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// A QR code of the full URL, as an SVG document.
    pub qr_svg: String,
}

/// Answer of `POST /api/handoff/{code}/claim`: the claiming device's cart after the merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claimed {
    pub cart: CartView,
    pub cart_adjustments: Vec<crate::cart::Adjustment>,
}

/// Body of `PUT /api/session`: which channel (and store, for kiosks) this device shops from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionChannel {
    pub channel: crate::account::Channel,
    pub store_id: Option<StoreId>,
}

/// Answer of `GET /api/session`: who this device is, always 200 (no console error for guests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub signed_in: bool,
    pub profile: Option<Profile>,
    pub channel: crate::account::Channel,
    pub store_id: Option<StoreId>,
}
