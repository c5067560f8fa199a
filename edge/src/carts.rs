//! The server-side cart: one per owner (the account when signed in, else the session), versioned
//! so that two devices writing at once cannot overwrite each other silently.

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::ports::{Sql, Statement, StorageError};
use crate::session::{RotateTo, Session};
use crate::tx::Batch;
use crate::{offers, repo, AppState};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use std::collections::HashMap;
use vitrina_shared::api::{CartConflict, CartLineView, CartView, ErrorBody, SetQuantity};
use vitrina_shared::cart::{merge_carts, parse_line_qty, Adjustment, CartLine, MAX_LINES};
use vitrina_shared::offers::Item;
use vitrina_shared::pricing::cart_totals;
use vitrina_shared::{Currency, Money, Sku};

pub async fn version(sql: &dyn Sql, owner: &str) -> Result<i64, StorageError> {
    Ok(sql
        .query("SELECT version FROM carts WHERE owner = ?", vec![owner.into()])
        .await?
        .first()
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}

/// The pending card order that has claimed this cart for checkout, if any.
pub async fn checkout_order(sql: &dyn Sql, owner: &str) -> Result<Option<String>, StorageError> {
    Ok(sql
        .query(
            "SELECT c.checkout_order FROM carts c JOIN orders o ON o.id = c.checkout_order AND o.status = 'pending_payment'
             WHERE c.owner = ?",
            vec![owner.into()],
        )
        .await?
        .first()
        .map(|r| r.opt_text(0).map(|o| o.map(str::to_owned)))
        .transpose()?
        .flatten())
}

pub async fn lines(sql: &dyn Sql, owner: &str) -> Result<Vec<CartLine>, StorageError> {
    sql.query("SELECT sku, qty FROM cart_lines WHERE owner = ? ORDER BY position", vec![owner.into()])
        .await?
        .iter()
        .map(|r| {
            let sku = Sku::parse(r.text(0)?).map_err(|e| StorageError(format!("stored sku: {e}")))?;
            Ok(CartLine { sku, qty: u32::try_from(r.int(1)?).unwrap_or(0) })
        })
        .collect()
}

/// Units on hand across the chain for each SKU (missing = not in the catalog).
async fn chain_stock(sql: &dyn Sql, skus: &[&Sku], now: i64) -> Result<HashMap<Sku, u32>, StorageError> {
    let mut out = HashMap::new();
    for sku in skus {
        if let Some((_, total)) = repo::product(sql, sku, now).await? {
            out.insert((*sku).clone(), total);
        }
    }
    Ok(out)
}

/// The cart of `owner` at list prices, and its lines as the offers engine sees them.
async fn view_and_items(sql: &dyn Sql, owner: &str, now: i64) -> Result<(CartView, Vec<Item>), StorageError> {
    let version = version(sql, owner).await?;
    let mut views = Vec::new();
    let mut items = Vec::new();
    for line in lines(sql, owner).await? {
        if let Some((product, available)) = repo::product(sql, &line.sku, now).await? {
            items.push(offers::item(&product, line.qty));
            views.push(CartLineView {
                sku: product.sku,
                name: product.name,
                image: product.image,
                unit_price: product.price,
                qty: line.qty,
                line_total: product.price.times(line.qty),
                discount: Money::from_minor_units(0, product.price.currency),
                available,
            });
        }
    }
    let priced: Vec<(Money, u32)> = views.iter().map(|l| (l.unit_price, l.qty)).collect();
    let (subtotal, total) = cart_totals(&priced);
    let subtotal = if views.is_empty() { Money::new(subtotal.amount, Currency::Rub) } else { subtotal };
    let view = CartView {
        version,
        item_count: views.iter().map(|l| l.qty).sum(),
        lines: views,
        subtotal,
        discount: Money::from_minor_units(0, subtotal.currency),
        total,
        offers: Vec::new(),
        free_delivery: false,
    };
    Ok((view, items))
}

/// The cart of `owner` at list prices (for checks that do not depend on offers).
pub async fn view(sql: &dyn Sql, owner: &str, now: i64) -> Result<CartView, StorageError> {
    Ok(view_and_items(sql, owner, now).await?.0)
}

/// The session's cart priced by the offers engine for this shopper, as every channel shows it.
pub async fn priced_view(app: &AppState, session: &Session, owner: &str) -> Result<CartView, StorageError> {
    let (mut view, items) = view_and_items(app.sql.as_ref(), owner, app.clock.now().timestamp()).await?;
    if items.is_empty() {
        return Ok(view);
    }
    let book = offers::book(app).await?;
    if book.rules().is_empty() {
        return Ok(view);
    }
    let shopper = offers::session_shopper(app, &book, session, None, None).await?;
    let priced = offers::price(app, &book, &shopper, &items, false).await?;
    for (line, p) in view.lines.iter_mut().zip(&priced.lines) {
        line.discount = p.discount;
    }
    view.discount = priced.discount;
    view.total = priced.total;
    view.free_delivery = priced.free_delivery;
    view.offers = priced.applied;
    Ok(view)
}

/// Why a cart write changed nothing.
#[derive(Clone)]
pub(crate) enum CartWrite {
    /// The session was signed out or expired meanwhile.
    SessionEnded,
    /// A cart's version is no longer the one read (another device wrote, or a merge raced).
    Changed,
}

/// Statements that replace `owner`'s lines with `lines` if its version is still `expected`.
fn replace_lines(owner: &str, expected: i64, lines: &[CartLine], now: i64) -> Vec<Statement> {
    let mut out = vec![
        Statement::new(
            "INSERT INTO carts (owner, version, updated_at) VALUES (?, 0, ?) ON CONFLICT (owner) DO NOTHING",
            vec![owner.into(), now.into()],
        ),
        Statement::new(
            "UPDATE carts SET version = version + 1, updated_at = ? WHERE owner = ? AND version = ?",
            vec![now.into(), owner.into(), expected.into()],
        )
        .guarded(),
        Statement::new("DELETE FROM cart_lines WHERE owner = ?", vec![owner.into()]),
    ];
    out.extend(lines.iter().enumerate().map(|(i, l)| {
        Statement::new(
            "INSERT INTO cart_lines (owner, sku, qty, position) VALUES (?, ?, ?, ?)",
            vec![owner.into(), l.sku.as_str().into(), l.qty.into(), (i as i64).into()],
        )
    }));
    out
}

/// A merge of `from`'s cart into `into`'s, ready to commit: the merged lines replace `into`'s
/// (guarded by its version) and `from`'s cart is emptied.
pub struct MergePlan {
    pub statements: Vec<Statement>,
    pub adjustments: Vec<Adjustment>,
}

pub async fn plan_merge(sql: &dyn Sql, into: &str, from: &str, now: i64) -> Result<MergePlan, StorageError> {
    // The source's version is read before its lines and guarded at commit, so a line added to it
    // meanwhile, or a second merge of the same cart, rolls the whole batch back.
    let from_version = version(sql, from).await?;
    let from_lines = lines(sql, from).await?;
    if from_lines.is_empty() {
        return Ok(MergePlan { statements: vec![], adjustments: vec![] });
    }
    let into_version = version(sql, into).await?;
    let into_lines = lines(sql, into).await?;
    let skus: Vec<&Sku> = into_lines.iter().chain(&from_lines).map(|l| &l.sku).collect();
    let stock = chain_stock(sql, &skus, now).await?;
    let merge = merge_carts(&into_lines, &from_lines, &stock);
    let mut statements = replace_lines(into, into_version, &merge.lines, now);
    statements.push(
        Statement::new(
            "UPDATE carts SET version = version + 1, updated_at = ? WHERE owner = ? AND version = ?",
            vec![now.into(), from.into(), from_version.into()],
        )
        .guarded(),
    );
    statements.push(Statement::new("DELETE FROM cart_lines WHERE owner = ?", vec![from.into()]));
    Ok(MergePlan { statements, adjustments: merge.adjustments })
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
    let (_, available) = repo::product(app.sql.as_ref(), &sku, app.clock.now().timestamp())
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
