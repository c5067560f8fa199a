//! The native embedded host's adapters: rusqlite on a file for [`Sql`] and [`Kv`], and the
//! server start-up used by the `vitrina` binary.

use crate::ports::{BoxFuture, Kv, Row, Sql, Statement, StorageError, SystemClock, TxError, Value};
use crate::{router, AppState, Config};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, ToSql};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

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
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn storage(context: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError(format!("{context}: {e}"))
}

/// SQLite on a file (or in memory), one connection behind a mutex: SQLite serialises writers
/// anyway, and every invariant-protecting write is one statement or one transaction.
pub struct SqliteStore {
    conn: Mutex<Connection>,
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
             CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL);",
        )
        .map_err(|e| storage("configuring sqlite", e))?;
        Ok(SqliteStore { conn: Mutex::new(conn) })
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
        let conn = self.lock()?;
        let mut stmt = conn.prepare_cached(sql).map_err(|e| storage("preparing query", e))?;
        let width = stmt.column_count();
        let rows = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                (0..width).map(|i| r.get_ref(i).map(from_sqlite)).collect::<rusqlite::Result<Vec<_>>>().map(Row)
            })
            .map_err(|e| storage("running query", e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| storage("reading rows", e))
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
        Ok(changed)
    }
}

impl Sql for SqliteStore {
    fn query<'a>(&'a self, sql: &'a str, params: Vec<Value>) -> BoxFuture<'a, Result<Vec<Row>, StorageError>> {
        Box::pin(std::future::ready(self.query_sync(sql, &params)))
    }
    fn batch(&self, statements: Vec<Statement>) -> BoxFuture<'_, Result<Vec<u64>, TxError>> {
        Box::pin(std::future::ready(self.batch_sync(&statements)))
    }
}

impl Kv for SqliteStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StorageError>> {
        let result = self.query_sync("SELECT value FROM kv WHERE key = ?", &[key.into()]).map(|rows| {
            rows.into_iter().next().and_then(|r| match r.0.into_iter().next() {
                Some(Value::Blob(b)) => Some(b),
                Some(Value::Text(t)) => Some(t.into_bytes()),
                _ => None,
            })
        });
        Box::pin(std::future::ready(result))
    }
    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<(), StorageError>> {
        let statement = Statement::new(
            "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![key.into(), Value::Blob(value)],
        );
        Box::pin(std::future::ready(self.batch_sync(&[statement]).map(|_| ()).map_err(StorageError::from)))
    }
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StorageError>> {
        let statement = Statement::new("DELETE FROM kv WHERE key = ?", vec![key.into()]);
        Box::pin(std::future::ready(self.batch_sync(&[statement]).map(|_| ()).map_err(StorageError::from)))
    }
}

/// Opens `<data_dir>/vitrina.db`, migrates and seeds it, and builds the app state.
pub async fn open_state(data_dir: &Path, config: Config) -> Result<AppState, StorageError> {
    std::fs::create_dir_all(data_dir).map_err(|e| storage(&format!("creating {}", data_dir.display()), e))?;
    let store = Arc::new(SqliteStore::open(&data_dir.join("vitrina.db"))?);
    let clock = Arc::new(SystemClock);
    let now = crate::ports::Clock::now(clock.as_ref());
    crate::db::schema::migrate_and_seed(store.as_ref(), now).await?;
    crate::accounts::bootstrap(store.as_ref(), &config.bootstrap_accounts, now.timestamp()).await?;
    Ok(AppState {
        sql: store.clone(),
        kv: store.clone(),
        clock,
        payments: Arc::new(crate::payments::TestProvider::new(store.clone())),
        outbound: Arc::new(HttpOutbound::new()),
        rules: Arc::default(),
        config: Arc::new(config),
    })
}

/// Outbound HTTP over `ureq` (rustls, webpki roots) on tokio's blocking pool; no redirects are
/// followed (a push service never redirects, and following one could leave the allowed hosts).
#[derive(Clone)]
pub struct HttpOutbound {
    agent: ureq::Agent,
}

impl HttpOutbound {
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(15)))
            .http_status_as_error(false)
            .max_redirects(0)
            .build();
        HttpOutbound { agent: ureq::Agent::new_with_config(config) }
    }
}

impl Default for HttpOutbound {
    fn default() -> Self {
        Self::new()
    }
}

impl crate::ports::Outbound for HttpOutbound {
    fn post(&self, request: crate::ports::OutboundRequest) -> BoxFuture<'_, Result<crate::ports::OutboundResponse, String>> {
        let agent = self.agent.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut call = agent.post(&request.url);
                for (k, v) in &request.headers {
                    call = call.header(k.as_str(), v.as_str());
                }
                match call.send(&request.body[..]) {
                    Ok(response) => Ok(crate::ports::OutboundResponse {
                        status: response.status().as_u16(),
                        retry_after: response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned),
                    }),
                    Err(e) => Err(format!("{}: {e}", request.url)),
                }
            })
            .await
            .map_err(|e| format!("outbound task: {e}"))?
        })
    }
}

/// How often the native host runs the push dispatcher.
pub const DISPATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

/// Serves the Router on `listener` until Ctrl-C or SIGTERM, running the push dispatcher on a timer.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let dispatcher = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(DISPATCH_EVERY);
        loop {
            tick.tick().await;
            match crate::notify::dispatch::dispatch(&dispatcher, 200).await {
                Ok(r) if r.sent + r.failed + r.gone + r.retried + r.enqueued > 0 => tracing::info!(
                    enqueued = r.enqueued,
                    sent = r.sent,
                    retried = r.retried,
                    gone = r.gone,
                    failed = r.failed,
                    cancelled = r.cancelled,
                    trimmed = r.trimmed,
                    "push dispatched"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "push dispatch failed"),
            }
        }
    });
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
