//! A page of products: count, grid (or an empty message) and pager.

use crate::components::pager::Pager;
use crate::components::product_card::{CardHeading, ProductCard};
use crate::i18n::{product_count, use_i18n, Key};
use leptos::prelude::*;
use vitrina_shared::api::ProductSummary;
use vitrina_shared::catalog::Page;

/// How many cards at the top of a listing load their image at once: the first row on a wide
/// tablet (the rest load as they scroll into view).
const EAGER_CARDS: usize = 6;

/// Products as a responsive grid of cards: `heading` is the level of the product names, and the
/// first `eager` cards load their image at once.
#[component]
pub fn ProductGrid(products: Vec<ProductSummary>, #[prop(optional)] heading: CardHeading, #[prop(optional)] eager: usize) -> impl IntoView {
    view! {
        <ul class="product-grid">
            {products
                .into_iter()
                .enumerate()
                .map(|(i, product)| view! { <ProductCard product heading eager={i < eager} /> })
                .collect_view()}
        </ul>
    }
}

/// One page of a listing with its pager, under the page's `h1`; `empty` is said when there is
/// nothing on the page.
#[component]
pub fn ProductListing(
    page: Page<ProductSummary>,
    empty: Key,
    /// The address of page `n` of this listing.
    #[prop(into)]
    page_href: Callback<u32, String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Page { items, page, total, total_pages, .. } = page;
    let body = if items.is_empty() {
        view! { <p class="empty-state">{move || i18n.t(empty)}</p> }.into_any()
    } else {
        view! { <ProductGrid products=items heading=CardHeading::H2 eager=EAGER_CARDS /> }.into_any()
    };
    view! {
        {(total > 0).then(|| view! { <p class="result-count">{move || product_count(i18n.locale(), total)}</p> })}
        {body}
        {(total_pages > 0).then(|| view! { <Pager page total_pages page_href /> })}
    }
}
