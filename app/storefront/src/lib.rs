#![recursion_limit = "256"]
//! Vitrina's public pages, rendered to HTML by the edge: home, category, search, product, stores,
//! a store, information pages and "not found"; also the catalog's product feeds (`feeds`). The same
//! Leptos components render natively and in the Spin component; the data arrives as props (the edge
//! reads it through its storage ports), so a render is a pure function of its input and needs no
//! executor.
//!
//! The HTML is the same for every shopper (nothing personal: no cart count, name or personal
//! price), so caches may keep it. The interactive parts are islands: an element with
//! `data-island="…"` holds a working no-JavaScript version (a link or a form), and the app's small
//! `vitrina-islands` bundle mounts the interactive component there (`app/src/islands.rs`).

mod document;
pub mod feeds;
mod pages;
pub mod paths;
pub mod seo;

pub use document::{render, Assets, Rendered};
pub use pages::{availability_results, Around, InfoPage, Listing, MissingThing, PageData};
