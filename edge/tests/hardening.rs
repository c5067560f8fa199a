//! Browser hardening (issue 10, items 4 and 8): the security headers on every kind of answer, HSTS
//! only over https, shipped pages without inline script or style, and push subscriptions that
//! another browser cannot take over.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{error_code, Device, TestApp};
use serde_json::{json, Value};
use vitrina_edge::hardening::{CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY};

/// Asserts the headers every answer carries (HSTS is checked separately).
fn assert_hardened(headers: &HeaderMap, what: &str) {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("<missing>").to_owned();
    assert_eq!(get("content-security-policy"), CONTENT_SECURITY_POLICY, "{what}");
    assert!(get("content-security-policy").contains("frame-ancestors 'none'"), "{what}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "strict-origin-when-cross-origin", "{what}");
    assert_eq!(get("permissions-policy"), PERMISSIONS_POLICY, "{what}");
    assert!(get("permissions-policy").contains("geolocation=(self)"), "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
}

async fn send(app: &TestApp, uri: &str, extra: &[(&str, &str)]) -> (StatusCode, HeaderMap) {
    let mut req = Request::get(uri);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let (status, headers, _) = app.send(req.body(Body::empty()).expect("request")).await;
    (status, headers)
}

/// A site directory with both shells and an asset, as the build leaves it.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("site dir");
    for (name, text) in [
        ("index.html", "<!doctype html><title>Vitrina</title><script type=\"module\" src=\"/boot.js\"></script>"),
        ("console.html", "<!doctype html><title>Vitrina console</title><script type=\"module\" src=\"/boot.js\"></script>"),
        ("boot.js", "console.log('boot');"),
    ] {
        std::fs::write(dir.path().join(name), text).expect("site file");
    }
    dir
}

#[tokio::test]
async fn api_json_answers_carry_the_security_headers() {
    // Regression: no answer had a Content-Security-Policy, Referrer-Policy or framing ban (issue 10, item 8).
    let app = TestApp::new().await;
    let (status, headers) = send(&app, "/api/products", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap_or("").starts_with("application/json"));
    assert_hardened(&headers, "GET /api/products");
}

#[tokio::test]
async fn error_answers_carry_the_security_headers_too() {
    let app = TestApp::new().await;
    let (status, headers) = send(&app, "/api/no-such-endpoint", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_hardened(&headers, "API 404");
    let (status, headers) = send(&app, "/not-the-api", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no site configured");
    assert_hardened(&headers, "404 outside the API");
    let refused = Request::post("/api/auth/logout")
        .header(header::HOST, "shop.example")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = app.send(refused).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a cross-site write is refused before any handler");
    assert_hardened(&headers, "cross-site refusal");
}

#[tokio::test]
async fn html_shells_and_static_files_carry_the_security_headers() {
    let dir = site();
    let app = TestApp::with_site(Some(dir.path().to_path_buf())).await;
    for (uri, content_type) in [
        ("/", "text/html"),
        ("/c/headphones", "text/html"),
        ("/staff", "text/html"),
        ("/admin/rules", "text/html"),
        ("/boot.js", "text/javascript"),
    ] {
        let (status, headers) = send(&app, uri, &[]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap_or("").starts_with(content_type), "{uri}");
        assert_hardened(&headers, uri);
    }
    let (status, headers) = send(&app, "/missing.png", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_hardened(&headers, "missing asset");
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_request_came_over_https() {
    let app = TestApp::new().await;
    let hsts = |headers: &HeaderMap| headers.get(header::STRICT_TRANSPORT_SECURITY).map(|v| v.to_str().unwrap_or("").to_owned());
    let (_, plain) = send(&app, "/api/health", &[]).await;
    assert_eq!(hsts(&plain), None, "over http a browser ignores it, and a dev host must stay reachable");
    let (_, direct) = send(&app, "https://shop.example/api/health", &[]).await;
    assert_eq!(hsts(&direct).as_deref(), Some("max-age=31536000"));
    let (_, proxied) = send(&app, "/api/health", &[("x-forwarded-proto", "https")]).await;
    assert_eq!(hsts(&proxied).as_deref(), Some("max-age=31536000"), "behind a TLS-terminating proxy, as for the __Host- cookie");
    assert_hardened(&proxied, "https answer");
}

/// Every `<script>` loads a file; no `<style>`, `style=`, `on…=` handler or `javascript:` URL.
fn inline_code(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for tag in lower.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
        let name = tag.split_whitespace().next().unwrap_or("");
        if name == "script" && !tag.contains(" src=") {
            found.push(format!("inline <{tag}>"));
        }
        if name == "style" {
            found.push("a <style> element".into());
        }
        let attrs = tag.split_whitespace().skip(1);
        for attr in attrs {
            let attr_name = attr.split('=').next().unwrap_or("");
            if attr_name == "style" || (attr_name.starts_with("on") && attr.contains('=')) {
                found.push(format!("attribute {attr}"));
            }
        }
    }
    if lower.contains("javascript:") {
        found.push("a javascript: URL".into());
    }
    found
}

#[test]
fn the_shipped_pages_have_no_inline_script_style_or_handler() {
    // Regression: the shell and the offline page ran inline scripts, which a strict CSP blocks (issue 10, item 8).
    let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let mut pages = 0;
    for entry in std::fs::read_dir(&public).expect("public/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) == Some("html") {
            let html = std::fs::read_to_string(&path).expect("page");
            assert_eq!(inline_code(&html), Vec::<String>::new(), "{}", path.display());
            pages += 1;
        }
    }
    assert!(pages >= 2, "index.html and offline.html are checked");
    assert_eq!(inline_code("<p onclick=\"x()\">"), vec!["attribute onclick=\"x()\"".to_owned()], "the check can fail");
    assert_eq!(inline_code("<script>alert(1)</script>").len(), 1, "the check can fail");
}

// ---- push subscriptions -------------------------------------------------------------------------

const ENDPOINT: &str = "https://fcm.googleapis.com/fcm/send/victim-device-token";

/// A browser's fresh push keys: `p256dh` (an uncompressed P-256 point) and `auth`.
fn browser_keys() -> Value {
    let (kp, auth) = ece::generate_keypair_and_auth_secret().expect("keys");
    json!({"p256dh": URL_SAFE_NO_PAD.encode(kp.pub_as_raw().expect("public key")), "auth": URL_SAFE_NO_PAD.encode(auth)})
}

async fn subscribe(device: &Device<'_>, keys: &Value, topics: &[&str]) -> (StatusCode, Value) {
    let subscription = json!({"endpoint": ENDPOINT, "expirationTime": null, "keys": keys});
    device.post("/api/push/subscriptions", json!({"subscription": subscription, "topics": topics})).await
}

/// The stored row of [`ENDPOINT`]: (id, session, customer, p256dh, auth, topics).
async fn stored(app: &TestApp) -> Vec<Option<String>> {
    let rows = app
        .state
        .sql
        .query("SELECT id, session_id, customer_id, p256dh, auth, topics FROM push_subscriptions WHERE endpoint = ?", vec![ENDPOINT.into()])
        .await
        .expect("query");
    assert_eq!(rows.len(), 1, "one row per endpoint");
    (0..6).map(|i| rows[0].opt_text(i).expect("column").map(str::to_owned)).collect()
}

#[tokio::test]
async fn another_customers_push_endpoint_cannot_be_taken_over() {
    // Regression: posting someone else's endpoint moved the subscription to the caller (issue 10, item 4).
    let app = TestApp::new().await;
    let victim = app.device();
    let victim_keys = browser_keys();
    assert_eq!(subscribe(&victim, &victim_keys, &["order_status"]).await.0, StatusCode::CREATED);
    let before = stored(&app).await;

    let attacker = app.device();
    let body = json!({"email": "mallory@example.ru", "password": "correct horse battery"});
    assert_eq!(attacker.post("/api/auth/register", body).await.0, StatusCode::CREATED);
    let own_keys = browser_keys();
    let mut victims_public_key = own_keys.clone();
    victims_public_key["p256dh"] = victim_keys["p256dh"].clone();
    let mut victims_auth = own_keys.clone();
    victims_auth["auth"] = victim_keys["auth"].clone();
    for keys in [&own_keys, &victims_public_key, &victims_auth] {
        let (status, v) = subscribe(&attacker, keys, &["promotions"]).await;
        assert_eq!((status, error_code(&v)), (StatusCode::CONFLICT, "subscription_taken"), "{keys}");
    }

    assert_eq!(stored(&app).await, before, "nothing changed: owner, keys and topics");
    let (_, theirs) = attacker.get("/api/push/subscriptions").await;
    assert_eq!(theirs, json!([]));
    let (_, mine) = victim.get("/api/push/subscriptions").await;
    assert_eq!((mine[0]["endpoint"].as_str(), mine[0]["topics"].clone()), (Some(ENDPOINT), json!(["order_status"])));
}

#[tokio::test]
async fn the_same_browser_may_subscribe_its_endpoint_again() {
    let app = TestApp::new().await;
    let phone = app.device();
    let keys = browser_keys();
    let (status, first) = subscribe(&phone, &keys, &["order_status"]).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, again) = subscribe(&phone, &keys, &["order_status", "promotions"]).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!((again["id"].clone(), again["topics"].clone()), (first["id"].clone(), json!(["order_status", "promotions"])));

    // The same browser after its cookies were cleared: a new session, the same keys.
    let cleared = app.device();
    let (status, moved) = subscribe(&cleared, &keys, &["cart_reminders"]).await;
    assert_eq!(status, StatusCode::CREATED, "{moved}");
    assert_eq!(moved["id"], first["id"], "the same subscription");
    assert_eq!(stored(&app).await[1].as_deref(), Some(cleared.session_id().as_str()), "it follows the browser's new session");
}

#[tokio::test]
async fn push_endpoints_off_port_443_or_with_a_trailing_dot_are_refused() {
    // Regression: `https://fcm.googleapis.com:8443/…` and `https://fcm.googleapis.com./…` were accepted (issue 10, item 8).
    let app = TestApp::new().await;
    let d = app.device();
    let keys = browser_keys();
    for endpoint in [
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://fcm.googleapis.com./fcm/send/x",
        "https://user@fcm.googleapis.com/fcm/send/x",
    ] {
        let subscription = json!({"endpoint": endpoint, "keys": keys});
        let (status, v) = d.post("/api/push/subscriptions", json!({"subscription": subscription, "topics": []})).await;
        assert_eq!((status, error_code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_endpoint"), "{endpoint}");
    }
    let (_, mine) = d.get("/api/push/subscriptions").await;
    assert_eq!(mine, json!([]));
    let subscription = json!({"endpoint": "https://fcm.googleapis.com:443/fcm/send/x", "keys": keys});
    let (status, v) = d.post("/api/push/subscriptions", json!({"subscription": subscription, "topics": []})).await;
    assert_eq!(status, StatusCode::CREATED, "the explicit https port is the same origin: {v}");
}
