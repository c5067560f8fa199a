//! Pricing a cart with the one price list. The seam where offers will apply.

use crate::{Currency, Money};
use rust_decimal::Decimal;

/// Subtotal and total of `(unit price, qty)` lines; totals in RUB when the cart is empty.
/// Offers are not applied yet, so the total equals the subtotal.
pub fn cart_totals(lines: &[(Money, u32)]) -> (Money, Money) {
    let currency = lines.first().map_or(Currency::Rub, |(p, _)| p.currency);
    let subtotal = lines.iter().fold(Decimal::ZERO, |sum, (price, qty)| sum + price.times(*qty).amount);
    let subtotal = Money::new(subtotal, currency);
    (subtotal, subtotal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn totals_sum_price_times_quantity() {
        let p = |s: &str| Money::rub(Decimal::from_str(s).unwrap());
        let (subtotal, total) = cart_totals(&[(p("1990.00"), 2), (p("99.90"), 3)]);
        assert_eq!(subtotal, p("4279.70"));
        assert_eq!(total, subtotal);
        assert_eq!(cart_totals(&[]).0, p("0"));
    }
}
