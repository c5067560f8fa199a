//! The OpenAPI 3.1 description of the API, served at `/api/openapi.json`.
//! `tests/api.rs` checks that every route of the Router is described and vice versa.

use axum::http::header;
use axum::response::IntoResponse;

/// The document, as shipped: `edge/openapi.json` without its indentation (`build.rs`).
pub const DOCUMENT: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.min.json"));

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-cache")], DOCUMENT)
}
