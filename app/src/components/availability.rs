//! The availability panel of a product page: which stores have the product, how far they are and
//! when it can be collected. The shopper's position comes from browser geolocation or, when that
//! is refused or unavailable, from the centre of a city they pick (remembered on the device).

use crate::api;
use crate::components::error::LoadBoundary;
use crate::components::push::NotifyWhenBack;
use crate::i18n::{availability_headline, city_name, format_distance, format_pickup, now_unix, t, units_available, use_i18n, Key, Locale};
use crate::storage;
use leptos::html;
use leptos::prelude::*;
use vitrina_shared::availability::{Availability, StoreAvailability};
use vitrina_shared::store::City;
use vitrina_shared::{GeoPoint, Sku};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// localStorage key holding the shopper's city slug (`moscow`, `saint_petersburg`).
pub const CITY_STORAGE_KEY: &str = "vitrina.city";

/// Both cities the chain trades in keep Moscow time (UTC+3, no daylight saving). The availability
/// answer does not carry store offsets, so pickup times are shown in this one.
const STORE_UTC_OFFSET_MINUTES: i32 = 180;

/// Where the browser geolocation request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GeoState {
    Idle,
    Locating,
    Located,
    Denied,
    Unavailable,
    TimedOut,
    Unsupported,
}

impl GeoState {
    fn message(self) -> Option<Key> {
        match self {
            GeoState::Idle | GeoState::Located => None,
            GeoState::Locating => Some(Key::Locating),
            GeoState::Denied => Some(Key::GeoDenied),
            GeoState::Unavailable => Some(Key::GeoUnavailable),
            GeoState::TimedOut => Some(Key::GeoTimeout),
            GeoState::Unsupported => Some(Key::GeoUnsupported),
        }
    }

    fn failed(self) -> bool {
        matches!(self, GeoState::Denied | GeoState::Unavailable | GeoState::TimedOut | GeoState::Unsupported)
    }
}

/// Asks the browser for the shopper's position; `done` gets the point or why there is none.
/// Returns the failure at once when the browser has no geolocation.
fn request_position(done: impl Fn(Result<GeoPoint, GeoState>) + Clone + 'static) -> Result<(), GeoState> {
    let navigator = web_sys::window().ok_or(GeoState::Unsupported)?.navigator();
    // `navigator.geolocation` is missing in insecure contexts and some embedded browsers.
    if !js_sys::Reflect::has(&navigator, &JsValue::from_str("geolocation")).unwrap_or(false) {
        return Err(GeoState::Unsupported);
    }
    let geolocation = navigator.geolocation().map_err(|_| GeoState::Unsupported)?;
    let on_position = {
        let done = done.clone();
        Closure::once_into_js(move |position: web_sys::Position| {
            let coords = position.coords();
            done(GeoPoint::new(coords.latitude(), coords.longitude()).map_err(|_| GeoState::Unavailable));
        })
    };
    let on_error = Closure::once_into_js(move |error: web_sys::PositionError| {
        done(Err(match error.code() {
            web_sys::PositionError::PERMISSION_DENIED => GeoState::Denied,
            web_sys::PositionError::TIMEOUT => GeoState::TimedOut,
            _ => GeoState::Unavailable,
        }));
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(false);
    options.set_timeout(15_000);
    options.set_maximum_age(5 * 60 * 1000);
    geolocation
        .get_current_position_with_error_callback_and_options(on_position.unchecked_ref(), Some(on_error.unchecked_ref()), &options)
        .map_err(|_| GeoState::Unavailable)
}

/// localStorage key set once the shopper has shared their location on this device.
const LOCATED_STORAGE_KEY: &str = "vitrina.located";
/// localStorage key of the last shared location, `lat,lon` to three decimals.
const NEAR_STORAGE_KEY: &str = "vitrina.near";

/// Where the shopper is, as far as this device knows: the last shared location, else the centre of
/// the city they picked.
pub fn known_position() -> Option<GeoPoint> {
    let shared = storage::get(NEAR_STORAGE_KEY).and_then(|text| {
        let (lat, lon) = text.split_once(',')?;
        GeoPoint::new(lat.parse().ok()?, lon.parse().ok()?).ok()
    });
    shared.or_else(|| storage::get(CITY_STORAGE_KEY).and_then(|slug| City::from_slug(&slug)).map(City::centre))
}

#[component]
pub fn AvailabilityPanel(
    sku: Sku,
    /// The city the page was opened for (`?city=` of a server-rendered page), over the one kept on
    /// this device.
    #[prop(default = None)]
    city: Option<City>,
) -> impl IntoView {
    let i18n = use_i18n();
    let city = RwSignal::new(city.or_else(|| storage::get(CITY_STORAGE_KEY).and_then(|slug| City::from_slug(&slug))));
    let located = RwSignal::new(None::<GeoPoint>);
    let geo_state = RwSignal::new(GeoState::Idle);
    // A shared location wins over the city; picking a city drops the shared location.
    let position = Memo::new(move |_| located.get().or_else(|| city.get().map(City::centre)));
    let city_select: NodeRef<html::Select> = NodeRef::new();
    // Where "Notify me when it's back" looks: the city nearest a shared location, else the picked one.
    let watch_city = Signal::derive(move || located.get().map(nearest_city).or_else(|| city.get()));

    let availability = LocalResource::new(move || {
        let (sku, near) = (sku.clone(), position.get());
        async move { api::availability(&sku, near).await }
    });

    let locate = move || {
        geo_state.set(GeoState::Locating);
        // The answer may come after the shopper has left the page, hence `try_set`.
        let done = move |result: Result<GeoPoint, GeoState>| match result {
            Ok(point) => {
                located.try_set(Some(point));
                geo_state.try_set(GeoState::Located);
                // The next product page (another language, another product) asks again by itself,
                // and checkout lists the pickup stores nearest this point first (kept on this
                // device only, to about 100 m).
                storage::set(LOCATED_STORAGE_KEY, "1");
                storage::set(NEAR_STORAGE_KEY, &format!("{:.3},{:.3}", point.lat, point.lon));
            }
            Err(state) => {
                geo_state.try_set(state);
                if let Some(select) = city_select.get_untracked() {
                    if let Err(err) = select.focus() {
                        leptos::logging::warn!("could not focus the city picker: {err:?}");
                    }
                }
            }
        };
        if let Err(state) = request_position(done) {
            done(Err(state));
        }
    };
    let use_location = move |_| locate();
    // Shared on this device before: ask again at once (the browser does not prompt twice).
    if storage::get(LOCATED_STORAGE_KEY).is_some() {
        locate();
    }

    let on_city_change = move |ev| {
        let picked = City::from_slug(&event_target_value(&ev));
        match picked {
            Some(c) => storage::set(CITY_STORAGE_KEY, c.slug()),
            None => storage::remove(CITY_STORAGE_KEY),
        }
        storage::remove(LOCATED_STORAGE_KEY);
        storage::remove(NEAR_STORAGE_KEY);
        located.set(None);
        if geo_state.get_untracked() != GeoState::Locating {
            geo_state.set(GeoState::Idle);
        }
        city.set(picked);
    };

    let status = move || {
        let key = match geo_state.get().message() {
            Some(key) => key,
            None if located.get().is_some() => Key::GeoUsingLocation,
            None if city.get().is_some() => Key::GeoUsingCity,
            None => Key::GeoNoPosition,
        };
        view! {
            <p class={if geo_state.get().failed() { "avail-status is-warning" } else { "avail-status" }}>
                {move || i18n.t(key)}
            </p>
        }
    };

    let city_options = move || {
        let locale = i18n.locale();
        City::ALL
            .into_iter()
            .map(|c| {
                view! {
                    <option value=c.slug() prop:selected=move || city.get() == Some(c)>
                        {city_name(locale, c)}
                    </option>
                }
            })
            .collect_view()
    };

    let results = move || {
        availability.get().map(|result| {
            result.map(|answer| {
                let near_you = position.get_untracked().is_some();
                view! { <AvailabilityResult answer near_you watch_city /> }
            })
        })
    };

    view! {
        <section class="avail-panel" data-testid="availability-panel" aria-labelledby="avail-title">
            <h2 id="avail-title" class="avail-title">{move || i18n.t(Key::AvailabilityHeading)}</h2>
            <div class="avail-controls">
                <button
                    type="button"
                    class="button use-location"
                    data-testid="use-location"
                    disabled=move || geo_state.get() == GeoState::Locating
                    aria-busy=move || (geo_state.get() == GeoState::Locating).to_string()
                    aria-pressed=move || located.get().is_some().to_string()
                    on:click=use_location
                >
                    {move || i18n.t(Key::UseMyLocation)}
                </button>
                <div class="city-picker">
                    <label class="city-label" for="city-select">
                        {move || i18n.t(Key::CityLabel)}
                    </label>
                    <select
                        id="city-select"
                        class="city-select"
                        data-testid="city-select"
                        node_ref=city_select
                        on:change=on_city_change
                    >
                        <option value="" disabled=true prop:selected=move || city.get().is_none()>
                            {move || i18n.t(Key::CityPlaceholder)}
                        </option>
                        {city_options}
                    </select>
                </div>
            </div>
            <div aria-live="polite">{status}</div>
            <LoadBoundary on_retry=move |_| availability.refetch() label=Key::CheckingAvailability>
                <div class="avail-results">{results}</div>
            </LoadBoundary>
        </section>
    }
}

/// The headline and the store list of one availability answer.
#[component]
fn AvailabilityResult(answer: Availability, near_you: bool, watch_city: Signal<Option<City>>) -> impl IntoView {
    let i18n = use_i18n();
    let Availability { sku, in_stock_stores, in_stock_nearby, stores, .. } = answer;
    // Out of stock near the shopper (or anywhere): offer to say when it is back.
    let offer_alert = in_stock_stores == 0 || (near_you && in_stock_nearby == Some(0));
    // "Near you" counts only stores within the nearby radius; if none is near, say where it is at all.
    let (count, near_you) = match in_stock_nearby {
        Some(nearby) if near_you && nearby > 0 => (nearby, true),
        _ => (in_stock_stores, false),
    };
    let now = now_unix();
    let rows = stores.into_iter().map(|store| view! { <StoreRow store now /> }).collect_view();
    view! {
        <p
            class={if count > 0 { "avail-headline" } else { "avail-headline out-of-stock" }}
            data-testid="availability-headline"
        >
            {move || availability_headline(i18n.locale(), count, near_you)}
        </p>
        {offer_alert.then(|| view! { <NotifyWhenBack sku city=watch_city /> })}
        <ul class="avail-list">{rows}</ul>
    }
}

/// The city whose centre is nearest `point`.
fn nearest_city(point: GeoPoint) -> City {
    City::ALL.into_iter().min_by_key(|c| c.centre().distance_m(&point)).unwrap_or(City::Moscow)
}

fn pickup_text(locale: Locale, store: &StoreAvailability, now: i64) -> Option<String> {
    let at = store.pickup_at.as_ref()?.timestamp();
    Some(format!("{} {}", t(locale, Key::Pickup), format_pickup(locale, at, now, STORE_UTC_OFFSET_MINUTES)))
}

#[component]
fn StoreRow(store: StoreAvailability, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let in_stock = store.available > 0;
    let available = store.available;
    let city = store.city;
    let open_now = store.open_now;
    let distance = store.distance_m.map(|metres| {
        view! {
            <span class="avail-distance" data-testid="store-distance">
                {move || format_distance(i18n.locale(), metres)}
            </span>
        }
    });
    let pickup = {
        let store = store.clone();
        move || pickup_text(i18n.locale(), &store, now).map(|text| view! { <p class="avail-pickup">{text}</p> })
    };
    view! {
        <li
            class={if in_stock { "avail-store" } else { "avail-store out-of-stock" }}
            data-testid="availability-store"
            data-available=available
        >
            <div class="avail-store-head">
                <h3 class="avail-store-name">{store.store_name}</h3>
                {distance}
            </div>
            <p class="avail-store-address">
                {move || city_name(i18n.locale(), city)} ", " {store.address}
            </p>
            <p class="avail-store-meta">
                <span class="avail-qty">
                    {move || {
                        if in_stock {
                            units_available(i18n.locale(), available)
                        } else {
                            i18n.t(Key::OutOfStock).to_owned()
                        }
                    }}
                </span>
                <span class={if open_now { "avail-open is-open" } else { "avail-open is-closed" }}>
                    {move || i18n.t(if open_now { Key::OpenNow } else { Key::ClosedNow })}
                </span>
            </p>
            {pickup}
        </li>
    }
}
