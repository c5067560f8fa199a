//! Search that finds what people type (issue 13, item 5): word forms, synonyms, ё = е, one typo,
//! prefixes while typing, ranking, a helpful empty page, and merchandisers' synonyms.
//! In-process against the Router, as the other API tests.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{error_code, TestApp};
use serde_json::{json, Value};

/// The SKUs of the first page `GET /api/products?q=` answers, and the total.
async fn found(app: &TestApp, q: &str) -> (Vec<String>, u64) {
    let (status, page) = app.get(&format!("/api/products?q={}", urlencode(q))).await;
    assert_eq!(status, StatusCode::OK, "{q}: {page}");
    let skus = page["items"].as_array().into_iter().flatten().map(|p| p["sku"].as_str().unwrap_or("").to_owned()).collect();
    (skus, page["total"].as_u64().unwrap_or(0))
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'-' { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
}

fn all_phones(skus: &[String]) -> bool {
    !skus.is_empty() && skus.iter().all(|s| s.starts_with("PHN-"))
}

#[tokio::test]
async fn phone_shoppers_words_all_find_phones() {
    let app = TestApp::new().await;
    let (_, phones) = found(&app, "смартфон").await;
    assert!(phones >= 20, "every smartphone: {phones}");
    for q in ["телефон", "телефоны", "Телефонов", "iphone", "айфон", "samsung", "самсунг", "смартфоны", "мобильник"]
    {
        let (skus, total) = found(&app, q).await;
        assert!(all_phones(&skus), "{q} finds phones: {skus:?}");
        assert_eq!(total, phones, "{q} finds every phone");
    }
}

#[tokio::test]
async fn a_query_with_yo_finds_products_written_with_ye_and_back() {
    let app = TestApp::new().await;
    let (with_yo, n) = found(&app, "чёрный смартфон").await;
    let (with_ye, m) = found(&app, "черный смартфон").await;
    assert!(all_phones(&with_yo) && n > 0, "{with_yo:?}");
    assert_eq!((with_yo, n), (with_ye, m));
    assert_eq!(found(&app, "!!! ...").await, (vec![], 0), "no letters, nothing found (not the whole catalog)");
    let (linen, n) = found(&app, "лен").await;
    assert!(!linen.is_empty(), "linen (лён) is found as лен");
    assert_eq!(found(&app, "лён").await, (linen, n));
}

#[tokio::test]
async fn one_typo_is_forgiven_and_two_are_not() {
    let app = TestApp::new().await;
    let (_, phones) = found(&app, "смартфон").await;
    for q in ["смартфн", "смартфоон", "смратфон", "телфон"] {
        let (skus, total) = found(&app, q).await;
        assert!(all_phones(&skus) && total == phones, "{q} is read as a phone: {skus:?} {total}");
    }
    // The word being typed is a prefix, not a typo: "смарт" is the start of "смартфон", so "смартфн смарт"
    // corrects the first word only.
    let (skus, total) = found(&app, "смартфн смарт").await;
    assert!(all_phones(&skus) && total == phones, "{skus:?} {total}");
    let (skus, total) = found(&app, "смртфн").await;
    assert_eq!((skus.len(), total), (0, 0), "two edits away is too far");
    // Regression: the second page of a corrected query was empty (correction ran on page 1 only).
    let (status, second) = app.get("/api/products?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D0%BD&page=2").await; // "смартфн"
    assert_eq!(status, StatusCode::OK);
    assert_eq!(second["items"].as_array().map(Vec::len), Some(usize::try_from(phones).unwrap_or(0) - 24), "{second}");
}

#[tokio::test]
async fn the_exact_name_comes_first_and_in_stock_before_out_of_stock() {
    let app = TestApp::new().await;
    let (skus, _) = found(&app, "Смартфон Nova X5, 64 ГБ").await;
    assert_eq!(skus.first().map(String::as_str), Some("PHN-0001"), "the exact name first: {skus:?}");
    assert_eq!(found(&app, "phn-0001").await.0, vec!["PHN-0001".to_owned()], "by SKU");
    let (skus, _) = found(&app, "Nova").await;
    assert!(skus.iter().any(|s| s.starts_with("PHN-")), "by brand: {skus:?}");
    let (status, page) = app.get("/api/products?q=%D1%82%D0%B5%D0%BB%D0%B5%D1%84%D0%BE%D0%BD&category=laptops").await; // "телефон"
    assert_eq!((status, page["total"].as_u64()), (StatusCode::OK, Some(0)), "the category narrows a search");

    // PHN-0001 sold out everywhere: plain "смартфон" lists it after every phone in stock.
    let staff = app.staff().await;
    let (_, stores) = app.get("/api/stores").await;
    for store in stores.as_array().into_iter().flatten() {
        let id = store["id"].as_str().expect("store id");
        let body = json!({"items": [{"sku": "PHN-0001", "on_hand": 0}]}).to_string();
        let (status, r) = app.put_stock(id, body, Some(&staff)).await;
        assert_eq!(status, StatusCode::OK, "{r}");
    }
    let (status, page) = app.get("/api/products?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D0%BE%D0%BD").await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().cloned().unwrap_or_default();
    let available: Vec<u64> = items.iter().map(|p| p["total_available"].as_u64().unwrap_or(0)).collect();
    assert!(available.first().is_some_and(|n| *n > 0), "in stock first: {available:?}");
    let first_out = available.iter().position(|n| *n == 0).unwrap_or(available.len());
    assert!(available[first_out..].iter().all(|n| *n == 0), "nothing in stock after something out of stock: {available:?}");
    assert_ne!(items[0]["sku"], "PHN-0001");
    // Still first when asked for by its exact name.
    let (skus, _) = found(&app, "смартфон nova x5, 64 гб").await;
    assert_eq!(skus.first().map(String::as_str), Some("PHN-0001"));
}

#[tokio::test]
async fn the_word_being_typed_is_a_prefix_and_suggestions_name_the_category_first() {
    let app = TestApp::new().await;
    let (status, body) = app.get("/api/search/suggest?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82").await; // "смарт"
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["query"], "смарт");
    let suggestions = body["suggestions"].as_array().cloned().unwrap_or_default();
    assert!((2..=8).contains(&suggestions.len()), "{body}");
    assert_eq!(suggestions[0], json!({"kind": "category", "id": "smartphones", "name_ru": "Смартфоны", "name_en": "Smartphones"}));
    assert!(suggestions[1..].iter().all(|s| s["kind"] == "product" && s["sku"].as_str().is_some_and(|k| k.starts_with("PHN-"))), "{body}");
    let (skus, _) = found(&app, "смарт").await;
    assert!(all_phones(&skus), "a prefix search finds phones");
    let (status, body) = app.get("/api/search/suggest?q=").await;
    assert_eq!((status, body["suggestions"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    let (status, body) = app.get(&format!("/api/search/suggest?q={}", "a".repeat(101))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "query_too_long"));
}

async fn page(app: &TestApp, uri: &str) -> (StatusCode, String) {
    let request = Request::get(uri).header(header::HOST, "shop.example").body(Body::empty()).expect("request");
    let (status, _, body) = app.send(request).await;
    (status, String::from_utf8(body).expect("utf-8 page"))
}

#[tokio::test]
async fn an_empty_search_page_suggests_what_the_query_starts_like_and_popular_categories() {
    let app = TestApp::new().await;
    let (status, html) = page(&app, "/search?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D1%8B%D1%8B%D1%8B%D1%8B").await; // "смартфыыыы"
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ничего не нашлось"), "the empty result says so");
    assert!(html.contains("data-testid=\"search-did-you-mean\""), "did you mean");
    assert!(html.contains("<a href=\"/c/smartphones\">Смартфоны</a>"), "the category the query starts like");
    assert!(html.contains("data-testid=\"search-popular-categories\""), "popular categories");
    assert!(html.contains("<a href=\"/c/laptops\">Ноутбуки</a>"));
    // Gibberish: nothing to suggest, but the categories are there.
    let (_, html) = page(&app, "/en/search?q=qqqqzzzz").await;
    assert!(!html.contains("search-did-you-mean") && html.contains("<a href=\"/en/c/laptops\">Laptops</a>"));
    // A corrected typo says what the results are for.
    let (_, html) = page(&app, "/search?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D0%BD+nova").await; // "смартфн nova"
    assert!(html.contains("Показаны результаты по запросу «смартфон nova»") && html.contains("/p/PHN-0001"), "the corrected query");
    // A found result shows products, not suggestions.
    let (_, html) = page(&app, "/search?q=%D1%82%D0%B5%D0%BB%D0%B5%D1%84%D0%BE%D0%BD").await; // "телефон"
    assert!(html.contains("/p/PHN-0001") && !html.contains("search-popular-categories") && !html.contains("search-corrected"));
}

#[tokio::test]
async fn synonyms_are_edited_by_staff_validated_and_used_by_the_next_search() {
    let app = TestApp::new().await;
    let guest = app.device();
    let (status, body) = guest.get("/api/admin/search/synonyms").await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let shopper = app.device();
    let (status, _) = shopper.post("/api/auth/register", json!({"email": "anna@example.ru", "password": "correct horse battery"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = put(&shopper, json!({"synonyms": []})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"), "a customer edits no synonyms");

    let staff = app.staff().await;
    let (status, list) = staff.get("/api/admin/search/synonyms").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list["synonyms"].as_array().into_iter().flatten().any(|p| *p == json!({"term": "телефон", "expands_to": "смартфон"})));

    for (bad, index) in [
        (json!([{"term": "два слова", "expands_to": "смартфон"}]), 0),
        (json!([{"term": "мобила", "expands_to": "смартфон"}, {"term": "мобила", "expands_to": "смартфон"}]), 1),
        (json!([{"term": "телефоны", "expands_to": "телефон"}]), 0),
        (json!([{"term": "x", "expands_to": "a*"}]), 0),
    ] {
        let (status, body) = put(&staff, json!({ "synonyms": bad })).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_synonyms"), "{body}");
        assert_eq!(body["error"]["params"]["index"], index, "{body}");
    }
    let (status, body) = put(&staff, json!({"synonyms": [{"term": "x"}]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a pair without expands_to: {body}");
    let (before, _) = found(&app, "телефон").await;
    assert!(!before.is_empty(), "the default synonyms work before the edit");

    let (status, body) = put(&staff, json!({"synonyms": [{"term": "Мобила", "expands_to": "Смартфон"}]})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"synonyms": [{"term": "мобила", "expands_to": "смартфон"}]}), "stored normalised, the list replaced");
    let (skus, _) = found(&app, "мобила").await;
    assert!(all_phones(&skus), "the new synonym works at once: {skus:?}");
    let (skus, total) = found(&app, "телефон").await;
    assert_eq!((skus.len(), total), (0, 0), "the removed one no longer does");
}

#[tokio::test]
async fn a_synonym_list_replaced_from_a_version_someone_else_changed_is_refused() {
    let app = TestApp::new().await;
    let (alice, bob) = (app.staff().await, app.staff().await);
    let (status, headers, _) = alice.call(Method::GET, "/api/admin/search/synonyms", None, &[]).await;
    assert_eq!((status, headers.get("etag").and_then(|v| v.to_str().ok())), (StatusCode::OK, Some("\"1\"")));
    let list = |term: &str| json!({"synonyms": [{"term": term, "expands_to": "смартфон"}]});
    let (status, headers, _) = bob.call(Method::PUT, "/api/admin/search/synonyms", Some(list("мобила")), &[("if-match", "\"1\"")]).await;
    assert_eq!((status, headers.get("etag").and_then(|v| v.to_str().ok())), (StatusCode::OK, Some("\"2\"")));
    let (status, _, body) = alice.call(Method::PUT, "/api/admin/search/synonyms", Some(list("труба")), &[("if-match", "\"1\"")]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "synonyms_changed"), "Alice edited version 1: {body}");
    let (_, body) = alice.get("/api/admin/search/synonyms").await;
    assert_eq!(body["synonyms"][0]["term"], "мобила", "Bob's list stays");
    let (status, _, body) = alice.call(Method::PUT, "/api/admin/search/synonyms", Some(list("труба")), &[("if-match", "*")]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "invalid_if_match"));
    let (status, headers, _) = alice.call(Method::PUT, "/api/admin/search/synonyms", Some(list("труба")), &[]).await;
    assert_eq!((status, headers.get("etag").and_then(|v| v.to_str().ok())), (StatusCode::OK, Some("\"3\"")), "without If-Match: replaced");
}

async fn put(device: &common::Device<'_>, body: Value) -> (StatusCode, Value) {
    let (status, _, body) = device.call(Method::PUT, "/api/admin/search/synonyms", Some(body), &[]).await;
    (status, body)
}

#[tokio::test]
async fn a_catalog_from_before_search_is_indexed_when_the_database_is_migrated() {
    use vitrina_edge::db::schema;
    use vitrina_edge::ports::{Sql, Statement};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = vitrina_edge::native::SqliteStore::open(&dir.path().join("old.db")).expect("open");
    let now = chrono::Utc::now();
    // The schema of version 8 with the demo catalog in it, as a shop had it before search.
    store
        .batch(vec![Statement::new("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)", vec![])])
        .await
        .expect("migrations table");
    for (version, script) in schema::MIGRATIONS.iter().filter(|(v, _)| *v <= 8) {
        let mut statements = vec![Statement::new(format!("INSERT INTO schema_migrations VALUES ({version}, 'then')"), vec![])];
        let code: String = script.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
        statements.extend(code.split(';').filter(|s| !s.trim().is_empty()).map(|s| Statement::new(s.trim(), vec![])));
        store.batch(statements).await.expect("an old migration");
    }
    let old_seed = schema::seed_statements(now)
        .into_iter()
        .filter(|s| !s.sql.contains("search_documents") && !s.sql.contains("product_search") && !s.sql.contains("rating_total"))
        .collect();
    store.batch(old_seed).await.expect("the old seed");
    assert_eq!(schema::database_version(&store).await, 8);

    assert!(schema::ensure(&store, now).await.expect("migrate"), "version 9 is applied");
    let query = vitrina_shared::catalog::ProductQuery::parse(Some("телефоны"), None, None).expect("a query");
    let page = vitrina_edge::search::products(&store, None, &query, now.timestamp()).await.expect("search");
    assert!(page.total >= 20 && page.items.iter().all(|p| p.sku.as_str().starts_with("PHN-")), "{page:?}");
}

#[tokio::test]
async fn odd_letters_and_marks_in_a_query_are_answered_never_a_server_error() {
    let app = TestApp::new().await;
    for q in [
        "\u{345}",
        "\u{345}\u{345} \u{345}",
        "İ",
        "ǅ",
        "ⅷ",
        "𝟘",
        "a\u{301}",
        "\u{301}",
        "\"",
        "*",
        "NEAR(a b)",
        "a OR b",
        "-a",
        "^a",
        "ß",
        "ﬁ",
    ] {
        let (status, body) = app.get(&format!("/api/products?q={}", urlencode(q))).await;
        assert_eq!(status, StatusCode::OK, "{q:?}: {body}");
        let (status, body) = app.get(&format!("/api/search/suggest?q={}", urlencode(q))).await;
        assert_eq!(status, StatusCode::OK, "{q:?}: {body}");
        let (status, _) = page(&app, &format!("/search?q={}", urlencode(q))).await;
        assert_eq!(status, StatusCode::OK, "{q:?}");
    }
}
