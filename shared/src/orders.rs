//! Checkout and orders: fulfilment options (delivery regions and pickup points as data), address and
//! contact validation, the order lifecycle, idempotency keys, the test payment provider's cards.

use crate::money::Money;
use crate::store::City;
use crate::{Currency, GeoPoint};
use serde::{Deserialize, Serialize};

/// Where an order's status can go. Every transition the API performs is listed in [`Action::from`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for the online payment; units are held for [`HoldPolicy::payment_minutes`].
    PendingPayment,
    /// The payment provider declined; nothing is held.
    PaymentFailed,
    Placed,
    ReadyForPickup,
    Collected,
    Shipped,
    Delivered,
    Cancelled,
    /// A pickup order whose hold ran out before it was collected (computed when read).
    Expired,
    /// An in-store sale recorded by a till.
    Completed,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 10] = [
        OrderStatus::PendingPayment,
        OrderStatus::PaymentFailed,
        OrderStatus::Placed,
        OrderStatus::ReadyForPickup,
        OrderStatus::Collected,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Expired,
        OrderStatus::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::PaymentFailed => "payment_failed",
            OrderStatus::Placed => "placed",
            OrderStatus::ReadyForPickup => "ready_for_pickup",
            OrderStatus::Collected => "collected",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
            OrderStatus::Completed => "completed",
        }
    }

    pub fn parse(raw: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The goods are with the customer: returns and the NPS question are possible.
    pub fn is_fulfilled(self) -> bool {
        matches!(self, OrderStatus::Collected | OrderStatus::Delivered | OrderStatus::Completed)
    }

    /// Holds on stock still count for an order in this status (until they expire).
    pub fn holds_stock(self) -> bool {
        matches!(self, OrderStatus::PendingPayment | OrderStatus::Placed | OrderStatus::ReadyForPickup)
    }
}

impl OrderStatus {
    /// The statuses of orders that do not count as purchases (for offers, segments and KPIs):
    /// cancelled, failed to pay, or still waiting for the payment.
    pub const NOT_COUNTING: &'static [OrderStatus] = &[OrderStatus::Cancelled, OrderStatus::PaymentFailed, OrderStatus::PendingPayment];

    /// The one definition of which orders count as purchases.
    pub fn counts_for_offers(self) -> bool {
        !OrderStatus::NOT_COUNTING.contains(&self)
    }
}

/// How an order is paid (`orders.payment_method`, `refunds.method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// In the store, at the pickup point or to the courier.
    PayOnPickup,
    /// Online with the built-in test provider.
    TestCard,
    /// A card at a till.
    PosCard,
    /// Cash at a till.
    PosCash,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] =
        [PaymentMethod::PayOnPickup, PaymentMethod::TestCard, PaymentMethod::PosCard, PaymentMethod::PosCash];

    /// The methods a shopper can choose at checkout.
    pub const AT_CHECKOUT: [PaymentMethod; 2] = [PaymentMethod::PayOnPickup, PaymentMethod::TestCard];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::PayOnPickup => "pay_on_pickup",
            PaymentMethod::TestCard => "test_card",
            PaymentMethod::PosCard => "pos_card",
            PaymentMethod::PosCash => "pos_cash",
        }
    }

    pub fn parse(raw: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

/// Where an order's payment stands (`orders.payment_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// To be paid (on collection, or online while the order waits for the provider).
    Due,
    Paid,
    /// The provider declined the card.
    Declined,
    /// The payment hold ran out before the provider answered.
    Expired,
    /// A paid order was cancelled and its money given back.
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 5] =
        [PaymentStatus::Due, PaymentStatus::Paid, PaymentStatus::Declined, PaymentStatus::Expired, PaymentStatus::Refunded];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Due => "due",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Declined => "declined",
            PaymentStatus::Expired => "expired",
            PaymentStatus::Refunded => "refunded",
        }
    }

    pub fn parse(raw: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// What the payment provider's charge came to (`payments.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeStatus {
    Approved,
    Declined,
    /// Approved after the order stopped waiting: the money must go back.
    RefundDue,
}

impl ChargeStatus {
    pub const ALL: [ChargeStatus; 3] = [ChargeStatus::Approved, ChargeStatus::Declined, ChargeStatus::RefundDue];

    pub fn as_str(self) -> &'static str {
        match self {
            ChargeStatus::Approved => "approved",
            ChargeStatus::Declined => "declined",
            ChargeStatus::RefundDue => "refund_due",
        }
    }

    pub fn parse(raw: &str) -> Option<ChargeStatus> {
        ChargeStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// Where a return stands (`returns.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    /// The shopper will bring the goods.
    Requested,
    /// The goods reached the store and were refunded.
    Received,
}

impl ReturnStatus {
    pub const ALL: [ReturnStatus; 2] = [ReturnStatus::Requested, ReturnStatus::Received];

    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "requested",
            ReturnStatus::Received => "received",
        }
    }

    pub fn parse(raw: &str) -> Option<ReturnStatus> {
        ReturnStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// What the customer pays: goods less the offers' discount, plus delivery, less the redeemed points.
pub fn order_total(subtotal: Money, discount: Money, delivery: Money, points_redeemed: i64) -> Money {
    let points = crate::loyalty::points_value(points_redeemed);
    Money::new(subtotal.amount - discount.amount + delivery.amount - points.amount, subtotal.currency)
}

/// How the goods reach the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FulfilmentKind {
    /// Reserve in a store and collect there.
    Pickup,
    /// Courier to an address.
    Delivery,
    /// Courier to a partner pickup point.
    PickupPoint,
    /// Bought at a till.
    InStore,
}

impl FulfilmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FulfilmentKind::Pickup => "pickup",
            FulfilmentKind::Delivery => "delivery",
            FulfilmentKind::PickupPoint => "pickup_point",
            FulfilmentKind::InStore => "in_store",
        }
    }
    pub fn parse(raw: &str) -> Option<FulfilmentKind> {
        [FulfilmentKind::Pickup, FulfilmentKind::Delivery, FulfilmentKind::PickupPoint, FulfilmentKind::InStore]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// What staff (or, for cancel, the shopper) can do to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Ready,
    Collected,
    Shipped,
    Delivered,
    Cancel,
}

impl Action {
    pub fn parse(raw: &str) -> Option<Action> {
        [Action::Ready, Action::Collected, Action::Shipped, Action::Delivered, Action::Cancel].into_iter().find(|a| a.as_str() == raw)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Ready => "ready",
            Action::Collected => "collected",
            Action::Shipped => "shipped",
            Action::Delivered => "delivered",
            Action::Cancel => "cancel",
        }
    }

    /// The statuses this action applies to for an order fulfilled as `kind`, and the status it leads to.
    pub fn from(self, kind: FulfilmentKind) -> (&'static [OrderStatus], OrderStatus) {
        use OrderStatus as S;
        let pickup = kind == FulfilmentKind::Pickup;
        match self {
            Action::Ready if pickup => (&[S::Placed], S::ReadyForPickup),
            Action::Collected if pickup => (&[S::ReadyForPickup], S::Collected),
            Action::Shipped if !pickup && kind != FulfilmentKind::InStore => (&[S::Placed], S::Shipped),
            Action::Delivered if !pickup && kind != FulfilmentKind::InStore => (&[S::Shipped], S::Delivered),
            Action::Cancel if kind != FulfilmentKind::InStore => (&[S::PendingPayment, S::Placed, S::ReadyForPickup], S::Cancelled),
            _ => (&[], S::Cancelled),
        }
    }
}

/// The status an order shows at `now`: a pickup order whose hold ran out is expired.
pub fn effective_status(stored: OrderStatus, kind: FulfilmentKind, hold_expires_at: Option<i64>, now: i64) -> OrderStatus {
    let lapsed = hold_expires_at.is_some_and(|t| t <= now);
    match stored {
        OrderStatus::Placed | OrderStatus::ReadyForPickup if kind == FulfilmentKind::Pickup && lapsed => OrderStatus::Expired,
        OrderStatus::PendingPayment if lapsed => OrderStatus::PaymentFailed,
        s => s,
    }
}

/// How long units stay held. Configurable per host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldPolicy {
    /// A pickup reservation (paid on collection, or paid online and approved), until the store
    /// marks it ready: minutes of the store's open time from the promised pickup time
    /// ([`crate::store::Store::pickup_hold_until`]).
    pub reserve_minutes: i64,
    /// While an online payment is under way.
    pub payment_minutes: i64,
    /// After the store marks the order ready: how long it waits on the shelf.
    pub ready_minutes: i64,
}

impl Default for HoldPolicy {
    fn default() -> Self {
        HoldPolicy { reserve_minutes: 120, payment_minutes: 15, ready_minutes: 3 * 24 * 60 }
    }
}

/// A delivery region: who we deliver to, from which city's stores, at what price and lead time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRegion {
    pub id: String,
    pub name_ru: String,
    pub name_en: String,
    /// The city whose stores ship the goods.
    pub city: City,
    /// Inclusive ranges of 6-digit Russian postcodes.
    pub postcodes: Vec<(u32, u32)>,
    pub price: Money,
    /// Orders at or above this subtotal are delivered free.
    pub free_from: Option<Money>,
    pub lead_days: u32,
}

fn rub(units: i64) -> Money {
    Money::from_minor_units(units * 100, Currency::Rub)
}

/// The delivery regions (data; a retailer would load its own).
pub fn delivery_regions() -> Vec<DeliveryRegion> {
    let region = |id: &str, ru: &str, en: &str, city, postcodes: Vec<(u32, u32)>, price, free: Option<i64>, lead_days| DeliveryRegion {
        id: id.into(),
        name_ru: ru.into(),
        name_en: en.into(),
        city,
        postcodes,
        price: rub(price),
        free_from: free.map(rub),
        lead_days,
    };
    vec![
        region("moscow", "Москва", "Moscow", City::Moscow, vec![(101_000, 129_999)], 349, Some(5000), 1),
        region("moscow-oblast", "Московская область", "Moscow Oblast", City::Moscow, vec![(140_000, 144_999)], 549, Some(10_000), 2),
        region("spb", "Санкт-Петербург", "Saint Petersburg", City::SaintPetersburg, vec![(190_000, 199_999)], 349, Some(5000), 1),
        region(
            "leningrad-oblast",
            "Ленинградская область",
            "Leningrad Oblast",
            City::SaintPetersburg,
            vec![(187_000, 189_999)],
            549,
            Some(10_000),
            2,
        ),
    ]
}

/// The region delivering to `postcode`, if any.
pub fn region_for(regions: &[DeliveryRegion], postcode: u32) -> Option<&DeliveryRegion> {
    regions.iter().find(|r| r.postcodes.iter().any(|(lo, hi)| (*lo..=*hi).contains(&postcode)))
}

/// The delivery price of an order with `subtotal` to `region`.
pub fn delivery_price(region: &DeliveryRegion, subtotal: Money) -> Money {
    match region.free_from {
        Some(free) if subtotal.amount >= free.amount => Money::new(rust_decimal::Decimal::ZERO, subtotal.currency),
        _ => region.price,
    }
}

/// A partner pickup point (a parcel locker or a counter in a partner shop).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickupPoint {
    pub id: String,
    pub name: String,
    pub city: City,
    pub address: String,
    pub location: GeoPoint,
    pub price: Money,
    pub lead_days: u32,
}

/// The pickup points (data).
pub fn pickup_points() -> Vec<PickupPoint> {
    let point = |id: &str, name: &str, city, address: &str, lat, lon, price, lead_days| PickupPoint {
        id: id.into(),
        name: name.into(),
        city,
        address: address.into(),
        location: GeoPoint { lat, lon },
        price: rub(price),
        lead_days,
    };
    vec![
        point("pp-msk-arbat", "Постамат «Арбат»", City::Moscow, "ул. Арбат, 24", 55.7505, 37.5925, 149, 2),
        point("pp-msk-sokol", "Пункт выдачи «Сокол»", City::Moscow, "Ленинградский пр-т, 75", 55.8052, 37.5152, 149, 2),
        point("pp-msk-maryino", "Пункт выдачи «Марьино»", City::Moscow, "ул. Люблинская, 169", 55.6505, 37.7441, 149, 2),
        point("pp-spb-nevsky", "Постамат «Невский»", City::SaintPetersburg, "Невский пр-т, 114", 59.9311, 30.3609, 149, 2),
        point("pp-spb-vaska", "Пункт выдачи «Васильевский»", City::SaintPetersburg, "Средний пр-т В.О., 36", 59.9424, 30.2769, 149, 2),
    ]
}

/// Why an address or contact was rejected; `field` names the input to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError { field, message: message.into() }
}

/// A delivery address as typed by the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    pub postcode: String,
    pub city: String,
    pub street: String,
    pub house: String,
    #[serde(default)]
    pub apartment: String,
    #[serde(default)]
    pub comment: String,
}

fn text(raw: &str, name: &'static str, max: usize, required: bool) -> Result<String, FieldError> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(field(name, "is required"));
    }
    if t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(field(name, format!("at most {max} characters, no control characters")));
    }
    Ok(t.to_owned())
}

impl Address {
    /// The trimmed address and its postcode as a number.
    pub fn validate(&self) -> Result<(Address, u32), FieldError> {
        let postcode = self.postcode.trim();
        if postcode.len() != 6 || !postcode.bytes().all(|b| b.is_ascii_digit()) {
            return Err(field("postcode", "a postcode is 6 digits, e.g. 125009"));
        }
        let address = Address {
            postcode: postcode.to_owned(),
            city: text(&self.city, "city", 80, true)?,
            street: text(&self.street, "street", 120, true)?,
            house: text(&self.house, "house", 20, true)?,
            apartment: text(&self.apartment, "apartment", 20, false)?,
            comment: text(&self.comment, "comment", 300, false)?,
        };
        Ok((address, postcode.parse().unwrap_or(0)))
    }

    pub fn one_line(&self) -> String {
        let mut s = format!("{}, {}, {}, {}", self.postcode, self.city, self.street, self.house);
        if !self.apartment.is_empty() {
            s.push_str(", кв. ");
            s.push_str(&self.apartment);
        }
        s
    }
}

/// Who to call about an order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

impl Contact {
    pub fn validate(&self) -> Result<Contact, FieldError> {
        let name = text(&self.name, "contact.name", 100, true)?;
        let phone = normalize_phone(&self.phone).ok_or_else(|| field("contact.phone", "a Russian phone number, e.g. +7 912 345-67-89"))?;
        let email = if self.email.trim().is_empty() {
            String::new()
        } else {
            crate::account::Email::parse(&self.email).map_err(|e| field("contact.email", e.to_string()))?.as_str().to_owned()
        };
        Ok(Contact { name, phone, email })
    }
}

/// A Russian phone number as `+7XXXXXXXXXX`: accepts `+7…`, `8…` and 10 bare digits, with spaces,
/// dashes and brackets.
pub fn normalize_phone(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() > 24 || !raw.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) || raw.chars().skip(1).any(|c| c == '+') {
        return None;
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.len() {
        10 => digits.as_str(),
        11 if digits.starts_with('7') || (digits.starts_with('8') && !raw.starts_with('+')) => &digits[1..],
        _ => return None,
    };
    Some(format!("+7{national}"))
}

/// An `Idempotency-Key` header value: 1–255 visible ASCII characters (a UUID is typical).
pub fn parse_idempotency_key(raw: &str) -> Option<&str> {
    (!raw.is_empty() && raw.len() <= 255 && raw.bytes().all(|b| b.is_ascii_graphic())).then_some(raw)
}

/// Days after collection or delivery in which a shopper may return goods of proper quality
/// (the Russian consumer protection law's 14 days); staff may accept later returns (faults).
pub const RETURN_DAYS: i64 = 14;

/// How long an idempotency key is remembered (at least 24 hours, as promised to clients).
pub const IDEMPOTENCY_SECONDS: i64 = 48 * 3600;

/// What the test payment provider does with a card number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestCard {
    Approved,
    Declined,
}

/// The test provider's cards (the well-known test numbers): `4242 4242 4242 4242` is approved,
/// `4000 0000 0000 0002` is declined; any other number that passes the Luhn check is approved too.
/// `None` for a malformed number.
pub fn test_card(raw: &str) -> Option<TestCard> {
    let digits: Vec<u32> = raw.chars().filter(|c| !matches!(c, ' ' | '-')).map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if !(12..=19).contains(&digits.len()) || !luhn(&digits) {
        return None;
    }
    let number: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
    Some(if number == "4000000000000002" { TestCard::Declined } else { TestCard::Approved })
}

fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                *d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The last four digits, for receipts and the account.
pub fn card_last4(raw: &str) -> String {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(4)..].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_name() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn every_payment_status_round_trips_through_its_stored_text() {
        for s in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        assert_eq!(PaymentStatus::parse("approved"), None);
    }

    #[test]
    fn every_payment_method_charge_and_return_status_round_trips_through_its_stored_text() {
        for m in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(m.as_str()), Some(m));
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{}\"", m.as_str()));
        }
        for s in ChargeStatus::ALL {
            assert_eq!(ChargeStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        for s in ReturnStatus::ALL {
            assert_eq!(ReturnStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        assert_eq!(PaymentMethod::parse("card"), None);
    }

    #[test]
    fn cancelled_failed_and_unpaid_orders_do_not_count_for_offers() {
        let not_counting: Vec<_> = OrderStatus::ALL.into_iter().filter(|s| !s.counts_for_offers()).collect();
        assert_eq!(not_counting, [OrderStatus::PendingPayment, OrderStatus::PaymentFailed, OrderStatus::Cancelled]);
        assert!(OrderStatus::Placed.counts_for_offers() && OrderStatus::Completed.counts_for_offers());
    }

    #[test]
    fn order_total_is_goods_less_discount_plus_delivery_less_points() {
        let rub = |s: &str| Money::parse_rub(s).unwrap();
        assert_eq!(order_total(rub("1000.00"), rub("150.00"), rub("299.00"), 50), rub("1099.00"));
        assert_eq!(order_total(rub("1000.00"), rub("0"), rub("0"), 0), rub("1000.00"));
    }

    #[test]
    fn pickup_orders_go_placed_ready_collected_and_deliveries_placed_shipped_delivered() {
        use OrderStatus as S;
        assert_eq!(Action::Ready.from(FulfilmentKind::Pickup), (&[S::Placed][..], S::ReadyForPickup));
        assert_eq!(Action::Collected.from(FulfilmentKind::Pickup).1, S::Collected);
        assert!(Action::Shipped.from(FulfilmentKind::Pickup).0.is_empty(), "a pickup order is not shipped");
        assert!(Action::Ready.from(FulfilmentKind::Delivery).0.is_empty(), "a delivery is not made ready for pickup");
        assert_eq!(Action::Delivered.from(FulfilmentKind::PickupPoint), (&[S::Shipped][..], S::Delivered));
        assert!(Action::Cancel.from(FulfilmentKind::InStore).0.is_empty(), "a till sale is returned, not cancelled");
        assert!(!Action::Cancel.from(FulfilmentKind::Pickup).0.contains(&S::Collected));
    }

    #[test]
    fn a_pickup_order_whose_hold_ran_out_reads_as_expired() {
        use OrderStatus as S;
        assert_eq!(effective_status(S::Placed, FulfilmentKind::Pickup, Some(100), 100), S::Expired);
        assert_eq!(effective_status(S::Placed, FulfilmentKind::Pickup, Some(100), 99), S::Placed);
        assert_eq!(effective_status(S::Collected, FulfilmentKind::Pickup, Some(100), 500), S::Collected);
        assert_eq!(effective_status(S::PendingPayment, FulfilmentKind::Delivery, Some(100), 100), S::PaymentFailed);
    }

    #[test]
    fn postcodes_find_their_region_and_others_none() {
        let regions = delivery_regions();
        assert_eq!(region_for(&regions, 125_009).map(|r| r.id.as_str()), Some("moscow"));
        assert_eq!(region_for(&regions, 191_025).map(|r| r.id.as_str()), Some("spb"));
        assert_eq!(region_for(&regions, 630_000), None, "Novosibirsk is outside the delivery regions");
    }

    #[test]
    fn delivery_is_free_from_the_regions_threshold() {
        let moscow = &delivery_regions()[0];
        assert_eq!(delivery_price(moscow, rub(4999)), rub(349));
        assert_eq!(delivery_price(moscow, rub(5000)).minor_units(), 0);
    }

    #[test]
    fn addresses_need_a_six_digit_postcode_and_the_street_and_house() {
        let ok = Address {
            postcode: " 125009 ".into(),
            city: "Москва".into(),
            street: "Тверская".into(),
            house: "7".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate().unwrap().1, 125_009);
        let bad = Address { postcode: "12500".into(), ..ok.clone() };
        assert_eq!(bad.validate().unwrap_err().field, "postcode");
        let no_house = Address { house: " ".into(), ..ok };
        assert_eq!(no_house.validate().unwrap_err().field, "house");
    }

    #[test]
    fn russian_phone_numbers_are_normalised() {
        assert_eq!(normalize_phone("+7 (912) 345-67-89").as_deref(), Some("+79123456789"));
        assert_eq!(normalize_phone("8 912 345 67 89").as_deref(), Some("+79123456789"));
        assert_eq!(normalize_phone("9123456789").as_deref(), Some("+79123456789"));
        for bad in ["", "12345", "+1 212 555 0100", "+8 912 345 67 89", "phone", "79+123456789"] {
            assert_eq!(normalize_phone(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn idempotency_keys_are_visible_ascii_up_to_255() {
        assert!(parse_idempotency_key("0b7f1c2e-4a4d-4c5e-9f7a-1d2e3f4a5b6c").is_some());
        assert!(parse_idempotency_key("").is_none());
        assert!(parse_idempotency_key("with space").is_none());
        assert!(parse_idempotency_key(&"k".repeat(256)).is_none());
    }

    #[test]
    fn test_cards_follow_the_well_known_numbers() {
        assert_eq!(test_card("4242 4242 4242 4242"), Some(TestCard::Approved));
        assert_eq!(test_card("4000-0000-0000-0002"), Some(TestCard::Declined));
        assert_eq!(test_card("4242 4242 4242 4241"), None, "fails the Luhn check");
        assert_eq!(test_card("abcd"), None);
        assert_eq!(card_last4("4242 4242 4242 4242"), "4242");
    }
}
