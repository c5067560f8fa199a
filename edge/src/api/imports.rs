//! Catalog imports (role `merchandiser`, or staff where configured), in the steps of 1C's site
//! exchange: create an import of a format, upload its files (`PUT …/files/{name}`, again to
//! replace one), start it, and follow its progress. The import itself: `crate::imports`.

use crate::db::{imports as db, new_id};
use crate::error::ApiError;
use crate::extract::{ApiBytes, ApiJson, ApiPath, ApiQuery};
use crate::session::Session;
use crate::tx::Batch;
use crate::{imports, AppState};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use vitrina_shared::api::{ImportStatus, NewImport};
use vitrina_shared::import::{ImportFormat, MAX_IMPORT_FILES};

fn unknown(id: &str) -> ApiError {
    ApiError::not_found("unknown_import", format!("there is no import {}", id.chars().take(40).collect::<String>()))
}

fn started(id: &str, status: &str) -> ApiError {
    ApiError::Conflict { code: "import_started", message: format!("import {id} is {status}; files can only be added before it starts") }
        .with("status", status)
}

async fn status(app: &AppState, id: &str, refusals_from: Option<u32>) -> Result<ImportStatus, ApiError> {
    imports::status(app, id, refusals_from).await?.ok_or_else(|| unknown(id))
}

fn answer(code: StatusCode, status: ImportStatus) -> Response {
    let location = HeaderValue::from_str(&format!("/api/admin/imports/{}", status.id)).ok();
    let mut response = (code, Json(status)).into_response();
    if let Some(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// `POST /api/admin/imports` `{"format": "csv" | "jsonl" | "commerceml"}`: a new import, taking files.
pub async fn create(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiJson(body): ApiJson<NewImport>,
) -> Result<Response, ApiError> {
    let who = session.require_merchandiser(app.config.staff_merchandise)?;
    let format = ImportFormat::parse(&body.format).ok_or_else(|| {
        ApiError::Unprocessable { code: "invalid_import", message: "format is csv, jsonl or commerceml".into() }.with("field", "/format")
    })?;
    let id = new_id('I')?;
    app.sql
        .batch(vec![db::create(&id, format.as_str(), &who.id, app.clock.now().timestamp())])
        .await
        .map_err(crate::ports::StorageError::from)?;
    Ok(answer(StatusCode::CREATED, status(&app, &id, None).await?))
}

/// `PUT /api/admin/imports/{id}/files/{name}`: a file of the import (the body, up to 128 MB), or
/// a new version of one uploaded before. CSV files end in `.csv`, JSON Lines in `.jsonl`, and
/// CommerceML files are `import*.xml` and `offers*.xml`.
pub async fn put_file(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath((id, name)): ApiPath<(String, String)>,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let current = status(&app, &id, None).await?;
    if current.status != "uploading" {
        return Err(started(&id, &current.status));
    }
    let format = ImportFormat::parse(&current.format).ok_or_else(|| unknown(&id))?;
    let shown = || name.chars().take(64).collect::<String>();
    let Some(named) = ImportFormat::of_file(&name).filter(|f| f.accepts(&name)) else {
        return Err(ApiError::Unprocessable {
            code: "invalid_file_name",
            message: "a file is named with letters, digits, '.', '_' and '-' and ends in .csv, .jsonl or .xml (import*.xml, offers*.xml)"
                .into(),
        }
        .with("name", shown()));
    };
    if named != format {
        // A good file for another kind of import: it does not fit this one's format.
        return Err(ApiError::Conflict {
            code: "file_not_in_format",
            message: format!("{} is a {} file; this import reads {}", shown(), named.as_str(), format.as_str()),
        }
        .with("name", shown())
        .with("format", format.as_str()));
    }
    if body.is_empty() {
        return Err(ApiError::Unprocessable { code: "empty_file", message: format!("{name} is empty") }.with("name", name));
    }
    if current.files.len() >= MAX_IMPORT_FILES && !current.files.contains(&name) {
        return Err(ApiError::Unprocessable { code: "too_many_files", message: format!("an import has at most {MAX_IMPORT_FILES} files") });
    }
    let mut batch = Batch::named("import-file");
    batch.guard(db::put_file(&id, &name, body.to_vec()), ());
    if batch.run(app.sql.as_ref()).await?.is_err() {
        let now = status(&app, &id, None).await?;
        return Err(started(&id, &now.status));
    }
    Ok(answer(StatusCode::OK, status(&app, &id, None).await?))
}

/// `POST /api/admin/imports/{id}/start`: runs the import. The native host answers 202 at once and
/// runs it in the background (follow it with `GET`); Spin runs it before answering.
pub async fn start(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let current = status(&app, &id, None).await?;
    if current.status != "uploading" {
        return Err(started(&id, &current.status));
    }
    let mut batch = Batch::named("import-start");
    batch.guard(db::queue(&id), ());
    if batch.run(app.sql.as_ref()).await?.is_err() {
        let now = status(&app, &id, None).await?;
        if now.files.is_empty() {
            return Err(ApiError::Conflict { code: "import_has_no_files", message: format!("upload the files of import {id} first") });
        }
        return Err(started(&id, &now.status));
    }
    let stale_before = app.clock.now().timestamp() - imports::STALE_CLAIM_SECONDS;
    if app.config.imports_in_background {
        spawn(app.clone(), id.clone(), stale_before);
        return Ok(answer(StatusCode::ACCEPTED, status(&app, &id, None).await?));
    }
    imports::run(&app, &id, stale_before).await?;
    Ok(answer(StatusCode::OK, status(&app, &id, Some(0)).await?))
}

#[cfg(not(target_arch = "wasm32"))]
fn spawn(app: AppState, id: String, stale_before: i64) {
    tokio::spawn(async move {
        if let Err(e) = imports::run(&app, &id, stale_before).await {
            tracing::error!(import = id, error = %e, "import stopped by a storage error; it resumes when its claim goes stale");
        }
    });
}

#[cfg(target_arch = "wasm32")]
fn spawn(_app: AppState, _id: String, _stale_before: i64) {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusParams {
    refusals_from: Option<u32>,
}

/// `GET /api/admin/imports/{id}?refusals_from=0`: the import's progress and counts, with up to
/// 1,000 of its refused rows from number `refusals_from` (the first ones when not given).
pub async fn get(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<StatusParams>,
) -> Result<Json<ImportStatus>, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    Ok(Json(status(&app, &id, Some(params.refusals_from.unwrap_or(0))).await?))
}

/// `GET /api/admin/imports`: the 20 latest imports (without their refused rows).
pub async fn list(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<Vec<ImportStatus>>, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    Ok(Json(db::recent(app.sql.as_ref()).await?.into_iter().map(|r| r.status(Vec::new())).collect()))
}
