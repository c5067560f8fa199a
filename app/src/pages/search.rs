//! `/search?q=…&page=N`: search results, 24 to a page.

use crate::api;
use crate::components::error::LoadBoundary;
use crate::components::layout::search_href;
use crate::components::product_grid::ProductListing;
use crate::i18n::{search_results_heading, use_i18n, Key};
use leptos::prelude::*;
use leptos_router::hooks::use_query;
use leptos_router::params::Params;

#[derive(Params, Debug, Clone, PartialEq)]
struct SearchQuery {
    q: Option<String>,
    page: Option<u32>,
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query::<SearchQuery>();
    let text = Memo::new(move |_| query.with(|q| q.as_ref().ok().and_then(|q| q.q.clone()).unwrap_or_default().trim().to_owned()));
    let page = Memo::new(move |_| query.with(|q| q.as_ref().ok().and_then(|q| q.page).unwrap_or(1).max(1)));

    // No request for an empty query: the page asks for one instead.
    let results = LocalResource::new(move || {
        let (text, page) = (text.get(), page.get());
        async move {
            if text.is_empty() {
                Ok(None)
            } else {
                api::products(Some(&text), None, page).await.map(Some)
            }
        }
    });

    let heading = move || {
        let text = text.get();
        if text.is_empty() {
            i18n.t(Key::SearchHeading).to_owned()
        } else {
            search_results_heading(i18n.locale(), &text)
        }
    };

    let listing = move || {
        let current = text.get_untracked();
        results.get().map(|result| {
            result.map(|found| match found {
                None => view! { <p class="empty-state">{move || i18n.t(Key::SearchPrompt)}</p> }.into_any(),
                Some(page) => {
                    let base = search_href(&current);
                    let page_href = move |n: u32| format!("{base}&page={n}");
                    view! { <ProductListing page empty=Key::NoResults page_href /> }.into_any()
                }
            })
        })
    };

    view! {
        <section class="listing">
            <h1 class="page-title">{heading}</h1>
            <LoadBoundary on_retry=move |_| results.refetch()>
                <div class="listing-results">{listing}</div>
            </LoadBoundary>
        </section>
    }
}
