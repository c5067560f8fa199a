//! Catalog management (issue 13, item 1): a merchandiser (or staff, as configured) creates, edits
//! and archives products under `If-Match`, and changes prices now or on a schedule; every channel
//! — the page, the API, carts (with a notice) — shows the price in force at once.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{error_code, Device, TestApp};
use serde_json::{json, Value};
use vitrina_edge::BootstrapAccount;

const NEW_SKU: &str = "PHN-TEST-1";

fn new_product() -> Value {
    json!({
        "sku": NEW_SKU,
        "name": "Смартфон Тест Про, 128 ГБ",
        "brand": "Тест",
        "category": "smartphones",
        "description": "Для проверки каталога.",
        "price": {"amount": "19990.00", "currency": "RUB"},
        "attributes": [{"name": "Память", "value": "128 ГБ"}, {"name": "Цвет", "value": "синий"}]
    })
}

async fn page(app: &TestApp, uri: &str) -> (StatusCode, String) {
    let request = Request::get(uri).header(header::HOST, "shop.example").body(Body::empty()).expect("request");
    let (status, _, body) = app.send(request).await;
    (status, String::from_utf8(body).expect("utf-8 page"))
}

async fn create(staff: &Device<'_>) -> Value {
    let (status, body) = staff.post("/api/admin/products", new_product()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn set_price(staff: &Device<'_>, sku: &str, body: Value) -> (StatusCode, Value) {
    let (status, _, body) = staff.call(Method::PUT, &format!("/api/admin/products/{sku}/price"), Some(body), &[]).await;
    (status, body)
}

fn amount(v: &Value) -> &str {
    v["amount"].as_str().unwrap_or("<no amount>")
}

#[tokio::test]
async fn a_created_product_is_in_the_api_in_its_category_and_has_its_own_page() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let created = create(&staff).await;
    assert_eq!((created["version"].as_i64(), created["archived"].as_bool()), (Some(1), Some(false)));
    assert_eq!(created["product"]["image"], format!("/img/p/{NEW_SKU}.svg"), "a picture of its own when none is given");
    let (status, svg) = page(&app, &format!("/img/p/{NEW_SKU}-box.svg")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(svg.starts_with("<svg") && svg.contains("aria-label="), "its generated box picture: {svg}");
    let (status, product) = app.get(&format!("/api/products/{NEW_SKU}")).await;
    assert_eq!(status, StatusCode::OK, "{product}");
    assert_eq!((product["name"].as_str(), amount(&product["price"])), (Some("Смартфон Тест Про, 128 ГБ"), "19990.00"));
    assert_eq!(product["attributes"][0], json!({"name": "Память", "value": "128 ГБ"}));
    let (_, found) = app.get("/api/products?q=тест").await;
    assert!(found["items"].as_array().expect("items").iter().any(|p| p["sku"] == NEW_SKU), "found by its name: {found}");
    let (status, html) = page(&app, &format!("/p/{NEW_SKU}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">Смартфон Тест Про, 128 ГБ</h1>"));
    let (status, body) = staff.post("/api/admin/products", new_product()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "product_exists"));
    let (_, brands) = staff.get("/api/admin/brands").await;
    let brand = brands.as_array().expect("brands").iter().find(|b| b["name"] == "Тест").cloned();
    assert_eq!(brand.map(|b| b["product_count"].clone()), Some(json!(1)), "its brand is in use now");
}

#[tokio::test]
async fn an_edit_against_a_stale_if_match_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    create(&staff).await;
    let uri = format!("/api/admin/products/{NEW_SKU}");
    let (status, headers, edited) = staff.call(Method::PATCH, &uri, Some(json!({"name": "Тест Про 2"})), &[("if-match", "\"1\"")]).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(headers[header::ETAG], "\"2\"");
    assert_eq!((edited["product"]["name"].as_str(), edited["version"].as_i64()), (Some("Тест Про 2"), Some(2)));
    let (status, _, body) = staff.call(Method::PATCH, &uri, Some(json!({"name": "Чужая правка"})), &[("if-match", "\"1\"")]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "product_changed"), "{body}");
    assert_eq!(body["error"]["params"]["version"], 2);
    let (status, body) = set_price(&staff, NEW_SKU, json!({"price": {"amount": "1.00", "currency": "RUB"}})).await;
    assert_eq!(status, StatusCode::OK, "without If-Match the change is unconditional: {body}");
    let (_, _, body) = staff
        .call(Method::PUT, &format!("{uri}/price"), Some(json!({"price": {"amount": "2.00", "currency": "RUB"}})), &[("if-match", "\"2\"")])
        .await;
    assert_eq!(error_code(&body), "product_changed", "a price change moved the version on");
    let (_, product) = app.get(&format!("/api/products/{NEW_SKU}")).await;
    assert_eq!((product["name"].as_str(), amount(&product["price"])), (Some("Тест Про 2"), "1.00"), "nothing of the refused edits");
    let (status, _, body) = staff.call(Method::PATCH, &uri, Some(json!({"name": "x"})), &[("if-match", "*")]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "invalid_if_match"));
}

#[tokio::test]
async fn invalid_fields_are_refused_with_their_json_pointer_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let with = |field: &str, value: Value| {
        let mut body = new_product();
        body[field] = value;
        body
    };
    let cases = [
        (with("sku", json!("bad sku")), "/sku", "invalid_sku"),
        (with("name", json!("   ")), "/name", "required"),
        (with("name", json!("x".repeat(201))), "/name", "too_long"),
        (with("category", json!("no-such-category")), "/category", "unknown_category"),
        (with("price", json!({"amount": "-5", "currency": "RUB"})), "/price/amount", "negative"),
        (with("price", json!({"amount": "1.001", "currency": "RUB"})), "/price/amount", "fraction_of_kopeck"),
        (with("price", json!({"amount": "10", "currency": "USD"})), "/price/currency", "malformed"),
        (with("price", json!("19990")), "/price", "malformed"),
        (with("attributes", json!([{"name": "Цвет", "value": ""}])), "/attributes/0/value", "required"),
        (with("attributes", json!([{"name": "Цвет", "value": "a"}, {"name": "ЦВЕТ", "value": "b"}])), "/attributes/1/name", "duplicate"),
        (with("image", json!("https://elsewhere.example/a.png")), "/image", "invalid_image"),
        (with("name", json!(5)), "/name", "malformed"),
    ];
    for (body, field, reason) in cases {
        let (status, answer) = staff.post("/api/admin/products", body).await;
        assert_eq!((status, error_code(&answer)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_product"), "{field}: {answer}");
        assert_eq!(
            (answer["error"]["params"]["field"].as_str(), answer["error"]["params"]["reason"].as_str()),
            (Some(field), Some(reason)),
            "{answer}"
        );
    }
    let (status, _) = app.get(&format!("/api/products/{NEW_SKU}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "none of them was stored");
    let (status, answer) =
        set_price(&staff, "PHN-0001", json!({"price": {"amount": "100", "currency": "RUB"}, "effective_at": "2020-01-01T00:00:00Z"})).await;
    assert_eq!((status, answer["error"]["params"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("/effective_at")));
    let (status, answer) =
        set_price(&staff, "PHN-0001", json!({"price": {"amount": "100", "currency": "RUB"}, "effective_at": "tomorrow"})).await;
    assert_eq!((status, answer["error"]["params"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("/effective_at")));
    let (_, product) = app.get("/api/products/PHN-0001").await;
    assert_eq!(amount(&product["price"]), "8690.00", "the price is unchanged");
}

#[tokio::test]
async fn anonymous_callers_and_shoppers_may_not_manage_the_catalog() {
    let app = TestApp::new().await;
    let anonymous = app.device();
    let (status, body) = anonymous.post("/api/admin/products", new_product()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let shopper = app.device();
    let (status, body) = shopper.post("/api/auth/register", json!({"email": "anna@example.ru", "password": "anna-password-1"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = shopper.post("/api/admin/products", new_product()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = set_price(&shopper, "PHN-0001", json!({"price": {"amount": "1.00", "currency": "RUB"}})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, _) = shopper.post("/api/admin/products/PHN-0001/archive", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, product) = app.get("/api/products/PHN-0001").await;
    assert_eq!(amount(&product["price"]), "8690.00");
}

#[tokio::test]
async fn a_merchandiser_account_manages_the_catalog_and_staff_only_where_configured() {
    let mut app = TestApp::new().await;
    let merchandiser = BootstrapAccount {
        email: "merch@vitrina.test".into(),
        password: "merch-password-1".into(),
        role: vitrina_shared::account::Role::Merchandiser,
    };
    vitrina_edge::accounts::bootstrap(app.state.sql.as_ref(), std::slice::from_ref(&merchandiser), app.clock.now_ts())
        .await
        .expect("bootstrap");
    let login = json!({"email": merchandiser.email, "password": merchandiser.password});
    {
        let device = app.device();
        let (status, _) = device.post("/api/auth/login", login.clone()).await;
        assert_eq!(status, StatusCode::OK);
        create(&device).await;
    }
    let mut config = (*app.state.config).clone();
    config.staff_merchandise = false;
    app.state.config = std::sync::Arc::new(config);
    let staff = app.staff().await;
    let (status, body) = staff.get(&format!("/api/admin/products/{NEW_SKU}")).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"), "staff without the grant");
    let device = app.device();
    device.post("/api/auth/login", login).await;
    let (status, body) = device.get(&format!("/api/admin/products/{NEW_SKU}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_price_change_shows_at_once_on_the_page_the_api_and_in_a_cart_holding_it_with_a_notice() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let shopper = app.device();
    let (status, cart) = shopper.set_qty("PHN-0001", json!(2), None).await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    assert_eq!(cart["repriced"], json!([]));
    let (_, html) = page(&app, "/p/PHN-0001").await;
    assert!(html.contains("\"price\":\"8690.00\""), "the page's JSON-LD before");
    let (status, history) = set_price(&staff, "PHN-0001", json!({"price": {"amount": "7990.00", "currency": "RUB"}})).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(amount(&history["current"]), "7990.00");
    let (_, product) = app.get("/api/products/PHN-0001").await;
    assert_eq!(amount(&product["price"]), "7990.00");
    let (_, html) = page(&app, "/p/PHN-0001").await;
    assert!(html.contains("\"price\":\"7990.00\""), "the page at once (the page cache drops pages on a write)");
    let (_, cart) = shopper.get("/api/cart").await;
    assert_eq!(amount(&cart["lines"][0]["unit_price"]), "7990.00");
    assert_eq!(amount(&cart["subtotal"]), "15980.00");
    let notice = &cart["repriced"][0];
    assert_eq!((notice["sku"].as_str(), amount(&notice["was"]), amount(&notice["now"])), (Some("PHN-0001"), "8690.00", "7990.00"));
    let (_, cart) = shopper.set_qty("PHN-0001", json!(3), None).await;
    assert_eq!(cart["repriced"], json!([]), "the notice ends once the shopper changes the cart");
}

#[tokio::test]
async fn a_price_change_reaches_the_showroom_kiosk_and_the_offers_price_at_once() {
    let app = TestApp::new().await;
    let tablet = app.kiosk("msk-tverskaya").await;
    let (_, cart) = tablet.set_qty("PHN-0001", json!(1), None).await;
    assert_eq!(amount(&cart["lines"][0]["unit_price"]), "8690.00");
    let staff = app.staff().await;
    let (status, _) = set_price(&staff, "PHN-0001", json!({"price": {"amount": "8190.00", "currency": "RUB"}})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, product) = tablet.get("/api/products/PHN-0001").await;
    assert_eq!(amount(&product["price"]), "8190.00");
    let (_, offers) = tablet.get("/api/offers?sku=PHN-0001").await;
    assert_eq!(amount(&offers["price"]["unit_price"]), "8190.00", "the price the offers engine starts from: {offers}");
    let (_, cart) = tablet.get("/api/cart").await;
    assert_eq!((amount(&cart["total"]), amount(&cart["repriced"][0]["now"])), ("8190.00", "8190.00"));
}

#[tokio::test]
async fn a_scheduled_price_shows_only_from_its_time_and_the_history_lists_both() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    create(&staff).await;
    let (status, body) = app.put_stock("msk-tverskaya", json!({"items": [{"sku": NEW_SKU, "on_hand": 3}]}).to_string(), Some(&staff)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shopper = app.device();
    let (status, cart) = shopper.set_qty(NEW_SKU, json!(1), None).await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    // The test clock is Wednesday 2026-11-25 09:00 UTC: "from Monday 00:00" Moscow time.
    let monday = "2026-11-29T21:00:00Z";
    let (status, history) =
        set_price(&staff, NEW_SKU, json!({"price": {"amount": "17990.00", "currency": "RUB"}, "effective_at": monday})).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(amount(&history["current"]), "19990.00", "not yet");
    let entries = history["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2, "{history}");
    assert_eq!((amount(&entries[0]["price"]), entries[0]["effective_at"].as_str()), ("17990.00", Some(monday)));
    assert_eq!(amount(&entries[1]["price"]), "19990.00");
    let (_, product) = app.get(&format!("/api/products/{NEW_SKU}")).await;
    assert_eq!(amount(&product["price"]), "19990.00");
    app.advance(4 * 86_400 + 12 * 3_600 - 1);
    let (_, product) = app.get(&format!("/api/products/{NEW_SKU}")).await;
    assert_eq!(amount(&product["price"]), "19990.00", "a second before Monday");
    app.advance(1);
    let (_, product) = app.get(&format!("/api/products/{NEW_SKU}")).await;
    assert_eq!(amount(&product["price"]), "17990.00", "from Monday 00:00");
    // The dispatcher's tick settles the price on the product; it reads the same.
    assert_eq!(vitrina_edge::pricing::settle_due_prices(&app.state).await.expect("settled"), 1);
    assert_eq!(vitrina_edge::pricing::settle_due_prices(&app.state).await.expect("settled"), 0, "nothing due any more");
    let (_, product) = app.get(&format!("/api/products/{NEW_SKU}")).await;
    assert_eq!(amount(&product["price"]), "17990.00", "settled");
    let (_, html) = page(&app, &format!("/p/{NEW_SKU}")).await;
    assert!(html.contains("\"price\":\"17990.00\""));
    let (_, cart) = shopper.get("/api/cart").await;
    assert_eq!(amount(&cart["lines"][0]["unit_price"]), "17990.00");
    assert_eq!(amount(&cart["repriced"][0]["was"]), "19990.00");
    let (_, history) = staff.get(&format!("/api/admin/products/{NEW_SKU}/prices")).await;
    assert_eq!(amount(&history["current"]), "17990.00");
    let in_force = history["entries"][0]["id"].as_i64().expect("id");
    let (status, _, body) = staff.call(Method::DELETE, &format!("/api/admin/products/{NEW_SKU}/prices/{in_force}"), None, &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_price"), "a price in force is not cancelled");
}

#[tokio::test]
async fn a_scheduled_price_can_be_cancelled_before_its_time() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let change = json!({"price": {"amount": "1.00", "currency": "RUB"}, "effective_at": "2026-12-01T00:00:00Z"});
    let (_, history) = set_price(&staff, "PHN-0001", change).await;
    let id = history["entries"][0]["id"].as_i64().expect("id");
    let uri = format!("/api/admin/products/PHN-0001/prices/{id}");
    let (status, _, history) = staff.call(Method::DELETE, &uri, None, &[]).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(history["entries"], json!([]));
    app.advance(10 * 86_400);
    let (_, product) = app.get("/api/products/PHN-0001").await;
    assert_eq!(amount(&product["price"]), "8690.00", "the cancelled price never took effect");
    let (status, _, body) = staff.call(Method::DELETE, &uri, None, &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_price"));
}

#[tokio::test]
async fn an_archived_product_leaves_listings_and_its_page_but_old_orders_still_show_it() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    create(&staff).await;
    let stock = json!({"items": [{"sku": NEW_SKU, "on_hand": 3}]}).to_string();
    let (status, body) = app.put_stock("msk-tverskaya", stock, Some(&staff)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shopper = app.device();
    shopper.set_qty(NEW_SKU, json!(1), None).await;
    let checkout = json!({
        "fulfilment": {"type": "pickup", "store": "msk-tverskaya"},
        "payment": {"method": "pay_on_pickup"},
        "contact": {"name": "Анна Петрова", "phone": "+7 912 345-67-89", "email": "anna@example.ru"}
    });
    let (status, _, order) = shopper.call(Method::POST, "/api/orders", Some(checkout), &[("idempotency-key", "k-1")]).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let (_, listed) = app.get("/api/products?category=smartphones").await;
    let total_before = listed["total"].as_u64().expect("total");

    let uri = format!("/api/admin/products/{NEW_SKU}/archive");
    let (status, _, body) = staff.call(Method::POST, &uri, None, &[("if-match", "\"7\"")]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "product_changed"), "a stale If-Match archives nothing");
    let (status, _, archived) = staff.call(Method::POST, &uri, None, &[("if-match", "\"1\"")]).await;
    assert_eq!(status, StatusCode::OK, "{archived}");
    assert_eq!(archived["archived"], true);

    let (status, _) = app.get(&format!("/api/products/{NEW_SKU}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = app.get("/api/products?category=smartphones").await;
    assert_eq!(listed["total"].as_u64(), Some(total_before - 1));
    let (_, found) = app.get("/api/products?q=тест").await;
    assert!(!found["items"].as_array().expect("items").iter().any(|p| p["sku"] == NEW_SKU), "not found by search");
    let (status, _) = page(&app, &format!("/p/{NEW_SKU}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, sitemap) = page(&app, "/sitemap.xml").await;
    assert!(!sitemap.contains(NEW_SKU), "not in the sitemap");
    let (_, body) = staff.get(&format!("/api/admin/products/{NEW_SKU}")).await;
    assert_eq!(body["archived"], true, "the merchandiser still sees it");
    let (_, archive) = staff.get("/api/admin/products?archived=true").await;
    assert_eq!((archive["total"].as_u64(), archive["items"][0]["product"]["sku"].as_str()), (Some(1), Some(NEW_SKU)), "{archive}");
    let (_, current) = staff.get("/api/admin/products?category=smartphones").await;
    assert_eq!(current["total"].as_u64(), Some(total_before - 1), "archived ones are left out by default");
    let (_, everything) = staff.get("/api/admin/products?category=smartphones&archived=all&q=тест").await;
    assert_eq!(everything["total"].as_u64(), Some(1));
    let (status, body) = staff.get("/api/admin/products?archived=maybe").await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "invalid_query"));
    let (status, _, body) = staff.call(Method::PATCH, &format!("/api/admin/products/{NEW_SKU}"), Some(json!({"name": "x"})), &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "product_archived"));

    let (status, _, restored) = staff.call(Method::POST, &format!("/api/admin/products/{NEW_SKU}/restore"), None, &[]).await;
    assert_eq!((status, restored["archived"].as_bool()), (StatusCode::OK, Some(false)), "{restored}");
    let (status, _) = page(&app, &format!("/p/{NEW_SKU}")).await;
    assert_eq!(status, StatusCode::OK, "back on sale, its page too");

    let id = order["id"].as_str().expect("order id");
    let (status, seen) = shopper.get(&format!("/api/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["lines"][0]["name"], "Смартфон Тест Про, 128 ГБ", "the order keeps its copy");
    assert_eq!(amount(&seen["lines"][0]["unit_price"]), "19990.00");
}

#[tokio::test]
async fn categories_form_a_tree_that_refuses_loops_and_stale_edits() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let phones = json!({"id": "phones", "name_ru": "Телефоны", "name_en": "Phones", "image": "/img/cat/smartphones.svg"});
    let (status, body) = staff.post("/api/admin/categories", phones.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!((body["version"].as_i64(), body.get("parent")), (Some(1), None), "at the top");
    let (status, body) = staff.post("/api/admin/categories", phones).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "category_exists"));
    let (status, body) = staff
        .call(Method::PATCH, "/api/admin/categories/smartphones", Some(json!({"parent": "phones"})), &[("if-match", "\"1\"")])
        .await
        .into_parts();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["parent"], "phones");
    let (_, listed) = app.get("/api/categories").await;
    let smartphones = listed.as_array().expect("list").iter().find(|c| c["id"] == "smartphones").cloned().expect("smartphones");
    assert_eq!(smartphones["parent"], "phones", "the public list shows the tree");

    let (status, body) =
        staff.call(Method::PATCH, "/api/admin/categories/phones", Some(json!({"parent": "smartphones"})), &[]).await.into_parts();
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_category_data"));
    assert_eq!((body["error"]["params"]["field"].as_str(), body["error"]["params"]["reason"].as_str()), (Some("/parent"), Some("loop")));
    let (status, body) = staff
        .call(Method::PATCH, "/api/admin/categories/smartphones", Some(json!({"name_en": "Smartphones!"})), &[("if-match", "\"1\"")])
        .await
        .into_parts();
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "category_changed"), "a stale If-Match");
    let (status, body) =
        staff.call(Method::PATCH, "/api/admin/categories/smartphones", Some(json!({"parent": null})), &[]).await.into_parts();
    assert_eq!((status, body.get("parent")), (StatusCode::OK, None), "null moves it to the top: {body}");
    let (status, body) = staff.post("/api/admin/categories", json!({"id": "x", "name_ru": "X", "name_en": "X", "image": "/a.svg"})).await;
    assert_eq!((status, body["error"]["params"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("/id")));
    let (status, _) = app.device().post("/api/admin/categories", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

trait IntoParts {
    fn into_parts(self) -> (StatusCode, Value);
}

impl IntoParts for (StatusCode, axum::http::HeaderMap, Value) {
    fn into_parts(self) -> (StatusCode, Value) {
        (self.0, self.2)
    }
}

#[tokio::test]
async fn variants_of_one_family_list_each_other_and_one_taken_out_of_it_leaves() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let mut blue = new_product();
    blue["family"] = json!("test-pro");
    let (status, body) = staff.post("/api/admin/products", blue).await;
    assert_eq!((status, body["family"].as_str()), (StatusCode::CREATED, Some("test-pro")), "{body}");
    let mut big = new_product();
    big["sku"] = json!("PHN-TEST-2");
    big["name"] = json!("Смартфон Тест Про, 256 ГБ");
    big["attributes"] = json!([{"name": "Память", "value": "256 ГБ"}, {"name": "Цвет", "value": "синий"}]);
    big["family"] = json!("test-pro");
    assert_eq!(staff.post("/api/admin/products", big).await.0, StatusCode::CREATED);
    let (status, variants) = app.get(&format!("/api/products/{NEW_SKU}/variants")).await;
    assert_eq!(status, StatusCode::OK);
    let skus: Vec<&str> = variants.as_array().expect("list").iter().filter_map(|v| v["sku"].as_str()).collect();
    assert_eq!(skus, [NEW_SKU, "PHN-TEST-2"]);
    assert_eq!(variants[1]["attributes"][0]["value"], "256 ГБ", "what tells them apart");
    let (_, alone) = app.get("/api/products/PHN-0001/variants").await;
    assert_eq!(alone.as_array().map(Vec::len), Some(1), "a product without a family is its only variant");

    let (status, _, body) = staff.call(Method::PATCH, "/api/admin/products/PHN-TEST-2", Some(json!({"family": null})), &[]).await;
    assert_eq!((status, body.get("family")), (StatusCode::OK, None), "{body}");
    let (_, variants) = app.get(&format!("/api/products/{NEW_SKU}/variants")).await;
    assert_eq!(variants.as_array().map(Vec::len), Some(1));
    let (status, _, body) = staff.call(Method::PATCH, "/api/admin/products/PHN-TEST-2", Some(json!({"family": "Test Pro"})), &[]).await;
    assert_eq!((status, body["error"]["params"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("/family")));
    let (status, _) = app.get("/api/products/TV-9999/variants").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn search_finds_a_created_product_by_a_word_form_and_a_renamed_one_by_its_new_name_but_never_an_archived_one() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    create(&staff).await;
    let found = |body: &Value| body["items"].as_array().expect("items").iter().any(|p| p["sku"] == NEW_SKU);
    let (_, by_form) = app.get("/api/products?q=смартфоны%20тест").await;
    assert!(found(&by_form), "another form of a word of its name: {by_form}");

    let (status, _, renamed) =
        staff.call(Method::PATCH, &format!("/api/admin/products/{NEW_SKU}"), Some(json!({"name": "Коммуникатор Зенит"})), &[]).await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    let (_, by_new_name) = app.get("/api/products?q=зенит").await;
    assert!(found(&by_new_name), "the new name is indexed in the same write: {by_new_name}");

    let (status, _, archived) = staff.call(Method::POST, &format!("/api/admin/products/{NEW_SKU}/archive"), None, &[]).await;
    assert_eq!(status, StatusCode::OK, "{archived}");
    let (_, after) = app.get("/api/products?q=зенит").await;
    assert!(!found(&after), "an archived product is out of search: {after}");
    let (_, suggestions) = app.get("/api/search/suggest?q=зени").await;
    assert!(!suggestions.to_string().contains(NEW_SKU), "nor suggested: {suggestions}");
}

#[tokio::test]
async fn a_price_written_as_a_json_number_is_refused_with_its_pointer() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let mut body = new_product();
    body["price"]["amount"] = json!(19990);
    let (status, refused) = staff.post("/api/admin/products", body).await;
    assert_eq!((status, error_code(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_product"), "{refused}");
    assert_eq!(refused["error"]["params"]["field"], "/price/amount");
    let (status, _) = app.get(&format!("/api/products/{NEW_SKU}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing was stored");
    let (status, refused) = set_price(&staff, "PHN-0001", json!({"price": {"amount": 1.5, "currency": "RUB"}})).await;
    assert_eq!((status, error_code(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_product"), "{refused}");
}

#[tokio::test]
async fn a_price_with_a_field_besides_amount_and_currency_is_refused() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let mut body = new_product();
    body["price"]["discount"] = json!("10");
    let (status, refused) = staff.post("/api/admin/products", body).await;
    assert_eq!((status, error_code(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_product"), "{refused}");
    assert_eq!(refused["error"]["params"]["field"], "/price/discount");
}
