//! `/staff` and `/staff/:store`: a store's pickup desk, for staff accounts. It lists the store's
//! pickup orders — to prepare, waiting for the shopper, and handed over or closed today — with
//! "Ready", "Collected" and "Cancel" buttons. The list is asked for again after every action and
//! every [`POLL_MS`] while the page is visible. Under it, the store's showroom tablets: a one-time
//! code that enrols a tablet as the store's kiosk, and the enrolled ones with "Un-enrol".

use crate::api::{self, ApiError};
use crate::components::error::{ActionError, LoadBoundary, Loading};
use crate::i18n::{
    format_date_time, format_money, handoff_valid_until, held_until, local_utc_offset_minutes, now_unix, order_status_name, order_title,
    payment_status_name, use_i18n, Key,
};
use crate::session::{use_session, SignedInAs};
use gloo_timers::callback::Interval;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use vitrina_shared::account::Role;
use vitrina_shared::api::{KioskEnrolmentCode, KioskView, OrderView, StoreInfo};
use vitrina_shared::orders::{Action, OrderStatus};
use vitrina_shared::StoreId;

/// How often the desk asks for the store's pickups.
const POLL_MS: u32 = 10_000;

/// The desk's three lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    ToPrepare,
    Waiting,
    Done,
}

impl Group {
    const ALL: [Group; 3] = [Group::ToPrepare, Group::Waiting, Group::Done];

    fn of(status: OrderStatus) -> Group {
        match status {
            OrderStatus::Placed | OrderStatus::PendingPayment => Group::ToPrepare,
            OrderStatus::ReadyForPickup => Group::Waiting,
            _ => Group::Done,
        }
    }

    fn title(self) -> Key {
        match self {
            Group::ToPrepare => Key::StaffToPrepare,
            Group::Waiting => Key::StaffWaiting,
            Group::Done => Key::StaffDone,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Group::ToPrepare => "to-prepare",
            Group::Waiting => "waiting",
            Group::Done => "done",
        }
    }
}

fn page_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let body = move || match session.who() {
        SignedInAs::Unknown => view! { <Loading /> }.into_any(),
        SignedInAs::Guest => view! {
            <p class="empty-state" data-testid="staff-signin">
                {move || i18n.t(Key::StaffSignIn)} " "
                <a class="button" href="/signin">{move || i18n.t(Key::SignIn)}</a>
            </p>
        }
        .into_any(),
        SignedInAs::Customer(profile) if profile.role != Role::Staff => view! {
            <p class="empty-state" role="alert" data-testid="staff-role-required">
                {move || i18n.t(Key::StaffRoleRequired)}
            </p>
        }
        .into_any(),
        SignedInAs::Customer(_) => view! { <StaffDesk /> }.into_any(),
    };
    view! {
        <section class="staff-page" aria-labelledby="staff-title">
            <h1 id="staff-title" class="page-title">{move || i18n.t(Key::StaffTitle)}</h1>
            <div class="staff-contents">{body}</div>
        </section>
    }
}

/// The store picker and, once a store is chosen, its pickups.
#[component]
fn StaffDesk() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let store = Memo::new(move |_| params.with(|p| p.get("store")));
    let stores = LocalResource::new(api::stores);
    let picker = move || stores.get().map(|result| result.map(|list| view! { <StorePicker list current=store /> }));
    let board = move || store.get().map(|raw| view! { <PickupBoard raw /> });
    let kiosks = move || store.get().and_then(|raw| StoreId::parse(&raw).ok()).map(|store| view! { <KioskDesk store /> });
    view! {
        <LoadBoundary on_retry=move |_| stores.refetch()>
            <div class="staff-store-picker">{picker}</div>
        </LoadBoundary>
        <p class="form-hint">{move || i18n.t(Key::StaffAutoRefresh)}</p>
        {board}
        {kiosks}
    }
}

/// Picks the store whose desk this is: `/staff/{store}`.
#[component]
fn StorePicker(list: Vec<StoreInfo>, current: Memo<Option<String>>) -> impl IntoView {
    let navigate = use_navigate();
    let options = list
        .into_iter()
        .map(|s| {
            let value = s.id.to_string();
            let selected = {
                let value = value.clone();
                move || current.with(|c| c.as_deref() == Some(value.as_str()))
            };
            view! { <option value=value prop:selected=selected>{s.name}</option> }
        })
        .collect_view();
    let on_change = move |ev| {
        let picked = event_target_value(&ev);
        if !picked.is_empty() {
            navigate(&format!("/staff/{}", String::from(js_sys::encode_uri_component(&picked))), Default::default());
        }
    };
    let i18n = use_i18n();
    view! {
        <p class="form-field">
            <label for="staff-store">{move || i18n.t(Key::StaffStoreLabel)}</label>
            <select id="staff-store" data-testid="staff-store" on:change=on_change>
                <option value="" disabled=true prop:selected=move || current.with(Option::is_none)>
                    {move || i18n.t(Key::StaffChooseStore)}
                </option>
                {options}
            </select>
        </p>
    }
}

/// The pickups of the store named `raw` in the address.
#[component]
fn PickupBoard(raw: String) -> impl IntoView {
    let loaded = LocalResource::new(move || {
        let raw = raw.clone();
        async move {
            let store = StoreId::parse(&raw).map_err(|_| ApiError::unknown_store(&raw))?;
            let list = api::store_pickups(&store).await?;
            Ok::<_, ApiError>((store, list))
        }
    });
    let lists = move || loaded.get().map(|result| result.map(|(store, list)| view! { <PickupLists store list /> }));
    view! {
        <LoadBoundary on_retry=move |_| loaded.refetch()>
            <div class="pickup-board">{lists}</div>
        </LoadBoundary>
    }
}

/// The store's pickups in three lists, kept in step with the server.
#[component]
fn PickupLists(store: StoreId, list: Vec<OrderView>) -> impl IntoView {
    let i18n = use_i18n();
    let orders = RwSignal::new(list);
    // Counts actions, so that a refresh overlapping one is dropped (the action's answer is newer).
    let generation = StoredValue::new(0_u64);
    let store = StoredValue::new(store);

    let refresh = move || {
        let started_at = generation.get_value();
        let store = store.get_value();
        spawn_local(async move {
            let answer = api::store_pickups(&store).await;
            if generation.try_get_value() != Some(started_at) {
                return;
            }
            match answer {
                Ok(list) => {
                    if orders.try_with_untracked(|o| *o != list).unwrap_or(false) {
                        orders.try_set(list);
                    }
                }
                // The next refresh tries again; the list shown stays as of the last answer.
                Err(err) => leptos::logging::warn!("could not refresh the pickups: {err}"),
            }
        });
    };
    let timer = StoredValue::new_local(Some(Interval::new(POLL_MS, move || {
        if !page_hidden() {
            refresh();
        }
    })));
    on_cleanup(move || {
        timer.try_set_value(None);
    });

    // An action's answer replaces the order at once; then the whole list is asked for again.
    let changed = move |order: OrderView| {
        generation.update_value(|g| *g += 1);
        orders.update(|list| match list.iter_mut().find(|o| o.id == order.id) {
            Some(slot) => *slot = order,
            None => list.push(order),
        });
        refresh();
    };

    Group::ALL
        .into_iter()
        .map(|group| {
            let ids =
                move || orders.with(|list| list.iter().filter(|o| Group::of(o.status) == group).map(|o| o.id.clone()).collect::<Vec<_>>());
            let count = move || ids().len();
            let title_id = format!("pickup-group-title-{}", group.slug());
            let labelled_by = title_id.clone();
            view! {
                <section class="pickup-group" data-testid=format!("pickup-group-{}", group.slug()) aria-labelledby=labelled_by>
                    <h2 id=title_id class="section-title">
                        {move || i18n.t(group.title())}
                        " "
                        <span class="pickup-group-count">{count}</span>
                    </h2>
                    <Show
                        when=move || { count() > 0 }
                        fallback=move || view! { <p class="empty-state">{move || i18n.t(Key::StaffNone)}</p> }
                    >
                        <ul class="pickup-list">
                            <For each=ids key=|id| id.clone() let:id>
                                <PickupRow id orders on_changed=changed />
                            </For>
                        </ul>
                    </Show>
                </section>
            }
        })
        .collect_view()
}

/// One pickup order with the actions its status allows.
#[component]
fn PickupRow(id: String, orders: RwSignal<Vec<OrderView>>, #[prop(into)] on_changed: Callback<OrderView>) -> impl IntoView {
    let i18n = use_i18n();
    let order = {
        let id = id.clone();
        Memo::new(move |_| orders.with(|list| list.iter().find(|o| o.id == id).cloned()))
    };
    let pending = RwSignal::new(None::<Action>);
    let confirm_cancel = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(id);

    let run = move |action: Action| {
        if pending.get_untracked().is_some() {
            return;
        }
        if action == Action::Cancel && !confirm_cancel.get_untracked() {
            confirm_cancel.set(true);
            return;
        }
        pending.set(Some(action));
        error.set(None);
        let id = id.get_value();
        spawn_local(async move {
            match api::order_action(&id, action).await {
                Ok(order) => {
                    confirm_cancel.try_set(false);
                    on_changed.run(order);
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            pending.try_set(None);
        });
    };
    let allowed = move |action: Action| order.with(|o| o.as_ref().is_some_and(|o| action.from(o.fulfilment).0.contains(&o.status)));
    let button = move |action: Action, testid: &'static str, class: &'static str| {
        move || {
            allowed(action).then(|| {
                let label = move || match action {
                    Action::Ready => i18n.t(Key::StaffReady),
                    Action::Collected => i18n.t(Key::StaffCollected),
                    _ if confirm_cancel.get() => i18n.t(Key::CancelYes),
                    _ => i18n.t(Key::StaffCancel),
                };
                view! {
                    <button
                        type="button"
                        class=class
                        data-testid=testid
                        aria-busy=move || (pending.get() == Some(action)).to_string()
                        on:click=move |_| run(action)
                    >
                        {label}
                    </button>
                }
            })
        }
    };

    let details = move || {
        let locale = i18n.locale();
        let (now, offset) = (now_unix(), local_utc_offset_minutes());
        order.get().map(|o| {
            let lines = o
                .lines
                .iter()
                .map(|l| view! { <li>{format!("{} × {}", l.name, l.qty)} " " <span class="pickup-order-sku">{l.sku.to_string()}</span></li> })
                .collect_view();
            let mut meta = vec![format_money(locale, &o.total), payment_status_name(locale, &o.payment.status)];
            if let Some(until) = o.hold_expires_at.filter(|_| o.status.holds_stock()) {
                meta.push(held_until(locale, until.timestamp(), now, offset));
            }
            let customer = [o.contact.name.clone(), o.contact.phone.clone()].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" · ");
            view! {
                <div class="pickup-order-head">
                    <h3 class="pickup-order-id">{order_title(locale, &o.id)}</h3>
                    <span class="order-status-badge" data-testid="pickup-status" data-status=o.status.as_str()>
                        {order_status_name(locale, o.status)}
                    </span>
                </div>
                <p class="pickup-order-customer">{customer}</p>
                <ul class="pickup-order-lines">{lines}</ul>
                <p class="pickup-order-meta">{meta.join(" · ")}</p>
            }
        })
    };
    let status = move || order.with(|o| o.as_ref().map(|o| o.status.as_str()).unwrap_or_default());

    view! {
        <li class="pickup-order" data-testid="pickup-order" data-order-id=id.get_value() data-status=status>
            {details}
            <div class="pickup-order-actions">
                {button(Action::Ready, "pickup-ready", "button")}
                {button(Action::Collected, "pickup-collected", "button")}
                {button(Action::Cancel, "pickup-cancel", "button button-secondary")}
            </div>
            <ActionError error=error message=Key::ErrActionFailed test_id="pickup-error" />
        </li>
    }
}

/// The showroom tablets of `store`: a one-time enrolment code to type on a new tablet, and the
/// enrolled tablets, each with "Un-enrol" (a tablet lost, replaced or moved).
#[component]
fn KioskDesk(store: StoreId) -> impl IntoView {
    let i18n = use_i18n();
    let kiosks = LocalResource::new(api::kiosks);
    let issued = RwSignal::new(None::<KioskEnrolmentCode>);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let store = StoredValue::new(store);

    let issue = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let store = store.get_value();
        spawn_local(async move {
            match api::issue_kiosk_enrolment(&store).await {
                Ok(code) => {
                    issued.try_set(Some(code));
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            pending.try_set(false);
        });
    };
    let code = move || {
        issued.get().map(|issued| {
            let expires = issued.expires_at.timestamp();
            let offset = local_utc_offset_minutes();
            view! {
                <p class="staff-kiosk-code">
                    {move || i18n.t(Key::StaffKioskCodeLabel)}
                    " "
                    <strong class="handoff-code" data-testid="kiosk-code">{issued.code.grouped()}</strong>
                </p>
                <p class="form-hint" data-testid="kiosk-code-expiry">
                    {move || format!("{}. {}", handoff_valid_until(i18n.locale(), expires, offset), i18n.t(Key::StaffKioskCodeHelp))}
                </p>
            }
        })
    };
    let unenrol = move |id: String| {
        error.set(None);
        spawn_local(async move {
            match api::unenrol_kiosk(&id).await {
                Ok(()) => kiosks.refetch(),
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
        });
    };
    let list = move || {
        kiosks.get().map(|result| {
            result.map(|all| {
                let here: Vec<KioskView> = store.with_value(|store| all.into_iter().filter(|k| &k.store_id == store).collect());
                if here.is_empty() {
                    return view! { <p class="empty-state" data-testid="staff-kiosks-none">{move || i18n.t(Key::StaffKioskNone)}</p> }
                        .into_any();
                }
                let offset = local_utc_offset_minutes();
                let rows = here
                    .into_iter()
                    .map(|k| {
                        let enrolled = k.enrolled_at.timestamp();
                        let id = k.id.clone();
                        view! {
                            <li class="staff-kiosk" data-testid="staff-kiosk" data-kiosk-id=k.id>
                                <span class="staff-kiosk-device">{k.user_agent}</span>
                                <span class="staff-kiosk-meta">
                                    {move || format!("{} {}", i18n.t(Key::StaffKioskEnrolled), format_date_time(i18n.locale(), enrolled, offset))}
                                </span>
                                <button
                                    type="button"
                                    class="button button-secondary"
                                    data-testid="kiosk-unenrol"
                                    on:click=move |_| unenrol(id.clone())
                                >
                                    {move || i18n.t(Key::StaffKioskUnenrol)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="staff-kiosk-list">{rows}</ul> }.into_any()
            })
        })
    };
    view! {
        <section class="staff-kiosks" aria-labelledby="staff-kiosks-title" data-testid="staff-kiosks">
            <h2 id="staff-kiosks-title" class="section-title">{move || i18n.t(Key::StaffKiosksTitle)}</h2>
            <p class="form-hint">{move || i18n.t(Key::StaffKiosksIntro)}</p>
            <p>
                <button
                    type="button"
                    class="button"
                    data-testid="kiosk-code-issue"
                    aria-busy=move || pending.get().to_string()
                    on:click=issue
                >
                    {move || i18n.t(Key::StaffKioskIssue)}
                </button>
            </p>
            {code}
            <ActionError error=error message=Key::StaffKioskFailed test_id="staff-kiosks-error" />
            <LoadBoundary on_retry=move |_| kiosks.refetch()>
                <div class="staff-kiosk-region">{list}</div>
            </LoadBoundary>
        </section>
    }
}
