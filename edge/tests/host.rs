//! The `vitrina` binary as a user runs it: help, bad arguments, and a first start that creates,
//! migrates and seeds the database and serves the API.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_vitrina");

/// Kills the host when the test ends, pass or fail.
struct Running(Child);
impl Drop for Running {
    fn drop(&mut self) {
        if let Err(e) = self.0.kill() {
            eprintln!("stopping vitrina: {e}");
        }
        let _ = self.0.wait();
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[test]
fn help_lists_the_options() {
    let out = Command::new(BIN).arg("--help").output().expect("run vitrina --help");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for option in ["--listen", "--data", "--site", "127.0.0.1:3000", ".vitrina", "VITRINA_STAFF_PASSWORD"] {
        assert!(text.contains(option), "help mentions {option}");
    }
}

#[test]
fn an_unknown_argument_is_refused_with_exit_code_2() {
    let out = Command::new(BIN).arg("--frobnicate").output().expect("run vitrina");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--frobnicate"));
}

#[test]
fn first_start_creates_and_seeds_the_database_and_serves_the_api() {
    let data = tempfile::tempdir().expect("data dir");
    let child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(data.path())
        .args(["--site", "/nonexistent-site"])
        .env_remove("VITRINA_STAFF_PASSWORD")
        .env_remove("VITRINA_SESSION_KEY")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start vitrina");
    let mut host = Running(child);
    let stderr = host.0.stderr.take().expect("stderr");
    // The host prints "serving http://ADDR" once the database is ready and the port is bound.
    let addr = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.split("serving http://").nth(1).and_then(|rest| rest.split_whitespace().next()).map(str::to_owned))
        .expect("the host reports its address");
    let health = http_get(&addr, "/api/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"products\":312"), "{health}");
    assert!(data.path().join("vitrina.db").is_file());
    let password = std::fs::read_to_string(data.path().join("staff-password")).expect("a generated staff password");
    assert!(password.len() >= 16);
    assert!(data.path().join("session-key").is_file());
    // Without a built app the API and the server-rendered pages work, and the apps' routes say how
    // to build them.
    let product = http_get(&addr, "/p/PHN-0001");
    assert!(product.starts_with("HTTP/1.1 200") && product.contains("data-testid=\"product-name\""), "{product}");
    let shell = http_get(&addr, "/cart");
    assert!(shell.starts_with("HTTP/1.1 503") && shell.contains("cargo xtask build"), "{shell}");
    drop(host);
}

/// Status, headers (lower-case names) and body of an answer.
type Answer = (u16, Vec<(String, String)>, String);

/// One HTTP/1.1 exchange on a fresh connection.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    head.push_str(body.unwrap_or(""));
    stream.write_all(head.as_bytes())?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw)?;
    let (top, body) = raw.split_once("\r\n\r\n").ok_or_else(|| std::io::Error::other("no header end"))?;
    let mut lines = top.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let headers = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned())).collect();
    Ok((status, headers, body.to_owned()))
}

fn cookie_of(headers: &[(String, String)]) -> Option<String> {
    headers.iter().find(|(k, _)| k == "set-cookie").map(|(_, v)| v.split(';').next().unwrap_or("").to_owned())
}

fn start(data: &std::path::Path) -> (Running, String) {
    start_with(data, &[])
}

fn start_with(data: &std::path::Path, env: &[(&str, &str)]) -> (Running, String) {
    let child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .args(["--site", "/nonexistent-site"])
        .env("VITRINA_STAFF_PASSWORD", "kill-test-staff-password")
        .env_remove("VITRINA_STAFF_EMAIL")
        .env_remove("VITRINA_TEST_CRASH_AT")
        .envs(env.iter().copied())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start vitrina");
    let mut host = Running(child);
    let stderr = host.0.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.split("serving http://").nth(1).and_then(|rest| rest.split_whitespace().next()).map(str::to_owned))
        .expect("the host reports its address");
    // Keep draining stderr so the host never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (host, addr)
}

fn staff_cookie(addr: &str) -> String {
    let body = r#"{"email": "staff@vitrina.local", "password": "kill-test-staff-password"}"#;
    let (status, headers, text) = http(addr, "POST", "/api/auth/login", &[], Some(body)).expect("login");
    assert_eq!(status, 200, "{text}");
    cookie_of(&headers).expect("staff cookie")
}

fn available(addr: &str, sku: &str, store: &str) -> i64 {
    let (_, _, body) = http(addr, "GET", &format!("/api/availability/{sku}"), &[], None).expect("availability");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    v["stores"].as_array().expect("stores").iter().find(|s| s["store_id"] == store).and_then(|s| s["available"].as_i64()).expect("store")
}

#[test]
fn orders_acknowledged_before_a_sigkill_survive_the_restart_and_stock_adds_up() {
    const SKU: &str = "AUD-0001";
    const STORE: &str = "msk-tverskaya";
    const INITIAL: i64 = 500;
    let data = tempfile::tempdir().expect("data dir");
    let (mut host, addr) = start(data.path());
    let staff = staff_cookie(&addr);
    let stock = format!(r#"{{"items": [{{"sku": "{SKU}", "on_hand": {INITIAL}}}]}}"#);
    let (status, _, text) = http(&addr, "PUT", &format!("/api/stores/{STORE}/stock"), &[("Cookie", &staff)], Some(&stock)).expect("stock");
    assert_eq!(status, 200, "{text}");

    // A burst of shoppers, each putting one unit in a cart and ordering it for pickup.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..6)
        .map(|w| {
            let addr = addr.clone();
            let acknowledged = acknowledged.clone();
            std::thread::spawn(move || {
                for i in 0.. {
                    let Ok((200, headers, _)) = http(&addr, "PUT", &format!("/api/cart/items/{SKU}"), &[], Some(r#"{"qty": 1}"#)) else {
                        return;
                    };
                    let Some(cookie) = cookie_of(&headers) else { return };
                    let order = format!(
                        r#"{{"fulfilment": {{"type": "pickup", "store": "{STORE}"}}, "payment": {{"method": "pay_on_pickup"}},
                            "contact": {{"name": "Покупатель {w}-{i}", "phone": "+79120000000"}}}}"#
                    );
                    let key = format!("kill-{w}-{i}");
                    match http(&addr, "POST", "/api/orders", &[("Cookie", &cookie), ("Idempotency-Key", &key)], Some(&order)) {
                        Ok((201, _, body)) => {
                            let v: serde_json::Value = serde_json::from_str(&body).expect("order json");
                            acknowledged.lock().expect("lock").push(v["id"].as_str().expect("id").to_owned());
                        }
                        Ok((status, _, body)) => panic!("unexpected {status}: {body}"),
                        Err(_) => return, // the host is gone
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().expect("lock").len() < 40 {
        std::thread::yield_now();
    }
    host.0.kill().expect("SIGKILL the host mid-burst");
    let _ = host.0.wait();
    for w in workers {
        w.join().expect("worker");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();

    let (_host, addr) = start(data.path());
    let staff = staff_cookie(&addr);
    for id in &acknowledged {
        let (status, _, body) = http(&addr, "GET", &format!("/api/orders/{id}"), &[("Cookie", &staff)], None).expect("order");
        assert_eq!(status, 200, "acknowledged order {id} is there after the restart: {body}");
    }
    let (_, _, body) = http(&addr, "GET", &format!("/api/stores/{STORE}/pickups"), &[("Cookie", &staff)], None).expect("pickups");
    let held: i64 = serde_json::from_str::<serde_json::Value>(&body).expect("json").as_array().expect("orders").len() as i64;
    assert!(held >= acknowledged.len() as i64, "orders that committed without an answer may exist too, never fewer");
    assert_eq!(available(&addr, SKU, STORE) + held, INITIAL, "available + held = on hand at the start");
}

/// Approved provider charges and approved payment rows in the host's database (read after it stopped).
fn charges_and_payments(data: &std::path::Path) -> (i64, i64) {
    use vitrina_edge::ports::{Sql, Value};
    let store = vitrina_edge::native::SqliteStore::open(&data.join("vitrina.db")).expect("open the host's database");
    let count = |sql: &'static str| {
        let rows = futures_lite_block_on(store.query(sql, vec![])).expect("count");
        match rows.first().and_then(|r| r.0.first()) {
            Some(Value::Integer(n)) => *n,
            other => panic!("{sql}: {other:?}"),
        }
    };
    (
        count("SELECT COUNT(*) FROM test_provider_charges WHERE approved = 1"),
        count("SELECT COUNT(*) FROM payments WHERE status = 'approved'"),
    )
}

/// The native store answers without awaiting anything; a current-thread runtime drives it.
fn futures_lite_block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(f)
}

/// Kills the host at `point` of a card checkout, restarts it on the same data and retries with
/// the same key: the retry gets the placed order and the shopper is charged exactly once.
fn crash_then_retry(point: &str) {
    let data = tempfile::tempdir().expect("data dir");
    let (mut host, addr) = start_with(data.path(), &[("VITRINA_TEST_CRASH_AT", point)]);
    let (status, headers, text) = http(&addr, "PUT", "/api/cart/items/PHN-0001", &[], Some(r#"{"qty": 1}"#)).expect("cart");
    assert_eq!(status, 200, "{text}");
    let cookie = cookie_of(&headers).expect("guest cookie");
    let order = r#"{"fulfilment": {"type": "pickup", "store": "msk-tverskaya"},
                    "payment": {"method": "test_card", "card_number": "4242 4242 4242 4242"},
                    "contact": {"name": "Анна", "phone": "+79120000000"}}"#;
    let request = [("Cookie", cookie.as_str()), ("Idempotency-Key", "crash-key-1")];
    let answer = http(&addr, "POST", "/api/orders", &request, Some(order));
    assert!(answer.is_err() || answer.as_ref().is_ok_and(|a| a.0 == 0), "the host died mid-checkout: {answer:?}");
    let exit = host.0.wait().expect("wait for the crashed host");
    assert!(!exit.success(), "the host aborted at {point}");

    let (host, addr) = start(data.path());
    let (status, headers, body) = http(&addr, "POST", "/api/orders", &request, Some(order)).expect("retry");
    assert_eq!(status, 201, "the retry with the same key completes the checkout: {body}");
    assert!(headers.iter().any(|(k, v)| k == "idempotent-replayed" && v == "true"));
    let v: serde_json::Value = serde_json::from_str(&body).expect("order json");
    assert_eq!(v["status"], "placed", "{body}");
    let (status, _, body) = http(&addr, "POST", "/api/orders", &request, Some(order)).expect("second retry");
    assert_eq!(status, 201, "{body}");
    drop(host);
    assert_eq!(charges_and_payments(data.path()), (1, 1), "charged exactly once");
}

// Bug: a kill -9 between "order written" and "payment answered" left the order pending forever
// and the same key answered 409 request_in_progress for 48 hours.
#[test]
fn a_checkout_killed_after_its_order_was_written_is_completed_by_the_retry_after_a_restart() {
    crash_then_retry("order_written");
}

#[test]
fn a_checkout_killed_after_the_provider_charged_is_completed_by_the_retry_without_a_second_charge() {
    crash_then_retry("charged");
}
