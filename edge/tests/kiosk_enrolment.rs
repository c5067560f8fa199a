//! Kiosk enrolment through the API: a kiosk is a device its store's staff enrolled, not a claim.
//! Store- and channel-bound offers reach enrolled kiosks and orders collected in the store only.

mod common;

use axum::http::{Method, StatusCode};
use common::{cart_lines, error_code, Device, TestApp, STAFF_EMAIL};
use serde_json::{json, Value};
use vitrina_edge::BootstrapAccount;

const STORE: &str = "msk-tverskaya";
const OTHER_STORE: &str = "spb-nevsky";
const SKU: &str = "AUD-0001";
const MARKETER: &str = "marketer@vitrina.test";
const MARKETER_PASSWORD: &str = "marketer-password-1";

/// 10 % off headphones on the showroom kiosk of [`STORE`].
fn showroom_rule() -> Value {
    json!({
        "id": "showroom-headphones-10",
        "name": "−10% на наушники в шоуруме",
        "conditions": [{"type": "channels", "channels": ["kiosk"]}, {"type": "stores", "stores": [STORE]}],
        "effect": {"type": "percent_off", "target": {"kind": "category", "category": "headphones"}, "percent": "10"}
    })
}

/// 5 % off the cart in [`STORE`], on any channel.
fn store_rule() -> Value {
    json!({
        "id": "tverskaya-5",
        "name": "−5% в магазине на Тверской",
        "conditions": [{"type": "stores", "stores": [STORE]}],
        "effect": {"type": "percent_off", "target": {"kind": "cart"}, "percent": "5"}
    })
}

/// An app with `rules` enabled and plenty of [`SKU`] in both stores.
async fn app_with(rules: &[Value]) -> TestApp {
    let app = TestApp::new().await;
    let marketer =
        BootstrapAccount { email: MARKETER.into(), password: MARKETER_PASSWORD.into(), role: vitrina_shared::account::Role::Marketer };
    vitrina_edge::accounts::bootstrap(app.state.sql.as_ref(), &[marketer], app.clock.now_ts()).await.expect("marketer");
    if !rules.is_empty() {
        let m = app.device();
        let (status, body) = m.post("/api/auth/login", json!({"email": MARKETER, "password": MARKETER_PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for rule in rules {
            let (status, body) = m.post("/api/admin/rules", rule.clone()).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
    }
    let staff = app.staff().await;
    for store in [STORE, OTHER_STORE] {
        let (status, body) = app.put_stock(store, json!({"items": [{"sku": SKU, "on_hand": 1000}]}).to_string(), Some(&staff)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    app
}

fn delivery() -> Value {
    json!({
        "fulfilment": {"type": "delivery", "address": {"postcode": "125009", "city": "Москва", "street": "Тверская ул.", "house": "7"}},
        "payment": {"method": "pay_on_pickup"},
        "contact": {"name": "Анна", "phone": "89123456789"}
    })
}

fn pickup(store: &str) -> Value {
    json!({
        "fulfilment": {"type": "pickup", "store": store},
        "payment": {"method": "pay_on_pickup"},
        "contact": {"name": "Анна", "phone": "89123456789"}
    })
}

async fn order(device: &Device<'_>, key: &str, body: Value) -> (StatusCode, Value) {
    let (status, _, body) = device.call(Method::POST, "/api/orders", Some(body), &[("idempotency-key", key)]).await;
    (status, body)
}

fn rule_ids(offers: &Value) -> Vec<String> {
    offers.as_array().into_iter().flatten().map(|o| o["rule_id"].as_str().unwrap_or("").to_owned()).collect()
}

/// A fresh enrolment code for `store`, issued by staff.
async fn issue(app: &TestApp, store: &str) -> String {
    let staff = app.staff().await;
    let (status, issued) = staff.post("/api/kiosk/enrolments", json!({"store_id": store})).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    issued["code"].as_str().expect("a code").to_owned()
}

async fn session_of(device: &Device<'_>) -> (String, Value) {
    let (status, info) = device.get("/api/session").await;
    assert_eq!(status, StatusCode::OK, "{info}");
    (info["channel"].as_str().unwrap_or("").to_owned(), info["store_id"].clone())
}

// Regression: any web session could PUT /api/session {"channel":"kiosk"} and get showroom-only offers on a delivery order.
#[tokio::test]
async fn a_web_session_claiming_to_be_a_kiosk_is_refused_and_gets_no_showroom_offer_on_a_delivery_order() {
    let app = app_with(&[showroom_rule()]).await;
    let shopper = app.device();
    let claim = json!({"channel": "kiosk", "store_id": STORE});
    let (status, _, body) = shopper.call(Method::PUT, "/api/session", Some(claim), &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "kiosk_enrolment_required"), "{body}");
    let (status, _, body) = shopper.call(Method::PUT, "/api/session", Some(json!({"channel": "web", "store_id": STORE})), &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "store_not_allowed"), "a shopper has no store");
    assert_eq!(session_of(&shopper).await, ("web".to_owned(), Value::Null));

    let (_, cart) = shopper.set_qty(SKU, json!(1), None).await;
    assert_eq!(cart["discount"]["amount"], "0.00", "{cart}");
    let (status, placed) = order(&shopper, "claimed-kiosk", delivery()).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    assert_eq!((placed["channel"].as_str(), placed["discount"]["amount"].as_str()), (Some("web"), Some("0.00")));
    assert_eq!(rule_ids(&placed["offers"]), Vec::<String>::new());
}

#[tokio::test]
async fn a_tablet_enrolled_with_a_staff_code_is_the_stores_kiosk_and_gets_the_showroom_offer() {
    let app = app_with(&[showroom_rule()]).await;
    let staff = app.staff().await;
    let (status, issued) = staff.post("/api/kiosk/enrolments", json!({"store_id": STORE})).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let code = issued["code"].as_str().expect("a code").to_owned();
    assert_eq!(code.len(), 8);
    assert!(code.bytes().all(|b| vitrina_shared::handoff::ALPHABET.contains(&b)), "{code}");
    assert_eq!(issued["store_id"], STORE);
    let expires = chrono::DateTime::parse_from_rfc3339(issued["expires_at"].as_str().expect("expiry")).expect("a time");
    assert_eq!(expires.timestamp(), app.clock.now_ts() + 600, "valid ten minutes");
    let stored = app.state.sql.query("SELECT code_hash FROM kiosk_enrolment_codes", vec![]).await.expect("codes");
    assert!(stored.iter().all(|r| r.text(0).is_ok_and(|h| h.len() == 64 && h != code)), "only a hash of the code is kept");

    let tablet = app.device();
    tablet.set_qty("PHN-0001", json!(1), None).await;
    // Typed in lower case in two groups, as people do.
    let typed = format!("{} {}", &code[..4], &code[4..]).to_lowercase();
    let (status, info) = tablet.post("/api/kiosk/enrol", json!({"code": typed})).await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(
        (info["channel"].as_str(), info["store_id"].as_str(), info["signed_in"].as_bool()),
        (Some("kiosk"), Some(STORE), Some(false))
    );
    assert_eq!(session_of(&tablet).await, ("kiosk".to_owned(), json!(STORE)));
    let (_, cart) = tablet.get("/api/cart").await;
    assert!(cart_lines(&cart).is_empty(), "the kiosk starts with nothing of the browser it was: {cart}");

    let (_, cart) = tablet.set_qty(SKU, json!(1), None).await;
    assert_eq!(rule_ids(&cart["offers"]), vec!["showroom-headphones-10"], "{cart}");
    let (_, offers) = tablet.get(&format!("/api/offers?sku={SKU}")).await;
    assert_eq!(rule_ids(&offers["applied"]), vec!["showroom-headphones-10"], "{offers}");
    let (status, placed) = order(&tablet, "kiosk-delivery", delivery()).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    assert_eq!(placed["channel"], "kiosk");
    assert_eq!(rule_ids(&placed["offers"]), vec!["showroom-headphones-10"], "ordered for delivery right at the kiosk");
}

#[tokio::test]
async fn an_enrolment_code_works_once_and_not_after_ten_minutes() {
    let app = app_with(&[]).await;
    let first = issue(&app, STORE).await;
    let second = issue(&app, STORE).await;
    let (a, b) = (app.device(), app.device());
    let (status, body) = a.post("/api/kiosk/enrol", json!({"code": first})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = b.post("/api/kiosk/enrol", json!({"code": first})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::GONE, "enrolment_code_used"));

    app.advance(10 * 60);
    let (status, body) = b.post("/api/kiosk/enrol", json!({"code": second})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::GONE, "enrolment_code_expired"));
    for unknown in ["ZZZZ ZZZZ", "not a code", ""] {
        let (status, body) = b.post("/api/kiosk/enrol", json!({"code": unknown})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_enrolment_code"), "{unknown:?}");
    }
    assert_eq!(session_of(&b).await, ("web".to_owned(), Value::Null));
    assert_eq!(session_of(&a).await, ("kiosk".to_owned(), json!(STORE)), "an enrolment outlives its code");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_code_presented_by_two_tablets_at_once_enrols_one() {
    let app = app_with(&[]).await;
    let staff = app.staff().await;
    for round in 0..10 {
        let (status, issued) = staff.post("/api/kiosk/enrolments", json!({"store_id": STORE})).await;
        assert_eq!(status, StatusCode::CREATED, "{issued}");
        let (a, b) = (app.device(), app.device());
        let body = json!({"code": issued["code"]});
        let ((sa, _), (sb, _)) = tokio::join!(a.post("/api/kiosk/enrol", body.clone()), b.post("/api/kiosk/enrol", body));
        let mut statuses = [sa, sb];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::GONE], "round {round}");
        // Past the per-client window of enrolment attempts (every test client has one address).
        app.advance(10 * 60);
    }
    let (_, kiosks) = staff.get("/api/kiosks").await;
    assert_eq!(kiosks.as_array().map(Vec::len), Some(10), "{kiosks}");
}

#[tokio::test]
async fn only_staff_issue_enrolment_codes_and_only_for_real_stores() {
    let app = app_with(&[]).await;
    let guest = app.device();
    let (status, body) = guest.post("/api/kiosk/enrolments", json!({"store_id": STORE})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let customer = app.device();
    let (status, body) =
        customer.post("/api/auth/register", json!({"email": "anna@example.ru", "password": "correct horse", "name": "Анна"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = customer.post("/api/kiosk/enrolments", json!({"store_id": STORE})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let marketer = app.device();
    marketer.post("/api/auth/login", json!({"email": MARKETER, "password": MARKETER_PASSWORD})).await;
    let (status, body) = marketer.post("/api/kiosk/enrolments", json!({"store_id": STORE})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = customer.get("/api/kiosks").await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));

    let staff = app.staff().await;
    let (status, body) = staff.post("/api/kiosk/enrolments", json!({"store_id": "msk-nowhere"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_store"));
    let stored = app.state.sql.query("SELECT COUNT(*) FROM kiosk_enrolment_codes", vec![]).await.expect("codes");
    assert_eq!(stored[0].int(0).expect("count"), 0, "no code was issued");
}

#[tokio::test]
async fn an_order_collected_in_the_store_gets_the_store_bound_offer_and_others_do_not() {
    let app = app_with(&[store_rule()]).await;
    let shopper = app.device();
    let (_, cart) = shopper.set_qty(SKU, json!(1), None).await;
    assert_eq!(cart["discount"]["amount"], "0.00", "a browser is in no store: {cart}");
    let (status, collected) = order(&shopper, "pickup-here", pickup(STORE)).await;
    assert_eq!(status, StatusCode::CREATED, "{collected}");
    assert_eq!(rule_ids(&collected["offers"]), vec!["tverskaya-5"]);

    let elsewhere = app.device();
    elsewhere.set_qty(SKU, json!(1), None).await;
    let (status, placed) = order(&elsewhere, "pickup-there", pickup(OTHER_STORE)).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    assert_eq!(rule_ids(&placed["offers"]), Vec::<String>::new());
    let delivered = app.device();
    delivered.set_qty(SKU, json!(1), None).await;
    let (status, placed) = order(&delivered, "delivery", delivery()).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    assert_eq!(rule_ids(&placed["offers"]), Vec::<String>::new());

    // The store's own kiosk is in the store, whatever it orders.
    let kiosk = app.kiosk(STORE).await;
    let (_, cart) = kiosk.set_qty(SKU, json!(1), None).await;
    assert_eq!(rule_ids(&cart["offers"]), vec!["tverskaya-5"], "{cart}");
}

#[tokio::test]
async fn an_enrolled_kiosk_signs_nobody_in_and_stays_a_kiosk_when_it_starts_afresh() {
    let app = app_with(&[]).await;
    let kiosk = app.kiosk(STORE).await;
    let (status, body) =
        kiosk.post("/api/auth/register", json!({"email": "anna@example.ru", "password": "correct horse", "name": "Анна"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "kiosk_device"));
    let (status, body) = kiosk.post("/api/auth/login", json!({"email": STAFF_EMAIL, "password": common::STAFF_PASSWORD})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "kiosk_device"));
    let (status, _, body) = kiosk.call(Method::PUT, "/api/session", Some(json!({"channel": "web", "store_id": null})), &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "kiosk_device"));
    let (status, body) = app.get("/api/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    kiosk.set_qty(SKU, json!(2), None).await;
    let before = kiosk.session_id();
    let (status, _, _) = kiosk.call(Method::POST, "/api/auth/logout", None, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_ne!(kiosk.session_id(), before, "the next shopper gets a new session");
    assert_eq!(session_of(&kiosk).await, ("kiosk".to_owned(), json!(STORE)), "and the tablet stays the store's kiosk");
    let (_, cart) = kiosk.get("/api/cart").await;
    assert!(cart_lines(&cart).is_empty(), "the kiosk keeps nothing: {cart}");
}

#[tokio::test]
async fn staff_signed_in_on_a_tablet_enrol_it_and_are_signed_out_of_it() {
    let app = app_with(&[]).await;
    let tablet = app.staff().await;
    let (status, issued) = tablet.post("/api/kiosk/enrolments", json!({"store_id": STORE})).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let staff_session = tablet.session_id();
    let (status, info) = tablet.post("/api/kiosk/enrol", json!({"code": issued["code"]})).await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["signed_in"], false);
    let (_, info) = tablet.get("/api/session").await;
    assert_eq!((info["signed_in"].as_bool(), info["channel"].as_str()), (Some(false), Some("kiosk")), "{info}");
    let (status, _) = tablet.get("/api/kiosks").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the staff account is no longer signed in here");
    let revoked = app.state.sql.query("SELECT revoked_at FROM sessions WHERE id = ?", vec![staff_session.into()]).await.expect("session");
    assert!(revoked[0].opt_int(0).expect("revoked_at").is_some(), "the staff session ended");
}

#[tokio::test]
async fn staff_un_enrol_a_kiosk_and_the_tablet_is_an_ordinary_browser_again() {
    let app = app_with(&[showroom_rule()]).await;
    let kiosk = app.kiosk(STORE).await;
    kiosk.set_qty(SKU, json!(1), None).await;
    let staff = app.staff().await;
    let (status, kiosks) = staff.get("/api/kiosks").await;
    assert_eq!(status, StatusCode::OK, "{kiosks}");
    let listed = kiosks.as_array().expect("a list");
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0]["store_id"].as_str(), listed[0]["enrolled_by"].as_str()), (Some(STORE), Some(STAFF_EMAIL)));
    assert_eq!(listed[0]["user_agent"], "Chrome on Android");
    let id = listed[0]["id"].as_str().expect("an id").to_owned();

    let (status, _, _) = staff.call(Method::DELETE, &format!("/api/kiosks/{id}"), None, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(session_of(&kiosk).await, ("web".to_owned(), Value::Null));
    let (_, cart) = kiosk.get("/api/cart").await;
    assert!(cart_lines(&cart).is_empty(), "{cart}");
    let (_, cart) = kiosk.set_qty(SKU, json!(1), None).await;
    assert_eq!(rule_ids(&cart["offers"]), Vec::<String>::new(), "no showroom offer any more: {cart}");
    let (_, kiosks) = staff.get("/api/kiosks").await;
    assert_eq!(kiosks, json!([]));
    let (status, _, body) = staff.call(Method::DELETE, &format!("/api/kiosks/{id}"), None, &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_kiosk"));
}

#[tokio::test]
async fn a_kiosk_enrolled_again_for_another_store_leaves_its_first_enrolment() {
    let app = app_with(&[]).await;
    let kiosk = app.kiosk(STORE).await;
    let code = issue(&app, OTHER_STORE).await;
    let (status, body) = kiosk.post("/api/kiosk/enrol", json!({"code": code})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(session_of(&kiosk).await, ("kiosk".to_owned(), json!(OTHER_STORE)));
    let (_, kiosks) = app.staff().await.get("/api/kiosks").await;
    let stores: Vec<&str> = kiosks.as_array().into_iter().flatten().filter_map(|k| k["store_id"].as_str()).collect();
    assert_eq!(stores, vec![OTHER_STORE]);
}

// Regression: sessions that had claimed the kiosk channel kept it (and its store) in their row.
#[tokio::test]
async fn a_session_recorded_as_a_kiosk_without_an_enrolment_is_a_web_session() {
    let app = app_with(&[showroom_rule()]).await;
    let device = app.device();
    device.set_qty(SKU, json!(1), None).await;
    let claimed = vitrina_edge::ports::Statement::new(
        "UPDATE sessions SET channel = 'kiosk', store_id = ? WHERE id = ?",
        vec![STORE.into(), device.session_id().into()],
    );
    app.state.sql.batch(vec![claimed]).await.expect("update");
    assert_eq!(session_of(&device).await, ("web".to_owned(), Value::Null));
    let (_, cart) = device.get("/api/cart").await;
    assert_eq!(rule_ids(&cart["offers"]), Vec::<String>::new(), "{cart}");
}

#[tokio::test]
async fn guessing_enrolment_codes_is_rate_limited_per_client() {
    let app = app_with(&[]).await;
    let guesser = app.device();
    for _ in 0..vitrina_edge::api::kiosks::ENROLS_PER_CLIENT {
        let (status, _) = guesser.post("/api/kiosk/enrol", json!({"code": "ABCD EFGH"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = guesser.post("/api/kiosk/enrol", json!({"code": "ABCD EFGH"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"));
}
