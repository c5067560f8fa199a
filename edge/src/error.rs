//! The edge's one error type, mapped to an HTTP status and a JSON body exactly once.

use crate::ports::StorageError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use vitrina_shared::api::{ErrorBody, ErrorParams, ErrorResponse, ParamValue};
use vitrina_shared::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Input that parses but is not a valid domain value.
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// Malformed request syntax: bad query string, bad JSON, wrong content type, too large.
    #[error("{message}")]
    BadRequest { status: StatusCode, code: &'static str, message: String },
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    /// Well-formed input that breaks a rule (e.g. it names SKUs that do not exist).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("please sign in first")]
    SignInRequired,
    /// The session was signed in, out or expired while this request was under way.
    #[error("this session has ended (signed in or out elsewhere); reload and try again")]
    SessionEnded,
    /// Right credentials missing; deliberately says nothing about whether the account exists.
    #[error("the e-mail or the password is wrong")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(String),
    /// Not allowed, for a reason the client can act on, named by `code` (403).
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    #[error("too many attempts; try again in {retry_after} seconds")]
    TooManyRequests { retry_after: i64 },
    /// The thing existed but is gone for good (an expired or used code).
    #[error("{message}")]
    Gone { code: &'static str, message: String },
    #[error("{0}")]
    MethodNotAllowed(String),
    /// A conflicting concurrent change (e.g. a stale cart version).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Another error with the values its message names, sent as `params` so that a client words
    /// the error itself (see [`ApiError::with`]).
    #[error("{error}")]
    WithParams { error: Box<ApiError>, params: ErrorParams },
}

impl ApiError {
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::NotFound { code, message: message.into() }
    }

    /// This error, naming `value` as the parameter `name` (e.g. `.with("sku", &sku)`), for clients
    /// that show the error in their own words.
    pub fn with(self, name: &str, value: impl Into<ParamValue>) -> Self {
        let (error, mut params) = match self {
            ApiError::WithParams { error, params } => (error, params),
            other => (Box::new(other), ErrorParams::new()),
        };
        params.insert(name.to_owned(), value.into());
        ApiError::WithParams { error, params }
    }

    /// The parameters a variant implies by itself.
    fn implied_params(&self) -> Vec<(&'static str, ParamValue)> {
        match self {
            ApiError::Invalid(e) => e.params(),
            ApiError::TooManyRequests { retry_after } => vec![("retry_after", ParamValue::Int(*retry_after))],
            _ => Vec::new(),
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::WithParams { error, .. } => error.status_and_code(),
            ApiError::Invalid(e) => match e {
                DomainError::NegativeQuantity(..)
                | DomainError::QuantityTooLarge(..)
                | DomainError::LineQuantityTooLarge(..)
                | DomainError::DuplicateSku(_)
                | DomainError::StockUpdateSize(_) => (StatusCode::UNPROCESSABLE_ENTITY, e.code()),
                _ => (StatusCode::BAD_REQUEST, e.code()),
            },
            ApiError::BadRequest { status, code, .. } => (*status, code),
            ApiError::NotFound { code, .. } => (StatusCode::NOT_FOUND, code),
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ApiError::SignInRequired => (StatusCode::UNAUTHORIZED, "sign_in_required"),
            ApiError::SessionEnded => (StatusCode::UNAUTHORIZED, "session_ended"),
            ApiError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::Refused { code, .. } => (StatusCode::FORBIDDEN, code),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::Gone { code, .. } => (StatusCode::GONE, code),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::Storage(_) => (StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (error, mut params) = match self {
            ApiError::WithParams { error, params } => (*error, params),
            other => (other, ErrorParams::new()),
        };
        for (name, value) in error.implied_params() {
            params.entry(name.to_owned()).or_insert(value);
        }
        let (status, code) = error.status_and_code();
        let message = match &error {
            ApiError::Storage(detail) => {
                tracing::error!(detail = %detail, "storage error");
                "the store is temporarily unavailable; please try again in a moment".to_owned()
            }
            other => other.to_string(),
        };
        let body = ErrorResponse { error: ErrorBody { code: code.to_owned(), message, params } };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::TooManyRequests { retry_after } = &error {
            if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after.to_string()) {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        response
    }
}
