//! Previous / next page buttons with "page X of Y" (the showroom's listings; the shop's are links
//! rendered by the server).

use crate::i18n::{page_of, use_i18n, Key};
use leptos::prelude::*;

/// Previous / next buttons around "page X of Y"; `go` is called with the page to show.
#[component]
pub fn PagerNav(
    /// The current page, 1-based.
    page: u32,
    total_pages: u32,
    /// Shows page `n`.
    #[prop(into)]
    go: Callback<u32>,
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
                disabled=!has_next
                on:click=move |_| go.run(page + 1)
            >
                {move || i18n.t(Key::PagerNext)}
                <span aria-hidden="true">" →"</span>
            </button>
        </nav>
    }
}
