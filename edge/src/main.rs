//! `vitrina`: the native embedded host. Serves the API and the built app on one port, with
//! SQLite on disk, created, migrated and seeded with demo data on first start.

/// The native host's allocator: a page or an availability answer at 1,000 stores makes thousands
/// of small allocations, and glibc's malloc spent a quarter of such a request on them.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native_main::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native_main {
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use vitrina_edge::notify::PushConfig;
    use vitrina_edge::telemetry::{self, LogFormat};
    use vitrina_edge::{native, BootstrapAccount, Config};
    use vitrina_shared::account::Role;
    use vitrina_shared::loyalty::LoyaltyPolicy;
    use vitrina_shared::orders::HoldPolicy;

    const HELP: &str = "vitrina — Vitrina's embedded host: the storefront API and app on one port

USAGE:
    vitrina [--listen ADDR] [--data DIR] [--site DIR] [--log-format FORMAT]
    vitrina import [--data DIR] FILE...
                    imports a catalog into the database in DIR, as POST /api/admin/imports does:
                    CSV (*.csv), JSON Lines (*.jsonl) or a CommerceML pair (import.xml and/or
                    offers.xml from 1C); all of a run's files in one format, applied whole or not
                    at all, refused rows listed with their reason; progress on stderr
    vitrina generate [--data DIR] --products N --stores M
                    for benchmarks: brings the catalog in DIR up to N products (imported as a
                    generated CSV, timed) and M stores, with a stock row for every product in
                    every store (`cargo xtask bench scale` uses 100000 and 1000); stop any host
                    serving DIR first

OPTIONS:
    --listen ADDR   address to listen on            [default: 127.0.0.1:3000]
    --data DIR      directory for the SQLite database and generated secrets
                                                    [default: .vitrina]
    --site DIR      the built app (`cargo xtask build` writes target/site)
                                                    [default: target/site]
    --log-format FORMAT
                    log lines on stderr: `human` or `json` (one object per line)
                                                    [default: human]
    -h, --help      print this help

ENVIRONMENT:
    RUST_LOG              which log events to keep, e.g. `warn` or `info,vitrina_edge=debug`
                          [default: info]
    VITRINA_STAFF_EMAIL, VITRINA_STAFF_PASSWORD
                          the first staff account (store staff, POS/ERP integrations), created on
                          first start [default: staff@vitrina.local, password generated into
                          <data>/staff-password]
    VITRINA_TRUSTED_PROXIES
                          comma-separated addresses of reverse proxies whose X-Forwarded-For is
                          believed when limiting sign-in and hand-off attempts per client
    VITRINA_MARKETER_EMAIL, VITRINA_MARKETER_PASSWORD
                          the first marketer account [default: marketer@vitrina.local, password
                          generated into <data>/marketer-password]
    VITRINA_MERCHANDISER_EMAIL, VITRINA_MERCHANDISER_PASSWORD
                          the first merchandiser account (catalog and prices) [default:
                          merchandiser@vitrina.local, password generated into
                          <data>/merchandiser-password]
    VITRINA_STAFF_MERCHANDISE
                          whether staff accounts may manage the catalog too (true or false) [true]
    VITRINA_SESSION_KEY   key signing session cookies; if unset, generated into <data>/session-key
    VITRINA_HOLD_MINUTES, VITRINA_PAYMENT_HOLD_MINUTES, VITRINA_READY_HOLD_MINUTES
                          how long stock is held for a pay-on-pickup reservation [120], during an
                          online payment [15], and on the shelf once ready [4320]
    VITRINA_POINTS_PERCENT, VITRINA_POINTS_CAP_PERCENT, VITRINA_POINTS_EXPIRY_DAYS
                          loyalty points earned per 100 roubles [5], share of an order points may
                          pay [30], days until points expire [365]
    VITRINA_VAPID_PRIVATE_KEY
                          Web Push VAPID private key (32 bytes, base64url); if unset, one is
                          generated on first use and kept in the database
    VITRINA_PUSH_CONTACT  the VAPID contact (sub) [mailto:push@vitrina.local]
    VITRINA_PUSH_DISPATCH_TOKEN
                          bearer token for POST /api/push/dispatch (schedulers); the host also
                          dispatches on its own every 15 s
    VITRINA_ABANDONED_CART_MINUTES
                          minutes before an untouched cart gets a reminder [20]
    VITRINA_PUSH_TEST_HOSTS
                          comma-separated host:port push-service stand-ins reachable over plain
                          http (tests only; never set in production)";

    struct Args {
        listen: String,
        data: PathBuf,
        site: PathBuf,
        log_format: LogFormat,
    }

    fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
        let mut parsed =
            Args { listen: "127.0.0.1:3000".into(), data: ".vitrina".into(), site: "target/site".into(), log_format: LogFormat::Human };
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "-h" | "--help" => return Ok(None),
                "--listen" => parsed.listen = value("--listen")?,
                "--data" => parsed.data = value("--data")?.into(),
                "--site" => parsed.site = value("--site")?.into(),
                "--log-format" => {
                    let raw = value("--log-format")?;
                    parsed.log_format = LogFormat::parse(&raw).ok_or_else(|| format!("--log-format must be human or json, not {raw:?}"))?;
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(Some(parsed))
    }

    /// A secret: from the environment variable `env`, else from `<data>/<file>`, else new random
    /// hex written there (mode 0600) so it survives restarts.
    fn secret(data: &Path, env: &str, file: &str, bytes: usize) -> Result<String, String> {
        if let Ok(value) = std::env::var(env) {
            if !value.trim().is_empty() {
                return Ok(value.trim().to_owned());
            }
        }
        let path = data.join(file);
        if let Ok(existing) = std::fs::read_to_string(&path) {
            if !existing.trim().is_empty() {
                return Ok(existing.trim().to_owned());
            }
        }
        let mut buf = vec![0_u8; bytes];
        getrandom::fill(&mut buf).map_err(|e| format!("no randomness for {file}: {e}"))?;
        let value: String = buf.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::create_dir_all(data).map_err(|e| format!("creating {}: {e}", data.display()))?;
        std::fs::write(&path, &value).map_err(|e| format!("writing {}: {e}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| format!("protecting {}: {e}", path.display()))?;
        }
        tracing::info!(path = %path.display(), "generated a secret");
        Ok(value)
    }

    pub fn main() -> ExitCode {
        let raw: Vec<String> = std::env::args().skip(1).collect();
        if raw.first().map(String::as_str) == Some("import") {
            return import_main(raw.into_iter().skip(1));
        }
        if raw.first().map(String::as_str) == Some("generate") {
            return generate_main(raw.into_iter().skip(1));
        }
        let args = match parse_args(raw.into_iter()) {
            Ok(Some(args)) => args,
            Ok(None) => {
                println!("{HELP}");
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                // Usage output for the person at the terminal, not a log event.
                eprintln!("vitrina: {e}\n\n{HELP}");
                return ExitCode::from(2);
            }
        };
        telemetry::init(args.log_format);
        let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                tracing::error!(error = %e, "cannot start the async runtime");
                return ExitCode::FAILURE;
            }
        };
        match runtime.block_on(run(args)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!(error = %e, "stopped");
                ExitCode::FAILURE
            }
        }
    }

    /// `vitrina import [--data DIR] FILE...`: runs an import on the command line, printing its
    /// progress and outcome; fails (exit 1) if the import applied nothing, 2 on a usage error.
    fn import_main(mut args: impl Iterator<Item = String>) -> ExitCode {
        let mut data = PathBuf::from(".vitrina");
        let mut files = Vec::new();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--data" => match args.next() {
                    Some(d) => data = d.into(),
                    None => return usage("--data needs a value"),
                },
                "-h" | "--help" => {
                    println!("{HELP}");
                    return ExitCode::SUCCESS;
                }
                other if other.starts_with("--") => return usage(&format!("unknown argument {other:?}")),
                file => files.push(PathBuf::from(file)),
            }
        }
        if files.is_empty() {
            return usage("import: name the files to import");
        }
        telemetry::init(LogFormat::Human);
        let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                tracing::error!(error = %e, "cannot start the async runtime");
                return ExitCode::FAILURE;
            }
        };
        match runtime.block_on(import(&data, &files)) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                tracing::error!(error = %e, "import stopped");
                ExitCode::FAILURE
            }
        }
    }

    /// `vitrina generate [--data DIR] --products N --stores M`.
    fn generate_main(mut args: impl Iterator<Item = String>) -> ExitCode {
        let mut data = PathBuf::from(".vitrina");
        let mut scale = native::scale::Scale { products: 0, stores: 0 };
        while let Some(arg) = args.next() {
            let value = args.next();
            let number = value.as_deref().and_then(|v| v.parse::<u32>().ok());
            match (arg.as_str(), value.as_deref(), number) {
                ("--data", Some(d), _) => data = d.into(),
                ("--products", _, Some(n)) => scale.products = n,
                ("--stores", _, Some(n)) => scale.stores = n,
                (other, _, _) => return usage(&format!("generate: {other:?} needs a value (--products and --stores a number)")),
            }
        }
        telemetry::init(LogFormat::Human);
        let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                tracing::error!(error = %e, "cannot start the async runtime");
                return ExitCode::FAILURE;
            }
        };
        let result = runtime.block_on(async {
            let state = native::open_state(&data, Config::default()).await.map_err(|e| e.to_string())?;
            native::scale::generate(state, &data, scale).await.map_err(|e| e.to_string())
        });
        match result {
            Ok(g) => {
                println!(
                    "generated: import of {} products ({} created, {} refused) in {:.1} s; {} stores added, {} stock rows in {:.1} s",
                    g.import.total, g.import.created, g.import.refused, g.import_seconds, g.stores_added, g.stock_rows, g.stock_seconds
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                tracing::error!(error = %e, "generating stopped");
                ExitCode::FAILURE
            }
        }
    }

    fn usage(message: &str) -> ExitCode {
        eprintln!("vitrina: {message}\n\n{HELP}");
        ExitCode::from(2)
    }

    async fn import(data: &Path, paths: &[PathBuf]) -> Result<bool, String> {
        use vitrina_edge::imports;
        use vitrina_shared::import::ImportFormat;
        let mut format = None;
        let mut files = Vec::new();
        for path in paths {
            let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| format!("{}: not a file name", path.display()))?.to_owned();
            let this = ImportFormat::of_file(&name).ok_or_else(|| format!("{name}: the name must end in .csv, .jsonl or .xml"))?;
            if format.is_some_and(|f| f != this) {
                return Err("all files of one import are in one format".into());
            }
            if !this.accepts(&name) {
                return Err(format!(
                    "{name}: CommerceML files are import*.xml and offers*.xml, named with letters, digits, '.', '_' and '-'"
                ));
            }
            format = Some(this);
            let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            tracing::info!(file = %name, bytes = bytes.len(), "read");
            files.push((name, bytes));
        }
        let format = format.ok_or("no files")?;
        let config = Config { imports_in_background: false, ..Config::default() };
        let state = native::open_state(data, config).await.map_err(|e| e.to_string())?;
        let started = std::time::Instant::now();
        let id = imports::queue_files(&state, format, files, "cli").await.map_err(|e| e.to_string())?;
        tracing::info!(import = %id, format = format.as_str(), data = %data.display(), "import queued");
        let watcher = {
            let (state, id) = (state.clone(), id.clone());
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
                loop {
                    tick.tick().await;
                    if let Ok(Some(s)) = imports::status(&state, &id, None).await {
                        if s.status == "running" && s.total_rows > 0 {
                            tracing::info!(import = %id, checked = s.checked_rows, total = s.total_rows, "checking rows");
                        }
                    }
                }
            })
        };
        let stale_before = state.clock.now().timestamp();
        let result = imports::run(&state, &id, stale_before).await.map_err(|e| e.to_string());
        watcher.abort();
        if result?.is_none() {
            // A host serving the same directory took it first (its dispatcher runs queued imports).
            tracing::error!(
                import = %id,
                data = %data.display(),
                "another worker (a host serving this directory?) runs the import; follow it with GET /api/admin/imports/{id}"
            );
            return Ok(false);
        }
        let s = imports::status(&state, &id, Some(0)).await.map_err(|e| e.to_string())?.ok_or("the import vanished")?;
        const LISTED: usize = 100;
        for r in s.refusals.iter().take(LISTED) {
            tracing::warn!(at = %r.at, sku = r.sku.as_deref(), field = r.field.as_deref(), reason = %r.reason, "refused: {}", r.message);
        }
        if s.refused > LISTED as u64 {
            tracing::warn!(more = s.refused - LISTED as u64, "more refused rows: GET /api/admin/imports/{id}?refusals_from={LISTED}");
        }
        let seconds = started.elapsed().as_secs_f64();
        match &s.error {
            Some(e) => {
                tracing::error!(import = %id, code = %e.code, "import failed, nothing applied: {}", e.message);
                Ok(false)
            }
            None => {
                println!(
                    "import {id}: {} rows: {} created, {} updated, {} unchanged, {} refused in {seconds:.1} s",
                    s.total_rows, s.created, s.updated, s.unchanged, s.refused
                );
                Ok(true)
            }
        }
    }

    /// Overrides `target` with the environment variable `env` when set; a value that is not a
    /// positive number is an error naming the variable.
    fn number<T: std::str::FromStr + PartialOrd + Default>(env: &str, target: &mut T) -> Result<(), String> {
        match std::env::var(env) {
            Ok(raw) => match raw.trim().parse::<T>() {
                Ok(v) if v > T::default() => {
                    *target = v;
                    Ok(())
                }
                _ => Err(format!("{env} must be a positive whole number, not {raw:?}")),
            },
            Err(_) => Ok(()),
        }
    }

    async fn run(args: Args) -> Result<(), String> {
        let session_key = secret(&args.data, "VITRINA_SESSION_KEY", "session-key", 32)?;
        let mut bootstrap_accounts = Vec::new();
        for (role, name) in [(Role::Staff, "staff"), (Role::Marketer, "marketer"), (Role::Merchandiser, "merchandiser")] {
            let upper = name.to_uppercase();
            let email = std::env::var(format!("VITRINA_{upper}_EMAIL")).unwrap_or_else(|_| format!("{name}@vitrina.local"));
            let password = secret(&args.data, &format!("VITRINA_{upper}_PASSWORD"), &format!("{name}-password"), 12)?;
            bootstrap_accounts.push(BootstrapAccount { email, password, role });
        }
        if !args.site.join("index.html").is_file() {
            tracing::warn!(
                site = %args.site.display(),
                "no index.html in the site directory; the API works but the app is not built (run `cargo xtask build`)"
            );
        }
        let trusted_proxies = match std::env::var("VITRINA_TRUSTED_PROXIES") {
            Ok(list) => list
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().parse().map_err(|e| format!("VITRINA_TRUSTED_PROXIES: {s:?}: {e}")))
                .collect::<Result<Vec<_>, _>>()?,
            Err(_) => Vec::new(),
        };
        let mut holds = HoldPolicy::default();
        number("VITRINA_HOLD_MINUTES", &mut holds.reserve_minutes)?;
        number("VITRINA_PAYMENT_HOLD_MINUTES", &mut holds.payment_minutes)?;
        number("VITRINA_READY_HOLD_MINUTES", &mut holds.ready_minutes)?;
        let mut loyalty = LoyaltyPolicy::default();
        number("VITRINA_POINTS_PERCENT", &mut loyalty.earn_percent)?;
        number("VITRINA_POINTS_CAP_PERCENT", &mut loyalty.redeem_cap_percent)?;
        number("VITRINA_POINTS_EXPIRY_DAYS", &mut loyalty.expiry_days)?;
        let mut push = PushConfig::default();
        let env = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        push.vapid_private_key = env("VITRINA_VAPID_PRIVATE_KEY");
        if let Some(contact) = env("VITRINA_PUSH_CONTACT") {
            push.contact = contact;
        }
        push.dispatch_token = env("VITRINA_PUSH_DISPATCH_TOKEN");
        number("VITRINA_ABANDONED_CART_MINUTES", &mut push.abandoned_cart_minutes)?;
        push.insecure_hosts =
            env("VITRINA_PUSH_TEST_HOSTS").map(|v| v.split(',').map(|h| h.trim().to_owned()).collect()).unwrap_or_default();
        let crash_at = match env("VITRINA_TEST_CRASH_AT") {
            Some(raw) => Some(
                vitrina_edge::CrashPoint::parse(&raw)
                    .ok_or_else(|| format!("VITRINA_TEST_CRASH_AT must be order_written or charged, not {raw:?}"))?,
            ),
            None => None,
        };
        let staff_merchandise = match env("VITRINA_STAFF_MERCHANDISE").as_deref() {
            None | Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(raw) => return Err(format!("VITRINA_STAFF_MERCHANDISE must be true or false, not {raw:?}")),
        };
        let config = Config {
            bootstrap_accounts,
            staff_merchandise,
            site_dir: Some(args.site.clone()),
            public_url: env("VITRINA_PUBLIC_URL"),
            session_key: session_key.into_bytes(),
            trusted_proxies,
            holds,
            loyalty,
            push,
            crash_at,
            imports_in_background: true,
        };
        let state = native::open_state(&args.data, config).await.map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::bind(&args.listen).await.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        // Kept on stderr whatever the log format or filter: edge/tests/host.rs (and people) read
        // the address from "serving http://ADDR ".
        eprintln!("vitrina: serving http://{addr} (data in {}, app from {})", args.data.display(), args.site.display());
        native::serve(listener, state).await.map_err(|e| format!("server error: {e}"))
    }
}
