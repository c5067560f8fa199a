//! Reusable pieces of the pages.

pub mod add_to_cart;
pub mod availability;
pub mod cart_notice;
pub mod error;
pub mod form_field;
pub mod kiosk;
pub mod layout;
pub mod offers;
pub mod offline_notice;
pub mod pager;
pub mod push;
