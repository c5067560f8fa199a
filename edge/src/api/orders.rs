//! Orders: the shopper's orders from every channel, one order, staff actions through the
//! lifecycle, and a store's pickups.

use crate::db::orders;
use crate::db::{catalog, ledger, offers, stock};
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::lookup::store_in;
use crate::notify;
use crate::ordering::{close_stale_payments, refund_points, view_of, visible_order};
use crate::ports::{Statement, StorageError};
use crate::session::Session;
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::{Extension, Json};
use vitrina_shared::account::Role;
use vitrina_shared::api::OrderView;
use vitrina_shared::loyalty::{self, EntryKind};
use vitrina_shared::orders::{Action, FulfilmentKind, OrderStatus, PaymentStatus};
use vitrina_shared::push::Topic;
use vitrina_shared::Money;

/// `GET /api/orders`: the account's orders from every channel (or this guest session's), newest first.
pub async fn list(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Vec<OrderView>>, ApiError> {
    let now = app.clock.now().timestamp();
    close_stale_payments(&app, now).await?;
    let rows = match &session.account {
        Some(a) => orders::orders_of_customer(app.sql.as_ref(), &a.id).await?,
        None => orders::orders_of_guest(app.sql.as_ref(), &session.id).await?,
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(view_of(app.sql.as_ref(), row, now, &session).await?);
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
    let lines = orders::line_rows(app.sql.as_ref(), &id).await?;
    let mut change = orders::Change::default();
    let mut batch: Vec<Statement> = Vec::new();
    match action {
        Action::Ready => {
            let until = now + app.config.holds.ready_minutes * 60;
            change.hold_expires_at = Some(until);
            batch.push(stock::extend_holds(&id, until));
            // "Ready for pickup" goes out with the change itself (Web Push, if the shopper subscribed).
            let subs =
                notify::subscribers(app.sql.as_ref(), row.customer_id.as_deref(), row.session_id.as_deref(), &Topic::OrderStatus).await?;
            let store_name = match &row.store_id {
                Some(s) => catalog::stores(app.sql.as_ref()).await?.into_iter().find(|x| &x.id == s).map(|x| x.name).unwrap_or_default(),
                None => String::new(),
            };
            batch.extend(notify::enqueue(&subs, &notify::order_ready(&id, &store_name, now), now)?);
        }
        Action::Collected | Action::Delivered => {
            // Two hours later, the NPS question reaches subscribed phones too (the account asks at once).
            let subs =
                notify::subscribers(app.sql.as_ref(), row.customer_id.as_deref(), row.session_id.as_deref(), &Topic::OrderStatus).await?;
            batch.extend(notify::enqueue(&subs, &notify::nps_question(&id, now), now)?);
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
            change.fulfilled = Some((now, earned));
            change.payment_status = Some(PaymentStatus::Paid);
            if action == Action::Collected {
                batch.push(stock::release_holds(&id));
                batch.extend(lines.iter().map(|l| stock::take_held(&l.store, &l.sku, l.qty, now)));
            }
        }
        Action::Shipped => {}
        Action::Cancel => {
            batch.push(stock::release_holds(&id));
            // A delivery's units left the shelf when it was placed: they go back.
            if row.fulfilment != FulfilmentKind::Pickup && row.status == OrderStatus::Placed {
                batch.extend(lines.iter().map(|l| stock::put_back(&l.store, &l.sku, l.qty, now)));
            }
            if row.payment_status == PaymentStatus::Paid {
                change.payment_status = Some(PaymentStatus::Refunded);
                batch.push(orders::refund(None, &id, row.total.minor_units(), row.payment_method, now));
            }
            batch.extend(refund_points(&row, now));
            // A cancelled order gives its offers' uses back.
            batch.push(offers::release_redemptions(&id));
        }
    }
    // The status must still be the one read (a concurrent action loses), and a lapsed hold cannot be readied or collected.
    let lapse_at = (action != Action::Cancel).then_some(now);
    let mut tx = Batch::named("order-action");
    tx.guard(orders::transition(&id, row.status, to, change, lapse_at), ActWrite::Changed);
    tx.push(orders::event(&id, to, now, actor));
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
    let row = orders::order_row(app.sql.as_ref(), &id).await?.ok_or_else(|| StorageError(format!("order {id} vanished")))?;
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
    let stores = catalog::stores(app.sql.as_ref()).await?;
    let store = store_in(&stores, &raw).map_err(|_| {
        ApiError::not_found("unknown_store", format!("there is no store {raw:?}")).with("store", raw.chars().take(64).collect::<String>())
    })?;
    let now = app.clock.now();
    let offset = i64::from(store.utc_offset_minutes) * 60;
    let local_midnight = (now.timestamp() + offset).div_euclid(86_400) * 86_400 - offset;
    let rows = orders::pickups(app.sql.as_ref(), &store.id, local_midnight).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if row.status_at(now.timestamp()) != OrderStatus::Expired {
            out.push(view_of(app.sql.as_ref(), row, now.timestamp(), &session).await?);
        }
    }
    Ok(Json(out))
}
