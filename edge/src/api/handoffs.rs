//! Hand-off: a short code (and its QR) that moves this cart to another device, for 10 minutes,
//! once. Claiming merges the cart into the claiming device's cart by the sign-in rules and empties
//! the source (a showroom kiosk keeps nothing).

use crate::db::carts::plan_merge;
use crate::db::handoffs;
use crate::error::ApiError;
use crate::extract::{client_address, ApiPath};
use crate::limits::rate_limit;
use crate::ports::StorageError;
use crate::pricing::{priced_view, view};
use crate::session::{RotateTo, Session};
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use qrcode::render::svg;
use qrcode::QrCode;
use vitrina_shared::api::{Claimed, Handoff};
use vitrina_shared::handoff::{HandoffCode, CODE_LEN, VALID_MINUTES};

/// Claim attempts allowed per client address per 10 minutes: typing a code needs few tries,
/// guessing one of 887 million needs very many.
pub const CLAIMS_PER_CLIENT: i64 = 10;

fn new_code() -> Result<HandoffCode, StorageError> {
    let mut bytes = [0_u8; CODE_LEN * 4];
    getrandom::fill(&mut bytes).map_err(|e| StorageError(format!("no randomness: {e}")))?;
    let mut words = [0_u32; CODE_LEN];
    for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(4)) {
        *word = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    Ok(HandoffCode::from_random(words))
}

fn qr_svg(url: &str) -> Result<String, ApiError> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| StorageError(format!("QR code: {e}")))?;
    Ok(code.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
}

/// The site's origin as the client addressed it, for the QR code's absolute URL.
fn origin(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let https = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// Why a new hand-off code was not stored: a live code has the same digits.
struct CodeTaken;

/// Why a claim changed nothing.
#[derive(Clone)]
enum Claim {
    /// Claimed by someone else a moment ago.
    Used,
    /// This session was signed out or expired meanwhile.
    SessionEnded,
    /// The target or source cart changed since the merge was planned.
    CartChanged,
}

/// `POST /api/cart/handoff`.
pub async fn create(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<Handoff>), ApiError> {
    let owner = session.cart_owner();
    if view(app.sql.as_ref(), &owner, app.clock.now().timestamp()).await?.lines.is_empty() {
        return Err(ApiError::Conflict { code: "empty_cart", message: "there is nothing in the cart to hand off".into() });
    }
    let now = app.clock.now().timestamp();
    rate_limit(app.sql.as_ref(), &format!("handoff-create:{}", session.id), 20, 600, now).await?;
    let expires = now + VALID_MINUTES * 60;
    for _ in 0..5 {
        let code = new_code()?;
        // Codes a day past their expiry are no longer worth an answer: pruned here, lazily.
        let prune = handoffs::prune(now - 86_400);
        let mut batch = Batch::named("handoff-create");
        batch.push(prune);
        batch.guard(handoffs::create(code.as_str(), &owner, now, expires), CodeTaken);
        match batch.run(app.sql.as_ref()).await? {
            Ok(()) => {
                let url = format!("/handoff/{}", code.as_str());
                let qr = qr_svg(&format!("{}{url}", origin(&headers)))?;
                let expires_at = chrono::DateTime::from_timestamp(expires, 0).unwrap_or_default();
                return Ok((StatusCode::CREATED, Json(Handoff { code, url, expires_at, qr_svg: qr })));
            }
            // A collision with a live code: draw again.
            Err(CodeTaken) => continue,
        }
    }
    Err(StorageError("could not draw an unused hand-off code".into()).into())
}

/// `POST /api/handoff/{code}/claim`.
pub async fn claim(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    ApiPath(raw): ApiPath<String>,
) -> Result<Response, ApiError> {
    let now = app.clock.now().timestamp();
    rate_limit(app.sql.as_ref(), &format!("handoff-claim:{}", client_address(&headers)), CLAIMS_PER_CLIENT, 600, now).await?;
    let unknown = || ApiError::not_found("unknown_handoff_code", "no cart is waiting under this code; check it on the other screen");
    let code = HandoffCode::parse(&raw).map_err(|_| unknown())?;
    let row = handoffs::find(app.sql.as_ref(), code.as_str()).await?.ok_or_else(unknown)?;
    if row.claimed {
        return Err(ApiError::Gone { code: "handoff_used", message: "this code has already been used".into() });
    }
    if row.expires_at <= now {
        return Err(ApiError::Gone {
            code: "handoff_expired",
            message: "this code has expired; ask for a new one on the other screen".into(),
        });
    }
    let source = row.owner;
    let target = session.cart_owner();
    if source == target {
        return Err(ApiError::Unprocessable { code: "same_cart", message: "this code is for this device's own cart".into() });
    }
    let plan = plan_merge(app.sql.as_ref(), &target, &source, now).await?;
    if plan.statements.is_empty() {
        return Err(ApiError::Gone { code: "handoff_empty", message: "the cart behind this code is empty now; ask for a new code".into() });
    }
    let mut batch = Batch::named("handoff-claim");
    batch.guard(handoffs::claim(code.as_str(), &session.id, now), Claim::Used);
    batch.live_session(&session, headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or(""), now, Claim::SessionEnded);
    batch.guard_all(plan.statements, Claim::CartChanged);
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {
            let mut response =
                Json(Claimed { cart: priced_view(&app, &session, &target).await?, cart_adjustments: plan.adjustments }).into_response();
            if !session.persisted {
                response.extensions_mut().insert(RotateTo(session.id.clone()));
            }
            Ok(response)
        }
        // Claimed by someone else a moment ago, or the target cart changed: nothing moved.
        Err(Claim::Used) => Err(ApiError::Gone { code: "handoff_used", message: "this code has already been used".into() }),
        Err(Claim::SessionEnded) => Err(ApiError::SessionEnded),
        Err(Claim::CartChanged) => {
            Err(ApiError::Conflict { code: "cart_conflict", message: "your cart changed meanwhile; please try again".into() })
        }
    }
}
