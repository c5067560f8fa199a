//! A page of products: count, grid (or an empty message) and pager.

use crate::components::pager::Pager;
use crate::components::product_card::ProductCard;
use crate::i18n::{product_count, use_i18n, Key};
use leptos::prelude::*;
use vitrina_shared::api::ProductSummary;
use vitrina_shared::catalog::Page;

/// Products as a responsive grid of cards.
#[component]
pub fn ProductGrid(products: Vec<ProductSummary>) -> impl IntoView {
    view! {
        <ul class="product-grid">
            {products.into_iter().map(|product| view! { <ProductCard product /> }).collect_view()}
        </ul>
    }
}

/// One page of a listing with its pager; `empty` is said when there is nothing on the page.
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
        view! { <ProductGrid products=items /> }.into_any()
    };
    view! {
        {(total > 0).then(|| view! { <p class="result-count">{move || product_count(i18n.locale(), total)}</p> })}
        {body}
        {(total_pages > 0).then(|| view! { <Pager page total_pages page_href /> })}
    }
}
