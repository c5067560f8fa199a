//! Web Push: VAPID keys, subscriptions, the outbox and its dispatcher, and the triggers that fill it
//! (abandoned carts, back in stock, order ready, marketer campaigns).
//!
//! Delivery guarantee: at least once. A message is marked sent only after the push service accepted
//! it (201); a dispatcher that dies in between leaves a lease that expires after a minute, and the
//! message is sent again. Every message has a dedupe key, so a trigger that fires twice enqueues it
//! once, and an RFC 8030 `Topic` plus the notification `tag` make a repeat replace the first on the
//! device instead of showing twice.

use crate::db::new_id;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::ports::{OutboundRequest, Sql, Statement, StorageError, Value};
use crate::session::{random_hex, RotateTo, Session};
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};
use vitrina_shared::account::Role;
use vitrina_shared::api::{
    Audience, CampaignRequest, CampaignView, DispatchReport, NotificationClick, PushSubscriptionView, SubscribeRequest, Unsubscribe,
    VapidPublicKey,
};
use vitrina_shared::i18n::{push_text, Locale};
use vitrina_shared::push::{
    backoff, host_allowed, parse_retry_after, payload, Notification, PushText, Topic, DEFAULT_PUSH_HOSTS, MAX_ATTEMPTS, MAX_PAYLOAD,
};
use vitrina_shared::store::City;
use web_push_native::jwt_simple::algorithms::{ECDSAP256KeyPairLike, ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::jwt_simple::claims::Claims;
use web_push_native::p256;

/// Push settings of a host.
#[derive(Debug, Clone)]
pub struct PushConfig {
    /// The VAPID private key (32 bytes, base64url); generated and stored on first use when absent.
    pub vapid_private_key: Option<String>,
    /// The `sub` of the VAPID JWT: how a push service reaches the operator.
    pub contact: String,
    /// Push service hosts (suffixes) subscriptions may point at; anything else is refused.
    pub allowed_hosts: Vec<String>,
    /// `host:port` pairs allowed over plain http: a local push-service stand-in, in tests only.
    pub insecure_hosts: Vec<String>,
    /// A token a scheduler may send as `Authorization: Bearer …` to `POST /api/push/dispatch`.
    pub dispatch_token: Option<String>,
    /// A cart left unchanged this long gets one reminder.
    pub abandoned_cart_minutes: i64,
    /// Campaigns a marketer may send per hour.
    pub campaigns_per_hour: i64,
}

impl Default for PushConfig {
    fn default() -> Self {
        PushConfig {
            vapid_private_key: None,
            contact: "mailto:push@vitrina.local".into(),
            allowed_hosts: DEFAULT_PUSH_HOSTS.iter().map(|s| (*s).to_owned()).collect(),
            insecure_hosts: Vec::new(),
            dispatch_token: None,
            abandoned_cart_minutes: 20,
            campaigns_per_hour: 5,
        }
    }
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable { code, message: message.into() }
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::BadRequest { status: StatusCode::BAD_REQUEST, code, message: message.into() }
}

// ---- keys -------------------------------------------------------------------------------------

/// The VAPID key pair: from config, else the one stored in `settings`, else a new one stored there
/// (concurrent first uses agree on whichever was stored first).
pub async fn vapid_keys(app: &AppState) -> Result<ES256KeyPair, StorageError> {
    let decode = |raw: &str| {
        let bytes = URL_SAFE_NO_PAD
            .decode(raw.trim().trim_end_matches('='))
            .map_err(|e| StorageError(format!("VAPID key is not base64url: {e}")))?;
        ES256KeyPair::from_bytes(&bytes).map_err(|e| StorageError(format!("VAPID key is not a P-256 private key: {e}")))
    };
    if let Some(raw) = &app.config.push.vapid_private_key {
        return decode(raw);
    }
    let read = || async { app.sql.query("SELECT value FROM settings WHERE key = 'vapid_private_key'", vec![]).await };
    if let Some(row) = read().await?.first() {
        return decode(row.text(0)?);
    }
    let fresh = URL_SAFE_NO_PAD.encode(ES256KeyPair::generate().to_bytes());
    app.sql
        .batch(vec![Statement::new("INSERT OR IGNORE INTO settings (key, value) VALUES ('vapid_private_key', ?)", vec![fresh.into()])])
        .await
        .map_err(StorageError::from)?;
    let rows = read().await?;
    decode(rows.first().ok_or_else(|| StorageError("VAPID key vanished".into()))?.text(0)?)
}

fn public_key(kp: &ES256KeyPair) -> String {
    URL_SAFE_NO_PAD.encode(kp.public_key().public_key().to_bytes_uncompressed())
}

/// `GET /api/push/vapid-public-key`.
pub async fn vapid_public_key(State(app): State<AppState>) -> Result<Json<VapidPublicKey>, ApiError> {
    Ok(Json(VapidPublicKey { key: public_key(&vapid_keys(&app).await?) }))
}

// ---- subscriptions ----------------------------------------------------------------------------

fn decode_b64(raw: &str) -> Option<Vec<u8>> {
    let t = raw.trim().trim_end_matches('=');
    URL_SAFE_NO_PAD.decode(t).ok().or_else(|| URL_SAFE.decode(raw.trim()).ok())
}

/// The push service origin of an endpoint, if it may be used: `https://host` for a host named by
/// the allow-list (or its subdomain) on the https port, written plainly (no other port, no
/// trailing dot, no credentials), or `http://host:port` of a configured test stand-in. Nothing
/// else (no SSRF).
pub fn push_origin(endpoint: &str, config: &PushConfig) -> Result<String, ApiError> {
    let refuse = |why: &str| unprocessable("invalid_endpoint", format!("endpoint: {why}"));
    if endpoint.len() > 2048 {
        return Err(refuse("longer than 2048 characters"));
    }
    let uri: Uri = endpoint.parse().map_err(|_| refuse("not a URL"))?;
    let host = uri.host().ok_or_else(|| refuse("no host"))?.to_ascii_lowercase();
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(refuse("credentials are not allowed in the URL"));
    }
    let authority = match uri.port_u16() {
        Some(p) => format!("{host}:{p}"),
        None => host.clone(),
    };
    match uri.scheme_str() {
        Some("https") => {
            // Only `host` or `host:443` as written: `port_u16` reads `:0443` as 443 and `port`
            // skips a port that is not a number (`:443*`).
            let written = uri.authority().map(|a| a.as_str().to_ascii_lowercase()).unwrap_or_default();
            if written != host && written != format!("{host}:443") {
                return Err(refuse("push services listen on port 443 only"));
            }
            let plain_labels = host.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
            if plain_labels && host_allowed(&host, &config.allowed_hosts) {
                Ok(format!("https://{host}"))
            } else {
                Err(refuse(&format!("{host} is not a known push service")))
            }
        }
        Some("http") if config.insecure_hosts.iter().any(|h| h.eq_ignore_ascii_case(&authority)) => Ok(format!("http://{authority}")),
        _ => Err(refuse("must be https")),
    }
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
            if crate::db::catalog::product(app.sql.as_ref(), sku, 0).await?.is_none() {
                return Err(unprocessable("invalid_topic", format!("there is no product {sku} to watch")).with("sku", sku));
            }
        }
    }
    let (p256dh, auth) = (URL_SAFE_NO_PAD.encode(&p256dh), URL_SAFE_NO_PAD.encode(&auth));
    let existing = app.sql.query("SELECT p256dh, auth FROM push_subscriptions WHERE endpoint = ?", vec![s.endpoint.clone().into()]).await?;
    if let Some(row) = existing.first() {
        // Both compared, in constant time: `&`, not `&&`.
        if !(same_secret(row.text(0)?, &p256dh) & same_secret(row.text(1)?, &auth)) {
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
    let upsert = Statement::new(
        "INSERT INTO push_subscriptions (id, endpoint, p256dh, auth, expires_at, session_id, customer_id, topics, city, locale, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (endpoint) DO UPDATE SET expires_at = excluded.expires_at,
             session_id = excluded.session_id, customer_id = excluded.customer_id, topics = excluded.topics, city = excluded.city,
             locale = excluded.locale, updated_at = excluded.updated_at
         WHERE push_subscriptions.p256dh = excluded.p256dh AND push_subscriptions.auth = excluded.auth",
        vec![
            id.into(),
            s.endpoint.clone().into(),
            p256dh.into(),
            auth.into(),
            expires.into(),
            session.id.clone().into(),
            customer.into(),
            topics_json.into(),
            city.into(),
            locale.into(),
            now.into(),
            now.into(),
        ],
    );
    batch.guard(upsert, Subscribe::Taken);
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(Subscribe::SessionEnded) => return Err(ApiError::SessionEnded),
        Err(Subscribe::Taken) => return Err(taken()),
    }
    let rows =
        app.sql.query(&format!("SELECT {SUB_COLUMNS} FROM push_subscriptions WHERE endpoint = ?"), vec![s.endpoint.clone().into()]).await?;
    let view = rows.first().map(view_of).transpose()?.ok_or_else(|| StorageError("subscription vanished".into()))?;
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

const SUB_COLUMNS: &str = "id, endpoint, topics, city";

fn view_of(r: &crate::ports::Row) -> Result<PushSubscriptionView, StorageError> {
    Ok(PushSubscriptionView {
        id: r.text(0)?.to_owned(),
        endpoint: r.text(1)?.to_owned(),
        topics: serde_json::from_str(r.text(2)?).map_err(|e| StorageError(format!("stored topics: {e}")))?,
        city: r.opt_text(3)?.and_then(City::from_slug),
    })
}

/// Which subscriptions belong to this session's shopper: the account's on every device, or the guest session's.
fn owner_filter(session: &Session) -> (&'static str, Vec<Value>) {
    match &session.account {
        Some(a) => ("(customer_id = ? OR session_id = ?)", vec![a.id.clone().into(), session.id.clone().into()]),
        None => ("session_id = ?", vec![session.id.clone().into()]),
    }
}

/// `GET /api/push/subscriptions`: this shopper's subscriptions (the account's notification settings).
pub async fn my_subscriptions(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<Vec<PushSubscriptionView>>, ApiError> {
    let (filter, params) = owner_filter(&session);
    let rows = app.sql.query(&format!("SELECT {SUB_COLUMNS} FROM push_subscriptions WHERE {filter} ORDER BY created_at"), params).await?;
    Ok(Json(rows.iter().map(view_of).collect::<Result<_, _>>()?))
}

/// Why an unsubscription changed nothing: this shopper has no subscription with that endpoint.
struct UnknownSubscription;

/// `DELETE /api/push/subscriptions` `{endpoint}`: unsubscribes (only this shopper's own).
pub async fn unsubscribe(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<Unsubscribe>,
) -> Result<StatusCode, ApiError> {
    let (filter, mut params) = owner_filter(&session);
    params.insert(0, body.endpoint.clone().into());
    let mut batch = Batch::named("push-unsubscribe");
    batch.push(Statement::new(format!("DELETE FROM push_outbox WHERE status = 'pending' AND subscription_id IN (SELECT id FROM push_subscriptions WHERE endpoint = ? AND {filter})"), params.clone()));
    batch.guard(Statement::new(format!("DELETE FROM push_subscriptions WHERE endpoint = ? AND {filter}"), params), UnknownSubscription);
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(UnknownSubscription) => Err(ApiError::not_found("unknown_subscription", "this device has no such subscription")),
    }
}

// ---- the outbox -------------------------------------------------------------------------------

/// A subscription a message goes to, and the language it is written in there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub subscription: String,
    pub locale: Locale,
}

impl Recipient {
    /// From a row whose first two columns are the subscription's `id, locale`.
    fn of(r: &crate::ports::Row) -> Result<Recipient, StorageError> {
        Ok(Recipient { subscription: r.text(0)?.to_owned(), locale: Locale::from_code(r.text(1)?).unwrap_or_default() })
    }
}

/// A message to enqueue for some subscriptions.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: &'static str,
    /// What it says; worded in each recipient's language.
    pub text: PushText,
    pub url: String,
    /// Notification tag and RFC 8030 `Topic` (at most 32 base64url characters).
    pub tag: String,
    pub urgency: &'static str,
    pub ttl: i64,
    pub due_at: i64,
    /// Makes the message unique per subscription: `<dedupe>:<subscription>`.
    pub dedupe: String,
    pub campaign_id: Option<String>,
    /// Checked before sending; the message is dropped when it no longer holds (`cart:<owner>:<version>`).
    pub cancel_if: Option<String>,
}

/// One outbox row per subscription, in its language; a dedupe key seen before is skipped.
pub fn enqueue(recipients: &[Recipient], m: &Message, now: i64) -> Result<Vec<Statement>, StorageError> {
    recipients
        .iter()
        .map(|Recipient { subscription: sub, locale }| {
            let id = random_hex(12)?;
            let (title, body) = push_text(*locale, &m.text);
            let n = Notification { id: id.clone(), title, body, url: m.url.clone(), tag: m.tag.clone() };
            Ok(Statement::new(
                "INSERT OR IGNORE INTO push_outbox (id, subscription_id, dedupe_key, kind, payload, topic, urgency, ttl, due_at, status, campaign_id, cancel_if, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                vec![
                    id.into(),
                    sub.clone().into(),
                    format!("{}:{sub}", m.dedupe).into(),
                    m.kind.into(),
                    serde_json::to_string(&n).unwrap_or_default().into(),
                    topic_header(&m.tag).into(),
                    m.urgency.into(),
                    m.ttl.into(),
                    m.due_at.into(),
                    m.campaign_id.clone().into(),
                    m.cancel_if.clone().into(),
                    now.into(),
                ],
            ))
        })
        .collect()
}

/// An RFC 8030 `Topic`: at most 32 characters of the base64url alphabet.
fn topic_header(tag: &str) -> Option<String> {
    let t: String = tag.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(32).collect();
    (!t.is_empty()).then_some(t)
}

/// Subscriptions of a customer (any device) or of a guest session that want `topic`.
pub async fn subscribers(
    sql: &dyn Sql,
    customer: Option<&str>,
    session: Option<&str>,
    topic: &Topic,
) -> Result<Vec<Recipient>, StorageError> {
    let like = format!("%\"{topic}\"%");
    let (filter, mut params): (&str, Vec<Value>) = match (customer, session) {
        (Some(c), _) => ("customer_id = ?", vec![c.into()]),
        (None, Some(s)) => ("session_id = ? AND customer_id IS NULL", vec![s.into()]),
        (None, None) => return Ok(Vec::new()),
    };
    params.push(like.into());
    sql.query(&format!("SELECT id, locale FROM push_subscriptions WHERE {filter} AND topics LIKE ?"), params)
        .await?
        .iter()
        .map(Recipient::of)
        .collect()
}

/// Enqueues an "order ready for pickup" notice.
pub fn order_ready(order: &str, store_name: &str, now: i64) -> Message {
    Message {
        kind: "order_status",
        text: PushText::OrderReady { order: order.to_owned(), store: store_name.to_owned() },
        url: format!("/orders/{order}"),
        tag: format!("order-{order}"),
        urgency: "high",
        ttl: 24 * 3600,
        due_at: now,
        dedupe: format!("order:{order}:ready"),
        campaign_id: None,
        cancel_if: None,
    }
}

/// "How likely are you to recommend us?" a while after an order reached the customer.
pub fn nps_question(order: &str, now: i64) -> Message {
    Message {
        kind: "nps",
        text: PushText::NpsQuestion,
        url: format!("/orders/{order}"),
        tag: format!("order-{order}"),
        urgency: "low",
        ttl: 2 * 24 * 3600,
        due_at: now + 2 * 3600,
        dedupe: format!("order:{order}:nps"),
        campaign_id: None,
        cancel_if: None,
    }
}

/// Enqueues "back in stock" for watchers of `sku` in the store's city (or anywhere).
pub async fn back_in_stock(
    sql: &dyn Sql,
    sku: &vitrina_shared::Sku,
    name: &str,
    store: &vitrina_shared::store::Store,
    now: i64,
) -> Result<Vec<Statement>, StorageError> {
    let topic = Topic::BackInStock(sku.clone());
    let rows = sql
        .query(
            "SELECT id, locale, topics FROM push_subscriptions WHERE topics LIKE ? AND (city IS NULL OR city = ?)",
            vec![format!("%\"{topic}\"%").into(), store.city.slug().into()],
        )
        .await?;
    let subs: Vec<Recipient> = rows.iter().map(Recipient::of).collect::<Result<_, _>>()?;
    // A watch fires once: the topic is removed from each subscription it told.
    let mut unwatch = Vec::with_capacity(rows.len());
    for r in &rows {
        let mut topics: Vec<Topic> = serde_json::from_str(r.text(2)?).map_err(|e| StorageError(format!("stored topics: {e}")))?;
        topics.retain(|t| *t != topic);
        let json = serde_json::to_string(&topics).map_err(|e| StorageError(format!("topics JSON: {e}")))?;
        unwatch
            .push(Statement::new("UPDATE push_subscriptions SET topics = ? WHERE id = ?", vec![json.into(), r.text(0)?.to_owned().into()]));
    }
    let day = now.div_euclid(86_400);
    let m = Message {
        kind: "back_in_stock",
        text: PushText::BackInStock { product: name.to_owned(), store: store.name.clone() },
        url: format!("/p/{sku}"),
        tag: format!("stock-{sku}"),
        urgency: "normal",
        ttl: 3 * 24 * 3600,
        due_at: now,
        dedupe: format!("stock:{sku}:{day}"),
        campaign_id: None,
        cancel_if: None,
    };
    let mut statements = enqueue(&subs, &m, now)?;
    statements.extend(unwatch);
    Ok(statements)
}

/// Finds carts left unchanged for the configured time with a subscriber to cart reminders, and
/// enqueues one reminder per cart version (cancelled if the cart changes or is ordered first).
async fn scan_abandoned_carts(app: &AppState, now: i64) -> Result<u32, StorageError> {
    let quiet = app.config.push.abandoned_cart_minutes * 60;
    let rows = app
        .sql
        .query(
            "SELECT c.owner, c.version FROM carts c
             WHERE c.updated_at <= ? AND c.updated_at > ? AND EXISTS (SELECT 1 FROM cart_lines l WHERE l.owner = c.owner)
               AND NOT EXISTS (SELECT 1 FROM push_outbox o WHERE o.dedupe_key LIKE 'cart:' || c.owner || ':' || c.version || ':%')
             LIMIT 500",
            vec![(now - quiet).into(), (now - 7 * 86_400).into()],
        )
        .await?;
    let mut enqueued = 0;
    for r in &rows {
        let (owner, version) = (r.text(0)?.to_owned(), r.int(1)?);
        let (customer, session) = match owner.split_once(':') {
            Some(("c", id)) => (Some(id.to_owned()), None),
            Some(("s", id)) => (None, Some(id.to_owned())),
            _ => continue,
        };
        let subs = subscribers(app.sql.as_ref(), customer.as_deref(), session.as_deref(), &Topic::CartReminders).await?;
        if subs.is_empty() {
            continue;
        }
        let m = Message {
            kind: "cart_reminder",
            text: PushText::CartReminder,
            url: "/cart".into(),
            tag: "cart".into(),
            urgency: "normal",
            ttl: 12 * 3600,
            due_at: now,
            dedupe: format!("cart:{owner}:{version}"),
            campaign_id: None,
            cancel_if: Some(format!("cart:{owner}:{version}")),
        };
        let statements = enqueue(&subs, &m, now)?;
        enqueued += statements.len() as u32;
        app.sql.batch(statements).await?;
    }
    Ok(enqueued)
}

/// Whether a message's `cancel_if` still holds.
async fn still_wanted(sql: &dyn Sql, cancel_if: Option<&str>) -> Result<bool, StorageError> {
    let Some(cond) = cancel_if else { return Ok(true) };
    let Some((owner, version)) = cond.strip_prefix("cart:").and_then(|rest| rest.rsplit_once(':')) else { return Ok(true) };
    let version: i64 = version.parse().unwrap_or(-1);
    let rows = sql
        .query(
            "SELECT 1 FROM carts c WHERE c.owner = ? AND c.version = ? AND EXISTS (SELECT 1 FROM cart_lines l WHERE l.owner = c.owner)",
            vec![owner.into(), version.into()],
        )
        .await?;
    Ok(!rows.is_empty())
}

/// Where a message goes: the subscription's endpoint, its push service's origin and its keys.
struct Target<'a> {
    endpoint: &'a str,
    origin: &'a str,
    p256dh: &'a str,
    auth: &'a str,
}

/// The RFC 8030 delivery headers of a message.
struct Delivery<'a> {
    ttl: i64,
    urgency: &'a str,
    topic: Option<&'a str>,
}

/// Builds the encrypted, VAPID-signed request for one message.
fn build_request(kp: &ES256KeyPair, contact: &str, to: &Target<'_>, body: &[u8], d: &Delivery<'_>) -> Result<OutboundRequest, String> {
    let Target { endpoint, origin, p256dh, auth } = *to;
    let Delivery { ttl, urgency, topic } = *d;
    let ua_public =
        p256::PublicKey::from_sec1_bytes(&decode_b64(p256dh).ok_or("stored p256dh is not base64url")?).map_err(|e| e.to_string())?;
    let auth_bytes = decode_b64(auth).ok_or("stored auth is not base64url")?;
    if auth_bytes.len() != 16 {
        return Err("stored auth is not 16 bytes".into());
    }
    let ua_auth = web_push_native::Auth::clone_from_slice(&auth_bytes);
    let encrypted = web_push_native::encrypt(body.to_vec(), &ua_public, &ua_auth).map_err(|e| e.to_string())?;
    // RFC 8292: aud is the push service's origin (with its port), exp at most 24 h ahead.
    let claims = Claims::create(web_push_native::jwt_simple::prelude::Duration::from_hours(12)).with_audience(origin).with_subject(contact);
    let token = kp.sign(claims).map_err(|e| e.to_string())?;
    let mut headers = vec![
        ("TTL".to_owned(), ttl.to_string()),
        ("Urgency".to_owned(), urgency.to_owned()),
        ("Content-Encoding".to_owned(), "aes128gcm".to_owned()),
        ("Content-Type".to_owned(), "application/octet-stream".to_owned()),
        ("Authorization".to_owned(), format!("vapid t={token}, k={}", public_key(kp))),
    ];
    if let Some(t) = topic {
        headers.push(("Topic".to_owned(), t.to_owned()));
    }
    Ok(OutboundRequest { url: endpoint.to_owned(), headers, body: encrypted })
}

/// Why an outbox message was not claimed: another dispatcher holds its lease, or it was settled.
struct Leased;

/// Sends up to `limit` due messages (after enqueuing abandoned-cart reminders). The native host
/// calls this on a timer; on Spin, `POST /api/push/dispatch` does.
pub async fn dispatch(app: &AppState, limit: i64) -> Result<DispatchReport, StorageError> {
    let now = app.clock.now().timestamp();
    // The dispatcher's tick also closes card orders whose payment never got an answer.
    crate::ordering::close_stale_payments(app, now).await?;
    let mut report = DispatchReport { enqueued: scan_abandoned_carts(app, now).await?, ..DispatchReport::default() };
    let rows = app
        .sql
        .query(
            "SELECT o.id, o.payload, o.topic, o.urgency, o.ttl, o.attempts, o.cancel_if, s.id, s.endpoint, s.p256dh, s.auth
             FROM push_outbox o LEFT JOIN push_subscriptions s ON s.id = o.subscription_id
             WHERE o.status = 'pending' AND o.due_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?)
             ORDER BY o.due_at, o.id LIMIT ?",
            vec![now.into(), now.into(), limit.into()],
        )
        .await?;
    if rows.is_empty() {
        return Ok(report);
    }
    let kp = vapid_keys(app).await?;
    let contact = app.config.push.contact.clone();
    for r in &rows {
        let id = r.text(0)?.to_owned();
        let set = |status: &str, code: Option<u16>, error: Option<String>, extra: &str| {
            vec![
                Statement::new(
                    format!("UPDATE push_outbox SET status = ?, last_status = ?, last_error = ?, lease_until = NULL{extra} WHERE id = ?"),
                    vec![status.into(), code.map(i64::from).into(), error.clone().into(), id.clone().into()],
                ),
                Statement::new(
                    "INSERT INTO push_attempts (outbox_id, at, status_code, error) VALUES (?, ?, ?, ?)",
                    vec![id.clone().into(), now.into(), code.map(i64::from).into(), error.into()],
                ),
            ]
        };
        // Claim it: a concurrent dispatcher skips it until the lease runs out.
        let mut claim = Batch::named("push-claim");
        claim.guard(
            Statement::new(
                "UPDATE push_outbox SET lease_until = ? WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)",
                vec![(now + 60).into(), id.clone().into(), now.into()],
            ),
            Leased,
        );
        match claim.run(app.sql.as_ref()).await? {
            Ok(()) => {}
            Err(Leased) => continue,
        }
        let (Some(endpoint), Some(p256dh), Some(auth)) = (r.opt_text(8)?, r.opt_text(9)?, r.opt_text(10)?) else {
            app.sql.batch(set("gone", None, Some("the subscription was removed".into()), "")).await?;
            report.gone += 1;
            continue;
        };
        if !still_wanted(app.sql.as_ref(), r.opt_text(6)?).await? {
            app.sql.batch(set("cancelled", None, Some("no longer relevant (the cart changed or was ordered)".into()), "")).await?;
            report.cancelled += 1;
            continue;
        }
        let origin = match push_origin(endpoint, &app.config.push) {
            Ok(o) => o,
            Err(e) => {
                app.sql.batch(set("failed", None, Some(e.to_string()), "")).await?;
                report.failed += 1;
                continue;
            }
        };
        let notification: Notification = serde_json::from_str(r.text(1)?).map_err(|e| StorageError(format!("stored payload: {e}")))?;
        let attempts = r.int(5)?;
        let mut limit_bytes = MAX_PAYLOAD;
        let mut trimmed = false;
        let outcome = loop {
            let body = payload(&notification, limit_bytes);
            let to = Target { endpoint, origin: &origin, p256dh, auth };
            let delivery = Delivery { ttl: r.int(4)?, urgency: r.text(3)?, topic: r.opt_text(2)? };
            let request = match build_request(&kp, &contact, &to, &body, &delivery) {
                Ok(req) => req,
                Err(e) => break Err(e),
            };
            match app.outbound.post(request).await {
                Ok(resp) if resp.status == 413 && !trimmed => {
                    tracing::warn!(outbox = %id, limit_bytes, "push service answered 413 Payload Too Large; trimming and retrying");
                    trimmed = true;
                    report.trimmed += 1;
                    limit_bytes = 1024;
                }
                other => break other,
            }
        };
        let statements = match outcome {
            Ok(resp) if (200..300).contains(&resp.status) => {
                report.sent += 1;
                set("sent", Some(resp.status), None, &format!(", attempts = attempts + 1, sent_at = {now}"))
            }
            Ok(resp) if resp.status == 404 || resp.status == 410 => {
                report.gone += 1;
                let sub = r.text(7)?.to_owned();
                let mut s = set(
                    "gone",
                    Some(resp.status),
                    Some("the push service says the subscription is gone".into()),
                    ", attempts = attempts + 1",
                );
                s.push(Statement::new("DELETE FROM push_subscriptions WHERE id = ?", vec![sub.clone().into()]));
                s.push(Statement::new(
                    "UPDATE push_outbox SET status = 'gone' WHERE subscription_id = ? AND status = 'pending'",
                    vec![sub.into()],
                ));
                s
            }
            Ok(resp) if resp.status == 429 || resp.status >= 500 => {
                if attempts + 1 >= MAX_ATTEMPTS {
                    report.failed += 1;
                    set("failed", Some(resp.status), Some(format!("gave up after {} attempts", attempts + 1)), ", attempts = attempts + 1")
                } else {
                    report.retried += 1;
                    let wait = backoff(attempts, resp.retry_after.as_deref().and_then(parse_retry_after));
                    set(
                        "pending",
                        Some(resp.status),
                        Some(format!("retry in {wait} s")),
                        &format!(", attempts = attempts + 1, due_at = {}", now + wait),
                    )
                }
            }
            Ok(resp) => {
                report.failed += 1;
                set("failed", Some(resp.status), Some("the push service refused the message".into()), ", attempts = attempts + 1")
            }
            Err(e) => {
                if attempts + 1 >= MAX_ATTEMPTS {
                    report.failed += 1;
                    set("failed", None, Some(e), ", attempts = attempts + 1")
                } else {
                    report.retried += 1;
                    let wait = backoff(attempts, None);
                    set("pending", None, Some(e), &format!(", attempts = attempts + 1, due_at = {}", now + wait))
                }
            }
        };
        app.sql.batch(statements).await?;
    }
    Ok(report)
}

/// Compares two secrets in time independent of where they differ (digests of equal length).
fn same_secret(a: &str, b: &str) -> bool {
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter().zip(y.iter()).fold(0_u8, |acc, (p, q)| acc | (p ^ q)) == 0
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
    Ok(Json(dispatch(&app, 200).await?))
}

/// `POST /api/push/clicks` `{id}`: the service worker reports a click on a notification.
pub async fn click(State(app): State<AppState>, ApiJson(body): ApiJson<NotificationClick>) -> Result<StatusCode, ApiError> {
    if body.id.len() != 24 || !body.id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("invalid_id", "id is the notification's id"));
    }
    let now = app.clock.now().timestamp();
    app.sql
        .batch(vec![Statement::new(
            "UPDATE push_outbox SET clicked_at = COALESCE(clicked_at, ?) WHERE id = ?",
            vec![now.into(), body.id.into()],
        )])
        .await
        .map_err(StorageError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- campaigns --------------------------------------------------------------------------------

async fn audience_subscriptions(app: &AppState, audience: &Audience) -> Result<Vec<Recipient>, ApiError> {
    let like = format!("%\"{}\"%", Topic::Promotions);
    let rows = app.sql.query("SELECT id, locale, customer_id FROM push_subscriptions WHERE topics LIKE ?", vec![like.into()]).await?;
    let Some(segment) = &audience.segment else {
        return Ok(rows.iter().map(Recipient::of).collect::<Result<_, _>>()?);
    };
    let members = crate::pricing::segment_members(app).await?;
    let inside = members.get(segment.as_str()).ok_or_else(|| {
        unprocessable("unknown_segment", format!("there is no segment {segment:?}; see GET /api/admin/segments"))
            .with("segment", segment.chars().take(64).collect::<String>())
    })?;
    let mut out = Vec::new();
    for r in &rows {
        if r.opt_text(2)?.is_some_and(|c| inside.contains(c)) {
            out.push(Recipient::of(r)?);
        }
    }
    Ok(out)
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
    crate::limits::rate_limit(app.sql.as_ref(), &format!("campaign:{}", marketer.id), limit, 3600, now).await?;
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
    let mut batch = vec![Statement::new(
        "INSERT INTO push_campaigns (id, title, body, url, audience, recipients, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            id.clone().into(),
            title.into(),
            text.into(),
            body.url.clone().into(),
            serde_json::to_string(&body.audience).unwrap_or_default().into(),
            i64::from(recipients).into(),
            marketer.id.clone().into(),
            now.into(),
        ],
    )];
    batch.extend(enqueue(&subs, &m, now)?);
    app.sql.batch(batch).await.map_err(StorageError::from)?;
    Ok((StatusCode::CREATED, Json(campaign(&app, &id).await?)))
}

async fn campaign(app: &AppState, id: &str) -> Result<CampaignView, StorageError> {
    let rows = app
        .sql
        .query(
            "SELECT c.id, c.title, c.audience, c.recipients, c.created_at,
                    (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.status = 'sent'),
                    (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.status IN ('failed', 'gone')),
                    (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.status = 'pending'),
                    (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.clicked_at IS NOT NULL)
             FROM push_campaigns c WHERE c.id = ?",
            vec![id.into()],
        )
        .await?;
    let r = rows.first().ok_or_else(|| StorageError(format!("campaign {id} vanished")))?;
    campaign_from(r)
}

fn campaign_from(r: &crate::ports::Row) -> Result<CampaignView, StorageError> {
    let count = |i| r.int(i).map(|n| u32::try_from(n).unwrap_or(0));
    Ok(CampaignView {
        id: Some(r.text(0)?.to_owned()),
        title: r.text(1)?.to_owned(),
        audience: serde_json::from_str(r.text(2)?).unwrap_or_default(),
        recipients: count(3)?,
        created_at: Some(crate::db::to_time(r.int(4)?)),
        sent: count(5)?,
        failed: count(6)?,
        pending: count(7)?,
        clicked: count(8)?,
    })
}

/// `GET /api/admin/campaigns` (marketer): campaigns, newest first, with sent/failed/clicked.
pub async fn list_campaigns(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<Vec<CampaignView>>, ApiError> {
    session.require_role(Role::Marketer)?;
    let rows = app
        .sql
        .query(
            "SELECT c.id, c.title, c.audience, c.recipients, c.created_at,
                    (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.status = 'sent'),
                    (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.status IN ('failed', 'gone')),
                    (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.status = 'pending'),
                    (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.clicked_at IS NOT NULL)
             FROM push_campaigns c ORDER BY c.created_at DESC LIMIT 100",
            vec![],
        )
        .await?;
    Ok(Json(rows.iter().map(campaign_from).collect::<Result<_, _>>()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The origin of an endpoint under the default allow-list, or the refusal's error code.
    fn origin(endpoint: &str) -> Result<String, &'static str> {
        push_origin(endpoint, &PushConfig::default()).map_err(|e| match e {
            ApiError::Unprocessable { code, .. } => code,
            _ => "another error",
        })
    }

    #[test]
    fn the_known_push_services_are_accepted_on_port_443_as_their_plain_origin() {
        assert_eq!(origin("https://fcm.googleapis.com/fcm/send/abc:def"), Ok("https://fcm.googleapis.com".into()));
        assert_eq!(origin("https://fcm.googleapis.com:443/fcm/send/abc"), Ok("https://fcm.googleapis.com".into()));
        assert_eq!(origin("https://web.push.apple.com/QGx"), Ok("https://web.push.apple.com".into()));
        assert_eq!(origin("https://WNS2-PAR02P.notify.windows.com/w/?token=x"), Ok("https://wns2-par02p.notify.windows.com".into()));
        assert_eq!(origin("https://updates.push.services.mozilla.com/wpush/v2/x"), Ok("https://updates.push.services.mozilla.com".into()));
    }

    #[test]
    fn push_endpoints_on_another_port_with_a_trailing_dot_or_credentials_are_refused() {
        // Regression: the allow-list took any port and trimmed a trailing dot (issue 10, item 8).
        for bad in [
            "https://fcm.googleapis.com:8443/fcm/send/abc",
            "https://fcm.googleapis.com:80/fcm/send/abc",
            "https://fcm.googleapis.com:0443/fcm/send/abc",
            "https://fcm.googleapis.com./fcm/send/abc",
            "https://fcm.googleapis.com.:443/fcm/send/abc",
            "https://web.push.apple.com../QGx",
            "https://a..fcm.googleapis.com/x",
            "https://user@fcm.googleapis.com/x",
            "https://user:secret@fcm.googleapis.com/x",
            "https://evilfcm.googleapis.com/x",
            "https://fcm.googleapis.com.evil.example/x",
            "https://[::1]/x",
            "https://169.254.169.254/latest/meta-data",
            "http://fcm.googleapis.com/fcm/send/abc",
            "ftp://fcm.googleapis.com/x",
        ] {
            assert_eq!(origin(bad), Err("invalid_endpoint"), "{bad}");
        }
    }

    #[test]
    fn a_test_stand_in_is_reached_over_http_only_at_its_configured_address() {
        let config = PushConfig { insecure_hosts: vec!["127.0.0.1:4000".into()], ..PushConfig::default() };
        assert_eq!(push_origin("http://127.0.0.1:4000/push/1", &config).ok(), Some("http://127.0.0.1:4000".into()));
        assert!(push_origin("http://127.0.0.1:4001/push/1", &config).is_err());
        assert!(push_origin("https://127.0.0.1:4000/push/1", &config).is_err());
    }
}
