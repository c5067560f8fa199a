//! The product feeds (issue 13, exports): Yandex's YML at `/feeds/yandex.yml` and Google
//! Merchant's RSS at `/feeds/google.xml` list the whole catalog with prices and availability, as
//! public, validated answers that follow the next stock change. In-process against the Router.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use common::TestApp;
use std::sync::Arc;

const YANDEX: &str = "/feeds/yandex.yml";
const GOOGLE: &str = "/feeds/google.xml";

async fn fetch(app: &TestApp, uri: &str) -> (StatusCode, HeaderMap, String) {
    let request = Request::get(uri).header(header::HOST, "shop.example").body(Body::empty()).expect("request");
    let (status, headers, body) = app.send(request).await;
    (status, headers, String::from_utf8(body).expect("a UTF-8 feed"))
}

/// Every product of the catalog API: SKU, price (e.g. `8690.00`) and units available.
async fn catalog(app: &TestApp) -> Vec<(String, String, u64)> {
    let mut products = Vec::new();
    let mut page = 1;
    loop {
        let (status, body) = app.get(&format!("/api/products?page={page}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for item in body["items"].as_array().expect("items") {
            let sku = item["sku"].as_str().expect("a SKU").to_owned();
            let price = item["price"]["amount"].as_str().expect("a price").to_owned();
            products.push((sku, price, item["total_available"].as_u64().expect("total_available")));
        }
        if page >= body["total_pages"].as_u64().expect("total_pages") {
            return products;
        }
        page += 1;
    }
}

/// The part of a feed between `<offer id="SKU"` / `<g:id>SKU<` and the end of that offer or item.
fn entry<'a>(feed: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = feed.find(start)?;
    let rest = &feed[from..];
    rest.find(end).map(|to| &rest[..to])
}

fn yml_offer<'a>(feed: &'a str, sku: &str) -> Option<&'a str> {
    entry(feed, &format!("<offer id=\"{sku}\" "), "</offer>")
}

fn google_item<'a>(feed: &'a str, sku: &str) -> Option<&'a str> {
    entry(feed, &format!("<g:id>{sku}</g:id>"), "</item>")
}

/// `8690.00` as YML writes it: `8690` (kopecks only when there are some).
fn yml_price(price: &str) -> &str {
    price.strip_suffix(".00").unwrap_or(price)
}

#[tokio::test]
async fn both_feeds_answer_200_with_an_xml_content_type_and_public_cache_headers() {
    let app = TestApp::new().await;
    for (uri, content_type, root) in
        [(YANDEX, "application/xml", "<yml_catalog date=\""), (GOOGLE, "application/rss+xml", "<rss version=\"2.0\"")]
    {
        let (status, headers, body) = fetch(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(headers[header::CONTENT_TYPE], format!("{content_type}; charset=utf-8").as_str(), "{uri}");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60, stale-while-revalidate=600", "{uri}");
        assert!(headers.get(header::SET_COOKIE).is_none(), "{uri}: a feed starts no session");
        assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), "{uri}");
        assert!(body.contains(root), "{uri}");
        let tag = headers[header::ETAG].to_str().expect("an ASCII ETag").to_owned();
        let again = Request::get(uri)
            .header(header::HOST, "shop.example")
            .header(header::IF_NONE_MATCH, &tag)
            .body(Body::empty())
            .expect("request");
        let (status, _, body) = app.send(again).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}: a known ETag");
        assert!(body.is_empty());
    }
}

#[tokio::test]
async fn every_product_is_in_both_feeds_with_its_price_and_availability() {
    let app = TestApp::new().await;
    let products = catalog(&app).await;
    assert!(products.len() > 300, "the demo catalog: {}", products.len());
    assert!(products.iter().any(|(_, _, n)| *n == 0) && products.iter().any(|(_, _, n)| *n > 0), "both kinds are checked");
    let (_, _, yandex) = fetch(&app, YANDEX).await;
    let (_, _, google) = fetch(&app, GOOGLE).await;
    assert_eq!(yandex.matches("<offer id=").count(), products.len());
    assert_eq!(google.matches("<item>").count(), products.len());
    for (sku, price, available) in &products {
        let in_stock = *available > 0;
        let offer = yml_offer(&yandex, sku).unwrap_or_else(|| panic!("{sku} in the YML feed"));
        assert!(offer.contains(&format!("available=\"{in_stock}\"")), "{offer}");
        assert!(offer.contains(&format!("<price>{}</price>", yml_price(price))), "{offer}");
        assert!(offer.contains("<currencyId>RUR</currencyId>"), "{offer}");
        assert!(offer.contains(&format!("<url>http://shop.example/p/{sku}</url>")), "{offer}");
        let item = google_item(&google, sku).unwrap_or_else(|| panic!("{sku} in the Google feed"));
        assert!(item.contains(&format!("<g:price>{price} RUB</g:price>")), "{item}");
        let availability = if in_stock { "in_stock" } else { "out_of_stock" };
        assert!(item.contains(&format!("<g:availability>{availability}</g:availability>")), "{item}");
        assert!(item.contains(&format!("<link>http://shop.example/p/{sku}</link>")), "{item}");
    }
}

#[tokio::test]
async fn a_product_sold_out_everywhere_is_unavailable_in_the_next_feeds() {
    let app = TestApp::new().await;
    let (_, _, before) = fetch(&app, YANDEX).await;
    let offer = yml_offer(&before, "PHN-0001").expect("PHN-0001 in the feed");
    assert!(offer.contains("available=\"true\""), "{offer}");
    let (_, _, google_before) = fetch(&app, GOOGLE).await;
    assert!(google_item(&google_before, "PHN-0001").expect("PHN-0001").contains("<g:availability>in_stock</g:availability>"));

    let staff = app.staff().await;
    let (status, stores) = app.get("/api/stores").await;
    assert_eq!(status, StatusCode::OK);
    for store in stores.as_array().expect("stores") {
        let id = store["id"].as_str().expect("a store id");
        let body = serde_json::json!({"items": [{"sku": "PHN-0001", "on_hand": 0}]}).to_string();
        let (status, r) = app.put_stock(id, body, Some(&staff)).await;
        assert_eq!(status, StatusCode::OK, "{id}: {r}");
    }

    let (_, _, after) = fetch(&app, YANDEX).await;
    let offer = yml_offer(&after, "PHN-0001").expect("still listed when sold out");
    assert!(offer.contains("available=\"false\"") && offer.contains("<store>false</store>"), "{offer}");
    let (_, _, google_after) = fetch(&app, GOOGLE).await;
    let item = google_item(&google_after, "PHN-0001").expect("still listed when sold out");
    assert!(item.contains("<g:availability>out_of_stock</g:availability>"), "{item}");
}

#[tokio::test]
async fn feed_links_start_with_the_configured_public_url() {
    let mut app = TestApp::new().await;
    let mut config = (*app.state.config).clone();
    config.public_url = Some("https://vitrina.example/".into());
    app.state.config = Arc::new(config);
    let (_, _, yandex) = fetch(&app, YANDEX).await;
    assert!(yandex.contains("<url>https://vitrina.example/</url>"), "the shop's address");
    assert!(yml_offer(&yandex, "PHN-0001").expect("PHN-0001").contains("<url>https://vitrina.example/p/PHN-0001</url>"));
    assert!(!yandex.contains("shop.example"), "not the request's Host");
    let (_, _, google) = fetch(&app, GOOGLE).await;
    let item = google_item(&google, "PHN-0001").expect("PHN-0001");
    assert!(item.contains("<link>https://vitrina.example/p/PHN-0001</link>"), "{item}");
    assert!(item.contains("<g:image_link>https://vitrina.example/"), "{item}");
}
