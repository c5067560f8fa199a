//! The notifications' islands of the server-rendered pages, a bundle of their own
//! (`vitrina-push`): "notify me when it is back" on a product out of stock, and the card that
//! offers notifications once a product is in the cart. Web Push needs a good deal of code (the
//! subscription, its keys, the topics form) that most first visits never use, so `public/boot.js`
//! loads this bundle only when a page has one of these islands (the islands bundle asks with the
//! `vitrina:push-islands` event) or when the page's language changed and this device has a
//! subscription to follow it (`follow_language`, exported by the bin).

use crate::components::push::{NotifyWhenBack, PushOptInCard};
use crate::i18n::I18n;
use crate::islands::{mount_in, page_locale, PUSH_ISLANDS};
use leptos::prelude::*;
use vitrina_shared::store::City;
use vitrina_shared::Sku;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Mounts the notifications' islands of the page, and those added later (on `vitrina:push-islands`).
pub fn mount_push_islands() {
    if let Err(err) = any_spawner::Executor::init_wasm_bindgen() {
        leptos::logging::warn!("the task executor was already set up: {err:?}");
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let root = Owner::new();
    root.with(|| {
        // The islands bundle has stored the page's language already; this only reads it.
        let i18n = I18n::from_storage();
        i18n.set(page_locale());
        provide_context(i18n);
    });
    let scan = {
        let (root, document) = (root.clone(), document.clone());
        move || root.with(|| mount_all(&document))
    };
    scan();
    let listener = Closure::<dyn Fn()>::new(scan);
    if let Err(err) = document.add_event_listener_with_callback("vitrina:push-islands", listener.as_ref().unchecked_ref()) {
        leptos::logging::warn!("islands added later will not be mounted: {err:?}");
    }
    // The islands and their listener live as long as the page.
    listener.forget();
    std::mem::forget(root);
}

/// Mounts each notifications island of `document` not mounted yet.
fn mount_all(document: &web_sys::Document) {
    let Ok(found) = document.query_selector_all(PUSH_ISLANDS) else { return };
    for i in 0..found.length() {
        let Some(element) = found.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else { continue };
        element.set_attribute("data-mounted", "").ok();
        match element.get_attribute("data-island").as_deref() {
            Some("notify-back") => {
                let Some(sku) = element.get_attribute("data-sku").and_then(|s| Sku::parse(&s).ok()) else {
                    leptos::logging::warn!("a notify-back island without a valid data-sku");
                    continue;
                };
                let city = element.get_attribute("data-city").and_then(|c| City::from_slug(&c));
                mount_in(element, move || view! { <NotifyWhenBack sku city /> });
            }
            _ => mount_in(element, PushOptInCard),
        }
    }
}
