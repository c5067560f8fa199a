//! Sessions: one row per signed cookie that stored something, a kiosk's session bound to its
//! enrolment. Times are seconds; callers pass the expiry they decided.

use super::{all, first, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};

/// A session as stored, with its account's role and its kiosk's enrolment.
pub(crate) struct SessionRow {
    pub channel: String,
    /// The store of the kiosk the session belongs to, if any.
    pub kiosk_store: Option<String>,
    pub customer_id: Option<String>,
    pub role: Option<String>,
    pub expires_at: i64,
    pub revoked: bool,
    pub last_seen_at: i64,
    pub kiosk_id: Option<String>,
    /// Whether the session's kiosk was un-enrolled (or its row has gone).
    pub kiosk_revoked: bool,
}

impl FromRow for SessionRow {
    const COLUMNS: &'static [&'static str] =
        &["channel", "kiosk_store", "customer_id", "role", "expires_at", "revoked_at", "last_seen_at", "kiosk_id", "kiosk_revoked_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(SessionRow {
            channel: row.text("channel")?.to_owned(),
            kiosk_store: row.opt_text("kiosk_store")?.map(str::to_owned),
            customer_id: row.opt_text("customer_id")?.map(str::to_owned),
            role: row.opt_text("role")?.map(str::to_owned),
            expires_at: row.int("expires_at")?,
            revoked: !row.is_null("revoked_at")?,
            last_seen_at: row.int("last_seen_at")?,
            kiosk_id: row.opt_text("kiosk_id")?.map(str::to_owned),
            kiosk_revoked: !row.is_null("kiosk_revoked_at")?,
        })
    }
}

const LOAD: &str = "SELECT s.channel, k.store_id AS kiosk_store, s.customer_id, c.role, s.expires_at, s.revoked_at, s.last_seen_at,
            s.kiosk_id, k.revoked_at AS kiosk_revoked_at
     FROM sessions s LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN kiosks k ON k.id = s.kiosk_id
     WHERE s.id = ?";

/// The session `id`, if it has a row.
pub(crate) async fn load(sql: &dyn Sql, id: &str) -> Result<Option<SessionRow>, StorageError> {
    first::<SessionRow>(sql, LOAD, vec![id.into()]).await
}

/// Marks the session used at `now`, to end at `expires_at`.
pub(crate) fn touch(id: &str, now: i64, expires_at: i64) -> Statement {
    Statement::new("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?", vec![now.into(), expires_at.into(), id.into()])
}

/// Creates an anonymous session's row if missing (idempotent).
pub(crate) fn persist(id: &str, channel: &str, store: Option<&str>, user_agent: &str, now: i64, expires_at: i64) -> Statement {
    Statement::new(
        "INSERT INTO sessions (id, customer_id, channel, store_id, user_agent, created_at, last_seen_at, expires_at)
         VALUES (?, NULL, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        vec![id.into(), channel.into(), store.into(), user_agent.into(), now.into(), now.into(), expires_at.into()],
    )
}

/// Starts session `id` signed in as `customer`.
pub(crate) fn start_signed_in(
    id: &str,
    customer: &str,
    channel: &str,
    store: Option<&str>,
    user_agent: &str,
    now: i64,
    expires_at: i64,
) -> Statement {
    Statement::new(
        "INSERT INTO sessions (id, customer_id, channel, store_id, user_agent, created_at, last_seen_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        vec![id.into(), customer.into(), channel.into(), store.into(), user_agent.into(), now.into(), now.into(), expires_at.into()],
    )
}

/// Starts session `id` as a kiosk of `store` (enrolment `kiosk`).
pub(crate) fn start_kiosk(id: &str, kiosk: &str, store: &str, user_agent: &str, now: i64, expires_at: i64) -> Statement {
    Statement::new(
        "INSERT INTO sessions (id, customer_id, channel, store_id, kiosk_id, user_agent, created_at, last_seen_at, expires_at)
         VALUES (?, NULL, 'kiosk', ?, ?, ?, ?, ?, ?)",
        vec![id.into(), store.into(), kiosk.into(), user_agent.into(), now.into(), now.into(), expires_at.into()],
    )
}

/// When session `old` belongs to a live kiosk, starts session `fresh` on the same kiosk; changes
/// nothing for any other session.
pub(crate) fn kiosk_successor(old: &str, fresh: &str, now: i64, expires_at: i64) -> Statement {
    Statement::new(
        "INSERT INTO sessions (id, customer_id, channel, store_id, kiosk_id, user_agent, created_at, last_seen_at, expires_at)
         SELECT ?, NULL, 'kiosk', k.store_id, k.id, s.user_agent, ?, ?, ?
         FROM sessions s JOIN kiosks k ON k.id = s.kiosk_id WHERE s.id = ? AND k.revoked_at IS NULL",
        vec![fresh.into(), now.into(), now.into(), expires_at.into(), old.into()],
    )
}

/// Changes a row only while the session is live (not revoked or expired): the liveness guard.
pub(crate) fn live(id: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND revoked_at IS NULL AND expires_at > ?",
        vec![now.into(), id.into(), now.into()],
    )
}

/// Ends session `id` (changes nothing if it had ended).
pub(crate) fn revoke(id: &str, now: i64) -> Statement {
    Statement::new("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", vec![now.into(), id.into()])
}

/// Ends `customer`'s session `id` (changes nothing for another account's or an ended session).
pub(crate) fn revoke_of(id: &str, customer: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE sessions SET revoked_at = ? WHERE id = ? AND customer_id = ? AND revoked_at IS NULL",
        vec![now.into(), id.into(), customer.into()],
    )
}

/// Ends every session of a kiosk.
pub(crate) fn revoke_kiosk(kiosk: &str, now: i64) -> Statement {
    Statement::new("UPDATE sessions SET revoked_at = ? WHERE kiosk_id = ? AND revoked_at IS NULL", vec![now.into(), kiosk.into()])
}

/// Sets a shopper device's channel (never a kiosk's).
pub(crate) fn set_channel(id: &str, channel: &str) -> Statement {
    Statement::new("UPDATE sessions SET channel = ?, store_id = NULL WHERE id = ? AND kiosk_id IS NULL", vec![channel.into(), id.into()])
}

/// A signed-in device of an account.
pub(crate) struct DeviceRow {
    pub id: String,
    pub channel: String,
    pub user_agent: String,
    pub store_id: Option<String>,
    pub last_seen_at: i64,
}

impl FromRow for DeviceRow {
    const COLUMNS: &'static [&'static str] = &["id", "channel", "user_agent", "store_id", "last_seen_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(DeviceRow {
            id: row.text("id")?.to_owned(),
            channel: row.text("channel")?.to_owned(),
            user_agent: row.text("user_agent")?.to_owned(),
            store_id: row.opt_text("store_id")?.map(str::to_owned),
            last_seen_at: row.int("last_seen_at")?,
        })
    }
}

const DEVICES: &str = "SELECT id, channel, user_agent, store_id, last_seen_at FROM sessions
     WHERE customer_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY last_seen_at DESC";

/// The account's live sessions, most recently used first.
pub(crate) async fn devices(sql: &dyn Sql, customer: &str, now: i64) -> Result<Vec<DeviceRow>, StorageError> {
    all(sql, DEVICES, vec![customer.into(), now.into()]).await
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![checked::<SessionRow>(LOAD), checked::<DeviceRow>(DEVICES)]
}
