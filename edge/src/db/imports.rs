//! Catalog imports: the import, its files until it has run, its refused rows, and the map from
//! 1C's identifiers to the catalog's own.

use super::{all, first, to_time, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use std::collections::HashMap;
use vitrina_shared::api::{ImportFailure, ImportRefusal, ImportStatus};

/// A new import, taking files.
pub(crate) fn create(id: &str, format: &str, by: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO imports (id, format, status, created_by, created_at) VALUES (?, ?, 'uploading', ?, ?)",
        vec![id.into(), format.into(), by.into(), now.into()],
    )
}

/// Adds (or replaces) a file while the import takes files: guard it.
pub(crate) fn put_file(id: &str, name: &str, content: Vec<u8>) -> Statement {
    Statement::new(
        "INSERT INTO import_files (import_id, name, position, content)
         SELECT ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM import_files WHERE import_id = ?), ?
         WHERE EXISTS (SELECT 1 FROM imports WHERE id = ? AND status = 'uploading')
         ON CONFLICT (import_id, name) DO UPDATE SET content = excluded.content",
        vec![id.into(), name.into(), id.into(), Value::Blob(content), id.into()],
    )
}

/// Queues an import that takes files and has at least one: guard it.
pub(crate) fn queue(id: &str) -> Statement {
    Statement::new(
        "UPDATE imports SET status = 'queued'
         WHERE id = ? AND status = 'uploading' AND EXISTS (SELECT 1 FROM import_files WHERE import_id = ?)",
        vec![id.into(), id.into()],
    )
}

/// Claims a queued import, or a running one whose worker last reported before `stale_before`
/// (its host stopped), for a worker whose claim is `now`: guard it.
pub(crate) fn claim(id: &str, now: i64, stale_before: i64) -> Statement {
    Statement::new(
        "UPDATE imports SET status = 'running', claimed_at = ?, heartbeat_at = ?, started_at = COALESCE(started_at, ?), checked_rows = 0,
                attempts = attempts + 1
         WHERE id = ? AND (status = 'queued' OR (status = 'running' AND heartbeat_at < ?))",
        vec![now.into(), now.into(), now.into(), id.into(), stale_before.into()],
    )
}

/// Records progress while the import runs under the claim `claimed_at`.
pub(crate) fn progress(id: &str, total: u64, checked: u64, claimed_at: i64, now: i64) -> Statement {
    Statement::new(
        "UPDATE imports SET total_rows = ?, checked_rows = ?, heartbeat_at = ? WHERE id = ? AND status = 'running' AND claimed_at = ?",
        vec![count(total), count(checked), now.into(), id.into(), claimed_at.into()],
    )
}

fn count(n: u64) -> Value {
    Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The counts an import ends with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub total: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub refused: u64,
}

/// Marks the import done with its counts, if the claim `claimed_at` is still the import's (no
/// other worker took it over): guard it, in the batch that applies the rows.
pub(crate) fn finish(id: &str, outcome: &Outcome, claimed_at: i64, now: i64) -> Statement {
    Statement::new(
        "UPDATE imports SET status = 'done', finished_at = ?, total_rows = ?, checked_rows = ?, created = ?, updated = ?, unchanged = ?, refused = ?
         WHERE id = ? AND status = 'running' AND claimed_at = ?",
        vec![
            now.into(),
            count(outcome.total),
            count(outcome.total),
            count(outcome.created),
            count(outcome.updated),
            count(outcome.unchanged),
            count(outcome.refused),
            id.into(),
            claimed_at.into(),
        ],
    )
}

/// Marks the import failed under the claim `claimed_at` (a worker that was taken over fails
/// nothing): nothing of it was applied.
pub(crate) fn fail(id: &str, code: &str, message: &str, claimed_at: i64, now: i64) -> Statement {
    Statement::new(
        "UPDATE imports SET status = 'failed', finished_at = ?, error_code = ?, error_message = ? WHERE id = ? AND status = 'running' AND claimed_at = ?",
        vec![now.into(), code.into(), message.into(), id.into(), claimed_at.into()],
    )
}

/// A refused row, number `position` of the import.
pub(crate) fn refusal(id: &str, position: usize, r: &ImportRefusal) -> Statement {
    Statement::new(
        "INSERT INTO import_refusals (import_id, position, at, sku, field, reason, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![
            id.into(),
            Value::Integer(i64::try_from(position).unwrap_or(i64::MAX)),
            r.at.clone().into(),
            r.sku.clone().into(),
            r.field.clone().into(),
            r.reason.clone().into(),
            r.message.clone().into(),
        ],
    )
}

/// Drops an import's refused rows (a run that starts again records them afresh).
pub(crate) fn clear_refusals(id: &str) -> Statement {
    Statement::new("DELETE FROM import_refusals WHERE import_id = ?", vec![id.into()])
}

/// Drops the content of an import's files once it has run (their names stay in its record).
pub(crate) fn drop_files(id: &str) -> Statement {
    Statement::new("UPDATE import_files SET content = x'' WHERE import_id = ?", vec![id.into()])
}

/// Records that 1C's `external_id` of `kind` (`group`, `product`, `warehouse`) is `local_id` here.
pub(crate) fn key(kind: &str, external_id: &str, local_id: &str) -> Statement {
    Statement::new(
        "INSERT INTO import_keys (kind, external_id, local_id) VALUES (?, ?, ?)
         ON CONFLICT (kind, external_id) DO UPDATE SET local_id = excluded.local_id",
        vec![kind.into(), external_id.into(), local_id.into()],
    )
}

pub(crate) struct ImportRow {
    pub id: String,
    pub format: String,
    pub status: String,
    pub created_by: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub counts: [i64; 6],
    pub error: Option<(String, String)>,
    pub files: String,
    /// How many times it has been claimed (a run that keeps stopping its worker is failed instead
    /// of being taken up for ever).
    pub attempts: i64,
}

impl FromRow for ImportRow {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "format",
        "status",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "total_rows",
        "checked_rows",
        "created",
        "updated",
        "unchanged",
        "refused",
        "error_code",
        "error_message",
        "files",
        "attempts",
    ];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let error = match (row.opt_text("error_code")?, row.opt_text("error_message")?) {
            (Some(code), message) => Some((code.to_owned(), message.unwrap_or_default().to_owned())),
            _ => None,
        };
        Ok(ImportRow {
            id: row.text("id")?.to_owned(),
            format: row.text("format")?.to_owned(),
            status: row.text("status")?.to_owned(),
            created_by: row.text("created_by")?.to_owned(),
            created_at: row.int("created_at")?,
            started_at: row.opt_int("started_at")?,
            finished_at: row.opt_int("finished_at")?,
            counts: [
                row.int("total_rows")?,
                row.int("checked_rows")?,
                row.int("created")?,
                row.int("updated")?,
                row.int("unchanged")?,
                row.int("refused")?,
            ],
            error,
            files: row.opt_text("files")?.unwrap_or_default().to_owned(),
            attempts: row.int("attempts")?,
        })
    }
}

impl ImportRow {
    /// The import as the API answers it, with `refusals`.
    pub fn status(self, refusals: Vec<ImportRefusal>) -> ImportStatus {
        let n = |i: usize| u64::try_from(self.counts[i]).unwrap_or(0);
        ImportStatus {
            files: self.files.split('\n').filter(|f| !f.is_empty()).map(str::to_owned).collect(),
            created_at: to_time(self.created_at),
            started_at: self.started_at.map(to_time),
            finished_at: self.finished_at.map(to_time),
            total_rows: n(0),
            checked_rows: n(1),
            created: n(2),
            updated: n(3),
            unchanged: n(4),
            refused: n(5),
            error: self.error.map(|(code, message)| ImportFailure { code, message }),
            refusals,
            id: self.id,
            format: self.format,
            status: self.status,
            created_by: self.created_by,
        }
    }
}

const IMPORT_COLUMNS: &str = "SELECT i.id, i.format, i.status, i.created_by, i.created_at, i.started_at, i.finished_at, i.total_rows,
        i.checked_rows, i.created, i.updated, i.unchanged, i.refused, i.error_code, i.error_message,
        (SELECT group_concat(f.name, char(10)) FROM (SELECT name FROM import_files WHERE import_id = i.id ORDER BY position) f) AS files,
        i.attempts
 FROM imports i";

fn one_select() -> String {
    format!("{IMPORT_COLUMNS} WHERE i.id = ?")
}

fn recent_select() -> String {
    format!("{IMPORT_COLUMNS} ORDER BY i.created_at DESC, i.id LIMIT 20")
}

pub(crate) async fn find(sql: &dyn Sql, id: &str) -> Result<Option<ImportRow>, StorageError> {
    first(sql, &one_select(), vec![id.into()]).await
}

/// The 20 latest imports.
pub(crate) async fn recent(sql: &dyn Sql) -> Result<Vec<ImportRow>, StorageError> {
    all(sql, &recent_select(), vec![]).await
}

struct FileRow(String, Vec<u8>);

impl FromRow for FileRow {
    const COLUMNS: &'static [&'static str] = &["name", "content"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(FileRow(row.text("name")?.to_owned(), row.blob("content")?.to_vec()))
    }
}

const FILES: &str = "SELECT name, content FROM import_files WHERE import_id = ? ORDER BY position";

/// An import's files, in upload order.
pub(crate) async fn files(sql: &dyn Sql, id: &str) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
    Ok(all::<FileRow>(sql, FILES, vec![id.into()]).await?.into_iter().map(|f| (f.0, f.1)).collect())
}

struct RefusalRow(ImportRefusal);

impl FromRow for RefusalRow {
    const COLUMNS: &'static [&'static str] = &["at", "sku", "field", "reason", "message"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(RefusalRow(ImportRefusal {
            at: row.text("at")?.to_owned(),
            sku: row.opt_text("sku")?.map(str::to_owned),
            field: row.opt_text("field")?.map(str::to_owned),
            reason: row.text("reason")?.to_owned(),
            message: row.text("message")?.to_owned(),
        }))
    }
}

const REFUSALS: &str =
    "SELECT at, sku, field, reason, message FROM import_refusals WHERE import_id = ? AND position >= ? ORDER BY position LIMIT ?";

/// Up to `limit` refused rows of an import from number `from` on.
pub(crate) async fn refusals(sql: &dyn Sql, id: &str, from: u32, limit: u32) -> Result<Vec<ImportRefusal>, StorageError> {
    Ok(all::<RefusalRow>(sql, REFUSALS, vec![id.into(), from.into(), limit.into()]).await?.into_iter().map(|r| r.0).collect())
}

struct KeyRow(String, String);

impl FromRow for KeyRow {
    const COLUMNS: &'static [&'static str] = &["external_id", "local_id"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(KeyRow(row.text("external_id")?.to_owned(), row.text("local_id")?.to_owned()))
    }
}

const KEYS: &str = "SELECT external_id, local_id FROM import_keys WHERE kind = ?";

/// What 1C's identifiers of `kind` are here.
pub(crate) async fn keys(sql: &dyn Sql, kind: &str) -> Result<HashMap<String, String>, StorageError> {
    Ok(all::<KeyRow>(sql, KEYS, vec![kind.into()]).await?.into_iter().map(|k| (k.0, k.1)).collect())
}

struct IdRow(String);

impl FromRow for IdRow {
    const COLUMNS: &'static [&'static str] = &["id"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(IdRow(row.text("id")?.to_owned()))
    }
}

const RUNNABLE: &str =
    "SELECT id FROM imports WHERE status = 'queued' OR (status = 'running' AND heartbeat_at < ?) ORDER BY created_at, id LIMIT 10";

/// Imports waiting to run: queued, or running without a report since `stale_before`.
pub(crate) async fn runnable(sql: &dyn Sql, stale_before: i64) -> Result<Vec<String>, StorageError> {
    Ok(all::<IdRow>(sql, RUNNABLE, vec![stale_before.into()]).await?.into_iter().map(|r| r.0).collect())
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![
        checked::<ImportRow>(one_select()),
        checked::<ImportRow>(recent_select()),
        checked::<FileRow>(FILES),
        checked::<RefusalRow>(REFUSALS),
        checked::<KeyRow>(KEYS),
        checked::<IdRow>(RUNNABLE),
    ]
}
