//! Reusable pieces of the pages.

pub mod availability;
pub mod error;
pub mod layout;
pub mod offline_notice;
pub mod pager;
pub mod product_card;
pub mod product_grid;
