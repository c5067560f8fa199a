//! Stock levels and validated bulk stock updates from stores, POS and ERP.

use crate::{DomainError, Sku, StoreId};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Most lines one bulk update may carry.
pub const MAX_LINES: usize = 1000;
/// Largest on-hand quantity accepted for one SKU in one store.
pub const MAX_ON_HAND: i64 = 1_000_000;

/// Units of one SKU on hand in one store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub store_id: StoreId,
    pub sku: Sku,
    pub on_hand: u32,
}

/// One line of a bulk stock update as it arrives on the wire (not yet validated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawStockLine {
    pub sku: String,
    pub on_hand: i64,
}

/// A validated line: a real SKU code and a quantity in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLine {
    pub sku: Sku,
    pub on_hand: u32,
}

/// Validates a bulk update: 1..=MAX_LINES lines, valid SKU codes, no duplicates,
/// quantities in 0..=MAX_ON_HAND. The first problem found is reported.
pub fn validate_stock_update(lines: &[RawStockLine]) -> Result<Vec<StockLine>, DomainError> {
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(DomainError::StockUpdateSize(lines.len()));
    }
    let mut seen = HashSet::with_capacity(lines.len());
    lines
        .iter()
        .map(|line| {
            let sku = Sku::parse(&line.sku)?;
            if line.on_hand < 0 {
                return Err(DomainError::NegativeQuantity(line.on_hand, line.sku.clone()));
            }
            if line.on_hand > MAX_ON_HAND {
                return Err(DomainError::QuantityTooLarge(line.on_hand, line.sku.clone()));
            }
            if !seen.insert(sku.clone()) {
                return Err(DomainError::DuplicateSku(line.sku.clone()));
            }
            // In range by the checks above.
            let on_hand = u32::try_from(line.on_hand).map_err(|_| DomainError::QuantityTooLarge(line.on_hand, line.sku.clone()))?;
            Ok(StockLine { sku, on_hand })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sku: &str, on_hand: i64) -> RawStockLine {
        RawStockLine { sku: sku.into(), on_hand }
    }

    #[test]
    fn a_valid_update_passes_unchanged() {
        let ok = validate_stock_update(&[line("PHN-0001", 3), line("PHN-0002", 0)]).unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].on_hand, 3);
    }

    #[test]
    fn negative_huge_duplicate_and_empty_updates_are_rejected_with_their_codes() {
        let code = |lines: &[RawStockLine]| validate_stock_update(lines).unwrap_err().code();
        assert_eq!(code(&[line("PHN-0001", -1)]), "negative_quantity");
        assert_eq!(code(&[line("PHN-0001", MAX_ON_HAND + 1)]), "quantity_too_large");
        assert_eq!(code(&[line("PHN-0001", 1), line("PHN-0001", 2)]), "duplicate_sku");
        assert_eq!(code(&[]), "stock_update_size");
        assert_eq!(code(&[line("bad sku", 1)]), "invalid_sku");
    }
}
