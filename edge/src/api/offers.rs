//! Offers: what a shopper gets now and could unlock, and the marketer's rules API (versioned
//! edits, history, previews).

use crate::db::{catalog, offers, to_time};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::lookup::{find_customer, known_store};
use crate::ports::StorageError;
use crate::pricing::{book, invalidate, item, price, session_shopper, with_history};
use crate::session::Session;
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use vitrina_shared::account::Role;
use vitrina_shared::api::{OfferHint, OffersView, PreviewRequest, RuleSummary, RuleVersion};
use vitrina_shared::offers::{self as engine, Condition, Known, Priced, Rule, RuleBook, RuleError, RuleProblem, Shopper};
use vitrina_shared::{CategoryId, Currency, GeoPoint, Money, Sku, StoreId};

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
            let (product, _) = catalog::product(app.sql.as_ref(), &sku, now)
                .await?
                .ok_or_else(|| ApiError::not_found("unknown_sku", format!("there is no product {sku}")).with("sku", &sku))?;
            (vec![item(&product, 1)], Some(sku))
        }
        None => {
            let mut items = Vec::new();
            for line in crate::db::carts::lines(app.sql.as_ref(), &session.cart_owner()).await? {
                if let Some((product, _)) = catalog::product(app.sql.as_ref(), &line.sku, now).await? {
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
    crate::extract::strict_from_value::<Rule>(body.clone())
        .map_err(|e| invalid_rule(RuleError { field: e.pointer(), problem: RuleProblem::Malformed { detail: e.inner.to_string() } }))
}

async fn check_references(app: &AppState, rule: &Rule) -> Result<(), ApiError> {
    let categories: Vec<CategoryId> = catalog::categories(app.sql.as_ref()).await?.into_iter().map(|c| c.category.id).collect();
    let stores: Vec<StoreId> = catalog::stores(app.sql.as_ref()).await?.into_iter().map(|s| s.id).collect();
    let mut skus: Vec<&Sku> = Vec::new();
    for c in &rule.conditions {
        if let Condition::ContainsSku { sku, .. } = c {
            skus.push(sku);
        }
    }
    match &rule.effect {
        engine::Effect::Gift { sku, .. } => skus.push(sku),
        engine::Effect::PercentOff { target: engine::Target::Sku { sku }, .. }
        | engine::Effect::AmountOff { target: engine::Target::Sku { sku }, .. }
        | engine::Effect::BuyXGetY { target: engine::Target::Sku { sku }, .. } => skus.push(sku),
        _ => {}
    }
    let unknown = catalog::unknown_skus(app.sql.as_ref(), &skus).await?;
    let known = Known { categories: &categories, stores: &stores, skus: &|s: &Sku| !unknown.contains(s) };
    engine::validate(rule, &known).map_err(invalid_rule)
}

async fn summaries(app: &AppState, only: Option<&str>) -> Result<Vec<RuleSummary>, StorageError> {
    Ok(offers::summaries(app.sql.as_ref(), only)
        .await?
        .into_iter()
        .map(|r| RuleSummary {
            rule: r.rule,
            version: r.version,
            updated_at: to_time(r.updated_at),
            updated_by: r.updated_by,
            uses: u32::try_from(r.uses).unwrap_or(u32::MAX),
            spent: Money::from_minor_units(r.spent_minor, Currency::Rub),
        })
        .collect())
}

/// `GET /api/admin/rules` (marketer): every rule with its version and use.
pub async fn admin_list(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Vec<RuleSummary>>, ApiError> {
    session.require_role(Role::Marketer)?;
    Ok(Json(summaries(&app, None).await?))
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
    batch.guard(offers::create(&rule.id, &data, now, &marketer.id), RuleExists);
    // A deleted rule's id may come back; its history continues.
    batch.push(offers::record_next_version(&rule.id, &data, now, &marketer.id));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(RuleExists) => {
            return Err(ApiError::Conflict { code: "rule_exists", message: format!("a rule {} exists; edit it with PUT", rule.id) }
                .with("rule", &rule.id))
        }
    }
    app.sql.batch(vec![offers::sync_version(&rule.id)]).await.map_err(StorageError::from)?;
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
    batch.guard(offers::update(&id, expected, &data, now, &marketer.id), RuleChanged);
    batch.push(offers::record_version(&id, expected.saturating_add(1), Some(&data), now, &marketer.id));
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
    batch.guard(offers::delete(&id, current.version), RuleChanged);
    batch.push(offers::record_version(&id, current.version + 1, None, now, &marketer.id));
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
    let rows = offers::versions(app.sql.as_ref(), &id).await?;
    if rows.is_empty() {
        return Err(
            ApiError::not_found("unknown_rule", format!("there is no rule {id}")).with("rule", id.chars().take(64).collect::<String>())
        );
    }
    let versions = rows
        .into_iter()
        .map(|v| RuleVersion { version: v.version, rule: v.rule, changed_at: to_time(v.changed_at), changed_by: v.changed_by })
        .collect();
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
        Some(raw) => Some(known_store(app.sql.as_ref(), raw).await?),
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
        let (product, _) = catalog::product(app.sql.as_ref(), &sku, now.timestamp()).await?.ok_or_else(|| {
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
