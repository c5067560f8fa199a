//! Kiosks: the enrolment codes staff issue (kept as hashes) and the enrolled tablets.

use super::{all, first, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};

/// Deletes enrolment codes that expired before `before`.
pub(crate) fn prune_codes(before: i64) -> Statement {
    Statement::new("DELETE FROM kiosk_enrolment_codes WHERE expires_at < ?", vec![before.into()])
}

/// A new enrolment code, unless the same hash is on record (then nothing changes: guard it).
pub(crate) fn issue_code(code_hash: &str, store: &str, issued_by: &str, now: i64, expires_at: i64) -> Statement {
    Statement::new(
        "INSERT INTO kiosk_enrolment_codes (code_hash, store_id, issued_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (code_hash) DO NOTHING",
        vec![code_hash.into(), store.into(), issued_by.into(), now.into(), expires_at.into()],
    )
}

/// An enrolment code as stored.
pub(crate) struct CodeRow {
    pub store_id: String,
    pub issued_by: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl FromRow for CodeRow {
    const COLUMNS: &'static [&'static str] = &["store_id", "issued_by", "expires_at", "used_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(CodeRow {
            store_id: row.text("store_id")?.to_owned(),
            issued_by: row.opt_text("issued_by")?.map(str::to_owned),
            expires_at: row.int("expires_at")?,
            used_at: row.opt_int("used_at")?,
        })
    }
}

const CODE: &str = "SELECT store_id, issued_by, expires_at, used_at FROM kiosk_enrolment_codes WHERE code_hash = ?";

pub(crate) async fn code(sql: &dyn Sql, code_hash: &str) -> Result<Option<CodeRow>, StorageError> {
    first(sql, CODE, vec![code_hash.into()]).await
}

/// Consumes a code for `kiosk` while it is unused and in time (guard it).
pub(crate) fn use_code(code_hash: &str, kiosk: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE kiosk_enrolment_codes SET used_at = ?, kiosk_id = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
        vec![now.into(), kiosk.into(), code_hash.into(), now.into()],
    )
}

pub(crate) fn enrol(kiosk: &str, store: &str, enrolled_by: Option<String>, user_agent: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO kiosks (id, store_id, enrolled_by, user_agent, enrolled_at) VALUES (?, ?, ?, ?, ?)",
        vec![kiosk.into(), store.into(), enrolled_by.into(), user_agent.into(), now.into()],
    )
}

/// Un-enrols the kiosk that session `session` belongs to, if any.
pub(crate) fn revoke_of_session(session: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE kiosks SET revoked_at = ? WHERE revoked_at IS NULL AND id = (SELECT kiosk_id FROM sessions WHERE id = ?)",
        vec![now.into(), session.into()],
    )
}

/// Un-enrols kiosk `id` (changes nothing if it is not enrolled: guard it).
pub(crate) fn revoke(id: &str, now: i64) -> Statement {
    Statement::new("UPDATE kiosks SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", vec![now.into(), id.into()])
}

/// An enrolled kiosk, with who enrolled it and when it was last used.
pub(crate) struct KioskRow {
    pub id: String,
    pub store_id: String,
    pub user_agent: String,
    pub enrolled_at: i64,
    pub enrolled_by: Option<String>,
    pub last_seen_at: i64,
}

impl FromRow for KioskRow {
    const COLUMNS: &'static [&'static str] = &["id", "store_id", "user_agent", "enrolled_at", "email", "last_seen_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(KioskRow {
            id: row.text("id")?.to_owned(),
            store_id: row.text("store_id")?.to_owned(),
            user_agent: row.text("user_agent")?.to_owned(),
            enrolled_at: row.int("enrolled_at")?,
            enrolled_by: row.opt_text("email")?.map(str::to_owned),
            last_seen_at: row.int("last_seen_at")?,
        })
    }
}

const ENROLLED: &str = "SELECT k.id, k.store_id, k.user_agent, k.enrolled_at, c.email,
            COALESCE((SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.kiosk_id = k.id), k.enrolled_at) AS last_seen_at
     FROM kiosks k LEFT JOIN customers c ON c.id = k.enrolled_by
     WHERE k.revoked_at IS NULL ORDER BY k.store_id, k.enrolled_at, k.id";

/// The enrolled kiosks of every store.
pub(crate) async fn enrolled(sql: &dyn Sql) -> Result<Vec<KioskRow>, StorageError> {
    all(sql, ENROLLED, vec![]).await
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![checked::<CodeRow>(CODE), checked::<KioskRow>(ENROLLED)]
}
