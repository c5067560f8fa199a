//! Every SQL statement of the crate, one module per aggregate. Functions here read typed rows or
//! build [`Statement`](crate::ports::Statement)s for a caller's batch; they decide nothing a handler decides.
//!
//! Rows are read by column name: each row type lists its `COLUMNS` (`FromRow`) and reads
//! them by name, and a test prepares every SELECT against the migrated schema and holds the names
//! it returns against that list, so the SQL and the struct cannot drift apart.

/// The rows the statement just run on this connection changed, as SQLite itself counts them: the
/// Spin adapter asks it after each statement of a batch (`spin.rs`, `changes`).
#[cfg(target_arch = "wasm32")]
pub(crate) const CHANGES: &str = "SELECT changes()";

#[cfg(not(target_arch = "wasm32"))]
pub mod bulk;
pub mod carts;
pub(crate) mod catalog;
pub(crate) mod customers;
pub(crate) mod handoffs;
pub(crate) mod imports;
pub(crate) mod kiosks;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod kv;
pub(crate) mod ledger;
pub(crate) mod limits;
pub(crate) mod offers;
pub(crate) mod orders;
pub(crate) mod payments;
pub(crate) mod pictures;
pub(crate) mod push;
pub mod schema;
#[cfg(test)]
pub(crate) mod scratch;
pub(crate) mod search;
pub(crate) mod sessions;
pub(crate) mod stock;

use crate::ports::{Row, Sql, StorageError, Value};
use chrono::{DateTime, TimeZone, Utc};

/// A stored row read by column name; the names are its row type's [`FromRow::COLUMNS`].
pub(crate) struct Named<'r> {
    row: &'r Row,
    columns: &'static [&'static str],
}

impl<'r> Named<'r> {
    fn at(&self, name: &str) -> Result<usize, StorageError> {
        self.columns.iter().position(|c| *c == name).ok_or_else(|| StorageError(format!("no column {name} in {:?}", self.columns)))
    }

    fn named<T>(name: &str, read: Result<T, StorageError>) -> Result<T, StorageError> {
        read.map_err(|e| StorageError(format!("{name}: {}", e.0)))
    }

    pub fn text(&self, name: &str) -> Result<&'r str, StorageError> {
        let row: &'r Row = self.row;
        Self::named(name, row.text(self.at(name)?))
    }

    pub fn opt_text(&self, name: &str) -> Result<Option<&'r str>, StorageError> {
        let row: &'r Row = self.row;
        Self::named(name, row.opt_text(self.at(name)?))
    }

    pub fn int(&self, name: &str) -> Result<i64, StorageError> {
        Self::named(name, self.row.int(self.at(name)?))
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, StorageError> {
        Self::named(name, self.row.opt_int(self.at(name)?))
    }

    /// Whether the column holds SQL `NULL`.
    pub fn blob(&self, name: &str) -> Result<&'r [u8], StorageError> {
        let row: &'r Row = self.row;
        match row.0.get(self.at(name)?) {
            Some(Value::Blob(b)) => Ok(b),
            Some(Value::Text(t)) => Ok(t.as_bytes()),
            other => Err(StorageError(format!("{name}: expected a blob, found {other:?}"))),
        }
    }

    pub fn is_null(&self, name: &str) -> Result<bool, StorageError> {
        Ok(matches!(self.row.0.get(self.at(name)?), Some(Value::Null) | None))
    }
}

/// A row type: the columns its SELECTs return, in order, and how it reads them by name.
pub(crate) trait FromRow: Sized {
    const COLUMNS: &'static [&'static str];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError>;
}

/// Reads one row as `T`.
pub(crate) fn read<T: FromRow>(row: &Row) -> Result<T, StorageError> {
    if row.0.len() != T::COLUMNS.len() {
        return Err(StorageError(format!("a row of {} columns read as {:?}", row.0.len(), T::COLUMNS)));
    }
    T::from_row(&Named { row, columns: T::COLUMNS })
}

/// Runs a SELECT and reads every row as `T`.
pub(crate) async fn all<T: FromRow>(sql: &dyn Sql, query: &str, params: Vec<Value>) -> Result<Vec<T>, StorageError> {
    sql.query(query, params).await?.iter().map(read).collect()
}

/// Runs a SELECT and reads its first row as `T`, if any.
pub(crate) async fn first<T: FromRow>(sql: &dyn Sql, query: &str, params: Vec<Value>) -> Result<Option<T>, StorageError> {
    sql.query(query, params).await?.first().map(read).transpose()
}

/// Whether a SELECT returns any row.
pub(crate) async fn exists(sql: &dyn Sql, query: &str, params: Vec<Value>) -> Result<bool, StorageError> {
    Ok(!sql.query(query, params).await?.is_empty())
}

/// A single count: `SELECT COUNT(*) AS n …`.
pub(crate) struct Count(pub i64);

impl FromRow for Count {
    const COLUMNS: &'static [&'static str] = &["n"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        row.int("n").map(Count)
    }
}

/// A stored currency code as the currency (only roubles are sold).
pub(crate) fn parse_currency(code: &str) -> Result<vitrina_shared::Currency, StorageError> {
    match code {
        "RUB" => Ok(vitrina_shared::Currency::Rub),
        other => Err(corrupt("currency", other)),
    }
}

/// A stored value that does not parse.
pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError(format!("stored {what} is unreadable: {e}"))
}

/// A stored timestamp (seconds since the epoch) as a time.
pub(crate) fn to_time(t: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(t, 0).single().unwrap_or_default()
}

/// A random id such as `V7KM3QX9P2` for a new order (`V`), till sale (`P`), return (`R`) or
/// campaign (`C`): letters and digits people can read out over the phone.
pub(crate) fn new_id(prefix: char) -> Result<String, StorageError> {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0_u8; 9];
    getrandom::fill(&mut bytes).map_err(|e| StorageError(format!("no randomness: {e}")))?;
    Ok(std::iter::once(prefix).chain(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))).collect())
}

/// A SELECT and the columns its row type reads, for the column check.
#[cfg(test)]
pub(crate) type Checked = (String, &'static [&'static str]);

#[cfg(test)]
pub(crate) fn checked<T: FromRow>(query: impl Into<String>) -> Checked {
    (query.into(), T::COLUMNS)
}

/// For the storage modules' tests: a database file in a new temporary directory, migrated and
/// seeded with the demo data at `now`, and a runtime to ask it on (the directory lives as long as
/// its handle).
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn demo_db(now: DateTime<Utc>) -> (tempfile::TempDir, crate::native::sqlite::SqliteStore, tokio::runtime::Runtime) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = crate::native::sqlite::SqliteStore::open(&dir.path().join("vitrina.db")).expect("open sqlite");
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    runtime.block_on(schema::migrate_and_seed(&store, now)).expect("migrate");
    (dir, store, runtime)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_select_returns_the_columns_its_row_type_reads() {
        let (_dir, store, _) = demo_db(Utc::now());
        let selects: Vec<Checked> = [
            carts::selects(),
            catalog::selects(),
            customers::selects(),
            handoffs::selects(),
            imports::selects(),
            kiosks::selects(),
            ledger::selects(),
            limits::selects(),
            offers::selects(),
            orders::selects(),
            payments::selects(),
            pictures::selects(),
            push::selects(),
            schema::selects(),
            search::selects(),
            sessions::selects(),
            stock::selects(),
        ]
        .concat();
        for (query, columns) in selects {
            let names = store.columns(&query).unwrap_or_else(|e| panic!("{e}: {query}"));
            assert_eq!(names, columns, "the SELECT and its row type disagree: {query}");
        }
    }

    #[test]
    fn a_row_of_another_width_or_a_name_not_in_columns_is_refused() {
        let row = Row(vec![Value::Integer(3)]);
        assert_eq!(read::<Count>(&row).map(|c| c.0), Ok(3));
        assert!(read::<Count>(&Row(vec![Value::Integer(3), Value::Null])).is_err(), "one column more than COLUMNS");
        let named = Named { row: &row, columns: Count::COLUMNS };
        assert!(named.int("count").is_err(), "a name that is not in COLUMNS");
    }

    #[test]
    fn order_ids_are_readable_and_distinct() {
        let a = new_id('V').unwrap();
        let b = new_id('V').unwrap();
        assert_eq!(a.len(), 10);
        assert!(a.starts_with('V') && a.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert!(!a.contains(['0', 'O', '1', 'I', 'L']));
        assert_ne!(a, b);
    }
}
