//! The island of a product page's availability panel. The server renders the panel — which stores
//! have the product, how far they are, when it can be collected — and its results for a city or a
//! point (`/p/{sku}/availability`, `vitrina-storefront`). This island adds what needs the browser:
//! "use my location" (browser geolocation, remembered on the device) and a city picked from the
//! list without a page load, swapping the server's results in. It also remembers the shopper's
//! position for checkout ([`known_position`]).

use crate::storage;
use leptos::task::spawn_local;
use std::cell::Cell;
use std::rc::Rc;
use vitrina_shared::store::City;
use vitrina_shared::{GeoPoint, Sku};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// localStorage key holding the shopper's city slug (`moscow`, `saint_petersburg`).
pub const CITY_STORAGE_KEY: &str = "vitrina.city";

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
    /// The panel's `data-msg-*` attribute (rendered by the server in the page's language) that
    /// says so, if anything is to be said.
    fn message(self) -> Option<&'static str> {
        match self {
            GeoState::Idle => None,
            GeoState::Located => Some("data-msg-location"),
            GeoState::Locating => Some("data-msg-locating"),
            GeoState::Denied => Some("data-msg-denied"),
            GeoState::Unavailable => Some("data-msg-unavailable"),
            GeoState::TimedOut => Some("data-msg-timeout"),
            GeoState::Unsupported => Some("data-msg-unsupported"),
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

/// Mounts the islands inside swapped-in results (the "notify me" button) and returns how to let
/// them go when the results are swapped again.
pub type MountResults = Rc<dyn Fn(&web_sys::Element) -> Box<dyn FnOnce()>>;

/// The server-rendered panel's parts the island works with.
struct Panel {
    section: web_sys::HtmlElement,
    status: web_sys::Element,
    results: web_sys::Element,
    button: web_sys::HtmlButtonElement,
    select: web_sys::HtmlSelectElement,
    /// `/p/{sku}/availability` in the page's language.
    base: String,
    /// Counts the answers asked for: only the latest one is shown.
    asked: Cell<u32>,
    mount: MountResults,
    unmount: Cell<Option<Box<dyn FnOnce()>>>,
}

impl Panel {
    fn find(host: &web_sys::Element, sku: &Sku, mount: MountResults) -> Option<Panel> {
        let part = |selector: &str| host.query_selector(selector).ok().flatten();
        let english = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("lang"))
            .is_some_and(|lang| lang == "en");
        Some(Panel {
            section: part(".avail-panel")?.dyn_into().ok()?,
            status: part("[data-testid=avail-status]")?,
            results: part(".avail-results")?,
            button: part("[data-testid=use-location]")?.dyn_into().ok()?,
            select: part("[data-testid=city-select]")?.dyn_into().ok()?,
            base: format!("{}/p/{sku}/availability", if english { "/en" } else { "" }),
            asked: Cell::new(0),
            mount,
            unmount: Cell::new(None),
        })
    }

    /// Shows the message of the panel's `data-msg-*` attribute `key` (nothing for `None`).
    fn say(&self, key: Option<&str>, warning: bool) {
        let text = key.and_then(|k| self.section.get_attribute(k)).unwrap_or_default();
        self.status.set_text_content(Some(&text));
        self.status.set_class_name(if warning { "avail-status is-warning" } else { "avail-status" });
    }

    fn geo(&self, state: GeoState) {
        self.say(state.message(), state.failed());
        let locating = state == GeoState::Locating;
        self.button.set_disabled(locating);
        self.button.set_attribute("aria-busy", if locating { "true" } else { "false" }).ok();
        self.button.set_attribute("aria-pressed", if state == GeoState::Located { "true" } else { "false" }).ok();
    }

    /// Asks the server for the results around `query` (`city=…` or `lat=…&lon=…`) and shows them.
    fn show(self: &Rc<Self>, query: String) {
        let ticket = self.asked.get().wrapping_add(1);
        self.asked.set(ticket);
        self.results.set_attribute("aria-busy", "true").ok();
        let panel = self.clone();
        spawn_local(async move {
            let url = format!("{}?{query}", panel.base);
            let answer = match gloo_net::http::Request::get(&url).send().await {
                Ok(response) if response.ok() => response.text().await.map_err(|e| e.to_string()),
                Ok(response) => Err(format!("HTTP {}", response.status())),
                Err(e) => Err(e.to_string()),
            };
            if panel.asked.get() != ticket {
                return;
            }
            panel.results.remove_attribute("aria-busy").ok();
            match answer {
                Ok(html) => {
                    if let Some(unmount) = panel.unmount.take() {
                        unmount();
                    }
                    panel.results.set_inner_html(&html);
                    panel.unmount.set(Some((panel.mount)(&panel.results)));
                }
                Err(err) => {
                    leptos::logging::warn!("could not update the availability panel from {url}: {err}");
                    panel.say(Some("data-msg-failed"), true);
                }
            }
        });
    }

    fn locate(self: &Rc<Self>) {
        self.geo(GeoState::Locating);
        let panel = self.clone();
        // The answer may come after the shopper has left the page: then nothing is shown.
        let done = move |result: Result<GeoPoint, GeoState>| match result {
            Ok(point) => {
                panel.geo(GeoState::Located);
                // The next product page (another language, another product) asks again by itself,
                // and checkout lists the pickup stores nearest this point first (kept on this
                // device only, to about 100 m).
                storage::set(LOCATED_STORAGE_KEY, "1");
                storage::set(NEAR_STORAGE_KEY, &format!("{:.3},{:.3}", point.lat, point.lon));
                panel.select.set_value("");
                panel.show(point.query());
            }
            Err(state) => {
                panel.geo(state);
                if let Err(err) = panel.select.focus() {
                    leptos::logging::warn!("could not focus the city picker: {err:?}");
                }
            }
        };
        if let Err(state) = request_position(done.clone()) {
            done(Err(state));
        }
    }

    fn pick(self: &Rc<Self>) {
        let picked = City::from_slug(&self.select.value());
        storage::remove(LOCATED_STORAGE_KEY);
        storage::remove(NEAR_STORAGE_KEY);
        self.geo(GeoState::Idle);
        match picked {
            Some(city) => {
                storage::set(CITY_STORAGE_KEY, city.slug());
                self.say(Some("data-msg-city"), false);
                self.show(format!("city={}", city.slug()));
            }
            None => storage::remove(CITY_STORAGE_KEY),
        }
    }
}

/// Adds "use my location" and a live city picker to the server-rendered availability panel in
/// `host`; `page_city` is the city the page was opened for (`?city=`), which wins over the one kept
/// on the device. `mount` mounts the islands inside swapped-in results. Without the panel's parts
/// (an older page) it leaves the panel as it is.
pub fn enhance(host: &web_sys::Element, sku: &Sku, page_city: Option<City>, mount: MountResults) {
    let Some(panel) = Panel::find(host, sku, mount) else {
        leptos::logging::warn!("the availability panel has no controls to enhance");
        return;
    };
    let panel = Rc::new(panel);
    // The picker answers at once, so the no-JavaScript "show" button goes.
    if let Ok(Some(submit)) = host.query_selector(".city-submit") {
        submit.set_attribute("hidden", "").ok();
    }
    let on_click = {
        let panel = panel.clone();
        Closure::<dyn Fn()>::new(move || panel.locate())
    };
    panel.button.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    on_click.forget();
    let on_change = {
        let panel = panel.clone();
        Closure::<dyn Fn()>::new(move || panel.pick())
    };
    panel.select.set_onchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    panel.button.set_disabled(false);
    let picked_meanwhile = City::from_slug(&panel.select.value()).filter(|c| Some(*c) != page_city);
    if picked_meanwhile.is_some() {
        // A city picked before the island started.
        panel.pick();
    } else if storage::get(LOCATED_STORAGE_KEY).is_some() {
        // Shared on this device before: ask again at once (the browser does not prompt twice).
        panel.locate();
    } else if page_city.is_none() {
        if let Some(city) = storage::get(CITY_STORAGE_KEY).and_then(|slug| City::from_slug(&slug)) {
            panel.select.set_value(city.slug());
            panel.say(Some("data-msg-city"), false);
            panel.show(format!("city={}", city.slug()));
        }
    }
}
