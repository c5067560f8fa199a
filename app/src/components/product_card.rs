//! A product in a listing.

use crate::i18n::{format_money, use_i18n, Key};
use leptos::prelude::*;
use vitrina_shared::api::ProductSummary;

/// One product in a `product-grid`: a link to `/p/{sku}` with image and name, brand, price and
/// whether any store has it.
#[component]
pub fn ProductCard(product: ProductSummary) -> impl IntoView {
    let i18n = use_i18n();
    let ProductSummary { sku, name, brand, price, image, total_available, .. } = product;
    let in_stock = total_available > 0;
    view! {
        <li class="product-card" data-testid="product-card">
            <a class="product-card-link" href=format!("/p/{sku}")>
                <img
                    class="product-card-image"
                    src=image
                    alt=""
                    width="320"
                    height="240"
                    loading="lazy"
                    decoding="async"
                />
                <h3 class="product-card-name">{name}</h3>
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
