//! Accounts: registration, sign-in with the guest-cart merge, sign-out, profile and devices.

use crate::accounts::{
    hash_password_off, verify_password_off, DUMMY_HASH, LOGIN_ATTEMPTS_PER_ACCOUNT, LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_CLIENTS,
    LOGIN_ATTEMPTS_PER_CLIENT, LOGIN_WINDOW_SECONDS,
};
use crate::db::customers::{self, ProfileChange};
use crate::db::{carts, catalog, limits, orders, push, sessions};
use crate::error::ApiError;
use crate::extract::{client_address, ApiJson, ApiPath};
use crate::limits::{count_attempt, rate_limit};
use crate::ports::{Sql, StorageError};
use crate::session::{persist_statement, random_hex, user_agent_summary, RotateTo, Session, IDLE_SECONDS};
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use vitrina_shared::account::{check_password_policy, parse_name, Channel, Email, EmailProblem, Role};
use vitrina_shared::api::{Device, LoginRequest, Profile, ProfileUpdate, RegisterRequest, SessionInfo, SignedIn};
use vitrina_shared::cart::Adjustment;
use vitrina_shared::{DomainError, StoreId};

async fn profile(sql: &dyn Sql, customer_id: &str) -> Result<Profile, ApiError> {
    customers::profile(sql, customer_id).await?.ok_or(ApiError::SignInRequired)
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
        let plan = carts::plan_merge(app.sql.as_ref(), &account_owner, &guest_owner, now).await?;
        let mut batch = Batch::named("sign-in");
        batch.push(persist_statement(session, user_agent(headers), now));
        // Guarded: a session already signed in or out elsewhere cannot be signed in twice.
        batch.guard(sessions::revoke(&session.id, now), SignIn::SessionEnded);
        batch.push(sessions::start_signed_in(
            &new_id,
            customer_id,
            session.channel.as_str(),
            session.store_id.as_ref().map(StoreId::as_str),
            &user_agent_summary(user_agent(headers)),
            now,
            now + IDLE_SECONDS,
        ));
        // Orders placed as a guest in this session join the account's history, and this device's
        // push subscriptions move to the new session and the account.
        batch.push(orders::adopt_guest_orders(customer_id, &session.id));
        batch.push(push::move_to_account(customer_id, &new_id, &session.id));
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
    batch.guard(customers::create(&id, email.as_str(), &hash, Role::Customer, &name, now), EmailTaken);
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
    let found = customers::credentials(app.sql.as_ref(), email.as_str()).await?;
    let customer_id = match found {
        Some(customers::Credentials { id, password_hash: hash }) => {
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
        .batch(vec![from_client.refund(), for_account.refund(), limits::clear(&account_client_key)])
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
    let [lines, cart] = carts::delete(&format!("s:{}", session.id));
    app.sql
        .batch(vec![
            sessions::revoke(&session.id, now),
            lines,
            cart,
            // An enrolled kiosk starts afresh for the next shopper and stays its store's kiosk.
            crate::session::kiosk_successor_statement(&session.id, &fresh, now),
            // The device keeps its push subscription as a guest: no more of the account's order or cart notices.
            push::move_to_guest(&fresh, &session.id),
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
        if !catalog::stores(app.sql.as_ref()).await?.iter().any(|s| &s.id == store) {
            return Err(
                ApiError::Unprocessable { code: "unknown_store", message: format!("there is no store {store}") }.with("store", store)
            );
        }
    }
    let change = ProfileChange {
        name,
        // Russian numbers are stored as +7XXXXXXXXXX so a till can find the customer by phone.
        phone: vitrina_shared::orders::normalize_phone(&body.phone).unwrap_or_else(|| body.phone.trim().to_owned()),
        city: body.city.map(|c| c.slug().to_owned()),
        preferred_store: body.preferred_store.map(|s| s.as_str().to_owned()),
        language: body.language,
    };
    app.sql.batch(vec![customers::update_profile(&account.id, change)]).await.map_err(StorageError::from)?;
    Ok(Json(profile(app.sql.as_ref(), &account.id).await?))
}

pub async fn devices(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Vec<Device>>, ApiError> {
    let account = session.require_account()?;
    let now = app.clock.now().timestamp();
    let devices = sessions::devices(app.sql.as_ref(), &account.id, now)
        .await?
        .into_iter()
        .map(|d| Device {
            current: d.id == session.id,
            id: d.id,
            channel: Channel::parse(&d.channel).unwrap_or(Channel::Web),
            user_agent: d.user_agent,
            store_id: d.store_id.and_then(|s| StoreId::parse(&s).ok()),
            last_seen_at: chrono::DateTime::from_timestamp(d.last_seen_at, 0).unwrap_or_default(),
        })
        .collect::<Vec<_>>();
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
    batch.guard(sessions::revoke_of(&device, &account.id, now), UnknownDevice);
    // A device signed out remotely stops receiving the account's notices.
    batch.push(push::detach_account(&device));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(UnknownDevice) => Err(ApiError::not_found("unknown_device", "this account has no such signed-in device")),
    }
}
