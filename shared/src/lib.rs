//! Vitrina's domain: pure types and functions shared by the edge service and the app.
//!
//! Nothing here performs I/O or depends on a web framework, an async runtime or a host SDK;
//! `cargo tree -p vitrina-shared` must stay free of leptos, spin-sdk, axum, tokio and rusqlite.

pub mod account;
pub mod api;
pub mod availability;
pub mod cart;
pub mod catalog;
pub mod charts;
pub mod demo;
pub mod error;
pub mod geo;
pub mod handoff;
pub mod i18n;
pub mod ids;
pub mod kpis;
pub mod loyalty;
pub mod money;
pub mod nps;
pub mod offers;
pub mod orders;
pub mod pricing;
pub mod push;
pub mod stock;
pub mod store;

pub use error::DomainError;
pub use geo::GeoPoint;
pub use ids::{CategoryId, Sku, StoreId};
pub use money::{Currency, Money};
