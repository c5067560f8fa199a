//! The OpenAPI document tells the truth: inputs it allows are served, and the constraints the
//! server enforces are stated in it (issue 10, item 9). `cargo xtask test` checks the same with
//! schemathesis, anonymously and signed in as staff and as a marketer; these pin what it found.

mod common;

use axum::http::{Method, StatusCode};
use common::{error_code, TestApp};
use serde_json::{json, Value};
use vitrina_edge::BootstrapAccount;

const SKU: &str = "PHN-0001";

fn document() -> Value {
    serde_json::from_str(vitrina_edge::openapi::DOCUMENT).expect("the document is JSON")
}

// Regression: `{"qty": 1.0}` was 422 invalid_body although JSON Schema's `integer` includes 1.0.
#[tokio::test]
async fn an_integer_written_as_a_whole_float_is_the_integer_and_a_fraction_is_refused() {
    let app = TestApp::new().await;
    let shopper = app.device();
    let (status, cart) = shopper.set_qty(SKU, json!(2.0), None).await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    assert_eq!(cart["lines"][0]["qty"], 2);
    let (status, body) = shopper.set_qty(SKU, json!(1e0), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = shopper.set_qty(SKU, json!(1.5), None).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    let (status, body) = shopper.set_qty(SKU, json!(1e30), None).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"), "beyond 64 bits stays a float");
}

// Regression: an empty `If-Match` was refused while the document allowed any string.
#[tokio::test]
async fn if_match_takes_exactly_the_entity_tags_the_document_allows() {
    let doc = document();
    let pattern = doc["paths"]["/api/cart/items/{sku}"]["put"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "If-Match"))
        .map(|p| p["schema"]["pattern"].clone());
    assert_eq!(pattern, Some(json!("^(?:(?:W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$")));
    let app = TestApp::new().await;
    let shopper = app.device();
    let (_, cart) = shopper.set_qty(SKU, json!(1), None).await;
    let version = cart["version"].as_i64().expect("version");
    for refused in ["", "*", &format!("\"{version}\", \"{version}\""), "\"\"", "\"-1\"", "\"1234567890123456789\"", "W/1", "\"1"] {
        let (status, body) = shopper.set_qty(SKU, json!(1), Some(refused)).await;
        assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "invalid_if_match"), "If-Match: {refused}");
    }
    let (status, body) = shopper.set_qty(SKU, json!(2), Some(&format!("W/\"{version}\""))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = shopper.set_qty(SKU, json!(3), Some(&(version + 1).to_string())).await;
    assert_eq!(status, StatusCode::OK, "a bare version, as older clients send it: {body}");
    let (status, body) = shopper.set_qty(SKU, json!(4), Some(&format!("\"{version}\""))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "cart_conflict"), "a well-formed stale tag is a conflict");
}

// Regression: `?lon=37.6` alone was 400 while the document described lat and lon as independent.
#[tokio::test]
async fn lat_and_lon_come_together_and_the_document_says_so() {
    let doc = document();
    for path in ["/api/availability/{sku}", "/api/offers"] {
        let position = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == "position").cloned())
            .unwrap_or_else(|| panic!("{path} has a position parameter"));
        assert_eq!((&position["in"], &position["style"], &position["explode"]), (&json!("query"), &json!("form"), &json!(true)));
        assert_eq!(position["schema"]["dependentRequired"], json!({"lat": ["lon"], "lon": ["lat"]}), "{path}");
    }
    let app = TestApp::new().await;
    for query in ["lat=55.75", "lon=37.61"] {
        let (status, body) = app.get(&format!("/api/availability/{SKU}?{query}")).await;
        assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "invalid_coordinates"), "{query}");
    }
    let (status, _) = app.get(&format!("/api/availability/{SKU}?lat=55.75&lon=37.61")).await;
    assert_eq!(status, StatusCode::OK);
}

// Regression: checking out or handing off an empty cart was 422, a verdict on content the request
// does not even have; it is the cart's state, like a stale cart (409).
#[tokio::test]
async fn an_empty_cart_is_a_conflict_whatever_the_request_says() {
    let app = TestApp::new().await;
    let guest = app.device();
    let (status, body) = guest.post("/api/cart/handoff", json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "empty_cart"));
    let checkout = json!({
        "fulfilment": {"type": "pickup", "store": "msk-tverskaya"},
        "payment": {"method": "test_card", "card_number": "1234"},
        "contact": {"name": "", "phone": "12"}
    });
    let (status, _, body) = guest.call(Method::POST, "/api/orders", Some(checkout), &[("idempotency-key", "empty-cart")]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "cart_empty"), "the cart's state comes before the body's details");
}

// Regression: a KPI period given by `from` alone ran up to today and was refused once longer than
// 366 days; one day alone now names the 30 days from it, as `to` alone names the 30 days up to it.
#[tokio::test]
async fn one_end_of_a_kpi_period_names_thirty_days() {
    let app = TestApp::new().await;
    let account = BootstrapAccount {
        email: "marketer@vitrina.test".into(),
        password: "marketer-password-1".into(),
        role: vitrina_shared::account::Role::Marketer,
    };
    vitrina_edge::accounts::bootstrap(app.state.sql.as_ref(), &[account], app.clock.now_ts()).await.expect("marketer");
    let marketer = app.device();
    let (status, body) =
        marketer.post("/api/auth/login", json!({"email": "marketer@vitrina.test", "password": "marketer-password-1"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for query in ["from=2000-01-01", "to=2000-01-30", "from=2000-01-01&to=2000-01-30", ""] {
        let (status, body) = marketer.get(&format!("/api/admin/kpis?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
    }
    let (from_only, to_only) =
        (marketer.get("/api/admin/kpis?from=2000-01-01").await.1, marketer.get("/api/admin/kpis?to=2000-01-30").await.1);
    assert_eq!(from_only, to_only, "the same 30 days");
    let (status, body) = marketer.get("/api/admin/kpis?from=2000-01-01&to=2002-01-01").await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "invalid_period"));
}

#[test]
fn every_operation_that_needs_a_sign_in_says_so_and_names_its_role() {
    let doc = document();
    let security = |path: &str, method: &str| doc["paths"][path][method]["security"].clone();
    assert_eq!(security("/api/me", "get"), json!([{"session": []}]));
    assert_eq!(security("/api/stores/{store}/stock", "put"), json!([{"session": ["staff"]}]));
    assert_eq!(security("/api/push/dispatch", "post"), json!([{"session": ["staff"]}, {"dispatchToken": []}]));
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            if ["/api/admin/products", "/api/admin/categories", "/api/admin/brands", "/api/admin/search/synonyms", "/api/admin/imports"]
                .iter()
                .any(|p| path.starts_with(p))
            {
                // The catalog's (search synonyms and imports too): merchandisers, and staff when granted.
                assert_eq!(operation["security"], json!([{"session": ["merchandiser"]}, {"session": ["staff"]}]), "{method} {path}");
            } else if path.starts_with("/api/admin/") {
                assert_eq!(operation["security"], json!([{"session": ["marketer"]}]), "{method} {path}");
            }
            if let Some(requirements) = operation["security"].as_array() {
                for requirement in requirements {
                    for (scheme, roles) in requirement.as_object().expect("requirement") {
                        for role in roles.as_array().expect("roles") {
                            assert!(
                                scheme == "session"
                                    && ["staff", "marketer", "merchandiser", "customer"].contains(&role.as_str().unwrap_or("")),
                                "{method} {path}: {role}"
                            );
                        }
                    }
                }
            }
        }
    }
}

// Regression: `https://…mozilla.com:443*` was accepted as a push endpoint (a port that is not a
// number was skipped) while the document's pattern allowed only `host` or `host:443`.
#[tokio::test]
async fn a_push_endpoint_names_its_host_and_at_most_port_443() {
    let app = TestApp::new().await;
    let device = app.device();
    let keys = json!({"p256dh": "BCSSsyRtE-odCHprJ_KW-Aqb84sq6R8f65W2l-toelCJlnDjM4ItraxWQklIohy1bCDiBvrSE0T2_rM75PnpHwM", "auth": "1WTwB565bO4aK1nrgpYYDA"});
    for endpoint in ["https://fcm.googleapis.com:443*", "https://fcm.googleapis.com:/x", "https://fcm.googleapis.com:443x/x"] {
        let body = json!({"subscription": {"endpoint": endpoint, "keys": keys}, "topics": ["promotions"]});
        let (status, body) = device.post("/api/push/subscriptions", body).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_endpoint"), "{endpoint}");
    }
    for endpoint in ["https://fcm.googleapis.com/fcm/send/a", "https://fcm.googleapis.com:443/fcm/send/b"] {
        let body = json!({"subscription": {"endpoint": endpoint, "keys": keys}, "topics": ["promotions"]});
        let (status, body) = device.post("/api/push/subscriptions", body).await;
        assert_eq!(status, StatusCode::CREATED, "{endpoint}: {body}");
    }
}

// Regression: a rule with `"limits": [null, null]` was created (201) although the document says
// `limits` is an object: serde also reads a struct from an array of its fields.
#[tokio::test]
async fn an_object_written_as_an_array_of_its_fields_is_refused() {
    let app = TestApp::new().await;
    let device = app.device();
    let (status, _, body) = device.call(Method::PUT, &format!("/api/cart/items/{SKU}"), Some(json!([1])), &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    let (status, _, body) = device.call(Method::PUT, "/api/session", Some(json!(["web", null])), &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    let (status, _, body) = device.call(Method::PUT, "/api/session", Some(json!({"channel": "web", "store_id": null})), &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
}

// Regression: a rule with `"effect": {"type": 0, …}` was created: serde also reads an enum tag
// from the variant's index, while the document names the variants.
#[tokio::test]
async fn an_enum_tag_is_its_name_not_its_index() {
    let app = TestApp::new().await;
    let device = app.device();
    let checkout = json!({
        "fulfilment": {"type": 0, "store": "msk-tverskaya"},
        "payment": {"method": "pay_on_pickup"},
        "contact": {"name": "Анна", "phone": "+7 912 345-67-89"}
    });
    let (status, _, body) = device.call(Method::POST, "/api/orders", Some(checkout), &[("idempotency-key", "tag-index")]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"), "{body}");
}

// A customer a request names that does not exist is not found (404), like an order it names; a
// 422 there read as "the schema left a constraint out" to schemathesis, which none could state.
#[tokio::test]
async fn a_named_customer_that_does_not_exist_is_not_found() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let adjustment = json!({"customer": {"email": "nobody@example.ru"}, "points": 5, "reason": "goodwill"});
    let (status, body) = staff.post("/api/loyalty/adjustments", adjustment).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_customer"));
    let sale = json!({"store": "msk-tverskaya", "receipt_id": "T-1", "lines": [{"sku": SKU, "qty": 1}], "customer": {"card": "4601234567893"}, "payment": "cash"});
    let (status, body) = staff.post("/api/pos/sales", sale).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_customer"));
}
