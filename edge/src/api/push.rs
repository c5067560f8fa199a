//! Push: the VAPID public key, subscriptions, clicks, the dispatch trigger, and the marketer's
//! campaigns.

use crate::db::push::{self as outbox, NewSubscription, Owner, Recipient};
use crate::db::{catalog, new_id};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::limits::rate_limit;
use crate::notify::dispatch::{decode_b64, dispatch, public_key, push_origin, same_secret, vapid_keys};
use crate::notify::{enqueue, topic_like, Message};
use crate::ports::StorageError;
use crate::pricing::segment_members;
use crate::session::{random_hex, RotateTo, Session};
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use vitrina_shared::account::Role;
use vitrina_shared::api::{
    Audience, CampaignRequest, CampaignView, DispatchReport, NotificationClick, PushSubscriptionView, SubscribeRequest, Unsubscribe,
    VapidPublicKey,
};
use vitrina_shared::push::{PushText, Topic};
use web_push_native::p256;

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable { code, message: message.into() }
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::BadRequest { status: StatusCode::BAD_REQUEST, code, message: message.into() }
}

/// `GET /api/push/vapid-public-key`.
pub async fn vapid_public_key(State(app): State<AppState>) -> Result<Json<VapidPublicKey>, ApiError> {
    Ok(Json(VapidPublicKey { key: public_key(&vapid_keys(&app).await?) }))
}

fn parse_topics(raw: &[String]) -> Result<Vec<Topic>, ApiError> {
    if raw.len() > 50 {
        return Err(unprocessable("invalid_topics", "at most 50 topics").with("max", 50));
    }
    let mut topics: Vec<Topic> = Vec::new();
    for t in raw {
        let topic = Topic::parse(t).ok_or_else(|| {
            unprocessable(
                "invalid_topic",
                format!("unknown topic {t:?}: use cart_reminders, promotions, order_status or back_in_stock:<SKU>"),
            )
        })?;
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }
    Ok(topics)
}

/// Why a subscription was not stored.
enum Subscribe {
    /// The session was signed out or expired meanwhile.
    SessionEnded,
    /// The endpoint was stored with other keys meanwhile.
    Taken,
}

/// `POST /api/push/subscriptions`: stores (or updates, by endpoint) a subscription for this
/// session and, when signed in, the customer. A known endpoint is updated only by the browser that
/// holds it, i.e. with the same `p256dh` and `auth` keys; anyone else gets 409 `subscription_taken`
/// and nothing changes (an endpoint is not a secret, so it must not move a subscription).
pub async fn subscribe(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SubscribeRequest>,
) -> Result<Response, ApiError> {
    let s = &body.subscription;
    push_origin(&s.endpoint, &app.config.push)?;
    let p256dh = decode_b64(&s.keys.p256dh).ok_or_else(|| unprocessable("invalid_keys", "keys.p256dh is not base64url"))?;
    if p256dh.len() != 65 || p256::PublicKey::from_sec1_bytes(&p256dh).is_err() {
        return Err(unprocessable("invalid_keys", "keys.p256dh is not an uncompressed P-256 public key"));
    }
    let auth = decode_b64(&s.keys.auth).ok_or_else(|| unprocessable("invalid_keys", "keys.auth is not base64url"))?;
    if auth.len() != 16 {
        return Err(unprocessable("invalid_keys", "keys.auth must be a 16-byte secret"));
    }
    let topics = parse_topics(&body.topics)?;
    for t in &topics {
        if let Topic::BackInStock(sku) = t {
            if catalog::product(app.sql.as_ref(), sku, 0).await?.is_none() {
                return Err(unprocessable("invalid_topic", format!("there is no product {sku} to watch")).with("sku", sku));
            }
        }
    }
    let (p256dh, auth) = (URL_SAFE_NO_PAD.encode(&p256dh), URL_SAFE_NO_PAD.encode(&auth));
    if let Some(stored) = outbox::keys(app.sql.as_ref(), &s.endpoint).await? {
        // Both compared, in constant time: `&`, not `&&`.
        if !(same_secret(&stored.p256dh, &p256dh) & same_secret(&stored.auth, &auth)) {
            return Err(taken());
        }
    }
    let now = app.clock.now().timestamp();
    let expires = s.expiration_time.filter(|t| t.is_finite() && *t > 0.0).map(|ms| (ms / 1000.0) as i64);
    let topics_json = serde_json::to_string(&topics).map_err(|e| StorageError(format!("topics JSON: {e}")))?;
    let id = random_hex(12)?;
    let customer = session.account.as_ref().map(|a| a.id.clone());
    let city = body.city.map(|c| c.slug().to_owned());
    let locale = body.locale.unwrap_or_default().code();
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut batch = Batch::named("push-subscribe");
    batch.live_session(&session, ua, now, Subscribe::SessionEnded);
    // The key condition again inside the write: the endpoint may have been stored by another
    // browser since the read above; then no row changes and the guard refuses.
    let upsert = outbox::upsert(NewSubscription {
        id: &id,
        endpoint: &s.endpoint,
        p256dh: &p256dh,
        auth: &auth,
        expires_at: expires,
        session_id: &session.id,
        customer_id: customer.as_deref(),
        topics: &topics_json,
        city: city.as_deref(),
        locale,
        now,
    });
    batch.guard(upsert, Subscribe::Taken);
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(Subscribe::SessionEnded) => return Err(ApiError::SessionEnded),
        Err(Subscribe::Taken) => return Err(taken()),
    }
    let view = outbox::subscription(app.sql.as_ref(), &s.endpoint).await?.ok_or_else(|| StorageError("subscription vanished".into()))?;
    let mut response = (StatusCode::CREATED, Json(view)).into_response();
    if !session.persisted {
        response.extensions_mut().insert(RotateTo(session.id.clone()));
    }
    Ok(response)
}

/// Another browser's endpoint: the keys differ from the ones it was stored with.
fn taken() -> ApiError {
    ApiError::Conflict {
        code: "subscription_taken",
        message: "this endpoint is subscribed with other keys; a browser re-subscribes with its own keys".into(),
    }
}

/// Whose subscriptions this session's shopper manages: the account's on every device, or the guest session's.
fn owner(session: &Session) -> Owner<'_> {
    match &session.account {
        Some(a) => Owner::Account { customer: &a.id, session: &session.id },
        None => Owner::Guest { session: &session.id },
    }
}

/// `GET /api/push/subscriptions`: this shopper's subscriptions (the account's notification settings).
pub async fn my_subscriptions(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<Vec<PushSubscriptionView>>, ApiError> {
    Ok(Json(outbox::subscriptions_of(app.sql.as_ref(), &owner(&session)).await?))
}

/// Why an unsubscription changed nothing: this shopper has no subscription with that endpoint.
struct UnknownSubscription;

/// `DELETE /api/push/subscriptions` `{endpoint}`: unsubscribes (only this shopper's own).
pub async fn unsubscribe(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<Unsubscribe>,
) -> Result<StatusCode, ApiError> {
    let [pending, subscription] = outbox::unsubscribe(&body.endpoint, &owner(&session));
    let mut batch = Batch::named("push-unsubscribe");
    batch.push(pending);
    batch.guard(subscription, UnknownSubscription);
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(UnknownSubscription) => Err(ApiError::not_found("unknown_subscription", "this device has no such subscription")),
    }
}

/// `POST /api/push/dispatch`: one bounded batch, for a cron trigger or scheduler (`Authorization:
/// Bearer <dispatch token>`) or staff.
pub async fn dispatch_now(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
) -> Result<Json<DispatchReport>, ApiError> {
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
    let token_ok = match (&app.config.push.dispatch_token, bearer) {
        (Some(expected), Some(given)) => same_secret(expected, given),
        _ => false,
    };
    if !token_ok {
        session.require_role(Role::Staff)?;
    }
    let report = dispatch(&app, 200).await?;
    // The scheduler's call is also when an import whose request was cut off (Spin has no
    // background to resume it) is taken up again, once its heartbeat is stale.
    let stale_before = app.clock.now().timestamp() - crate::imports::STALE_CLAIM_SECONDS;
    if let Err(e) = crate::imports::run_waiting(&app, stale_before).await {
        tracing::error!(error = %e, "running waiting imports failed");
    }
    if let Err(e) = crate::pricing::settle_due_prices(&app).await {
        tracing::error!(error = %e, "settling scheduled prices failed");
    }
    Ok(Json(report))
}

/// `POST /api/push/clicks` `{id}`: the service worker reports a click on a notification.
pub async fn click(State(app): State<AppState>, ApiJson(body): ApiJson<NotificationClick>) -> Result<StatusCode, ApiError> {
    if body.id.len() != 24 || !body.id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("invalid_id", "id is the notification's id"));
    }
    let now = app.clock.now().timestamp();
    app.sql.batch(vec![outbox::click(&body.id, now)]).await.map_err(StorageError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- campaigns --------------------------------------------------------------------------------

async fn audience_subscriptions(app: &AppState, audience: &Audience) -> Result<Vec<Recipient>, ApiError> {
    let rows = outbox::with_topic(app.sql.as_ref(), &topic_like(&Topic::Promotions)).await?;
    let Some(segment) = &audience.segment else {
        return Ok(rows.into_iter().map(|r| r.recipient).collect());
    };
    let members = segment_members(app).await?;
    let inside = members.get(segment.as_str()).ok_or_else(|| {
        unprocessable("unknown_segment", format!("there is no segment {segment:?}; see GET /api/admin/segments"))
            .with("segment", segment.chars().take(64).collect::<String>())
    })?;
    Ok(rows.into_iter().filter(|r| r.customer_id.as_ref().is_some_and(|c| inside.contains(c))).map(|r| r.recipient).collect())
}

/// `POST /api/admin/campaigns` (marketer): counts (`preview`) or sends a message to an audience.
/// At most `campaigns_per_hour` sends per marketer.
pub async fn create_campaign(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<CampaignRequest>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    let marketer = session.require_role(Role::Marketer)?;
    let title = body.title.trim();
    let text = body.body.trim();
    if title.is_empty() || title.chars().count() > 80 {
        return Err(unprocessable("invalid_title", "title: 1–80 characters"));
    }
    if text.chars().count() > 300 {
        return Err(unprocessable("invalid_body", "body: at most 300 characters").with("reason", "too_long").with("max", 300));
    }
    if !body.url.starts_with('/')
        || body.url.starts_with("//")
        || body.url.contains('\\')
        || body.url.chars().any(char::is_control)
        || body.url.len() > 200
    {
        return Err(unprocessable("invalid_url", "url: a path on this site, e.g. /c/headphones"));
    }
    let subs = audience_subscriptions(&app, &body.audience).await?;
    let recipients = u32::try_from(subs.len()).unwrap_or(u32::MAX);
    if body.preview {
        let view = CampaignView {
            id: None,
            title: title.into(),
            audience: body.audience,
            recipients,
            sent: 0,
            failed: 0,
            pending: 0,
            clicked: 0,
            created_at: None,
        };
        return Ok((StatusCode::OK, Json(view)));
    }
    let now = app.clock.now().timestamp();
    let limit = app.config.push.campaigns_per_hour;
    rate_limit(app.sql.as_ref(), &format!("campaign:{}", marketer.id), limit, 3600, now).await?;
    let id = new_id('C')?;
    let m = Message {
        kind: "campaign",
        text: PushText::Campaign { title: title.into(), body: text.into() },
        url: body.url.clone(),
        tag: format!("campaign-{id}"),
        urgency: "low",
        ttl: 24 * 3600,
        due_at: now,
        dedupe: format!("campaign:{id}"),
        campaign_id: Some(id.clone()),
        cancel_if: None,
    };
    let mut batch = vec![outbox::insert_campaign(outbox::NewCampaign {
        id: &id,
        title,
        body: text,
        url: &body.url,
        audience: serde_json::to_string(&body.audience).unwrap_or_default(),
        recipients,
        created_by: &marketer.id,
        now,
    })];
    batch.extend(enqueue(&subs, &m, now)?);
    app.sql.batch(batch).await.map_err(StorageError::from)?;
    Ok((StatusCode::CREATED, Json(campaign(&app, &id).await?)))
}

async fn campaign(app: &AppState, id: &str) -> Result<CampaignView, StorageError> {
    outbox::campaign(app.sql.as_ref(), id).await?.ok_or_else(|| StorageError(format!("campaign {id} vanished")))
}

/// `GET /api/admin/campaigns` (marketer): campaigns, newest first, with sent/failed/clicked.
pub async fn list_campaigns(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<Vec<CampaignView>>, ApiError> {
    session.require_role(Role::Marketer)?;
    Ok(Json(outbox::campaigns(app.sql.as_ref()).await?))
}
