//! The HTTP handlers, one file per area: each parses the request, authorises it, calls the
//! layers below (`pricing`, `notify`, `ordering`, `imports`, `lookup`, `limits`, `accounts`, `tx`, `db`) and
//! maps the answer. No handler file imports another; what two areas share lives below them.

pub mod accounts;
pub mod aftersales;
pub mod carts;
pub mod catalog;
pub mod checkout;
pub mod handoffs;
pub mod imports;
pub mod insights;
pub mod kiosks;
pub mod merchandising;
pub mod offers;
pub mod orders;
pub mod pages;
#[cfg(feature = "back-office")]
pub mod pictures;
pub mod push;
pub mod search;
