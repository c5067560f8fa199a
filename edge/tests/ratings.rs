//! Ratings (issue 13, item 6: sort by rating): a shopper who bought a product rates it 1 to 5;
//! the product's page and API show the mean and the count, and a listing sorts by them.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{error_code, skus, Device, TestApp};
use serde_json::{json, Value};

async fn page(app: &TestApp, uri: &str) -> String {
    let request = Request::get(uri).header(header::HOST, "shop.example").body(Body::empty()).expect("request");
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    String::from_utf8(body).expect("utf-8 page")
}

async fn rate(who: &Device<'_>, sku: &str, rating: Value) -> (StatusCode, Value) {
    let (status, _, body) = who.call(Method::PUT, &format!("/api/products/{sku}/rating"), Some(json!({ "rating": rating })), &[]).await;
    (status, body)
}

/// A signed-in shopper who has bought `sku` (one unit, collected in a store that has it).
async fn buyer<'a>(app: &'a TestApp, email: &str, sku: &str) -> Device<'a> {
    let shopper = app.device();
    let (status, body) = shopper.post("/api/auth/register", json!({"email": email, "password": "a-long-password-1", "name": "Анна"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, cart) = shopper.set_qty(sku, json!(1), None).await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    let (_, availability) = app.get(&format!("/api/availability/{sku}")).await;
    let stores = availability["stores"].as_array().expect("stores");
    let store = stores.iter().find(|s| s["available"].as_u64() > Some(0)).expect("a store that has it")["store_id"].clone();
    let order = json!({
        "fulfilment": {"type": "pickup", "store": store},
        "payment": {"method": "pay_on_pickup"},
        "contact": {"name": "Анна Петрова", "phone": "+7 912 345-67-89", "email": email}
    });
    let cookie = shopper.cookie.lock().expect("cookie").clone().expect("a session");
    let placed = app.checkout_all(&[(cookie, format!("rating-{email}"))], &order).await;
    assert_eq!(placed[0].0, StatusCode::CREATED, "{}", placed[0].1);
    shopper
}

#[tokio::test]
async fn a_buyer_rates_a_product_and_its_page_and_the_api_show_the_new_mean() {
    let app = TestApp::new().await;
    let (_, before) = app.get("/api/products/PHN-0003").await;
    let (sum, count) = {
        let r = &before["rating"];
        let count = r["count"].as_u64().unwrap_or(0);
        (r["average"].as_str().map_or(0.0, |a| a.parse::<f64>().unwrap_or(0.0)) * count as f64, count)
    };
    let anna = buyer(&app, "anna@example.ru", "PHN-0003").await;
    let (status, rated) = rate(&anna, "PHN-0003", json!(1)).await;
    assert_eq!(status, StatusCode::OK, "{rated}");
    assert_eq!((rated["mine"].as_u64(), rated["rating"]["count"].as_u64()), (Some(1), Some(count + 1)));
    let (_, again) = rate(&anna, "PHN-0003", json!(5)).await;
    assert_eq!(again["rating"]["count"].as_u64(), Some(count + 1), "a second rating replaces the first");
    let expected = (sum + 5.0) / (count + 1) as f64;
    let shown: f64 = again["rating"]["average"].as_str().expect("average").parse().expect("a number");
    assert!((shown - expected).abs() <= 0.051, "{shown} vs {expected}");
    let (_, product) = app.get("/api/products/PHN-0003").await;
    assert_eq!(product["rating"], again["rating"]);
    let html = page(&app, "/p/PHN-0003").await;
    assert!(html.contains("data-testid=\"product-rating\""), "the page shows it");
    assert!(html.contains("\"aggregateRating\""), "and tells search engines");
}

#[tokio::test]
async fn only_a_signed_in_buyer_may_rate_and_only_one_to_five_stars() {
    let app = TestApp::new().await;
    let (status, body) = rate(&app.device(), "PHN-0003", json!(4)).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let (status, body) = rate(&app.staff().await, "PHN-0003", json!(4)).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"), "staff do not rate");
    let anna = buyer(&app, "anna@example.ru", "PHN-0003").await;
    let (status, body) = rate(&anna, "PHN-0004", json!(4)).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "not_a_buyer"), "she did not buy that one");
    for bad in [json!(0), json!(6)] {
        let (status, body) = rate(&anna, "PHN-0003", bad).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rating"));
    }
    let (status, body) = rate(&anna, "PHN-9999", json!(4)).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_sku"));
    let (_, product) = app.get("/api/products/PHN-0004").await;
    let (_, untouched) = app.get("/api/products/PHN-0004").await;
    assert_eq!(product["rating"], untouched["rating"]);
}

/// The order's key for a product as the API shows it: the mean damped towards 3 by two ratings.
async fn damped(app: &TestApp, sku: &str) -> f64 {
    let (_, p) = app.get(&format!("/api/products/{sku}")).await;
    let count = p["rating"]["count"].as_f64().unwrap_or(0.0);
    let mean = p["rating"]["average"].as_str().map_or(0.0, |a| a.parse::<f64>().unwrap_or(0.0));
    (mean * count + 6.0) / (count + 2.0)
}

#[tokio::test]
async fn sorted_by_rating_the_best_rated_come_first_and_a_single_five_does_not_outrank_many_good_ratings() {
    let app = TestApp::new().await;
    let all = skus(&page(&app, "/c/headphones").await);
    let mut unrated = None;
    for sku in &all {
        let (_, p) = app.get(&format!("/api/products/{sku}")).await;
        if p.get("rating").is_none() {
            unrated = Some(sku.clone());
        }
    }
    let unrated = unrated.expect("a headphone nobody rated yet");
    let anna = buyer(&app, "anna@example.ru", &unrated).await;
    let (status, body) = rate(&anna, &unrated, json!(5)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let html = page(&app, "/c/headphones?sort=rating").await;
    assert!(html.contains("value=\"rating\" selected"), "the order stays chosen in the form");
    let listed = skus(&html);
    let mut keys = Vec::new();
    for sku in &listed {
        keys.push((damped(&app, sku).await, sku.clone()));
    }
    for pair in keys.windows(2) {
        assert!(pair[0].0 + 0.06 >= pair[1].0, "{} before {}: {keys:?}", pair[0].1, pair[1].1);
    }
    let first = &keys[0];
    assert!(first.0 > 4.0, "the best rated first: {keys:?}");
    assert_ne!(first.1, unrated, "one 5 is not the best rating of the category");
}
