//! Notifications: the messages Vitrina sends (order ready, NPS question, back in stock, cart
//! reminders, campaigns), the outbox they wait in, and the triggers that fill it. Delivery is
//! [`dispatch`].
//!
//! Delivery guarantee: at least once. A message is marked sent only after the push service accepted
//! it (201); a dispatcher that dies in between leaves a lease that expires after a minute, and the
//! message is sent again. Every message has a dedupe key, so a trigger that fires twice enqueues it
//! once, and an RFC 8030 `Topic` plus the notification `tag` make a repeat replace the first on the
//! device instead of showing twice.

pub mod dispatch;

use crate::db::carts;
use crate::db::push::{self as outbox, Outgoing, Recipient};
use crate::ports::{Sql, Statement, StorageError};
use crate::session::random_hex;
use crate::AppState;
use vitrina_shared::i18n::push_text;
use vitrina_shared::push::{Notification, PushText, Topic, DEFAULT_PUSH_HOSTS};

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
            Ok(outbox::enqueue(Outgoing {
                id: &id,
                subscription: sub,
                dedupe_key: &format!("{}:{sub}", m.dedupe),
                kind: m.kind,
                payload: &serde_json::to_string(&n).unwrap_or_default(),
                topic: topic_header(&m.tag),
                urgency: m.urgency,
                ttl: m.ttl,
                due_at: m.due_at,
                campaign_id: m.campaign_id.as_deref(),
                cancel_if: m.cancel_if.as_deref(),
                now,
            }))
        })
        .collect()
}

/// An RFC 8030 `Topic`: at most 32 characters of the base64url alphabet.
fn topic_header(tag: &str) -> Option<String> {
    let t: String = tag.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(32).collect();
    (!t.is_empty()).then_some(t)
}

/// The LIKE pattern of subscriptions whose topics (a JSON list) include `topic`.
pub(crate) fn topic_like(topic: &Topic) -> String {
    format!("%\"{topic}\"%")
}

/// Subscriptions of a customer (any device) or of a guest session that want `topic`.
pub async fn subscribers(
    sql: &dyn Sql,
    customer: Option<&str>,
    session: Option<&str>,
    topic: &Topic,
) -> Result<Vec<Recipient>, StorageError> {
    outbox::subscribers(sql, customer, session, &topic_like(topic)).await
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
    let watchers = outbox::watchers(sql, &topic_like(&topic), store.city.slug()).await?;
    // A watch fires once: the topic is removed from each subscription it told.
    let mut unwatch = Vec::with_capacity(watchers.len());
    for w in &watchers {
        let mut topics: Vec<Topic> = serde_json::from_str(&w.topics).map_err(|e| StorageError(format!("stored topics: {e}")))?;
        topics.retain(|t| *t != topic);
        let json = serde_json::to_string(&topics).map_err(|e| StorageError(format!("topics JSON: {e}")))?;
        unwatch.push(outbox::set_topics(&w.recipient.subscription, &json));
    }
    let subs: Vec<Recipient> = watchers.into_iter().map(|w| w.recipient).collect();
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

/// Of `pairs` (a product at a store), those with no unit available now: read before a change that
/// may bring units back, so that [`announce_restocked`] can tell the watchers after it.
pub(crate) async fn out_of_stock(
    sql: &dyn Sql,
    pairs: Vec<(vitrina_shared::Sku, vitrina_shared::StoreId)>,
    now: i64,
) -> Result<Vec<(vitrina_shared::Sku, vitrina_shared::StoreId)>, StorageError> {
    let mut out = Vec::new();
    for (sku, store) in pairs {
        if crate::db::stock::available_at(sql, &sku, &store, now).await? == 0 {
            out.push((sku, store));
        }
    }
    Ok(out)
}

/// Enqueues "back in stock" for each of `were_out` ([`out_of_stock`] before the change) that has
/// units available now, in one batch. A watcher hears once a day per product (the outbox's
/// dedupe key), however many of its stores came back.
pub(crate) async fn announce_restocked(
    sql: &dyn Sql,
    were_out: &[(vitrina_shared::Sku, vitrina_shared::StoreId)],
    stores: &[vitrina_shared::store::Store],
    now: i64,
) -> Result<(), StorageError> {
    let mut notices = Vec::new();
    for (sku, store_id) in were_out {
        let Some(store) = stores.iter().find(|s| &s.id == store_id) else { continue };
        if crate::db::stock::available_at(sql, sku, store_id, now).await? > 0 {
            let name = crate::db::catalog::product(sql, sku, now).await?.map(|(p, _)| p.name).unwrap_or_default();
            notices.extend(back_in_stock(sql, sku, &name, store, now).await?);
        }
    }
    if !notices.is_empty() {
        sql.batch(notices).await.map_err(StorageError::from)?;
    }
    Ok(())
}

/// The products someone waits to hear are back in stock.
pub(crate) async fn watched_products(sql: &dyn Sql) -> Result<std::collections::HashSet<vitrina_shared::Sku>, StorageError> {
    // Every `Topic::BackInStock` is stored as "back_in_stock:{sku}" in a JSON list.
    let like = "%\"back_in_stock:%";
    let mut watched = std::collections::HashSet::new();
    for topics in outbox::topic_lists(sql, like).await? {
        let topics: Vec<Topic> = serde_json::from_str(&topics).map_err(|e| StorageError(format!("stored topics: {e}")))?;
        watched.extend(topics.into_iter().filter_map(|t| match t {
            Topic::BackInStock(sku) => Some(sku),
            _ => None,
        }));
    }
    Ok(watched)
}

/// Finds carts left unchanged for the configured time with a subscriber to cart reminders, and
/// enqueues one reminder per cart version (cancelled if the cart changes or is ordered first).
pub(crate) async fn scan_abandoned_carts(app: &AppState, now: i64) -> Result<u32, StorageError> {
    let quiet = app.config.push.abandoned_cart_minutes * 60;
    let carts = carts::abandoned(app.sql.as_ref(), now - quiet, now - 7 * 86_400).await?;
    let mut enqueued = 0;
    for carts::Quiet { owner, version } in carts {
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
