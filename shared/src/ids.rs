//! Identifiers parsed once at the boundary: after construction they are always valid.

use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

fn is_slug(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A stock-keeping unit code, e.g. `PHN-0007`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let ok = (3..=32).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Sku(raw.to_owned()))
        } else {
            Err(DomainError::InvalidSku(raw.chars().take(64).collect()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A store's identifier, e.g. `msk-tverskaya`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StoreId(String);

impl StoreId {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if is_slug(raw, 2, 40) {
            Ok(StoreId(raw.to_owned()))
        } else {
            Err(DomainError::InvalidStoreId(raw.chars().take(64).collect()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A category's identifier (slug), e.g. `smartphones`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryId(String);

impl CategoryId {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if is_slug(raw, 2, 40) {
            Ok(CategoryId(raw.to_owned()))
        } else {
            Err(DomainError::InvalidCategoryId(raw.chars().take(64).collect()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_id {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = DomainError;
            fn try_from(raw: String) -> Result<Self, DomainError> {
                <$t>::parse(&raw)
            }
        }
        impl From<$t> for String {
            fn from(id: $t) -> String {
                id.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
string_id!(Sku);
string_id!(StoreId);
string_id!(CategoryId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sku_accepts_upper_case_codes_and_rejects_anything_else() {
        assert!(Sku::parse("PHN-0001").is_ok());
        for bad in ["", "ab", "phn-0001", "PHN 0001", "PHN/0001", "Ж-001", &"A".repeat(33)] {
            assert!(Sku::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn store_id_is_a_lower_case_slug() {
        assert!(StoreId::parse("msk-tverskaya").is_ok());
        for bad in ["M", "msk_tv", "-msk", "msk-", "MSK"] {
            assert!(StoreId::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn ids_deserialize_only_when_valid() {
        assert!(serde_json::from_str::<Sku>("\"PHN-0001\"").is_ok());
        assert!(serde_json::from_str::<Sku>("\"drop table\"").is_err());
    }
}
