//! Vitrina's edge service: one axum [`Router`] over storage ports, hosted natively by the
//! `vitrina` binary (rusqlite, tokio) or by Spin (`spin_sdk`, wasm32-wasip2).

// The layers, each importing only from those below it (no file of `api/` imports another):
// the handlers, one file per area of the HTTP API;
pub mod api;

// below them: pricing, notifications, the order workflow, search, what a request names, rate
// limits, passwords and the first accounts;
pub mod accounts;
pub mod imports;
mod limits;
pub mod listing;
mod lookup;
pub mod notify;
mod ordering;
pub mod pagecache;
pub mod pricing;
pub mod search;

// the one transaction idiom and the session;
pub mod session;
mod tx;

// every SQL statement of the crate, with the row types it reads;
pub mod db;

// the ports.
pub mod ports;

// Around all of them: errors, extractors, security headers, the app's files, logs, the API document.
pub mod error;
pub mod extract;
pub mod hardening;
pub mod openapi;
pub mod site;
pub mod telemetry;

// The adapters: the test payment provider (keeping its records through `db`), the native
// binary's adapters and start-up, and the Spin component.
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod payments;
#[cfg(target_arch = "wasm32")]
mod spin;

use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::Router;
use error::ApiError;
use ports::{Clock, Kv, Sql};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The request header carrying the client's address, set by [`client_address`] from what the
/// host saw (never from what the client sent).
pub const CLIENT_HEADER: &str = "x-vitrina-client";

/// Replaces any client-sent [`CLIENT_HEADER`] with the client's address as far as the host can
/// vouch for it (see [`client_key`]): the native host's `ConnectInfo`, or Spin's `spin-client-addr`.
async fn client_address(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let key = peer_address(&req).map_or_else(|| "unknown".to_owned(), |peer| client_key(peer, forwarded, &app.config.trusted_proxies));
    req.headers_mut().remove(CLIENT_HEADER);
    if let Ok(v) = HeaderValue::from_str(&key) {
        req.headers_mut().insert(CLIENT_HEADER, v);
    }
    next.run(req).await
}

/// The key rate limits count a client under. Behind a configured trusted proxy, the nearest
/// untrusted address in `X-Forwarded-For` (read from the right; the left part is the client's own
/// claim); otherwise the peer. IPv6 addresses count per /64, the block one subscriber gets.
pub fn client_key(peer: IpAddr, forwarded_for: Option<&str>, trusted_proxies: &[IpAddr]) -> String {
    let client = if trusted_proxies.contains(&peer) {
        forwarded_for
            .into_iter()
            .flat_map(|v| v.rsplit(','))
            .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
            .find(|ip| !trusted_proxies.contains(ip))
            .unwrap_or(peer)
    } else {
        peer
    };
    match client {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn peer_address(req: &Request) -> Option<IpAddr> {
    req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())
}

#[cfg(target_arch = "wasm32")]
fn peer_address(req: &Request) -> Option<IpAddr> {
    // Spin sets `spin-client-addr` (ip:port, or [ipv6]:port) on every incoming request.
    let addr = req.headers().get("spin-client-addr")?.to_str().ok()?;
    addr.parse::<std::net::SocketAddr>().map(|a| a.ip()).or_else(|_| addr.parse::<IpAddr>()).ok()
}

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Host configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Accounts created on first start if their e-mail is not registered yet: the first staff
    /// and marketer accounts (later ones are managed in the product).
    pub bootstrap_accounts: Vec<BootstrapAccount>,
    /// Directory of the built app; `None` serves the API and the public pages without islands.
    pub site_dir: Option<PathBuf>,
    /// The shop's public address (`https://shop.example`) for canonical links, OpenGraph and the
    /// sitemap; `None` takes the request's `Host` (development).
    pub public_url: Option<String>,
    /// Key signing session cookies (HMAC-SHA256); at least 32 random bytes.
    pub session_key: Vec<u8>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (for rate limits per client).
    pub trusted_proxies: Vec<IpAddr>,
    /// How long stock stays held for orders.
    pub holds: vitrina_shared::orders::HoldPolicy,
    /// The loyalty programme's rates.
    pub loyalty: vitrina_shared::loyalty::LoyaltyPolicy,
    /// Web Push: keys, trusted push services, reminders.
    pub push: notify::PushConfig,
    /// Staff accounts may manage the catalog too (the `merchandiser` role's API): natively
    /// `VITRINA_STAFF_MERCHANDISE`, on Spin the `staff_merchandise` variable; both default to
    /// `true` (`Config::default()` leaves it off).
    pub staff_merchandise: bool,
    /// Test-only: abort the process at this point of a checkout (`VITRINA_TEST_CRASH_AT`), to
    /// prove that a checkout interrupted by a crash ends cleanly after a restart.
    pub crash_at: Option<CrashPoint>,
    /// Run catalog imports in the background (the native host) rather than in the request that
    /// starts them (Spin, whose components have no background; and tests).
    pub imports_in_background: bool,
}

/// Where a test may make the host crash during a card checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    /// The pending order is committed; the provider has not been asked yet.
    OrderWritten,
    /// The provider approved the charge; the order does not know yet.
    Charged,
}

impl CrashPoint {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "order_written" => Some(CrashPoint::OrderWritten),
            "charged" => Some(CrashPoint::Charged),
            _ => None,
        }
    }
}

/// An account to create on first start.
#[derive(Clone)]
pub struct BootstrapAccount {
    pub email: String,
    pub password: String,
    pub role: vitrina_shared::account::Role,
}

impl std::fmt::Debug for BootstrapAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BootstrapAccount").field("email", &self.email).field("role", &self.role).finish_non_exhaustive()
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub sql: Arc<dyn Sql>,
    pub kv: Arc<dyn Kv>,
    pub clock: Arc<dyn Clock>,
    pub payments: Arc<dyn ports::Payments>,
    /// Outbound HTTP for push delivery.
    pub outbound: Arc<dyn ports::Outbound>,
    /// This instance's offer rules, reloaded when their version key changes.
    pub rules: Arc<pricing::RulesCache>,
    /// Rendered public pages, where the storage port can tell when data changed.
    pub pages: Arc<pagecache::PageCache>,
    pub config: Arc<Config>,
}

/// The whole HTTP surface: `/api/*` and, when a site directory is configured, the app.
///
/// The routes come in two parts, each behind a cargo feature, both on by default (the native host
/// and the tests serve everything). On Spin they are two components of one application, routed by
/// `spin.toml`: `vitrina` (feature `shop`: what shoppers, kiosks and their browsers call, and the
/// server-rendered pages) and `vitrina-back-office` (feature `back-office`: staff, merchandisers,
/// marketers, POS/ERP integrations and the scheduler). A shopper's request thus loads a component
/// without the imports, the catalog editor, the rule editor, the reports or Web Push delivery.
pub fn router(state: AppState) -> Router {
    let api = Router::new();
    #[cfg(feature = "shop")]
    let api = shop_routes(api);
    #[cfg(feature = "back-office")]
    let api = back_office_routes(api);
    let api = api
        .fallback(|| async { ApiError::not_found("not_found", "no such API endpoint; see /api/openapi.json") })
        .method_not_allowed_fallback(|| async {
            ApiError::MethodNotAllowed("this endpoint does not accept that method; see /api/openapi.json".into())
        })
        .layer(middleware::from_fn_with_state(state.clone(), session::middleware));
    // Everything outside /api: the server-rendered public pages, then the site's files and the
    // apps' shells (edge/src/api/pages.rs).
    #[cfg(feature = "shop")]
    let app = Router::new().nest("/api", api).fallback(api::pages::serve);
    #[cfg(not(feature = "shop"))]
    let app = Router::new().nest("/api", api).fallback(|| async { ApiError::not_found("not_found", "no such page") });
    app.layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), client_address))
        // Outermost, so every answer (fallbacks and refusals too) carries the security headers.
        .layer(middleware::from_fn(hardening::middleware))
        // Around everything else: one `request` span per request, its request id echoed.
        .layer(middleware::from_fn(telemetry::middleware))
        .with_state(state)
}

/// What shoppers, kiosks and their browsers call (see [`router`]).
#[cfg(feature = "shop")]
fn shop_routes(api: Router<AppState>) -> Router<AppState> {
    api.route("/health", get(api::catalog::health))
        .route("/openapi.json", get(openapi::document))
        .route("/categories", get(api::catalog::categories))
        .route("/products", get(api::catalog::products))
        .route("/products/{sku}", get(api::catalog::product))
        .route("/search/suggest", get(api::search::suggest))
        .route("/products/{sku}/variants", get(api::catalog::variants))
        .route("/products/{sku}/rating", put(api::catalog::rate))
        .route("/stores", get(api::catalog::stores))
        .route("/stores/{store}/stock", put(api::catalog::put_stock))
        .route("/availability/{sku}", get(api::catalog::availability))
        .route("/auth/register", post(api::accounts::register))
        .route("/auth/login", post(api::accounts::login))
        .route("/auth/logout", post(api::accounts::logout))
        .route("/me", get(api::accounts::me).put(api::accounts::update_me))
        .route("/me/devices", get(api::accounts::devices))
        .route("/me/devices/{id}", delete(api::accounts::sign_out_device))
        .route("/cart", get(api::carts::get))
        .route("/cart/items/{sku}", put(api::carts::put_item).delete(api::carts::delete_item))
        .route("/cart/handoff", post(api::handoffs::create))
        .route("/handoff/{code}/claim", post(api::handoffs::claim))
        .route("/session", get(api::accounts::session_info).put(api::kiosks::set_channel))
        .route("/kiosk/enrol", post(api::kiosks::enrol))
        .route("/checkout/options", get(api::checkout::options))
        .route("/orders", get(api::orders::list).post(api::checkout::create))
        .route("/orders/{id}", get(api::orders::get))
        .route("/orders/{id}/{action}", post(api::orders::act))
        .route("/stores/{store}/pickups", get(api::orders::pickups))
        .route("/returns", post(api::aftersales::create_return))
        .route("/returns/{id}/receive", post(api::aftersales::receive_return))
        .route("/me/loyalty", get(api::aftersales::my_loyalty))
        .route("/nps", post(api::aftersales::answer_nps))
        .route("/offers", get(api::offers::list))
        .route("/push/vapid-public-key", get(api::push::vapid_public_key))
        .route("/push/subscriptions", get(api::push::my_subscriptions).post(api::push::subscribe).delete(api::push::unsubscribe))
        .route("/push/clicks", post(api::push::click))
}

/// What staff, merchandisers, marketers, POS/ERP integrations and the scheduler call (see
/// [`router`]); `spin.toml` routes these paths to the `vitrina-back-office` component.
#[cfg(feature = "back-office")]
fn back_office_routes(api: Router<AppState>) -> Router<AppState> {
    api.route("/admin/search/synonyms", get(api::search::synonyms).put(api::search::put_synonyms))
        .route("/kiosk/enrolments", post(api::kiosks::issue))
        .route("/kiosks", get(api::kiosks::list))
        .route("/kiosks/{id}", delete(api::kiosks::unenrol))
        .route("/pos/sales", post(api::aftersales::pos_sale))
        .route("/loyalty/adjustments", post(api::aftersales::adjust_points))
        .route("/admin/nps", get(api::insights::nps_summary))
        .route("/admin/rules", get(api::offers::admin_list).post(api::offers::admin_create))
        .route("/admin/rules/preview", post(api::offers::admin_preview))
        .route("/admin/rules/{id}", put(api::offers::admin_update).delete(api::offers::admin_delete))
        .route("/admin/rules/{id}/versions", get(api::offers::admin_versions))
        .route("/admin/brands", get(api::merchandising::brands))
        .route("/admin/categories", post(api::merchandising::create_category))
        .route("/admin/categories/{id}", get(api::merchandising::get_category).patch(api::merchandising::update_category))
        .route("/admin/products", get(api::merchandising::list).post(api::merchandising::create))
        .route("/admin/products/{sku}", get(api::merchandising::get).patch(api::merchandising::update))
        .route("/admin/products/{sku}/archive", post(api::merchandising::archive))
        .route("/admin/products/{sku}/restore", post(api::merchandising::restore))
        .route("/admin/products/{sku}/price", put(api::merchandising::set_price))
        .route("/admin/products/{sku}/prices", get(api::merchandising::prices))
        .route("/admin/products/{sku}/prices/{id}", delete(api::merchandising::cancel_price))
        .route(
            "/admin/products/{sku}/pictures",
            get(api::pictures::list)
                .post(api::pictures::upload)
                .layer(DefaultBodyLimit::max(vitrina_shared::picture::MAX_PICTURE_BYTES + 64 * 1024)),
        )
        .route("/admin/products/{sku}/pictures/{id}", delete(api::pictures::remove))
        .route("/admin/imports", get(api::imports::list).post(api::imports::create))
        .route("/admin/imports/{id}", get(api::imports::get))
        .route(
            "/admin/imports/{id}/files/{name}",
            put(api::imports::put_file).layer(DefaultBodyLimit::max(vitrina_shared::import::MAX_IMPORT_FILE_BYTES)),
        )
        .route("/admin/imports/{id}/start", post(api::imports::start))
        .route("/admin/segments", get(api::insights::admin_segments))
        .route("/admin/kpis", get(api::insights::admin_kpis))
        .route("/admin/campaigns", get(api::push::list_campaigns).post(api::push::create_campaign))
        .route("/push/dispatch", post(api::push::dispatch_now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_direct_client_is_its_peer_address_and_forwarded_for_is_ignored() {
        assert_eq!(client_key(ip("203.0.113.7"), Some("198.51.100.1"), &[]), "203.0.113.7");
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_counts() {
        let proxies = [ip("10.0.0.2")];
        assert_eq!(
            client_key(ip("10.0.0.2"), Some("1.1.1.1, 203.0.113.7"), &proxies),
            "203.0.113.7",
            "the left part is the client's own claim"
        );
        assert_eq!(client_key(ip("10.0.0.2"), None, &proxies), "10.0.0.2");
        assert_eq!(client_key(ip("10.0.0.2"), Some("garbage"), &proxies), "10.0.0.2");
    }

    #[test]
    fn ipv6_clients_count_per_64_block() {
        let a = client_key(ip("2001:db8:1:2:aaaa::1"), None, &[]);
        let b = client_key(ip("2001:db8:1:2:bbbb::9"), None, &[]);
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(client_key(ip("::ffff:203.0.113.7"), None, &[]), "203.0.113.7");
    }
}
