//! Scale-out on one machine, as `deploy/runtime-config/redis-sqlite.toml` describes it: Debian's
//! `redis-server` on loopback (no persistence, its files under the target directory), and two
//! `spin up` of the same `spin.toml` on different ports and state directories with one
//! runtime-config — key-value in that Redis, the `default` database one SQLite file under the
//! target directory. Across both: a cart made on one is seen and changed on the other, 60
//! checkouts split between them sell exactly the last 3 units, a rule created on one prices the
//! other's next cart. Then Redis is killed and started again, empty: carts, stock, orders and
//! rules are intact and both instances still answer (what Redis held was only cache). Last, the
//! database they left is served over libSQL's protocol to a third instance ([`super::libsql`]).

use super::{
    ensure, fresh_dir, lines_of, pairs, poll, race_for_the_last_units, rule_change_reaches_the_shopper, Client, Daemon, SpinUp,
    MARKETER_PASSWORD, RACE_SKU, SKU, STORE,
};
use crate::{root, Result, MARKETER};
use serde_json::json;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub(super) const REDIS_SERVER: &str = "/usr/bin/redis-server";
/// The checked-in runtime-config this step runs, and the placeholders it replaces.
const TEMPLATE: &str = "deploy/runtime-config/redis-sqlite.toml";
const TEMPLATE_URL: &str = "url = \"redis://127.0.0.1:6379\"";
const TEMPLATE_PATH: &str = "path = \"/var/lib/vitrina/vitrina.db\"";
/// Checkouts split between the two instances for the last units.
const SPLIT_RACERS: usize = 60;

/// `redis-server` on a loopback port, nothing saved to disk; killed on drop.
struct Redis {
    daemon: Daemon,
    port: u16,
    dir: PathBuf,
}

impl Redis {
    fn start(port: u16, dir: &Path) -> Result<Redis> {
        let log = dir.join("redis.log");
        let mut command = Command::new(REDIS_SERVER);
        command
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(dir);
        eprintln!("    $ {REDIS_SERVER} --port {port} --bind 127.0.0.1 --save '' --appendonly no --dir {}", dir.display());
        let daemon = Daemon::spawn("redis-server", &mut command, &log)?;
        let mut redis = Redis { daemon, port, dir: dir.to_path_buf() };
        redis.wait_ready()?;
        Ok(redis)
    }

    /// Polls `PING` until Redis answers `PONG`.
    fn wait_ready(&mut self) -> Result<()> {
        let port = self.port;
        let daemon = &mut self.daemon;
        poll("redis-server did not answer PING", Duration::from_secs(20), |last| {
            daemon.check_running()?;
            match command(port, "PING") {
                Ok(reply) if reply == "+PONG" => Ok(true),
                Ok(reply) => {
                    *last = reply;
                    Ok(false)
                }
                Err(e) => {
                    *last = e;
                    Ok(false)
                }
            }
        })
        .map_err(|e| format!("{e}{}", self.daemon.log_tail()))
    }

    /// How many keys Redis holds.
    fn keys(&self) -> Result<u64> {
        let reply = command(self.port, "DBSIZE")?;
        reply.strip_prefix(':').and_then(|n| n.parse().ok()).ok_or_else(|| format!("DBSIZE answered {reply:?}"))
    }

    /// Kills Redis and starts a new, empty one on the same port.
    fn restart_empty(&mut self) -> Result<()> {
        self.daemon.stop();
        let started = Redis::start(self.port, &self.dir)?;
        // Swap in the new process; the old (stopped) one is dropped.
        *self = started;
        Ok(())
    }
}

/// One inline command to Redis on loopback `port`; the first line of its reply.
fn command(port: u16, line: &str) -> Result<String> {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = std::net::TcpStream::connect_timeout(&address, Duration::from_secs(2)).map_err(|e| format!("connecting: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).map_err(|e| e.to_string())?;
    stream.write_all(format!("{line}\r\n").as_bytes()).map_err(|e| format!("sending {line}: {e}"))?;
    let mut reply = Vec::new();
    let mut byte = [0_u8; 1];
    while !reply.ends_with(b"\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => reply.push(byte[0]),
            Ok(_) => break,
            Err(e) => return Err(format!("reading the reply to {line}: {e}")),
        }
    }
    Ok(String::from_utf8_lossy(&reply).trim_end().to_owned())
}

/// The checked-in `redis-sqlite.toml` with this run's Redis port and shared SQLite file.
fn runtime_config(redis_port: u16, database: &Path) -> Result<String> {
    let template = std::fs::read_to_string(root().join(TEMPLATE)).map_err(|e| format!("reading {TEMPLATE}: {e}"))?;
    if !template.contains(TEMPLATE_URL) || !template.contains(TEMPLATE_PATH) {
        return Err(format!("{TEMPLATE} no longer has the lines this step replaces: {TEMPLATE_URL} and {TEMPLATE_PATH}"));
    }
    Ok(template
        .replace(TEMPLATE_URL, &format!("url = \"redis://127.0.0.1:{redis_port}\""))
        .replace(TEMPLATE_PATH, &format!("path = {:?}", database.display().to_string())))
}

/// A cart made on `a` is seen on `b` with the same cookie, changed there, and the change is seen
/// on `a`. The cookie and the cart's lines.
fn cart_made_on_one_instance_is_seen_and_changed_on_the_other(a: &Client, b: &Client) -> Result<(String, Vec<(String, i64)>)> {
    let cookie = a.put_in_cart(None, SKU, 2)?;
    let on_b = b.get("/api/cart", Some(&cookie))?.expect("the cart on B", 200)?.json()?;
    ensure(lines_of(&on_b) == pairs(&[(SKU, 2)]), || format!("B does not see the cart made on A: {on_b}"))?;
    let cookie = b.put_in_cart(Some(&cookie), SKU, 3)?;
    let cookie = b.put_in_cart(Some(&cookie), "AUD-0001", 1)?;
    let want = pairs(&[(SKU, 3), ("AUD-0001", 1)]);
    let on_a = a.get("/api/cart", Some(&cookie))?.expect("the cart on A", 200)?.json()?;
    ensure(lines_of(&on_a) == want, || format!("A does not see B's change {want:?}: {on_a}"))?;
    Ok((cookie, want))
}

/// A rule that stays: created on `admin`, priced on `shop`'s next cart. The shopper's cookie.
fn rule_that_stays(admin: &Client, shop: &Client) -> Result<String> {
    let marketer = admin.sign_in(MARKETER.email, MARKETER_PASSWORD)?;
    let rule = json!({"id": "spin-scale-kept", "name": "10% на всё", "effect": {"type": "percent_off", "target": {"kind": "cart"}, "percent": "10"}});
    admin.call("POST", "/api/admin/rules", Some(&marketer), &[], Some(&rule))?.expect("creating a rule on A", 201)?;
    let shopper = shop.put_in_cart(None, SKU, 1)?;
    priced_ten_percent_off(shop, &shopper)?;
    Ok(shopper)
}

fn priced_ten_percent_off(c: &Client, cookie: &str) -> Result<()> {
    let cart = c.get("/api/cart", Some(cookie))?.expect("a cart under the kept rule", 200)?.json()?;
    ensure(super::percent_off(&cart["subtotal"], &cart["total"], 10), || {
        format!("{}: the kept 10% rule does not price the cart: {cart}", c.base)
    })
}

/// What the instances held before Redis restarted empty, to check after.
struct Before {
    cart: (String, Vec<(String, i64)>),
    winners: Vec<String>,
    rule_shopper: String,
}

/// After Redis restarted empty: both instances answer, the cart, the sold-out stock, the orders
/// and the rule are all still there, and the cart can still be changed on one and seen on the other.
fn nothing_that_matters_was_in_redis(a: &Client, b: &Client, before: &Before) -> Result<()> {
    let both = [a, b];
    // The first requests after the restart: Spin's Redis client reconnects, each instance
    // rebuilds what it cached.
    for c in both {
        c.get("/api/health", None)?.expect(&format!("{} /api/health after Redis restarted", c.base), 200)?;
    }
    let (cookie, lines) = &before.cart;
    for c in both {
        let cart = c.get("/api/cart", Some(cookie))?.expect("the cart after Redis restarted", 200)?.json()?;
        ensure(&lines_of(&cart) == lines, || format!("{}: the cart after Redis restarted: {cart}", c.base))?;
        let left = c.available(RACE_SKU, STORE)?;
        ensure(left == 0, || format!("{}: {left} units of the sold-out {RACE_SKU} available after Redis restarted", c.base))?;
        priced_ten_percent_off(c, &before.rule_shopper)?;
    }
    for (i, winner) in before.winners.iter().enumerate() {
        let c = both[i % 2];
        let orders = c.get("/api/orders", Some(winner))?.expect("a winner's orders after Redis restarted", 200)?.json()?;
        ensure(orders.as_array().map(Vec::len) == Some(1), || format!("{}: a winner's orders after Redis restarted: {orders}", c.base))?;
    }
    let cookie = b.put_in_cart(Some(cookie), "AUD-0001", 2)?;
    let cart = a.get("/api/cart", Some(&cookie))?.expect("the cart on A", 200)?.json()?;
    ensure(lines_of(&cart) == pairs(&[(SKU, 3), ("AUD-0001", 2)]), || format!("A does not see B's change after Redis restarted: {cart}"))
}

/// Starts Redis, two `spin up` over it and one SQLite file, and runs the scenarios across both;
/// the number of scenarios passed.
pub(super) fn run(spin: &Path) -> Result<u64> {
    crate::step("edge on real Spin, scaled out: two spin up over one Redis (key-value) and one SQLite file");
    crate::ensure_debian(&[(REDIS_SERVER, "redis-server")], "the two-instance Spin scenarios")?;
    let started = Instant::now();
    let (redis_port, dir) = fresh_dir("scale")?;
    let mut redis = Redis::start(redis_port, &dir)?;
    let config = dir.join("runtime-config.toml");
    let text = runtime_config(redis_port, &dir.join("shared.db"))?;
    std::fs::write(&config, text).map_err(|e| format!("writing {}: {e}", config.display()))?;
    let extra: Vec<OsString> = vec!["--runtime-config-file".into(), config.into_os_string()];
    let mut up_a = SpinUp::start(spin, "scale-a", &extra)?;
    let mut up_b = SpinUp::start(spin, "scale-b", &extra)?;
    let (a, b) = (Client::new(&up_a.url), Client::new(&up_b.url));
    // Both start on one empty database: each instance's first request migrates it at once.
    std::thread::scope(|s| {
        let on_b = s.spawn(|| up_b.wait_healthy(&b));
        let on_a = up_a.wait_healthy(&a);
        on_a.and(on_b.join().unwrap_or_else(|_| Err("waiting for B panicked".into())))
    })
    .map_err(|e| format!("two instances starting on one empty database: {e}"))?;
    let fail = |name: &str, e: String, up_a: &SpinUp, up_b: &SpinUp, redis: &Redis| {
        format!(
            "edge on Spin, scaled out, scenario \"{name}\": {e}\nA{}\nB{}\nRedis{}",
            up_a.log_tail(),
            up_b.log_tail(),
            redis.daemon.log_tail()
        )
    };
    let mut passed = 0;
    let mut run = |name: &str, scenario: &mut dyn FnMut() -> Result<()>, up_a: &SpinUp, up_b: &SpinUp, redis: &Redis| -> Result<()> {
        let t = Instant::now();
        scenario().map_err(|e| fail(name, e, up_a, up_b, redis))?;
        passed += 1;
        eprintln!("    ok  {name} ({:.1}s)", t.elapsed().as_secs_f64());
        Ok(())
    };
    let mut cart = None;
    run(
        "a cart made on A is seen and changed on B with the same cookie",
        &mut || cart_made_on_one_instance_is_seen_and_changed_on_the_other(&a, &b).map(|c| cart = Some(c)),
        &up_a,
        &up_b,
        &redis,
    )?;
    let mut winners = Vec::new();
    run(
        "60 checkouts split between A and B for the last 3 units make exactly 3 orders",
        &mut || race_for_the_last_units(&[&a, &b], RACE_SKU, SPLIT_RACERS).map(|w| winners = w),
        &up_a,
        &up_b,
        &redis,
    )?;
    run(
        "a rule created and changed on A prices B's next cart",
        &mut || rule_change_reaches_the_shopper(&a, &b, "spin-scale-rule"),
        &up_a,
        &up_b,
        &redis,
    )?;
    let mut rule_shopper = String::new();
    run(
        "a rule that stays, created on A, prices B's cart",
        &mut || rule_that_stays(&a, &b).map(|s| rule_shopper = s),
        &up_a,
        &up_b,
        &redis,
    )?;
    let restarted = (|| {
        let cached = redis.keys()?;
        ensure(cached > 0, || "the instances put nothing in Redis: is the runtime-config in use?".to_owned())?;
        redis.restart_empty()?;
        let empty = redis.keys()?;
        ensure(empty == 0, || format!("Redis restarted with {empty} keys, not empty"))?;
        Ok(cached)
    })();
    let cached = restarted.map_err(|e: String| format!("edge on Spin, scaled out, restarting Redis: {e}{}", redis.daemon.log_tail()))?;
    eprintln!("    Redis held {cached} key(s); killed and started again, empty");
    let before = Before { cart: cart.ok_or("no cart")?, winners, rule_shopper };
    run(
        "after Redis restarted empty: carts, stock, orders and rules intact on both",
        &mut || nothing_that_matters_was_in_redis(&a, &b, &before),
        &up_a,
        &up_b,
        &redis,
    )?;
    eprintln!("    Redis holds {} key(s) again (the cache rebuilt)", redis.keys()?);
    // The kept rule goes, so the libSQL run below prices without it.
    let marketer = a.sign_in(MARKETER.email, MARKETER_PASSWORD)?;
    a.call("DELETE", "/api/admin/rules/spin-scale-kept", Some(&marketer), &[], None)?.expect("deleting the kept rule", 204)?;
    up_a.passed = true;
    up_b.passed = true;
    drop((up_a, up_b));
    eprintln!("    scaled out: all scenarios passed in {:.1}s", started.elapsed().as_secs_f64());
    // The same journeys over libSQL (a stand-in serving a copy of the database A and B left) and
    // this Redis, with the checked-in redis-libsql.toml.
    passed += super::libsql::run(spin, &format!("redis://127.0.0.1:{redis_port}"), &dir.join("shared.db"))?;
    drop(redis);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_config_is_the_checked_in_one_with_this_runs_redis_and_database() {
        let text = runtime_config(6390, Path::new("/tmp/x/shared.db")).expect("the template has its placeholders");
        assert!(text.contains("type = \"redis\"") && text.contains("url = \"redis://127.0.0.1:6390\""), "{text}");
        assert!(text.contains("type = \"spin\""), "{text}");
        assert!(text.contains("path = \"/tmp/x/shared.db\""), "{text}");
    }

    #[test]
    fn the_libsql_runtime_config_holds_placeholders_only() {
        let text = std::fs::read_to_string(root().join("deploy/runtime-config/redis-libsql.toml")).expect("redis-libsql.toml");
        for line in ["type = \"redis\"", "type = \"libsql\"", "url = \"https://", "token = \"REPLACE-WITH-"] {
            assert!(text.contains(line), "{line} in {text}");
        }
    }
}
