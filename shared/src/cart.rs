//! The cart: validated quantities and the merge of a guest cart into an account cart.

use crate::{DomainError, Sku};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most units of one SKU a cart line may hold.
pub const MAX_LINE_QTY: u32 = 10;
/// Most distinct lines a cart may hold.
pub const MAX_LINES: usize = 50;

/// A quantity a shopper asked for: 0 (remove) up to [`MAX_LINE_QTY`].
pub fn parse_line_qty(raw: i64, sku: &Sku) -> Result<u32, DomainError> {
    if raw < 0 {
        return Err(DomainError::NegativeQuantity(raw, sku.to_string()));
    }
    match u32::try_from(raw) {
        Ok(qty) if qty <= MAX_LINE_QTY => Ok(qty),
        _ => Err(DomainError::LineQuantityTooLarge(raw, sku.to_string())),
    }
}

/// One line of a cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub sku: Sku,
    pub qty: u32,
}

/// Why a line came out of a merge with fewer units than the two carts held together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentReason {
    /// Capped at [`MAX_LINE_QTY`].
    LineMaximum,
    /// Capped at the units the chain has.
    Availability,
    /// The product is no longer sold.
    Discontinued,
}

/// A line the merge reduced (`kept > 0`) or dropped (`kept == 0`), reported to the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub sku: Sku,
    pub requested: u32,
    pub kept: u32,
    pub reason: AdjustmentReason,
}

/// The merged cart and what had to change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Merge {
    pub lines: Vec<CartLine>,
    pub adjustments: Vec<Adjustment>,
}

/// Merges `guest` into `account`: quantities of the same SKU are summed, then capped by the
/// per-line maximum and by `available` (units the chain has; `None` = no longer sold). Lines keep
/// the account cart's order, then the guest's new SKUs in their order; at most [`MAX_LINES`] lines
/// are kept (the rest are reported as dropped for the line maximum). Every reduction is reported.
pub fn merge_carts(account: &[CartLine], guest: &[CartLine], available: &HashMap<Sku, u32>) -> Merge {
    let mut order: Vec<&Sku> = Vec::new();
    let mut wanted: HashMap<&Sku, u64> = HashMap::new();
    for line in account.iter().chain(guest) {
        let total = wanted.entry(&line.sku).or_insert_with(|| {
            order.push(&line.sku);
            0
        });
        *total += u64::from(line.qty);
    }
    let mut merge = Merge::default();
    for sku in order {
        let requested = u32::try_from(wanted[sku]).unwrap_or(u32::MAX);
        if requested == 0 {
            continue;
        }
        let (mut kept, mut reason) = match available.get(sku) {
            None => (0, AdjustmentReason::Discontinued),
            Some(&units) if units < requested.min(MAX_LINE_QTY) => (units, AdjustmentReason::Availability),
            Some(_) => (requested.min(MAX_LINE_QTY), AdjustmentReason::LineMaximum),
        };
        if kept > 0 && merge.lines.len() >= MAX_LINES {
            (kept, reason) = (0, AdjustmentReason::LineMaximum);
        }
        if kept > 0 {
            merge.lines.push(CartLine { sku: sku.clone(), qty: kept });
        }
        if kept < requested {
            merge.adjustments.push(Adjustment { sku: sku.clone(), requested, kept, reason });
        }
    }
    merge
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sku(n: u32) -> Sku {
        Sku::parse(&format!("TST-{n:04}")).unwrap()
    }

    fn line(n: u32, qty: u32) -> CartLine {
        CartLine { sku: sku(n), qty }
    }

    #[test]
    fn quantities_of_the_same_sku_are_summed() {
        let available = HashMap::from([(sku(1), 100), (sku(2), 100)]);
        let merge = merge_carts(&[line(1, 2)], &[line(1, 3), line(2, 1)], &available);
        assert_eq!(merge.lines, vec![line(1, 5), line(2, 1)]);
        assert!(merge.adjustments.is_empty());
    }

    #[test]
    fn sums_are_capped_by_stock_and_by_the_line_maximum_and_reported() {
        let available = HashMap::from([(sku(1), 4), (sku(2), 100)]);
        let merge = merge_carts(&[line(1, 3), line(2, 7)], &[line(1, 3), line(2, 7)], &available);
        assert_eq!(merge.lines, vec![line(1, 4), line(2, MAX_LINE_QTY)]);
        assert_eq!(
            merge.adjustments,
            vec![
                Adjustment { sku: sku(1), requested: 6, kept: 4, reason: AdjustmentReason::Availability },
                Adjustment { sku: sku(2), requested: 14, kept: MAX_LINE_QTY, reason: AdjustmentReason::LineMaximum },
            ]
        );
    }

    #[test]
    fn sold_out_and_discontinued_products_are_dropped_and_reported() {
        let available = HashMap::from([(sku(1), 0)]);
        let merge = merge_carts(&[], &[line(1, 2), line(9, 1)], &available);
        assert!(merge.lines.is_empty());
        assert_eq!(merge.adjustments[0].reason, AdjustmentReason::Availability);
        assert_eq!(merge.adjustments[1].reason, AdjustmentReason::Discontinued);
    }

    #[test]
    fn line_quantities_are_validated() {
        let s = sku(1);
        assert_eq!(parse_line_qty(0, &s), Ok(0));
        assert_eq!(parse_line_qty(10, &s), Ok(10));
        assert_eq!(parse_line_qty(-1, &s).unwrap_err().code(), "negative_quantity");
        assert_eq!(parse_line_qty(11, &s).unwrap_err().code(), "line_quantity_too_large");
        assert_eq!(parse_line_qty(i64::MAX, &s).unwrap_err().code(), "line_quantity_too_large");
    }

    fn cart() -> impl Strategy<Value = Vec<CartLine>> {
        proptest::collection::hash_map(0_u32..20, 1_u32..=MAX_LINE_QTY, 0..8).prop_map(|m| m.into_iter().map(|(n, q)| line(n, q)).collect())
    }

    proptest! {
        /// Merge never loses or invents items: every unit asked for is either kept or reported.
        #[test]
        fn merge_never_loses_or_invents_items(account in cart(), guest in cart(), stock in proptest::collection::hash_map(0_u32..20, 0_u32..15, 0..20)) {
            let available: HashMap<Sku, u32> = stock.into_iter().map(|(n, u)| (sku(n), u)).collect();
            let merge = merge_carts(&account, &guest, &available);
            let mut asked: HashMap<Sku, u32> = HashMap::new();
            for l in account.iter().chain(&guest) {
                *asked.entry(l.sku.clone()).or_default() += l.qty;
            }
            let mut seen = std::collections::HashSet::new();
            for l in &merge.lines {
                prop_assert!(seen.insert(l.sku.clone()), "no duplicate lines");
                prop_assert!(asked.contains_key(&l.sku), "no invented SKUs");
                prop_assert!(l.qty >= 1 && l.qty <= MAX_LINE_QTY);
                prop_assert!(l.qty <= available.get(&l.sku).copied().unwrap_or(0));
            }
            for (s, requested) in &asked {
                let kept = merge.lines.iter().find(|l| &l.sku == s).map_or(0, |l| l.qty);
                let reported = merge.adjustments.iter().find(|a| &a.sku == s);
                if kept == *requested {
                    prop_assert!(reported.is_none());
                } else {
                    let a = reported.expect("every reduction is reported");
                    prop_assert_eq!((a.requested, a.kept), (*requested, kept));
                }
            }
        }

        /// Merging an empty guest cart into a cart that fits its caps changes nothing.
        #[test]
        fn merging_an_empty_guest_cart_is_identity_when_everything_fits(account in cart()) {
            let available: HashMap<Sku, u32> = account.iter().map(|l| (l.sku.clone(), 100)).collect();
            let merge = merge_carts(&account, &[], &available);
            prop_assert_eq!(merge.lines, account);
            prop_assert!(merge.adjustments.is_empty());
        }
    }
}
