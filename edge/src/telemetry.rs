//! Logs: `tracing` events with structured fields, one `request` span per HTTP request, written to
//! stderr (on Spin, stderr is the component's log) as human-readable lines or JSON lines, filtered
//! by `RUST_LOG` (default `info`).
//!
//! The request span holds only the method, the matched route (the template, `/api/orders/{id}`,
//! never the path or query string a client sent), the status, the latency and the request id. No
//! header, body, cookie or session id is ever a field: secrets stay out of logs by construction.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::field::Empty;
use tracing::{Instrument, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{Layer, Registry};

/// The request id header, taken from the client when well-formed and always echoed.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id accepted from a client.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event (coloured on a terminal).
    #[default]
    Human,
    /// One JSON object per line, span fields included.
    Json,
}

impl LogFormat {
    /// `human` or `json`, as given to `--log-format`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "human" => Some(Self::Human),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// The filter from `RUST_LOG`, `info` when it is unset or does not parse. Natively an
/// `EnvFilter` (span and field directives too); in the Spin component a `Targets` filter, which
/// reads the same `target=level` directives without the regular-expression engine (≈ 400 KB of
/// the component).
#[cfg(not(target_arch = "wasm32"))]
pub fn filter_from_env() -> tracing_subscriber::EnvFilter {
    use tracing_subscriber::EnvFilter;
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// See the native `filter_from_env`.
#[cfg(target_arch = "wasm32")]
pub fn filter_from_env() -> tracing_subscriber::filter::Targets {
    use tracing_subscriber::filter::Targets;
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|raw| raw.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}

/// The subscriber both hosts install, writing to `writer` what `filter` lets through; tests pass
/// a buffer.
pub fn subscriber<W, F>(format: LogFormat, filter: F, ansi: bool, writer: W) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    F: Layer<Registry> + Send + Sync + 'static,
{
    // A log line that cannot be written (stderr closed by whoever started the host) is dropped:
    // the default would report it with `eprintln!`, which panics on that same closed stderr.
    let lines = tracing_subscriber::fmt::layer().with_writer(writer).log_internal_errors(false);
    let filtered = Registry::default().with(filter);
    match format {
        LogFormat::Human => Box::new(filtered.with(lines.with_ansi(ansi))),
        LogFormat::Json => Box::new(filtered.with(lines.json().with_current_span(true).with_span_list(false))),
    }
}

/// Installs the process-wide subscriber on stderr. A second call (a reused Spin instance) keeps
/// the first.
pub fn init(format: LogFormat) {
    let ansi = cfg!(not(target_arch = "wasm32")) && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _already_installed = tracing::subscriber::set_global_default(subscriber(format, filter_from_env(), ansi, std::io::stderr));
}

/// A client's request id is kept when it is 1–64 visible ASCII characters; anything else is
/// replaced, so a log line cannot be forged or bloated through it.
pub fn well_formed_request_id(raw: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&raw.len()) && raw.iter().all(|b| b.is_ascii_graphic())
}

/// A new request id: 16 random bytes in hex.
fn new_request_id() -> String {
    let mut bytes = [0_u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Without randomness the id only loses uniqueness; the request itself is unaffected.
        tracing::warn!("no randomness for a request id");
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The layer: opens the `request` span, runs the request inside it, records status and latency,
/// logs one `finished` event and echoes the request id as `X-Request-Id`.
pub async fn middleware(req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .filter(|v| well_formed_request_id(v.as_bytes()))
        .and_then(|v| v.to_str().ok())
        .map_or_else(new_request_id, str::to_owned);
    let route = req.extensions().get::<MatchedPath>().map_or("(fallback)", MatchedPath::as_str).to_owned();
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        request_id = %request_id,
        status = Empty,
        latency_ms = Empty,
    );
    // A measurement, not a business time: the Clock port is for what the shop decides.
    let started = std::time::Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("status", status);
    span.record("latency_ms", latency_ms);
    span.in_scope(|| {
        if response.status().is_server_error() {
            tracing::error!("finished");
        } else {
            tracing::info!("finished");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_is_kept_only_when_it_is_one_to_sixty_four_visible_ascii_characters() {
        assert!(well_formed_request_id(b"abc-123_DEF.x"));
        assert!(well_formed_request_id("a".repeat(64).as_bytes()));
        assert!(!well_formed_request_id("a".repeat(65).as_bytes()));
        assert!(!well_formed_request_id(b""));
        assert!(!well_formed_request_id(b"has space"));
        assert!(!well_formed_request_id(b"line\nbreak"));
        assert!(!well_formed_request_id("ид".as_bytes()));
    }

    #[test]
    fn a_new_request_id_is_well_formed_and_fresh() {
        let (a, b) = (new_request_id(), new_request_id());
        assert!(well_formed_request_id(a.as_bytes()));
        assert_ne!(a, b);
    }
}
