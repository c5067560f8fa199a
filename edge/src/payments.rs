//! The built-in **test** payment provider: no money moves. Cards follow the well-known test numbers
//! (`shared::orders::test_card`): 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 declined.

use crate::ports::{BoxFuture, ChargeOutcome, ChargeRequest, Payments, StorageError};
use vitrina_shared::orders::{test_card, TestCard};

/// What the shopper sees next to the test provider.
pub const TEST_NOTICE: &str =
    "Test payment provider: no real money is charged. Card 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined.";

pub struct TestProvider;

impl Payments for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, Result<ChargeOutcome, StorageError>> {
        Box::pin(async move {
            Ok(match test_card(&request.card_number) {
                Some(TestCard::Approved) => ChargeOutcome::Approved { reference: format!("test_{}", request.order_id) },
                Some(TestCard::Declined) => {
                    ChargeOutcome::Declined { reason: "the card was declined (test card 4000 0000 0000 0002)".into() }
                }
                None => ChargeOutcome::Declined { reason: "the card number is not valid".into() },
            })
        })
    }
}
