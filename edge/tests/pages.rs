//! The server-rendered public pages (issue 12): content, search-engine facts and cache headers in
//! the first response, the same HTML for everyone, 404 and 301 where they belong, robots and
//! sitemap. In-process against the Router, as the other API tests.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use common::TestApp;

async fn page(app: &TestApp, uri: &str, cookie: Option<&str>) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::get(uri).header(header::HOST, "shop.example");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let (status, headers, body) = app.send(request.body(Body::empty()).expect("request")).await;
    (status, headers, String::from_utf8(body).expect("utf-8 page"))
}

/// The JSON-LD blocks of a page, parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .filter_map(|rest| rest.split("</script>").next())
        .map(|json| serde_json::from_str(json).expect("valid JSON-LD"))
        .collect()
}

#[tokio::test]
async fn a_product_page_shows_its_name_price_availability_and_json_ld_in_the_first_response() {
    let app = TestApp::new().await;
    let (status, headers, html) = page(&app, "/p/PHN-0001", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap_or("").starts_with("text/html"));
    assert!(html.starts_with("<!doctype html>\n<html lang=\"ru\""));
    let title = html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).expect("a title");
    assert!(title.starts_with("Смартфон Nova X5, 64 ГБ — 8") && title.ends_with("₽ — Витрина"), "a title of its own: {title}");
    assert!(html.contains(">Смартфон Nova X5, 64 ГБ</h1>"));
    assert!(html.contains("₽</p>"), "the price");
    assert!(html.contains("data-testid=\"availability-headline\""));
    assert!(html.contains("<meta property=\"og:type\" content=\"product\">"));
    assert!(html.contains("<link rel=\"canonical\" href=\"http://shop.example/p/PHN-0001\">"));
    assert!(html.contains("hreflang=\"en\" href=\"http://shop.example/en/p/PHN-0001\""));
    let blocks = json_ld(&html);
    let product = blocks.iter().find(|b| b["@type"] == "Product").expect("Product JSON-LD");
    assert_eq!(product["sku"], "PHN-0001");
    assert_eq!(product["offers"]["price"], "8690.00");
    assert_eq!(product["offers"]["priceCurrency"], "RUB");
    assert_eq!(product["offers"]["availability"], "https://schema.org/InStock");
    assert!(blocks.iter().any(|b| b["@type"] == "BreadcrumbList"));
}

#[tokio::test]
async fn two_sessions_get_byte_identical_html_with_nothing_personal_in_it() {
    let app = TestApp::new().await;
    let shopper = app.device();
    let (status, _) = shopper.set_qty("PHN-0001", serde_json::json!(2), None).await;
    assert_eq!(status, StatusCode::OK, "the shopper has a cart");
    let cookie = shopper.cookie.lock().expect("cookie").clone().expect("a session cookie");
    let staff = app.staff().await;
    let staff_cookie = staff.cookie.lock().expect("cookie").clone().expect("a staff cookie");
    for uri in ["/", "/c/smartphones", "/p/PHN-0001", "/search?q=nova", "/stores", "/en/p/PHN-0001"] {
        let (_, anonymous_headers, anonymous) = page(&app, uri, None).await;
        let (_, _, with_cart) = page(&app, uri, Some(&cookie)).await;
        let (_, _, as_staff) = page(&app, uri, Some(&staff_cookie)).await;
        assert_eq!(anonymous, with_cart, "{uri}: a shopper's cart changes nothing in the HTML");
        assert_eq!(anonymous, as_staff, "{uri}: signing in changes nothing in the HTML");
        assert!(anonymous_headers.get(header::SET_COOKIE).is_none(), "{uri}: a public page starts no session");
    }
}

#[tokio::test]
async fn public_pages_are_cacheable_and_a_known_etag_is_answered_304() {
    let app = TestApp::new().await;
    let (status, headers, _) = page(&app, "/c/laptops", None).await;
    assert_eq!(status, StatusCode::OK);
    let cache = headers[header::CACHE_CONTROL].to_str().expect("ascii");
    assert!(cache.starts_with("public") && cache.contains("max-age=") && cache.contains("stale-while-revalidate="), "{cache}");
    let tag = headers[header::ETAG].to_str().expect("ascii").to_owned();
    let request = Request::get("/c/laptops")
        .header(header::HOST, "shop.example")
        .header(header::IF_NONE_MATCH, &tag)
        .body(Body::empty())
        .expect("request");
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(headers[header::ETAG].to_str().expect("ascii"), tag);
    let (_, me_headers) = {
        let (s, h, _) = app.send(Request::get("/api/cart").body(Body::empty()).expect("request")).await;
        (s, h)
    };
    assert!(me_headers[header::CACHE_CONTROL].to_str().unwrap_or("").contains("no-store"), "personal answers stay private");
}

#[tokio::test]
async fn unknown_products_categories_and_paths_answer_404_with_a_page_that_helps() {
    let app = TestApp::new().await;
    for (uri, says) in [
        ("/p/TV-9999", "Товар TV-9999 не найден."),
        ("/p/not%20a%20sku", "Товар"),
        ("/c/no-such-category", "Категория не найдена"),
        ("/stores/nowhere", "Магазин не найден"),
        ("/nowhere/at/all", "Страница не найдена"),
        ("/en/p/TV-9999", "Product TV-9999 not found."),
        ("/c/laptops?page=99", "Страница не найдена"),
    ] {
        let (status, _, html) = page(&app, uri, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(html.contains(says), "{uri} says {says:?}");
        assert!(html.contains("<meta name=\"robots\" content=\"noindex"), "{uri} is kept out of the index");
        assert!(html.contains("data-testid=\"search-input\""), "{uri} still lets the shopper search");
    }
}

#[tokio::test]
async fn moved_addresses_answer_301_to_where_the_page_lives() {
    let app = TestApp::new().await;
    for (uri, to) in [
        ("/product/PHN-0001", "/p/PHN-0001"),
        ("/p/phn-0001", "/p/PHN-0001"),
        ("/c/laptops/", "/c/laptops"),
        ("/en/catalog/tv", "/en/c/tv"),
    ] {
        let (status, headers, _) = page(&app, uri, None).await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY, "{uri}");
        assert_eq!(headers[header::LOCATION], to, "{uri}");
    }
}

#[tokio::test]
async fn english_lives_under_en_with_its_own_language_and_alternates() {
    let app = TestApp::new().await;
    let (status, _, html) = page(&app, "/en/c/laptops", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("<title>Laptops — Vitrina</title>"));
    assert!(html.contains("hreflang=\"ru\" href=\"http://shop.example/c/laptops\""));
    assert!(html.contains("data-testid=\"lang-switch\" href=\"/c/laptops\""), "the switch leads to the Russian address");
    assert!(html.contains("href=\"/en/p/"), "links stay in English");
}

#[tokio::test]
async fn without_javascript_a_shopper_browses_pages_searches_and_sees_a_citys_stores() {
    let app = TestApp::new().await;
    let (_, _, first) = page(&app, "/c/laptops", None).await;
    assert_eq!(first.matches("data-testid=\"product-card\"").count(), 24);
    assert!(first.contains("data-testid=\"pager-next\" rel=\"next\" href=\"/c/laptops?page=2\""));
    let (_, _, second) = page(&app, "/c/laptops?page=2", None).await;
    assert_eq!(second.matches("data-testid=\"product-card\"").count(), 2);

    let (status, _, results) = page(&app, "/search?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D0%BE%D0%BD+nova", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(results.contains("action=\"/search\" method=\"get\""), "the search box is a plain GET form");
    assert!(results.matches("data-testid=\"product-card\"").count() >= 1);
    assert!(results.to_lowercase().contains("nova"));

    let (_, _, spb) = page(&app, "/p/PHN-0001?city=saint_petersburg", None).await;
    let stores = spb.matches("data-testid=\"availability-store\"").count();
    assert!(stores > 0);
    assert_eq!(spb.matches("Санкт-Петербург<!>, ").count(), stores, "only the chosen city's stores");
    assert!(spb.contains("data-city=\"saint_petersburg\""), "the island starts with the same city");
}

#[tokio::test]
async fn store_pages_show_address_hours_and_stock_with_local_business_facts() {
    let app = TestApp::new().await;
    let (status, _, list) = page(&app, "/stores", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.matches("data-testid=\"store-item\"").count(), 13);
    let (status, _, html) = page(&app, "/stores/msk-tverskaya", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("ул. Тверская, 15"));
    assert!(html.contains("yandex.ru/maps"), "a map link");
    assert!(html.matches("data-testid=\"product-card\"").count() > 0, "what is in stock there");
    let store = json_ld(&html).into_iter().find(|b| b["@type"] == "Store").expect("Store JSON-LD");
    assert_eq!(store["address"]["streetAddress"], "ул. Тверская, 15");
    assert!(store["openingHoursSpecification"].as_array().is_some_and(|h| !h.is_empty()));
}

#[tokio::test]
async fn home_declares_the_organization_and_a_site_search_and_information_pages_exist() {
    let app = TestApp::new().await;
    let (_, _, home) = page(&app, "/", None).await;
    let blocks = json_ld(&home);
    assert!(blocks.iter().any(|b| b["@type"] == "Organization"));
    let site = blocks.iter().find(|b| b["@type"] == "WebSite").expect("WebSite JSON-LD");
    assert_eq!(site["potentialAction"]["@type"], "SearchAction");
    // Products before the long grid of category tiles (phones).
    assert!(home.find("data-testid=\"product-card\"") < home.find("data-testid=\"category-tile\""));
    for uri in ["/delivery", "/returns", "/contacts", "/legal", "/en/returns"] {
        let (status, _, html) = page(&app, uri, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(html.contains("class=\"site-footer\""), "{uri}");
    }
}

#[tokio::test]
async fn robots_keeps_crawlers_out_of_private_pages_and_the_sitemap_lists_every_product() {
    let app = TestApp::new().await;
    let (status, headers, robots) = page(&app, "/robots.txt", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap_or("").starts_with("text/plain"));
    for private in ["/api/", "/cart", "/checkout", "/account", "/showroom/", "/staff", "/admin"] {
        assert!(robots.lines().any(|l| l == format!("Disallow: {private}")), "{private}");
    }
    assert!(robots.contains("Sitemap: http://shop.example/sitemap.xml"));
    let (status, headers, sitemap) = page(&app, "/sitemap.xml", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap_or("").starts_with("application/xml"));
    let (_, health) = app.get("/api/health").await;
    let products = health["products"].as_u64().expect("product count") as usize;
    assert_eq!(sitemap.matches("<loc>http://shop.example/p/").count(), products, "every product, in Russian");
    assert_eq!(sitemap.matches("<loc>http://shop.example/en/p/").count(), products, "and in English");
    assert!(sitemap.contains("<loc>http://shop.example/stores/msk-tverskaya</loc>"));
    assert!(sitemap.contains("<lastmod>"));
}

#[tokio::test]
async fn a_page_shows_a_stock_change_on_the_very_next_request_although_pages_are_kept_for_a_moment() {
    let app = TestApp::new().await;
    let uri = "/p/LAP-0003?city=moscow";
    let (_, _, before) = page(&app, uri, None).await;
    assert!(!before.contains("data-available=\"42\""), "no store has 42 yet");
    let (_, _, again) = page(&app, uri, None).await;
    assert_eq!(before, again, "the same page a moment later");
    let staff = app.staff().await;
    let (status, r) =
        app.put_stock("msk-tverskaya", serde_json::json!({"items": [{"sku": "LAP-0003", "on_hand": 42}]}).to_string(), Some(&staff)).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (_, _, after) = page(&app, uri, None).await;
    assert!(after.contains("data-available=\"42\""), "a page kept from before the update was served");
}

#[tokio::test]
async fn the_availability_panel_offers_a_city_form_and_its_results_come_alone_for_a_city_or_a_point() {
    let app = TestApp::new().await;
    let (_, _, html) = page(&app, "/p/PHN-0001", None).await;
    assert!(html.contains("data-testid=\"city-select\""), "a city picker that works without JavaScript");
    assert!(html.contains("name=\"city\""));
    assert!(html.contains("data-testid=\"use-location\""));

    let (status, headers, near) = page(&app, "/en/p/PHN-0001/availability?lat=55.764&lon=37.606", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap_or("").starts_with("text/html"));
    assert!(!near.contains("<html"), "only the results, to swap into the panel");
    assert!(near.contains("near you"), "{near}");
    let first = near.split("data-testid=\"availability-store\"").nth(1).expect("a store");
    assert!(first.contains("Тверской") && first.contains("\u{a0}m</span>"), "the nearest store first, with its distance: {first}");

    let (_, _, city) = page(&app, "/p/PHN-0001/availability?city=saint_petersburg", None).await;
    assert!(city.contains("Санкт-Петербург") && !city.contains("Москва,"), "only the city's stores: {city}");

    let (status, _, _) = page(&app, "/p/PHN-0001/availability?lat=north&lon=37", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = page(&app, "/p/PHN-0001/availability?lat=55", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = page(&app, "/p/NOPE-0001/availability", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
