//! Orders as shoppers and staff see them, below the handlers: who may see an order, its full
//! view, and closing card payments that never got an answer (on checkout, order reads and the
//! dispatcher tick).

use crate::db::orders::{self, OrderRow};
use crate::db::{carts, ledger, offers, stock, to_time};
use crate::error::ApiError;
use crate::ports::{ChargeOutcome, Sql, Statement, StorageError};
use crate::session::Session;
use crate::tx::Batch;
use crate::AppState;
use vitrina_shared::account::Role;
use vitrina_shared::api::{OrderLineView, OrderView, PaymentView};
use vitrina_shared::loyalty::EntryKind;
use vitrina_shared::orders::{ChargeStatus, OrderStatus, PaymentMethod, PaymentStatus};
use vitrina_shared::Money;

/// Whether the session's shopper owns the order (the account, or the guest session that placed it).
pub(crate) fn owned_by(row: &OrderRow, session: &Session) -> bool {
    match (&session.account, &row.customer_id) {
        (Some(a), Some(c)) => &a.id == c,
        (None, None) => row.session_id.as_deref() == Some(session.id.as_str()),
        _ => false,
    }
}

/// The full view of a stored order at `now`.
pub(crate) async fn view_of(sql: &dyn Sql, row: OrderRow, now: i64, session: &Session) -> Result<OrderView, StorageError> {
    let lines = orders::line_rows(sql, &row.id).await?;
    let history = orders::events(sql, &row.id).await?;
    let returns = orders::returns_of(sql, &row.id).await?;
    let status = row.status_at(now);
    let rated = orders::rated(sql, &row.id).await?;
    let owner = owned_by(&row, session);
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
    let row = orders::order_row(app.sql.as_ref(), id).await?.ok_or_else(not_found)?;
    let staff = session.account.as_ref().is_some_and(|a| a.role == Role::Staff);
    if staff || owned_by(&row, session) {
        Ok(row)
    } else {
        Err(not_found())
    }
}

/// The key the provider charges an order under: one charge per order, and one order per
/// checkout `Idempotency-Key` (the key row names the order it created).
pub(crate) fn payment_key(order: &str) -> String {
    format!("order-{order}")
}

/// The record of what the provider answered for an order's payment.
pub(crate) fn payment_row(app: &AppState, row: &OrderRow, status: ChargeStatus, reference: &str, now: i64) -> Statement {
    orders::payment(&row.id, app.payments.name(), row.total, status, reference, now)
}

/// Why settling a card payment changed nothing.
#[derive(Clone)]
pub(crate) enum Settle {
    /// The order no longer waits for this payment (settled by a concurrent retry, cancelled, or its hold ran out).
    NotPending,
    /// The store's stock has fewer units than the order held.
    Stock,
}

/// Closes a pending order as `payment_failed` (guarded: only while it is still pending) and gives
/// back everything it held: stock holds, offer uses, redeemed points and the cart claim.
pub(crate) fn fail_batch(name: &'static str, row: &OrderRow, payment_status: PaymentStatus, now: i64) -> Batch<Settle> {
    let id = row.id.as_str();
    let mut batch = Batch::named(name);
    batch.guard(orders::mark_payment_failed(id, payment_status), Settle::NotPending);
    batch.push(orders::event(id, OrderStatus::PaymentFailed, now, "system"));
    batch.push(stock::release_holds(id));
    batch.push(offers::release_redemptions(id));
    batch.push(carts::release_claim(id, now));
    batch.extend(refund_points(row, now));
    batch
}

/// Closes card orders whose payment hold ran out without an answer (a crash, a lost connection):
/// each becomes `payment_failed` and releases what it held. If the provider did charge meanwhile,
/// the payment is recorded as `refund_due` and logged. Runs lazily (on checkout and when orders
/// are read) and on the dispatcher tick; no daemon of its own.
pub(crate) async fn close_stale_payments(app: &AppState, now: i64) -> Result<usize, StorageError> {
    let rows = orders::stale_payments(app.sql.as_ref(), now).await?;
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
pub(crate) fn refund_points(row: &OrderRow, now: i64) -> Option<Statement> {
    match (&row.customer_id, row.points_redeemed) {
        (Some(customer), p) if p > 0 => Some(ledger::entry(customer, EntryKind::Refund, p, Some(&row.id), "order cancelled", None, now)),
        _ => None,
    }
}
