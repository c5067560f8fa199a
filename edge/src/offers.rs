//! Offers at the edge: the rule book cached per instance (invalidated through a version key in
//! key-value), the shopper's context, pricing of carts and products, and the marketer's rules API.

use crate::aftersales::find_customer;
use crate::db::to_time;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::orders::ledger_of;
use crate::ports::{Sql, Statement, StorageError, Value};
use crate::session::{random_hex, Session};
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use vitrina_shared::account::Role;
use vitrina_shared::api::{OfferHint, OffersView, PreviewRequest, RuleSummary, RuleVersion, SegmentView};
use vitrina_shared::catalog::Product;
use vitrina_shared::offers::{
    self, evaluate, Condition, Item, Known, PastOrder, Priced, Rule, RuleBook, RuleError, RuleProblem, Shopper, Usage,
};
use vitrina_shared::orders::OrderStatus;
use vitrina_shared::{loyalty, CategoryId, Currency, GeoPoint, Money, Sku, StoreId};

/// The key-value entry naming the current rules version; any change writes a new value.
pub const VERSION_KEY: &str = "offers:rules:version";

/// The rule book of this instance, with the version it was loaded at.
#[derive(Default)]
pub struct RulesCache(Mutex<Option<(String, Arc<RuleBook>)>>);

async fn load_rules(sql: &dyn Sql) -> Result<Vec<Rule>, StorageError> {
    sql.query("SELECT data FROM offer_rules ORDER BY id", vec![])
        .await?
        .iter()
        .map(|r| serde_json::from_str(r.text(0)?).map_err(|e| StorageError(format!("stored rule is unreadable: {e}"))))
        .collect()
}

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
    let book = Arc::new(RuleBook::new(load_rules(app.sql.as_ref()).await?));
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
async fn invalidate(app: &AppState) -> Result<(), StorageError> {
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

/// The SQL predicate "the order in `status_column` counts as a purchase", rendered from
/// [`OrderStatus::NOT_COUNTING`] (the one definition of which orders count):
/// `status NOT IN ('cancelled', 'payment_failed', 'pending_payment')`.
pub(crate) fn counting_orders(status_column: &str) -> String {
    let listed: Vec<String> = OrderStatus::NOT_COUNTING.iter().map(|s| format!("'{}'", s.as_str())).collect();
    format!("{status_column} NOT IN ({})", listed.join(", "))
}

/// A customer's orders that count as purchases (not cancelled, failed or awaiting payment), with
/// the categories bought in each.
pub async fn purchase_history(sql: &dyn Sql, customer: &str) -> Result<Vec<PastOrder>, StorageError> {
    let rows = sql
        .query(
            &format!(
                "SELECT o.created_at, o.total_minor - o.delivery_minor, GROUP_CONCAT(DISTINCT p.category_id)
                 FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.sku = l.sku
                 WHERE o.customer_id = ? AND {}
                 GROUP BY o.id ORDER BY o.created_at DESC LIMIT 1000",
                counting_orders("o.status")
            ),
            vec![customer.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(PastOrder {
                at: to_time(r.int(0)?),
                total: Money::from_minor_units(r.int(1)?, Currency::Rub),
                categories: r.opt_text(2)?.unwrap_or("").split(',').filter_map(|c| CategoryId::parse(c).ok()).collect(),
            })
        })
        .collect()
}

/// Fills in the shopper's points and purchase history, loaded only when some rule looks at them.
pub async fn with_history(app: &AppState, book: &RuleBook, mut shopper: Shopper) -> Result<Shopper, StorageError> {
    if let Some(c) = shopper.customer_id.clone() {
        if needs_points(book) {
            let (entries, _, _) = ledger_of(app.sql.as_ref(), &c).await?;
            shopper.points = loyalty::replay(&app.config.loyalty, &entries, shopper.now.timestamp()).balance;
        }
        if needs_history(book) {
            shopper.history = purchase_history(app.sql.as_ref(), &c).await?;
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
    let mut out = HashMap::new();
    for chunk in limited.chunks(200) {
        let marks = vec!["?"; chunk.len()].join(",");
        let q = format!(
            "SELECT rule_id, COUNT(*), COALESCE(SUM(amount_minor), 0), COALESCE(SUM(subject = ?), 0) FROM offer_redemptions
             WHERE rule_id IN ({marks}) GROUP BY rule_id"
        );
        let mut params: Vec<Value> = vec![subject.into()];
        params.extend(chunk.iter().map(|id| Value::from(*id)));
        for r in sql.query(&q, params).await? {
            out.insert(
                r.text(0)?.to_owned(),
                Usage {
                    total_uses: u32::try_from(r.int(1)?).unwrap_or(u32::MAX),
                    spent_minor: r.int(2)?,
                    customer_uses: u32::try_from(r.int(3)?).unwrap_or(u32::MAX),
                },
            );
        }
    }
    Ok(out)
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

/// Statements that record an order's use of its offers, each guarded so that no limit can be
/// exceeded however many checkouts run at once. Returns (statement, rule id) pairs.
pub fn redemption_statements(book: &RuleBook, priced: &Priced, order: &str, subject: &str, now: i64) -> Vec<(Statement, String)> {
    priced
        .applied
        .iter()
        .filter_map(|a| book.rules().iter().find(|r| r.id == a.rule_id).map(|r| (r, a)))
        .map(|(rule, applied)| {
            let amount = applied.discount.minor_units();
            let mut conditions = vec!["1 = 1".to_owned()];
            let mut params: Vec<Value> = vec![rule.id.clone().into(), order.into(), subject.into(), amount.into(), now.into()];
            if let Some(n) = rule.limits.per_customer {
                conditions.push("(SELECT COUNT(*) FROM offer_redemptions WHERE rule_id = ? AND subject = ?) < ?".into());
                params.extend([rule.id.clone().into(), subject.into(), n.into()]);
            }
            if let Some(n) = rule.limits.total_uses {
                conditions.push("(SELECT COUNT(*) FROM offer_redemptions WHERE rule_id = ?) < ?".into());
                params.extend([rule.id.clone().into(), n.into()]);
            }
            if let Some(b) = &rule.limits.budget {
                conditions.push("(SELECT COALESCE(SUM(amount_minor), 0) FROM offer_redemptions WHERE rule_id = ?) + ? <= ?".into());
                params.extend([rule.id.clone().into(), amount.into(), b.minor_units().into()]);
            }
            let sql = format!(
                "INSERT INTO offer_redemptions (rule_id, order_id, subject, amount_minor, created_at) SELECT ?, ?, ?, ?, ? WHERE {}",
                conditions.join(" AND ")
            );
            (Statement::new(sql, params).guarded(), rule.id.clone())
        })
        .collect()
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffersParams {
    sku: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
}

/// `GET /api/offers[?sku=&lat=&lon=]`: the offers this shopper gets now on the cart (or on one unit
/// of `sku`, for the product page's price and "for you" block), and those the cart could unlock.
pub async fn list(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiQuery(params): ApiQuery<OffersParams>,
) -> Result<Json<OffersView>, ApiError> {
    let position = match (params.lat, params.lon) {
        (Some(lat), Some(lon)) => Some(GeoPoint::new(lat, lon)?),
        (None, None) => None,
        _ => {
            return Err(ApiError::BadRequest {
                status: StatusCode::BAD_REQUEST,
                code: "invalid_coordinates",
                message: "send both lat and lon, or neither".into(),
            })
        }
    };
    let now = app.clock.now().timestamp();
    let book = book(&app).await?;
    let shopper = session_shopper(&app, &book, &session, None, position).await?;
    let (items, sku) = match &params.sku {
        Some(raw) => {
            let sku = Sku::parse(raw)
                .map_err(|e| ApiError::not_found("unknown_sku", e.to_string()).with("sku", raw.chars().take(64).collect::<String>()))?;
            let (product, _) = crate::db::catalog::product(app.sql.as_ref(), &sku, now)
                .await?
                .ok_or_else(|| ApiError::not_found("unknown_sku", format!("there is no product {sku}")).with("sku", &sku))?;
            (vec![item(&product, 1)], Some(sku))
        }
        None => {
            let mut items = Vec::new();
            for line in crate::db::carts::lines(app.sql.as_ref(), &session.cart_owner()).await? {
                if let Some((product, _)) = crate::db::catalog::product(app.sql.as_ref(), &line.sku, now).await? {
                    items.push(item(&product, line.qty));
                }
            }
            (items, None)
        }
    };
    let priced = price(&app, &book, &shopper, &items, true).await?;
    let available = priced
        .rejected
        .iter()
        .filter(|r| r.cart_only)
        .map(|r| OfferHint {
            rule_id: r.rule_id.clone(),
            name: r.name.clone(),
            description: book.rules().iter().find(|x| x.id == r.rule_id).map(|x| x.description.clone()).unwrap_or_default(),
            missing: r.reason.clone(),
        })
        .collect();
    let price = sku.and_then(|_| priced.lines.first().cloned());
    Ok(Json(OffersView { applied: priced.applied, available, price }))
}

// ---- the marketer's API ---------------------------------------------------------------------

/// A rule refused: the field (a JSON pointer) and the problem's code and values as parameters.
fn invalid_rule(e: RuleError) -> ApiError {
    let params = e.problem.params();
    let mut error =
        ApiError::Unprocessable { code: "invalid_rule", message: e.to_string() }.with("field", e.field).with("reason", e.problem.code());
    for (name, value) in params {
        error = error.with(name, value);
    }
    error
}

/// Parses a rule body, pointing at the field that does not fit (`/conditions/1/type: unknown variant …`).
fn parse_rule(body: &serde_json::Value) -> Result<Rule, ApiError> {
    serde_path_to_error::deserialize::<_, Rule>(crate::extract::Strict(body.clone())).map_err(|e| {
        let path = e.path().to_string();
        let pointer = if path == "." { String::new() } else { format!("/{}", path.replace(['.', '['], "/").replace(']', "")) };
        let problem = RuleProblem::Malformed { detail: e.into_inner().to_string() };
        invalid_rule(RuleError { field: if pointer.is_empty() { "/".into() } else { pointer }, problem })
    })
}

async fn check_references(app: &AppState, rule: &Rule) -> Result<(), ApiError> {
    let categories: Vec<CategoryId> = crate::db::catalog::categories(app.sql.as_ref()).await?.into_iter().map(|c| c.category.id).collect();
    let stores: Vec<StoreId> = crate::db::catalog::stores(app.sql.as_ref()).await?.into_iter().map(|s| s.id).collect();
    let mut skus: Vec<&Sku> = Vec::new();
    for c in &rule.conditions {
        if let Condition::ContainsSku { sku, .. } = c {
            skus.push(sku);
        }
    }
    match &rule.effect {
        offers::Effect::Gift { sku, .. } => skus.push(sku),
        offers::Effect::PercentOff { target: offers::Target::Sku { sku }, .. }
        | offers::Effect::AmountOff { target: offers::Target::Sku { sku }, .. }
        | offers::Effect::BuyXGetY { target: offers::Target::Sku { sku }, .. } => skus.push(sku),
        _ => {}
    }
    let unknown = crate::db::catalog::unknown_skus(app.sql.as_ref(), &skus).await?;
    let known = Known { categories: &categories, stores: &stores, skus: &|s: &Sku| !unknown.contains(s) };
    offers::validate(rule, &known).map_err(invalid_rule)
}

async fn summaries(app: &AppState, only: Option<&str>) -> Result<Vec<RuleSummary>, StorageError> {
    let (filter, params): (&str, Vec<Value>) = match only {
        Some(id) => ("WHERE r.id = ?", vec![id.into()]),
        None => ("", vec![]),
    };
    let q = format!(
        "SELECT r.data, r.version, r.updated_at, COALESCE((SELECT email FROM customers c WHERE c.id = r.updated_by), r.updated_by),
                (SELECT COUNT(*) FROM offer_redemptions x WHERE x.rule_id = r.id),
                (SELECT COALESCE(SUM(amount_minor), 0) FROM offer_redemptions x WHERE x.rule_id = r.id)
         FROM offer_rules r {filter} ORDER BY r.id"
    );
    app.sql
        .query(&q, params)
        .await?
        .iter()
        .map(|r| {
            Ok(RuleSummary {
                rule: serde_json::from_str(r.text(0)?).map_err(|e| StorageError(format!("stored rule: {e}")))?,
                version: r.int(1)?,
                updated_at: to_time(r.int(2)?),
                updated_by: r.text(3)?.to_owned(),
                uses: u32::try_from(r.int(4)?).unwrap_or(u32::MAX),
                spent: Money::from_minor_units(r.int(5)?, Currency::Rub),
            })
        })
        .collect()
}

/// `GET /api/admin/rules` (marketer): every rule with its version and use.
pub async fn admin_list(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Vec<RuleSummary>>, ApiError> {
    session.require_role(Role::Marketer)?;
    Ok(Json(summaries(&app, None).await?))
}

fn version_statement(id: &str, version: i64, data: Option<&str>, now: i64, by: &str) -> Statement {
    Statement::new(
        "INSERT INTO offer_rule_versions (rule_id, version, data, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)",
        vec![id.into(), version.into(), data.map(str::to_owned).into(), now.into(), by.into()],
    )
}

async fn one(app: &AppState, id: &str) -> Result<RuleSummary, ApiError> {
    summaries(app, Some(id)).await?.into_iter().next().ok_or_else(|| {
        ApiError::not_found("unknown_rule", format!("there is no rule {id}")).with("rule", id.chars().take(64).collect::<String>())
    })
}

/// Why a new rule was not stored: a rule with this id exists.
struct RuleExists;

/// Why a rule update or delete changed nothing: its version is no longer the one read.
struct RuleChanged;

/// `POST /api/admin/rules` (marketer): a new rule, validated.
pub async fn admin_create(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<RuleSummary>), ApiError> {
    let marketer = session.require_role(Role::Marketer)?;
    let rule = parse_rule(&body)?;
    check_references(&app, &rule).await?;
    let now = app.clock.now().timestamp();
    let data = serde_json::to_string(&rule).map_err(|e| StorageError(format!("rule JSON: {e}")))?;
    let mut batch = Batch::named("rule-create");
    batch.guard(
        Statement::new(
            "INSERT INTO offer_rules (id, version, data, updated_at, updated_by) VALUES (?, 1, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            vec![rule.id.clone().into(), data.clone().into(), now.into(), marketer.id.clone().into()],
        ),
        RuleExists,
    );
    // A deleted rule's id may come back; its history continues.
    batch.push(Statement::new(
        "INSERT INTO offer_rule_versions (rule_id, version, data, changed_at, changed_by)
         SELECT ?, COALESCE((SELECT MAX(version) FROM offer_rule_versions WHERE rule_id = ?), 0) + 1, ?, ?, ?",
        vec![rule.id.clone().into(), rule.id.clone().into(), data.into(), now.into(), marketer.id.clone().into()],
    ));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(RuleExists) => {
            return Err(ApiError::Conflict { code: "rule_exists", message: format!("a rule {} exists; edit it with PUT", rule.id) }
                .with("rule", &rule.id))
        }
    }
    app.sql
        .batch(vec![Statement::new(
            "UPDATE offer_rules SET version = (SELECT MAX(version) FROM offer_rule_versions WHERE rule_id = ?) WHERE id = ?",
            vec![rule.id.clone().into(), rule.id.clone().into()],
        )])
        .await
        .map_err(StorageError::from)?;
    invalidate(&app).await?;
    Ok((StatusCode::CREATED, Json(one(&app, &rule.id).await?)))
}

/// `PUT /api/admin/rules/{id}` (marketer): replaces the rule; its version goes up and the old one
/// stays in the history. `If-Match: "<version>"` makes the edit conditional on that version.
pub async fn admin_update(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(id): ApiPath<String>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<RuleSummary>, ApiError> {
    let marketer = session.require_role(Role::Marketer)?;
    let current = one(&app, &id).await?;
    let expected = match headers.get(axum::http::header::IF_MATCH) {
        Some(v) => v.to_str().ok().and_then(crate::extract::etag_version).ok_or(ApiError::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_if_match",
            message: "If-Match must be the rule's version, e.g. \"3\"".into(),
        })?,
        None => current.version,
    };
    let changed = || {
        ApiError::Conflict {
            code: "rule_changed",
            message: format!("rule {id} was changed by someone else (now version {}); reload it", current.version),
        }
        .with("rule", &id)
    };
    // An edit of a version that is no longer the rule's is answered as such whatever it says (the
    // guarded update below still settles a race).
    if expected != current.version {
        return Err(changed());
    }
    // The path names the rule; the body may leave its id out.
    let mut body = body;
    if let Some(fields) = body.as_object_mut() {
        fields.entry("id").or_insert_with(|| serde_json::Value::String(id.clone()));
    }
    let rule = parse_rule(&body)?;
    if rule.id != id {
        return Err(invalid_rule(RuleError { field: "/id".into(), problem: RuleProblem::IdChanged { id: id.clone() } }));
    }
    check_references(&app, &rule).await?;
    let now = app.clock.now().timestamp();
    let data = serde_json::to_string(&rule).map_err(|e| StorageError(format!("rule JSON: {e}")))?;
    let mut batch = Batch::named("rule-update");
    batch.guard(
        Statement::new(
            "UPDATE offer_rules SET version = version + 1, data = ?, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?",
            vec![data.clone().into(), now.into(), marketer.id.clone().into(), id.clone().into(), expected.into()],
        ),
        RuleChanged,
    );
    batch.push(version_statement(&id, expected.saturating_add(1), Some(&data), now, &marketer.id));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(RuleChanged) => return Err(changed()),
    }
    invalidate(&app).await?;
    Ok(Json(one(&app, &id).await?))
}

/// `DELETE /api/admin/rules/{id}` (marketer): the rule stops applying; its history stays.
pub async fn admin_delete(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let marketer = session.require_role(Role::Marketer)?;
    let current = one(&app, &id).await?;
    let now = app.clock.now().timestamp();
    let mut batch = Batch::named("rule-delete");
    batch.guard(
        Statement::new("DELETE FROM offer_rules WHERE id = ? AND version = ?", vec![id.clone().into(), current.version.into()]),
        RuleChanged,
    );
    batch.push(version_statement(&id, current.version + 1, None, now, &marketer.id));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(RuleChanged) => {
            return Err(
                ApiError::Conflict { code: "rule_changed", message: format!("rule {id} changed meanwhile; reload it") }.with("rule", &id)
            )
        }
    }
    invalidate(&app).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/admin/rules/{id}/versions` (marketer): the rule's history, newest first.
pub async fn admin_versions(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<RuleVersion>>, ApiError> {
    session.require_role(Role::Marketer)?;
    let rows = app
        .sql
        .query(
            "SELECT v.version, v.data, v.changed_at, COALESCE((SELECT email FROM customers c WHERE c.id = v.changed_by), v.changed_by)
             FROM offer_rule_versions v WHERE v.rule_id = ? ORDER BY v.version DESC",
            vec![id.clone().into()],
        )
        .await?;
    if rows.is_empty() {
        return Err(
            ApiError::not_found("unknown_rule", format!("there is no rule {id}")).with("rule", id.chars().take(64).collect::<String>())
        );
    }
    let versions = rows
        .iter()
        .map(|r| {
            Ok(RuleVersion {
                version: r.int(0)?,
                rule: r.opt_text(1)?.map(serde_json::from_str).transpose().map_err(|e| StorageError(format!("stored rule: {e}")))?,
                changed_at: to_time(r.int(2)?),
                changed_by: r.text(3)?.to_owned(),
            })
        })
        .collect::<Result<_, StorageError>>()?;
    Ok(Json(versions))
}

/// `POST /api/admin/rules/preview` (marketer): what a customer sees with this cart, here and now,
/// and why each rule applied or did not. A `draft` rule is evaluated in place of its stored version.
pub async fn admin_preview(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<PreviewRequest>,
) -> Result<Json<Priced>, ApiError> {
    session.require_role(Role::Marketer)?;
    let now = match body.at {
        // Within ten years either way: rules are about the foreseeable calendar.
        Some(at) if (at - app.clock.now()).num_days().abs() > 3653 => {
            return Err(ApiError::Unprocessable { code: "invalid_time", message: "at: a moment within ten years of now".into() })
        }
        Some(at) => at,
        None => app.clock.now(),
    };
    if let Some(p) = body.position {
        GeoPoint::new(p.lat, p.lon)?;
    }
    let mut book = (*book(&app).await?).clone();
    if let Some(draft) = &body.draft {
        let rule = parse_rule(draft)?;
        check_references(&app, &rule).await?;
        let mut rules: Vec<Rule> = book.rules().iter().filter(|r| r.id != rule.id).cloned().collect();
        rules.push(rule);
        book = RuleBook::new(rules);
    }
    let customer = match &body.customer {
        Some(who) => Some(find_customer(app.sql.as_ref(), who).await?),
        None => None,
    };
    let store = match &body.store {
        Some(raw) => Some(crate::aftersales::known_store(app.sql.as_ref(), raw).await?),
        None => None,
    };
    if body.lines.len() > 50 {
        return Err(
            ApiError::Unprocessable { code: "invalid_lines", message: "a preview cart has at most 50 lines".into() }.with("max", 50)
        );
    }
    let mut items = Vec::with_capacity(body.lines.len());
    for l in &body.lines {
        let sku = Sku::parse(&l.sku).map_err(|e| {
            ApiError::Unprocessable { code: "invalid_sku", message: e.to_string() }.with("sku", l.sku.chars().take(64).collect::<String>())
        })?;
        let qty = vitrina_shared::cart::parse_line_qty(l.qty, &sku)?;
        if qty == 0 {
            continue;
        }
        let (product, _) = crate::db::catalog::product(app.sql.as_ref(), &sku, now.timestamp()).await?.ok_or_else(|| {
            ApiError::Unprocessable { code: "unknown_sku", message: format!("there is no product {sku}") }.with("sku", &sku)
        })?;
        items.push(item(&product, qty));
    }
    let shopper = Shopper {
        customer_id: customer,
        session_id: "preview".into(),
        channel: body.channel,
        store,
        position: body.position,
        now,
        points: 0,
        history: Vec::new(),
    };
    let shopper = with_history(&app, &book, shopper).await?;
    Ok(Json(price(&app, &book, &shopper, &items, true).await?))
}

/// The customers in each segment (`new`, `returning`, `active-30`, `lapsed-90`, `tier-…`).
pub async fn segment_members(app: &AppState) -> Result<HashMap<&'static str, std::collections::HashSet<String>>, StorageError> {
    let now = app.clock.now().timestamp();
    let rows = app
        .sql
        .query(
            &format!(
                "SELECT c.id,
                        COALESCE((SELECT SUM(o.total_minor - o.delivery_minor) FROM orders o WHERE o.customer_id = c.id
                                  AND {counting} AND o.created_at > ?), 0),
                        (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id AND {counting}),
                        (SELECT MAX(o.created_at) FROM orders o WHERE o.customer_id = c.id AND {counting})
                 FROM customers c WHERE c.role = 'customer'",
                counting = counting_orders("o.status")
            ),
            vec![(now - 365 * 86_400).into()],
        )
        .await?;
    let mut members: HashMap<&'static str, std::collections::HashSet<String>> =
        SEGMENTS.iter().map(|(id, ..)| (*id, std::collections::HashSet::new())).collect();
    for r in &rows {
        let id = r.text(0)?.to_owned();
        let orders = r.int(2)?;
        let last = r.opt_int(3)?;
        let mut put = |segment: &'static str| {
            if let Some(set) = members.get_mut(segment) {
                set.insert(id.clone());
            }
        };
        put(match offers::tier_for(r.int(1)?) {
            offers::Tier::Basic => "tier-basic",
            offers::Tier::Silver => "tier-silver",
            offers::Tier::Gold => "tier-gold",
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
const SEGMENTS: &[(&str, &str, &str)] = &[
    ("new", "New customers (no orders yet)", r#"{"type": "new_customer", "new": true}"#),
    ("returning", "Returning customers", r#"{"type": "new_customer", "new": false}"#),
    ("active-30", "Bought in the last 30 days", r#"{"type": "order_count", "min": 1, "days": 30}"#),
    ("lapsed-90", "Lapsed: nothing for 90+ days", r#"{"type": "order_count", "min": 0, "max": 0, "days": 90}"#),
    ("tier-basic", "Tier: basic", r#"{"type": "tiers", "tiers": ["basic"]}"#),
    ("tier-silver", "Tier: silver (30 000 ₽+ a year)", r#"{"type": "tiers", "tiers": ["silver"]}"#),
    ("tier-gold", "Tier: gold (100 000 ₽+ a year)", r#"{"type": "tiers", "tiers": ["gold"]}"#),
];

/// `GET /api/admin/segments` (marketer): the segments rules and campaigns can target, and their sizes.
pub async fn admin_segments(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<Vec<SegmentView>>, ApiError> {
    session.require_role(Role::Marketer)?;
    let members = segment_members(&app).await?;
    Ok(Json(
        SEGMENTS
            .iter()
            .map(|(id, name, condition)| SegmentView {
                id: (*id).into(),
                name: (*name).into(),
                condition: (*condition).into(),
                customers: members.get(id).map_or(0, |m| u32::try_from(m.len()).unwrap_or(u32::MAX)),
            })
            .collect(),
    ))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiParams {
    from: Option<String>,
    to: Option<String>,
}

/// Moscow time, where the stores are (UTC+3 all year): a day starts at 21:00 UTC the day before.
const BUSINESS_OFFSET: i64 = 3 * 3600;

fn parse_day(raw: &str, field: &'static str) -> Result<i64, ApiError> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp() - BUSINESS_OFFSET)
        .ok_or_else(|| ApiError::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_date",
            message: format!("{field} is a date like 2026-11-01"),
        })
}

/// `GET /api/admin/kpis?from=YYYY-MM-DD&to=YYYY-MM-DD` (marketer; both days included, Moscow time;
/// default the last 30 days, or the 30 days from `from` or up to `to` when only one is given):
/// loyalty and business KPIs with weekly series for the charts.
pub async fn admin_kpis(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiQuery(params): ApiQuery<KpiParams>,
) -> Result<Json<vitrina_shared::kpis::KpiReport>, ApiError> {
    use vitrina_shared::kpis::{compute, KpiInput, Member, Sale};
    session.require_role(Role::Marketer)?;
    let now = app.clock.now().timestamp();
    let today = (now + BUSINESS_OFFSET).div_euclid(86_400) * 86_400 - BUSINESS_OFFSET;
    // A missing end is 30 days from the other one, so any one day names a period.
    let from = params.from.as_deref().map(|raw| parse_day(raw, "from")).transpose()?;
    let to = match (&params.to, from) {
        (Some(raw), _) => parse_day(raw, "to")? + 86_400,
        (None, Some(from)) => from + 30 * 86_400,
        (None, None) => today + 86_400,
    };
    let from = from.unwrap_or(to - 30 * 86_400);
    if from >= to || to - from > 366 * 86_400 {
        return Err(ApiError::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_period",
            message: "from must be on or before to, and the period at most 366 days".into(),
        });
    }
    let sql = app.sql.as_ref();
    let members: Vec<Member> = sql
        .query("SELECT id, created_at FROM customers WHERE role = 'customer'", vec![])
        .await?
        .iter()
        .map(|r| Ok(Member { id: r.text(0)?.to_owned(), joined_at: r.int(1)? }))
        .collect::<Result<_, StorageError>>()?;
    let sales: Vec<Sale> = sql
        .query(
            &format!(
                "SELECT customer_id, created_at, subtotal_minor - discount_minor, discount_minor FROM orders
                 WHERE {} AND created_at >= ? AND created_at < ?",
                counting_orders("status")
            ),
            vec![(from - (to - from)).into(), to.into()],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Sale { customer: r.opt_text(0)?.map(str::to_owned), at: r.int(1)?, goods_minor: r.int(2)?, offer_discount_minor: r.int(3)? })
        })
        .collect::<Result<_, StorageError>>()?;
    let mut ledgers: HashMap<String, Vec<loyalty::Entry>> = HashMap::new();
    for r in sql
        .query("SELECT customer_id, kind, points, created_at FROM loyalty_ledger WHERE created_at < ? ORDER BY id", vec![to.into()])
        .await?
    {
        let kind = loyalty::EntryKind::parse(r.text(1)?).ok_or_else(|| StorageError("stored ledger kind".into()))?;
        ledgers.entry(r.text(0)?.to_owned()).or_default().push(loyalty::Entry { kind, points: r.int(2)?, at: r.int(3)? });
    }
    let nps: Vec<(i64, u8)> = sql
        .query("SELECT created_at, score FROM nps_answers WHERE created_at >= ? AND created_at < ?", vec![from.into(), to.into()])
        .await?
        .iter()
        .map(|r| Ok((r.int(0)?, u8::try_from(r.int(1)?).unwrap_or(0))))
        .collect::<Result<_, StorageError>>()?;
    Ok(Json(compute(&KpiInput { from, to, members: &members, sales: &sales, ledgers: &ledgers, nps: &nps, policy: &app.config.loyalty })))
}

#[cfg(test)]
mod tests {
    use super::counting_orders;

    #[test]
    fn the_counting_orders_predicate_leaves_out_cancelled_failed_and_unpaid_orders() {
        assert_eq!(counting_orders("o.status"), "o.status NOT IN ('cancelled', 'payment_failed', 'pending_payment')");
    }
}
