//! Hand-off codes: a cart offered to another device for a few minutes, claimed once.

use super::{first, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};

/// Deletes codes that expired before `before`.
pub(crate) fn prune(before: i64) -> Statement {
    Statement::new("DELETE FROM handoffs WHERE expires_at < ?", vec![before.into()])
}

/// A new code for `owner`'s cart, unless a live code has the same digits (guard it).
pub(crate) fn create(code: &str, owner: &str, now: i64, expires_at: i64) -> Statement {
    Statement::new(
        "INSERT INTO handoffs (code, owner, created_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
        vec![code.into(), owner.into(), now.into(), expires_at.into()],
    )
}

/// A code as stored.
pub(crate) struct HandoffRow {
    pub owner: String,
    pub expires_at: i64,
    pub claimed: bool,
}

impl FromRow for HandoffRow {
    const COLUMNS: &'static [&'static str] = &["owner", "expires_at", "claimed_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(HandoffRow { owner: row.text("owner")?.to_owned(), expires_at: row.int("expires_at")?, claimed: !row.is_null("claimed_at")? })
    }
}

const FIND: &str = "SELECT owner, expires_at, claimed_at FROM handoffs WHERE code = ?";

pub(crate) async fn find(sql: &dyn Sql, code: &str) -> Result<Option<HandoffRow>, StorageError> {
    first(sql, FIND, vec![code.into()]).await
}

/// Claims a code for `session` while it is unclaimed and live (guard it).
pub(crate) fn claim(code: &str, session: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE handoffs SET claimed_at = ?, claimed_by = ? WHERE code = ? AND claimed_at IS NULL AND expires_at > ?",
        vec![now.into(), session.into(), code.into(), now.into()],
    )
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    vec![super::checked::<HandoffRow>(FIND)]
}
