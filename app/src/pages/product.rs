//! `/p/:sku`: the product with its store availability.

use crate::api::{self, ApiError};
use crate::cart::use_cart;
use crate::components::add_to_cart::AddToCart;
use crate::components::availability::AvailabilityPanel;
use crate::components::error::LoadBoundary;
use crate::components::offers::PersonalPrice;
use crate::components::push::PushOptInCard;
use crate::i18n::{category_name, format_money, use_i18n, Key};
use crate::use_categories;
use leptos::prelude::*;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;
use vitrina_shared::api::ProductDetail;
use vitrina_shared::catalog::Attribute;
use vitrina_shared::Sku;

#[derive(Params, Debug, Clone, PartialEq)]
struct ProductParams {
    sku: Option<String>,
}

/// The product named by the SKU in the address (`raw_sku`), loaded afresh when it changes.
pub fn product_resource(raw_sku: Memo<String>) -> LocalResource<Result<ProductDetail, ApiError>> {
    LocalResource::new(move || {
        let raw = raw_sku.get();
        async move {
            // An address that cannot hold a SKU names no product; no need to ask the server.
            let sku = Sku::parse(&raw).map_err(|_| ApiError::unknown_sku(&raw))?;
            api::product(&sku).await
        }
    })
}

/// A product description as paragraphs: blank lines separate them.
pub fn description_paragraphs(description: &str) -> impl IntoView {
    description.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(|p| view! { <p>{p.to_owned()}</p> }).collect_view()
}

/// The rows of a product's specification table: name, value.
pub fn spec_rows(attributes: Vec<Attribute>) -> impl IntoView {
    attributes
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <th scope="row">{a.name}</th>
                    <td>{a.value}</td>
                </tr>
            }
        })
        .collect_view()
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params::<ProductParams>();
    let raw_sku = Memo::new(move |_| params.with(|p| p.as_ref().ok().and_then(|p| p.sku.clone()).unwrap_or_default()));
    let product = product_resource(raw_sku);
    let view_product = move || product.get().map(|result| result.map(|product| view! { <ProductView product /> }));
    view! {
        <LoadBoundary on_retry=move |_| product.refetch()>
            <div class="product-route">{view_product}</div>
        </LoadBoundary>
    }
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    let i18n = use_i18n();
    let categories = use_categories().0;
    let cart = use_cart();
    let ProductDetail { sku, name, brand, category, description, price, attributes, image, total_available } = product;
    let category_href = format!("/c/{category}");
    let category_label = {
        let id = category.clone();
        move || {
            let locale = i18n.locale();
            categories
                .map(|result| {
                    result
                        .as_ref()
                        .ok()
                        .and_then(|list| list.iter().find(|c| c.category.id == id).map(|c| category_name(locale, &c.category).to_owned()))
                })
                .flatten()
                .unwrap_or_else(|| id.to_string())
        }
    };
    let paragraphs = description_paragraphs(&description);
    let has_attributes = !attributes.is_empty();
    let rows = spec_rows(attributes);
    let sku_text = sku.to_string();
    // Notifications are offered once this product is in the cart, never on arrival.
    let in_cart = {
        let sku = sku.clone();
        move || cart.qty_of(&sku) > 0
    };

    view! {
        <article class="product-detail">
            <nav class="breadcrumbs" aria-label=move || i18n.t(Key::BreadcrumbLabel)>
                <ol class="breadcrumbs-list">
                    <li>
                        <a href="/">{move || i18n.t(Key::Home)}</a>
                    </li>
                    <li>
                        <a href=category_href>{category_label}</a>
                    </li>
                </ol>
            </nav>
            <div class="product-detail-main">
                <div class="product-detail-media">
                    <img
                        class="product-detail-image"
                        src=image
                        alt=name.clone()
                        width="640"
                        height="480"
                        fetchpriority="high"
                    />
                </div>
                <div class="product-detail-info">
                    <h1 class="product-title" data-testid="product-name">{name}</h1>
                    <dl class="product-facts">
                        <dt>{move || i18n.t(Key::Brand)}</dt>
                        <dd class="product-brand">{brand}</dd>
                        <dt>{move || i18n.t(Key::Sku)}</dt>
                        <dd class="product-sku">{sku_text}</dd>
                    </dl>
                    <p class="product-price" data-testid="product-price">
                        {move || format_money(i18n.locale(), &price)}
                    </p>
                    <PersonalPrice sku=sku.clone() />
                    <AddToCart sku=sku.clone() available=total_available />
                    <Show when=in_cart>
                        <PushOptInCard />
                    </Show>
                    <AvailabilityPanel sku />
                </div>
            </div>
            <section class="product-description" aria-labelledby="product-description-title">
                <h2 id="product-description-title" class="section-title">
                    {move || i18n.t(Key::Description)}
                </h2>
                {paragraphs}
            </section>
            {has_attributes
                .then(|| {
                    view! {
                        <section class="product-specs" aria-labelledby="product-specs-title">
                            <h2 id="product-specs-title" class="section-title">
                                {move || i18n.t(Key::Specifications)}
                            </h2>
                            <table class="spec-table">
                                <tbody>{rows}</tbody>
                            </table>
                        </section>
                    }
                })}
        </article>
    }
}
