//! Money: a `Decimal` amount and a currency, with one rounding rule.

use crate::DomainError;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Currencies Vitrina prices in. Russian roubles only for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "RUB")]
    Rub,
}

impl Currency {
    /// Digits after the decimal point in this currency's minor unit (kopecks).
    pub fn minor_digits(self) -> u32 {
        match self {
            Currency::Rub => 2,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Currency::Rub => "RUB",
        }
    }
}

/// An amount of money. Always rounded to the currency's minor unit by [`round`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    // In the browser, money is only read from what the edge wrote: always a string (see
    // [`decimal_text`]).
    #[cfg_attr(all(target_arch = "wasm32", target_os = "unknown"), serde(deserialize_with = "decimal_text"))]
    pub amount: Decimal,
    pub currency: Currency,
}

/// Reads a decimal written as a string (`"12990.00"`), as the edge writes every one; a JSON number
/// is refused. The browser bundles decode money through this instead of `Decimal`'s own
/// `Deserialize`, which also takes numbers through the float formatting and parsing machinery
/// (≈ 10 KB of WebAssembly the islands would carry for nothing). The edge, which accepts numbers
/// in rules, keeps `Decimal`'s.
pub fn decimal_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    Decimal::from_str(&text).map_err(serde::de::Error::custom)
}

/// [`decimal_text`] for an optional field (absent or `null` is `None`).
pub fn decimal_text_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
    text.map(|t| Decimal::from_str(&t).map_err(serde::de::Error::custom)).transpose()
}

/// The one rounding rule: to the currency's minor unit, halves away from zero
/// (commercial rounding, as on Russian cash register receipts).
/// The result always carries exactly the minor unit's scale, so `1990` reads `1990.00`.
pub fn round(amount: Decimal, currency: Currency) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(currency.minor_digits(), RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(currency.minor_digits());
    rounded
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount: round(amount, currency), currency }
    }
    pub fn rub(amount: Decimal) -> Self {
        Money::new(amount, Currency::Rub)
    }
    /// Parses an amount such as `"1990.00"`; rejects anything that is not a finite decimal.
    pub fn parse_rub(raw: &str) -> Result<Self, DomainError> {
        Decimal::from_str(raw.trim()).map(Money::rub).map_err(|_| DomainError::InvalidAmount(raw.chars().take(40).collect()))
    }
    /// The amount in minor units (kopecks), for storage as an integer.
    pub fn minor_units(&self) -> i64 {
        // Saturates instead of overflowing: no stored amount comes near it, and input is capped.
        let scaled = self.amount.checked_mul(Decimal::from(10_i64.pow(self.currency.minor_digits())));
        scaled.and_then(|s| i64::try_from(s.trunc()).ok()).unwrap_or(if self.amount.is_sign_negative() { i64::MIN } else { i64::MAX })
    }
    pub fn from_minor_units(minor: i64, currency: Currency) -> Self {
        Money::new(Decimal::new(minor, currency.minor_digits()), currency)
    }
    /// `price × qty`, rounded by the one rule.
    pub fn times(&self, qty: u32) -> Money {
        Money::new(self.amount * Decimal::from(qty), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Deserialize)]
    struct Texts {
        #[serde(deserialize_with = "decimal_text")]
        amount: Decimal,
        #[serde(default, deserialize_with = "decimal_text_opt")]
        percent: Option<Decimal>,
    }

    #[test]
    fn the_browser_reads_decimals_written_as_strings_and_refuses_numbers() {
        let read: Texts = serde_json::from_str(r#"{"amount": "12990.50", "percent": "7.5"}"#).unwrap();
        assert_eq!((read.amount, read.percent), (Decimal::new(1_299_050, 2), Some(Decimal::new(75, 1))));
        let absent: Texts = serde_json::from_str(r#"{"amount": "1"}"#).unwrap();
        assert_eq!(absent.percent, None);
        let null: Texts = serde_json::from_str(r#"{"amount": "1", "percent": null}"#).unwrap();
        assert_eq!(null.percent, None);
        assert!(serde_json::from_str::<Texts>(r#"{"amount": 12990.5}"#).is_err());
        assert!(serde_json::from_str::<Texts>(r#"{"amount": "twelve"}"#).is_err());
    }

    #[test]
    fn rounding_is_half_away_from_zero_to_kopecks() {
        assert_eq!(Money::parse_rub("10.005").unwrap().amount, Decimal::from_str("10.01").unwrap());
        assert_eq!(Money::parse_rub("10.004").unwrap().amount, Decimal::from_str("10.00").unwrap());
        assert_eq!(Money::parse_rub("-10.005").unwrap().amount, Decimal::from_str("-10.01").unwrap());
    }

    #[test]
    fn parse_rejects_non_numbers() {
        for bad in ["", "abc", "1,5", "NaN", "1e400"] {
            assert!(Money::parse_rub(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn money_serializes_amount_as_a_string() {
        let json = serde_json::to_string(&Money::parse_rub("1990").unwrap()).unwrap();
        assert_eq!(json, r#"{"amount":"1990.00","currency":"RUB"}"#);
    }

    proptest! {
        #[test]
        fn minor_units_round_trip(minor in -1_000_000_000_i64..1_000_000_000) {
            let m = Money::from_minor_units(minor, Currency::Rub);
            prop_assert_eq!(m.minor_units(), minor);
        }

        #[test]
        fn rounding_is_idempotent(minor in any::<i32>(), extra in 0_u32..1000) {
            let raw = Decimal::new(i64::from(minor) * 1000 + i64::from(extra), 5);
            let once = round(raw, Currency::Rub);
            prop_assert_eq!(round(once, Currency::Rub), once);
            prop_assert_eq!(once.scale(), 2);
        }
    }
}
