//! Search beside the product listing (`GET /api/products?q=`, in `catalog.rs`): suggestions
//! while typing, and the merchandisers' synonyms.

use crate::db::{catalog, search as db};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::session::Session;
use crate::tx::Batch;
use crate::{search, AppState};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use vitrina_shared::api::{Suggestions, SynonymList, SynonymPair};
use vitrina_shared::catalog::{normalize_search, MAX_QUERY_CHARS};
use vitrina_shared::search::validate_synonyms;
use vitrina_shared::DomainError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestParams {
    q: Option<String>,
}

/// `GET /api/search/suggest?q=`: at most eight categories and product names for what is typed so far.
pub async fn suggest(State(app): State<AppState>, ApiQuery(params): ApiQuery<SuggestParams>) -> Result<Json<Suggestions>, ApiError> {
    let raw = params.q.unwrap_or_default();
    if raw.chars().count() > MAX_QUERY_CHARS {
        return Err(DomainError::QueryTooLong.into());
    }
    let query = normalize_search(&raw);
    let categories = catalog::categories(app.sql.as_ref()).await?;
    let suggestions = search::suggest(app.sql.as_ref(), &query, &categories).await?;
    Ok(Json(Suggestions { query, suggestions }))
}

/// The list with its version as `ETag` (the version read first: a change in between makes a later
/// `If-Match` fail, never pass).
async fn list(app: &AppState) -> Result<Response, ApiError> {
    let version = db::synonyms_version(app.sql.as_ref()).await?;
    let synonyms = db::synonyms(app.sql.as_ref()).await?;
    let body = SynonymList { synonyms: synonyms.into_iter().map(|s| SynonymPair { term: s.term, expands_to: s.expands_to }).collect() };
    let mut response = Json(body).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    Ok(response)
}

/// `GET /api/admin/search/synonyms` (staff, marketer): every synonym pair, the list's version as `ETag`.
pub async fn synonyms(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    list(&app).await
}

/// Why a list replacement changed nothing: the list is no longer at the version `If-Match` named.
struct SynonymsChanged;

/// `PUT /api/admin/search/synonyms` (staff, marketer): replaces the whole list, validated first
/// (a refused list changes nothing); the next search uses it. With `If-Match: "<version>"` only
/// from that version (409 `synonyms_changed` otherwise).
pub async fn put_synonyms(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SynonymList>,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let expected = match headers.get(header::IF_MATCH) {
        Some(v) => Some(v.to_str().ok().and_then(crate::extract::etag_version).ok_or(ApiError::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_if_match",
            message: "If-Match must be the list's version, e.g. \"3\"".into(),
        })?),
        None => None,
    };
    let pairs: Vec<(String, String)> = body.synonyms.into_iter().map(|p| (p.term, p.expands_to)).collect();
    let valid = validate_synonyms(&pairs).map_err(|e| {
        let index = e.index();
        let error = ApiError::Unprocessable { code: "invalid_synonyms", message: e.to_string() };
        match index {
            Some(i) => error.with("index", u32::try_from(i).unwrap_or(u32::MAX)),
            None => error,
        }
    })?;
    let mut batch = Batch::named("synonyms-replace");
    batch.guard(db::bump_synonyms_version(expected), SynonymsChanged);
    batch.extend(db::replace_synonyms_statements(&valid));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => list(&app).await,
        Err(SynonymsChanged) => Err(ApiError::Conflict {
            code: "synonyms_changed",
            message: "the synonyms were changed by someone else meanwhile; reload them".into(),
        }),
    }
}
