//! Checkout and the order lifecycle: stock holds, idempotent order creation, staff actions.
//!
//! Stock is protected by conditional statements inside one batch (DESIGN.md consistency rule):
//! a hold is inserted only if the store's units on hand less the active holds still cover it; a
//! delivery takes units from on hand under the same condition. Expired holds stop counting at
//! read time; later writes delete them.

use crate::db::stock::{hold, prune_holds, put_back, take, take_held};
use crate::db::{corrupt, ledger, new_id, to_time};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::ports::{ChargeOutcome, ChargeRequest, Row, Sql, Statement, StorageError, Value};
use crate::session::{RotateTo, Session};
use crate::tx::Batch;
use crate::{AppState, CrashPoint};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use vitrina_shared::account::{Channel, Role};
use vitrina_shared::api::{
    CheckoutOptions, CheckoutRequest, ErrorBody, ErrorResponse, FulfilmentChoice, OrderEvent, OrderLineView, OrderView, ParamValue,
    PaymentChoice, PaymentView, ReturnLineView, ReturnView,
};
use vitrina_shared::loyalty::{self, check_redeem, EntryKind, RedeemError};
use vitrina_shared::orders::{
    card_last4, delivery_price, delivery_regions, effective_status, order_total, parse_idempotency_key, pickup_points, region_for,
    test_card, Action, Address, ChargeStatus, Contact, FulfilmentKind, OrderStatus, PaymentMethod, PaymentStatus, ReturnStatus,
    IDEMPOTENCY_SECONDS,
};
use vitrina_shared::store::Store;
use vitrina_shared::{Currency, Money, Sku, StoreId};

/// Orders listed per account, newest first.
pub const MAX_LISTED: i64 = 100;

pub(crate) fn event(order: &str, status: OrderStatus, now: i64, actor: &str) -> Statement {
    Statement::new(
        "INSERT INTO order_events (order_id, status, at, actor) VALUES (?, ?, ?, ?)",
        vec![order.into(), status.as_str().into(), now.into(), actor.into()],
    )
}

// ---- reading orders ---------------------------------------------------------------------------

const ORDER_COLUMNS: &str = "id, customer_id, session_id, channel, status, fulfilment, store_id, pickup_point, delivery_region, address,
     contact, payment_method, payment_status, card_last4, subtotal_minor, delivery_minor, points_redeemed, total_minor, currency,
     points_earned, hold_expires_at, promised_at, created_at, fulfilled_at, discount_minor, offers, points_multiplier";

/// An order as stored.
#[derive(Debug, Clone)]
pub(crate) struct OrderRow {
    pub id: String,
    pub customer_id: Option<String>,
    pub session_id: Option<String>,
    pub channel: Channel,
    pub status: OrderStatus,
    pub fulfilment: FulfilmentKind,
    pub store_id: Option<StoreId>,
    pub pickup_point: Option<String>,
    pub delivery_region: Option<String>,
    pub address: Option<Address>,
    pub contact: Contact,
    pub payment_method: PaymentMethod,
    pub payment_status: PaymentStatus,
    pub card_last4: Option<String>,
    pub subtotal: Money,
    pub delivery: Money,
    pub points_redeemed: i64,
    pub total: Money,
    pub points_earned: i64,
    pub hold_expires_at: Option<i64>,
    pub promised_at: Option<i64>,
    pub created_at: i64,
    pub fulfilled_at: Option<i64>,
    pub discount: Money,
    pub offers: Vec<vitrina_shared::offers::Applied>,
    pub points_multiplier: rust_decimal::Decimal,
}

impl OrderRow {
    fn from_row(r: &Row) -> Result<Self, StorageError> {
        let currency = match r.text(18)? {
            "RUB" => Currency::Rub,
            other => return Err(corrupt("currency", other)),
        };
        let money = |i| r.int(i).map(|m| Money::from_minor_units(m, currency));
        Ok(OrderRow {
            id: r.text(0)?.to_owned(),
            customer_id: r.opt_text(1)?.map(str::to_owned),
            session_id: r.opt_text(2)?.map(str::to_owned),
            channel: Channel::parse(r.text(3)?).ok_or_else(|| corrupt("channel", r.text(3).unwrap_or("")))?,
            status: OrderStatus::parse(r.text(4)?).ok_or_else(|| corrupt("status", r.text(4).unwrap_or("")))?,
            fulfilment: FulfilmentKind::parse(r.text(5)?).ok_or_else(|| corrupt("fulfilment", r.text(5).unwrap_or("")))?,
            store_id: r.opt_text(6)?.map(StoreId::parse).transpose().map_err(|e| corrupt("store", e))?,
            pickup_point: r.opt_text(7)?.map(str::to_owned),
            delivery_region: r.opt_text(8)?.map(str::to_owned),
            address: r.opt_text(9)?.map(serde_json::from_str).transpose().map_err(|e| corrupt("address", e))?,
            contact: serde_json::from_str(r.text(10)?).map_err(|e| corrupt("contact", e))?,
            payment_method: PaymentMethod::parse(r.text(11)?).ok_or_else(|| corrupt("payment_method", r.text(11).unwrap_or("")))?,
            payment_status: PaymentStatus::parse(r.text(12)?).ok_or_else(|| corrupt("payment_status", r.text(12).unwrap_or("")))?,
            card_last4: r.opt_text(13)?.map(str::to_owned),
            subtotal: money(14)?,
            delivery: money(15)?,
            points_redeemed: r.int(16)?,
            total: money(17)?,
            points_earned: r.int(19)?,
            hold_expires_at: r.opt_int(20)?,
            promised_at: r.opt_int(21)?,
            created_at: r.int(22)?,
            fulfilled_at: r.opt_int(23)?,
            discount: money(24)?,
            offers: serde_json::from_str(r.text(25)?).map_err(|e| corrupt("offers", e))?,
            points_multiplier: r.text(26)?.parse().map_err(|e| corrupt("points multiplier", e))?,
        })
    }

    pub fn status_at(&self, now: i64) -> OrderStatus {
        effective_status(self.status, self.fulfilment, self.hold_expires_at, now)
    }

    /// Whether the session's shopper owns the order (the account, or the guest session that placed it).
    pub fn owned_by(&self, session: &Session) -> bool {
        match (&session.account, &self.customer_id) {
            (Some(a), Some(c)) => &a.id == c,
            (None, None) => self.session_id.as_deref() == Some(session.id.as_str()),
            _ => false,
        }
    }
}

pub(crate) async fn order_row(sql: &dyn Sql, id: &str) -> Result<Option<OrderRow>, StorageError> {
    let q = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?");
    sql.query(&q, vec![id.into()]).await?.first().map(OrderRow::from_row).transpose()
}

/// An order line as stored.
#[derive(Debug, Clone)]
pub(crate) struct LineRow {
    pub sku: Sku,
    pub name: String,
    pub qty: u32,
    pub unit_price: Money,
    pub discount: Money,
    pub store: StoreId,
    pub returned: u32,
}

pub(crate) async fn line_rows(sql: &dyn Sql, order: &str) -> Result<Vec<LineRow>, StorageError> {
    sql.query(
        "SELECT l.sku, l.name, l.qty, l.unit_price_minor, l.store_id,
                COALESCE((SELECT SUM(r.qty) FROM return_lines r WHERE r.order_id = l.order_id AND r.sku = l.sku), 0), l.discount_minor
         FROM order_lines l WHERE l.order_id = ? ORDER BY l.position",
        vec![order.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(LineRow {
            sku: Sku::parse(r.text(0)?).map_err(|e| corrupt("sku", e))?,
            name: r.text(1)?.to_owned(),
            qty: u32::try_from(r.int(2)?).unwrap_or(0),
            unit_price: Money::from_minor_units(r.int(3)?, Currency::Rub),
            store: StoreId::parse(r.text(4)?).map_err(|e| corrupt("store", e))?,
            returned: u32::try_from(r.int(5)?).unwrap_or(0),
            discount: Money::from_minor_units(r.int(6)?, Currency::Rub),
        })
    })
    .collect()
}

pub(crate) async fn returns_of(sql: &dyn Sql, order: &str) -> Result<Vec<ReturnView>, StorageError> {
    let rows = sql
        .query(
            "SELECT id, order_id, status, store_id, refund_minor, points_refunded, points_reversed, reason, created_at, received_at
             FROM returns WHERE order_id = ? ORDER BY created_at, id",
            vec![order.into()],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = r.text(0)?.to_owned();
        let lines = sql
            .query("SELECT sku, qty FROM return_lines WHERE return_id = ? ORDER BY sku", vec![id.clone().into()])
            .await?
            .iter()
            .map(|l| {
                Ok(ReturnLineView {
                    sku: Sku::parse(l.text(0)?).map_err(|e| corrupt("sku", e))?,
                    qty: u32::try_from(l.int(1)?).unwrap_or(0),
                })
            })
            .collect::<Result<_, StorageError>>()?;
        out.push(ReturnView {
            id,
            order_id: r.text(1)?.to_owned(),
            status: ReturnStatus::parse(r.text(2)?).ok_or_else(|| corrupt("return status", r.text(2).unwrap_or("")))?.as_str().to_owned(),
            store: StoreId::parse(r.text(3)?).map_err(|e| corrupt("store", e))?,
            lines,
            refund: Money::from_minor_units(r.int(4)?, Currency::Rub),
            points_refunded: r.int(5)?,
            points_reversed: r.int(6)?,
            reason: r.text(7)?.to_owned(),
            created_at: to_time(r.int(8)?),
            received_at: r.opt_int(9)?.map(to_time),
        });
    }
    Ok(out)
}

/// The full view of a stored order at `now`.
pub(crate) async fn view_of(sql: &dyn Sql, row: OrderRow, now: i64, session: &Session) -> Result<OrderView, StorageError> {
    let lines = line_rows(sql, &row.id).await?;
    let history = sql
        .query("SELECT status, at, actor FROM order_events WHERE order_id = ? ORDER BY at, rowid", vec![row.id.clone().into()])
        .await?
        .iter()
        .map(|r| {
            Ok(OrderEvent {
                status: OrderStatus::parse(r.text(0)?).ok_or_else(|| corrupt("status", r.text(0).unwrap_or("")))?,
                at: to_time(r.int(1)?),
                by: r.text(2)?.to_owned(),
            })
        })
        .collect::<Result<Vec<_>, StorageError>>()?;
    let returns = returns_of(sql, &row.id).await?;
    let status = row.status_at(now);
    let rated = !sql.query("SELECT 1 FROM nps_answers WHERE order_id = ?", vec![row.id.clone().into()]).await?.is_empty();
    let owner = row.owned_by(session);
    let test = row.payment_method == PaymentMethod::TestCard;
    Ok(OrderView {
        id: row.id.clone(),
        status,
        channel: row.channel,
        fulfilment: row.fulfilment,
        store: row.store_id.clone(),
        pickup_point: row.pickup_point.clone(),
        delivery_region: row.delivery_region.clone(),
        address: row.address.clone(),
        contact: row.contact.clone(),
        payment: PaymentView {
            method: row.payment_method.as_str().to_owned(),
            status: row.payment_status.as_str().to_owned(),
            provider_notice: test.then(|| crate::payments::TEST_NOTICE.to_owned()),
            card_last4: row.card_last4.clone(),
        },
        lines: lines
            .into_iter()
            .map(|l| OrderLineView {
                line_total: Money::new(l.unit_price.times(l.qty).amount - l.discount.amount, l.unit_price.currency),
                discount: l.discount,
                sku: l.sku,
                name: l.name,
                qty: l.qty,
                unit_price: l.unit_price,
                store: l.store,
                returned_qty: l.returned,
            })
            .collect(),
        subtotal: row.subtotal,
        discount: row.discount,
        offers: row.offers.clone(),
        delivery_price: row.delivery,
        points_redeemed: row.points_redeemed,
        total: row.total,
        points_earned: row.points_earned,
        hold_expires_at: row.hold_expires_at.filter(|_| status.holds_stock()).map(to_time),
        promised_at: row.promised_at.map(to_time),
        created_at: to_time(row.created_at),
        history,
        returns,
        can_cancel: owner && matches!(status, OrderStatus::Placed | OrderStatus::ReadyForPickup | OrderStatus::PendingPayment),
        nps_due: owner && status.is_fulfilled() && !rated,
    })
}

/// The order `id` if this session may see it: its owner or staff. Anyone else gets 404, as for an
/// order that does not exist, so ids cannot be probed.
pub(crate) async fn visible_order(app: &AppState, session: &Session, id: &str) -> Result<OrderRow, ApiError> {
    let not_found = || {
        ApiError::not_found("unknown_order", format!("there is no order {id} in this account"))
            .with("order", id.chars().take(20).collect::<String>())
    };
    if id.len() > 20 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(not_found());
    }
    let row = order_row(app.sql.as_ref(), id).await?.ok_or_else(not_found)?;
    let staff = session.account.as_ref().is_some_and(|a| a.role == Role::Staff);
    if staff || row.owned_by(session) {
        Ok(row)
    } else {
        Err(not_found())
    }
}

/// `GET /api/orders`: the account's orders from every channel (or this guest session's), newest first.
pub async fn list(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Vec<OrderView>>, ApiError> {
    let now = app.clock.now().timestamp();
    close_stale_payments(&app, now).await?;
    let (filter, key) = match &session.account {
        Some(a) => ("customer_id = ?", a.id.clone()),
        None => ("session_id = ? AND customer_id IS NULL", session.id.clone()),
    };
    let q = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE {filter} ORDER BY created_at DESC, id LIMIT {MAX_LISTED}");
    let rows = app.sql.query(&q, vec![key.into()]).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(view_of(app.sql.as_ref(), OrderRow::from_row(r)?, now, &session).await?);
    }
    Ok(Json(out))
}

/// `GET /api/orders/{id}`.
pub async fn get(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<OrderView>, ApiError> {
    let now = app.clock.now().timestamp();
    close_stale_payments(&app, now).await?;
    let row = visible_order(&app, &session, &id).await?;
    Ok(Json(view_of(app.sql.as_ref(), row, now, &session).await?))
}

// ---- checkout ---------------------------------------------------------------------------------

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable { code, message: message.into() }
}

/// Where the goods come from and how they travel, resolved from the shopper's choice.
struct Plan {
    kind: FulfilmentKind,
    store: Option<StoreId>,
    pickup_point: Option<String>,
    region: Option<String>,
    address: Option<Address>,
    delivery: Money,
    promised_at: Option<i64>,
    /// The store each line's units come from.
    sources: Vec<StoreId>,
}

/// A cart line priced for checkout.
struct Line {
    sku: Sku,
    name: String,
    qty: u32,
    unit_price: Money,
    /// Offers' discount on the whole line.
    discount: Money,
}

fn find_store<'a>(stores: &'a [Store], raw: &str) -> Result<&'a Store, ApiError> {
    let unknown = || {
        unprocessable("unknown_store", format!("there is no store {raw:?}; see GET /api/stores"))
            .with("store", raw.chars().take(64).collect::<String>())
    };
    let id = StoreId::parse(raw).map_err(|_| unknown())?;
    stores.iter().find(|s| s.id == id).ok_or_else(unknown)
}

/// For shipping from a city: per line, the store there with the most units available.
async fn ship_from(
    sql: &dyn Sql,
    stores: &[Store],
    city: vitrina_shared::store::City,
    lines: &[Line],
    now: i64,
    to: &str,
) -> Result<Vec<StoreId>, ApiError> {
    let mut sources = Vec::with_capacity(lines.len());
    for line in lines {
        let stock = crate::db::stock::stock_for(sql, &line.sku, now).await?;
        let best = stores.iter().filter(|s| s.city == city).filter_map(|s| stock.get(&s.id).map(|n| (*n, &s.id))).max_by_key(|(n, _)| *n);
        match best {
            Some((n, id)) if n >= line.qty => sources.push(id.clone()),
            _ => {
                return Err(ApiError::Conflict {
                    code: "insufficient_stock",
                    message: format!("{} ({}) is not available in {} for delivery to {to}", line.name, line.sku, line.qty),
                }
                .with("sku", &line.sku))
            }
        }
    }
    Ok(sources)
}

async fn plan(app: &AppState, choice: &FulfilmentChoice, lines: &[Line], subtotal: Money, now: DateTime<Utc>) -> Result<Plan, ApiError> {
    let stores = crate::db::catalog::stores(app.sql.as_ref()).await?;
    let ts = now.timestamp();
    Ok(match choice {
        FulfilmentChoice::Pickup { store } => {
            let store = find_store(&stores, store)?;
            Plan {
                kind: FulfilmentKind::Pickup,
                store: Some(store.id.clone()),
                pickup_point: None,
                region: None,
                address: None,
                delivery: Money::from_minor_units(0, Currency::Rub),
                promised_at: store.pickup_time(now).map(|t| t.timestamp()),
                sources: vec![store.id.clone(); lines.len()],
            }
        }
        FulfilmentChoice::Delivery { address } => {
            let (address, postcode) =
                address.validate().map_err(|e| unprocessable("invalid_address", e.to_string()).with("field", e.field))?;
            let regions = delivery_regions();
            let region = region_for(&regions, postcode).ok_or_else(|| {
                let names: Vec<&str> = regions.iter().map(|r| r.name_en.as_str()).collect();
                unprocessable(
                    "outside_delivery_regions",
                    format!("we do not deliver to postcode {postcode} yet; we deliver to {}", names.join(", ")),
                )
                .with("postcode", postcode.to_string())
            })?;
            let sources = ship_from(app.sql.as_ref(), &stores, region.city, lines, ts, &region.name_en).await?;
            Plan {
                kind: FulfilmentKind::Delivery,
                store: None,
                pickup_point: None,
                region: Some(region.id.clone()),
                address: Some(address),
                delivery: delivery_price(region, subtotal),
                promised_at: Some(ts + i64::from(region.lead_days) * 86_400),
                sources,
            }
        }
        FulfilmentChoice::PickupPoint { point } => {
            let points = pickup_points();
            let p = points.iter().find(|p| &p.id == point).ok_or_else(|| {
                unprocessable("unknown_pickup_point", format!("there is no pickup point {point:?}; see GET /api/checkout/options"))
            })?;
            let sources = ship_from(app.sql.as_ref(), &stores, p.city, lines, ts, &p.name).await?;
            Plan {
                kind: FulfilmentKind::PickupPoint,
                store: None,
                pickup_point: Some(p.id.clone()),
                region: None,
                address: None,
                delivery: p.price,
                promised_at: Some(ts + i64::from(p.lead_days) * 86_400),
                sources,
            }
        }
    })
}

/// Until when a pickup reservation at `store` for an order placed at `ordered_at` holds its units:
/// `reserve_minutes` of the store's open time from the promised pickup time
/// ([`Store::pickup_hold_until`]), so it never runs out overnight. Wall-clock time without a store.
async fn reserve_until(app: &AppState, store: Option<&StoreId>, ordered_at: i64) -> Result<i64, ApiError> {
    let minutes = app.config.holds.reserve_minutes;
    let Some(store) = store else { return Ok(ordered_at + minutes * 60) };
    let stores = crate::db::catalog::stores(app.sql.as_ref()).await?;
    Ok(match (stores.iter().find(|s| &s.id == store), DateTime::from_timestamp(ordered_at, 0)) {
        (Some(s), Some(at)) => s.pickup_hold_until(at, minutes).timestamp(),
        _ => ordered_at + minutes * 60,
    })
}

/// What a guard protects in the checkout batch.
#[derive(Debug, Clone)]
enum Why {
    Live,
    Key,
    Cart,
    Stock(usize),
    Points,
    Offer(String),
}

/// A stored answer to an idempotent request.
struct Stored {
    hash: String,
    order_id: Option<String>,
    status: Option<i64>,
    response: Option<String>,
}

async fn stored_key(sql: &dyn Sql, scope: &str, key: &str, now: i64) -> Result<Option<Stored>, StorageError> {
    sql.query(
        "SELECT request_hash, order_id, status, response FROM idempotency_keys WHERE scope = ? AND key = ? AND created_at > ?",
        vec![scope.into(), key.into(), (now - IDEMPOTENCY_SECONDS).into()],
    )
    .await?
    .first()
    .map(|r| {
        Ok(Stored {
            hash: r.text(0)?.to_owned(),
            order_id: r.opt_text(1)?.map(str::to_owned),
            status: r.opt_int(2)?,
            response: r.opt_text(3)?.map(str::to_owned),
        })
    })
    .transpose()
}

fn json_response(status: StatusCode, body: String, replayed: bool) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// Answers a request whose key was used before: the first answer again, 422 for another body,
/// 409 while the first request is still under way.
async fn replay(
    app: &AppState,
    session: &Session,
    (scope, key): (&str, &str),
    stored: Stored,
    hash: &str,
    card: Option<String>,
) -> Result<Response, ApiError> {
    if stored.hash != hash {
        return Err(unprocessable(
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request; use a new key for a new order",
        ));
    }
    if let (Some(status), Some(body)) = (stored.status, stored.response) {
        let status = u16::try_from(status).ok().and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::CREATED);
        return Ok(json_response(status, body, true));
    }
    // The order committed but its answer was not stored yet (a concurrent retry, or a crash in
    // between): resume a payment still within its hold, else answer from the order itself.
    if let Some(id) = stored.order_id {
        if let Some(row) = order_row(app.sql.as_ref(), &id).await? {
            let now = app.clock.now().timestamp();
            match row.status {
                OrderStatus::PendingPayment if card.is_some() && row.hold_expires_at.is_some_and(|t| t > now) => {
                    return finish(app, session, scope, key, row, card, now, true).await;
                }
                OrderStatus::PendingPayment => {}
                OrderStatus::PaymentFailed => {
                    let body = error_json(
                        "payment_failed",
                        "the payment did not complete in time; no order was placed and your cart is as it was",
                        &[],
                    );
                    remember(app.sql.as_ref(), scope, key, StatusCode::PAYMENT_REQUIRED, &body).await?;
                    return Ok(json_response(StatusCode::PAYMENT_REQUIRED, body, true));
                }
                _ => {
                    let view = view_of(app.sql.as_ref(), row, now, session).await?;
                    let body = serde_json::to_string(&view).map_err(|e| StorageError(format!("order JSON: {e}")))?;
                    return Ok(json_response(StatusCode::CREATED, body, true));
                }
            }
        }
    }
    Err(ApiError::Conflict {
        code: "request_in_progress",
        message: "an order with this Idempotency-Key is still being processed; retry in a moment".into(),
    })
}

async fn remember(sql: &dyn Sql, scope: &str, key: &str, status: StatusCode, body: &str) -> Result<(), StorageError> {
    sql.batch(vec![Statement::new(
        "UPDATE idempotency_keys SET status = ?, response = ? WHERE scope = ? AND key = ?",
        vec![i64::from(status.as_u16()).into(), body.into(), scope.into(), key.into()],
    )])
    .await
    .map(|_| ())
    .map_err(StorageError::from)
}

fn error_json(code: &str, message: &str, params: &[(&str, &str)]) -> String {
    let params = params.iter().map(|(name, value)| ((*name).to_owned(), ParamValue::from(*value))).collect();
    serde_json::to_string(&ErrorResponse { error: ErrorBody { code: code.into(), message: message.into(), params } }).unwrap_or_default()
}

/// `POST /api/orders` with `Idempotency-Key`: turns the session's cart into an order.
pub async fn create(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CheckoutRequest>,
) -> Result<Response, ApiError> {
    let key = match headers.get("idempotency-key").map(|v| v.to_str().ok().and_then(|k| parse_idempotency_key(k.trim()))) {
        None => {
            return Err(ApiError::BadRequest {
                status: StatusCode::BAD_REQUEST,
                code: "idempotency_key_required",
                message: "send an Idempotency-Key header (e.g. a UUID) so a retried checkout cannot order twice".into(),
            })
        }
        Some(None) => {
            return Err(ApiError::BadRequest {
                status: StatusCode::BAD_REQUEST,
                code: "invalid_idempotency_key",
                message: "the Idempotency-Key must be 1 to 255 visible ASCII characters".into(),
            })
        }
        Some(Some(k)) => k.to_owned(),
    };
    let now_dt = app.clock.now();
    let now = now_dt.timestamp();
    let scope = session.cart_owner();
    let canonical = serde_json::to_vec(&body).map_err(|e| StorageError(format!("request JSON: {e}")))?;
    let hash: String = Sha256::digest(&canonical).iter().map(|b| format!("{b:02x}")).collect();
    let card = match &body.payment {
        PaymentChoice::PayOnPickup => None,
        PaymentChoice::TestCard { card_number } => Some(card_number.clone()),
    };
    close_stale_payments(&app, now).await?;
    if let Some(stored) = stored_key(app.sql.as_ref(), &scope, &key, now).await? {
        return replay(&app, &session, (&scope, &key), stored, &hash, card).await;
    }

    // The cart's state first: checking out a cart that is being paid for, has changed or is empty
    // conflicts with it (409), whatever the request says.
    if crate::db::carts::checkout_order(app.sql.as_ref(), &scope).await?.is_some() {
        return Err(checkout_in_progress());
    }
    let cart_version = crate::db::carts::version(app.sql.as_ref(), &scope).await?;
    if body.cart_version.is_some_and(|v| v != cart_version) {
        return Err(ApiError::Conflict {
            code: "cart_conflict",
            message: "the cart changed (perhaps on another device) since you confirmed it; review it and confirm again".into(),
        });
    }
    let cart_lines = crate::db::carts::lines(app.sql.as_ref(), &scope).await?;
    if cart_lines.is_empty() {
        return Err(ApiError::Conflict { code: "cart_empty", message: "the cart is empty; add something first".into() });
    }
    // Validate everything before touching anything.
    let contact = body.contact.validate().map_err(|e| unprocessable("invalid_contact", e.to_string()).with("field", e.field))?;
    if card.as_deref().is_some_and(|c| test_card(c).is_none()) {
        return Err(unprocessable("invalid_card", "the card number is not valid (check the digits)"));
    }
    if body.redeem_points < 0 {
        return Err(unprocessable("negative_points", RedeemError::Negative.to_string()));
    }
    if body.redeem_points > 0 && session.account.is_none() {
        return Err(ApiError::SignInRequired);
    }
    let mut lines = Vec::with_capacity(cart_lines.len());
    let mut items = Vec::with_capacity(cart_lines.len());
    for l in &cart_lines {
        let (product, _) = crate::db::catalog::product(app.sql.as_ref(), &l.sku, now).await?.ok_or_else(|| {
            unprocessable("unknown_sku", format!("{} is no longer sold; remove it from the cart", l.sku)).with("sku", &l.sku)
        })?;
        items.push(crate::pricing::item(&product, l.qty));
        lines.push(Line {
            sku: l.sku.clone(),
            name: product.name,
            qty: l.qty,
            unit_price: product.price,
            discount: Money::from_minor_units(0, product.price.currency),
        });
    }
    // The same engine and rules as the cart on every channel; the pickup store counts as where the shopper is.
    let book = crate::pricing::book(&app).await?;
    let offer_store = match &body.fulfilment {
        FulfilmentChoice::Pickup { store } => StoreId::parse(store).ok(),
        _ => None,
    };
    let shopper = crate::pricing::session_shopper(&app, &book, &session, offer_store, None).await?;
    let priced = crate::pricing::price(&app, &book, &shopper, &items, false).await?;
    for (line, p) in lines.iter_mut().zip(&priced.lines) {
        line.discount = p.discount;
    }
    for gift in priced.lines.iter().filter(|p| p.gift) {
        let (product, _) = crate::db::catalog::product(app.sql.as_ref(), &gift.sku, now)
            .await?
            .ok_or_else(|| unprocessable("unknown_sku", format!("the gift {} is no longer sold", gift.sku)).with("sku", &gift.sku))?;
        let value = product.price.times(gift.qty);
        match lines.iter_mut().find(|l| l.sku == gift.sku) {
            Some(l) => {
                l.qty += gift.qty;
                l.discount = Money::new(l.discount.amount + value.amount, value.currency);
            }
            None => {
                lines.push(Line { sku: gift.sku.clone(), name: product.name, qty: gift.qty, unit_price: product.price, discount: value })
            }
        }
    }
    let subtotal = Money::from_minor_units(lines.iter().map(|l| l.unit_price.times(l.qty).minor_units()).sum(), Currency::Rub);
    let discount = Money::from_minor_units(lines.iter().map(|l| l.discount.minor_units()).sum(), Currency::Rub);
    let goods = Money::new(subtotal.amount - discount.amount, subtotal.currency);
    let mut plan = plan(&app, &body.fulfilment, &lines, goods, now_dt).await?;
    if priced.free_delivery {
        plan.delivery = Money::from_minor_units(0, Currency::Rub);
    }
    let mut last_entry = 0;
    if let (Some(account), true) = (&session.account, body.redeem_points > 0) {
        let (entries, last, _) = ledger::ledger_of(app.sql.as_ref(), &account.id).await?;
        let state = loyalty::replay(&app.config.loyalty, &entries, now);
        check_redeem(&app.config.loyalty, body.redeem_points, state.balance, goods).map_err(|e| match e {
            RedeemError::Negative => unprocessable("negative_points", e.to_string()),
            RedeemError::MoreThanBalance { .. } => unprocessable("not_enough_points", e.to_string()),
            RedeemError::AboveCap { cap, .. } => unprocessable("points_above_cap", e.to_string()).with("max", cap),
        })?;
        last_entry = last;
    }
    let total = order_total(subtotal, discount, plan.delivery, body.redeem_points);

    // One batch: the order, its holds or stock, the points, the key, and (unless paying online) the cart.
    let id = new_id('V')?;
    let online = card.is_some();
    let held_until =
        if online { now + 60 * app.config.holds.payment_minutes } else { reserve_until(&app, plan.store.as_ref(), now).await? };
    let holds_units = plan.kind == FulfilmentKind::Pickup || online;
    let status = if online { OrderStatus::PendingPayment } else { OrderStatus::Placed };
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut batch = Batch::named("checkout");
    batch.live_session(&session, ua, now, Why::Live);
    batch.push(Statement::new("DELETE FROM idempotency_keys WHERE created_at <= ?", vec![(now - IDEMPOTENCY_SECONDS).into()]));
    batch.guard(
        Statement::new(
            "INSERT INTO idempotency_keys (scope, key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (scope, key) DO NOTHING",
            vec![scope.clone().into(), key.clone().into(), hash.clone().into(), id.clone().into(), now.into()],
        ),
        Why::Key,
    );
    batch.push(prune_holds(now));
    let customer = session.account.as_ref().map(|a| a.id.clone());
    let address_json = plan.address.as_ref().map(|a| serde_json::to_string(a).unwrap_or_default());
    let contact_json = serde_json::to_string(&contact).unwrap_or_default();
    batch.push(Statement::new(
        "INSERT INTO orders (id, customer_id, session_id, channel, status, fulfilment, store_id, pickup_point, delivery_region, address,
            contact, payment_method, payment_status, card_last4, subtotal_minor, delivery_minor, points_redeemed, total_minor, currency,
            hold_expires_at, promised_at, created_at, discount_minor, offers, ab_assignments, points_multiplier)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            id.clone().into(),
            customer.clone().into(),
            session.id.clone().into(),
            session.channel.as_str().into(),
            status.as_str().into(),
            plan.kind.as_str().into(),
            plan.store.as_ref().map(|s| s.as_str().to_owned()).into(),
            plan.pickup_point.clone().into(),
            plan.region.clone().into(),
            address_json.into(),
            contact_json.into(),
            (if online { PaymentMethod::TestCard } else { PaymentMethod::PayOnPickup }).as_str().into(),
            PaymentStatus::Due.as_str().into(),
            card.as_deref().map(card_last4).into(),
            subtotal.minor_units().into(),
            plan.delivery.minor_units().into(),
            body.redeem_points.into(),
            total.minor_units().into(),
            total.currency.code().into(),
            (if holds_units { Some(held_until) } else { None }).into(),
            plan.promised_at.into(),
            now.into(),
            discount.minor_units().into(),
            serde_json::to_string(&priced.applied).unwrap_or_else(|_| "[]".into()).into(),
            serde_json::to_string(&priced.assignments).unwrap_or_else(|_| "[]".into()).into(),
            priced.points_multiplier.to_string().into(),
        ],
    ));
    batch.push(event(&id, status, now, if session.channel == Channel::Kiosk { "kiosk" } else { "customer" }));
    for (i, (line, source)) in lines.iter().zip(&plan.sources).enumerate() {
        batch.push(Statement::new(
            "INSERT INTO order_lines (order_id, sku, name, qty, unit_price_minor, store_id, position, discount_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                id.clone().into(),
                line.sku.as_str().into(),
                line.name.clone().into(),
                line.qty.into(),
                line.unit_price.minor_units().into(),
                source.as_str().into(),
                (i as i64).into(),
                line.discount.minor_units().into(),
            ],
        ));
        let protect =
            if holds_units { hold(&id, source, &line.sku, line.qty, held_until, now) } else { take(source, &line.sku, line.qty, now) };
        batch.guard(protect, Why::Stock(i));
    }
    for (statement, rule) in crate::db::offers::redemptions(&book, &priced, &id, &shopper.subject(), now) {
        batch.guard(statement, Why::Offer(rule));
    }
    if let (Some(customer), true) = (&customer, body.redeem_points > 0) {
        batch.guard(ledger::redeem(customer, body.redeem_points, &id, last_entry, now), Why::Points);
    }
    // The claim: whatever the payment method, the cart (at the version priced here) belongs to
    // this order before any payment is attempted; a second checkout of it is refused.
    batch.guard(
        Statement::new(
            "UPDATE carts SET version = version + 1, checkout_order = ?, updated_at = ?
             WHERE owner = ? AND version = ?
               AND (checkout_order IS NULL OR checkout_order NOT IN (SELECT id FROM orders WHERE status = 'pending_payment'))",
            vec![online.then(|| id.clone()).into(), now.into(), scope.clone().into(), cart_version.into()],
        ),
        Why::Cart,
    );
    if !online {
        batch.push(Statement::new("DELETE FROM cart_lines WHERE owner = ?", vec![scope.clone().into()]));
    }
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(Why::Live) => return Err(ApiError::SessionEnded),
        Err(Why::Key) => {
            let stored =
                stored_key(app.sql.as_ref(), &scope, &key, now).await?.ok_or_else(|| StorageError("idempotency key vanished".into()))?;
            return replay(&app, &session, (&scope, &key), stored, &hash, card).await;
        }
        Err(Why::Cart) => {
            if crate::db::carts::checkout_order(app.sql.as_ref(), &scope).await?.is_some() {
                return Err(checkout_in_progress());
            }
            return Err(ApiError::Conflict {
                code: "cart_conflict",
                message: "the cart changed on another device while ordering; review it and confirm again".into(),
            });
        }
        Err(Why::Points) => {
            return Err(ApiError::Conflict {
                code: "loyalty_changed",
                message: "your points balance changed while ordering; check it and confirm again".into(),
            })
        }
        Err(Why::Offer(rule)) => {
            let name = book.rules().iter().find(|r| r.id == rule).map_or(rule.clone(), |r| r.name.clone());
            return Err(ApiError::Conflict {
                code: "offer_unavailable",
                message: format!("the offer \"{name}\" has just run out; the cart shows the new price, confirm again"),
            }
            .with("offer", name));
        }
        Err(Why::Stock(i)) => {
            let line = &lines[i];
            let left = crate::db::stock::stock_for(app.sql.as_ref(), &line.sku, now).await?.get(&plan.sources[i]).copied().unwrap_or(0);
            return Err(ApiError::Conflict {
                code: "insufficient_stock",
                message: format!(
                    "only {left} of {} ({}) left at {}; change the quantity or the store",
                    line.name, line.sku, plan.sources[i]
                ),
            }
            .with("sku", &line.sku)
            .with("left", left));
        }
    }

    crash_if(&app, CrashPoint::OrderWritten);
    let row = order_row(app.sql.as_ref(), &id).await?.ok_or_else(|| StorageError(format!("order {id} vanished")))?;
    finish(&app, &session, &scope, &key, row, card, now, false).await
}

/// Pays for a pending order (if a card is given) and answers the checkout, remembering the answer
/// under the request's key. Also how a retry resumes a checkout that a crash interrupted: the
/// provider charges once per order, so asking again never charges twice.
#[allow(clippy::too_many_arguments)]
async fn finish(
    app: &AppState,
    session: &Session,
    scope: &str,
    key: &str,
    row: OrderRow,
    card: Option<String>,
    now: i64,
    replayed: bool,
) -> Result<Response, ApiError> {
    let id = row.id.clone();
    if let (Some(card), OrderStatus::PendingPayment) = (card, row.status) {
        if let Paid::Declined(code) = pay(app, &row, card, now).await? {
            let body = error_json("payment_declined", decline_message(&code), &[("reason", &code)]);
            remember(app.sql.as_ref(), scope, key, StatusCode::PAYMENT_REQUIRED, &body).await?;
            return Ok(json_response(StatusCode::PAYMENT_REQUIRED, body, replayed));
        }
    }
    let row = order_row(app.sql.as_ref(), &id).await?.ok_or_else(|| StorageError(format!("order {id} vanished")))?;
    let view = view_of(app.sql.as_ref(), row, now, session).await?;
    let body = serde_json::to_string(&view).map_err(|e| StorageError(format!("order JSON: {e}")))?;
    remember(app.sql.as_ref(), scope, key, StatusCode::CREATED, &body).await?;
    let mut response = json_response(StatusCode::CREATED, body, replayed);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/orders/{id}")) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    if !session.persisted {
        response.extensions_mut().insert(RotateTo(session.id.clone()));
    }
    Ok(response)
}

/// Test-only crash points (see [`crate::Config::crash_at`]).
fn crash_if(app: &AppState, point: CrashPoint) {
    if app.config.crash_at == Some(point) {
        tracing::error!(point = ?point, "test crash point reached; aborting as configured by VITRINA_TEST_CRASH_AT");
        std::process::abort();
    }
}

fn checkout_in_progress() -> ApiError {
    ApiError::Conflict {
        code: "checkout_in_progress",
        message: "this cart is already being paid for (on another device or in another tab); wait for that payment to finish".into(),
    }
}

/// The provider's decline code as a sentence for API clients (the app shows its own text).
fn decline_message(code: &str) -> &'static str {
    match code {
        "card_declined" => "the card was declined (test card 4000 0000 0000 0002)",
        "invalid_card" => "the card number is not valid",
        "idempotency_key_reused" => "the payment provider saw this payment with another amount",
        _ => "the payment was not completed",
    }
}

/// The key the provider charges an order under: one charge per order, and one order per
/// checkout `Idempotency-Key` (the key row names the order it created).
fn payment_key(order: &str) -> String {
    format!("order-{order}")
}

/// How a payment attempt ended for the order.
enum Paid {
    Approved,
    Declined(String),
}

/// Charges the card for a pending order and settles it. Approved: the order is placed, the holds
/// become a reservation (pickup) or the units leave the shelf (delivery), the claimed cart is
/// emptied. Declined: holds, points and offer uses are released and the cart stays.
async fn pay(app: &AppState, row: &OrderRow, card: String, now: i64) -> Result<Paid, ApiError> {
    let request = ChargeRequest { idempotency_key: payment_key(&row.id), order_id: row.id.clone(), amount: row.total, card_number: card };
    let outcome = app.payments.charge(request).await?;
    crash_if(app, CrashPoint::Charged);
    let id = row.id.as_str();
    match outcome {
        ChargeOutcome::Approved { reference } => {
            let pickup = row.fulfilment == FulfilmentKind::Pickup;
            let reserve = if pickup { Some(reserve_until(app, row.store_id.as_ref(), row.created_at).await?) } else { None };
            let mut batch = Batch::named("payment-approved");
            batch.guard(
                Statement::new(
                    "UPDATE orders SET status = ?, payment_status = ?, hold_expires_at = ?
                     WHERE id = ? AND status = 'pending_payment' AND hold_expires_at > ?",
                    vec![OrderStatus::Placed.as_str().into(), PaymentStatus::Paid.as_str().into(), reserve.into(), id.into(), now.into()],
                ),
                Settle::NotPending,
            );
            batch.push(payment_row(app, row, ChargeStatus::Approved, &reference, now));
            batch.push(event(id, OrderStatus::Placed, now, "system"));
            if let Some(until) = reserve {
                batch.push(crate::db::stock::extend_holds(id, until));
            } else {
                batch.push(crate::db::stock::release_holds(id));
                let lines = line_rows(app.sql.as_ref(), id).await?;
                batch.guard_all(lines.iter().map(|l| take_held(&l.store, &l.sku, l.qty, now)), Settle::Stock);
            }
            batch.push(Statement::new(
                "DELETE FROM cart_lines WHERE owner IN (SELECT owner FROM carts WHERE checkout_order = ?)",
                vec![id.into()],
            ));
            batch.push(Statement::new(
                "UPDATE carts SET version = version + 1, checkout_order = NULL, updated_at = ? WHERE checkout_order = ?",
                vec![now.into(), id.into()],
            ));
            match batch.run(app.sql.as_ref()).await? {
                Ok(()) => Ok(Paid::Approved),
                Err(Settle::NotPending | Settle::Stock) => {
                    // Settled by a concurrent retry of the same checkout: the provider charged once.
                    let current = order_row(app.sql.as_ref(), id).await?;
                    if current.as_ref().is_some_and(|r| r.status == OrderStatus::Placed) {
                        return Ok(Paid::Approved);
                    }
                    // Charged, but the order was cancelled or its hold ran out meanwhile.
                    tracing::warn!(order = %id, payment = %reference, "payment approved after the order stopped waiting; refund it");
                    Err(ApiError::Conflict {
                        code: "order_expired",
                        message: "the reservation ran out while paying; the payment will be refunded".into(),
                    })
                }
            }
        }
        ChargeOutcome::Declined { reason } => {
            let mut batch = fail_batch("payment-declined", row, PaymentStatus::Declined, now);
            batch.push(payment_row(app, row, ChargeStatus::Declined, &reason, now));
            match batch.run(app.sql.as_ref()).await? {
                Ok(()) => Ok(Paid::Declined(reason)),
                // Already settled by a concurrent retry with the same outcome.
                Err(Settle::NotPending | Settle::Stock) => Ok(Paid::Declined(reason)),
            }
        }
    }
}

fn payment_row(app: &AppState, row: &OrderRow, status: ChargeStatus, reference: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO payments (id, order_id, provider, amount_minor, status, reference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![
            format!("{}-pay", row.id).into(),
            row.id.clone().into(),
            app.payments.name().into(),
            row.total.minor_units().into(),
            status.as_str().into(),
            reference.into(),
            now.into(),
        ],
    )
}

/// Why settling a card payment changed nothing.
#[derive(Clone)]
enum Settle {
    /// The order no longer waits for this payment (settled by a concurrent retry, cancelled, or its hold ran out).
    NotPending,
    /// The store's stock has fewer units than the order held.
    Stock,
}

/// Closes a pending order as `payment_failed` (guarded: only while it is still pending) and gives
/// back everything it held: stock holds, offer uses, redeemed points and the cart claim.
fn fail_batch(name: &'static str, row: &OrderRow, payment_status: PaymentStatus, now: i64) -> Batch<Settle> {
    let id = row.id.as_str();
    let mut batch = Batch::named(name);
    batch.guard(
        Statement::new(
            "UPDATE orders SET status = ?, payment_status = ?, hold_expires_at = NULL WHERE id = ? AND status = 'pending_payment'",
            vec![OrderStatus::PaymentFailed.as_str().into(), payment_status.as_str().into(), id.into()],
        ),
        Settle::NotPending,
    );
    batch.push(event(id, OrderStatus::PaymentFailed, now, "system"));
    batch.push(crate::db::stock::release_holds(id));
    batch.push(crate::db::offers::release_redemptions(id));
    batch.push(Statement::new(
        "UPDATE carts SET checkout_order = NULL, updated_at = ? WHERE checkout_order = ?",
        vec![now.into(), id.into()],
    ));
    batch.extend(refund_points(row, now));
    batch
}

/// Closes card orders whose payment hold ran out without an answer (a crash, a lost connection):
/// each becomes `payment_failed` and releases what it held. If the provider did charge meanwhile,
/// the payment is recorded as `refund_due` and logged. Runs lazily (on checkout and when orders
/// are read) and on the dispatcher tick; no daemon of its own.
pub(crate) async fn close_stale_payments(app: &AppState, now: i64) -> Result<usize, StorageError> {
    let q = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE status = 'pending_payment' AND hold_expires_at <= ? ORDER BY hold_expires_at LIMIT 50"
    );
    let rows: Vec<OrderRow> = app.sql.query(&q, vec![now.into()]).await?.iter().map(OrderRow::from_row).collect::<Result<_, _>>()?;
    let mut closed = 0;
    for row in rows {
        let mut batch = fail_batch("close-stale-payment", &row, PaymentStatus::Expired, now);
        match app.payments.lookup(&payment_key(&row.id)).await? {
            Some(ChargeOutcome::Approved { reference }) => {
                tracing::warn!(order = %row.id, payment = %reference, "charged but the payment hold ran out; recorded as refund_due");
                batch.push(payment_row(app, &row, ChargeStatus::RefundDue, &reference, now));
            }
            Some(ChargeOutcome::Declined { reason }) => {
                batch.push(payment_row(app, &row, ChargeStatus::Declined, &reason, now));
            }
            None => {}
        }
        match batch.run(app.sql.as_ref()).await? {
            Ok(()) => closed += 1,
            Err(Settle::NotPending | Settle::Stock) => {} // settled meanwhile
        }
    }
    Ok(closed)
}

/// Gives back the points an order redeemed (when it is cancelled or its payment fails).
fn refund_points(row: &OrderRow, now: i64) -> Option<Statement> {
    match (&row.customer_id, row.points_redeemed) {
        (Some(customer), p) if p > 0 => Some(ledger::entry(customer, EntryKind::Refund, p, Some(&row.id), "order cancelled", None, now)),
        _ => None,
    }
}

// ---- lifecycle ------------------------------------------------------------------------------

/// Why an order action changed nothing.
#[derive(Clone)]
enum ActWrite {
    /// The order's status is no longer the one read (a concurrent action won), or its hold lapsed.
    Changed,
    /// The store's stock has fewer units than the order holds.
    Stock,
}

/// `POST /api/orders/{id}/{action}`: ready, collected, shipped, delivered (staff) or cancel (staff,
/// or the shopper while the order is not yet collected).
pub async fn act(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath((id, raw_action)): ApiPath<(String, String)>,
) -> Result<Json<OrderView>, ApiError> {
    let action = Action::parse(&raw_action)
        .ok_or_else(|| ApiError::not_found("not_found", "actions are ready, collected, shipped, delivered and cancel"))?;
    let row = visible_order(&app, &session, &id).await?;
    let staff = session.account.as_ref().is_some_and(|a| a.role == Role::Staff);
    if !staff && action != Action::Cancel {
        return Err(ApiError::Forbidden("only store staff can change an order's status".into()));
    }
    let now = app.clock.now().timestamp();
    let current = row.status_at(now);
    let (from, to) = action.from(row.fulfilment);
    if !from.contains(&row.status) || (current == OrderStatus::Expired && action != Action::Cancel) {
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            message: format!("a {} order that is {} cannot be marked {}", row.fulfilment.as_str(), current.as_str(), action.as_str()),
        });
    }
    let actor = if staff { "staff" } else { "customer" };
    let lines = line_rows(app.sql.as_ref(), &id).await?;
    let mut set = format!("status = '{}'", to.as_str());
    let mut batch: Vec<Statement> = Vec::new();
    match action {
        Action::Ready => {
            let until = now + app.config.holds.ready_minutes * 60;
            set.push_str(&format!(", hold_expires_at = {until}"));
            batch.push(crate::db::stock::extend_holds(&id, until));
            // "Ready for pickup" goes out with the change itself (Web Push, if the shopper subscribed).
            let subs = crate::push::subscribers(
                app.sql.as_ref(),
                row.customer_id.as_deref(),
                row.session_id.as_deref(),
                &vitrina_shared::push::Topic::OrderStatus,
            )
            .await?;
            let store_name = match &row.store_id {
                Some(s) => {
                    crate::db::catalog::stores(app.sql.as_ref()).await?.into_iter().find(|x| &x.id == s).map(|x| x.name).unwrap_or_default()
                }
                None => String::new(),
            };
            batch.extend(crate::push::enqueue(&subs, &crate::push::order_ready(&id, &store_name, now), now)?);
        }
        Action::Collected | Action::Delivered => {
            // Two hours later, the NPS question reaches subscribed phones too (the account asks at once).
            let subs = crate::push::subscribers(
                app.sql.as_ref(),
                row.customer_id.as_deref(),
                row.session_id.as_deref(),
                &vitrina_shared::push::Topic::OrderStatus,
            )
            .await?;
            batch.extend(crate::push::enqueue(&subs, &crate::push::nps_question(&id, now), now)?);
            let earned = match &row.customer_id {
                Some(customer) => {
                    let paid = Money::new(
                        row.subtotal.amount - row.discount.amount - loyalty::points_value(row.points_redeemed).amount,
                        row.subtotal.currency,
                    );
                    let base = rust_decimal::Decimal::from(loyalty::points_earned(&app.config.loyalty, paid));
                    let points = i64::try_from((base * row.points_multiplier).floor()).unwrap_or(0);
                    if points > 0 {
                        batch.push(ledger::entry(customer, EntryKind::Earn, points, Some(&id), "", None, now));
                    }
                    points
                }
                None => 0,
            };
            set.push_str(&format!(", fulfilled_at = {now}, points_earned = {earned}, payment_status = '{}'", PaymentStatus::Paid.as_str()));
            if action == Action::Collected {
                batch.push(crate::db::stock::release_holds(&id));
                batch.extend(lines.iter().map(|l| take_held(&l.store, &l.sku, l.qty, now)));
            }
        }
        Action::Shipped => {}
        Action::Cancel => {
            batch.push(crate::db::stock::release_holds(&id));
            // A delivery's units left the shelf when it was placed: they go back.
            if row.fulfilment != FulfilmentKind::Pickup && row.status == OrderStatus::Placed {
                batch.extend(lines.iter().map(|l| put_back(&l.store, &l.sku, l.qty, now)));
            }
            if row.payment_status == PaymentStatus::Paid {
                set.push_str(&format!(", payment_status = '{}'", PaymentStatus::Refunded.as_str()));
                batch.push(Statement::new(
                    "INSERT INTO refunds (id, return_id, order_id, amount_minor, method, created_at) VALUES (?, NULL, ?, ?, ?, ?)",
                    vec![
                        format!("{id}-cancel").into(),
                        id.clone().into(),
                        row.total.minor_units().into(),
                        row.payment_method.as_str().into(),
                        now.into(),
                    ],
                ));
            }
            batch.extend(refund_points(&row, now));
            // A cancelled order gives its offers' uses back.
            batch.push(crate::db::offers::release_redemptions(&id));
        }
    }
    // The status must still be the one read (a concurrent action loses), and a lapsed hold cannot be readied or collected.
    let lapse_guard = if action == Action::Cancel { "" } else { " AND (hold_expires_at IS NULL OR hold_expires_at > ?)" };
    let mut params: Vec<Value> = vec![id.clone().into(), row.status.as_str().into()];
    if action != Action::Cancel {
        params.push(now.into());
    }
    let mut tx = Batch::named("order-action");
    tx.guard(Statement::new(format!("UPDATE orders SET {set} WHERE id = ? AND status = ?{lapse_guard}"), params), ActWrite::Changed);
    tx.push(event(&id, to, now, actor));
    tx.guard_all(batch, ActWrite::Stock);
    match tx.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(ActWrite::Changed) => {
            return Err(ApiError::Conflict { code: "invalid_transition", message: "the order changed meanwhile; reload it".into() })
        }
        Err(ActWrite::Stock) => {
            return Err(ApiError::Conflict {
                code: "stock_mismatch",
                message: "the store's stock record has fewer units than this order holds; correct the stock first".into(),
            })
        }
    }
    let row = order_row(app.sql.as_ref(), &id).await?.ok_or_else(|| StorageError(format!("order {id} vanished")))?;
    Ok(Json(view_of(app.sql.as_ref(), row, now, &session).await?))
}

/// `GET /api/stores/{store}/pickups` (staff): the store's pickup orders to prepare or hand over,
/// and those collected today (store time).
pub async fn pickups(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<Vec<OrderView>>, ApiError> {
    session.require_role(Role::Staff)?;
    let stores = crate::db::catalog::stores(app.sql.as_ref()).await?;
    let store = find_store(&stores, &raw).map_err(|_| {
        ApiError::not_found("unknown_store", format!("there is no store {raw:?}")).with("store", raw.chars().take(64).collect::<String>())
    })?;
    let now = app.clock.now();
    let offset = i64::from(store.utc_offset_minutes) * 60;
    let local_midnight = (now.timestamp() + offset).div_euclid(86_400) * 86_400 - offset;
    let q = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE store_id = ? AND fulfilment = 'pickup'
           AND (status IN ('placed', 'ready_for_pickup') OR (status = 'collected' AND fulfilled_at >= ?))
         ORDER BY created_at LIMIT 500"
    );
    let rows = app.sql.query(&q, vec![store.id.as_str().into(), local_midnight.into()]).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let row = OrderRow::from_row(r)?;
        if row.status_at(now.timestamp()) != OrderStatus::Expired {
            out.push(view_of(app.sql.as_ref(), row, now.timestamp(), &session).await?);
        }
    }
    Ok(Json(out))
}

/// `GET /api/checkout/options`: delivery regions, pickup points, payment methods, and for a
/// signed-in shopper the points this cart can take.
pub async fn options(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<CheckoutOptions>, ApiError> {
    let now = app.clock.now().timestamp();
    let (points_balance, max_redeemable) = match &session.account {
        Some(account) => {
            let (entries, _, _) = ledger::ledger_of(app.sql.as_ref(), &account.id).await?;
            let balance = loyalty::replay(&app.config.loyalty, &entries, now).balance;
            let cart = crate::pricing::priced_view(&app, &session, &session.cart_owner()).await?;
            (Some(balance), Some(balance.min(loyalty::redeem_cap(&app.config.loyalty, cart.total))))
        }
        None => (None, None),
    };
    Ok(Json(CheckoutOptions {
        delivery_regions: delivery_regions(),
        pickup_points: pickup_points(),
        payment_methods: PaymentMethod::AT_CHECKOUT.iter().map(|m| m.as_str().to_owned()).collect(),
        test_provider_notice: crate::payments::TEST_NOTICE.into(),
        reserve_minutes: app.config.holds.reserve_minutes,
        points_balance,
        max_redeemable,
    }))
}
