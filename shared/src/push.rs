//! Web Push rules that need no I/O: topics, which push services are trusted, what a notification
//! carries, retry back-off, and how a payload is trimmed when a push service finds it too large.

use crate::Sku;
use serde::{Deserialize, Serialize};

/// Push services Vitrina delivers to: host suffixes (FCM, Mozilla autopush, Apple, Windows).
pub const DEFAULT_PUSH_HOSTS: &[&str] =
    &["fcm.googleapis.com", "updates.push.services.mozilla.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"];

/// Whether `host` is one of `allowed` or a subdomain of one (`web.push.apple.com` ⊂ `push.apple.com`),
/// written exactly: a fully qualified `fcm.googleapis.com.` is another spelling, refused.
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    allowed.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        host == a || host.strip_suffix(&a).is_some_and(|rest| rest.ends_with('.'))
    })
}

/// What a subscription wants to hear about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Topic {
    CartReminders,
    Promotions,
    OrderStatus,
    BackInStock(Sku),
}

impl Topic {
    pub fn parse(raw: &str) -> Option<Topic> {
        match raw {
            "cart_reminders" => Some(Topic::CartReminders),
            "promotions" => Some(Topic::Promotions),
            "order_status" => Some(Topic::OrderStatus),
            other => other.strip_prefix("back_in_stock:").and_then(|s| Sku::parse(s).ok()).map(Topic::BackInStock),
        }
    }
}

impl std::fmt::Display for Topic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Topic::CartReminders => f.write_str("cart_reminders"),
            Topic::Promotions => f.write_str("promotions"),
            Topic::OrderStatus => f.write_str("order_status"),
            Topic::BackInStock(sku) => write!(f, "back_in_stock:{sku}"),
        }
    }
}

impl TryFrom<String> for Topic {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Topic::parse(&raw)
            .ok_or_else(|| format!("unknown topic {raw:?}: use cart_reminders, promotions, order_status or back_in_stock:<SKU>"))
    }
}

impl From<Topic> for String {
    fn from(t: Topic) -> String {
        t.to_string()
    }
}

/// What the service worker shows. `id` is the outbox message, reported back on click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub title: String,
    pub body: String,
    /// A path on this site to open on click, e.g. `/cart`.
    pub url: String,
    /// Replaces an earlier notification with the same tag on the device.
    pub tag: String,
}

/// What a notification says, as data; [`crate::i18n::push_text`] words it in each subscriber's
/// language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushText {
    /// An order is ready to collect at a store.
    OrderReady { order: String, store: String },
    /// "How likely are you to recommend us?" after an order reached the customer.
    NpsQuestion,
    /// A watched product is back on a store's shelf.
    BackInStock { product: String, store: String },
    /// A cart left unchanged for a while.
    CartReminder,
    /// A marketer's campaign, sent as written.
    Campaign { title: String, body: String },
}

/// A push message may carry at most 4 096 bytes of payload (RFC 8291 §4 after encryption overhead).
pub const MAX_PAYLOAD: usize = 3_800;

/// The notification as JSON, with the body shortened (on a character boundary, with "…") until it
/// fits `max` bytes; used again with a smaller limit when a push service answers 413.
pub fn payload(n: &Notification, max: usize) -> Vec<u8> {
    let mut n = n.clone();
    loop {
        let bytes = serde_json::to_vec(&n).unwrap_or_default();
        if bytes.len() <= max || n.body.is_empty() {
            return bytes;
        }
        // Cut enough bytes for the excess and the "…" (3 bytes), on a character boundary.
        let body = n.body.trim_end_matches('…');
        let mut end = body.len().saturating_sub(bytes.len() - max + 3);
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        n.body = if end == 0 { String::new() } else { format!("{}…", &body[..end]) };
    }
}

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i64 = 6;

/// Seconds to wait before attempt `attempts + 1`: the push service's `Retry-After` if it gave one,
/// else 30 s doubling per attempt, at most an hour.
pub fn backoff(attempts: i64, retry_after: Option<i64>) -> i64 {
    let ours = 30_i64.saturating_mul(1 << attempts.clamp(0, 7)).min(3600);
    retry_after.map_or(ours, |r| r.clamp(1, 24 * 3600))
}

/// Parses `Retry-After` in seconds (the HTTP-date form is treated as "use our back-off").
pub fn parse_retry_after(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok().filter(|s| *s >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_known_push_services_and_their_subdomains_are_allowed() {
        let allowed: Vec<String> = DEFAULT_PUSH_HOSTS.iter().map(|s| (*s).to_owned()).collect();
        assert!(host_allowed("fcm.googleapis.com", &allowed));
        assert!(host_allowed("web.push.apple.com", &allowed));
        assert!(host_allowed("wns2-par02p.notify.windows.com", &allowed));
        assert!(!host_allowed("evilpush.apple.com", &allowed), "a suffix must start at a dot");
        assert!(!host_allowed("fcm.googleapis.com.evil.example", &allowed));
        assert!(!host_allowed("169.254.169.254", &allowed));
        // Regression: a trailing dot was trimmed, so `fcm.googleapis.com.` passed as FCM.
        assert!(!host_allowed("fcm.googleapis.com.", &allowed), "no trailing dot");
        assert!(!host_allowed("web.push.apple.com..", &allowed));
    }

    #[test]
    fn topics_round_trip_and_unknown_ones_are_refused() {
        for raw in ["cart_reminders", "promotions", "order_status", "back_in_stock:PHN-0001"] {
            assert_eq!(Topic::parse(raw).map(|t| t.to_string()).as_deref(), Some(raw));
        }
        assert_eq!(Topic::parse("everything"), None);
        assert_eq!(Topic::parse("back_in_stock:not a sku"), None);
    }

    #[test]
    fn a_payload_is_trimmed_to_fit_and_stays_json() {
        let n =
            Notification {
                id: "m1".into(), title: "Корзина ждёт".into(), body: "я".repeat(3000), url: "/cart".into(), tag: "cart".into()
            };
        let small = payload(&n, 1000);
        assert!(small.len() <= 1000);
        let back: Notification = serde_json::from_slice(&small).unwrap();
        assert!(back.body.ends_with('…'));
        assert_eq!(back.url, "/cart");
    }

    #[test]
    fn back_off_doubles_and_honours_retry_after() {
        assert_eq!(backoff(0, None), 30);
        assert_eq!(backoff(3, None), 240);
        assert_eq!(backoff(20, None), 3600);
        assert_eq!(backoff(1, Some(120)), 120);
        assert_eq!(parse_retry_after(" 17 "), Some(17));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
    }
}
