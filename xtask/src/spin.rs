//! The edge on real Spin: `spin up` of the repository's own `spin.toml` and black-box API
//! scenarios over HTTP against it (`cargo xtask spin`, and a step of `cargo xtask test`).
//!
//! The scenarios are the few that cross every port the Spin adapter implements
//! (`edge/src/spin.rs`): key-value (the schema marker every request reads; cart pricing reads the rule
//! book's version), SQLite reads (catalog, availability), SQLite writes through the session cookie
//! (cart continuity, sign-in), guarded batches under contention (the last units, idempotent
//! checkout), the test payment provider, variables (the bootstrap staff account, the session key)
//! and the middleware every answer passes through (security headers, push refusal).
//! The rest of the API is the same Router code that the native API tests and the contract runs
//! cover; what differs on Spin is only the adapter under it.

use crate::{root, step, target, Result, STAFF};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the shared tools sit, relative to the repository root.
const SPIN_XZ: &str = "../shared/tools/spin.xz";
/// The store and product the scenarios use (seeded demo data).
const STORE: &str = "msk-tverskaya";
const SKU: &str = "PHN-0001";
/// The product the concurrency scenario sells out; no other scenario touches it.
const RACE_SKU: &str = "PHN-0002";
/// Shoppers who try to buy the last 3 units at once.
const RACERS: usize = 30;
const LAST_UNITS: i64 = 3;
/// Test-only values for the component's required secret variables.
const SESSION_KEY: &str = "spin-conformance-session-key-0123456789abcdef";
const MARKETER_PASSWORD: &str = "spin-conformance-marketer-password";

/// Where a Spin CLI was found, or why none was.
enum Found {
    Spin(PathBuf, &'static str),
    Missing(String),
}

/// Spin in the order the tools README asks for: `VITRINA_SPIN`, `spin` on `PATH`, then
/// `../shared/tools/spin.xz` unpacked into `<target>/tools/spin`.
fn find_spin() -> Result<Found> {
    if let Some(path) = std::env::var_os("VITRINA_SPIN") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(format!("VITRINA_SPIN names {}, which is not a file", path.display()));
        }
        return Ok(Found::Spin(path, "VITRINA_SPIN"));
    }
    if let Some(path) = std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join("spin")).find(|f| f.is_file())) {
        return Ok(Found::Spin(path, "PATH"));
    }
    // `VITRINA_SPIN_XZ` names the packed CLI when the checkout does not sit beside `shared/`.
    let packed = std::env::var_os("VITRINA_SPIN_XZ").map_or_else(|| root().join(SPIN_XZ), PathBuf::from);
    if !packed.is_file() {
        return Ok(Found::Missing(format!("VITRINA_SPIN is not set, no `spin` on PATH and no {}", packed.display())));
    }
    let unpacked = target().join("tools/spin");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = std::fs::metadata(&unpacked).is_ok_and(|m| m.len() > 0) && modified(&unpacked) >= modified(&packed);
    if fresh {
        return Ok(Found::Spin(unpacked, "the unpacked ../shared/tools/spin.xz"));
    }
    eprintln!("    unpacking {} into {}", packed.display(), unpacked.display());
    let dir = target().join("tools");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let partial = dir.join("spin.partial");
    let file = std::fs::File::create(&partial).map_err(|e| format!("creating {}: {e}", partial.display()))?;
    let status = Command::new("xz").arg("-dc").arg(&packed).stdout(file).status().map_err(|e| format!("cannot start xz: {e}"))?;
    if !status.success() {
        return Err(format!("`xz -dc {}` failed ({status})", packed.display()));
    }
    let chmod = Command::new("chmod").arg("+x").arg(&partial).status().map_err(|e| format!("cannot start chmod: {e}"))?;
    if !chmod.success() {
        return Err(format!("`chmod +x {}` failed ({chmod})", partial.display()));
    }
    std::fs::rename(&partial, &unpacked).map_err(|e| format!("moving {} into place: {e}", partial.display()))?;
    Ok(Found::Spin(unpacked, "../shared/tools/spin.xz, unpacked"))
}

/// `spin up` in the repository root on a free port with a fresh state directory; the process
/// group is killed on drop, pass or fail. The state directory (and Spin's log in it) is kept
/// when a scenario failed.
struct SpinUp {
    child: Child,
    url: String,
    state: PathBuf,
    /// The manifest it was started from (the repository's or the copy in `state`): a restart uses
    /// the same one.
    manifest: PathBuf,
    log: PathBuf,
    passed: bool,
}

/// The repository's own `spin.toml`; when cargo builds into another directory (`CARGO_TARGET_DIR`),
/// a copy of it in `state`, whose `target/` paths reach that directory through a link.
fn manifest_for_target(state: &Path) -> Result<PathBuf> {
    let own = root().join("spin.toml");
    if target() == root().join("target") {
        return Ok(own);
    }
    // Spin maps files only from inside the application directory: the copy sits in `state` beside a
    // `target` link to the real target directory, so its relative paths resolve unchanged.
    let copy = state.join("spin.toml");
    std::fs::copy(&own, &copy).map_err(|e| format!("copying {} to {}: {e}", own.display(), copy.display()))?;
    std::os::unix::fs::symlink(target(), state.join("target")).map_err(|e| format!("linking {}: {e}", state.display()))?;
    Ok(copy)
}

impl SpinUp {
    fn start(spin: &Path) -> Result<SpinUp> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("finding a free port: {e}"))?
            .port();
        let state = target().join(format!("spin-conformance-{port}"));
        if state.exists() {
            std::fs::remove_dir_all(&state).map_err(|e| format!("clearing {}: {e}", state.display()))?;
        }
        std::fs::create_dir_all(&state).map_err(|e| format!("creating {}: {e}", state.display()))?;
        let manifest = manifest_for_target(&state)?;
        SpinUp::launch(spin, port, state, &manifest)
    }

    /// `spin up` of `manifest` on `port` with `state` as its state directory (kept as it is).
    fn launch(spin: &Path, port: u16, state: PathBuf, manifest: &Path) -> Result<SpinUp> {
        let log = state.join("spin-up.log");
        let out =
            std::fs::OpenOptions::new().create(true).append(true).open(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
        let listen = format!("127.0.0.1:{port}");
        eprintln!("    $ {} up --from {} --listen {listen} --state-dir {}", spin.display(), manifest.display(), state.display());
        use std::os::unix::process::CommandExt;
        let child = Command::new(spin)
            .arg("up")
            .arg("--from")
            .arg(manifest)
            .args(["--listen", &listen, "--state-dir"])
            .arg(&state)
            .current_dir(root())
            .env("SPIN_VARIABLE_SESSION_KEY", SESSION_KEY)
            .env("SPIN_VARIABLE_STAFF_EMAIL", STAFF.email)
            .env("SPIN_VARIABLE_STAFF_PASSWORD", STAFF.password)
            .env("SPIN_VARIABLE_MARKETER_PASSWORD", MARKETER_PASSWORD)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", spin.display()))?;
        Ok(SpinUp { child, url: format!("http://{listen}"), state, manifest: manifest.to_path_buf(), log, passed: false })
    }

    /// Stops this `spin up`, replaces its SQLite database with nothing (as a restore or a move to
    /// another database would) while its key-value store stays, and starts it again on the same
    /// port and state: the database, not a marker in key-value, must say it needs migrating.
    fn restart_with_a_fresh_database(mut self, spin: &Path) -> Result<SpinUp> {
        self.stop();
        let mut removed = Vec::new();
        let mut kept = Vec::new();
        for entry in std::fs::read_dir(&self.state).map_err(|e| format!("reading {}: {e}", self.state.display()))?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("sqlite_db") {
                std::fs::remove_file(entry.path()).map_err(|e| format!("removing {name}: {e}"))?;
                removed.push(name);
            } else {
                kept.push(name);
            }
        }
        if removed.is_empty() || !kept.iter().any(|n| n.starts_with("sqlite_key_value")) {
            return Err(format!("expected Spin's sqlite_db.db and sqlite_key_value.db in {}; found {kept:?}", self.state.display()));
        }
        let port = self.url.rsplit(':').next().and_then(|p| p.parse().ok()).ok_or("no port in the URL")?;
        let manifest = self.manifest.clone();
        let state = self.state.clone();
        // Stopped already, and its state goes on: nothing for `Drop` to do.
        let _stopped = std::mem::ManuallyDrop::new(self);
        SpinUp::launch(spin, port, state, &manifest)
    }

    /// Kills `spin up` (its whole process group) and waits for it.
    fn stop(&mut self) {
        // `spin up` runs the component in-process, but kill its whole group in case it forks.
        let group = format!("-{}", self.child.id());
        match Command::new("kill").args(["-KILL", "--", &group]).status() {
            Ok(s) if s.success() => {}
            _ => {
                if let Err(e) = self.child.kill() {
                    eprintln!("xtask: stopping spin up: {e}");
                }
            }
        }
        let _ = self.child.wait();
    }

    /// Polls `/api/health` until it answers 200 (the first request migrates and seeds).
    fn wait_healthy(&mut self, client: &Client) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut last = String::from("no answer yet");
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("spin up exited ({status}) before /api/health answered{}", self.log_tail()));
            }
            match client.get("/api/health", None) {
                Ok(a) if a.status == 200 => return Ok(()),
                Ok(a) => last = format!("{} {}", a.status, a.body),
                Err(e) => last = e,
            }
            std::thread::park_timeout(Duration::from_millis(100));
        }
        Err(format!("/api/health did not answer 200 within 60 s (last: {last}){}", self.log_tail()))
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(30)..].join("\n");
        format!("\n--- last lines of {} ---\n{tail}", self.log.display())
    }
}

impl Drop for SpinUp {
    fn drop(&mut self) {
        self.stop();
        if self.passed {
            let _ = std::fs::remove_dir_all(&self.state);
        } else {
            eprintln!("    kept Spin's state and log for inspection: {}", self.state.display());
        }
    }
}

/// Status, headers (lower-case names) and body of an answer.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Result<Value> {
        serde_json::from_str(&self.body).map_err(|e| format!("answer is not JSON ({e}): {}", self.body))
    }

    /// The `name=value` part of the session cookie the answer sets, if any.
    fn cookie(&self) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .filter_map(|(_, v)| v.split(';').next())
            .find(|c| c.contains("vitrina_session="))
            .map(str::to_owned)
    }

    /// Fails unless the status is `want`, with the body in the message.
    fn expect(self, what: &str, want: u16) -> Result<Answer> {
        if self.status == want {
            Ok(self)
        } else {
            Err(format!("{what}: expected {want}, got {} {}", self.status, self.body))
        }
    }
}

/// A plain HTTP/1.1 client (ureq) that reports 4xx/5xx as answers, not errors.
#[derive(Clone)]
struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    fn new(base: &str) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .max_redirects(0)
            .build();
        Client { agent: ureq::Agent::new_with_config(config), base: base.to_owned() }
    }

    fn call(&self, method: &str, path: &str, cookie: Option<&str>, extra: &[(&str, &str)], body: Option<&Value>) -> Result<Answer> {
        let what = format!("{method} {path}");
        let mut request = ureq::http::Request::builder().method(method).uri(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        for (k, v) in extra {
            request = request.header(*k, *v);
        }
        let sent = match body {
            Some(b) => {
                let request = request.header("content-type", "application/json").body(b.to_string()).map_err(|e| format!("{what}: {e}"))?;
                self.agent.run(request)
            }
            None => self.agent.run(request.body(()).map_err(|e| format!("{what}: {e}"))?),
        };
        let mut response = sent.map_err(|e| format!("{what}: {e}"))?;
        let headers =
            response.headers().iter().map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().map_err(|e| format!("{what}: reading the body: {e}"))?;
        Ok(Answer { status, headers, body })
    }

    fn get(&self, path: &str, cookie: Option<&str>) -> Result<Answer> {
        self.call("GET", path, cookie, &[], None)
    }

    /// Sets `qty` of `sku` in the cart of `cookie` (a new guest session if `None`); the cookie
    /// to use from now on.
    fn put_in_cart(&self, cookie: Option<&str>, sku: &str, qty: i64) -> Result<String> {
        let answer = self.call("PUT", &format!("/api/cart/items/{sku}"), cookie, &[], Some(&json!({"qty": qty})))?;
        let answer = answer.expect(&format!("PUT /api/cart/items/{sku}"), 200)?;
        match (answer.cookie(), cookie) {
            (Some(new), _) => Ok(new),
            (None, Some(old)) => Ok(old.to_owned()),
            (None, None) => Err(format!("PUT /api/cart/items/{sku} as a new guest set no session cookie")),
        }
    }

    fn sign_in_staff(&self) -> Result<String> {
        let body = json!({"email": STAFF.email, "password": STAFF.password});
        let answer = self.call("POST", "/api/auth/login", None, &[], Some(&body))?.expect("staff sign-in", 200)?;
        answer.cookie().ok_or_else(|| "staff sign-in set no session cookie".to_owned())
    }

    fn set_stock(&self, staff: &str, store: &str, sku: &str, on_hand: i64) -> Result<()> {
        let body = json!({"items": [{"sku": sku, "on_hand": on_hand}]});
        self.call("PUT", &format!("/api/stores/{store}/stock"), Some(staff), &[], Some(&body))?
            .expect(&format!("staff setting {sku} at {store} to {on_hand}"), 200)
            .map(drop)
    }

    fn available(&self, sku: &str, store: &str) -> Result<i64> {
        let v = self.get(&format!("/api/availability/{sku}"), None)?.expect(&format!("GET /api/availability/{sku}"), 200)?.json()?;
        v["stores"]
            .as_array()
            .and_then(|stores| stores.iter().find(|s| s["store_id"] == store))
            .and_then(|s| s["available"].as_i64())
            .ok_or_else(|| format!("availability of {sku} names no {store}: {v}"))
    }

    fn checkout(&self, cookie: &str, key: &str, body: &Value) -> Result<Answer> {
        self.call("POST", "/api/orders", Some(cookie), &[("idempotency-key", key)], Some(body))
    }
}

/// A pickup order paid at the store.
fn pickup(store: &str) -> Value {
    json!({
        "fulfilment": {"type": "pickup", "store": store},
        "payment": {"method": "pay_on_pickup"},
        "contact": {"name": "Анна Петрова", "phone": "+7 912 345-67-89", "email": "anna@example.ru"}
    })
}

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(what())
    }
}

/// SQLite reads through Spin's adapter: the seeded catalog, search and a product page.
fn health_and_catalog(c: &Client) -> Result<()> {
    let health = c.get("/api/health", None)?.expect("GET /api/health", 200)?.json()?;
    ensure(health["products"].as_u64().is_some_and(|n| n > 0), || format!("health counts no products: {health}"))?;
    let search = c.get("/api/products?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D0%BE%D0%BD", None)?.expect("search", 200)?.json()?;
    ensure(search["items"].as_array().is_some_and(|i| !i.is_empty()), || format!("searching \"смартфон\" found nothing: {search}"))?;
    let product = c.get(&format!("/api/products/{SKU}"), None)?.expect("product page", 200)?.json()?;
    ensure(product["sku"] == SKU && product["price"].is_object(), || format!("product {SKU}: {product}"))?;
    c.get("/api/products/NOPE-9999", None)?.expect("an unknown product", 404).map(drop)
}

/// The component renders the same public pages as the native host: a product's name, price,
/// availability and JSON-LD in the first response, cacheable; English under /en/; 404 for an
/// unknown product; robots.txt and sitemap.xml; the islands bundle linked from the page.
fn server_rendered_pages(c: &Client) -> Result<()> {
    let product = c.get(&format!("/p/{SKU}"), None)?.expect("a product page", 200)?;
    for needle in [
        "data-testid=\"product-name\"",
        "data-testid=\"product-price\"",
        "data-testid=\"availability-headline\"",
        "\"@type\":\"Product\"",
        "\"priceCurrency\":\"RUB\"",
        "data-island=\"add-to-cart\"",
        "data-wasm=\"/pkg/vitrina_islands-",
    ] {
        ensure(product.body.contains(needle), || format!("GET /p/{SKU} lacks {needle}: {}", &product.body[..product.body.len().min(400)]))?;
    }
    let cache = product.header("cache-control").unwrap_or("");
    ensure(cache.starts_with("public"), || format!("GET /p/{SKU}: cache-control {cache:?}"))?;
    ensure(product.header("etag").is_some(), || format!("GET /p/{SKU}: no etag"))?;
    let english = c.get(&format!("/en/p/{SKU}"), None)?.expect("the English product page", 200)?;
    ensure(english.body.contains("<html lang=\"en\""), || "GET /en/p/…: not in English".to_owned())?;
    c.get("/p/NOPE-9999", None)?.expect("an unknown product page", 404)?;
    let robots = c.get("/robots.txt", None)?.expect("robots.txt", 200)?;
    ensure(robots.body.contains("Disallow: /api/"), || format!("robots.txt: {}", robots.body))?;
    let sitemap = c.get("/sitemap.xml", None)?.expect("sitemap.xml", 200)?;
    ensure(sitemap.body.contains(&format!("/p/{SKU}</loc>")), || "sitemap.xml lacks the product".to_owned())
}

/// Every answer carries the hardening headers (one middleware on Spin as natively).
fn security_headers(c: &Client) -> Result<()> {
    for path in ["/api/health", "/"] {
        let answer = c.get(path, None)?.expect(&format!("GET {path}"), 200)?;
        for (name, want) in
            [("x-content-type-options", "nosniff"), ("x-frame-options", "DENY"), ("referrer-policy", "strict-origin-when-cross-origin")]
        {
            ensure(answer.header(name) == Some(want), || format!("GET {path}: {name} is {:?}, not {want:?}", answer.header(name)))?;
        }
        let csp = answer.header("content-security-policy").unwrap_or("");
        ensure(csp.contains("frame-ancestors 'none'"), || format!("GET {path}: content-security-policy {csp:?}"))?;
        ensure(answer.header("permissions-policy").is_some(), || format!("GET {path}: no permissions-policy"))?;
        ensure(answer.header("x-request-id").is_some(), || format!("GET {path}: no x-request-id"))?;
    }
    Ok(())
}

/// Stock per store, ordered, with the store the scenarios use in it.
fn availability(c: &Client) -> Result<()> {
    let v = c.get(&format!("/api/availability/{SKU}"), None)?.expect("availability", 200)?.json()?;
    let stores = v["stores"].as_array().ok_or_else(|| format!("availability has no stores: {v}"))?;
    ensure(stores.iter().all(|s| s["available"].as_i64().is_some()), || format!("a store without a count: {v}"))?;
    c.available(SKU, STORE).map(drop)
}

/// A guest's cart lives in the session the cookie names (plain `vitrina_session` over http; the
/// `__Host-` name is only for https), and only there.
fn cart_session_continuity(c: &Client) -> Result<()> {
    let answer = c.call("PUT", &format!("/api/cart/items/{SKU}"), None, &[], Some(&json!({"qty": 2})))?.expect("first cart line", 200)?;
    let cookie = answer.cookie().ok_or("a new guest got no session cookie")?;
    ensure(cookie.starts_with("vitrina_session="), || format!("over http the cookie is vitrina_session, got {cookie}"))?;
    let cart = c.get("/api/cart", Some(&cookie))?.expect("GET /api/cart with the cookie", 200)?.json()?;
    let lines = cart["lines"].as_array().cloned().unwrap_or_default();
    ensure(lines.len() == 1 && lines[0]["sku"] == SKU && lines[0]["qty"] == 2, || format!("the cart lost its line: {cart}"))?;
    let stranger = c.get("/api/cart", None)?.expect("GET /api/cart without a cookie", 200)?.json()?;
    ensure(stranger["lines"].as_array().is_some_and(Vec::is_empty), || format!("another visitor sees a cart: {stranger}"))
}

/// The bootstrap staff account from Spin variables signs in and changes stock; a guest cannot.
fn staff_sign_in_and_stock_update(c: &Client) -> Result<()> {
    let guest = c.put_in_cart(None, SKU, 1)?;
    let refused =
        c.call("PUT", &format!("/api/stores/{STORE}/stock"), Some(&guest), &[], Some(&json!({"items": [{"sku": SKU, "on_hand": 1}]})))?;
    ensure(matches!(refused.status, 401 | 403), || format!("a guest changed stock: {} {}", refused.status, refused.body))?;
    let staff = c.sign_in_staff()?;
    c.set_stock(&staff, STORE, SKU, 20)?;
    // No checkout has held a unit yet, so all 20 are available.
    let after = c.available(SKU, STORE)?;
    ensure(after == 20, || format!("stock set to 20, available now {after}"))
}

/// Checkout with an `Idempotency-Key`: the order is placed, units are held, and the same key
/// replays the first answer instead of ordering again.
fn checkout_with_idempotency(c: &Client) -> Result<()> {
    let staff = c.sign_in_staff()?;
    c.set_stock(&staff, STORE, SKU, 10)?;
    let cookie = c.put_in_cart(None, SKU, 1)?;
    let first = c.checkout(&cookie, "spin-idem-1", &pickup(STORE))?.expect("checkout", 201)?;
    let order = first.json()?;
    ensure(order["status"] == "placed", || format!("the order is not placed: {order}"))?;
    ensure(c.available(SKU, STORE)? == 9, || "the order holds no unit at the store".to_owned())?;
    let again = c.checkout(&cookie, "spin-idem-1", &pickup(STORE))?.expect("the same checkout again", 201)?;
    ensure(again.header("idempotent-replayed") == Some("true"), || {
        format!("no Idempotent-Replayed: true on the replay: {:?}", again.headers)
    })?;
    ensure(again.json()? == order, || format!("the replay differs: {} vs {order}", again.body))?;
    let orders = c.get("/api/orders", Some(&cookie))?.expect("GET /api/orders", 200)?.json()?;
    ensure(orders.as_array().map(Vec::len) == Some(1), || format!("the replay ordered again: {orders}"))?;
    ensure(c.available(SKU, STORE)? == 9, || "the replay held another unit".to_owned())
}

/// The clearly labelled test provider takes the test card and the order is paid.
fn card_checkout(c: &Client) -> Result<()> {
    let staff = c.sign_in_staff()?;
    c.set_stock(&staff, STORE, SKU, 10)?;
    let cookie = c.put_in_cart(None, SKU, 1)?;
    let mut body = pickup(STORE);
    body["payment"] = json!({"method": "test_card", "card_number": "4242 4242 4242 4242"});
    let paid = c.checkout(&cookie, "spin-card-1", &body)?.expect("card checkout", 201)?.json()?;
    ensure(paid["status"] == "placed" && paid["payment"]["status"] == "paid", || format!("the card order is not placed and paid: {paid}"))?;
    ensure(paid["payment"]["card_last4"] == "4242", || format!("card_last4: {paid}"))
}

/// 30 shoppers, each with their own guest session and cart, check out the last 3 units at one
/// store at once: exactly 3 orders, the rest refused with `insufficient_stock`, nothing oversold.
fn last_units_under_concurrency(c: &Client) -> Result<()> {
    let staff = c.sign_in_staff()?;
    c.set_stock(&staff, STORE, RACE_SKU, LAST_UNITS)?;
    ensure(c.available(RACE_SKU, STORE)? == LAST_UNITS, || format!("{RACE_SKU} at {STORE} is not down to {LAST_UNITS}"))?;
    let mut cookies = Vec::with_capacity(RACERS);
    for _ in 0..RACERS {
        cookies.push(c.put_in_cart(None, RACE_SKU, 1)?);
    }
    let body = pickup(STORE);
    let results: Vec<Result<(u16, Value)>> = std::thread::scope(|s| {
        let handles: Vec<_> = cookies
            .iter()
            .enumerate()
            .map(|(i, cookie)| {
                let (c, body) = (c.clone(), &body);
                s.spawn(move || {
                    let a = c.checkout(cookie, &format!("spin-race-{i}"), body)?;
                    Ok((a.status, serde_json::from_str(&a.body).unwrap_or(Value::Null)))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a checkout thread panicked".into()))).collect()
    });
    let results = results.into_iter().collect::<Result<Vec<_>>>()?;
    let statuses: Vec<u16> = results.iter().map(|(s, _)| *s).collect();
    let created = statuses.iter().filter(|s| **s == 201).count();
    let refused = results.iter().filter(|(s, b)| *s == 409 && b["error"]["code"] == "insufficient_stock").count();
    ensure(created == LAST_UNITS as usize && refused == RACERS - created, || {
        format!("{created} orders and {refused} insufficient_stock refusals for {LAST_UNITS} units; statuses {statuses:?}")
    })?;
    let left = c.available(RACE_SKU, STORE)?;
    ensure(left == 0, || format!("after the race {left} units show as available"))
}

/// A subscription whose endpoint is not a push service is refused and nothing is stored.
fn push_subscription_refused_for_a_non_push_host(c: &Client) -> Result<()> {
    // The P-256 generator point: a valid public key, so only the endpoint is wrong.
    let p256dh = "BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU";
    let body = json!({
        "subscription": {"endpoint": "https://evil.example/push/x", "keys": {"p256dh": p256dh, "auth": "AAAAAAAAAAAAAAAAAAAAAA"}},
        "topics": ["promotions"]
    });
    let cookie = c.put_in_cart(None, SKU, 1)?;
    let refused = c.call("POST", "/api/push/subscriptions", Some(&cookie), &[], Some(&body))?.expect("subscribing evil.example", 422)?;
    let code = refused.json()?["error"]["code"].clone();
    ensure(code == "invalid_endpoint", || format!("refused with {code}, not invalid_endpoint"))?;
    let mine = c.get("/api/push/subscriptions", Some(&cookie))?.expect("GET /api/push/subscriptions", 200)?.json()?;
    ensure(mine == json!([]), || format!("a refused subscription was stored: {mine}"))
}

type Scenario = fn(&Client) -> Result<()>;

/// In this order: the stock scenario runs before any checkout holds a unit; the checkout
/// scenarios set their own stock; the race sells a product no other scenario touches.
const SCENARIOS: [(&str, Scenario); 10] = [
    ("health and catalog", health_and_catalog),
    ("server-rendered pages, robots and sitemap", server_rendered_pages),
    ("security headers", security_headers),
    ("availability", availability),
    ("cart and session continuity", cart_session_continuity),
    ("staff sign-in and stock update", staff_sign_in_and_stock_update),
    ("checkout with idempotency", checkout_with_idempotency),
    ("card checkout", card_checkout),
    ("30 concurrent checkouts for the last 3 units", last_units_under_concurrency),
    ("push subscription refused for a non-push host", push_subscription_refused_for_a_non_push_host),
];

/// Every scenario against one `spin up`; the first failure names its scenario.
fn run_scenarios(spin: &Path) -> Result<u64> {
    let started = Instant::now();
    let mut up = SpinUp::start(spin)?;
    let client = Client::new(&up.url);
    up.wait_healthy(&client)?;
    eprintln!("    Spin answered /api/health after {:.1}s", started.elapsed().as_secs_f64());
    for (name, scenario) in SCENARIOS {
        let t = Instant::now();
        scenario(&client).map_err(|e| format!("edge on real Spin, scenario \"{name}\": {e}{}", up.log_tail()))?;
        eprintln!("    ok  {name} ({:.1}s)", t.elapsed().as_secs_f64());
    }
    // The database is the truth for its schema: a fresh database under the kept key-value store
    // is migrated and seeded on its first request (it answered 503 for ever when a marker in
    // key-value was trusted).
    let t = Instant::now();
    let mut up = up.restart_with_a_fresh_database(spin)?;
    up.wait_healthy(&client).map_err(|e| format!("edge on real Spin, a fresh database under a kept key-value store: {e}"))?;
    health_and_catalog(&client)
        .map_err(|e| format!("edge on real Spin, the catalog after the database was replaced: {e}{}", up.log_tail()))?;
    eprintln!("    ok  a fresh database under a kept key-value store is migrated on its first request ({:.1}s)", t.elapsed().as_secs_f64());
    up.passed = true;
    drop(up);
    eprintln!("    edge on real Spin: all scenarios passed in {:.1}s", started.elapsed().as_secs_f64());
    Ok(SCENARIOS.len() as u64 + 1)
}

/// The step of `cargo xtask test` (and all of `cargo xtask spin`): needs the built component and
/// `target/site`. Without any Spin it says so loudly and succeeds. The number of scenarios passed,
/// `None` when skipped.
pub fn conformance() -> Result<Option<u64>> {
    step("edge on real Spin: spin up of spin.toml, black-box API scenarios over HTTP");
    let spin = match find_spin()? {
        Found::Spin(path, from) => {
            eprintln!("    spin: {} (from {from})", path.display());
            path
        }
        Found::Missing(why) => {
            eprintln!("\n    !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
            eprintln!("    !!! SKIPPED: the Spin conformance step did not run: {why}.");
            eprintln!("    !!! The edge was built for Spin but NOT tested on it. Set VITRINA_SPIN to a spin binary.");
            eprintln!("    !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            return Ok(None);
        }
    };
    for needed in [target().join("wasm32-wasip2/wasm-release/vitrina_edge.wasm"), target().join("site/index.html")] {
        if !needed.is_file() {
            return Err(format!("{} is missing: run `cargo xtask build` first", needed.display()));
        }
    }
    run_scenarios(&spin).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_taken_from_its_own_set_cookie_header_without_attributes() {
        let header = |v: &str| ("set-cookie".to_owned(), v.to_owned());
        let answer = Answer {
            status: 200,
            headers: vec![header("other=1; Path=/"), header("vitrina_session=abc.def; Path=/; HttpOnly; SameSite=Lax")],
            body: String::new(),
        };
        assert_eq!(answer.cookie().as_deref(), Some("vitrina_session=abc.def"));
        let none = Answer { status: 200, headers: vec![header("other=1")], body: String::new() };
        assert_eq!(none.cookie(), None);
    }

    #[test]
    fn scenario_names_are_unique() {
        let mut names: Vec<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SCENARIOS.len());
    }
}
