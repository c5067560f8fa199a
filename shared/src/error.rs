//! Errors raised when outside input does not describe a valid domain value, and the values an
//! error names.

use serde::{Deserialize, Serialize};

/// A rejected input. `code()` is the stable machine-readable code the API returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("SKU {0:?} is not valid: use 3–32 characters A–Z, 0–9 and '-'")]
    InvalidSku(String),
    #[error("store id {0:?} is not valid: use 2–40 characters a–z, 0–9 and '-'")]
    InvalidStoreId(String),
    #[error("category id {0:?} is not valid: use 2–40 characters a–z, 0–9 and '-'")]
    InvalidCategoryId(String),
    #[error("amount {0:?} is not a valid money amount")]
    InvalidAmount(String),
    #[error("latitude must be between -90 and 90 and longitude between -180 and 180")]
    InvalidCoordinates,
    #[error("quantity {0} for {1} is negative; stock levels are 0 or more")]
    NegativeQuantity(i64, String),
    #[error("quantity {0} for {1} is above the maximum of {max}", max = crate::stock::MAX_ON_HAND)]
    QuantityTooLarge(i64, String),
    #[error("quantity {0} for {1} is above the maximum of {max} per cart line", max = crate::cart::MAX_LINE_QTY)]
    LineQuantityTooLarge(i64, String),
    #[error("SKU {0} appears more than once in one stock update")]
    DuplicateSku(String),
    #[error("a stock update needs between 1 and {max} lines, got {0}", max = crate::stock::MAX_LINES)]
    StockUpdateSize(usize),
    #[error("{0:?} is not a valid e-mail address")]
    InvalidEmail(String),
    #[error("a name has at most {max} characters and no control characters", max = crate::account::MAX_NAME_CHARS)]
    InvalidName,
    #[error("a password needs {min} to {max} characters", min = crate::account::MIN_PASSWORD_CHARS, max = crate::account::MAX_PASSWORD_CHARS)]
    PasswordPolicy,
    #[error("a hand-off code is 6 letters and digits, as shown on the other screen")]
    InvalidHandoffCode,
    #[error("page must be between 1 and {max}", max = crate::catalog::MAX_PAGE)]
    InvalidPage,
    #[error("search text is longer than {max} characters", max = crate::catalog::MAX_QUERY_CHARS)]
    QueryTooLong,
}

impl DomainError {
    /// The stable error code sent to clients.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::InvalidSku(_) => "invalid_sku",
            DomainError::InvalidStoreId(_) => "invalid_store_id",
            DomainError::InvalidCategoryId(_) => "invalid_category",
            DomainError::InvalidAmount(_) => "invalid_amount",
            DomainError::InvalidCoordinates => "invalid_coordinates",
            DomainError::NegativeQuantity(..) => "negative_quantity",
            DomainError::QuantityTooLarge(..) => "quantity_too_large",
            DomainError::LineQuantityTooLarge(..) => "line_quantity_too_large",
            DomainError::DuplicateSku(_) => "duplicate_sku",
            DomainError::StockUpdateSize(_) => "stock_update_size",
            DomainError::InvalidEmail(_) => "invalid_email",
            DomainError::PasswordPolicy => "password_policy",
            DomainError::InvalidName => "invalid_name",
            DomainError::InvalidHandoffCode => "invalid_handoff_code",
            DomainError::InvalidPage => "invalid_page",
            DomainError::QueryTooLong => "query_too_long",
        }
    }

    /// The values the message names, for a client to word the error in its own language.
    pub fn params(&self) -> Vec<(&'static str, ParamValue)> {
        use ParamValue as V;
        let text = |t: &str| V::Text(t.to_owned());
        match self {
            DomainError::InvalidSku(raw) => vec![("sku", text(raw))],
            DomainError::InvalidStoreId(raw) => vec![("store", text(raw))],
            DomainError::InvalidCategoryId(raw) => vec![("category", text(raw))],
            DomainError::InvalidAmount(raw) => vec![("amount", text(raw))],
            DomainError::NegativeQuantity(qty, sku) => vec![("qty", V::Int(*qty)), ("sku", text(sku))],
            DomainError::QuantityTooLarge(qty, sku) => {
                vec![("qty", V::Int(*qty)), ("sku", text(sku)), ("max", V::Int(crate::stock::MAX_ON_HAND))]
            }
            DomainError::LineQuantityTooLarge(qty, sku) => {
                vec![("qty", V::Int(*qty)), ("sku", text(sku)), ("max", V::from(crate::cart::MAX_LINE_QTY))]
            }
            DomainError::DuplicateSku(sku) => vec![("sku", text(sku))],
            DomainError::StockUpdateSize(n) => vec![("lines", V::from(*n)), ("max", V::from(crate::stock::MAX_LINES))],
            DomainError::InvalidEmail(_) | DomainError::InvalidCoordinates | DomainError::InvalidHandoffCode => Vec::new(),
            DomainError::InvalidName => vec![("max", V::from(crate::account::MAX_NAME_CHARS))],
            DomainError::PasswordPolicy => {
                vec![("min", V::from(crate::account::MIN_PASSWORD_CHARS)), ("max", V::from(crate::account::MAX_PASSWORD_CHARS))]
            }
            DomainError::InvalidPage => vec![("max", V::from(crate::catalog::MAX_PAGE))],
            DomainError::QueryTooLong => vec![("max", V::from(crate::catalog::MAX_QUERY_CHARS))],
        }
    }
}

/// The values an error names, by name (an API error's `params`).
pub type ErrorParams = std::collections::BTreeMap<String, ParamValue>;

/// A value an error names: a number (a count, a limit, seconds) or a text (a SKU, a store id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Int(i64),
    Text(String),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Int(n) => write!(f, "{n}"),
            ParamValue::Text(t) => f.write_str(t),
        }
    }
}

impl From<&str> for ParamValue {
    fn from(t: &str) -> Self {
        ParamValue::Text(t.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(t: String) -> Self {
        ParamValue::Text(t)
    }
}

impl From<&String> for ParamValue {
    fn from(t: &String) -> Self {
        ParamValue::Text(t.clone())
    }
}
