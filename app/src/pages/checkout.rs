//! `/checkout`: how the shopper gets the goods (pickup in a store that has all of them, courier
//! delivery, or a partner pickup point), who receives them, how they pay, the points they spend and
//! what it all costs. Placing the order opens its page, `/orders/{id}?placed=1`.
//!
//! An order is placed at most once per attempt: a request's `Idempotency-Key` stays the same while
//! that same request is sent again after getting no answer (network error, timeout, 5xx), and is
//! replaced once the server has definitely refused it (4xx) or the shopper has changed the form.

use crate::api::{self, ApiError};
use crate::cart::use_cart;
use crate::components::availability::known_position;
use crate::components::error::LoadBoundary;
use crate::components::form_field::FormField;
use crate::i18n::{
    city_name, delivery_days, format_money, format_pickup, missing_units, now_unix, points_balance_text, points_range_text, reserve_note,
    t, use_i18n, Key, Locale,
};
use crate::session::{use_session, SignedInAs};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use rust_decimal::Decimal;
use vitrina_shared::account::Email;
use vitrina_shared::api::{CheckoutOptions, CheckoutRequest, FulfilmentChoice, PaymentChoice};
use vitrina_shared::availability::Availability;
use vitrina_shared::loyalty::points_value;
use vitrina_shared::orders::{delivery_price, normalize_phone, order_total, region_for, test_card, Address, Contact, DeliveryRegion};
use vitrina_shared::store::City;
use vitrina_shared::{Money, Sku, StoreId};
use wasm_bindgen::JsCast;

/// How the goods reach the shopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    Pickup,
    Delivery,
    PickupPoint,
}

impl Way {
    const ALL: [Way; 3] = [Way::Pickup, Way::Delivery, Way::PickupPoint];

    fn value(self) -> &'static str {
        match self {
            Way::Pickup => "pickup",
            Way::Delivery => "delivery",
            Way::PickupPoint => "pickup_point",
        }
    }

    fn label(self) -> Key {
        match self {
            Way::Pickup => Key::WayPickup,
            Way::Delivery => Key::WayDelivery,
            Way::PickupPoint => Key::WayPickupPoint,
        }
    }

    fn hint(self) -> Key {
        match self {
            Way::Pickup => Key::WayPickupHint,
            Way::Delivery => Key::WayDeliveryHint,
            Way::PickupPoint => Key::WayPickupPointHint,
        }
    }
}

/// How the shopper pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pay {
    OnPickup,
    TestCard,
}

impl Pay {
    fn method(self) -> &'static str {
        match self {
            Pay::OnPickup => "pay_on_pickup",
            Pay::TestCard => "test_card",
        }
    }
}

/// A part of the form that can be wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Postcode,
    City,
    Street,
    House,
    Apartment,
    Comment,
    Name,
    Phone,
    Email,
    Card,
    Points,
    Store,
    Point,
}

impl Field {
    const ALL: [Field; 13] = [
        Field::Store,
        Field::Point,
        Field::Postcode,
        Field::City,
        Field::Street,
        Field::House,
        Field::Apartment,
        Field::Comment,
        Field::Name,
        Field::Phone,
        Field::Email,
        Field::Card,
        Field::Points,
    ];

    /// The id of its input (of its group, for the store and the pickup point).
    fn id(self) -> &'static str {
        match self {
            Field::Postcode => "checkout-postcode",
            Field::City => "checkout-city",
            Field::Street => "checkout-street",
            Field::House => "checkout-house",
            Field::Apartment => "checkout-apartment",
            Field::Comment => "checkout-comment",
            Field::Name => "checkout-name",
            Field::Phone => "checkout-phone",
            Field::Email => "checkout-email",
            Field::Card => "checkout-card",
            Field::Points => "checkout-points",
            Field::Store => "checkout-store",
            Field::Point => "checkout-point",
        }
    }

    /// The name the server gives it in a 422's `field` parameter (and the shared rules' `field`).
    fn server_name(self) -> &'static str {
        match self {
            Field::Postcode => "postcode",
            Field::City => "city",
            Field::Street => "street",
            Field::House => "house",
            Field::Apartment => "apartment",
            Field::Comment => "comment",
            Field::Name => "contact.name",
            Field::Phone => "contact.phone",
            Field::Email => "contact.email",
            Field::Card => "card_number",
            Field::Points => "redeem_points",
            Field::Store => "store",
            Field::Point => "point",
        }
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq)]
enum Problem {
    Say(Key),
    /// Points outside 0..=max.
    PointsRange(i64),
    /// The server refused the order because of this field: what the error's code says.
    Refused(ApiError),
}

impl Problem {
    fn text(&self, locale: Locale) -> String {
        match self {
            Problem::Say(key) => t(locale, *key).to_owned(),
            Problem::PointsRange(max) => points_range_text(locale, *max),
            Problem::Refused(err) => err.text(locale),
        }
    }
}

/// The checkout form's state. Field problems show once the shopper has tried to place the order;
/// a field the server refused shows the server's word until the next attempt.
#[derive(Debug, Clone, Copy)]
struct Form {
    options: RwSignal<CheckoutOptions>,
    way: RwSignal<Way>,
    store: RwSignal<Option<StoreId>>,
    point: RwSignal<Option<String>>,
    postcode: RwSignal<String>,
    city: RwSignal<String>,
    street: RwSignal<String>,
    house: RwSignal<String>,
    apartment: RwSignal<String>,
    comment: RwSignal<String>,
    name: RwSignal<String>,
    phone: RwSignal<String>,
    email: RwSignal<String>,
    pay: RwSignal<Pay>,
    card: RwSignal<String>,
    points: RwSignal<String>,
    attempted: RwSignal<bool>,
    refused: RwSignal<Option<(Field, Problem)>>,
}

impl Form {
    fn new(options: CheckoutOptions) -> Self {
        let offers_pay_on_pickup = options.payment_methods.iter().any(|m| m == Pay::OnPickup.method());
        let offers_test_card = options.payment_methods.iter().any(|m| m == Pay::TestCard.method());
        let text = || RwSignal::new(String::new());
        Form {
            options: RwSignal::new(options),
            way: RwSignal::new(Way::Pickup),
            store: RwSignal::new(None),
            point: RwSignal::new(None),
            postcode: text(),
            city: text(),
            street: text(),
            house: text(),
            apartment: text(),
            comment: text(),
            name: text(),
            phone: text(),
            email: text(),
            pay: RwSignal::new(if !offers_pay_on_pickup && offers_test_card { Pay::TestCard } else { Pay::OnPickup }),
            card: text(),
            points: RwSignal::new("0".to_owned()),
            attempted: RwSignal::new(false),
            refused: RwSignal::new(None),
        }
    }

    /// Whether `field` is part of the order as chosen (tracked).
    fn applies(&self, field: Field) -> bool {
        match field {
            Field::Postcode | Field::City | Field::Street | Field::House | Field::Apartment | Field::Comment => {
                self.way.get() == Way::Delivery
            }
            Field::Store => self.way.get() == Way::Pickup,
            Field::Point => self.way.get() == Way::PickupPoint,
            Field::Card => self.pay.get() == Pay::TestCard,
            Field::Points => self.options.with(|o| o.points_balance.is_some()),
            Field::Name | Field::Phone | Field::Email => true,
        }
    }

    fn address(&self) -> Address {
        Address {
            postcode: self.postcode.get(),
            city: self.city.get(),
            street: self.street.get(),
            house: self.house.get(),
            apartment: self.apartment.get(),
            comment: self.comment.get(),
        }
    }

    fn contact(&self) -> Contact {
        Contact {
            name: self.name.get().trim().to_owned(),
            phone: self.phone.get().trim().to_owned(),
            email: self.email.get().trim().to_owned(),
        }
    }

    /// The delivery region of the postcode typed, if it is one (tracked).
    fn region(&self) -> Option<DeliveryRegion> {
        let postcode = self.postcode.get();
        let postcode = postcode.trim();
        if postcode.len() != 6 || !postcode.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number: u32 = postcode.parse().ok()?;
        self.options.with(|o| region_for(&o.delivery_regions, number).cloned())
    }

    /// The most points this order may take: the balance and the cart's cap (tracked).
    fn points_cap(&self) -> i64 {
        self.options.with(|o| o.points_balance.unwrap_or(0).min(o.max_redeemable.unwrap_or(0)).max(0))
    }

    fn points_asked(&self) -> Option<i64> {
        let raw = self.points.get();
        let raw = raw.trim();
        if raw.is_empty() {
            Some(0)
        } else {
            raw.parse().ok()
        }
    }

    /// The points the order spends, as far as they are valid (tracked).
    fn points_spent(&self) -> i64 {
        if self.applies(Field::Points) && self.check(Field::Points).is_none() {
            self.points_asked().unwrap_or(0)
        } else {
            0
        }
    }

    /// What the app's own rules (mostly the shared ones) say is wrong with `field` (tracked).
    fn check(&self, field: Field) -> Option<Problem> {
        if !self.applies(field) {
            return None;
        }
        let required = |value: RwSignal<String>| value.with(|v| v.trim().is_empty()).then_some(Problem::Say(Key::ErrRequired));
        match field {
            Field::Postcode => {
                let postcode = self.postcode.get();
                let postcode = postcode.trim();
                if postcode.len() != 6 || !postcode.bytes().all(|b| b.is_ascii_digit()) {
                    Some(Problem::Say(Key::ErrPostcode))
                } else if self.region().is_none() {
                    Some(Problem::Say(Key::ErrOutsideRegions))
                } else {
                    None
                }
            }
            Field::City => required(self.city).or_else(|| self.address_rule(field)),
            Field::Street => required(self.street).or_else(|| self.address_rule(field)),
            Field::House => required(self.house).or_else(|| self.address_rule(field)),
            Field::Apartment | Field::Comment => self.address_rule(field),
            Field::Name => required(self.name).or_else(|| self.contact_rule(field)),
            Field::Phone => {
                required(self.phone).or_else(|| self.phone.with(|p| normalize_phone(p).is_none()).then_some(Problem::Say(Key::ErrPhone)))
            }
            Field::Email => {
                self.email.with(|e| !e.trim().is_empty() && Email::parse(e).is_err()).then_some(Problem::Say(Key::ErrInvalidEmail))
            }
            Field::Card => {
                required(self.card).or_else(|| self.card.with(|c| test_card(c).is_none()).then_some(Problem::Say(Key::ErrCardNumber)))
            }
            Field::Points => {
                let cap = self.points_cap();
                match self.points_asked() {
                    Some(n) if (0..=cap).contains(&n) => None,
                    _ => Some(Problem::PointsRange(cap)),
                }
            }
            Field::Store => self.store.with(Option::is_none).then_some(Problem::Say(Key::ErrChooseStore)),
            Field::Point => self.point.with(Option::is_none).then_some(Problem::Say(Key::ErrChoosePoint)),
        }
    }

    /// The shared address rule's complaint, when it is about `field` (the ones with words of their
    /// own, such as a missing value, are checked before).
    fn address_rule(&self, field: Field) -> Option<Problem> {
        let err = self.address().validate().err()?;
        (err.field == field.server_name()).then_some(Problem::Say(Key::ErrFieldInvalid))
    }

    /// The shared contact rule's complaint, when it is about `field`.
    fn contact_rule(&self, field: Field) -> Option<Problem> {
        let err = self.contact().validate().err()?;
        (err.field == field.server_name()).then_some(Problem::Say(Key::ErrFieldInvalid))
    }

    /// The problem shown at `field` (tracked).
    fn problem(&self, field: Field) -> Option<Problem> {
        if self.attempted.get() {
            if let Some(problem) = self.check(field) {
                return Some(problem);
            }
        }
        self.refused.with(|r| r.as_ref().filter(|(f, _)| *f == field).map(|(_, p)| p.clone()))
    }

    fn all_valid(&self) -> bool {
        Field::ALL.into_iter().all(|f| self.check(f).is_none())
    }

    /// The request for the order as filled in; `None` while the chosen store or point is missing.
    fn request(&self, cart_version: Option<i64>) -> Option<CheckoutRequest> {
        let fulfilment = match self.way.get() {
            Way::Pickup => FulfilmentChoice::Pickup { store: self.store.get()?.to_string() },
            Way::Delivery => FulfilmentChoice::Delivery { address: self.address() },
            Way::PickupPoint => FulfilmentChoice::PickupPoint { point: self.point.get()? },
        };
        let payment = match self.pay.get() {
            Pay::OnPickup => PaymentChoice::PayOnPickup,
            Pay::TestCard => PaymentChoice::TestCard { card_number: self.card.get().trim().to_owned() },
        };
        Some(CheckoutRequest { fulfilment, payment, contact: self.contact(), redeem_points: self.points_spent(), cart_version })
    }

    /// What delivery costs on `goods` (free under an offer); `None` until the address or point
    /// says (tracked).
    fn delivery_cost(&self, goods: Money, free: bool) -> Option<Money> {
        if free {
            return Some(Money::new(Decimal::ZERO, goods.currency));
        }
        match self.way.get() {
            Way::Pickup => Some(Money::new(Decimal::ZERO, goods.currency)),
            Way::Delivery => self.region().map(|r| delivery_price(&r, goods)),
            Way::PickupPoint => {
                let point = self.point.get()?;
                self.options.with(|o| o.pickup_points.iter().find(|p| p.id == point).map(|p| p.price))
            }
        }
    }
}

/// Asks the server again for the options (after the cart or the points balance changed).
fn refresh_options(form: Form) {
    spawn_local(async move {
        match api::checkout_options().await {
            Ok(options) => {
                form.options.try_set(options);
            }
            Err(err) => leptos::logging::warn!("could not refresh the checkout options: {err}"),
        }
    });
}

/// What the alert above the button says for a refused or failed order.
fn order_error_key(err: &ApiError) -> Key {
    match err.code.as_str() {
        "payment_declined" => Key::ErrPaymentDeclined,
        "insufficient_stock" => Key::ErrStockChanged,
        "cart_conflict" => Key::ErrCartChanged,
        "loyalty_changed" => Key::ErrLoyaltyChanged,
        "sign_in_required" => Key::ErrSignInForPoints,
        "cart_empty" => Key::ErrCartEmptyAtCheckout,
        "unknown_store" => Key::ErrStoreNotFound,
        "unknown_pickup_point" => Key::ErrUnknownPoint,
        "invalid_contact"
        | "invalid_address"
        | "outside_delivery_regions"
        | "invalid_card"
        | "not_enough_points"
        | "points_above_cap"
        | "negative_points" => Key::ErrCheckFields,
        "too_many_requests" => Key::ErrTooManyRequests,
        "request_in_progress" => Key::ErrOrderInProgress,
        _ => Key::ErrOrderFailed,
    }
}

/// The field a refusal is about, and what to say there.
fn refused_field(err: &ApiError) -> Option<(Field, Problem)> {
    let field = match err.code.as_str() {
        "invalid_address" | "invalid_contact" => {
            let name = err.param("field")?;
            let field = Field::ALL.into_iter().find(|f| f.server_name() == name)?;
            return Some((field, Problem::Say(Key::ErrFieldInvalid)));
        }
        "outside_delivery_regions" => Field::Postcode,
        "invalid_card" => Field::Card,
        "not_enough_points" | "points_above_cap" | "negative_points" | "loyalty_changed" => Field::Points,
        "unknown_store" | "insufficient_stock" => Field::Store,
        "unknown_pickup_point" => Field::Point,
        _ => return None,
    };
    Some((field, Problem::Refused(err.clone())))
}

/// One store's fit for the cart: the units it lacks (0: it has everything) and, when it has
/// everything, the earliest time all of it can be collected.
#[derive(Debug, Clone, PartialEq)]
struct StoreFit {
    id: StoreId,
    name: String,
    city: City,
    address: String,
    missing: u32,
    distance_m: Option<u32>,
    pickup_at: Option<i64>,
    utc_offset_minutes: i32,
}

/// Every store's fit for the cart `lines`, from the availability `answers` of the lines in the same
/// order: stores with everything first, then those lacking least, then nearest, then by name.
fn store_fits(lines: &[(Sku, u32)], answers: &[Availability]) -> Vec<StoreFit> {
    let mut fits: Vec<StoreFit> = Vec::new();
    for store in answers.iter().flat_map(|a| &a.stores) {
        if fits.iter().any(|f| f.id == store.store_id) {
            continue;
        }
        let mut missing = 0;
        let mut pickup_at = Some(i64::MIN);
        for ((_, qty), answer) in lines.iter().zip(answers) {
            let here = answer.stores.iter().find(|s| s.store_id == store.store_id);
            missing += qty.saturating_sub(here.map_or(0, |s| s.available));
            let at = here.and_then(|s| s.pickup_at).map(|t| t.timestamp());
            pickup_at = pickup_at.zip(at).map(|(a, b)| a.max(b));
        }
        fits.push(StoreFit {
            id: store.store_id.clone(),
            name: store.store_name.clone(),
            city: store.city,
            address: store.address.clone(),
            missing,
            distance_m: store.distance_m,
            pickup_at: if missing == 0 { pickup_at } else { None },
            utc_offset_minutes: store.utc_offset_minutes,
        });
    }
    fits.sort_by(|a, b| {
        a.missing
            .cmp(&b.missing)
            .then_with(|| a.distance_m.unwrap_or(u32::MAX).cmp(&b.distance_m.unwrap_or(u32::MAX)))
            .then_with(|| a.name.cmp(&b.name))
    });
    fits
}

/// Focuses the first field marked invalid, once the marks are on the page.
fn focus_first_invalid() {
    request_animation_frame(|| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let found = document.query_selector(".checkout-form [aria-invalid=\"true\"]").ok().flatten();
        if let Some(element) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            if let Err(err) = element.focus() {
                leptos::logging::warn!("could not focus the invalid field: {err:?}");
            }
        }
    });
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    // The cart as the server has it now, and what this cart can be ordered with.
    let loaded = LocalResource::new(move || async move {
        cart.reload().await?;
        api::checkout_options().await
    });
    let contents = move || loaded.get().map(|result| result.map(|options| view! { <CheckoutContents options /> }));
    view! {
        <section class="checkout-page" aria-labelledby="checkout-title">
            <h1 id="checkout-title" class="page-title">{move || i18n.t(Key::CheckoutTitle)}</h1>
            <LoadBoundary on_retry=move |_| loaded.refetch()>
                <div class="checkout-contents">{contents}</div>
            </LoadBoundary>
        </section>
    }
}

/// The form, or the empty state while the cart is empty.
#[component]
fn CheckoutContents(options: CheckoutOptions) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let form = Form::new(options);
    let is_empty = move || cart.view().is_none_or(|v| v.lines.is_empty());
    view! {
        <Show
            when=move || !is_empty()
            fallback=move || {
                view! {
                    <div class="empty-state" data-testid="checkout-empty">
                        <p>{move || i18n.t(Key::CheckoutEmpty)}</p>
                        <p>
                            <a class="button" href="/">{move || i18n.t(Key::ContinueShopping)}</a>
                        </p>
                    </div>
                }
            }
        >
            <CheckoutForm form />
        </Show>
    }
}

/// The attempt under way: the request its key was made for, and the key.
#[derive(Debug, Clone)]
struct Attempt {
    request: CheckoutRequest,
    key: String,
}

#[component]
fn CheckoutForm(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let session = use_session();
    let navigate = use_navigate();
    let sending = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);
    let attempt = StoredValue::new(None::<Attempt>);

    // Signed-in shoppers find their name, phone and e-mail filled in.
    Effect::new(move |_| {
        if let SignedInAs::Customer(profile) = session.who() {
            for (field, value) in [(form.name, profile.name), (form.phone, profile.phone), (form.email, profile.email)] {
                if field.get_untracked().trim().is_empty() {
                    field.set(value);
                }
            }
        }
    });

    // Which stores have the cart, for pickup: nearest the shopper's known position first (the last
    // shared location, else the picked city, else the city in the account).
    let lines =
        Memo::new(move |_| cart.view().map(|v| v.lines.iter().map(|l| (l.sku.clone(), l.qty)).collect::<Vec<_>>()).unwrap_or_default());
    let profile_city = match session.who() {
        SignedInAs::Customer(profile) => profile.city,
        _ => None,
    };
    let near = known_position().or_else(|| profile_city.map(City::centre));
    let stock = LocalResource::new(move || {
        let lines = lines.get();
        async move {
            let mut answers = Vec::with_capacity(lines.len());
            for (sku, _) in &lines {
                answers.push(api::availability(sku, near).await?);
            }
            Ok::<_, ApiError>(store_fits(&lines, &answers))
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let ready = untrack(|| {
            form.attempted.set(true);
            form.refused.set(None);
            failure.set(None);
            if form.all_valid() {
                form.request(cart.view().map(|v| v.version))
            } else {
                None
            }
        });
        let Some(request) = ready else {
            focus_first_invalid();
            return;
        };
        let key = attempt
            .with_value(|a| a.as_ref().filter(|a| a.request == request).map(|a| a.key.clone()))
            .unwrap_or_else(api::new_idempotency_key);
        attempt.set_value(Some(Attempt { request: request.clone(), key: key.clone() }));
        sending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::place_order(&request, &key).await {
                Ok(order) => {
                    attempt.try_set_value(None);
                    navigate(&format!("/orders/{}?placed=1", String::from(js_sys::encode_uri_component(&order.id))), Default::default());
                    // The server emptied the cart when the order committed.
                    if let Err(err) = cart.reload().await {
                        leptos::logging::warn!("could not reload the cart after ordering: {err}");
                    }
                }
                Err(err) => {
                    // A definite refusal: the next attempt is a new one. `request_in_progress` is not
                    // (the first request is still being served): a retry must carry the same key.
                    if err.is_refusal() && err.code != "request_in_progress" {
                        attempt.try_set_value(None);
                    }
                    match err.code.as_str() {
                        "cart_conflict" | "cart_empty" => {
                            if let Err(err) = cart.reload().await {
                                leptos::logging::warn!("could not reload the cart: {err}");
                            }
                            refresh_options(form);
                        }
                        "loyalty_changed" | "not_enough_points" | "points_above_cap" => refresh_options(form),
                        "insufficient_stock" | "unknown_store" => {
                            form.store.try_set(None);
                            stock.refetch();
                        }
                        "unknown_pickup_point" => {
                            form.point.try_set(None);
                        }
                        _ => {}
                    }
                    form.refused.try_set(refused_field(&err));
                    failure.try_set(Some(err));
                }
            }
            sending.try_set(false);
        });
    };

    let alert = move || {
        if let Some(err) = failure.get() {
            let key = order_error_key(&err);
            let hint = (!err.is_refusal()).then(|| view! { " " {move || i18n.t(Key::ErrHint)} });
            // The general sentence gets the specific one in brackets; a specific one says it all.
            let detail = (key == Key::ErrOrderFailed).then(|| {
                let err = err.clone();
                view! { <span class="error-detail">" (" {move || err.text(i18n.locale())} ")"</span> }
            });
            let sign_in = (err.code == "sign_in_required").then(|| {
                view! {
                    " "
                    <a href="/signin">{move || i18n.t(Key::SignIn)}</a>
                }
            });
            Some(
                view! {
                    <p class="form-error" data-testid="checkout-error" data-code=err.code.clone()>
                        {move || i18n.t(key)}
                        {hint}
                        {sign_in}
                        {detail}
                    </p>
                }
                .into_any(),
            )
        } else if form.attempted.get() && !form.all_valid() {
            Some(view! { <p class="form-error" data-testid="checkout-error">{move || i18n.t(Key::ErrCheckFields)}</p> }.into_any())
        } else {
            None
        }
    };

    let details = move || match form.way.get() {
        Way::Pickup => view! { <PickupStores form stock /> }.into_any(),
        Way::Delivery => view! { <AddressFields form /> }.into_any(),
        Way::PickupPoint => view! { <PickupPoints form /> }.into_any(),
    };

    view! {
        <form class="checkout-form" novalidate=true on:submit=on_submit>
            <div class="checkout-main">
                <fieldset class="checkout-section">
                    <legend class="section-title">{move || i18n.t(Key::FulfilmentHeading)}</legend>
                    <div class="choice-list">{Way::ALL.into_iter().map(|way| view! { <WayOption form way /> }).collect_view()}</div>
                    <div class="fulfilment-details">{details}</div>
                </fieldset>
                <fieldset class="checkout-section">
                    <legend class="section-title">{move || i18n.t(Key::ContactLegend)}</legend>
                    <TextField form field=Field::Name value=form.name label=Key::Name autocomplete="name" />
                    <TextField
                        form
                        field=Field::Phone
                        value=form.phone
                        label=Key::Phone
                        hint=Key::PhoneHint
                        kind="tel"
                        autocomplete="tel"
                    />
                    <TextField
                        form
                        field=Field::Email
                        value=form.email
                        label=Key::Email
                        hint=Key::Optional
                        kind="email"
                        autocomplete="email"
                    />
                </fieldset>
                <PaymentChoices form />
                <Show when=move || form.applies(Field::Points)>
                    <PointsField form />
                </Show>
            </div>
            <div class="checkout-aside">
                <CheckoutSummary form />
                <div class="checkout-alerts" role="alert">{alert}</div>
                <button
                    type="submit"
                    class="button place-order-button"
                    data-testid="place-order"
                    aria-busy=move || sending.get().to_string()
                >
                    {move || i18n.t(if sending.get() { Key::Working } else { Key::PlaceOrder })}
                </button>
            </div>
        </form>
    }
}

/// One of the ways to get the order, as a radio button with its hint.
#[component]
fn WayOption(form: Form, way: Way) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("checkout-way-{}", way.value());
    view! {
        <label class="choice" for=id.clone()>
            <input
                id=id.clone()
                type="radio"
                name="fulfilment"
                value=way.value()
                data-testid=format!("way-{}", way.value())
                prop:checked=move || form.way.get() == way
                on:change=move |_| form.way.set(way)
            />
            <span class="choice-text">
                <span class="choice-title">{move || i18n.t(way.label())}</span>
                <span class="choice-hint">{move || i18n.t(way.hint())}</span>
            </span>
        </label>
    }
}

/// The problem at `field`, if any; always on the page so inputs can point at it.
#[component]
fn ProblemText(form: Form, field: Field) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span id=format!("{}-error", field.id()) class="field-error" data-testid="field-error" data-field=field.server_name()>
            {move || form.problem(field).map(|p| p.text(i18n.locale()))}
        </span>
    }
}

/// A labelled text input (or text area) of the form with its problem.
#[component]
fn TextField(
    form: Form,
    field: Field,
    value: RwSignal<String>,
    label: Key,
    #[prop(optional)] hint: Option<Key>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let id = field.id();
    let described = if hint.is_some() { format!("{id}-error {id}-hint") } else { format!("{id}-error") };
    let invalid = move || form.problem(field).is_some().to_string();
    let input = move || {
        if multiline {
            view! {
                <textarea
                    id=id
                    rows="2"
                    data-testid=id
                    autocomplete=autocomplete
                    aria-invalid=invalid
                    aria-describedby=described
                    bind:value=value
                ></textarea>
            }
            .into_any()
        } else {
            view! {
                <input
                    id=id
                    type=kind
                    data-testid=id
                    autocomplete=autocomplete
                    inputmode=inputmode
                    aria-invalid=invalid
                    aria-describedby=described
                    bind:value=value
                />
            }
            .into_any()
        }
    };
    match hint {
        Some(hint) => view! {
            <FormField input_id=id label hint>
                {input()}
                <ProblemText form field />
            </FormField>
        }
        .into_any(),
        None => view! {
            <FormField input_id=id label>
                {input()}
                <ProblemText form field />
            </FormField>
        }
        .into_any(),
    }
}

/// The stores to pick up from, with whether each has the whole cart.
#[component]
fn PickupStores(form: Form, stock: LocalResource<Result<Vec<StoreFit>, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let now = now_unix();
    let list = move || {
        stock.get().map(|result| {
            result.map(|fits| {
                let none_fits = fits.iter().all(|f| f.missing > 0);
                let rows = fits.into_iter().map(|fit| view! { <PickupStoreRow form fit now /> }).collect_view();
                view! {
                    {none_fits.then(|| view! { <p class="checkout-note is-warning">{move || i18n.t(Key::NoStoreHasAll)}</p> })}
                    <ul class="choice-list pickup-store-list">{rows}</ul>
                }
            })
        })
    };
    let reserve = move || {
        let minutes = form.options.with(|o| o.reserve_minutes);
        (form.pay.get() == Pay::OnPickup && minutes > 0)
            .then(|| view! { <p class="checkout-note">{reserve_note(i18n.locale(), minutes)}</p> })
    };
    view! {
        <fieldset class="checkout-choices" aria-describedby="checkout-store-error">
            <legend>{move || i18n.t(Key::PickupStoreLegend)}</legend>
            <LoadBoundary on_retry=move |_| stock.refetch() label=Key::CheckingAvailability>
                <div class="pickup-store-results">{list}</div>
            </LoadBoundary>
            <ProblemText form field=Field::Store />
            {reserve}
        </fieldset>
    }
}

#[component]
fn PickupStoreRow(form: Form, fit: StoreFit, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let StoreFit { id, name, city, address, missing, pickup_at, utc_offset_minutes, .. } = fit;
    let input_id = format!("checkout-store-{id}");
    let label_for = input_id.clone();
    let value = id.to_string();
    let data_store = value.clone();
    let chosen = {
        let id = id.clone();
        move || form.store.with(|s| s.as_ref() == Some(&id))
    };
    let stock_text = move || if missing == 0 { i18n.t(Key::StoreAllInStock).to_owned() } else { missing_units(i18n.locale(), missing) };
    let pickup = pickup_at.map(|at| {
        view! {
            <span class="pickup-store-time">
                {move || format!("{} {}", i18n.t(Key::Pickup), format_pickup(i18n.locale(), at, now, utc_offset_minutes))}
            </span>
        }
    });
    view! {
        <li class={if missing == 0 { "pickup-store" } else { "pickup-store is-short" }} data-testid="pickup-store" data-store=data_store data-missing=missing>
            <label class="choice" for=label_for>
                <input
                    id=input_id
                    type="radio"
                    name="pickup-store"
                    value=value
                    data-testid="pickup-store-option"
                    disabled={missing > 0}
                    prop:checked=chosen
                    on:change=move |_| form.store.set(Some(id.clone()))
                />
                <span class="choice-text">
                    <span class="choice-title">{name}</span>
                    <span class="choice-hint">{move || city_name(i18n.locale(), city)} ", " {address}</span>
                    <span class={if missing == 0 { "pickup-store-stock in-stock" } else { "pickup-store-stock out-of-stock" }}>{stock_text}</span>
                    {pickup}
                </span>
            </label>
        </li>
    }
}

/// The delivery address, and the region, price and lead time it comes to.
#[component]
fn AddressFields(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let region = move || {
        let locale = i18n.locale();
        let region = form.region()?;
        let cart = cart.view()?;
        let price = if cart.free_delivery { Money::new(Decimal::ZERO, cart.total.currency) } else { delivery_price(&region, cart.total) };
        let price_text = if price.amount.is_zero() { t(locale, Key::DeliveryFree).to_owned() } else { format_money(locale, &price) };
        let name = match locale {
            Locale::Ru => region.name_ru,
            Locale::En => region.name_en,
        };
        Some(view! {
            <p class="checkout-note delivery-region" data-testid="delivery-region">
                {format!("{name}: {price_text}, {}", delivery_days(locale, region.lead_days))}
            </p>
        })
    };
    view! {
        <fieldset class="checkout-choices address-fields">
            <legend>{move || i18n.t(Key::AddressLegend)}</legend>
            <TextField
                form
                field=Field::Postcode
                value=form.postcode
                label=Key::Postcode
                autocomplete="postal-code"
                inputmode="numeric"
            />
            {region}
            <TextField form field=Field::City value=form.city label=Key::AddressCity autocomplete="address-level2" />
            <TextField form field=Field::Street value=form.street label=Key::Street autocomplete="address-line1" />
            <div class="address-row">
                <TextField form field=Field::House value=form.house label=Key::House />
                <TextField form field=Field::Apartment value=form.apartment label=Key::Apartment hint=Key::Optional />
            </div>
            <TextField form field=Field::Comment value=form.comment label=Key::CourierComment hint=Key::Optional multiline=true />
        </fieldset>
    }
}

/// The partner pickup points, with price and lead time.
#[component]
fn PickupPoints(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        let locale = i18n.locale();
        form.options.with(|o| {
            o.pickup_points
                .iter()
                .map(|point| {
                    let id = point.id.clone();
                    let input_id = format!("checkout-point-{id}");
                    let (label_for, data_point, value) = (input_id.clone(), id.clone(), id.clone());
                    let chosen = {
                        let id = id.clone();
                        move || form.point.with(|p| p.as_deref() == Some(id.as_str()))
                    };
                    let terms = format!("{}, {}", format_money(locale, &point.price), delivery_days(locale, point.lead_days));
                    view! {
                        <li class="pickup-point" data-testid="pickup-point" data-point=data_point>
                            <label class="choice" for=label_for>
                                <input
                                    id=input_id
                                    type="radio"
                                    name="pickup-point"
                                    value=value
                                    data-testid="pickup-point-option"
                                    prop:checked=chosen
                                    on:change=move |_| form.point.set(Some(id.clone()))
                                />
                                <span class="choice-text">
                                    <span class="choice-title">{point.name.clone()}</span>
                                    <span class="choice-hint">{city_name(locale, point.city)} ", " {point.address.clone()}</span>
                                    <span class="choice-hint">{terms}</span>
                                </span>
                            </label>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <fieldset class="checkout-choices" aria-describedby="checkout-point-error">
            <legend>{move || i18n.t(Key::PickupPointLegend)}</legend>
            <ul class="choice-list">{rows}</ul>
            <ProblemText form field=Field::Point />
        </fieldset>
    }
}

/// Pay on collection, or pay now with the test provider (clearly marked: no money moves).
#[component]
fn PaymentChoices(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let offers = move |pay: Pay| form.options.with(|o| o.payment_methods.iter().any(|m| m == pay.method()));
    let option = move |pay: Pay, title: Key, hint: Key| {
        let id = format!("checkout-pay-{}", pay.method());
        offers(pay).then(|| {
            view! {
                <label class="choice" for=id.clone()>
                    <input
                        id=id.clone()
                        type="radio"
                        name="payment"
                        value=pay.method()
                        data-testid=format!("pay-{}", pay.method())
                        prop:checked=move || form.pay.get() == pay
                        on:change=move |_| form.pay.set(pay)
                    />
                    <span class="choice-text">
                        <span class="choice-title">{move || i18n.t(title)}</span>
                        <span class="choice-hint">{move || i18n.t(hint)}</span>
                    </span>
                </label>
            }
        })
    };
    view! {
        <fieldset class="checkout-section">
            <legend class="section-title">{move || i18n.t(Key::PaymentLegend)}</legend>
            <div class="choice-list">
                {move || option(Pay::OnPickup, Key::PayOnPickup, Key::PayOnPickupHint)}
                {move || option(Pay::TestCard, Key::TestCardOption, Key::TestCardNotice)}
            </div>
            <Show when=move || form.pay.get() == Pay::TestCard>
                <div class="test-card">
                    <p class="test-provider-notice" data-testid="test-provider-notice">
                        <strong>{move || i18n.t(Key::TestCardNotice)}</strong>
                        " "
                        {move || i18n.t(Key::TestCardNumbers)}
                    </p>
                    <TextField
                        form
                        field=Field::Card
                        value=form.card
                        label=Key::CardNumber
                        autocomplete="cc-number"
                        inputmode="numeric"
                    />
                </div>
            </Show>
        </fieldset>
    }
}

/// Points to spend (signed-in shoppers): the balance and the most this order can take.
#[component]
fn PointsField(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let id = Field::Points.id();
    let balance = move || {
        let (balance, max) = form.options.with(|o| (o.points_balance.unwrap_or(0), o.max_redeemable.unwrap_or(0)));
        points_balance_text(i18n.locale(), balance, max)
    };
    view! {
        <fieldset class="checkout-section">
            <legend class="section-title">{move || i18n.t(Key::PointsLegend)}</legend>
            <p class="points-balance" data-testid="points-balance">{balance}</p>
            <FormField input_id=id label=Key::PointsToRedeem>
                <input
                    id=id
                    type="number"
                    inputmode="numeric"
                    min="0"
                    step="1"
                    max=move || form.points_cap()
                    data-testid=id
                    disabled=move || form.points_cap() == 0
                    aria-invalid=move || form.problem(Field::Points).is_some().to_string()
                    aria-describedby=format!("{id}-error")
                    bind:value=form.points
                />
                <ProblemText form field=Field::Points />
            </FormField>
        </fieldset>
    }
}

/// The lines, the goods, delivery, points and the total to pay.
#[component]
fn CheckoutSummary(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let summary = move || {
        let view = cart.view()?;
        let locale = i18n.locale();
        // As the server prices it: goods after offers, delivery on those, then points.
        let (subtotal, discount, goods) = (view.subtotal, view.discount, view.total);
        let delivery = form.delivery_cost(goods, view.free_delivery);
        let points = form.points_spent();
        let total = order_total(subtotal, discount, delivery.unwrap_or(Money::new(Decimal::ZERO, goods.currency)), points);
        let delivery_text = match delivery {
            Some(price) if price.amount.is_zero() => t(locale, Key::DeliveryFree).to_owned(),
            Some(price) => format_money(locale, &price),
            None if form.way.get() == Way::PickupPoint => t(locale, Key::DeliveryChoosePoint).to_owned(),
            None => t(locale, Key::DeliveryUnknown).to_owned(),
        };
        let lines = view
            .lines
            .iter()
            .map(|line| {
                view! {
                    <li class="checkout-line" data-testid="checkout-line" data-sku=line.sku.to_string()>
                        <span class="checkout-line-name">{format!("{} × {}", line.name, line.qty)}</span>
                        <span class="checkout-line-total">{format_money(locale, &line.line_total)}</span>
                    </li>
                }
            })
            .collect_view();
        let points_row = (points > 0).then(|| {
            view! {
                <dt>{t(locale, Key::SummaryPoints)}</dt>
                <dd data-testid="checkout-points-spent">{format!("−{}", format_money(locale, &points_value(points)))}</dd>
            }
        });
        let discount_row = (!discount.amount.is_zero()).then(|| {
            view! {
                <dt>{t(locale, Key::SummaryDiscount)}</dt>
                <dd data-testid="checkout-discount">{format!("−{}", format_money(locale, &discount))}</dd>
            }
        });
        Some(view! {
            <ul class="checkout-lines">{lines}</ul>
            <dl class="cart-totals">
                <dt>{t(locale, Key::SummaryGoods)}</dt>
                <dd data-testid="checkout-goods">{format_money(locale, &subtotal)}</dd>
                {discount_row}
                <dt>{t(locale, Key::SummaryDelivery)}</dt>
                <dd data-testid="checkout-delivery">{delivery_text}</dd>
                {points_row}
                <dt>{t(locale, Key::SummaryTotal)}</dt>
                <dd class="cart-total" data-testid="checkout-total">{format_money(locale, &total)}</dd>
            </dl>
        })
    };
    view! {
        <section class="checkout-summary" aria-labelledby="checkout-summary-title">
            <h2 id="checkout-summary-title" class="section-title">{move || i18n.t(Key::CartSummary)}</h2>
            {summary}
        </section>
    }
}
