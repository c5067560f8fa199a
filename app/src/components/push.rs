//! Web Push in the storefront: the card offering notifications (cart and product pages), the
//! account's notification settings, and "Notify me when it's back" on a product out of stock near
//! the shopper. Nothing asks for permission until the shopper presses a button.

use crate::api::{PushSubscriptionJson, PushSubscriptionView};
use crate::components::error::LoadBoundary;
use crate::i18n::{push_other_devices, use_i18n, Key};
use crate::push::{self, Permission, PushError, Support, DEFAULT_TOPICS, DISMISSED_STORAGE_KEY};
use crate::storage;
use leptos::logging::warn;
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::push::Topic;
use vitrina_shared::store::City;
use vitrina_shared::Sku;

/// A topic the shopper can tick: the topic, its name and what it means.
#[derive(Debug, Clone)]
struct Choice {
    topic: Topic,
    title: Key,
    hint: Key,
}

/// The topics offered with checkboxes, in order.
fn choices() -> [Choice; 3] {
    [
        Choice { topic: Topic::CartReminders, title: Key::PushTopicCart, hint: Key::PushTopicCartHint },
        Choice { topic: Topic::OrderStatus, title: Key::PushTopicOrders, hint: Key::PushTopicOrdersHint },
        Choice { topic: Topic::Promotions, title: Key::PushTopicPromotions, hint: Key::PushTopicPromotionsHint },
    ]
}

/// What to tell the shopper about a failure.
fn error_key(err: &PushError, fallback: Key) -> Key {
    match err {
        PushError::Unsupported => Key::PushUnsupported,
        PushError::NeedsHomeScreen => Key::PushNeedsHomeScreen,
        PushError::Denied => Key::PushDenied,
        PushError::Dismissed => Key::PushPromptDismissed,
        PushError::Browser(_) | PushError::Api(_) => fallback,
    }
}

/// A failure as a `p.form-error`, with the server's reason in the shopper's language where there
/// is one (the browser's own English account goes to the console).
fn error_view(err: PushError, fallback: Key, test_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let key = error_key(&err, fallback);
    if let PushError::Browser(detail) = &err {
        leptos::logging::warn!("push: the browser refused: {detail}");
    }
    let detail = match err {
        PushError::Api(api) => Some(api),
        _ => None,
    };
    view! {
        <p class="form-error" data-testid=test_id>
            {move || i18n.t(key)}
            {detail.map(|d| view! { <span class="error-detail">" (" {move || d.text(i18n.locale())} ")"</span> })}
        </p>
    }
}

/// One topic's checkbox.
#[component]
fn TopicChoice(
    choice: Choice,
    #[prop(into)] checked: Signal<bool>,
    #[prop(into)] disabled: Signal<bool>,
    #[prop(into)] on_change: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Choice { topic, title, hint } = choice;
    view! {
        <label class="choice">
            <input
                type="checkbox"
                data-testid=format!("push-topic-{topic}")
                prop:checked=checked
                disabled=disabled
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <span class="choice-text">
                <span class="choice-title">{move || i18n.t(title)}</span>
                <span class="choice-hint">{move || i18n.t(hint)}</span>
            </span>
        </label>
    }
}

/// What will be sent, with a checkbox per topic (cart reminders and order status ticked,
/// promotions not), and the button that turns notifications on; "Not now" when `on_dismiss`.
#[component]
fn TurnOnForm(
    #[prop(into)] on_subscribed: Callback<PushSubscriptionView>,
    #[prop(optional)] on_dismiss: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let picked = choices().map(|c| RwSignal::new(DEFAULT_TOPICS.contains(&c.topic)));
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<PushError>);
    let topics = move || choices().into_iter().zip(picked).filter(|(_, on)| on.get_untracked()).map(|(c, _)| c.topic).collect::<Vec<_>>();
    let nothing_picked = move || picked.iter().all(|on| !on.get());
    let on_click = move |_| {
        if pending.get_untracked() || nothing_picked() {
            return;
        }
        // Permission is asked here, inside the click: browsers prompt only during a user gesture.
        let answer = push::turn_on(topics(), i18n.locale_untracked());
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match answer.await {
                Ok(view) => on_subscribed.run(view),
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            pending.try_set(false);
        });
    };
    let boxes = choices()
        .into_iter()
        .zip(picked)
        .map(|(choice, on)| view! { <TopicChoice choice checked=on disabled=pending on_change=move |value| on.set(value) /> })
        .collect_view();
    view! {
        <p class="push-intro">{move || i18n.t(Key::PushCardIntro)}</p>
        <fieldset class="push-topics">
            <legend class="push-topics-legend">{move || i18n.t(Key::PushTopicsLegend)}</legend>
            <div class="choice-list">{boxes}</div>
        </fieldset>
        <p class="form-hint push-note">{move || i18n.t(Key::PushOffNote)}</p>
        <div class="push-actions">
            <button
                type="button"
                class="button push-enable"
                data-testid="push-enable"
                disabled=nothing_picked
                aria-busy=move || pending.get().to_string()
                on:click=on_click
            >
                {move || i18n.t(if pending.get() { Key::Working } else { Key::PushTurnOn })}
            </button>
            {on_dismiss
                .map(|dismiss| {
                    view! {
                        <button
                            type="button"
                            class="button button-secondary push-dismiss"
                            data-testid="push-dismiss"
                            on:click=move |_| dismiss.run(())
                        >
                            {move || i18n.t(Key::PushNotNow)}
                        </button>
                    }
                })}
        </div>
        <div role="alert">{move || error.get().map(|err| error_view(err, Key::PushFailed, "push-error"))}</div>
    }
}

/// The card offering notifications: shown where the browser can have them (or, on iOS, says how
/// to get them), until they are on here or the shopper says "Not now" (remembered on the device).
/// Never shown on a browser where they are blocked.
#[component]
pub fn PushOptInCard() -> impl IntoView {
    let i18n = use_i18n();
    let support = push::support();
    let offered = match support {
        Support::Available => push::permission() != Permission::Denied,
        Support::NeedsHomeScreen => true,
        Support::Unsupported => false,
    };
    let dismissed = RwSignal::new(storage::get(DISMISSED_STORAGE_KEY).is_some());
    let turned_on = RwSignal::new(false);
    // Whether they are on already. The card is an offer, not content: when this cannot be told,
    // the failure is logged and the card stays away rather than showing an error.
    let already_on = LocalResource::new(move || async move {
        if !offered || dismissed.get_untracked() || support != Support::Available {
            return Some(false);
        }
        match push::device_state().await {
            Ok(state) => Some(state.is_on()),
            Err(err) => {
                warn!("could not tell whether notifications are on: {err}");
                None
            }
        }
    });
    let shown = move || offered && !dismissed.get() && (turned_on.get() || already_on.get().flatten() == Some(false));
    let dismiss = Callback::new(move |()| {
        storage::set(DISMISSED_STORAGE_KEY, "1");
        dismissed.set(true);
    });
    let body = move || {
        if turned_on.get() {
            view! {
                <p class="form-ok" data-testid="push-enabled">
                    {move || i18n.t(Key::PushTurnedOn)}
                </p>
            }
            .into_any()
        } else if support == Support::NeedsHomeScreen {
            view! {
                <p class="push-note" data-testid="push-home-screen">{move || i18n.t(Key::PushNeedsHomeScreen)}</p>
                <div class="push-actions">
                    <button
                        type="button"
                        class="button button-secondary push-dismiss"
                        data-testid="push-dismiss"
                        on:click=move |_| dismiss.run(())
                    >
                        {move || i18n.t(Key::PushNotNow)}
                    </button>
                </div>
            }
            .into_any()
        } else {
            view! { <TurnOnForm on_subscribed=move |_| turned_on.set(true) on_dismiss=dismiss /> }.into_any()
        }
    };
    view! {
        <div role="status" aria-live="polite">
            <Show when=shown>
                <section class="push-card" data-testid="push-optin" aria-labelledby="push-card-title">
                    <h2 id="push-card-title" class="section-title">{move || i18n.t(Key::PushCardTitle)}</h2>
                    {body}
                </section>
            </Show>
        </div>
    }
}

/// The account's notification settings for this device: its topics as toggles, back-in-stock
/// alerts, turning off here, and how many other devices get notifications.
#[component]
pub fn NotificationSettings() -> impl IntoView {
    let i18n = use_i18n();
    let state = LocalResource::new(push::device_state);
    let body = move || {
        state.get().map(|result| {
            result
                .map(|state_now| view! { <SettingsBody state=state_now on_changed=move |()| state.refetch() /> })
                .map_err(PushError::into_boundary)
        })
    };
    view! {
        <section class="push-settings" data-testid="push-settings" aria-labelledby="push-settings-title">
            <h2 id="push-settings-title" class="section-title">{move || i18n.t(Key::PushSettingsHeading)}</h2>
            <LoadBoundary on_retry=move |_| state.refetch()>
                <div class="push-settings-body">{body}</div>
            </LoadBoundary>
        </section>
    }
}

#[component]
fn SettingsBody(state: push::DeviceState, #[prop(into)] on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let push::DeviceState { subscription, mine, others } = state;
    let others = u32::try_from(others).unwrap_or(u32::MAX);
    let here = match (push::support(), push::permission(), subscription, mine) {
        (Support::Unsupported, ..) => view! { <p class="push-state">{move || i18n.t(Key::PushUnsupported)}</p> }.into_any(),
        (Support::NeedsHomeScreen, ..) => {
            view! { <p class="push-state" data-testid="push-home-screen">{move || i18n.t(Key::PushNeedsHomeScreen)}</p> }.into_any()
        }
        (_, Permission::Denied, ..) => {
            view! { <p class="push-state is-warning" data-testid="push-denied">{move || i18n.t(Key::PushDenied)}</p> }.into_any()
        }
        (_, _, Some(subscription), Some(mine)) => view! { <DeviceSettings subscription mine on_changed /> }.into_any(),
        _ => view! {
            <p class="push-state" data-testid="push-off">{move || i18n.t(Key::PushOffHere)}</p>
            <TurnOnForm on_subscribed=move |_| on_changed.run(()) />
        }
        .into_any(),
    };
    view! {
        {here}
        {(others > 0)
            .then(|| {
                view! {
                    <p class="push-devices" data-testid="push-other-devices">
                        {move || push_other_devices(i18n.locale(), others)}
                    </p>
                }
            })}
    }
}

/// Notifications are on here: the topics as toggles (each change saved at once), back-in-stock
/// alerts, and "Turn off on this device".
#[component]
fn DeviceSettings(subscription: PushSubscriptionJson, mine: PushSubscriptionView, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(mine);
    let saving = RwSignal::new(false);
    let saved = RwSignal::new(None::<Result<(), PushError>>);
    let turning_off = RwSignal::new(false);
    let off_error = RwSignal::new(None::<PushError>);
    let subscription = StoredValue::new(subscription);

    let save = move |topics: Vec<Topic>| {
        if saving.get_untracked() {
            return;
        }
        let city = current.with_untracked(|c| c.city);
        let locale = i18n.locale_untracked();
        saving.set(true);
        saved.set(None);
        spawn_local(async move {
            let result = push::save_topics(&subscription.get_value(), &topics, city, locale).await;
            match result {
                Ok(view) => {
                    current.try_set(view);
                    saved.try_set(Some(Ok(())));
                }
                Err(err) => {
                    // The checkbox already shows the refused change: show the saved state again.
                    current.try_update(|_| ());
                    saved.try_set(Some(Err(err)));
                }
            }
            saving.try_set(false);
        });
    };
    let set_topic = move |topic: Topic, on: bool| {
        let mut topics = current.with_untracked(|c| c.topics.clone());
        topics.retain(|t| t != &topic);
        if on {
            topics.push(topic);
        }
        save(topics);
    };
    let toggles = choices()
        .into_iter()
        .map(|choice| {
            let topic = choice.topic.clone();
            let checked = {
                let topic = topic.clone();
                Signal::derive(move || current.with(|c| c.topics.contains(&topic)))
            };
            view! { <TopicChoice choice checked disabled=saving on_change=move |on| set_topic(topic.clone(), on) /> }
        })
        .collect_view();
    let watched = move || {
        current.with(|c| {
            c.topics
                .iter()
                .filter_map(|t| match t {
                    Topic::BackInStock(sku) => Some(sku.clone()),
                    _ => None,
                })
                .collect::<Vec<Sku>>()
        })
    };
    let watch_rows = move || {
        watched()
            .into_iter()
            .map(|sku| {
                let href = format!("/p/{sku}");
                let topic = Topic::BackInStock(sku.clone());
                view! {
                    <li class="push-watch" data-testid="push-watch" data-sku=sku.to_string()>
                        <a class="push-watch-link" href=href>{sku.to_string()}</a>
                        <button
                            type="button"
                            class="button button-secondary push-watch-remove"
                            disabled=saving
                            on:click=move |_| set_topic(topic.clone(), false)
                        >
                            {move || i18n.t(Key::PushWatchRemove)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let turn_off = move |_| {
        if turning_off.get_untracked() {
            return;
        }
        turning_off.set(true);
        off_error.set(None);
        spawn_local(async move {
            match push::turn_off().await {
                Ok(()) => on_changed.run(()),
                Err(err) => {
                    off_error.try_set(Some(err));
                }
            }
            turning_off.try_set(false);
        });
    };
    let status = move || {
        saved.get().map(|result| match result {
            Ok(()) => view! { <p class="form-ok" data-testid="push-saved">{move || i18n.t(Key::Saved)}</p> }.into_any(),
            Err(err) => error_view(err, Key::PushSaveFailed, "push-save-error").into_any(),
        })
    };
    view! {
        <p class="push-state is-on" data-testid="push-on">{move || i18n.t(Key::PushOnHere)}</p>
        <fieldset class="push-topics" aria-busy=move || saving.get().to_string()>
            <legend class="push-topics-legend">{move || i18n.t(Key::PushTopicsLegend)}</legend>
            <div class="choice-list">{toggles}</div>
        </fieldset>
        <Show when=move || !watched().is_empty()>
            <h3 class="push-subtitle">{move || i18n.t(Key::PushWatchingHeading)}</h3>
            <ul class="push-watch-list">{watch_rows}</ul>
        </Show>
        <div role="status" aria-live="polite">{status}</div>
        <div class="push-actions">
            <button
                type="button"
                class="button button-secondary push-disable"
                data-testid="push-disable"
                aria-busy=move || turning_off.get().to_string()
                on:click=turn_off
            >
                {move || i18n.t(if turning_off.get() { Key::Working } else { Key::PushTurnOff })}
            </button>
        </div>
        <div role="alert">{move || off_error.get().map(|err| error_view(err, Key::PushTurnOffFailed, "push-off-error"))}</div>
    }
}

/// "Notify me when it's back" for a product out of stock near the shopper: adds back-in-stock
/// alerts for `sku` in `city` (the one the availability panel uses) to this device's notifications,
/// turning them on for just that if they were off.
#[component]
pub fn NotifyWhenBack(sku: Sku, #[prop(into)] city: Signal<Option<City>>) -> impl IntoView {
    let i18n = use_i18n();
    let support = push::support();
    let watching = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<PushError>);
    // Already watching it here? Only worth asking where notifications can be on at all; a failure
    // only means the button is offered again.
    let known = {
        let sku = sku.clone();
        LocalResource::new(move || {
            let topic = Topic::BackInStock(sku.clone());
            async move {
                if support != Support::Available || push::permission() != Permission::Granted {
                    return false;
                }
                match push::device_state().await {
                    Ok(state) => state.mine.is_some_and(|m| m.topics.contains(&topic)),
                    Err(err) => {
                        warn!("could not tell whether this product is watched: {err}");
                        false
                    }
                }
            }
        })
    };
    let on_click = move |_| {
        if pending.get_untracked() {
            return;
        }
        // Permission is asked here, inside the click: browsers prompt only during a user gesture.
        let answer = push::watch(sku.clone(), city.get_untracked(), i18n.locale_untracked());
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match answer.await {
                Ok(_) => {
                    watching.try_set(true);
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            pending.try_set(false);
        });
    };
    let on = move || watching.get() || known.get() == Some(true);
    (support != Support::Unsupported).then(|| {
        view! {
            <div class="back-in-stock" aria-live="polite">
                <Show
                    when=on
                    fallback=move || {
                        view! {
                            <button
                                type="button"
                                class="button button-secondary notify-back"
                                data-testid="notify-back"
                                aria-busy=move || pending.get().to_string()
                                on:click=on_click.clone()
                            >
                                {move || i18n.t(Key::PushNotifyBack)}
                            </button>
                        }
                    }
                >
                    <p class="back-in-stock-status" data-testid="notify-back-on">
                        {move || i18n.t(Key::PushNotifyBackOn)}
                    </p>
                </Show>
                <div role="alert">{move || error.get().map(|err| error_view(err, Key::PushFailed, "notify-back-error"))}</div>
            </div>
        }
    })
}
