//! Checkout and orders through the API: holds, idempotency, lifecycle, payments, and bad input.

mod common;

use axum::http::{Method, StatusCode};
use common::{cart_lines, error_code, Device, TestApp};
use serde_json::{json, Value};

const STORE: &str = "msk-tverskaya";
const SKU: &str = "PHN-0001";
const PASSWORD: &str = "correct horse battery";

fn pickup(store: &str) -> Value {
    json!({
        "fulfilment": {"type": "pickup", "store": store},
        "payment": {"method": "pay_on_pickup"},
        "contact": {"name": "Анна Петрова", "phone": "+7 912 345-67-89", "email": "anna@example.ru"}
    })
}

fn delivery(postcode: &str) -> Value {
    json!({
        "fulfilment": {"type": "delivery", "address": {"postcode": postcode, "city": "Москва", "street": "Тверская ул.", "house": "7"}},
        "payment": {"method": "pay_on_pickup"},
        "contact": {"name": "Анна", "phone": "89123456789"}
    })
}

async fn order(device: &Device<'_>, key: &str, body: Value) -> (StatusCode, Value) {
    let (s, _, v) = device.call(Method::POST, "/api/orders", Some(body), &[("idempotency-key", key)]).await;
    (s, v)
}

async fn available_at(app: &TestApp, sku: &str, store: &str) -> i64 {
    let (_, body) = app.get(&format!("/api/availability/{sku}")).await;
    body["stores"].as_array().expect("stores").iter().find(|s| s["store_id"] == store).map_or(-1, |s| s["available"].as_i64().unwrap_or(-1))
}

async fn set_stock(app: &TestApp, store: &str, sku: &str, on_hand: i64) {
    let staff = app.staff().await;
    let (status, body) = app.put_stock(store, json!({"items": [{"sku": sku, "on_hand": on_hand}]}).to_string(), Some(&staff)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn register(device: &Device<'_>, email: &str) {
    let (status, body) = device.post("/api/auth/register", json!({"email": email, "password": PASSWORD, "name": "Анна"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_pickup_order_holds_the_units_at_the_store_and_empties_the_cart() {
    let app = TestApp::new().await;
    set_stock(&app, STORE, SKU, 7).await;
    let shopper = app.device();
    shopper.set_qty(SKU, json!(2), None).await;
    let (status, body) = order(&shopper, "k-1", pickup(STORE)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "placed");
    assert_eq!(body["lines"][0]["qty"], 2);
    let (_, product) = app.get(&format!("/api/products/{SKU}")).await;
    assert_eq!(body["lines"][0]["unit_price"], product["price"], "the line carries the price charged");
    assert!(body["hold_expires_at"].is_string(), "a reservation shows until when it is held");
    assert_eq!(available_at(&app, SKU, STORE).await, 5, "available = on hand − holds");
    let (_, cart) = shopper.get("/api/cart").await;
    assert!(cart_lines(&cart).is_empty(), "the cart is emptied when the order commits");
    let (_, list) = shopper.get("/api/orders").await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (status, _) = app.device().get(&format!("/api/orders/{}", body["id"].as_str().unwrap())).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another shopper cannot read the order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_checkouts_for_the_last_five_units_make_exactly_five_orders() {
    let app = TestApp::new().await;
    set_stock(&app, STORE, SKU, 5).await;
    let mut cookies = Vec::new();
    for _ in 0..200 {
        let d = app.device();
        let (status, body) = d.set_qty(SKU, json!(1), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        cookies.push(d.cookie.lock().unwrap().clone().unwrap());
    }
    let senders: Vec<(String, String)> = cookies.iter().enumerate().map(|(i, c)| (c.clone(), format!("burst-{i}"))).collect();
    let results = app.checkout_all(&senders, &pickup(STORE)).await;
    let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let refused: Vec<_> = results.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).collect();
    assert_eq!(created, 5, "{:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    assert_eq!(refused.len(), 195);
    assert!(refused.iter().all(|(_, b)| error_code(b) == "insufficient_stock" && b["error"]["message"].as_str().unwrap().contains("left")));
    assert_eq!(available_at(&app, SKU, STORE).await, 0, "never below zero");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_idempotency_key_sent_twenty_times_at_once_makes_one_order() {
    let app = TestApp::new().await;
    set_stock(&app, STORE, SKU, 50).await;
    let shopper = app.device();
    shopper.set_qty(SKU, json!(1), None).await;
    let cookie = shopper.cookie.lock().unwrap().clone().unwrap();
    let senders: Vec<(String, String)> = (0..20).map(|_| (cookie.clone(), "same-key-20".to_owned())).collect();
    let results = app.checkout_all(&senders, &pickup(STORE)).await;
    let mut ids = std::collections::HashSet::new();
    for (status, body) in results {
        assert!(status == StatusCode::CREATED || status == StatusCode::CONFLICT, "{status} {body}");
        if status == StatusCode::CREATED {
            ids.insert(body["id"].as_str().unwrap().to_owned());
        } else {
            assert_eq!(error_code(&body), "request_in_progress");
        }
    }
    assert_eq!(ids.len(), 1, "every success names the same order");
    let (_, list) = shopper.get("/api/orders").await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(available_at(&app, SKU, STORE).await, 49);
}

#[tokio::test]
async fn a_replayed_key_returns_the_first_answer_and_a_reused_key_with_another_body_is_422() {
    let app = TestApp::new().await;
    let shopper = app.device();
    shopper.set_qty(SKU, json!(1), None).await;
    let (s1, first) = order(&shopper, "key-a", pickup(STORE)).await;
    assert_eq!(s1, StatusCode::CREATED);
    let (s2, h2, again) = shopper.call(Method::POST, "/api/orders", Some(pickup(STORE)), &[("idempotency-key", "key-a")]).await;
    assert_eq!((s2, &again), (StatusCode::CREATED, &first), "the same response, although the cart is now empty");
    assert_eq!(h2.get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
    let (s3, other) = order(&shopper, "key-a", pickup("spb-nevsky")).await;
    assert_eq!((s3, error_code(&other)), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"));
    let (s4, none) = shopper.post("/api/orders", pickup(STORE)).await;
    assert_eq!((s4, error_code(&none)), (StatusCode::BAD_REQUEST, "idempotency_key_required"));
}

#[tokio::test]
async fn an_expired_hold_frees_its_units_for_the_next_shopper_without_any_job() {
    let app = TestApp::new().await;
    set_stock(&app, STORE, SKU, 1).await;
    let first = app.device();
    first.set_qty(SKU, json!(1), None).await;
    let (status, placed) = order(&first, "k", pickup(STORE)).await;
    assert_eq!(status, StatusCode::CREATED);
    let second = app.device();
    let (status, body) = second.set_qty(SKU, json!(1), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = order(&second, "k", pickup(STORE)).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "insufficient_stock"));
    // Ordered at 12:00 Moscow time: ready at 12:30, held for two hours of opening time from then.
    let until = chrono::DateTime::parse_from_rfc3339(placed["hold_expires_at"].as_str().unwrap()).unwrap().timestamp();
    assert_eq!(until, app.clock.now_ts() + 30 * 60 + 2 * 3600, "{placed}");
    app.advance(until - app.clock.now_ts());
    assert_eq!(available_at(&app, SKU, STORE).await, 1, "the hold stopped counting when it expired");
    let (status, body) = order(&second, "k2", pickup(STORE)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, old) = first.get(&format!("/api/orders/{}", placed["id"].as_str().unwrap())).await;
    assert_eq!(old["status"], "expired");
}

#[tokio::test]
async fn bad_checkout_input_gets_a_clear_4xx_and_changes_nothing() {
    let app = TestApp::new().await;
    set_stock(&app, STORE, SKU, 3).await;
    let shopper = app.device();
    register(&shopper, "anna@example.ru").await;
    shopper.set_qty(SKU, json!(1), None).await;
    let (_, before) = shopper.get("/api/cart").await;
    let mut with_points = pickup(STORE);
    with_points["redeem_points"] = json!(100);
    let mut negative_points = pickup(STORE);
    negative_points["redeem_points"] = json!(-5);
    let mut bad_phone = pickup(STORE);
    bad_phone["contact"]["phone"] = json!("12");
    let cases = [
        (pickup("nowhere"), StatusCode::UNPROCESSABLE_ENTITY, "unknown_store"),
        (pickup("Not A Store!"), StatusCode::UNPROCESSABLE_ENTITY, "unknown_store"),
        (delivery("630000"), StatusCode::UNPROCESSABLE_ENTITY, "outside_delivery_regions"),
        (delivery("12"), StatusCode::UNPROCESSABLE_ENTITY, "invalid_address"),
        (with_points, StatusCode::UNPROCESSABLE_ENTITY, "not_enough_points"),
        (negative_points, StatusCode::UNPROCESSABLE_ENTITY, "negative_points"),
        (bad_phone, StatusCode::UNPROCESSABLE_ENTITY, "invalid_contact"),
        (json!({"fulfilment": {"type": "teleport"}}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
    ];
    for (i, (body, status, code)) in cases.into_iter().enumerate() {
        let (s, v) = order(&shopper, &format!("bad-{i}"), body).await;
        assert_eq!((s, error_code(&v)), (status, code), "case {i}: {v}");
    }
    let (s, v) = order(&shopper, "has space", pickup(STORE)).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, "invalid_idempotency_key"));
    let (_, after) = shopper.get("/api/cart").await;
    assert_eq!(after, before, "the cart is untouched");
    assert_eq!(available_at(&app, SKU, STORE).await, 3, "no units held");
    let (_, orders) = shopper.get("/api/orders").await;
    assert_eq!(orders, json!([]));
    let (s, v) = order(&app.device(), "empty", pickup(STORE)).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, "cart_empty"));
}

#[tokio::test]
async fn staff_move_a_pickup_order_to_ready_and_collected_and_the_shopper_earns_points() {
    let app = TestApp::new().await;
    set_stock(&app, STORE, SKU, 4).await;
    let shopper = app.device();
    register(&shopper, "anna@example.ru").await;
    shopper.set_qty(SKU, json!(1), None).await;
    let (_, placed) = order(&shopper, "k", pickup(STORE)).await;
    let id = placed["id"].as_str().unwrap();
    let (status, body) = shopper.post(&format!("/api/orders/{id}/ready"), json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"), "shoppers cannot mark their order ready");
    let staff = app.staff().await;
    let (_, list) = staff.get(&format!("/api/stores/{STORE}/pickups")).await;
    assert!(list.as_array().unwrap().iter().any(|o| o["id"] == id), "today's pickups list the order");
    let (status, body) = staff.post(&format!("/api/orders/{id}/collected"), json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "invalid_transition"), "not ready yet");
    let (status, ready) = staff.post(&format!("/api/orders/{id}/ready"), json!({})).await;
    assert_eq!((status, &ready["status"]), (StatusCode::OK, &json!("ready_for_pickup")));
    app.advance(3 * 3600);
    let (_, seen) = shopper.get(&format!("/api/orders/{id}")).await;
    assert_eq!(seen["status"], "ready_for_pickup", "ready extends the hold beyond the 2-hour reservation");
    let (status, collected) = staff.post(&format!("/api/orders/{id}/collected"), json!({})).await;
    assert_eq!((status, &collected["status"]), (StatusCode::OK, &json!("collected")));
    assert_eq!(available_at(&app, SKU, STORE).await, 3, "the unit left the shelf and the hold is gone");
    let (_, mine) = shopper.get(&format!("/api/orders/{id}")).await;
    assert_eq!(mine["nps_due"], true);
    let price: f64 = mine["subtotal"]["amount"].as_str().unwrap().parse().unwrap();
    assert_eq!(mine["points_earned"].as_i64().unwrap(), (price * 0.05).floor() as i64);
    let (_, loyalty) = shopper.get("/api/me/loyalty").await;
    assert_eq!(loyalty["balance"], mine["points_earned"]);
    assert_eq!(loyalty["card_number"].as_str().unwrap().len(), 13);
    let history: Vec<&str> = mine["history"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["placed", "ready_for_pickup", "collected"]);
}

#[tokio::test]
async fn cancelling_releases_the_hold_and_a_cancelled_delivery_puts_units_back() {
    let app = TestApp::new().await;
    set_stock(&app, STORE, SKU, 2).await;
    let shopper = app.device();
    shopper.set_qty(SKU, json!(2), None).await;
    let (_, placed) = order(&shopper, "k", pickup(STORE)).await;
    assert_eq!(available_at(&app, SKU, STORE).await, 0);
    let (status, cancelled) = shopper.post(&format!("/api/orders/{}/cancel", placed["id"].as_str().unwrap()), json!({})).await;
    assert_eq!((status, &cancelled["status"]), (StatusCode::OK, &json!("cancelled")));
    assert_eq!(available_at(&app, SKU, STORE).await, 2);

    let total_before: i64 = chain_total(&app, SKU).await;
    shopper.set_qty(SKU, json!(1), None).await;
    let (status, delivered) = order(&shopper, "k2", delivery("125009")).await;
    assert_eq!(status, StatusCode::CREATED, "{delivered}");
    assert_eq!(delivered["delivery_region"], "moscow");
    assert_eq!(chain_total(&app, SKU).await, total_before - 1, "a delivery takes the unit from a Moscow store's shelf");
    let (status, _) = shopper.post(&format!("/api/orders/{}/cancel", delivered["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(chain_total(&app, SKU).await, total_before, "and cancelling puts it back");
}

async fn chain_total(app: &TestApp, sku: &str) -> i64 {
    let (_, p) = app.get(&format!("/api/products/{sku}")).await;
    p["total_available"].as_i64().expect("total_available")
}

#[tokio::test]
async fn a_test_card_pays_online_and_a_declined_card_keeps_the_cart_and_frees_the_units() {
    let app = TestApp::new().await;
    set_stock(&app, STORE, SKU, 1).await;
    let shopper = app.device();
    shopper.set_qty(SKU, json!(1), None).await;
    let mut invalid = pickup(STORE);
    invalid["payment"] = json!({"method": "test_card", "card_number": "1234"});
    let (status, body) = order(&shopper, "i", invalid).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_card"));
    let mut declined = pickup(STORE);
    declined["payment"] = json!({"method": "test_card", "card_number": "4000 0000 0000 0002"});
    let (status, body) = order(&shopper, "d", declined).await;
    assert_eq!((status, error_code(&body)), (StatusCode::PAYMENT_REQUIRED, "payment_declined"));
    let (_, cart) = shopper.get("/api/cart").await;
    assert_eq!(cart_lines(&cart), vec![(SKU.to_owned(), 1)], "the cart stays for another try");
    assert_eq!(available_at(&app, SKU, STORE).await, 1, "the payment hold was released");
    let mut approved = pickup(STORE);
    approved["payment"] = json!({"method": "test_card", "card_number": "4242 4242 4242 4242"});
    let (status, paid) = order(&shopper, "a", approved).await;
    assert_eq!(status, StatusCode::CREATED, "{paid}");
    assert_eq!((paid["status"].as_str(), paid["payment"]["status"].as_str()), (Some("placed"), Some("paid")));
    assert_eq!(paid["payment"]["card_last4"], "4242");
    assert!(paid["payment"]["provider_notice"].as_str().unwrap().contains("no real money"));
    assert_eq!(available_at(&app, SKU, STORE).await, 0);
}

#[tokio::test]
async fn points_pay_part_of_an_order_within_the_cap_and_come_back_when_it_is_cancelled() {
    let app = TestApp::new().await;
    let shopper = app.device();
    register(&shopper, "anna@example.ru").await;
    let staff = app.staff().await;
    let (status, body) = staff
        .post("/api/loyalty/adjustments", json!({"customer": {"email": "anna@example.ru"}, "points": 100000, "reason": "welcome"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    shopper.set_qty(SKU, json!(1), None).await;
    let (_, cart) = shopper.get("/api/cart").await;
    let price: f64 = cart["total"]["amount"].as_str().unwrap().parse().unwrap();
    let cap = (price * 0.3).floor() as i64;
    let (_, options) = shopper.get("/api/checkout/options").await;
    assert_eq!(options["max_redeemable"], cap);
    let mut too_many = pickup(STORE);
    too_many["redeem_points"] = json!(cap + 1);
    let (status, body) = order(&shopper, "over", too_many).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "points_above_cap"));
    let mut redeem = pickup(STORE);
    redeem["redeem_points"] = json!(cap);
    let (status, placed) = order(&shopper, "ok", redeem).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    let total: f64 = placed["total"]["amount"].as_str().unwrap().parse().unwrap();
    assert!((total - (price - cap as f64)).abs() < 0.001);
    let (_, loyalty) = shopper.get("/api/me/loyalty").await;
    assert_eq!(loyalty["balance"], 100_000 - cap);
    shopper.post(&format!("/api/orders/{}/cancel", placed["id"].as_str().unwrap()), json!({})).await;
    let (_, loyalty) = shopper.get("/api/me/loyalty").await;
    assert_eq!(loyalty["balance"], 100_000);
    let (status, _) =
        app.device().post("/api/loyalty/adjustments", json!({"customer": {"email": "anna@example.ru"}, "points": 5, "reason": "x"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "adjustments need staff");
}

#[tokio::test]
async fn points_expire_after_a_year_and_count_as_breakage() {
    let app = TestApp::new().await;
    let shopper = app.device();
    register(&shopper, "anna@example.ru").await;
    let staff = app.staff().await;
    staff.post("/api/loyalty/adjustments", json!({"customer": {"email": "anna@example.ru"}, "points": 300, "reason": "goodwill"})).await;
    let sign_in = json!({"email": "anna@example.ru", "password": PASSWORD});
    app.advance(340 * 86_400);
    // Sessions end after 30 idle days: sign in again, as Anna would.
    assert_eq!(shopper.post("/api/auth/login", sign_in.clone()).await.0, StatusCode::OK);
    let (_, soon) = shopper.get("/api/me/loyalty").await;
    assert_eq!(soon["expiring_soon"][0]["points"], 300, "{soon}");
    app.advance(30 * 86_400);
    assert_eq!(shopper.post("/api/auth/login", sign_in).await.0, StatusCode::OK);
    let (_, later) = shopper.get("/api/me/loyalty").await;
    assert_eq!((later["balance"].as_i64(), later["expired"].as_i64()), (Some(0), Some(300)));
}

#[tokio::test]
async fn a_till_sale_joins_the_customers_history_takes_store_stock_and_earns_points() {
    let app = TestApp::new().await;
    set_stock(&app, STORE, SKU, 3).await;
    let shopper = app.device();
    register(&shopper, "anna@example.ru").await;
    let profile = json!({"name": "Анна", "phone": "8 (912) 345-67-89", "city": null, "preferred_store": null, "language": "ru"});
    let (status, _, _) = shopper.call(Method::PUT, "/api/me", Some(profile), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let staff = app.staff().await;
    let sale = json!({"store": STORE, "receipt_id": "T1-000123", "payment": "card",
        "lines": [{"sku": SKU, "qty": 2, "unit_price": "1000.00"}], "customer": {"phone": "+7 912 345 67 89"}});
    let (status, recorded) = staff.post("/api/pos/sales", sale.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    assert_eq!((recorded["channel"].as_str(), recorded["status"].as_str()), (Some("pos"), Some("completed")));
    assert_eq!(recorded["points_earned"], 100, "5% of 2000");
    assert_eq!(available_at(&app, SKU, STORE).await, 1);
    let (status, again) = staff.post("/api/pos/sales", sale).await;
    assert_eq!((status, error_code(&again)), (StatusCode::CONFLICT, "receipt_already_recorded"));
    assert_eq!(available_at(&app, SKU, STORE).await, 1, "a repeated receipt changes nothing");
    let (_, history) = shopper.get("/api/orders").await;
    assert_eq!(history[0]["id"], recorded["id"], "the till sale is in the account's one history");
    let (_, loyalty) = shopper.get("/api/me/loyalty").await;
    assert_eq!(loyalty["balance"], 100);
    let too_many = json!({"store": STORE, "receipt_id": "T1-000124", "payment": "cash", "lines": [{"sku": SKU, "qty": 5}]});
    let (status, body) = staff.post("/api/pos/sales", too_many).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "stock_mismatch"));
    let negative = json!({"store": STORE, "receipt_id": "T1-000125", "payment": "cash", "lines": [{"sku": SKU, "qty": -1}]});
    assert_eq!(staff.post("/api/pos/sales", negative).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = shopper.post("/api/pos/sales", json!({"store": STORE, "receipt_id": "x", "payment": "cash", "lines": []})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "tills are staff");
}

#[tokio::test]
async fn an_online_order_returned_in_another_store_refunds_and_reverses_points_and_restocks_that_store() {
    let app = TestApp::new().await;
    let shopper = app.device();
    register(&shopper, "anna@example.ru").await;
    shopper.set_qty(SKU, json!(2), None).await;
    let (_, placed) = order(&shopper, "k", pickup(STORE)).await;
    let id = placed["id"].as_str().unwrap();
    let staff = app.staff().await;
    staff.post(&format!("/api/orders/{id}/ready"), json!({})).await;
    let (_, collected) = staff.post(&format!("/api/orders/{id}/collected"), json!({})).await;
    let earned = collected["points_earned"].as_i64().unwrap();
    assert!(earned > 0);
    let other = "spb-nevsky";
    let before = available_at(&app, SKU, other).await;
    let (status, body) = shopper.post("/api/returns", json!({"order_id": id, "store": other, "lines": [{"sku": SKU, "qty": 3}]})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "more_than_bought"));
    let (status, requested) = shopper
        .post("/api/returns", json!({"order_id": id, "store": other, "lines": [{"sku": SKU, "qty": 1}], "reason": "не подошёл"}))
        .await;
    assert_eq!((status, requested["status"].as_str()), (StatusCode::CREATED, Some("requested")), "{requested}");
    assert_eq!(available_at(&app, SKU, other).await, before, "stock moves when the store receives the goods");
    let (status, received) = staff.post(&format!("/api/returns/{}/receive", requested["id"].as_str().unwrap()), json!({})).await;
    assert_eq!((status, received["status"].as_str()), (StatusCode::OK, Some("received")), "{received}");
    assert_eq!(available_at(&app, SKU, other).await, before + 1);
    assert_eq!(received["refund"]["amount"], placed["lines"][0]["unit_price"]["amount"]);
    assert_eq!(received["points_reversed"], earned / 2);
    // The second unit, straight at a store counter: the completing return takes the remainder.
    let (status, second) = staff.post("/api/returns", json!({"order_id": id, "store": STORE, "lines": [{"sku": SKU, "qty": 1}]})).await;
    assert_eq!((status, second["status"].as_str()), (StatusCode::CREATED, Some("received")));
    assert_eq!(second["points_reversed"].as_i64().unwrap() + earned / 2, earned);
    let (_, loyalty) = shopper.get("/api/me/loyalty").await;
    assert_eq!(loyalty["balance"], 0);
    let (status, body) = staff.post("/api/returns", json!({"order_id": id, "store": STORE, "lines": [{"sku": SKU, "qty": 1}]})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "more_than_bought"));
}

#[tokio::test]
async fn nps_is_asked_once_per_collected_order() {
    let app = TestApp::new().await;
    let shopper = app.device();
    register(&shopper, "anna@example.ru").await;
    shopper.set_qty(SKU, json!(1), None).await;
    let (_, placed) = order(&shopper, "k", pickup(STORE)).await;
    let id = placed["id"].as_str().unwrap();
    let (status, body) = shopper.post("/api/nps", json!({"order_id": id, "score": 9})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "not_fulfilled"));
    let staff = app.staff().await;
    staff.post(&format!("/api/orders/{id}/ready"), json!({})).await;
    staff.post(&format!("/api/orders/{id}/collected"), json!({})).await;
    let (status, body) = shopper.post("/api/nps", json!({"order_id": id, "score": 11})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_score"));
    let (status, _) = shopper.post("/api/nps", json!({"order_id": id, "score": 3, "reason": "долго ждал на кассе"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = shopper.post("/api/nps", json!({"order_id": id, "score": 10})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "nps_already_answered"));
    let (_, seen) = shopper.get(&format!("/api/orders/{id}")).await;
    assert_eq!(seen["nps_due"], false);
    assert_eq!(staff.get("/api/admin/nps").await.0, StatusCode::FORBIDDEN, "results are for marketers");
}
