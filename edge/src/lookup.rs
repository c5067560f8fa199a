//! What a request names, found or refused with the error a client sees: stores and customers.

use crate::db::{catalog, customers};
use crate::error::ApiError;
use crate::ports::Sql;
use vitrina_shared::account::Email;
use vitrina_shared::api::CustomerRef;
use vitrina_shared::loyalty::parse_card_number;
use vitrina_shared::orders::normalize_phone;
use vitrina_shared::store::Store;
use vitrina_shared::StoreId;

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable { code, message: message.into() }
}

/// The store `raw` names, or 422 `unknown_store`.
pub(crate) async fn known_store(sql: &dyn Sql, raw: &str) -> Result<StoreId, ApiError> {
    let unknown = || {
        unprocessable("unknown_store", format!("there is no store {raw:?}; see GET /api/stores"))
            .with("store", raw.chars().take(64).collect::<String>())
    };
    let id = StoreId::parse(raw).map_err(|_| unknown())?;
    if catalog::stores(sql).await?.iter().any(|s| s.id == id) {
        Ok(id)
    } else {
        Err(unknown())
    }
}

/// The customer a card number, phone or e-mail names.
pub(crate) async fn find_customer(sql: &dyn Sql, who: &CustomerRef) -> Result<String, ApiError> {
    let (key, value) = if let Some(card) = &who.card {
        (
            customers::Key::Card,
            parse_card_number(card).ok_or_else(|| unprocessable("invalid_card_number", "a loyalty card number has 13 digits"))?,
        )
    } else if let Some(phone) = &who.phone {
        (
            customers::Key::Phone,
            normalize_phone(phone).ok_or_else(|| unprocessable("invalid_phone", "a Russian phone number, e.g. +7 912 345-67-89"))?,
        )
    } else if let Some(email) = &who.email {
        (customers::Key::Email, Email::parse(email)?.as_str().to_owned())
    } else {
        return Err(unprocessable("invalid_customer", "name the customer by card, phone or email"));
    };
    let id = customers::find(sql, key, &value).await?;
    // Like an order a request names, a customer it names that does not exist is not found (404).
    id.ok_or_else(|| ApiError::not_found("unknown_customer", format!("no customer has this {}", key.column().replace('_', " "))))
}

/// The store of `stores` that `raw` names, or 422 `unknown_store`.
pub(crate) fn store_in<'a>(stores: &'a [Store], raw: &str) -> Result<&'a Store, ApiError> {
    let unknown = || {
        unprocessable("unknown_store", format!("there is no store {raw:?}; see GET /api/stores"))
            .with("store", raw.chars().take(64).collect::<String>())
    };
    let id = StoreId::parse(raw).map_err(|_| unknown())?;
    stores.iter().find(|s| s.id == id).ok_or_else(unknown)
}
