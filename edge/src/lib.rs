//! Vitrina's edge service: one axum [`Router`] over storage ports, hosted natively by the
//! `vitrina` binary (rusqlite, tokio) or by Spin (`spin_sdk`, wasm32-wasip2).

pub mod error;
pub mod extract;
pub mod openapi;
pub mod ports;
pub mod repo;
pub mod routes;
pub mod site;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;
#[cfg(target_arch = "wasm32")]
mod spin;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, put};
use axum::Router;
use error::ApiError;
use ports::{Clock, Kv, Sql};
use std::path::PathBuf;
use std::sync::Arc;

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Host configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Token for staff/integration routes until accounts and roles arrive. `None` refuses them all.
    pub staff_token: Option<String>,
    /// Directory of the built app; `None` serves the API only.
    pub site_dir: Option<PathBuf>,
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
        .fallback(|| async { ApiError::not_found("not_found", "no such API endpoint; see /api/openapi.json") })
        .method_not_allowed_fallback(|| async {
            ApiError::MethodNotAllowed("this endpoint does not accept that method; see /api/openapi.json".into())
        });
    let site = state.config.site_dir.is_some();
    let app = Router::new().nest("/api", api);
    let app = if site { app.fallback(site::serve) } else { app };
    app.layer(DefaultBodyLimit::max(MAX_BODY_BYTES)).with_state(state)
}
