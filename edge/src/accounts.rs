//! Accounts: registration, sign-in with the guest-cart merge, sign-out, profile and devices.
//!
//! Passwords are hashed with Argon2id (RFC 9106), m = 19 MiB, t = 2, p = 1 (OWASP's minimum
//! recommendation), in PHC string format with a 16-byte random salt.

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::ports::{Sql, Statement, StorageError, Value};
use crate::session::{persist_statement, random_hex, user_agent_summary, RotateTo, Session, IDLE_SECONDS};
use crate::tx::Batch;
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use vitrina_shared::account::{check_password_policy, parse_name, Email, EmailProblem, Role};
use vitrina_shared::api::{Device, LoginRequest, Profile, ProfileUpdate, RegisterRequest, SessionInfo, SignedIn};
use vitrina_shared::cart::Adjustment;
use vitrina_shared::store::City;
use vitrina_shared::{DomainError, StoreId};

/// Failed sign-in attempts allowed in one window: per account from one client address (reset by
/// a successful sign-in), per account from everywhere (a cap on distributed guessing that an
/// attacker would need 100 tries to trip), and per client address. Only failures count: each
/// attempt is counted before the password is checked (so concurrent guesses cannot slip past)
/// and handed back when the password is right, so a store or office behind one address is never
/// locked out by its own sign-ins.
pub const LOGIN_ATTEMPTS_PER_ACCOUNT: i64 = 5;
pub const LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_CLIENTS: i64 = 100;
pub const LOGIN_ATTEMPTS_PER_CLIENT: i64 = 20;
pub const LOGIN_WINDOW_SECONDS: i64 = 15 * 60;

fn argon2() -> Argon2<'static> {
    // The parameters are constants inside the library's accepted ranges.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String, StorageError> {
    let mut salt = [0_u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StorageError(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StorageError(format!("salt: {e}")))?;
    argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| StorageError(format!("hashing: {e}")))
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Runs CPU-heavy work (Argon2 takes tens of milliseconds and 19 MiB) off the async workers
/// where the host has threads, so a burst of sign-ins does not stall other requests.
async fn off_the_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, StorageError> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        tokio::task::spawn_blocking(work).await.map_err(|e| StorageError(format!("password hashing task failed: {e}")))
    }
    #[cfg(target_arch = "wasm32")]
    {
        Ok(work())
    }
}

async fn hash_password_off(password: String) -> Result<String, StorageError> {
    off_the_runtime(move || hash_password(&password)).await?
}

async fn verify_password_off(hash: String, password: String) -> Result<bool, StorageError> {
    off_the_runtime(move || verify_password(&hash, &password)).await
}

/// Counts one attempt under `key`; refuses with 429 once `limit` attempts fall in the window.
/// One conditional upsert, so concurrent attempts cannot slip past the limit.
pub async fn rate_limit(sql: &dyn Sql, key: &str, limit: i64, window: i64, now: i64) -> Result<(), ApiError> {
    count_attempt(sql, key, limit, window, now).await.map(|_| ())
}

/// One attempt counted by [`count_attempt`]: the key and the window it was counted in.
#[derive(Debug)]
pub struct CountedAttempt {
    key: String,
    window_start: i64,
}

impl CountedAttempt {
    /// Takes the attempt back (it succeeded), if its window is still the current one.
    fn refund(&self) -> Statement {
        Statement::new(
            "UPDATE rate_limits SET count = count - 1 WHERE key = ? AND window_start = ? AND count > 0",
            vec![self.key.clone().into(), self.window_start.into()],
        )
    }
}

/// [`rate_limit`] that also returns the counted attempt, so a success can be handed back.
pub async fn count_attempt(sql: &dyn Sql, key: &str, limit: i64, window: i64, now: i64) -> Result<CountedAttempt, ApiError> {
    let rows = sql
        .query(
            "INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
             ON CONFLICT (key) DO UPDATE SET
                 count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
                 window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
             RETURNING count, window_start",
            vec![key.into(), now.into(), window.into()],
        )
        .await?;
    let row = rows.first().ok_or_else(|| StorageError("rate limit upsert returned nothing".into()))?;
    // Windows a day old are pruned lazily here, so the table holds at most a day of keys.
    sql.batch(vec![Statement::new("DELETE FROM rate_limits WHERE window_start < ? AND key <> ?", vec![(now - 86_400).into(), key.into()])])
        .await
        .map_err(StorageError::from)?;
    let (count, window_start) = (row.int(0)?, row.int(1)?);
    if count > limit {
        return Err(ApiError::TooManyRequests { retry_after: (window_start + window - now).max(1) });
    }
    Ok(CountedAttempt { key: key.to_owned(), window_start })
}

/// The client's address as the host saw it (`X-Vitrina-Client` is set by the host adapters).
pub fn client_address(headers: &HeaderMap) -> String {
    headers.get(crate::CLIENT_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("unknown").to_owned()
}

const PROFILE_COLUMNS: &str = "id, email, role, name, phone, city, preferred_store, language";

fn profile_from_row(row: &crate::ports::Row) -> Result<Profile, StorageError> {
    let opt_text = |i: usize| match row.0.get(i) {
        Some(Value::Text(s)) => Some(s.clone()),
        _ => None,
    };
    Ok(Profile {
        id: row.text(0)?.to_owned(),
        email: row.text(1)?.to_owned(),
        role: Role::parse(row.text(2)?).ok_or_else(|| StorageError("unknown role".into()))?,
        name: row.text(3)?.to_owned(),
        phone: row.text(4)?.to_owned(),
        city: opt_text(5).and_then(|c| City::from_slug(&c)),
        preferred_store: opt_text(6).and_then(|s| StoreId::parse(&s).ok()),
        language: row.text(7)?.to_owned(),
    })
}

async fn profile(sql: &dyn Sql, customer_id: &str) -> Result<Profile, ApiError> {
    let q = format!("SELECT {PROFILE_COLUMNS} FROM customers WHERE id = ?");
    let rows = sql.query(&q, vec![customer_id.into()]).await?;
    rows.first().map(profile_from_row).transpose()?.ok_or(ApiError::SignInRequired)
}

fn user_agent(headers: &HeaderMap) -> &str {
    headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Why a sign-in changed nothing.
#[derive(Clone)]
enum SignIn {
    /// The session was signed in or out elsewhere meanwhile.
    SessionEnded,
    /// A cart changed while the merge was planned.
    CartChanged,
}

/// Signs `session` in as `customer_id`: merges the guest cart into the account cart, revokes the
/// old session id and issues a new one. Retries if the account cart changes meanwhile.
async fn sign_in(app: &AppState, session: &Session, customer_id: &str, headers: &HeaderMap) -> Result<(String, Vec<Adjustment>), ApiError> {
    let now = app.clock.now().timestamp();
    let new_id = random_hex(16)?;
    for _ in 0..3 {
        let account_owner = format!("c:{customer_id}");
        let guest_owner = format!("s:{}", session.id);
        let plan = crate::db::carts::plan_merge(app.sql.as_ref(), &account_owner, &guest_owner, now).await?;
        let mut batch = Batch::named("sign-in");
        batch.push(persist_statement(session, user_agent(headers), now));
        // Guarded: a session already signed in or out elsewhere cannot be signed in twice.
        batch.guard(
            Statement::new(
                "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                vec![now.into(), session.id.clone().into()],
            ),
            SignIn::SessionEnded,
        );
        batch.push(Statement::new(
            "INSERT INTO sessions (id, customer_id, channel, store_id, user_agent, created_at, last_seen_at, expires_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                new_id.clone().into(),
                customer_id.into(),
                session.channel.as_str().into(),
                session.store_id.as_ref().map(|s| s.as_str().to_owned()).into(),
                user_agent_summary(user_agent(headers)).into(),
                now.into(),
                now.into(),
                (now + IDLE_SECONDS).into(),
            ],
        ));
        // Orders placed as a guest in this session join the account's history, and this device's
        // push subscriptions move to the new session and the account.
        batch.push(Statement::new(
            "UPDATE orders SET customer_id = ? WHERE session_id = ? AND customer_id IS NULL",
            vec![customer_id.into(), session.id.clone().into()],
        ));
        batch.push(Statement::new(
            "UPDATE push_subscriptions SET customer_id = ?, session_id = ? WHERE session_id = ?",
            vec![customer_id.into(), new_id.clone().into(), session.id.clone().into()],
        ));
        batch.guard_all(plan.statements, SignIn::CartChanged);
        match batch.run(app.sql.as_ref()).await? {
            Ok(()) => return Ok((new_id, plan.adjustments)),
            Err(SignIn::SessionEnded) => return Err(ApiError::SessionEnded),
            // A cart changed while the merge was planned: plan again.
            Err(SignIn::CartChanged) => continue,
        }
    }
    Err(ApiError::Conflict { code: "cart_busy", message: "the cart kept changing during sign-in; please try again".into() })
}

fn signed_in_response(status: StatusCode, profile: Profile, adjustments: Vec<Adjustment>, new_session: String) -> Response {
    let mut response = (status, Json(SignedIn { profile, cart_adjustments: adjustments })).into_response();
    response.extensions_mut().insert(RotateTo(new_session));
    response
}

/// Why a registration stored nothing: the e-mail has an account.
struct EmailTaken;

pub async fn register(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    session.require_shopper_device()?;
    let email = Email::parse_explained(&body.email).map_err(|problem| match problem {
        EmailProblem::Malformed => ApiError::Invalid(DomainError::InvalidEmail(body.email.chars().take(64).collect())),
        // An address one could mistake for another one: say exactly what to fix.
        refused => {
            let error = ApiError::Unprocessable { code: "invalid_email", message: refused.to_string() };
            match refused {
                EmailProblem::Invisible(c) => error.with("reason", "invisible").with("char", c),
                EmailProblem::LookAlike { letters, .. } => error.with("reason", "look_alike").with("letters", letters),
                EmailProblem::MixedScripts { .. } => error.with("reason", "mixed_scripts"),
                _ => error,
            }
        }
    })?;
    check_password_policy(&body.password)?;
    let name = parse_name(&body.name)?;
    let now = app.clock.now().timestamp();
    rate_limit(app.sql.as_ref(), &format!("register:{}", client_address(&headers)), 20, 3600, now).await?;
    let id = random_hex(16)?;
    let hash = hash_password_off(body.password.clone()).await?;
    let mut batch = Batch::named("register");
    batch.guard(
        Statement::new(
            "INSERT INTO customers (id, email, password_hash, role, name, created_at) VALUES (?, ?, ?, 'customer', ?, ?)
             ON CONFLICT (email) DO NOTHING",
            vec![id.clone().into(), email.as_str().into(), hash.into(), name.into(), now.into()],
        ),
        EmailTaken,
    );
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(EmailTaken) => {
            return Err(ApiError::Conflict { code: "email_taken", message: "an account with this e-mail exists; sign in instead".into() })
        }
    }
    let (new_session, adjustments) = sign_in(&app, &session, &id, &headers).await?;
    let profile = profile(app.sql.as_ref(), &id).await?;
    Ok(signed_in_response(StatusCode::CREATED, profile, adjustments, new_session))
}

/// A hash of a random password, verified against when the e-mail is unknown so that a wrong
/// e-mail takes as long as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Y4r6Dg0PvGTvkVmkzI9CHRVDzKbOzN4Ks6PxnwGUQ2M";

pub async fn login(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    session.require_shopper_device()?;
    let now = app.clock.now().timestamp();
    let client = client_address(&headers);
    let window = LOGIN_WINDOW_SECONDS;
    let from_client = count_attempt(app.sql.as_ref(), &format!("login-client:{client}"), LOGIN_ATTEMPTS_PER_CLIENT, window, now).await?;
    // Normalised exactly as at registration, so any spelling of the address finds the account;
    // one that cannot be an account's address is a failed attempt like a wrong password.
    let email = Email::parse(&body.email).map_err(|_| ApiError::BadCredentials)?;
    let account_client_key = format!("login-account-client:{}:{client}", email.as_str());
    let for_account =
        count_attempt(app.sql.as_ref(), &format!("login-account:{}", email.as_str()), LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_CLIENTS, window, now)
            .await?;
    rate_limit(app.sql.as_ref(), &account_client_key, LOGIN_ATTEMPTS_PER_ACCOUNT, window, now).await?;
    let rows = app.sql.query("SELECT id, password_hash FROM customers WHERE email = ?", vec![email.as_str().into()]).await?;
    let found = rows.first().map(|r| Ok::<_, StorageError>((r.text(0)?.to_owned(), r.text(1)?.to_owned()))).transpose()?;
    let customer_id = match found {
        Some((id, hash)) => {
            if !verify_password_off(hash, body.password.clone()).await? {
                return Err(ApiError::BadCredentials);
            }
            id
        }
        None => {
            verify_password_off(DUMMY_HASH.to_owned(), body.password.clone()).await?;
            return Err(ApiError::BadCredentials);
        }
    };
    // The right password is not a failure: it is handed back to the client's and the account's
    // counts, and clears this client's failed attempts on the account.
    app.sql
        .batch(vec![
            from_client.refund(),
            for_account.refund(),
            Statement::new("DELETE FROM rate_limits WHERE key = ?", vec![account_client_key.into()]),
        ])
        .await
        .map_err(StorageError::from)?;
    let (new_session, adjustments) = sign_in(&app, &session, &customer_id, &headers).await?;
    let profile = profile(app.sql.as_ref(), &customer_id).await?;
    Ok(signed_in_response(StatusCode::OK, profile, adjustments, new_session))
}

/// Ends the session (its cart goes with it for guests) and starts a new anonymous one.
pub async fn logout(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Response, ApiError> {
    let now = app.clock.now().timestamp();
    let fresh = random_hex(16)?;
    let [lines, cart] = crate::db::carts::delete(&format!("s:{}", session.id));
    app.sql
        .batch(vec![
            Statement::new(
                "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                vec![now.into(), session.id.clone().into()],
            ),
            lines,
            cart,
            // An enrolled kiosk starts afresh for the next shopper and stays its store's kiosk.
            crate::session::kiosk_successor_statement(&session.id, &fresh, now),
            // The device keeps its push subscription as a guest: no more of the account's order or cart notices.
            Statement::new(
                "UPDATE push_subscriptions SET customer_id = NULL, session_id = ? WHERE session_id = ?",
                vec![fresh.clone().into(), session.id.clone().into()],
            ),
        ])
        .await
        .map_err(StorageError::from)?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.extensions_mut().insert(RotateTo(fresh));
    Ok(response)
}

/// `GET /api/session`: the device's session, signed in or not.
pub async fn session_info(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<SessionInfo>, ApiError> {
    let profile = match &session.account {
        Some(account) => Some(profile(app.sql.as_ref(), &account.id).await?),
        None => None,
    };
    Ok(Json(SessionInfo { signed_in: profile.is_some(), profile, channel: session.channel, store_id: session.store_id.clone() }))
}

pub async fn me(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Profile>, ApiError> {
    let account = session.require_account()?;
    Ok(Json(profile(app.sql.as_ref(), &account.id).await?))
}

pub async fn update_me(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<ProfileUpdate>,
) -> Result<Json<Profile>, ApiError> {
    let account = session.require_account()?;
    let invalid = |message: &str| ApiError::Unprocessable { code: "invalid_profile", message: message.to_owned() };
    let name = parse_name(&body.name)?;
    let phone_ok = body.phone.is_empty()
        || (body.phone.len() <= 20
            && body.phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
            && body.phone.chars().filter(char::is_ascii_digit).count() >= 10);
    if !phone_ok {
        return Err(invalid("a phone number has 10 to 15 digits, e.g. +7 912 345-67-89"));
    }
    if !["ru", "en"].contains(&body.language.as_str()) {
        return Err(invalid("language is \"ru\" or \"en\""));
    }
    if let Some(store) = &body.preferred_store {
        if !crate::db::catalog::stores(app.sql.as_ref()).await?.iter().any(|s| &s.id == store) {
            return Err(
                ApiError::Unprocessable { code: "unknown_store", message: format!("there is no store {store}") }.with("store", store)
            );
        }
    }
    app.sql
        .batch(vec![Statement::new(
            "UPDATE customers SET name = ?, phone = ?, city = ?, preferred_store = ?, language = ? WHERE id = ?",
            vec![
                name.into(),
                // Russian numbers are stored as +7XXXXXXXXXX so a till can find the customer by phone.
                vitrina_shared::orders::normalize_phone(&body.phone).unwrap_or_else(|| body.phone.trim().to_owned()).into(),
                body.city.map(|c| c.slug().to_owned()).into(),
                body.preferred_store.map(|s| s.as_str().to_owned()).into(),
                body.language.into(),
                account.id.clone().into(),
            ],
        )])
        .await
        .map_err(StorageError::from)?;
    Ok(Json(profile(app.sql.as_ref(), &account.id).await?))
}

pub async fn devices(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Vec<Device>>, ApiError> {
    let account = session.require_account()?;
    let now = app.clock.now().timestamp();
    let rows = app
        .sql
        .query(
            "SELECT id, channel, user_agent, store_id, last_seen_at FROM sessions
             WHERE customer_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY last_seen_at DESC",
            vec![account.id.clone().into(), now.into()],
        )
        .await?;
    let devices = rows
        .iter()
        .map(|r| {
            let id = r.text(0)?.to_owned();
            Ok(Device {
                current: id == session.id,
                id,
                channel: vitrina_shared::account::Channel::parse(r.text(1)?).unwrap_or(vitrina_shared::account::Channel::Web),
                user_agent: r.text(2)?.to_owned(),
                store_id: match r.0.get(3) {
                    Some(Value::Text(s)) => StoreId::parse(s).ok(),
                    _ => None,
                },
                last_seen_at: chrono::DateTime::from_timestamp(r.int(4)?, 0).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, StorageError>>()?;
    Ok(Json(devices))
}

/// Why a remote sign-out changed nothing: the account has no such live session.
struct UnknownDevice;

pub async fn sign_out_device(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(device): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let account = session.require_account()?;
    let now = app.clock.now().timestamp();
    let mut batch = Batch::named("sign-out-device");
    batch.guard(
        Statement::new(
            "UPDATE sessions SET revoked_at = ? WHERE id = ? AND customer_id = ? AND revoked_at IS NULL",
            vec![now.into(), device.clone().into(), account.id.clone().into()],
        ),
        UnknownDevice,
    );
    // A device signed out remotely stops receiving the account's notices.
    batch.push(Statement::new("UPDATE push_subscriptions SET customer_id = NULL WHERE session_id = ?", vec![device.clone().into()]));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(UnknownDevice) => Err(ApiError::not_found("unknown_device", "this account has no such signed-in device")),
    }
}

/// Creates the configured first staff/marketer accounts whose e-mails are not registered yet.
/// An existing account is left as it is (its password may have been changed since).
pub async fn bootstrap(sql: &dyn Sql, accounts: &[crate::BootstrapAccount], now: i64) -> Result<(), StorageError> {
    for account in accounts {
        let email = Email::parse(&account.email).map_err(|e| StorageError(format!("configured account: {e}")))?;
        check_password_policy(&account.password).map_err(|e| StorageError(format!("configured password for {}: {e}", email.as_str())))?;
        let exists = !sql.query("SELECT 1 FROM customers WHERE email = ?", vec![email.as_str().into()]).await?.is_empty();
        if exists {
            continue;
        }
        let statement = Statement::new(
            "INSERT INTO customers (id, email, password_hash, role, name, created_at) VALUES (?, ?, ?, ?, '', ?) ON CONFLICT (email) DO NOTHING",
            vec![random_hex(16)?.into(), email.as_str().into(), hash_password_off(account.password.clone()).await?.into(), account.role.as_str().into(), now.into()],
        );
        sql.batch(vec![statement]).await?;
    }
    Ok(())
}
