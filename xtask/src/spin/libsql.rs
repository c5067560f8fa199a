//! Spin's libsql backend: `spin up` with `deploy/runtime-config/redis-libsql.toml` (its Redis URL
//! the scale-out step's Redis, its libSQL URL a stand-in) and the journeys whose writes hang on
//! guarded batches. No libSQL server can be installed from the registries CI reaches, so the
//! database is `hrana_standin.py`: Hrana 3 over HTTP, the protocol of sqld and Turso, each stream
//! one connection to a SQLite file (a copy of the scale-out step's seeded database). The client
//! side is real: Spin's libsql backend and the libsql crate it uses. That is where a guarded
//! batch could break (ARCHITECTURE.md, "The database behind Spin"); with the adapter before the
//! fix, the first cart write already failed here (`session_ended`: a guard read 0 changes).

use super::{
    cart_is_handed_off_to_a_phone_by_code_once, cart_session_continuity, checkout_with_idempotency, ensure, fresh_dir,
    guest_cart_merges_into_the_account_cart_on_sign_in, marketer_rule_prices_the_next_cart_and_a_change_reprices_it, poll,
    push_subscription_to_a_push_service_is_stored_listed_and_removed, race_for_the_last_units, Client, Daemon, Scenario, SpinUp,
};
use crate::{root, Result};
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The product this step's race sells out (the earlier steps' orders still hold units of theirs).
const LIBSQL_RACE_SKU: &str = "PHN-0003";
pub(super) const PYTHON: &str = "/usr/bin/python3";
const STANDIN: &str = include_str!("hrana_standin.py");
/// The checked-in runtime-config this step runs, and the placeholders it replaces.
const TEMPLATE: &str = "deploy/runtime-config/redis-libsql.toml";
const TEMPLATE_REDIS: &str = "url = \"redis://redis.internal:6379\"";
const TEMPLATE_LIBSQL: &str = "url = \"https://vitrina-shop.example.turso.io\"";
const TEMPLATE_TOKEN: &str = "token = \"REPLACE-WITH-THE-DATABASE-AUTH-TOKEN\"";

/// The journeys whose writes are guarded batches, and a small race: each statement of a batch is
/// a round trip to the stand-in while the batch holds the database's write lock, so 100 racers
/// would measure the stand-in, not the batch.
const SCENARIOS: [(&str, Scenario); 7] = [
    ("cart and session continuity", cart_session_continuity),
    ("a guest cart merges into the account cart on sign-in", guest_cart_merges_into_the_account_cart_on_sign_in),
    ("a cart is handed off to a phone by code, once", cart_is_handed_off_to_a_phone_by_code_once),
    ("checkout with idempotency", checkout_with_idempotency),
    ("20 concurrent checkouts for the last 3 units", |c| race_for_the_last_units(&[c], LIBSQL_RACE_SKU, 20).map(drop)),
    ("a marketer's rule prices the next cart and a change reprices it", marketer_rule_prices_the_next_cart_and_a_change_reprices_it),
    ("push subscription at a push service stored, listed and removed", push_subscription_to_a_push_service_is_stored_listed_and_removed),
];

/// The checked-in `redis-libsql.toml` with this run's Redis and libSQL URLs and a token.
fn runtime_config(redis_url: &str, libsql_url: &str) -> Result<String> {
    let template = std::fs::read_to_string(root().join(TEMPLATE)).map_err(|e| format!("reading {TEMPLATE}: {e}"))?;
    for placeholder in [TEMPLATE_REDIS, TEMPLATE_LIBSQL, TEMPLATE_TOKEN] {
        if !template.contains(placeholder) {
            return Err(format!("{TEMPLATE} no longer has the line this step replaces: {placeholder}"));
        }
    }
    Ok(template
        .replace(TEMPLATE_REDIS, &format!("url = \"{redis_url}\""))
        .replace(TEMPLATE_LIBSQL, &format!("url = \"{libsql_url}\""))
        .replace(TEMPLATE_TOKEN, "token = \"stand-in\""))
}

/// Runs the journeys on `spin up` over libSQL (the stand-in serving a copy of `seeded`) and the
/// Redis at `redis_url`; the number of scenarios passed.
pub(super) fn run(spin: &Path, redis_url: &str, seeded: &Path) -> Result<u64> {
    crate::ensure_debian(&[(PYTHON, "python3")], "the libSQL stand-in of the Spin scenarios")?;
    let started = Instant::now();
    let (port, dir) = fresh_dir("libsql")?;
    let database = dir.join("libsql.db");
    // Its instances are stopped: the file (and a write-ahead log, if one is left) is the database.
    for suffix in ["", "-wal"] {
        let (from, to) = (format!("{}{suffix}", seeded.display()), format!("{}{suffix}", database.display()));
        if suffix.is_empty() || Path::new(&from).is_file() {
            std::fs::copy(&from, &to).map_err(|e| format!("copying {from} to {to}: {e}"))?;
        }
    }
    let script = dir.join("hrana_standin.py");
    std::fs::write(&script, STANDIN).map_err(|e| format!("writing {}: {e}", script.display()))?;
    eprintln!("    $ {PYTHON} {} {port} {}", script.display(), database.display());
    let mut command = Command::new(PYTHON);
    command.arg(&script).arg(port.to_string()).arg(&database);
    let mut standin = Daemon::spawn("the libSQL stand-in", &mut command, &dir.join("standin.log"))?;
    let url = format!("http://127.0.0.1:{port}");
    let probe = Client::new(&url);
    poll("the libSQL stand-in did not answer", Duration::from_secs(20), |last| {
        standin.check_running()?;
        match probe.get("/", None) {
            Ok(a) => Ok(a.status == 200),
            Err(e) => {
                *last = e;
                Ok(false)
            }
        }
    })
    .map_err(|e| format!("{e}{}", standin.log_tail()))?;
    let config = dir.join("runtime-config.toml");
    std::fs::write(&config, runtime_config(redis_url, &url)?).map_err(|e| format!("writing {}: {e}", config.display()))?;
    let extra: Vec<OsString> = vec!["--runtime-config-file".into(), config.into_os_string()];
    let mut up = SpinUp::start(spin, "libsql-up", &extra)?;
    let client = Client::new(&up.url);
    up.wait_healthy(&client)?;
    let health = client.get("/api/health", None)?.json()?;
    ensure(health["products"].as_u64().is_some_and(|n| n > 0), || format!("over libSQL the catalog is empty: {health}"))?;
    for (name, scenario) in SCENARIOS {
        let t = Instant::now();
        scenario(&client)
            .map_err(|e| format!("edge on Spin over libSQL, scenario \"{name}\": {e}{}\nstand-in{}", up.log_tail(), standin.log_tail()))?;
        eprintln!("    ok  over libSQL: {name} ({:.1}s)", t.elapsed().as_secs_f64());
    }
    up.passed = true;
    drop((up, standin));
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("    over libSQL: all scenarios passed in {:.1}s", started.elapsed().as_secs_f64());
    Ok(SCENARIOS.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_libsql_runtime_config_is_the_checked_in_one_with_this_runs_urls() {
        let text = runtime_config("redis://127.0.0.1:6390", "http://127.0.0.1:8080").expect("the template has its placeholders");
        assert!(text.contains("type = \"redis\"") && text.contains("url = \"redis://127.0.0.1:6390\""), "{text}");
        assert!(text.contains("type = \"libsql\"") && text.contains("url = \"http://127.0.0.1:8080\""), "{text}");
        assert!(text.contains("token = \"stand-in\""), "{text}");
    }
}
