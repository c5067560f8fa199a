//! One page per route.

pub mod account;
pub mod cart;
pub mod category;
pub mod handoff;
pub mod home;
pub mod not_found;
pub mod product;
pub mod search;
pub mod showroom;
pub mod signin;
