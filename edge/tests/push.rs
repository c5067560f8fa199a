//! Web Push end to end against a push-service stand-in on 127.0.0.1 that decrypts every message
//! with the subscription's private key using an independent RFC 8291 implementation (the `ece`
//! crate on OpenSSL), verifies the VAPID JWT (RFC 8292) with OpenSSL, checks the RFC 8030 headers,
//! and answers whatever status the test asks for.

mod common;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{error_code, Device, TestApp};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use vitrina_edge::notify::dispatch::dispatch;

/// One message as the push service received and decrypted it.
#[derive(Debug, Clone)]
struct Delivered {
    endpoint: String,
    notification: Value,
    headers: HeaderMap,
}

#[derive(Default)]
struct Inner {
    /// Statuses to answer, in order (201 when empty), with an optional Retry-After.
    replies: VecDeque<(u16, Option<&'static str>)>,
    delivered: Vec<Delivered>,
    /// Subscription private keys by endpoint path.
    keys: Vec<(String, ece::EcKeyComponents, [u8; 16])>,
    problems: Vec<String>,
}

struct StandIn {
    base: String,
    inner: Arc<Mutex<Inner>>,
}

impl StandIn {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let inner = Arc::new(Mutex::new(Inner::default()));
        let state = (inner.clone(), base.clone());
        let app = axum::Router::new().route("/push/{id}", axum::routing::post(receive)).with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await.expect("stand-in") });
        StandIn { base, inner }
    }

    /// A fresh browser subscription: its endpoint on this stand-in and its keys.
    fn subscription(&self) -> Value {
        let (kp, auth) = ece::generate_keypair_and_auth_secret().expect("keys");
        let id = format!("{:016x}", rand_u64());
        let endpoint = format!("{}/push/{id}", self.base);
        let public = kp.pub_as_raw().expect("public key");
        self.inner.lock().expect("stand-in state").keys.push((endpoint.clone(), kp.raw_components().expect("components"), auth));
        json!({"endpoint": endpoint, "expirationTime": null, "keys": {"p256dh": URL_SAFE_NO_PAD.encode(public), "auth": URL_SAFE_NO_PAD.encode(auth)}})
    }

    fn reply(&self, status: u16, retry_after: Option<&'static str>) {
        self.inner.lock().expect("stand-in state").replies.push_back((status, retry_after));
    }

    fn delivered(&self) -> Vec<Delivered> {
        let inner = self.inner.lock().expect("stand-in state");
        assert!(inner.problems.is_empty(), "the push service found problems: {:?}", inner.problems);
        inner.delivered.clone()
    }
}

fn rand_u64() -> u64 {
    let mut b = [0_u8; 8];
    openssl::rand::rand_bytes(&mut b).expect("random");
    u64::from_le_bytes(b)
}

/// Checks a VAPID `Authorization: vapid t=<jwt>, k=<key>` header with OpenSSL: ES256 signature by
/// `k`, `aud` = the push service origin, `exp` within 24 hours, a `sub` contact.
fn check_vapid(header: &str, origin: &str) -> Result<(), String> {
    let rest = header.strip_prefix("vapid ").ok_or("not a vapid authorization")?;
    let mut token = None;
    let mut key = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or("malformed vapid parameter")?;
        match k {
            "t" => token = Some(v.to_owned()),
            "k" => key = Some(v.to_owned()),
            _ => {}
        }
    }
    let (token, key) = (token.ok_or("no t")?, key.ok_or("no k")?);
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err("the JWT has not three parts".into());
    }
    let header_json: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    if header_json["alg"] != "ES256" {
        return Err(format!("alg {}", header_json["alg"]));
    }
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    if claims["aud"] != origin {
        return Err(format!("aud {} is not {origin}", claims["aud"]));
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?.as_secs() as i64;
    let exp = claims["exp"].as_i64().ok_or("no exp")?;
    if exp <= now || exp > now + 24 * 3600 {
        return Err(format!("exp {exp} is not within 24 h of {now}"));
    }
    if !claims["sub"].as_str().is_some_and(|s| s.starts_with("mailto:") || s.starts_with("https:")) {
        return Err("sub is not a contact".into());
    }
    let sig = URL_SAFE_NO_PAD.decode(parts[2]).map_err(|e| e.to_string())?;
    if sig.len() != 64 {
        return Err("an ES256 signature is 64 bytes".into());
    }
    let group = openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).map_err(|e| e.to_string())?;
    let mut ctx = openssl::bn::BigNumContext::new().map_err(|e| e.to_string())?;
    let point = openssl::ec::EcPoint::from_bytes(&group, &URL_SAFE_NO_PAD.decode(&key).map_err(|e| e.to_string())?, &mut ctx)
        .map_err(|e| e.to_string())?;
    let public = openssl::ec::EcKey::from_public_key(&group, &point).map_err(|e| e.to_string())?;
    let r = openssl::bn::BigNum::from_slice(&sig[..32]).map_err(|e| e.to_string())?;
    let s = openssl::bn::BigNum::from_slice(&sig[32..]).map_err(|e| e.to_string())?;
    let signature = openssl::ecdsa::EcdsaSig::from_private_components(r, s).map_err(|e| e.to_string())?;
    let digest = openssl::sha::sha256(format!("{}.{}", parts[0], parts[1]).as_bytes());
    if signature.verify(&digest, &public).map_err(|e| e.to_string())? {
        Ok(())
    } else {
        Err("the JWT signature does not verify".into())
    }
}

async fn receive(
    axum::extract::State((inner, base)): axum::extract::State<(Arc<Mutex<Inner>>, String)>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let endpoint = format!("{base}/push/{id}");
    let mut inner = inner.lock().expect("stand-in state");
    let mut problems = Vec::new();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if header("content-encoding").as_deref() != Some("aes128gcm") {
        problems.push("Content-Encoding is not aes128gcm".to_owned());
    }
    if header("ttl").is_none_or(|t| t.parse::<u64>().is_err()) {
        problems.push("no numeric TTL".to_owned());
    }
    if !header("urgency").is_some_and(|u| ["very-low", "low", "normal", "high"].contains(&u.as_str())) {
        problems.push("no valid Urgency".to_owned());
    }
    if let Some(t) = header("topic") {
        if t.len() > 32 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            problems.push(format!("Topic {t:?} is not ≤32 base64url characters"));
        }
    }
    if let Err(e) = header("authorization").ok_or_else(|| "no Authorization".to_owned()).and_then(|a| check_vapid(&a, &base)) {
        problems.push(format!("VAPID: {e}"));
    }
    let key = inner.keys.iter().find(|(e, ..)| *e == endpoint).map(|(_, k, a)| (k.clone(), *a));
    let notification = match key {
        Some((components, auth)) => match ece::decrypt(&components, &auth, &body) {
            Ok(plain) => serde_json::from_slice::<Value>(&plain).unwrap_or(Value::Null),
            Err(e) => {
                problems.push(format!("cannot decrypt: {e}"));
                Value::Null
            }
        },
        None => Value::Null,
    };
    inner.problems.extend(problems);
    let (status, retry_after) = inner.replies.pop_front().unwrap_or((201, None));
    if (200..300).contains(&status) {
        inner.delivered.push(Delivered { endpoint, notification, headers: headers.clone() });
    }
    let mut response = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED).into_response();
    if let Some(r) = retry_after {
        response.headers_mut().insert("retry-after", r.parse().expect("header"));
    }
    response
}

/// The app with the stand-in allowed as a push service (over http, tests only).
async fn app_and_standin() -> (TestApp, StandIn) {
    let mut app = TestApp::new().await;
    let standin = StandIn::start().await;
    let mut config = (*app.state.config).clone();
    config.push.insecure_hosts = vec![standin.base.trim_start_matches("http://").to_owned()];
    app.state.config = Arc::new(config);
    (app, standin)
}

async fn register(d: &Device<'_>, email: &str) {
    let body = json!({"email": email, "password": "correct horse battery"});
    assert_eq!(d.post("/api/auth/register", body).await.0, StatusCode::CREATED);
}

async fn subscribe(device: &Device<'_>, standin: &StandIn, topics: &[&str]) -> Value {
    let sub = standin.subscription();
    let (status, body) = device.post("/api/push/subscriptions", json!({"subscription": sub, "topics": topics, "city": "moscow"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    sub
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vapid_public_key_is_a_stable_p256_point() {
    let (app, _standin) = app_and_standin().await;
    let (status, a) = app.get("/api/push/vapid-public-key").await;
    assert_eq!(status, StatusCode::OK);
    let raw = URL_SAFE_NO_PAD.decode(a["key"].as_str().unwrap()).unwrap();
    assert_eq!((raw.len(), raw[0]), (65, 4), "uncompressed point");
    let (_, b) = app.get("/api/push/vapid-public-key").await;
    assert_eq!(a, b, "generated once and stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_subscriptions_are_refused_and_nothing_is_stored() {
    let (app, standin) = app_and_standin().await;
    let d = app.device();
    let good = standin.subscription();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut s = good.clone();
        f(&mut s);
        json!({"subscription": s, "topics": ["promotions"]})
    };
    let cases = [
        (with(&|s| s["endpoint"] = json!("http://fcm.googleapis.com/fcm/send/x")), "invalid_endpoint"),
        (with(&|s| s["endpoint"] = json!("https://evil.example/push/x")), "invalid_endpoint"),
        (with(&|s| s["endpoint"] = json!("https://169.254.169.254/latest/meta-data")), "invalid_endpoint"),
        (with(&|s| s["endpoint"] = json!("https://user@fcm.googleapis.com/x")), "invalid_endpoint"),
        (with(&|s| s["keys"]["p256dh"] = json!(URL_SAFE_NO_PAD.encode([4_u8; 65]))), "invalid_keys"),
        (with(&|s| s["keys"]["auth"] = json!(URL_SAFE_NO_PAD.encode([1_u8; 8]))), "invalid_keys"),
        (json!({"subscription": good.clone(), "topics": ["everything"]}), "invalid_topic"),
        (json!({"subscription": good.clone(), "topics": ["back_in_stock:NOPE-9999"]}), "invalid_topic"),
    ];
    for (body, code) in cases {
        let (status, v) = d.post("/api/push/subscriptions", body.clone()).await;
        assert_eq!((status, error_code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, code), "{body}");
    }
    let (_, mine) = d.get("/api/push/subscriptions").await;
    assert_eq!(mine, json!([]));
    // A real FCM endpoint is accepted (the keys are checked, nothing is sent).
    let (status, _) =
        d.post("/api/push/subscriptions", with(&|s| s["endpoint"] = json!("https://fcm.googleapis.com/fcm/send/abc:def"))).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_ready_notice_reaches_the_phone_encrypted_and_signed() {
    let (app, standin) = app_and_standin().await;
    let shopper = app.device();
    let sub = subscribe(&shopper, &standin, &["order_status"]).await;
    shopper.set_qty("PHN-0001", json!(1), None).await;
    let body = json!({"fulfilment": {"type": "pickup", "store": "msk-tverskaya"}, "payment": {"method": "pay_on_pickup"}, "contact": {"name": "Анна", "phone": "+79120000000"}});
    let (status, _, order) = shopper.call(Method::POST, "/api/orders", Some(body), &[("idempotency-key", "k")]).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = order["id"].as_str().unwrap();
    let staff = app.staff().await;
    assert_eq!(staff.post(&format!("/api/orders/{id}/ready"), json!({})).await.0, StatusCode::OK);
    let report = dispatch(&app.state, 10).await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    let got = standin.delivered();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].endpoint, sub["endpoint"]);
    assert_eq!(got[0].notification["url"], format!("/orders/{id}"));
    assert!(got[0].notification["title"].as_str().unwrap().contains("готов"));
    assert_eq!(got[0].headers.get("urgency").unwrap(), "high");
    assert_eq!(dispatch(&app.state, 10).await.unwrap().sent, 0, "sent once");
    // Collected: two hours later the phone is asked the NPS question; a 500 is retried, a 404 ends it.
    assert_eq!(staff.post(&format!("/api/orders/{id}/collected"), json!({})).await.0, StatusCode::OK);
    assert_eq!(dispatch(&app.state, 10).await.unwrap().sent, 0, "not yet");
    app.advance(2 * 3600);
    standin.reply(500, None);
    assert_eq!(dispatch(&app.state, 10).await.unwrap().retried, 1);
    app.advance(31);
    standin.reply(404, None);
    let last = dispatch(&app.state, 10).await.unwrap();
    assert_eq!(last.gone, 1, "{last:?}");
    let (_, mine) = shopper.get("/api/push/subscriptions").await;
    assert_eq!(mine, json!([]), "a 404 deletes the subscription too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_cart_gets_one_reminder_after_twenty_minutes_and_none_after_checkout() {
    let (app, standin) = app_and_standin().await;
    let left = app.device();
    subscribe(&left, &standin, &["cart_reminders"]).await;
    left.set_qty("PHN-0001", json!(1), None).await;
    let buyer = app.device();
    subscribe(&buyer, &standin, &["cart_reminders"]).await;
    buyer.set_qty("AUD-0001", json!(1), None).await;
    app.advance(10 * 60);
    assert_eq!(dispatch(&app.state, 10).await.unwrap().sent, 0, "not yet");
    let body = json!({"fulfilment": {"type": "pickup", "store": "msk-tverskaya"}, "payment": {"method": "pay_on_pickup"}, "contact": {"name": "Борис", "phone": "+79120000000"}});
    assert_eq!(buyer.call(Method::POST, "/api/orders", Some(body), &[("idempotency-key", "b")]).await.0, StatusCode::CREATED);
    app.advance(11 * 60);
    let report = dispatch(&app.state, 10).await.unwrap();
    assert_eq!((report.enqueued, report.sent), (1, 1), "{report:?}");
    let got = standin.delivered();
    assert_eq!(got[0].notification["url"], "/cart");
    app.advance(60 * 60);
    assert_eq!(dispatch(&app.state, 10).await.unwrap().sent, 0, "one reminder per cart");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_waiting_for_a_retry_is_cancelled_when_the_shopper_checks_out() {
    let (app, standin) = app_and_standin().await;
    let shopper = app.device();
    subscribe(&shopper, &standin, &["cart_reminders"]).await;
    shopper.set_qty("PHN-0001", json!(1), None).await;
    app.advance(21 * 60);
    standin.reply(503, None);
    let first = dispatch(&app.state, 10).await.unwrap();
    assert_eq!(first.retried, 1, "{first:?}");
    let body = json!({"fulfilment": {"type": "pickup", "store": "msk-tverskaya"}, "payment": {"method": "pay_on_pickup"}, "contact": {"name": "Анна", "phone": "+79120000000"}});
    assert_eq!(shopper.call(Method::POST, "/api/orders", Some(body), &[("idempotency-key", "k")]).await.0, StatusCode::CREATED);
    app.advance(5 * 60);
    let second = dispatch(&app.state, 10).await.unwrap();
    assert_eq!((second.cancelled, second.sent), (1, 0), "{second:?}");
    assert!(standin.delivered().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_service_answers_drive_retries_deletion_and_trimming() {
    let (app, standin) = app_and_standin().await;
    let staff = app.staff().await;
    // A watcher per case; each gets one back-in-stock message when the SKU returns.
    let gone = app.device();
    subscribe(&gone, &standin, &["back_in_stock:AUD-0002"]).await;
    let busy = app.device();
    subscribe(&busy, &standin, &["back_in_stock:AUD-0002"]).await;
    let set = |n: i64| json!({"items": [{"sku": "AUD-0002", "on_hand": n}]}).to_string();
    assert_eq!(app.put_stock("msk-tverskaya", set(0), Some(&staff)).await.0, StatusCode::OK);
    assert_eq!(app.put_stock("msk-tverskaya", set(3), Some(&staff)).await.0, StatusCode::OK);
    standin.reply(410, None);
    standin.reply(429, Some("120"));
    let first = dispatch(&app.state, 10).await.unwrap();
    assert_eq!((first.gone, first.retried), (1, 1), "{first:?}");
    // Which watcher got the 410 depends on the outbox order; that one's subscription is gone.
    let (_, a) = gone.get("/api/push/subscriptions").await;
    let (_, b) = busy.get("/api/push/subscriptions").await;
    let left = [a, b].iter().map(|v| v.as_array().map_or(0, Vec::len)).sum::<usize>();
    assert_eq!(left, 1, "a 410 deletes the subscription");
    app.advance(60);
    assert_eq!(dispatch(&app.state, 10).await.unwrap().sent, 0, "Retry-After: 120 is honoured");
    app.advance(61);
    standin.reply(413, None);
    let later = dispatch(&app.state, 10).await.unwrap();
    assert_eq!((later.trimmed, later.sent), (1, 1), "{later:?}");
    let got = standin.delivered();
    assert_eq!(got.len(), 1);
    assert!(got[0].notification["body"].as_str().unwrap().contains("снова"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_to_a_segment_reaches_exactly_that_segments_subscribers() {
    let (app, standin) = app_and_standin().await;
    let marketer_account = vitrina_edge::BootstrapAccount {
        email: "marketer@vitrina.test".into(),
        password: "marketer-password-1".into(),
        role: vitrina_shared::account::Role::Marketer,
    };
    vitrina_edge::accounts::bootstrap(app.state.sql.as_ref(), &[marketer_account], app.clock.now_ts()).await.unwrap();
    let newcomer = app.device();
    register(&newcomer, "new@example.ru").await;
    let new_sub = subscribe(&newcomer, &standin, &["promotions"]).await;
    let regular = app.device();
    register(&regular, "regular@example.ru").await;
    subscribe(&regular, &standin, &["promotions"]).await;
    let staff = app.staff().await;
    let sale = json!({"store": "msk-tverskaya", "receipt_id": "R-1", "payment": "cash", "lines": [{"sku": "PHN-0001", "qty": 1}],
        "customer": {"email": "regular@example.ru"}});
    assert_eq!(staff.post("/api/pos/sales", sale).await.0, StatusCode::CREATED);
    let quiet = app.device();
    register(&quiet, "quiet@example.ru").await;
    subscribe(&quiet, &standin, &["order_status"]).await; // no marketing opt-in
    let m = app.device();
    assert_eq!(
        m.post("/api/auth/login", json!({"email": "marketer@vitrina.test", "password": "marketer-password-1"})).await.0,
        StatusCode::OK
    );
    let campaign =
        json!({"title": "Добро пожаловать", "body": "−10% на первый заказ", "url": "/c/headphones", "audience": {"segment": "new"}});
    let mut preview = campaign.clone();
    preview["preview"] = json!(true);
    let (status, counted) = m.post("/api/admin/campaigns", preview).await;
    assert_eq!((status, counted["recipients"].as_u64()), (StatusCode::OK, Some(1)), "{counted}");
    let (status, sent) = m.post("/api/admin/campaigns", campaign).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    dispatch(&app.state, 50).await.unwrap();
    let got = standin.delivered();
    assert_eq!(got.iter().map(|d| d.endpoint.clone()).collect::<Vec<_>>(), vec![new_sub["endpoint"].as_str().unwrap().to_owned()]);
    let id = got[0].notification["id"].as_str().unwrap();
    assert_eq!(app.device().post("/api/push/clicks", json!({ "id": id })).await.0, StatusCode::NO_CONTENT);
    let (_, list) = m.get("/api/admin/campaigns").await;
    assert_eq!((list[0]["sent"].as_u64(), list[0]["clicked"].as_u64()), (Some(1), Some(1)), "{list}");
    let (status, bad) =
        m.post("/api/admin/campaigns", json!({"title": "x", "body": "y", "url": "https://evil.example", "audience": {}})).await;
    assert_eq!((status, error_code(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_url"));
    assert_eq!(staff.post("/api/admin/campaigns", json!({"title": "x", "body": "y", "url": "/"})).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guests_subscription_follows_sign_in_and_leaves_the_account_on_sign_out() {
    let (app, standin) = app_and_standin().await;
    let phone = app.device();
    let sub = subscribe(&phone, &standin, &["order_status", "back_in_stock:AUD-0002"]).await;
    register(&phone, "anna@example.ru").await;
    let (_, mine) = phone.get("/api/push/subscriptions").await;
    assert_eq!(mine[0]["endpoint"], sub["endpoint"], "the account sees this device's subscription after sign-in");
    let staff = app.staff().await;
    let set = |n: i64| json!({"items": [{"sku": "AUD-0002", "on_hand": n}]}).to_string();
    app.put_stock("msk-tverskaya", set(0), Some(&staff)).await;
    app.put_stock("msk-tverskaya", set(2), Some(&staff)).await;
    let (_, after) = phone.get("/api/push/subscriptions").await;
    assert_eq!(after[0]["topics"], json!(["order_status"]), "a back-in-stock watch fires once");
    assert_eq!(phone.post("/api/auth/logout", json!({})).await.0, StatusCode::NO_CONTENT);
    let (_, as_guest) = phone.get("/api/push/subscriptions").await;
    assert_eq!(as_guest[0]["endpoint"], sub["endpoint"], "the device keeps it as a guest");
    let rows = app.state.sql.query("SELECT customer_id FROM push_subscriptions", vec![]).await.unwrap();
    assert_eq!(rows[0].opt_text(0).unwrap(), None, "no longer the account's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_subscriber_is_told_in_the_language_they_subscribed_in() {
    // Regression: every notification was in Russian, whatever the shopper's language (issue 10, item 10).
    let (app, standin) = app_and_standin().await;
    let topics = json!(["back_in_stock:AUD-0002"]);
    let mut endpoints = Vec::new();
    for locale in [Some("ru"), Some("en"), None] {
        let sub = standin.subscription();
        let mut body = json!({"subscription": sub, "topics": topics, "city": "moscow"});
        if let Some(locale) = locale {
            body["locale"] = json!(locale);
        }
        let (status, answer) = app.device().post("/api/push/subscriptions", body).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        endpoints.push((locale, sub["endpoint"].as_str().unwrap().to_owned()));
    }
    let staff = app.staff().await;
    let set = |n: i64| json!({"items": [{"sku": "AUD-0002", "on_hand": n}]}).to_string();
    app.put_stock("msk-tverskaya", set(0), Some(&staff)).await;
    app.put_stock("msk-tverskaya", set(2), Some(&staff)).await;
    assert_eq!(dispatch(&app.state, 10).await.unwrap().sent, 3);
    let got = standin.delivered();
    let told = |endpoint: &str| got.iter().find(|d| d.endpoint == endpoint).map(|d| d.notification.clone()).unwrap();
    for (locale, endpoint) in &endpoints {
        let n = told(endpoint);
        let (title, body) = (n["title"].as_str().unwrap(), n["body"].as_str().unwrap());
        match locale {
            Some("en") => {
                assert_eq!(title, "Back in stock");
                assert!(body.contains("is back in stock at"), "{body}");
            }
            _ => {
                assert_eq!(title, "Снова в наличии", "Russian, also when the app did not say");
                assert!(body.contains("снова есть в магазине"), "{body}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribing_again_in_another_language_changes_the_language() {
    let (app, standin) = app_and_standin().await;
    let phone = app.device();
    let sub = standin.subscription();
    for locale in ["ru", "en"] {
        let body = json!({"subscription": sub, "topics": ["cart_reminders"], "locale": locale});
        assert_eq!(phone.post("/api/push/subscriptions", body).await.0, StatusCode::CREATED);
    }
    phone.set_qty("PHN-0001", json!(1), None).await;
    app.advance(21 * 60);
    assert_eq!(dispatch(&app.state, 10).await.unwrap().sent, 1);
    assert_eq!(standin.delivered()[0].notification["title"], "Your cart is waiting");
}
