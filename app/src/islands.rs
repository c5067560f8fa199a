//! The storefront's islands: the interactive parts of the server-rendered public pages.
//!
//! The edge renders home, category, search, product, store and information pages to HTML
//! (`app/storefront`); an element with `data-island="…"` there holds a working no-JavaScript
//! version of a control (a link, a GET or POST form). This small bundle (`vitrina-islands`)
//! finds those elements and mounts the app's own interactive component in each, replacing the
//! fallback: the header's account and cart links, add to cart (with the notifications card),
//! the personal price, "notify me when it is back", the "updated on another device" and offline
//! notices. The availability panel is the server's, enhanced in place (no component replaces it). One root owner holds the app-wide context (locale from `<html lang>`, session, cart,
//! categories), so the islands share one cart and one session as the apps' pages do.

use crate::components::add_to_cart::AddToCart;
use crate::components::availability;
use crate::components::cart_notice::CartUpdatedNotice;
use crate::components::layout::HeaderLinks;
use crate::components::offers::PersonalPrice;
use crate::components::offline_notice::OfflineNotice;
use crate::components::push::{NotifyWhenBack, PushOptInCard};
use crate::i18n::{I18n, Locale};
use crate::{api, cart, session, Categories};
use leptos::prelude::*;
use vitrina_shared::store::City;
use vitrina_shared::Sku;
use wasm_bindgen::JsCast;

/// What one `data-island` element asks for, read from its attributes.
enum Island {
    Header,
    AddToCart { sku: Sku, available: u32 },
    Availability { sku: Sku, city: Option<City> },
    NotifyBack { sku: Sku, city: Option<City> },
    PersonalPrice { sku: Sku },
    CartNotice,
    Offline,
}

impl Island {
    /// The island `element` names, or `None` (logged) when its attributes make no sense.
    fn read(element: &web_sys::Element) -> Option<Island> {
        let attr = |name: &str| element.get_attribute(name);
        let sku = || attr("data-sku").and_then(|s| Sku::parse(&s).ok());
        let island = match attr("data-island")?.as_str() {
            "header" => Island::Header,
            "add-to-cart" => Island::AddToCart { sku: sku()?, available: attr("data-available")?.parse().ok()? },
            "availability" => Island::Availability { sku: sku()?, city: attr("data-city").and_then(|c| City::from_slug(&c)) },
            "notify-back" => Island::NotifyBack { sku: sku()?, city: attr("data-city").and_then(|c| City::from_slug(&c)) },
            "personal-price" => Island::PersonalPrice { sku: sku()? },
            "cart-notice" => Island::CartNotice,
            "offline" => Island::Offline,
            other => {
                leptos::logging::warn!("unknown island {other:?}");
                return None;
            }
        };
        Some(island)
    }

    fn view(self, path: String) -> AnyView {
        match self {
            Island::Header => view! { <HeaderLinks path=Signal::stored(path) /> }.into_any(),
            Island::AddToCart { sku, available } => {
                let cart = cart::use_cart();
                let in_cart = {
                    let sku = sku.clone();
                    move || cart.qty_of(&sku) > 0
                };
                view! {
                    <AddToCart sku available />
                    <Show when=in_cart>
                        <PushOptInCard />
                    </Show>
                }
                .into_any()
            }
            // Enhanced in place by `mount_within`, never replaced.
            Island::Availability { .. } => ().into_any(),
            Island::NotifyBack { sku, city } => view! { <NotifyWhenBack sku city /> }.into_any(),
            Island::PersonalPrice { sku } => view! { <PersonalPrice sku /> }.into_any(),
            Island::CartNotice => view! { <CartUpdatedNotice /> }.into_any(),
            Island::Offline => view! { <OfflineNotice /> }.into_any(),
        }
    }
}

/// Mounts every island of the page. Called once, when the bundle starts.
pub fn mount_islands() {
    // The contexts below start tasks before the first `mount_to` would set the executor up.
    if let Err(err) = any_spawner::Executor::init_wasm_bindgen() {
        leptos::logging::warn!("the task executor was already set up: {err:?}");
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let locale = document.document_element().and_then(|html| Locale::from_code(&html.get_attribute("lang")?)).unwrap_or_default();
    let root = Owner::new();
    root.with(|| {
        // The page's language is the shopper's choice: the apps (cart, checkout, account) follow it.
        let i18n = I18n::from_storage();
        i18n.set(locale);
        provide_context(i18n);
        provide_context(Categories(LocalResource::new(api::categories)));
        session::provide_session();
        cart::provide_cart();
        if let Some(page) = document.document_element() {
            mount_within(&page, &path);
        }
    });
    // The islands live as long as the page.
    std::mem::forget(root);
}

/// Mounts every island inside `root` (the page, or results the availability panel swapped in)
/// under the current owner.
fn mount_within(root: &web_sys::Element, path: &str) {
    let Ok(found) = root.query_selector_all("[data-island]") else { return };
    for i in 0..found.length() {
        let Some(element) = found.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else { continue };
        if element.has_attribute("data-mounted") {
            continue;
        }
        let Some(island) = Island::read(&element) else { continue };
        element.set_attribute("data-mounted", "").ok();
        // One island per task, so that starting them never holds the page for long (total
        // blocking time), under the owner that holds the page's contexts.
        let owner = Owner::current().unwrap_or_default();
        let path = path.to_owned();
        gloo_timers::callback::Timeout::new(0, move || owner.with(|| mount_one(element, island, path))).forget();
    }
}

/// Mounts `island` in `element`, or enhances it in place (the availability panel).
fn mount_one(element: web_sys::HtmlElement, island: Island, path: String) {
    if let Island::Availability { sku, city } = &island {
        let owner = Owner::current().unwrap_or_default();
        // Results swapped in get their islands under an owner of their own, let go with them.
        let mount = move |results: &web_sys::Element| -> Box<dyn FnOnce()> {
            let child = owner.child();
            child.with(|| mount_within(results, &path));
            Box::new(move || child.cleanup())
        };
        availability::enhance(&element, sku, *city, std::rc::Rc::new(mount));
        return;
    }
    // Keep the fallback's height while the island loads its data, so that nothing below it moves
    // twice (layout shift); the island may still grow past it.
    let height = element.offset_height();
    if height > 0 {
        element.style().set_property("min-height", &format!("{height}px")).ok();
    }
    element.set_inner_html("");
    leptos::mount::mount_to(element.clone(), move || island.view(path)).forget();
}
