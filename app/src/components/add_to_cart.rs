//! The "Add to cart" control of a product page.

use crate::api::{ApiError, ApiErrorKind, CartWrite};
use crate::cart::{use_cart, write_error_key};
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::cart::MAX_LINE_QTY;
use vitrina_shared::Sku;

/// What the last press came to.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    None,
    Added,
    /// Offline: added on this device, sent when the connection returns.
    Queued,
    /// Refused or failed: what to say, and the error behind it.
    Failed(Key, Option<ApiError>),
}

/// Adds one unit of `sku` to the cart (a new line of 1, or one more on the line), up to the
/// per-line maximum and the units the chain has. `without_cart_link` leaves out the link to
/// `/cart` (a showroom kiosk keeps the shopper on its own pages).
#[component]
pub fn AddToCart(sku: Sku, available: u32, #[prop(optional)] without_cart_link: bool) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let outcome = RwSignal::new(Outcome::None);
    let in_cart = {
        let sku = sku.clone();
        Memo::new(move |_| cart.qty_of(&sku))
    };
    let limit = MAX_LINE_QTY.min(available);
    let at_limit = move || in_cart.get() >= limit;
    let on_click = {
        let sku = sku.clone();
        move |_| {
            // Presses while a write is unanswered would be based on an old version.
            if cart.busy() || at_limit() {
                return;
            }
            let (sku, qty) = (sku.clone(), in_cart.get_untracked() + 1);
            spawn_local(async move {
                let next = match cart.set_qty(sku, qty).await {
                    Ok(CartWrite::Saved(_)) => Outcome::Added,
                    Ok(CartWrite::Queued) => Outcome::Queued,
                    Ok(CartWrite::Conflict(_)) => Outcome::Failed(Key::CartConflict, None),
                    // Offline needs no technical detail: the message says what to do.
                    Err(err) if err.kind == ApiErrorKind::Network => Outcome::Failed(write_error_key(&err), None),
                    Err(err) => Outcome::Failed(write_error_key(&err), Some(err)),
                };
                outcome.try_set(next);
            });
        }
    };
    let status = move || {
        let qty = in_cart.get();
        match outcome.get() {
            Outcome::Failed(key, detail) => view! {
                <p class="add-to-cart-error" role="alert">
                    {move || i18n.t(key)}
                    {detail.map(|d| view! { <span class="error-detail">" (" {move || d.cart_write_text(i18n.locale())} ")"</span> })}
                </p>
            }
            .into_any(),
            Outcome::Queued => view! {
                <p class="add-to-cart-status" role="status" data-testid="add-to-cart-queued">
                    {move || i18n.t(Key::CartQueuedOffline)}
                </p>
            }
            .into_any(),
            _ if qty > 0 => view! {
                <p class="add-to-cart-status">
                    {move || format!("{} {qty}", i18n.t(Key::InCartPrefix))}
                    {(!without_cart_link)
                        .then(|| view! { " · " <a href="/cart">{move || i18n.t(Key::GoToCart)}</a> })}
                    {(qty >= limit && limit == MAX_LINE_QTY).then_some(move || format!(" {}", i18n.t(Key::CartLineMaxReached)))}
                </p>
            }
            .into_any(),
            _ => ().into_any(),
        }
    };
    view! {
        <div class="add-to-cart">
            <button
                type="button"
                class="button add-to-cart-button"
                data-testid="add-to-cart"
                disabled=move || available == 0 || at_limit()
                aria-busy=move || cart.busy().to_string()
                on:click=on_click
            >
                {move || i18n.t(if in_cart.get() > 0 { Key::AddOneMore } else { Key::AddToCart })}
            </button>
            <div aria-live="polite">{status}</div>
        </div>
    }
}
