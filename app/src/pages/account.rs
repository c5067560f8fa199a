//! `/account`: the signed-in shopper's orders (from every channel) and loyalty card, profile, the
//! devices signed in to the account, and signing out. Right after a sign-in it also says what
//! merging the carts had to change.

use crate::api::{self, ApiError};
use crate::cart::use_cart;
use crate::components::error::LoadBoundary;
use crate::components::form_field::FormField;
use crate::components::push::NotificationSettings;
use crate::i18n::{
    cart_adjustment_text, channel_name, city_name, format_date, format_date_time, format_money, local_utc_offset_minutes,
    loyalty_entry_name, order_status_name, order_title, points_count, points_expiring_text, t, use_i18n, Key, Locale,
};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use vitrina_shared::api::{Device, LoyaltyView, OrderView, Profile, ProfileUpdate};
use vitrina_shared::store::City;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = LocalResource::new(api::me);
    let body = move || {
        profile.get().map(|result| {
            result.map(|found| match found {
                Some(profile) => view! { <AccountView profile /> }.into_any(),
                None => view! {
                    <p class="empty-state" data-testid="signin-required">
                        {move || i18n.t(Key::SignInRequired)} " "
                        <a class="button" href="/signin">{move || i18n.t(Key::SignIn)}</a>
                    </p>
                }
                .into_any(),
            })
        })
    };
    view! {
        <section class="account-page" aria-labelledby="account-title">
            <h1 id="account-title" class="page-title">{move || i18n.t(Key::AccountTitle)}</h1>
            <LoadBoundary on_retry=move |_| profile.refetch()>
                <div class="account-contents">{body}</div>
            </LoadBoundary>
        </section>
    }
}

#[component]
fn AccountView(profile: Profile) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let cart = use_cart();
    let navigate = use_navigate();
    let signing_out = RwSignal::new(false);
    let sign_out_error = RwSignal::new(None::<ApiError>);
    let sign_out = move |_| {
        if signing_out.get_untracked() {
            return;
        }
        signing_out.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match cart.switching(api::logout()).await {
                Ok(()) => {
                    session.signed_out();
                    navigate("/", Default::default());
                }
                Err(err) => {
                    sign_out_error.try_set(Some(err));
                }
            }
            signing_out.try_set(false);
        });
    };
    view! {
        <MergeReport />
        <p class="account-signout">
            <button
                type="button"
                class="button button-secondary"
                data-testid="signout"
                aria-busy=move || signing_out.get().to_string()
                on:click=sign_out
            >
                {move || i18n.t(Key::SignOut)}
            </button>
        </p>
        <div role="alert">
            {move || sign_out_error.get().map(|err| view! { <p class="form-error">{move || err.text(i18n.locale())}</p> })}
        </div>
        <OrderList />
        <LoyaltyCard />
        <ProfileForm profile />
        <NotificationSettings />
        <DeviceList />
    }
}

/// How many loyalty ledger entries the account shows.
const RECENT_LEDGER_ENTRIES: usize = 5;

/// The customer's orders, newest first, each linking to its page.
#[component]
fn OrderList() -> impl IntoView {
    let i18n = use_i18n();
    let orders = LocalResource::new(api::orders);
    let list = move || {
        orders.get().map(|result| {
            result.map(|mut list| {
                if list.is_empty() {
                    return view! { <p class="empty-state" data-testid="no-orders">{move || i18n.t(Key::NoOrders)}</p> }.into_any();
                }
                list.sort_by_key(|o| std::cmp::Reverse(o.created_at));
                let rows = list.into_iter().map(|order| view! { <OrderRow order /> }).collect_view();
                view! { <ul class="order-list">{rows}</ul> }.into_any()
            })
        })
    };
    view! {
        <section class="orders-section" aria-labelledby="orders-title">
            <h2 id="orders-title" class="section-title">{move || i18n.t(Key::MyOrdersHeading)}</h2>
            <LoadBoundary on_retry=move |_| orders.refetch()>
                <div class="order-list-region">{list}</div>
            </LoadBoundary>
        </section>
    }
}

#[component]
fn OrderRow(order: OrderView) -> impl IntoView {
    let i18n = use_i18n();
    let OrderView { id, status, created_at, total, .. } = order;
    let href = format!("/orders/{}", String::from(js_sys::encode_uri_component(&id)));
    let created = created_at.timestamp();
    let offset = local_utc_offset_minutes();
    let data_id = id.clone();
    view! {
        <li class="order-row" data-testid="account-order" data-order-id=data_id data-status=status.as_str()>
            <a class="order-row-link" href=href>
                <span class="order-row-title">{move || order_title(i18n.locale(), &id)}</span>
                <span class="order-status-badge" data-status=status.as_str()>{move || order_status_name(i18n.locale(), status)}</span>
                <span class="order-row-date">{move || format_date(i18n.locale(), created, offset)}</span>
                <span class="order-row-total">{move || format_money(i18n.locale(), &total)}</span>
            </a>
        </li>
    }
}

/// The loyalty card: its number, the balance, points expiring soon and the latest entries.
#[component]
fn LoyaltyCard() -> impl IntoView {
    let i18n = use_i18n();
    let loyalty = LocalResource::new(api::loyalty);
    let card = move || loyalty.get().map(|result| result.map(|card| view! { <LoyaltyDetails card /> }));
    view! {
        <section class="loyalty-section" aria-labelledby="loyalty-title">
            <h2 id="loyalty-title" class="section-title">{move || i18n.t(Key::LoyaltyHeading)}</h2>
            <LoadBoundary on_retry=move |_| loyalty.refetch()>
                <div class="loyalty-card">{card}</div>
            </LoadBoundary>
        </section>
    }
}

#[component]
fn LoyaltyDetails(card: LoyaltyView) -> impl IntoView {
    let i18n = use_i18n();
    let LoyaltyView { card_number, balance, expiring_soon, history, .. } = card;
    let offset = local_utc_offset_minutes();
    let expiring = move || {
        let locale = i18n.locale();
        if expiring_soon.is_empty() {
            return view! { <p class="loyalty-expiring-none">{t(locale, Key::LoyaltyNothingExpiring)}</p> }.into_any();
        }
        let items = expiring_soon
            .iter()
            .map(|e| view! { <li>{points_expiring_text(locale, e.points, e.expires_at.timestamp(), offset)}</li> })
            .collect_view();
        view! { <ul class="loyalty-expiring" data-testid="loyalty-expiring">{items}</ul> }.into_any()
    };
    let has_history = !history.is_empty();
    let entries = move || {
        let locale = i18n.locale();
        history
            .iter()
            .take(RECENT_LEDGER_ENTRIES)
            .map(|entry| {
                let points =
                    if entry.points > 0 { format!("+{}", points_count(locale, entry.points)) } else { points_count(locale, entry.points) };
                view! {
                    <li class="loyalty-entry">
                        <span class="loyalty-entry-kind">{loyalty_entry_name(locale, entry.kind)}</span>
                        <span class="loyalty-entry-date">{format_date(locale, entry.at.timestamp(), offset)}</span>
                        <span class="loyalty-entry-points">{points}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <dl class="loyalty-facts">
            <dt>{move || i18n.t(Key::LoyaltyCardNumber)}</dt>
            <dd class="loyalty-card-number" data-testid="loyalty-card-number">{card_number}</dd>
            <dt>{move || i18n.t(Key::LoyaltyBalance)}</dt>
            <dd class="loyalty-balance" data-testid="loyalty-balance">{move || points_count(i18n.locale(), balance)}</dd>
        </dl>
        <h3 class="loyalty-subtitle">{move || i18n.t(Key::LoyaltyExpiringSoon)}</h3>
        {expiring}
        {has_history
            .then(|| {
                view! {
                    <h3 class="loyalty-subtitle">{move || i18n.t(Key::LoyaltyHistory)}</h3>
                    <ul class="loyalty-history">{entries}</ul>
                }
            })}
    }
}

/// What the last sign-in's cart merge had to change, one notice per line.
#[component]
fn MergeReport() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let cart = use_cart();
    // The report is said once: leaving the page forgets it.
    on_cleanup(move || session.clear_adjustments());
    let items = move || {
        let locale = i18n.locale();
        session
            .adjustments()
            .into_iter()
            .map(|adjustment| {
                // Lines the merge kept carry their name in the cart; dropped ones only their SKU.
                let name = cart.line(&adjustment.sku).map_or_else(|| adjustment.sku.to_string(), |l| l.name);
                view! { <li data-testid="merge-notice">{cart_adjustment_text(locale, &name, &adjustment)}</li> }
            })
            .collect_view()
    };
    view! {
        <div role="status" aria-live="polite">
            <Show when=move || !session.adjustments().is_empty()>
                <section class="merge-report" aria-labelledby="merge-title">
                    <h2 id="merge-title" class="section-title">{move || i18n.t(Key::CartMergeHeading)}</h2>
                    <ul class="merge-list">{items}</ul>
                </section>
            </Show>
        </div>
    }
}

/// What saving the profile came to.
#[derive(Debug, Clone, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved,
    Failed(ApiError),
}

#[component]
fn ProfileForm(profile: Profile) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let state = RwSignal::new(SaveState::Idle);
    let name: NodeRef<html::Input> = NodeRef::new();
    let phone: NodeRef<html::Input> = NodeRef::new();
    let city: NodeRef<html::Select> = NodeRef::new();
    let language: NodeRef<html::Select> = NodeRef::new();
    let preferred_store = profile.preferred_store.clone();
    let saved_city = profile.city;
    let saved_language = Locale::from_code(&profile.language).unwrap_or_default();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if state.get_untracked() == SaveState::Saving {
            return;
        }
        let update = ProfileUpdate {
            name: name.get_untracked().map(|el| el.value()).unwrap_or_default().trim().to_owned(),
            phone: phone.get_untracked().map(|el| el.value()).unwrap_or_default().trim().to_owned(),
            city: city.get_untracked().and_then(|el| City::from_slug(&el.value())),
            preferred_store: preferred_store.clone(),
            language: language.get_untracked().map(|el| el.value()).unwrap_or_else(|| saved_language.code().to_owned()),
        };
        state.set(SaveState::Saving);
        spawn_local(async move {
            match api::update_me(&update).await {
                Ok(profile) => {
                    if let Some(locale) = Locale::from_code(&profile.language) {
                        crate::push::switch_language(i18n, locale);
                    }
                    session.profile_saved(profile);
                    state.try_set(SaveState::Saved);
                }
                Err(err) => {
                    state.try_set(SaveState::Failed(err));
                }
            }
        });
    };

    let city_options = move || {
        let locale = i18n.locale();
        City::ALL
            .into_iter()
            .map(|c| view! { <option value=c.slug() selected=saved_city == Some(c)>{city_name(locale, c)}</option> })
            .collect_view()
    };
    let status = move || match state.get() {
        SaveState::Saved => Some(view! { <p class="form-ok" data-testid="profile-saved">{move || i18n.t(Key::Saved)}</p> }.into_any()),
        SaveState::Failed(err) => {
            let key = if err.code == "invalid_profile" { Key::ErrInvalidProfile } else { Key::ErrAuthFailed };
            Some(
                view! {
                    <p class="form-error" data-testid="profile-error">
                        {move || i18n.t(key)}
                        <span class="error-detail">" (" {move || err.text(i18n.locale())} ")"</span>
                    </p>
                }
                .into_any(),
            )
        }
        SaveState::Idle | SaveState::Saving => None,
    };

    view! {
        <form class="profile-form" aria-labelledby="profile-title" on:submit=on_submit>
            <h2 id="profile-title" class="section-title">{move || i18n.t(Key::ProfileHeading)}</h2>
            <FormField input_id="profile-email" label=Key::Email>
                <input id="profile-email" type="email" readonly=true value=profile.email />
            </FormField>
            <FormField input_id="profile-name" label=Key::Name>
                <input id="profile-name" type="text" autocomplete="name" value=profile.name node_ref=name data-testid="profile-name" />
            </FormField>
            <FormField input_id="profile-phone" label=Key::Phone>
                <input id="profile-phone" type="tel" autocomplete="tel" value=profile.phone node_ref=phone data-testid="profile-phone" />
            </FormField>
            <FormField input_id="profile-city" label=Key::CityLabel>
                <select id="profile-city" node_ref=city data-testid="profile-city">
                    <option value="" selected=saved_city.is_none()>{move || i18n.t(Key::CityNone)}</option>
                    {city_options}
                </select>
            </FormField>
            <FormField input_id="profile-language" label=Key::Language>
                <select id="profile-language" node_ref=language data-testid="profile-language">
                    <option value="ru" lang="ru" selected=saved_language == Locale::Ru>"Русский"</option>
                    <option value="en" lang="en" selected=saved_language == Locale::En>"English"</option>
                </select>
            </FormField>
            <button
                type="submit"
                class="button"
                data-testid="profile-save"
                aria-busy=move || (state.get() == SaveState::Saving).to_string()
            >
                {move || i18n.t(if state.get() == SaveState::Saving { Key::Working } else { Key::Save })}
            </button>
            <div role="status" aria-live="polite">{status}</div>
        </form>
    }
}

/// The devices signed in to the account; every one but this can be signed out from here.
#[component]
fn DeviceList() -> impl IntoView {
    let i18n = use_i18n();
    let devices = LocalResource::new(api::devices);
    let list = move || {
        devices.get().map(|result| {
            result.map(|list| {
                list.into_iter().map(|device| view! { <DeviceRow device on_signed_out=move |()| devices.refetch() /> }).collect_view()
            })
        })
    };
    view! {
        <section class="device-section" aria-labelledby="devices-title">
            <h2 id="devices-title" class="section-title">{move || i18n.t(Key::DevicesHeading)}</h2>
            <LoadBoundary on_retry=move |_| devices.refetch()>
                <ul class="device-list">{list}</ul>
            </LoadBoundary>
        </section>
    }
}

#[component]
fn DeviceRow(device: Device, #[prop(into)] on_signed_out: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let Device { id, channel, user_agent, last_seen_at, current, .. } = device;
    let last_seen = last_seen_at.timestamp();
    let offset = local_utc_offset_minutes();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let sign_out = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let id = id.clone();
        spawn_local(async move {
            match api::sign_out_device(&id).await {
                Ok(()) => on_signed_out.run(()),
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            pending.try_set(false);
        });
    };
    view! {
        <li class={if current { "device is-current" } else { "device" }} data-testid="device">
            <p class="device-name">
                <strong>{move || channel_name(i18n.locale(), channel)}</strong>
                " · "
                {user_agent}
                {current
                    .then(|| {
                        view! {
                            " "
                            <span class="device-current" data-testid="this-device">
                                {move || i18n.t(Key::ThisDevice)}
                            </span>
                        }
                    })}
            </p>
            <p class="device-seen">
                {move || format!("{} {}", i18n.t(Key::LastSeen), format_date_time(i18n.locale(), last_seen, offset))}
            </p>
            {(!current)
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="button button-secondary"
                            data-testid="device-signout"
                            aria-busy=move || pending.get().to_string()
                            on:click=sign_out
                        >
                            {move || i18n.t(Key::SignOutDevice)}
                        </button>
                    }
                })}
            <div role="alert">{move || error.get().map(|err| view! { <p class="form-error">{move || err.text(i18n.locale())}</p> })}</div>
        </li>
    }
}
