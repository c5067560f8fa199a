//! The polite notice that the cart changed on another device.

use crate::cart::use_cart;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// A live region (always present, so screen readers announce what appears in it) that says
/// "Cart updated on another device" for a few seconds after the cart changed elsewhere.
#[component]
pub fn CartUpdatedNotice() -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    view! {
        <div class="cart-notice-region" role="status" aria-live="polite">
            <Show when=move || cart.notice_shown()>
                <p class="cart-notice" data-testid="cart-updated-notice">
                    {move || i18n.t(Key::CartUpdatedElsewhere)}
                </p>
            </Show>
        </div>
    }
}
