//! Web Push in the browser: whether this device can get notifications, and turning them on, changing
//! what they are about, and off. The server side is `/api/push/…` (see `api.rs`).
//!
//! Respectful by construction: nothing here runs on page load but reading state. Permission is
//! asked only by [`turn_on`] and [`watch`], which must be called from a click handler itself (not
//! from a task it spawns): browsers show the permission prompt only during a user gesture.

use crate::api::{self, ApiError, PushSubscriptionJson, PushSubscriptionView};
use std::fmt;
use std::future::Future;
use vitrina_shared::i18n::Locale;
use vitrina_shared::push::Topic;
use vitrina_shared::store::City;
use vitrina_shared::Sku;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// localStorage key set when the shopper said "Not now" to the opt-in card on this device.
pub const DISMISSED_STORAGE_KEY: &str = "vitrina.push.dismissed";

/// The topics a new subscription starts with: the cart reminder and order status.
pub const DEFAULT_TOPICS: [Topic; 2] = [Topic::CartReminders, Topic::OrderStatus];

/// Whether this browser can get push notifications at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Available,
    /// iOS and iPadOS deliver Web Push only to a site added to the Home Screen (16.4 and later).
    NeedsHomeScreen,
    Unsupported,
}

/// What the browser's notification permission for this site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Not asked yet (or the prompt was dismissed): asking may show the prompt.
    Ask,
    Granted,
    /// Blocked: only the browser's settings can change it.
    Denied,
}

/// Why turning notifications on, changing or turning them off did not work.
#[derive(Debug, Clone, PartialEq)]
pub enum PushError {
    Unsupported,
    NeedsHomeScreen,
    /// The shopper (or the browser's settings) said no.
    Denied,
    /// The prompt was closed without an answer.
    Dismissed,
    /// The browser refused: its error's name and message.
    Browser(String),
    Api(ApiError),
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::Unsupported => f.write_str("this browser has no Web Push"),
            PushError::NeedsHomeScreen => f.write_str("Web Push needs the site on the Home Screen here"),
            PushError::Denied => f.write_str("notification permission denied"),
            PushError::Dismissed => f.write_str("the notification permission prompt was dismissed"),
            PushError::Browser(detail) => write!(f, "the browser refused: {detail}"),
            PushError::Api(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for PushError {}

impl From<ApiError> for PushError {
    fn from(err: ApiError) -> Self {
        PushError::Api(err)
    }
}

impl PushError {
    /// The error as an error boundary takes it: an API failure as the [`ApiError`] it is, so the
    /// error view words it as such.
    pub fn into_boundary(self) -> leptos::error::Error {
        match self {
            PushError::Api(err) => err.into(),
            other => other.into(),
        }
    }
}

/// A browser exception as "Name: message".
fn browser_error(err: JsValue) -> PushError {
    let text = |name: &str| js_sys::Reflect::get(&err, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    match (text("name"), text("message")) {
        (Some(name), _) if name == "NotAllowedError" => PushError::Denied,
        (Some(name), Some(message)) => PushError::Browser(format!("{name}: {message}")),
        _ => PushError::Browser(format!("{err:?}")),
    }
}

fn has(target: &JsValue, name: &str) -> bool {
    js_sys::Reflect::has(target, &JsValue::from_str(name)).unwrap_or(false)
}

/// Whether this is an iPhone, iPad or iPod (iPadOS presents itself as a Mac with a touch screen).
fn is_ios(window: &web_sys::Window) -> bool {
    let navigator = window.navigator();
    let agent = navigator.user_agent().unwrap_or_default();
    let touch_mac = agent.contains("Macintosh")
        && js_sys::Reflect::get(&navigator, &JsValue::from_str("maxTouchPoints")).ok().and_then(|v| v.as_f64()).is_some_and(|n| n > 1.0);
    ["iPhone", "iPad", "iPod"].iter().any(|d| agent.contains(d)) || touch_mac
}

/// Whether the site runs as an installed app (from the Home Screen) rather than in a browser tab.
fn standalone(window: &web_sys::Window) -> bool {
    let ios_standalone = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("standalone")).ok().and_then(|v| v.as_bool());
    ios_standalone == Some(true) || window.match_media("(display-mode: standalone)").ok().flatten().is_some_and(|query| query.matches())
}

/// Whether this browser can get push notifications (nothing is asked).
pub fn support() -> Support {
    let Some(window) = web_sys::window() else { return Support::Unsupported };
    if has(&window.navigator(), "serviceWorker") && has(&window, "PushManager") && has(&window, "Notification") {
        Support::Available
    } else if is_ios(&window) && !standalone(&window) {
        Support::NeedsHomeScreen
    } else {
        Support::Unsupported
    }
}

/// The notification permission for this site (nothing is asked).
pub fn permission() -> Permission {
    if support() != Support::Available {
        return Permission::Ask;
    }
    match web_sys::Notification::permission() {
        web_sys::NotificationPermission::Granted => Permission::Granted,
        web_sys::NotificationPermission::Denied => Permission::Denied,
        _ => Permission::Ask,
    }
}

/// Asks for permission at once (this must run inside the click handler) and returns the answer
/// to await.
fn ask_permission() -> Result<Option<js_sys::Promise>, PushError> {
    match support() {
        Support::Available => {}
        Support::NeedsHomeScreen => return Err(PushError::NeedsHomeScreen),
        Support::Unsupported => return Err(PushError::Unsupported),
    }
    match permission() {
        Permission::Granted => Ok(None),
        Permission::Denied => Err(PushError::Denied),
        Permission::Ask => web_sys::Notification::request_permission().map(Some).map_err(browser_error),
    }
}

async fn permission_granted(asked: Option<js_sys::Promise>) -> Result<(), PushError> {
    let Some(promise) = asked else { return Ok(()) };
    let answer = JsFuture::from(promise).await.map_err(browser_error)?;
    match answer.as_string().as_deref() {
        Some("granted") => Ok(()),
        Some("denied") => Err(PushError::Denied),
        _ => Err(PushError::Dismissed),
    }
}

fn service_workers() -> Result<web_sys::ServiceWorkerContainer, PushError> {
    let window = web_sys::window().ok_or(PushError::Unsupported)?;
    Ok(window.navigator().service_worker())
}

/// The service worker registration, once its worker is active (registering `/sw.js` if the page
/// has not yet: registering again is harmless).
async fn active_registration() -> Result<web_sys::ServiceWorkerRegistration, PushError> {
    let container = service_workers()?;
    JsFuture::from(container.register("/sw.js")).await.map_err(browser_error)?;
    let ready = container.ready().map_err(browser_error)?;
    Ok(JsFuture::from(ready).await.map_err(browser_error)?.unchecked_into())
}

/// The registration, if the service worker has been registered (never waits for one).
async fn existing_registration() -> Result<Option<web_sys::ServiceWorkerRegistration>, PushError> {
    let found = JsFuture::from(service_workers()?.get_registration()).await.map_err(browser_error)?;
    Ok((!found.is_undefined() && !found.is_null()).then(|| found.unchecked_into()))
}

/// This browser's push subscription of `registration`, if it has one.
async fn browser_subscription(registration: &web_sys::ServiceWorkerRegistration) -> Result<Option<web_sys::PushSubscription>, PushError> {
    let manager = registration.push_manager().map_err(browser_error)?;
    let found = JsFuture::from(manager.get_subscription().map_err(browser_error)?).await.map_err(browser_error)?;
    Ok((!found.is_undefined() && !found.is_null()).then(|| found.unchecked_into()))
}

/// The subscription as `toJSON()` gives it (through `JSON.stringify`, which calls it).
fn subscription_json(subscription: &web_sys::PushSubscription) -> Result<PushSubscriptionJson, PushError> {
    let text: String = js_sys::JSON::stringify(subscription).map_err(browser_error)?.into();
    serde_json::from_str(&text).map_err(|err| PushError::Browser(format!("unexpected subscription {text}: {err}")))
}

/// The `applicationServerKey` a subscription was made with, when the browser says.
fn subscribed_key(subscription: &web_sys::PushSubscription) -> Option<Vec<u8>> {
    let options = js_sys::Reflect::get(subscription, &JsValue::from_str("options")).ok()?;
    let key = js_sys::Reflect::get(&options, &JsValue::from_str("applicationServerKey")).ok()?;
    key.dyn_into::<js_sys::ArrayBuffer>().ok().map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Decodes base64url (padding optional; the standard alphabet's `+` and `/` are taken too).
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0_u32, 0_u32);
    for c in text.trim().trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// This browser's subscription for the server's VAPID key: the one it has, or a new one (one made
/// for another key is dropped first: the push service would refuse the server's messages to it).
async fn subscribe_browser(registration: &web_sys::ServiceWorkerRegistration) -> Result<PushSubscriptionJson, PushError> {
    let raw_key = api::vapid_public_key().await?;
    let key = base64url_decode(&raw_key).ok_or_else(|| PushError::Browser(format!("the server's key {raw_key:?} is not base64url")))?;
    if let Some(existing) = browser_subscription(registration).await? {
        match subscribed_key(&existing) {
            Some(used) if used != key => {
                JsFuture::from(existing.unsubscribe().map_err(browser_error)?).await.map_err(browser_error)?;
            }
            _ => return subscription_json(&existing),
        }
    }
    let options = web_sys::PushSubscriptionOptionsInit::new();
    options.set_user_visible_only(true);
    options.set_application_server_key(&js_sys::Uint8Array::from(key.as_slice()));
    let manager = registration.push_manager().map_err(browser_error)?;
    let made = JsFuture::from(manager.subscribe_with_options(&options).map_err(browser_error)?).await.map_err(browser_error)?;
    subscription_json(&made.unchecked_into())
}

/// Asks for permission (now: call this from the click handler itself), subscribes this browser
/// and stores the subscription with the topics and city `choose` picks given what the server has
/// for this device so far, for notifications in `locale`.
fn subscribe(
    locale: Locale,
    choose: impl FnOnce(Option<&PushSubscriptionView>) -> (Vec<Topic>, Option<City>) + 'static,
) -> impl Future<Output = Result<PushSubscriptionView, PushError>> {
    let asked = ask_permission();
    async move {
        permission_granted(asked?).await?;
        let registration = active_registration().await?;
        let subscription = subscribe_browser(&registration).await?;
        let stored = api::push_subscriptions().await?;
        let (topics, city) = choose(stored.iter().find(|s| s.endpoint == subscription.endpoint));
        Ok(api::save_push_subscription(&subscription, &topics, city, locale).await?)
    }
}

/// Turns notifications on for `topics` (replacing what this device had), written in `locale`. Call
/// it from the click handler itself; await the answer in a task.
pub fn turn_on(topics: Vec<Topic>, locale: Locale) -> impl Future<Output = Result<PushSubscriptionView, PushError>> {
    subscribe(locale, move |stored| (topics, stored.and_then(|s| s.city)))
}

/// Adds "back in stock" of `sku` to this device's topics (turning notifications on for just that
/// if they were off), looking in `city` (or, without one, the city chosen before). Call it from
/// the click handler itself.
pub fn watch(sku: Sku, city: Option<City>, locale: Locale) -> impl Future<Output = Result<PushSubscriptionView, PushError>> {
    subscribe(locale, move |stored| {
        let mut topics = stored.map(|s| s.topics.clone()).unwrap_or_default();
        let topic = Topic::BackInStock(sku);
        if !topics.contains(&topic) {
            topics.push(topic);
        }
        (topics, city.or_else(|| stored.and_then(|s| s.city)))
    })
}

/// Where this device stands, for the opt-in card and the account's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceState {
    /// This browser's subscription, if it has one.
    pub subscription: Option<PushSubscriptionJson>,
    /// What the server holds for it for this shopper (`None`: off here, or the subscription
    /// belongs to someone else, e.g. made before signing in).
    pub mine: Option<PushSubscriptionView>,
    /// The shopper's subscriptions on other devices.
    pub others: usize,
}

impl DeviceState {
    /// Whether notifications are on here for this shopper.
    pub fn is_on(&self) -> bool {
        self.mine.is_some()
    }
}

/// Reads this device's state: the browser's subscription and the shopper's list on the server.
/// Asks nothing and registers nothing.
pub async fn device_state() -> Result<DeviceState, PushError> {
    let subscription = match support() {
        Support::Available => match existing_registration().await? {
            Some(registration) => browser_subscription(&registration).await?.map(|s| subscription_json(&s)).transpose()?,
            None => None,
        },
        Support::NeedsHomeScreen | Support::Unsupported => None,
    };
    let list = api::push_subscriptions().await?;
    let mine = subscription.as_ref().and_then(|s| list.iter().find(|v| v.endpoint == s.endpoint).cloned());
    let others = list.len() - usize::from(mine.is_some());
    Ok(DeviceState { subscription, mine, others })
}

/// Replaces the topics of this device's `subscription` (city kept as `city`; notifications in `locale`).
pub async fn save_topics(
    subscription: &PushSubscriptionJson,
    topics: &[Topic],
    city: Option<City>,
    locale: Locale,
) -> Result<PushSubscriptionView, PushError> {
    Ok(api::save_push_subscription(subscription, topics, city, locale).await?)
}

/// Switches the language (`i18n`) and, when it changed, has this device's notifications follow
/// it (in a task: a failure is logged, and the next change of topics sends it again).
pub fn switch_language(i18n: crate::i18n::I18n, locale: Locale) {
    if i18n.set(locale) {
        leptos::task::spawn_local(async move {
            if let Err(err) = follow_language(locale).await {
                leptos::logging::warn!("notifications stay in the previous language: {err}");
            }
        });
    }
}

/// After the shopper switched languages: this device's notifications are written in `locale` from
/// now on. Does nothing where this browser has no subscription; asks nothing.
pub async fn follow_language(locale: Locale) -> Result<(), PushError> {
    if support() != Support::Available {
        return Ok(());
    }
    let Some(registration) = existing_registration().await? else { return Ok(()) };
    let Some(subscription) = browser_subscription(&registration).await? else { return Ok(()) };
    let subscription = subscription_json(&subscription)?;
    let list = api::push_subscriptions().await?;
    if let Some(mine) = list.iter().find(|v| v.endpoint == subscription.endpoint) {
        api::save_push_subscription(&subscription, &mine.topics, mine.city, locale).await?;
    }
    Ok(())
}

/// Turns notifications off on this device: the server forgets the subscription first (so a
/// failure leaves everything as it was, to try again), then the browser drops it.
pub async fn turn_off() -> Result<(), PushError> {
    let Some(registration) = existing_registration().await? else { return Ok(()) };
    let Some(subscription) = browser_subscription(&registration).await? else { return Ok(()) };
    let endpoint = subscription_json(&subscription)?.endpoint;
    match api::delete_push_subscription(&endpoint).await {
        Ok(()) => {}
        // Already gone on the server (removed by the push service's 410, or never stored here).
        Err(err) if err.code == "unknown_subscription" => {}
        Err(err) => return Err(err.into()),
    }
    JsFuture::from(subscription.unsubscribe().map_err(browser_error)?).await.map_err(browser_error)?;
    Ok(())
}
