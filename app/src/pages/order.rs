//! `/orders/:id`: one order — its status, where and when to get it, lines and totals, payment and
//! history — and what the shopper can do with it: cancel it while that is allowed, ask to return
//! fulfilled goods, and answer the NPS question once it is fulfilled. Right after checkout
//! (`?placed=1`) it thanks the shopper. While the order is under way the page asks every
//! [`POLL_MS`] whether it changed, so "ready for pickup" shows without a reload.

use crate::api::{self, ApiError};
use crate::components::error::{ActionError, LoadBoundary};
use crate::components::form_field::FormField;
use crate::i18n::{
    city_name, format_date, format_date_time, format_money, format_pickup, fulfilment_name, held_until, local_utc_offset_minutes, now_unix,
    nps_score_label, order_actor_name, order_status_name, order_title, payment_method_name, payment_status_name, points_count,
    return_status_name, t, use_i18n, Key, Locale,
};
use crate::session::use_session;
use gloo_timers::callback::Interval;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params, use_query_map};
use leptos_router::params::Params;
use vitrina_shared::api::{NpsRequest, OrderView, ReturnLineRequest, ReturnRequest, ReturnView, StoreInfo};
use vitrina_shared::loyalty::points_value;
use vitrina_shared::nps::{asks_follow_up, parse_reason, MAX_REASON_CHARS};
use vitrina_shared::orders::{pickup_points, Action, FulfilmentKind, OrderStatus, PaymentMethod};
use vitrina_shared::{Sku, StoreId};

/// How often an order under way is asked for again.
const POLL_MS: u32 = 10_000;

#[derive(Params, Debug, Clone, PartialEq)]
struct OrderParams {
    id: Option<String>,
}

/// Whether the order may still change without the shopper doing anything.
fn under_way(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::PendingPayment | OrderStatus::Placed | OrderStatus::ReadyForPickup | OrderStatus::Shipped)
}

fn page_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

/// A store's name and address, or its id when the chain does not list it.
fn store_text(locale: Locale, stores: &[StoreInfo], id: &StoreId) -> String {
    match stores.iter().find(|s| &s.id == id) {
        Some(s) => format!("{}, {}, {}", s.name, city_name(locale, s.city), s.address),
        None => id.to_string(),
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params::<OrderParams>();
    let query = use_query_map();
    let raw_id = Memo::new(move |_| params.with(|p| p.as_ref().ok().and_then(|p| p.id.clone()).unwrap_or_default()));
    let placed = move || query.with(|q| q.get("placed").is_some());
    // The order, and the stores to name its pickup store and offer for returns.
    let loaded = LocalResource::new(move || {
        let raw = raw_id.get();
        async move {
            if raw.trim().is_empty() {
                return Err(ApiError::unknown_order(&raw));
            }
            let order = api::order(&raw).await?;
            let stores = api::stores().await?;
            Ok((order, stores))
        }
    });
    let body = move || loaded.get().map(|result| result.map(|(order, stores)| view! { <OrderDetail order stores /> }));
    view! {
        <section class="order-page" aria-labelledby="order-title">
            <div role="status">
                <Show when=placed>
                    <p class="order-placed" data-testid="order-placed">{move || i18n.t(Key::OrderPlaced)}</p>
                </Show>
            </div>
            <h1 id="order-title" class="page-title" data-testid="order-title">{move || order_title(i18n.locale(), &raw_id.get())}</h1>
            <LoadBoundary on_retry=move |_| loaded.refetch()>
                <div class="order-contents">{body}</div>
            </LoadBoundary>
        </section>
    }
}

/// The order as last seen, kept in step with the server while it is under way.
#[component]
fn OrderDetail(order: OrderView, stores: Vec<StoreInfo>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(order);
    let id = current.with_untracked(|o| o.id.clone());
    let order_id = StoredValue::new(id.clone());
    // Counts changes made here, so that a poll answer overlapping one is dropped.
    let generation = StoredValue::new(0_u64);
    let polling = StoredValue::new(false);

    let poll = move || {
        let due = current.try_with_untracked(|o| under_way(o.status)).unwrap_or(false);
        if !due || page_hidden() || polling.get_value() {
            return;
        }
        polling.set_value(true);
        let started_at = generation.get_value();
        let id = id.clone();
        spawn_local(async move {
            let answer = api::order(&id).await;
            polling.try_set_value(false);
            if generation.try_get_value() != Some(started_at) {
                return;
            }
            match answer {
                Ok(order) => {
                    if current.try_with_untracked(|o| *o != order).unwrap_or(false) {
                        current.try_set(order);
                    }
                }
                // The next poll tries again; what is shown stays true as of the last answer.
                Err(err) => leptos::logging::debug_warn!("order poll failed: {err}"),
            }
        });
    };
    let timer = StoredValue::new_local(Some(Interval::new(POLL_MS, poll)));
    on_cleanup(move || {
        timer.try_set_value(None);
    });

    // A change made on this page: the answer replaces the order shown.
    let replace = move |order: OrderView| {
        generation.update_value(|g| *g += 1);
        current.try_set(order);
    };

    // Asked once the order is fulfilled and not yet rated; stays (to say thanks) after answering.
    let ask_nps = RwSignal::new(false);
    Effect::new(move |_| {
        if current.with(|o| o.nps_due) {
            ask_nps.set(true);
        }
    });
    let stores = StoredValue::new(stores);

    let status = move || {
        let (status, created, kind) = current.with(|o| (o.status, o.created_at.timestamp(), o.fulfilment));
        let locale = i18n.locale();
        let meta = format!(
            "{} {} · {}",
            t(locale, Key::OrderCreatedAt),
            format_date_time(locale, created, local_utc_offset_minutes()),
            fulfilment_name(locale, kind)
        );
        view! {
            <p class="order-status" data-testid="order-status" data-status=status.as_str()>
                <span class="order-status-badge">{order_status_name(locale, status)}</span>
            </p>
            <p class="order-meta">{meta}</p>
        }
    };
    let timing = move || {
        let (status, kind, hold, promised) =
            current.with(|o| (o.status, o.fulfilment, o.hold_expires_at.map(|t| t.timestamp()), o.promised_at.map(|t| t.timestamp())));
        let locale = i18n.locale();
        let (now, offset) = (now_unix(), local_utc_offset_minutes());
        let hold = hold.filter(|_| status.holds_stock()).map(|at| {
            view! { <p class="order-hold" data-testid="order-hold">{held_until(locale, at, now, offset)}</p> }
        });
        // A pickup can be collected from a time of day; a delivery arrives on a day.
        let promised = promised.filter(|_| under_way(status)).map(|at| {
            let text = if kind == FulfilmentKind::Pickup {
                format!("{}: {}", t(locale, Key::PromisedPickup), format_pickup(locale, at, now, offset))
            } else {
                format!("{}: {}", t(locale, Key::PromisedDelivery), format_date(locale, at, offset))
            };
            view! { <p class="order-promised">{text}</p> }
        });
        view! {
            {hold}
            {promised}
        }
    };

    view! {
        <div class="order-head">{status} {timing}</div>
        <div class="order-body">
            <OrderReceiving current stores />
            <OrderLines current />
            <OrderPayment current />
            <OrderHistory current />
        </div>
        <Show when=move || current.with(|o| o.can_cancel)>
            <CancelOrder id=order_id.get_value() on_done=replace />
        </Show>
        <Show when=move || ask_nps.get()>
            <NpsPrompt order_id=order_id.get_value() />
        </Show>
        <OrderReturns current stores on_requested=replace />
        <Show when=move || session.signed_in()>
            <p class="order-back">
                <a class="button button-secondary" href="/account">{move || i18n.t(Key::MyOrdersHeading)}</a>
            </p>
        </Show>
    }
}

/// Where the goods go, and who receives them.
#[component]
fn OrderReceiving(current: RwSignal<OrderView>, stores: StoredValue<Vec<StoreInfo>>) -> impl IntoView {
    let i18n = use_i18n();
    let place = move || {
        let locale = i18n.locale();
        current.with(|o| match o.fulfilment {
            FulfilmentKind::Pickup | FulfilmentKind::InStore => {
                o.store.as_ref().map(|id| stores.with_value(|s| store_text(locale, s, id))).unwrap_or_default()
            }
            FulfilmentKind::Delivery => o.address.as_ref().map(|a| a.one_line()).unwrap_or_default(),
            FulfilmentKind::PickupPoint => {
                let raw = o.pickup_point.clone().unwrap_or_default();
                pickup_points()
                    .into_iter()
                    .find(|p| p.id == raw)
                    .map_or(raw, |p| format!("{}, {}, {}", p.name, city_name(locale, p.city), p.address))
            }
        })
    };
    let comment = move || {
        current
            .with(|o| o.address.as_ref().map(|a| a.comment.clone()).filter(|c| !c.is_empty()))
            .map(|c| view! { <p class="order-comment">{c}</p> })
    };
    let recipient = move || {
        current.with(|o| {
            let mut parts = vec![o.contact.name.clone(), o.contact.phone.clone()];
            if !o.contact.email.is_empty() {
                parts.push(o.contact.email.clone());
            }
            parts.retain(|p| !p.is_empty());
            parts.join(" · ")
        })
    };
    view! {
        <section class="order-section order-receiving" aria-labelledby="order-receiving-title">
            <h2 id="order-receiving-title" class="section-title">{move || i18n.t(Key::OrderReceiveHeading)}</h2>
            <p class="order-place" data-testid="order-place">{place}</p>
            {comment}
            <p class="order-recipient">
                <span class="order-label">{move || i18n.t(Key::OrderRecipient)} ": "</span>
                {recipient}
            </p>
        </section>
    }
}

/// The lines at the prices charged, and the totals.
#[component]
fn OrderLines(current: RwSignal<OrderView>) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || {
        let locale = i18n.locale();
        current.with(|o| {
            let lines = o
                .lines
                .iter()
                .map(|line| {
                    let returned = (line.returned_qty > 0)
                        .then(|| view! { <span class="order-line-returned">{format!(" ({} {})", t(locale, Key::OrderReturned), line.returned_qty)}</span> });
                    view! {
                        <li class="order-line" data-testid="order-line" data-sku=line.sku.to_string()>
                            <span class="order-line-name">{format!("{} × {}", line.name, line.qty)} {returned}</span>
                            <span class="order-line-total">{format_money(locale, &line.line_total)}</span>
                        </li>
                    }
                })
                .collect_view();
            let delivery = if o.delivery_price.amount.is_zero() { t(locale, Key::DeliveryFree).to_owned() } else { format_money(locale, &o.delivery_price) };
            let points = (o.points_redeemed > 0).then(|| {
                view! {
                    <dt>{t(locale, Key::SummaryPoints)}</dt>
                    <dd>{format!("−{}", format_money(locale, &points_value(o.points_redeemed)))}</dd>
                }
            });
            let earned = (o.points_earned > 0).then(|| {
                view! {
                    <dt>{t(locale, Key::PointsEarned)}</dt>
                    <dd>{points_count(locale, o.points_earned)}</dd>
                }
            });
            let discount = (!o.discount.amount.is_zero()).then(|| {
                view! {
                    <dt>{t(locale, Key::SummaryDiscount)}</dt>
                    <dd>{format!("−{}", format_money(locale, &o.discount))}</dd>
                }
            });
            view! {
                <ul class="order-lines">{lines}</ul>
                <dl class="cart-totals">
                    <dt>{t(locale, Key::SummaryGoods)}</dt>
                    <dd>{format_money(locale, &o.subtotal)}</dd>
                    {discount}
                    <dt>{t(locale, Key::SummaryDelivery)}</dt>
                    <dd>{delivery}</dd>
                    {points}
                    <dt>{t(locale, Key::CartTotal)}</dt>
                    <dd class="cart-total" data-testid="order-total">{format_money(locale, &o.total)}</dd>
                    {earned}
                </dl>
            }
        })
    };
    view! {
        <section class="order-section" aria-labelledby="order-lines-title">
            <h2 id="order-lines-title" class="section-title">{move || i18n.t(Key::OrderLinesHeading)}</h2>
            {body}
        </section>
    }
}

/// How the order is paid; the test provider's reminder that no money moved.
#[component]
fn OrderPayment(current: RwSignal<OrderView>) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || {
        let locale = i18n.locale();
        current.with(|o| {
            let p = &o.payment;
            let mut text = format!("{} — {}", payment_method_name(locale, &p.method), payment_status_name(locale, &p.status));
            if let Some(last4) = &p.card_last4 {
                text.push_str(&format!(", {}{last4}", t(locale, Key::CardEnding)));
            }
            // The server's own notice is in English only; this one says the same in the shopper's language.
            let notice = (p.method == PaymentMethod::TestCard.as_str() || p.provider_notice.is_some())
                .then(|| view! { <p class="test-provider-notice">{t(locale, Key::TestCardNotice)}</p> });
            view! {
                <p class="order-payment" data-testid="order-payment" data-payment-status=p.status.clone()>{text}</p>
                {notice}
            }
        })
    };
    view! {
        <section class="order-section" aria-labelledby="order-payment-title">
            <h2 id="order-payment-title" class="section-title">{move || i18n.t(Key::OrderPaymentHeading)}</h2>
            {body}
        </section>
    }
}

/// Every status the order has had, oldest first.
#[component]
fn OrderHistory(current: RwSignal<OrderView>) -> impl IntoView {
    let i18n = use_i18n();
    let events = move || {
        let locale = i18n.locale();
        let offset = local_utc_offset_minutes();
        current.with(|o| {
            o.history
                .iter()
                .map(|event| {
                    view! {
                        <li class="order-event" data-testid="order-event" data-status=event.status.as_str()>
                            <span class="order-event-status">{order_status_name(locale, event.status)}</span>
                            <span class="order-event-meta">
                                {format!(
                                    "{} · {}",
                                    format_date_time(locale, event.at.timestamp(), offset),
                                    order_actor_name(locale, &event.by),
                                )}
                            </span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="order-section" aria-labelledby="order-history-title">
            <h2 id="order-history-title" class="section-title">{move || i18n.t(Key::OrderHistoryHeading)}</h2>
            <ol class="order-history">{events}</ol>
        </section>
    }
}

/// "Cancel the order", asked twice.
#[component]
fn CancelOrder(id: String, #[prop(into)] on_done: Callback<OrderView>) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(id);
    let cancel = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let id = id.get_value();
        spawn_local(async move {
            match api::order_action(&id, Action::Cancel).await {
                Ok(order) => {
                    confirming.try_set(false);
                    on_done.run(order);
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            pending.try_set(false);
        });
    };
    view! {
        <div class="order-actions">
            <Show
                when=move || confirming.get()
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            class="button button-secondary"
                            data-testid="cancel-order"
                            on:click=move |_| confirming.set(true)
                        >
                            {move || i18n.t(Key::CancelOrder)}
                        </button>
                    }
                }
            >
                <p class="cancel-confirm">
                    <span>{move || i18n.t(Key::CancelConfirm)}</span>
                    <button
                        type="button"
                        class="button button-danger"
                        data-testid="cancel-confirm"
                        aria-busy=move || pending.get().to_string()
                        on:click=cancel
                    >
                        {move || i18n.t(Key::CancelYes)}
                    </button>
                    <button type="button" class="button button-secondary" on:click=move |_| confirming.set(false)>
                        {move || i18n.t(Key::CancelNo)}
                    </button>
                </p>
            </Show>
            <ActionError error=error message=Key::ErrActionFailed test_id="cancel-error" />
        </div>
    }
}

/// Where the NPS question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NpsStage {
    /// Waiting for a score.
    Choosing,
    /// A score of 0–6: one follow-up question before sending.
    FollowUp,
    Sending,
    Thanked,
}

/// "How likely are you to recommend us", 0–10. Detractors (0–6) are asked one follow-up question
/// before the answer is sent; others' answers go at once.
#[component]
fn NpsPrompt(order_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(NpsStage::Choosing);
    let score = RwSignal::new(None::<u8>);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let order_id = StoredValue::new(order_id);

    let send = move |chosen: u8, reason: Option<String>| {
        let back = if reason.is_some() { NpsStage::FollowUp } else { NpsStage::Choosing };
        stage.set(NpsStage::Sending);
        error.set(None);
        let request = NpsRequest { order_id: order_id.get_value(), score: i64::from(chosen), reason };
        spawn_local(async move {
            match api::send_nps(&request).await {
                Ok(()) => {
                    stage.try_set(NpsStage::Thanked);
                }
                // Answered already (on another device): nothing more to ask.
                Err(err) if err.code == "nps_already_answered" => {
                    stage.try_set(NpsStage::Thanked);
                }
                Err(err) => {
                    error.try_set(Some(err));
                    stage.try_set(back);
                }
            }
        });
    };
    let choose = move |chosen: u8| {
        if stage.get_untracked() == NpsStage::Sending {
            return;
        }
        score.set(Some(chosen));
        if asks_follow_up(chosen) {
            error.set(None);
            stage.set(NpsStage::FollowUp);
        } else {
            send(chosen, None);
        }
    };
    let on_follow_up = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(chosen) = score.get_untracked() else { return };
        if stage.get_untracked() == NpsStage::Sending {
            return;
        }
        // The text area's limit keeps it within the rule; an empty answer is no answer.
        let answer = parse_reason(&reason.get_untracked()).filter(|r| !r.is_empty());
        send(chosen, answer);
    };
    let buttons = move || {
        (0..=10_u8)
            .map(|n| {
                view! {
                    <button
                        type="button"
                        class="button button-secondary nps-score"
                        data-testid="nps-score"
                        data-score=n
                        aria-label=move || nps_score_label(i18n.locale(), n)
                        aria-pressed=move || (score.get() == Some(n)).to_string()
                        on:click=move |_| choose(n)
                    >
                        {n}
                    </button>
                }
            })
            .collect_view()
    };

    view! {
        <section class="nps-prompt" data-testid="nps-prompt" aria-labelledby="nps-title">
            <h2 id="nps-title" class="section-title">{move || i18n.t(Key::NpsQuestion)}</h2>
            <Show
                when=move || stage.get() != NpsStage::Thanked
                fallback=move || view! { <p class="nps-thanks" data-testid="nps-thanks" role="status">{move || i18n.t(Key::NpsThanks)}</p> }
            >
                <div class="nps-scale" role="group" aria-labelledby="nps-title" aria-describedby="nps-scale-hint">
                    {buttons}
                </div>
                <p id="nps-scale-hint" class="form-hint">{move || i18n.t(Key::NpsScale)}</p>
                <Show when=move || matches!(stage.get(), NpsStage::FollowUp) || (stage.get() == NpsStage::Sending && reason.with(|r| !r.is_empty()))>
                    <form class="nps-follow-up" data-testid="nps-follow-up" on:submit=on_follow_up>
                        <FormField input_id="nps-reason" label=Key::NpsFollowUp>
                            <textarea id="nps-reason" rows="3" maxlength=MAX_REASON_CHARS data-testid="nps-reason" bind:value=reason></textarea>
                        </FormField>
                        <button
                            type="submit"
                            class="button"
                            data-testid="nps-send"
                            aria-busy=move || (stage.get() == NpsStage::Sending).to_string()
                        >
                            {move || i18n.t(Key::NpsSend)}
                        </button>
                    </form>
                </Show>
            </Show>
            <ActionError error=error message=Key::NpsFailed test_id="nps-error" />
        </section>
    }
}

/// The order's returns, and for fulfilled goods not yet all returned, the form to return some.
#[component]
fn OrderReturns(
    current: RwSignal<OrderView>,
    stores: StoredValue<Vec<StoreInfo>>,
    #[prop(into)] on_requested: Callback<OrderView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let returns = move || current.with(|o| o.returns.clone());
    let returnable = Memo::new(move |_| current.with(|o| o.status.is_fulfilled() && o.lines.iter().any(|l| l.returned_qty < l.qty)));
    // Requests made on this page: each one is confirmed here (the form may have nothing left to
    // offer) and gives a fresh form with what is still returnable.
    let requested = RwSignal::new(0_u32);
    let on_done = Callback::new(move |order: OrderView| {
        requested.update(|n| *n += 1);
        on_requested.run(order);
    });
    let list = move || {
        let locale = i18n.locale();
        let names: Vec<(Sku, String)> = current.with(|o| o.lines.iter().map(|l| (l.sku.clone(), l.name.clone())).collect());
        returns()
            .into_iter()
            .map(|r: ReturnView| {
                let lines = r
                    .lines
                    .iter()
                    .map(|l| {
                        let name = names.iter().find(|(sku, _)| *sku == l.sku).map_or_else(|| l.sku.to_string(), |(_, n)| n.clone());
                        format!("{name} × {}", l.qty)
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let place = stores.with_value(|s| store_text(locale, s, &r.store));
                view! {
                    <li class="return-item" data-testid="return-item" data-status=r.status.clone()>
                        <p class="return-item-status">
                            <strong>{return_status_name(locale, &r.status)}</strong>
                            " · "
                            {format!("{}: {}", t(locale, Key::ReturnRefund), format_money(locale, &r.refund))}
                        </p>
                        <p class="return-item-lines">{lines}</p>
                        <p class="return-item-store">{place}</p>
                    </li>
                }
            })
            .collect_view()
    };
    let form = move || {
        requested.track();
        returnable.get().then(|| view! { <ReturnForm current stores on_requested=on_done /> })
    };
    view! {
        <div role="status">
            <Show when=move || { requested.get() > 0 }>
                <p class="form-ok" data-testid="return-requested">{move || i18n.t(Key::ReturnRequested)}</p>
            </Show>
        </div>
        <Show when=move || !returns().is_empty()>
            <section class="order-section" aria-labelledby="order-returns-title">
                <h2 id="order-returns-title" class="section-title">{move || i18n.t(Key::ReturnsListHeading)}</h2>
                <ul class="return-list">{list}</ul>
            </section>
        </Show>
        {form}
    }
}

/// What the last return request came to.
#[derive(Debug, Clone, PartialEq)]
enum ReturnState {
    Idle,
    Sending,
    NothingChosen,
    Failed(ApiError),
}

#[component]
fn ReturnForm(current: RwSignal<OrderView>, stores: StoredValue<Vec<StoreInfo>>, on_requested: Callback<OrderView>) -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(ReturnState::Idle);
    let (order_id, default_store, lines) = current.with_untracked(|o| {
        let lines: Vec<(Sku, String, u32)> =
            o.lines.iter().filter(|l| l.returned_qty < l.qty).map(|l| (l.sku.clone(), l.name.clone(), l.qty - l.returned_qty)).collect();
        (o.id.clone(), o.store.clone(), lines)
    });
    let store = RwSignal::new(
        default_store.map(|s| s.to_string()).or_else(|| stores.with_value(|s| s.first().map(|s| s.id.to_string()))).unwrap_or_default(),
    );
    let reason = RwSignal::new(String::new());
    let qty: Vec<(Sku, RwSignal<String>)> = lines.iter().map(|(sku, _, _)| (sku.clone(), RwSignal::new("0".to_owned()))).collect();
    let qty = StoredValue::new(qty);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if state.get_untracked() == ReturnState::Sending {
            return;
        }
        let chosen: Vec<ReturnLineRequest> = qty.with_value(|q| {
            q.iter()
                .filter_map(|(sku, n)| {
                    let n = n.get_untracked().trim().parse::<i64>().unwrap_or(0);
                    (n > 0).then(|| ReturnLineRequest { sku: sku.to_string(), qty: n })
                })
                .collect()
        });
        if chosen.is_empty() {
            state.set(ReturnState::NothingChosen);
            return;
        }
        let request = ReturnRequest {
            order_id: order_id.clone(),
            store: store.get_untracked(),
            lines: chosen,
            reason: reason.get_untracked().trim().to_owned(),
        };
        state.set(ReturnState::Sending);
        spawn_local(async move {
            let result = match api::request_return(&request).await {
                Ok(_) => api::order(&request.order_id).await,
                Err(err) => Err(err),
            };
            match result {
                Ok(order) => {
                    state.try_set(ReturnState::Idle);
                    on_requested.run(order);
                }
                Err(err) => {
                    state.try_set(ReturnState::Failed(err));
                }
            }
        });
    };

    let rows = lines
        .into_iter()
        .map(|(sku, name, max)| {
            let id = format!("return-qty-{sku}");
            let value =
                qty.with_value(|q| q.iter().find(|(s, _)| *s == sku).map(|(_, v)| *v)).unwrap_or_else(|| RwSignal::new("0".to_owned()));
            view! {
                <li class="return-line" data-testid="return-line" data-sku=sku.to_string()>
                    <label for=id.clone()>{name}</label>
                    <input
                        id=id.clone()
                        type="number"
                        inputmode="numeric"
                        min="0"
                        max=max
                        step="1"
                        data-testid="return-qty"
                        aria-label=move || format!("{} (0–{max})", i18n.t(Key::ReturnQty))
                        bind:value=value
                    />
                </li>
            }
        })
        .collect_view();
    let store_options = move || {
        let locale = i18n.locale();
        stores.with_value(|list| {
            list.iter()
                .map(|s| {
                    let value = s.id.to_string();
                    let selected = store.get_untracked() == value;
                    view! { <option value=value selected=selected>{format!("{}, {}", s.name, city_name(locale, s.city))}</option> }
                })
                .collect_view()
        })
    };
    let status = move || match state.get() {
        ReturnState::NothingChosen => Some(view! { <p class="form-error">{move || i18n.t(Key::ReturnNothingChosen)}</p> }.into_any()),
        ReturnState::Failed(err) => Some(
            view! {
                <p class="form-error" data-testid="return-error">
                    {move || i18n.t(Key::ReturnFailed)}
                    <span class="error-detail">" (" {move || err.text(i18n.locale())} ")"</span>
                </p>
            }
            .into_any(),
        ),
        ReturnState::Idle | ReturnState::Sending => None,
    };
    view! {
        <form class="return-form" data-testid="return-form" aria-labelledby="return-form-title" on:submit=on_submit>
            <h2 id="return-form-title" class="section-title">{move || i18n.t(Key::ReturnsHeading)}</h2>
            <p class="form-hint">{move || i18n.t(Key::ReturnIntro)}</p>
            <ul class="return-lines">{rows}</ul>
            <FormField input_id="return-store" label=Key::ReturnStore>
                <select id="return-store" data-testid="return-store" bind:value=store>
                    {store_options}
                </select>
            </FormField>
            <FormField input_id="return-reason" label=Key::ReturnReason hint=Key::Optional>
                <textarea id="return-reason" rows="2" maxlength="500" aria-describedby="return-reason-hint" bind:value=reason></textarea>
            </FormField>
            <div role="alert">{status}</div>
            <button
                type="submit"
                class="button"
                data-testid="return-submit"
                aria-busy=move || (state.get() == ReturnState::Sending).to_string()
            >
                {move || i18n.t(if state.get() == ReturnState::Sending { Key::Working } else { Key::ReturnSubmit })}
            </button>
        </form>
    }
}
