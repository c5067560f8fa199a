//! The native embedded host: its adapters (rusqlite on a file for [`Sql`](crate::ports::Sql) and
//! [`Kv`](crate::ports::Kv) in [`sqlite`], `ureq` for outbound HTTP) and the server start-up used
//! by the `vitrina` binary.

pub mod scale;
pub mod sqlite;

pub use sqlite::SqliteStore;

use crate::ports::{BoxFuture, StorageError, SystemClock};
use crate::{router, AppState, Config};
use std::path::Path;
use std::sync::Arc;

/// Opens `<data_dir>/vitrina.db`, migrates and seeds it, and builds the app state.
pub async fn open_state(data_dir: &Path, config: Config) -> Result<AppState, StorageError> {
    std::fs::create_dir_all(data_dir).map_err(|e| StorageError(format!("creating {}: {e}", data_dir.display())))?;
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
        pages: Arc::default(),
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
    crate::listing::warm(&state).await;
    let dispatcher = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(DISPATCH_EVERY);
        // Imports this host was running when it stopped are taken up at once; later, one whose
        // claim went stale.
        let mut stale_before = dispatcher.clock.now().timestamp() + 1;
        loop {
            tick.tick().await;
            match crate::imports::run_waiting(&dispatcher, stale_before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(imports = n, "waiting imports ran"),
                Err(e) => tracing::error!(error = %e, "running waiting imports failed"),
            }
            stale_before = dispatcher.clock.now().timestamp() - crate::imports::STALE_CLAIM_SECONDS;
            if let Err(e) = crate::pricing::settle_due_prices(&dispatcher).await {
                tracing::error!(error = %e, "settling scheduled prices failed");
            }
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
    // Without TCP_NODELAY, a page whose headers and body leave in separate writes waits for the
    // client's delayed ACK (40 ms on Linux) before its body goes: most of a large page's latency.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "setting TCP_NODELAY failed");
        }
    });
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
