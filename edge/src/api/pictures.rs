//! Products' photos (role `merchandiser`, or staff where configured): upload one
//! (`multipart/form-data`, part `file`: JPEG, PNG or WebP), list them, remove one. The widths are
//! made here (`shared/src/picture.rs`) and stored with the catalog; the shop serves them at
//! `/pictures/{id}/{width}` (`api/pages.rs`). The first photo becomes the product's picture
//! everywhere it is shown; with none left, its generated picture comes back.

use crate::db::{catalog, new_id, pictures as db};
use crate::error::ApiError;
use crate::extract::{ApiBytes, ApiPath};
use crate::session::Session;
use crate::tx::Batch;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use vitrina_shared::api::PictureInfo;
use vitrina_shared::art::{image_path, picture_path, View};
use vitrina_shared::picture::{self, PictureError, MAX_PICTURES};
use vitrina_shared::Sku;

/// Why a picture write changed nothing.
enum PictureWrite {
    /// The product has [`MAX_PICTURES`] photos already (or was archived meanwhile).
    Full,
    /// The photo is not the product's (or was removed meanwhile).
    Unknown,
}

async fn product(app: &AppState, raw: &str) -> Result<Sku, ApiError> {
    let unknown = || ApiError::not_found("unknown_sku", "no such product").with("sku", raw.chars().take(64).collect::<String>());
    let sku = Sku::parse(raw).map_err(|_| unknown())?;
    catalog::product(app.sql.as_ref(), &sku, app.clock.now().timestamp()).await?.ok_or_else(unknown)?;
    Ok(sku)
}

fn refused(e: PictureError) -> ApiError {
    let code = e.code();
    let message = e.to_string();
    match e {
        PictureError::NotMultipart(_) => ApiError::BadRequest { status: StatusCode::BAD_REQUEST, code, message },
        PictureError::Unsupported => {
            ApiError::BadRequest { status: StatusCode::UNSUPPORTED_MEDIA_TYPE, code, message }.with("formats", "JPEG, PNG, WebP")
        }
        PictureError::TooLarge { width, height } | PictureError::TooSmall { width, height } => {
            ApiError::Unprocessable { code, message }.with("width", i64::from(width)).with("height", i64::from(height))
        }
        PictureError::Unreadable(_) => ApiError::Unprocessable { code, message },
    }
}

/// `POST /api/admin/products/{sku}/pictures`: a new photo, after the product's others (201 with
/// the photo). At most 10 MB, 40 megapixels and 10,000 pixels a side, at least 160 a side.
pub async fn upload(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    let who = session.require_merchandiser(app.config.staff_merchandise)?;
    let sku = product(&app, &raw).await?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let file = picture::multipart_file(content_type, &body).map_err(refused)?;
    let prepared = picture::prepare(file).map_err(refused)?;
    let id = new_id('F')?;
    // The answer is what is stored: known here, not read back.
    let created = PictureInfo {
        url: picture_path(&id, 640),
        width: prepared.width,
        height: prepared.height,
        widths: prepared.files.iter().map(|f| f.width).collect(),
        id: id.clone(),
    };
    let mut batch = Batch::named("picture-upload");
    batch.guard(
        db::insert(&id, &sku, prepared.width, prepared.height, MAX_PICTURES, &who.id, app.clock.now().timestamp()),
        PictureWrite::Full,
    );
    batch.extend(prepared.files.into_iter().map(|f| db::insert_file(&id, f.width, f.height, f.content_type, f.bytes)));
    batch.push(db::point_product_at_first(&sku, &image_path(&sku, View::Front)));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => {}
        Err(PictureWrite::Full | PictureWrite::Unknown) => {
            return Err(ApiError::Conflict {
                code: "too_many_pictures",
                message: format!("a product has at most {MAX_PICTURES} photos; remove one first"),
            }
            .with("max", MAX_PICTURES as i64))
        }
    }
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// `GET /api/admin/products/{sku}/pictures`: the product's photos, in order.
pub async fn list(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<Vec<PictureInfo>>, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let sku = product(&app, &raw).await?;
    Ok(Json(db::of_product(app.sql.as_ref(), &sku).await?))
}

/// `DELETE /api/admin/products/{sku}/pictures/{id}`: removes a photo (204).
pub async fn remove(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiPath((raw, id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    session.require_merchandiser(app.config.staff_merchandise)?;
    let sku = product(&app, &raw).await?;
    let [files, picture] = db::delete(&id, &sku);
    let mut batch = Batch::named("picture-remove");
    batch.push(files);
    batch.guard(picture, PictureWrite::Unknown);
    batch.push(db::point_product_at_first(&sku, &image_path(&sku, View::Front)));
    match batch.run(app.sql.as_ref()).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(PictureWrite::Unknown | PictureWrite::Full) => {
            Err(ApiError::not_found("unknown_picture", format!("product {sku} has no photo {}", id.chars().take(20).collect::<String>())))
        }
    }
}
