//! The ports: what the Router needs from the outside world. Each has a native adapter
//! (rusqlite, the system clock) and a Spin adapter (`spin_sdk::sqlite`, `spin_sdk::key_value`).

use chrono::{DateTime, Utc};
use std::future::Future;
use std::pin::Pin;

/// A boxed future that can cross threads on the native host.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A SQL value (SQLite's storage classes that Vitrina uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Integer(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Integer(n)
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Integer(i64::from(n))
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One result row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Value>);

impl Row {
    pub fn text(&self, i: usize) -> Result<&str, StorageError> {
        match self.0.get(i) {
            Some(Value::Text(s)) => Ok(s),
            other => Err(StorageError(format!("column {i}: expected text, found {other:?}"))),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<&str>, StorageError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StorageError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.int(i).map(Some),
        }
    }
    pub fn int(&self, i: usize) -> Result<i64, StorageError> {
        match self.0.get(i) {
            Some(Value::Integer(n)) => Ok(*n),
            Some(Value::Null) => Ok(0),
            other => Err(StorageError(format!("column {i}: expected integer, found {other:?}"))),
        }
    }
}

/// A statement with its parameters.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<Value>,
    /// If set and the statement changes no row, the whole batch is rolled back
    /// ([`TxError::Guard`]): how a conditional write protects an invariant inside a batch.
    pub guard: bool,
}

impl Statement {
    pub fn new(sql: impl Into<String>, params: Vec<Value>) -> Self {
        Statement { sql: sql.into(), params, guard: false }
    }

    /// The same statement as a guard: the batch only commits if it changes at least one row.
    /// Handlers add guards through `tx::Batch::guard`, which gives each one a typed reason.
    pub fn guarded(mut self) -> Self {
        self.guard = true;
        self
    }
}

/// Why a batch did not commit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Guarded statement number `.0` changed nothing; nothing was written.
    #[error("guarded statement {0} changed no row; the batch was rolled back")]
    Guard(usize),
}

impl From<TxError> for StorageError {
    /// For batches without guards, where a guard failure cannot happen.
    fn from(e: TxError) -> Self {
        match e {
            TxError::Storage(s) => s,
            TxError::Guard(i) => StorageError(format!("unexpected guard failure at statement {i}")),
        }
    }
}

/// A storage failure. Not the client's fault: it maps to 503 and the detail goes to the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage: {0}")]
pub struct StorageError(pub String);

/// A transactional SQL store in the SQLite dialect.
pub trait Sql: Send + Sync {
    /// Runs one statement and returns its rows.
    fn query<'a>(&'a self, sql: &'a str, params: Vec<Value>) -> BoxFuture<'a, Result<Vec<Row>, StorageError>>;
    /// Runs the statements in one transaction: all or nothing. Returns rows changed per statement.
    /// A guarded statement that changes no row rolls everything back with [`TxError::Guard`].
    fn batch(&self, statements: Vec<Statement>) -> BoxFuture<'_, Result<Vec<u64>, TxError>>;
    /// A number that grows after every committed write through this port, where the adapter is
    /// the only writer it knows of; `None` where others may write too (then nothing derived from
    /// the data may be kept across requests by it, see `pagecache`).
    fn generation(&self) -> Option<u64> {
        None
    }
}

/// A key-value store for sessions, caches and snapshots (never the source of truth).
pub trait Kv: Send + Sync {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StorageError>>;
    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<(), StorageError>>;
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StorageError>>;
}

/// The time. Injected so tests can move it.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The host's clock (works natively and on wasm32-wasip2 through WASI clocks).
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A charge to make with a payment provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    /// One per order (derived from the checkout's `Idempotency-Key`): the provider charges once
    /// per key and answers a repeated request with the first outcome, so a retry or a resume
    /// after a crash never charges twice.
    pub idempotency_key: String,
    pub order_id: String,
    pub amount: vitrina_shared::Money,
    pub card_number: String,
}

/// What the provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    Approved { reference: String },
    Declined { reason: String },
}

/// A payment provider. Vitrina ships only [`crate::payments::TestProvider`] (no real money moves);
/// a real provider is another adapter behind this trait.
pub trait Payments: Send + Sync {
    /// The provider's name as stored with payments, e.g. `test`.
    fn name(&self) -> &'static str;
    /// Charges once per `request.idempotency_key`; the same key again answers the first outcome.
    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, Result<ChargeOutcome, StorageError>>;
    /// What the provider recorded for a key, if it ever saw it (how a checkout interrupted by a
    /// crash finds out whether the shopper was charged).
    fn lookup<'a>(&'a self, idempotency_key: &'a str) -> BoxFuture<'a, Result<Option<ChargeOutcome>, StorageError>>;
}

/// An outbound HTTP request (push delivery).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What the other side answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundResponse {
    pub status: u16,
    pub retry_after: Option<String>,
}

/// Outbound HTTP: an HTTP client natively, `spin_sdk::http::send` on Spin (only to hosts listed in
/// the manifest's `allowed_outbound_hosts`).
pub trait Outbound: Send + Sync {
    /// POSTs the request. `Err` is a transport failure (no answer), with its reason.
    fn post(&self, request: OutboundRequest) -> BoxFuture<'_, Result<OutboundResponse, String>>;
}
