//! Previous / next page buttons with "page X of Y".

use crate::i18n::{page_of, use_i18n, Key};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn Pager(
    /// The current page, 1-based.
    page: u32,
    total_pages: u32,
    /// The address of page `n`.
    page_href: Callback<u32, String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let has_prev = page > 1;
    let has_next = page < total_pages;
    // A page past the end (an edited address) leads back to the last page.
    let prev_target = page.saturating_sub(1).clamp(1, total_pages.max(1));
    let go_prev = {
        let navigate = navigate.clone();
        move |_| navigate(&page_href.run(prev_target), Default::default())
    };
    let go_next = move |_| navigate(&page_href.run(page + 1), Default::default());
    view! {
        <nav class="pager" aria-label=move || i18n.t(Key::PagerLabel)>
            <button
                type="button"
                class="button pager-button pager-prev"
                data-testid="pager-prev"
                disabled=!has_prev
                on:click=go_prev
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
                data-testid="pager-next"
                disabled=!has_next
                on:click=go_next
            >
                {move || i18n.t(Key::PagerNext)}
                <span aria-hidden="true">" →"</span>
            </button>
        </nav>
    }
}
