//! Channels are facts the server establishes, never claims. A tablet becomes a store's showroom
//! kiosk only through that store's staff: staff issue a one-time enrolment code at the staff desk
//! (`POST /api/kiosk/enrolments`), and the tablet that presents it (`POST /api/kiosk/enrol`)
//! starts a new session bound to a `kiosks` row. Staff list and un-enrol kiosks. A shopper's own
//! device may only say whether it is a browser tab or the installed app (`PUT /api/session`).
//!
//! Staff accounts are not bound to stores (`Role::Staff` is chain-wide), so any staff account may
//! enrol a tablet for any store; the kiosk records who issued its code.

use crate::db::{carts, catalog, kiosks, push, sessions};
use crate::error::ApiError;
use crate::extract::{client_address, ApiJson, ApiPath};
use crate::limits::rate_limit;
use crate::ports::StorageError;
use crate::session::{kiosk_session_statement, random_hex, user_agent_summary, RotateTo, Session};
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use sha2::{Digest, Sha256};
use vitrina_shared::account::{Channel, Role};
use vitrina_shared::api::{KioskEnrolRequest, KioskEnrolmentCode, KioskEnrolmentRequest, KioskView, SessionChannel, SessionInfo};
use vitrina_shared::kiosk::{EnrolmentCode, ENROLMENT_CODE_LEN, ENROLMENT_VALID_MINUTES};
use vitrina_shared::StoreId;

/// Why a new enrolment code was not stored: the same code is on record.
struct CodeTaken;

/// Why an enrolment changed nothing: the code was used (or ran out) meanwhile.
struct CodeUsed;

/// Why an unenrolment changed nothing: no enrolled kiosk has this id.
struct UnknownKiosk;

/// Why the session's channel was not set: the session was signed out or expired.
struct SessionEnded;

/// Enrolment attempts allowed per client address per 10 minutes: typing a code needs few tries,
/// guessing one of 852 billion needs very many.
pub const ENROLS_PER_CLIENT: i64 = 10;
/// Enrolment codes one staff account may issue per hour.
pub const CODES_PER_STAFF_HOUR: i64 = 30;

fn new_code() -> Result<EnrolmentCode, StorageError> {
    let mut bytes = [0_u8; ENROLMENT_CODE_LEN * 4];
    getrandom::fill(&mut bytes).map_err(|e| StorageError(format!("no randomness: {e}")))?;
    let mut words = [0_u32; ENROLMENT_CODE_LEN];
    for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(4)) {
        *word = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    Ok(EnrolmentCode::from_random(words))
}

/// What the database keeps of a code: its SHA-256, in hex. Codes are looked up by this hash, so
/// no comparison of secrets happens in application code.
fn code_hash(code: &EnrolmentCode) -> String {
    Sha256::digest(code.as_str().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn user_agent(headers: &HeaderMap) -> &str {
    headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn known_store(app: &AppState, store: &StoreId) -> Result<(), ApiError> {
    if catalog::stores(app.sql.as_ref()).await?.iter().any(|s| &s.id == store) {
        Ok(())
    } else {
        Err(ApiError::Unprocessable { code: "unknown_store", message: format!("there is no store {store}") }.with("store", store))
    }
}

fn timestamp(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// `POST /api/kiosk/enrolments` (staff): a one-time code that makes a tablet the store's kiosk.
pub async fn issue(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<KioskEnrolmentRequest>,
) -> Result<(StatusCode, Json<KioskEnrolmentCode>), ApiError> {
    let staff = session.require_role(Role::Staff)?;
    known_store(&app, &body.store_id).await?;
    let now = app.clock.now().timestamp();
    rate_limit(app.sql.as_ref(), &format!("kiosk-codes:{}", staff.id), CODES_PER_STAFF_HOUR, 3600, now).await?;
    let expires = now + ENROLMENT_VALID_MINUTES * 60;
    for _ in 0..5 {
        let code = new_code()?;
        // Codes a day past their expiry are no longer worth an answer: pruned here, lazily.
        let prune = kiosks::prune_codes(now - 86_400);
        let mut batch = Batch::named("kiosk-code");
        batch.push(prune);
        batch.guard(kiosks::issue_code(&code_hash(&code), body.store_id.as_str(), &staff.id, now, expires), CodeTaken);
        match batch.run(app.sql.as_ref()).await? {
            Ok(()) => {
                let answer = KioskEnrolmentCode { code, store_id: body.store_id, expires_at: timestamp(expires) };
                return Ok((StatusCode::CREATED, Json(answer)));
            }
            // The same code was drawn a day ago: draw again.
            Err(CodeTaken) => continue,
        }
    }
    Err(StorageError("could not draw an unused enrolment code".into()).into())
}

/// `POST /api/kiosk/enrol`: this device becomes the kiosk of the code's store. Its session (and
/// whoever was signed in on it, its guest cart) ends; a new session bound to the kiosk begins.
pub async fn enrol(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<KioskEnrolRequest>,
) -> Result<Response, ApiError> {
    let now = app.clock.now().timestamp();
    rate_limit(app.sql.as_ref(), &format!("kiosk-enrol:{}", client_address(&headers)), ENROLS_PER_CLIENT, 600, now).await?;
    let unknown = || ApiError::not_found("unknown_enrolment_code", "no enrolment is waiting under this code; check it at the staff desk");
    let used = || ApiError::Gone { code: "enrolment_code_used", message: "this enrolment code has already been used".into() };
    let code = EnrolmentCode::parse(&body.code).map_err(|_| unknown())?;
    let hash = code_hash(&code);
    let row = kiosks::code(app.sql.as_ref(), &hash).await?.ok_or_else(unknown)?;
    if row.used_at.is_some() {
        return Err(used());
    }
    if row.expires_at <= now {
        return Err(ApiError::Gone {
            code: "enrolment_code_expired",
            message: "this enrolment code has expired; issue a new one at the staff desk".into(),
        });
    }
    let store = StoreId::parse(&row.store_id).map_err(|e| StorageError(format!("enrolment code store: {e}")))?;
    let issued_by = row.issued_by;
    let (kiosk, fresh) = (random_hex(16)?, random_hex(16)?);
    let old = session.id.clone();
    let guest_cart = format!("s:{old}");
    let mut batch = Batch::named("kiosk-enrol");
    // The code is consumed in the same transaction that creates the kiosk: once, and in time.
    batch.guard(kiosks::use_code(&hash, &kiosk, now), CodeUsed);
    let [guest_lines, guest_cart] = carts::delete(&guest_cart);
    batch.extend([
        kiosks::enrol(&kiosk, store.as_str(), issued_by, &user_agent_summary(user_agent(&headers)), now),
        // A kiosk enrolled again (say, for another store) replaces its old enrolment.
        kiosks::revoke_of_session(&old, now),
        sessions::revoke(&old, now),
        guest_lines,
        guest_cart,
        push::move_to_guest(&fresh, &old),
        kiosk_session_statement(&fresh, &kiosk, &store, user_agent(&headers), now),
    ]);
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        // Presented twice at once: the other request enrolled.
        Err(CodeUsed) => return Err(used()),
    }
    let info = SessionInfo { signed_in: false, profile: None, channel: Channel::Kiosk, store_id: Some(store) };
    let mut response = Json(info).into_response();
    response.extensions_mut().insert(RotateTo(fresh));
    Ok(response)
}

/// `GET /api/kiosks` (staff): the enrolled kiosks of every store.
pub async fn list(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Vec<KioskView>>, ApiError> {
    session.require_role(Role::Staff)?;
    let kiosks = kiosks::enrolled(app.sql.as_ref())
        .await?
        .into_iter()
        .map(|k| {
            Ok(KioskView {
                id: k.id,
                store_id: StoreId::parse(&k.store_id).map_err(|e| StorageError(format!("kiosk store: {e}")))?,
                user_agent: k.user_agent,
                enrolled_at: timestamp(k.enrolled_at),
                enrolled_by: k.enrolled_by,
                last_seen_at: timestamp(k.last_seen_at),
            })
        })
        .collect::<Result<Vec<_>, StorageError>>()?;
    Ok(Json(kiosks))
}

/// `DELETE /api/kiosks/{id}` (staff): un-enrols a kiosk (a tablet lost, replaced or moved). Its
/// sessions end and their carts go; the tablet is an ordinary browser again.
pub async fn unenrol(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    session.require_role(Role::Staff)?;
    let now = app.clock.now().timestamp();
    let mut batch = Batch::named("kiosk-unenrol");
    batch.guard(kiosks::revoke(&id, now), UnknownKiosk);
    batch.extend(carts::delete_of_kiosk(&id));
    batch.push(sessions::revoke_kiosk(&id, now));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(UnknownKiosk) => Err(ApiError::not_found("unknown_kiosk", "no enrolled kiosk has this id")),
    }
}

/// `PUT /api/session`: a shopper's device says whether it is a browser tab (`web`) or the
/// installed app (`pwa`) — a claim that unlocks nothing a browser could not get by installing the
/// app. A kiosk is enrolled by staff (`POST /api/kiosk/enrol`); a till is a staff session.
pub async fn set_channel(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SessionChannel>,
) -> Result<Response, ApiError> {
    session.require_shopper_device()?;
    match body.channel {
        Channel::Web | Channel::Pwa => {}
        // Regression: any session could claim to be a store's kiosk and get its showroom offers.
        Channel::Kiosk => {
            return Err(ApiError::Refused {
                code: "kiosk_enrolment_required",
                message: "a device becomes a store's kiosk only when the store's staff enrol it (POST /api/kiosk/enrol with their code)"
                    .into(),
            })
        }
        Channel::Pos => return Err(ApiError::Forbidden("the POS channel is for store systems".into())),
    }
    if body.store_id.is_some() {
        return Err(ApiError::Unprocessable {
            code: "store_not_allowed",
            message: "only an enrolled kiosk belongs to a store; send store_id null".into(),
        });
    }
    let now = app.clock.now().timestamp();
    let mut batch = Batch::named("session-channel");
    batch.live_session(&session, user_agent(&headers), now, SessionEnded);
    batch.push(sessions::set_channel(&session.id, body.channel.as_str()));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(SessionEnded) => return Err(ApiError::SessionEnded),
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    if !session.persisted {
        response.extensions_mut().insert(RotateTo(session.id.clone()));
    }
    Ok(response)
}
