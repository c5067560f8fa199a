//! Web Push: the VAPID key, subscriptions, the outbox and its attempts, campaigns.

use super::{all, first, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use vitrina_shared::api::{CampaignView, PushSubscriptionView};
use vitrina_shared::i18n::Locale;
use vitrina_shared::store::City;

// ---- the VAPID key ------------------------------------------------------------------------------

struct Setting(String);

impl FromRow for Setting {
    const COLUMNS: &'static [&'static str] = &["value"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Setting(row.text("value")?.to_owned()))
    }
}

const VAPID_KEY: &str = "SELECT value FROM settings WHERE key = 'vapid_private_key'";

/// The stored VAPID private key, if any.
pub(crate) async fn vapid_key(sql: &dyn Sql) -> Result<Option<String>, StorageError> {
    Ok(first::<Setting>(sql, VAPID_KEY, vec![]).await?.map(|s| s.0))
}

/// Stores a VAPID private key unless one is stored (concurrent first uses agree on the first).
pub(crate) fn store_vapid_key(key: &str) -> Statement {
    Statement::new("INSERT OR IGNORE INTO settings (key, value) VALUES ('vapid_private_key', ?)", vec![key.into()])
}

// ---- subscriptions ----------------------------------------------------------------------------

/// The keys a subscription was stored with.
pub(crate) struct Keys {
    pub p256dh: String,
    pub auth: String,
}

impl FromRow for Keys {
    const COLUMNS: &'static [&'static str] = &["p256dh", "auth"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Keys { p256dh: row.text("p256dh")?.to_owned(), auth: row.text("auth")?.to_owned() })
    }
}

const KEYS: &str = "SELECT p256dh, auth FROM push_subscriptions WHERE endpoint = ?";

/// The keys of the subscription with this endpoint, if any.
pub(crate) async fn keys(sql: &dyn Sql, endpoint: &str) -> Result<Option<Keys>, StorageError> {
    first(sql, KEYS, vec![endpoint.into()]).await
}

/// A subscription as a browser sends it, with whose it is.
pub(crate) struct NewSubscription<'a> {
    pub id: &'a str,
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub expires_at: Option<i64>,
    pub session_id: &'a str,
    pub customer_id: Option<&'a str>,
    pub topics: &'a str,
    pub city: Option<&'a str>,
    pub locale: &'a str,
    pub now: i64,
}

/// Stores (or updates, by endpoint) a subscription; a known endpoint changes only if the keys are
/// the ones it was stored with (guard it).
pub(crate) fn upsert(s: NewSubscription<'_>) -> Statement {
    Statement::new(
        "INSERT INTO push_subscriptions (id, endpoint, p256dh, auth, expires_at, session_id, customer_id, topics, city, locale, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (endpoint) DO UPDATE SET expires_at = excluded.expires_at,
             session_id = excluded.session_id, customer_id = excluded.customer_id, topics = excluded.topics, city = excluded.city,
             locale = excluded.locale, updated_at = excluded.updated_at
         WHERE push_subscriptions.p256dh = excluded.p256dh AND push_subscriptions.auth = excluded.auth",
        vec![
            s.id.into(),
            s.endpoint.into(),
            s.p256dh.into(),
            s.auth.into(),
            s.expires_at.into(),
            s.session_id.into(),
            s.customer_id.into(),
            s.topics.into(),
            s.city.into(),
            s.locale.into(),
            s.now.into(),
            s.now.into(),
        ],
    )
}

struct SubscriptionRow(PushSubscriptionView);

impl FromRow for SubscriptionRow {
    const COLUMNS: &'static [&'static str] = &["id", "endpoint", "topics", "city"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(SubscriptionRow(PushSubscriptionView {
            id: r.text("id")?.to_owned(),
            endpoint: r.text("endpoint")?.to_owned(),
            topics: serde_json::from_str(r.text("topics")?).map_err(|e| StorageError(format!("stored topics: {e}")))?,
            city: r.opt_text("city")?.and_then(City::from_slug),
        }))
    }
}

fn subscriptions_select(rest: &str) -> String {
    format!("SELECT {} FROM push_subscriptions {rest}", SubscriptionRow::COLUMNS.join(", "))
}

const BY_ENDPOINT: &str = "WHERE endpoint = ?";

/// The subscription with this endpoint, if any.
pub(crate) async fn subscription(sql: &dyn Sql, endpoint: &str) -> Result<Option<PushSubscriptionView>, StorageError> {
    Ok(first::<SubscriptionRow>(sql, &subscriptions_select(BY_ENDPOINT), vec![endpoint.into()]).await?.map(|s| s.0))
}

/// Whose subscriptions: an account's on every device (and this session's), or a guest session's.
pub(crate) enum Owner<'a> {
    Account { customer: &'a str, session: &'a str },
    Guest { session: &'a str },
}

impl Owner<'_> {
    fn filter(&self) -> (&'static str, Vec<Value>) {
        match self {
            Owner::Account { customer, session } => ("(customer_id = ? OR session_id = ?)", vec![(*customer).into(), (*session).into()]),
            Owner::Guest { session } => ("session_id = ?", vec![(*session).into()]),
        }
    }
}

fn owned_select(filter: &str) -> String {
    subscriptions_select(&format!("WHERE {filter} ORDER BY created_at"))
}

/// The owner's subscriptions, oldest first.
pub(crate) async fn subscriptions_of(sql: &dyn Sql, owner: &Owner<'_>) -> Result<Vec<PushSubscriptionView>, StorageError> {
    let (filter, params) = owner.filter();
    Ok(all::<SubscriptionRow>(sql, &owned_select(filter), params).await?.into_iter().map(|s| s.0).collect())
}

/// Removes the owner's subscription with this endpoint (guard the second statement: it changes
/// nothing if the owner has no such subscription) and its pending messages.
pub(crate) fn unsubscribe(endpoint: &str, owner: &Owner<'_>) -> [Statement; 2] {
    let (filter, mut params) = owner.filter();
    params.insert(0, endpoint.into());
    [
        Statement::new(
            format!(
                "DELETE FROM push_outbox WHERE status = 'pending' AND subscription_id IN (SELECT id FROM push_subscriptions WHERE endpoint = ? AND {filter})"
            ),
            params.clone(),
        ),
        Statement::new(format!("DELETE FROM push_subscriptions WHERE endpoint = ? AND {filter}"), params),
    ]
}

/// A signed-in device's subscriptions follow it to its new session and the account.
pub(crate) fn move_to_account(customer: &str, new_session: &str, old_session: &str) -> Statement {
    Statement::new(
        "UPDATE push_subscriptions SET customer_id = ?, session_id = ? WHERE session_id = ?",
        vec![customer.into(), new_session.into(), old_session.into()],
    )
}

/// A device starting a new session keeps its subscriptions as a guest's.
pub(crate) fn move_to_guest(new_session: &str, old_session: &str) -> Statement {
    Statement::new(
        "UPDATE push_subscriptions SET customer_id = NULL, session_id = ? WHERE session_id = ?",
        vec![new_session.into(), old_session.into()],
    )
}

/// A device signed out remotely stops receiving the account's notices.
pub(crate) fn detach_account(session: &str) -> Statement {
    Statement::new("UPDATE push_subscriptions SET customer_id = NULL WHERE session_id = ?", vec![session.into()])
}

// ---- recipients -------------------------------------------------------------------------------

/// A subscription a message goes to, and the language it is written in there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub subscription: String,
    pub locale: Locale,
}

impl FromRow for Recipient {
    const COLUMNS: &'static [&'static str] = &["id", "locale"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Recipient { subscription: r.text("id")?.to_owned(), locale: Locale::from_code(r.text("locale")?).unwrap_or_default() })
    }
}

fn subscribers_select(filter: &str) -> String {
    format!("SELECT id, locale FROM push_subscriptions WHERE {filter} AND topics LIKE ?")
}

const OF_CUSTOMER: &str = "customer_id = ?";
const OF_GUEST: &str = "session_id = ? AND customer_id IS NULL";

/// Subscriptions of a customer (any device) or of a guest session whose topics match `like`.
pub(crate) async fn subscribers(
    sql: &dyn Sql,
    customer: Option<&str>,
    session: Option<&str>,
    like: &str,
) -> Result<Vec<Recipient>, StorageError> {
    let (filter, mut params): (&str, Vec<Value>) = match (customer, session) {
        (Some(c), _) => (OF_CUSTOMER, vec![c.into()]),
        (None, Some(s)) => (OF_GUEST, vec![s.into()]),
        (None, None) => return Ok(Vec::new()),
    };
    params.push(like.into());
    all(sql, &subscribers_select(filter), params).await
}

/// A subscriber with its customer (for a campaign's audience).
pub(crate) struct Audience {
    pub recipient: Recipient,
    pub customer_id: Option<String>,
}

impl FromRow for Audience {
    const COLUMNS: &'static [&'static str] = &["id", "locale", "customer_id"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Audience { recipient: Recipient::from_row(r)?, customer_id: r.opt_text("customer_id")?.map(str::to_owned) })
    }
}

const WITH_TOPIC: &str = "SELECT id, locale, customer_id FROM push_subscriptions WHERE topics LIKE ?";

/// Every subscription whose topics match `like`, with its customer.
pub(crate) async fn with_topic(sql: &dyn Sql, like: &str) -> Result<Vec<Audience>, StorageError> {
    all(sql, WITH_TOPIC, vec![like.into()]).await
}

/// A subscription watching for something, with all it watches.
pub(crate) struct Watcher {
    pub recipient: Recipient,
    pub topics: String,
}

impl FromRow for Watcher {
    const COLUMNS: &'static [&'static str] = &["id", "locale", "topics"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Watcher { recipient: Recipient::from_row(r)?, topics: r.text("topics")?.to_owned() })
    }
}

const WATCHERS: &str = "SELECT id, locale, topics FROM push_subscriptions WHERE topics LIKE ? AND (city IS NULL OR city = ?)";

/// Subscriptions whose topics match `like`, in `city` or anywhere.
pub(crate) async fn watchers(sql: &dyn Sql, like: &str, city: &str) -> Result<Vec<Watcher>, StorageError> {
    all(sql, WATCHERS, vec![like.into(), city.into()]).await
}

struct TopicsRow(String);

impl FromRow for TopicsRow {
    const COLUMNS: &'static [&'static str] = &["topics"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        Ok(TopicsRow(r.text("topics")?.to_owned()))
    }
}

const TOPIC_LISTS: &str = "SELECT topics FROM push_subscriptions WHERE topics LIKE ?";

/// The topic lists (JSON) of every subscription whose topics match `like`.
pub(crate) async fn topic_lists(sql: &dyn Sql, like: &str) -> Result<Vec<String>, StorageError> {
    Ok(all::<TopicsRow>(sql, TOPIC_LISTS, vec![like.into()]).await?.into_iter().map(|r| r.0).collect())
}

/// Sets a subscription's topics.
pub(crate) fn set_topics(subscription: &str, topics: &str) -> Statement {
    Statement::new("UPDATE push_subscriptions SET topics = ? WHERE id = ?", vec![topics.into(), subscription.into()])
}

// ---- the outbox -------------------------------------------------------------------------------

/// A message for one subscription, as the outbox stores it.
pub(crate) struct Outgoing<'a> {
    pub id: &'a str,
    pub subscription: &'a str,
    pub dedupe_key: &'a str,
    pub kind: &'a str,
    pub payload: &'a str,
    pub topic: Option<String>,
    pub urgency: &'a str,
    pub ttl: i64,
    pub due_at: i64,
    pub campaign_id: Option<&'a str>,
    pub cancel_if: Option<&'a str>,
    pub now: i64,
}

/// Queues a message, unless its dedupe key was seen before.
pub(crate) fn enqueue(m: Outgoing<'_>) -> Statement {
    Statement::new(
        "INSERT OR IGNORE INTO push_outbox (id, subscription_id, dedupe_key, kind, payload, topic, urgency, ttl, due_at, status, campaign_id, cancel_if, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
        vec![
            m.id.into(),
            m.subscription.into(),
            m.dedupe_key.into(),
            m.kind.into(),
            m.payload.into(),
            m.topic.into(),
            m.urgency.into(),
            m.ttl.into(),
            m.due_at.into(),
            m.campaign_id.into(),
            m.cancel_if.into(),
            m.now.into(),
        ],
    )
}

/// A due message with where it goes (the subscription may have gone).
pub(crate) struct Due {
    pub id: String,
    pub payload: String,
    pub topic: Option<String>,
    pub urgency: String,
    pub ttl: i64,
    pub attempts: i64,
    pub cancel_if: Option<String>,
    pub subscription: Option<String>,
    pub endpoint: Option<String>,
    pub p256dh: Option<String>,
    pub auth: Option<String>,
}

impl FromRow for Due {
    const COLUMNS: &'static [&'static str] =
        &["id", "payload", "topic", "urgency", "ttl", "attempts", "cancel_if", "subscription", "endpoint", "p256dh", "auth"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        let text = |name| r.opt_text(name).map(|t| t.map(str::to_owned));
        Ok(Due {
            id: r.text("id")?.to_owned(),
            payload: r.text("payload")?.to_owned(),
            topic: text("topic")?,
            urgency: r.text("urgency")?.to_owned(),
            ttl: r.int("ttl")?,
            attempts: r.int("attempts")?,
            cancel_if: text("cancel_if")?,
            subscription: text("subscription")?,
            endpoint: text("endpoint")?,
            p256dh: text("p256dh")?,
            auth: text("auth")?,
        })
    }
}

const DUE: &str =
    "SELECT o.id, o.payload, o.topic, o.urgency, o.ttl, o.attempts, o.cancel_if, s.id AS subscription, s.endpoint, s.p256dh, s.auth
     FROM push_outbox o LEFT JOIN push_subscriptions s ON s.id = o.subscription_id
     WHERE o.status = 'pending' AND o.due_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?)
     ORDER BY o.due_at, o.id LIMIT ?";

/// Up to `limit` messages due at `now` that no dispatcher holds.
pub(crate) async fn due(sql: &dyn Sql, now: i64, limit: i64) -> Result<Vec<Due>, StorageError> {
    all(sql, DUE, vec![now.into(), now.into(), limit.into()]).await
}

/// Claims a message for a minute, while it is pending and no other dispatcher holds it (guard it).
pub(crate) fn lease(id: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE push_outbox SET lease_until = ? WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)",
        vec![(now + 60).into(), id.into(), now.into()],
    )
}

/// What became of a message after a delivery attempt (or without one).
pub(crate) struct Settled {
    pub status: &'static str,
    pub code: Option<u16>,
    pub error: Option<String>,
    /// Whether the push service was asked (counts as an attempt).
    pub attempted: bool,
    pub sent_at: Option<i64>,
    /// When to try again.
    pub due_at: Option<i64>,
}

/// Settles a message (its lease ends) and records the attempt.
pub(crate) fn settle(id: &str, s: Settled, now: i64) -> [Statement; 2] {
    let mut set = String::from("status = ?, last_status = ?, last_error = ?, lease_until = NULL");
    let code = s.code.map(i64::from);
    let mut params: Vec<Value> = vec![s.status.into(), code.into(), s.error.clone().into()];
    if s.attempted {
        set.push_str(", attempts = attempts + 1");
    }
    if let Some(at) = s.sent_at {
        set.push_str(", sent_at = ?");
        params.push(at.into());
    }
    if let Some(at) = s.due_at {
        set.push_str(", due_at = ?");
        params.push(at.into());
    }
    params.push(id.into());
    [
        Statement::new(format!("UPDATE push_outbox SET {set} WHERE id = ?"), params),
        Statement::new(
            "INSERT INTO push_attempts (outbox_id, at, status_code, error) VALUES (?, ?, ?, ?)",
            vec![id.into(), now.into(), code.into(), s.error.into()],
        ),
    ]
}

/// Forgets a subscription the push service says is gone, and gives up its pending messages.
pub(crate) fn drop_gone(subscription: &str) -> [Statement; 2] {
    [
        Statement::new("DELETE FROM push_subscriptions WHERE id = ?", vec![subscription.into()]),
        Statement::new(
            "UPDATE push_outbox SET status = 'gone' WHERE subscription_id = ? AND status = 'pending'",
            vec![subscription.into()],
        ),
    ]
}

/// Records the first click on a notification.
pub(crate) fn click(id: &str, now: i64) -> Statement {
    Statement::new("UPDATE push_outbox SET clicked_at = COALESCE(clicked_at, ?) WHERE id = ?", vec![now.into(), id.into()])
}

// ---- campaigns --------------------------------------------------------------------------------

/// A marketer's campaign, as stored.
pub(crate) struct NewCampaign<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub url: &'a str,
    pub audience: String,
    pub recipients: u32,
    pub created_by: &'a str,
    pub now: i64,
}

pub(crate) fn insert_campaign(c: NewCampaign<'_>) -> Statement {
    Statement::new(
        "INSERT INTO push_campaigns (id, title, body, url, audience, recipients, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            c.id.into(),
            c.title.into(),
            c.body.into(),
            c.url.into(),
            c.audience.into(),
            i64::from(c.recipients).into(),
            c.created_by.into(),
            c.now.into(),
        ],
    )
}

struct CampaignRow(CampaignView);

impl FromRow for CampaignRow {
    const COLUMNS: &'static [&'static str] =
        &["id", "title", "audience", "recipients", "created_at", "sent", "failed", "pending", "clicked"];
    fn from_row(r: &Named<'_>) -> Result<Self, StorageError> {
        let count = |name| r.int(name).map(|n| u32::try_from(n).unwrap_or(0));
        Ok(CampaignRow(CampaignView {
            id: Some(r.text("id")?.to_owned()),
            title: r.text("title")?.to_owned(),
            audience: serde_json::from_str(r.text("audience")?).unwrap_or_default(),
            recipients: count("recipients")?,
            created_at: Some(super::to_time(r.int("created_at")?)),
            sent: count("sent")?,
            failed: count("failed")?,
            pending: count("pending")?,
            clicked: count("clicked")?,
        }))
    }
}

fn campaigns_select(rest: &str) -> String {
    format!(
        "SELECT c.id, c.title, c.audience, c.recipients, c.created_at,
                (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.status = 'sent') AS sent,
                (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.status IN ('failed', 'gone')) AS failed,
                (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.status = 'pending') AS pending,
                (SELECT COUNT(*) FROM push_outbox o WHERE o.campaign_id = c.id AND o.clicked_at IS NOT NULL) AS clicked
         FROM push_campaigns c {rest}"
    )
}

const ONE_CAMPAIGN: &str = "WHERE c.id = ?";
const LATEST_CAMPAIGNS: &str = "ORDER BY c.created_at DESC LIMIT 100";

/// Campaign `id` with its delivery counts, if it exists.
pub(crate) async fn campaign(sql: &dyn Sql, id: &str) -> Result<Option<CampaignView>, StorageError> {
    Ok(first::<CampaignRow>(sql, &campaigns_select(ONE_CAMPAIGN), vec![id.into()]).await?.map(|c| c.0))
}

/// The latest 100 campaigns, newest first.
pub(crate) async fn campaigns(sql: &dyn Sql) -> Result<Vec<CampaignView>, StorageError> {
    Ok(all::<CampaignRow>(sql, &campaigns_select(LATEST_CAMPAIGNS), vec![]).await?.into_iter().map(|c| c.0).collect())
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![
        checked::<Setting>(VAPID_KEY),
        checked::<Keys>(KEYS),
        checked::<SubscriptionRow>(subscriptions_select(BY_ENDPOINT)),
        checked::<SubscriptionRow>(owned_select("(customer_id = ? OR session_id = ?)")),
        checked::<SubscriptionRow>(owned_select("session_id = ?")),
        checked::<Recipient>(subscribers_select(OF_CUSTOMER)),
        checked::<Recipient>(subscribers_select(OF_GUEST)),
        checked::<Audience>(WITH_TOPIC),
        checked::<Watcher>(WATCHERS),
        checked::<TopicsRow>(TOPIC_LISTS),
        checked::<Due>(DUE),
        checked::<CampaignRow>(campaigns_select(ONE_CAMPAIGN)),
        checked::<CampaignRow>(campaigns_select(LATEST_CAMPAIGNS)),
    ]
}
