//! The notifications' islands of the server-rendered pages (see `vitrina_app::push_islands`).

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    console_error_panic_hook::set_once();
    vitrina_app::push_islands::mount_push_islands();
}

/// Has this device's notifications follow the page's language (`public/boot.js` calls it when
/// the islands bundle saw the language change and the browser has a subscription).
#[wasm_bindgen]
pub async fn follow_language() {
    let locale = vitrina_app::islands::page_locale();
    if let Err(err) = vitrina_app::push::follow_language(locale).await {
        leptos::logging::warn!("notifications stay in the previous language: {err}");
    }
}
