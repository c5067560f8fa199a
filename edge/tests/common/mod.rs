//! Shared set-up for the API tests: the Router in-process on the native adapter with a
//! temporary SQLite file, a fixed clock, and a small cookie-keeping client.
#![allow(dead_code, reason = "each test file uses a different part of this module")]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;
use vitrina_edge::native::SqliteStore;
use vitrina_edge::ports::Clock;
use vitrina_edge::{db, router, AppState, BootstrapAccount, Config};

pub const STAFF_EMAIL: &str = "staff@vitrina.test";
pub const STAFF_PASSWORD: &str = "staff-password-for-tests";

/// A clock tests can move.
pub struct FixedClock(pub Mutex<DateTime<Utc>>);
impl FixedClock {
    pub fn now_ts(&self) -> i64 {
        self.now().timestamp()
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

pub struct TestApp {
    _dir: tempfile::TempDir,
    pub state: AppState,
    pub clock: Arc<FixedClock>,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_site(None).await
    }

    pub async fn with_site(site: Option<std::path::PathBuf>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Arc::new(SqliteStore::open(&dir.path().join("test.db")).expect("open sqlite"));
        // Wednesday 2026-11-25 12:00 Moscow time.
        let clock = Arc::new(FixedClock(Mutex::new(Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).single().expect("time"))));
        db::schema::migrate_and_seed(store.as_ref(), clock.now()).await.expect("migrate");
        let bootstrap_accounts = vec![BootstrapAccount {
            email: STAFF_EMAIL.into(),
            password: STAFF_PASSWORD.into(),
            role: vitrina_shared::account::Role::Staff,
        }];
        vitrina_edge::accounts::bootstrap(store.as_ref(), &bootstrap_accounts, clock.now().timestamp()).await.expect("bootstrap");
        let config = Config {
            bootstrap_accounts,
            site_dir: site,
            session_key: b"test-session-key-of-32-bytes-min".to_vec(),
            trusted_proxies: vec![],
            staff_merchandise: true,
            ..Config::default()
        };
        let state = AppState {
            sql: store.clone(),
            kv: store.clone(),
            clock: clock.clone(),
            payments: Arc::new(vitrina_edge::payments::TestProvider::new(store.clone())),
            outbound: Arc::new(vitrina_edge::native::HttpOutbound::new()),
            rules: Arc::default(),
            pages: Arc::default(),
            config: Arc::new(config),
        };
        TestApp { _dir: dir, state, clock }
    }

    pub async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = router(self.state.clone()).oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.expect("body").to_bytes().to_vec();
        (status, headers, body)
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let (status, _, body) = self.send(Request::get(uri).body(Body::empty()).expect("request")).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    pub async fn put_stock(&self, store: &str, body: impl Into<Body>, staff: Option<&Device<'_>>) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method(Method::PUT)
            .uri(format!("/api/stores/{store}/stock"))
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(cookie) = staff.and_then(|d| d.cookie.lock().expect("cookie").clone()) {
            req = req.header(header::COOKIE, cookie);
        }
        let (status, _, body) = self.send(req.body(body.into()).expect("request")).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }
}

/// The (SKU, quantity) pairs of a cart answer, in order.
pub fn cart_lines(cart: &Value) -> Vec<(String, u64)> {
    cart["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| (l["sku"].as_str().unwrap_or("").to_owned(), l["qty"].as_u64().unwrap_or(0)))
        .collect()
}

pub fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<no error code>")
}

impl TestApp {
    /// Sends `POST /api/orders` with `body` once per (cookie, idempotency key), all at the same
    /// time on the runtime's workers; the answers come back in the same order.
    pub async fn checkout_all(&self, senders: &[(String, String)], body: &Value) -> Vec<(StatusCode, Value)> {
        let tasks: Vec<_> = senders
            .iter()
            .map(|(cookie, key)| {
                let request = Request::post("/api/orders")
                    .header(header::COOKIE, cookie.as_str())
                    .header("idempotency-key", key.as_str())
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))
                    .expect("request");
                let router = router(self.state.clone());
                tokio::spawn(async move {
                    let response = router.oneshot(request).await.expect("infallible");
                    let status = response.status();
                    let bytes = response.into_body().collect().await.expect("body").to_bytes();
                    (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
                })
            })
            .collect();
        let mut out = Vec::with_capacity(tasks.len());
        for t in tasks {
            out.push(t.await.expect("checkout task"));
        }
        out
    }

    /// Moves the clock forward.
    pub fn advance(&self, seconds: i64) {
        let mut now = self.clock.0.lock().expect("clock");
        *now += chrono::Duration::seconds(seconds);
    }

    /// A device signed in as the bootstrap staff account.
    pub async fn staff(&self) -> Device<'_> {
        let device = self.device();
        let (status, body) = device.post("/api/auth/login", serde_json::json!({"email": STAFF_EMAIL, "password": STAFF_PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "staff sign-in: {body}");
        device
    }

    /// A tablet enrolled as the showroom kiosk of `store`: staff issue a one-time code, the
    /// tablet presents it.
    pub async fn kiosk(&self, store: &str) -> Device<'_> {
        let staff = self.staff().await;
        let (status, issued) = staff.post("/api/kiosk/enrolments", serde_json::json!({"store_id": store})).await;
        assert_eq!(status, StatusCode::CREATED, "enrolment code: {issued}");
        let tablet = self.device();
        let (status, enrolled) = tablet.post("/api/kiosk/enrol", serde_json::json!({"code": issued["code"]})).await;
        assert_eq!(status, StatusCode::OK, "enrolment: {enrolled}");
        tablet
    }

    /// A client that keeps the session cookie like a browser on one device.
    pub fn device(&self) -> Device<'_> {
        Device { app: self, cookie: Mutex::new(None), user_agent: "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36" }
    }
}

/// One browser: sends its cookie and keeps the one the server sets.
pub struct Device<'a> {
    app: &'a TestApp,
    pub cookie: Mutex<Option<String>>,
    pub user_agent: &'static str,
}

impl Device<'_> {
    /// The session id inside this device's cookie.
    pub fn session_id(&self) -> String {
        let cookie = self.cookie.lock().expect("cookie").clone().unwrap_or_default();
        cookie.trim_start_matches("vitrina_session=").split('.').next().unwrap_or("").to_owned()
    }

    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, Value) {
        let mut req = Request::builder().method(method).uri(uri).header(header::USER_AGENT, self.user_agent);
        if let Some(c) = self.cookie.lock().expect("cookie").clone() {
            req = req.header(header::COOKIE, c);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let (status, headers, bytes) = self.app.send(req.body(body).expect("request")).await;
        if let Some(set) = headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()) {
            let pair = set.split(';').next().unwrap_or("").to_owned();
            *self.cookie.lock().expect("cookie") = Some(pair);
        }
        (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let (s, _, v) = self.call(Method::GET, uri, None, &[]).await;
        (s, v)
    }

    pub async fn post(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        let (s, _, v) = self.call(Method::POST, uri, Some(body), &[]).await;
        (s, v)
    }

    pub async fn set_qty(&self, sku: &str, qty: Value, if_match: Option<&str>) -> (StatusCode, Value) {
        let extra: Vec<(&str, &str)> = if_match.map(|v| vec![("if-match", v)]).unwrap_or_default();
        let (s, _, v) = self.call(Method::PUT, &format!("/api/cart/items/{sku}"), Some(serde_json::json!({ "qty": qty })), &extra).await;
        (s, v)
    }
}

/// The SKUs of the product cards of a page, in order.
pub fn skus(html: &str) -> Vec<String> {
    html.split("data-testid=\"product-card\"")
        .skip(1)
        .filter_map(|card| card.split("href=\"").nth(1)?.split('"').next())
        .filter_map(|href| href.rsplit('/').next())
        .map(str::to_owned)
        .collect()
}
