//! A product's parts the showroom kiosk shows (`/showroom/:store/p/:sku`); the shop's product page
//! is rendered by the server (`app/storefront`).

use crate::api::{self, ApiError};
use leptos::prelude::*;
use vitrina_shared::api::ProductDetail;
use vitrina_shared::catalog::Attribute;
use vitrina_shared::Sku;

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
