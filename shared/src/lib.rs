//! Vitrina's domain: pure types and functions shared by the edge service and the app.
//!
//! Nothing here performs I/O or depends on a web framework, an async runtime or a host SDK;
//! `cargo tree -p vitrina-shared` must stay free of leptos, spin-sdk, axum, tokio and rusqlite.

pub mod account;
pub mod api;
pub mod art;
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
#[cfg(feature = "import")]
pub mod import;
pub mod kiosk;
pub mod kpis;
#[cfg(feature = "search")]
pub mod listing;
pub mod loyalty;
pub mod money;
pub mod nps;
pub mod offers;
pub mod orders;
#[cfg(feature = "pictures")]
pub mod picture;
pub mod pricing;
pub mod push;
pub mod rule_draft;
#[cfg(feature = "search")]
pub mod search;
pub mod stock;
pub mod store;

pub use error::DomainError;

/// Whether `path` belongs to the staff and marketer bundle (`console.html`: the marketer console
/// and the staff desk). Every other path is the shoppers' bundle (`index.html`), so shoppers never
/// download the console. The server picks the shell by it; each bundle hands the other's paths over
/// with a full page load.
pub fn console_path(path: &str) -> bool {
    ["/admin", "/staff"].iter().any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// Whether `path` is a page of one of the client-rendered apps (cart, checkout, orders, sign-in,
/// account, hand-off, the showroom kiosk; the console's paths, see [`console_path`]). Every other
/// page a shopper can open is rendered by the server (`app/storefront`).
pub fn app_path(path: &str) -> bool {
    const APPS: [&str; 9] = ["/cart", "/checkout", "/orders", "/signin", "/account", "/handoff", "/showroom", "/admin", "/staff"];
    APPS.iter().any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

pub use geo::GeoPoint;
pub use ids::{CategoryId, Sku, StoreId};
pub use money::{Currency, Money};

#[cfg(test)]
mod tests {
    #[test]
    fn the_client_rendered_apps_own_their_paths_and_nothing_else() {
        for path in
            ["/cart", "/checkout", "/orders/ord-1", "/signin", "/account", "/handoff/ABCD", "/showroom/msk-1/p/X", "/admin/rules", "/staff"]
        {
            assert!(super::app_path(path), "{path}");
        }
        for path in ["/", "/p/PHN-0001", "/c/phones", "/search", "/stores", "/cartoons", "/en/cart"] {
            assert!(!super::app_path(path), "{path}");
        }
    }

    #[test]
    fn the_console_bundle_serves_the_admin_and_staff_paths_only() {
        for p in ["/admin", "/admin/rules/new", "/staff", "/staff/msk-tverskaya"] {
            assert!(super::console_path(p), "{p}");
        }
        for p in ["/", "/administrator", "/p/PHN-0001", "/staffing", "/account"] {
            assert!(!super::console_path(p), "{p}");
        }
    }
}
