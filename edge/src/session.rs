//! Sessions: a signed, HttpOnly cookie naming a session id; CSRF protection by `Origin`.
//!
//! The cookie is `<id>.<HMAC-SHA256(key, id), base64url>`. A validly signed id with no row in
//! `sessions` is a fresh anonymous session (so browsing writes nothing); the row appears when the
//! session does something worth remembering. A tampered, expired or revoked cookie silently
//! becomes a new anonymous session, never someone else's.

use crate::db::sessions;
use crate::error::ApiError;
use crate::ports::{Sql, Statement, StorageError};
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use vitrina_shared::account::{Channel, Role};
use vitrina_shared::StoreId;

pub const COOKIE: &str = "vitrina_session";
/// The cookie's name over https: the `__Host-` prefix makes browsers refuse it unless it is
/// `Secure`, `Path=/` and host-only, so a sibling subdomain cannot plant one (session fixation).
pub const SECURE_COOKIE: &str = "__Host-vitrina_session";
/// Sessions end this long after they were last used.
pub const IDLE_SECONDS: i64 = 30 * 24 * 3600;
/// `last_seen_at` is refreshed at most this often, so reads stay reads.
const TOUCH_SECONDS: i64 = 300;

type HmacSha256 = Hmac<Sha256>;

/// Random hex of `bytes` bytes from the host's CSPRNG.
pub fn random_hex(bytes: usize) -> Result<String, StorageError> {
    let mut buf = vec![0_u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| StorageError(format!("no randomness: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

fn mac(key: &[u8], id: &str) -> HmacSha256 {
    // HMAC accepts keys of any length.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(id.as_bytes());
    mac
}

/// The cookie value for session `id`.
pub fn sign(key: &[u8], id: &str) -> String {
    format!("{id}.{}", URL_SAFE_NO_PAD.encode(mac(key, id).finalize().into_bytes()))
}

/// The session id in a cookie value, if its signature is valid (checked in constant time).
pub fn verify(key: &[u8], value: &str) -> Option<String> {
    let (id, sig) = value.rsplit_once('.')?;
    let ok_id = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    (ok_id && mac(key, id).verify_slice(&sig).is_ok()).then(|| id.to_owned())
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
}

/// The signed-in account of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub role: Role,
}

/// The session a request belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub account: Option<Account>,
    pub channel: Channel,
    pub store_id: Option<StoreId>,
    /// Whether the `sessions` row exists yet.
    pub persisted: bool,
}

impl Session {
    fn fresh(id: String, channel: Channel) -> Self {
        Session { id, account: None, channel, store_id: None, persisted: false }
    }

    /// The cart owner key: the account's cart when signed in, else this session's.
    pub fn cart_owner(&self) -> String {
        match &self.account {
            Some(a) => format!("c:{}", a.id),
            None => format!("s:{}", self.id),
        }
    }

    pub fn require_account(&self) -> Result<&Account, ApiError> {
        self.account.as_ref().ok_or(ApiError::SignInRequired)
    }

    /// Refuses what would turn an enrolled kiosk into a shopper's device (signing in, registering,
    /// changing its channel): a kiosk keeps nobody's account or personal data.
    pub fn require_shopper_device(&self) -> Result<(), ApiError> {
        if self.channel == Channel::Kiosk {
            return Err(ApiError::Refused {
                code: "kiosk_device",
                message: "this tablet is a store's showroom kiosk: nobody signs in here; \"Continue on my phone\" takes the cart to your own phone".into(),
            });
        }
        Ok(())
    }

    /// The signed-in account that may manage the catalog: role `merchandiser`, or `staff` where
    /// the configuration grants staff the catalog too ([`crate::Config::staff_merchandise`]).
    pub fn require_merchandiser(&self, staff_too: bool) -> Result<&Account, ApiError> {
        let account = self.require_account()?;
        match account.role {
            Role::Merchandiser => Ok(account),
            Role::Staff if staff_too => Ok(account),
            _ => Err(ApiError::Forbidden("this action needs the merchandiser role".into())),
        }
    }

    pub fn require_role(&self, role: Role) -> Result<&Account, ApiError> {
        let account = self.require_account()?;
        if account.role == role {
            Ok(account)
        } else {
            Err(ApiError::Forbidden(format!("this action needs the {} role", role.as_str())))
        }
    }
}

/// Set on a response to make the middleware send the cookie for a session id: when a fresh
/// session first stores something, when sign-in rotates the id, when sign-out starts anew.
///
/// A fresh session gets its cookie with the first response that stores something for it, not
/// with its first request: a page's first requests run in parallel, and cookies minted by each
/// would race in the browser, possibly leaving it with an id other than the one its cart is under.
#[derive(Debug, Clone)]
pub struct RotateTo(pub String);

/// Paths under `/api` whose answers are personal: never stored by caches or the service worker.
fn personal(path: &str) -> bool {
    let path = path.strip_prefix("/api").unwrap_or(path);
    [
        "/me",
        "/cart",
        "/auth/",
        "/handoff",
        "/session",
        "/kiosk",
        "/orders",
        "/returns",
        "/pos/",
        "/loyalty",
        "/nps",
        "/checkout",
        "/admin",
        "/offers",
        "/push/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
        || path.ends_with("/pickups")
}

/// The statement that creates the session's row if missing (idempotent).
pub fn persist_statement(session: &Session, user_agent: &str, now: i64) -> Statement {
    let store = session.store_id.as_ref().map(StoreId::as_str);
    sessions::persist(&session.id, session.channel.as_str(), store, &user_agent_summary(user_agent), now, now + IDLE_SECONDS)
}

/// The statement that starts session `id` as a kiosk of `store` (enrolment `kiosk`).
pub fn kiosk_session_statement(id: &str, kiosk: &str, store: &StoreId, user_agent: &str, now: i64) -> Statement {
    sessions::start_kiosk(id, kiosk, store.as_str(), &user_agent_summary(user_agent), now, now + IDLE_SECONDS)
}

/// The statement that, when session `old` belongs to a live kiosk, starts session `fresh` on the
/// same kiosk: a kiosk signed out for the next shopper stays its store's kiosk. Changes nothing
/// for any other session.
pub fn kiosk_successor_statement(old: &str, fresh: &str, now: i64) -> Statement {
    sessions::kiosk_successor(old, fresh, now, now + IDLE_SECONDS)
}

/// The check every write batch of a session makes when it commits: the session is still live
/// (not revoked or expired), so a write racing a sign-in or a remote sign-out cannot land in a cart
/// nobody will see again. Handlers add it as a guard with `tx::Batch::live_session`.
pub fn live_statement(session: &Session, now: i64) -> Statement {
    sessions::live(&session.id, now)
}

/// Position of the liveness guard in [`write_preamble`]'s statements.
pub const LIVE_GUARD: usize = 1;

/// The session preamble as raw statements for [`crate::ports::Sql::batch`]: the session's row,
/// then [`live_statement`] as a guard at [`LIVE_GUARD`]. For tests of the port; handlers use
/// `tx::Batch::live_session`, which gives that guard a typed reason instead of a position.
pub fn write_preamble(session: &Session, user_agent: &str, now: i64) -> Vec<Statement> {
    vec![persist_statement(session, user_agent, now), live_statement(session, now).guarded()]
}

/// A short, readable description of a User-Agent: "Chrome on Android", "Safari on iPhone".
pub fn user_agent_summary(ua: &str) -> String {
    let browser =
        [("Edg/", "Edge"), ("YaBrowser", "Yandex Browser"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
            .iter()
            .find(|(needle, _)| ua.contains(needle))
            .map_or("Browser", |(_, name)| name);
    let os =
        [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux")]
            .iter()
            .find(|(needle, _)| ua.contains(needle))
            .map_or("an unknown system", |(_, name)| name);
    if ua.trim().is_empty() {
        "Unknown device".to_owned()
    } else {
        format!("{browser} on {os}")
    }
}

/// The session named by a verified cookie: `None` if revoked or expired. The flag says whether its
/// expiry was just extended (so the cookie's Max-Age should be renewed too).
async fn load(sql: &dyn Sql, id: &str, now: i64) -> Result<Option<(Session, bool)>, StorageError> {
    let Some(row) = sessions::load(sql, id).await? else {
        return Ok(Some((Session::fresh(id.to_owned(), Channel::Web), false)));
    };
    // A kiosk's session ends with its enrolment (also when the kiosk row has gone).
    let kiosk = row.kiosk_id.is_some();
    let kiosk_live = kiosk && !row.kiosk_revoked && row.kiosk_store.is_some();
    if row.revoked || row.expires_at <= now || (kiosk && !kiosk_live) {
        return Ok(None);
    }
    let account = match (row.customer_id, row.role) {
        (Some(cid), Some(role)) => {
            Some(Account { id: cid, role: Role::parse(&role).ok_or_else(|| StorageError(format!("unknown role {role}")))? })
        }
        _ => None,
    };
    let touched = row.last_seen_at + TOUCH_SECONDS <= now;
    if touched {
        sql.batch(vec![sessions::touch(id, now, now + IDLE_SECONDS)]).await?;
    }
    // The channel is a fact the server established: kiosk (and its store) only through a live
    // enrolment; otherwise what a shopper may say of their own device, web or pwa.
    let (channel, store_id) = match row.kiosk_store.filter(|_| kiosk_live) {
        Some(store) => (Channel::Kiosk, StoreId::parse(&store).ok()),
        None => (if Channel::parse(&row.channel) == Some(Channel::Pwa) { Channel::Pwa } else { Channel::Web }, None),
    };
    let session = Session { id: id.to_owned(), account, channel, store_id, persisted: true };
    Ok(Some((session, touched)))
}

/// Whether a state-changing request comes from another site: its `Origin` (or, failing that,
/// `Referer`) names a different host than the one it was sent to.
fn cross_site(headers: &HeaderMap, authority: Option<&str>) -> bool {
    // HTTP/2 carries the host in the URI's authority rather than a Host header.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).or(authority).unwrap_or("");
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    match source {
        None => false, // Not a browser form or fetch: CSRF needs a browser.
        Some(origin) => {
            let from = origin.split("://").nth(1).map(|rest| rest.split('/').next().unwrap_or(""));
            host.is_empty() || !from.is_some_and(|f| f.eq_ignore_ascii_case(host))
        }
    }
}

/// Whether the request arrived over https (directly, or per the proxy's `X-Forwarded-Proto`):
/// decides the `__Host-` cookie here and `Strict-Transport-Security` in [`crate::hardening`].
pub fn secure(req: &Request) -> bool {
    req.uri().scheme_str() == Some("https") || req.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

fn set_cookie(response: &mut Response, key: &[u8], id: &str, secure: bool) {
    let value = if secure {
        format!("{SECURE_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={IDLE_SECONDS}; Secure", sign(key, id))
    } else {
        format!("{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={IDLE_SECONDS}", sign(key, id))
    };
    match HeaderValue::from_str(&value) {
        Ok(v) => {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
        Err(e) => tracing::error!(error = %e, "cannot build the session cookie"),
    }
}

/// Resolves the session of every API request, refuses cross-site writes, and sends the cookie
/// when the session is new or was rotated.
pub async fn middleware(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && cross_site(req.headers(), req.uri().authority().map(|a| a.as_str())) {
        return ApiError::Forbidden("cross-site requests may not change anything here".into()).into_response();
    }
    let key = app.config.session_key.clone();
    let now = app.clock.now().timestamp();
    let secure = secure(&req);
    let presented = cookie_value(req.headers(), if secure { SECURE_COOKIE } else { COOKIE }).and_then(|v| verify(&key, v));
    let resolved = match &presented {
        Some(id) => match load(app.sql.as_ref(), id, now).await {
            Ok(found) => found,
            Err(e) => return ApiError::Storage(e).into_response(),
        },
        None => None,
    };
    let (session, renew) = match resolved {
        Some(found) => found,
        None => match random_hex(16) {
            Ok(id) => (Session::fresh(id, Channel::Web), false),
            Err(e) => return ApiError::Storage(e).into_response(),
        },
    };
    let id = session.id.clone();
    let personal = personal(req.uri().path());
    req.extensions_mut().insert(session);
    let mut response = next.run(req).await;
    match response.extensions_mut().remove::<RotateTo>() {
        Some(RotateTo(new_id)) => set_cookie(&mut response, &key, &new_id, secure),
        // The server slid the expiry forward: so does the cookie.
        None if renew => set_cookie(&mut response, &key, &id, secure),
        None => {}
    }
    if personal {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_signed_id_verifies_and_a_tampered_one_does_not() {
        let id = "0123456789abcdef0123456789abcdef";
        let cookie = sign(KEY, id);
        assert_eq!(verify(KEY, &cookie).as_deref(), Some(id));
        let other = "1123456789abcdef0123456789abcdef";
        let forged = format!("{other}.{}", cookie.rsplit_once('.').map(|(_, s)| s).unwrap_or(""));
        assert_eq!(verify(KEY, &forged), None, "a signature does not transfer to another id");
        assert_eq!(verify(b"another key, also 32 bytes long!", &cookie), None);
        assert_eq!(verify(KEY, "garbage"), None);
        assert_eq!(verify(KEY, &format!("{id}.")), None);
    }

    #[test]
    fn cross_site_writes_are_recognised_by_origin_or_referer() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(!cross_site(&headers(&[("host", "shop.example"), ("origin", "https://shop.example")]), None));
        assert!(!cross_site(&headers(&[("host", "Shop.Example"), ("origin", "https://shop.example")]), None), "hosts are case-insensitive");
        assert!(!cross_site(&headers(&[("origin", "https://shop.example")]), Some("shop.example")), "HTTP/2 authority");
        assert!(cross_site(&headers(&[("host", "shop.example"), ("origin", "https://evil.example")]), None));
        assert!(cross_site(&headers(&[("host", "shop.example"), ("origin", "null")]), None));
        assert!(cross_site(&headers(&[("host", "shop.example"), ("referer", "https://evil.example/page")]), None));
        assert!(!cross_site(&headers(&[("host", "shop.example")]), None), "no browser, no CSRF");
    }

    #[test]
    fn user_agents_are_summarised() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(user_agent_summary(android), "Chrome on Android");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(user_agent_summary(iphone), "Safari on iPhone");
        assert_eq!(user_agent_summary(""), "Unknown device");
    }
}
