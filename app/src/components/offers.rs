//! Offers as the shopper sees them: those applied to the cart, and a product's price "for you"
//! when an offer lowers it for this shopper (here, now, on this channel).

use crate::api;
use crate::components::error::LoadBoundary;
use crate::i18n::{format_money, use_i18n, Key};
use leptos::prelude::*;
use vitrina_shared::offers::Applied;
use vitrina_shared::Sku;

/// The offers applied to the cart, each with its name and what it takes off.
#[component]
pub fn AppliedOffers(offers: Vec<Applied>) -> impl IntoView {
    let i18n = use_i18n();
    let items = offers
        .into_iter()
        .map(|offer| {
            let Applied { rule_id, name, discount, .. } = offer;
            view! {
                <li class="cart-offer" data-testid="cart-offer" data-rule-id=rule_id>
                    <span class="cart-offer-name">{name}</span>
                    <span class="cart-offer-discount">{move || format!("−{}", format_money(i18n.locale(), &discount))}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="cart-offers" aria-label=move || i18n.t(Key::OffersApplied)>
            {items}
        </ul>
    }
}

/// The price of one unit of `sku` for this shopper, shown under the list price when an offer
/// lowers it: "For you: 4 491 ₽" with the offers' names. Nothing when no offer applies.
#[component]
pub fn PersonalPrice(sku: Sku) -> impl IntoView {
    let i18n = use_i18n();
    let offers = LocalResource::new(move || {
        let sku = sku.clone();
        async move { api::offers_for(&sku).await }
    });
    let body = move || {
        offers.get().map(|result| {
            result.map(|answer| {
                let price = answer.price.filter(|p| p.discount.amount > rust_decimal::Decimal::ZERO)?;
                let names = answer.applied.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(" · ");
                let (total, discount) = (price.total, price.discount);
                Some(view! {
                    <p class="personal-price" data-testid="personal-price">
                        <span class="personal-price-label">{move || i18n.t(Key::PriceForYou)}</span>
                        " "
                        <strong class="personal-price-value" data-testid="personal-price-value">
                            {move || format_money(i18n.locale(), &total)}
                        </strong>
                        " "
                        <span class="personal-price-saving">{move || format!("−{}", format_money(i18n.locale(), &discount))}</span>
                        <span class="personal-price-offer" data-testid="personal-price-offer">{names}</span>
                    </p>
                })
            })
        })
    };
    view! {
        <div class="personal-price-region">
            <LoadBoundary on_retry=move |_| offers.refetch() label=Key::CheckingOffers>{body}</LoadBoundary>
        </div>
    }
}
