//! A product in a listing.

use crate::i18n::{format_money, use_i18n, Key};
use leptos::prelude::*;
use vitrina_shared::api::ProductSummary;

/// The heading level of a card's product name: one below the heading its grid sits under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CardHeading {
    /// Directly under the page's `h1` (category and search listings).
    H2,
    /// Under a section's `h2` (the home page).
    #[default]
    H3,
}

/// One product in a `product-grid`: a link to `/p/{sku}` with image and name, brand, price and
/// whether any store has it. `eager` cards (the first row) load their image at once, as it is
/// likely in view and the page's largest paint.
#[component]
pub fn ProductCard(product: ProductSummary, #[prop(optional)] heading: CardHeading, #[prop(optional)] eager: bool) -> impl IntoView {
    let i18n = use_i18n();
    let ProductSummary { sku, name, brand, price, image, total_available, .. } = product;
    let in_stock = total_available > 0;
    let name = match heading {
        CardHeading::H2 => view! { <h2 class="product-card-name">{name}</h2> }.into_any(),
        CardHeading::H3 => view! { <h3 class="product-card-name">{name}</h3> }.into_any(),
    };
    view! {
        <li class="product-card" data-testid="product-card">
            <a class="product-card-link" href=format!("/p/{sku}")>
                <img
                    class="product-card-image"
                    src=image
                    alt=""
                    width="320"
                    height="240"
                    loading=if eager { "eager" } else { "lazy" }
                    decoding="async"
                />
                {name}
            </a>
            <p class="product-card-brand">{brand}</p>
            <p class="product-card-price" data-testid="product-price">
                {move || format_money(i18n.locale(), &price)}
            </p>
            <p class={if in_stock { "stock-badge in-stock" } else { "stock-badge out-of-stock" }}>
                {move || i18n.t(if in_stock { Key::InStock } else { Key::OutOfStock })}
            </p>
        </li>
    }
}
