//! Logs: one `request` span per request with method, route, status, latency and request id, in
//! the JSON format the native host writes with `--log-format json`, and no secrets in any line.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, STAFF_EMAIL, STAFF_PASSWORD};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;
use vitrina_edge::telemetry::{self, LogFormat};

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

impl Captured {
    /// Everything written so far, emptying the buffer.
    fn take(&self) -> String {
        String::from_utf8(std::mem::take(&mut *self.0.lock().expect("log buffer"))).expect("utf-8 logs")
    }
}

/// The `finished` event of the one request logged in `text`: its span's fields.
fn finished_span(text: &str) -> Value {
    let finished: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .filter(|v| v["fields"]["message"] == "finished")
        .collect();
    assert_eq!(finished.len(), 1, "one finished event per request:\n{text}");
    finished[0]["span"].clone()
}

#[tokio::test]
async fn a_sign_in_is_logged_with_method_route_status_and_request_id_but_no_password_cookie_or_session_id() {
    let logs = Captured::default();
    let _guard = tracing::subscriber::set_default(telemetry::subscriber(LogFormat::Json, EnvFilter::new("info"), false, logs.clone()));
    let app = TestApp::new().await;
    let device = app.device();

    let (status, headers, body) =
        device.call(Method::POST, "/api/auth/login", Some(json!({"email": STAFF_EMAIL, "password": STAFF_PASSWORD})), &[]).await;
    assert_eq!(status, StatusCode::OK, "sign-in: {body}");
    let sign_in = logs.take();
    let cookie = device.cookie.lock().expect("cookie").clone().expect("a session cookie");
    let cookie_value = cookie.split_once('=').expect("name=value").1.to_owned();
    let session_id = device.session_id();
    assert!(!session_id.is_empty());

    let span = finished_span(&sign_in);
    assert_eq!(span["name"], "request");
    assert_eq!(span["method"], "POST");
    assert_eq!(span["route"], "/api/auth/login");
    assert_eq!(span["status"], 200);
    assert!(span["latency_ms"].is_number(), "latency: {span}");
    let generated = headers.get("x-request-id").and_then(|v| v.to_str().ok()).expect("X-Request-Id echoed");
    assert_eq!(span["request_id"], generated);

    // The next request carries the cookie and the client's own request id.
    let (status, headers, _) = device.call(Method::GET, "/api/me", None, &[("x-request-id", "shopper-req-42")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("x-request-id").and_then(|v| v.to_str().ok()), Some("shopper-req-42"));
    let with_cookie = logs.take();
    let span = finished_span(&with_cookie);
    assert_eq!((&span["method"], &span["route"], &span["status"]), (&json!("GET"), &json!("/api/me"), &json!(200)));
    assert_eq!(span["request_id"], "shopper-req-42");

    for (what, secret) in [("password", STAFF_PASSWORD), ("cookie value", cookie_value.as_str()), ("session id", session_id.as_str())] {
        assert!(!sign_in.contains(secret) && !with_cookie.contains(secret), "the {what} is in the logs:\n{sign_in}{with_cookie}");
    }
}

#[tokio::test]
async fn a_malformed_client_request_id_is_replaced_and_an_unknown_path_logs_the_fallback_route() {
    let logs = Captured::default();
    let _guard = tracing::subscriber::set_default(telemetry::subscriber(LogFormat::Json, EnvFilter::new("info"), false, logs.clone()));
    let app = TestApp::new().await;
    let (status, headers, _) =
        app.device().call(Method::GET, "/api/products?q=secret-search", None, &[("x-request-id", "has space")]).await;
    assert_eq!(status, StatusCode::OK);
    let echoed = headers.get("x-request-id").and_then(|v| v.to_str().ok()).expect("X-Request-Id");
    assert_ne!(echoed, "has space");
    assert!(telemetry::well_formed_request_id(echoed.as_bytes()));
    let text = logs.take();
    assert_eq!(finished_span(&text)["route"], "/api/products");
    assert!(!text.contains("secret-search"), "the query string is not logged:\n{text}");

    let (status, _, _) = app.device().call(Method::GET, "/no-such-page", None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(finished_span(&logs.take())["route"], "(fallback)");
}
