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
pub mod pages;
pub mod push;
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
    category::CategoryPage,
    checkout::CheckoutPage,
    handoff::{HandoffClaimPage, HandoffEntryPage},
    home::HomePage,
    not_found::NotFound,
    order::OrderPage,
    product::ProductPage,
    search::SearchPage,
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

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n::from_storage();
    provide_context(i18n);
    provide_context(Categories(LocalResource::new(api::categories)));
    session::provide_session();
    cart::provide_cart();

    view! {
        <Html {..} lang=move || i18n.locale().code() />
        <Title text=move || i18n.t(Key::SiteName) />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/c/:id") view=CategoryPage />
                    <Route path=path!("/search") view=SearchPage />
                    <Route path=path!("/p/:sku") view=ProductPage />
                    <Route path=path!("/cart") view=CartPage />
                    <Route path=path!("/checkout") view=CheckoutPage />
                    <Route path=path!("/orders/:id") view=OrderPage />
                    <Route path=path!("/staff") view=StaffPage />
                    <Route path=path!("/staff/:store") view=StaffPage />
                    <Route path=path!("/signin") view=SignInPage />
                    <Route path=path!("/account") view=AccountPage />
                    <Route path=path!("/handoff") view=HandoffEntryPage />
                    <Route path=path!("/handoff/:code") view=HandoffClaimPage />
                    <ParentRoute path=path!("/admin") view=AdminPage>
                        <Route path=path!("") view=RulesPage />
                        <Route path=path!("rules/new") view=NewRulePage />
                        <Route path=path!("rules/:id") view=EditRulePage />
                        <Route path=path!("segments") view=SegmentsPage />
                        <Route path=path!("kpis") view=KpisPage />
                        <Route path=path!("campaigns") view=CampaignsPage />
                    </ParentRoute>
                    <ParentRoute path=path!("/showroom/:store") view=ShowroomPage>
                        <Route path=path!("") view=KioskHome />
                        <Route path=path!("p/:sku") view=KioskProductPage />
                    </ParentRoute>
                </Routes>
            </Layout>
        </Router>
    }
}
