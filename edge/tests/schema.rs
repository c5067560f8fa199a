//! The database is the truth for its schema (issue 14, item 2): a database replaced under a kept
//! key-value store is migrated on its first request, and two instances starting together on one
//! empty database both come up with one complete schema and one seed.

use chrono::Utc;
use std::sync::Arc;
use vitrina_edge::db::schema;
use vitrina_edge::native::SqliteStore;
use vitrina_edge::ports::Sql;

async fn products(sql: &dyn Sql) -> i64 {
    let rows = sql.query("SELECT COUNT(*) FROM products", vec![]).await.expect("count");
    rows[0].int(0).expect("a number")
}

#[tokio::test]
async fn a_fresh_database_is_brought_to_the_schema_once_and_then_only_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("a.db")).expect("open");
    assert_eq!(schema::database_version(&store).await, 0, "an empty file has no schema");
    assert!(schema::ensure(&store, Utc::now()).await.expect("migrate"), "the first request migrates");
    assert_eq!(schema::database_version(&store).await, schema::schema_version());
    assert!(!schema::ensure(&store, Utc::now()).await.expect("check"), "later requests only read the version");

    // The database replaced by a fresh one (a restore, a move): whatever any cache remembers, the
    // new database says it has no schema, and the next request migrates and seeds it.
    let replaced = SqliteStore::open(&dir.path().join("b.db")).expect("open");
    assert!(schema::ensure(&replaced, Utc::now()).await.expect("migrate the new database"));
    assert_eq!(products(&replaced).await, 312);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_starting_together_on_one_empty_database_both_come_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shared.db");
    let first: Arc<dyn Sql> = Arc::new(SqliteStore::open(&path).expect("open"));
    let second: Arc<dyn Sql> = Arc::new(SqliteStore::open(&path).expect("open"));
    let now = Utc::now();
    let (a, b) = tokio::join!(
        tokio::spawn({
            let sql = first.clone();
            async move { schema::migrate_and_seed(sql.as_ref(), now).await }
        }),
        tokio::spawn({
            let sql = second.clone();
            async move { schema::migrate_and_seed(sql.as_ref(), now).await }
        })
    );
    a.expect("task").expect("the first instance comes up");
    b.expect("task").expect("the second instance comes up");
    assert_eq!(schema::database_version(first.as_ref()).await, schema::schema_version());
    assert_eq!(products(second.as_ref()).await, 312, "seeded once");
    let versions = first.query("SELECT COUNT(*) FROM schema_migrations", vec![]).await.expect("versions");
    assert_eq!(versions[0].int(0).expect("n"), i64::try_from(schema::MIGRATIONS.len()).expect("small"), "each migration recorded once");
}
