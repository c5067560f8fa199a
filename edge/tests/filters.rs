//! Filters and sorting on the category and search pages (issue 13, item 6): brands with counts, a
//! price range, "in stock in a city" and the order, all in the address, server-rendered, working
//! without JavaScript, with the canonical address of the unfiltered listing.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{skus, TestApp};
use serde_json::{json, Value};

async fn page(app: &TestApp, uri: &str) -> (StatusCode, String) {
    let request = Request::get(uri).header(header::HOST, "shop.example").body(Body::empty()).expect("request");
    let (status, _, body) = app.send(request).await;
    (status, String::from_utf8(body).expect("utf-8 page"))
}

/// A product as the API tells it.
async fn product(app: &TestApp, sku: &str) -> Value {
    let (status, p) = app.get(&format!("/api/products/{sku}")).await;
    assert_eq!(status, StatusCode::OK, "{sku}: {p}");
    p
}

fn kopecks(p: &Value) -> i64 {
    let amount = p["price"]["amount"].as_str().expect("a price");
    let (roubles, kop) = amount.split_once('.').expect("two decimals");
    roubles.parse::<i64>().expect("roubles") * 100 + kop.parse::<i64>().expect("kopecks")
}

/// The brands a listing offers, with their counts, as the filter form lists them.
fn offered_brands(html: &str) -> Vec<(String, u32)> {
    html.split("data-testid=\"filter-brand\"")
        .skip(1)
        .filter_map(|rest| {
            let label = rest.split("</label>").next()?;
            let text = label.rsplit('>').next()?.trim();
            let (brand, count) = text.rsplit_once(" (")?;
            Some((brand.trim().to_owned(), count.trim_end_matches(')').parse().ok()?))
        })
        .collect()
}

#[tokio::test]
async fn a_shopper_narrows_a_category_to_one_brand_and_every_brand_is_offered_with_its_count() {
    let app = TestApp::new().await;
    let (_, all) = page(&app, "/c/smartphones").await;
    let total = skus(&all).len();
    let brands = offered_brands(&all);
    assert!(brands.len() >= 2, "{brands:?}");
    assert!(all.contains("data-testid=\"listing-filters\""), "a GET form that works without JavaScript");
    let (brand, count) = brands[0].clone();
    let (status, narrowed) = page(&app, &format!("/c/smartphones?brand={}", brand.replace(' ', "+"))).await;
    assert_eq!(status, StatusCode::OK);
    let found = skus(&narrowed);
    assert_eq!(found.len(), (count as usize).min(24), "the count offered is the count shown");
    for sku in &found {
        assert_eq!(product(&app, sku).await["brand"], brand.as_str(), "{sku}");
    }
    assert!(narrowed.contains(&format!("value=\"{brand}\" checked")), "the ticked brand stays ticked");
    assert_eq!(offered_brands(&narrowed), brands, "the other brands are still offered, with the same counts");
    assert!(
        narrowed.contains("<link rel=\"canonical\" href=\"http://shop.example/c/smartphones\">"),
        "one canonical address: the unfiltered listing"
    );
    assert!(
        narrowed.contains("data-testid=\"filter-reset\" href=\"/c/smartphones\"")
            || narrowed.contains("href=\"/c/smartphones\" data-testid=\"filter-reset\"")
    );
    assert!(total >= found.len());
}

#[tokio::test]
async fn a_price_range_and_a_price_order_show_only_those_prices_in_that_order() {
    let app = TestApp::new().await;
    let (_, cheap_first) = page(&app, "/c/laptops?sort=price_asc").await;
    let mut prices = Vec::new();
    for sku in skus(&cheap_first) {
        prices.push(kopecks(&product(&app, &sku).await));
    }
    assert!(prices.len() > 2);
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "cheapest first: {prices:?}");
    assert!(
        cheap_first.contains("href=\"/c/laptops?sort=price_asc&amp;page=2\"")
            || cheap_first.contains("href=\"/c/laptops?sort=price_asc&page=2\""),
        "the pager keeps the order"
    );

    let (_, dear_first) = page(&app, "/c/laptops?sort=price_desc").await;
    let first = kopecks(&product(&app, &skus(&dear_first)[0]).await);
    assert!(prices.iter().all(|p| *p <= first), "the dearest first");

    // A range around the middle of the cheapest page.
    let (low, high) = (prices[1] / 100, prices[prices.len() - 2] / 100 + 1);
    let (_, ranged) = page(&app, &format!("/c/laptops?price_min={low}&price_max={high}")).await;
    let inside = skus(&ranged);
    assert!(!inside.is_empty());
    for sku in inside {
        let p = kopecks(&product(&app, &sku).await);
        assert!((low * 100..=high * 100).contains(&p), "{sku} at {p} kopecks, outside {low}–{high} ₽");
    }
    assert!(ranged.contains("name=\"price_min\"") && ranged.contains(&format!("value=\"{low}\"")), "the range stays in the form");
}

#[tokio::test]
async fn in_stock_in_a_city_leaves_out_what_that_citys_stores_do_not_have() {
    let app = TestApp::new().await;
    let (_, before) = page(&app, "/c/smartphones?in_stock=saint_petersburg").await;
    let sku = skus(&before)[0].clone();
    let (_, stores) = app.get("/api/stores").await;
    let staff = app.staff().await;
    for store in stores.as_array().expect("stores") {
        if store["city"] == "saint_petersburg" {
            let body = json!({"items": [{"sku": sku, "on_hand": 0}]}).to_string();
            let (status, r) = app.put_stock(store["id"].as_str().expect("id"), body, Some(&staff)).await;
            assert_eq!(status, StatusCode::OK, "{r}");
        }
    }
    app.advance(2);
    let (_, spb) = page(&app, "/c/smartphones?in_stock=saint_petersburg").await;
    assert!(!skus(&spb).contains(&sku), "sold out in Saint Petersburg");
    let (_, msk) = page(&app, "/c/smartphones?in_stock=moscow").await;
    assert!(skus(&msk).contains(&sku), "still in Moscow");
    assert!(spb.contains("<option value=\"saint_petersburg\" selected"), "the city stays chosen");
}

#[tokio::test]
async fn a_search_is_filtered_and_sorted_too_and_keeps_its_query() {
    let app = TestApp::new().await;
    let q = "%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D0%BE%D0%BD";
    let (_, results) = page(&app, &format!("/search?q={q}")).await;
    let brands = offered_brands(&results);
    assert!(!brands.is_empty());
    let brand = brands[0].0.clone();
    let (status, narrowed) = page(&app, &format!("/search?q={q}&brand={brand}&sort=price_desc")).await;
    assert_eq!(status, StatusCode::OK);
    let mut prices = Vec::new();
    for sku in skus(&narrowed) {
        let p = product(&app, &sku).await;
        assert_eq!(p["brand"], brand.as_str());
        prices.push(kopecks(&p));
    }
    assert!(!prices.is_empty() && prices.windows(2).all(|w| w[0] >= w[1]), "dearest first: {prices:?}");
    assert!(narrowed.contains("type=\"hidden\" name=\"q\" value=\"смартфон\""), "the form keeps the query");
    let (_, none) = page(&app, &format!("/search?q={q}&price_max=1")).await;
    assert!(skus(&none).is_empty());
    assert!(none.contains("data-testid=\"filter-reset\""), "nothing left: the way back is offered");
}

#[tokio::test]
async fn what_was_bought_most_comes_first_when_sorted_by_popularity() {
    let app = TestApp::new().await;
    let (_, listing) = page(&app, "/c/headphones").await;
    let last = skus(&listing).last().cloned().expect("headphones");
    let shopper = app.device();
    let (status, cart) = shopper.set_qty(&last, json!(2), None).await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    let store = "msk-tverskaya";
    let order = json!({
        "fulfilment": {"type": "pickup", "store": store},
        "payment": {"method": "pay_on_pickup"},
        "contact": {"name": "Анна Петрова", "phone": "+7 912 345-67-89", "email": "anna@example.ru"}
    });
    let cookie = shopper.cookie.lock().expect("cookie").clone().expect("a session");
    let placed = app.checkout_all(&[(cookie, "popular-1".into())], &order).await;
    assert_eq!(placed[0].0, StatusCode::CREATED, "{}", placed[0].1);
    app.advance(2);
    let (_, popular) = page(&app, "/c/headphones?sort=popular").await;
    assert_eq!(skus(&popular).first(), Some(&last), "the one bought comes first");
}

#[tokio::test]
async fn nonsense_in_the_filters_is_ignored_and_the_page_still_answers() {
    let app = TestApp::new().await;
    let (_, plain) = page(&app, "/c/smartphones").await;
    let (status, odd) = page(&app, "/c/smartphones?price_min=-3&price_max=lots&in_stock=paris&sort=cheapest&brand=").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(skus(&odd), skus(&plain));
}

/// The attribute filters a listing offers: (`name:value`, count).
fn offered_attributes(html: &str) -> Vec<(String, u32)> {
    html.split("name=\"attr\" value=\"")
        .skip(1)
        .filter_map(|rest| {
            let value = rest.split('"').next()?;
            let label = rest.split("</label>").next()?;
            let count = label.rsplit_once(" (")?.1.trim_end_matches(')').parse().ok()?;
            Some((value.replace("&amp;", "&"), count))
        })
        .collect()
}

#[tokio::test]
async fn an_attribute_value_narrows_a_category_to_the_products_that_have_it() {
    let app = TestApp::new().await;
    let (_, all) = page(&app, "/c/smartphones").await;
    let offered = offered_attributes(&all);
    let (pair, count) = offered.iter().find(|(p, _)| p.starts_with("Память:")).cloned().expect("memory sizes are offered");
    let (name, value) = pair.split_once(':').expect("name:value");
    let encoded: String = url_encode(&pair);
    let (status, narrowed) = page(&app, &format!("/c/smartphones?attr={encoded}")).await;
    assert_eq!(status, StatusCode::OK);
    let found = skus(&narrowed);
    assert_eq!(found.len(), (count as usize).min(24), "the count offered is the count shown");
    for sku in &found {
        let p = product(&app, sku).await;
        let has = p["attributes"].as_array().expect("attributes").iter().any(|a| a["name"] == name && a["value"] == value);
        assert!(has, "{sku} has {pair}");
    }
    assert!(narrowed.contains(&format!("value=\"{pair}\" checked")), "the ticked value stays ticked");
}

/// Percent-encodes a query value (UTF-8 bytes outside unreserved ASCII).
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
