//! SQLite through rusqlite, on a file or in memory: the native [`Sql`] and [`Kv`] adapter.

use crate::db::kv;
use crate::ports::{BoxFuture, Kv, Row, Sql, Statement, StorageError, TxError, Value};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, ToSql};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Integer(n) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*n)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

fn from_sqlite(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Integer(n),
        ValueRef::Real(r) => Value::Text(r.to_string()),
        // Checked whole first (much quicker on long texts such as a product's shelf), repaired
        // only when SQLite holds bytes that are not UTF-8.
        ValueRef::Text(t) => Value::Text(std::str::from_utf8(t).map_or_else(|_| String::from_utf8_lossy(t).into_owned(), str::to_owned)),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn storage(context: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError(format!("{context}: {e}"))
}

/// SQLite on a file (or in memory): one connection behind a mutex for every write (SQLite
/// serialises writers anyway, and every invariant-protecting write is one statement or one
/// transaction) and, on a file, a few read-only connections that reads take whichever is free,
/// so that reads run side by side under the write-ahead log (each sees every write committed
/// before it began).
pub struct SqliteStore {
    conn: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    /// A connection that only asks `PRAGMA data_version` (see [`Sql::generation`]), on a file.
    watcher: Option<Mutex<Connection>>,
    /// Committed writes through [`Sql`] so far (not key-value writes: no page reads key-value).
    writes: AtomicU64,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file with WAL, foreign keys and a busy timeout.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        let conn = Connection::open(path).map_err(|e| storage(&format!("opening {}", path.display()), e))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;
             PRAGMA cache_size = -65536;
             PRAGMA mmap_size = 2147418112;",
        )
        .and_then(|()| conn.execute_batch(kv::TABLE))
        .map_err(|e| storage("configuring sqlite", e))?;
        let mut readers = Vec::new();
        let mut watcher = None;
        if path.to_str() != Some(":memory:") {
            let watching = Connection::open(path).map_err(|e| storage(&format!("opening {} to watch", path.display()), e))?;
            watching
                .execute_batch("PRAGMA query_only = ON; PRAGMA busy_timeout = 5000;")
                .map_err(|e| storage("configuring the sqlite watcher", e))?;
            watcher = Some(Mutex::new(watching));
            for _ in 0..READERS {
                let reader = Connection::open(path).map_err(|e| storage(&format!("opening {} to read", path.display()), e))?;
                reader
                    // Pages read through memory-mapped I/O and a 64 MiB cache each: at 100,000
                    // products most of a listing's time was copying pages from the OS.
                    .execute_batch(
                        "PRAGMA query_only = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536; PRAGMA mmap_size = 2147418112;",
                    )
                    .map_err(|e| storage("configuring a sqlite reader", e))?;
                readers.push(Mutex::new(reader));
            }
        }
        Ok(SqliteStore { conn: Mutex::new(conn), readers, watcher, writes: AtomicU64::new(0) })
    }

    /// A free read-only connection, else the first one to come free (the writer when there are none).
    fn reader(&self) -> Result<MutexGuard<'_, Connection>, StorageError> {
        for reader in &self.readers {
            if let Ok(guard) = reader.try_lock() {
                return Ok(guard);
            }
        }
        match self.readers.first() {
            Some(reader) => reader.lock().map_err(|_| StorageError("sqlite reader mutex poisoned".into())),
            None => self.lock(),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>, StorageError> {
        self.conn.lock().map_err(|_| StorageError("sqlite connection mutex poisoned".into()))
    }

    /// The names of the columns `sql` returns, from preparing it (nothing is run): how a test
    /// holds each SELECT against the row type that reads it.
    pub fn columns(&self, sql: &str) -> Result<Vec<String>, StorageError> {
        let conn = self.lock()?;
        let stmt = conn.prepare(sql).map_err(|e| storage("preparing query", e))?;
        Ok(stmt.column_names().into_iter().map(str::to_owned).collect())
    }

    fn query_sync(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StorageError> {
        let started = std::time::Instant::now();
        // A statement that writes (none of the adapter's callers send one, but the port allows it)
        // goes to the writer.
        let reader = self.reader()?;
        let read_only = reader.prepare_cached(sql).map_err(|e| storage("preparing query", e))?.readonly();
        let conn = if read_only {
            reader
        } else {
            drop(reader);
            self.lock()?
        };
        let mut stmt = conn.prepare_cached(sql).map_err(|e| storage("preparing query", e))?;
        let width = stmt.column_count();
        let writes = !stmt.readonly();
        let rows = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                (0..width).map(|i| r.get_ref(i).map(from_sqlite)).collect::<rusqlite::Result<Vec<_>>>().map(Row)
            })
            .map_err(|e| storage("running query", e))?;
        let rows = rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| storage("reading rows", e));
        if writes {
            // Counted after the write, so a reader that saw the old count read data no newer.
            self.writes.fetch_add(1, Ordering::SeqCst);
        }
        let elapsed = started.elapsed();
        if elapsed >= SLOW_QUERY {
            let text: String = sql.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(160).collect();
            tracing::debug!(ms = elapsed.as_secs_f64() * 1000.0, sql = text, "slow query");
        }
        rows
    }

    fn batch_sync(&self, statements: &[Statement]) -> Result<Vec<u64>, TxError> {
        let mut conn = self.lock()?;
        let tx =
            conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(|e| storage("beginning transaction", e))?;
        let mut changed = Vec::with_capacity(statements.len());
        for (i, s) in statements.iter().enumerate() {
            let mut stmt = tx.prepare_cached(&s.sql).map_err(|e| storage("preparing statement", e))?;
            let n = stmt.execute(params_from_iter(s.params.iter())).map_err(|e| storage("executing statement", e))?;
            if s.guard && n == 0 {
                // Dropping the transaction rolls it back.
                return Err(TxError::Guard(i));
            }
            changed.push(n as u64);
        }
        // Dropping an uncommitted transaction rolls it back, so an error above changes nothing.
        tx.commit().map_err(|e| storage("committing", e))?;
        self.writes.fetch_add(1, Ordering::SeqCst);
        Ok(changed)
    }
}

/// Read-only connections beside the writer.
const READERS: usize = 4;

/// A query at least this slow (waiting for the connection included) is logged at `debug`.
const SLOW_QUERY: std::time::Duration = std::time::Duration::from_millis(5);

impl Sql for SqliteStore {
    fn query<'a>(&'a self, sql: &'a str, params: Vec<Value>) -> BoxFuture<'a, Result<Vec<Row>, StorageError>> {
        Box::pin(std::future::ready(self.query_sync(sql, &params)))
    }
    fn batch(&self, statements: Vec<Statement>) -> BoxFuture<'_, Result<Vec<u64>, TxError>> {
        Box::pin(std::future::ready(self.batch_sync(&statements)))
    }
    /// This store's own committed writes, and SQLite's `data_version`, which moves when another
    /// connection or process commits (`vitrina import` beside a running host). On a file it is
    /// asked on a connection of its own, held for that one pragma: asked on the writer, requests
    /// found it busy with each other's pragma and went without the caches (at 100,000 products a
    /// listing answered by SQL instead of the index, a hundred times slower). In memory (tests),
    /// there is only the writer: `None` (nothing is cached) while it is busy, rather than waiting.
    fn generation(&self) -> Option<u64> {
        let others =
            |conn: &Connection| conn.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0)).ok().and_then(|v| u64::try_from(v).ok());
        let others: u64 = match &self.watcher {
            Some(watcher) => others(&*watcher.lock().ok()?)?,
            None => others(&*self.conn.try_lock().ok()?)?,
        };
        Some(self.writes.load(Ordering::SeqCst).wrapping_add(others << 40))
    }
}

impl Kv for SqliteStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StorageError>> {
        let result = self.query_sync(kv::GET, &[key.into()]).map(|rows| {
            rows.into_iter().next().and_then(|r| match r.0.into_iter().next() {
                Some(Value::Blob(b)) => Some(b),
                Some(Value::Text(t)) => Some(t.into_bytes()),
                _ => None,
            })
        });
        Box::pin(std::future::ready(result))
    }
    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<(), StorageError>> {
        let statement = kv::set(key, value);
        Box::pin(std::future::ready(self.batch_sync(&[statement]).map(|_| ()).map_err(StorageError::from)))
    }
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StorageError>> {
        let statement = kv::delete(key);
        Box::pin(std::future::ready(self.batch_sync(&[statement]).map(|_| ()).map_err(StorageError::from)))
    }
}
