//! Search beside the product listing (`GET /api/products?q=`, in `catalog.rs`): suggestions
//! while typing, and the merchandisers' synonyms.

use crate::db::{catalog, search as db};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::ports::StorageError;
use crate::session::Account;
use crate::session::Session;
use crate::{search, AppState};
use axum::extract::State;
use axum::{Extension, Json};
use serde::Deserialize;
use vitrina_shared::account::Role;
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

/// Who may edit the synonyms: staff and marketers today (the catalog's merchandisers will be
/// added here when their role exists). The one place that decides it.
fn require_merchandising(session: &Session) -> Result<&Account, ApiError> {
    let account = session.require_account()?;
    if matches!(account.role, Role::Staff | Role::Marketer) {
        Ok(account)
    } else {
        Err(ApiError::Forbidden("editing search synonyms needs the staff or marketer role".into()))
    }
}

async fn list(app: &AppState) -> Result<SynonymList, StorageError> {
    let synonyms = db::synonyms(app.sql.as_ref()).await?;
    Ok(SynonymList { synonyms: synonyms.into_iter().map(|s| SynonymPair { term: s.term, expands_to: s.expands_to }).collect() })
}

/// `GET /api/admin/search/synonyms` (staff, marketer): every synonym pair.
pub async fn synonyms(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<SynonymList>, ApiError> {
    require_merchandising(&session)?;
    Ok(Json(list(&app).await?))
}

/// `PUT /api/admin/search/synonyms` (staff, marketer): replaces the whole list, validated first
/// (a refused list changes nothing); the next search uses it.
pub async fn put_synonyms(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<SynonymList>,
) -> Result<Json<SynonymList>, ApiError> {
    require_merchandising(&session)?;
    let pairs: Vec<(String, String)> = body.synonyms.into_iter().map(|p| (p.term, p.expands_to)).collect();
    let valid = validate_synonyms(&pairs).map_err(|e| {
        let index = e.index();
        let error = ApiError::Unprocessable { code: "invalid_synonyms", message: e.to_string() };
        match index {
            Some(i) => error.with("index", u32::try_from(i).unwrap_or(u32::MAX)),
            None => error,
        }
    })?;
    app.sql.batch(db::replace_synonyms_statements(&valid)).await.map_err(StorageError::from)?;
    Ok(Json(list(&app).await?))
}
