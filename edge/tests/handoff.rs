//! Hand-off codes and the kiosk channel through the HTTP API.

mod common;

use axum::http::{Method, StatusCode};
use common::{cart_lines, error_code, TestApp};
use serde_json::json;

#[tokio::test]
async fn a_kiosk_cart_moves_to_the_phone_by_code_once_and_the_kiosk_keeps_nothing() {
    let app = TestApp::new().await;
    let kiosk = app.kiosk("msk-tverskaya").await;
    kiosk.set_qty("TVS-0002", json!(1), None).await;
    let (status, handoff) = kiosk.post("/api/cart/handoff", json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{handoff}");
    let code = handoff["code"].as_str().unwrap_or("").to_owned();
    assert_eq!(code.len(), 6);
    assert!(code.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()) && !code.contains(['0', 'O', '1', 'I', 'L']));
    assert_eq!(handoff["url"], format!("/handoff/{code}"));
    assert!(handoff["qr_svg"].as_str().unwrap_or("").contains("<svg"));

    let phone = app.device();
    phone.set_qty("AUD-0001", json!(1), None).await;
    // Typed in lower case with a space, as people do.
    let typed = format!("{}%20{}", &code[..3], &code[3..]).to_lowercase();
    let (status, claimed) = phone.post(&format!("/api/handoff/{typed}/claim"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert_eq!(cart_lines(&claimed["cart"]), vec![("AUD-0001".to_owned(), 1), ("TVS-0002".to_owned(), 1)]);
    let (_, kiosk_cart) = kiosk.get("/api/cart").await;
    assert!(cart_lines(&kiosk_cart).is_empty(), "the kiosk keeps nothing");

    let (status, again) = app.device().post(&format!("/api/handoff/{code}/claim"), json!({})).await;
    assert_eq!((status, error_code(&again)), (StatusCode::GONE, "handoff_used"), "single use");
}

#[tokio::test]
async fn an_expired_or_unknown_code_moves_nothing() {
    let app = TestApp::new().await;
    let kiosk = app.device();
    kiosk.set_qty("TVS-0002", json!(1), None).await;
    let (_, handoff) = kiosk.post("/api/cart/handoff", json!({})).await;
    let code = handoff["code"].as_str().unwrap_or("").to_owned();
    app.advance(10 * 60 + 1);
    let phone = app.device();
    let (status, body) = phone.post(&format!("/api/handoff/{code}/claim"), json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::GONE, "handoff_expired"));
    let (status, body) = phone.post("/api/handoff/ZZZZZZ/claim", json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_handoff_code"));
    let (status, body) = phone.post("/api/handoff/not-a-code/claim", json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_handoff_code"));
    let (_, phone_cart) = phone.get("/api/cart").await;
    assert!(cart_lines(&phone_cart).is_empty());
    let (_, kiosk_cart) = kiosk.get("/api/cart").await;
    assert_eq!(cart_lines(&kiosk_cart), vec![("TVS-0002".to_owned(), 1)], "the kiosk cart is untouched");
}

#[tokio::test]
async fn guessing_codes_is_rate_limited_per_client() {
    let app = TestApp::new().await;
    let guesser = app.device();
    for _ in 0..vitrina_edge::api::handoffs::CLAIMS_PER_CLIENT {
        let (status, _) = guesser.post("/api/handoff/ABCDEF/claim", json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = guesser.post("/api/handoff/ABCDEF/claim", json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"));
}

#[tokio::test]
async fn an_empty_cart_cannot_be_handed_off_and_a_device_cannot_claim_to_be_a_kiosk() {
    let app = TestApp::new().await;
    let d = app.device();
    let (status, body) = d.post("/api/cart/handoff", json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "empty_cart"));
    let (status, _, body) = d.call(Method::PUT, "/api/session", Some(json!({"channel": "kiosk", "store_id": "msk-tverskaya"})), &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "kiosk_enrolment_required"));
    let (status, _, body) = d.call(Method::PUT, "/api/session", Some(json!({"channel": "fax", "store_id": null})), &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
}
