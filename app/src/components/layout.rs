//! The page frame: header (logo, search, staff desk or marketer console, account and cart links, language switch,
//! category navigation), the cart notice, main, footer.

use crate::cart::use_cart;
use crate::components::cart_notice::CartUpdatedNotice;
use crate::components::error::LoadBoundary;
use crate::components::kiosk::{kiosk_href, kiosk_store_of};
use crate::components::offline_notice::OfflineNotice;
use crate::i18n::{category_name, use_i18n, Key};
use crate::session::{use_session, SignedInAs};
use crate::use_categories;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use vitrina_shared::account::Role;
use vitrina_shared::catalog::MAX_QUERY_CHARS;

/// On a showroom kiosk (`/showroom/:store…`) the header keeps only the logo (leading to the
/// kiosk's own start page) and the language switch: no sign-in, account, cart or navigation that
/// would leave the kiosk or show someone's personal data. The kiosk pages bring their own search,
/// categories and cart.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let kiosk_store = Memo::new(move |_| location.pathname.with(|p| kiosk_store_of(p).map(str::to_owned)));
    let in_kiosk = move || kiosk_store.with(Option::is_some);
    let logo_href = move || match kiosk_store.get() {
        Some(store) => kiosk_href(&store, "", location.query.with(|q| q.get("idle")).as_deref()),
        None => "/".to_owned(),
    };
    view! {
        <OfflineNotice />
        <header class="site-header">
            <div class="site-header-inner">
                <a class="site-logo" href=logo_href>
                    {move || i18n.t(Key::SiteName)}
                </a>
                <Show when=move || !in_kiosk()>
                    <SearchForm />
                    <HeaderLinks path=location.pathname />
                </Show>
                <LangSwitch />
            </div>
            <Show when=move || !in_kiosk()>
                <CategoryNav />
            </Show>
        </header>
        <CartUpdatedNotice />
        <main id="main" class="site-main">
            {children()}
        </main>
        <footer class="site-footer">
            <p class="site-footer-tagline">{move || i18n.t(Key::Tagline)}</p>
            <p class="site-footer-note">{move || i18n.t(Key::FooterNote)}</p>
        </footer>
    }
}

/// The address of the search page for `text`.
pub fn search_href(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        "/search".to_owned()
    } else {
        format!("/search?q={}", String::from(js_sys::encode_uri_component(text)))
    }
}

/// The header search form: navigates to `/search?q=…`.
#[component]
fn SearchForm() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let query = use_query_map();
    let input: NodeRef<html::Input> = NodeRef::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = input.get().map(|el| el.value()).unwrap_or_default();
        navigate(&search_href(&text), Default::default());
    };
    view! {
        <form class="search-form" role="search" action="/search" method="get" on:submit=on_submit>
            <label class="visually-hidden" for="site-search">
                {move || i18n.t(Key::SearchLabel)}
            </label>
            <input
                id="site-search"
                class="search-input"
                type="search"
                name="q"
                data-testid="search-input"
                autocomplete="off"
                enterkeyhint="search"
                maxlength=MAX_QUERY_CHARS
                placeholder=move || i18n.t(Key::SearchPlaceholder)
                prop:value=move || query.with(|q| q.get("q").unwrap_or_default())
                node_ref=input
            />
            <button class="button search-submit" type="submit" data-testid="search-submit">
                {move || i18n.t(Key::SearchSubmit)}
            </button>
        </form>
    }
}

/// The personal part of the header: staff desk, marketer console, account or "sign in", and the
/// cart with its count. `path` is the page's path (for `aria-current`): the router's in the apps,
/// the server-rendered page's own on the storefront, where these links are an island.
#[component]
pub fn HeaderLinks(#[prop(into)] path: Signal<String>) -> impl IntoView {
    view! {
        <StaffLink path />
        <AdminLink path />
        <AccountLink path />
        <CartLink path />
    }
}

/// The sign-in page, coming back to `path` afterwards (not to the sign-in or account page).
fn signin_href(path: &str) -> String {
    if path.is_empty() || path == "/signin" || path == "/account" {
        return "/signin".to_owned();
    }
    format!("/signin?next={}", String::from(js_sys::encode_uri_component(path)))
}

/// "Sign in", or the signed-in shopper's account.
#[component]
fn AccountLink(path: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = move |href: &'static str| move || path.with(|p| p == href).then_some("page");
    move || {
        match session.who() {
        SignedInAs::Customer(profile) => {
            let label = if profile.name.trim().is_empty() { None } else { Some(profile.name) };
            view! {
                <a class="header-link account-link" data-testid="account-link" href="/account" aria-current=current("/account")>
                    {move || label.clone().unwrap_or_else(|| i18n.t(Key::AccountLink).to_owned())}
                </a>
            }
            .into_any()
        }
        SignedInAs::Guest | SignedInAs::Unknown => view! {
            <a class="header-link signin-link" data-testid="signin-link" href=move || signin_href(&path.get()) aria-current=current("/signin")>
                {move || i18n.t(Key::SignIn)}
            </a>
        }
        .into_any(),
    }
    }
}

/// The pickup desk, for staff accounts: their own store's when the profile names one.
#[component]
fn StaffLink(path: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || match session.who() {
        SignedInAs::Customer(profile) if profile.role == Role::Staff => {
            let href = profile.preferred_store.map_or_else(|| "/staff".to_owned(), |store| format!("/staff/{store}"));
            Some(view! {
                <a
                    class="header-link staff-link"
                    data-testid="staff-link"
                    href=href
                    aria-current=move || path.with(|p| p == "/staff" || p.starts_with("/staff/")).then_some("page")
                >
                    {move || i18n.t(Key::StaffLink)}
                </a>
            })
        }
        _ => None,
    }
}

/// The marketer console, for marketer accounts.
#[component]
fn AdminLink(path: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || match session.who() {
        SignedInAs::Customer(profile) if profile.role == Role::Marketer => Some(view! {
            <a
                class="header-link admin-link"
                data-testid="admin-link"
                href="/admin"
                aria-current=move || path.with(|p| p == "/admin" || p.starts_with("/admin/")).then_some("page")
            >
                {move || i18n.t(Key::AdminLink)}
            </a>
        }),
        _ => None,
    }
}

/// The cart with the number of units in it.
#[component]
fn CartLink(path: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    view! {
        <a
            class="header-link cart-link"
            data-testid="cart-link"
            href="/cart"
            aria-current=move || path.with(|p| p == "/cart").then_some("page")
            aria-label=move || format!("{} {}", i18n.t(Key::CartLinkLabel), cart.item_count())
        >
            <span class="cart-link-text">{move || i18n.t(Key::CartLink)}</span>
            " "
            <span class="cart-count" data-testid="cart-count">{move || cart.item_count()}</span>
        </a>
    }
}

/// Switches between Russian and English; the choice is remembered on this device.
#[component]
fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="lang-switch"
            data-testid="lang-switch"
            // The accessible name starts with the visible text, so voice control finds it by it.
            aria-label=move || format!("{} — {}", i18n.t(Key::LangSwitchText), i18n.t(Key::LangSwitchLabel))
            lang=move || i18n.locale().other().code()
            on:click=move |_| crate::push::switch_language(i18n, i18n.locale().other())
        >
            {move || i18n.t(Key::LangSwitchText)}
        </button>
    }
}

/// Links to every category.
#[component]
fn CategoryNav() -> impl IntoView {
    let i18n = use_i18n();
    let categories = use_categories().0;
    let location = use_location();
    let list = move || {
        categories.get().map(|result| {
            result.map(|categories| {
                categories
                    .into_iter()
                    .map(|info| {
                        let href = format!("/c/{}", info.category.id);
                        let current = {
                            let href = href.clone();
                            move || location.pathname.with(|p| *p == href).then_some("page")
                        };
                        let category = info.category;
                        view! {
                            <li class="category-nav-item">
                                <a
                                    class="category-nav-link"
                                    data-testid="category-link"
                                    href=href
                                    aria-current=current
                                >
                                    {move || category_name(i18n.locale(), &category).to_owned()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <nav class="category-nav" aria-label=move || i18n.t(Key::CategoryNavLabel)>
            <LoadBoundary on_retry=move |_| categories.refetch()>
                <ul class="category-nav-list">{list}</ul>
            </LoadBoundary>
        </nav>
    }
}
