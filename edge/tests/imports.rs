//! Catalog imports (issue 13, item 2): a merchandiser loads a CommerceML pair from 1C, a CSV or
//! JSON Lines; each import is applied whole or not at all, refuses rows with where and why, runs
//! in the background on the native host with progress, and resumes when its worker stopped.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{error_code, Device, TestApp};
use serde_json::{json, Value};
use std::sync::Arc;
use vitrina_edge::ports::Statement;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/imports");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

async fn page(app: &TestApp, uri: &str) -> String {
    let request = Request::get(uri).header(header::HOST, "shop.example").body(Body::empty()).expect("request");
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    String::from_utf8(body).expect("utf-8 page")
}

/// Sends a file's bytes as the body of `PUT /api/admin/imports/{id}/files/{name}`.
async fn upload(app: &TestApp, who: &Device<'_>, id: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let mut request = Request::builder().method(Method::PUT).uri(format!("/api/admin/imports/{id}/files/{name}"));
    let cookie = who.cookie.lock().expect("cookie").clone();
    if let Some(c) = cookie {
        request = request.header(header::COOKIE, c);
    }
    let (status, _, body) = app.send(request.body(Body::from(bytes)).expect("request")).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Creates an import of `format`, uploads `files` and starts it; the started import's answer.
async fn import(app: &TestApp, who: &Device<'_>, format: &str, files: &[(&str, Vec<u8>)]) -> (StatusCode, Value) {
    let (status, created) = who.post("/api/admin/imports", json!({"format": format})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "uploading");
    let id = created["id"].as_str().expect("an id").to_owned();
    for (name, bytes) in files {
        let (status, body) = upload(app, who, &id, name, bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
    }
    who.post(&format!("/api/admin/imports/{id}/start"), json!({})).await
}

fn amount(v: &Value) -> &str {
    v["amount"].as_str().unwrap_or("<no amount>")
}

fn reasons(status: &Value) -> Vec<(String, String)> {
    status["refusals"]
        .as_array()
        .expect("refusals")
        .iter()
        .map(|r| (r["at"].as_str().unwrap_or_default().to_owned(), r["reason"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

#[tokio::test]
async fn a_commerceml_pair_from_1c_creates_groups_and_products_and_its_prices_reach_the_page_the_kiosk_and_a_cart() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let shopper = app.device();
    let (_, cart) = shopper.set_qty("PHN-0003", json!(1), None).await;
    let was = amount(&cart["lines"][0]["unit_price"]).to_owned();
    let tablet = app.kiosk("msk-tverskaya").await;
    let (status, done) =
        import(&app, &staff, "commerceml", &[("import.xml", fixture("import.xml")), ("offers.xml", fixture("offers.xml"))]).await;
    assert_eq!(status, StatusCode::OK, "run in the request when not in the background: {done}");
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(
        (done["total_rows"].as_u64(), done["created"].as_u64(), done["updated"].as_u64(), done["refused"].as_u64()),
        (Some(4), Some(1), Some(1), Some(2)),
        "{done}"
    );
    assert_eq!(
        reasons(&done),
        vec![
            ("import.xml Товар 3".to_owned(), "missing_article".to_owned()),
            ("offers.xml Предложение 3".to_owned(), "unknown_warehouse".to_owned())
        ]
    );
    assert_eq!(done["files"], json!(["import.xml", "offers.xml"]));

    // The new product: its article as the SKU, the nested group as a category under its parent,
    // the maker from the property directory, the retail price (not the wholesale one), stock in
    // the store named like the warehouse and in the one whose id is the warehouse's.
    let (status, camera) = app.get("/api/products/CAM-4K-01").await;
    assert_eq!(status, StatusCode::OK, "{camera}");
    assert_eq!((camera["brand"].as_str(), amount(&camera["price"])), (Some("Пиксель & Ко"), "19990.00"));
    assert_eq!(camera["attributes"], json!([{"name": "Разрешение видео", "value": "4K 60 fps"}]));
    let (_, categories) = app.get("/api/categories").await;
    let category = categories.as_array().expect("categories").iter().find(|c| c["id"] == camera["category"]).expect("its category");
    assert_eq!((category["name_ru"].as_str(), category["parent"].as_str()), (Some("Экшн-камеры"), Some("foto-i-video")));
    let (_, availability) = app.get("/api/availability/CAM-4K-01").await;
    assert_eq!(availability["total_available"], 7, "{availability}");

    // The existing product: renamed and re-priced everywhere at once.
    let html = page(&app, "/p/PHN-0003").await;
    assert!(html.contains("\"price\":\"11490.00\""), "the page's JSON-LD");
    assert!(html.contains("Смартфон (название из 1С)"));
    let (_, product) = tablet.get("/api/products/PHN-0003").await;
    assert_eq!(amount(&product["price"]), "11490.00", "the showroom kiosk");
    let (_, cart) = shopper.get("/api/cart").await;
    let notice = &cart["repriced"][0];
    assert_eq!((amount(&notice["was"]), amount(&notice["now"])), (was.as_str(), "11490.00"), "the cart holding it, with a notice");
    let (_, history) = staff.get("/api/admin/products/PHN-0003/prices").await;
    assert_eq!(history["entries"].as_array().map(Vec::len), Some(1), "the price history records the import: {history}");

    // The same pair again: 1C's identifiers now map to what the first run made; nothing changes.
    let (_, again) =
        import(&app, &staff, "commerceml", &[("import.xml", fixture("import.xml")), ("offers.xml", fixture("offers.xml"))]).await;
    assert_eq!((again["created"].as_u64(), again["refused"].as_u64()), (Some(0), Some(2)), "{again}");
    let (_, categories) = app.get("/api/categories").await;
    assert_eq!(categories.as_array().map(|c| c.iter().filter(|c| c["name_ru"] == "Экшн-камеры").count()), Some(1), "no second category");
}

#[tokio::test]
async fn a_csv_import_creates_updates_and_refuses_rows_each_with_its_line_and_reason() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let (status, done) = import(&app, &staff, "csv", &[("catalog.csv", fixture("catalog.csv"))]).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!((done["created"].as_u64(), done["updated"].as_u64(), done["refused"].as_u64()), (Some(2), Some(1), Some(3)), "{done}");
    assert_eq!(
        reasons(&done),
        vec![
            ("catalog.csv line 5".to_owned(), "missing_field".to_owned()),
            ("catalog.csv line 6".to_owned(), "unknown_category".to_owned()),
            ("catalog.csv line 7".to_owned(), "negative".to_owned()),
        ]
    );
    assert_eq!(done["refusals"][2]["field"], "/price/amount");
    assert_eq!(done["refusals"][2]["sku"], "PHN-7003");
    let (_, variant) = app.get("/api/products/PHN-7002").await;
    assert_eq!((amount(&variant["price"]), variant["attributes"][0]["value"].as_str()), ("29990.00", Some("256 ГБ")));
    let (_, variants) = app.get("/api/products/PHN-7001/variants").await;
    assert_eq!(variants.as_array().map(Vec::len), Some(2), "one family: {variants}");
    let (_, phone) = app.get("/api/products/PHN-0001").await;
    assert_eq!(
        (phone["name"].as_str(), amount(&phone["price"])),
        (Some("Смартфон Nova X5, 64 ГБ"), "7990.00"),
        "empty cells keep the catalog's values"
    );
    let (_, stock) = app.get("/api/availability/PHN-0001").await;
    let tverskaya = stock["stores"].as_array().expect("stores").iter().find(|s| s["store_id"] == "msk-tverskaya").expect("Tverskaya");
    assert_eq!(tverskaya["available"], 12);
    let (_, found) = app.get("/api/products?q=орбита").await;
    assert_eq!(found["total"], 2, "imported products are found: {found}");
}

#[tokio::test]
async fn a_json_lines_import_refuses_a_broken_line_and_applies_the_others() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let (_, done) = import(&app, &staff, "jsonl", &[("catalog.jsonl", fixture("catalog.jsonl"))]).await;
    assert_eq!((done["created"].as_u64(), done["updated"].as_u64(), done["refused"].as_u64()), (Some(1), Some(1), Some(3)), "{done}");
    let lines: Vec<(String, String)> = ["3", "4", "5"]
        .iter()
        .map(|n| format!("catalog.jsonl line {n}"))
        .zip(["malformed", "unknown_store", "malformed"].map(String::from))
        .collect();
    assert_eq!(reasons(&done), lines, "in file order");
    let (_, tv) = app.get("/api/products/TVS-7001").await;
    assert_eq!(amount(&tv["price"]), "54990.00");
    let (_, phone) = app.get("/api/products/PHN-0002").await;
    assert_eq!(amount(&phone["price"]), "9490.00");
}

#[tokio::test]
async fn an_import_whose_file_cannot_be_read_applies_nothing_at_all() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let mut offers = fixture("offers.xml");
    offers.truncate(offers.len() / 2);
    let (_, failed) = import(&app, &staff, "commerceml", &[("import.xml", fixture("import.xml")), ("offers.xml", offers)]).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["error"]["code"], "malformed_xml");
    assert!(failed["error"]["message"].as_str().unwrap_or_default().starts_with("offers.xml: "), "{failed}");
    let (status, _) = app.get("/api/products/CAM-4K-01").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the good file's products were not applied either");
    let (_, phone) = app.get("/api/products/PHN-0003").await;
    assert_ne!(phone["name"], "Смартфон (название из 1С)");
    let (status, body) = staff.post("/api/admin/imports/nope/start", json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_import"));
}

#[tokio::test]
async fn files_are_checked_as_they_arrive_and_only_merchandisers_import() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let (_, created) = staff.post("/api/admin/imports", json!({"format": "commerceml"})).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let (status, body) = upload(&app, &staff, &id, "catalog.csv", b"sku\n".to_vec()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "file_not_in_format"), "a CSV file for a CommerceML import");
    let (status, body) = upload(&app, &staff, &id, "catalog.xlsx", b"PK".to_vec()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_file_name"));
    let (status, body) = upload(&app, &staff, &id, "import.xml", Vec::new()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "empty_file"));
    let (status, body) = staff.post(&format!("/api/admin/imports/{id}/start"), json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "import_has_no_files"));
    let (status, body) = staff.post("/api/admin/imports", json!({"format": "xlsx"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_import"));
    let (status, _) = upload(&app, &staff, &id, "import.xml", fixture("import.xml")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = staff.post(&format!("/api/admin/imports/{id}/start"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = upload(&app, &staff, &id, "offers.xml", fixture("offers.xml")).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "import_started"));
    let (status, list) = staff.get("/api/admin/imports").await;
    assert_eq!((status, list[0]["id"].as_str()), (StatusCode::OK, Some(id.as_str())));
    assert_eq!(list[0]["files"], json!(["import.xml"]), "the file names stay once the import has run");

    let shopper = app.device();
    let (status, _) = shopper.post("/api/admin/imports", json!({"format": "csv"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    shopper.post("/api/auth/register", json!({"email": "buyer@example.com", "password": "a-long-password-1"})).await;
    let (status, body) = shopper.get(&format!("/api/admin/imports/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test]
async fn on_the_native_host_an_import_runs_in_the_background_and_reports_its_progress_until_done() {
    let mut app = TestApp::new().await;
    let mut config = (*app.state.config).clone();
    config.imports_in_background = true;
    app.state.config = Arc::new(config);
    let staff = app.staff().await;
    let mut csv = String::from("sku,name,brand,category,price\n");
    for i in 0..12_000 {
        csv.push_str(&format!("BLK-{i:05},Товар {i},Оптом,toys,{}.00\n", 100 + i));
    }
    let (status, started) = import(&app, &staff, "csv", &[("bulk.csv", csv.into_bytes())]).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let id = started["id"].as_str().expect("id").to_owned();
    let mut seen = Vec::new();
    let done = loop {
        let (_, now) = staff.get(&format!("/api/admin/imports/{id}")).await;
        seen.push(now["status"].as_str().unwrap_or_default().to_owned());
        if now["status"] == "done" || now["status"] == "failed" {
            break now;
        }
        assert!(seen.len() < 100_000, "the import never ended: {now}");
        tokio::task::yield_now().await;
    };
    assert_eq!((done["status"].as_str(), done["created"].as_u64()), (Some("done"), Some(12_000)), "{done}");
    assert_eq!(done["checked_rows"], done["total_rows"]);
    let (_, toy) = app.get("/api/products/BLK-11999").await;
    assert_eq!(amount(&toy["price"]), "12099.00");
}

#[tokio::test]
async fn an_import_whose_worker_stopped_is_taken_over_and_applied_once() {
    let app = TestApp::new().await;
    let format = vitrina_shared::import::ImportFormat::Csv;
    let id = vitrina_edge::imports::queue_files(&app.state, format, vec![("catalog.csv".into(), fixture("catalog.csv"))], "test")
        .await
        .expect("queued");
    let now = app.clock.now_ts();
    // A worker claimed it ten minutes ago and stopped reporting.
    let stale = Statement::new(
        "UPDATE imports SET status = 'running', claimed_at = ?, heartbeat_at = ? WHERE id = ?",
        vec![(now - 600).into(), (now - 600).into(), id.as_str().into()],
    );
    app.state.sql.batch(vec![stale]).await.expect("stale claim");
    let fresh = now - vitrina_edge::imports::STALE_CLAIM_SECONDS;
    let (first, second) =
        tokio::join!(vitrina_edge::imports::run(&app.state, &id, fresh), vitrina_edge::imports::run(&app.state, &id, fresh));
    let runs = [first.expect("run"), second.expect("run")];
    assert_eq!(runs.iter().filter(|r| r.is_some()).count(), 1, "one worker takes it over: {runs:?}");
    let status = vitrina_edge::imports::status(&app.state, &id, Some(0)).await.expect("status").expect("the import");
    assert_eq!((status.status.as_str(), status.created), ("done", 2));
    assert_eq!(vitrina_edge::imports::run_waiting(&app.state, app.clock.now_ts()).await.expect("run waiting"), 0, "nothing left to run");
    let (_, history) = app.staff().await.get("/api/admin/products/PHN-7001/prices").await;
    assert_eq!(history["entries"].as_array().map(Vec::len), Some(1), "applied once: {history}");
}

#[tokio::test]
async fn stock_an_import_brings_back_tells_those_waiting_for_the_product_once() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let set = |n: i64| json!({"items": [{"sku": "AUD-0002", "on_hand": n}]}).to_string();
    for store in ["msk-tverskaya", "msk-novy-arbat"] {
        app.put_stock(store, set(0), Some(&staff)).await;
    }
    let (keys, auth) = ece::generate_keypair_and_auth_secret().expect("keys");
    let public = URL_SAFE_NO_PAD.encode(keys.pub_as_raw().expect("public key"));
    let subscription = json!({
        "subscription": {"endpoint": "https://fcm.googleapis.com/fcm/send/import-test", "keys": {"p256dh": public, "auth": URL_SAFE_NO_PAD.encode(auth)}},
        "topics": ["back_in_stock:AUD-0002"],
        "city": "moscow"
    });
    let (status, body) = app.device().post("/api/push/subscriptions", subscription).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let told = || async {
        let rows = app.state.sql.query("SELECT COUNT(*) FROM push_outbox WHERE kind = 'back_in_stock'", vec![]).await.expect("outbox");
        rows[0].int(0).expect("a count")
    };
    // Stock at another product changes nothing; then AUD-0002 comes back at two stores at once.
    let csv = "sku;stock:msk-tverskaya;stock:msk-novy-arbat\nPHN-0001;7;7\n";
    let (status, done) = import(&app, &staff, "csv", &[("stock.csv", csv.as_bytes().to_vec())]).await;
    assert_eq!((status, &done["status"]), (StatusCode::OK, &json!("done")), "{done}");
    assert_eq!(told().await, 0, "nobody waits for PHN-0001");
    let csv = "sku;stock:msk-tverskaya;stock:msk-novy-arbat\nAUD-0002;3;2\n";
    let (status, done) = import(&app, &staff, "csv", &[("stock.csv", csv.as_bytes().to_vec())]).await;
    assert_eq!((status, &done["status"], &done["updated"]), (StatusCode::OK, &json!("done"), &json!(1)), "{done}");
    assert_eq!(told().await, 1, "the watcher hears once, not once per store");
}
