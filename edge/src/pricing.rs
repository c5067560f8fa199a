//! Pricing at the edge: the rule book cached per instance (invalidated through a version key in
//! key-value), the shopper's context (points, purchase history, segments), and carts priced by
//! the offers engine as every channel shows them.

use crate::db::{carts, catalog, customers, ledger, offers, orders};
use crate::ports::{Sql, StorageError};
use crate::session::{random_hex, Session};
use crate::AppState;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use vitrina_shared::api::{CartLineView, CartView, RepricedLine};
use vitrina_shared::catalog::Product;
use vitrina_shared::offers::{self as engine, evaluate, Condition, Item, Priced, RuleBook, Shopper, Usage};
use vitrina_shared::pricing::cart_totals;
use vitrina_shared::{loyalty, Currency, GeoPoint, Money, StoreId};

/// The key-value entry naming the current rules version; any change writes a new value.
pub const VERSION_KEY: &str = "offers:rules:version";

/// The rule book of this instance, with the version it was loaded at.
#[derive(Default)]
pub struct RulesCache(Mutex<Option<(String, Arc<RuleBook>)>>);

/// The current rules: from this instance's cache while the version key is unchanged, else
/// reloaded from the database (one key-value read per request, no rules query).
pub async fn book(app: &AppState) -> Result<Arc<RuleBook>, StorageError> {
    let token = app.kv.get(VERSION_KEY).await?.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    if !token.is_empty() {
        if let Some((cached, book)) = app.rules.0.lock().map_err(|_| StorageError("rules cache poisoned".into()))?.as_ref() {
            if *cached == token {
                return Ok(book.clone());
            }
        }
    }
    let book = Arc::new(RuleBook::new(offers::rules(app.sql.as_ref()).await?));
    let token = if token.is_empty() {
        let fresh = random_hex(8)?;
        app.kv.set(VERSION_KEY, fresh.clone().into_bytes()).await?;
        fresh
    } else {
        token
    };
    *app.rules.0.lock().map_err(|_| StorageError("rules cache poisoned".into()))? = Some((token, book.clone()));
    Ok(book)
}

/// Tells every instance the rules changed.
pub(crate) async fn invalidate(app: &AppState) -> Result<(), StorageError> {
    app.kv.set(VERSION_KEY, random_hex(8)?.into_bytes()).await
}

fn needs_history(book: &RuleBook) -> bool {
    book.rules().iter().flat_map(|r| &r.conditions).any(|c| {
        matches!(
            c,
            Condition::Tiers { .. }
                | Condition::SpendAtLeast { .. }
                | Condition::OrderCount { .. }
                | Condition::BoughtCategory { .. }
                | Condition::NewCustomer { .. }
        )
    })
}

fn needs_points(book: &RuleBook) -> bool {
    book.rules().iter().flat_map(|r| &r.conditions).any(|c| matches!(c, Condition::PointsAtLeast { .. }))
}

/// Fills in the shopper's points and purchase history, loaded only when some rule looks at them.
pub async fn with_history(app: &AppState, book: &RuleBook, mut shopper: Shopper) -> Result<Shopper, StorageError> {
    if let Some(c) = shopper.customer_id.clone() {
        if needs_points(book) {
            let (entries, _, _) = ledger::ledger_of(app.sql.as_ref(), &c).await?;
            shopper.points = loyalty::replay(&app.config.loyalty, &entries, shopper.now.timestamp()).balance;
        }
        if needs_history(book) {
            shopper.history = orders::purchase_history(app.sql.as_ref(), &c).await?;
        }
    }
    Ok(shopper)
}

/// The shopper of a session, at the session's store (a kiosk's) unless another is given.
pub async fn session_shopper(
    app: &AppState,
    book: &RuleBook,
    session: &Session,
    store: Option<StoreId>,
    position: Option<GeoPoint>,
) -> Result<Shopper, StorageError> {
    let shopper = Shopper {
        customer_id: session.account.as_ref().map(|a| a.id.clone()),
        session_id: session.id.clone(),
        channel: session.channel,
        store: store.or_else(|| session.store_id.clone()),
        position,
        now: app.clock.now(),
        points: 0,
        history: Vec::new(),
    };
    with_history(app, book, shopper).await
}

/// Use so far of the rules that have limits.
pub async fn usage(sql: &dyn Sql, book: &RuleBook, subject: &str) -> Result<HashMap<String, Usage>, StorageError> {
    let limited: Vec<&str> = book
        .rules()
        .iter()
        .filter(|r| r.limits.per_customer.is_some() || r.limits.total_uses.is_some() || r.limits.budget.is_some())
        .map(|r| r.id.as_str())
        .collect();
    offers::usage(sql, &limited, subject).await
}

/// An engine item for a product.
pub fn item(product: &Product, qty: u32) -> Item {
    Item { sku: product.sku.clone(), category: product.category.clone(), qty, unit_price: product.price }
}

/// Prices items for a shopper with the current rules.
pub async fn price(app: &AppState, book: &RuleBook, shopper: &Shopper, items: &[Item], explain: bool) -> Result<Priced, StorageError> {
    let usage = usage(app.sql.as_ref(), book, &shopper.subject()).await?;
    Ok(evaluate(book, shopper, items, &usage, explain))
}

/// The cart of `owner` at list prices, and its lines as the offers engine sees them.
async fn view_and_items(sql: &dyn Sql, owner: &str, now: i64) -> Result<(CartView, Vec<Item>), StorageError> {
    let version = carts::version(sql, owner).await?;
    let mut views = Vec::new();
    let mut items = Vec::new();
    let mut repriced = Vec::new();
    for (line, priced_minor) in carts::lines_with_prices(sql, owner).await? {
        if let Some((product, available)) = catalog::product(sql, &line.sku, now).await? {
            // A list price changed (now or on schedule) since the cart was last written: the line
            // is at the new price, and the shopper is told.
            if let Some(was) = priced_minor.filter(|was| *was != product.price.minor_units()) {
                repriced.push(RepricedLine {
                    sku: product.sku.clone(),
                    name: product.name.clone(),
                    was: Money::from_minor_units(was, product.price.currency),
                    now: product.price,
                });
            }
            items.push(item(&product, line.qty));
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
        repriced,
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
    let book = book(app).await?;
    if book.rules().is_empty() {
        return Ok(view);
    }
    let shopper = session_shopper(app, &book, session, None, None).await?;
    let priced = price(app, &book, &shopper, &items, false).await?;
    for (line, p) in view.lines.iter_mut().zip(&priced.lines) {
        line.discount = p.discount;
    }
    view.discount = priced.discount;
    view.total = priced.total;
    view.free_delivery = priced.free_delivery;
    view.offers = priced.applied;
    Ok(view)
}

/// The customers in each segment (`new`, `returning`, `active-30`, `lapsed-90`, `tier-…`).
pub async fn segment_members(app: &AppState) -> Result<HashMap<&'static str, HashSet<String>>, StorageError> {
    let now = app.clock.now().timestamp();
    let rows = customers::segment_rows(app.sql.as_ref(), now - 365 * 86_400).await?;
    let mut members: HashMap<&'static str, HashSet<String>> = SEGMENTS.iter().map(|(id, ..)| (*id, HashSet::new())).collect();
    for r in rows {
        let id = r.id;
        let orders = r.orders;
        let last = r.last_order_at;
        let mut put = |segment: &'static str| {
            if let Some(set) = members.get_mut(segment) {
                set.insert(id.clone());
            }
        };
        put(match engine::tier_for(r.spent_year_minor) {
            engine::Tier::Basic => "tier-basic",
            engine::Tier::Silver => "tier-silver",
            engine::Tier::Gold => "tier-gold",
        });
        put(if orders == 0 { "new" } else { "returning" });
        if last.is_some_and(|t| now - t <= 30 * 86_400) {
            put("active-30");
        }
        if last.is_some_and(|t| now - t > 90 * 86_400) {
            put("lapsed-90");
        }
    }
    Ok(members)
}

/// The segments: id, name, and the rule condition that targets the same customers.
pub(crate) const SEGMENTS: &[(&str, &str, &str)] = &[
    ("new", "New customers (no orders yet)", r#"{"type": "new_customer", "new": true}"#),
    ("returning", "Returning customers", r#"{"type": "new_customer", "new": false}"#),
    ("active-30", "Bought in the last 30 days", r#"{"type": "order_count", "min": 1, "days": 30}"#),
    ("lapsed-90", "Lapsed: nothing for 90+ days", r#"{"type": "order_count", "min": 0, "max": 0, "days": 90}"#),
    ("tier-basic", "Tier: basic", r#"{"type": "tiers", "tiers": ["basic"]}"#),
    ("tier-silver", "Tier: silver (30 000 ₽+ a year)", r#"{"type": "tiers", "tiers": ["silver"]}"#),
    ("tier-gold", "Tier: gold (100 000 ₽+ a year)", r#"{"type": "tiers", "tiers": ["gold"]}"#),
];

/// Settles the kept price of every product whose scheduled price has come (the dispatcher's tick
/// natively, the scheduler's `POST /api/push/dispatch` on Spin), so that its listings read a column
/// again rather than its price history. How many it settled; writes nothing when none is due.
pub async fn settle_due_prices(app: &crate::AppState) -> Result<i64, crate::ports::StorageError> {
    let now = app.clock.now().timestamp();
    let due = crate::db::catalog::due_prices(app.sql.as_ref(), now).await?;
    if due > 0 {
        app.sql.batch(vec![crate::db::catalog::settle_prices(crate::db::catalog::Settle::Due, now)]).await?;
    }
    Ok(due)
}
