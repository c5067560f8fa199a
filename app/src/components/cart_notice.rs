//! The polite notices about the cart that the shopper did not cause on this page: it changed on
//! another device, or the changes made offline were sent.

use crate::cart::use_cart;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// A live region (always present, so screen readers announce what appears in it) that says
/// "Cart updated on another device" for a few seconds after the cart changed elsewhere, and that
/// the changes made offline were sent (and whether all went through) once they were.
#[component]
pub fn CartUpdatedNotice() -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let synced = move || {
        cart.synced().map(|all| {
            let key = if all { Key::CartSyncedOffline } else { Key::CartSyncedAdjusted };
            view! { <p class="cart-notice" data-testid="cart-synced-notice">{move || i18n.t(key)}</p> }
        })
    };
    view! {
        <div class="cart-notice-region" role="status" aria-live="polite">
            <Show when=move || cart.notice_shown()>
                <p class="cart-notice" data-testid="cart-updated-notice">
                    {move || i18n.t(Key::CartUpdatedElsewhere)}
                </p>
            </Show>
            {synced}
        </div>
    }
}
