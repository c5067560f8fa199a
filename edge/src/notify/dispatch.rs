//! Delivery: VAPID keys, RFC 8291 encryption and RFC 8292 signing, and the dispatcher that sends
//! due messages from the outbox (natively on a timer, on Spin through `POST /api/push/dispatch`).

use super::scan_abandoned_carts;
use super::PushConfig;
use crate::db::carts;
use crate::db::push::{self as outbox, Settled};
use crate::error::ApiError;
use crate::ordering::close_stale_payments;
use crate::ports::{OutboundRequest, Sql, StorageError};
use crate::tx::Batch;
use crate::AppState;
use axum::http::Uri;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};
use vitrina_shared::api::DispatchReport;
use vitrina_shared::push::{backoff, host_allowed, parse_retry_after, payload, Notification, MAX_ATTEMPTS, MAX_PAYLOAD};
use web_push_native::jwt_simple::algorithms::{ECDSAP256KeyPairLike, ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::jwt_simple::claims::Claims;
use web_push_native::p256;

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable { code, message: message.into() }
}

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
    if let Some(stored) = outbox::vapid_key(app.sql.as_ref()).await? {
        return decode(&stored);
    }
    let fresh = URL_SAFE_NO_PAD.encode(ES256KeyPair::generate().to_bytes());
    app.sql.batch(vec![outbox::store_vapid_key(&fresh)]).await.map_err(StorageError::from)?;
    decode(&outbox::vapid_key(app.sql.as_ref()).await?.ok_or_else(|| StorageError("VAPID key vanished".into()))?)
}

pub fn public_key(kp: &ES256KeyPair) -> String {
    URL_SAFE_NO_PAD.encode(kp.public_key().public_key().to_bytes_uncompressed())
}

pub(crate) fn decode_b64(raw: &str) -> Option<Vec<u8>> {
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

/// Whether a message's `cancel_if` still holds.
async fn still_wanted(sql: &dyn Sql, cancel_if: Option<&str>) -> Result<bool, StorageError> {
    let Some(cond) = cancel_if else { return Ok(true) };
    let Some((owner, version)) = cond.strip_prefix("cart:").and_then(|rest| rest.rsplit_once(':')) else { return Ok(true) };
    let version: i64 = version.parse().unwrap_or(-1);
    carts::unchanged(sql, owner, version).await
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
    close_stale_payments(app, now).await?;
    let mut report = DispatchReport { enqueued: scan_abandoned_carts(app, now).await?, ..DispatchReport::default() };
    let rows = outbox::due(app.sql.as_ref(), now, limit).await?;
    if rows.is_empty() {
        return Ok(report);
    }
    let kp = vapid_keys(app).await?;
    let contact = app.config.push.contact.clone();
    for r in &rows {
        let id = r.id.clone();
        let set =
            |status: &'static str, code: Option<u16>, error: Option<String>, attempted: bool, sent_at: Option<i64>, due_at: Option<i64>| {
                outbox::settle(&id, Settled { status, code, error, attempted, sent_at, due_at }, now).to_vec()
            };
        // Claim it: a concurrent dispatcher skips it until the lease runs out.
        let mut claim = Batch::named("push-claim");
        claim.guard(outbox::lease(&id, now), Leased);
        match claim.run(app.sql.as_ref()).await? {
            Ok(()) => {}
            Err(Leased) => continue,
        }
        let (Some(endpoint), Some(p256dh), Some(auth)) = (r.endpoint.as_deref(), r.p256dh.as_deref(), r.auth.as_deref()) else {
            app.sql.batch(set("gone", None, Some("the subscription was removed".into()), false, None, None)).await?;
            report.gone += 1;
            continue;
        };
        if !still_wanted(app.sql.as_ref(), r.cancel_if.as_deref()).await? {
            app.sql
                .batch(set("cancelled", None, Some("no longer relevant (the cart changed or was ordered)".into()), false, None, None))
                .await?;
            report.cancelled += 1;
            continue;
        }
        let origin = match push_origin(endpoint, &app.config.push) {
            Ok(o) => o,
            Err(e) => {
                app.sql.batch(set("failed", None, Some(e.to_string()), false, None, None)).await?;
                report.failed += 1;
                continue;
            }
        };
        let notification: Notification = serde_json::from_str(&r.payload).map_err(|e| StorageError(format!("stored payload: {e}")))?;
        let attempts = r.attempts;
        let mut limit_bytes = MAX_PAYLOAD;
        let mut trimmed = false;
        let outcome = loop {
            let body = payload(&notification, limit_bytes);
            let to = Target { endpoint, origin: &origin, p256dh, auth };
            let delivery = Delivery { ttl: r.ttl, urgency: &r.urgency, topic: r.topic.as_deref() };
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
                set("sent", Some(resp.status), None, true, Some(now), None)
            }
            Ok(resp) if resp.status == 404 || resp.status == 410 => {
                report.gone += 1;
                let mut s = set("gone", Some(resp.status), Some("the push service says the subscription is gone".into()), true, None, None);
                if let Some(sub) = &r.subscription {
                    s.extend(outbox::drop_gone(sub));
                }
                s
            }
            Ok(resp) if resp.status == 429 || resp.status >= 500 => {
                if attempts + 1 >= MAX_ATTEMPTS {
                    report.failed += 1;
                    set("failed", Some(resp.status), Some(format!("gave up after {} attempts", attempts + 1)), true, None, None)
                } else {
                    report.retried += 1;
                    let wait = backoff(attempts, resp.retry_after.as_deref().and_then(parse_retry_after));
                    set("pending", Some(resp.status), Some(format!("retry in {wait} s")), true, None, Some(now + wait))
                }
            }
            Ok(resp) => {
                report.failed += 1;
                set("failed", Some(resp.status), Some("the push service refused the message".into()), true, None, None)
            }
            Err(e) => {
                if attempts + 1 >= MAX_ATTEMPTS {
                    report.failed += 1;
                    set("failed", None, Some(e), true, None, None)
                } else {
                    report.retried += 1;
                    let wait = backoff(attempts, None);
                    set("pending", None, Some(e), true, None, Some(now + wait))
                }
            }
        };
        app.sql.batch(statements).await?;
    }
    Ok(report)
}

/// Compares two secrets in time independent of where they differ (digests of equal length).
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter().zip(y.iter()).fold(0_u8, |acc, (p, q)| acc | (p ^ q)) == 0
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
