//! Every call the app makes to the edge API. Responses are decoded into the wire types of
//! `vitrina_shared::api`; failures become an [`ApiError`] carrying a code and a message.

use gloo_net::http::{Request, Response};
use gloo_timers::callback::Timeout;
use serde::de::DeserializeOwned;
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use vitrina_shared::api::{CategoryInfo, ErrorResponse, ProductDetail, ProductSummary, StoreInfo};
use vitrina_shared::availability::Availability;
use vitrina_shared::catalog::Page;
use vitrina_shared::{CategoryId, GeoPoint, Sku};

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

/// A failed API call: a machine-readable `code` (the server's own when it sent one) and a
/// human-readable `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    pub code: String,
    pub message: String,
}

impl ApiError {
    fn new(kind: ApiErrorKind, code: &str, message: impl Into<String>) -> Self {
        ApiError { kind, code: code.to_owned(), message: message.into() }
    }

    /// The product address names something that cannot be a SKU, so it cannot exist.
    pub fn unknown_sku(raw: &str) -> Self {
        let shown: String = raw.chars().take(64).collect();
        ApiError::new(ApiErrorKind::Invalid, "unknown_sku", format!("no product has the SKU {shown:?}"))
    }

    /// The category address is not a valid category id.
    pub fn invalid_category(raw: &str) -> Self {
        let shown: String = raw.chars().take(64).collect();
        ApiError::new(ApiErrorKind::Invalid, "invalid_category", format!("{shown:?} is not a category"))
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
    let request = Request::get(path)
        .query(query.iter().map(|(name, value)| (*name, value.as_str())))
        .header("Accept", "application/json")
        .abort_signal(Some(&signal));
    let transport_error = |err: gloo_net::Error| {
        if timed_out.get() {
            ApiError::new(ApiErrorKind::Timeout, "timeout", format!("no answer from {path} in {REQUEST_TIMEOUT_MS} ms"))
        } else {
            ApiError::new(ApiErrorKind::Network, "network_error", err.to_string())
        }
    };
    let response = request.send().await.map_err(transport_error)?;
    let body = response.text().await.map_err(transport_error)?;
    decode(&response, &body)
}

fn decode<T: DeserializeOwned>(response: &Response, body: &str) -> Result<T, ApiError> {
    let status = response.status();
    if !response.ok() {
        return Err(match serde_json::from_str::<ErrorResponse>(body) {
            Ok(ErrorResponse { error }) => ApiError::new(ApiErrorKind::Http { status }, &error.code, error.message),
            Err(_) => {
                ApiError::new(ApiErrorKind::Http { status }, &format!("http_{status}"), format!("HTTP {status} {}", response.status_text()))
            }
        });
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
pub async fn availability(sku: &Sku, near: Option<GeoPoint>) -> Result<Availability, ApiError> {
    let query = match near {
        Some(point) => vec![("lat", point.lat.to_string()), ("lon", point.lon.to_string())],
        None => Vec::new(),
    };
    get_json(&format!("/api/availability/{sku}"), &query).await
}
