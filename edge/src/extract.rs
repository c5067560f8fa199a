//! Extractors that turn axum's rejections into Vitrina's JSON errors.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// Query string parsed with serde; a malformed one is a 400 `invalid_query`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state).await.map(|q| ApiQuery(q.0)).map_err(|e: QueryRejection| {
            ApiError::BadRequest { status: StatusCode::BAD_REQUEST, code: "invalid_query", message: e.body_text() }
        })
    }
}

/// Path parameters; a malformed one is a 400 `invalid_path`.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| ApiPath(p.0)).map_err(|e: PathRejection| {
            ApiError::BadRequest { status: StatusCode::BAD_REQUEST, code: "invalid_path", message: e.body_text() }
        })
    }
}

/// A JSON body. Oversized → 413 `payload_too_large`; wrong content type → 415; syntax → 400
/// `malformed_json`; wrong shape → 422 `invalid_body`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(req, state).await.map(|j| ApiJson(j.0)).map_err(|e: JsonRejection| {
            let status = e.status();
            let code = match status {
                StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
                StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
                StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
                _ => "malformed_json",
            };
            ApiError::BadRequest { status, code, message: e.body_text() }
        })
    }
}
