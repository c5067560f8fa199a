//! The edge on real Spin: `spin up` of the repository's own `spin.toml` and black-box API
//! scenarios over HTTP against it (`cargo xtask spin`, and a step of `cargo xtask test`); then the
//! same component scaled out (two `spin up` over one Redis and one SQLite file, [`scale`]), on
//! Spin's libsql backend against a Hrana stand-in ([`libsql`]), and published to an OCI registry
//! and run from there ([`oci`]).
//!
//! Which scenarios, and why: the ones whose outcome depends on what differs on Spin — the adapter
//! under the Router (`edge/src/spin.rs`): Spin's key-value (the rule book's version every priced
//! cart reads), Spin's SQLite through one connection per statement or batch
//! (reads: catalog, availability, pages; writes through the session cookie: cart continuity), the
//! guarded batch (`BEGIN IMMEDIATE` … `COMMIT` over several `execute` calls, `SELECT changes()`
//! deciding each guard) wherever a journey depends on it, variables (the bootstrap staff and
//! marketer accounts, the session key) and the middleware every answer passes through (security
//! headers). So, besides those basics:
//! - sign-in merge: one batch moves the guest cart into the account cart and rotates the session,
//!   guarded by the source cart's version; a guard that wrongly passes or fails shows as a lost or
//!   doubled line, a cookie that still works, or a refused sign-in;
//! - hand-off: a single-use code claimed in a guarded batch (a second claim must find it used);
//! - checkout with idempotency and 100 concurrent checkouts for the last 3 units: the guarded
//!   batch under real contention between Spin's concurrent instances of the component — the
//!   no-overselling rule is only as good as the adapter's transaction;
//! - offers pricing and a rule change: the rule book is cached per instance and revalidated by a
//!   version in key-value, so a change reaching the next priced cart tests key-value and SQLite
//!   together (and, in [`scale`], across instances);
//! - push subscription: a valid one stored, listed and removed (a guarded upsert tied to a live
//!   session) besides the refusal of a non-push endpoint, which exercises the SSRF guard;
//! - server-rendered pages: the component serves them and the app's files from `files`, and a
//!   category filtered by an attribute and a city and sorted by price;
//! - a catalog import: a CommerceML pair uploaded as raw bodies, run in the request that starts it
//!   (a component has no background), applied in one guarded batch of hundreds of statements, its
//!   new product and price on the page at once.
//!
//! Left to the native API tests and the contract runs (the same Router code, where Spin changes
//! nothing the scenarios above do not already cross): validation details, rate limits, staff and
//! after-sales screens, push delivery (Spin allows outbound only to the real push services, so a
//! stand-in cannot be reached) and the clock-driven flows (hold expiry, reminders), which need a
//! clock the tests can move.

use crate::{root, step, target, Result, MARKETER, STAFF};
use serde_json::{json, Value};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod libsql;
mod oci;
mod scale;

/// Where the shared tools sit, relative to the repository root.
const SPIN_XZ: &str = "../shared/tools/spin.xz";
/// The store and product the scenarios use (seeded demo data).
const STORE: &str = "msk-tverskaya";
const SKU: &str = "PHN-0001";
/// The product the concurrency scenario sells out; no other scenario touches it.
const RACE_SKU: &str = "PHN-0002";
/// Shoppers who try to buy the last 3 units at once.
const RACERS: usize = 100;
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

/// A background process (`spin up`, `redis-server`, `docker-registry`) in its own process group,
/// its output in a log file under the target directory; killed on drop.
struct Daemon {
    name: &'static str,
    child: Child,
    log: PathBuf,
    stopped: bool,
}

impl Daemon {
    /// Starts `command` with stdin closed and stdout and stderr appended to `log`.
    fn spawn(name: &'static str, command: &mut Command, log: &Path) -> Result<Daemon> {
        use std::os::unix::process::CommandExt;
        let out =
            std::fs::OpenOptions::new().create(true).append(true).open(log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("starting {name} ({:?}): {e}", command.get_program()))?;
        Ok(Daemon { name, child, log: log.to_path_buf(), stopped: false })
    }

    /// An error if the process has exited already.
    fn check_running(&mut self) -> Result<()> {
        match self.child.try_wait() {
            Ok(Some(status)) => Err(format!("{} exited ({status}){}", self.name, self.log_tail())),
            _ => Ok(()),
        }
    }

    /// Kills the whole process group and waits for the process.
    fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let group = format!("-{}", self.child.id());
        match Command::new("kill").args(["-KILL", "--", &group]).status() {
            Ok(s) if s.success() => {}
            _ => {
                if let Err(e) = self.child.kill() {
                    eprintln!("xtask: stopping {}: {e}", self.name);
                }
            }
        }
        let _ = self.child.wait();
    }

    fn log_tail(&self) -> String {
        log_tail(&self.log)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last 30 lines of a log file, for an error message.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(30)..].join("\n");
    format!("\n--- last lines of {} ---\n{tail}", log.display())
}

/// Polls `ready` every 100 ms until it answers `Ok(true)`, an error, or `limit` passes (then the
/// error names `what` and the last thing `ready` said).
fn poll(what: &str, limit: Duration, mut ready: impl FnMut(&mut String) -> Result<bool>) -> Result<()> {
    let deadline = Instant::now() + limit;
    let mut last = String::from("no answer yet");
    loop {
        if ready(&mut last)? {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("{what} within {} s (last: {last})", limit.as_secs()));
        }
        std::thread::park_timeout(Duration::from_millis(100));
    }
}

/// A free loopback port and a fresh directory `<target>/spin-<name>-<port>` for one run.
fn fresh_dir(name: &str) -> Result<(u16, PathBuf)> {
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| format!("finding a free port: {e}"))?.port();
    let dir = target().join(format!("spin-{name}-{port}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("clearing {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    Ok((port, dir))
}

/// `spin up` on a free port with a fresh state directory; the process group is killed on drop,
/// pass or fail. The state directory (and Spin's log in it) is kept when a scenario failed.
struct SpinUp {
    daemon: Daemon,
    url: String,
    state: PathBuf,
    /// What it was started from (the repository's manifest, its copy in `state`, or a registry
    /// reference) and with which extra arguments: a restart uses the same.
    from: OsString,
    extra: Vec<OsString>,
    passed: bool,
}

/// The repository's own `spin.toml`; when cargo builds into another directory (`CARGO_TARGET_DIR`),
/// a copy of it in `dir`, whose `target/` paths reach that directory through a link.
fn manifest_for_target(dir: &Path) -> Result<PathBuf> {
    let own = root().join("spin.toml");
    if target() == root().join("target") {
        return Ok(own);
    }
    // Spin maps files only from inside the application directory: the copy sits in `dir` beside a
    // `target` link to the real target directory, so its relative paths resolve unchanged.
    let copy = dir.join("spin.toml");
    std::fs::copy(&own, &copy).map_err(|e| format!("copying {} to {}: {e}", own.display(), copy.display()))?;
    std::os::unix::fs::symlink(target(), dir.join("target")).map_err(|e| format!("linking {}: {e}", dir.display()))?;
    Ok(copy)
}

impl SpinUp {
    /// `spin up` of the repository's `spin.toml`, with `extra` arguments (`--runtime-config-file`).
    fn start(spin: &Path, name: &str, extra: &[OsString]) -> Result<SpinUp> {
        let (port, state) = fresh_dir(name)?;
        let manifest = manifest_for_target(&state)?;
        SpinUp::launch(spin, port, state, manifest.into_os_string(), extra.to_vec())
    }

    /// `spin up --from <reference>` of an application in a registry.
    fn start_reference(spin: &Path, name: &str, reference: &str, extra: &[OsString]) -> Result<SpinUp> {
        let (port, state) = fresh_dir(name)?;
        SpinUp::launch(spin, port, state, reference.into(), extra.to_vec())
    }

    /// `spin up --from <from>` on `port` with `state` as its state directory (kept as it is).
    fn launch(spin: &Path, port: u16, state: PathBuf, from: OsString, extra: Vec<OsString>) -> Result<SpinUp> {
        let log = state.join("spin-up.log");
        let listen = format!("127.0.0.1:{port}");
        let shown: Vec<_> = extra.iter().map(|a| a.to_string_lossy()).collect();
        eprintln!(
            "    $ {} up --from {} --listen {listen} --state-dir {} {}",
            spin.display(),
            from.to_string_lossy(),
            state.display(),
            shown.join(" ")
        );
        let mut command = Command::new(spin);
        command
            .arg("up")
            .arg("--from")
            .arg(&from)
            .args(["--listen", &listen, "--state-dir"])
            .arg(&state)
            .args(&extra)
            .current_dir(root())
            .env("SPIN_VARIABLE_SESSION_KEY", SESSION_KEY)
            .env("SPIN_VARIABLE_STAFF_EMAIL", STAFF.email)
            .env("SPIN_VARIABLE_STAFF_PASSWORD", STAFF.password)
            .env("SPIN_VARIABLE_MARKETER_EMAIL", MARKETER.email)
            .env("SPIN_VARIABLE_MARKETER_PASSWORD", MARKETER_PASSWORD);
        let daemon = Daemon::spawn("spin up", &mut command, &log)?;
        Ok(SpinUp { daemon, url: format!("http://{listen}"), state, from, extra, passed: false })
    }

    /// Stops this `spin up`, replaces its SQLite database with nothing (as a restore or a move to
    /// another database would) while its key-value store stays, and starts it again on the same
    /// port and state: the database, not a marker in key-value, must say it needs migrating.
    fn restart_with_a_fresh_database(mut self, spin: &Path) -> Result<SpinUp> {
        self.daemon.stop();
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
        let (from, extra, state) = (std::mem::take(&mut self.from), std::mem::take(&mut self.extra), self.state.clone());
        // Its state goes on: keep it whatever happens next.
        self.passed = false;
        std::mem::forget(self);
        SpinUp::launch(spin, port, state, from, extra)
    }

    /// Polls `/api/health` until it answers 200 (the first request migrates and seeds).
    fn wait_healthy(&mut self, client: &Client) -> Result<()> {
        let started = Instant::now();
        let daemon = &mut self.daemon;
        poll("/api/health did not answer 200", Duration::from_secs(60), |last| {
            daemon.check_running().map_err(|e| format!("before /api/health answered: {e}"))?;
            match client.get("/api/health", None) {
                Ok(a) if a.status == 200 => return Ok(true),
                Ok(a) => *last = format!("{} {}", a.status, a.body),
                Err(e) => *last = e,
            }
            Ok(false)
        })
        .map_err(|e| format!("{e}{}", self.log_tail()))?;
        eprintln!("    {} answered /api/health after {:.1}s", self.url, started.elapsed().as_secs_f64());
        Ok(())
    }

    fn log_tail(&self) -> String {
        self.daemon.log_tail()
    }
}

impl Drop for SpinUp {
    fn drop(&mut self) {
        self.daemon.stop();
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
        // Bytes, not text: the scenarios also fetch the app's WebAssembly.
        let bytes = response.body_mut().read_to_vec().map_err(|e| format!("{what}: reading the body: {e}"))?;
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Ok(Answer { status, headers, body })
    }

    /// `PUT path` with `bytes` as the body (a file upload).
    fn put_bytes(&self, path: &str, cookie: &str, bytes: Vec<u8>) -> Result<Answer> {
        self.send_bytes("PUT", path, cookie, "application/octet-stream", bytes)
    }

    /// Sends `bytes` of `content_type` as `cookie`'s session.
    fn send_bytes(&self, method: &str, path: &str, cookie: &str, content_type: &str, bytes: Vec<u8>) -> Result<Answer> {
        let what = format!("{method} {path}");
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .header("content-type", content_type)
            .body(bytes)
            .map_err(|e| format!("{what}: {e}"))?;
        let mut response = self.agent.run(request).map_err(|e| format!("{what}: {e}"))?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().map_err(|e| format!("{what}: reading the body: {e}"))?;
        Ok(Answer { status, headers: Vec::new(), body })
    }

    /// A GET whose answer is not text: its status, content type and bytes.
    fn get_bytes(&self, path: &str) -> Result<(u16, String, Vec<u8>)> {
        let what = format!("GET {path}");
        let request = ureq::http::Request::builder().uri(format!("{}{path}", self.base)).body(()).map_err(|e| format!("{what}: {e}"))?;
        let mut response = self.agent.run(request).map_err(|e| format!("{what}: {e}"))?;
        let status = response.status().as_u16();
        let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let body = response.body_mut().read_to_vec().map_err(|e| format!("{what}: reading the body: {e}"))?;
        Ok((status, kind, body))
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
        self.sign_in(STAFF.email, STAFF.password)
    }

    /// Signs in as `email` in a new session; its cookie.
    fn sign_in(&self, email: &str, password: &str) -> Result<String> {
        let body = json!({"email": email, "password": password});
        let answer = self.call("POST", "/api/auth/login", None, &[], Some(&body))?.expect(&format!("signing in as {email}"), 200)?;
        answer.cookie().ok_or_else(|| format!("signing in as {email} set no session cookie"))
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

/// Staff (merchandisers by default) import the CommerceML pair of the API tests: the run answers
/// done, the new product has its page at the retail price and an existing one its new price.
fn commerceml_import(c: &Client) -> Result<()> {
    let staff = c.sign_in_staff()?;
    let created = c.call("POST", "/api/admin/imports", Some(&staff), &[], Some(&json!({"format": "commerceml"})))?;
    let id = created.expect("POST /api/admin/imports", 201)?.json()?["id"].as_str().unwrap_or_default().to_owned();
    for name in ["import.xml", "offers.xml"] {
        let bytes = std::fs::read(root().join("edge/tests/fixtures/imports").join(name)).map_err(|e| format!("{name}: {e}"))?;
        c.put_bytes(&format!("/api/admin/imports/{id}/files/{name}"), &staff, bytes)?.expect(&format!("uploading {name}"), 200)?;
    }
    let done =
        c.call("POST", &format!("/api/admin/imports/{id}/start"), Some(&staff), &[], None)?.expect("starting the import", 200)?.json()?;
    ensure(done["status"] == "done" && done["created"] == 1 && done["updated"] == 1 && done["refused"] == 2, || {
        format!("the import: {done}")
    })?;
    let page = c.get("/p/CAM-4K-01", None)?.expect("GET /p/CAM-4K-01", 200)?;
    ensure(page.body.contains("\"price\":\"19990.00\""), || "the imported product's page lacks its retail price".into())?;
    let phone = c.get("/api/products/PHN-0003", None)?.expect("GET /api/products/PHN-0003", 200)?.json()?;
    ensure(phone["price"]["amount"] == "11490.00", || format!("the imported price is not in force: {phone}"))
}

/// A merchandiser's photo, uploaded as a form, is made in its widths by the back-office
/// component, stored in Spin's SQLite and served by the shop with a `srcset` on the page; every
/// product has generated pictures of its own.
fn product_photo(c: &Client) -> Result<()> {
    const PRODUCT: &str = "PHN-0007";
    let staff = c.sign_in_staff()?;
    let png = std::fs::read(root().join("edge/tests/fixtures/pictures/phone.png")).map_err(|e| format!("phone.png: {e}"))?;
    let boundary = "vitrina-spin-boundary";
    let mut form =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"phone.png\"\r\nContent-Type: image/png\r\n\r\n")
            .into_bytes();
    form.extend(png);
    form.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let path = format!("/api/admin/products/{PRODUCT}/pictures");
    let photo = c
        .send_bytes("POST", &path, &staff, &format!("multipart/form-data; boundary={boundary}"), form)?
        .expect("uploading a photo", 201)?
        .json()?;
    ensure(photo["widths"] == json!([320, 480]), || format!("a 480-pixel photo is stored at 320 and 480: {photo}"))?;
    let id = photo["id"].as_str().unwrap_or_default().to_owned();
    let (status, kind, bytes) = c.get_bytes(&format!("/pictures/{id}/320"))?;
    ensure(status == 200 && ["image/webp", "image/jpeg"].contains(&kind.as_str()) && bytes.len() > 100, || {
        format!("GET /pictures/{id}/320: {status} {kind}, {} bytes", bytes.len())
    })?;
    let page = c.get(&format!("/p/{PRODUCT}"), None)?.expect("the product's page", 200)?;
    ensure(page.body.contains(&format!("/pictures/{id}/320 320w")), || "the page offers no srcset of the photo".into())?;
    let (status, kind, svg) = c.get_bytes("/img/p/PHN-0008-box.svg")?;
    ensure(status == 200 && kind == "image/svg+xml" && svg.starts_with(b"<svg"), || format!("a generated picture: {status} {kind}"))?;
    c.call("DELETE", &format!("{path}/{id}"), Some(&staff), &[], None)?.expect("removing the photo", 204).map(drop)
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
    // Spin's SQLite has FTS5: a word form through a synonym ("телефоны" → смартфон) finds the same phones.
    let phones = c.get("/api/products?q=%D1%82%D0%B5%D0%BB%D0%B5%D1%84%D0%BE%D0%BD%D1%8B", None)?.expect("search", 200)?.json()?;
    ensure(phones["total"] == search["total"], || format!("searching \"телефоны\" did not find the phones: {phones}"))?;
    let product = c.get(&format!("/api/products/{SKU}"), None)?.expect("product page", 200)?.json()?;
    ensure(product["sku"] == SKU && product["price"].is_object(), || format!("product {SKU}: {product}"))?;
    c.get("/api/products/NOPE-9999", None)?.expect("an unknown product", 404).map(drop)
}

/// The component renders the same public pages as the native host: a product's name, price,
/// availability and JSON-LD in the first response, cacheable; English under /en/; 404 for an
/// unknown product; robots.txt, sitemap.xml and the YML feed; the islands bundle linked from the page.
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
    ensure(sitemap.body.contains(&format!("/p/{SKU}</loc>")), || "sitemap.xml lacks the product".to_owned())?;
    let feed = c.get("/feeds/yandex.yml", None)?.expect("the YML feed", 200)?;
    ensure(feed.body.contains("<yml_catalog") && feed.body.contains(&format!("<offer id=\"{SKU}\"")), || {
        "the YML feed lacks the product".to_owned()
    })?;
    // Filters and sorting run on Spin's SQLite too (json_each for the attributes).
    let filtered = "/c/smartphones?attr=%D0%9F%D0%B0%D0%BC%D1%8F%D1%82%D1%8C%3A64%20%D0%93%D0%91&in_stock=moscow&sort=price_asc";
    let listing = c.get(filtered, None)?.expect("a filtered, sorted category page", 200)?;
    let cards = listing.body.matches("data-testid=\"product-card\"").count();
    ensure(cards > 0 && listing.body.contains("name=\"attr\" value=\"Память:64 ГБ\" checked"), || {
        format!("GET {filtered}: {cards} products, the memory filter not ticked")
    })
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

/// 100 shoppers, each with their own guest session and cart, check out the last 3 units at one
/// store at once: exactly 3 orders, the rest refused with `insufficient_stock`, nothing oversold.
fn last_units_under_concurrency(c: &Client) -> Result<()> {
    race_for_the_last_units(&[c], RACE_SKU, RACERS).map(drop)
}

/// Runs `f(i)` for `0..n` on `n` threads at once; the results in order.
fn all_at_once<T: Send>(n: usize, f: impl Fn(usize) -> Result<T> + Sync) -> Result<Vec<T>> {
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = (0..n).map(|i| s.spawn(move || f(i))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a scenario thread panicked".into()))).collect()
    })
}

/// `racers` shoppers make a cart each and check out the last units of `sku` at once, the
/// i-th through `instances[i % n]`: exactly [`LAST_UNITS`] orders, the rest refused with
/// `insufficient_stock`, none available afterwards on any instance. The winners' cookies.
fn race_for_the_last_units(instances: &[&Client], sku: &str, racers: usize) -> Result<Vec<String>> {
    let staff = instances[0].sign_in_staff()?;
    instances[0].set_stock(&staff, STORE, sku, LAST_UNITS)?;
    for c in instances {
        ensure(c.available(sku, STORE)? == LAST_UNITS, || format!("{sku} at {STORE} is not down to {LAST_UNITS} on {}", c.base))?;
    }
    let on = |i: usize| instances[i % instances.len()];
    let cookies = all_at_once(racers, |i| on(i).put_in_cart(None, sku, 1))?;
    let body = pickup(STORE);
    let results = all_at_once(racers, |i| {
        let a = on(i).checkout(&cookies[i], &format!("spin-race-{i}"), &body)?;
        Ok((a.status, serde_json::from_str::<Value>(&a.body).unwrap_or(Value::Null)))
    })?;
    let statuses: Vec<u16> = results.iter().map(|(s, _)| *s).collect();
    let created = statuses.iter().filter(|s| **s == 201).count();
    let refused = results.iter().filter(|(s, b)| *s == 409 && b["error"]["code"] == "insufficient_stock").count();
    ensure(created == LAST_UNITS as usize && refused == racers - created, || {
        format!("{created} orders and {refused} insufficient_stock refusals for {LAST_UNITS} units; statuses {statuses:?}")
    })?;
    for c in instances {
        let left = c.available(sku, STORE)?;
        ensure(left == 0, || format!("after the race {left} units show as available on {}", c.base))?;
    }
    Ok(statuses.iter().zip(cookies).filter(|(s, _)| **s == 201).map(|(_, c)| c).collect())
}

/// A subscription whose endpoint is not a push service is refused and nothing is stored.
fn push_subscription_refused_for_a_non_push_host(c: &Client) -> Result<()> {
    let cookie = c.put_in_cart(None, SKU, 1)?;
    let refused = c
        .call("POST", "/api/push/subscriptions", Some(&cookie), &[], Some(&subscription("https://evil.example/push/x")))?
        .expect("subscribing evil.example", 422)?;
    let code = refused.json()?["error"]["code"].clone();
    ensure(code == "invalid_endpoint", || format!("refused with {code}, not invalid_endpoint"))?;
    let mine = c.get("/api/push/subscriptions", Some(&cookie))?.expect("GET /api/push/subscriptions", 200)?.json()?;
    ensure(mine == json!([]), || format!("a refused subscription was stored: {mine}"))
}

/// A push subscription body for `endpoint` with valid keys.
fn subscription(endpoint: &str) -> Value {
    // The P-256 generator point: a valid public key.
    let p256dh = "BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU";
    json!({
        "subscription": {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": "AAAAAAAAAAAAAAAAAAAAAA"}},
        "topics": ["promotions"]
    })
}

/// A subscription at a push service (FCM; nothing is sent) is stored for this shopper, listed
/// with its topics, and gone from the list after unsubscribing.
fn push_subscription_to_a_push_service_is_stored_listed_and_removed(c: &Client) -> Result<()> {
    let endpoint = "https://fcm.googleapis.com/fcm/send/spin-conformance:device-1";
    let cookie = c.put_in_cart(None, SKU, 1)?;
    let stored = c
        .call("POST", "/api/push/subscriptions", Some(&cookie), &[], Some(&subscription(endpoint)))?
        .expect("subscribing at FCM", 201)?
        .json()?;
    ensure(stored["endpoint"] == endpoint, || format!("the stored subscription: {stored}"))?;
    let mine = c.get("/api/push/subscriptions", Some(&cookie))?.expect("GET /api/push/subscriptions", 200)?.json()?;
    let listed = mine.as_array().cloned().unwrap_or_default();
    ensure(listed.len() == 1 && listed[0]["endpoint"] == endpoint && listed[0]["topics"] == json!(["promotions"]), || {
        format!("the shopper's subscriptions: {mine}")
    })?;
    let stranger = c.put_in_cart(None, SKU, 1)?;
    let theirs = c.get("/api/push/subscriptions", Some(&stranger))?.expect("another shopper's subscriptions", 200)?.json()?;
    ensure(theirs == json!([]), || format!("another shopper sees a subscription: {theirs}"))?;
    c.call("DELETE", "/api/push/subscriptions", Some(&cookie), &[], Some(&json!({"endpoint": endpoint})))?.expect("unsubscribing", 204)?;
    let after = c.get("/api/push/subscriptions", Some(&cookie))?.expect("GET /api/push/subscriptions", 200)?.json()?;
    ensure(after == json!([]), || format!("still subscribed after unsubscribing: {after}"))
}

/// The cart's lines as sorted `(sku, qty)` pairs.
fn lines_of(cart: &Value) -> Vec<(String, i64)> {
    let mut lines: Vec<(String, i64)> = cart["lines"]
        .as_array()
        .map(|l| l.iter().map(|l| (l["sku"].as_str().unwrap_or("").to_owned(), l["qty"].as_i64().unwrap_or(0))).collect())
        .unwrap_or_default();
    lines.sort();
    lines
}

fn pairs(lines: &[(&str, i64)]) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = lines.iter().map(|(s, q)| ((*s).to_owned(), *q)).collect();
    v.sort();
    v
}

/// An email no earlier run of this state used: the port of the instance and a counter.
fn fresh_email(c: &Client, who: &str) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let port = c.base.rsplit(':').next().unwrap_or("0");
    format!("{who}-{port}-{n}@example.ru")
}

const CUSTOMER_PASSWORD: &str = "correct horse battery";

/// A guest's cart merges into the account's cart on sign-in: quantities of the same product
/// summed, the others kept; the session id rotates, both devices then see one cart, and the old
/// guest cookie reaches neither the guest cart nor the account.
fn guest_cart_merges_into_the_account_cart_on_sign_in(c: &Client) -> Result<()> {
    let email = fresh_email(c, "anna");
    let body = json!({"email": email, "password": CUSTOMER_PASSWORD, "name": "Анна"});
    let registered = c.call("POST", "/api/auth/register", None, &[], Some(&body))?.expect("registering", 201)?;
    let desktop = registered.cookie().ok_or("registering set no session cookie")?;
    let desktop = c.put_in_cart(Some(&desktop), "PHN-0001", 2)?;
    let desktop = c.put_in_cart(Some(&desktop), "LAP-0001", 1)?;
    let guest = c.put_in_cart(None, "PHN-0001", 3)?;
    let guest = c.put_in_cart(Some(&guest), "AUD-0002", 2)?;
    let login = json!({"email": email.to_uppercase(), "password": CUSTOMER_PASSWORD});
    let signed_in = c.call("POST", "/api/auth/login", Some(&guest), &[], Some(&login))?.expect("signing in on the phone", 200)?;
    let phone = signed_in.cookie().ok_or("signing in set no session cookie")?;
    ensure(phone != guest, || "the session id did not rotate on sign-in".to_owned())?;
    let merged = pairs(&[("PHN-0001", 5), ("LAP-0001", 1), ("AUD-0002", 2)]);
    for (device, cookie) in [("phone", &phone), ("desktop", &desktop)] {
        let cart = c.get("/api/cart", Some(cookie))?.expect(&format!("the cart on the {device}"), 200)?.json()?;
        ensure(lines_of(&cart) == merged, || format!("the {device} does not see the merged cart {merged:?}: {cart}"))?;
    }
    let replayed = c.get("/api/cart", Some(&guest))?.expect("the cart with the old guest cookie", 200)?.json()?;
    ensure(lines_of(&replayed).is_empty(), || format!("the old guest cookie still reaches a cart: {replayed}"))?;
    c.get("/api/me", Some(&guest))?.expect("/api/me with the old guest cookie", 401).map(drop)
}

/// A desktop cart is handed to a phone by its code (typed in lower case with a space): the phone's
/// own line is kept beside the handed lines, the desktop keeps nothing, and the code works once.
fn cart_is_handed_off_to_a_phone_by_code_once(c: &Client) -> Result<()> {
    let desktop = c.put_in_cart(None, "TVS-0002", 1)?;
    let handoff = c.call("POST", "/api/cart/handoff", Some(&desktop), &[], Some(&json!({})))?.expect("a hand-off code", 201)?.json()?;
    let code = handoff["code"].as_str().unwrap_or("").to_owned();
    ensure(code.len() == 6 && handoff["url"] == format!("/handoff/{code}"), || format!("the hand-off: {handoff}"))?;
    let phone = c.put_in_cart(None, "AUD-0001", 1)?;
    let typed = format!("{}%20{}", &code[..3], &code[3..]).to_lowercase();
    let claimed = c
        .call("POST", &format!("/api/handoff/{typed}/claim"), Some(&phone), &[], Some(&json!({})))?
        .expect("claiming the code", 200)?
        .json()?;
    let both = pairs(&[("AUD-0001", 1), ("TVS-0002", 1)]);
    ensure(lines_of(&claimed["cart"]) == both, || format!("the phone's cart after the claim: {claimed}"))?;
    let on_phone = c.get("/api/cart", Some(&phone))?.expect("the phone's cart", 200)?.json()?;
    ensure(lines_of(&on_phone) == both, || format!("the phone's cart: {on_phone}"))?;
    let on_desktop = c.get("/api/cart", Some(&desktop))?.expect("the desktop's cart", 200)?.json()?;
    ensure(lines_of(&on_desktop).is_empty(), || format!("the desktop kept its cart: {on_desktop}"))?;
    let again =
        c.call("POST", &format!("/api/handoff/{code}/claim"), None, &[], Some(&json!({})))?.expect("claiming the code again", 410)?;
    let code = again.json()?["error"]["code"].clone();
    ensure(code == "handoff_used", || format!("a second claim was refused with {code}, not handoff_used"))
}

/// Whether `total` is `percent`% off `subtotal` (both `{"amount": "8690.00", …}`), within a kopeck
/// (the engine rounds to whole kopecks). Money stays integers: kopecks, not floats.
fn percent_off(subtotal: &Value, total: &Value, percent: i64) -> bool {
    kopecks(subtotal).zip(kopecks(total)).is_some_and(|(subtotal, total)| (total * 100 - subtotal * (100 - percent)).abs() <= 100)
}

/// An amount of money (`{"amount": "8690.00", …}`) in kopecks; `None` when it is not one.
fn kopecks(v: &Value) -> Option<i64> {
    let (roubles, fraction) = v["amount"].as_str()?.split_once('.')?;
    (fraction.len() == 2).then_some(())?;
    Some(roubles.parse::<i64>().ok()? * 100 + fraction.parse::<i64>().ok()?)
}

/// A marketer's cart-wide rule prices the next cart, a change to it reprices the same cart on the
/// next read, and deleting it stops it applying.
fn marketer_rule_prices_the_next_cart_and_a_change_reprices_it(c: &Client) -> Result<()> {
    rule_change_reaches_the_shopper(c, c, "spin-rule-one")
}

/// The marketer works on `admin`, the shopper on `shop` (the same instance or another one over
/// the same database): a new rule, a change to it and its deletion each show in the shopper's
/// next cart read, with no wait.
fn rule_change_reaches_the_shopper(admin: &Client, shop: &Client, id: &str) -> Result<()> {
    let marketer = admin.sign_in(MARKETER.email, MARKETER_PASSWORD)?;
    let rule = |percent: &str| json!({"id": id, "name": format!("{percent}% на всё"), "effect": {"type": "percent_off", "target": {"kind": "cart"}, "percent": percent}});
    let priced = |cart: &Value, percent: i64, what: &str| {
        ensure(percent_off(&cart["subtotal"], &cart["total"], percent), || format!("{what}: expected {percent}% off: {cart}"))
    };
    let created = admin.call("POST", "/api/admin/rules", Some(&marketer), &[], Some(&rule("5")))?.expect("creating a rule", 201)?.json()?;
    ensure(created["version"] == 1, || format!("the new rule: {created}"))?;
    let shopper = shop.put_in_cart(None, "PHN-0001", 1)?;
    let cart = shop.get("/api/cart", Some(&shopper))?.expect("the cart", 200)?.json()?;
    priced(&cart, 5, "the first cart after the rule was created")?;
    ensure(cart["offers"][0]["rule_id"] == id, || format!("the cart does not name the rule: {cart}"))?;
    // The product page's price: the same rule on one unit.
    let offers = shop.get("/api/offers?sku=PHN-0001", Some(&shopper))?.expect("the product's offers", 200)?.json()?;
    ensure(percent_off(&cart["subtotal"], &offers["price"]["total"], 5), || format!("the product page's price under the rule: {offers}"))?;
    let changed = admin
        .call("PUT", &format!("/api/admin/rules/{id}"), Some(&marketer), &[("if-match", "\"1\"")], Some(&rule("20")))?
        .expect("changing the rule", 200)?
        .json()?;
    ensure(changed["version"] == 2, || format!("the changed rule: {changed}"))?;
    let cart = shop.get("/api/cart", Some(&shopper))?.expect("the cart", 200)?.json()?;
    priced(&cart, 20, "the next read after the rule changed")?;
    admin.call("DELETE", &format!("/api/admin/rules/{id}"), Some(&marketer), &[], None)?.expect("deleting the rule", 204)?;
    let cart = shop.get("/api/cart", Some(&shopper))?.expect("the cart", 200)?.json()?;
    priced(&cart, 0, "the next read after the rule was deleted")?;
    let offers = shop.get("/api/offers?sku=PHN-0001", Some(&shopper))?.expect("the product's offers", 200)?.json()?;
    ensure(offers["applied"] == json!([]), || format!("a deleted rule still applies on the product page: {offers}"))
}

/// `spin.toml` sends the back office's paths to the `vitrina-back-office` component and the rest
/// to `vitrina`, and each component has only its own routes (`router` in edge/src/lib.rs): a route
/// that answers was sent to the right component. The session a shop's sign-in made is honoured
/// by the back office (one database, one cookie key).
fn back_office_routes_reach_their_component(c: &Client) -> Result<()> {
    let staff = c.sign_in_staff()?;
    let kiosks = c.get("/api/kiosks", Some(&staff))?.expect("GET /api/kiosks (the bare path of the `/api/kiosks/...` route)", 200)?;
    ensure(kiosks.json()?.is_array(), || format!("GET /api/kiosks is no list: {}", kiosks.body))?;
    let guest = c.get("/api/kiosks", None)?;
    ensure(guest.status == 401, || format!("a guest listed kiosks: {} {}", guest.status, guest.body))?;
    let marketer = c.sign_in(MARKETER.email, MARKETER_PASSWORD)?;
    c.get("/api/admin/kpis", Some(&marketer))?.expect("GET /api/admin/kpis as the marketer", 200)?;
    let unknown = c.get("/api/admin/no-such-report", Some(&marketer))?;
    ensure(unknown.status == 404 && unknown.json()?["error"]["code"] == "not_found", || {
        format!("an unknown back-office path: {} {}", unknown.status, unknown.body)
    })
}

type Scenario = fn(&Client) -> Result<()>;

/// In this order: the stock scenario runs before any checkout holds a unit; the checkout
/// scenarios set their own stock; the race sells a product no other scenario touches; the rule
/// scenario deletes its rule, so no other scenario's price depends on it.
const SCENARIOS: [(&str, Scenario); 17] = [
    ("health and catalog", health_and_catalog),
    ("server-rendered pages, robots, sitemap and feeds", server_rendered_pages),
    ("security headers", security_headers),
    ("availability", availability),
    ("cart and session continuity", cart_session_continuity),
    ("a guest cart merges into the account cart on sign-in", guest_cart_merges_into_the_account_cart_on_sign_in),
    ("a cart is handed off to a phone by code, once", cart_is_handed_off_to_a_phone_by_code_once),
    ("staff sign-in and stock update", staff_sign_in_and_stock_update),
    ("checkout with idempotency", checkout_with_idempotency),
    ("card checkout", card_checkout),
    ("100 concurrent checkouts for the last 3 units", last_units_under_concurrency),
    ("a marketer's rule prices the next cart and a change reprices it", marketer_rule_prices_the_next_cart_and_a_change_reprices_it),
    ("push subscription refused for a non-push host", push_subscription_refused_for_a_non_push_host),
    ("push subscription at a push service stored, listed and removed", push_subscription_to_a_push_service_is_stored_listed_and_removed),
    ("a CommerceML pair from 1C is imported and its price is on the page", commerceml_import),
    ("the back office's routes reach their component, with the shop's session", back_office_routes_reach_their_component),
    ("a product photo is uploaded, made in its widths and served; generated pictures", product_photo),
];

/// Every scenario against one `spin up`; the first failure names its scenario.
fn run_scenarios(spin: &Path) -> Result<u64> {
    let started = Instant::now();
    let mut up = SpinUp::start(spin, "conformance", &[])?;
    let client = Client::new(&up.url);
    up.wait_healthy(&client)?;
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
    for needed in [crate::component_path(), target().join("site/index.html")] {
        if !needed.is_file() {
            return Err(format!("{} is missing: run `cargo xtask build` first", needed.display()));
        }
    }
    // What the later parts run, in one apt-get run on a fresh machine (each part checks again).
    crate::ensure_debian(
        &[(scale::REDIS_SERVER, "redis-server"), (oci::DOCKER_REGISTRY, "docker-registry"), (libsql::PYTHON, "python3")],
        "the scaled-out, libSQL and OCI parts of the Spin step",
    )?;
    let started = Instant::now();
    let single = run_scenarios(&spin)?;
    let scaled = scale::run(&spin)?;
    let published = oci::run(&spin)?;
    eprintln!("    the Spin step took {:.1}s", started.elapsed().as_secs_f64());
    Ok(Some(single + scaled + published))
}

/// `cargo xtask bench`'s Spin step: Vitrina's product detail and product page against the minimal
/// spin-sdk 6 + axum component (`xtask/spin-baseline`, a constant JSON) under the same `spin`, in the
/// same run — the only fair measure with this Spin build (see ../shared/tools/README.md). Prints
/// wrk's report for each and Vitrina's cost per request as a multiple of the baseline's.
pub fn bench_against_baseline() -> Result<()> {
    crate::step("load run on Spin: Vitrina against a minimal spin-sdk 6 + axum component, same spin, same run");
    let spin = match find_spin()? {
        Found::Spin(path, _) => path,
        Found::Missing(why) => {
            eprintln!("    SKIPPED: no Spin CLI ({why})");
            return Ok(());
        }
    };
    crate::sh("cargo", &["build", "-p", "vitrina-spin-baseline", "--lib", "--target", "wasm32-wasip2", "--profile", "wasm-release"])?;
    // Optimised as Vitrina's component is, so the two differ only in what they do.
    let baseline_wasm = target().join("spin/vitrina_spin_baseline.wasm");
    crate::component::optimise(
        &target().join("wasm32-wasip2/wasm-release/vitrina_spin_baseline.wasm"),
        &baseline_wasm,
        &crate::wasm_opt_path(),
    )?;
    let (port, state) = fresh_dir("baseline")?;
    let manifest = state.join("spin.toml");
    let text = format!(
        "spin_manifest_version = 2\n[application]\nname = \"vitrina-spin-baseline\"\nversion = \"0.1.0\"\n\
         [[trigger.http]]\nroute = \"/...\"\ncomponent = \"baseline\"\n[component.baseline]\nsource = {:?}\n",
        baseline_wasm.to_string_lossy()
    );
    std::fs::write(&manifest, text).map_err(|e| format!("writing {}: {e}", manifest.display()))?;
    let mut baseline = SpinUp::launch(&spin, port, state, manifest.into_os_string(), Vec::new())?;
    let mut vitrina = SpinUp::start(&spin, "bench", &[])?;
    let client = Client::new(&vitrina.url);
    vitrina.wait_healthy(&client)?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while Client::new(&baseline.url).get("/api/products/PHN-0001", None).map(|a| a.status) != Ok(200) {
        if Instant::now() > deadline {
            return Err(format!("the baseline component did not answer{}", baseline.log_tail()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let rate = |url: &str| -> Result<f64> {
        let out = Command::new("wrk").args(["-t2", "-c16", "-d10s", "--latency", url]).output().map_err(|e| format!("running wrk: {e}"))?;
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        eprintln!("    wrk {url}\n{report}");
        report
            .lines()
            .find_map(|l| l.strip_prefix("Requests/sec:").and_then(|v| v.trim().parse().ok()))
            .ok_or_else(|| format!("no Requests/sec in wrk's report for {url}"))
    };
    let base = rate(&format!("{}/api/products/PHN-0001", baseline.url))?;
    let detail = rate(&format!("{}/api/products/PHN-0001", vitrina.url))?;
    let page = rate(&format!("{}/p/PHN-0001", vitrina.url))?;
    eprintln!("    baseline (constant JSON): {base:.0} req/s");
    eprintln!("    product detail: {detail:.0} req/s = {:.1}× the baseline's cost per request (goal ≤ 2×)", base / detail);
    eprintln!("    product page:   {page:.0} req/s = {:.1}× the baseline's cost per request", base / page);
    baseline.passed = true;
    vitrina.passed = true;
    Ok(())
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
