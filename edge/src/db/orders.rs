//! Orders (from every channel), their lines, events, payments and refunds, returns, NPS answers,
//! and the idempotency keys of checkouts.

use super::parse_currency;
use super::{all, corrupt, exists, first, to_time, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use vitrina_shared::account::Channel;
use vitrina_shared::api::{NpsAnswer, OrderEvent, ReturnLineView, ReturnView};
use vitrina_shared::kpis::Sale;
use vitrina_shared::offers::PastOrder;
use vitrina_shared::orders::{
    effective_status, Address, ChargeStatus, Contact, FulfilmentKind, OrderStatus, PaymentMethod, PaymentStatus, ReturnStatus,
};
use vitrina_shared::{CategoryId, Currency, Money, Sku, StoreId};

/// Orders placed as a guest in session `session` join `customer`'s history.
pub(crate) fn adopt_guest_orders(customer: &str, session: &str) -> Statement {
    Statement::new("UPDATE orders SET customer_id = ? WHERE session_id = ? AND customer_id IS NULL", vec![customer.into(), session.into()])
}

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

impl FromRow for OrderRow {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "customer_id",
        "session_id",
        "channel",
        "status",
        "fulfilment",
        "store_id",
        "pickup_point",
        "delivery_region",
        "address",
        "contact",
        "payment_method",
        "payment_status",
        "card_last4",
        "subtotal_minor",
        "delivery_minor",
        "points_redeemed",
        "total_minor",
        "currency",
        "points_earned",
        "hold_expires_at",
        "promised_at",
        "created_at",
        "fulfilled_at",
        "discount_minor",
        "offers",
        "points_multiplier",
    ];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        let currency = parse_currency(r.text("currency")?)?;
        let money = |name| r.int(name).map(|m| Money::from_minor_units(m, currency));
        let text = |name| r.text(name);
        Ok(OrderRow {
            id: text("id")?.to_owned(),
            customer_id: r.opt_text("customer_id")?.map(str::to_owned),
            session_id: r.opt_text("session_id")?.map(str::to_owned),
            channel: Channel::parse(text("channel")?).ok_or_else(|| corrupt("channel", text("channel").unwrap_or("")))?,
            status: OrderStatus::parse(text("status")?).ok_or_else(|| corrupt("status", text("status").unwrap_or("")))?,
            fulfilment: FulfilmentKind::parse(text("fulfilment")?)
                .ok_or_else(|| corrupt("fulfilment", text("fulfilment").unwrap_or("")))?,
            store_id: r.opt_text("store_id")?.map(StoreId::parse).transpose().map_err(|e| corrupt("store", e))?,
            pickup_point: r.opt_text("pickup_point")?.map(str::to_owned),
            delivery_region: r.opt_text("delivery_region")?.map(str::to_owned),
            address: r.opt_text("address")?.map(serde_json::from_str).transpose().map_err(|e| corrupt("address", e))?,
            contact: serde_json::from_str(text("contact")?).map_err(|e| corrupt("contact", e))?,
            payment_method: PaymentMethod::parse(text("payment_method")?)
                .ok_or_else(|| corrupt("payment_method", text("payment_method").unwrap_or("")))?,
            payment_status: PaymentStatus::parse(text("payment_status")?)
                .ok_or_else(|| corrupt("payment_status", text("payment_status").unwrap_or("")))?,
            card_last4: r.opt_text("card_last4")?.map(str::to_owned),
            subtotal: money("subtotal_minor")?,
            delivery: money("delivery_minor")?,
            points_redeemed: r.int("points_redeemed")?,
            total: money("total_minor")?,
            points_earned: r.int("points_earned")?,
            hold_expires_at: r.opt_int("hold_expires_at")?,
            promised_at: r.opt_int("promised_at")?,
            created_at: r.int("created_at")?,
            fulfilled_at: r.opt_int("fulfilled_at")?,
            discount: money("discount_minor")?,
            offers: serde_json::from_str(text("offers")?).map_err(|e| corrupt("offers", e))?,
            points_multiplier: text("points_multiplier")?.parse().map_err(|e| corrupt("points multiplier", e))?,
        })
    }
}

impl OrderRow {
    pub fn status_at(&self, now: i64) -> OrderStatus {
        effective_status(self.status, self.fulfilment, self.hold_expires_at, now)
    }
}

/// Orders narrowed by `rest` (a WHERE clause, an order, a limit): the SELECT list is [`OrderRow::COLUMNS`].
fn orders_select(rest: &str) -> String {
    format!("SELECT {} FROM orders {rest}", OrderRow::COLUMNS.join(", "))
}

const BY_ID: &str = "WHERE id = ?";

pub(crate) async fn order_row(sql: &dyn Sql, id: &str) -> Result<Option<OrderRow>, StorageError> {
    first(sql, &orders_select(BY_ID), vec![id.into()]).await
}

/// Orders listed per account, newest first.
pub const MAX_LISTED: i64 = 100;

fn listed(filter: &str) -> String {
    format!("WHERE {filter} ORDER BY created_at DESC, id LIMIT {MAX_LISTED}")
}

/// An account's orders from every channel, newest first.
pub(crate) async fn orders_of_customer(sql: &dyn Sql, customer: &str) -> Result<Vec<OrderRow>, StorageError> {
    all(sql, &orders_select(&listed("customer_id = ?")), vec![customer.into()]).await
}

/// A guest session's orders, newest first.
pub(crate) async fn orders_of_guest(sql: &dyn Sql, session: &str) -> Result<Vec<OrderRow>, StorageError> {
    all(sql, &orders_select(&listed("session_id = ? AND customer_id IS NULL")), vec![session.into()]).await
}

const STALE: &str = "WHERE status = 'pending_payment' AND hold_expires_at <= ? ORDER BY hold_expires_at LIMIT 50";

/// Card orders whose payment hold ran out by `now` (at most 50, oldest first).
pub(crate) async fn stale_payments(sql: &dyn Sql, now: i64) -> Result<Vec<OrderRow>, StorageError> {
    all(sql, &orders_select(STALE), vec![now.into()]).await
}

const PICKUPS: &str = "WHERE store_id = ? AND fulfilment = 'pickup'
       AND (status IN ('placed', 'ready_for_pickup') OR (status = 'collected' AND fulfilled_at >= ?))
     ORDER BY created_at LIMIT 500";

/// A store's pickup orders to prepare or hand over, and those collected since `since`.
pub(crate) async fn pickups(sql: &dyn Sql, store: &StoreId, since: i64) -> Result<Vec<OrderRow>, StorageError> {
    all(sql, &orders_select(PICKUPS), vec![store.as_str().into(), since.into()]).await
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

impl FromRow for LineRow {
    const COLUMNS: &'static [&'static str] = &["sku", "name", "qty", "unit_price_minor", "store_id", "returned", "discount_minor"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(LineRow {
            sku: Sku::parse(r.text("sku")?).map_err(|e| corrupt("sku", e))?,
            name: r.text("name")?.to_owned(),
            qty: u32::try_from(r.int("qty")?).unwrap_or(0),
            unit_price: Money::from_minor_units(r.int("unit_price_minor")?, Currency::Rub),
            store: StoreId::parse(r.text("store_id")?).map_err(|e| corrupt("store", e))?,
            returned: u32::try_from(r.int("returned")?).unwrap_or(0),
            discount: Money::from_minor_units(r.int("discount_minor")?, Currency::Rub),
        })
    }
}

const LINES: &str = "SELECT l.sku, l.name, l.qty, l.unit_price_minor, l.store_id,
            COALESCE((SELECT SUM(r.qty) FROM return_lines r WHERE r.order_id = l.order_id AND r.sku = l.sku), 0) AS returned,
            l.discount_minor
     FROM order_lines l WHERE l.order_id = ? ORDER BY l.position";

pub(crate) async fn line_rows(sql: &dyn Sql, order: &str) -> Result<Vec<LineRow>, StorageError> {
    all(sql, LINES, vec![order.into()]).await
}

struct EventRow(OrderEvent);

impl FromRow for EventRow {
    const COLUMNS: &'static [&'static str] = &["status", "at", "actor"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(EventRow(OrderEvent {
            status: OrderStatus::parse(r.text("status")?).ok_or_else(|| corrupt("status", r.text("status").unwrap_or("")))?,
            at: to_time(r.int("at")?),
            by: r.text("actor")?.to_owned(),
        }))
    }
}

const EVENTS: &str = "SELECT status, at, actor FROM order_events WHERE order_id = ? ORDER BY at, rowid";

/// An order's history, oldest first.
pub(crate) async fn events(sql: &dyn Sql, order: &str) -> Result<Vec<OrderEvent>, StorageError> {
    Ok(all::<EventRow>(sql, EVENTS, vec![order.into()]).await?.into_iter().map(|e| e.0).collect())
}

pub(crate) fn event(order: &str, status: OrderStatus, now: i64, actor: &str) -> Statement {
    Statement::new(
        "INSERT INTO order_events (order_id, status, at, actor) VALUES (?, ?, ?, ?)",
        vec![order.into(), status.as_str().into(), now.into(), actor.into()],
    )
}

/// Whether the order's NPS question was answered.
pub(crate) async fn rated(sql: &dyn Sql, order: &str) -> Result<bool, StorageError> {
    exists(sql, "SELECT 1 FROM nps_answers WHERE order_id = ?", vec![order.into()]).await
}

/// An order placed at checkout, as it is stored.
pub(crate) struct NewOrder<'a> {
    pub id: &'a str,
    pub customer_id: Option<&'a str>,
    pub session_id: &'a str,
    pub channel: Channel,
    pub status: OrderStatus,
    pub fulfilment: FulfilmentKind,
    pub store_id: Option<&'a StoreId>,
    pub pickup_point: Option<String>,
    pub delivery_region: Option<String>,
    pub address: Option<String>,
    pub contact: String,
    pub payment_method: PaymentMethod,
    pub payment_status: PaymentStatus,
    pub card_last4: Option<String>,
    pub subtotal: Money,
    pub delivery: Money,
    pub points_redeemed: i64,
    pub total: Money,
    pub hold_expires_at: Option<i64>,
    pub promised_at: Option<i64>,
    pub created_at: i64,
    pub discount: Money,
    pub offers: String,
    pub ab_assignments: String,
    pub points_multiplier: String,
}

pub(crate) fn insert(o: NewOrder<'_>) -> Statement {
    Statement::new(
        "INSERT INTO orders (id, customer_id, session_id, channel, status, fulfilment, store_id, pickup_point, delivery_region, address,
            contact, payment_method, payment_status, card_last4, subtotal_minor, delivery_minor, points_redeemed, total_minor, currency,
            hold_expires_at, promised_at, created_at, discount_minor, offers, ab_assignments, points_multiplier)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            o.id.into(),
            o.customer_id.into(),
            o.session_id.into(),
            o.channel.as_str().into(),
            o.status.as_str().into(),
            o.fulfilment.as_str().into(),
            o.store_id.map(|s| s.as_str().to_owned()).into(),
            o.pickup_point.into(),
            o.delivery_region.into(),
            o.address.into(),
            o.contact.into(),
            o.payment_method.as_str().into(),
            o.payment_status.as_str().into(),
            o.card_last4.into(),
            o.subtotal.minor_units().into(),
            o.delivery.minor_units().into(),
            o.points_redeemed.into(),
            o.total.minor_units().into(),
            o.total.currency.code().into(),
            o.hold_expires_at.into(),
            o.promised_at.into(),
            o.created_at.into(),
            o.discount.minor_units().into(),
            o.offers.into(),
            o.ab_assignments.into(),
            o.points_multiplier.into(),
        ],
    )
}

/// A line of an order: `qty` of `sku` at `unit_price`, from `store`, less `discount` (a till
/// sale's lines have none stored).
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_line(
    order: &str,
    sku: &Sku,
    name: &str,
    qty: u32,
    unit_price: Money,
    store: &StoreId,
    position: usize,
    discount: Option<Money>,
) -> Statement {
    let mut params: Vec<Value> = vec![
        order.into(),
        sku.as_str().into(),
        name.into(),
        qty.into(),
        unit_price.minor_units().into(),
        store.as_str().into(),
        (position as i64).into(),
    ];
    match discount {
        Some(d) => {
            params.push(d.minor_units().into());
            Statement::new(
                "INSERT INTO order_lines (order_id, sku, name, qty, unit_price_minor, store_id, position, discount_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                params,
            )
        }
        None => Statement::new(
            "INSERT INTO order_lines (order_id, sku, name, qty, unit_price_minor, store_id, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
            params,
        ),
    }
}

/// A till sale recorded as a completed order, unless the store's receipt is on record (guard it).
pub(crate) struct TillSale<'a> {
    pub id: &'a str,
    pub customer_id: Option<&'a str>,
    pub store_id: &'a StoreId,
    pub contact: String,
    pub payment_method: PaymentMethod,
    pub subtotal_minor: i64,
    pub points_earned: i64,
    pub receipt: &'a str,
    pub now: i64,
}

pub(crate) fn insert_till_sale(t: TillSale<'_>) -> Statement {
    Statement::new(
        "INSERT OR IGNORE INTO orders (id, customer_id, session_id, channel, status, fulfilment, store_id, contact, payment_method,
            payment_status, subtotal_minor, delivery_minor, points_redeemed, total_minor, currency, points_earned, receipt_id,
            created_at, fulfilled_at)
         VALUES (?, ?, NULL, 'pos', 'completed', 'in_store', ?, ?, ?, ?, ?, 0, 0, ?, 'RUB', ?, ?, ?, ?)",
        vec![
            t.id.into(),
            t.customer_id.into(),
            t.store_id.as_str().into(),
            t.contact.into(),
            t.payment_method.as_str().into(),
            PaymentStatus::Paid.as_str().into(),
            t.subtotal_minor.into(),
            t.subtotal_minor.into(),
            t.points_earned.into(),
            t.receipt.into(),
            t.now.into(),
            t.now.into(),
        ],
    )
}

/// Whether a store's till receipt is recorded.
pub(crate) async fn receipt_recorded(sql: &dyn Sql, store: &StoreId, receipt: &str) -> Result<bool, StorageError> {
    exists(sql, "SELECT 1 FROM orders WHERE store_id = ? AND receipt_id = ?", vec![store.as_str().into(), receipt.into()]).await
}

/// What a lifecycle action changes of an order besides its status.
#[derive(Debug, Default)]
pub(crate) struct Change {
    pub hold_expires_at: Option<i64>,
    /// Fulfilled at this time, with the points it earned.
    pub fulfilled: Option<(i64, i64)>,
    pub payment_status: Option<PaymentStatus>,
}

/// Moves order `id` from status `from` to `to` with `change`, only while its status is still
/// `from` and, when `lapse_at` is given, its hold has not lapsed by then (guard it).
pub(crate) fn transition(id: &str, from: OrderStatus, to: OrderStatus, change: Change, lapse_at: Option<i64>) -> Statement {
    let mut set = vec!["status = ?"];
    let mut params: Vec<Value> = vec![to.as_str().into()];
    if let Some(until) = change.hold_expires_at {
        set.push("hold_expires_at = ?");
        params.push(until.into());
    }
    if let Some((at, earned)) = change.fulfilled {
        set.extend(["fulfilled_at = ?", "points_earned = ?"]);
        params.extend([at.into(), earned.into()]);
    }
    if let Some(status) = change.payment_status {
        set.push("payment_status = ?");
        params.push(status.as_str().into());
    }
    params.extend([id.into(), from.as_str().into()]);
    let lapse = match lapse_at {
        Some(at) => {
            params.push(at.into());
            " AND (hold_expires_at IS NULL OR hold_expires_at > ?)"
        }
        None => "",
    };
    Statement::new(format!("UPDATE orders SET {} WHERE id = ? AND status = ?{lapse}", set.join(", ")), params)
}

/// A pending card order becomes placed and paid, its hold now `reserve`, while its payment hold
/// runs at `now` (guard it).
pub(crate) fn mark_paid(id: &str, reserve: Option<i64>, now: i64) -> Statement {
    Statement::new(
        "UPDATE orders SET status = ?, payment_status = ?, hold_expires_at = ?
         WHERE id = ? AND status = 'pending_payment' AND hold_expires_at > ?",
        vec![OrderStatus::Placed.as_str().into(), PaymentStatus::Paid.as_str().into(), reserve.into(), id.into(), now.into()],
    )
}

/// A pending order is closed as `payment_failed` with `payment_status`, only while still pending (guard it).
pub(crate) fn mark_payment_failed(id: &str, payment_status: PaymentStatus) -> Statement {
    Statement::new(
        "UPDATE orders SET status = ?, payment_status = ?, hold_expires_at = NULL WHERE id = ? AND status = 'pending_payment'",
        vec![OrderStatus::PaymentFailed.as_str().into(), payment_status.as_str().into(), id.into()],
    )
}

/// A payment record of an order.
pub(crate) fn payment(order: &str, provider: &str, amount: Money, status: ChargeStatus, reference: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO payments (id, order_id, provider, amount_minor, status, reference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![
            format!("{order}-pay").into(),
            order.into(),
            provider.into(),
            amount.minor_units().into(),
            status.as_str().into(),
            reference.into(),
            now.into(),
        ],
    )
}

/// A refund: of a whole order (`return_id` `None`, id `<order>-cancel`) or of a return (id `<return>-refund`).
pub(crate) fn refund(return_id: Option<&str>, order: &str, amount_minor: i64, method: PaymentMethod, now: i64) -> Statement {
    let id = match return_id {
        Some(r) => format!("{r}-refund"),
        None => format!("{order}-cancel"),
    };
    Statement::new(
        "INSERT INTO refunds (id, return_id, order_id, amount_minor, method, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        vec![id.into(), return_id.into(), order.into(), amount_minor.into(), method.as_str().into(), now.into()],
    )
}

// ---- idempotency keys -----------------------------------------------------------------------

/// A stored answer to an idempotent request.
pub(crate) struct Stored {
    pub hash: String,
    pub order_id: Option<String>,
    pub status: Option<i64>,
    pub response: Option<String>,
}

impl FromRow for Stored {
    const COLUMNS: &'static [&'static str] = &["request_hash", "order_id", "status", "response"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Stored {
            hash: r.text("request_hash")?.to_owned(),
            order_id: r.opt_text("order_id")?.map(str::to_owned),
            status: r.opt_int("status")?,
            response: r.opt_text("response")?.map(str::to_owned),
        })
    }
}

const STORED_KEY: &str =
    "SELECT request_hash, order_id, status, response FROM idempotency_keys WHERE scope = ? AND key = ? AND created_at > ?";

/// What is stored under a key used since `since`.
pub(crate) async fn stored_key(sql: &dyn Sql, scope: &str, key: &str, since: i64) -> Result<Option<Stored>, StorageError> {
    first(sql, STORED_KEY, vec![scope.into(), key.into(), since.into()]).await
}

/// Deletes keys created at or before `until`.
pub(crate) fn prune_keys(until: i64) -> Statement {
    Statement::new("DELETE FROM idempotency_keys WHERE created_at <= ?", vec![until.into()])
}

/// Records a key for `order`, unless it is recorded (guard it).
pub(crate) fn claim_key(scope: &str, key: &str, hash: &str, order: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO idempotency_keys (scope, key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (scope, key) DO NOTHING",
        vec![scope.into(), key.into(), hash.into(), order.into(), now.into()],
    )
}

/// Stores the answer given under a key.
pub(crate) fn remember(scope: &str, key: &str, status: u16, body: &str) -> Statement {
    Statement::new(
        "UPDATE idempotency_keys SET status = ?, response = ? WHERE scope = ? AND key = ?",
        vec![i64::from(status).into(), body.into(), scope.into(), key.into()],
    )
}

// ---- returns --------------------------------------------------------------------------------

struct ReturnLineRow(ReturnLineView);

impl FromRow for ReturnLineRow {
    const COLUMNS: &'static [&'static str] = &["sku", "qty"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(ReturnLineRow(ReturnLineView {
            sku: Sku::parse(r.text("sku")?).map_err(|e| corrupt("sku", e))?,
            qty: u32::try_from(r.int("qty")?).unwrap_or(0),
        }))
    }
}

const RETURN_LINES: &str = "SELECT sku, qty FROM return_lines WHERE return_id = ? ORDER BY sku";

/// The lines of a return.
pub(crate) async fn return_lines(sql: &dyn Sql, return_id: &str) -> Result<Vec<ReturnLineView>, StorageError> {
    Ok(all::<ReturnLineRow>(sql, RETURN_LINES, vec![return_id.into()]).await?.into_iter().map(|l| l.0).collect())
}

/// A return as stored.
pub(crate) struct ReturnRow {
    pub id: String,
    pub order_id: String,
    pub status: ReturnStatus,
    pub store: StoreId,
    pub refund_minor: i64,
    pub points_refunded: i64,
    pub points_reversed: i64,
    pub reason: String,
    pub created_at: i64,
    pub received_at: Option<i64>,
}

impl FromRow for ReturnRow {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "order_id",
        "status",
        "store_id",
        "refund_minor",
        "points_refunded",
        "points_reversed",
        "reason",
        "created_at",
        "received_at",
    ];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(ReturnRow {
            id: r.text("id")?.to_owned(),
            order_id: r.text("order_id")?.to_owned(),
            status: ReturnStatus::parse(r.text("status")?).ok_or_else(|| corrupt("return status", r.text("status").unwrap_or("")))?,
            store: StoreId::parse(r.text("store_id")?).map_err(|e| corrupt("store", e))?,
            refund_minor: r.int("refund_minor")?,
            points_refunded: r.int("points_refunded")?,
            points_reversed: r.int("points_reversed")?,
            reason: r.text("reason")?.to_owned(),
            created_at: r.int("created_at")?,
            received_at: r.opt_int("received_at")?,
        })
    }
}

fn returns_select(filter: &str) -> String {
    format!("SELECT {} FROM returns {filter}", ReturnRow::COLUMNS.join(", "))
}

const RETURNS_OF: &str = "WHERE order_id = ? ORDER BY created_at, id";

/// The returns of an order, oldest first, with their lines.
pub(crate) async fn returns_of(sql: &dyn Sql, order: &str) -> Result<Vec<ReturnView>, StorageError> {
    let rows: Vec<ReturnRow> = all(sql, &returns_select(RETURNS_OF), vec![order.into()]).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let lines = return_lines(sql, &r.id).await?;
        out.push(ReturnView {
            id: r.id,
            order_id: r.order_id,
            status: r.status.as_str().to_owned(),
            store: r.store,
            lines,
            refund: Money::from_minor_units(r.refund_minor, Currency::Rub),
            points_refunded: r.points_refunded,
            points_reversed: r.points_reversed,
            reason: r.reason,
            created_at: to_time(r.created_at),
            received_at: r.received_at.map(to_time),
        });
    }
    Ok(out)
}

/// Return `id`, if it exists.
pub(crate) async fn return_row(sql: &dyn Sql, id: &str) -> Result<Option<ReturnRow>, StorageError> {
    first(sql, &returns_select(BY_ID), vec![id.into()]).await
}

struct PointsReturned(i64, i64);

impl FromRow for PointsReturned {
    const COLUMNS: &'static [&'static str] = &["points_refunded", "points_reversed"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(PointsReturned(r.int("points_refunded")?, r.int("points_reversed")?))
    }
}

const POINTS_RETURNED: &str =
    "SELECT COALESCE(SUM(points_refunded), 0) AS points_refunded, COALESCE(SUM(points_reversed), 0) AS points_reversed
     FROM returns WHERE order_id = ?";

/// The points the order's returns so far gave back (refunded) and took back (reversed).
pub(crate) async fn points_returned(sql: &dyn Sql, order: &str) -> Result<(i64, i64), StorageError> {
    Ok(first::<PointsReturned>(sql, POINTS_RETURNED, vec![order.into()]).await?.map_or((0, 0), |p| (p.0, p.1)))
}

/// A new return of an order.
pub(crate) struct NewReturn<'a> {
    pub id: &'a str,
    pub order_id: &'a str,
    pub store: &'a StoreId,
    pub status: ReturnStatus,
    pub reason: &'a str,
    pub refund_minor: i64,
    pub points_refunded: i64,
    pub points_reversed: i64,
    pub created_by: &'a str,
    pub now: i64,
    pub received_at: Option<i64>,
}

pub(crate) fn insert_return(r: NewReturn<'_>) -> Statement {
    Statement::new(
        "INSERT INTO returns (id, order_id, store_id, status, reason, refund_minor, points_refunded, points_reversed, created_by, created_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            r.id.into(),
            r.order_id.into(),
            r.store.as_str().into(),
            r.status.as_str().into(),
            r.reason.into(),
            r.refund_minor.into(),
            r.points_refunded.into(),
            r.points_reversed.into(),
            r.created_by.into(),
            r.now.into(),
            r.received_at.into(),
        ],
    )
}

/// A line of return `id`, never more back than was bought, counting every other return of the order (guard it).
pub(crate) fn insert_return_line(id: &str, order: &str, sku: &Sku, qty: u32) -> Statement {
    Statement::new(
        "INSERT INTO return_lines (return_id, order_id, sku, qty)
         SELECT ?, ?, ?, ? WHERE (SELECT qty FROM order_lines WHERE order_id = ? AND sku = ?)
             - COALESCE((SELECT SUM(qty) FROM return_lines WHERE order_id = ? AND sku = ?), 0) >= ?",
        vec![
            id.into(),
            order.into(),
            sku.as_str().into(),
            qty.into(),
            order.into(),
            sku.as_str().into(),
            order.into(),
            sku.as_str().into(),
            qty.into(),
        ],
    )
}

/// A requested return is received at `now`, only while still requested (guard it).
pub(crate) fn receive_return(id: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE returns SET status = ?, received_at = ? WHERE id = ? AND status = ?",
        vec![ReturnStatus::Received.as_str().into(), now.into(), id.into(), ReturnStatus::Requested.as_str().into()],
    )
}

/// An NPS answer for an order, unless it was answered (guard it).
pub(crate) fn answer_nps(order: &str, customer: Option<&str>, score: u8, reason: Option<&str>, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO nps_answers (order_id, customer_id, score, reason, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING",
        vec![order.into(), customer.into(), i64::from(score).into(), reason.into(), now.into()],
    )
}

/// The SQL predicate "the order in `status_column` counts as a purchase", rendered from
/// [`OrderStatus::NOT_COUNTING`] (the one definition of which orders count):
/// `status NOT IN ('cancelled', 'payment_failed', 'pending_payment')`.
pub(crate) fn counting_orders(status_column: &str) -> String {
    let listed: Vec<String> = OrderStatus::NOT_COUNTING.iter().map(|s| format!("'{}'", s.as_str())).collect();
    format!("{status_column} NOT IN ({})", listed.join(", "))
}

struct PastOrderRow(PastOrder);

impl FromRow for PastOrderRow {
    const COLUMNS: &'static [&'static str] = &["created_at", "goods_minor", "categories"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(PastOrderRow(PastOrder {
            at: to_time(row.int("created_at")?),
            total: Money::from_minor_units(row.int("goods_minor")?, Currency::Rub),
            categories: row.opt_text("categories")?.unwrap_or("").split(',').filter_map(|c| CategoryId::parse(c).ok()).collect(),
        }))
    }
}

fn purchase_history_select() -> String {
    format!(
        "SELECT o.created_at, o.total_minor - o.delivery_minor AS goods_minor, GROUP_CONCAT(DISTINCT p.category_id) AS categories
         FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.sku = l.sku
         WHERE o.customer_id = ? AND {}
         GROUP BY o.id ORDER BY o.created_at DESC LIMIT 1000",
        counting_orders("o.status")
    )
}

/// A customer's orders that count as purchases (not cancelled, failed or awaiting payment), with
/// the categories bought in each.
pub(crate) async fn purchase_history(sql: &dyn Sql, customer: &str) -> Result<Vec<PastOrder>, StorageError> {
    Ok(all::<PastOrderRow>(sql, &purchase_history_select(), vec![customer.into()]).await?.into_iter().map(|p| p.0).collect())
}

struct SaleRow(Sale);

impl FromRow for SaleRow {
    const COLUMNS: &'static [&'static str] = &["customer_id", "created_at", "goods_minor", "discount_minor"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(SaleRow(Sale {
            customer: row.opt_text("customer_id")?.map(str::to_owned),
            at: row.int("created_at")?,
            goods_minor: row.int("goods_minor")?,
            offer_discount_minor: row.int("discount_minor")?,
        }))
    }
}

fn sales_select() -> String {
    format!(
        "SELECT customer_id, created_at, subtotal_minor - discount_minor AS goods_minor, discount_minor FROM orders
         WHERE {} AND created_at >= ? AND created_at < ?",
        counting_orders("status")
    )
}

/// The purchases made in [`from`, `to`).
pub(crate) async fn sales(sql: &dyn Sql, from: i64, to: i64) -> Result<Vec<Sale>, StorageError> {
    Ok(all::<SaleRow>(sql, &sales_select(), vec![from.into(), to.into()]).await?.into_iter().map(|s| s.0).collect())
}

struct Score(i64, u8);

impl FromRow for Score {
    const COLUMNS: &'static [&'static str] = &["created_at", "score"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Score(row.int("created_at")?, u8::try_from(row.int("score")?).unwrap_or(0)))
    }
}

const SCORES_BETWEEN: &str = "SELECT created_at, score FROM nps_answers WHERE created_at >= ? AND created_at < ?";

/// The NPS scores given in [`from`, `to`), with when.
pub(crate) async fn nps_between(sql: &dyn Sql, from: i64, to: i64) -> Result<Vec<(i64, u8)>, StorageError> {
    Ok(all::<Score>(sql, SCORES_BETWEEN, vec![from.into(), to.into()]).await?.into_iter().map(|s| (s.0, s.1)).collect())
}

struct ScoreOnly(u8);

impl FromRow for ScoreOnly {
    const COLUMNS: &'static [&'static str] = &["score"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(ScoreOnly(u8::try_from(row.int("score")?).unwrap_or(0)))
    }
}

const SCORES: &str = "SELECT score FROM nps_answers";

/// Every NPS score given.
pub(crate) async fn nps_scores(sql: &dyn Sql) -> Result<Vec<u8>, StorageError> {
    Ok(all::<ScoreOnly>(sql, SCORES, vec![]).await?.into_iter().map(|s| s.0).collect())
}

struct AnswerRow(NpsAnswer);

impl FromRow for AnswerRow {
    const COLUMNS: &'static [&'static str] = &["order_id", "score", "reason", "created_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(AnswerRow(NpsAnswer {
            order_id: row.text("order_id")?.to_owned(),
            score: u8::try_from(row.int("score")?).unwrap_or(0),
            reason: row.opt_text("reason")?.map(str::to_owned),
            at: to_time(row.int("created_at")?),
        }))
    }
}

const RECENT_ANSWERS: &str = "SELECT order_id, score, reason, created_at FROM nps_answers ORDER BY created_at DESC, order_id LIMIT 50";

/// The latest 50 NPS answers.
pub(crate) async fn recent_nps_answers(sql: &dyn Sql) -> Result<Vec<NpsAnswer>, StorageError> {
    Ok(all::<AnswerRow>(sql, RECENT_ANSWERS, vec![]).await?.into_iter().map(|a| a.0).collect())
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![
        checked::<PastOrderRow>(purchase_history_select()),
        checked::<SaleRow>(sales_select()),
        checked::<Score>(SCORES_BETWEEN),
        checked::<ScoreOnly>(SCORES),
        checked::<AnswerRow>(RECENT_ANSWERS),
    ]
}

#[cfg(test)]
mod tests {
    use super::counting_orders;

    #[test]
    fn the_counting_orders_predicate_leaves_out_cancelled_failed_and_unpaid_orders() {
        assert_eq!(counting_orders("o.status"), "o.status NOT IN ('cancelled', 'payment_failed', 'pending_payment')");
    }
}
