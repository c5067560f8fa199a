//! The shelves (migration 18): which stores have each product, kept by triggers beside the stock
//! table so that availability across 1,000 stores reads one row. These tests write stock every
//! way a host does and hold the shelves, and the availability answers read from them, to the
//! stock table itself; and show that the chain of stores answers are ranked over is kept until a
//! store changes.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use vitrina_edge::ports::{Clock, Statement, Value};
use vitrina_shared::availability::availability;
use vitrina_shared::{GeoPoint, Sku, StoreId};

/// Runs statements as one write.
async fn write(app: &TestApp, statements: &[&str]) {
    let batch = statements.iter().map(|s| Statement::new(*s, vec![])).collect();
    app.state.sql.batch(batch).await.unwrap_or_else(|e| panic!("{statements:?}: {e:?}"));
}

/// (store, units) pairs of `sql`'s rows (text, integer), per SKU (a first text column).
async fn per_sku(app: &TestApp, sql: &str) -> BTreeMap<String, BTreeMap<String, i64>> {
    let rows = app.state.sql.query(sql, vec![]).await.expect(sql);
    let mut found: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for row in rows {
        let (sku, store, units) = (row.text(0).expect("sku"), row.text(1).expect("store"), row.int(2).expect("units"));
        assert!(found.entry(sku.to_owned()).or_default().insert(store.to_owned(), units).is_none(), "{sku} lists {store} twice");
    }
    found
}

/// Every product's shelf as (store, units) pairs, and the same from the stock table.
async fn shelves_and_stock(app: &TestApp) -> (BTreeMap<String, BTreeMap<String, i64>>, BTreeMap<String, BTreeMap<String, i64>>) {
    let rows = app.state.sql.query("SELECT sku, stores FROM shelves", vec![]).await.expect("shelves");
    let mut shelves: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for row in rows {
        let (sku, text) = (row.text(0).expect("sku"), row.text(1).expect("stores"));
        assert!(text.starts_with(',') && text.ends_with(','), "{sku}'s shelf is not framed by commas: {text:?}");
        for entry in text.split(',').filter(|e| !e.is_empty()) {
            let (store, units) = entry.split_once(':').unwrap_or_else(|| panic!("{sku}: entry {entry:?}"));
            let units: i64 = units.parse().unwrap_or_else(|_| panic!("{sku}: units in {entry:?}"));
            assert!(units > 0, "{sku}'s shelf lists {store} with nothing on hand");
            assert!(shelves.entry(sku.to_owned()).or_default().insert(store.to_owned(), units).is_none(), "{sku} lists {store} twice");
        }
    }
    let stock = per_sku(app, "SELECT sku, store_id, on_hand FROM stock WHERE on_hand > 0").await;
    (shelves, stock)
}

#[tokio::test]
async fn every_shelf_lists_the_stores_with_units_on_hand_after_every_kind_of_stock_write() {
    let app = TestApp::new().await;
    let (shelves, stock) = shelves_and_stock(&app).await;
    assert!(stock.len() > 250, "the demo's stock is on the shelves: {}", stock.len());
    assert_eq!(shelves, stock, "the migration listed the demo's stock");
    write(
        &app,
        &[
            // A count up, a count down, a sell-out, a restock from nothing and a count that stays.
            "UPDATE stock SET on_hand = on_hand + 3 WHERE sku = 'PHN-0001'",
            "UPDATE stock SET on_hand = 1 WHERE sku = 'PHN-0002' AND on_hand > 1",
            "UPDATE stock SET on_hand = 0 WHERE sku = 'PHN-0003' AND store_id = 'msk-tverskaya'",
            "UPDATE stock SET on_hand = 4 WHERE sku = 'PHN-0004' AND on_hand = 0",
            "UPDATE stock SET on_hand = on_hand WHERE sku = 'PHN-0005'",
            // Rows removed, added back (an import's upsert) and moved to another product.
            "DELETE FROM stock WHERE sku = 'PHN-0006' AND store_id = 'msk-tverskaya'",
            "INSERT INTO stock (store_id, sku, on_hand, updated_at) VALUES ('msk-tverskaya', 'PHN-0006', 9, '2026-12-07T00:00:00Z')
             ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = excluded.on_hand",
            "INSERT INTO stock (store_id, sku, on_hand, updated_at) VALUES ('msk-tverskaya', 'PHN-0001', 2, '2026-12-07T00:00:00Z')
             ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = excluded.on_hand",
            "DELETE FROM stock WHERE sku = 'PHN-0008'",
            "UPDATE stock SET sku = 'PHN-0008' WHERE sku = 'PHN-0007' AND store_id = 'msk-tverskaya'",
            // Units that need more digits than before, and back.
            "UPDATE stock SET on_hand = 123456 WHERE sku = 'PHN-0009' AND store_id = 'msk-tverskaya'",
            "UPDATE stock SET on_hand = 12 WHERE sku = 'PHN-0009' AND store_id = 'msk-tverskaya'",
        ],
    )
    .await;
    let (shelves, stock) = shelves_and_stock(&app).await;
    assert_eq!(shelves, stock, "the shelves follow the stock table");
    // Through the staff API, as a till or ERP sends counts.
    let staff = app.staff().await;
    let counts = serde_json::json!({"items": [{"sku": "PHN-0001", "on_hand": 0}, {"sku": "PHN-0002", "on_hand": 40}]});
    let (status, body) = app.put_stock("spb-nevsky", counts.to_string(), Some(&staff)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (shelves, stock) = shelves_and_stock(&app).await;
    assert_eq!(shelves, stock, "the shelves follow the staff API's counts");
    assert!(!shelves["PHN-0001"].contains_key("spb-nevsky") && shelves["PHN-0002"]["spb-nevsky"] == 40);
}

/// The answer worked out the plain way: every store's units on hand less its active holds,
/// read row by row, ordered and counted by `shared::availability`.
async fn plain_answer(app: &TestApp, sku: &str, shopper: Option<GeoPoint>) -> serde_json::Value {
    let now = app.clock.now_ts();
    let rows = app
        .state
        .sql
        .query(
            "SELECT s.store_id, s.on_hand - COALESCE((SELECT SUM(h.qty) FROM holds h WHERE h.store_id = s.store_id AND h.sku = s.sku AND h.expires_at > ?), 0)
             FROM stock s WHERE s.sku = ?",
            vec![Value::Integer(now), sku.into()],
        )
        .await
        .expect("stock");
    let available: HashMap<StoreId, u32> = rows
        .iter()
        .map(|r| (StoreId::parse(r.text(0).expect("store")).expect("an id"), u32::try_from(r.int(1).expect("units").max(0)).unwrap_or(0)))
        .collect();
    let chain = app.state.pages.stores(app.state.sql.as_ref()).await.expect("stores");
    let sku = Sku::parse(sku).expect("a sku");
    serde_json::to_value(availability(&sku, chain.stores(), &available, shopper, app.clock.now())).expect("json")
}

#[tokio::test]
async fn availability_from_the_shelves_and_holds_is_the_plain_answer_from_every_stock_row() {
    let app = TestApp::new().await;
    let now = app.clock.now_ts();
    let (later, earlier) = (now + 600, now - 600);
    // Holds that take part of a shelf, all of one, more than one (a sale raced a count), and one
    // that has expired.
    write(
        &app,
        &[
            &format!("INSERT INTO holds (order_id, store_id, sku, qty, expires_at) VALUES ('T1', 'msk-tverskaya', 'PHN-0001', 1, {later})"),
            &format!("INSERT INTO holds (order_id, store_id, sku, qty, expires_at) VALUES ('T2', 'msk-tverskaya', 'PHN-0001', 1, {later})"),
            &format!(
                "INSERT INTO holds (order_id, store_id, sku, qty, expires_at)
                 SELECT 'T3', store_id, sku, on_hand, {later} FROM stock WHERE sku = 'PHN-0001' AND store_id = 'spb-nevsky'"
            ),
            &format!(
                "INSERT INTO holds (order_id, store_id, sku, qty, expires_at)
                 SELECT 'T4', store_id, sku, on_hand + 5, {later} FROM stock WHERE sku = 'PHN-0002' AND store_id = 'spb-nevsky'"
            ),
            &format!(
                "INSERT INTO holds (order_id, store_id, sku, qty, expires_at) VALUES ('T5', 'msk-novy-arbat', 'PHN-0001', 50, {earlier})"
            ),
            "UPDATE stock SET on_hand = 0 WHERE sku = 'PHN-0003'",
        ],
    )
    .await;
    let places = [None, Some(GeoPoint::new(55.764, 37.606).expect("Moscow")), Some(GeoPoint::new(59.935, 30.325).expect("Petersburg"))];
    for sku in ["PHN-0001", "PHN-0002", "PHN-0003", "PHN-0004"] {
        for shopper in places {
            let at = shopper.map(|p| format!("&lat={}&lon={}", p.lat, p.lon)).unwrap_or_default();
            let (status, every) = app.get(&format!("/api/availability/{sku}?limit=1000{at}")).await;
            assert_eq!(status, StatusCode::OK, "{every}");
            assert_eq!(every, plain_answer(&app, sku, shopper).await, "{sku} from {shopper:?}");
            let (_, first) = app.get(&format!("/api/availability/{sku}?limit=5{at}")).await;
            assert_eq!(
                first["stores"].as_array().map(Vec::as_slice),
                every["stores"].as_array().map(|s| &s[..5]),
                "{sku} from {shopper:?}"
            );
        }
    }
    let (_, held) = app.get("/api/availability/PHN-0001?limit=1000").await;
    let nevsky = held["stores"].as_array().and_then(|s| s.iter().find(|s| s["store_id"] == "spb-nevsky")).expect("Nevsky");
    assert_eq!(nevsky["available"], 0, "a store whose shelf is all held has none to offer");
}

#[tokio::test]
async fn the_chain_of_stores_is_kept_across_other_writes_and_read_again_when_a_store_changes() {
    let app = TestApp::new().await;
    let sql = app.state.sql.as_ref();
    let first = app.state.pages.stores(sql).await.expect("stores");
    write(&app, &["UPDATE stock SET on_hand = on_hand + 1 WHERE sku = 'PHN-0001'"]).await;
    let after_stock = app.state.pages.stores(sql).await.expect("stores");
    assert!(Arc::ptr_eq(&first, &after_stock), "a stock write leaves the stores as they were read");
    write(&app, &["UPDATE stores SET data = json_set(data, '$.name', 'Витрина на Тверской') WHERE id = 'msk-tverskaya'"]).await;
    let after_store = app.state.pages.stores(sql).await.expect("stores");
    assert!(!Arc::ptr_eq(&first, &after_store), "a store's write is read at once");
    let name = after_store.stores().iter().find(|s| s.id.as_str() == "msk-tverskaya").map(|s| s.name.clone());
    assert_eq!(name.as_deref(), Some("Витрина на Тверской"));
    let (_, answer) = app.get("/api/availability/PHN-0001?lat=55.7640&lon=37.6060&limit=1000").await;
    let listed = answer["stores"].as_array().and_then(|s| s.iter().find(|s| s["store_id"] == "msk-tverskaya")).expect("Tverskaya");
    assert_eq!(listed["store_name"], "Витрина на Тверской", "availability names the store as it is now");
}
