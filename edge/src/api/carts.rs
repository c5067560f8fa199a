//! The server-side cart: one per owner (the account when signed in, else the session), versioned
//! so that two devices writing at once cannot overwrite each other silently.

use crate::db::carts::{lines, replace_lines, version};
use crate::db::catalog;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::pricing::priced_view;
use crate::session::{RotateTo, Session};
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use vitrina_shared::api::{CartConflict, CartView, ErrorBody, SetQuantity};
use vitrina_shared::cart::{parse_line_qty, CartLine, MAX_LINES};
use vitrina_shared::Sku;

/// Why a cart write changed nothing.
#[derive(Clone)]
enum CartWrite {
    /// The session was signed out or expired meanwhile.
    SessionEnded,
    /// A cart's version is no longer the one read (another device wrote, or a merge raced).
    Changed,
}

fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

fn with_etag(view: CartView, status: StatusCode) -> Response {
    let tag = etag(view.version);
    let mut response = (status, Json(view)).into_response();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The version named by `If-Match`, if any. `*`, a list or a malformed value is a 400.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(raw) = headers.get(header::IF_MATCH) else { return Ok(None) };
    raw.to_str().ok().and_then(crate::extract::etag_version).map(Some).ok_or(ApiError::BadRequest {
        status: StatusCode::BAD_REQUEST,
        code: "invalid_if_match",
        message: "If-Match must be the cart's ETag, e.g. \"3\"".into(),
    })
}

/// `GET /api/cart`: the cart with its version as `ETag`; `304` when `If-None-Match` still matches
/// (what the other devices poll with).
pub async fn get(State(app): State<AppState>, Extension(session): Extension<Session>, headers: HeaderMap) -> Result<Response, ApiError> {
    let owner = session.cart_owner();
    let current = version(app.sql.as_ref(), &owner).await?;
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == etag(current)) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&etag(current)) {
            response.headers_mut().insert(header::ETAG, v);
        }
        return Ok(response);
    }
    Ok(with_etag(priced_view(&app, &session, &owner).await?, StatusCode::OK))
}

async fn write(app: &AppState, session: &Session, headers: &HeaderMap, sku: Sku, qty: u32) -> Result<Response, ApiError> {
    let owner = session.cart_owner();
    let now = app.clock.now().timestamp();
    let expected = if_match(headers)?;
    let current = version(app.sql.as_ref(), &owner).await?;
    let conflict = |cart: CartView| {
        let tag = etag(cart.version);
        let body = CartConflict {
            error: ErrorBody {
                code: "cart_conflict".into(),
                message: "the cart changed on another device; here it is as it stands now".into(),
                params: Default::default(),
            },
            cart,
        };
        let mut response = (StatusCode::CONFLICT, Json(body)).into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            response.headers_mut().insert(header::ETAG, v);
        }
        response
    };
    if expected.is_some_and(|v| v != current) {
        return Ok(conflict(priced_view(app, session, &owner).await?));
    }
    let mut new_lines = lines(app.sql.as_ref(), &owner).await?;
    match new_lines.iter_mut().find(|l| l.sku == sku) {
        Some(line) if qty == 0 => {
            let sku = line.sku.clone();
            new_lines.retain(|l| l.sku != sku);
        }
        Some(line) => line.qty = qty,
        None if qty == 0 => {}
        None => {
            if new_lines.len() >= MAX_LINES {
                return Err(ApiError::Unprocessable {
                    code: "cart_full",
                    message: format!("a cart holds at most {MAX_LINES} different products"),
                }
                .with("max", MAX_LINES));
            }
            new_lines.push(CartLine { sku, qty });
        }
    }
    let mut batch = Batch::named("cart-write");
    batch.live_session(session, headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or(""), now, CartWrite::SessionEnded);
    batch.guard_all(replace_lines(&owner, current, &new_lines, now), CartWrite::Changed);
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {
            let mut response = with_etag(priced_view(app, session, &owner).await?, StatusCode::OK);
            if !session.persisted {
                response.extensions_mut().insert(RotateTo(session.id.clone()));
            }
            Ok(response)
        }
        Err(CartWrite::SessionEnded) => Err(ApiError::SessionEnded),
        // Another device wrote between our read and our write.
        Err(CartWrite::Changed) => Ok(conflict(priced_view(app, session, &owner).await?)),
    }
}

async fn known_sku(app: &AppState, raw: &str) -> Result<(Sku, u32), ApiError> {
    let sku = Sku::parse(raw)
        .map_err(|e| ApiError::not_found("unknown_sku", e.to_string()).with("sku", raw.chars().take(64).collect::<String>()))?;
    let (_, available) = catalog::product(app.sql.as_ref(), &sku, app.clock.now().timestamp())
        .await?
        .ok_or_else(|| ApiError::not_found("unknown_sku", format!("there is no product {sku}")).with("sku", &sku))?;
    Ok((sku, available))
}

/// `PUT /api/cart/items/{sku}` `{qty}`: sets the quantity (0 removes the line).
pub async fn put_item(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SetQuantity>,
) -> Result<Response, ApiError> {
    let (sku, available) = known_sku(&app, &raw).await?;
    let qty = parse_line_qty(body.qty, &sku)?;
    if qty > available {
        return Err(ApiError::Conflict {
            code: "insufficient_stock",
            message: format!("only {available} of {sku} are in stock across our stores"),
        }
        .with("sku", &sku)
        .with("left", available));
    }
    write(&app, &session, &headers, sku, qty).await
}

/// `DELETE /api/cart/items/{sku}`.
pub async fn delete_item(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (sku, _) = known_sku(&app, &raw).await?;
    write(&app, &session, &headers, sku, 0).await
}
