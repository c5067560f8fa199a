//! Pieces of the showroom kiosk (`/showroom/:store…`): the kiosk's shared state, this store's own
//! stock of a product, the kiosk bar (store, cart, "Continue on my phone"), the hand-off dialog,
//! and the enrolment form a tablet shows until the store's staff have enrolled it.

use crate::api::{self, ApiError};
use crate::cart::use_cart;
use crate::components::error::LoadBoundary;
use crate::components::form_field::FormField;
use crate::components::offers::AppliedOffers;
use crate::i18n::{availability_headline, format_money, handoff_valid_until, local_utc_offset_minutes, shelf_here, use_i18n, Key};
use crate::session::{use_session, SignedInAs};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::account::Role;
use vitrina_shared::api::{Handoff, StoreInfo};
use vitrina_shared::{CategoryId, Sku};

/// Seconds without a touch, key or scroll after which a kiosk starts afresh.
pub const DEFAULT_IDLE_SECONDS: u32 = 90;
/// The shortest inactivity timeout an address may ask for (`?idle=`).
pub const MIN_IDLE_SECONDS: u32 = 3;
/// The longest: a day.
const MAX_IDLE_SECONDS: u32 = 86_400;

/// The store slug of a kiosk address (`/showroom/msk-tverskaya`, `/showroom/msk-tverskaya/p/…`).
pub fn kiosk_store_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/showroom/")?;
    let store = rest.split('/').next().unwrap_or_default();
    (!store.is_empty()).then_some(store)
}

/// The inactivity timeout asked for by `?idle=SECONDS`: at least [`MIN_IDLE_SECONDS`],
/// [`DEFAULT_IDLE_SECONDS`] when absent or unreadable.
pub fn idle_seconds(raw: Option<&str>) -> u32 {
    raw.and_then(|r| r.trim().parse::<u32>().ok()).map_or(DEFAULT_IDLE_SECONDS, |s| s.clamp(MIN_IDLE_SECONDS, MAX_IDLE_SECONDS))
}

/// A kiosk address: `/showroom/{store}{suffix}`, keeping an `?idle=` override (digits only).
pub fn kiosk_href(store: &str, suffix: &str, idle: Option<&str>) -> String {
    match idle.filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())) {
        Some(idle) => format!("/showroom/{store}{suffix}?idle={idle}"),
        None => format!("/showroom/{store}{suffix}"),
    }
}

/// What the last "Continue on my phone" press came to.
#[derive(Debug, Clone, PartialEq)]
pub enum HandoffState {
    Idle,
    Creating,
    Shown(Handoff),
    Failed(ApiError),
}

/// The kiosk's state, provided by the showroom page to the kiosk views under it. Everything a
/// shopper leaves behind lives here, so that an inactivity reset can clear it in one place.
#[derive(Debug, Clone, Copy)]
pub struct KioskContext {
    /// The store slug from the address.
    pub store: Memo<String>,
    /// The `?idle=` override from the address, kept on every kiosk link.
    pub idle_query: StoredValue<Option<String>>,
    /// The search text as typed.
    pub typed: RwSignal<String>,
    /// The search text the listing shows results for.
    pub query: RwSignal<String>,
    pub category: RwSignal<Option<CategoryId>>,
    /// 1-based page of the listing.
    pub page: RwSignal<u32>,
    pub handoff: RwSignal<HandoffState>,
    /// Whether "Ready for the next shopper" shows (after a reset, until the next touch).
    pub reset_notice: RwSignal<bool>,
}

impl KioskContext {
    pub fn new(store: Memo<String>, idle_query: Option<String>) -> Self {
        KioskContext {
            store,
            idle_query: StoredValue::new(idle_query),
            typed: RwSignal::new(String::new()),
            query: RwSignal::new(String::new()),
            category: RwSignal::new(None),
            page: RwSignal::new(1),
            handoff: RwSignal::new(HandoffState::Idle),
            reset_notice: RwSignal::new(false),
        }
    }

    /// A kiosk address of this store (`suffix` like `""` or `"/p/PHN-0001"`), not tracked.
    pub fn href(&self, suffix: &str) -> String {
        let store = self.store.get_untracked();
        self.idle_query.with_value(|idle| kiosk_href(&store, suffix, idle.as_deref()))
    }

    /// Forgets what the last shopper typed, chose and opened.
    pub fn clear(&self) {
        self.typed.set(String::new());
        self.query.set(String::new());
        self.category.set(None);
        self.page.set(1);
        self.handoff.set(HandoffState::Idle);
    }

    /// Whether a hand-off code is on screen whose cart the other device has not taken yet and
    /// which is still valid: the kiosk then keeps the cart instead of starting afresh.
    pub fn handoff_pending(&self, cart_items: u32) -> bool {
        let now = (js_sys::Date::now() / 1000.0).floor() as i64;
        self.handoff.with_untracked(|h| match h {
            HandoffState::Shown(handoff) => cart_items > 0 && handoff.expires_at.timestamp() > now,
            _ => false,
        })
    }
}

/// The kiosk context provided by the showroom page.
pub fn use_kiosk() -> KioskContext {
    expect_context::<KioskContext>()
}

/// This store's own stock of `sku`: "On the shelf here: N", or where else it can be had.
#[component]
pub fn ShelfStock(sku: Sku, store: String) -> impl IntoView {
    let i18n = use_i18n();
    let availability = LocalResource::new(move || {
        let sku = sku.clone();
        async move { api::availability(&sku, None).await }
    });
    let body = move || {
        availability.get().map(|result| {
            result.map(|answer| {
                let here = answer.stores.iter().find(|s| s.store_id.as_str() == store).map_or(0, |s| s.available);
                let elsewhere = answer.in_stock_stores;
                if here > 0 {
                    view! {
                        <p class="shelf-stock shelf-here" data-testid="shelf-here">
                            {move || shelf_here(i18n.locale(), here)}
                        </p>
                    }
                    .into_any()
                } else {
                    view! {
                        <p class="shelf-stock order-elsewhere" data-testid="order-elsewhere">
                            <span class="order-elsewhere-text">{move || i18n.t(Key::OrderElsewhere)}</span>
                            " "
                            <span class="order-elsewhere-stores">
                                {move || format!("({})", availability_headline(i18n.locale(), elsewhere, false))}
                            </span>
                        </p>
                    }
                    .into_any()
                }
            })
        })
    };
    view! {
        <div class="shelf-stock-region">
            <LoadBoundary on_retry=move |_| availability.refetch() label=Key::CheckingAvailability>{body}</LoadBoundary>
        </div>
    }
}

/// The strip at the top of every kiosk page: the store, the cart and "Continue on my phone".
#[component]
pub fn KioskBar(store: StoreInfo) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let kiosk = use_kiosk();
    let total = move || cart.view().map(|v| format_money(i18n.locale(), &v.total)).unwrap_or_default();
    // What the offers take off the cart here (a kiosk may have offers of its own), and which.
    let discount = move || {
        cart.view().filter(|v| !v.discount.amount.is_zero()).map(|v| {
            view! {
                <span class="kiosk-cart-discount" data-testid="kiosk-cart-discount">
                    {move || format!("{} −{}", i18n.t(Key::SummaryDiscount), format_money(i18n.locale(), &v.discount))}
                </span>
            }
        })
    };
    let offers = move || cart.view().filter(|v| !v.offers.is_empty()).map(|v| view! { <AppliedOffers offers=v.offers /> });
    let creating = move || kiosk.handoff.with(|h| *h == HandoffState::Creating);
    // A claimed code empties this cart: the code goes away at once (the cart is asked every second
    // while a code shows), so the next shopper at the tablet cannot take the cart over again.
    let shown = move || kiosk.handoff.with(|h| matches!(h, HandoffState::Shown(_)));
    let fast_poll = gloo_timers::callback::Interval::new(1_000, move || {
        if kiosk.handoff.try_with_untracked(|h| matches!(h, HandoffState::Shown(_))) == Some(true) {
            cart.poll();
        }
    });
    // Dropped (and so stopped) with the bar.
    let _fast_poll = StoredValue::new_local(fast_poll);
    Effect::new(move |_| {
        if shown() && cart.view().is_some_and(|v| v.item_count == 0) {
            kiosk.handoff.set(HandoffState::Idle);
        }
    });
    let start_handoff = move |_| {
        if creating() {
            return;
        }
        kiosk.handoff.set(HandoffState::Creating);
        spawn_local(async move {
            let next = match api::create_handoff().await {
                Ok(handoff) => HandoffState::Shown(handoff),
                Err(err) => HandoffState::Failed(err),
            };
            // A reset meanwhile cleared the kiosk: the code is not for the next shopper.
            if kiosk.handoff.try_get_untracked() == Some(HandoffState::Creating) {
                kiosk.handoff.try_set(next);
            }
        });
    };
    let failure = move || {
        kiosk.handoff.with(|h| match h {
            HandoffState::Failed(err) => {
                let key = if err.code == "empty_cart" { Key::HandoffEmptyCart } else { Key::HandoffFailed };
                let detail = err.clone();
                Some(view! {
                    <p class="kiosk-alert" data-testid="handoff-error">
                        {move || i18n.t(key)}
                        <span class="error-detail">" (" {move || detail.text(i18n.locale())} ")"</span>
                    </p>
                })
            }
            _ => None,
        })
    };
    let dialog = move || {
        kiosk.handoff.with(|h| match h {
            HandoffState::Shown(handoff) => Some(view! { <HandoffDialog handoff=handoff.clone() /> }),
            _ => None,
        })
    };
    view! {
        <section class="kiosk-bar" aria-label=move || i18n.t(Key::KioskCartLabel)>
            <p class="kiosk-store" data-testid="kiosk-store">{store.name}</p>
            <div class="kiosk-cart" role="status" aria-live="polite">
                <span class="kiosk-cart-label">{move || i18n.t(Key::KioskItems)}</span>
                " "
                <span class="kiosk-cart-count" data-testid="kiosk-cart-count">{move || cart.item_count()}</span>
                <span class="kiosk-cart-total" data-testid="kiosk-cart-total">{total}</span>
                {discount}
            </div>
            <button
                type="button"
                class="button kiosk-handoff-button"
                data-testid="handoff-button"
                disabled=move || cart.item_count() == 0
                aria-busy=move || creating().to_string()
                on:click=start_handoff
            >
                {move || i18n.t(Key::HandoffButton)}
            </button>
        </section>
        <div class="kiosk-offers" aria-live="polite">{offers}</div>
        <div role="alert" class="kiosk-alerts">{failure}</div>
        <div role="status" aria-live="polite" class="kiosk-reset-region">
            <Show when=move || kiosk.reset_notice.get()>
                <p class="kiosk-reset-notice" data-testid="kiosk-reset-notice">{move || i18n.t(Key::KioskResetNotice)}</p>
            </Show>
        </div>
        {dialog}
    }
}

/// The code and QR of a hand-off, over the page until closed (button or Escape).
#[component]
fn HandoffDialog(handoff: Handoff) -> impl IntoView {
    let i18n = use_i18n();
    let kiosk = use_kiosk();
    let close_button: NodeRef<html::Button> = NodeRef::new();
    let close = move || kiosk.handoff.set(HandoffState::Idle);
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            close();
        }
    };
    // The dialog takes the focus, so Escape and screen readers land in it.
    Effect::new(move |_| {
        if let Some(button) = close_button.get() {
            if let Err(err) = button.focus() {
                leptos::logging::warn!("could not focus the hand-off dialog: {err:?}");
            }
        }
    });
    let Handoff { code, expires_at, qr_svg, .. } = handoff;
    let grouped = code.grouped();
    let expires = expires_at.timestamp();
    let offset = local_utc_offset_minutes();
    view! {
        <div class="handoff-backdrop">
            <div
                class="handoff-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="handoff-title"
                aria-describedby="handoff-help"
                data-testid="handoff-dialog"
                on:keydown=on_keydown
            >
                <h2 id="handoff-title" class="handoff-title">{move || i18n.t(Key::HandoffTitle)}</h2>
                <p id="handoff-help" class="handoff-help">{move || i18n.t(Key::HandoffScan)}</p>
                // Trusted server output: the edge renders the QR code of the claim address as SVG.
                <div class="handoff-qr" role="img" aria-label=move || i18n.t(Key::HandoffQrLabel) data-testid="handoff-qr" inner_html=qr_svg></div>
                <p class="handoff-code-label">{move || i18n.t(Key::HandoffCodeLabel)}</p>
                <p class="handoff-code" data-testid="handoff-code">{grouped}</p>
                <p class="handoff-expiry" data-testid="handoff-expiry">
                    {move || handoff_valid_until(i18n.locale(), expires, offset)}
                </p>
                <button
                    type="button"
                    class="button button-secondary handoff-close"
                    data-testid="handoff-close"
                    node_ref=close_button
                    on:click=move |_| close()
                >
                    {move || i18n.t(Key::HandoffClose)}
                </button>
            </div>
        </div>
    }
}

/// What to tell staff when enrolling the tablet failed.
fn enrol_error_key(err: &ApiError) -> Key {
    match err.code.as_str() {
        "unknown_enrolment_code" => Key::KioskEnrolUnknown,
        "enrolment_code_used" => Key::KioskEnrolUsed,
        "enrolment_code_expired" => Key::KioskEnrolExpired,
        "too_many_requests" => Key::ErrTooManyRequests,
        _ => Key::KioskEnrolFailed,
    }
}

/// Shown at a showroom address until this tablet is the store's enrolled kiosk: the field for the
/// enrolment code staff got at the pickup desk, and, when staff are signed in on the tablet,
/// enrolling it at once (which signs them out of it).
#[component]
pub fn KioskEnrolment(store: StoreInfo, #[prop(into)] on_enrolled: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let session = use_session();
    let input: NodeRef<html::Input> = NodeRef::new();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let store_id = store.id.clone();

    // Enrols with `code`, or (`None`) with a code issued now by the staff signed in here. The
    // session changes, so the cart is loaded afresh (empty: a kiosk starts with nothing).
    let enrol = move |code: Option<String>| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let store_id = store_id.clone();
        spawn_local(async move {
            let work = async move {
                let code = match code {
                    Some(code) => code,
                    None => String::from(api::issue_kiosk_enrolment(&store_id).await?.code),
                };
                api::enrol_kiosk(&code).await
            };
            match cart.switching(work).await {
                Ok(_) => {
                    session.signed_out();
                    on_enrolled.run(());
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            pending.try_set(false);
        });
    };
    let on_submit = {
        let enrol = enrol.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            enrol(Some(input.get_untracked().map(|el| el.value()).unwrap_or_default()));
        }
    };
    let staff_here = move || matches!(session.who(), SignedInAs::Customer(profile) if profile.role == Role::Staff);
    let enrol_now = move || {
        let enrol = enrol.clone();
        staff_here().then(|| {
            view! {
                <p>
                    <button
                        type="button"
                        class="button button-secondary"
                        data-testid="kiosk-enrol-self"
                        aria-busy=move || pending.get().to_string()
                        on:click=move |_| enrol(None)
                    >
                        {move || i18n.t(Key::KioskEnrolSelf)}
                    </button>
                </p>
            }
        })
    };
    let failure = move || {
        error.get().map(|err| {
            let key = enrol_error_key(&err);
            let code = err.code.clone();
            let detail = err.clone();
            view! {
                <p class="form-error" data-testid="kiosk-enrol-error" data-code=code>
                    {move || i18n.t(key)}
                    <span class="error-detail">" (" {move || detail.text(i18n.locale())} ")"</span>
                </p>
            }
        })
    };
    view! {
        <section class="kiosk-enrol" aria-labelledby="kiosk-enrol-title" data-testid="kiosk-enrol">
            <p class="kiosk-store">{store.name}</p>
            <h1 id="kiosk-enrol-title" class="page-title">{move || i18n.t(Key::KioskEnrolTitle)}</h1>
            <p class="kiosk-enrol-intro">{move || i18n.t(Key::KioskEnrolIntro)}</p>
            <form class="kiosk-enrol-form" on:submit=on_submit>
                <FormField input_id="kiosk-enrol-code" label=Key::KioskEnrolCodeLabel hint=Key::KioskEnrolCodeHint>
                    <input
                        id="kiosk-enrol-code"
                        class="handoff-input"
                        type="text"
                        data-testid="kiosk-enrol-code"
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        maxlength="16"
                        required=true
                        aria-describedby="kiosk-enrol-code-hint"
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        node_ref=input
                    />
                </FormField>
                <button type="submit" class="button" data-testid="kiosk-enrol-submit" aria-busy=move || pending.get().to_string()>
                    {move || i18n.t(Key::KioskEnrolSubmit)}
                </button>
            </form>
            {enrol_now}
            <div role="alert">{failure}</div>
        </section>
    }
}
