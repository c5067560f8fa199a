//! Previous / next page buttons with "page X of Y".

use crate::i18n::{page_of, use_i18n, Key};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The pager of a listing whose page is in the address.
#[component]
pub fn Pager(
    /// The current page, 1-based.
    page: u32,
    total_pages: u32,
    /// The address of page `n`.
    page_href: Callback<u32, String>,
) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |n: u32| navigate(&page_href.run(n), Default::default());
    view! { <PagerNav page total_pages go with_test_ids=true /> }
}

/// Previous / next buttons around "page X of Y"; `go` is called with the page to show.
#[component]
pub fn PagerNav(
    /// The current page, 1-based.
    page: u32,
    total_pages: u32,
    /// Shows page `n`.
    #[prop(into)]
    go: Callback<u32>,
    /// Whether the buttons carry `data-testid="pager-prev"` / `"pager-next"`.
    #[prop(optional)]
    with_test_ids: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let has_prev = page > 1;
    let has_next = page < total_pages;
    // A page past the end (an edited address) leads back to the last page.
    let prev_target = page.saturating_sub(1).clamp(1, total_pages.max(1));
    view! {
        <nav class="pager" aria-label=move || i18n.t(Key::PagerLabel)>
            <button
                type="button"
                class="button pager-button pager-prev"
                data-testid=with_test_ids.then_some("pager-prev")
                disabled=!has_prev
                on:click=move |_| go.run(prev_target)
            >
                <span aria-hidden="true">"← "</span>
                {move || i18n.t(Key::PagerPrev)}
            </button>
            <span class="pager-status" aria-live="polite">
                {move || page_of(i18n.locale(), page, total_pages)}
            </span>
            <button
                type="button"
                class="button pager-button pager-next"
                data-testid=with_test_ids.then_some("pager-next")
                disabled=!has_next
                on:click=move |_| go.run(page + 1)
            >
                {move || i18n.t(Key::PagerNext)}
                <span aria-hidden="true">" →"</span>
            </button>
        </nav>
    }
}
