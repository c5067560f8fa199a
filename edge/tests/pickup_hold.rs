//! Pickup reservations through the API: a hold counts the store's open time from the promised
//! pickup time, so an order placed at night is still held when the store opens.

mod common;

use axum::http::{Method, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use common::{Device, TestApp};
use serde_json::{json, Value};

/// Opens 09:00–23:00 Moscow time with a 20-minute lead time.
const STORE: &str = "msk-tverskaya";
const SKU: &str = "PHN-0001";

fn pickup(payment: Value) -> Value {
    json!({
        "fulfilment": {"type": "pickup", "store": STORE},
        "payment": payment,
        "contact": {"name": "Анна Петрова", "phone": "+7 912 345-67-89"}
    })
}

/// Moscow wall-clock time on Thursday 26 November 2026, as UTC (Moscow is UTC+3 all year).
fn moscow(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, hour, minute, 0).single().expect("time") - chrono::Duration::hours(3)
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a time: {v}"))).expect("RFC 3339").with_timezone(&Utc)
}

/// Sets the clock to Thursday 01:44 Moscow time and stocks one unit at the store.
async fn night(app: &TestApp) {
    *app.clock.0.lock().expect("clock") = moscow(1, 44);
    let staff = app.staff().await;
    let (status, body) = app.put_stock(STORE, json!({"items": [{"sku": SKU, "on_hand": 1}]}).to_string(), Some(&staff)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn order(shopper: &Device<'_>, body: Value) -> Value {
    shopper.set_qty(SKU, json!(1), None).await;
    let (status, _, placed) = shopper.call(Method::POST, "/api/orders", Some(body), &[("idempotency-key", "night")]).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    placed
}

#[tokio::test]
async fn a_pay_on_pickup_order_placed_at_night_is_held_from_opening_for_the_hold_length() {
    // Regression: an order placed at 01:44 Moscow time was "held until 03:44", before the 09:00 opening.
    let app = TestApp::new().await;
    night(&app).await;
    let shopper = app.device();
    let placed = order(&shopper, pickup(json!({"method": "pay_on_pickup"}))).await;
    let hold = app.state.config.holds.reserve_minutes;
    assert_eq!(time(&placed["promised_at"]), moscow(9, 0), "collectable from the opening");
    assert_eq!(time(&placed["hold_expires_at"]), moscow(9, 0) + chrono::Duration::minutes(hold), "{placed}");

    let id = placed["id"].as_str().expect("id");
    *app.clock.0.lock().expect("clock") = moscow(9, 0) + chrono::Duration::minutes(hold) - chrono::Duration::seconds(1);
    let (_, seen) = shopper.get(&format!("/api/orders/{id}")).await;
    assert_eq!(seen["status"], "placed", "still held just before the hold ends: {seen}");
    *app.clock.0.lock().expect("clock") = moscow(9, 0) + chrono::Duration::minutes(hold);
    let (_, seen) = shopper.get(&format!("/api/orders/{id}")).await;
    assert_eq!(seen["status"], "expired", "{seen}");
}

#[tokio::test]
async fn a_card_paid_pickup_order_placed_at_night_is_held_from_opening_for_the_hold_length() {
    let app = TestApp::new().await;
    night(&app).await;
    let placed = order(&app.device(), pickup(json!({"method": "test_card", "card_number": "4242 4242 4242 4242"}))).await;
    assert_eq!(placed["status"], "placed", "{placed}");
    let hold = app.state.config.holds.reserve_minutes;
    assert_eq!(time(&placed["hold_expires_at"]), moscow(9, 0) + chrono::Duration::minutes(hold), "{placed}");
}
