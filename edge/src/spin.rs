//! The Spin host: `spin_sdk::sqlite` and `spin_sdk::key_value` behind the ports, and the
//! `#[http_service]` entry point that hands each request to the same Router as the native host.
//! Compiled only for wasm32: natively, spin-sdk's host calls abort the process.

use crate::error::ApiError;
use crate::ports::{BoxFuture, Kv, Row, Sql, Statement, StorageError, SystemClock, TxError, Value};
use crate::{router, AppState, BootstrapAccount, Config};
use axum::response::{IntoResponse, Response};
use send_wrapper::SendWrapper;
use spin_sdk::http::Request;
use spin_sdk::http_service;
use spin_sdk::sqlite::{Connection, Value as SpinValue};
use std::convert::Infallible;
use std::sync::Arc;
use tower_service::Service;
use vitrina_shared::account::Role;

/// Where spin.toml mounts the built app.
const SITE_DIR: &str = "/site";

fn to_spin(v: Value) -> SpinValue {
    match v {
        Value::Null => SpinValue::Null,
        Value::Integer(n) => SpinValue::Integer(n),
        Value::Text(s) => SpinValue::Text(s),
        Value::Blob(b) => SpinValue::Blob(b),
    }
}

fn from_spin(v: SpinValue) -> Value {
    match v {
        SpinValue::Null => Value::Null,
        SpinValue::Integer(n) => Value::Integer(n),
        SpinValue::Real(r) => Value::Text(r.to_string()),
        SpinValue::Text(s) => Value::Text(s),
        SpinValue::Blob(b) => Value::Blob(b),
    }
}

fn storage(context: &str, e: impl std::fmt::Debug) -> StorageError {
    StorageError(format!("{context}: {e:?}"))
}

/// Spin's SQLite (`sqlite_databases = ["default"]`): one connection per request (an instance
/// serves one request), opened on the first statement and kept for the rest — opening is a host
/// call that cost about as much as the query it served.
///
/// Opening it also checks the schema ([`ensure_schema`]), so a request that never reaches the
/// database (the app's files, most of a page's downloads) neither opens it nor pays for SQLite
/// reading the schema of every table, which is most of a request's cost on Spin.
struct SpinSql(SendWrapper<std::cell::RefCell<Option<std::rc::Rc<Connection>>>>);

impl SpinSql {
    fn new() -> Self {
        SpinSql(SendWrapper::new(std::cell::RefCell::new(None)))
    }

    async fn connection(&self) -> Result<std::rc::Rc<Connection>, StorageError> {
        if let Some(conn) = self.0.borrow().as_ref() {
            return Ok(conn.clone());
        }
        let conn = std::rc::Rc::new(Connection::open_default().await.map_err(|e| storage("opening sqlite", e))?);
        // Set before the check, whose own statements run on this connection.
        *self.0.borrow_mut() = Some(conn.clone());
        if let Err(e) = ensure_schema(self).await {
            *self.0.borrow_mut() = None;
            return Err(e);
        }
        Ok(conn)
    }
}

async fn run(conn: &Connection, statement: &str, params: Vec<Value>) -> Result<Vec<Row>, StorageError> {
    let result = conn.execute(statement, params.into_iter().map(to_spin)).await.map_err(|e| storage("executing", e))?;
    let rows = result.collect().await.map_err(|e| storage("reading rows", e))?;
    Ok(rows.into_iter().map(|r| Row(r.values.into_iter().map(from_spin).collect())).collect())
}

/// The rows the statement just run on `conn` changed, asked of the database itself with
/// [`crate::db::CHANGES`] on the same connection, not through Spin's `changes()` host call: on Spin's
/// libsql backend that call answers the libSQL client's own count, which the cursor requests
/// Spin's `execute` sends never update, so it stays 0 and every guard would fail there
/// (ARCHITECTURE.md, "The database behind Spin"). Inside the batch's transaction both backends
/// run this on the connection that ran the statement, so it is that statement's count.
async fn changes(conn: &Connection) -> Result<u64, StorageError> {
    let rows = run(conn, crate::db::CHANGES, vec![]).await?;
    match rows.first().and_then(|r| r.0.first()) {
        Some(Value::Integer(n)) => u64::try_from(*n).map_err(|e| storage("the count of changed rows", e)),
        other => Err(storage("the count of changed rows came as", other)),
    }
}

async fn run_batch(conn: &Connection, statements: Vec<Statement>) -> Result<Vec<u64>, TxError> {
    let mut changed = Vec::with_capacity(statements.len());
    for (i, s) in statements.into_iter().enumerate() {
        run(conn, &s.sql, s.params).await?;
        let n = changes(conn).await?;
        if s.guard && n == 0 {
            return Err(TxError::Guard(i));
        }
        changed.push(n);
    }
    Ok(changed)
}

impl Sql for SpinSql {
    fn query<'a>(&'a self, sql: &'a str, params: Vec<Value>) -> BoxFuture<'a, Result<Vec<Row>, StorageError>> {
        // wasm32 is single-threaded: the wrapper only satisfies axum's `Send` bound.
        Box::pin(SendWrapper::new(async move {
            let conn = self.connection().await?;
            run(&conn, sql, params).await
        }))
    }

    fn batch(&self, statements: Vec<Statement>) -> BoxFuture<'_, Result<Vec<u64>, TxError>> {
        Box::pin(SendWrapper::new(async move {
            let conn = self.connection().await?;
            run(&conn, "BEGIN IMMEDIATE", vec![]).await?;
            match run_batch(&conn, statements).await {
                Ok(changed) => {
                    run(&conn, "COMMIT", vec![]).await?;
                    Ok(changed)
                }
                Err(e) => {
                    if let Err(rollback) = run(&conn, "ROLLBACK", vec![]).await {
                        tracing::error!(error = %e, rollback_error = %rollback, "rollback failed");
                    }
                    Err(e)
                }
            }
        }))
    }
}

/// Spin's key-value store (`key_value_stores = ["default"]`).
struct SpinKv;

impl Kv for SpinKv {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StorageError>> {
        Box::pin(SendWrapper::new(async move {
            let store = spin_sdk::key_value::Store::open_default().await.map_err(|e| storage("opening key-value", e))?;
            store.get(key).await.map_err(|e| storage("key-value get", e))
        }))
    }
    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(SendWrapper::new(async move {
            let store = spin_sdk::key_value::Store::open_default().await.map_err(|e| storage("opening key-value", e))?;
            store.set(key, value).await.map_err(|e| storage("key-value set", e))
        }))
    }
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(SendWrapper::new(async move {
            let store = spin_sdk::key_value::Store::open_default().await.map_err(|e| storage("opening key-value", e))?;
            store.delete(key).await.map_err(|e| storage("key-value delete", e))
        }))
    }
}

/// Outbound HTTP through `spin_sdk::http::send`; Spin only lets it reach the hosts in the
/// manifest's `allowed_outbound_hosts` (the push services).
struct SpinOutbound;

impl crate::ports::Outbound for SpinOutbound {
    fn post(&self, request: crate::ports::OutboundRequest) -> BoxFuture<'_, Result<crate::ports::OutboundResponse, String>> {
        Box::pin(SendWrapper::new(async move {
            let mut builder = http::Request::post(&request.url);
            for (k, v) in &request.headers {
                builder = builder.header(k.as_str(), v.as_str());
            }
            let outgoing = builder
                .body(spin_sdk::http::FullBody::new(bytes::Bytes::from(request.body)))
                .map_err(|e| format!("{}: {e}", request.url))?;
            let response = spin_sdk::http::send(outgoing).await.map_err(|e| format!("{}: {e}", request.url))?;
            Ok(crate::ports::OutboundResponse {
                status: response.status().as_u16(),
                retry_after: response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned),
            })
        }))
    }
}

/// A variable's value, `None` when unset or blank.
async fn variable(name: &'static str) -> Option<String> {
    spin_sdk::variables::get(name).await.ok().filter(|v| !v.trim().is_empty())
}

/// Push settings from the `vapid_private_key`, `push_contact` and `push_dispatch_token` variables.
#[cfg(feature = "back-office")]
async fn push_config() -> crate::notify::PushConfig {
    let defaults = crate::notify::PushConfig::default();
    crate::notify::PushConfig {
        vapid_private_key: variable("vapid_private_key").await,
        contact: variable("push_contact").await.unwrap_or(defaults.contact.clone()),
        dispatch_token: variable("push_dispatch_token").await,
        ..defaults
    }
}

/// The variables this component's routes read, and no others: each is a host call on every
/// request (Spin makes an instance per request). The shop reads the public address (pages,
/// sitemap, feeds) and the VAPID key (its public half, for subscribing browsers); the back office
/// the push settings (dispatch) and whether staff manage the catalog.
async fn with_component_variables(mut config: Config) -> Config {
    #[cfg(feature = "shop")]
    {
        config.public_url = variable("public_url").await.map(|u| u.trim().to_owned());
        config.push.vapid_private_key = variable("vapid_private_key").await;
    }
    #[cfg(feature = "back-office")]
    {
        config.push = push_config().await;
        // Anything but "false" grants staff the catalog.
        config.staff_merchandise = variable("staff_merchandise").await.is_none_or(|v| v.trim() != "false");
    }
    config
}

/// The first staff and marketer accounts from the `*_email` / `*_password` variables.
async fn bootstrap_accounts() -> Vec<BootstrapAccount> {
    let mut out = Vec::new();
    for (role, name) in [(Role::Staff, "staff"), (Role::Marketer, "marketer")] {
        let email = spin_sdk::variables::get(format!("{name}_email")).await;
        let password = spin_sdk::variables::get(format!("{name}_password")).await;
        if let (Ok(email), Ok(password)) = (email, password) {
            if !email.is_empty() && !password.is_empty() {
                out.push(BootstrapAccount { email, password, role });
            }
        }
    }
    out
}

/// Migrates, seeds and creates the first accounts when the database is not at this build's schema
/// (`db::schema::ensure`: one read of the database's own `schema_migrations` otherwise), when a
/// request first opens the database; the accounts' four variables are read only then. Nothing in
/// key-value decides it: a database replaced under a kept key-value store (a restore, a move to
/// libSQL) is migrated on its first request instead of answering 503 forever.
async fn ensure_schema(sql: &SpinSql) -> Result<(), StorageError> {
    let now = crate::ports::Clock::now(&SystemClock);
    if crate::db::schema::ensure(sql, now).await? {
        crate::accounts::bootstrap(sql, &bootstrap_accounts().await, now.timestamp()).await?;
    }
    Ok(())
}

#[http_service]
async fn handle(req: Request) -> Result<Response, Infallible> {
    // Spin keeps the component's stderr as its log; human lines, no colours.
    crate::telemetry::init(crate::telemetry::LogFormat::Human);
    let session_key = match spin_sdk::variables::get("session_key").await {
        Ok(key) if key.len() >= 32 => key.into_bytes(),
        _ => {
            tracing::error!("the session_key variable must hold at least 32 characters");
            return Ok(ApiError::Storage(StorageError("session_key is not configured".into())).into_response());
        }
    };
    let sql: Arc<dyn crate::ports::Sql> = Arc::new(SpinSql::new());
    let config = Config {
        // Read by `ensure_schema` when it creates the database, not here on every request.
        bootstrap_accounts: Vec::new(),
        site_dir: Some(SITE_DIR.into()),
        session_key,
        // Spin's `spin-client-addr` is the peer Spin saw; no proxy header is trusted.
        trusted_proxies: Vec::new(),
        ..Config::default()
    };
    let state = AppState {
        sql: sql.clone(),
        kv: Arc::new(SpinKv),
        clock: Arc::new(SystemClock),
        payments: Arc::new(crate::payments::TestProvider::new(sql)),
        outbound: Arc::new(SpinOutbound),
        rules: Arc::default(),
        pages: Arc::default(),
        config: Arc::new(with_component_variables(config).await),
    };
    router(state).call(req).await
}
