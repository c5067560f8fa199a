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

// Migration 0010 rebuilds the accounts table (a CHECK constraint cannot be altered) inside one
// transaction with foreign keys on: what references the accounts must survive it, still checked.
#[tokio::test]
async fn a_database_with_accounts_sessions_and_points_keeps_them_through_the_merchandiser_migration() {
    use vitrina_edge::ports::Statement;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("old.db")).expect("open");
    let mut batch = vec![Statement::new(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        vec![],
    )];
    for (version, script) in schema::MIGRATIONS.iter().filter(|(v, _)| *v <= 8) {
        let code: String = script.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
        batch.extend(code.split(';').filter(|s| !s.trim().is_empty()).map(|s| Statement::new(s.trim(), vec![])));
        batch.push(Statement::new("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'then')", vec![(*version).into()]));
    }
    batch.extend([
        Statement::new(
            "INSERT INTO customers (id, email, password_hash, role, created_at, loyalty_card) VALUES ('c1', 'a@b.ru', 'x', 'staff', 1, '2000000000001')",
            vec![],
        ),
        Statement::new("INSERT INTO sessions (id, customer_id, created_at, last_seen_at, expires_at) VALUES ('s1', 'c1', 1, 1, 9)", vec![]),
        Statement::new("INSERT INTO loyalty_ledger (customer_id, kind, points, created_at) VALUES ('c1', 'earn', 50, 1)", vec![]),
    ]);
    store.batch(batch).await.expect("a database at version 8 with an account");
    assert!(schema::ensure(&store, Utc::now()).await.expect("migrate"), "migrated to the newest version");
    let kept = store
        .query("SELECT c.role, s.id, l.points FROM customers c JOIN sessions s ON s.customer_id = c.id JOIN loyalty_ledger l ON l.customer_id = c.id", vec![])
        .await
        .expect("read");
    assert_eq!((kept[0].text(0).expect("role"), kept[0].text(1).expect("session"), kept[0].int(2).expect("points")), ("staff", "s1", 50));
    let merchandiser = "INSERT INTO customers (id, email, password_hash, role, created_at) VALUES ('c2', 'm@b.ru', 'x', 'merchandiser', 1)";
    store.batch(vec![Statement::new(merchandiser, vec![])]).await.expect("the new role is accepted");
    let orphan = "INSERT INTO sessions (id, customer_id, created_at, last_seen_at, expires_at) VALUES ('s2', 'nobody', 1, 1, 9)";
    assert!(store.batch(vec![Statement::new(orphan, vec![])]).await.is_err(), "references are still checked");
    let card = "INSERT INTO customers (id, email, password_hash, role, created_at, loyalty_card) VALUES ('c3', 'c@b.ru', 'x', 'customer', 1, '2000000000001')";
    assert!(store.batch(vec![Statement::new(card, vec![])]).await.is_err(), "the loyalty card index is back");
}
