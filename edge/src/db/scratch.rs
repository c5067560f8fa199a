//! A scratch table for the tests of the transaction idiom (`tx`): names, unique.

use super::{all, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};

struct Name(String);

impl FromRow for Name {
    const COLUMNS: &'static [&'static str] = &["name"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Name(row.text("name")?.to_owned()))
    }
}

pub(crate) fn create() -> Statement {
    Statement::new("CREATE TABLE t (name TEXT PRIMARY KEY)", vec![])
}

pub(crate) fn insert(name: &str) -> Statement {
    Statement::new("INSERT INTO t (name) VALUES (?)", vec![name.into()])
}

/// Inserts `name` unless it is there (then it changes nothing).
pub(crate) fn insert_new(name: &str) -> Statement {
    Statement::new("INSERT INTO t (name) VALUES (?) ON CONFLICT DO NOTHING", vec![name.into()])
}

/// Renames `from` (changes nothing if there is no `from`).
pub(crate) fn rename(from: &str, to: &str) -> Statement {
    Statement::new("UPDATE t SET name = ? WHERE name = ?", vec![to.into(), from.into()])
}

/// Renames every row.
pub(crate) fn rename_all(to: &str) -> Statement {
    Statement::new("UPDATE t SET name = ?", vec![to.into()])
}

/// An insert into a table that does not exist.
pub(crate) fn insert_nowhere() -> Statement {
    Statement::new("INSERT INTO no_such_table (name) VALUES ('a')", vec![])
}

/// The names, in order.
pub(crate) async fn names(sql: &dyn Sql) -> Vec<String> {
    all::<Name>(sql, "SELECT name FROM t ORDER BY name", vec![]).await.expect("select").into_iter().map(|n| n.0).collect()
}
