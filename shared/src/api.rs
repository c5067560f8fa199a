//! Wire types of the HTTP API shared by the edge (which produces them) and the app (which reads them).
//! The OpenAPI document at `/api/openapi.json` describes the same shapes.

use crate::catalog::{Attribute, Category, Product};
use crate::store::{City, DayHours, Store};
use crate::{CategoryId, GeoPoint, Money, Sku, StoreId};
use serde::{Deserialize, Serialize};

/// Every error body: `{"error": {"code": "...", "message": "...", "params": {...}}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

/// An error: a stable `code`, an English `message` for API clients and logs, and the values the
/// message names (`sku`, `store`, `retry_after`…) so that an app words it in its own language
/// ([`crate::i18n::error_text`]) and never shows `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "ErrorParams::is_empty")]
    pub params: ErrorParams,
}

// The values an error names live with the other error types (`crate::error`), so that the
// domain modules (offers) name them without depending on the wire types.
pub use crate::error::{ErrorParams, ParamValue};

impl From<&Sku> for ParamValue {
    fn from(sku: &Sku) -> Self {
        ParamValue::Text(sku.to_string())
    }
}

impl From<&StoreId> for ParamValue {
    fn from(store: &StoreId) -> Self {
        ParamValue::Text(store.to_string())
    }
}

impl From<&CategoryId> for ParamValue {
    fn from(category: &CategoryId) -> Self {
        ParamValue::Text(category.to_string())
    }
}

impl From<i64> for ParamValue {
    fn from(n: i64) -> Self {
        ParamValue::Int(n)
    }
}

impl From<i32> for ParamValue {
    fn from(n: i32) -> Self {
        ParamValue::Int(i64::from(n))
    }
}

impl From<u32> for ParamValue {
    fn from(n: u32) -> Self {
        ParamValue::Int(i64::from(n))
    }
}

impl From<usize> for ParamValue {
    fn from(n: usize) -> Self {
        ParamValue::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
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
#[serde(from = "FlatCategoryInfo")]
pub struct CategoryInfo {
    #[serde(flatten)]
    pub category: Category,
    /// The category it sits in (the catalog is a tree); absent at the top.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<CategoryId>,
    pub product_count: u32,
}

/// [`CategoryInfo`] as it is read: the same JSON, field by field. Serde's `flatten` reads through
/// a buffer of any JSON value, whose decoder is ≈ 10 KB of the storefront's islands bundle (which
/// loads the categories on every page); writing flattened costs nothing.
#[derive(Deserialize)]
struct FlatCategoryInfo {
    id: CategoryId,
    name_ru: String,
    name_en: String,
    image: String,
    #[serde(default)]
    parent: Option<CategoryId>,
    product_count: u32,
}

impl From<FlatCategoryInfo> for CategoryInfo {
    fn from(f: FlatCategoryInfo) -> Self {
        CategoryInfo {
            category: Category { id: f.id, name_ru: f.name_ru, name_en: f.name_en, image: f.image },
            parent: f.parent,
            product_count: f.product_count,
        }
    }
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

/// A photo uploaded for a product (`POST /api/admin/products/{sku}/pictures`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PictureInfo {
    pub id: String,
    /// Its address at 640 pixels wide (`/pictures/{id}/{width}` serves any width).
    pub url: String,
    /// Its size as uploaded, turned upright.
    pub width: u32,
    pub height: u32,
    /// The widths stored, narrowest first.
    pub widths: Vec<u32>,
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
    /// Buyers' ratings, when it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<RatingSummary>,
}

/// A product's ratings: their mean to one decimal (`"4.6"`) and how many there are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSummary {
    pub average: String,
    pub count: u32,
}

impl RatingSummary {
    /// From the sum and number of ratings; `None` when there are none.
    pub fn from_totals(total: i64, count: i64) -> Option<Self> {
        let count = u32::try_from(count).ok().filter(|c| *c > 0)?;
        // Tenths, rounded half up: 46 / 10 → "4.6".
        let tenths = (total.max(0) * 20 + i64::from(count)) / (2 * i64::from(count));
        Some(RatingSummary { average: format!("{}.{}", tenths / 10, tenths % 10), count })
    }
}

/// `PUT /api/products/{sku}/rating`: a buyer's rating of a product, 1 to 5 stars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    pub rating: u8,
}

/// The answer to a rating: the product's ratings now, and the shopper's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingView {
    pub sku: Sku,
    pub rating: RatingSummary,
    pub mine: u8,
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
            rating: None,
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
    /// Offers' discount on this line (`line_total` is before it).
    #[serde(default = "zero_rub")]
    pub discount: Money,
    /// Units the chain has, for the quantity control's maximum.
    pub available: u32,
}

fn zero_rub() -> Money {
    Money::from_minor_units(0, crate::Currency::Rub)
}

/// The cart (`GET /api/cart`), priced with the one price list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartView {
    /// Increases with every change; also sent as the `ETag`.
    pub version: i64,
    pub lines: Vec<CartLineView>,
    pub item_count: u32,
    pub subtotal: Money,
    /// What the offers take off.
    #[serde(default = "zero_rub")]
    pub discount: Money,
    /// Subtotal less offers.
    pub total: Money,
    /// The offers applied, each with its reason.
    #[serde(default)]
    pub offers: Vec<crate::offers::Applied>,
    /// Delivery is free under an offer.
    #[serde(default)]
    pub free_delivery: bool,
    /// Lines whose list price changed since the cart was last changed: the notice the shopper
    /// sees (the lines are already at the new price).
    #[serde(default)]
    pub repriced: Vec<RepricedLine>,
}

/// A cart line re-priced by a price change made after it was put in the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepricedLine {
    pub sku: Sku,
    pub name: String,
    /// The unit price when the cart was last changed.
    pub was: Money,
    /// The unit price now.
    pub now: Money,
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

/// Body of `PUT /api/session`: whether this shopper's device is a browser tab (`web`) or the
/// installed app (`pwa`). A kiosk or a till is never claimed here: staff enrol it.
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

/// Body of `POST /api/kiosk/enrolments` (staff): the store whose showroom tablet is to be enrolled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskEnrolmentRequest {
    pub store_id: StoreId,
}

/// Answer of `POST /api/kiosk/enrolments`: the one-time code to type on the tablet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskEnrolmentCode {
    pub code: crate::kiosk::EnrolmentCode,
    pub store_id: StoreId,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Body of `POST /api/kiosk/enrol`, sent by the tablet. The code is a string here so that a
/// mistyped one gets the same answer as an unknown one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskEnrolRequest {
    pub code: String,
}

/// An enrolled showroom kiosk (`GET /api/kiosks`, staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskView {
    pub id: String,
    pub store_id: StoreId,
    /// A short description of the tablet's browser, e.g. "Chrome on Android".
    pub user_agent: String,
    pub enrolled_at: chrono::DateTime<chrono::Utc>,
    /// The e-mail of the staff account that issued the code, if that account still exists.
    pub enrolled_by: Option<String>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
}

// ---- Checkout, orders, returns, till sales, loyalty, NPS -------------------------------------

use crate::orders::{Address, Contact, DeliveryRegion, FulfilmentKind, OrderStatus, PickupPoint};
use chrono::{DateTime, Utc};

/// How the shopper wants the goods (`fulfilment` in [`CheckoutRequest`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FulfilmentChoice {
    /// Reserve in `store` and collect there.
    Pickup { store: String },
    /// Courier to `address` (must be in a delivery region).
    Delivery { address: Address },
    /// Courier to a partner pickup point.
    PickupPoint { point: String },
}

/// How the shopper pays (`payment` in [`CheckoutRequest`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum PaymentChoice {
    /// Pay in the store, at the pickup point or to the courier.
    PayOnPickup,
    /// Pay now with the built-in **test** provider (no real money moves).
    TestCard { card_number: String },
}

/// Body of `POST /api/orders` (with an `Idempotency-Key` header). The lines are the session's cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    pub fulfilment: FulfilmentChoice,
    pub payment: PaymentChoice,
    pub contact: Contact,
    /// Loyalty points to spend (signed-in shoppers only).
    #[serde(default)]
    pub redeem_points: i64,
    /// The cart version the shopper confirmed; if the cart changed since, 409 `cart_conflict`.
    #[serde(default)]
    pub cart_version: Option<i64>,
}

/// One line of an order, at the price actually charged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub sku: Sku,
    pub name: String,
    pub qty: u32,
    pub unit_price: Money,
    /// `unit_price × qty − discount`: what was charged for the line.
    pub line_total: Money,
    /// Offers' discount on the line.
    pub discount: Money,
    /// The store the units come from (pickup store, shipping store or till).
    pub store: StoreId,
    /// Units returned so far.
    pub returned_qty: u32,
}

/// How an order is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    /// `pay_on_pickup`, `test_card`, `pos_card` or `pos_cash`.
    pub method: String,
    /// `due`, `paid`, `declined`.
    pub status: String,
    /// Set for the test provider: a reminder that no real money moved.
    pub provider_notice: Option<String>,
    pub card_last4: Option<String>,
}

/// A status change in an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub status: OrderStatus,
    pub at: DateTime<Utc>,
    /// `customer`, `staff`, `system` or `till`.
    pub by: String,
}

/// A return (`POST /api/returns`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnView {
    pub id: String,
    pub order_id: String,
    /// `requested` (the shopper will bring the goods) or `received` (refunded).
    pub status: String,
    pub store: StoreId,
    pub lines: Vec<ReturnLineView>,
    /// Money refunded (or to be refunded once received).
    pub refund: Money,
    /// Points given back (the share of the redeemed points these goods were paid with).
    pub points_refunded: i64,
    /// Points taken back (the share of the earned points).
    pub points_reversed: i64,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnLineView {
    pub sku: Sku,
    pub qty: u32,
}

/// An order as the shopper and staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: String,
    pub status: OrderStatus,
    pub channel: crate::account::Channel,
    pub fulfilment: FulfilmentKind,
    /// Pickup store, or the till's store for in-store sales.
    pub store: Option<StoreId>,
    pub pickup_point: Option<String>,
    pub delivery_region: Option<String>,
    pub address: Option<Address>,
    pub contact: Contact,
    pub payment: PaymentView,
    pub lines: Vec<OrderLineView>,
    pub subtotal: Money,
    /// Offers' discount on the goods.
    pub discount: Money,
    /// The offers applied at checkout.
    pub offers: Vec<crate::offers::Applied>,
    pub delivery_price: Money,
    pub points_redeemed: i64,
    /// What the customer pays: subtotal − discount + delivery − points.
    pub total: Money,
    pub points_earned: i64,
    /// Until when the units are held for this order (pickup orders, online payments). A pickup
    /// reservation lasts its length of the store's open time from `promised_at`, so it never
    /// runs out while the store is closed; an online payment's hold is wall-clock time.
    pub hold_expires_at: Option<DateTime<Utc>>,
    /// When the order can be collected (pickup) or arrives (delivery), as promised at checkout.
    pub promised_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub history: Vec<OrderEvent>,
    pub returns: Vec<ReturnView>,
    /// The shopper may still cancel it.
    pub can_cancel: bool,
    /// Fulfilled and not yet rated: the account asks the NPS question.
    pub nps_due: bool,
}

/// Answer of `GET /api/checkout/options`: what the checkout page offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutOptions {
    pub delivery_regions: Vec<DeliveryRegion>,
    pub pickup_points: Vec<PickupPoint>,
    pub payment_methods: Vec<String>,
    pub test_provider_notice: String,
    /// How long a pay-on-pickup reservation is held, in minutes.
    pub reserve_minutes: i64,
    /// For signed-in shoppers: the balance and the most points this cart can take.
    pub points_balance: Option<i64>,
    pub max_redeemable: Option<i64>,
}

/// A line of a return request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnLineRequest {
    pub sku: String,
    pub qty: i64,
}

/// Body of `POST /api/returns`. Staff: the goods are received now at `store`. Shopper: a request,
/// completed when the goods reach `store`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    pub order_id: String,
    pub store: String,
    pub lines: Vec<ReturnLineRequest>,
    #[serde(default)]
    pub reason: String,
}

/// Who a till sale or a points adjustment is for: a loyalty card number, a phone or an e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerRef {
    #[serde(default)]
    pub card: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PosLine {
    pub sku: String,
    pub qty: i64,
    /// The price the till charged per unit, e.g. `"1990.00"`; the catalog price when absent.
    #[serde(default)]
    pub unit_price: Option<String>,
}

/// Body of `POST /api/pos/sales` (staff): a sale at a till, recorded to the unified history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PosSaleRequest {
    pub store: String,
    /// The till's receipt number, unique per store: a repeated receipt is not recorded twice.
    pub receipt_id: String,
    pub lines: Vec<PosLine>,
    #[serde(default)]
    pub customer: Option<CustomerRef>,
    /// `card` or `cash`.
    pub payment: String,
}

/// A loyalty ledger entry as the account shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntryView {
    pub kind: crate::loyalty::EntryKind,
    pub points: i64,
    pub at: DateTime<Utc>,
    pub order_id: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiringPoints {
    pub points: i64,
    pub expires_at: DateTime<Utc>,
}

/// Answer of `GET /api/me/loyalty`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoyaltyView {
    pub card_number: String,
    pub balance: i64,
    pub earned: i64,
    pub redeemed: i64,
    pub expired: i64,
    pub expiring_soon: Vec<ExpiringPoints>,
    /// Newest first.
    pub history: Vec<LedgerEntryView>,
    pub policy: crate::loyalty::LoyaltyPolicy,
}

/// Body of `POST /api/loyalty/adjustments` (staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoyaltyAdjustment {
    pub customer: CustomerRef,
    /// Points to add (positive) or take away (negative).
    pub points: i64,
    pub reason: String,
}

/// Body of `POST /api/nps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NpsRequest {
    pub order_id: String,
    pub score: i64,
    /// The answer to the follow-up question (asked for scores 0–6).
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NpsAnswer {
    pub order_id: String,
    pub score: u8,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// Answer of `GET /api/admin/nps` (marketer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NpsSummary {
    pub responses: u32,
    #[serde(flatten)]
    pub tally: crate::nps::NpsTally,
    /// Newest first, at most 50.
    pub recent: Vec<NpsAnswer>,
}

// ---- Offers and the marketer console ----------------------------------------------------------

/// An offer the shopper could unlock by adding to the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferHint {
    pub rule_id: String,
    pub name: String,
    pub description: String,
    /// What is missing, e.g. `{"code": "needs_category", "category": "headphones", "min_qty": 2, "has": 0}`.
    pub missing: crate::offers::RejectedReason,
}

/// Answer of `GET /api/offers`: what the shopper gets now and could get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OffersView {
    /// Applied to the current cart (or, with `?sku=`, to one unit of that product).
    pub applied: Vec<crate::offers::Applied>,
    /// Rules whose only unmet conditions are about the cart.
    pub available: Vec<OfferHint>,
    /// With `?sku=`: that product's price for this shopper.
    pub price: Option<crate::offers::PricedLine>,
}

/// A stored rule with its version and use (`GET /api/admin/rules`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSummary {
    pub rule: crate::offers::Rule,
    pub version: i64,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub updated_by: String,
    /// Orders that used it (cancelled orders release their use).
    pub uses: u32,
    /// Discount given so far.
    pub spent: Money,
}

/// One version of a rule (`GET /api/admin/rules/{id}/versions`); `rule` is null for a deletion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleVersion {
    pub version: i64,
    pub rule: Option<crate::offers::Rule>,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    pub changed_by: String,
}

/// A line of a preview cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewLine {
    pub sku: String,
    pub qty: i64,
}

/// Body of `POST /api/admin/rules/preview`: price this cart for this customer, here and now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// The customer (by e-mail, card or phone); absent = a guest.
    #[serde(default)]
    pub customer: Option<CustomerRef>,
    pub lines: Vec<PreviewLine>,
    pub channel: crate::account::Channel,
    #[serde(default)]
    pub store: Option<String>,
    /// The moment to price at; now when absent.
    #[serde(default)]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub position: Option<GeoPoint>,
    /// A rule being edited, evaluated in place of the stored rule with its id (not saved).
    #[serde(default)]
    pub draft: Option<serde_json::Value>,
}

/// A customer segment and how many customers are in it (`GET /api/admin/segments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentView {
    pub id: String,
    pub name: String,
    /// The rule condition that targets it.
    pub condition: String,
    pub customers: u32,
}

// ---- Web Push ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VapidPublicKey {
    /// The uncompressed P-256 point, base64url: what `pushManager.subscribe` takes as `applicationServerKey`.
    pub key: String,
}

/// The W3C `PushSubscription.toJSON()` shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushSubscriptionJson {
    pub endpoint: String,
    #[serde(rename = "expirationTime", default)]
    pub expiration_time: Option<f64>,
    pub keys: PushKeys,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushKeys {
    pub p256dh: String,
    pub auth: String,
}

/// Body of `POST /api/push/subscriptions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscribeRequest {
    pub subscription: PushSubscriptionJson,
    pub topics: Vec<String>,
    /// Where "back in stock" should look for stores; any store when absent.
    #[serde(default)]
    pub city: Option<City>,
    /// The language the notifications are written in: the app's language when subscribing
    /// (Russian when absent).
    #[serde(default)]
    pub locale: Option<crate::i18n::Locale>,
}

/// A subscription as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushSubscriptionView {
    pub id: String,
    pub endpoint: String,
    pub topics: Vec<crate::push::Topic>,
    pub city: Option<City>,
}

/// Body of `DELETE /api/push/subscriptions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unsubscribe {
    pub endpoint: String,
}

/// What one dispatch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispatchReport {
    pub enqueued: u32,
    pub sent: u32,
    pub retried: u32,
    pub gone: u32,
    pub failed: u32,
    pub cancelled: u32,
    pub trimmed: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationClick {
    pub id: String,
}

/// Who a campaign goes to: subscribers of `promotions` (the marketing opt-in), optionally only
/// customers in `segment` (see `GET /api/admin/segments`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    #[serde(default)]
    pub segment: Option<String>,
}

/// Body of `POST /api/admin/campaigns`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    pub title: String,
    pub body: String,
    /// A path on this site, e.g. `/c/headphones`.
    pub url: String,
    #[serde(default)]
    pub audience: Audience,
    /// Only count the recipients.
    #[serde(default)]
    pub preview: bool,
}

/// A campaign and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignView {
    pub id: Option<String>,
    pub title: String,
    pub audience: Audience,
    pub recipients: u32,
    pub sent: u32,
    pub failed: u32,
    pub pending: u32,
    pub clicked: u32,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A suggestion while typing a search (`GET /api/search/suggest?q=`), or instead of an empty result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Suggestion {
    Category { id: CategoryId, name_ru: String, name_en: String },
    Product { sku: Sku, name: String },
}

/// `GET /api/search/suggest`: at most eight suggestions, categories first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestions {
    pub query: String,
    pub suggestions: Vec<Suggestion>,
}

/// One synonym pair: a query word `term` also finds what `expands_to` finds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynonymPair {
    pub term: String,
    pub expands_to: String,
}

/// `GET`/`PUT /api/admin/search/synonyms`: the whole list (a `PUT` replaces it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynonymList {
    pub synonyms: Vec<SynonymPair>,
}

// ---- catalog management (role merchandiser) -----------------------------------------------------

/// `POST /api/admin/products`: a new product and its first list price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub brand: String,
    pub category: String,
    #[serde(default)]
    pub description: String,
    pub price: Money,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    /// A path on this site; the category's illustration when left out.
    #[serde(default)]
    pub image: Option<String>,
    /// The family of variants it belongs to (the same model in another size, colour or memory).
    #[serde(default)]
    pub family: Option<String>,
}

/// `PATCH /api/admin/products/{sku}`: the fields to change; those left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub attributes: Option<Vec<Attribute>>,
    #[serde(default)]
    pub image: Option<String>,
    /// `null` takes the product out of its family.
    #[serde(default, deserialize_with = "present")]
    pub family: Option<Option<String>>,
}

/// A product as a merchandiser sees it: with its version (also the `ETag`) and whether it is
/// archived. `product.price` is the list price in force now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminProduct {
    pub product: Product,
    /// The family of variants it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    pub version: i64,
    pub archived: bool,
}

/// A brand and how many products on sale carry it (`GET /api/admin/brands`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandInfo {
    pub name: String,
    pub product_count: u32,
}

/// `PUT /api/admin/products/{sku}/price`: a new list price, now or from `effective_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceChange {
    pub price: Money,
    #[serde(default)]
    pub effective_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One recorded list price of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceEntry {
    /// Names the entry, e.g. to cancel a scheduled price.
    pub id: i64,
    pub price: Money,
    pub effective_at: chrono::DateTime<chrono::Utc>,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    /// The account that recorded it.
    pub recorded_by: String,
}

/// `GET /api/admin/products/{sku}/prices`: the price in force and every recorded price, the
/// latest `effective_at` first (scheduled ones included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceHistory {
    pub sku: Sku,
    pub current: Money,
    pub version: i64,
    pub entries: Vec<PriceEntry>,
}

/// `POST /api/admin/categories`: a new category, last in order, at the top or under `parent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    pub id: String,
    pub name_ru: String,
    pub name_en: String,
    /// A path on this site.
    pub image: String,
    #[serde(default)]
    pub parent: Option<String>,
}

/// `PATCH /api/admin/categories/{id}`: the fields to change; `"parent": null` moves the category
/// to the top, a left-out `parent` leaves it where it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    #[serde(default)]
    pub name_ru: Option<String>,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub parent: Option<Option<String>>,
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A category as a merchandiser sees it, with its place in the tree and its version (also the
/// `ETag`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminCategory {
    pub category: Category,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<CategoryId>,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_is_read_back_as_it_was_written() {
        let id = |s: &str| CategoryId::parse(s).unwrap();
        let info = CategoryInfo {
            category: Category {
                id: id("phones"),
                name_ru: "Телефоны".into(),
                name_en: "Phones".into(),
                image: "/img/cat/phones.svg".into(),
            },
            parent: Some(id("electronics")),
            product_count: 7,
        };
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["id"], "phones", "written flat: {json}");
        assert_eq!(serde_json::from_value::<CategoryInfo>(json).unwrap(), info);
        let top = CategoryInfo { parent: None, ..info };
        assert_eq!(serde_json::from_str::<CategoryInfo>(&serde_json::to_string(&top).unwrap()).unwrap(), top);
    }
}

// ---- catalog imports ----------------------------------------------------------------------------

/// `POST /api/admin/imports`: a new import of files in `format` (`csv`, `jsonl` or `commerceml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewImport {
    pub format: String,
}

/// A row of an import that was not applied: where it is in its file, its SKU when known, the
/// field at fault (a JSON pointer into the row) when there is one, a reason code and a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRefusal {
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub reason: String,
    pub message: String,
}

/// Why an import as a whole applied nothing (a file that cannot be read, the catalog changing
/// under it three times).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFailure {
    pub code: String,
    pub message: String,
}

/// `GET /api/admin/imports/{id}`: an import's state and progress. `status` is `uploading` (files
/// may be added), `queued`, `running` (`checked_rows` of `total_rows` checked so far), `done` or
/// `failed` (`error` says why; nothing was applied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStatus {
    pub id: String,
    pub format: String,
    pub status: String,
    pub files: Vec<String>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    pub total_rows: u64,
    pub checked_rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub refused: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ImportFailure>,
    /// Refused rows from `refusals_from` (0 unless asked), at most 1,000.
    pub refusals: Vec<ImportRefusal>,
}
