//! Vitrina's edge service: one axum [`Router`] over storage ports, hosted natively by the
//! `vitrina` binary (rusqlite, tokio) or by Spin (`spin_sdk`, wasm32-wasip2).

pub mod accounts;
pub mod carts;
pub mod error;
pub mod extract;
pub mod handoffs;
pub mod openapi;
pub mod ports;
pub mod repo;
pub mod routes;
pub mod session;
pub mod site;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;
#[cfg(target_arch = "wasm32")]
mod spin;

use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::Router;
use error::ApiError;
use ports::{Clock, Kv, Sql};
use std::path::PathBuf;
use std::sync::Arc;

/// The request header carrying the client's address, set by [`client_address`] from what the
/// host saw (never from what the client sent).
pub const CLIENT_HEADER: &str = "x-vitrina-client";

/// Replaces any client-sent [`CLIENT_HEADER`] with the peer address the host reported: the
/// native host's `ConnectInfo`, or Spin's `spin-client-addr`.
async fn client_address(mut req: Request, next: Next) -> Response {
    let peer = peer_address(&req).unwrap_or_else(|| "unknown".to_owned());
    req.headers_mut().remove(CLIENT_HEADER);
    if let Ok(v) = HeaderValue::from_str(&peer) {
        req.headers_mut().insert(CLIENT_HEADER, v);
    }
    next.run(req).await
}

#[cfg(not(target_arch = "wasm32"))]
fn peer_address(req: &Request) -> Option<String> {
    req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string())
}

#[cfg(target_arch = "wasm32")]
fn peer_address(req: &Request) -> Option<String> {
    // Spin sets `spin-client-addr` (ip:port) on every incoming request.
    let addr = req.headers().get("spin-client-addr")?.to_str().ok()?;
    Some(addr.rsplit_once(':').map_or(addr, |(ip, _)| ip).to_owned())
}

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Host configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Accounts created on first start if their e-mail is not registered yet: the first staff
    /// and marketer accounts (later ones are managed in the product).
    pub bootstrap_accounts: Vec<BootstrapAccount>,
    /// Directory of the built app; `None` serves the API only.
    pub site_dir: Option<PathBuf>,
    /// Key signing session cookies (HMAC-SHA256); at least 32 random bytes.
    pub session_key: Vec<u8>,
}

/// An account to create on first start.
#[derive(Clone)]
pub struct BootstrapAccount {
    pub email: String,
    pub password: String,
    pub role: vitrina_shared::account::Role,
}

impl std::fmt::Debug for BootstrapAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BootstrapAccount").field("email", &self.email).field("role", &self.role).finish_non_exhaustive()
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub sql: Arc<dyn Sql>,
    pub kv: Arc<dyn Kv>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
}

/// The whole HTTP surface: `/api/*` and, when a site directory is configured, the app.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(routes::health))
        .route("/openapi.json", get(openapi::document))
        .route("/categories", get(routes::categories))
        .route("/products", get(routes::products))
        .route("/products/{sku}", get(routes::product))
        .route("/stores", get(routes::stores))
        .route("/stores/{store}/stock", put(routes::put_stock))
        .route("/availability/{sku}", get(routes::availability))
        .route("/auth/register", post(accounts::register))
        .route("/auth/login", post(accounts::login))
        .route("/auth/logout", post(accounts::logout))
        .route("/me", get(accounts::me).put(accounts::update_me))
        .route("/me/devices", get(accounts::devices))
        .route("/me/devices/{id}", delete(accounts::sign_out_device))
        .route("/cart", get(carts::get))
        .route("/cart/items/{sku}", put(carts::put_item).delete(carts::delete_item))
        .route("/cart/handoff", post(handoffs::create))
        .route("/handoff/{code}/claim", post(handoffs::claim))
        .route("/session", get(accounts::session_info).put(handoffs::set_channel))
        .fallback(|| async { ApiError::not_found("not_found", "no such API endpoint; see /api/openapi.json") })
        .method_not_allowed_fallback(|| async {
            ApiError::MethodNotAllowed("this endpoint does not accept that method; see /api/openapi.json".into())
        })
        .layer(middleware::from_fn_with_state(state.clone(), session::middleware));
    let site = state.config.site_dir.is_some();
    let app = Router::new().nest("/api", api);
    let app = if site { app.fallback(site::serve) } else { app };
    app.layer(DefaultBodyLimit::max(MAX_BODY_BYTES)).layer(middleware::from_fn(client_address)).with_state(state)
}
