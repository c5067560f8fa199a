//! Vitrina's client-side storefront: the `App` component, its routes and app-wide context
//! (locale, categories, cart, who is signed in).
//!
//! Async views follow one pattern: a `LocalResource` returning `Result<T, ApiError>`, read inside
//! `<LoadBoundary>` (`<Transition>` → `<ErrorBoundary>`) by a reactive closure,
//! `move || resource.get().map(|result| result.map(|data| view! { … }))`. Reading the resource
//! there registers it with the transition (its fallback shows during the first load) and lets the
//! `Err` reach the boundary synchronously. (With `Suspend::new(async { resource.await … })` the
//! error is thrown after an `.await`, through a thread-local error hook that other tasks may have
//! changed meanwhile, and in leptos 0.8.23 it can miss the boundary and leave a blank page.)

pub mod api;
pub mod cart;
pub mod components;
pub mod i18n;
pub mod islands;
pub mod pages;
pub mod push;
pub mod push_islands;
pub mod session;
pub mod storage;

use crate::api::ApiError;
use crate::components::layout::Layout;
use crate::i18n::{I18n, Key};
use crate::pages::{
    account::AccountPage,
    admin::{
        campaigns::CampaignsPage,
        editor::{EditRulePage, NewRulePage},
        kpis::KpisPage,
        rules::RulesPage,
        segments::SegmentsPage,
        AdminPage,
    },
    cart::CartPage,
    checkout::CheckoutPage,
    handoff::{HandoffClaimPage, HandoffEntryPage},
    not_found::NotFound,
    order::OrderPage,
    showroom::{KioskHome, KioskProductPage, ShowroomPage},
    signin::SignInPage,
    staff::StaffPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use vitrina_shared::api::CategoryInfo;

/// The category list, fetched once and shared by the header navigation, the home page and the
/// category pages.
#[derive(Clone, Copy)]
pub struct Categories(pub LocalResource<Result<Vec<CategoryInfo>, ApiError>>);

/// The categories context provided by [`App`].
pub fn use_categories() -> Categories {
    expect_context::<Categories>()
}

/// The app-wide context both bundles share: locale, categories, session, cart.
fn provide_app_context() -> I18n {
    provide_meta_context();
    let i18n = I18n::from_storage();
    provide_context(i18n);
    provide_context(Categories(LocalResource::new(api::categories)));
    session::provide_session();
    cart::provide_cart();
    i18n
}

/// A path no route of this bundle matches: the other bundle's (see
/// [`vitrina_shared::console_path`]) or a server-rendered public page (home, category, search,
/// product, stores; see [`vitrina_shared::app_path`]) is loaded in full from the server;
/// anything else is not found. A path handed over a moment ago and back again (the server could not
/// be reached, and the service worker gave the cached shell) shows "not found" instead of looping.
#[component]
fn Elsewhere(ours: fn(&str) -> bool) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let path = location.pathname.get_untracked();
    let full = format!("{path}{}", location.search.get_untracked());
    let now = js_sys::Date::now();
    let key = format!("vitrina.handover:{full}");
    let recent = storage::session_get(&key).and_then(|t| t.parse::<f64>().ok()).is_some_and(|t| now - t < 10_000.0);
    if !ours(&path) && !recent {
        storage::session_set(&key, &now.to_string());
        // A public page in the shopper's language: English lives under /en/.
        let english = use_context::<I18n>().is_some_and(|i18n| i18n.locale_untracked() == i18n::Locale::En);
        let public = !vitrina_shared::app_path(&path) && !path.starts_with("/en/") && path != "/en";
        let target = if english && public { format!("/en{full}") } else { full };
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign(&target);
        }
        return view! { <p class="handover" aria-busy="true"></p> }.into_any();
    }
    view! { <NotFound /> }.into_any()
}

/// What both bundles are framed by: the app-wide context, the document's language and title, the
/// router and the layout.
#[component]
fn Frame(children: Children) -> impl IntoView {
    let i18n = provide_app_context();
    view! {
        <Html {..} lang=move || i18n.locale().code() />
        <Title text=move || i18n.t(Key::SiteName) />
        <Router>
            <Layout>{children()}</Layout>
        </Router>
    }
}

/// The shoppers' apps: cart, checkout, orders, sign-in, account, hand-off, showroom. The public
/// pages are rendered by the server (`app/storefront`) with islands (`islands.rs`).
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Frame>
                <Routes fallback=|| view! { <Elsewhere ours=|p| vitrina_shared::app_path(p) && !vitrina_shared::console_path(p) /> }>
                    <Route path=path!("/cart") view=CartPage />
                    <Route path=path!("/checkout") view=CheckoutPage />
                    <Route path=path!("/orders/:id") view=OrderPage />
                    <Route path=path!("/signin") view=SignInPage />
                    <Route path=path!("/account") view=AccountPage />
                    <Route path=path!("/handoff") view=HandoffEntryPage />
                    <Route path=path!("/handoff/:code") view=HandoffClaimPage />
                    <ParentRoute path=path!("/showroom/:store") view=ShowroomPage>
                        <Route path=path!("") view=KioskHome />
                        <Route path=path!("p/:sku") view=KioskProductPage />
                    </ParentRoute>
                </Routes>
        </Frame>
    }
}

/// The staff and marketer bundle (`console.html`): the marketer console and the staff desk, with
/// the same header; shoppers' pages are handed over to [`App`] by a full page load.
#[component]
pub fn ConsoleApp() -> impl IntoView {
    view! {
        <Frame>
                <Routes fallback=|| view! { <Elsewhere ours=vitrina_shared::console_path /> }>
                    <Route path=path!("/staff") view=StaffPage />
                    <Route path=path!("/staff/:store") view=StaffPage />
                    <ParentRoute path=path!("/admin") view=AdminPage>
                        <Route path=path!("") view=RulesPage />
                        <Route path=path!("rules/new") view=NewRulePage />
                        <Route path=path!("rules/:id") view=EditRulePage />
                        <Route path=path!("segments") view=SegmentsPage />
                        <Route path=path!("kpis") view=KpisPage />
                        <Route path=path!("campaigns") view=CampaignsPage />
                    </ParentRoute>
                </Routes>
        </Frame>
    }
}
