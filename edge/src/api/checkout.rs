//! Checkout: the options, and `POST /api/orders` with `Idempotency-Key`, which turns the cart
//! into an order in one batch (stock holds, points, offer uses, the cart claim) before any
//! payment is attempted, then pays (resuming after a crash without charging twice).

use crate::db::orders::{self, OrderRow, Stored};
use crate::db::{carts, catalog, ledger, new_id, offers, stock};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::lookup::store_in;
use crate::ordering::{close_stale_payments, fail_batch, payment_key, payment_row, view_of, Settle};
use crate::ports::{ChargeOutcome, ChargeRequest, Sql, StorageError};
use crate::pricing;
use crate::session::{RotateTo, Session};
use crate::tx::Batch;
use crate::{AppState, CrashPoint};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use vitrina_shared::account::Channel;
use vitrina_shared::api::{CheckoutOptions, CheckoutRequest, ErrorBody, ErrorResponse, FulfilmentChoice, ParamValue, PaymentChoice};
use vitrina_shared::loyalty::{self, check_redeem, RedeemError};
use vitrina_shared::orders::{
    card_last4, delivery_price, delivery_regions, order_total, parse_idempotency_key, pickup_points, region_for, test_card, Address,
    ChargeStatus, FulfilmentKind, OrderStatus, PaymentMethod, PaymentStatus, IDEMPOTENCY_SECONDS,
};
use vitrina_shared::store::Store;
use vitrina_shared::{Currency, Money, Sku, StoreId};

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
        let stock = stock::stock_for(sql, &line.sku, now).await?;
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
    let stores = catalog::stores(app.sql.as_ref()).await?;
    let ts = now.timestamp();
    Ok(match choice {
        FulfilmentChoice::Pickup { store } => {
            let store = store_in(&stores, store)?;
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
    let stores = catalog::stores(app.sql.as_ref()).await?;
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
        if let Some(row) = orders::order_row(app.sql.as_ref(), &id).await? {
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
    sql.batch(vec![orders::remember(scope, key, status.as_u16(), body)]).await.map(|_| ()).map_err(StorageError::from)
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
    if let Some(stored) = orders::stored_key(app.sql.as_ref(), &scope, &key, now - IDEMPOTENCY_SECONDS).await? {
        return replay(&app, &session, (&scope, &key), stored, &hash, card).await;
    }

    // The cart's state first: checking out a cart that is being paid for, has changed or is empty
    // conflicts with it (409), whatever the request says — unless a request with this same key
    // committed since the look-up above (claiming or emptying the cart): this one is its retry
    // and gets its answer.
    let cart_version = carts::version(app.sql.as_ref(), &scope).await?;
    let cart_lines = carts::lines(app.sql.as_ref(), &scope).await?;
    let conflict = if carts::checkout_order(app.sql.as_ref(), &scope).await?.is_some() {
        Some(checkout_in_progress())
    } else if body.cart_version.is_some_and(|v| v != cart_version) {
        Some(ApiError::Conflict {
            code: "cart_conflict",
            message: "the cart changed (perhaps on another device) since you confirmed it; review it and confirm again".into(),
        })
    } else if cart_lines.is_empty() {
        Some(ApiError::Conflict { code: "cart_empty", message: "the cart is empty; add something first".into() })
    } else {
        None
    };
    if let Some(conflict) = conflict {
        return match orders::stored_key(app.sql.as_ref(), &scope, &key, now - IDEMPOTENCY_SECONDS).await? {
            Some(stored) => replay(&app, &session, (&scope, &key), stored, &hash, card).await,
            None => Err(conflict),
        };
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
        let (product, _) = catalog::product(app.sql.as_ref(), &l.sku, now).await?.ok_or_else(|| {
            unprocessable("unknown_sku", format!("{} is no longer sold; remove it from the cart", l.sku)).with("sku", &l.sku)
        })?;
        items.push(pricing::item(&product, l.qty));
        lines.push(Line {
            sku: l.sku.clone(),
            name: product.name,
            qty: l.qty,
            unit_price: product.price,
            discount: Money::from_minor_units(0, product.price.currency),
        });
    }
    // The same engine and rules as the cart on every channel; the pickup store counts as where the shopper is.
    let book = pricing::book(&app).await?;
    let offer_store = match &body.fulfilment {
        FulfilmentChoice::Pickup { store } => StoreId::parse(store).ok(),
        _ => None,
    };
    let shopper = pricing::session_shopper(&app, &book, &session, offer_store, None).await?;
    let priced = pricing::price(&app, &book, &shopper, &items, false).await?;
    for (line, p) in lines.iter_mut().zip(&priced.lines) {
        line.discount = p.discount;
    }
    for gift in priced.lines.iter().filter(|p| p.gift) {
        let (product, _) = catalog::product(app.sql.as_ref(), &gift.sku, now)
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
    batch.push(orders::prune_keys(now - IDEMPOTENCY_SECONDS));
    batch.guard(orders::claim_key(&scope, &key, &hash, &id, now), Why::Key);
    batch.push(stock::prune_holds(now));
    let customer = session.account.as_ref().map(|a| a.id.clone());
    let address_json = plan.address.as_ref().map(|a| serde_json::to_string(a).unwrap_or_default());
    let contact_json = serde_json::to_string(&contact).unwrap_or_default();
    batch.push(orders::insert(orders::NewOrder {
        id: &id,
        customer_id: customer.as_deref(),
        session_id: &session.id,
        channel: session.channel,
        status,
        fulfilment: plan.kind,
        store_id: plan.store.as_ref(),
        pickup_point: plan.pickup_point.clone(),
        delivery_region: plan.region.clone(),
        address: address_json,
        contact: contact_json,
        payment_method: if online { PaymentMethod::TestCard } else { PaymentMethod::PayOnPickup },
        payment_status: PaymentStatus::Due,
        card_last4: card.as_deref().map(card_last4),
        subtotal,
        delivery: plan.delivery,
        points_redeemed: body.redeem_points,
        total,
        hold_expires_at: if holds_units { Some(held_until) } else { None },
        promised_at: plan.promised_at,
        created_at: now,
        discount,
        offers: serde_json::to_string(&priced.applied).unwrap_or_else(|_| "[]".into()),
        ab_assignments: serde_json::to_string(&priced.assignments).unwrap_or_else(|_| "[]".into()),
        points_multiplier: priced.points_multiplier.to_string(),
    }));
    batch.push(orders::event(&id, status, now, if session.channel == Channel::Kiosk { "kiosk" } else { "customer" }));
    for (i, (line, source)) in lines.iter().zip(&plan.sources).enumerate() {
        batch.push(orders::insert_line(&id, &line.sku, &line.name, line.qty, line.unit_price, source, i, Some(line.discount)));
        let protect = if holds_units {
            stock::hold(&id, source, &line.sku, line.qty, held_until, now)
        } else {
            stock::take(source, &line.sku, line.qty, now)
        };
        batch.guard(protect, Why::Stock(i));
    }
    for (statement, rule) in offers::redemptions(&book, &priced, &id, &shopper.subject(), now) {
        batch.guard(statement, Why::Offer(rule));
    }
    if let (Some(customer), true) = (&customer, body.redeem_points > 0) {
        batch.guard(ledger::redeem(customer, body.redeem_points, &id, last_entry, now), Why::Points);
    }
    // The claim: whatever the payment method, the cart (at the version priced here) belongs to
    // this order before any payment is attempted; a second checkout of it is refused.
    batch.guard(carts::claim(&scope, cart_version, online.then_some(id.as_str()), now), Why::Cart);
    if !online {
        batch.push(carts::clear_lines(&scope));
    }
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(Why::Live) => return Err(ApiError::SessionEnded),
        Err(Why::Key) => {
            let stored = orders::stored_key(app.sql.as_ref(), &scope, &key, now - IDEMPOTENCY_SECONDS)
                .await?
                .ok_or_else(|| StorageError("idempotency key vanished".into()))?;
            return replay(&app, &session, (&scope, &key), stored, &hash, card).await;
        }
        Err(Why::Cart) => {
            if carts::checkout_order(app.sql.as_ref(), &scope).await?.is_some() {
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
            let left = stock::available_at(app.sql.as_ref(), &line.sku, &plan.sources[i], now).await?;
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
    let row = orders::order_row(app.sql.as_ref(), &id).await?.ok_or_else(|| StorageError(format!("order {id} vanished")))?;
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
    let row = orders::order_row(app.sql.as_ref(), &id).await?.ok_or_else(|| StorageError(format!("order {id} vanished")))?;
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
            batch.guard(orders::mark_paid(id, reserve, now), Settle::NotPending);
            batch.push(payment_row(app, row, ChargeStatus::Approved, &reference, now));
            batch.push(orders::event(id, OrderStatus::Placed, now, "system"));
            if let Some(until) = reserve {
                batch.push(stock::extend_holds(id, until));
            } else {
                batch.push(stock::release_holds(id));
                let lines = orders::line_rows(app.sql.as_ref(), id).await?;
                batch.guard_all(lines.iter().map(|l| stock::take_held(&l.store, &l.sku, l.qty, now)), Settle::Stock);
            }
            batch.extend(carts::empty_claimed(id, now));
            match batch.run(app.sql.as_ref()).await? {
                Ok(()) => Ok(Paid::Approved),
                Err(Settle::NotPending | Settle::Stock) => {
                    // Settled by a concurrent retry of the same checkout: the provider charged once.
                    let current = orders::order_row(app.sql.as_ref(), id).await?;
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

/// `GET /api/checkout/options`: delivery regions, pickup points, payment methods, and for a
/// signed-in shopper the points this cart can take.
pub async fn options(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<CheckoutOptions>, ApiError> {
    let now = app.clock.now().timestamp();
    let (points_balance, max_redeemable) = match &session.account {
        Some(account) => {
            let (entries, _, _) = ledger::ledger_of(app.sql.as_ref(), &account.id).await?;
            let balance = loyalty::replay(&app.config.loyalty, &entries, now).balance;
            let cart = pricing::priced_view(&app, &session, &session.cart_owner()).await?;
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
