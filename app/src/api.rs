//! Every call the app makes to the edge API. Responses are decoded into the wire types of
//! `vitrina_shared::api`; failures become an [`ApiError`] carrying a code and its parameters.

use crate::storage;
use gloo_net::http::{Request, RequestBuilder, Response};
use gloo_timers::callback::Timeout;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use vitrina_shared::api::{
    CartConflict, CartView, CategoryInfo, CheckoutOptions, CheckoutRequest, Claimed, Device, ErrorResponse, Handoff, LoginRequest,
    LoyaltyView, NpsRequest, OrderView, ProductDetail, ProductSummary, Profile, ProfileUpdate, RegisterRequest, ReturnRequest, ReturnView,
    SessionInfo, SetQuantity, SignedIn, StoreInfo,
};
use vitrina_shared::api::{ErrorParams, NpsSummary, PreviewRequest, RuleSummary, RuleVersion, SegmentView};
use vitrina_shared::api::{KioskEnrolRequest, KioskEnrolmentCode, KioskEnrolmentRequest, KioskView};
use vitrina_shared::availability::Availability;
use vitrina_shared::catalog::Page;
use vitrina_shared::handoff::HandoffCode;
use vitrina_shared::i18n::{error_text, error_text_among, Locale, CART_WRITE_ERRORS};
use vitrina_shared::kpis::KpiReport;
use vitrina_shared::offers::{Priced, Rule, RuleError};
use vitrina_shared::orders::Action;
use vitrina_shared::{CategoryId, GeoPoint, Sku, StoreId};

/// A request still unanswered after this long is abandoned and reported as a timeout.
const REQUEST_TIMEOUT_MS: u32 = 15_000;

/// What went wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// No answer: offline, DNS, connection refused, CORS…
    Network,
    /// No answer within [`REQUEST_TIMEOUT_MS`].
    Timeout,
    /// The server answered with an error status.
    Http { status: u16 },
    /// The server answered 2xx but the body is not what the API promises.
    Decode,
    /// The app refused to send the request (e.g. a malformed SKU in the address).
    Invalid,
}

/// A failed API call: a machine-readable `code` (the server's own when it sent one), the values
/// it names (`params`) and an English `message` for logs. Shown to people only as [`ApiError::text`],
/// in their language; never the `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    pub code: String,
    pub message: String,
    pub params: ErrorParams,
}

impl ApiError {
    fn new(kind: ApiErrorKind, code: &str, message: impl Into<String>) -> Self {
        ApiError { kind, code: code.to_owned(), message: message.into(), params: ErrorParams::new() }
    }

    /// An error the app makes about something named in the address (`name` = `raw`, shortened).
    fn about(code: &str, name: &str, raw: &str, message: &str) -> Self {
        let shown: String = raw.chars().take(64).collect();
        let mut err = ApiError::new(ApiErrorKind::Invalid, code, format!("{message} {shown:?}"));
        err.params.insert(name.to_owned(), shown.into());
        err
    }

    /// What went wrong, in `locale`: the words for the code, with the values it names.
    pub fn text(&self, locale: Locale) -> String {
        error_text(locale, &self.code, &self.params)
    }

    /// [`Self::text`] for an error of writing a cart line, from the few texts those need
    /// (`CART_WRITE_ERRORS`): the storefront's islands use this, so the whole table of error texts
    /// stays out of their bundle.
    pub fn cart_write_text(&self, locale: Locale) -> String {
        error_text_among(CART_WRITE_ERRORS, locale, &self.code, &self.params)
    }

    /// The parameter `name` as text, if the error names it.
    pub fn param(&self, name: &str) -> Option<String> {
        self.params.get(name).map(ToString::to_string)
    }

    /// The product address names something that cannot be a SKU, so it cannot exist.
    pub fn unknown_sku(raw: &str) -> Self {
        ApiError::about("unknown_sku", "sku", raw, "no product has the SKU")
    }

    /// The showroom address names something that cannot be a store id.
    pub fn unknown_store(raw: &str) -> Self {
        ApiError::about("unknown_store", "store", raw, "there is no store")
    }

    /// The order address names something that cannot be an order id.
    pub fn unknown_order(raw: &str) -> Self {
        ApiError::about("unknown_order", "order", raw, "there is no order")
    }

    /// The rule editor's address names a rule the server does not have (any more).
    pub fn unknown_rule(raw: &str) -> Self {
        ApiError::about("unknown_rule", "rule", raw, "there is no rule")
    }

    /// Whether the server gave a definite answer refusing the request (a 4xx): sending the same
    /// request again would be refused again.
    pub fn is_refusal(&self) -> bool {
        matches!(self.kind, ApiErrorKind::Http { status } if (400..500).contains(&status))
    }

    /// The console's own run of the server's rule check refuses a rule: the `invalid_rule` error
    /// the server would answer, with the same parameters, so it is worded and placed the same way.
    pub fn invalid_rule(error: &RuleError) -> Self {
        ApiError { kind: ApiErrorKind::Invalid, code: "invalid_rule".to_owned(), message: error.to_string(), params: error.params() }
    }

    /// The category address is not a valid category id.
    pub fn invalid_category(raw: &str) -> Self {
        ApiError::about("invalid_category", "category", raw, "not a category:")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for ApiError {}

/// `GET path?query` and decode the JSON answer into `T`.
async fn get_json<T: DeserializeOwned>(path: &str, query: &[(&str, String)]) -> Result<T, ApiError> {
    let request = Request::get(path).query(query.iter().map(|(name, value)| (*name, value.as_str())));
    let (response, body) = send(path, request, NO_BODY).await?;
    decode(&response, &body)
}

/// What a request carries.
enum Body<'a, B: Serialize + ?Sized> {
    None,
    Json(&'a B),
}

/// The body of a request that carries none.
const NO_BODY: Body<'static, ()> = Body::None;

/// Sends `request` (answering JSON is asked for; a JSON `body` is attached), abandoning it after
/// [`REQUEST_TIMEOUT_MS`], and reads the whole answer.
async fn send<B: Serialize + ?Sized>(path: &str, request: RequestBuilder, body: Body<'_, B>) -> Result<(Response, String), ApiError> {
    let controller =
        web_sys::AbortController::new().map_err(|err| ApiError::new(ApiErrorKind::Network, "network_error", format!("{err:?}")))?;
    let timed_out = Rc::new(Cell::new(false));
    // Dropping the timer cancels it, so it only fires while the request is still pending.
    let _timer = Timeout::new(REQUEST_TIMEOUT_MS, {
        let controller = controller.clone();
        let timed_out = Rc::clone(&timed_out);
        move || {
            timed_out.set(true);
            controller.abort();
        }
    });
    let signal = controller.signal();
    let request = request.header("Accept", "application/json").abort_signal(Some(&signal));
    let request = match body {
        Body::None => request.build(),
        Body::Json(value) => request.json(value),
    }
    .map_err(|err| ApiError::new(ApiErrorKind::Invalid, "invalid_request", err.to_string()))?;
    let transport_error = |err: gloo_net::Error| {
        if timed_out.get() {
            ApiError::new(ApiErrorKind::Timeout, "timeout", format!("no answer from {path} in {REQUEST_TIMEOUT_MS} ms"))
        } else {
            ApiError::new(ApiErrorKind::Network, "network_error", err.to_string())
        }
    };
    let response = request.send().await.map_err(transport_error)?;
    let body = response.text().await.map_err(transport_error)?;
    Ok((response, body))
}

/// The error an unsuccessful answer carries.
fn error_of(response: &Response, body: &str) -> ApiError {
    let status = response.status();
    match serde_json::from_str::<ErrorResponse>(body) {
        Ok(ErrorResponse { error }) => {
            ApiError { kind: ApiErrorKind::Http { status }, code: error.code, message: error.message, params: error.params }
        }
        Err(_) => {
            ApiError::new(ApiErrorKind::Http { status }, &format!("http_{status}"), format!("HTTP {status} {}", response.status_text()))
        }
    }
}

/// Success without a body (`204`), or the error.
fn decode_empty(response: &Response, body: &str) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(error_of(response, body))
    }
}

fn decode<T: DeserializeOwned>(response: &Response, body: &str) -> Result<T, ApiError> {
    if !response.ok() {
        return Err(error_of(response, body));
    }
    serde_json::from_str(body)
        .map_err(|err| ApiError::new(ApiErrorKind::Decode, "decode_error", format!("unexpected answer from {}: {err}", response.url())))
}

/// `GET /api/categories`.
pub async fn categories() -> Result<Vec<CategoryInfo>, ApiError> {
    get_json("/api/categories", &[]).await
}

/// `GET /api/products` — a 1-based `page` of products, optionally filtered by search text and
/// category.
pub async fn products(text: Option<&str>, category: Option<&CategoryId>, page: u32) -> Result<Page<ProductSummary>, ApiError> {
    let mut query = Vec::with_capacity(3);
    if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
        query.push(("q", text.to_owned()));
    }
    if let Some(category) = category {
        query.push(("category", category.to_string()));
    }
    query.push(("page", page.to_string()));
    get_json("/api/products", &query).await
}

/// `GET /api/products/{sku}`.
pub async fn product(sku: &Sku) -> Result<ProductDetail, ApiError> {
    get_json(&format!("/api/products/{sku}"), &[]).await
}

/// `GET /api/stores`.
pub async fn stores() -> Result<Vec<StoreInfo>, ApiError> {
    get_json("/api/stores", &[]).await
}

/// `GET /api/availability/{sku}` — with distances when the shopper's position is known.
/// Every store is asked for: a kiosk looks for its own shelf and checkout for a store that has a
/// whole cart, wherever they come in the order.
pub async fn availability(sku: &Sku, near: Option<GeoPoint>) -> Result<Availability, ApiError> {
    let mut query = match near {
        Some(point) => vec![("lat", point.lat.to_string()), ("lon", point.lon.to_string())],
        None => Vec::new(),
    };
    query.push(("limit", vitrina_shared::availability::MAX_LISTED_STORES.to_string()));
    get_json(&format!("/api/availability/{sku}"), &query).await
}

/// What a cart write came to.
#[derive(Debug, Clone, PartialEq)]
pub enum CartWrite {
    /// The change was made: the cart as it is now.
    Saved(CartView),
    /// The cart had changed elsewhere since the version this write was based on; nothing was
    /// changed and this is the cart as it stands.
    Conflict(CartView),
    /// Offline: the change waits in the service worker's queue, to be sent when the connection
    /// returns (see `cart`).
    Queued,
}

/// The `ETag` of cart `version`.
fn cart_etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// `GET /api/cart` — `None` when the cart is still at version `known` (`304`).
///
/// Offline (no answer at all), the device's copy of the cart as last seen stands in for it, if
/// there is one and it is not the version `known` already: the badge and the cart page show it.
pub async fn cart(known: Option<i64>) -> Result<Option<CartView>, ApiError> {
    let path = "/api/cart";
    let mut request = Request::get(path);
    if let Some(version) = known {
        request = request.header("If-None-Match", &cart_etag(version));
    }
    let (response, body) = match send(path, request, NO_BODY).await {
        Ok(answer) => answer,
        Err(err) if err.kind == ApiErrorKind::Network => {
            let copy = storage::get(CART_COPY_KEY).and_then(|text| serde_json::from_str::<CartView>(&text).ok());
            return match copy {
                Some(view) if Some(view.version) != known => Ok(Some(view)),
                Some(_) => Ok(None),
                None => Err(err),
            };
        }
        Err(err) => return Err(err),
    };
    if response.status() == 304 {
        return Ok(None);
    }
    let view = decode(&response, &body)?;
    storage::set(CART_COPY_KEY, &body);
    Ok(Some(view))
}

/// localStorage key of the device's copy of the cart: the last answer of `GET /api/cart` or of
/// a cart write, as the server sent it.
const CART_COPY_KEY: &str = "vitrina.cart";

/// The answer to a cart write: the cart, or on a version conflict the cart as it stands.
fn cart_write(response: &Response, body: &str) -> Result<CartWrite, ApiError> {
    if response.status() == 409 {
        if let Ok(conflict) = serde_json::from_str::<CartConflict>(body) {
            return Ok(CartWrite::Conflict(conflict.cart));
        }
    }
    let view = decode(response, body)?;
    storage::set(CART_COPY_KEY, body);
    Ok(CartWrite::Saved(view))
}

/// `PUT /api/cart/items/{sku}` — sets the line to `qty` (0 removes it), if the cart is still at
/// version `expected` (when given).
pub async fn set_cart_qty(sku: &Sku, qty: u32, expected: Option<i64>) -> Result<CartWrite, ApiError> {
    let path = format!("/api/cart/items/{sku}");
    let mut request = Request::put(&path);
    if let Some(version) = expected {
        request = request.header("If-Match", &cart_etag(version));
    }
    let (response, body) = send(&path, request, Body::Json(&SetQuantity { qty: i64::from(qty) })).await?;
    cart_write(&response, &body)
}

/// `DELETE /api/cart/items/{sku}`, if the cart is still at version `expected` (when given).
pub async fn remove_cart_line(sku: &Sku, expected: Option<i64>) -> Result<CartWrite, ApiError> {
    let path = format!("/api/cart/items/{sku}");
    let mut request = Request::delete(&path);
    if let Some(version) = expected {
        request = request.header("If-Match", &cart_etag(version));
    }
    let (response, body) = send(&path, request, NO_BODY).await?;
    cart_write(&response, &body)
}

/// `POST /api/auth/register`.
pub async fn register(request: &RegisterRequest) -> Result<SignedIn, ApiError> {
    let path = "/api/auth/register";
    let (response, body) = send(path, Request::post(path), Body::Json(request)).await?;
    decode(&response, &body)
}

/// `POST /api/auth/login`.
pub async fn login(request: &LoginRequest) -> Result<SignedIn, ApiError> {
    let path = "/api/auth/login";
    let (response, body) = send(path, Request::post(path), Body::Json(request)).await?;
    decode(&response, &body)
}

/// `POST /api/auth/logout` — signs this device out.
pub async fn logout() -> Result<(), ApiError> {
    let path = "/api/auth/logout";
    let (response, body) = send(path, Request::post(path), NO_BODY).await?;
    decode_empty(&response, &body)
}

/// `GET /api/session` — the signed-in profile, `None` when nobody is signed in on this device.
/// (Always a 200, so a guest's page load logs no failed request.)
pub async fn me() -> Result<Option<Profile>, ApiError> {
    get_json::<SessionInfo>("/api/session", &[]).await.map(|s| s.profile)
}

/// `PUT /api/me`.
pub async fn update_me(update: &ProfileUpdate) -> Result<Profile, ApiError> {
    let path = "/api/me";
    let (response, body) = send(path, Request::put(path), Body::Json(update)).await?;
    decode(&response, &body)
}

/// `GET /api/me/devices`.
pub async fn devices() -> Result<Vec<Device>, ApiError> {
    get_json("/api/me/devices", &[]).await
}

/// `DELETE /api/me/devices/{id}` — signs that device out.
pub async fn sign_out_device(id: &str) -> Result<(), ApiError> {
    let path = format!("/api/me/devices/{}", String::from(js_sys::encode_uri_component(id)));
    let (response, body) = send(&path, Request::delete(&path), NO_BODY).await?;
    decode_empty(&response, &body)
}

// ---- Web Push ---------------------------------------------------------------------------------

pub use vitrina_shared::api::{PushKeys, PushSubscriptionJson, PushSubscriptionView};
use vitrina_shared::api::{SubscribeRequest, Unsubscribe, VapidPublicKey};

/// `GET /api/push/vapid-public-key` — the server's key (an uncompressed P-256 point, base64url)
/// that `pushManager.subscribe` takes as `applicationServerKey`.
pub async fn vapid_public_key() -> Result<String, ApiError> {
    get_json::<VapidPublicKey>("/api/push/vapid-public-key", &[]).await.map(|k| k.key)
}

/// `POST /api/push/subscriptions` — stores this browser's subscription with `topics` and the
/// language its notifications are written in, or, for an endpoint stored before, replaces them.
pub async fn save_push_subscription(
    subscription: &PushSubscriptionJson,
    topics: &[vitrina_shared::push::Topic],
    city: Option<vitrina_shared::store::City>,
    locale: Locale,
) -> Result<PushSubscriptionView, ApiError> {
    let path = "/api/push/subscriptions";
    let topics = topics.iter().map(ToString::to_string).collect();
    let request = SubscribeRequest { subscription: subscription.clone(), topics, city, locale: Some(locale) };
    let (response, body) = send(path, Request::post(path), Body::Json(&request)).await?;
    decode(&response, &body)
}

/// `GET /api/push/subscriptions` — this shopper's subscriptions: the account's on every device
/// when signed in, else this guest session's.
pub async fn push_subscriptions() -> Result<Vec<PushSubscriptionView>, ApiError> {
    get_json("/api/push/subscriptions", &[]).await
}

/// `DELETE /api/push/subscriptions` — forgets the subscription of `endpoint` (404
/// `unknown_subscription` when this shopper has none such).
pub async fn delete_push_subscription(endpoint: &str) -> Result<(), ApiError> {
    let path = "/api/push/subscriptions";
    let (response, body) = send(path, Request::delete(path), Body::Json(&Unsubscribe { endpoint: endpoint.to_owned() })).await?;
    decode_empty(&response, &body)
}

/// `GET /api/session` — this device's session: who is signed in, and whether it is an enrolled
/// kiosk (channel `kiosk` and its store).
pub async fn session_info() -> Result<SessionInfo, ApiError> {
    get_json("/api/session", &[]).await
}

/// `POST /api/kiosk/enrol` — makes this device the showroom kiosk of the store staff issued
/// `code` for. Whoever was signed in here is signed out.
pub async fn enrol_kiosk(code: &str) -> Result<SessionInfo, ApiError> {
    let path = "/api/kiosk/enrol";
    let request = KioskEnrolRequest { code: code.to_owned() };
    let (response, body) = send(path, Request::post(path), Body::Json(&request)).await?;
    decode(&response, &body)
}

/// `POST /api/kiosk/enrolments` (staff) — a one-time code that enrols a tablet as `store`'s kiosk.
pub async fn issue_kiosk_enrolment(store: &StoreId) -> Result<KioskEnrolmentCode, ApiError> {
    let path = "/api/kiosk/enrolments";
    let request = KioskEnrolmentRequest { store_id: store.clone() };
    let (response, body) = send(path, Request::post(path), Body::Json(&request)).await?;
    decode(&response, &body)
}

/// `GET /api/kiosks` (staff) — the enrolled kiosks of every store.
pub async fn kiosks() -> Result<Vec<KioskView>, ApiError> {
    get_json("/api/kiosks", &[]).await
}

/// `DELETE /api/kiosks/{id}` (staff) — un-enrols a kiosk.
pub async fn unenrol_kiosk(id: &str) -> Result<(), ApiError> {
    let path = format!("/api/kiosks/{}", segment(id));
    let (response, body) = send(&path, Request::delete(&path), NO_BODY).await?;
    decode_empty(&response, &body)
}

/// `POST /api/cart/handoff` — a code (and its QR) that moves this cart to another device.
pub async fn create_handoff() -> Result<Handoff, ApiError> {
    let path = "/api/cart/handoff";
    let (response, body) = send(path, Request::post(path), NO_BODY).await?;
    decode(&response, &body)
}

/// `POST /api/handoff/{code}/claim` — takes the cart waiting under `code` into this device's cart.
pub async fn claim_handoff(code: &HandoffCode) -> Result<Claimed, ApiError> {
    let path = format!("/api/handoff/{}/claim", code.as_str());
    let (response, body) = send(&path, Request::post(&path), NO_BODY).await?;
    decode(&response, &body)
}

/// A path segment naming `raw` (an order id from an address or an answer), escaped.
fn segment(raw: &str) -> String {
    String::from(js_sys::encode_uri_component(raw))
}

/// A fresh `Idempotency-Key`: a random UUID (version 4) from the browser's cryptographic generator,
/// or, where that is missing, from the clock and `Math.random` (unique enough for one shopper's
/// retries).
pub fn new_idempotency_key() -> String {
    let mut bytes = [0_u8; 16];
    let filled = web_sys::window().and_then(|w| w.crypto().ok()).is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        let now = js_sys::Date::now() as u64;
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = if i < 8 { (now >> (8 * i)) as u8 } else { (js_sys::Math::random() * 256.0) as u8 };
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// `GET /api/checkout/options` — fulfilment and payment choices, and the points this cart can take.
pub async fn checkout_options() -> Result<CheckoutOptions, ApiError> {
    get_json("/api/checkout/options", &[]).await
}

/// `POST /api/orders` — places an order of the session's cart. `idempotency_key` stays the same
/// while the same request is sent again after no answer, so the order is placed at most once.
pub async fn place_order(request: &CheckoutRequest, idempotency_key: &str) -> Result<OrderView, ApiError> {
    let path = "/api/orders";
    let builder = Request::post(path).header("Idempotency-Key", idempotency_key);
    let (response, body) = send(path, builder, Body::Json(request)).await?;
    decode(&response, &body)
}

/// `GET /api/orders` — the signed-in customer's orders from every channel, or this guest session's.
pub async fn orders() -> Result<Vec<OrderView>, ApiError> {
    get_json("/api/orders", &[]).await
}

/// `GET /api/orders/{id}`.
pub async fn order(id: &str) -> Result<OrderView, ApiError> {
    get_json(&format!("/api/orders/{}", segment(id)), &[]).await
}

/// `POST /api/orders/{id}/{action}` — cancel (the shopper's own order, or staff), or a staff step:
/// ready, collected, shipped, delivered. Answers the order as it is now.
pub async fn order_action(id: &str, action: Action) -> Result<OrderView, ApiError> {
    let path = format!("/api/orders/{}/{}", segment(id), action.as_str());
    let (response, body) = send(&path, Request::post(&path), NO_BODY).await?;
    decode(&response, &body)
}

/// `GET /api/stores/{store}/pickups` (staff) — the store's pickup orders to prepare and hand over,
/// and those collected today.
pub async fn store_pickups(store: &StoreId) -> Result<Vec<OrderView>, ApiError> {
    get_json(&format!("/api/stores/{store}/pickups"), &[]).await
}

/// `POST /api/returns` — a shopper's return request (staff: goods received now).
pub async fn request_return(request: &ReturnRequest) -> Result<ReturnView, ApiError> {
    let path = "/api/returns";
    let (response, body) = send(path, Request::post(path), Body::Json(request)).await?;
    decode(&response, &body)
}

/// `GET /api/me/loyalty` — the signed-in customer's card, balance and history.
pub async fn loyalty() -> Result<LoyaltyView, ApiError> {
    get_json("/api/me/loyalty", &[]).await
}

/// `POST /api/nps` — the answer to "how likely are you to recommend us".
pub async fn send_nps(request: &NpsRequest) -> Result<(), ApiError> {
    let path = "/api/nps";
    let (response, body) = send(path, Request::post(path), Body::Json(request)).await?;
    decode_empty(&response, &body)
}

// ---- Offers and the marketer console ----------------------------------------------------------

/// `GET /api/offers?sku=` — what this shopper gets on one unit of `sku`: the price after offers and
/// the offers applied.
pub async fn offers_for(sku: &Sku) -> Result<PersonalPriceView, ApiError> {
    get_json("/api/offers", &[("sku", sku.to_string())]).await
}

/// The part of `GET /api/offers?sku=` (a `vitrina_shared::api::OffersView`) a product page shows: the applied offers
/// and the price. The hints about offers not yet met are left unread, so the islands bundle does
/// not carry their decoder.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct PersonalPriceView {
    pub applied: Vec<vitrina_shared::offers::Applied>,
    pub price: Option<vitrina_shared::offers::PricedLine>,
}

/// `GET /api/admin/rules` (marketer) — every rule with its version and use so far.
pub async fn admin_rules() -> Result<Vec<RuleSummary>, ApiError> {
    get_json("/api/admin/rules", &[]).await
}

/// `POST /api/admin/rules` (marketer) — a new rule.
pub async fn create_rule(rule: &Rule) -> Result<RuleSummary, ApiError> {
    let path = "/api/admin/rules";
    let (response, body) = send(path, Request::post(path), Body::Json(rule)).await?;
    decode(&response, &body)
}

/// `PUT /api/admin/rules/{id}` (marketer) — replaces the rule if it is still at `version`
/// (else 409 `rule_changed`).
pub async fn update_rule(rule: &Rule, version: i64) -> Result<RuleSummary, ApiError> {
    let path = format!("/api/admin/rules/{}", segment(&rule.id));
    let request = Request::put(&path).header("If-Match", &format!("\"{version}\""));
    let (response, body) = send(&path, request, Body::Json(rule)).await?;
    decode(&response, &body)
}

/// `DELETE /api/admin/rules/{id}` (marketer).
pub async fn delete_rule(id: &str) -> Result<(), ApiError> {
    let path = format!("/api/admin/rules/{}", segment(id));
    let (response, body) = send(&path, Request::delete(&path), NO_BODY).await?;
    decode_empty(&response, &body)
}

/// `GET /api/admin/rules/{id}/versions` (marketer) — the rule's history, newest first.
pub async fn rule_versions(id: &str) -> Result<Vec<RuleVersion>, ApiError> {
    get_json(&format!("/api/admin/rules/{}/versions", segment(id)), &[]).await
}

/// `POST /api/admin/rules/preview` (marketer) — prices a cart for a customer, here and now, with
/// the draft rule in place of its stored version (nothing is saved).
pub async fn preview_rules(request: &PreviewRequest) -> Result<Priced, ApiError> {
    let path = "/api/admin/rules/preview";
    let (response, body) = send(path, Request::post(path), Body::Json(request)).await?;
    decode(&response, &body)
}

/// `GET /api/admin/segments` (marketer).
pub async fn segments() -> Result<Vec<SegmentView>, ApiError> {
    get_json("/api/admin/segments", &[]).await
}

/// `GET /api/admin/kpis?from=&to=` (marketer) — both days included, as `YYYY-MM-DD`.
pub async fn kpis(from: &str, to: &str) -> Result<KpiReport, ApiError> {
    get_json("/api/admin/kpis", &[("from", from.to_owned()), ("to", to.to_owned())]).await
}

/// `GET /api/admin/nps` (marketer).
pub async fn nps_summary() -> Result<NpsSummary, ApiError> {
    get_json("/api/admin/nps", &[]).await
}

pub use vitrina_shared::api::{Audience, CampaignRequest, CampaignView};

/// `GET /api/admin/campaigns` (marketer) — newest first.
pub async fn campaigns() -> Result<Vec<CampaignView>, ApiError> {
    get_json("/api/admin/campaigns", &[]).await
}

/// `POST /api/admin/campaigns` (marketer) — counts the recipients (`preview`) or sends.
pub async fn create_campaign(request: &CampaignRequest) -> Result<CampaignView, ApiError> {
    let path = "/api/admin/campaigns";
    let (response, body) = send(path, Request::post(path), Body::Json(request)).await?;
    decode(&response, &body)
}
