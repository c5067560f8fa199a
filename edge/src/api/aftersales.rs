//! After the sale: returns through any channel, till sales into the one history, the loyalty
//! ledger and NPS answers.

use crate::db::orders::{self, OrderRow};
use crate::db::{catalog, customers, ledger, new_id, stock, to_time};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::lookup::{find_customer, known_store};
use crate::ordering::{owned_by, view_of, visible_order};
use crate::ports::{Sql, Statement, StorageError};
use crate::session::Session;
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use std::collections::HashSet;
use vitrina_shared::account::Role;
use vitrina_shared::api::{
    ExpiringPoints, LedgerEntryView, LoyaltyAdjustment, LoyaltyView, NpsAnswer, NpsRequest, OrderView, PosSaleRequest, ReturnRequest,
    ReturnView,
};
use vitrina_shared::loyalty::{self, card_number, EntryKind};
use vitrina_shared::nps::{parse_reason, parse_score};
use vitrina_shared::orders::{OrderStatus, PaymentMethod, ReturnStatus, RETURN_DAYS};
use vitrina_shared::{Money, Sku, StoreId};

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable { code, message: message.into() }
}

/// `share` of `total` for `part` out of `whole`, rounded down, with the remainder going to the
/// part that completes the whole (so the shares of a full return add up exactly).
fn share(total: i64, part: i64, whole: i64, already: i64, completes: bool) -> i64 {
    if whole <= 0 || total <= 0 {
        0
    } else if completes {
        total - already
    } else {
        (i128::from(total) * i128::from(part) / i128::from(whole)) as i64
    }
}

/// What a return gives back.
struct Refund {
    money_minor: i64,
    points_refunded: i64,
    points_reversed: i64,
}

/// The statements that complete a received return: units back on the receiving store's shelf,
/// the refund record, and the points (redeemed share given back, earned share taken back).
fn receive_statements(
    order: &OrderRow,
    return_id: &str,
    store: &StoreId,
    lines: &[(Sku, u32)],
    refund: &Refund,
    now: i64,
) -> Vec<Statement> {
    let mut out: Vec<Statement> = lines.iter().map(|(sku, qty)| stock::put_back(store, sku, *qty, now)).collect();
    out.push(orders::refund(Some(return_id), &order.id, refund.money_minor, order.payment_method, now));
    if let Some(customer) = &order.customer_id {
        if refund.points_refunded > 0 {
            out.push(ledger::entry(customer, EntryKind::Refund, refund.points_refunded, Some(&order.id), "return", None, now));
        }
        if refund.points_reversed > 0 {
            out.push(ledger::entry(customer, EntryKind::Reverse, -refund.points_reversed, Some(&order.id), "return", None, now));
        }
    }
    out
}

#[derive(Debug, Clone)]
enum ReturnGuard {
    Line(Sku),
}

/// Why receiving a return changed nothing: it was received already.
struct AlreadyReceived;

/// Why an NPS answer was not stored: the order was rated already.
struct AlreadyAnswered;

/// `POST /api/returns`: staff receive goods now (stock back, refund, points); a shopper requests a
/// return of their own order within [`RETURN_DAYS`] days, completed when a store receives it.
pub async fn create_return(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<ReturnRequest>,
) -> Result<(StatusCode, Json<ReturnView>), ApiError> {
    let staff = session.account.as_ref().is_some_and(|a| a.role == Role::Staff);
    let order = visible_order(&app, &session, &body.order_id).await?;
    let now = app.clock.now().timestamp();
    let status = order.status_at(now);
    if !status.is_fulfilled() {
        return Err(ApiError::Conflict {
            code: "not_returnable",
            message: format!(
                "order {} is {}; only collected, delivered or till orders can be returned (cancel it instead)",
                order.id,
                status.as_str()
            ),
        });
    }
    if !staff && order.fulfilled_at.is_some_and(|t| now - t > RETURN_DAYS * 86_400) {
        return Err(unprocessable(
            "return_window_closed",
            format!("returns are accepted within {RETURN_DAYS} days; for a faulty product, bring it to a store"),
        )
        .with("days", RETURN_DAYS));
    }
    let store = known_store(app.sql.as_ref(), &body.store).await?;
    let reason = body.reason.trim();
    if reason.chars().count() > 500 || reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(unprocessable("invalid_reason", "the reason has at most 500 characters").with("max", 500));
    }
    if body.lines.is_empty() || body.lines.len() > 50 {
        return Err(unprocessable("invalid_lines", "a return names 1 to 50 lines").with("max", 50));
    }
    let bought = orders::line_rows(app.sql.as_ref(), &order.id).await?;
    let mut seen = HashSet::new();
    let mut lines: Vec<(Sku, u32)> = Vec::new();
    let mut value_minor = 0_i64;
    for l in &body.lines {
        let sku = Sku::parse(&l.sku)
            .map_err(|e| unprocessable("invalid_sku", e.to_string()).with("sku", l.sku.chars().take(64).collect::<String>()))?;
        if !seen.insert(sku.clone()) {
            return Err(unprocessable("duplicate_sku", format!("{sku} appears twice in the return")).with("sku", &sku));
        }
        let line = bought
            .iter()
            .find(|b| b.sku == sku)
            .ok_or_else(|| unprocessable("not_in_order", format!("{sku} is not in order {}", order.id)).with("sku", &sku))?;
        if l.qty <= 0 {
            return Err(unprocessable("negative_quantity", format!("the quantity of {sku} to return must be 1 or more")).with("sku", &sku));
        }
        let left = line.qty.saturating_sub(line.returned);
        let qty = u32::try_from(l.qty).ok().filter(|q| *q <= left).ok_or_else(|| {
            unprocessable("more_than_bought", format!("{left} of {sku} can still be returned from order {}", order.id))
                .with("sku", &sku)
                .with("left", left)
        })?;
        // What was charged for these units: the line's net total, pro rata.
        let net = line.unit_price.minor_units() * i64::from(line.qty) - line.discount.minor_units();
        value_minor += net * i64::from(qty) / i64::from(line.qty.max(1));
        lines.push((sku, qty));
    }
    // Shares of the order's points; the return that completes the order takes the remainder.
    let (done_refunded, done_reversed) = orders::points_returned(app.sql.as_ref(), &order.id).await?;
    let completes = bought.iter().all(|b| {
        let now_returned = lines.iter().find(|(s, _)| *s == b.sku).map_or(0, |(_, q)| *q);
        b.returned + now_returned == b.qty
    });
    let subtotal = order.subtotal.minor_units() - order.discount.minor_units();
    let points_refunded = share(order.points_redeemed, value_minor, subtotal, done_refunded, completes);
    let points_reversed = share(order.points_earned, value_minor, subtotal, done_reversed, completes);
    let refund = Refund { money_minor: (value_minor - points_refunded * 100).max(0), points_refunded, points_reversed };

    let id = new_id('R')?;
    let received = staff;
    let actor = if staff { "staff" } else { "customer" };
    let mut batch = Batch::named("create-return");
    batch.push(orders::insert_return(orders::NewReturn {
        id: &id,
        order_id: &order.id,
        store: &store,
        status: if received { ReturnStatus::Received } else { ReturnStatus::Requested },
        reason,
        refund_minor: refund.money_minor,
        points_refunded: refund.points_refunded,
        points_reversed: refund.points_reversed,
        created_by: actor,
        now,
        received_at: if received { Some(now) } else { None },
    }));
    for (sku, qty) in &lines {
        // Never more back than was bought, counting every other return of this order.
        batch.guard(orders::insert_return_line(&id, &order.id, sku, *qty), ReturnGuard::Line(sku.clone()));
    }
    if received {
        batch.extend(receive_statements(&order, &id, &store, &lines, &refund, now));
    }
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(ReturnGuard::Line(sku)) => {
            return Err(ApiError::Conflict { code: "already_returned", message: format!("{sku} from this order was returned meanwhile") }
                .with("sku", &sku))
        }
    }
    let view = return_view(app.sql.as_ref(), &order.id, &id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn return_view(sql: &dyn Sql, order: &str, id: &str) -> Result<ReturnView, ApiError> {
    let returns = orders::returns_of(sql, order).await?;
    returns.into_iter().find(|r| r.id == id).ok_or_else(|| StorageError(format!("return {id} vanished")).into())
}

/// `POST /api/returns/{id}/receive` (staff): a shopper's requested return reached the store.
pub async fn receive_return(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ReturnView>, ApiError> {
    session.require_role(Role::Staff)?;
    let r = orders::return_row(app.sql.as_ref(), &id).await?.ok_or_else(|| {
        ApiError::not_found("unknown_return", format!("there is no return {id}")).with("return", id.chars().take(40).collect::<String>())
    })?;
    if r.status != ReturnStatus::Requested {
        return Err(
            ApiError::Conflict { code: "already_received", message: format!("return {id} was already received") }.with("return", &id)
        );
    }
    let order = orders::order_row(app.sql.as_ref(), &r.order_id).await?.ok_or_else(|| StorageError("return without order".into()))?;
    let store = r.store;
    let refund = Refund { money_minor: r.refund_minor, points_refunded: r.points_refunded, points_reversed: r.points_reversed };
    let lines: Vec<(Sku, u32)> = orders::return_lines(app.sql.as_ref(), &id).await?.into_iter().map(|l| (l.sku, l.qty)).collect();
    let now = app.clock.now().timestamp();
    let mut batch = Batch::named("receive-return");
    batch.guard(orders::receive_return(&id, now), AlreadyReceived);
    batch.extend(receive_statements(&order, &id, &store, &lines, &refund, now));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => Ok(Json(return_view(app.sql.as_ref(), &order.id, &id).await?)),
        Err(AlreadyReceived) => {
            Err(ApiError::Conflict { code: "already_received", message: format!("return {id} was already received") }.with("return", &id))
        }
    }
}

fn receipt_recorded(receipt: &str, store: &StoreId) -> ApiError {
    ApiError::Conflict {
        code: "receipt_already_recorded",
        message: format!("receipt {receipt} of store {store} is already recorded; nothing was changed"),
    }
}

/// The highest unit price a till may report (keeps every total far inside 64-bit kopecks).
pub const MAX_UNIT_PRICE_RUB: i64 = 10_000_000;

#[derive(Debug, Clone)]
enum SaleGuard {
    Receipt,
    Stock(Sku),
}

/// `POST /api/pos/sales` (staff/till): records a sale at a store into the unified history, takes
/// the units from that store's stock and credits the customer's points.
pub async fn pos_sale(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<PosSaleRequest>,
) -> Result<(StatusCode, Json<OrderView>), ApiError> {
    session.require_role(Role::Staff)?;
    let store = known_store(app.sql.as_ref(), &body.store).await?;
    let receipt = body.receipt_id.trim();
    if receipt.is_empty() || receipt.len() > 64 || !receipt.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(unprocessable("invalid_receipt_id", "a receipt id is 1 to 64 visible ASCII characters"));
    }
    // A receipt recorded before is answered as such whatever the rest of the request says, so a
    // till retrying it learns it is done (the guarded insert below still settles a race).
    if orders::receipt_recorded(app.sql.as_ref(), &store, receipt).await? {
        return Err(receipt_recorded(receipt, &store));
    }
    let method = match body.payment.as_str() {
        "card" => PaymentMethod::PosCard,
        "cash" => PaymentMethod::PosCash,
        _ => return Err(unprocessable("invalid_payment", "payment is \"card\" or \"cash\"")),
    };
    if body.lines.is_empty() || body.lines.len() > 100 {
        return Err(unprocessable("invalid_lines", "a sale has 1 to 100 lines").with("max", 100));
    }
    let now = app.clock.now().timestamp();
    let mut seen = HashSet::new();
    let mut lines = Vec::with_capacity(body.lines.len());
    for l in &body.lines {
        let sku = Sku::parse(&l.sku)
            .map_err(|e| unprocessable("invalid_sku", e.to_string()).with("sku", l.sku.chars().take(64).collect::<String>()))?;
        if !seen.insert(sku.clone()) {
            return Err(
                unprocessable("duplicate_sku", format!("{sku} appears twice; send one line with the total quantity")).with("sku", &sku)
            );
        }
        if l.qty <= 0 || l.qty > 999 {
            return Err(unprocessable("negative_quantity", format!("the quantity of {sku} must be between 1 and 999")).with("sku", &sku));
        }
        let (product, _) = catalog::product(app.sql.as_ref(), &sku, now)
            .await?
            .ok_or_else(|| unprocessable("unknown_sku", format!("{sku} is not in the catalog; nothing was recorded")).with("sku", &sku))?;
        let price = match &l.unit_price {
            Some(raw) => Money::parse_rub(raw).map_err(ApiError::from)?,
            None => product.price,
        };
        if price.amount.is_sign_negative() || price.amount > rust_decimal::Decimal::from(MAX_UNIT_PRICE_RUB) {
            return Err(unprocessable("invalid_amount", format!("the price of {sku} must be between 0 and {MAX_UNIT_PRICE_RUB} ₽")));
        }
        lines.push((sku, product.name, u32::try_from(l.qty).unwrap_or(0), price));
    }
    let customer = match &body.customer {
        Some(who) => Some(find_customer(app.sql.as_ref(), who).await?),
        None => None,
    };
    let subtotal_minor: i64 = lines.iter().map(|(_, _, q, p)| p.minor_units() * i64::from(*q)).sum();
    let subtotal = Money::from_minor_units(subtotal_minor, vitrina_shared::Currency::Rub);
    let earned = if customer.is_some() { loyalty::points_earned(&app.config.loyalty, subtotal) } else { 0 };
    let id = new_id('P')?;
    let mut batch = Batch::named("till-sale");
    batch.guard(
        orders::insert_till_sale(orders::TillSale {
            id: &id,
            customer_id: customer.as_deref(),
            store_id: &store,
            contact: serde_json::to_string(&vitrina_shared::orders::Contact::default()).unwrap_or_default(),
            payment_method: method,
            subtotal_minor,
            points_earned: earned,
            receipt,
            now,
        }),
        SaleGuard::Receipt,
    );
    batch.push(orders::event(&id, OrderStatus::Completed, now, "till"));
    for (i, (sku, name, qty, price)) in lines.iter().enumerate() {
        batch.push(orders::insert_line(&id, sku, name, *qty, *price, &store, i, None));
        // The till sold what was on its shelf, not what others hold.
        batch.guard(stock::take(&store, sku, *qty, now), SaleGuard::Stock(sku.clone()));
    }
    if let (Some(customer), true) = (&customer, earned > 0) {
        batch.push(ledger::entry(customer, EntryKind::Earn, earned, Some(&id), "in-store purchase", None, now));
    }
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(SaleGuard::Receipt) => return Err(receipt_recorded(receipt, &store)),
        Err(SaleGuard::Stock(sku)) => {
            return Err(ApiError::Conflict {
                code: "stock_mismatch",
                message: format!(
                    "the stock record of {store} has fewer free units of {sku} than sold; correct the stock, then record the sale"
                ),
            }
            .with("sku", &sku))
        }
    }
    let row = orders::order_row(app.sql.as_ref(), &id).await?.ok_or_else(|| StorageError(format!("sale {id} vanished")))?;
    Ok((StatusCode::CREATED, Json(view_of(app.sql.as_ref(), row, now, &session).await?)))
}

/// The customer's loyalty card number, issued on first use.
async fn card_of(sql: &dyn Sql, customer: &str) -> Result<String, StorageError> {
    for _ in 0..3 {
        if let Some(card) = customers::card(sql, customer).await? {
            return Ok(card);
        }
        let mut seed = [0_u8; 8];
        getrandom::fill(&mut seed).map_err(|e| StorageError(format!("no randomness: {e}")))?;
        let card = card_number(u64::from_le_bytes(seed));
        if !customers::card_taken(sql, &card).await? {
            sql.batch(vec![customers::issue_card(customer, &card)]).await?;
        }
    }
    Err(StorageError("could not issue a loyalty card number".into()))
}

/// `GET /api/me/loyalty`: card, balance, points expiring soon, history.
pub async fn my_loyalty(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<LoyaltyView>, ApiError> {
    let account = session.require_account()?;
    let now = app.clock.now().timestamp();
    let card_number = card_of(app.sql.as_ref(), &account.id).await?;
    let (entries, _, rows) = ledger::ledger_of(app.sql.as_ref(), &account.id).await?;
    let policy = app.config.loyalty;
    let state = loyalty::replay(&policy, &entries, now);
    let history = rows
        .into_iter()
        .rev()
        .take(200)
        .map(|r| LedgerEntryView { kind: r.kind, points: r.points, at: to_time(r.created_at), order_id: r.order_id, note: r.note })
        .collect();
    Ok(Json(LoyaltyView {
        card_number,
        balance: state.balance,
        earned: state.earned,
        redeemed: state.redeemed,
        expired: state.expired,
        expiring_soon: state
            .expiring_within(now, policy.expiring_soon_days)
            .into_iter()
            .map(|l| ExpiringPoints { points: l.remaining, expires_at: to_time(l.expires_at) })
            .collect(),
        history,
        policy,
    }))
}

/// `POST /api/loyalty/adjustments` (staff): a correction with a reason, recorded with who made it.
pub async fn adjust_points(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<LoyaltyAdjustment>,
) -> Result<(StatusCode, Json<LedgerEntryView>), ApiError> {
    let staff = session.require_role(Role::Staff)?;
    if body.points == 0 || !(-100_000..=100_000).contains(&body.points) {
        return Err(unprocessable("invalid_points", "an adjustment is between -100000 and 100000 points, not 0"));
    }
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 || reason.chars().any(char::is_control) {
        return Err(unprocessable("invalid_reason", "say why, in at most 200 characters").with("max", 200));
    }
    let customer = find_customer(app.sql.as_ref(), &body.customer).await?;
    let now = app.clock.now().timestamp();
    app.sql
        .batch(vec![ledger::entry(&customer, EntryKind::Adjust, body.points, None, reason, Some(&staff.id), now)])
        .await
        .map_err(StorageError::from)?;
    Ok((
        StatusCode::CREATED,
        Json(LedgerEntryView { kind: EntryKind::Adjust, points: body.points, at: to_time(now), order_id: None, note: reason.to_owned() }),
    ))
}

/// `POST /api/nps`: the shopper's answer for one of their fulfilled orders, once.
pub async fn answer_nps(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<NpsRequest>,
) -> Result<(StatusCode, Json<NpsAnswer>), ApiError> {
    let score = parse_score(body.score).ok_or_else(|| unprocessable("invalid_score", "the score is a whole number from 0 to 10"))?;
    let reason = match &body.reason {
        Some(raw) => Some(
            parse_reason(raw).ok_or_else(|| unprocessable("invalid_reason", "the answer has at most 1000 characters").with("max", 1000))?,
        ),
        None => None,
    }
    .filter(|r| !r.is_empty());
    let order = visible_order(&app, &session, &body.order_id).await?;
    if !owned_by(&order, &session) {
        return Err(ApiError::Forbidden("only the customer who placed the order answers for it".into()));
    }
    let now = app.clock.now().timestamp();
    if !order.status_at(now).is_fulfilled() {
        return Err(ApiError::Conflict { code: "not_fulfilled", message: "we ask once the order is in your hands".into() });
    }
    let mut batch = Batch::named("nps-answer");
    batch.guard(orders::answer_nps(&order.id, order.customer_id.as_deref(), score, reason.as_deref(), now), AlreadyAnswered);
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => Ok((StatusCode::CREATED, Json(NpsAnswer { order_id: order.id, score, reason, at: to_time(now) }))),
        Err(AlreadyAnswered) => {
            Err(ApiError::Conflict { code: "nps_already_answered", message: "this order was already rated; thank you".into() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_down_and_the_completing_return_takes_the_remainder() {
        // 100 points over three equal returns: 33, 33, then 34.
        assert_eq!(share(100, 1, 3, 0, false), 33);
        assert_eq!(share(100, 1, 3, 66, true), 34);
        assert_eq!(share(0, 1, 3, 0, false), 0);
        assert_eq!(share(100, 1, 0, 0, false), 0);
    }
}
