//! `/cart`: the cart's lines with quantity controls, its totals and the way to checkout.

use crate::api::{ApiError, CartWrite};
use crate::cart::{use_cart, write_error_key};
use crate::components::error::LoadBoundary;
use crate::components::offers::AppliedOffers;
use crate::components::push::PushOptInCard;
use crate::i18n::{format_money, use_i18n, Key};
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::cart::MAX_LINE_QTY;
use vitrina_shared::Sku;

/// What the last change on this page came to, when it needs saying.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    /// The cart had changed elsewhere: the server's cart is shown; try again.
    Conflict,
    /// Offline: the change waits on this device until the connection returns.
    Queued,
    /// Refused or failed: what to say and the error behind it.
    Failed(Key, ApiError),
}

/// Sends one change, then records what needs saying.
fn change(notice: RwSignal<Option<Notice>>, write: impl std::future::Future<Output = Result<CartWrite, ApiError>> + 'static) {
    notice.set(None);
    spawn_local(async move {
        let next = match write.await {
            Ok(CartWrite::Saved(_)) => None,
            Ok(CartWrite::Conflict(_)) => Some(Notice::Conflict),
            Ok(CartWrite::Queued) => Some(Notice::Queued),
            Err(err) => Some(Notice::Failed(write_error_key(&err), err)),
        };
        notice.try_set(next);
    });
}

#[component]
pub fn CartPage() -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    // The page shows the cart as the server has it now, then keeps following the context.
    let loaded = LocalResource::new(move || cart.reload());
    let contents = move || loaded.get().map(|result| result.map(|()| view! { <CartContents /> }));
    view! {
        <section class="cart-page" aria-labelledby="cart-title">
            <h1 id="cart-title" class="page-title">{move || i18n.t(Key::CartTitle)}</h1>
            <LoadBoundary on_retry=move |_| loaded.refetch()>
                <div class="cart-contents">{contents}</div>
            </LoadBoundary>
        </section>
    }
}

/// The lines and totals of the cart in context, or the empty state.
#[component]
fn CartContents() -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let notice = RwSignal::new(None::<Notice>);
    let is_empty = move || cart.view().is_none_or(|v| v.lines.is_empty());
    let notice_view = move || {
        notice.get().map(|n| match n {
            Notice::Conflict => view! {
                <p class="cart-alert" data-testid="cart-conflict">
                    {move || i18n.t(Key::CartConflict)}
                </p>
            }
            .into_any(),
            Notice::Queued => view! {
                <p class="cart-note" role="status" data-testid="cart-queued">
                    {move || i18n.t(Key::CartQueuedOffline)}
                </p>
            }
            .into_any(),
            Notice::Failed(key, detail) => view! {
                <p class="cart-alert" data-testid="cart-error">
                    {move || i18n.t(key)}
                    <span class="error-detail">" (" {move || detail.text(i18n.locale())} ")"</span>
                </p>
            }
            .into_any(),
        })
    };
    // Prices that changed since the cart was last changed: the cart is priced as they are now.
    let repriced = move || {
        cart.view().filter(|v| !v.repriced.is_empty()).map(|v| {
            let rows = v
                .repriced
                .into_iter()
                .map(|line| {
                    let text = move || {
                        let locale = i18n.locale();
                        format!("{}: {} → {}", line.name, format_money(locale, &line.was), format_money(locale, &line.now))
                    };
                    view! { <li data-sku=line.sku.to_string()>{text}</li> }
                })
                .collect_view();
            view! {
                <div class="cart-note" role="status" data-testid="cart-repriced">
                    <p>{move || i18n.t(Key::CartRepriced)}</p>
                    <ul>{rows}</ul>
                </div>
            }
        })
    };
    let totals = move || {
        cart.view().filter(|v| !v.lines.is_empty()).map(|v| {
            let (subtotal, discount, total) = (v.subtotal, v.discount, v.total);
            // The offers' discount, and which offers gave it, as the server priced the cart.
            let discount_row = (!discount.amount.is_zero()).then(|| {
                view! {
                    <dt>{move || i18n.t(Key::SummaryDiscount)}</dt>
                    <dd data-testid="cart-discount">{move || format!("−{}", format_money(i18n.locale(), &discount))}</dd>
                }
            });
            let offers = (!v.offers.is_empty()).then(|| view! { <AppliedOffers offers=v.offers /> });
            view! {
                <section class="cart-summary" aria-labelledby="cart-summary-title">
                    <h2 id="cart-summary-title" class="section-title">{move || i18n.t(Key::CartSummary)}</h2>
                    <dl class="cart-totals">
                        <dt>{move || i18n.t(Key::CartSubtotal)}</dt>
                        <dd data-testid="cart-subtotal">{move || format_money(i18n.locale(), &subtotal)}</dd>
                        {discount_row}
                        <dt>{move || i18n.t(Key::CartTotal)}</dt>
                        <dd class="cart-total" data-testid="cart-total">{move || format_money(i18n.locale(), &total)}</dd>
                    </dl>
                    {offers}
                    <p class="cart-checkout">
                        <a class="button checkout-button" href="/checkout" data-testid="checkout-link">
                            {move || i18n.t(Key::CheckoutButton)}
                        </a>
                    </p>
                </section>
            }
        })
    };
    view! {
        <div role="alert" class="cart-alerts">{notice_view}</div>
        {repriced}
        <Show
            when=move || !is_empty()
            fallback=move || {
                view! {
                    <div class="empty-state" data-testid="cart-empty">
                        <p>{move || i18n.t(Key::CartEmpty)}</p>
                        <p>
                            <a class="button" href="/">{move || i18n.t(Key::ContinueShopping)}</a>
                        </p>
                    </div>
                }
            }
        >
            <ul class="cart-lines">
                <For each=move || cart.skus() key=|sku| sku.clone() let:sku>
                    <CartLineRow sku notice />
                </For>
            </ul>
        </Show>
        {totals}
        <Show when=move || !is_empty()>
            <PushOptInCard />
        </Show>
    }
}

/// One line: picture, name, unit price, − quantity +, line total and Remove. It follows the line
/// in the cart context, so its buttons keep focus while the quantity changes.
#[component]
fn CartLineRow(sku: Sku, notice: RwSignal<Option<Notice>>) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let line = {
        let sku = sku.clone();
        Memo::new(move |_| cart.line(&sku))
    };
    let qty = move || line.with(|l| l.as_ref().map_or(0, |l| l.qty));
    let limit = move || line.with(|l| l.as_ref().map_or(0, |l| l.available.min(MAX_LINE_QTY)));
    let name = move || line.with(|l| l.as_ref().map(|l| l.name.clone()).unwrap_or_default());
    let image = move || line.with(|l| l.as_ref().map(|l| l.image.clone()).unwrap_or_default());
    let unit_price = move || line.with(|l| l.as_ref().map(|l| format_money(i18n.locale(), &l.unit_price)).unwrap_or_default());
    let line_total = move || line.with(|l| l.as_ref().map(|l| format_money(i18n.locale(), &l.line_total)).unwrap_or_default());
    let can_dec = move || qty() > 1;
    let can_inc = move || qty() < limit();
    // Controls stay enabled (and focused) while a change is unanswered; presses meanwhile are
    // ignored, as they would be based on an old version.
    let set = {
        let sku = sku.clone();
        move |next: u32| {
            if !cart.busy() {
                change(notice, cart.set_qty(sku.clone(), next));
            }
        }
    };
    let dec = {
        let set = set.clone();
        move |_| {
            if can_dec() {
                set(qty() - 1);
            }
        }
    };
    let inc = move |_| {
        if can_inc() {
            set(qty() + 1);
        }
    };
    let remove = {
        let sku = sku.clone();
        move |_| {
            if !cart.busy() {
                change(notice, cart.remove(sku.clone()));
            }
        }
    };
    let qty_id = format!("qty-{sku}");
    let href = format!("/p/{sku}");
    view! {
        <li class="cart-line" data-testid="cart-line" data-sku=sku.to_string()>
            <img class="cart-line-image" src=image alt="" width="96" height="72" loading="lazy" decoding="async" />
            <div class="cart-line-info">
                <h2 class="cart-line-name">
                    <a href=href>{name}</a>
                </h2>
                <p class="cart-line-price">
                    <span class="visually-hidden">{move || i18n.t(Key::UnitPrice)} ": "</span>
                    {unit_price}
                </p>
            </div>
            <div class="cart-line-qty" role="group" aria-labelledby=qty_id.clone()>
                <span id=qty_id.clone() class="visually-hidden">
                    {move || format!("{}: {}", i18n.t(Key::Quantity), name())}
                </span>
                <button
                    type="button"
                    class="button qty-button"
                    data-testid="qty-dec"
                    aria-label=move || i18n.t(Key::QtyDecrease)
                    aria-disabled=move || (!can_dec()).to_string()
                    on:click=dec
                >
                    "−"
                </button>
                <output class="cart-qty" data-testid="cart-qty" aria-live="polite">
                    {qty}
                </output>
                <button
                    type="button"
                    class="button qty-button"
                    data-testid="qty-inc"
                    aria-label=move || i18n.t(Key::QtyIncrease)
                    aria-disabled=move || (!can_inc()).to_string()
                    on:click=inc
                >
                    "+"
                </button>
            </div>
            <p class="cart-line-total">
                <span class="visually-hidden">{move || i18n.t(Key::LineTotal)} ": "</span>
                {line_total}
            </p>
            <button type="button" class="button button-secondary cart-line-remove" data-testid="remove-line" on:click=remove>
                {move || i18n.t(Key::RemoveLine)}
            </button>
        </li>
    }
}
