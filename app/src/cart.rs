//! The shopper's cart as app-wide context, kept in step with the server.
//!
//! The server holds the cart; this context holds the last version seen. Writes send that version
//! as `If-Match`, so a write based on a cart that changed elsewhere is refused (`409`) and the
//! server's cart is shown instead. While the page is visible the cart is polled every
//! [`POLL_MS`] (and at once on focus or when the page becomes visible again) with
//! `If-None-Match`; a new version that this tab did not write raises the "updated on another
//! device" notice.
//!
//! Offline, the cart shown is the device's copy (`api::cart`), and a change is handed to the
//! service worker's queue (`public/sw.js`), which sends it when the connection returns; until then
//! the counts shown include the changes waiting ([`Cart::qty_of`], [`Cart::item_count`]), and
//! once sent the cart is loaded afresh with a notice of what came of them.

use crate::api::{self, ApiError, CartWrite};
use gloo_timers::callback::{Interval, Timeout};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::api::{CartLineView, CartView};
use vitrina_shared::Sku;

/// How often a visible page asks whether the cart changed.
pub const POLL_MS: u32 = 4_000;
/// How long the "updated on another device" notice stays.
const NOTICE_MS: u32 = 8_000;

/// The cart context provided by `App`: read it with [`use_cart`].
#[derive(Debug, Clone, Copy)]
pub struct Cart {
    /// The cart as last seen; `None` until the first answer.
    view: RwSignal<Option<CartView>>,
    /// Writes (and sign-ins, which switch carts) of this tab still unanswered.
    pending: RwSignal<u32>,
    /// Counts writes ever started, so a poll that overlapped one can be recognised and dropped.
    generation: StoredValue<u64>,
    /// Whether the "updated on another device" notice shows; `notice_id` tells stale timers apart.
    notice: RwSignal<bool>,
    notice_id: StoredValue<u64>,
    /// Changes made offline that wait in the service worker's queue: units added (or, negative,
    /// taken off) per product.
    waiting: RwSignal<Vec<(Sku, i64)>>,
    /// What came of the offline changes once sent: `None` while there is nothing to say, else
    /// whether every change went through as made.
    synced: RwSignal<Option<bool>>,
}

impl Cart {
    fn new() -> Self {
        Cart {
            view: RwSignal::new(None),
            pending: RwSignal::new(0),
            generation: StoredValue::new(0),
            notice: RwSignal::new(false),
            notice_id: StoredValue::new(0),
            waiting: RwSignal::new(Vec::new()),
            synced: RwSignal::new(None),
        }
    }

    /// The cart as last seen (tracked).
    pub fn view(&self) -> Option<CartView> {
        self.view.get()
    }

    /// Units in the cart (tracked), with the changes waiting to be sent; 0 until the cart is known.
    pub fn item_count(&self) -> u32 {
        let base = self.view.with(|v| v.as_ref().map_or(0, |v| i64::from(v.item_count)));
        let waiting: i64 = self.waiting.with(|w| w.iter().map(|(_, delta)| delta).sum());
        u32::try_from((base + waiting).max(0)).unwrap_or(u32::MAX)
    }

    /// Units of `sku` changed offline and not sent yet (tracked).
    fn waiting_for(&self, sku: &Sku) -> i64 {
        self.waiting.with(|w| w.iter().filter(|(s, _)| s == sku).map(|(_, delta)| delta).sum())
    }

    /// Whether changes made offline wait to be sent (tracked).
    pub fn has_waiting(&self) -> bool {
        self.waiting.with(|w| !w.is_empty())
    }

    /// What came of the offline changes once sent (tracked): `Some(true)` when all went through.
    pub fn synced(&self) -> Option<bool> {
        self.synced.get()
    }

    /// The SKUs of the cart's lines, in order (tracked).
    pub fn skus(&self) -> Vec<Sku> {
        self.view.with(|v| v.as_ref().map(|v| v.lines.iter().map(|l| l.sku.clone()).collect()).unwrap_or_default())
    }

    /// The line of `sku`, if the cart has one (tracked), its quantity with the changes waiting.
    pub fn line(&self, sku: &Sku) -> Option<CartLineView> {
        let waiting = self.waiting_for(sku);
        let mut line = self.view.with(|v| v.as_ref().and_then(|v| v.lines.iter().find(|l| &l.sku == sku).cloned()))?;
        line.qty = u32::try_from((i64::from(line.qty) + waiting).max(0)).unwrap_or(u32::MAX);
        Some(line)
    }

    /// Units of `sku` in the cart (tracked), with the changes waiting to be sent.
    pub fn qty_of(&self, sku: &Sku) -> u32 {
        let base = self.view.with(|v| v.as_ref().and_then(|v| v.lines.iter().find(|l| &l.sku == sku).map(|l| i64::from(l.qty))));
        u32::try_from((base.unwrap_or(0) + self.waiting_for(sku)).max(0)).unwrap_or(u32::MAX)
    }

    /// Whether a write of this tab is unanswered (tracked).
    pub fn busy(&self) -> bool {
        self.pending.get() > 0
    }

    /// Whether the "updated on another device" notice shows (tracked).
    pub fn notice_shown(&self) -> bool {
        self.notice.get()
    }

    /// Hides the "updated on another device" notice.
    pub fn dismiss_notice(&self) {
        self.notice.set(false);
    }

    fn known_version(&self) -> Option<i64> {
        self.view.with_untracked(|v| v.as_ref().map(|v| v.version))
    }

    /// Runs `work` as a change made by this tab: polls overlapping it are ignored, so its effect
    /// is never mistaken for another device's.
    async fn own<T>(self, work: impl std::future::Future<Output = T>) -> T {
        self.generation.update_value(|g| *g += 1);
        self.pending.update(|n| *n += 1);
        let result = work.await;
        self.pending.try_update(|n| *n = n.saturating_sub(1));
        result
    }

    /// Sets the line of `sku` to `qty` (0 removes it), based on the version last seen. On a
    /// conflict the server's cart replaces the one shown.
    pub async fn set_qty(self, sku: Sku, qty: u32) -> Result<CartWrite, ApiError> {
        let expected = self.known_version();
        let shown = self.qty_of_untracked(&sku);
        let result = self.own(api::set_cart_qty(&sku, qty, expected)).await;
        self.apply_write(result).or_else(|err| self.queue_offline(err, sku, i64::from(qty) - i64::from(shown)))
    }

    /// Removes the line of `sku`, based on the version last seen.
    pub async fn remove(self, sku: Sku) -> Result<CartWrite, ApiError> {
        let expected = self.known_version();
        let shown = self.qty_of_untracked(&sku);
        let result = self.own(api::remove_cart_line(&sku, expected)).await;
        self.apply_write(result).or_else(|err| self.queue_offline(err, sku, -i64::from(shown)))
    }

    fn qty_of_untracked(&self, sku: &Sku) -> u32 {
        untrack(|| self.qty_of(sku))
    }

    /// A change that found no connection goes to the service worker's queue, to be sent when the
    /// connection returns; any other failure (or no worker to hand it to) stays a failure.
    fn queue_offline(&self, err: ApiError, sku: Sku, delta: i64) -> Result<CartWrite, ApiError> {
        if err.kind != api::ApiErrorKind::Network {
            return Err(err);
        }
        if delta != 0 && !offline_queue::send_change(&sku, delta) {
            return Err(err);
        }
        self.waiting.update(|w| w.push((sku, delta)));
        Ok(CartWrite::Queued)
    }

    fn apply_write(&self, result: Result<CartWrite, ApiError>) -> Result<CartWrite, ApiError> {
        if let Ok(CartWrite::Saved(view) | CartWrite::Conflict(view)) = &result {
            self.view.try_set(Some(view.clone()));
        }
        result
    }

    /// Loads the whole cart afresh, as this tab's own change (after signing in or out, when the
    /// cart itself is another one).
    pub async fn reload(self) -> Result<(), ApiError> {
        let result = self.own(api::cart(None)).await;
        if let Ok(Some(view)) = &result {
            self.view.try_set(Some(view.clone()));
        }
        result.map(|_| ())
    }

    /// Forgets the cart shown at once (a showroom kiosk starting afresh for the next shopper):
    /// answers to polls already under way are dropped, and the next answer is a first load.
    pub fn clear(&self) {
        self.generation.update_value(|g| *g += 1);
        self.view.set(None);
        self.notice.set(false);
    }

    /// Runs `work` (a sign-in or sign-out, which switch the session's cart) so that no poll
    /// answer in between is taken for another device's change, then loads the new cart.
    pub async fn switching<T>(self, work: impl std::future::Future<Output = T>) -> T {
        let result = self.own(work).await;
        if let Err(err) = self.reload().await {
            leptos::logging::warn!("could not load the cart after signing in or out: {err}");
        }
        result
    }

    /// Asks whether the cart changed; a change this tab did not make updates the cart and shows
    /// the notice. Skipped while the page is hidden or a write of this tab is unanswered.
    pub fn poll(self) {
        if page_hidden() || self.pending.get_untracked() > 0 {
            return;
        }
        let started_at = self.generation.get_value();
        let known = self.known_version();
        spawn_local(async move {
            let answer = api::cart(known).await;
            // A write started meanwhile: this answer may predate it or include it.
            if self.generation.try_get_value() != Some(started_at) || self.pending.try_get_untracked() != Some(0) {
                return;
            }
            match answer {
                Ok(Some(view)) if self.known_version() != Some(view.version) => {
                    let first_load = known.is_none();
                    self.view.try_set(Some(view));
                    if !first_load {
                        self.show_notice();
                    }
                }
                Ok(_) => {}
                // The next poll tries again; the cart page reports its own load failures.
                Err(err) => leptos::logging::debug_warn!("cart poll failed: {err}"),
            }
        });
    }

    fn show_notice(&self) {
        self.notice_id.update_value(|id| *id += 1);
        let id = self.notice_id.get_value();
        self.notice.set(true);
        let (notice, notice_id) = (self.notice, self.notice_id);
        Timeout::new(NOTICE_MS, move || {
            if notice_id.try_get_value() == Some(id) {
                notice.try_set(false);
            }
        })
        .forget();
    }
}

fn page_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

/// Creates the cart context, loads the cart and starts keeping it in step with the server for
/// the rest of the visit (the timer and listeners live as long as the page).
pub fn provide_cart() -> Cart {
    let cart = Cart::new();
    provide_context(cart);
    spawn_local(async move {
        if let Err(err) = cart.reload().await {
            leptos::logging::warn!("could not load the cart: {err}");
        }
    });
    Interval::new(POLL_MS, move || cart.poll()).forget();
    // The listeners live as long as the page: their handles are never removed.
    let _focus = window_event_listener(ev::focus, move |_| cart.poll());
    let _visible = window_event_listener_untyped("visibilitychange", move |_| cart.poll());
    offline_queue::listen(
        move |waiting| {
            cart.waiting.try_set(waiting);
        },
        move |all_went_through| {
            cart.waiting.try_set(Vec::new());
            cart.synced.try_set(Some(all_went_through));
            spawn_local(async move {
                if let Err(err) = cart.reload().await {
                    leptos::logging::warn!("could not load the cart after sending the offline changes: {err}");
                }
            });
        },
    );
    let _online = window_event_listener_untyped("online", move |_| offline_queue::replay());
    cart
}

/// The page's side of the service worker's queue of cart changes made offline (`public/sw.js`,
/// "The cart offline").
mod offline_queue {
    use js_sys::{Array, Object, Reflect};
    use vitrina_shared::Sku;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    fn worker() -> Option<web_sys::ServiceWorker> {
        web_sys::window()?.navigator().service_worker().controller()
    }

    fn post(message: &[(&str, JsValue)]) -> bool {
        let Some(worker) = worker() else { return false };
        let object = Object::new();
        for (key, value) in message {
            if Reflect::set(&object, &JsValue::from_str(key), value).is_err() {
                return false;
            }
        }
        worker.post_message(&object).is_ok()
    }

    /// Hands `delta` units of `sku` to the queue; `false` when no worker controls the page.
    pub fn send_change(sku: &Sku, delta: i64) -> bool {
        post(&[
            ("type", JsValue::from_str("vitrina:cart-change")),
            ("sku", JsValue::from_str(sku.as_str())),
            ("delta", JsValue::from_f64(delta as f64)),
        ])
    }

    /// Asks the worker to send what waits (when the page starts online, or comes back online).
    pub fn replay() {
        post(&[("type", JsValue::from_str("vitrina:cart-replay"))]);
    }

    /// Listens to the worker: `waiting` gets the changes still queued, `sent` whether every
    /// change went through as made once they were sent. Asks at once what waits, and to send it
    /// when online.
    pub fn listen(waiting: impl Fn(Vec<(Sku, i64)>) + 'static, sent: impl Fn(bool) + 'static) {
        let Some(container) = web_sys::window().map(|w| w.navigator().service_worker()) else { return };
        let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let field = |name: &str| Reflect::get(&data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
            match field("type").as_string().as_deref() {
                Some("vitrina:cart-pending") => {
                    let changes = field("changes").dyn_into::<Array>().map(|a| a.to_vec()).unwrap_or_default();
                    let read = |change: &JsValue| {
                        let get = |name: &str| Reflect::get(change, &JsValue::from_str(name)).ok();
                        let sku = Sku::parse(&get("sku")?.as_string()?).ok()?;
                        Some((sku, get("delta")?.as_f64()? as i64))
                    };
                    waiting(changes.iter().filter_map(read).collect());
                }
                Some("vitrina:cart-synced") => {
                    let adjusted = field("adjustments").dyn_into::<Array>().map(|a| a.length()).unwrap_or(0);
                    sent(adjusted == 0);
                }
                _ => {}
            }
        });
        if container.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref()).is_err() {
            return;
        }
        // As long as the page lives.
        on_message.forget();
        post(&[("type", JsValue::from_str("vitrina:cart-pending"))]);
        if web_sys::window().is_some_and(|w| w.navigator().on_line()) {
            replay();
        }
    }
}

/// The cart context provided by `App`.
pub fn use_cart() -> Cart {
    expect_context::<Cart>()
}

/// What to tell the shopper when a cart write failed.
pub fn write_error_key(err: &ApiError) -> crate::i18n::Key {
    use crate::i18n::Key;
    if err.kind == api::ApiErrorKind::Network {
        return Key::CartOffline;
    }
    match err.code.as_str() {
        "insufficient_stock" => Key::CartInsufficientStock,
        "line_quantity_too_large" | "negative_quantity" => Key::CartLineTooLarge,
        "cart_full" => Key::CartFull,
        _ => Key::CartWriteFailed,
    }
}
