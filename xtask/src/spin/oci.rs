//! The app as an OCI artifact: Debian's `docker-registry` on loopback (its storage under the
//! target directory), `spin registry push` of the repository's `spin.toml` (the component and
//! `target/site` it names), then `spin up --from` the reference serves the shop: the catalog, a
//! server-rendered product page and the islands' WebAssembly from the pushed files.

use super::{ensure, fresh_dir, health_and_catalog, log_tail, manifest_for_target, poll, Client, Daemon, SpinUp, SKU};
use crate::{step, Result};
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(super) const DOCKER_REGISTRY: &str = "/usr/bin/docker-registry";

/// A registry (distribution 2.x) listening on `port`, storing under `dir`.
fn registry_config(port: u16, dir: &Path) -> String {
    format!(
        "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
        dir.join("storage").display()
    )
}

/// `spin registry push` of the repository's app to `reference`; its output in `log`.
fn push(spin: &Path, manifest: &Path, reference: &str, cache: &Path, log: &Path) -> Result<()> {
    eprintln!("    $ {} registry push --insecure --from {} {reference}", spin.display(), manifest.display());
    let out = std::fs::File::create(log).map_err(|e| format!("creating {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
    let status = Command::new(spin)
        .args(["registry", "push", "--insecure", "--from"])
        .arg(manifest)
        .arg("--cache-dir")
        .arg(cache)
        .arg(reference)
        .current_dir(crate::root())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| format!("starting {}: {e}", spin.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`spin registry push {reference}` failed ({status}){}", log_tail(log)))
    }
}

/// What `spin up --from <reference>` must serve: the seeded catalog, a server-rendered product
/// page, and the islands' WebAssembly it names (one of the pushed static files).
fn published_app_serves_the_shop(c: &Client) -> Result<()> {
    health_and_catalog(c)?;
    let page = c.get(&format!("/p/{SKU}"), None)?.expect("a product page", 200)?;
    ensure(page.body.contains("data-testid=\"product-name\""), || format!("GET /p/{SKU} has no product name"))?;
    let wasm = page
        .body
        .split("data-wasm=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| format!("GET /p/{SKU} names no islands WebAssembly"))?
        .to_owned();
    let islands = c.get(&wasm, None)?.expect(&format!("GET {wasm}"), 200)?;
    ensure(islands.header("content-type") == Some("application/wasm") && islands.body.starts_with("\0asm"), || {
        format!("GET {wasm}: content-type {:?}, {} bytes", islands.header("content-type"), islands.body.len())
    })
}

/// Pushes the app to a registry on loopback and runs it from there; the number of scenarios passed.
pub(super) fn run(spin: &Path) -> Result<u64> {
    step("edge on real Spin, published: spin registry push to a registry on loopback, then spin up --from the reference");
    crate::ensure_debian(&[(DOCKER_REGISTRY, "docker-registry")], "the OCI round trip of the Spin app")?;
    let started = Instant::now();
    let (port, dir) = fresh_dir("oci")?;
    let config = dir.join("registry.yml");
    std::fs::write(&config, registry_config(port, &dir)).map_err(|e| format!("writing {}: {e}", config.display()))?;
    eprintln!("    $ {DOCKER_REGISTRY} serve {}", config.display());
    let mut registry =
        Daemon::spawn("docker-registry", Command::new(DOCKER_REGISTRY).arg("serve").arg(&config), &dir.join("registry.log"))?;
    let base = format!("http://127.0.0.1:{port}");
    let api = Client::new(&base);
    poll("the registry did not answer GET /v2/ with 200", Duration::from_secs(20), |last| {
        registry.check_running()?;
        match api.get("/v2/", None) {
            Ok(a) if a.status == 200 => Ok(true),
            Ok(a) => {
                *last = format!("{} {}", a.status, a.body);
                Ok(false)
            }
            Err(e) => {
                *last = e;
                Ok(false)
            }
        }
    })
    .map_err(|e| format!("{e}{}", registry.log_tail()))?;
    let reference = format!("127.0.0.1:{port}/vitrina:test");
    let manifest = manifest_for_target(&dir)?;
    let t = Instant::now();
    push(spin, &manifest, &reference, &dir.join("cache-push"), &dir.join("push.log")).map_err(|e| format!("{e}{}", registry.log_tail()))?;
    let tags = api.get("/v2/vitrina/tags/list", None)?.expect("the registry's tags of vitrina", 200)?;
    ensure(tags.body.contains("\"test\""), || format!("the registry does not list vitrina:test: {}", tags.body))?;
    eprintln!("    ok  pushed {reference} ({:.1}s)", t.elapsed().as_secs_f64());
    let extra: Vec<OsString> = vec!["--insecure".into(), "--cache-dir".into(), dir.join("cache-up").into_os_string()];
    let mut up = SpinUp::start_reference(spin, "oci-up", &reference, &extra)?;
    let client = Client::new(&up.url);
    let t = Instant::now();
    up.wait_healthy(&client).map_err(|e| format!("spin up --from {reference}: {e}{}", registry.log_tail()))?;
    published_app_serves_the_shop(&client).map_err(|e| format!("spin up --from {reference}: {e}{}", up.log_tail()))?;
    eprintln!("    ok  spin up --from {reference} serves the catalog, a product page and the islands ({:.1}s)", t.elapsed().as_secs_f64());
    up.passed = true;
    drop((up, registry));
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("    published: the OCI round trip passed in {:.1}s", started.elapsed().as_secs_f64());
    Ok(2)
}
