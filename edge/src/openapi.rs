//! The OpenAPI 3.1 description of the API, served at `/api/openapi.json`.
//! `tests/api.rs` checks that every route of the Router is described and vice versa.

use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

/// The document, as the native host ships it: `edge/openapi.json` without its indentation
/// (`build.rs`).
#[cfg(not(target_arch = "wasm32"))]
pub const DOCUMENT: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.min.json"));

/// The native host answers with the document it carries.
#[cfg(not(target_arch = "wasm32"))]
pub async fn document(State(_): State<AppState>, _: HeaderMap) -> Response {
    use axum::http::header;
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-cache")], DOCUMENT).into_response()
}

/// The Spin component reads the document from the site's files (`cargo xtask build` puts
/// `edge/openapi.json` there with its compressed siblings), so its 185 KB are not loaded with the
/// component for every request.
#[cfg(target_arch = "wasm32")]
pub async fn document(State(app): State<AppState>, headers: HeaderMap) -> Response {
    use axum::http::{header, StatusCode};
    let file = app.config.site_dir.as_deref().and_then(|root| crate::site::file(root, "openapi.json", &headers));
    file.unwrap_or_else(|| {
        let text = "the site has no openapi.json: run `cargo xtask build`";
        (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
    })
}
