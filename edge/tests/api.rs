//! API tests: the Router in-process on the native adapter with a temporary SQLite file.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{error_code, TestApp};
use serde_json::{json, Value};
use vitrina_edge::db;
use vitrina_shared::i18n::{error_text, is_known_error, Locale};

fn store_row<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["stores"].as_array().into_iter().flatten().find(|s| s["store_id"] == id).unwrap_or(&Value::Null)
}

#[tokio::test]
async fn health_reports_the_seeded_catalog() {
    let app = TestApp::new().await;
    let (status, body) = app.get("/api/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert!(body["products"].as_u64().unwrap_or(0) >= 300);
    assert!(body["stores"].as_u64().unwrap_or(0) >= 12);
}

#[tokio::test]
async fn seeding_twice_does_not_duplicate_anything() {
    let app = TestApp::new().await;
    db::schema::migrate_and_seed(app.state.sql.as_ref(), app.state.clock.now()).await.expect("second migrate");
    let (_, body) = app.get("/api/health").await;
    assert_eq!(body["products"], 312);
}

#[tokio::test]
async fn categories_list_with_product_counts() {
    let app = TestApp::new().await;
    let (status, body) = app.get("/api/categories").await;
    assert_eq!(status, StatusCode::OK);
    let cats = body.as_array().expect("array");
    assert!(cats.len() >= 10);
    assert_eq!(cats[0]["id"], "smartphones");
    assert_eq!(cats[0]["product_count"], 26);
    assert!(cats[0]["name_en"].is_string() && cats[0]["name_ru"].is_string());
}

#[tokio::test]
async fn products_page_through_a_category() {
    let app = TestApp::new().await;
    let (status, first) = app.get("/api/products?category=laptops").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["total"], 26);
    assert_eq!(first["total_pages"], 2);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(24));
    let (_, second) = app.get("/api/products?category=laptops&page=2").await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(2));
    assert!(second["items"].as_array().into_iter().flatten().all(|p| p["category"] == "laptops"));
}

#[tokio::test]
async fn search_matches_every_word_case_insensitively_in_russian() {
    let app = TestApp::new().await;
    // "СМАРТФОН nova"
    let (status, body) = app.get("/api/products?q=%D0%A1%D0%9C%D0%90%D0%A0%D0%A2%D0%A4%D0%9E%D0%9D%20nova").await;
    assert_eq!(status, StatusCode::OK);
    let items = body["items"].as_array().expect("items");
    assert!(!items.is_empty());
    for p in items {
        let name = p["name"].as_str().unwrap_or("").to_lowercase();
        assert!(name.contains("смартфон") && name.contains("nova"), "{name}");
    }
    let (_, none) = app.get("/api/products?q=zzzz-no-such-thing").await;
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn a_product_has_price_attributes_and_description() {
    let app = TestApp::new().await;
    let (status, p) = app.get("/api/products/PHN-0001").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["sku"], "PHN-0001");
    assert_eq!(p["price"]["currency"], "RUB");
    assert!(p["price"]["amount"].as_str().unwrap_or("").ends_with("90.00"));
    assert!(p["attributes"].as_array().map_or(0, Vec::len) >= 3);
    assert!(p["image"].as_str().unwrap_or("").starts_with("/img/"));
}

#[tokio::test]
async fn unknown_and_malformed_skus_are_404_with_a_json_error() {
    let app = TestApp::new().await;
    for uri in ["/api/products/NOPE-9999", "/api/products/drop%20table", "/api/availability/NOPE-9999"] {
        let (status, body) = app.get(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(error_code(&body), "unknown_sku", "{uri}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn an_unknown_product_answers_its_code_and_sku_for_the_app_to_word() {
    // Regression: the Russian UI showed "Товар не найден — there is no product TV-0003" (issue 10, item 10).
    let app = TestApp::new().await;
    let (status, body) = app.get("/api/products/TV-9999").await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_sku"));
    assert_eq!(body["error"]["params"], json!({"sku": "TV-9999"}));
    let params = serde_json::from_value(body["error"]["params"].clone()).expect("params");
    assert_eq!(error_text(Locale::Ru, "unknown_sku", &params), "Товар TV-9999 не найден.");
    assert_eq!(error_text(Locale::En, "unknown_sku", &params), "Product TV-9999 not found.");
    let (_, plain) = app.get("/api/categories").await;
    assert!(plain.is_array(), "an answer without an error has no params");
}

#[tokio::test]
async fn values_an_error_names_travel_as_params() {
    let app = TestApp::new().await;
    let (_, body) = app.get(&format!("/api/products?q={}", "x".repeat(101))).await;
    assert_eq!((error_code(&body), &body["error"]["params"]), ("query_too_long", &json!({"max": 100})));
    let (_, body) = app.get("/api/availability/AUD-0001?lat=55").await;
    assert_eq!(error_code(&body), "invalid_coordinates");
    assert!(body["error"].get("params").is_none(), "no params when the error names no value: {body}");
}

/// The error codes written in the edge's sources (and the domain errors it answers with): a
/// `code: "…"` field, the first argument of an error helper, or a fixed code in a `match`.
fn codes_in_sources() -> std::collections::BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Every source file of edge/src, its folders (api/, db/, …) included.
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        for path in std::fs::read_dir(&dir).expect("edge/src").filter_map(Result::ok).map(|e| e.path()) {
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                files.push(path);
            }
        }
    }
    files.push(root.join("../shared/src/error.rs"));
    let literal_after = |text: &str, at: usize| -> Option<String> {
        let rest = text[at..].trim_start();
        let rest = rest.strip_prefix('"')?;
        let code = &rest[..rest.find('"')?];
        let well_formed = !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        well_formed.then(|| code.to_owned())
    };
    let mut codes = std::collections::BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source");
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let mut markers = vec!["code: ", "not_found(", "unprocessable(", "bad(", "error_json("];
        if ["error.rs", "extract.rs"].contains(&name) {
            markers.push("=> ");
        }
        for marker in markers {
            codes.extend(text.match_indices(marker).filter_map(|(i, m)| literal_after(&text, i + m.len())));
        }
        // `ApiError::X => (StatusCode::Y, "code")` in the one mapping to statuses.
        for (i, _) in text.match_indices("(StatusCode::") {
            if let Some(comma) = text[i..].find(", ").filter(|c| *c < 40) {
                codes.extend(literal_after(&text, i + comma + 2));
            }
        }
    }
    codes
}

#[test]
fn every_error_code_the_edge_answers_has_russian_and_english_text() {
    let codes = codes_in_sources();
    for expected in ["unknown_sku", "payment_declined", "too_many_requests", "storage_unavailable", "invalid_sku", "malformed_json"] {
        assert!(codes.contains(expected), "the scan no longer finds {expected}: {codes:?}");
    }
    let missing: Vec<&String> = codes.iter().filter(|c| !is_known_error(c)).collect();
    assert!(missing.is_empty(), "add these codes with Russian and English text to shared/src/i18n/errors.rs: {missing:?}");
}

#[tokio::test]
async fn malformed_queries_are_400_with_a_json_error() {
    let app = TestApp::new().await;
    let cases = [
        ("/api/products?page=abc", "invalid_query"),
        ("/api/products?page=-1", "invalid_query"),
        ("/api/products?page=0", "invalid_page"),
        ("/api/products?colour=red", "invalid_query"),
        ("/api/products?category=Not%20A%20Slug", "invalid_category"),
        ("/api/availability/PHN-0001?lat=north&lon=1", "invalid_query"),
        ("/api/availability/PHN-0001?lat=95&lon=37", "invalid_coordinates"),
        ("/api/availability/PHN-0001?lat=55.7", "invalid_coordinates"),
    ];
    for (uri, code) in cases {
        let (status, body) = app.get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(error_code(&body), code, "{uri}");
    }
    let (status, body) = app.get("/api/products?category=no-such-category").await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_category"));
}

#[tokio::test]
async fn availability_lists_in_stock_stores_first_then_nearest_with_pickup_times() {
    let app = TestApp::new().await;
    // Near Tverskaya street in Moscow.
    let (status, a) = app.get("/api/availability/PHN-0001?lat=55.7640&lon=37.6060").await;
    assert_eq!(status, StatusCode::OK);
    let stores = a["stores"].as_array().expect("stores");
    assert!(stores.len() >= 12);
    assert_eq!(stores[0]["store_id"], "msk-tverskaya", "the nearest in-stock store leads");
    let in_stock: Vec<&Value> = stores.iter().take_while(|s| s["available"].as_u64() > Some(0)).collect();
    assert_eq!(in_stock.len() as u64, a["in_stock_stores"].as_u64().unwrap_or(0));
    let distances: Vec<u64> = in_stock.iter().filter_map(|s| s["distance_m"].as_u64()).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!(in_stock.iter().all(|s| s["pickup_at"].is_string()));
    let nearby = a["in_stock_nearby"].as_u64().expect("a count with a position");
    assert!(nearby > 0 && nearby < a["in_stock_stores"].as_u64().unwrap_or(0), "only Moscow stores are near Tverskaya: {nearby}");
}

#[tokio::test]
async fn availability_lists_the_first_stores_asked_for_while_its_counts_cover_the_whole_chain() {
    let app = TestApp::new().await;
    let (_, every) = app.get("/api/availability/PHN-0001?lat=55.7640&lon=37.6060").await;
    let (status, first) = app.get("/api/availability/PHN-0001?lat=55.7640&lon=37.6060&limit=3").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let all = every["stores"].as_array().expect("stores");
    assert_eq!(first["stores"].as_array().map(Vec::as_slice), Some(&all[..3]), "the same first three");
    assert_eq!(first["store_count"].as_u64(), Some(all.len() as u64));
    for field in ["in_stock_stores", "in_stock_nearby", "total_available", "store_count"] {
        assert_eq!(first[field], every[field], "{field} counts every store");
    }
    for limit in ["0", "1001", "-1", "x"] {
        let (status, body) = app.get(&format!("/api/availability/PHN-0001?limit={limit}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{limit}: {body}");
        assert!(["invalid_limit", "invalid_query"].contains(&error_code(&body)), "{limit}: {body}");
    }
}

#[tokio::test]
async fn availability_without_a_position_has_no_distances() {
    let app = TestApp::new().await;
    let (status, a) = app.get("/api/availability/PHN-0002").await;
    assert_eq!(status, StatusCode::OK);
    assert!(a["stores"].as_array().into_iter().flatten().all(|s| s["distance_m"].is_null()));
}

#[tokio::test]
async fn staff_stock_update_changes_availability() {
    let app = TestApp::new().await;
    let body = json!({"items": [{"sku": "PHN-0001", "on_hand": 0}, {"sku": "LAP-0003", "on_hand": 42}]}).to_string();
    let staff = app.staff().await;
    let (status, r) = app.put_stock("msk-tverskaya", body, Some(&staff)).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["updated"], 2);
    let (_, a) = app.get("/api/availability/LAP-0003").await;
    assert_eq!(store_row(&a, "msk-tverskaya")["available"], 42);
    let (_, a) = app.get("/api/availability/PHN-0001").await;
    assert_eq!(store_row(&a, "msk-tverskaya")["available"], 0);
}

#[tokio::test]
async fn stock_update_needs_a_signed_in_staff_account() {
    let app = TestApp::new().await;
    let body = json!({"items": [{"sku": "PHN-0001", "on_hand": 5}]}).to_string();
    let (status, r) = app.put_stock("msk-tverskaya", body.clone(), None).await;
    assert_eq!((status, error_code(&r)), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let shopper = app.device();
    let (status, _) = shopper.post("/api/auth/register", json!({"email": "anna@example.ru", "password": "correct horse battery"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, r) = app.put_stock("msk-tverskaya", body, Some(&shopper)).await;
    assert_eq!((status, error_code(&r)), (StatusCode::FORBIDDEN, "forbidden"), "a customer is not staff");
}

#[tokio::test]
async fn bad_stock_updates_are_rejected_and_change_nothing() {
    let app = TestApp::new().await;
    let (_, before) = app.get("/api/availability/PHN-0001").await;
    let staff = app.staff().await;
    let one = |sku: &str, n: i64| json!({"sku": sku, "on_hand": n});
    let cases: Vec<(String, &str, StatusCode, &str)> = vec![
        ("{not json".into(), "msk-tverskaya", StatusCode::BAD_REQUEST, "malformed_json"),
        (json!({"items": [one("PHN-0001", -3)]}).to_string(), "msk-tverskaya", StatusCode::UNPROCESSABLE_ENTITY, "negative_quantity"),
        (
            json!({"items": [{"sku": "PHN-0001", "on_hand": "many"}]}).to_string(),
            "msk-tverskaya",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json!({"items": [one("PHN-0001", 1), one("NOPE-0001", 1)]}).to_string(),
            "msk-tverskaya",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_sku",
        ),
        (
            json!({"items": [one("PHN-0001", 1), one("PHN-0001", 2)]}).to_string(),
            "msk-tverskaya",
            StatusCode::UNPROCESSABLE_ENTITY,
            "duplicate_sku",
        ),
        (json!({"items": []}).to_string(), "msk-tverskaya", StatusCode::UNPROCESSABLE_ENTITY, "stock_update_size"),
        (json!({"items": [one("PHN-0001", 1)]}).to_string(), "no-such-store", StatusCode::NOT_FOUND, "unknown_store"),
    ];
    for (body, store, status, code) in cases {
        let (got, r) = app.put_stock(store, body.clone(), Some(&staff)).await;
        assert_eq!((got, error_code(&r)), (status, code), "{body}");
    }
    let (_, after) = app.get("/api/availability/PHN-0001").await;
    assert_eq!(before, after, "rejected updates changed nothing");
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let app = TestApp::new().await;
    let big = format!("{{\"items\": [], \"pad\": \"{}\"}}", "x".repeat(vitrina_edge::MAX_BODY_BYTES + 10));
    let staff = app.staff().await;
    let (status, r) = app.put_stock("msk-tverskaya", big, Some(&staff)).await;
    assert_eq!((status, error_code(&r)), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
}

#[tokio::test]
async fn unknown_api_paths_and_methods_get_json_errors() {
    let app = TestApp::new().await;
    let (status, r) = app.get("/api/nope").await;
    assert_eq!((status, error_code(&r)), (StatusCode::NOT_FOUND, "not_found"));
    let (status, _, body) = app.send(Request::delete("/api/products").body(Body::empty()).expect("request")).await;
    let r: Value = serde_json::from_slice(&body).unwrap_or_default();
    assert_eq!((status, error_code(&r)), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
}

/// Every route the Router serves is in the OpenAPI document, and every documented path answers.
#[tokio::test]
async fn the_openapi_document_describes_exactly_the_served_paths() {
    let app = TestApp::new().await;
    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: Vec<String> = doc["paths"].as_object().expect("paths").keys().cloned().collect();
    let expected = [
        "/api/health",
        "/api/openapi.json",
        "/api/categories",
        "/api/products",
        "/api/products/{sku}",
        "/api/search/suggest",
        "/api/admin/search/synonyms",
        "/api/products/{sku}/variants",
        "/api/products/{sku}/rating",
        "/api/stores",
        "/api/stores/{store}/stock",
        "/api/availability/{sku}",
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/logout",
        "/api/me",
        "/api/me/devices",
        "/api/me/devices/{id}",
        "/api/cart",
        "/api/cart/items/{sku}",
        "/api/cart/handoff",
        "/api/handoff/{code}/claim",
        "/api/session",
        "/api/kiosk/enrolments",
        "/api/kiosk/enrol",
        "/api/kiosks",
        "/api/kiosks/{id}",
        "/api/checkout/options",
        "/api/orders",
        "/api/orders/{id}",
        "/api/orders/{id}/{action}",
        "/api/stores/{store}/pickups",
        "/api/returns",
        "/api/returns/{id}/receive",
        "/api/pos/sales",
        "/api/me/loyalty",
        "/api/loyalty/adjustments",
        "/api/nps",
        "/api/admin/nps",
        "/api/offers",
        "/api/admin/rules",
        "/api/admin/rules/preview",
        "/api/admin/rules/{id}",
        "/api/admin/rules/{id}/versions",
        "/api/admin/brands",
        "/api/admin/categories",
        "/api/admin/categories/{id}",
        "/api/admin/products",
        "/api/admin/products/{sku}",
        "/api/admin/products/{sku}/archive",
        "/api/admin/products/{sku}/restore",
        "/api/admin/products/{sku}/price",
        "/api/admin/products/{sku}/prices",
        "/api/admin/products/{sku}/prices/{id}",
        "/api/admin/products/{sku}/pictures",
        "/api/admin/products/{sku}/pictures/{id}",
        "/api/admin/imports",
        "/api/admin/imports/{id}",
        "/api/admin/imports/{id}/files/{name}",
        "/api/admin/imports/{id}/start",
        "/api/admin/segments",
        "/api/admin/kpis",
        "/api/admin/campaigns",
        "/api/push/vapid-public-key",
        "/api/push/subscriptions",
        "/api/push/dispatch",
        "/api/push/clicks",
    ];
    let mut sorted = paths.clone();
    sorted.sort();
    let mut want: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(sorted, want);
    for path in paths {
        let concrete = path
            .replace("{sku}", "PHN-0001")
            .replace("{store}", "msk-tverskaya")
            .replace("{id}", "0123")
            .replace("{code}", "ABCDEF")
            .replace("{action}", "cancel")
            .replace("{name}", "catalog.csv");
        let method = doc["paths"][&path].as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
        let request = Request::builder().method(method.to_uppercase().as_str()).uri(&concrete).body(Body::empty()).expect("request");
        let (status, _, body) = app.send(request).await;
        let body: Value = serde_json::from_slice(&body).unwrap_or_default();
        // The Router's fallback answers `not_found`; a routed handler names what it did not find.
        assert_ne!(error_code(&body), "not_found", "{method} {concrete} is documented but not routed");
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {concrete}");
    }
}

#[tokio::test]
async fn the_site_is_served_with_cache_headers_and_the_apps_shells() {
    let site = tempfile::tempdir().expect("site dir");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    std::fs::write(site.path().join("index.html"), "<!doctype html><title>Vitrina</title>").expect("index");
    std::fs::write(site.path().join("pkg/vitrina_app-abc.wasm"), b"\0asm").expect("wasm");
    let app = TestApp::with_site(Some(site.path().to_owned())).await;
    let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("request");

    let (status, headers, body) = app.send(get("/checkout")).await;
    assert_eq!(status, StatusCode::OK, "the apps' pages get the shoppers' shell");
    assert!(String::from_utf8_lossy(&body).contains("Vitrina"));
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    let (status, headers, body) = app.send(get("/p/PHN-0001")).await;
    assert_eq!(status, StatusCode::OK, "a product page is rendered by the server");
    assert!(String::from_utf8_lossy(&body).contains("data-testid=\"product-name\""));
    assert!(headers[header::CACHE_CONTROL].to_str().unwrap_or("").starts_with("public"));

    let (status, headers, _) = app.send(get("/pkg/vitrina_app-abc.wasm")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
    assert!(headers[header::CACHE_CONTROL].to_str().unwrap_or("").contains("immutable"));

    std::fs::write(site.path().join("pkg/vitrina_app-abc.wasm.br"), b"brotli bytes").expect("br");
    let request =
        Request::get("/pkg/vitrina_app-abc.wasm").header(header::ACCEPT_ENCODING, "gzip, br").body(Body::empty()).expect("request");
    let (status, headers, body) = app.send(request).await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"brotli bytes"[..]), "the precompressed sibling is sent");
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");

    // Staff and marketer pages get their own shell and bundle; shoppers' pages never do.
    std::fs::write(site.path().join("console.html"), "<!doctype html><title>Console</title>").expect("console");
    for (path, shell) in [("/admin/kpis", "Console"), ("/staff/msk-tverskaya", "Console"), ("/cart", "Vitrina")] {
        let (status, _, body) = app.send(get(path)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(String::from_utf8_lossy(&body).contains(shell), "{path} is served by the {shell} shell");
    }

    let (status, _, body) = app.send(get("/administrator")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a path that is no page is 404, with a page that helps");
    assert!(String::from_utf8_lossy(&body).contains("data-testid=\"error-view\""));
    let (status, _, _) = app.send(get("/pkg/missing.js")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "missing assets are 404, not the shell");
    let (status, _, _) = app.send(get("/../../etc/passwd")).await;
    assert_ne!(status, StatusCode::OK);
    let (status, _) = app.get("/api/unknown").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the API never falls back to the shell");
}
