//! `/showroom/:store` and `/showroom/:store/p/:sku`: the showroom tablet of one store.
//!
//! A tablet is a store's kiosk only once the store's staff enrolled it: the showroom page asks the
//! server (`GET /api/session`) whether this device is the enrolled kiosk of the store in the
//! address, and until it is shows the enrolment form ([`KioskEnrolment`]) instead of the kiosk.
//! It puts `<body class="kiosk">` on for large touch targets, and shows the kiosk bar above its
//! child routes: the listing (categories, search, product tiles) and a product. No sign-in,
//! account or personal data appear. After [`DEFAULT_IDLE_SECONDS`](crate::components::kiosk::DEFAULT_IDLE_SECONDS) (or `?idle=SECONDS`) without a touch, key
//! or scroll the kiosk starts afresh for the next shopper: it signs the session out (the server
//! deletes its cart and starts a new session of the same kiosk), clears what was typed and opened,
//! and returns to the listing; if staff un-enrolled the tablet meanwhile, the enrolment form shows.
//! A hand-off code on screen holds that until its cart is taken or the code expires.

use crate::api::{self, ApiError};
use crate::cart::use_cart;
use crate::components::add_to_cart::AddToCart;
use crate::components::error::LoadBoundary;
use crate::components::kiosk::{idle_seconds, use_kiosk, KioskBar, KioskContext, KioskEnrolment, ShelfStock};
use crate::components::offers::PersonalPrice;
use crate::components::pager::PagerNav;
use crate::i18n::{category_name, format_money, product_count, search_results_heading, use_i18n, Key};
use crate::pages::product::{description_paragraphs, product_resource, spec_rows};
use crate::session::use_session;
use crate::use_categories;
use gloo_timers::callback::Timeout;
use leptos::ev::{self, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use vitrina_shared::account::Channel;
use vitrina_shared::api::{ProductDetail, ProductSummary, SessionInfo, StoreInfo};
use vitrina_shared::catalog::MAX_QUERY_CHARS;
use vitrina_shared::StoreId;

/// The class on `<body>` while a kiosk page is open.
const KIOSK_CLASS: &str = "kiosk";

/// Adds or removes `class` on `<body>`, keeping its other classes.
fn set_body_class(class: &str, on: bool) {
    let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
    let current = body.class_name();
    let mut classes: Vec<&str> = current.split_whitespace().filter(|c| *c != class).collect();
    if on {
        classes.push(class);
    }
    body.set_class_name(&classes.join(" "));
}

/// What this device is to the showroom of one store.
#[derive(Debug, Clone)]
enum Showroom {
    /// The store's enrolled kiosk.
    Kiosk(StoreInfo),
    /// Not (or no longer) this store's kiosk: staff must enrol it first.
    NotEnrolled(StoreInfo),
}

/// Whether `session` is the enrolled kiosk of the store `raw`.
fn kiosk_of(session: &SessionInfo, raw: &str) -> bool {
    session.channel == Channel::Kiosk && session.store_id.as_ref().is_some_and(|s| s.as_str() == raw)
}

/// The store `raw` and whether this device is its enrolled kiosk.
async fn showroom(raw: String) -> Result<Showroom, ApiError> {
    let id = StoreId::parse(&raw).map_err(|_| ApiError::unknown_store(&raw))?;
    let session = api::session_info().await?;
    let stores = api::stores().await?;
    let store = stores.into_iter().find(|s| s.id == id).ok_or_else(|| ApiError::unknown_store(&raw))?;
    Ok(if kiosk_of(&session, &raw) { Showroom::Kiosk(store) } else { Showroom::NotEnrolled(store) })
}

#[component]
pub fn ShowroomPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();
    let cart = use_cart();
    let session = use_session();
    let store = Memo::new(move |_| params.with(|p| p.get("store").unwrap_or_default()));
    let idle_query = query.with_untracked(|q| q.get("idle"));
    let idle_ms = idle_seconds(idle_query.as_deref()).saturating_mul(1000);
    let kiosk = KioskContext::new(store, idle_query);
    provide_context(kiosk);

    set_body_class(KIOSK_CLASS, true);
    on_cleanup(|| set_body_class(KIOSK_CLASS, false));

    let registration = LocalResource::new(move || showroom(store.get()));

    // The inactivity timer: recreated on every sign of activity, dropped (cancelled) on leaving.
    // When it fires it only bumps `idle_fired`; the effect below decides what to do.
    let idle_fired = RwSignal::new(0_u64);
    let timer = StoredValue::new_local(None::<Timeout>);
    let arm = move || {
        timer.set_value(Some(Timeout::new(idle_ms, move || {
            idle_fired.try_update(|n| *n += 1);
        })))
    };
    arm();
    let touched = move || {
        kiosk.reset_notice.set(false);
        arm();
    };
    let listeners = vec![
        window_event_listener(ev::pointerdown, move |_| touched()),
        window_event_listener(ev::keydown, move |_| touched()),
        window_event_listener(ev::touchstart, move |_| touched()),
        // Scrolling keeps the kiosk awake but is no new shopper: the reset notice stays.
        window_event_listener(ev::scroll, move |_| arm()),
    ];
    on_cleanup(move || {
        for listener in listeners {
            listener.remove();
        }
        timer.try_set_value(None);
    });

    let reset = move || {
        timer.set_value(None);
        kiosk.clear();
        cart.clear();
        kiosk.reset_notice.set(true);
        navigate(&kiosk.href(""), Default::default());
        let raw = store.get_untracked();
        spawn_local(async move {
            if let Err(err) = cart.switching(api::logout()).await {
                leptos::logging::warn!("the kiosk could not sign its session out: {err}");
            }
            session.signed_out();
            // Staff may have un-enrolled the tablet meanwhile: then it asks to be enrolled.
            match api::session_info().await {
                Ok(info) if kiosk_of(&info, &raw) => {}
                Ok(_) => registration.refetch(),
                Err(err) => leptos::logging::warn!("the kiosk could not check its enrolment: {err}"),
            }
        });
    };
    Effect::new(move |_| {
        if idle_fired.get() == 0 {
            return;
        }
        untrack(|| {
            let enrolled = matches!(registration.get_untracked(), Some(Ok(Showroom::Kiosk(_))));
            if !enrolled || kiosk.handoff_pending(cart.item_count()) {
                // Staff are enrolling the tablet, or the shopper is taking the cart to their
                // phone: wait for it.
                arm();
            } else {
                reset();
            }
        });
    });

    let enrolled = move |()| registration.refetch();
    let body = move || {
        registration.get().map(|result| {
            result.map(|showroom| match showroom {
                Showroom::Kiosk(store) => view! { <KioskBar store /> <Outlet /> }.into_any(),
                Showroom::NotEnrolled(store) => view! { <KioskEnrolment store on_enrolled=enrolled /> }.into_any(),
            })
        })
    };
    view! {
        <div class="kiosk-shell" data-idle-seconds=idle_ms / 1000>
            <LoadBoundary on_retry=move |_| registration.refetch()>{body}</LoadBoundary>
        </div>
    }
}

/// `/showroom/:store`: category buttons, search and the products as big tiles.
#[component]
pub fn KioskHome() -> impl IntoView {
    let i18n = use_i18n();
    let kiosk = use_kiosk();
    let categories = use_categories().0;
    let products = LocalResource::new(move || {
        let (text, category, page) = (kiosk.query.get(), kiosk.category.get(), kiosk.page.get());
        async move { api::products(Some(&text), category.as_ref(), page).await }
    });

    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        kiosk.query.set(kiosk.typed.get_untracked().trim().to_owned());
        kiosk.category.set(None);
        kiosk.page.set(1);
    };
    let choose = move |category: Option<vitrina_shared::CategoryId>| {
        kiosk.typed.set(String::new());
        kiosk.query.set(String::new());
        kiosk.category.set(category);
        kiosk.page.set(1);
    };

    let category_buttons = move || {
        categories.get().map(|result| {
            result.map(|list| {
                list.into_iter()
                    .map(|info| {
                        let category = info.category;
                        let id = category.id.clone();
                        let pressed = {
                            let id = id.clone();
                            move || kiosk.category.with(|c| c.as_ref() == Some(&id)).to_string()
                        };
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="button button-secondary kiosk-category"
                                    data-testid="kiosk-category"
                                    aria-pressed=pressed
                                    on:click=move |_| choose(Some(id.clone()))
                                >
                                    {move || category_name(i18n.locale(), &category).to_owned()}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            })
        })
    };

    let heading = move || {
        let text = kiosk.query.get();
        if !text.is_empty() {
            return search_results_heading(i18n.locale(), &text);
        }
        let locale = i18n.locale();
        kiosk
            .category
            .get()
            .and_then(|id| {
                categories
                    .map(|r| {
                        r.as_ref()
                            .ok()
                            .and_then(|l| l.iter().find(|c| c.category.id == id).map(|c| category_name(locale, &c.category).to_owned()))
                    })
                    .flatten()
            })
            .unwrap_or_else(|| i18n.t(Key::KioskAllProducts).to_owned())
    };

    let listing = move || {
        products.get().map(|result| {
            result.map(|page| {
                let (total, total_pages, current) = (page.total, page.total_pages, page.page);
                let tiles = if page.items.is_empty() {
                    view! { <p class="empty-state">{move || i18n.t(Key::NoResults)}</p> }.into_any()
                } else {
                    let tiles = page.items.into_iter().map(|product| view! { <KioskTile product /> }).collect_view();
                    view! { <ul class="product-grid kiosk-grid">{tiles}</ul> }.into_any()
                };
                view! {
                    <p class="result-count">{move || product_count(i18n.locale(), total)}</p>
                    {tiles}
                    {(total_pages > 1).then(|| view! { <KioskPager page=current total_pages /> })}
                }
            })
        })
    };

    view! {
        <section class="kiosk-home" aria-labelledby="kiosk-title">
            <div class="kiosk-controls">
                <form class="search-form kiosk-search" role="search" on:submit=on_search>
                    <label class="visually-hidden" for="kiosk-search">{move || i18n.t(Key::SearchLabel)}</label>
                    <input
                        id="kiosk-search"
                        class="search-input"
                        type="search"
                        data-testid="kiosk-search-input"
                        autocomplete="off"
                        enterkeyhint="search"
                        maxlength=MAX_QUERY_CHARS
                        placeholder=move || i18n.t(Key::SearchPlaceholder)
                        prop:value=move || kiosk.typed.get()
                        on:input=move |ev| kiosk.typed.set(event_target_value(&ev))
                    />
                    <button class="button search-submit" type="submit" data-testid="kiosk-search-submit">
                        {move || i18n.t(Key::SearchSubmit)}
                    </button>
                </form>
                <nav class="kiosk-categories" aria-label=move || i18n.t(Key::KioskCategoriesLabel)>
                    <ul class="kiosk-category-list">
                        <li>
                            <button
                                type="button"
                                class="button button-secondary kiosk-category"
                                data-testid="kiosk-category-all"
                                aria-pressed=move || (kiosk.category.with(Option::is_none) && kiosk.query.with(String::is_empty)).to_string()
                                on:click=move |_| choose(None)
                            >
                                {move || i18n.t(Key::KioskAllProducts)}
                            </button>
                        </li>
                        <Transition fallback=|| ()>
                            <ErrorBoundary fallback=|_| ()>{category_buttons}</ErrorBoundary>
                        </Transition>
                    </ul>
                </nav>
            </div>
            <h1 id="kiosk-title" class="page-title">{heading}</h1>
            <LoadBoundary on_retry=move |_| products.refetch()>
                <div class="listing-results">{listing}</div>
            </LoadBoundary>
        </section>
    }
}

/// Previous / next page of the kiosk listing (kept in the kiosk state, not the address).
#[component]
fn KioskPager(page: u32, total_pages: u32) -> impl IntoView {
    let kiosk = use_kiosk();
    let go = move |n: u32| {
        kiosk.page.set(n.clamp(1, total_pages.max(1)));
        if let Some(window) = web_sys::window() {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
    };
    view! { <PagerNav page total_pages go /> }
}

/// One product of the kiosk listing: a big tile leading to the kiosk product view, with this
/// store's own stock.
#[component]
fn KioskTile(product: ProductSummary) -> impl IntoView {
    let i18n = use_i18n();
    let kiosk = use_kiosk();
    let ProductSummary { sku, name, brand, price, image, .. } = product;
    let href = kiosk.href(&format!("/p/{sku}"));
    let sku_text = sku.to_string();
    view! {
        <li class="product-card kiosk-tile" data-testid="kiosk-tile" data-sku=sku_text>
            <a class="product-card-link kiosk-tile-link" href=href>
                <img class="product-card-image" src=image alt="" width="320" height="240" loading="lazy" decoding="async" />
                <h2 class="product-card-name">{name}</h2>
            </a>
            <p class="product-card-brand">{brand}</p>
            <p class="product-card-price">{move || format_money(i18n.locale(), &price)}</p>
            <ShelfStock sku store=kiosk.store.get_untracked() />
        </li>
    }
}

/// `/showroom/:store/p/:sku`: a product with this store's stock first, and adding it to the cart.
#[component]
pub fn KioskProductPage() -> impl IntoView {
    let i18n = use_i18n();
    let kiosk = use_kiosk();
    let params = use_params_map();
    let raw_sku = Memo::new(move |_| params.with(|p| p.get("sku").unwrap_or_default()));
    let product = product_resource(raw_sku);
    let view_product = move || product.get().map(|result| result.map(|product| view! { <KioskProduct product /> }));
    view! {
        <p class="kiosk-back">
            <a class="button button-secondary" data-testid="kiosk-back" href=move || kiosk.href("")>
                {move || i18n.t(Key::KioskBack)}
            </a>
        </p>
        <LoadBoundary on_retry=move |_| product.refetch()>
            <div class="product-route">{view_product}</div>
        </LoadBoundary>
    }
}

#[component]
fn KioskProduct(product: ProductDetail) -> impl IntoView {
    let i18n = use_i18n();
    let kiosk = use_kiosk();
    let ProductDetail { sku, name, brand, description, price, attributes, image, total_available, .. } = product;
    let loaded_categories = crate::components::offers::loaded(use_categories().0);
    let paragraphs = description_paragraphs(&description);
    let rows = spec_rows(attributes);
    view! {
        <article class="product-detail kiosk-product">
            <div class="product-detail-main">
                <div class="product-detail-media">
                    <img class="product-detail-image" src=image alt=name.clone() width="640" height="480" fetchpriority="high" />
                </div>
                <div class="product-detail-info">
                    <h1 class="product-title" data-testid="product-name">{name}</h1>
                    <p class="product-brand">{brand}</p>
                    <p class="product-price" data-testid="product-price">{move || format_money(i18n.locale(), &price)}</p>
                    <PersonalPrice sku=sku.clone() categories=loaded_categories />
                    <ShelfStock sku=sku.clone() store=kiosk.store.get_untracked() />
                    <AddToCart sku available=total_available without_cart_link=true />
                </div>
            </div>
            <section class="product-description" aria-labelledby="kiosk-description-title">
                <h2 id="kiosk-description-title" class="section-title">{move || i18n.t(Key::Description)}</h2>
                {paragraphs}
            </section>
            <section class="product-specs" aria-labelledby="kiosk-specs-title">
                <h2 id="kiosk-specs-title" class="section-title">{move || i18n.t(Key::Specifications)}</h2>
                <table class="spec-table">
                    <tbody>{rows}</tbody>
                </table>
            </section>
        </article>
    }
}
