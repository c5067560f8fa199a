//! Products' uploaded photos and their widths (migration 16). The back office writes them; the
//! shop only reads them (so there the writes are unused).
#![cfg_attr(not(feature = "back-office"), allow(dead_code))]

use super::{all, first, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use vitrina_shared::api::PictureInfo;
use vitrina_shared::art::picture_path;
use vitrina_shared::Sku;

/// A new photo of `sku`, after its others, if the product has fewer than `max`: guard it.
pub(crate) fn insert(id: &str, sku: &Sku, width: u32, height: u32, max: usize, by: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO product_pictures (id, sku, position, width, height, created_at, created_by)
         SELECT ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM product_pictures WHERE sku = ?), ?, ?, ?, ?
         WHERE (SELECT COUNT(*) FROM product_pictures WHERE sku = ?) < ?",
        vec![
            id.into(),
            sku.as_str().into(),
            sku.as_str().into(),
            i64::from(width).into(),
            i64::from(height).into(),
            now.into(),
            by.into(),
            sku.as_str().into(),
            Value::Integer(i64::try_from(max).unwrap_or(i64::MAX)),
        ],
    )
}

/// One width of a photo.
pub(crate) fn insert_file(id: &str, width: u32, height: u32, content_type: &str, bytes: Vec<u8>) -> Statement {
    Statement::new(
        "INSERT INTO picture_files (picture_id, width, height, content_type, bytes) VALUES (?, ?, ?, ?, ?)",
        vec![id.into(), i64::from(width).into(), i64::from(height).into(), content_type.into(), Value::Blob(bytes)],
    )
}

/// Removes a photo of `sku` and its widths: guard the second statement.
pub(crate) fn delete(id: &str, sku: &Sku) -> [Statement; 2] {
    [
        Statement::new(
            "DELETE FROM picture_files WHERE picture_id = (SELECT id FROM product_pictures WHERE id = ? AND sku = ?)",
            vec![id.into(), sku.as_str().into()],
        ),
        Statement::new("DELETE FROM product_pictures WHERE id = ? AND sku = ?", vec![id.into(), sku.as_str().into()]),
    ]
}

/// Sets the product's picture to its first photo's address, or to `otherwise` (its generated
/// picture) when it has none left; a picture that is neither (an address a merchandiser gave) stays.
pub(crate) fn point_product_at_first(sku: &Sku, otherwise: &str) -> Statement {
    Statement::new(
        "UPDATE products SET image = COALESCE(
             (SELECT '/pictures/' || id || '/640' FROM product_pictures WHERE sku = ? ORDER BY position LIMIT 1), ?)
         WHERE sku = ? AND (image LIKE '/pictures/%' OR image = ?)",
        vec![sku.as_str().into(), otherwise.into(), sku.as_str().into(), otherwise.into()],
    )
}

struct PictureRow(PictureInfo);

impl FromRow for PictureRow {
    const COLUMNS: &'static [&'static str] = &["id", "width", "height", "widths"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let id = row.text("id")?.to_owned();
        let widths = row.text("widths")?.split(',').filter_map(|w| w.parse().ok()).collect();
        Ok(PictureRow(PictureInfo {
            url: picture_path(&id, 640),
            width: u32::try_from(row.int("width")?).unwrap_or(0),
            height: u32::try_from(row.int("height")?).unwrap_or(0),
            widths,
            id,
        }))
    }
}

const OF_PRODUCT: &str = "SELECT p.id, p.width, p.height,
        (SELECT GROUP_CONCAT(width, ',') FROM (SELECT width FROM picture_files WHERE picture_id = p.id ORDER BY width)) AS widths
     FROM product_pictures p WHERE p.sku = ? ORDER BY p.position";

/// A product's photos, in order.
pub(crate) async fn of_product(sql: &dyn Sql, sku: &Sku) -> Result<Vec<PictureInfo>, StorageError> {
    Ok(all::<PictureRow>(sql, OF_PRODUCT, vec![sku.as_str().into()]).await?.into_iter().map(|r| r.0).collect())
}

/// A stored width of a photo.
pub(crate) struct PictureFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl FromRow for PictureFile {
    const COLUMNS: &'static [&'static str] = &["content_type", "bytes"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(PictureFile { content_type: row.text("content_type")?.to_owned(), bytes: row.blob("bytes")?.to_vec() })
    }
}

/// The narrowest stored width of the photo at least `width` wide, else its widest.
const FILE: &str = "SELECT content_type, bytes FROM picture_files WHERE picture_id = ?
     ORDER BY (width >= ?) DESC, CASE WHEN width >= ? THEN width ELSE -width END LIMIT 1";

/// The file to answer a request for photo `id` at `width` with.
pub(crate) async fn file(sql: &dyn Sql, id: &str, width: u32) -> Result<Option<PictureFile>, StorageError> {
    first::<PictureFile>(sql, FILE, vec![id.into(), i64::from(width).into(), i64::from(width).into()]).await
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![checked::<PictureRow>(OF_PRODUCT), checked::<PictureFile>(FILE)]
}
