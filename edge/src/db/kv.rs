//! The native host's key-value store: one table beside the data (Spin has its own key-value store).

use crate::ports::{Statement, Value};

/// The table, created when the store opens.
pub(crate) const TABLE: &str = "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)";

/// The value under a key (one column; a blob, or text written by hand).
pub(crate) const GET: &str = "SELECT value FROM kv WHERE key = ?";

pub(crate) fn set(key: &str, value: Vec<u8>) -> Statement {
    Statement::new(
        "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        vec![key.into(), Value::Blob(value)],
    )
}

pub(crate) fn delete(key: &str) -> Statement {
    Statement::new("DELETE FROM kv WHERE key = ?", vec![key.into()])
}
