//! Offers as the shopper sees them: those applied to the cart, and a product's price "for you"
//! when an offer lowers it for this shopper (here, now, on this channel).

use crate::api::{self, ApiError};
use crate::i18n::{applied_text, format_money, use_i18n, Key, Locale, Names};
use crate::use_categories;
use leptos::prelude::*;
use vitrina_shared::api::CategoryInfo;
use vitrina_shared::offers::{Applied, AppliedReason};
use vitrina_shared::Sku;

/// What an offer gives, in `locale`, with category names from `categories` (an id not among them
/// is shown as it is, e.g. while they are still loading).
fn reason_text(locale: Locale, reason: &AppliedReason, categories: &[CategoryInfo]) -> String {
    applied_text(locale, reason, &Names { categories, stores: &[] })
}

/// The loaded categories (none while loading or when that failed), tracked.
pub fn loaded(categories: LocalResource<Result<Vec<CategoryInfo>, ApiError>>) -> Signal<Vec<CategoryInfo>> {
    Signal::derive(move || categories.get().and_then(Result::ok).unwrap_or_default())
}

/// The offers applied to the cart, each with its name, what it gives and what it takes off.
#[component]
pub fn AppliedOffers(offers: Vec<Applied>) -> impl IntoView {
    let i18n = use_i18n();
    let categories = loaded(use_categories().0);
    let items = offers
        .into_iter()
        .map(|offer| {
            let Applied { rule_id, name, discount, reason } = offer;
            let reason = move || categories.with(|c| reason_text(i18n.locale(), &reason, c));
            view! {
                <li class="cart-offer" data-testid="cart-offer" data-rule-id=rule_id>
                    <span class="cart-offer-name">
                        {name}
                        <span class="cart-offer-reason" data-testid="cart-offer-reason">{reason}</span>
                    </span>
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
/// lowers it: "For you: 4 491 ₽" with the offers' names and what they give. Nothing when no offer
/// applies. `categories` name the categories an offer may be on (the product's is enough: an
/// offer on a category lowers the price of that category's products only).
#[component]
pub fn PersonalPrice(sku: Sku, #[prop(into)] categories: Signal<Vec<CategoryInfo>>) -> impl IntoView {
    let i18n = use_i18n();
    let offers = LocalResource::new(move || {
        let sku = sku.clone();
        async move { api::offers_for(&sku).await }
    });
    // Nothing shows until the answer is in, and nothing if it failed: a personal price is a bonus,
    // and a "checking offers" line that comes and goes would move the page under the shopper.
    let body = move || {
        offers.get().and_then(|result| match result {
            Err(err) => {
                leptos::logging::warn!("no personal price: {err}");
                None
            }
            Ok(answer) => {
                let price = answer.price.filter(|p| p.discount.amount > rust_decimal::Decimal::ZERO)?;
                let applied = answer.applied;
                let names = move || {
                    let (locale, categories) = (i18n.locale(), categories.get());
                    let named = |a: &Applied| format!("{} ({})", a.name, reason_text(locale, &a.reason, &categories));
                    applied.iter().map(named).collect::<Vec<_>>().join(" · ")
                };
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
            }
        })
    };
    view! { <div class="personal-price-region">{body}</div> }
}
