//! `/c/:id?page=N`: one category's products, 24 to a page.

use crate::api::{self, ApiError};
use crate::components::error::LoadBoundary;
use crate::components::product_grid::ProductListing;
use crate::i18n::{category_name, use_i18n, Key};
use crate::use_categories;
use leptos::prelude::*;
use leptos_router::hooks::{use_params, use_query};
use leptos_router::params::Params;
use vitrina_shared::CategoryId;

#[derive(Params, Debug, Clone, PartialEq)]
struct CategoryParams {
    id: Option<String>,
}

/// `?page=N` of a listing; absent or unreadable means the first page.
#[derive(Params, Debug, Clone, PartialEq)]
pub struct PageQuery {
    pub page: Option<u32>,
}

/// The requested page from a parsed `?page=`: an unreadable or zero page is page 1.
pub fn requested_page<E>(query: &Result<PageQuery, E>) -> u32 {
    query.as_ref().ok().and_then(|q| q.page).unwrap_or(1).max(1)
}

#[component]
pub fn CategoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let categories = use_categories().0;
    let params = use_params::<CategoryParams>();
    let query = use_query::<PageQuery>();
    let id = Memo::new(move |_| params.with(|p| p.as_ref().ok().and_then(|p| p.id.clone()).unwrap_or_default()));
    let page = Memo::new(move |_| query.with(requested_page));

    let products = LocalResource::new(move || {
        let (raw, page) = (id.get(), page.get());
        async move {
            let category = CategoryId::parse(&raw).map_err(|_| ApiError::invalid_category(&raw))?;
            api::products(None, Some(&category), page).await
        }
    });

    // The category's name once the category list is in; until then (or if it failed, which the
    // header navigation reports with a retry) a generic title.
    let title = move || {
        let locale = i18n.locale();
        let current = id.get();
        categories
            .map(|result| {
                result.as_ref().ok().and_then(|list| {
                    list.iter().find(|c| c.category.id.as_str() == current).map(|c| category_name(locale, &c.category).to_owned())
                })
            })
            .flatten()
            .unwrap_or_else(|| i18n.t(Key::CategoryFallbackTitle).to_owned())
    };

    let listing = move || {
        let current = id.get_untracked();
        products.get().map(|result| {
            result.map(|page| {
                let page_href = move |n: u32| format!("/c/{current}?page={n}");
                view! { <ProductListing page empty=Key::EmptyCategory page_href /> }
            })
        })
    };

    view! {
        <section class="listing">
            <h1 class="page-title">{title}</h1>
            <LoadBoundary on_retry=move |_| products.refetch()>
                <div class="listing-results">{listing}</div>
            </LoadBoundary>
        </section>
    }
}
