//! `/handoff` and `/handoff/:code`: taking a cart filled on a showroom tablet onto this device.
//! The tablet shows a QR code of `/handoff/CODE` and the code itself; without a camera the
//! shopper types the code on `/handoff`.

use crate::api::{self, ApiError};
use crate::cart::use_cart;
use crate::components::form_field::FormField;
use crate::i18n::{cart_adjustment_text, format_money, use_i18n, Key};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use vitrina_shared::api::Claimed;
use vitrina_shared::handoff::HandoffCode;

/// What taking the cart came to.
#[derive(Debug, Clone, PartialEq)]
enum ClaimState {
    Ready,
    Claiming,
    Claimed(Claimed),
    Failed(ApiError),
}

/// What to tell the shopper when the cart could not be taken.
fn claim_error_key(err: &ApiError) -> Key {
    match err.code.as_str() {
        "unknown_handoff_code" => Key::ClaimUnknown,
        "handoff_used" => Key::ClaimUsed,
        "handoff_expired" => Key::ClaimExpired,
        "same_cart" => Key::ClaimSameCart,
        "too_many_requests" => Key::ErrTooManyRequests,
        _ => Key::ClaimFailed,
    }
}

/// `/handoff`: type the code shown on the showroom tablet.
#[component]
pub fn HandoffEntryPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="handoff-page" aria-labelledby="handoff-page-title">
            <h1 id="handoff-page-title" class="page-title">{move || i18n.t(Key::HandoffPageTitle)}</h1>
            <p class="handoff-intro">{move || i18n.t(Key::HandoffPageIntro)}</p>
            <HandoffCodeForm />
        </section>
    }
}

/// `/handoff/:code`: the code, and the button that takes its cart.
#[component]
pub fn HandoffClaimPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let raw = Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default()));
    view! {
        <section class="handoff-page" aria-labelledby="handoff-page-title">
            <h1 id="handoff-page-title" class="page-title">{move || i18n.t(Key::HandoffPageTitle)}</h1>
            <p class="handoff-intro">{move || i18n.t(Key::HandoffPageIntro)}</p>
            // A new code typed on this page starts afresh.
            {move || {
                let raw = raw.get();
                match HandoffCode::parse(&raw) {
                    Ok(code) => view! { <ClaimView code /> }.into_any(),
                    Err(_) => view! {
                        <p class="claim-error" role="alert" data-testid="claim-error">{move || i18n.t(Key::ClaimUnknown)}</p>
                        <HandoffCodeForm />
                    }
                    .into_any(),
                }
            }}
        </section>
    }
}

#[component]
fn ClaimView(code: HandoffCode) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let state = RwSignal::new(ClaimState::Ready);
    let grouped = code.grouped();
    let claim = move |_| {
        if !matches!(state.get_untracked(), ClaimState::Ready | ClaimState::Failed(_)) {
            return;
        }
        state.set(ClaimState::Claiming);
        let code = code.clone();
        spawn_local(async move {
            // The claim changes this device's cart (and may start its session): load it afresh.
            let next = match cart.switching(api::claim_handoff(&code)).await {
                Ok(claimed) => ClaimState::Claimed(claimed),
                Err(err) => ClaimState::Failed(err),
            };
            state.try_set(next);
        });
    };
    let claimed = move || state.with(|s| matches!(s, ClaimState::Claimed(_)));
    let outcome = move || match state.get() {
        ClaimState::Claimed(claimed) => Some(view! { <ClaimResult claimed /> }.into_any()),
        ClaimState::Failed(err) => {
            let key = claim_error_key(&err);
            let detail = err.to_string();
            Some(
                view! {
                    <p class="claim-error" role="alert" data-testid="claim-error">
                        {move || i18n.t(key)}
                        <span class="error-detail">" (" {detail} ")"</span>
                    </p>
                    <HandoffCodeForm />
                }
                .into_any(),
            )
        }
        ClaimState::Ready | ClaimState::Claiming => None,
    };
    view! {
        <p class="handoff-code-shown">
            {move || i18n.t(Key::HandoffCodeLabel)}
            ": "
            <strong class="handoff-code" data-testid="claim-code">{grouped}</strong>
        </p>
        <Show when=move || !claimed()>
            <button
                type="button"
                class="button claim-button"
                data-testid="claim-button"
                aria-busy=move || (state.get() == ClaimState::Claiming).to_string()
                on:click=claim.clone()
            >
                {move || i18n.t(if state.get() == ClaimState::Claiming { Key::Working } else { Key::ClaimButton })}
            </button>
        </Show>
        <div class="claim-outcome" aria-live="polite">{outcome}</div>
    }
}

/// The cart as it came out of the claim, and what the merge had to change.
#[component]
fn ClaimResult(claimed: Claimed) -> impl IntoView {
    let i18n = use_i18n();
    let Claimed { cart, cart_adjustments } = claimed;
    let names: Vec<(vitrina_shared::Sku, String)> = cart.lines.iter().map(|l| (l.sku.clone(), l.name.clone())).collect();
    let lines = cart
        .lines
        .into_iter()
        .map(|line| {
            view! {
                <li class="claim-line" data-testid="claim-line" data-sku=line.sku.to_string()>
                    <span class="claim-line-name">{line.name}</span>
                    " × "
                    <span class="claim-line-qty">{line.qty}</span>
                </li>
            }
        })
        .collect_view();
    let total = cart.total;
    let has_adjustments = !cart_adjustments.is_empty();
    let adjustments = move || {
        let locale = i18n.locale();
        cart_adjustments
            .iter()
            .map(|adjustment| {
                // Lines the merge kept carry their name in the cart; dropped ones only their SKU.
                let name = names
                    .iter()
                    .find(|(sku, _)| *sku == adjustment.sku)
                    .map_or_else(|| adjustment.sku.to_string(), |(_, name)| name.clone());
                view! { <li data-testid="merge-notice">{cart_adjustment_text(locale, &name, adjustment)}</li> }
            })
            .collect_view()
    };
    view! {
        <section class="claim-result" data-testid="claim-result" aria-labelledby="claim-result-title">
            <h2 id="claim-result-title" class="section-title">{move || i18n.t(Key::ClaimedHeading)}</h2>
            <ul class="claim-lines">{lines}</ul>
            <dl class="cart-totals">
                <dt>{move || i18n.t(Key::CartTotal)}</dt>
                <dd class="cart-total">{move || format_money(i18n.locale(), &total)}</dd>
            </dl>
            {has_adjustments
                .then(|| {
                    view! {
                        <section class="merge-report" aria-labelledby="claim-merge-title">
                            <h3 id="claim-merge-title">{move || i18n.t(Key::CartMergeHeading)}</h3>
                            <ul class="merge-list">{adjustments}</ul>
                        </section>
                    }
                })}
            <p>
                <a class="button" href="/cart" data-testid="claim-cart-link">{move || i18n.t(Key::GoToCart)}</a>
            </p>
        </section>
    }
}

/// A labelled field for a typed code; a well-formed code opens `/handoff/CODE`.
#[component]
fn HandoffCodeForm() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let input: NodeRef<html::Input> = NodeRef::new();
    let invalid = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = input.get_untracked().map(|el| el.value()).unwrap_or_default();
        match HandoffCode::parse(&typed) {
            Ok(code) => {
                invalid.set(false);
                navigate(&format!("/handoff/{}", code.as_str()), Default::default());
            }
            Err(_) => invalid.set(true),
        }
    };
    view! {
        <form class="handoff-form" aria-labelledby="handoff-form-title" on:submit=on_submit>
            <h2 id="handoff-form-title" class="section-title">{move || i18n.t(Key::HandoffEnterHeading)}</h2>
            <FormField input_id="handoff-input" label=Key::HandoffInputLabel hint=Key::HandoffInputHint>
                <input
                    id="handoff-input"
                    class="handoff-input"
                    type="text"
                    data-testid="handoff-input"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    maxlength="16"
                    aria-describedby="handoff-input-hint"
                    aria-invalid=move || invalid.get().to_string()
                    node_ref=input
                />
            </FormField>
            <div role="alert">
                <Show when=move || invalid.get()>
                    <p class="form-error" data-testid="handoff-input-error">{move || i18n.t(Key::HandoffInvalidCode)}</p>
                </Show>
            </div>
            <button type="submit" class="button" data-testid="handoff-submit">{move || i18n.t(Key::HandoffOpen)}</button>
        </form>
    }
}
