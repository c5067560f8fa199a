//! The built-in **test** payment provider: no money moves. Cards follow the well-known test numbers
//! (`shared::orders::test_card`): 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 declined.
//!
//! Like a real provider it keeps its own record of every charge by idempotency key (in its own
//! table, `test_provider_charges`), so a repeated charge answers the first outcome and a checkout
//! interrupted by a crash can ask what happened.

use crate::db::payments;
use crate::ports::{BoxFuture, ChargeOutcome, ChargeRequest, Payments, Sql, StorageError};
use std::sync::Arc;
use vitrina_shared::orders::{test_card, TestCard};

/// What the shopper sees next to the test provider.
pub const TEST_NOTICE: &str =
    "Test payment provider: no real money is charged. Card 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined.";

pub struct TestProvider {
    sql: Arc<dyn Sql>,
}

impl TestProvider {
    pub fn new(sql: Arc<dyn Sql>) -> Self {
        TestProvider { sql }
    }

    async fn recorded(&self, key: &str) -> Result<Option<(i64, ChargeOutcome)>, StorageError> {
        Ok(payments::charge(self.sql.as_ref(), key).await?.map(|c| {
            let outcome = if c.approved {
                ChargeOutcome::Approved { reference: c.reference }
            } else {
                ChargeOutcome::Declined { reason: c.reference }
            };
            (c.amount_minor, outcome)
        }))
    }
}

impl Payments for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, Result<ChargeOutcome, StorageError>> {
        Box::pin(async move {
            let (approved, reference) = match test_card(&request.card_number) {
                Some(TestCard::Approved) => (true, format!("test_{}", request.order_id)),
                Some(TestCard::Declined) => (false, "card_declined".to_owned()),
                None => (false, "invalid_card".to_owned()),
            };
            // The first charge under a key wins; later ones read what it recorded.
            self.sql
                .batch(vec![payments::record(
                    &request.idempotency_key,
                    &request.order_id,
                    request.amount.minor_units(),
                    approved,
                    &reference,
                )])
                .await
                .map_err(StorageError::from)?;
            match self.recorded(&request.idempotency_key).await? {
                Some((amount, _)) if amount != request.amount.minor_units() => {
                    Ok(ChargeOutcome::Declined { reason: "idempotency_key_reused".into() })
                }
                Some((_, outcome)) => Ok(outcome),
                None => Err(StorageError(format!("test provider: charge {} vanished", request.idempotency_key))),
            }
        })
    }

    fn lookup<'a>(&'a self, idempotency_key: &'a str) -> BoxFuture<'a, Result<Option<ChargeOutcome>, StorageError>> {
        Box::pin(async move { Ok(self.recorded(idempotency_key).await?.map(|(_, outcome)| outcome)) })
    }
}
