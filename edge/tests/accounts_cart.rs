//! Sessions, accounts and the server-side cart through the HTTP API.

mod common;

use axum::http::{Method, StatusCode};
use common::{cart_lines, error_code, TestApp};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

async fn register(device: &common::Device<'_>, email: &str) -> Value {
    let (status, body) = device.post("/api/auth/register", json!({"email": email, "password": PASSWORD, "name": "Анна"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

#[tokio::test]
async fn a_session_gets_its_signed_http_only_cookie_with_its_first_write() {
    let app = TestApp::new().await;
    let phone = app.device();
    let (status, headers, _) = phone.call(Method::GET, "/api/cart", None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    // Regression: cookies minted by parallel first requests raced and orphaned the first cart.
    assert!(headers.get("set-cookie").is_none(), "browsing alone sets no cookie");
    assert_eq!(headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("private, no-store"), "personal answers are not cached");
    let (status, headers, _) = phone.call(Method::PUT, "/api/cart/items/PHN-0001", Some(json!({"qty": 1})), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let cookie = headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(cookie.starts_with("vitrina_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http on localhost");
    let (_, headers, cart) = phone.call(Method::GET, "/api/cart", None, &[]).await;
    assert!(headers.get("set-cookie").is_none(), "an existing session keeps its cookie");
    assert_eq!(cart_lines(&cart), vec![("PHN-0001".into(), 1)]);
}

#[tokio::test]
async fn a_tampered_cookie_gets_a_fresh_anonymous_session_never_someone_elses() {
    let app = TestApp::new().await;
    let anna = app.device();
    anna.set_qty("PHN-0001", json!(2), None).await;
    let stolen = anna.cookie.lock().expect("cookie").clone().unwrap_or_default();
    let mallory = app.device();
    // Flip one character of the signature.
    let mut forged = stolen.clone();
    let last = forged.pop().map_or('A', |c| if c == 'A' { 'B' } else { 'A' });
    forged.push(last);
    *mallory.cookie.lock().expect("cookie") = Some(forged);
    let (status, cart) = mallory.get("/api/cart").await;
    assert_eq!(status, StatusCode::OK);
    assert!(cart_lines(&cart).is_empty(), "the forged cookie does not reach Anna's cart");
    mallory.set_qty("AUD-0001", json!(1), None).await;
    assert_ne!(mallory.cookie.lock().expect("cookie").clone(), Some(stolen), "a new session of its own");
    let (_, anna_cart) = anna.get("/api/cart").await;
    assert_eq!(cart_lines(&anna_cart), vec![("PHN-0001".into(), 2)], "Anna's cart is untouched");
}

#[tokio::test]
async fn a_guest_cart_is_kept_on_the_server_with_a_version_and_etag() {
    let app = TestApp::new().await;
    let phone = app.device();
    let (status, cart) = phone.set_qty("PHN-0001", json!(2), None).await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    assert_eq!(cart_lines(&cart), vec![("PHN-0001".into(), 2)]);
    assert_eq!(cart["item_count"], 2);
    let price: f64 = cart["lines"][0]["unit_price"]["amount"].as_str().and_then(|a| a.parse().ok()).unwrap_or(0.0);
    let total: f64 = cart["total"]["amount"].as_str().and_then(|a| a.parse().ok()).unwrap_or(0.0);
    assert!((total - 2.0 * price).abs() < 0.005, "total = 2 × price");
    let (status, headers, again) = phone.call(Method::GET, "/api/cart", None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("etag").and_then(|v| v.to_str().ok()), Some(format!("\"{}\"", again["version"]).as_str()));
    let etag = headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let (status, _, _) = phone.call(Method::GET, "/api/cart", None, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED, "pollers get 304 while nothing changed");
    let (status, cart) = phone.set_qty("PHN-0001", json!(0), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(cart_lines(&cart).is_empty(), "quantity 0 removes the line");
}

#[tokio::test]
async fn bad_quantities_and_unknown_skus_are_rejected_and_change_nothing() {
    let app = TestApp::new().await;
    let phone = app.device();
    phone.set_qty("PHN-0001", json!(1), None).await;
    let cases = [
        ("PHN-0001", json!(-1), StatusCode::UNPROCESSABLE_ENTITY, "negative_quantity"),
        ("PHN-0001", json!(11), StatusCode::UNPROCESSABLE_ENTITY, "line_quantity_too_large"),
        ("PHN-0001", json!(1_000_000_000_000_i64), StatusCode::UNPROCESSABLE_ENTITY, "line_quantity_too_large"),
        ("PHN-0001", json!("two"), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        ("PHN-0001", json!(1.5), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        ("NOPE-0001", json!(1), StatusCode::NOT_FOUND, "unknown_sku"),
    ];
    for (sku, qty, status, code) in cases {
        let (got, body) = phone.set_qty(sku, qty.clone(), None).await;
        assert_eq!((got, error_code(&body)), (status, code), "{sku} {qty}");
    }
    let (_, cart) = phone.get("/api/cart").await;
    assert_eq!(cart_lines(&cart), vec![("PHN-0001".into(), 1)]);
}

#[tokio::test]
async fn two_devices_writing_the_same_cart_get_a_409_with_the_current_cart_instead_of_a_lost_update() {
    let app = TestApp::new().await;
    let phone = app.device();
    register(&phone, "anna@example.ru").await;
    let laptop = app.device();
    laptop.post("/api/auth/login", json!({"email": "anna@example.ru", "password": PASSWORD})).await;
    let (_, start) = phone.get("/api/cart").await;
    let seen = format!("\"{}\"", start["version"]);
    let (status, _) = phone.set_qty("PHN-0001", json!(1), Some(&seen)).await;
    assert_eq!(status, StatusCode::OK);
    // The laptop still believes the old version.
    let (status, conflict) = laptop.set_qty("LAP-0001", json!(1), Some(&seen)).await;
    assert_eq!((status, error_code(&conflict)), (StatusCode::CONFLICT, "cart_conflict"));
    assert_eq!(cart_lines(&conflict["cart"]), vec![("PHN-0001".into(), 1)], "the 409 carries the current cart");
    // Retry with the version from the 409.
    let fresh = format!("\"{}\"", conflict["cart"]["version"]);
    let (status, cart) = laptop.set_qty("LAP-0001", json!(1), Some(&fresh)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cart_lines(&cart), vec![("PHN-0001".into(), 1), ("LAP-0001".into(), 1)], "nothing was lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_with_the_same_version_let_exactly_one_through() {
    let app = TestApp::new().await;
    let phone = app.device();
    phone.set_qty("PHN-0001", json!(1), None).await;
    let (_, cart) = phone.get("/api/cart").await;
    let seen = format!("\"{}\"", cart["version"]);
    let cookie = phone.cookie.lock().expect("cookie").clone().unwrap_or_default();
    let skus = ["AUD-0001", "AUD-0002", "AUD-0003", "AUD-0004", "AUD-0005", "AUD-0006", "AUD-0007", "AUD-0008"];
    let tasks: Vec<_> = skus
        .iter()
        .map(|sku| {
            let request = axum::http::Request::put(format!("/api/cart/items/{sku}"))
                .header("cookie", cookie.as_str())
                .header("if-match", seen.as_str())
                .header("content-type", "application/json")
                .body(axum::body::Body::from(r#"{"qty": 1}"#))
                .expect("request");
            let router = vitrina_edge::router(app.state.clone());
            tokio::spawn(async move { tower::ServiceExt::oneshot(router, request).await.map(|r| r.status()) })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task").expect("infallible"));
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let conflicts = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((ok, conflicts), (1, skus.len() - 1), "{statuses:?}");
    let (_, cart) = phone.get("/api/cart").await;
    assert_eq!(cart_lines(&cart).len(), 2, "the one accepted write and the original line");
}

#[tokio::test]
async fn a_guest_cart_merges_into_the_account_cart_on_sign_in_and_the_old_cookie_stops_working() {
    let app = TestApp::new().await;
    // Anna's account already holds 9 of a phone and a laptop.
    let desktop = app.device();
    register(&desktop, "anna@example.ru").await;
    desktop.set_qty("PHN-0001", json!(9), None).await;
    desktop.set_qty("LAP-0001", json!(1), None).await;
    // As a guest on her phone she adds 3 more phones and headphones.
    let phone = app.device();
    phone.set_qty("PHN-0001", json!(3), None).await;
    phone.set_qty("AUD-0002", json!(2), None).await;
    let guest_cookie = phone.cookie.lock().expect("cookie").clone();

    let (status, signed_in) = phone.post("/api/auth/login", json!({"email": "Anna@Example.ru", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{signed_in}");
    assert_eq!(signed_in["profile"]["email"], "anna@example.ru");
    let adjustments = signed_in["cart_adjustments"].as_array().cloned().unwrap_or_default();
    assert_eq!(adjustments.len(), 1, "{adjustments:?}");
    assert_eq!(
        (adjustments[0]["sku"].as_str(), adjustments[0]["requested"].as_u64(), adjustments[0]["kept"].as_u64()),
        (Some("PHN-0001"), Some(12), Some(10))
    );
    assert_eq!(adjustments[0]["reason"], "line_maximum");
    assert_ne!(phone.cookie.lock().expect("cookie").clone(), guest_cookie, "the session id rotates on sign-in");

    let (_, on_phone) = phone.get("/api/cart").await;
    let (_, on_desktop) = desktop.get("/api/cart").await;
    let merged = vec![("PHN-0001".to_owned(), 10), ("LAP-0001".to_owned(), 1), ("AUD-0002".to_owned(), 2)];
    assert_eq!(cart_lines(&on_phone), merged);
    assert_eq!(cart_lines(&on_desktop), merged, "one cart on every device");

    // Replaying the old guest cookie reaches neither the guest cart nor the account.
    let replay = app.device();
    *replay.cookie.lock().expect("cookie") = guest_cookie;
    let (_, cart) = replay.get("/api/cart").await;
    assert!(cart_lines(&cart).is_empty());
    let (status, _) = replay.get("/api/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let app = TestApp::new().await;
    register(&app.device(), "anna@example.ru").await;
    let stranger = app.device();
    let (s1, wrong_password) = stranger.post("/api/auth/login", json!({"email": "anna@example.ru", "password": "not her password"})).await;
    let (s2, unknown_email) = stranger.post("/api/auth/login", json!({"email": "nobody@example.ru", "password": "not her password"})).await;
    assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(wrong_password, unknown_email, "no hint whether the e-mail exists");
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_per_account() {
    let app = TestApp::new().await;
    register(&app.device(), "anna@example.ru").await;
    let attacker = app.device();
    for _ in 0..vitrina_edge::accounts::LOGIN_ATTEMPTS_PER_ACCOUNT {
        let (status, _) = attacker.post("/api/auth/login", json!({"email": "anna@example.ru", "password": "guess guess"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, headers, body) =
        attacker.call(Method::POST, "/api/auth/login", Some(json!({"email": "anna@example.ru", "password": PASSWORD})), &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"), "even the right password waits");
    assert!(headers.get("retry-after").is_some());
    app.advance(vitrina_edge::accounts::LOGIN_WINDOW_SECONDS + 1);
    let (status, _) = attacker.post("/api/auth/login", json!({"email": "anna@example.ru", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "the window passes");
}

#[tokio::test]
async fn registration_validates_email_and_password_and_refuses_duplicates() {
    let app = TestApp::new().await;
    let d = app.device();
    let (status, body) = d.post("/api/auth/register", json!({"email": "not-an-email", "password": PASSWORD})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "invalid_email"));
    let (status, body) = d.post("/api/auth/register", json!({"email": "anna@example.ru", "password": "short"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "password_policy"));
    register(&d, "anna@example.ru").await;
    let (status, body) = app.device().post("/api/auth/register", json!({"email": "ANNA@example.ru", "password": PASSWORD})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "email_taken"));
}

#[tokio::test]
async fn the_account_lists_its_devices_and_can_sign_one_out() {
    let app = TestApp::new().await;
    let phone = app.device();
    register(&phone, "anna@example.ru").await;
    let mut laptop = app.device();
    laptop.user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
    laptop.post("/api/auth/login", json!({"email": "anna@example.ru", "password": PASSWORD})).await;
    let (status, devices) = phone.get("/api/me/devices").await;
    assert_eq!(status, StatusCode::OK);
    let devices = devices.as_array().cloned().unwrap_or_default();
    assert_eq!(devices.len(), 2);
    assert_eq!(devices.iter().filter(|d| d["current"] == true).count(), 1);
    let laptop_entry = devices.iter().find(|d| d["user_agent"] == "Chrome on Windows").cloned().unwrap_or_default();
    let id = laptop_entry["id"].as_str().unwrap_or("");
    let (status, _, _) = phone.call(Method::DELETE, &format!("/api/me/devices/{id}"), None, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = laptop.get("/api/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the laptop is signed out");
    let (status, _, body) = phone.call(Method::DELETE, &format!("/api/me/devices/{id}"), None, &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_device"));
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::new().await;
    let phone = app.device();
    register(&phone, "anna@example.ru").await;
    let (status, me) = phone.get("/api/me").await;
    assert_eq!((status, me["name"].as_str()), (StatusCode::OK, Some("Анна")));
    let (status, _) = phone.post("/api/auth/logout", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = phone.get("/api/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_cross_site_write_is_refused_and_a_same_origin_write_passes() {
    let app = TestApp::new().await;
    let d = app.device();
    let (status, _, body) = d
        .call(
            Method::PUT,
            "/api/cart/items/PHN-0001",
            Some(json!({"qty": 1})),
            &[("host", "shop.example"), ("origin", "https://evil.example")],
        )
        .await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, _, _) = d
        .call(
            Method::PUT,
            "/api/cart/items/PHN-0001",
            Some(json!({"qty": 1})),
            &[("host", "shop.example"), ("origin", "https://shop.example")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_profile_can_be_edited_with_validation() {
    let app = TestApp::new().await;
    let d = app.device();
    register(&d, "anna@example.ru").await;
    let good = json!({"name": "Анна Петрова", "phone": "+7 912 345-67-89", "city": "saint_petersburg", "preferred_store": "spb-nevsky", "language": "en"});
    let (status, profile) = d.call(Method::PUT, "/api/me", Some(good), &[]).await.into_pair();
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(
        (profile["city"].as_str(), profile["preferred_store"].as_str(), profile["language"].as_str()),
        (Some("saint_petersburg"), Some("spb-nevsky"), Some("en"))
    );
    let bad = json!({"name": "", "phone": "call me", "city": null, "preferred_store": null, "language": "ru"});
    let (status, body) = d.call(Method::PUT, "/api/me", Some(bad), &[]).await.into_pair();
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_profile"));
}

trait IntoPair {
    fn into_pair(self) -> (StatusCode, Value);
}
impl IntoPair for (StatusCode, axum::http::HeaderMap, Value) {
    fn into_pair(self) -> (StatusCode, Value) {
        (self.0, self.2)
    }
}

#[tokio::test]
async fn an_expired_session_becomes_a_fresh_anonymous_one() {
    let app = TestApp::new().await;
    let phone = app.device();
    register(&phone, "anna@example.ru").await;
    let before = phone.cookie.lock().expect("cookie").clone();
    app.advance(vitrina_edge::session::IDLE_SECONDS + 1);
    let (status, _) = phone.get("/api/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    phone.set_qty("PHN-0001", json!(1), None).await;
    assert_ne!(phone.cookie.lock().expect("cookie").clone(), before, "the new anonymous session has its own cookie");
}

#[tokio::test]
async fn the_cookie_is_secure_when_served_over_https() {
    let app = TestApp::new().await;
    let (_, headers, _) =
        app.device().call(Method::PUT, "/api/cart/items/PHN-0001", Some(json!({"qty": 1})), &[("x-forwarded-proto", "https")]).await;
    let cookie = headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(cookie.starts_with("__Host-vitrina_session=") && cookie.contains("; Secure"), "{cookie}");
}

/// Regression: a merge committed after its source cart changed lost the new line (or, with a
/// hand-off claimed during a sign-in, applied the same cart twice).
#[tokio::test]
async fn a_merge_planned_before_the_source_cart_changed_does_not_commit() {
    let app = TestApp::new().await;
    let phone = app.device();
    phone.set_qty("PHN-0001", json!(1), None).await;
    let session_id = phone.session_id();
    let now = app.clock.now_ts();
    let plan =
        vitrina_edge::db::carts::plan_merge(app.state.sql.as_ref(), "c:someone", &format!("s:{session_id}"), now).await.expect("plan");
    phone.set_qty("AUD-0001", json!(1), None).await;
    let result = app.state.sql.batch(plan.statements).await;
    assert!(matches!(result, Err(vitrina_edge::ports::TxError::Guard(_))), "{result:?}");
    let (_, cart) = phone.get("/api/cart").await;
    assert_eq!(cart_lines(&cart).len(), 2, "nothing was lost from the source cart");
}

/// Regression: a write racing a sign-in or a remote sign-out landed in a cart nobody would see.
#[tokio::test]
async fn a_write_batch_of_a_revoked_session_is_refused() {
    let app = TestApp::new().await;
    let phone = app.device();
    register(&phone, "anna@example.ru").await;
    let session_id = phone.session_id();
    let now = app.clock.now_ts();
    let session = vitrina_edge::session::Session {
        id: session_id.clone(),
        account: None,
        channel: vitrina_shared::account::Channel::Web,
        store_id: None,
        persisted: true,
    };
    phone.post("/api/auth/logout", json!({})).await;
    let result = app.state.sql.batch(vitrina_edge::session::write_preamble(&session, "", now)).await;
    assert_eq!(result, Err(vitrina_edge::ports::TxError::Guard(vitrina_edge::session::LIVE_GUARD)));
}

#[tokio::test]
async fn the_session_endpoint_says_who_is_signed_in_without_an_error_for_guests() {
    let app = TestApp::new().await;
    let phone = app.device();
    let (status, info) = phone.get("/api/session").await;
    assert_eq!((status, info["signed_in"].as_bool(), info["channel"].as_str()), (StatusCode::OK, Some(false), Some("web")));
    assert!(info["profile"].is_null());
    register(&phone, "anna@example.ru").await;
    let (_, info) = phone.get("/api/session").await;
    assert_eq!((info["signed_in"].as_bool(), info["profile"]["email"].as_str()), (Some(true), Some("anna@example.ru")));
}
