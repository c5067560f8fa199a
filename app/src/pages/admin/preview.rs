//! The preview panel beside the rule editor: a cart (products and quantities) for a customer (or a
//! guest), on a channel, in a store, at a moment, priced by the server with the rule being edited in
//! place of its stored version — nothing is saved. It shows the totals, the offers applied with
//! their reasons, and the rules that did not apply with the first condition that failed.

use super::editor_state::{Choices, Editor, NotSent};
use crate::api::{self, ApiError};
use crate::components::form_field::FormField;
use crate::i18n::{
    ab_group_name, applied_text, channel_name, format_money, local_utc_offset_minutes, rejected_text, t, use_i18n, Key, Locale, Names,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::account::Channel;
use vitrina_shared::api::{CustomerRef, PreviewLine, PreviewRequest};
use vitrina_shared::offers::{Priced, Rejected, Rule};
use vitrina_shared::rule_draft::{parse_local_input, CondKind, CHANNELS};

/// A line of the preview cart, as typed.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    key: u64,
    sku: String,
    qty: String,
}

/// What the last preview came to: the prices with the draft they were made with, or the failure.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Priced(Box<Priced>, Box<Rule>),
    /// The app did not send it: what to fix.
    Incomplete(Key),
    Failed(ApiError),
}

#[component]
pub fn PreviewPanel(editor: Editor, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let channel = RwSignal::new(Channel::Web);
    let store = RwSignal::new(String::new());
    let lines = RwSignal::new(vec![Line { key: 1, sku: String::new(), qty: "1".into() }]);
    let next_key = StoredValue::new(1_u64);
    let at = RwSignal::new(String::new());
    let as_enabled = RwSignal::new(true);
    let running = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if running.get_untracked() {
            return;
        }
        let mut draft = match editor.rule() {
            Ok(rule) => rule,
            Err(NotSent::Incomplete) => {
                outcome.set(Some(Outcome::Incomplete(Key::AdminPreviewFixRule)));
                return;
            }
            Err(NotSent::Refused(err)) => {
                outcome.set(Some(Outcome::Failed(err)));
                return;
            }
        };
        if as_enabled.get_untracked() {
            draft.enabled = true;
        }
        let cart: Vec<PreviewLine> = lines.with_untracked(|lines| {
            lines
                .iter()
                .filter(|l| !l.sku.trim().is_empty())
                .map(|l| PreviewLine { sku: l.sku.trim().to_uppercase(), qty: l.qty.trim().parse().unwrap_or(1) })
                .collect()
        });
        if cart.is_empty() {
            outcome.set(Some(Outcome::Incomplete(Key::AdminPreviewNeedsLine)));
            return;
        }
        let moment = at.get_untracked();
        let moment = moment.trim();
        let at = if moment.is_empty() {
            None
        } else {
            match parse_local_input(moment, local_utc_offset_minutes()) {
                Some(at) => Some(at),
                None => {
                    outcome.set(Some(Outcome::Incomplete(Key::AdminErrDateTime)));
                    return;
                }
            }
        };
        let email = email.get_untracked().trim().to_owned();
        let store = store.get_untracked();
        let request = PreviewRequest {
            customer: (!email.is_empty()).then(|| CustomerRef { email: Some(email), ..CustomerRef::default() }),
            lines: cart,
            channel: channel.get_untracked(),
            store: (!store.is_empty()).then_some(store),
            at,
            position: None,
            draft: serde_json::to_value(&draft).ok(),
        };
        running.set(true);
        spawn_local(async move {
            let next = match api::preview_rules(&request).await {
                Ok(priced) => Outcome::Priced(Box::new(priced), Box::new(draft)),
                Err(err) => {
                    editor.refused(&err);
                    Outcome::Failed(err)
                }
            };
            outcome.try_set(Some(next));
            running.try_set(false);
        });
    };

    let channel_options = move || {
        let locale = i18n.locale();
        CHANNELS
            .into_iter()
            .map(|c| view! { <option value=c.as_str() prop:selected=move || channel.get() == c>{channel_name(locale, c)}</option> })
            .collect_view()
    };
    let store_options = move || {
        choices.stores.with_value(|stores| {
            stores
                .iter()
                .map(|s| {
                    let value = s.id.to_string();
                    let selected = {
                        let value = value.clone();
                        move || store.with(|st| *st == value)
                    };
                    view! { <option value=value prop:selected=selected>{s.name.clone()}</option> }
                })
                .collect_view()
        })
    };
    let add_line = move |_| {
        next_key.update_value(|k| *k += 1);
        let key = next_key.get_value();
        lines.update(|l| l.push(Line { key, sku: String::new(), qty: "1".into() }));
    };

    view! {
        <aside class="rule-preview" aria-labelledby="preview-title" data-testid="rule-preview">
            <h2 id="preview-title" class="section-title">{move || i18n.t(Key::AdminPreviewHeading)}</h2>
            <p class="form-hint">{move || i18n.t(Key::AdminPreviewHint)}</p>
            <form class="preview-form" novalidate=true on:submit=on_submit>
                <FormField input_id="preview-email" label=Key::AdminPreviewCustomer hint=Key::AdminPreviewCustomerHint>
                    <input
                        id="preview-email"
                        type="email"
                        autocomplete="off"
                        data-testid="preview-email"
                        aria-describedby="preview-email-hint"
                        bind:value=email
                    />
                </FormField>
                <div class="editor-row">
                    <FormField input_id="preview-channel" label=Key::AdminPreviewChannel>
                        <select
                            id="preview-channel"
                            data-testid="preview-channel"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some(c) = CHANNELS.into_iter().find(|c| c.as_str() == v) {
                                    channel.set(c);
                                }
                            }
                        >
                            {channel_options}
                        </select>
                    </FormField>
                    <FormField input_id="preview-store" label=Key::AdminPreviewStore>
                        <select id="preview-store" data-testid="preview-store" on:change=move |ev| store.set(event_target_value(&ev))>
                            <option value="" prop:selected=move || store.with(String::is_empty)>{move || i18n.t(Key::AdminPreviewNoStore)}</option>
                            {store_options}
                        </select>
                    </FormField>
                </div>
                <fieldset class="preview-lines-group">
                    <legend>{move || i18n.t(Key::AdminPreviewCart)}</legend>
                    <ul class="preview-lines">
                        <For each=move || lines.with(|l| l.iter().map(|l| l.key).collect::<Vec<_>>()) key=|k| *k let:key>
                            <PreviewLineRow lines key />
                        </For>
                    </ul>
                    <button type="button" class="button button-secondary" data-testid="preview-add-line" on:click=add_line>
                        {move || i18n.t(Key::AdminPreviewAddLine)}
                    </button>
                </fieldset>
                <FormField input_id="preview-at" label=Key::AdminPreviewAt hint=Key::AdminPreviewAtHint>
                    <input id="preview-at" type="datetime-local" data-testid="preview-at" aria-describedby="preview-at-hint" bind:value=at />
                </FormField>
                <p class="form-field form-field-check">
                    <label class="check" for="preview-as-enabled">
                        <input id="preview-as-enabled" type="checkbox" data-testid="preview-as-enabled" bind:checked=as_enabled />
                        <span>{move || i18n.t(Key::AdminPreviewAsEnabled)}</span>
                    </label>
                </p>
                <button type="submit" class="button" data-testid="preview-run" aria-busy=move || running.get().to_string()>
                    {move || i18n.t(if running.get() { Key::Working } else { Key::AdminPreviewRun })}
                </button>
            </form>
            <div class="preview-outcome" aria-live="polite">
                {move || {
                    let locale = i18n.locale();
                    outcome.get().map(|o| {
                        choices.categories.with_value(|categories| {
                            choices.stores.with_value(|stores| outcome_view(o, locale, &Names { categories, stores }))
                        })
                    })
                }}
            </div>
        </aside>
    }
}

#[component]
fn PreviewLineRow(lines: RwSignal<Vec<Line>>, key: u64) -> impl IntoView {
    let i18n = use_i18n();
    let get = move |f: fn(&Line) -> String| lines.with(|l| l.iter().find(|l| l.key == key).map(f).unwrap_or_default());
    let set = move |value: String, f: fn(&mut Line, String)| {
        lines.update(|l| {
            if let Some(line) = l.iter_mut().find(|l| l.key == key) {
                f(line, value);
            }
        })
    };
    let (sku_id, qty_id) = (format!("preview-sku-{key}"), format!("preview-qty-{key}"));
    view! {
        <li class="preview-line" data-testid="preview-line">
            <p class="form-field">
                <label for=sku_id.clone()>{move || i18n.t(Key::AdminSku)}</label>
                <input
                    id=sku_id
                    type="text"
                    autocomplete="off"
                    data-testid="preview-sku"
                    prop:value=move || get(|l| l.sku.clone())
                    on:input=move |ev| set(event_target_value(&ev), |l, v| l.sku = v)
                />
            </p>
            <p class="form-field">
                <label for=qty_id.clone()>{move || i18n.t(Key::AdminQty)}</label>
                <input
                    id=qty_id
                    type="number"
                    min="1"
                    inputmode="numeric"
                    data-testid="preview-qty"
                    prop:value=move || get(|l| l.qty.clone())
                    on:input=move |ev| set(event_target_value(&ev), |l, v| l.qty = v)
                />
            </p>
            <button
                type="button"
                class="button button-secondary preview-line-remove"
                aria-label=move || i18n.t(Key::AdminRemove)
                on:click=move |_| lines.update(|l| l.retain(|l| l.key != key))
            >
                "×"
            </button>
        </li>
    }
}

/// Where a rejected rule failed: "Condition 2 — Channels" (the kind is known for the draft).
fn failed_condition(locale: Locale, rejected: &Rejected, draft: &Rule) -> Option<String> {
    let index = rejected.condition?;
    let kind = (rejected.rule_id == draft.id).then(|| draft.conditions.get(index).map(CondKind::of)).flatten();
    let number = format!("{} {}", t(locale, Key::AdminCondition), index + 1);
    Some(match kind {
        Some(kind) => format!("{number} — {}", t(locale, kind.label())),
        None => number,
    })
}

/// The preview's answer in `locale`, with categories and stores by their `names`.
fn outcome_view(outcome: Outcome, locale: Locale, names: &Names<'_>) -> AnyView {
    match outcome {
        Outcome::Incomplete(key) => view! { <p class="form-error" data-testid="preview-error">{t(locale, key)}</p> }.into_any(),
        Outcome::Failed(err) => {
            let key = match err.code.as_str() {
                "unknown_customer" | "invalid_customer" | "invalid_email" => Key::AdminPreviewUnknownCustomer,
                "unknown_sku" | "invalid_sku" => Key::AdminPreviewUnknownSku,
                "invalid_rule" => Key::AdminRuleRefused,
                _ => Key::AdminPreviewFailed,
            };
            view! {
                <p class="form-error" data-testid="preview-error" data-code=err.code.clone()>
                    {t(locale, key)}
                    <span class="error-detail">" (" {err.text(locale)} ")"</span>
                </p>
            }
            .into_any()
        }
        Outcome::Priced(priced, draft) => {
            let applied_view = if priced.applied.is_empty() {
                view! { <p class="empty-state">{t(locale, Key::AdminPreviewNoneApplied)}</p> }.into_any()
            } else {
                let applied = priced
                    .applied
                    .iter()
                    .map(|a| {
                        view! {
                            <li class="preview-offer" data-testid="preview-applied" data-rule-id=a.rule_id.clone()>
                                <span class="preview-offer-name">{a.name.clone()}</span>
                                <span class="preview-offer-discount">{format!("−{}", format_money(locale, &a.discount))}</span>
                                <span class="preview-offer-reason" data-testid="preview-reason">{applied_text(locale, &a.reason, names)}</span>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="preview-offers">{applied}</ul> }.into_any()
            };
            let rejected = priced
                .rejected
                .iter()
                .map(|r| {
                    let condition = failed_condition(locale, r, &draft).map(|c| view! { <span class="preview-offer-condition">{c}</span> });
                    view! {
                        <li class="preview-offer is-rejected" data-testid="preview-rejected" data-rule-id=r.rule_id.clone()>
                            <span class="preview-offer-name">{r.name.clone()}</span>
                            {condition}
                            <span class="preview-offer-reason">{rejected_text(locale, &r.reason, names)}</span>
                        </li>
                    }
                })
                .collect_view();
            let free = priced.free_delivery.then(|| view! { <p class="preview-perk">{t(locale, Key::AdminPreviewFreeDelivery)}</p> });
            let points = (priced.points_multiplier > rust_decimal::Decimal::ONE).then(|| {
                view! { <p class="preview-perk">{format!("{} ×{}", t(locale, Key::AdminPreviewPoints), priced.points_multiplier.normalize())}</p> }
            });
            let groups = (!priced.assignments.is_empty()).then(|| {
                let text = priced
                    .assignments
                    .iter()
                    .map(|a| format!("{}: {}", a.rule_id, ab_group_name(locale, &a.group)))
                    .collect::<Vec<_>>()
                    .join(", ");
                view! { <p class="preview-perk">{format!("{}: {text}", t(locale, Key::AdminPreviewGroups))}</p> }
            });
            let has_rejected = !priced.rejected.is_empty();
            view! {
                <section class="preview-result" data-testid="preview-result">
                    <dl class="cart-totals">
                        <dt>{t(locale, Key::CartSubtotal)}</dt>
                        <dd data-testid="preview-subtotal">{format_money(locale, &priced.subtotal)}</dd>
                        <dt>{t(locale, Key::SummaryDiscount)}</dt>
                        <dd data-testid="preview-discount">{format!("−{}", format_money(locale, &priced.discount))}</dd>
                        <dt>{t(locale, Key::CartTotal)}</dt>
                        <dd class="cart-total" data-testid="preview-total">{format_money(locale, &priced.total)}</dd>
                    </dl>
                    {free}
                    {points}
                    {groups}
                    <h3 class="preview-subtitle">{t(locale, Key::AdminPreviewApplied)}</h3>
                    {applied_view}
                    {has_rejected
                        .then(|| {
                            view! {
                                <h3 class="preview-subtitle">{t(locale, Key::AdminPreviewRejected)}</h3>
                                <ul class="preview-offers">{rejected}</ul>
                            }
                        })}
                </section>
            }
            .into_any()
        }
    }
}
