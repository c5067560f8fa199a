//! The test payment provider's own records: every charge by idempotency key, as a real provider
//! keeps them.

use super::{first, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};

/// A charge as the provider recorded it.
pub(crate) struct Charge {
    pub amount_minor: i64,
    pub approved: bool,
    /// The payment reference when approved, else the decline reason.
    pub reference: String,
}

impl FromRow for Charge {
    const COLUMNS: &'static [&'static str] = &["amount_minor", "approved", "reference"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Charge {
            amount_minor: row.int("amount_minor")?,
            approved: row.int("approved")? == 1,
            reference: row.text("reference")?.to_owned(),
        })
    }
}

const CHARGE: &str = "SELECT amount_minor, approved, reference FROM test_provider_charges WHERE idempotency_key = ?";

/// The charge recorded under a key, if any.
pub(crate) async fn charge(sql: &dyn Sql, key: &str) -> Result<Option<Charge>, StorageError> {
    first(sql, CHARGE, vec![key.into()]).await
}

/// Records a charge under its key; the first charge under a key wins.
pub(crate) fn record(key: &str, order: &str, amount_minor: i64, approved: bool, reference: &str) -> Statement {
    Statement::new(
        "INSERT INTO test_provider_charges (idempotency_key, order_id, amount_minor, approved, reference, created_at)
         VALUES (?, ?, ?, ?, ?, strftime('%s', 'now')) ON CONFLICT (idempotency_key) DO NOTHING",
        vec![key.into(), order.into(), amount_minor.into(), i64::from(approved).into(), reference.into()],
    )
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    vec![super::checked::<Charge>(CHARGE)]
}
