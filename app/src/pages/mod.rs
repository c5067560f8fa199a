//! One page per route.

pub mod account;
pub mod admin;
pub mod cart;
pub mod checkout;
pub mod handoff;
pub mod not_found;
pub mod order;
pub mod product;
pub mod showroom;
pub mod signin;
pub mod staff;
