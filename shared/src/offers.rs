//! The offers engine: marketer rules as versioned JSON data, evaluated by one pure, deterministic
//! function against a shopper's context and cart.
//!
//! Evaluation: rules are ordered by priority (high first) then id, so storage order never matters,
//! and de-duplicated by id. A rule applies when it is enabled, every condition holds, the shopper is
//! not in its A/B holdout, and its limits are not used up. Of the applicable rules in one exclusive
//! group only the best for the customer applies; stackable rules all apply. Discounts are applied in
//! order to what is left of each line's price, so no price goes below zero. Money is `Decimal`,
//! rounded by the one rule in [`crate::money`].

use crate::account::Channel;
use crate::money::Money;
use crate::{CategoryId, Currency, GeoPoint, Sku, StoreId};
use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The rule format this engine reads.
pub const RULE_FORMAT: u32 = 1;

fn format_v1() -> u32 {
    RULE_FORMAT
}
fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn moscow_offset() -> i32 {
    180
}

/// A marketer's offer rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Lower-case letters, digits and `-`, 2–40 characters.
    pub id: String,
    #[serde(default = "format_v1")]
    pub format: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Higher applies first.
    #[serde(default)]
    pub priority: i32,
    #[serde(default)]
    pub stacking: Stacking,
    /// All must hold.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    pub effect: Effect,
    #[serde(default)]
    pub limits: Limits,
    /// Share of shoppers (0–100) who do not get the offer, as a control group.
    #[serde(default)]
    pub holdout_percent: u8,
}

/// How a rule combines with others.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum Stacking {
    /// Applies together with every other applicable rule.
    #[default]
    Stackable,
    /// Of the applicable rules in `group`, only the best for the customer applies.
    Exclusive { group: String },
}

/// A loyalty tier, from the spend of the last 365 days (see [`tier_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Basic,
    Silver,
    Gold,
}

/// Silver from 30 000 ₽ a year, gold from 100 000 ₽.
pub fn tier_for(spend_365_minor: i64) -> Tier {
    match spend_365_minor {
        s if s >= 10_000_000 => Tier::Gold,
        s if s >= 3_000_000 => Tier::Silver,
        _ => Tier::Basic,
    }
}

/// A condition on the moment, the place, the shopper or the cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Between `from` and `to`, on `weekdays` (1 = Monday; empty = every day), between the local
    /// minutes of the day `from_minute`..`to_minute`, in the fixed offset `utc_offset_minutes`.
    Schedule {
        #[serde(default)]
        from: Option<DateTime<Utc>>,
        #[serde(default)]
        to: Option<DateTime<Utc>>,
        #[serde(default)]
        weekdays: Vec<u8>,
        #[serde(default)]
        from_minute: Option<u16>,
        #[serde(default)]
        to_minute: Option<u16>,
        #[serde(default = "moscow_offset")]
        utc_offset_minutes: i32,
    },
    Channels {
        channels: Vec<Channel>,
    },
    /// The shopper is at (kiosk) or picking up from one of these stores.
    Stores {
        stores: Vec<StoreId>,
    },
    /// The shopper's position is within `radius_m` of `center`.
    Near {
        center: GeoPoint,
        radius_m: u32,
    },
    Tiers {
        tiers: Vec<Tier>,
    },
    PointsAtLeast {
        points: i64,
    },
    SpendAtLeast {
        amount: Money,
        days: u32,
    },
    /// Orders in the last `days`: at least `min`, at most `max`.
    OrderCount {
        #[serde(default)]
        min: u32,
        #[serde(default)]
        max: Option<u32>,
        days: u32,
    },
    BoughtCategory {
        category: CategoryId,
        days: u32,
    },
    /// `new: true` = no orders yet; `false` = returning.
    NewCustomer {
        new: bool,
    },
    SignedIn {
        signed_in: bool,
    },
    SubtotalAtLeast {
        amount: Money,
    },
    ContainsSku {
        sku: Sku,
        #[serde(default = "one")]
        min_qty: u32,
    },
    ContainsCategory {
        category: CategoryId,
        #[serde(default = "one")]
        min_qty: u32,
    },
}

impl Condition {
    /// Whether the condition is about the cart (the offers list shows such rules as "add … to get").
    pub fn is_about_cart(&self) -> bool {
        matches!(self, Condition::SubtotalAtLeast { .. } | Condition::ContainsSku { .. } | Condition::ContainsCategory { .. })
    }
}

/// What a rule's discount applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    Cart,
    Sku { sku: Sku },
    Category { category: CategoryId },
}

/// The wire form of a [`Target`] read flat (`{"kind": "sku", "sku": "PHN-0001"}`), not through
/// serde's buffered internally-tagged enum decoder: the same JSON and the same refusals, a small
/// part of the code in the islands' WebAssembly.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatTarget {
    kind: String,
    sku: Option<Sku>,
    category: Option<CategoryId>,
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let FlatTarget { kind, sku, category } = FlatTarget::deserialize(d)?;
        match (kind.as_str(), sku, category) {
            ("cart", None, None) => Ok(Target::Cart),
            ("sku", Some(sku), None) => Ok(Target::Sku { sku }),
            ("category", None, Some(category)) => Ok(Target::Category { category }),
            ("cart", _, _) => Err(D::Error::custom("a cart target names no sku or category")),
            ("sku", None, _) => Err(D::Error::missing_field("sku")),
            ("sku", _, Some(_)) => Err(D::Error::unknown_field("category", &["kind", "sku"])),
            ("category", _, None) => Err(D::Error::missing_field("category")),
            ("category", Some(_), _) => Err(D::Error::unknown_field("sku", &["kind", "category"])),
            (other, _, _) => Err(D::Error::unknown_variant(other, &["cart", "sku", "category"])),
        }
    }
}

/// What a rule gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Effect {
    /// `percent` (0–100) off the target.
    PercentOff { target: Target, percent: Decimal },
    /// `amount` off the target's total, once per cart.
    AmountOff { target: Target, amount: Money },
    /// Of every `buy + get` units of the target, the `get` cheapest are free; repeats.
    BuyXGetY { target: Target, buy: u32, get: u32 },
    /// Delivery (or pickup-point delivery) costs nothing.
    FreeDelivery,
    /// Points earned on the order are multiplied by `factor` (e.g. 2).
    PointsMultiplier { factor: Decimal },
    /// `qty` of `sku` added free.
    Gift { sku: Sku, qty: u32 },
}

/// Usage limits, enforced atomically at checkout.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    #[serde(default)]
    pub per_customer: Option<u32>,
    #[serde(default)]
    pub total_uses: Option<u32>,
    /// Total discount the rule may give.
    #[serde(default)]
    pub budget: Option<Money>,
}

/// One of the shopper's past orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastOrder {
    pub at: DateTime<Utc>,
    pub total: Money,
    pub categories: Vec<CategoryId>,
}

/// Who is shopping, where and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shopper {
    pub customer_id: Option<String>,
    pub session_id: String,
    pub channel: Channel,
    pub store: Option<StoreId>,
    pub position: Option<GeoPoint>,
    pub now: DateTime<Utc>,
    pub points: i64,
    pub history: Vec<PastOrder>,
}

impl Shopper {
    /// The id A/B assignment and per-customer limits are keyed by.
    pub fn subject(&self) -> String {
        match &self.customer_id {
            Some(c) => format!("c:{c}"),
            None => format!("s:{}", self.session_id),
        }
    }
}

/// A cart line to price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub sku: Sku,
    pub category: CategoryId,
    pub qty: u32,
    pub unit_price: Money,
}

/// How much of a rule's limits is used (by everyone, and by this shopper).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    pub total_uses: u32,
    pub customer_uses: u32,
    pub spent_minor: i64,
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricedLine {
    pub sku: Sku,
    pub qty: u32,
    pub unit_price: Money,
    /// Total discount on this line from all applied rules.
    pub discount: Money,
    /// `unit_price × qty − discount`, never negative.
    pub total: Money,
    /// Added by a gift rule.
    pub gift: bool,
}

/// A rule that applied, with why and how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    pub rule_id: String,
    pub name: String,
    pub discount: Money,
    /// Orders placed before reasons were data keep an English sentence; it is read back as data.
    // The edge reads old orders' English sentences too and always writes reasons as data, so the
    // browser never meets a sentence and does without that parser.
    #[cfg_attr(not(all(target_arch = "wasm32", target_os = "unknown")), serde(deserialize_with = "typed_or_legacy_reason"))]
    pub reason: AppliedReason,
}

/// A reason as data (a map) or, from orders placed before reasons were data, an English sentence.
#[cfg_attr(all(target_arch = "wasm32", target_os = "unknown"), allow(dead_code))]
fn typed_or_legacy_reason<'de, D: serde::Deserializer<'de>>(d: D) -> Result<AppliedReason, D::Error> {
    struct Either;
    impl<'de> serde::de::Visitor<'de> for Either {
        type Value = AppliedReason;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an offer reason: an object with a code, or an English sentence")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<AppliedReason, E> {
            AppliedReason::from_legacy(text).ok_or_else(|| E::custom(format!("unknown offer reason {text:?}")))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<AppliedReason, A::Error> {
            AppliedReason::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(Either)
}

/// The wire form of an [`AppliedReason`] read flat (a code and the values it needs), not through
/// serde's buffered internally-tagged enum decoder: the same JSON, a small part of the code.
#[derive(Deserialize)]
struct FlatReason {
    code: String,
    #[cfg_attr(all(target_arch = "wasm32", target_os = "unknown"), serde(default, deserialize_with = "crate::money::decimal_text_opt"))]
    percent: Option<Decimal>,
    amount: Option<Money>,
    target: Option<Target>,
    buy: Option<u32>,
    get: Option<u32>,
    #[cfg_attr(all(target_arch = "wasm32", target_os = "unknown"), serde(default, deserialize_with = "crate::money::decimal_text_opt"))]
    factor: Option<Decimal>,
    sku: Option<Sku>,
    qty: Option<u32>,
}

impl<'de> Deserialize<'de> for AppliedReason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let r = FlatReason::deserialize(d)?;
        let need = |field: &'static str| D::Error::missing_field(field);
        Ok(match r.code.as_str() {
            "percent_off" => AppliedReason::PercentOff {
                percent: r.percent.ok_or_else(|| need("percent"))?,
                target: r.target.ok_or_else(|| need("target"))?,
            },
            "amount_off" => AppliedReason::AmountOff {
                amount: r.amount.ok_or_else(|| need("amount"))?,
                target: r.target.ok_or_else(|| need("target"))?,
            },
            "buy_x_get_y" => AppliedReason::BuyXGetY {
                buy: r.buy.ok_or_else(|| need("buy"))?,
                get: r.get.ok_or_else(|| need("get"))?,
                target: r.target.ok_or_else(|| need("target"))?,
            },
            "free_delivery" => AppliedReason::FreeDelivery,
            "points_multiplier" => AppliedReason::PointsMultiplier { factor: r.factor.ok_or_else(|| need("factor"))? },
            "gift" => AppliedReason::Gift { sku: r.sku.ok_or_else(|| need("sku"))?, qty: r.qty.ok_or_else(|| need("qty"))? },
            other => {
                return Err(D::Error::unknown_variant(
                    other,
                    &["percent_off", "amount_off", "buy_x_get_y", "free_delivery", "points_multiplier", "gift"],
                ))
            }
        })
    }
}

/// What an applied rule gives, as data: a code and its values, worded for the viewer by
/// [`crate::i18n::applied_text`] (e.g. `{"code": "percent_off", "percent": "10", "target": {"kind": "category", "category": "headphones"}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppliedReason {
    PercentOff { percent: Decimal, target: Target },
    AmountOff { amount: Money, target: Target },
    BuyXGetY { buy: u32, get: u32, target: Target },
    FreeDelivery,
    PointsMultiplier { factor: Decimal },
    Gift { sku: Sku, qty: u32 },
}

impl AppliedReason {
    /// Reads the English sentence the engine wrote before reasons were data (stored with orders
    /// placed then): "10% off category headphones: −998.00", "free delivery", "gift: 1 × ACC-0001"…
    pub fn from_legacy(text: &str) -> Option<Self> {
        let target = |t: &str| -> Option<Target> {
            Some(match t {
                "the cart" => Target::Cart,
                _ => match t.strip_prefix("category ") {
                    Some(c) => Target::Category { category: CategoryId::parse(c).ok()? },
                    None => Target::Sku { sku: Sku::parse(t).ok()? },
                },
            })
        };
        if text == "free delivery" {
            return Some(AppliedReason::FreeDelivery);
        }
        if let Some(factor) = text.strip_prefix('×').and_then(|t| t.strip_suffix(" points")) {
            return Some(AppliedReason::PointsMultiplier { factor: factor.parse().ok()? });
        }
        if let Some((qty, sku)) = text.strip_prefix("gift: ").and_then(|t| t.split_once(" × ")) {
            return Some(AppliedReason::Gift { sku: Sku::parse(sku).ok()?, qty: qty.parse().ok()? });
        }
        let (what, _discount) = text.rsplit_once(": −")?;
        if let Some(rest) = what.strip_prefix("buy ") {
            let (buy, rest) = rest.split_once(" get ")?;
            let (get, t) = rest.split_once(" free on ")?;
            return Some(AppliedReason::BuyXGetY { buy: buy.parse().ok()?, get: get.parse().ok()?, target: target(t)? });
        }
        let (amount, t) = what.split_once(" off ")?;
        match amount.strip_suffix('%') {
            Some(percent) => Some(AppliedReason::PercentOff { percent: percent.parse().ok()?, target: target(t)? }),
            None => Some(AppliedReason::AmountOff { amount: Money::parse_rub(amount).ok()?, target: target(t)? }),
        }
    }

    fn of(effect: &Effect) -> Self {
        match effect {
            Effect::PercentOff { target, percent } => AppliedReason::PercentOff { percent: *percent, target: target.clone() },
            Effect::AmountOff { target, amount } => AppliedReason::AmountOff { amount: *amount, target: target.clone() },
            Effect::BuyXGetY { target, buy, get } => AppliedReason::BuyXGetY { buy: *buy, get: *get, target: target.clone() },
            Effect::FreeDelivery => AppliedReason::FreeDelivery,
            Effect::PointsMultiplier { factor } => AppliedReason::PointsMultiplier { factor: *factor },
            Effect::Gift { sku, qty } => AppliedReason::Gift { sku: sku.clone(), qty: *qty },
        }
    }
}

/// A rule that did not apply, with the first reason (previews only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    pub rule_id: String,
    pub name: String,
    pub reason: RejectedReason,
    /// The failing condition's index in the rule, when a condition failed.
    pub condition: Option<usize>,
    /// Only cart conditions failed: adding to the cart could unlock it.
    pub cart_only: bool,
}

/// Why a rule did not apply, as data: a code and its values, worded for the viewer by
/// [`crate::i18n::rejected_text`] (e.g. `{"code": "not_on_weekday", "weekday": 3}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RejectedReason {
    /// The rule is switched off.
    Disabled,
    NotStarted,
    Ended,
    /// The moment is beyond the calendar's range.
    OutsideCalendar,
    /// Not on this weekday (1 = Monday … 7 = Sunday).
    NotOnWeekday {
        weekday: u8,
    },
    /// Only between these minutes of the local day.
    OnlyBetween {
        from_minute: u16,
        to_minute: u16,
    },
    NotForChannel {
        channel: Channel,
    },
    NotAtStore {
        store: StoreId,
    },
    /// Only in some stores, and the shopper is at none.
    OnlyInStores,
    TooFar {
        radius_m: u32,
    },
    NotForTier {
        tier: Tier,
    },
    NotEnoughPoints {
        needs: i64,
        has: i64,
    },
    NotEnoughSpend {
        spent: Money,
        needs: Money,
        days: u32,
    },
    /// The shopper's orders in the window are outside `min..=max`.
    OrderCount {
        orders: u32,
        min: u32,
        max: Option<u32>,
        days: u32,
    },
    NotBoughtCategory {
        category: CategoryId,
        days: u32,
    },
    OnlyFirstOrder,
    OnlyReturning,
    OnlySignedIn,
    OnlyGuests,
    SubtotalBelow {
        subtotal: Money,
        needs: Money,
    },
    NeedsSku {
        sku: Sku,
        min_qty: u32,
        has: u32,
    },
    NeedsCategory {
        category: CategoryId,
        min_qty: u32,
        has: u32,
    },
    /// The shopper is in the rule's A/B control group of `percent` %.
    ControlGroup {
        percent: u8,
    },
    PerCustomerUsed,
    AllUsesTaken,
    /// Another rule of the exclusive `group` gives more.
    OutdoneInGroup {
        group: String,
        winner: String,
        winner_name: String,
    },
    BudgetSpent,
    NothingInCart,
}

/// An A/B assignment: `test` gets the offer, `control` does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub rule_id: String,
    pub group: String,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priced {
    pub lines: Vec<PricedLine>,
    pub subtotal: Money,
    pub discount: Money,
    /// Goods after discounts (delivery is priced by checkout; see `free_delivery`).
    pub total: Money,
    pub free_delivery: bool,
    pub points_multiplier: Decimal,
    pub applied: Vec<Applied>,
    pub rejected: Vec<Rejected>,
    pub assignments: Vec<Assignment>,
}

/// Everything derived once per evaluation so each rule's check is cheap.
struct Facts<'a> {
    shopper: &'a Shopper,
    /// Past orders newest first, with running totals for windows.
    ages_days: Vec<i64>,
    running_minor: Vec<i64>,
    // Small (a cart has at most 50 lines, the catalog a few dozen categories): a linear scan of a
    // vector beats hashing here.
    last_bought: Vec<(&'a CategoryId, i64)>,
    sku_qty: Vec<(&'a Sku, u32)>,
    category_qty: Vec<(&'a CategoryId, u32)>,
    subtotal_minor: i64,
    tier: Tier,
}

impl<'a> Facts<'a> {
    fn new(shopper: &'a Shopper, items: &'a [Item]) -> Self {
        let mut history: Vec<&PastOrder> = shopper.history.iter().collect();
        history.sort_by_key(|o| std::cmp::Reverse(o.at));
        let now = shopper.now;
        let ages_days: Vec<i64> = history.iter().map(|o| (now - o.at).num_days()).collect();
        let mut running = 0;
        let running_minor = history
            .iter()
            .map(|o| {
                running += o.total.minor_units();
                running
            })
            .collect();
        let mut last_bought: Vec<(&CategoryId, i64)> = Vec::new();
        for (o, age) in history.iter().zip(&ages_days) {
            for c in &o.categories {
                if !last_bought.iter().any(|(k, _)| *k == c) {
                    last_bought.push((c, *age));
                }
            }
        }
        let mut sku_qty: Vec<(&Sku, u32)> = Vec::new();
        let mut category_qty: Vec<(&CategoryId, u32)> = Vec::new();
        let mut subtotal_minor = 0;
        for i in items {
            add(&mut sku_qty, &i.sku, i.qty);
            add(&mut category_qty, &i.category, i.qty);
            subtotal_minor += i.unit_price.minor_units() * i64::from(i.qty);
        }
        let mut facts = Facts { shopper, ages_days, running_minor, last_bought, sku_qty, category_qty, subtotal_minor, tier: Tier::Basic };
        facts.tier = tier_for(facts.window(365).1);
        facts
    }

    /// (orders, spend in minor units) within the last `days`.
    fn window(&self, days: u32) -> (u32, i64) {
        let n = self.ages_days.partition_point(|age| *age < i64::from(days));
        (u32::try_from(n).unwrap_or(u32::MAX), if n == 0 { 0 } else { self.running_minor[n - 1] })
    }
}

fn add<'a, K: PartialEq>(counts: &mut Vec<(&'a K, u32)>, key: &'a K, qty: u32) {
    match counts.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += qty,
        None => counts.push((key, qty)),
    }
}

fn count<K: PartialEq>(counts: &[(&K, u32)], key: &K) -> u32 {
    counts.iter().find(|(k, _)| *k == key).map_or(0, |(_, n)| *n)
}

impl Facts<'_> {
    /// `Ok` when the condition holds, else why not (`Err(None)` unless `explain`: the common path
    /// rejects hundreds of rules and must not build an explanation for each).
    fn check(&self, c: &Condition, explain: bool) -> Result<(), Option<RejectedReason>> {
        use RejectedReason as Why;
        let s = self.shopper;
        let fail = |ok: bool, why: &dyn Fn() -> Why| {
            if ok {
                Ok(())
            } else {
                Err(explain.then(why))
            }
        };
        match c {
            Condition::Schedule { from, to, weekdays, from_minute, to_minute, utc_offset_minutes } => {
                if from.is_some_and(|f| s.now < f) {
                    return fail(false, &|| Why::NotStarted);
                }
                if to.is_some_and(|t| s.now >= t) {
                    return fail(false, &|| Why::Ended);
                }
                let Some(local) = s.now.checked_add_signed(Duration::minutes(i64::from(*utc_offset_minutes))) else {
                    return fail(false, &|| Why::OutsideCalendar);
                };
                let weekday = local.weekday().number_from_monday() as u8;
                if !weekdays.is_empty() && !weekdays.contains(&weekday) {
                    return fail(false, &|| Why::NotOnWeekday { weekday });
                }
                let minute = (local.hour() * 60 + local.minute()) as u16;
                let start = from_minute.unwrap_or(0);
                let end = to_minute.unwrap_or(24 * 60);
                fail(start <= minute && minute < end, &|| Why::OnlyBetween { from_minute: start, to_minute: end })
            }
            Condition::Channels { channels } => fail(channels.contains(&s.channel), &|| Why::NotForChannel { channel: s.channel }),
            Condition::Stores { stores } => fail(s.store.as_ref().is_some_and(|st| stores.contains(st)), &|| match &s.store {
                Some(st) => Why::NotAtStore { store: st.clone() },
                None => Why::OnlyInStores,
            }),
            Condition::Near { center, radius_m } => {
                fail(s.position.is_some_and(|p| p.distance_m(center) <= *radius_m), &|| Why::TooFar { radius_m: *radius_m })
            }
            Condition::Tiers { tiers } => fail(tiers.contains(&self.tier), &|| Why::NotForTier { tier: self.tier }),
            Condition::PointsAtLeast { points } => fail(s.points >= *points, &|| Why::NotEnoughPoints { needs: *points, has: s.points }),
            Condition::SpendAtLeast { amount, days } => {
                let spent = self.window(*days).1;
                fail(spent >= amount.minor_units(), &|| Why::NotEnoughSpend {
                    spent: Money::from_minor_units(spent, amount.currency),
                    needs: *amount,
                    days: *days,
                })
            }
            Condition::OrderCount { min, max, days } => {
                let n = self.window(*days).0;
                fail(n >= *min && max.is_none_or(|m| n <= m), &|| Why::OrderCount { orders: n, min: *min, max: *max, days: *days })
            }
            Condition::BoughtCategory { category, days } => {
                fail(self.last_bought.iter().any(|(c, age)| *c == category && *age < i64::from(*days)), &|| Why::NotBoughtCategory {
                    category: category.clone(),
                    days: *days,
                })
            }
            Condition::NewCustomer { new } => {
                let is_new = s.history.is_empty();
                fail(is_new == *new, &|| if *new { Why::OnlyFirstOrder } else { Why::OnlyReturning })
            }
            Condition::SignedIn { signed_in } => {
                fail(s.customer_id.is_some() == *signed_in, &|| if *signed_in { Why::OnlySignedIn } else { Why::OnlyGuests })
            }
            Condition::SubtotalAtLeast { amount } => fail(self.subtotal_minor >= amount.minor_units(), &|| Why::SubtotalBelow {
                subtotal: Money::from_minor_units(self.subtotal_minor, amount.currency),
                needs: *amount,
            }),
            Condition::ContainsSku { sku, min_qty } => {
                let n = count(&self.sku_qty, sku);
                fail(n >= *min_qty, &|| Why::NeedsSku { sku: sku.clone(), min_qty: *min_qty, has: n })
            }
            Condition::ContainsCategory { category, min_qty } => {
                let n = count(&self.category_qty, category);
                fail(n >= *min_qty, &|| Why::NeedsCategory { category: category.clone(), min_qty: *min_qty, has: n })
            }
        }
    }
}

#[cfg(test)]
impl Facts<'_> {
    fn check_explained(&self, c: &Condition) -> Option<RejectedReason> {
        self.check(c, true).err().flatten()
    }
}

/// A stable bucket 0–99 for (rule, subject): FNV-1a, so assignments survive restarts and hosts.
pub fn bucket(rule_id: &str, subject: &str) -> u8 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rule_id.bytes().chain(std::iter::once(0)).chain(subject.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 100) as u8
}

fn matches(target: &Target, item: &Item) -> bool {
    match target {
        Target::Cart => true,
        Target::Sku { sku } => &item.sku == sku,
        Target::Category { category } => &item.category == category,
    }
}

/// Per-line discount (minor units) an effect gives on lines whose remaining totals are `left`.
fn discounts(effect: &Effect, items: &[Item], left: &[i64]) -> Vec<i64> {
    let mut out = vec![0_i64; items.len()];
    match effect {
        Effect::PercentOff { target, percent } => {
            // In hundredths of a percent, so the arithmetic stays in integers (validation allows
            // at most two decimals' worth of precision to matter); halves round away from zero.
            let bp = i64::try_from((*percent * Decimal::from(100)).round()).unwrap_or(0);
            for (i, item) in items.iter().enumerate() {
                if matches(target, item) {
                    out[i] = (i128::from(left[i]) * i128::from(bp) + 5_000).div_euclid(10_000) as i64;
                }
            }
        }
        Effect::AmountOff { target, amount } => {
            // Spread over the matching lines in proportion to what is left of them.
            let idx: Vec<usize> = (0..items.len()).filter(|i| matches(target, &items[*i]) && left[*i] > 0).collect();
            let base: i64 = idx.iter().map(|i| left[*i]).sum();
            let total = amount.minor_units().min(base);
            let mut given = 0;
            for (n, i) in idx.iter().enumerate() {
                let d = if n + 1 == idx.len() {
                    total - given
                } else {
                    (i128::from(total) * i128::from(left[*i]) / i128::from(base.max(1))) as i64
                };
                out[*i] = d;
                given += d;
            }
        }
        Effect::BuyXGetY { target, buy, get } => {
            // Units of the target, dearest first; in each group of buy + get, the last `get` are free.
            let mut units: Vec<(i64, usize)> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if matches(target, item) && item.qty > 0 {
                    let unit = left[i] / i64::from(item.qty);
                    units.extend(std::iter::repeat_n((unit, i), item.qty as usize));
                }
            }
            units.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let group = (buy + get) as usize;
            if group > 0 && *get > 0 {
                for chunk in units.chunks(group).filter(|c| c.len() == group) {
                    for (price, i) in &chunk[*buy as usize..] {
                        out[*i] += price;
                    }
                }
            }
        }
        Effect::FreeDelivery | Effect::PointsMultiplier { .. } | Effect::Gift { .. } => {}
    }
    for (d, l) in out.iter_mut().zip(left) {
        *d = (*d).clamp(0, (*l).max(0));
    }
    out
}

/// A rule set ready to evaluate: ordered by priority (high first) then id, one rule per id. Built
/// once per change of the rules (the edge caches it), so storage order never matters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleBook {
    rules: Vec<Rule>,
}

impl RuleBook {
    pub fn new(mut rules: Vec<Rule>) -> Self {
        rules.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.id.cmp(&b.id)));
        let mut seen = std::collections::HashSet::new();
        rules.retain(|r| seen.insert(r.id.clone()));
        RuleBook { rules }
    }
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
}

/// Prices `items` for `shopper` under the rules of `book`. `usage` is each rule's use so far (by
/// rule id); `explain` also lists every rule that did not apply and why (previews).
pub fn evaluate(book: &RuleBook, shopper: &Shopper, items: &[Item], usage: &HashMap<String, Usage>, explain: bool) -> Priced {
    let currency = items.first().map_or(Currency::Rub, |i| i.unit_price.currency);
    let facts = Facts::new(shopper, items);
    let subject = shopper.subject();
    let mut rejected = Vec::new();
    let mut assignments = Vec::new();
    // `reason` is `None` only when not explaining (see `Facts::check`).
    let reject = |rejected: &mut Vec<Rejected>, r: &Rule, reason: Option<RejectedReason>, condition: Option<usize>, cart_only: bool| {
        if let (true, Some(reason)) = (explain, reason) {
            rejected.push(Rejected { rule_id: r.id.clone(), name: r.name.clone(), reason, condition, cart_only });
        }
    };
    let mut candidates: Vec<&Rule> = Vec::new();
    'rules: for r in &book.rules {
        if !r.enabled {
            reject(&mut rejected, r, Some(RejectedReason::Disabled), None, false);
            continue;
        }
        let mut first_cart_failure: Option<(usize, Option<RejectedReason>)> = None;
        for (i, c) in r.conditions.iter().enumerate() {
            if let Err(why) = facts.check(c, explain) {
                if c.is_about_cart() {
                    // Keep looking: a non-cart failure is the real reason.
                    if first_cart_failure.is_none() {
                        first_cart_failure = Some((i, why));
                    }
                    continue;
                }
                reject(&mut rejected, r, why, Some(i), false);
                continue 'rules;
            }
        }
        if let Some((i, why)) = first_cart_failure {
            reject(&mut rejected, r, why, Some(i), true);
            continue;
        }
        if r.holdout_percent > 0 {
            let control = bucket(&r.id, &subject) < r.holdout_percent;
            assignments.push(Assignment { rule_id: r.id.clone(), group: if control { "control" } else { "test" }.into() });
            if control {
                reject(&mut rejected, r, Some(RejectedReason::ControlGroup { percent: r.holdout_percent }), None, false);
                continue;
            }
        }
        let used = usage.get(&r.id).copied().unwrap_or_default();
        if r.limits.per_customer.is_some_and(|n| used.customer_uses >= n) {
            reject(&mut rejected, r, Some(RejectedReason::PerCustomerUsed), None, false);
            continue;
        }
        if r.limits.total_uses.is_some_and(|n| used.total_uses >= n) {
            reject(&mut rejected, r, Some(RejectedReason::AllUsesTaken), None, false);
            continue;
        }
        candidates.push(r);
    }

    let base: Vec<i64> = items.iter().map(|i| i.unit_price.minor_units() * i64::from(i.qty)).collect();
    // Exclusive groups: keep the candidate worth most on its own (ties: priority, then id, by order).
    let mut best: HashMap<&str, (&Rule, i64)> = HashMap::new();
    for r in &candidates {
        if let Stacking::Exclusive { group } = &r.stacking {
            let value: i64 = discounts(&r.effect, items, &base).iter().sum();
            match best.get(group.as_str()) {
                Some((_, v)) if *v >= value => {}
                _ => {
                    best.insert(group.as_str(), (r, value));
                }
            }
        }
    }
    let mut left = base.clone();
    let mut line_discount = vec![0_i64; items.len()];
    let mut applied = Vec::new();
    let mut free_delivery = false;
    let mut points_multiplier = Decimal::ONE;
    let mut gifts: Vec<(Sku, u32)> = Vec::new();
    for r in candidates {
        if let Stacking::Exclusive { group } = &r.stacking {
            if let Some((winner, _)) = best.get(group.as_str()) {
                if winner.id != r.id {
                    let why = explain.then(|| RejectedReason::OutdoneInGroup {
                        group: group.clone(),
                        winner: winner.id.clone(),
                        winner_name: winner.name.clone(),
                    });
                    reject(&mut rejected, r, why, None, false);
                    continue;
                }
            }
        }
        let d = discounts(&r.effect, items, &left);
        let total: i64 = d.iter().sum();
        let used = usage.get(&r.id).copied().unwrap_or_default();
        if r.limits.budget.is_some_and(|b| used.spent_minor + total > b.minor_units()) {
            reject(&mut rejected, r, Some(RejectedReason::BudgetSpent), None, false);
            continue;
        }
        let gives_something = match &r.effect {
            Effect::FreeDelivery => {
                free_delivery = true;
                true
            }
            Effect::PointsMultiplier { factor } => {
                points_multiplier = points_multiplier.max(*factor);
                true
            }
            Effect::Gift { sku, qty } => {
                gifts.push((sku.clone(), *qty));
                true
            }
            _ => total > 0,
        };
        if !gives_something {
            reject(&mut rejected, r, Some(RejectedReason::NothingInCart), None, true);
            continue;
        }
        for (i, x) in d.iter().enumerate() {
            left[i] -= x;
            line_discount[i] += x;
        }
        applied.push(Applied {
            rule_id: r.id.clone(),
            name: r.name.clone(),
            discount: Money::from_minor_units(total, currency),
            reason: AppliedReason::of(&r.effect),
        });
    }
    let mut lines: Vec<PricedLine> = items
        .iter()
        .enumerate()
        .map(|(i, it)| PricedLine {
            sku: it.sku.clone(),
            qty: it.qty,
            unit_price: it.unit_price,
            discount: Money::from_minor_units(line_discount[i], currency),
            total: Money::from_minor_units(left[i], currency),
            gift: false,
        })
        .collect();
    for (sku, qty) in gifts {
        let zero = Money::from_minor_units(0, currency);
        lines.push(PricedLine { sku, qty, unit_price: zero, discount: zero, total: zero, gift: true });
    }
    let subtotal: i64 = base.iter().sum();
    let total: i64 = left.iter().sum();
    Priced {
        lines,
        subtotal: Money::from_minor_units(subtotal, currency),
        discount: Money::from_minor_units(subtotal - total, currency),
        total: Money::from_minor_units(total, currency),
        free_delivery,
        points_multiplier,
        applied,
        rejected,
        assignments,
    }
}

/// Why a rule cannot be saved; `field` is a JSON pointer into the rule, e.g. `/conditions/1/category`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct RuleError {
    pub field: String,
    pub problem: RuleProblem,
}

/// What is wrong at a rule's field: a code ([`RuleProblem::code`]) and its values
/// ([`RuleProblem::params`]), worded for the marketer by [`crate::i18n::rule_problem_text`]; the
/// `Display` text is the English one for API clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RuleProblem {
    /// The JSON does not have the rule format's shape here; `detail` is the parser's English account.
    #[error("{detail}")]
    Malformed { detail: String },
    #[error("use 2–40 characters a–z, 0–9 and '-'")]
    IdFormat,
    #[error("the rule's id must stay {id}")]
    IdChanged { id: String },
    #[error("this engine reads format {supported}")]
    UnsupportedFormat { supported: u32 },
    /// A text of `min`–`max` characters (a name, a description, a group).
    #[error("{min}–{max} characters")]
    Length { min: u32, max: u32 },
    #[error("a percentage from 0 to 100")]
    Percentage,
    #[error("at most {max}")]
    TooMany { max: u32 },
    #[error("there is no category {category}")]
    UnknownCategory { category: CategoryId },
    #[error("there is no product {sku}")]
    UnknownSku { sku: Sku },
    #[error("there is no store {store}")]
    UnknownStore { store: StoreId },
    #[error("an amount above zero")]
    NotPositive,
    /// An end that is not after its start (`to` and `from`, `to_minute` and `from_minute`).
    #[error("must be after the start")]
    EndBeforeStart,
    #[error("{weekday} is not a weekday (1 = Monday … 7 = Sunday)")]
    NotWeekday { weekday: u8 },
    #[error("minutes of the day, 0–1440")]
    MinuteOfDay,
    #[error("an offset between −840 and 840 minutes")]
    UtcOffset,
    /// An empty list of channels, stores or tiers.
    #[error("name at least one")]
    NoneChosen,
    #[error("latitude −90…90 and longitude −180…180")]
    Coordinates,
    #[error("a radius of 1 m to 500 km")]
    Radius,
    #[error("a window of 1–3650 days")]
    Days,
    #[error("must be at least min")]
    MaxBelowMin,
    /// A count or a limit of at least 1 (a limit is left out for none).
    #[error("at least 1")]
    AtLeastOne,
    #[error("a percentage above 0 and at most 100")]
    PercentOff,
    #[error("{min}–{max} units")]
    Units { min: u32, max: u32 },
    #[error("a multiplier above 1 and at most 10")]
    Multiplier,
}

impl RuleProblem {
    /// The stable code, as sent in an `invalid_rule` error's `problem` parameter.
    pub fn code(&self) -> &'static str {
        match self {
            RuleProblem::Malformed { .. } => "malformed",
            RuleProblem::IdFormat => "id_format",
            RuleProblem::IdChanged { .. } => "id_changed",
            RuleProblem::UnsupportedFormat { .. } => "unsupported_format",
            RuleProblem::Length { .. } => "length",
            RuleProblem::Percentage => "percentage",
            RuleProblem::TooMany { .. } => "too_many",
            RuleProblem::UnknownCategory { .. } => "unknown_category",
            RuleProblem::UnknownSku { .. } => "unknown_sku",
            RuleProblem::UnknownStore { .. } => "unknown_store",
            RuleProblem::NotPositive => "not_positive",
            RuleProblem::EndBeforeStart => "end_before_start",
            RuleProblem::NotWeekday { .. } => "not_weekday",
            RuleProblem::MinuteOfDay => "minute_of_day",
            RuleProblem::UtcOffset => "utc_offset",
            RuleProblem::NoneChosen => "none_chosen",
            RuleProblem::Coordinates => "coordinates",
            RuleProblem::Radius => "radius",
            RuleProblem::Days => "days",
            RuleProblem::MaxBelowMin => "max_below_min",
            RuleProblem::AtLeastOne => "at_least_one",
            RuleProblem::PercentOff => "percent_off",
            RuleProblem::Units { .. } => "units",
            RuleProblem::Multiplier => "multiplier",
        }
    }

    /// The values the problem names (the parser's English detail is not one: it stays in `message`).
    pub fn params(&self) -> Vec<(&'static str, crate::error::ParamValue)> {
        use crate::error::ParamValue as V;
        match self {
            RuleProblem::IdChanged { id } => vec![("id", V::from(id))],
            RuleProblem::UnsupportedFormat { supported } => vec![("supported", V::from(*supported))],
            RuleProblem::Length { min, max } | RuleProblem::Units { min, max } => vec![("min", V::from(*min)), ("max", V::from(*max))],
            RuleProblem::TooMany { max } => vec![("max", V::from(*max))],
            RuleProblem::UnknownCategory { category } => vec![("category", V::from(category))],
            RuleProblem::UnknownSku { sku } => vec![("sku", V::from(sku))],
            RuleProblem::UnknownStore { store } => vec![("store", V::from(store))],
            RuleProblem::NotWeekday { weekday } => vec![("weekday", V::from(u32::from(*weekday)))],
            _ => Vec::new(),
        }
    }
}

impl RuleError {
    /// The parameters of the `invalid_rule` error that refuses the rule: the `field` (a JSON
    /// pointer), the `reason` (the problem's [`RuleProblem::code`]) and the values the problem names.
    /// The app words an error from these (`i18n::error_text`), whether the server or the console
    /// found it.
    pub fn params(&self) -> crate::error::ErrorParams {
        let mut params = crate::error::ErrorParams::new();
        params.insert("field".to_owned(), self.field.as_str().into());
        params.insert("reason".to_owned(), self.problem.code().into());
        for (name, value) in self.problem.params() {
            params.insert(name.to_owned(), value);
        }
        params
    }
}

fn rule_error(field: impl Into<String>, problem: RuleProblem) -> RuleError {
    RuleError { field: field.into(), problem }
}

/// What a rule may refer to.
pub struct Known<'a> {
    pub categories: &'a [CategoryId],
    pub stores: &'a [StoreId],
    pub skus: &'a dyn Fn(&Sku) -> bool,
}

/// Checks a parsed rule's values and references. Every error names the field to fix.
pub fn validate(rule: &Rule, known: &Known<'_>) -> Result<(), RuleError> {
    let id_ok = (2..=40).contains(&rule.id.len()) && rule.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(rule_error("/id", RuleProblem::IdFormat));
    }
    if rule.format != RULE_FORMAT {
        return Err(rule_error("/format", RuleProblem::UnsupportedFormat { supported: RULE_FORMAT }));
    }
    let name = rule.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(rule_error("/name", RuleProblem::Length { min: 1, max: 120 }));
    }
    if rule.description.chars().count() > 1000 {
        return Err(rule_error("/description", RuleProblem::Length { min: 0, max: 1000 }));
    }
    if rule.holdout_percent > 100 {
        return Err(rule_error("/holdout_percent", RuleProblem::Percentage));
    }
    if let Stacking::Exclusive { group } = &rule.stacking {
        if group.trim().is_empty() || group.len() > 40 {
            return Err(rule_error("/stacking/group", RuleProblem::Length { min: 1, max: 40 }));
        }
    }
    if rule.conditions.len() > 20 {
        return Err(rule_error("/conditions", RuleProblem::TooMany { max: 20 }));
    }
    let category = |c: &CategoryId, at: String| {
        if known.categories.contains(c) {
            Ok(())
        } else {
            Err(rule_error(at, RuleProblem::UnknownCategory { category: c.clone() }))
        }
    };
    let sku = |s: &Sku, at: String| if (known.skus)(s) { Ok(()) } else { Err(rule_error(at, RuleProblem::UnknownSku { sku: s.clone() })) };
    let positive_money = |m: &Money, at: String| {
        // At least one kopeck once rounded by the one rule.
        if Money::new(m.amount, m.currency).minor_units() > 0 {
            Ok(())
        } else {
            Err(rule_error(at, RuleProblem::NotPositive))
        }
    };
    for (i, c) in rule.conditions.iter().enumerate() {
        let at = |f: &str| format!("/conditions/{i}/{f}");
        match c {
            Condition::Schedule { from, to, weekdays, from_minute, to_minute, utc_offset_minutes } => {
                if let (Some(f), Some(t)) = (from, to) {
                    if f >= t {
                        return Err(rule_error(at("to"), RuleProblem::EndBeforeStart));
                    }
                }
                if let Some(w) = weekdays.iter().find(|w| !(1..=7).contains(*w)) {
                    return Err(rule_error(at("weekdays"), RuleProblem::NotWeekday { weekday: *w }));
                }
                for (name, m) in [("from_minute", from_minute), ("to_minute", to_minute)] {
                    if m.is_some_and(|m| m > 24 * 60) {
                        return Err(rule_error(at(name), RuleProblem::MinuteOfDay));
                    }
                }
                if from_minute.unwrap_or(0) >= to_minute.unwrap_or(24 * 60) {
                    return Err(rule_error(at("to_minute"), RuleProblem::EndBeforeStart));
                }
                if utc_offset_minutes.abs() > 14 * 60 {
                    return Err(rule_error(at("utc_offset_minutes"), RuleProblem::UtcOffset));
                }
            }
            Condition::Channels { channels } if channels.is_empty() => return Err(rule_error(at("channels"), RuleProblem::NoneChosen)),
            Condition::Stores { stores } => {
                if stores.is_empty() {
                    return Err(rule_error(at("stores"), RuleProblem::NoneChosen));
                }
                if let Some((j, s)) = stores.iter().enumerate().find(|(_, s)| !known.stores.contains(s)) {
                    return Err(rule_error(format!("/conditions/{i}/stores/{j}"), RuleProblem::UnknownStore { store: s.clone() }));
                }
            }
            Condition::Near { center, radius_m } => {
                if GeoPoint::new(center.lat, center.lon).is_err() {
                    return Err(rule_error(at("center"), RuleProblem::Coordinates));
                }
                if *radius_m == 0 || *radius_m > 500_000 {
                    return Err(rule_error(at("radius_m"), RuleProblem::Radius));
                }
            }
            Condition::Tiers { tiers } if tiers.is_empty() => return Err(rule_error(at("tiers"), RuleProblem::NoneChosen)),
            Condition::SpendAtLeast { amount, days } => {
                positive_money(amount, at("amount"))?;
                if *days == 0 || *days > 3650 {
                    return Err(rule_error(at("days"), RuleProblem::Days));
                }
            }
            Condition::OrderCount { min, max, days } => {
                if max.is_some_and(|m| m < *min) {
                    return Err(rule_error(at("max"), RuleProblem::MaxBelowMin));
                }
                if *days == 0 || *days > 3650 {
                    return Err(rule_error(at("days"), RuleProblem::Days));
                }
            }
            Condition::BoughtCategory { category: c, days } => {
                category(c, at("category"))?;
                if *days == 0 || *days > 3650 {
                    return Err(rule_error(at("days"), RuleProblem::Days));
                }
            }
            Condition::SubtotalAtLeast { amount } => positive_money(amount, at("amount"))?,
            Condition::ContainsSku { sku: s, min_qty } => {
                sku(s, at("sku"))?;
                if *min_qty == 0 {
                    return Err(rule_error(at("min_qty"), RuleProblem::AtLeastOne));
                }
            }
            Condition::ContainsCategory { category: c, min_qty } => {
                category(c, at("category"))?;
                if *min_qty == 0 {
                    return Err(rule_error(at("min_qty"), RuleProblem::AtLeastOne));
                }
            }
            _ => {}
        }
    }
    let target = |t: &Target| match t {
        Target::Cart => Ok(()),
        Target::Sku { sku: s } => sku(s, "/effect/target/sku".into()),
        Target::Category { category: c } => category(c, "/effect/target/category".into()),
    };
    match &rule.effect {
        Effect::PercentOff { target: t, percent } => {
            target(t)?;
            if *percent <= Decimal::ZERO || *percent > Decimal::from(100) {
                return Err(rule_error("/effect/percent", RuleProblem::PercentOff));
            }
        }
        Effect::AmountOff { target: t, amount } => {
            target(t)?;
            positive_money(amount, "/effect/amount".into())?;
        }
        Effect::BuyXGetY { target: t, buy, get } => {
            target(t)?;
            if *buy == 0 || *buy > 100 {
                return Err(rule_error("/effect/buy", RuleProblem::Units { min: 1, max: 100 }));
            }
            if *get == 0 || *get > 100 {
                return Err(rule_error("/effect/get", RuleProblem::Units { min: 1, max: 100 }));
            }
        }
        Effect::FreeDelivery => {}
        Effect::PointsMultiplier { factor } => {
            if *factor <= Decimal::ONE || *factor > Decimal::from(10) {
                return Err(rule_error("/effect/factor", RuleProblem::Multiplier));
            }
        }
        Effect::Gift { sku: s, qty } => {
            sku(s, "/effect/sku".into())?;
            if *qty == 0 || *qty > 10 {
                return Err(rule_error("/effect/qty", RuleProblem::Units { min: 1, max: 10 }));
            }
        }
    }
    if let Some(b) = &rule.limits.budget {
        positive_money(b, "/limits/budget".into())?;
    }
    for (name, v) in [("per_customer", rule.limits.per_customer), ("total_uses", rule.limits.total_uses)] {
        if v == Some(0) {
            return Err(rule_error(format!("/limits/{name}"), RuleProblem::AtLeastOne));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn rub(s: &str) -> Money {
        Money::parse_rub(s).unwrap()
    }
    fn cat(s: &str) -> CategoryId {
        CategoryId::parse(s).unwrap()
    }
    fn sku(s: &str) -> Sku {
        Sku::parse(s).unwrap()
    }
    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn shopper() -> Shopper {
        Shopper {
            customer_id: Some("anna".into()),
            session_id: "s1".into(),
            channel: Channel::Web,
            store: None,
            position: None,
            now: at("2026-11-25T09:00:00Z"),
            points: 0,
            history: vec![],
        }
    }

    fn cart() -> Vec<Item> {
        vec![
            Item { sku: sku("PHN-0001"), category: cat("smartphones"), qty: 1, unit_price: rub("30000") },
            Item { sku: sku("AUD-0001"), category: cat("headphones"), qty: 2, unit_price: rub("5000") },
        ]
    }

    fn rule(id: &str, effect: Effect) -> Rule {
        Rule {
            id: id.into(),
            format: RULE_FORMAT,
            name: id.into(),
            description: String::new(),
            enabled: true,
            priority: 0,
            stacking: Stacking::Stackable,
            conditions: vec![],
            effect,
            limits: Limits::default(),
            holdout_percent: 0,
        }
    }

    fn pct(target: Target, p: &str) -> Effect {
        Effect::PercentOff { target, percent: Decimal::from_str(p).unwrap() }
    }

    #[test]
    fn ten_percent_off_a_category_for_the_kiosk_channel_only() {
        let mut r = rule("kiosk-10", pct(Target::Category { category: cat("headphones") }, "10"));
        r.conditions.push(Condition::Channels { channels: vec![Channel::Kiosk] });
        let none = HashMap::new();
        let web = evaluate(&RuleBook::new(vec![r.clone()]), &shopper(), &cart(), &none, true);
        assert_eq!(web.total, rub("40000"));
        assert_eq!(web.rejected[0].reason, RejectedReason::NotForChannel { channel: Channel::Web });
        let kiosk = evaluate(&RuleBook::new(vec![r]), &Shopper { channel: Channel::Kiosk, ..shopper() }, &cart(), &none, false);
        assert_eq!(kiosk.total, rub("39000"));
        assert_eq!(kiosk.lines[1].discount, rub("1000"));
        let headphones = Target::Category { category: cat("headphones") };
        assert_eq!(kiosk.applied[0].reason, AppliedReason::PercentOff { percent: Decimal::from(10), target: headphones });
    }

    #[test]
    fn an_order_stored_with_an_english_reason_reads_back_as_data() {
        // Regression: orders placed before reasons were typed stored sentences such as these.
        let read = |reason: &str| {
            let json = serde_json::json!({"rule_id": "r", "name": "r", "discount": rub("1"), "reason": reason});
            serde_json::from_value::<Applied>(json).map(|a| a.reason).ok()
        };
        let headphones = Target::Category { category: cat("headphones") };
        assert_eq!(
            read("10% off category headphones: −998.00"),
            Some(AppliedReason::PercentOff { percent: Decimal::from(10), target: headphones.clone() })
        );
        assert_eq!(read("1000 off the cart: −1000.00"), Some(AppliedReason::AmountOff { amount: rub("1000"), target: Target::Cart }));
        assert_eq!(
            read("buy 2 get 1 free on category headphones: −465.50"),
            Some(AppliedReason::BuyXGetY { buy: 2, get: 1, target: headphones })
        );
        let phone = Target::Sku { sku: sku("PHN-0001") };
        assert_eq!(read("5.5% off PHN-0001: −10.00"), Some(AppliedReason::PercentOff { percent: Decimal::new(55, 1), target: phone }));
        assert_eq!(read("free delivery"), Some(AppliedReason::FreeDelivery));
        assert_eq!(read("×2 points"), Some(AppliedReason::PointsMultiplier { factor: Decimal::from(2) }));
        assert_eq!(read("gift: 1 × ACC-0001"), Some(AppliedReason::Gift { sku: sku("ACC-0001"), qty: 1 }));
        assert_eq!(read("something else"), None);
    }

    #[test]
    fn buy_two_get_one_free_repeats_and_gives_the_cheapest() {
        let items = vec![
            Item { sku: sku("AUD-0001"), category: cat("headphones"), qty: 4, unit_price: rub("1000") },
            Item { sku: sku("AUD-0002"), category: cat("headphones"), qty: 2, unit_price: rub("500") },
        ];
        let r = rule("b2g1", Effect::BuyXGetY { target: Target::Category { category: cat("headphones") }, buy: 2, get: 1 });
        let p = evaluate(&RuleBook::new(vec![r]), &shopper(), &items, &HashMap::new(), false);
        // Units 1000,1000,1000 | 1000,500,500 → free: 1000 and 500.
        assert_eq!(p.discount, rub("1500"));
    }

    #[test]
    fn the_best_rule_of_an_exclusive_group_wins_and_stackable_rules_add_up() {
        let mut a = rule("a-5pct", pct(Target::Cart, "5"));
        a.stacking = Stacking::Exclusive { group: "welcome".into() };
        let mut b = rule("b-1000", Effect::AmountOff { target: Target::Cart, amount: rub("1000") });
        b.stacking = Stacking::Exclusive { group: "welcome".into() };
        let c = rule("c-phones", pct(Target::Sku { sku: sku("PHN-0001") }, "10"));
        let p = evaluate(&RuleBook::new(vec![a, b, c]), &shopper(), &cart(), &HashMap::new(), true);
        let ids: Vec<&str> = p.applied.iter().map(|x| x.rule_id.as_str()).collect();
        assert_eq!(ids, ["a-5pct", "c-phones"], "5% of 40 000 beats 1 000");
        let outdone = RejectedReason::OutdoneInGroup { group: "welcome".into(), winner: "a-5pct".into(), winner_name: "a-5pct".into() };
        assert!(p.rejected.iter().any(|r| r.rule_id == "b-1000" && r.reason == outdone), "{:?}", p.rejected);
    }

    #[test]
    fn discounts_never_take_a_price_below_zero() {
        let big = rule("big", Effect::AmountOff { target: Target::Cart, amount: rub("999999") });
        let all = rule("all", pct(Target::Cart, "100"));
        let p = evaluate(&RuleBook::new(vec![big, all]), &shopper(), &cart(), &HashMap::new(), false);
        assert_eq!(p.total, rub("0"));
        assert!(p.lines.iter().all(|l| l.total.amount >= Decimal::ZERO));
    }

    #[test]
    fn segment_conditions_read_the_customers_history() {
        let mut s = shopper();
        s.history = vec![
            PastOrder { at: at("2026-11-01T10:00:00Z"), total: rub("20000"), categories: vec![cat("laptops")] },
            PastOrder { at: at("2025-01-01T10:00:00Z"), total: rub("90000"), categories: vec![cat("tv")] },
        ];
        let f = Facts::new(&s, &[]);
        assert_eq!(f.check_explained(&Condition::SpendAtLeast { amount: rub("20000"), days: 30 }), None);
        assert!(f.check_explained(&Condition::SpendAtLeast { amount: rub("20001"), days: 30 }).is_some());
        assert_eq!(f.check_explained(&Condition::OrderCount { min: 2, max: None, days: 1000 }), None);
        assert_eq!(f.check_explained(&Condition::BoughtCategory { category: cat("laptops"), days: 60 }), None);
        assert!(f.check_explained(&Condition::BoughtCategory { category: cat("tv"), days: 60 }).is_some());
        assert_eq!(f.check_explained(&Condition::NewCustomer { new: false }), None);
        assert_eq!(f.tier, Tier::Basic, "only 20 000 in the last year");
    }

    #[test]
    fn schedules_use_the_local_weekday_and_hours() {
        // 2026-11-25 09:00 UTC is a Wednesday, 12:00 in Moscow.
        let f_s = shopper();
        let f = Facts::new(&f_s, &[]);
        let lunch = Condition::Schedule {
            from: None,
            to: None,
            weekdays: vec![3],
            from_minute: Some(11 * 60),
            to_minute: Some(13 * 60),
            utc_offset_minutes: 180,
        };
        assert_eq!(f.check_explained(&lunch), None);
        let evening = Condition::Schedule {
            from: None,
            to: None,
            weekdays: vec![],
            from_minute: Some(18 * 60),
            to_minute: None,
            utc_offset_minutes: 180,
        };
        assert!(f.check_explained(&evening).is_some());
        let ended = Condition::Schedule {
            from: None,
            to: Some(at("2026-11-01T00:00:00Z")),
            weekdays: vec![],
            from_minute: None,
            to_minute: None,
            utc_offset_minutes: 180,
        };
        assert_eq!(f.check_explained(&ended), Some(RejectedReason::Ended));
    }

    #[test]
    fn limits_and_holdouts_are_explained() {
        let mut r = rule("once", pct(Target::Cart, "10"));
        r.limits.per_customer = Some(1);
        let used = HashMap::from([("once".to_owned(), Usage { total_uses: 5, customer_uses: 1, spent_minor: 0 })]);
        let p = evaluate(&RuleBook::new(vec![r]), &shopper(), &cart(), &used, true);
        assert!(p.applied.is_empty());
        assert_eq!(p.rejected[0].reason, RejectedReason::PerCustomerUsed);
        let mut h = rule("ab", pct(Target::Cart, "10"));
        h.holdout_percent = 100;
        let p = evaluate(&RuleBook::new(vec![h]), &shopper(), &cart(), &HashMap::new(), true);
        assert_eq!(p.assignments, vec![Assignment { rule_id: "ab".into(), group: "control".into() }]);
    }

    #[test]
    fn holdout_buckets_are_stable_and_roughly_uniform() {
        assert_eq!(bucket("r", "c:1"), bucket("r", "c:1"));
        let in_control = (0..10_000).filter(|i| bucket("rule-x", &format!("c:{i}")) < 20).count();
        assert!((1_700..2_300).contains(&in_control), "{in_control}");
    }

    #[test]
    fn validation_points_at_the_field() {
        let cats = [cat("smartphones")];
        let stores = [StoreId::parse("msk-tverskaya").unwrap()];
        let known = Known { categories: &cats, stores: &stores, skus: &|s: &Sku| s.as_str() == "PHN-0001" };
        let mut r = rule("ok-rule", pct(Target::Category { category: cat("nope") }, "10"));
        assert_eq!(validate(&r, &known).unwrap_err().field, "/effect/target/category");
        r.effect = pct(Target::Cart, "150");
        assert_eq!(validate(&r, &known).unwrap_err().field, "/effect/percent");
        r.effect = pct(Target::Cart, "10");
        r.conditions = vec![
            Condition::Channels { channels: vec![Channel::Web] },
            Condition::Stores { stores: vec![StoreId::parse("spb-x").unwrap()] },
        ];
        assert_eq!(validate(&r, &known).unwrap_err().field, "/conditions/1/stores/0");
        r.conditions.clear();
        assert_eq!(validate(&r, &known), Ok(()));
        r.id = "Bad Id".into();
        assert_eq!(validate(&r, &known).unwrap_err().field, "/id");
    }

    #[test]
    fn rules_are_json_with_typed_tagged_fields() {
        let json = r#"{"id": "kiosk-10", "name": "10% в киоске", "priority": 5,
            "conditions": [{"type": "channels", "channels": ["kiosk"]}, {"type": "stores", "stores": ["msk-tverskaya"]}],
            "effect": {"type": "percent_off", "target": {"kind": "category", "category": "headphones"}, "percent": "10"}}"#;
        let r: Rule = serde_json::from_str(json).unwrap();
        assert_eq!(r.format, RULE_FORMAT);
        assert!(r.enabled);
        assert!(serde_json::from_str::<Rule>(&json.replace("percent_off", "half_off")).is_err());
    }

    fn arb_rule() -> impl Strategy<Value = Rule> {
        (0_u8..40, -3_i32..3, 0_u8..4, 1_u32..60, prop::bool::ANY, 0_u8..3).prop_map(|(id, priority, kind, n, exclusive, cond)| {
            let target = match n % 3 {
                0 => Target::Cart,
                1 => Target::Category { category: cat("headphones") },
                _ => Target::Sku { sku: sku("PHN-0001") },
            };
            let effect = match kind {
                0 => Effect::PercentOff { target, percent: Decimal::from(n) },
                1 => Effect::AmountOff { target, amount: Money::from_minor_units(i64::from(n) * 10_000, Currency::Rub) },
                2 => Effect::BuyXGetY { target, buy: n % 3 + 1, get: 1 },
                _ => Effect::FreeDelivery,
            };
            let mut r = rule(&format!("r{id}"), effect);
            r.priority = priority;
            if exclusive {
                r.stacking = Stacking::Exclusive { group: format!("g{}", n % 2) };
            }
            if cond == 1 {
                r.conditions.push(Condition::SubtotalAtLeast { amount: Money::from_minor_units(i64::from(n) * 100_000, Currency::Rub) });
            }
            if cond == 2 {
                r.conditions.push(Condition::Channels { channels: vec![Channel::Web] });
            }
            r
        })
    }

    proptest! {
        #[test]
        fn storage_order_does_not_change_the_result(rules in prop::collection::vec(arb_rule(), 0..12), seed in any::<u64>()) {
            // Stored rules have unique ids.
            let rules: Vec<Rule> = rules.into_iter().enumerate().map(|(i, r)| Rule { id: format!("u{i}-{}", r.id), ..r }).collect();
            let mut shuffled = rules.clone();
            // A deterministic shuffle from the seed.
            let n = shuffled.len();
            for i in (1..n).rev() {
                let j = (seed.wrapping_mul(i as u64 + 7) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
            let none = HashMap::new();
            prop_assert_eq!(evaluate(&RuleBook::new(rules.clone()), &shopper(), &cart(), &none, true), evaluate(&RuleBook::new(shuffled), &shopper(), &cart(), &none, true));
        }

        #[test]
        fn applying_a_rule_set_twice_equals_once(rules in prop::collection::vec(arb_rule(), 0..12)) {
            let twice: Vec<Rule> = rules.iter().chain(&rules).cloned().collect();
            let none = HashMap::new();
            prop_assert_eq!(evaluate(&RuleBook::new(twice), &shopper(), &cart(), &none, true), evaluate(&RuleBook::new(rules.clone()), &shopper(), &cart(), &none, true));
        }

        #[test]
        fn the_total_is_never_negative_and_discounts_add_up(rules in prop::collection::vec(arb_rule(), 0..12)) {
            let p = evaluate(&RuleBook::new(rules.clone()), &shopper(), &cart(), &HashMap::new(), false);
            prop_assert!(p.total.amount >= Decimal::ZERO);
            prop_assert!(p.lines.iter().all(|l| l.total.amount >= Decimal::ZERO && l.discount.amount >= Decimal::ZERO));
            let applied: Decimal = p.applied.iter().map(|a| a.discount.amount).sum();
            prop_assert_eq!(applied, p.discount.amount);
            prop_assert_eq!(p.subtotal.amount - p.discount.amount, p.total.amount);
        }
    }
}

#[cfg(test)]
mod wire_tests {
    use super::*;
    use serde_json::json;

    fn money(amount: &str) -> Money {
        Money::parse_rub(amount).expect("an amount in roubles")
    }

    #[test]
    fn every_reason_and_target_reads_back_what_it_wrote() {
        let phone = Sku::parse("PHN-0001").expect("sku");
        let audio = CategoryId::parse("headphones").expect("category");
        let reasons = [
            AppliedReason::PercentOff { percent: "10".parse().expect("decimal"), target: Target::Category { category: audio } },
            AppliedReason::AmountOff { amount: money("500.00"), target: Target::Cart },
            AppliedReason::BuyXGetY { buy: 2, get: 1, target: Target::Sku { sku: phone.clone() } },
            AppliedReason::FreeDelivery,
            AppliedReason::PointsMultiplier { factor: "1.5".parse().expect("decimal") },
            AppliedReason::Gift { sku: phone, qty: 1 },
        ];
        for reason in reasons {
            let applied = Applied { rule_id: "r1".into(), name: "n".into(), discount: money("1.00"), reason };
            let text = serde_json::to_string(&applied).expect("json");
            assert_eq!(serde_json::from_str::<Applied>(&text).expect("reads back"), applied, "{text}");
        }
    }

    #[test]
    fn a_legacy_sentence_still_reads_as_a_reason() {
        let applied: Applied = serde_json::from_value(
            json!({"rule_id": "r", "name": "n", "discount": {"amount": "0", "currency": "RUB"}, "reason": "free delivery"}),
        )
        .expect("legacy");
        assert_eq!(applied.reason, AppliedReason::FreeDelivery);
    }

    #[test]
    fn targets_refuse_unknown_kinds_fields_and_missing_values() {
        for bad in [
            json!({"kind": "shelf"}),
            json!({"kind": "sku"}),
            json!({"kind": "category", "sku": "PHN-0001", "category": "phones"}),
            json!({"kind": "cart", "sku": "PHN-0001"}),
            json!({"kind": "cart", "colour": "red"}),
            json!({"sku": "PHN-0001"}),
        ] {
            assert!(serde_json::from_value::<Target>(bad.clone()).is_err(), "{bad} must be refused");
        }
        assert!(serde_json::from_value::<AppliedReason>(json!({"code": "percent_off", "percent": "10"})).is_err(), "no target");
        assert!(serde_json::from_value::<AppliedReason>(json!({"code": "half_price"})).is_err(), "unknown code");
    }
}
