//! The storefront's islands: the interactive parts of the server-rendered public pages.
//!
//! The edge renders home, category, search, product, store and information pages to HTML
//! (`app/storefront`); an element with `data-island="…"` there holds a working no-JavaScript
//! version of a control (a link, a GET or POST form). This small bundle (`vitrina-islands`)
//! finds those elements and mounts the app's own interactive component in each, replacing the
//! fallback: the header's account and cart links, add to cart, the personal price, the "updated
//! on another device" and offline notices. The notifications' islands ("notify me when it is
//! back", the card offered once a product is in the cart) are a bundle of their own
//! (`vitrina-push`, [`crate::push_islands`]), which `public/boot.js` loads only when a page has
//! one: this bundle asks for it with the `vitrina:push-islands` event. The availability panel is
//! the server's, enhanced in place (no component replaces it). One root owner holds the app-wide
//! context (locale from `<html lang>`, session, cart), so the islands share one cart and one
//! session as the apps' pages do; the category list is not loaded (the personal price gets its
//! product's category from the page).

use crate::components::add_to_cart::AddToCart;
use crate::components::availability;
use crate::components::cart_notice::CartUpdatedNotice;
use crate::components::layout::HeaderLinks;
use crate::components::offers::PersonalPrice;
use crate::components::offline_notice::OfflineNotice;
use crate::i18n::{I18n, Locale};
use crate::{cart, session};
use leptos::prelude::*;
use vitrina_shared::api::CategoryInfo;
use vitrina_shared::catalog::Category;
use vitrina_shared::store::City;
use vitrina_shared::{CategoryId, Sku};
use wasm_bindgen::JsCast;

/// What one `data-island` element asks for, read from its attributes.
enum Island {
    Header,
    AddToCart {
        sku: Sku,
        available: u32,
    },
    Availability {
        sku: Sku,
        city: Option<City>,
    },
    /// With the names of the product's category (an offer on a category can only be on it).
    PersonalPrice {
        sku: Sku,
        category: Option<CategoryInfo>,
    },
    CartNotice,
    Offline,
}

impl Island {
    /// The island `element` names, or `None` (logged) when its attributes make no sense. The
    /// notifications' islands are the push bundle's ([`PUSH_ISLANDS`]).
    fn read(element: &web_sys::Element) -> Option<Island> {
        let attr = |name: &str| element.get_attribute(name);
        let sku = || attr("data-sku").and_then(|s| Sku::parse(&s).ok());
        let island = match attr("data-island")?.as_str() {
            "header" => Island::Header,
            "add-to-cart" => Island::AddToCart { sku: sku()?, available: attr("data-available")?.parse().ok()? },
            "availability" => Island::Availability { sku: sku()?, city: attr("data-city").and_then(|c| City::from_slug(&c)) },
            "notify-back" | "push-optin" => return None,
            "personal-price" => {
                let category = attr("data-category").and_then(|c| CategoryId::parse(&c).ok()).map(|id| CategoryInfo {
                    category: Category {
                        id,
                        name_ru: attr("data-category-ru").unwrap_or_default(),
                        name_en: attr("data-category-en").unwrap_or_default(),
                        image: String::new(),
                    },
                    parent: None,
                    product_count: 0,
                });
                Island::PersonalPrice { sku: sku()?, category }
            }
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
                        <PushOptInIsland />
                    </Show>
                }
                .into_any()
            }
            // Enhanced in place by `mount_within`, never replaced.
            Island::Availability { .. } => ().into_any(),
            Island::PersonalPrice { sku, category } => {
                let categories = Signal::stored(category.into_iter().collect::<Vec<_>>());
                view! { <PersonalPrice sku categories /> }.into_any()
            }
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
    let locale = page_locale();
    let root = Owner::new();
    root.with(|| {
        // The page's language is the shopper's choice: the apps (cart, checkout, account) follow it,
        // and so do this device's notifications (the push bundle, when there is a subscription).
        let i18n = I18n::from_storage();
        if i18n.set(locale) {
            ask_boot_for("vitrina:push-language");
        }
        provide_context(i18n);
        session::provide_session();
        cart::provide_cart();
        if let Some(page) = document.document_element() {
            mount_within(&page, &path);
        }
    });
    // The islands live as long as the page.
    std::mem::forget(root);
}

/// The notifications' islands, mounted by the push bundle.
pub const PUSH_ISLANDS: &str = "[data-island=\"notify-back\"]:not([data-mounted]), [data-island=\"push-optin\"]:not([data-mounted])";

/// Dispatches `name` on the document for `public/boot.js` (which loads the push bundle).
fn ask_boot_for(name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    match web_sys::Event::new(name) {
        Ok(event) => {
            document.dispatch_event(&event).ok();
        }
        Err(err) => leptos::logging::warn!("could not ask for {name}: {err:?}"),
    }
}

/// Where the notifications card goes once a product is in the cart: an empty island the push
/// bundle fills.
#[component]
fn PushOptInIsland() -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if node.get().is_some() {
            ask_boot_for("vitrina:push-islands");
        }
    });
    view! { <div data-island="push-optin" node_ref=node></div> }
}

/// Mounts every island inside `root` (the page, or results the availability panel swapped in)
/// under the current owner, and asks for the push bundle when `root` has one of its islands.
fn mount_within(root: &web_sys::Element, path: &str) {
    if root.query_selector(PUSH_ISLANDS).ok().flatten().is_some() {
        ask_boot_for("vitrina:push-islands");
    }
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
    mount_in(element, move || island.view(path));
}

/// Replaces the no-JavaScript fallback in `element` with `view`, under the current owner.
pub fn mount_in<V: IntoView + 'static>(element: web_sys::HtmlElement, view: impl FnOnce() -> V + 'static) {
    // Keep the fallback's height while the island loads its data, so that nothing below it moves
    // twice (layout shift); the island may still grow past it.
    let height = element.offset_height();
    if height > 0 {
        element.style().set_property("min-height", &format!("{height}px")).ok();
    }
    element.set_inner_html("");
    leptos::mount::mount_to(element, view).forget();
}

/// The page's language, from `<html lang>`.
pub fn page_locale() -> Locale {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| Locale::from_code(&html.get_attribute("lang")?))
        .unwrap_or_default()
}
